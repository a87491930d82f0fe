\set schema s_types
\ir ../../types/changes.sql
