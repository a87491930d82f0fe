\set schema s_types
\ir ../../types/setup.sql
