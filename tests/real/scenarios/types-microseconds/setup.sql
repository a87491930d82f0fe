\set schema s_types_microseconds
\ir ../../types/setup.sql
