-- Application schema for the cdcpivot demo. The postgres image runs this once,
-- when it initialises an empty data directory (docker-entrypoint-initdb.d).
-- The seed walk-through's "datatime_updated" is spelled datetime_updated here.

CREATE SCHEMA bank;

CREATE TABLE bank.holding (
    holding_id       int PRIMARY KEY,
    user_id          int,
    holding_stock    varchar(8),
    holding_quantity int,
    datetime_created timestamp,
    datetime_updated timestamp
);

-- FULL: updates and deletes carry the whole old row, which Debezium sends as
-- "before", so cdcpivot can emit old_value for every field.
ALTER TABLE bank.holding REPLICA IDENTITY FULL;

INSERT INTO bank.holding VALUES (1000, 1, 'VFIAX', 10, now(), now());
