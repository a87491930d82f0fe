-- Two tables with the same rows and, in changes.sql, the same changes in
-- the same transactions (so the same commit times): one REPLICA IDENTITY
-- FULL, whose events carry every old value, one DEFAULT, whose events
-- carry none (and only the key of a deleted row). cdcpivot --state on the
-- DEFAULT table must give the rows PostgreSQL's record of the FULL table
-- calls for; body is TOASTed (10 kB, stored out of line) and left
-- unchanged by most updates.
CREATE SCHEMA s_state;
CREATE TABLE s_state.full_doc (id int PRIMARY KEY, owner int, body text, qty int, note varchar(20));
CREATE TABLE s_state.default_doc (id int PRIMARY KEY, owner int, body text, qty int, note varchar(20));
ALTER TABLE s_state.full_doc REPLICA IDENTITY FULL;
INSERT INTO s_state.full_doc
    SELECT 1, 7, string_agg(md5(i::text), ''), 10, 'first' FROM generate_series(1, 320) i;
INSERT INTO s_state.full_doc VALUES (2, 8, 'short', 20, NULL);
INSERT INTO s_state.default_doc SELECT * FROM s_state.full_doc;
