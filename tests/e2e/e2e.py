#!/usr/bin/env python3
"""Helpers for tests/e2e/run.sh. Standard library only.

  e2e.py keyed EVENTS [FIRST [LAST]]
      Print events FIRST..LAST (1-based, inclusive) of EVENTS as Kafka records
      for `kcat -P -K '\\t' -Z`: KEY<TAB>VALUE, with the key built as Debezium
      builds it from the primary key ({"holding_id":N}) and the value the event
      line byte for byte. After each delete, a tombstone (KEY<TAB>, which -Z
      sends as a null value), as Debezium does.

  e2e.py same EXPECTED ACTUAL [--key-col N]
      Both CSV files hold the same multiset of rows, and for every key (column
      N, default 0: holding_id) the rows come in the same order.

  e2e.py count EXPECTED ACTUAL...
      Compares the multiset of rows of the ACTUAL files together with
      EXPECTED's and prints "N rows, lost L, duplicated D"; exits 0 whatever
      the counts (the kcat side of the kill test reports, it does not fail).

  e2e.py stable PARTITIONS LOG...
      Exit 0 if the consumer group is stable: in every kcat log LOG the last
      rebalance line ("% Group ... rebalanced ...: assigned: topic [p], ..."
      or "...: revoked: ...") is an assignment, and the assignments are
      disjoint and cover partitions 0..PARTITIONS-1. Prints them.

  e2e.py group EXPECTED PARTMAP OUT LOG [OUT LOG ...]
      Consumer-group members: OUT is a member's CSV, LOG its kcat log. PARTMAP
      holds "partition<TAB>key" lines for every record of the topic. Checks,
      with each member's current assignment (its last rebalance line, which
      must be an assignment), that assignments are disjoint and cover every
      partition, that each member's output is exactly the rows of the keys in
      its partitions in the expected per-key order, that no key appears in two
      members' outputs, and that more than one member got rows.

  e2e.py queries EVENTS... [--seed]
      Read raw Debezium events (banners, tombstones and all) and print test
      cases for examples/queries/, one per line, TAB-separated:
          q1 USER_ID EXPECTED | q2 USER_ID EXPECTED | q3 DATE1 DATE2 EXPECTED
      EXPECTED is what `psql -A -t -F '|'` prints ("" when no row). The
      answers are computed from the events, following the SQL's semantics,
      without looking at cdcpivot's output. The users asked about are the
      busiest ones, one without such changes and one who does not exist;
      with --seed, every user.

  e2e.py hostile
      Print insert events whose holding_stock holds values that break naive
      loaders (a line that is exactly "\\.", quotes, commas, tabs, CR,
      backslashes, "\\N", the empty string, NULL, non-BMP characters), and on
      stderr the "holding_id|sha256 hex" lines `psql -A -t -F '|'` must print
      for them after loading (nothing after the "|" for NULL).

  e2e.py rows DBROWS FIELDS EVENTS...
      DBROWS is holding_pivot as PostgreSQL holds it after the load, as CSV
      of holding_id, user_id, change_field, old_value, new_value, crud_type
      and the commit time (to_char ... MS), old and new prefixed with V (a
      value) or N (NULL) so that '' and NULL stay apart. Checks that it
      holds exactly the rows the raw EVENTS give for the tracked FIELDS
      (comma-separated), values decoded here from the Debezium schema
      (Decimal, Date, MicroTimestamp), as a multiset.

  e2e.py latency FIFO OUT EVENTS COUNT
      Write the first COUNT events of EVENTS one at a time into FIFO (read by
      cdcpivot, whose output goes to OUT), and after each write poll OUT until
      the event's rows are there. Fails if any takes more than 100 ms.
"""
import collections
import csv
import datetime
import json
import os
import re
import sys
import time

TRACKED = ("holding_stock", "holding_quantity")
LATENCY_LIMIT = 0.100


def die(msg):
    sys.stderr.write("e2e.py: %s\n" % msg)
    sys.exit(1)


