#!/usr/bin/env python3
"""--state against the changes that made the stream (gen_streams.py):

1. a REPLICA IDENTITY DEFAULT stream with --state gives the rows the changes
   mean, and a FULL stream without state gives them too (less the TOASTed
   value of a key change, which only the state knows);
2. --meta old_source says where every old value came from;
3. a stream that starts after the snapshot says so and marks old values
   unknown; a stream run again, whole or from the middle, is a replay and
   gives no rows;
4. SIGKILL at random moments, each time run again from the beginning: the
   output, deduplicated by (id, change_field, lsn), equals the rows of a run
   that never crashed, and every copy of a row is the same row.

    run.py CDCPIVOT    (a temporary directory is used and removed)
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # tests leave no files behind
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_streams  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "./cdcpivot"
ENV = dict(os.environ, SOURCE_DATE_EPOCH="0", TZ="UTC", LC_ALL="C")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def run(args, stdin_lines):
    p = subprocess.run([BIN, "-q", "--format", "jsonl"] + args,
                       input="".join(l + "\n" for l in stdin_lines).encode(),
                       capture_output=True, env=ENV)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def rows(out, keep_source=False):
    res = []
    for line in out.splitlines():
        r = json.loads(line)
        r.pop("datetime_inserted", None)
        if not keep_source:
            r.pop("old_source", None)
        res.append(r)
    return res


def canon(rs):
    return [json.dumps(r, sort_keys=True) for r in rs]


def first_difference(got, want):
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return "row %d:\n  got  %s\n  want %s" % (i, a, b)
    return "%d rows, want %d" % (len(got), len(want))


def equivalence(tmp, seed):
    g = gen_streams.generate(seed, 20, 400)
    full = canon(gen_streams.expected(g, state=False))
    state = canon(gen_streams.expected(g, state=True))
    everything = canon(g.expected)
    cases = [("FULL without state", [], g.full, full),
             ("DEFAULT with --state", ["--state", os.path.join(tmp, "d%d" % seed)], g.default,
              state),
             ("FULL with --state", ["--state", os.path.join(tmp, "f%d" % seed)], g.full,
              everything)]
    for name, args, stream, want in cases:
        rc, out, err = run(["--meta", "lsn,old_source"] + args, stream)
        check(rc == 0, "seed %d %s: exit %d: %s" % (seed, name, rc, err))
        got = canon(rows(out))
        check(got == want, "seed %d %s: %s" % (seed, name, first_difference(got, want)))
        sources = {}
        for r in rows(out, keep_source=True):
            sources.setdefault((r["crud_type"], r["old_source"]), 0)
            sources[(r["crud_type"], r["old_source"])] += 1
        for (op, src), n in sorted(sources.items(), key=str):
            if op in "cr":
                check(src is None, "seed %d %s: %d %s rows with old_source %s" % (seed, name, n, op, src))
            elif not args:
                check(src == "before", "seed %d %s: %d %s rows with old_source %s" % (seed, name, n, op, src))
            elif stream is g.default:
                # unknown only for the column added after the row was stored
                check(src in ("state", "unknown"), "seed %d %s: old_source %s" % (seed, name, src))
        if stream is g.default and args:
            unknown = [r for r in rows(out, keep_source=True) if r["old_source"] == "unknown"]
            check(all(r["change_field"] == "tier" for r in unknown),
                  "seed %d: old_source unknown for %s" % (seed, sorted({r["change_field"] for r in unknown})))
            check("TOASTed" not in err, "seed %d: a placeholder the state holds was reported: %s" % (seed, err))


def started_late(tmp):
    g = gen_streams.generate(7, 20, 200)
    late = g.default[20:]  # without the snapshot
    rc, out, err = run(["--meta", "lsn,old_source", "--state", os.path.join(tmp, "late")], late)
    check(rc == 0, "late start: exit %d" % rc)
    check(err.count("not in --state") == 1, "late start: one warning for the table, got: " + err)
    unknown = [r for r in rows(out, keep_source=True) if r["old_source"] == "unknown"]
    check(len(unknown) > 0, "late start: no old_source unknown rows")
    check(all(r["old_value"] is None for r in unknown), "late start: unknown old value printed")


def replays(tmp):
    g = gen_streams.generate(11, 20, 300)
    d = os.path.join(tmp, "replay")
    rc, out, _ = run(["--state", d, "--meta", "lsn"], g.default)
    check(rc == 0 and out, "replay: first run")
    p = subprocess.run([BIN, "--format", "jsonl", "--state", d], input="".join(
        l + "\n" for l in g.default).encode(), capture_output=True, env=ENV)
    check(p.stdout == b"", "replay: the whole stream again gave rows: %r" % p.stdout[:300])
    check(b"duplicate %d" % len(g.default) in p.stderr, "replay: summary %r" % p.stderr)
    rc, out, _ = run(["--state", d], g.default[len(g.default) // 2:])
    check(out == "", "replay: the second half again gave rows")


def output_rows(path):
    with open(path) as f:
        return [json.loads(l) for l in f]


def sigkill(tmp, kills=6):
    g = gen_streams.generate(23, 1000, 8000)
    stream = os.path.join(tmp, "kill.jsonl")
    gen_streams.write_lines(stream, g.default)
    ref_out, ref_state = os.path.join(tmp, "ref.out"), os.path.join(tmp, "ref.state")
    t0 = time.monotonic()
    subprocess.run([BIN, "-q", "--format", "jsonl", "--meta", "lsn", "--state", ref_state,
                    "--output", ref_out, stream], env=ENV, check=True)
    took = time.monotonic() - t0
    ref = output_rows(ref_out)
    check(canon([dict(r, datetime_inserted=None) for r in ref]) ==
          canon([dict(r, datetime_inserted=None) for r in gen_streams.expected(g, state=True)]),
          "kill: the reference run")
    out, state = os.path.join(tmp, "kill.out"), os.path.join(tmp, "kill.state")
    rnd = random.Random(5)
    killed, mid_stream = 0, 0
    full_size = os.path.getsize(ref_out)
    attempts = 0
    # At least `kills` tries, and more (up to 30) until one landed
    # mid-stream: on a loaded machine a try can miss the whole run.
    while attempts < kills or (mid_stream == 0 and attempts < 30):
        attempts += 1
        p = subprocess.Popen([BIN, "-q", "--format", "jsonl", "--meta", "lsn", "--state", state,
                              "--output", out, stream], env=ENV, stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0, took * 0.6))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed += 1
            p.wait()
            size = os.path.getsize(out) if os.path.exists(out) else 0
            mid_stream += 0 < size < full_size
        p.wait()
    subprocess.run([BIN, "-q", "--format", "jsonl", "--meta", "lsn", "--state", state,
                    "--output", out, stream], env=ENV, check=True, stderr=subprocess.DEVNULL)
    want = {}
    for r in ref:
        want[(r["id"], r["change_field"], r["lsn"])] = canon([r])[0]
    got, wrong = {}, 0
    for r in output_rows(out):
        k = (r["id"], r["change_field"], r["lsn"])
        c = canon([r])[0]
        if k in got and got[k] != c:
            wrong += 1
        got.setdefault(k, c)
    check(mid_stream > 0, "kill: no kill landed between the first and the last row (%d kills)" % killed)
    check(wrong == 0, "kill: %d replayed rows differ from their first copy" % wrong)
    extra = sorted(set(got) - set(want))
    check(got == want, "kill: after %d kills, %d rows missing, %d extra%s" % (
        killed, len(set(want) - set(got)), len(extra), "".join("\n  " + got[k] for k in extra[:3])))
    print("state: %d kills (%d mid-stream) in a %.1fs run: %d rows, %d copies in the file" % (
        killed, mid_stream, took, len(want), len(output_rows(out))))


def kept_while_running(tmp):
    """5. What the output shows is in the state while the run goes on: an
    event whose rows a reader of the output has seen survives a SIGKILL
    of a run that then waited for more input."""
    st = os.path.join(tmp, "live")
    p = subprocess.Popen([BIN, "-q", "--state", st, "--id", "id"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, env=ENV)
    ev = {"before": None, "after": {"id": 1, "v": "a"}, "op": "c",
          "source": {"db": "d", "table": "t", "lsn": 10}}
    p.stdin.write((json.dumps(ev) + "\n").encode())
    p.stdin.flush()
    row = p.stdout.readline()
    time.sleep(0.5)  # the row is out; the run waits for input
    p.send_signal(signal.SIGKILL)
    p.wait()
    upd = dict(ev, before=None, after={"id": 1, "v": "b"}, op="u",
               source={"db": "d", "table": "t", "lsn": 20})
    out = subprocess.run([BIN, "-q", "--state", st, "--id", "id", "--meta", "old_source"],
                         input=(json.dumps(upd) + "\n").encode(), capture_output=True,
                         env=ENV).stdout.decode()
    check(row.startswith(b"1,v,,a,"), "live: the insert's row: %r" % row)
    check(out.startswith("1,v,a,b,") and out.rstrip("\n").endswith(",state"),
          "live: after SIGKILL, the update's old value from the state: %r" % out)


def main():
    tmp = tempfile.mkdtemp(prefix="cdcpivot-state.")
    try:
        for seed in (1, 2, 3):
            equivalence(tmp, seed)
        started_late(tmp)
        replays(tmp)
        sigkill(tmp)
        kept_while_running(tmp)
    finally:
        shutil.rmtree(tmp)
    if failures:
        print("state: %d failures" % len(failures), file=sys.stderr)
        sys.exit(1)
    print("state: ok")


if __name__ == "__main__":
    main()
