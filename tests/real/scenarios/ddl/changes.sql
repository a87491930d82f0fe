INSERT INTO s6.item VALUES (1, 'a');
ALTER TABLE s6.item ADD COLUMN colour text;
UPDATE s6.item SET colour = 'red' WHERE id = 1;
INSERT INTO s6.item VALUES (2, 'b', 'blue');
ALTER TABLE s6.item DROP COLUMN name;
UPDATE s6.item SET colour = 'green' WHERE id = 2;
DELETE FROM s6.item WHERE id = 1;
