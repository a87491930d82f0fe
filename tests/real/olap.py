#!/usr/bin/env python3
"""The OLAP step of tests/real/run.sh, run with the venv's python (duckdb,
chdb). Every command comes from examples/LOADING.md and examples/queries/ as
they are at test time, so the documents cannot drift from what is tested.

  olap.py commands                print the PostgreSQL commands of LOADING.md
                                  (load and queries), one a line
  olap.py duckdb DIR CASES        load DIR/holding-pivot-*.txt with
                                  LOADING.md's DuckDB statement, answer CASES
  olap.py clickhouse DIR CASES    the same with chDB: LOADING.md's CREATE
                                  TABLE, its clickhouse-client settings, its
                                  clickhouse-local query
  olap.py answers EXPECTED CASES  the answers, from the rows PostgreSQL
                                  recorded (real.py expect), not from a file
CASES: lines "q1 USER", "q2 USER", "q3 DATE1 DATE2" (TAB-separated).
Answers are printed as psql -A -t prints them: "N" or "STOCK|N" ("" if none).
"""
import json
import os
import shlex
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUERIES = {"q1": "q1_stock_type_changes.sql", "q2": "q2_quantity_changes.sql",
           "q3": "q3_most_sold_stock.sql"}


def die(msg):
    sys.stderr.write("olap.py: %s\n" % msg)
    sys.exit(1)


def section(title):
    """The fenced code blocks of LOADING.md's section TITLE: [(lang, text)]."""
    with open(os.path.join(REPO, "examples", "LOADING.md")) as f:
        doc = f.read()
    m = re.search(r"^## %s\n(.*?)(?=^## |\Z)" % re.escape(title), doc, re.S | re.M)
    if not m:
        die("LOADING.md has no section %s" % title)
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", m.group(1), re.S | re.M)
    if not blocks:
        die("LOADING.md's %s section has no code" % title)
    return blocks


def cases(path):
    with open(path) as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]


def query_text(q, args):
    """examples/queries/Q with its psql variables replaced by literals."""
    with open(os.path.join(REPO, "examples", "queries", QUERIES[q])) as f:
        sql = f.read()
    names = ["user_id"] if q != "q3" else ["date1", "date2"]
    for name, value in zip(names, args):
        sql = sql.replace(":'%s'" % name, "'%s'" % value.replace("'", "''"))
    bare = re.sub(r"'[^']*'", "''", re.sub(r"--.*", "", sql)).replace("::", "")
    if re.search(r":['\"]?\w", bare):
        die("%s: a psql variable left: %s" % (q, sql))
    return sql


def fmt(rows):
    return "\n".join("|".join(str(v) for v in r) for r in rows)


def cmd_postgres(args):
    """LOADING.md's psql commands, with -d DBNAME replaced by the test's
    connection (CONN, JSON list of psql options) and the query variables by
    each case's; run in DIR, where holding-pivot.tsv is."""
    import shlex
    import subprocess
    d, path, conn = args[0], args[1], json.loads(args[2])
    cmds = commands()
    def run(cmd, extra):
        argv = shlex.split(cmd)
        i = argv.index("-d")
        argv[i:i + 2] = conn + extra
        argv = [a.replace("examples/", os.path.join(REPO, "examples") + "/") for a in argv]
        r = subprocess.run(argv, cwd=d, capture_output=True, text=True)
        if r.returncode != 0:
            die("%s: %s" % (" ".join(argv), r.stderr))
        return r.stdout.strip()
    run(cmds[0], [])
    for c in cases(path):
        cmd = [x for x in cmds[1:] if QUERIES[c[0]] in x][0]
        if c[0] == "q3":
            cmd = re.sub(r"-v date1=\S+ -v date2=\S+", "-v date1=%s -v date2=%s"
                         % (shlex.quote(c[1]), shlex.quote(c[2])), cmd)
        else:
            cmd = re.sub(r"-v user_id=\S+", "-v user_id=%s" % shlex.quote(c[1]), cmd)
        print(run(cmd, ["-A", "-t"]))


def commands():
    blocks = section("PostgreSQL")
    cmds = []
    for lang, text in blocks:
        for line in text.splitlines():
            if line.startswith("psql "):
                cmds.append(line)
    load = [c for c in cmds if "load-postgres.sql" in c and "-v file=holding-pivot.tsv" in c]
    q = [c for c in cmds if "examples/queries/" in c]
    if not load or len(q) != 3:
        die("LOADING.md: expected a load command and 3 query commands, got %r" % cmds)
    return [load[0]] + q


def cmd_commands(_):
    for c in commands():
        print(c)


def cmd_duckdb(args):
    import duckdb
    d, path = args[0], args[1]
    sql = [t for lang, t in section("DuckDB") if lang == "sql"]
    if len(sql) != 1 or "read_csv('holding-pivot-*.txt'" not in sql[0]:
        die("LOADING.md's DuckDB section: expected one CREATE TABLE with read_csv('holding-pivot-*.txt' ...)")
    os.chdir(d)  # the glob as written
    con = duckdb.connect()
    con.execute(sql[0])
    for c in cases(path):
        print(fmt(con.execute(query_text(c[0], c[1:])).fetchall()))


