\set schema s_types_isostring
\ir ../../types/changes.sql
