#!/usr/bin/env python3
"""One list of row changes -> the Debezium streams a REPLICA IDENTITY FULL and
a REPLICA IDENTITY DEFAULT PostgreSQL table give for it, and the change-log
rows the changes mean.

    gen_streams.py SEED KEYS CHANGES OUTDIR

writes OUTDIR/full.jsonl, OUTDIR/default.jsonl (kcat -J records, with the
record key and Debezium's __debezium.oldkey/newkey headers on a key change),
OUTDIR/expected-state.jsonl and OUTDIR/expected-full.jsonl: the rows the
changes mean, as cdcpivot --format jsonl --meta lsn prints them, less what
the stream cannot tell (see expected()): without state, the unchanged
TOASTed value of a row whose key changed (PostgreSQL sends it as
"unchanged"); with state and DEFAULT, the NULL of a column added after the
row was stored, on a key-only delete before any image showed the column.

What Debezium sends, per change (PostgreSQL, pgoutput):
- snapshot and insert: after = the row, before = null;
- update: after = the new row, an unchanged TOASTed column (big) as the
  placeholder; before = the whole old row with FULL, null with DEFAULT;
- delete: before = the whole old row with FULL, the key alone with DEFAULT;
- key change: a delete of the old key (header __debezium.newkey) and a create
  of the new key (header __debezium.oldkey) whose unchanged TOASTed column is
  the placeholder;
- ALTER TABLE ADD COLUMN tier (no default): later images have tier, null in
  old rows; DROP COLUMN note: later images have no note.
The expected rows follow from the changes alone: one row per column whose
value the change set, changed, or removed.
"""
import datetime
import json
import os
import random
import sys

PLACEHOLDER = "__debezium_unavailable_value"
TOPIC = "srv.public.acct"


