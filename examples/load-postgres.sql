-- Load a cdcpivot CSV file (written without --header) into PostgreSQL.
--
--   psql -d DBNAME -v ON_ERROR_STOP=1 -v file=holding-pivot.txt -f examples/load-postgres.sql
--
-- file is read by psql on the client side (\copy), so it is a path on the
-- machine where psql runs. A relative path is taken from psql's working
-- directory. To read psql's standard input instead, give the script as a
-- file and use -v file=/dev/stdin:
--   cat holding-pivot-*.txt | psql -d DBNAME -v file=/dev/stdin -f examples/load-postgres.sql
--
-- CSV NULL handling is cdcpivot's: an empty unquoted field is NULL, and ""
-- is the empty string. FORMAT csv reads both that way. For a file written
-- with --header, add HEADER true to the options below.
--
-- Kafka and Debezium deliver at least once, so after a restart an event may
-- appear twice, with a different datetime_inserted (when cdcpivot wrote it).
-- For loading that absorbs replays, let cdcpivot write SQL instead:
--   cdcpivot --format sql --upsert --ddl --id holding_id,user_id --meta lsn ... | psql
-- or deduplicate here on every column but datetime_inserted.

CREATE TABLE IF NOT EXISTS holding_pivot (
    holding_id        int,
    user_id           int,
    change_field      text,
    old_value         text,
    new_value         text,
    datetime_created  timestamp,
    datetime_updated  timestamp,
    datetime_deleted  timestamp,
    datetime_inserted timestamp,
    crud_type         char(1)
);

-- \copy does not expand psql variables in its arguments, so build the
-- command in a variable (:'file' quotes the path as an SQL literal) and run it.
\set load_cmd '\\copy holding_pivot FROM ' :'file' ' WITH (FORMAT csv)'
:load_cmd
