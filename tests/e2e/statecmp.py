#!/usr/bin/env python3
"""--state with --brokers against the REPLICA IDENTITY FULL reference.

    statecmp.py streams SEED KEYS CHANGES OUTDIR
        tests/state/gen_streams.py's changes (without key changes and column
        changes, which a keyed multi-partition topic cannot order or which
        FULL and DEFAULT report differently): OUTDIR/full.jsonl (kcat -J,
        REPLICA IDENTITY FULL), OUTDIR/default.records (key<TAB>value, as
        kcat -P -K '\\t' takes them: REPLICA IDENTITY DEFAULT)
    statecmp.py compare MAX REFERENCE.csv FILE.csv...
        REFERENCE: cdcpivot --id id --meta lsn on full.jsonl without state;
        FILEs: group members' --id id --meta lsn,old_source --state output.
        Per event (id, lsn): it must be in exactly one FILE once. An event
        with an old value marked unknown (a partition whose images were
        dropped) must agree with the reference on every new value; every
        other event must be the reference's rows exactly; no key may have
        more than MAX rows with the old value of a field unknown (one per
        time its partition came to a member without its images). Prints
        counts.
    statecmp.py count FILE...    events in the members' files
    statecmp.py events REFERENCE events in the reference
"""
import csv
import json
import os
import sys

sys.dont_write_bytecode = True  # tests leave no files behind
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "state"))


def cmd_streams(args):
    import gen_streams
    seed, keys, changes, out = int(args[0]), int(args[1]), int(args[2]), args[3]
    gen_streams.Gen.change_key = gen_streams.Gen.update
    gen_streams.Gen.add_column = lambda self: None
    gen_streams.Gen.drop_column = lambda self: None
    g = gen_streams.generate(seed, keys, changes)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "full.jsonl"), "w") as f:
        for line in g.full:
            f.write(line + "\n")
    with open(os.path.join(out, "default.records"), "w") as f:
        for line in g.default:
            r = json.loads(line)
            f.write(r["key"] + "\t" + r["payload"] + "\n")


def events(path, with_source):
    ev = {}
    order = []
    with open(path, newline="") as f:
        for row in csv.reader(f):
            src = row.pop() if with_source else None
            row[7] = ""  # datetime_inserted
            k = (row[0], row[-1])  # id, lsn
            if k not in ev:
                ev[k] = []
                order.append(k)
            ev[k].append((row, src))
    return ev, order


def cmd_compare(args):
    most = int(args.pop(0))
    ref, _ = events(args[0], False)
    seen = {}
    wrong, doubled, unknown = [], 0, 0
    per_field = {}  # (id, field): rows with the old value unknown
    for path in args[1:]:
        got, order = events(path, True)
        for k in order:
            if k in seen:
                doubled += 1
                continue
            seen[k] = path
            rows = got[k]
            want = [r for r, _ in ref.get(k, [])]
            if not any(s == "unknown" for _, s in rows):
                if [r for r, _ in rows] != want:
                    wrong.append("%s %s: %r, reference %r" % (path, k, [r for r, _ in rows], want))
                continue
            unknown += 1
            by_field = {r[1]: r for r in want}
            for r, src in rows:
                w = by_field.get(r[1])
                if src == "unknown":
                    per_field[(k[0], r[1])] = per_field.get((k[0], r[1]), 0) + 1
                    if w is not None and w[3] != r[3]:
                        wrong.append("%s %s: new value %r, reference %r" % (path, k, r[3], w[3]))
                elif w != r:
                    wrong.append("%s %s: %r (old value from %s), reference %r" % (path, k, r, src, w))
    missing = [k for k in ref if k not in seen]
    worst = max(per_field.values(), default=0)
    print("%d events in the reference; %d in the files, %d missing, %d doubled, %d wrong, "
          "%d with old values unknown (at most %d unknown a key and field)"
          % (len(ref), len(seen), len(missing), doubled, len(wrong), unknown, worst))
    for w in wrong[:10]:
        print("  " + (w if len(w) < 400 else w[:400] + "..."), file=sys.stderr)
    for k in missing[:10]:
        print("  missing %s" % (k,), file=sys.stderr)
    sys.exit(1 if wrong or missing or doubled or worst > most else 0)


def cmd_count(args):
    """Distinct events (id, lsn) in the members' files."""
    n = set()
    for path in args:
        if os.path.exists(path):
            n.update(events(path, True)[0])
    print(len(n))


def cmd_events(args):
    """Distinct events (id, lsn) in the reference."""
    print(len(events(args[0], False)[0]))


if __name__ == "__main__":
    {"streams": cmd_streams, "compare": cmd_compare, "count": cmd_count,
     "events": cmd_events}[sys.argv[1]](sys.argv[2:])