def read_rows(path):
    with open(path, newline="") as f:
        return [tuple(r) for r in csv.reader(f)]


def by_key(rows, col):
    d = collections.OrderedDict()
    for r in rows:
        d.setdefault(r[col], []).append(r)
    return d


def compare(expected, actual, col, what):
    """Return a list of problems between two row lists."""
    problems = []
    ce, ca = collections.Counter(expected), collections.Counter(actual)
    if ce != ca:
        missing = ce - ca
        extra = ca - ce
        problems.append("%s: %d rows expected, %d got; %d missing, %d unexpected"
                        % (what, len(expected), len(actual), sum(missing.values()),
                           sum(extra.values())))
        for r, n in list(missing.items())[:3]:
            problems.append("  missing x%d: %s" % (n, ",".join(r)))
        for r, n in list(extra.items())[:3]:
            problems.append("  unexpected x%d: %s" % (n, ",".join(r)))
        return problems
    ke, ka = by_key(expected, col), by_key(actual, col)
    for k, rows in ke.items():
        if ka.get(k) != rows:
            problems.append("%s: rows of key %s in another order" % (what, k))
            if len(problems) > 5:
                break
    return problems


def cmd_same(args):
    col = 0
    if "--key-col" in args:
        i = args.index("--key-col")
        col = int(args[i + 1])
        del args[i:i + 2]
    expected, actual = read_rows(args[0]), read_rows(args[1])
    problems = compare(expected, actual, col, args[1])
    if problems:
        die("\n".join(problems))
    if not expected:
        die("no rows at all")
    print("%d rows, %d keys, per-key order kept" % (len(actual), len(by_key(actual, col))))


def cmd_count(args):
    expected = collections.Counter(read_lines(args[0]))
    actual = collections.Counter()
    for path in args[1:]:
        actual.update(read_lines(path))
    lost = sum(n - actual[row] for row, n in expected.items() if n > actual[row])
    dup = sum(n - expected[row] for row, n in actual.items() if n > expected[row])
    print("%d rows, lost %d, duplicated %d" % (sum(actual.values()), lost, dup))


