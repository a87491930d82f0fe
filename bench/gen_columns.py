#!/usr/bin/env python3
"""Updates of rows with many columns, bare payloads (schemas.enable=false),
so that the same number of column values is spread over rows of different
widths: measures whether the cost per column value depends on the width.

  gen_columns.py COLUMNS VALUES

Each event is an update of one row of COLUMNS columns (plus the id "id")
whose before and after differ in every second column; VALUES // COLUMNS
events.
"""
import json
import sys


def main():
    cols, values = int(sys.argv[1]), int(sys.argv[2])
    out = sys.stdout
    for e in range(max(1, values // cols)):
        before = {"id": e}
        after = {"id": e}
        for c in range(cols):
            before["c%d" % c] = c + e
            after["c%d" % c] = c + e + (1 - c % 2)
        payload = {"before": before, "after": after, "op": "u", "ts_ms": 1600000000000 + e,
                   "source": {"connector": "postgresql", "db": "db", "schema": "public",
                              "table": "wide", "lsn": 5000000 + e}}
        out.write(json.dumps(payload, separators=(",", ":")) + "\n")


main()
