#!/usr/bin/env python3
"""Generate a realistic stream of Debezium 1.x PostgreSQL envelopes for bank.holding.

usage: gen_events.py N [--seed S] [--no-schema] [--hard] > events.jsonl
A simulated application does creates, updates (stock or quantity or both) and deletes
on a holding table; each change is printed as Debezium's JsonConverter would with
schemas.enable=true (or bare payloads with --no-schema).

--hard (make e2e) adds the values a writer or decoder gets wrong: stocks and
a "note" column with commas, quotes, newlines, tabs, backslashes, empty
strings and NULLs, a Decimal "price" (scale 2; a string with --no-schema, as
decimal.handling.mode=string sends it), a Date "born" and MicroTimestamp
creation times before 1970 and on leap days, and a snapshot (op r) first.
Without it the stream is byte for byte what it always was.

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
HARD_ROW = [field("string", "note"),
            dict(field("bytes", "price", "org.apache.kafka.connect.data.Decimal"),
                 parameters={"scale": "2", "connect.decimal.precision": "12"}),
            field("int32", "born", "io.debezium.time.Date")]
HARD_STOCKS = ["BRK,B", 'Q"Q', "", None, "S P"]
NOTES = ["plain", "a,b", 'say "hi"', "line1\nline2", "cr\rhere", "tab\there", "back\\slash",
         "\\.", "", None, "\u00fcn\u00ef\u00e7\u00f8d\u00e9", "\\N", "NULL", " padded ", '"', ",",
         "two\n\nblank lines"]
# Days since 1970: 1900-03-01, 1969-12-31, 1970-01-01, leap days 1904, 1968, 2000, 2024.
DAYS = [-25508, -1, 0, -24078, -671, 11016, 19782]
# Microseconds: before 1970 (to the microsecond), leap days.
MICROS = [-1, -999999, -86400000001, -2208988800000000, 951782400000000, 951868799999999,
          1709164800123456, -58060800000000]

def decimal_bytes(cents):
    """Connect Decimal: the unscaled value, big-endian two's complement, base64."""
    import base64
    n = (cents.bit_length() + 8) // 8
    return base64.b64encode(cents.to_bytes(n, "big", signed=True)).decode()

def price_of(cents, schema):
    if schema:
        return decimal_bytes(cents)
    sign = "-" if cents < 0 else ""
    return "%s%d.%02d" % (sign, abs(cents) // 100, abs(cents) % 100)

def hard_values(rnd, row, schema):
    """Sets the --hard columns of a row (a dict) to fresh values."""
    row["note"] = rnd.choice(NOTES)
    row["price"] = price_of(rnd.choice([0, 1, -1, 1234, -1234, 10 ** 10 + 1, rnd.randint(-10 ** 6, 10 ** 6)]),
                            schema) if rnd.random() < 0.9 else None
    row["born"] = rnd.choice(DAYS) if rnd.random() < 0.9 else None

STOCKS = ["VFIAX", "SP500", "VTSAX", "VTI", "QQQ", "VOO", "BND", "VXUS", "SCHD", "ARKK"]

def main():
    args = sys.argv[1:]
    n = int(args[0]); seed = 7; schema = True
    if "--seed" in args: seed = int(args[args.index("--seed") + 1])
    if "--no-schema" in args: schema = False
    hard = "--hard" in args
    schema_doc = SCHEMA
    if hard:
        row_fields = ROW + HARD_ROW
        schema_doc = json.loads(json.dumps(SCHEMA))
        for f in schema_doc["fields"][:2]:
            f["fields"] = row_fields
    snapshot = min(50, n // 10) if hard else 0
    rnd = random.Random(seed)
    live = {}; next_id = 1000; ts = 1600000000000; lsn = 24023128; tx = 492
    out = sys.stdout
    def stock():
        if hard and rnd.random() < 0.2:
            return rnd.choice(HARD_STOCKS)
        return rnd.choice(STOCKS)
    for i in range(n):
        ts += rnd.randint(1, 50); lsn += rnd.randint(100, 400); tx += 1
        r = rnd.random()
        if i < snapshot or not live or r < 0.3:
            row = {"holding_id": next_id, "user_id": rnd.randint(1, 5000),
                   "holding_stock": stock(), "holding_quantity": rnd.randint(1, 1000),
                   "datetime_created": ts * 1000, "datetime_updated": ts * 1000}
            if hard:
                row["datetime_created"] = rnd.choice(MICROS + [ts * 1000])
                hard_values(rnd, row, schema)
            live[next_id] = row; next_id += 1
            before, after, op = None, row, "r" if i < snapshot else "c"
        elif r < 0.9:
            hid = rnd.choice(list(live)) if len(live) < 64 else rnd.choice(list(live.keys())[-64:])
            before = live[hid]; after = dict(before)
            k = rnd.random()
            if k < 0.5: after["holding_quantity"] = rnd.randint(1, 1000)
            elif k < 0.8: after["holding_stock"] = stock()
            else:
                after["holding_quantity"] = rnd.randint(1, 1000); after["holding_stock"] = stock()
            if hard and rnd.random() < 0.5:
                hard_values(rnd, after, schema)
            after["datetime_updated"] = ts * 1000
            live[hid] = after; op = "u"
        else:
            hid = rnd.choice(list(live)) if len(live) < 64 else rnd.choice(list(live.keys())[-64:])
            before, after, op = live.pop(hid), None, "d"
        payload = {"before": before, "after": after,
                   "source": {"version": "1.1.2.Final", "connector": "postgresql", "name": "bankserver1",
                              "ts_ms": ts,
                              "snapshot": ("last" if i == snapshot - 1 else "true") if i < snapshot else "false", "db": "data_engineer", "schema": "bank",
                              "table": "holding", "txId": tx, "lsn": lsn, "xmin": None},
                   "op": op, "ts_ms": ts + rnd.randint(1, 30), "transaction": None}
        doc = {"schema": schema_doc, "payload": payload} if schema else payload
        out.write(json.dumps(doc, separators=(",", ":")) + "\n")

main()
