INSERT INTO s7.holding VALUES (1, 1, 'VFIAX', 10);
UPDATE s7.holding SET holding_id = 101, holding_quantity = 20 WHERE holding_id = 1;
