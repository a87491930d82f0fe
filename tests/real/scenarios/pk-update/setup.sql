CREATE SCHEMA s7;
CREATE TABLE s7.holding (holding_id int PRIMARY KEY, user_id int, holding_stock varchar(8), holding_quantity int);
ALTER TABLE s7.holding REPLICA IDENTITY FULL;
