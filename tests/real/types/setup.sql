-- The type matrix's table (tests/real/types/README), in the schema that the
-- including scenario's setup.sql names in the psql variable "schema". Empty
-- at the snapshot: every row comes from changes.sql, so that the expected
-- text is test_decoding's, which is each type's own output function.
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE EXTENSION IF NOT EXISTS ltree;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE SCHEMA :"schema";
SET search_path = :"schema", public;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE t (
	id int PRIMARY KEY,
	c_int2 smallint, c_int4 integer, c_int8 bigint,
	c_float4 real, c_float8 double precision,
	c_numeric numeric, c_numeric_ps numeric(38, 4), c_money money,
	c_bool boolean,
	c_char char(5), c_varchar varchar(40), c_text text,
	c_bytea bytea,
	c_date date, c_time time, c_time0 time(0), c_timetz timetz,
	c_ts timestamp, c_ts3 timestamp(3), c_tstz timestamptz, c_interval interval,
	c_uuid uuid, c_json json, c_jsonb jsonb, c_xml xml,
	c_inet inet, c_cidr cidr, c_macaddr macaddr, c_macaddr8 macaddr8,
	c_bit1 bit(1), c_bit bit(4), c_varbit varbit(16),
	c_int_arr int[], c_text_arr text[], c_int_arr2 int[][], c_numeric_arr numeric[],
	c_date_arr date[], c_bytea_arr bytea[], c_ts_arr timestamp[],
	c_enum mood, c_domain posint,
	c_hstore hstore, c_ltree ltree, c_citext citext, c_tsvector tsvector,
	c_point point, c_line line, c_lseg lseg, c_box box, c_circle circle,
	c_polygon polygon, c_path path,
	c_int4range int4range, c_int8range int8range, c_numrange numrange,
	c_tsrange tsrange, c_tstzrange tstzrange, c_daterange daterange
);
ALTER TABLE t REPLICA IDENTITY FULL;
