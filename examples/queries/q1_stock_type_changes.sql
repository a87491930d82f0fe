-- Q1: how many times did a given user change stock type? Deletes count too:
-- a delete turns holding_stock from a value into NULL.
--
--   psql -d DBNAME -v user_id=2 -f examples/queries/q1_stock_type_changes.sql
--
-- user_id has no default and must be given with -v. Try user_id=2: after
-- examples/walkthrough.sql the answer is 1 (user 2's SP500 holding was deleted).
--
-- The seed's query compared old_value <> new_value. That comparison is NULL,
-- and so the row is not counted, when new_value is NULL, which drops the
-- deletes it meant to include. IS DISTINCT FROM counts them.
-- Inserts (old_value NULL) are not changes and are left out.

SELECT count(*) AS stock_type_changes
  FROM holding_pivot
 WHERE change_field = 'holding_stock'
   AND old_value IS NOT NULL
   AND old_value IS DISTINCT FROM new_value
   AND user_id = :'user_id';
