#!/usr/bin/env python3
"""Helpers of tests/real/run.sh. Standard library only.

The expected rows of every check come from PostgreSQL, never from cdcpivot:
a second logical replication slot with PostgreSQL's own test_decoding plugin
(the "oracle" slot) records every change the SQL made, with its transaction
id, and pg_xact_commit_timestamp() gives each transaction's commit time.
`expect` turns those changes into the rows a field-level change log must
hold; `compare` checks cdcpivot's CSV against them field by field.

  real.py ports N                 N free TCP ports on 127.0.0.1
  real.py port-open HOST PORT     exit 0 if something listens there
  real.py cluster-id              a KRaft cluster id (16 random bytes, base64url)
  real.py connector CONF HOST PORT [KEY=VALUE...]
                                  CONF (docker/connector.json) with
                                  database.hostname/port replaced (and the
                                  KEY=VALUE settings), as JSON on stdout
  real.py running REST NAME       exit 0 if the connector and all its tasks
                                  are RUNNING; prints the status
  real.py expect CHANGES SPEC     expected rows (JSON lines) from the oracle
                                  slot's changes (the JSON that psql made, see
                                  run.sh) for SPEC (JSON: ids, fields, table,
                                  snapshot rows)
  real.py compare EXPECTED CSV [--ids N] [--window T0 T1]
                                  cdcpivot CSV against EXPECTED, field by field
  real.py seed EXPECTED           the first 14 expected rows are the seed's
                                  holding_pivot table (README of the seed)
  real.py latency PSQLCMD FILE N  N single-row transactions, each timed from
                                  its commit to its row in FILE
"""
import base64
import csv
import io
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import datetime, timezone


def die(msg):
    sys.stderr.write("real.py: %s\n" % msg)
    sys.exit(1)


# ---------------------------------------------------------------- small tools

def cmd_ports(args):
    socks = []
    for _ in range(int(args[0])):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()


def cmd_port_open(args):
    try:
        socket.create_connection((args[0], int(args[1])), timeout=1).close()
    except OSError:
        sys.exit(1)


def cmd_cluster_id(_):
    # Never with a leading '-' (1 in 64 of them would), which the storage
    # tool's argument parser takes for an option; Kafka's own
    # Uuid.randomUuid() draws again for the same reason.
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            print(cid)
            return


def cmd_connector(args):
    with open(args[0]) as f:
        conf = json.load(f)
    for k in ("database.hostname", "database.port"):
        if k not in conf:
            die("%s has no %s" % (args[0], k))
    conf["database.hostname"] = args[1]
    conf["database.port"] = args[2]
    for kv in args[3:]:
        k, v = kv.split("=", 1)
        if v == "":
            conf.pop(k, None)
        else:
            conf[k] = v
    json.dump(conf, sys.stdout, indent=2, sort_keys=False)
    print()


def cmd_running(args):
    url = "%s/connectors/%s/status" % (args[0], args[1])
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            st = json.load(r)
    except Exception as e:  # not registered yet, worker busy
        print("%s: %s" % (url, e))
        sys.exit(1)
    print(json.dumps(st))
    tasks = st.get("tasks") or []
    if st.get("connector", {}).get("state") != "RUNNING" or not tasks:
        sys.exit(1)
    for t in tasks:
        if t.get("state") == "FAILED":
            print(t.get("trace", ""))
        if t.get("state") != "RUNNING":
            sys.exit(1)


# ---------------------------------------------------------------- test_decoding

def quoted(text, i, q):
    """The literal quoted with q at text[i], a doubled q standing for one:
    (value, index after the closing quote)."""
    j = i + 1
    buf = []
    while True:
        k = text.index(q, j)
        buf.append(text[j:k])
        if text.startswith(q + q, k):
            buf.append(q)
            j = k + 2
        else:
            return "".join(buf), k + 1


TOKEN = re.compile(r'("(?:[^"]|"")+"|[^\[\s]+)\[(.+?)\]:')


def parse_tuple(text):
    """'a[integer]:1 b[text]:'x y' ...' -> {name: value}. Values: None for
    null, the string for quoted values ('' unescaped), the bare text for
    numbers and booleans, UNCHANGED for an unchanged TOASTed value."""
    cols = {}
    i = 0
    n = len(text)
    while i < n:
        while i < n and text[i] == " ":
            i += 1
        if i >= n:
            break
        m = TOKEN.match(text, i)
        if not m:
            die("cannot parse test_decoding tuple at %r" % text[i:i + 60])
        name = m.group(1)
        if name.startswith('"'):
            name = name[1:-1].replace('""', '"')
        i = m.end()
        if text.startswith("'", i):
            val, i = quoted(text, i, "'")
        else:
            k = text.find(" ", i)
            if k < 0:
                k = n
            val = text[i:k]
            i = k
            if val == "null":
                val = None
            elif val == "unchanged-toast-datum":
                val = UNCHANGED
        cols[name] = val
    return cols


