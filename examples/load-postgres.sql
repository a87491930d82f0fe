-- Load a cdcpivot file written with --format tsv (and without --header)
-- into PostgreSQL.
--
--   cdcpivot --format tsv --id holding_id,user_id ... >> holding-pivot.tsv
--   psql -d DBNAME -v ON_ERROR_STOP=1 -v file=holding-pivot.tsv -f examples/load-postgres.sql
--
-- Why TSV and not CSV: cdcpivot's --format tsv is COPY's own text format
-- (NULL is \N, backslash, tab, newline and carriage return are escaped), so
-- no row can contain a line that is exactly "\.". In CSV a quoted value may
-- hold such a line, and both psql's \copy and the server's COPY (PostgreSQL
-- 15) take it for the end of the data and fail with "unterminated CSV
-- quoted field". The TSV load works for every value.
--
-- file is read by psql on the client side (\copy), so it is a path on the
-- machine where psql runs. A relative path is taken from psql's working
-- directory. To read psql's standard input instead, give the script as a
-- file and use -v file=/dev/stdin:
--   cat holding-pivot-*.tsv | psql -d DBNAME -v file=/dev/stdin -f examples/load-postgres.sql
-- For a file written with --header, add HEADER true to the options below.
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
\set load_cmd '\\copy holding_pivot FROM ' :'file' ' WITH (FORMAT text)'
:load_cmd
