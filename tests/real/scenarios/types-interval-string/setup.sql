\set schema s_types_interval_string
\ir ../../types/setup.sql
