\set schema s_types_noschema
\ir ../../types/changes.sql
