\set schema s_types_nanoseconds
\ir ../../types/changes.sql
