-- Q3: between date1 and date2, which stock was sold most often, over all users?
--
--   psql -d DBNAME -v date1='2024-01-01' -v date2='2024-12-31 23:59:59' \
--        -f examples/queries/q3_most_sold_stock.sql
--
-- date1 and date2 have no defaults and must be given with -v. Any text that
-- PostgreSQL reads as a timestamp will do, and both ends are inclusive. To
-- cover everything, use -v date1='-infinity' -v date2='infinity'. After
-- examples/walkthrough.sql the answer is SP500, sold twice (both deleted).
--
-- A stock counts as sold when a holding's holding_stock changes away from it,
-- or when the holding is deleted (new_value NULL). A change is timed by
-- datetime_deleted for deletes and by datetime_updated otherwise.
-- Compared with the seed's query, this one keeps only change_field =
-- 'holding_stock' (without that filter, quantities were counted as stock
-- names), counts deletes (see q1), and breaks ties by stock name.

SELECT old_value AS stock,
       count(*)  AS times_sold
  FROM holding_pivot
 WHERE change_field = 'holding_stock'
   AND old_value IS NOT NULL
   AND old_value IS DISTINCT FROM new_value
   AND coalesce(datetime_deleted, datetime_updated) BETWEEN :'date1' AND :'date2'
 GROUP BY old_value
 ORDER BY count(*) DESC, old_value
 LIMIT 1;