UNCHANGED = object()
CHANGE = re.compile(r"table ([^ ]+): (INSERT|UPDATE|DELETE|TRUNCATE): ?(.*)", re.S)


def parse_changes(path):
    """The oracle slot's changes: JSON lines {"xid","commit_us","lsn","data"}."""
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            c = json.loads(line)
            m = CHANGE.match(c["data"])
            if not m:
                continue  # BEGIN, COMMIT, message
            table, op, rest = m.group(1), m.group(2), m.group(3)
            old = new = None
            if op == "INSERT":
                new = parse_tuple(rest)
            elif op == "UPDATE":
                if rest.startswith("old-key: "):
                    a, b = rest[len("old-key: "):].split(" new-tuple: ", 1)
                    old, new = parse_tuple(a), parse_tuple(b)
                else:
                    new = parse_tuple(rest)
            elif op == "DELETE":
                if rest != "(no-tuple-data)":
                    old = parse_tuple(rest)
            out.append({"xid": c["xid"], "commit_us": c["commit_us"], "lsn": c["lsn"],
                        "table": table, "op": op, "old": old, "new": new})
    return out


def fmt_ms(us):
    ms = us // 1000
    t = datetime.fromtimestamp(ms // 1000, tz=timezone.utc)
    return t.strftime("%Y-%m-%d %H:%M:%S") + ".%03d" % (ms % 1000)


def row(ids_from, spec, field, old, new, ts, crud):
    r = [ids_from.get(i) for i in spec["ids"]]
    created = ts if crud in ("c", "r") else None
    updated = ts if crud == "u" else None
    deleted = ts if crud == "d" else None
    return r + [field, old, new, created, updated, deleted, crud]


def columns(spec, *tuples):
    """The tracked fields: spec's, or every column but the ids, in table
    order (a column only in the old image last)."""
    if spec["fields"] is not None:
        return spec["fields"]
    cols = []
    for t in tuples:
        for c in t or {}:
            if c not in cols and c not in spec["ids"]:
                cols.append(c)
    return cols


def expected_rows(changes, spec):
    """The field-level change log of the changes, as the README defines it.
    An update of the primary key is, as Debezium sends it, a delete of the
    old key and an insert of the new one."""
    rows = []
    key = spec.get("key") or []
    # test_decoding leaves NULL columns out of an old image; with REPLICA
    # IDENTITY FULL the old image has every column of the table as it was.
    template = list(spec.get("columns") or [])
    full = spec.get("identity") == "f"
    for snap in spec.get("snapshot", []):
        snap = {k: None if v is None else str(v) for k, v in snap.items()}
        for f in columns(spec, snap):
            rows.append(row(snap, spec, f, None, snap.get(f), None, "r"))
    for c in changes:
        if c["table"] != spec["table"]:
            continue
        ts = fmt_ms(c["commit_us"])
        old, new = c["old"], c["new"]
        if new is not None:
            template = list(new)
        if old is not None and full:
            old = dict({k: old.get(k) for k in template}, **old)
        if c["op"] == "UPDATE" and old is not None and any(k in old and old[k] != new.get(k) for k in key):
            rows.extend(delete_rows(old, spec, ts))
            rows.extend(insert_rows(new, spec, ts))
        elif c["op"] == "INSERT":
            rows.extend(insert_rows(new, spec, ts))
        elif c["op"] == "UPDATE":
            for f in columns(spec, new, old):
                nv = new.get(f)
                if nv is UNCHANGED:
                    continue  # TOASTed, not changed: never a change
                if old is None:
                    rows.append(row(new, spec, f, None, nv, ts, "u"))
                elif f not in old or old[f] != nv:
                    rows.append(row(new, spec, f, old.get(f), nv, ts, "u"))
        elif c["op"] == "DELETE":
            rows.extend(delete_rows(old or {}, spec, ts))
    return rows


def insert_rows(new, spec, ts):
    return [row(new, spec, f, None, new.get(f), ts, "c") for f in columns(spec, new)]


def delete_rows(old, spec, ts):
    # A key-only image (REPLICA IDENTITY DEFAULT): the --fields columns, NULL.
    return [row(old, spec, f, old.get(f), None, ts, "d") for f in columns(spec, old)]


def cmd_expect(args):
    changes = parse_changes(args[0])
    spec = json.loads(args[1])
    if len(args) > 2:  # the snapshot's rows: JSON lines of text values
        with open(args[2]) as f:
            spec["snapshot"] = [json.loads(l) for l in f if l.strip()]
    if len(args) > 3:  # the snapshot's time window, as a header line
        print(json.dumps({"window": [args[3], args[4]], "nids": len(spec["ids"])}))
    for r in expected_rows(changes, spec):
        print(json.dumps(r))


# ---------------------------------------------------------------- comparing

def read_csv_nulls(path):
    """RFC 4180 rows with NULL (unquoted empty field) kept apart from ""."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    i, n = 0, len(data)
    while i < n:
        rec = []
        while True:
            if i < n and data[i] == '"':
                val, i = quoted(data, i, '"')
                rec.append(val)
            else:
                j = i
                while i < n and data[i] not in ",\n":
                    i += 1
                v = data[j:i]
                rec.append(v if v != "" else None)
            if i >= n or data[i] == "\n":
                i += 1
                break
            i += 1  # the comma
        rows.append(rec)
    return rows


FIELDS = ["change_field", "old_value", "new_value", "datetime_created",
          "datetime_updated", "datetime_deleted", "datetime_inserted", "crud_type"]


def cmd_compare(args):
    exp_path, csv_path = args[0], args[1]
    nids = 2
    window = None
    inserted = None
    rest = args[2:]
    while rest:
        if rest[0] == "--ids":
            nids = int(rest[1])
            rest = rest[2:]
        elif rest[0] == "--inserted":
            inserted = rest[1]
            rest = rest[2:]
        elif rest[0] == "--window":
            window = (rest[1], rest[2])
            rest = rest[3:]
        else:
            die("bad option %s" % rest[0])
    with open(exp_path) as f:
        expected = [json.loads(l) for l in f if l.strip()]
    if expected and isinstance(expected[0], dict):
        head = expected.pop(0)
        window = window or tuple(head["window"])
        nids = head["nids"]
    actual = read_csv_nulls(csv_path)
    names = ["id%d" % i for i in range(nids)] + FIELDS
    problems = []
    # Per key (first id column), rows in commit order; the keys are spread
    # over partitions, so there is no order across keys.
    def by_key(rows):
        d = {}
        for r in rows:
            d.setdefault(r[0], []).append(r)
        return d
    ek, ak = by_key(expected), by_key(actual)
    for k in sorted(set(ek) | set(ak), key=str):
        e, a = ek.get(k, []), ak.get(k, [])
        if len(e) != len(a):
            problems.append("key %s: %d rows expected, %d in the file" % (k, len(e), len(a)))
        for i, (er, ar) in enumerate(zip(e, a)):
            if len(ar) != nids + len(FIELDS):
                problems.append("key %s row %d: %d columns: %r" % (k, i + 1, len(ar), ar))
                continue
            # expected has no datetime_inserted: insert a placeholder
            er = list(er[:nids + 6]) + [ar[nids + 6]] + [er[nids + 6]]
            for col, (x, y) in enumerate(zip(er, ar)):
                if names[col] == "datetime_created" and er[-1] == "r" and x is None:
                    # Snapshot reads: Debezium sends the time of the read, not
                    # of the commit that wrote the row; must be inside the
                    # snapshot's window.
                    if window and not (y is not None and window[0] <= y <= window[1]):
                        problems.append("key %s row %d: snapshot datetime_created %s outside %s..%s"
                                        % (k, i + 1, y, window[0], window[1]))
                    continue
                if names[col] == "datetime_inserted":
                    if inserted is not None and y != inserted:
                        problems.append("key %s row %d: datetime_inserted %r, SOURCE_DATE_EPOCH says %r"
                                        % (k, i + 1, y, inserted))
                    continue
                if x is not None:
                    x = str(x)
                if x != y:
                    problems.append("key %s row %d %s: expected %r, file has %r (row %s)"
                                    % (k, i + 1, names[col], x, y, ",".join("" if v is None else v for v in ar)))
    if problems:
        die("%d problems:\n  " % len(problems) + "\n  ".join(problems[:30]))
    print("%d rows, %d keys: every field as PostgreSQL recorded it, commit times to the ms, per-key order kept"
          % (len(actual), len(ak)))


SEED = [  # the seed README's holding_pivot after its walk-through
    ("1000", "1", "holding_stock", None, "VFIAX", "r"),
    ("1000", "1", "holding_quantity", None, "10", "r"),
    ("1001", "2", "holding_stock", None, "SP500", "c"),
    ("1001", "2", "holding_quantity", None, "1", "c"),
    ("1002", "3", "holding_stock", None, "SP500", "c"),
    ("1002", "3", "holding_quantity", None, "1", "c"),
    ("1000", "1", "holding_quantity", "10", "100", "u"),
    ("1002", "3", "holding_stock", "SP500", None, "d"),
    ("1002", "3", "holding_quantity", "1", None, "d"),
    ("1001", "2", "holding_stock", "SP500", None, "d"),
    ("1001", "2", "holding_quantity", "1", None, "d"),
    ("1003", "3", "holding_stock", None, "VTSAX", "c"),
    ("1003", "3", "holding_quantity", None, "100", "c"),
    ("1003", "3", "holding_quantity", "100", "10", "u"),
]


def cmd_seed(args):
    with open(args[0]) as f:
        exp = [json.loads(l) for l in f if l.strip()]
    exp = [r for r in exp if isinstance(r, list)][:14]
    got = [tuple(None if v is None else str(v) for v in r[:5]) + (r[-1],) for r in exp]
    if got != SEED:
        die("PostgreSQL recorded other changes than the seed's walk-through:\n%s"
            % "\n".join(map(str, got)))
    print("the 14 rows of the seed's holding_pivot")


# ---------------------------------------------------------------- latency

def cmd_latency(args):
    """N single-row INSERTs through one psql session; after each, wait until
    the row of its tracked field holding_stock is in FILE. Latency = time
    seen minus the commit time PostgreSQL recorded."""
    psql, path, n = json.loads(args[0]), args[1], int(args[2])
    first = int(args[3]) if len(args) > 3 else 5000
    p = subprocess.Popen(psql, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    seen = {}
    f = open(path, encoding="utf-8")
    f.seek(0, os.SEEK_END)
    pending = ""
    for i in range(n):
        hid = first + i
        p.stdin.write("INSERT INTO bank.holding VALUES (%d, 9, 'LAT', %d, now(), now());\n"
                      "SELECT 'done';\n" % (hid, i))
        p.stdin.flush()
        if p.stdout.readline().strip() != "done":
            die("psql did not answer")
        limit = time.time() + 30
        while hid not in seen:
            chunk = f.read()
            if chunk:
                pending += chunk
                while "\n" in pending:
                    line, pending = pending.split("\n", 1)
                    k = line.split(",", 1)[0]
                    if k.isdigit() and int(k) >= first and int(k) not in seen:
                        seen[int(k)] = time.time()
            elif time.time() > limit:
                die("row of holding %d not in %s within 30 s" % (hid, path))
            else:
                time.sleep(0.001)
    p.stdin.write("SELECT holding_id, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000000)::bigint "
                  "FROM bank.holding WHERE holding_id BETWEEN %d AND %d;\nSELECT 'done';\n" % (first, first + n - 1))
    p.stdin.close()
    commits = {}
    for line in p.stdout:
        line = line.strip()
        if "|" in line:
            a, b = line.split("|")
            commits[int(a)] = int(b) / 1e6
    p.wait()
    lat = [(seen[h] - commits[h]) * 1000 for h in sorted(seen)]
    if len(lat) != n:
        die("%d latencies of %d" % (len(lat), n))
    print("commit to row in the file over %d single-row transactions: median %.0f ms, max %.0f ms"
          % (n, statistics.median(lat), max(lat)))


def strip_inserted(r):
    return tuple(r[:-2]) + (r[-1],)


def cmd_union(args):
    """union REF OUT... [--exact]: the members' files together against the
    single consumer's file (rows compared without datetime_inserted). With
    --exact, fail unless they hold the same rows and each key's rows are in
    the same order; else print how many rows were lost and duplicated."""
    exact = "--exact" in args
    args = [a for a in args if a != "--exact"]
    ref = [strip_inserted(r) for r in read_csv_nulls(args[0])]
    outs = [[strip_inserted(r) for r in read_csv_nulls(p)] for p in args[1:]]
    from collections import Counter
    cr = Counter(ref)
    cu = Counter(r for o in outs for r in o)
    lost = sum((cr - cu).values())
    dup = sum((cu - cr).values())
    per_member = [len(o) for o in outs]
    if exact:
        if lost or dup:
            die("members: %d rows lost, %d duplicated against the single consumer's %d" % (lost, dup, len(ref)))
        keys = {}
        for r in ref:
            keys.setdefault(r[0], []).append(r)
        for o in outs:
            mine = {}
            for r in o:
                mine.setdefault(r[0], []).append(r)
            for k, rows in mine.items():
                if rows != keys.get(k):
                    die("key %s: rows split over members or out of order" % k)
        busy = sum(1 for n in per_member if n)
        if busy < 2:
            die("only %d member got rows: %s" % (busy, per_member))
        print("%d rows = the single consumer's, per-key order kept, members wrote %s" % (len(ref), "+".join(map(str, per_member))))
    else:
        print("reference %d rows; members wrote %d: %d lost, %d duplicated" % (len(ref), sum(per_member), lost, dup))


def main():
    cmds = {"ports": cmd_ports, "port-open": cmd_port_open, "cluster-id": cmd_cluster_id,
            "connector": cmd_connector, "running": cmd_running, "expect": cmd_expect,
            "compare": cmd_compare, "union": cmd_union, "seed": cmd_seed, "latency": cmd_latency}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        die("usage: see the docstring")
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
