\set schema s_types_nanoseconds
\ir ../../types/setup.sql
