\set schema s_types_connect
\ir ../../types/setup.sql
