-- Q2: how many times did a given user change stock quantity?
--
--   psql -d DBNAME -v user_id=1 -f examples/queries/q2_quantity_changes.sql
--
-- user_id has no default and must be given with -v. Try user_id=1: after
-- examples/walkthrough.sql the answer is 1 (holding 1000: 10 -> 100).
--
-- As in the seed, only updates count. Inserts have no old_value, and deletes
-- have no new_value (old_value <> NULL is NULL, so the row is not counted). To
-- count deletes as well, use "old_value IS DISTINCT FROM new_value".

SELECT count(*) AS quantity_changes
  FROM holding_pivot
 WHERE change_field = 'holding_quantity'
   AND old_value IS NOT NULL
   AND old_value <> new_value
   AND user_id = :'user_id';
