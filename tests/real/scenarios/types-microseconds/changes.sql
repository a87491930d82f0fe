\set schema s_types_microseconds
\ir ../../types/changes.sql
