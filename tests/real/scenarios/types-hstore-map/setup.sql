\set schema s_types_hstore_map
\ir ../../types/setup.sql
