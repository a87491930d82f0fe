BEGIN;
INSERT INTO s5.item VALUES (1, 1), (2, 2);
UPDATE s5.item SET qty = 3 WHERE id = 1;
COMMIT;
SELECT pg_sleep(1.5);
DELETE FROM s5.item WHERE id = 2;
