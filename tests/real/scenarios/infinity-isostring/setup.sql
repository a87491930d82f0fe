CREATE SCHEMA s_infinity_isostring;
CREATE TABLE s_infinity_isostring.t (id int PRIMARY KEY, ts timestamp, tstz timestamptz);
ALTER TABLE s_infinity_isostring.t REPLICA IDENTITY FULL;
