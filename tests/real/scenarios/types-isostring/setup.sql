\set schema s_types_isostring
\ir ../../types/setup.sql
