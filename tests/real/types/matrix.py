#!/usr/bin/env python3
"""The type matrix (tests/real/types/README): every column of the types
table, in every connector mode, against PostgreSQL's own text.

  matrix.py check MODE EXPECTED CSV OUT --spec JSON --psql JSON
      EXPECTED: real.py expect's rows (from test_decoding: each type's own
      output function, under TimeZone=UTC, DateStyle=ISO, ...); CSV:
      cdcpivot's output. Writes OUT, one line per column: column, type,
      mode, verdict (equal / documented / wrong), casts back (yes / no),
      the first differing value. --psql (a psql command line as a JSON
      list) gives the column types and casts every differing value back
      in PostgreSQL: value::type IS NOT DISTINCT FROM the source. --spec:
      the scenario's spec.json. Exit 1 when a column is wrong.
  matrix.py golden EXPECTED OUT  a saved capture against the committed matrix
  matrix.py table MATRIX...     a type table from results, and its totals
  matrix.py readme README [--write]
                                README's type table from the committed
                                matrix-VERSION.tsv files: checked, or written
"""
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
import real  # noqa: E402

DOCUMENTED = os.path.join(here, "documented")


def documented():
    """{(column, mode): reason}; mode "*" for every mode."""
    d = {}
    with open(DOCUMENTED, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            head, _, reason = line.partition("#")
            col, modes = head.split()
            for m in modes.split(","):
                d[(col, m)] = reason.strip()
    return d


def reason_for(doc, col, mode):
    return doc.get((col, mode)) or doc.get((col, "*"))


def cells(expected, actual):
    """{column: [(want, got)]}: the old and new values of every row, paired
    per (id, column) in order; a side missing is None (no row)."""
    def group(rows):
        g = {}
        for r in rows:
            g.setdefault((r[0], r[1]), []).append((r[2], r[3], r[-1]))
        return g
    e, a = group(expected), group(actual)
    out = {}
    for key in sorted(set(e) | set(a), key=str):
        er, ar = e.get(key, []), a.get(key, [])
        for i in range(max(len(er), len(ar))):
            x = er[i] if i < len(er) else None
            y = ar[i] if i < len(ar) else None
            for side in (0, 1):
                want = None if x is None else x[side]
                got = None if y is None else y[side]
                if x is not None and y is not None and want is None and got is None:
                    continue
                out.setdefault(key[1], []).append((
                    "missing" if x is None else want, "missing" if y is None else got))
    return out


CASTBACK = r"""
SET search_path = %s, public;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET bytea_output = 'hex';
SET extra_float_digits = 1;
CREATE FUNCTION pg_temp.castback(got text, want text, typ text) RETURNS text
LANGUAGE plpgsql AS $f$
DECLARE r boolean;
BEGIN
	BEGIN
		EXECUTE format('SELECT (%%L::%%s)::text IS NOT DISTINCT FROM (%%L::%%s)::text', got, typ, want, typ) INTO r;
		IF r THEN RETURN 'yes'; END IF;
		EXECUTE format('SELECT %%L::%%s IS NOT DISTINCT FROM %%L::%%s', got, typ, want, typ) INTO r;
		RETURN CASE WHEN r THEN 'yes' ELSE 'no' END;
	EXCEPTION WHEN others THEN RETURN 'no';
	END;
END $f$;
"""


def lit(v):
    return "NULL" if v is None else "'" + v.replace("'", "''") + "'"


def castback(psql, schema, table, pairs):
    """PostgreSQL's verdict for each (column, type, want, got) and the
    column types: ({(column, want, got): yes/no}, {column: type})."""
    sql = CASTBACK % schema
    sql += ("SELECT json_object_agg(attname, format_type(atttypid, atttypmod)) FROM pg_attribute "
            "WHERE attrelid = '%s.%s'::regclass AND attnum > 0 AND NOT attisdropped;\n" % (schema, table))
    p = subprocess.run(psql + ["-f", "-"], input=sql, capture_output=True, text=True, check=True)
    types = json.loads(p.stdout.strip().splitlines()[-1])
    sql = CASTBACK % schema
    for col, want, got in pairs:
        sql += "SELECT pg_temp.castback(%s, %s, %s);\n" % (lit(got), lit(want), lit(types[col]))
    p = subprocess.run(psql + ["-f", "-"], input=sql, capture_output=True, text=True, check=True)
    answers = [l for l in p.stdout.splitlines() if l.strip()]
    if len(answers) != len(pairs):
        real.die("castback: %d answers for %d values: %s" % (len(answers), len(pairs), p.stderr))
    return {k: v for k, v in zip(pairs, answers)}, types


def bits(by_col, types):
    """test_decoding writes bit strings as B'0101' (print_literal), where
    the type's text (bit_out, col::text) is 0101."""
    for col, ps in by_col.items():
        if types.get(col, "").startswith("bit"):
            by_col[col] = [(w[2:-1] if w not in (None, "missing") and w.startswith("B'") else w, g)
                           for (w, g) in ps]


def load_expected(path):
    with open(path) as f:
        rows = [json.loads(l) for l in f if l.strip()]
    return [[None if v is None else str(v) for v in r] for r in rows if isinstance(r, list)]


def evaluate(mode, by_col, types, verdicts):
    """The matrix lines of one mode: column, type, mode, verdict, casts
    back, example; and the number of wrong columns."""
    doc = documented()
    lines, wrong = [], 0
    for col in [c for c in types if c != "id"]:
        ps = by_col.get(col, [])
        diffs = [(w, g) for (w, g) in ps if w != g]
        if not ps or all(g == "missing" for (_, g) in ps):
            verdict, casts, example = "documented", "no", "not sent"
        elif not diffs:
            verdict, casts, example = "equal", "yes", ""
        else:
            verdict = "documented"
            w, g = diffs[0]
            example = "%s -> %s" % ("NULL" if w is None else w, "NULL" if g is None else g)
            if verdicts is None:
                casts = "-"
            else:
                casts = "yes" if all(verdicts.get((col, w2, g2)) == "yes" for (w2, g2) in diffs) else "no"
        if verdict == "documented" and reason_for(doc, col, mode) is None:
            verdict = "wrong"
            wrong += 1
        lines.append([col, types[col], mode, verdict, casts,
                      example.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")])
    return lines, wrong


def cmd_check(args):
    mode, exp_path, csv_path, out_path = args[:4]
    opts = dict(zip(args[4::2], args[5::2]))
    by_col = cells(load_expected(exp_path), real.read_csv_nulls(csv_path))
    spec = json.loads(opts["--spec"])
    schema, table = spec["table"].split(".")
    psql = json.loads(opts["--psql"])
    _, types = castback(psql, schema, table, [])
    bits(by_col, types)
    differing = sorted(set((c, w, g) for c, ps in by_col.items() for (w, g) in ps
                           if w != g and w != "missing" and g != "missing"), key=str)
    verdicts, _ = castback(psql, schema, table, differing)
    lines, wrong = evaluate(mode, by_col, types, verdicts)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("".join("\t".join(l) + "\n" for l in lines))
    n = len(lines)
    eq = sum(1 for l in lines if l[3] == "equal")
    print("%s: %d columns, %d equal, %d documented, %d wrong" % (mode, n, eq, n - eq - wrong, wrong))
    for l in lines:
        if l[3] == "wrong":
            print("  wrong: " + "\t".join(l))
    sys.exit(1 if wrong else 0)


def read_matrix(path):
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n").split("\t") for l in f if l.strip()]


def cmd_golden(args):
    """golden EXPECTED OUT: a saved capture of the matrix
    (tests/golden/real-VERSION-MODE) against PostgreSQL's record: each
    column's verdict is the one the committed matrix-VERSION.tsv has."""
    exp_path, out_path = args
    name = os.path.basename(exp_path)[len("real-"):-len(".expected")]
    version, mode = name.split("-", 1)
    committed = [r for r in read_matrix(os.path.join(here, "matrix-%s.tsv" % version)) if r[2] == mode]
    if not committed:
        real.die("%s: no mode %s in matrix-%s.tsv" % (exp_path, mode, version))
    types = {r[0]: r[1] for r in committed}
    by_col = cells(load_expected(exp_path), real.read_csv_nulls(out_path))
    bits(by_col, types)
    lines, wrong = evaluate(mode, by_col, types, None)
    got = [(l[0], l[3], l[5]) for l in lines]
    want = [(r[0], r[3], r[5]) for r in committed]
    if wrong or got != want:
        real.die("%s: %d wrong; differs from matrix-%s.tsv: %s" % (
            out_path, wrong, version, [g for g, w in zip(got, want) if g != w][:5]))


STACKS = [("2.7.3", "zk"), ("3.6.1", "kraft")]
BEGIN = "<!-- type table: made by `make types-table` from tests/real/types/matrix-*.tsv -->"
END = "<!-- end of type table -->"


def label(mode):
    return "default" if mode == "types" else mode[len("types-"):]


def table_lines(version, rows):
    modes, cols = [], []
    for r in rows:
        if r[2] not in modes:
            modes.append(r[2])
        if r[0] not in cols:
            cols.append(r[0])
    modes.sort(key=lambda m: (m != "types", m))  # the defaults first
    cell = {(r[0], r[2]): r for r in rows}
    typ = {r[0]: r[1] for r in rows}
    out = ["| type (column), Debezium %s | " % version + " | ".join(label(m) for m in modes) + " |",
           "|---|" + "---|" * len(modes)]
    for c in cols:
        marks = []
        for m in modes:
            r = cell.get((c, m))
            marks.append("" if r is None else "=" if r[3] == "equal" else
                         ("≈" if r[4] == "yes" else "≠") + ("" if r[3] == "documented" else " WRONG"))
        out.append("| `%s` (%s) | " % (typ[c], c[2:] if c.startswith("c_") else c) + " | ".join(marks) + " |")
    n = len(rows)
    eq = sum(1 for r in rows if r[3] == "equal")
    wrong = sum(1 for r in rows if r[3] == "wrong")
    back = sum(1 for r in rows if r[3] == "documented" and r[4] == "yes")
    out += ["", "%s%d cells, %d equal, %d documented differences (%d of them cast back "
            "to the same value), %d wrong." % ("Debezium %s: " % version if version else "",
                                                n, eq, n - eq - wrong, back, wrong), ""]
    return out


def unescape(ex):
    """A matrix example as text on one line (the file escapes \\, tab, LF)."""
    out, i = [], 0
    while i < len(ex):
        if ex[i] == "\\" and i + 1 < len(ex):
            out.append({"t": "\\t", "n": "\\n"}.get(ex[i + 1], ex[i + 1]))
            i += 2
        else:
            out.append(ex[i])
            i += 1
    return "".join(out)


def readme_section():
    out = [BEGIN, ""]
    allrows = []
    for version, _ in STACKS:
        rows = read_matrix(os.path.join(here, "matrix-%s.tsv" % version))
        allrows += rows
        out += table_lines(version, rows)
    typ = {}
    for r in allrows:
        typ[r[0]] = r[1]
    out.append("Why a cell is not `=` (tests/real/types/documented; an example from the run, "
               "PostgreSQL's text -> cdcpivot's):")
    out.append("")
    example = {}
    for r in allrows:
        if r[3] != "equal" and r[0] not in example:
            example[r[0]] = r[5]
    with open(DOCUMENTED, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            head, _, reason = line.partition("#")
            col, modes = head.split()
            where = "every mode" if modes == "*" else ", ".join(label(m) for m in modes.split(","))
            ex = unescape(example.get(col, ""))
            out.append("- `%s` (%s; %s): %s%s" % (typ.get(col, col), col[2:], where, reason.strip(),
                                                 "; e.g. `%s`" % ex if ex and ex != "not sent" else ""))
    out += ["", END]
    return "\n".join(out) + "\n"


def cmd_readme(args):
    """readme README [--write]: the README's type table, from the committed
    matrices; without --write, exit 1 if README's differs."""
    path = args[0]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        real.die("%s has no type table markers" % path)
    a = text.index(BEGIN)
    b = text.index(END) + len(END) + 1
    new = text[:a] + readme_section() + text[b:]
    if "--write" in args:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    elif new != text:
        real.die("%s: the type table differs from tests/real/types/matrix-*.tsv: run make types-table" % path)


def cmd_table(args):
    rows = []
    for p in args:
        rows += read_matrix(p)
    for l in table_lines("", rows):
        print(l)


def main():
    cmds = {"check": cmd_check, "table": cmd_table, "golden": cmd_golden, "readme": cmd_readme}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        real.die("usage: see the docstring")
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
