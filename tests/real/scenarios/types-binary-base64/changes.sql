\set schema s_types_binary_base64
\ir ../../types/changes.sql
