BEGIN;
INSERT INTO s1.account VALUES (4, 'dee', 99.99, 'comma, "quote"');
UPDATE s1.account SET balance = balance + 1 WHERE id IN (1, 2);
DELETE FROM s1.account WHERE id = 3;
UPDATE s1.account SET note = NULL WHERE id = 4;
COMMIT;
UPDATE s1.account SET owner = 'Ann' WHERE id = 1;
