#!/usr/bin/env python3
"""Generate a realistic stream of Debezium 1.x PostgreSQL envelopes for bank.holding.

usage: gen_events.py N [--seed S] [--no-schema] > events.jsonl
A simulated application does creates, updates (stock or quantity or both) and deletes
on a holding table; each change is printed as Debezium's JsonConverter would with
schemas.enable=true (or bare payloads with --no-schema).

This is a copy of the team's shared generator (/work/shared/tools/gen_events.py), kept here so CI can run the benchmark without /work/shared."""
import json, random, sys

def field(t, name, logical=None):
    f = {"type": t, "optional": True}
    if logical:
        f["name"] = logical; f["version"] = 1
    f["field"] = name
    return f

ROW = [field("int32", "holding_id"), field("int32", "user_id"), field("string", "holding_stock"),
       field("int32", "holding_quantity"),
       field("int64", "datetime_created", "io.debezium.time.MicroTimestamp"),
       field("int64", "datetime_updated", "io.debezium.time.MicroTimestamp")]
SOURCE = {"type": "struct", "fields": [
    {"type": "string", "optional": False, "field": "version"},
    {"type": "string", "optional": False, "field": "connector"},
    {"type": "string", "optional": False, "field": "name"},
    {"type": "int64", "optional": False, "field": "ts_ms"},
    {"type": "string", "optional": True, "name": "io.debezium.data.Enum", "version": 1,
     "parameters": {"allowed": "true,last,false"}, "default": "false", "field": "snapshot"},
    {"type": "string", "optional": False, "field": "db"},
    {"type": "string", "optional": False, "field": "schema"},
    {"type": "string", "optional": False, "field": "table"},
    {"type": "int64", "optional": True, "field": "txId"},
    {"type": "int64", "optional": True, "field": "lsn"},
    {"type": "int64", "optional": True, "field": "xmin"}],
    "optional": False, "name": "io.debezium.connector.postgresql.Source", "field": "source"}
SCHEMA = {"type": "struct", "fields": [
    {"type": "struct", "fields": ROW, "optional": True, "name": "bankserver1.bank.holding.Value", "field": "before"},
    {"type": "struct", "fields": ROW, "optional": True, "name": "bankserver1.bank.holding.Value", "field": "after"},
    SOURCE,
    {"type": "string", "optional": False, "field": "op"},
    {"type": "int64", "optional": True, "field": "ts_ms"},
    {"type": "struct", "fields": [
        {"type": "string", "optional": False, "field": "id"},
        {"type": "int64", "optional": False, "field": "total_order"},
        {"type": "int64", "optional": False, "field": "data_collection_order"}],
     "optional": True, "field": "transaction"}],
    "optional": False, "name": "bankserver1.bank.holding.Envelope"}
STOCKS = ["VFIAX", "SP500", "VTSAX", "VTI", "QQQ", "VOO", "BND", "VXUS", "SCHD", "ARKK"]

def main():
    args = sys.argv[1:]
    n = int(args[0]); seed = 7; schema = True
    if "--seed" in args: seed = int(args[args.index("--seed") + 1])
    if "--no-schema" in args: schema = False
    rnd = random.Random(seed)
    live = {}; next_id = 1000; ts = 1600000000000; lsn = 24023128; tx = 492
    out = sys.stdout
    for _ in range(n):
        ts += rnd.randint(1, 50); lsn += rnd.randint(100, 400); tx += 1
        r = rnd.random()
        if not live or r < 0.3:
            row = {"holding_id": next_id, "user_id": rnd.randint(1, 5000),
                   "holding_stock": rnd.choice(STOCKS), "holding_quantity": rnd.randint(1, 1000),
                   "datetime_created": ts * 1000, "datetime_updated": ts * 1000}
            live[next_id] = row; next_id += 1
            before, after, op = None, row, "c"
        elif r < 0.9:
            hid = rnd.choice(list(live)) if len(live) < 64 else rnd.choice(list(live.keys())[-64:])
            before = live[hid]; after = dict(before)
            k = rnd.random()
            if k < 0.5: after["holding_quantity"] = rnd.randint(1, 1000)
            elif k < 0.8: after["holding_stock"] = rnd.choice(STOCKS)
            else:
                after["holding_quantity"] = rnd.randint(1, 1000); after["holding_stock"] = rnd.choice(STOCKS)
            after["datetime_updated"] = ts * 1000
            live[hid] = after; op = "u"
        else:
            hid = rnd.choice(list(live)) if len(live) < 64 else rnd.choice(list(live.keys())[-64:])
            before, after, op = live.pop(hid), None, "d"
        payload = {"before": before, "after": after,
                   "source": {"version": "1.1.2.Final", "connector": "postgresql", "name": "bankserver1",
                              "ts_ms": ts, "snapshot": "false", "db": "data_engineer", "schema": "bank",
                              "table": "holding", "txId": tx, "lsn": lsn, "xmin": None},
                   "op": op, "ts_ms": ts + rnd.randint(1, 30), "transaction": None}
        doc = {"schema": SCHEMA, "payload": payload} if schema else payload
        out.write(json.dumps(doc, separators=(",", ":")) + "\n")

main()