def cmd_clickhouse(args):
    from chdb import session
    d, path = args[0], args[1]
    blocks = section("ClickHouse")
    create = [t for lang, t in blocks if lang == "sql" and "CREATE TABLE holding_pivot" in t]
    client = [t for lang, t in blocks if lang == "sh" and t.startswith("clickhouse-client")]
    local = [t for lang, t in blocks if lang == "sh" and t.startswith("clickhouse-local")]
    if len(create) != 1 or len(client) != 1 or len(local) != 1:
        die("LOADING.md's ClickHouse section: expected CREATE TABLE, clickhouse-client, clickhouse-local")
    # The two commands as the shell splits them (POSIX quoting: inside the
    # double quotes \' stays \', an escaped quote in ClickHouse's literal).
    cargv = shlex.split(client[0].replace("\\\n", " "))
    largv = shlex.split(local[0].replace("\\\n", " "))
    settings = [a[2:].split("=", 1) for a in cargv if a.startswith("--") and "=" in a]
    if [a[2:].split("=", 1) for a in largv if a.startswith("--") and "=" in a] != settings:
        die("LOADING.md: clickhouse-client and clickhouse-local are given different settings")
    into = cargv[cargv.index("--query") + 1]
    if not re.fullmatch(r"INSERT INTO holding_pivot FORMAT \w+", into) or "< holding-pivot.txt" not in client[0]:
        die("LOADING.md: no clickhouse-client INSERT ... < holding-pivot.txt")
    local_q = largv[largv.index("--query") + 1]
    os.chdir(d)
    s = session.Session()
    s.query("CREATE DATABASE IF NOT EXISTS e2e")
    s.query("USE e2e")
    s.query(create[0])
    sets = ", ".join("%s=%s" % tuple(kv) for kv in settings)
    # clickhouse-client's "INSERT ... FORMAT CSV < FILE", in process: the
    # same statement with the file as INFILE, the same settings.
    ins = into.replace("INSERT INTO holding_pivot",
                                "INSERT INTO holding_pivot FROM INFILE '%s'" % os.path.join(d, "holding-pivot.txt"))
    s.query("SET " + sets)
    s.query(ins)
    for c in cases(path):
        if c[0] == "q3" and c[1:] == ["-infinity", "infinity"]:
            # LOADING.md's clickhouse-local query: q3 over all time, on the files
            r = s.query(local_q, "CSV").bytes().decode()
        else:
            r = s.query(ch_sql(query_text(c[0], c[1:])), "CSV").bytes().decode()
        print("|".join(v.strip('"') for v in r.strip().split(",")) if r.strip() else "")


def ch_sql(sql):
    # LOADING.md: where the PostgreSQL queries use IS DISTINCT FROM, write
    # (new_value IS NULL OR old_value != new_value); old_value is non-NULL there.
    sql = re.sub(r"--.*", "", sql)
    sql = sql.replace("old_value IS DISTINCT FROM new_value", "(new_value IS NULL OR old_value != new_value)")
    if "DISTINCT FROM" in sql:
        die("a query uses IS DISTINCT FROM otherwise: %s" % sql)
    return sql.strip().rstrip(";")


def cmd_answers(args):
    """From the expected rows (ids holding_id, user_id): the answers the
    three questions must give, following the queries' documented meaning."""
    with open(args[0]) as f:
        rows = [json.loads(l) for l in f if l.strip()]
    rows = [r for r in rows if isinstance(r, list)]
    for c in cases(args[1]):
        q = c[0]
        if q in ("q1", "q2"):
            field = "holding_stock" if q == "q1" else "holding_quantity"
            n = 0
            for r in rows:
                hid, uid, f, old, new = r[:5]
                if f != field or old is None or uid != c[1]:
                    continue
                if q == "q1" and old != new:  # IS DISTINCT FROM: deletes count
                    n += 1
                if q == "q2" and new is not None and old != new:  # <>: deletes do not
                    n += 1
            print(n)
        else:
            lo, hi = c[1], c[2]
            count = {}
            for r in rows:
                hid, uid, f, old, new, created, updated, deleted, crud = r
                when = deleted or updated
                if f != "holding_stock" or old is None or old == new or when is None:
                    continue
                if (lo == "-infinity" or when >= lo) and (hi == "infinity" or when <= hi):
                    count[old] = count.get(old, 0) + 1
            if count:
                best = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                print("%s|%d" % best)
            else:
                print("")


def main():
    cmds = {"commands": cmd_commands, "postgres": cmd_postgres, "duckdb": cmd_duckdb, "clickhouse": cmd_clickhouse,
            "answers": cmd_answers}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        die("usage: see the docstring")
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
