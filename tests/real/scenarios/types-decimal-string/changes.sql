\set schema s_types_decimal_string
\ir ../../types/changes.sql
