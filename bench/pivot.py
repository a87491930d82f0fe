#!/usr/bin/env python3
"""Reference pivot in plain Python, for the benchmark (bench/bench.sh).

usage: SOURCE_DATE_EPOCH=S pivot.py < events.jsonl > pivot.csv

The same pivot cdcpivot does for
    cdcpivot --id holding_id,user_id --fields holding_stock,holding_quantity
written the way a user's stream.py would be: read stdin line by line, skip
lines that do not start with '{', json.loads every line, unwrap
{"schema":..,"payload":..}, and write one CSV row per changed field:

    holding_id,user_id,change_field,old_value,new_value,datetime_created,
    datetime_updated,datetime_deleted,datetime_inserted,crud_type

insert/read: one row per field, old NULL; update: one row per field whose
value changed; delete: one row per field, new NULL. Times are source.ts_ms
(else the envelope's ts_ms) as 'YYYY-MM-DD HH:MM:SS.fff' UTC, in the column
matching the op; datetime_inserted is SOURCE_DATE_EPOCH (else now). CSV as
cdcpivot writes it: NULL is an empty field, "" the empty string, fields with
, " CR or LF quoted. No header."""
import json
import os
import sys
import time
from datetime import datetime, timedelta

IDS = ("holding_id", "user_id")
FIELDS = ("holding_stock", "holding_quantity")
UNAVAILABLE = "__debezium_unavailable_value"
EPOCH = datetime(1970, 1, 1)


def fmt_ms(ms):
    return (EPOCH + timedelta(milliseconds=ms)).strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (ms % 1000)


def text(v):
    """A value as cdcpivot prints it; None is NULL."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    return str(v)


def csv_field(s):
    if s is None:
        return ""
    if s == "":
        return '""'
    if "," in s or '"' in s or "\n" in s or "\r" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def main():
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    inserted = fmt_ms(int(sde) * 1000 if sde is not None else int(time.time() * 1000))
    out = sys.stdout
    for line in sys.stdin:
        if not line.startswith("{"):
            continue
        doc = json.loads(line)
        if "payload" in doc and "op" not in doc:
            doc = doc["payload"]
            if doc is None:
                continue  # tombstone
        op = doc.get("op")
        if op not in ("c", "r", "u", "d"):
            continue  # truncate, message, heartbeat, transaction marker
        before = doc.get("before") or {}
        after = doc.get("after") or {}
        source = doc.get("source") or {}
        ts = source.get("ts_ms", doc.get("ts_ms"))
        when = fmt_ms(ts) if ts is not None else None
        image = before if op == "d" else after
        ids = [csv_field(text(image.get(k))) for k in IDS]
        if op in ("c", "r"):
            times = [when, None, None]
        elif op == "u":
            times = [None, when, None]
        else:
            times = [None, None, when]
        tail = [csv_field(t) for t in times] + [inserted, op]
        for f in FIELDS:
            if f not in before and f not in after:
                continue
            old = before.get(f) if op in ("u", "d") else None
            new = after.get(f) if op != "d" else None
            if new == UNAVAILABLE:
                continue
            if old == UNAVAILABLE:
                old = None
            elif op == "u" and doc.get("before") is not None and old == new:
                continue
            out.write(",".join(ids + [f, csv_field(text(old)), csv_field(text(new))] + tail) + "\n")


if __name__ == "__main__":
    main()
