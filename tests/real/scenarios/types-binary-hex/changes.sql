\set schema s_types_binary_hex
\ir ../../types/changes.sql
