CREATE SCHEMA s_infinity_nanoseconds;
CREATE TABLE s_infinity_nanoseconds.t (id int PRIMARY KEY, ts timestamp, tstz timestamptz);
ALTER TABLE s_infinity_nanoseconds.t REPLICA IDENTITY FULL;
