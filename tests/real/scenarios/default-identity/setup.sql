CREATE SCHEMA s2;
CREATE TABLE s2.holding (holding_id int PRIMARY KEY, user_id int, holding_stock varchar(8), holding_quantity int);