def read_lines(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read().splitlines()


def cmd_keyed(args):
    path = args[0]
    first = int(args[1]) if len(args) > 1 else 1
    last = int(args[2]) if len(args) > 2 else None
    out = sys.stdout
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if n < first or (last is not None and n > last):
                continue
            line = line.rstrip("\n")
            doc = json.loads(line)
            p = doc["payload"] if "schema" in doc and "payload" in doc else doc
            row = p["after"] if p.get("after") is not None else p["before"]
            key = json.dumps({"holding_id": row["holding_id"]}, separators=(",", ":"))
            out.write(key + "\t" + line + "\n")
            if p["op"] == "d":
                out.write(key + "\t\n")


REBALANCED = re.compile(r"rebalanced \(memberid [^)]*\): (assigned|revoked): (.*)$")


def assignment(log):
    """The partitions a member holds after the last rebalance line of its
    kcat log, or None when it holds none (not assigned yet, or revoked)."""
    current = None
    with open(log, errors="replace") as f:
        for line in f:
            m = REBALANCED.search(line.rstrip("\n"))
            if m:
                parts = set(re.findall(r"\[(\d+)\]", m.group(2)))
                current = parts if m.group(1) == "assigned" else None
    return current


def cmd_stable(args):
    want = set(str(p) for p in range(int(args[0])))
    held = [assignment(log) for log in args[1:]]
    print(" ".join("[%s]" % ",".join(sorted(h)) if h is not None else "-" for h in held))
    if any(h is None for h in held):
        sys.exit(1)
    if sum(len(h) for h in held) != len(want) or set().union(*held) != want:
        sys.exit(1)


def cmd_group(args):
    expected = read_rows(args[0])
    part_of_key = {}
    with open(args[1]) as f:
        for line in f:
            p, k = line.rstrip("\n").split("\t", 1)
            key = str(json.loads(k)["holding_id"])
            if part_of_key.setdefault(key, p) != p:
                die("key %s is in partitions %s and %s" % (key, part_of_key[key], p))
    partitions = set(part_of_key.values())
    pairs = args[2:]
    if len(pairs) < 4 or len(pairs) % 2:
        die("usage: group EXPECTED PARTMAP OUT LOG [OUT LOG ...]")
    exp_by_key = by_key(expected, 0)
    problems, owner, assigned_all, members_with_rows, report = [], {}, [], 0, []
    for i in range(0, len(pairs), 2):
        out, log = pairs[i], pairs[i + 1]
        mine = assignment(log)
        if mine is None:
            problems.append("%s: no partitions assigned" % log)
            continue
        assigned_all.append(mine)
        rows = read_rows(out)
        if rows:
            members_with_rows += 1
        keys = [k for k, p in part_of_key.items() if p in mine]
        want = [r for k in keys for r in exp_by_key.get(k, [])]
        problems += compare(want, rows, 0, out + " (partitions %s)" % ",".join(sorted(mine)))
        for k in by_key(rows, 0):
            if k in owner:
                problems.append("holding_id %s in %s and %s" % (k, owner[k], out))
            owner[k] = out
        report.append("[%s]=%d" % (",".join(sorted(mine)), len(rows)))
    union = set().union(*assigned_all) if assigned_all else set()
    if sum(len(a) for a in assigned_all) != len(union):
        problems.append("overlapping assignments: %s" % assigned_all)
    if union != partitions and not problems:
        problems.append("assigned %s, topic has %s" % (sorted(union), sorted(partitions)))
    if members_with_rows < 2:
        problems.append("only %d member(s) got rows" % members_with_rows)
    if problems:
        die("\n".join(problems))
    print("%d members, partitions->rows %s, %d keys each in one member"
          % (len(pairs) // 2, " ".join(report), len(owner)))


def events(paths):
    """Yield the change events (payload dicts) of raw Debezium lines."""
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                s = line.strip()
                if not s.startswith("{"):
                    continue  # banner
                try:
                    doc = json.loads(s)
                except ValueError:
                    continue
                if isinstance(doc, dict) and "payload" in doc and "schema" in doc:
                    doc = doc["payload"]
                if not isinstance(doc, dict) or doc.get("op") not in ("c", "r", "u", "d"):
                    continue  # tombstone, heartbeat, ...
                yield doc


def ts_of(ev):
    ms = ev["source"]["ts_ms"]
    return datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)


def fmt_ts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.") + "%03d" % (t.microsecond // 1000)


def text(v):
    """A value as cdcpivot writes it and PostgreSQL compares it (text)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def cmd_queries(args):
    # The SQL, restated on events:
    #  q1: holding_stock rows with old_value NOT NULL and old_value IS
    #      DISTINCT FROM new_value: updates that change the stock from a
    #      value (to another, or to NULL), and deletes of a holding with a
    #      stock. Inserts have no old value; an update without a before
    #      image (old_value NULL) does not count.
    #  q2: holding_quantity rows with old_value NOT NULL and old_value <>
    #      new_value: updates from a value to another value (to NULL: the
    #      comparison is NULL), never deletes.
    #  q3: the rows of q1 ("sold" = the old stock), timed by the commit time
    #      (datetime_deleted or datetime_updated, from source.ts_ms), both
    #      ends inclusive, most often sold first, ties by stock name.
    seed = "--seed" in args
    paths = [a for a in args if a != "--seed"]
    q1 = collections.Counter()  # user -> holding_stock changes (updates and deletes)
    q2 = collections.Counter()  # user -> holding_quantity changes (updates only)
    sold = []                   # (time, stock) for q3
    users = set()
    for ev in events(paths):
        op, before, after = ev["op"], ev.get("before"), ev.get("after")
        img = before if op == "d" else after
        user = text(img["user_id"])
        users.add(user)
        if op == "u" and before is not None:
            ob, nb = text(before.get("holding_stock")), text(after.get("holding_stock"))
            if ob is not None and ob != nb:
                q1[user] += 1
                sold.append((ts_of(ev), ob))
            oq, nq = text(before.get("holding_quantity")), text(after.get("holding_quantity"))
            if oq is not None and nq is not None and oq != nq:
                q2[user] += 1
        elif op == "d":
            ob = text(before.get("holding_stock"))
            if ob is not None:
                q1[user] += 1
                sold.append((ts_of(ev), ob))

    def q3(lo, hi):
        c = collections.Counter(s for t, s in sold if lo <= t <= hi)
        if not c:
            return ""
        stock, n = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return "%s|%d" % (stock, n)

    cases = []
    if seed:
        q1_users, q2_users = sorted(users), sorted(users)
    else:
        # The busiest users, a user with none of that kind of change, and
        # a user who does not exist.
        quiet1 = sorted(users - set(q1))[:1]
        quiet2 = sorted(users - set(q2))[:1]
        q1_users = [u for u, _ in q1.most_common(3)] + quiet1 + ["999999"]
        q2_users = [u for u, _ in q2.most_common(3)] + quiet2 + ["999999"]
    for u in q1_users:
        cases.append(("q1", u, str(q1[u])))
    for u in q2_users:
        cases.append(("q2", u, str(q2[u])))
    lo, hi = datetime.datetime.min, datetime.datetime.max
    cases.append(("q3", "-infinity", "infinity", q3(lo, hi)))
    times = sorted(t for t, _ in sold)
    if len(times) >= 4:
        # Windows whose ends are exactly the times of sales, to check that
        # both ends are inclusive, plus an empty window.
        a, b = times[len(times) // 4], times[len(times) // 2]
        cases.append(("q3", fmt_ts(a), fmt_ts(b), q3(a, b)))
        a = times[len(times) // 3]
        cases.append(("q3", fmt_ts(a), fmt_ts(a), q3(a, a)))
        cases.append(("q3", "1999-01-01", "1999-12-31", ""))
    for c in cases:
        print("\t".join(c))


EPOCH = datetime.datetime(1970, 1, 1)


def pg_timestamp(t):
    """A timestamp as PostgreSQL prints it: the fraction without its
    trailing zeros, none when it is zero."""
    frac = ("%06d" % t.microsecond).rstrip("0")
    return "%04d-%s" % (t.year, t.strftime("%m-%d %H:%M:%S")) + ("." + frac if frac else "")


def decoder(schema_fields, name):
    """How the schema says field `name` of a row image is printed."""
    for f in schema_fields or ():
        if f.get("field") != name:
            continue
        logical = f.get("name")
        if logical == "io.debezium.time.MicroTimestamp":
            return lambda v: pg_timestamp(EPOCH + datetime.timedelta(microseconds=v))
        if logical == "io.debezium.time.Date":
            return lambda v: (EPOCH + datetime.timedelta(days=v)).strftime("%Y-%m-%d")
        if logical == "org.apache.kafka.connect.data.Decimal":
            scale = int(f["parameters"]["scale"])

            def dec(v):
                import base64
                n = int.from_bytes(base64.b64decode(v), "big", signed=True)
                sign, n = ("-" if n < 0 else ""), abs(n)
                return "%s%d.%0*d" % (sign, n // 10 ** scale, scale, n % 10 ** scale)
            return dec
    return text


def expected_rows(paths, fields):
    """(holding_id, user_id, field, old, new, crud, commit) per change."""
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                p, image_fields = doc, None
                if "schema" in doc and "payload" in doc:
                    p = doc["payload"]
                    image_fields = [x for x in doc["schema"]["fields"] if x["field"] == "after"][0]["fields"]
                op, before, after = p["op"], p.get("before"), p.get("after")
                img = before if op == "d" else after
                commit = fmt_ts(ts_of(p))
                for name in fields:
                    dec = decoder(image_fields, name)

                    def val(v):
                        return "N" if v is None else "V" + dec(v)
                    old = before.get(name) if before is not None and op in ("u", "d") else None
                    new = after.get(name) if op != "d" else None
                    if op == "u" and old == new:
                        continue
                    rows.append((text(img["holding_id"]), text(img["user_id"]), name, val(old),
                                 val(new), op, commit))
    return rows


def cmd_rows(args):
    db, fields, paths = args[0], args[1].split(","), args[2:]
    want = expected_rows(paths, fields)
    got = read_rows(db)
    # A multiset: a table has no order (rows of one event come back from a
    # scan in any order); the order is checked where the CSV is compared.
    problems = compare(sorted(want), sorted(got), 0, "holding_pivot")
    if problems:
        die("\n".join(problems))
    kinds = collections.Counter(r[5] for r in got)
    print("%d rows (%s) as the events say, '' and NULL apart"
          % (len(got), " ".join("%s=%d" % kv for kv in sorted(kinds.items()))))


def cmd_latency(args):
    fifo, out, path, count = args[0], args[1], args[2], int(args[3])
    lines, want = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(lines) == count:
                break
            ev = json.loads(line)
            p = ev["payload"] if "schema" in ev else ev
            if p["op"] in ("c", "r", "d"):
                n = len(TRACKED)
            else:
                n = sum(1 for k in TRACKED if p["before"].get(k) != p["after"].get(k))
            lines.append(line.encode())
            want.append(n)
    fd = os.open(fifo, os.O_WRONLY)
    lat, total, seen = [], 0, 0
    try:
        for line, n in zip(lines, want):
            os.write(fd, line)
            t0 = time.monotonic()
            total += n
            while True:
                with open(out, "rb") as f:
                    seen = f.read().count(b"\n")
                if seen >= total:
                    break
                if time.monotonic() - t0 > 5:
                    die("rows of event %d did not appear in 5 s (%d of %d rows)"
                        % (len(lat) + 1, seen, total))
                time.sleep(0.0005)
            if n:
                lat.append(time.monotonic() - t0)
            if seen != total:
                die("%d rows after event %d, expected %d" % (seen, len(lat), total))
            time.sleep(0.05)
    finally:
        os.close(fd)
    lat.sort()
    worst = lat[-1]
    print("%d events, %d rows, latency median %.1f ms, max %.1f ms"
          % (len(lines), total, lat[len(lat) // 2] * 1000, worst * 1000))
    if worst > LATENCY_LIMIT:
        die("max latency %.1f ms > %.0f ms" % (worst * 1000, LATENCY_LIMIT * 1000))


HOSTILE = ["a\n\\.\nb", "\\.", "\\.\n", "\n\\.", "\\.\r\nx", "x,y", '"q"', "tab\tx",
           "cr\rx", "back\\slash", "", None, "\\N", "NULL", "\U0001F600 \u00e9", " spaces ", "\n"]


def cmd_hostile(args):
    import hashlib
    for i, v in enumerate(HOSTILE, 1):
        ev = {"before": None, "op": "c", "source": {"ts_ms": 1600000000000 + i},
              "after": {"holding_id": i, "user_id": 1, "holding_stock": v, "holding_quantity": i}}
        print(json.dumps(ev))
        digest = "" if v is None else hashlib.sha256(v.encode("utf-8")).hexdigest()
        sys.stderr.write("%d|%s\n" % (i, digest))


def main():
    if len(sys.argv) < 2:
        die("usage: e2e.py keyed|same|count|stable|group|queries|rows|hostile|latency ...")
    cmds = {"keyed": cmd_keyed, "same": cmd_same, "count": cmd_count, "group": cmd_group,
            "stable": cmd_stable, "queries": cmd_queries, "latency": cmd_latency, "rows": cmd_rows,
            "hostile": cmd_hostile}
    if sys.argv[1] not in cmds:
        die("unknown command " + sys.argv[1])
    cmds[sys.argv[1]](sys.argv[2:])


main()