def ts_text(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (ms % 1000)


def text(v):
    return None if v is None else str(v)


class Gen:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
        self.rows = {}          # key -> row (dict, column order kept)
        self.columns = ["id", "name", "qty", "note", "big"]
        self.lsn = 1000
        self.ts = 1700000000000
        self.offset = 0
        self.full, self.default = [], []
        self.expected, self.full_only_missing, self.state_only_missing = [], [], []
        self.seen = set()       # columns some after image has shown
        self.next_key = 1

    def value(self, col):
        r = self.rnd
        if col == "name":
            return r.choice(["ann", "bob", "cy", "dee", "eve", 'q"uote', "a,b"])
        if col == "qty":
            return r.randrange(0, 1000)
        if col == "note":
            return r.choice([None, "n1", "n2", "line\nbreak"])
        if col == "big":
            return "B%d-" % r.randrange(1 << 30) + "x" * 300
        if col == "tier":
            return r.choice([None, "gold", "silver"])
        raise KeyError(col)

    def new_row(self, key):
        return {c: (key if c == "id" else self.value(c)) for c in self.columns}

    def emit(self, op, before_full, before_default, after, key, snapshot=False, headers=None):
        self.seen.update(after or ())
        source = {"version": "2.7.3.Final", "connector": "postgresql", "name": "srv",
                  "ts_ms": self.ts, "snapshot": "true" if snapshot else "false", "db": "db",
                  "schema": "public", "table": "acct", "txId": 7, "lsn": self.lsn, "xmin": None}
        for stream, before in ((self.full, before_full), (self.default, before_default)):
            payload = {"before": before, "after": after, "source": source, "op": op,
                       "ts_ms": self.ts + 5}
            rec = {"topic": TOPIC, "partition": 0, "offset": self.offset, "tstype": "create",
                   "ts": self.ts + 5, "broker": 0}
            if headers:
                rec["headers"] = headers
            rec["key"] = json.dumps({"id": key})
            rec["payload"] = json.dumps(payload)
            stream.append(json.dumps(rec))

    def row(self, key, field, old, new, op):
        r = {"id": str(key), "change_field": field, "old_value": text(old),
             "new_value": text(new),
             "datetime_created": ts_text(self.ts) if op in "cr" else None,
             "datetime_updated": ts_text(self.ts) if op == "u" else None,
             "datetime_deleted": ts_text(self.ts) if op == "d" else None,
             "crud_type": op, "lsn": str(self.lsn)}
        self.expected.append(r)
        return r

    def step(self):
        self.lsn += 8
        self.ts += 1000
        self.offset += 1

    def insert(self, op="c"):
        key = self.next_key
        self.next_key += 1
        row = self.new_row(key)
        self.rows[key] = row
        self.emit(op, None, None, dict(row), key, snapshot=op == "r")
        for c in self.columns[1:]:
            self.row(key, c, None, row[c], op)
        self.step()

    def update(self):
        key = self.rnd.choice(sorted(self.rows))
        old = self.rows[key]
        new = dict(old)
        cols = self.columns[1:]
        for c in self.rnd.sample(cols, self.rnd.randint(1, min(2, len(cols)))):
            new[c] = self.value(c)
        after = dict(new)
        if new["big"] == old["big"]:
            after["big"] = PLACEHOLDER  # unchanged TOASTed value: not sent
        self.emit("u", dict(old), None, after, key)
        for c in self.columns[1:]:
            if new[c] != old[c]:
                self.row(key, c, old[c], new[c], "u")
        self.rows[key] = new
        self.step()

    def delete_rows(self, key, old):
        for c in self.columns[1:]:
            r = self.row(key, c, old[c], None, "d")
            if c not in self.seen:
                # Added after the row was stored and in no image since:
                # without FULL nothing tells that the table has it.
                self.state_only_missing.append(r)

    def delete(self):
        key = self.rnd.choice(sorted(self.rows))
        old = self.rows.pop(key)
        self.emit("d", dict(old), {"id": key}, None, key)
        self.delete_rows(key, old)
        self.step()

    def change_key(self):
        key = self.rnd.choice(sorted(self.rows))
        new_key = self.next_key
        self.next_key += 1
        old = self.rows.pop(key)
        self.emit("d", dict(old), {"id": key}, None, key,
                  headers={"__debezium.newkey": json.dumps({"id": new_key})})
        self.delete_rows(key, old)
        self.step()
        row = dict(old)
        row["id"] = new_key
        after = dict(row)
        after["big"] = PLACEHOLDER
        self.emit("c", None, None, after, new_key,
                  headers={"__debezium.oldkey": json.dumps({"id": key})})
        for c in self.columns[1:]:
            r = self.row(new_key, c, None, row[c], "c")
            if c == "big":
                self.full_only_missing.append(r)
        self.rows[new_key] = row
        self.step()

    def add_column(self):
        self.columns.append("tier")
        for row in self.rows.values():
            row["tier"] = None

    def drop_column(self):
        self.columns.remove("note")
        for row in self.rows.values():
            del row["note"]


def generate(seed, keys, changes):
    g = Gen(seed)
    for _ in range(keys):
        g.insert("r")
        g.lsn -= 8  # a snapshot's records share one LSN
    g.lsn += 8
    for i in range(changes):
        if i == changes // 3:
            g.add_column()
        if i == 2 * changes // 3:
            g.drop_column()
        x = g.rnd.random()
        if x < 0.15 or len(g.rows) < 3:
            g.insert()
        elif x < 0.75:
            g.update()
        elif x < 0.9:
            g.delete()
        else:
            g.change_key()
    return g


def write_lines(path, lines):
    with open(path, "w") as f:
        for line in lines:
            f.write(line + "\n")


def main():
    seed, keys, changes, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    g = generate(seed, keys, changes)
    os.makedirs(out, exist_ok=True)
    write_lines(os.path.join(out, "full.jsonl"), g.full)
    write_lines(os.path.join(out, "default.jsonl"), g.default)
    dump = lambda rows: [json.dumps(r, sort_keys=True) for r in rows]
    write_lines(os.path.join(out, "expected-state.jsonl"), dump(expected(g, state=True)))
    write_lines(os.path.join(out, "expected-full.jsonl"), dump(expected(g, state=False)))


def expected(g, state):
    """The rows of the changes, less what the stream cannot tell: the
    FULL stream without state a key change's TOASTed value, the DEFAULT
    stream with state a delete's column that no image has shown yet."""
    missing = {id(r) for r in (g.state_only_missing if state else g.full_only_missing)}
    return [r for r in g.expected if id(r) not in missing]


if __name__ == "__main__":
    main()
