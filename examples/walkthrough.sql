-- The seed README's walk-through as one script. Run it against the compose
-- PostgreSQL after the stack is up and the connector is registered (row 1000
-- is already there, inserted by docker/init/01-holding.sql):
--
--   docker compose -f docker/docker-compose.yml exec -T postgres \
--       psql -U data_engineer -d data_engineer -v ON_ERROR_STOP=1 -f - < examples/walkthrough.sql
--
-- Each statement is its own transaction, so Debezium emits one change event
-- per row changed: 2 c, 1 u, 2 d, 1 c, 1 u (and a tombstone after each d,
-- which cdcpivot skips).

-- C
INSERT INTO bank.holding VALUES (1001, 2, 'SP500', 1, now(), now());
INSERT INTO bank.holding VALUES (1002, 3, 'SP500', 1, now(), now());

-- U
UPDATE bank.holding SET holding_quantity = 100 WHERE holding_id = 1000;

-- D
DELETE FROM bank.holding WHERE user_id = 3;
DELETE FROM bank.holding WHERE user_id = 2;

-- C
INSERT INTO bank.holding VALUES (1003, 3, 'VTSAX', 100, now(), now());

-- U
UPDATE bank.holding SET holding_quantity = 10 WHERE holding_id = 1003;
