INSERT INTO s4.item VALUES (1, 'a'), (2, 'b');
SELECT pg_logical_emit_message(true, 'audit', 'transactional message') IS NOT NULL;
SELECT pg_logical_emit_message(false, 'audit', 'non-transactional message') IS NOT NULL;
TRUNCATE s4.item;
INSERT INTO s4.item VALUES (3, 'c');
