-- Each change to both tables, in one transaction.
BEGIN;  -- the snapshot's TOASTed body unchanged
UPDATE s_state.full_doc SET qty = 11 WHERE id = 1;
UPDATE s_state.default_doc SET qty = 11 WHERE id = 1;
COMMIT;
BEGIN;
INSERT INTO s_state.full_doc SELECT 3, 9, string_agg(md5((i * 7)::text), ''), 30, 'third' FROM generate_series(1, 320) i;
INSERT INTO s_state.default_doc SELECT * FROM s_state.full_doc WHERE id = 3;
COMMIT;
BEGIN;  -- an inserted row's TOASTed body unchanged, a value set to NULL
UPDATE s_state.full_doc SET qty = NULL, note = 'changed' WHERE id = 3;
UPDATE s_state.default_doc SET qty = NULL, note = 'changed' WHERE id = 3;
COMMIT;
BEGIN;  -- the TOASTed body itself changes: its old value is the long one
UPDATE s_state.full_doc SET body = 'now short', qty = 12 WHERE id = 1;
UPDATE s_state.default_doc SET body = 'now short', qty = 12 WHERE id = 1;
COMMIT;
BEGIN;  -- several rows in one statement
UPDATE s_state.full_doc SET owner = owner + 100;
UPDATE s_state.default_doc SET owner = owner + 100;
COMMIT;
BEGIN;  -- a primary key change: a delete and a create
UPDATE s_state.full_doc SET id = 20 WHERE id = 2;
UPDATE s_state.default_doc SET id = 20 WHERE id = 2;
COMMIT;
BEGIN;  -- a delete of a row whose body is TOASTed: the key alone in DEFAULT
DELETE FROM s_state.full_doc WHERE id = 3;
DELETE FROM s_state.default_doc WHERE id = 3;
COMMIT;
BEGIN;
UPDATE s_state.full_doc SET note = NULL WHERE id = 20;
UPDATE s_state.default_doc SET note = NULL WHERE id = 20;
COMMIT;
BEGIN;
DELETE FROM s_state.full_doc WHERE id = 1;
DELETE FROM s_state.default_doc WHERE id = 1;
COMMIT;
