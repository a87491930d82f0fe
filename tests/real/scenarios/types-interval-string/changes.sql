\set schema s_types_interval_string
\ir ../../types/changes.sql
