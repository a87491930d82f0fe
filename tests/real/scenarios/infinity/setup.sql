CREATE SCHEMA s_infinity;
CREATE TABLE s_infinity.t (id int PRIMARY KEY, ts timestamp, tstz timestamptz);
ALTER TABLE s_infinity.t REPLICA IDENTITY FULL;
