INSERT INTO s2.holding VALUES (1, 7, 'VFIAX', 10);
UPDATE s2.holding SET holding_quantity = 11 WHERE holding_id = 1;
DELETE FROM s2.holding WHERE holding_id = 1;
