#!/usr/bin/env python3
"""Updates interleaved over many tables, each with a schema of its own, as
JsonConverter writes them with schemas.enable=true; with --keys, as
key<TAB>value lines whose key carries its schema too (kafka-console-consumer
print.key=true). Measures how the schema cache copes with many tables.

  gen_tables.py TABLES EVENTS [--keys] [--new-schema-each]

--new-schema-each gives every event a schema never seen before (a schema
version field that counts up), the worst case for any cache.
"""
import json
import sys


def field(t, name, optional=True):
    return {"type": t, "optional": optional, "field": name}


def value_schema(table, version):
    row = [field("int32", "id", False), field("string", "name"), field("int64", "qty"),
           {"type": "int64", "optional": True, "name": "io.debezium.time.MicroTimestamp",
            "version": 1, "field": "updated_at"}]
    src = [field("string", "version", False), field("string", "connector", False),
           field("string", "name", False), field("int64", "ts_ms", False),
           field("string", "db", False), field("string", "schema", False),
           field("string", "table", False), field("int64", "txId"), field("int64", "lsn")]
    rec = "srv.public.t%d" % table
    return {"type": "struct", "optional": False, "name": rec + ".Envelope", "version": version,
            "fields": [{"type": "struct", "fields": row, "optional": True, "name": rec + ".Value",
                        "field": "before"},
                       {"type": "struct", "fields": row, "optional": True, "name": rec + ".Value",
                        "field": "after"},
                       {"type": "struct", "fields": src, "optional": False,
                        "name": "io.debezium.connector.postgresql.Source", "field": "source"},
                       field("string", "op", False), field("int64", "ts_ms")]}


def key_schema(table):
    return {"type": "struct", "optional": False, "name": "srv.public.t%d.Key" % table,
            "fields": [field("int32", "id", False)]}


def main():
    tables, events = int(sys.argv[1]), int(sys.argv[2])
    keys = "--keys" in sys.argv
    fresh = "--new-schema-each" in sys.argv
    vs = [json.dumps(value_schema(t, 1), separators=(",", ":")) for t in range(tables)]
    ks = [json.dumps(key_schema(t), separators=(",", ":")) for t in range(tables)]
    out = sys.stdout
    for i in range(events):
        t = i % tables
        row = i // tables
        before = {"id": row, "name": "n%d" % row, "qty": i, "updated_at": 1600000000000000 + i}
        after = dict(before, qty=i + 1, updated_at=before["updated_at"] + 1000)
        payload = {"before": before, "after": after, "op": "u", "ts_ms": 1600000000000 + i,
                   "source": {"version": "2.7.3.Final", "connector": "postgresql", "name": "srv",
                              "ts_ms": 1600000000000 + i, "db": "db", "schema": "public",
                              "table": "t%d" % t, "txId": 1000 + i, "lsn": 5000000 + i}}
        schema = json.dumps(value_schema(t, 2 + i), separators=(",", ":")) if fresh else vs[t]
        value = '{"schema":%s,"payload":%s}' % (schema, json.dumps(payload, separators=(",", ":")))
        if keys:
            out.write('{"schema":%s,"payload":{"id":%d}}\t' % (ks[t], row))
        out.write(value + "\n")


main()
