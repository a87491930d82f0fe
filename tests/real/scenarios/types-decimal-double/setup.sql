\set schema s_types_decimal_double
\ir ../../types/setup.sql
