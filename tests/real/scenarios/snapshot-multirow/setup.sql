CREATE SCHEMA s1;
CREATE TABLE s1.account (id int PRIMARY KEY, owner text, balance numeric(12,2), note text);
ALTER TABLE s1.account REPLICA IDENTITY FULL;
INSERT INTO s1.account VALUES (1, 'ann', 10.50, 'first'), (2, 'bob', 0, NULL), (3, 'cy', -3.25, '');
