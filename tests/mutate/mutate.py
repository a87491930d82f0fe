#!/usr/bin/env python3
"""make mutate: mutation testing of the modules that decide rows.

Mutants are generated at run time from the current sources (so line shifts
do not matter), plus the named mutants of tests/mutate/named.txt (the bugs
the suite once let through). Each mutant is applied to a copy of the tree
under build/mutate/, built, and run against the unit runner (make unit's
Check suites, golden files and CLI tests). A mutant is killed when a test
that passes on the unmutated tree fails, or the runner crashes or hangs.
src/ itself is never written.

A mutant is identified by (file, the original line's text, the mutated
line's text), which is also how tests/mutate/equivalent.txt lists the
mutants that cannot change behaviour, each with its reason.

Usage: mutate.py [--jobs N] [--max N] [--files a,b] [--list] [--verbose]
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "mutate")
MODULES = ["envelope", "changeevent", "mongodb", "envbuild", "fastjson", "diff", "memberindex", "decode", "decodetime", "pgtext", "writer", "output",
           "pipeline", "tablefilter", "dedup", "schemacache"]
TARGETS = ["build/check_cdcpivot", "build/cdcpivot", "build/fsync_shim.so"]
FAIL_RE = re.compile(r"^[^:\s]+:\d+:[FE]:([^:]+):([^:]+):(\d+):", re.M)
SUMMARY_RE = re.compile(r"^\d+%: Checks: (\d+), Failures: (\d+), Errors: (\d+)", re.M)

# Calls whose deletion leaks or leaves a descriptor open: found by make
# valgrind and make asan, not by the unit run, so not generated here.
RELEASE_CALLS = re.compile(
    r"^\s*(free|\w+_free|\w+_clear|cJSON_Delete|close|fclose|buf_free|jsonarena_\w+)\s*\(")
DECL_START = re.compile(
    r"^\s*(const\s+|static\s+|unsigned\s+|signed\s+)*(struct\s+\w+|enum\s+\w+|[A-Za-z_]\w*)\s*\**\s*[A-Za-z_]\w*\s*(=|\[|;|,)")
SIMPLE_STMT = re.compile(r"^\s*[A-Za-z_*(][^;{}]*;\s*$")


def mask(line, in_comment):
    """The line with string/char literals and comments replaced by spaces
    (same length), so operators are only found in code."""
    out = []
    i, n = 0, len(line)
    while i < n:
        if in_comment:
            j = line.find("*/", i)
            if j < 0:
                out.append(" " * (n - i))
                return "".join(out), True
            out.append(" " * (j + 2 - i))
            i = j + 2
            in_comment = False
            continue
        c = line[i]
        if line.startswith("/*", i):
            in_comment = True
            continue
        if line.startswith("//", i):
            out.append(" " * (n - i))
            break
        if c in "\"'":
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if line[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out), in_comment


OPS = [
    # (name, regex on the masked line, replacements)
    ("ror", re.compile(r"(?<![=!<>])==(?!=)"), ["!="]),
    ("ror", re.compile(r"!="), ["=="]),
    ("ror", re.compile(r"(?<![<>\-])<=(?!=)"), ["<"]),
    ("ror", re.compile(r"(?<![<>\-])>=(?!=)"), [">"]),
    ("ror", re.compile(r"(?<![<>\-])<(?![<=])"), ["<="]),
    ("ror", re.compile(r"(?<![<>\-])>(?![>=])"), [">="]),
    ("lcr", re.compile(r"&&"), ["||"]),
    ("lcr", re.compile(r"\|\|"), ["&&"]),
    ("aor", re.compile(r"(?<=\s)\+(?=\s)"), ["-"]),
    ("aor", re.compile(r"(?<=\s)-(?=\s)"), ["+"]),
    ("cr", re.compile(r"(?<![\w.])0(?![\w.xX])"), ["1"]),
    ("cr", re.compile(r"(?<![\w.])1(?![\w.])"), ["0"]),
    ("cr", re.compile(r"(?<![\w.])([2-9]|[1-9]\d+)(?![\w.])"), None),  # N -> N+1
]


def paren_end(s, start):
    depth = 0
    for k in range(start, len(s)):
        if s[k] == "(":
            depth += 1
        elif s[k] == ")":
            depth -= 1
            if depth == 0:
                return k
    return -1


def line_mutants(line, code):
    """Mutated versions of one source line (code is its masked form)."""
    res = []
    stripped = code.strip()
    if not stripped or stripped.startswith("#"):
        return res
    # Array sizes and enum constants: mutating them is a different program
    # layout, not a behaviour; skip declarations' constants.
    is_decl = DECL_START.match(code) is not None and "(" not in code.split("=")[0]
    for name, rx, reps in OPS:
        if name == "cr" and is_decl and "=" not in code:
            continue
        for m in rx.finditer(code):
            if name == "ror" and m.group(0) in ("<", ">"):
                # not an #include or a -> (masked code has no includes)
                if line[max(0, m.start() - 1):m.start()] == "-":
                    continue
            outs = reps if reps is not None else [str(int(m.group(0)) + 1)]
            for rep in outs:
                res.append((name, line[:m.start()] + rep + line[m.end():]))
    # Negated conditions.
    for m in re.finditer(r"\b(if|while)\s*\(", code):
        start = m.end() - 1
        end = paren_end(code, start)
        if end > 0:
            res.append(("neg", line[:start + 1] + "!(" + line[start + 1:end] + ")" + line[end:]))
    # Deleted statements (calls and assignments), not declarations.
    if (SIMPLE_STMT.match(code) and not DECL_START.match(code)
            and not RELEASE_CALLS.match(code)
            and not re.match(r"^\s*(return|break|continue|case|default|goto|else)\b", code)
            and not code.rstrip().endswith(") ;")):
        indent = line[:len(line) - len(line.lstrip())]
        res.append(("del", indent + ";"))
    # return x -> return 0 / return 1 where x is not a literal
    m = re.match(r"^(\s*)return\s+([^;]+);\s*$", code)
    if m and not re.fullmatch(r"-?\d+|NULL", m.group(2).strip()):
        res.append(("ret", m.group(1) + "return 0;"))
    return res


def generate(files):
    muts = []
    for f in files:
        path = os.path.join(ROOT, f)
        with open(path) as fh:
            lines = fh.read().split("\n")
        in_comment = False
        for i, line in enumerate(lines):
            code, in_comment = mask(line, in_comment)
            seen = set()
            for op, new in line_mutants(line, code):
                if new == line or new in seen:
                    continue
                seen.add(new)
                muts.append({"file": f, "line": i + 1, "orig": line, "new": new, "op": op})
    return muts


def key(m):
    return (m["file"], m["orig"].strip(), m["new"].strip())


def rank(m):
    return hashlib.sha1("\0".join(key(m)).encode()).hexdigest()


def load_named():
    """named.txt: blocks of 'file', '- original text', '+ replacement', name."""
    out = []
    path = os.path.join(HERE, "named.txt")
    cur = None
    with open(path) as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("mutant "):
                cur = {"name": line[7:].strip(), "file": None, "minus": [], "plus": []}
                out.append(cur)
            elif line.startswith("file "):
                cur["file"] = line[5:].strip()
            elif line.startswith("-"):
                cur["minus"].append(line[1:])
            elif line.startswith("+"):
                cur["plus"].append(line[1:])
    return out


def load_equivalent():
    """equivalent.txt: 'file | original | mutated | reason' per line."""
    eq = {}
    path = os.path.join(HERE, "equivalent.txt")
    with open(path) as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            parts = [p.strip() for p in line.split(" | ")]
            if len(parts) != 4:
                sys.exit("equivalent.txt: bad line: " + line)
            eq[tuple(parts[:3])] = parts[3]
    return eq


def kill_session(sid):
    """SIGKILL to every process of session sid (the runner's children and
    theirs, in whatever process group)."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[3]) == sid:
                os.kill(int(pid), signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            pass


class Tree:
    def __init__(self, n):
        self.dir = os.path.join(ROOT, "build", "mutate", "tree%d" % n)
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        for d in ("src", "include", "tests", "examples"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(self.dir, d),
                            ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(os.path.join(ROOT, "Makefile"), self.dir)
        self.baseline = None

    def build(self):
        r = subprocess.run(["make", "-s", "BUILD=build"] + TARGETS, cwd=self.dir,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        return r.returncode == 0, r.stdout.decode(errors="replace")

    def unit(self, timeout):
        env = dict(os.environ, CDCPIVOT="build/cdcpivot", TZ="UTC", LC_ALL="C",
                   CK_TIMEOUT_MULTIPLIER="0.25", CK_EXCLUDE_TAGS=os.environ.get("UNIT_EXCLUDE_TAGS", "pending"))
        env.pop("CK_RUN_SUITE", None)
        env.pop("CK_RUN_CASE", None)
        # Its own session, killed whole afterwards: a mutant that loops makes
        # Check time the test out, but the cdcpivot it ran would spin on.
        # Check puts each test in a process group of its own, so the session
        # (not the runner's group) is what is killed. The output goes to a
        # file: a pipe would stay open in such a leftover and never end.
        with tempfile.TemporaryFile() as log:
            p = subprocess.Popen(["build/check_cdcpivot"], cwd=self.dir, env=env,
                                 stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
            try:
                p.wait(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            kill_session(p.pid)
            p.wait()
            log.seek(0)
            out = log.read()
        if timed_out:
            return None, "timeout"
        text = out.decode(errors="replace")
        if not SUMMARY_RE.search(text):
            return None, "no summary (runner crashed, status %d)" % p.returncode
        return set(FAIL_RE.findall(text)), text

    def obj(self, f):
        return os.path.join(self.dir, "build", os.path.basename(f)[:-2] + ".o")


def run_one(tree, m, timeout):
    path = os.path.join(tree.dir, m["file"])
    with open(path) as fh:
        original = fh.read()
    if "minus" in m:
        old, new = "\n".join(m["minus"]), "\n".join(m["plus"])
        if original.count(old) != 1:
            return "stale", "the named text is not in %s exactly once" % m["file"]
        mutated = original.replace(old, new)
    else:
        lines = original.split("\n")
        idx = m["line"] - 1
        if lines[idx] != m["orig"]:
            return "stale", "source changed"
        lines[idx] = m["new"]
        mutated = "\n".join(lines)
    try:
        with open(path, "w") as fh:
            fh.write(mutated)
        ok, out = tree.build()
        if not ok:
            return "stillborn", out.strip().split("\n")[0][:160]
        fails, text = tree.unit(timeout)
        if fails is None:
            return "killed", text
        new = fails - tree.baseline
        if new:
            return "killed", "%d tests: %s" % (len(new), ", ".join(sorted(":".join(t) for t in new))[:200])
        return "survived", ""
    finally:
        with open(path, "w") as fh:
            fh.write(original)
        # The next build must not reuse the mutated object, whatever the
        # file times say.
        try:
            os.unlink(tree.obj(m["file"]))
        except FileNotFoundError:
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATE_JOBS", "2")))
    ap.add_argument("--max", type=int, default=int(os.environ.get("MUTATE_MAX", "250")),
                    help="generated mutants to run, a stable sample (0: all)")
    ap.add_argument("--files", default=os.environ.get("MUTATE_FILES", ""))
    ap.add_argument("--list", action="store_true", help="only list the mutants")
    ap.add_argument("--named-only", action="store_true", help="only the named mutants")
    ap.add_argument("--only", help="a file of 'file | original | mutated' lines: run just those")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()

    mods = args.files.split(",") if args.files else MODULES
    files = ["src/%s.c" % f if not f.startswith("src/") else f for f in mods]
    equivalent = load_equivalent()
    allm = generate(files)
    allm.sort(key=rank)
    chosen = allm if args.max == 0 else allm[:args.max]
    if args.named_only:
        chosen = []
    if args.only:
        with open(args.only) as fh:
            want = set(tuple(p.strip() for p in l.rstrip("\n").split(" | ")[:3]) for l in fh if " | " in l)
        chosen = [m for m in allm if key(m) in want]
    named = [dict(n, op="named") for n in load_named() if not args.files or n["file"] in files]
    if args.only:
        named = []
    if args.list:
        for m in chosen:
            tag = " [equivalent]" if key(m) in equivalent else ""
            print("%s:%d: %s: %s%s" % (m["file"], m["line"], m["op"], m["new"].strip(), tag))
        print("%d generated (%d chosen), %d named" % (len(allm), len(chosen), len(named)))
        return 0

    t0 = time.time()
    trees = [Tree(i) for i in range(max(1, args.jobs))]
    for t in trees:
        ok, out = t.build()
        if not ok:
            print(out)
            sys.exit("mutate: the unmutated tree does not build")
        started = time.time()
        fails, text = t.unit(600)
        t.seconds = time.time() - started
        if fails is None:
            print(text)
            sys.exit("mutate: the unit runner fails on the unmutated tree")
        t.baseline = fails
    base = trees[0].baseline
    if base:
        print("mutate: %d tests fail on the unmutated tree (ignored): %s"
              % (len(base), ", ".join(sorted(":".join(t) for t in base))))
    # The baseline's run time bounds each mutant's run (a hang counts as
    # killed): three times the slowest baseline, so that a loaded machine
    # does not turn slow runs into kills.
    timeout = max(60, 3 * max(t.seconds for t in trees))
    print("mutate: the unit runner takes %.0f s unmutated; a mutant's run is stopped at %.0f s"
          % (max(t.seconds for t in trees), timeout))

    work = named + [m for m in chosen if key(m) not in equivalent]
    equiv = [m for m in chosen if key(m) in equivalent]
    results = []
    free = list(trees)
    done = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(trees)) as ex:
        pending = {}
        it = iter(work)
        def submit():
            m = next(it, None)
            if m is None:
                return False
            t = free.pop()
            pending[ex.submit(run_one, t, m, timeout)] = (m, t)
            return True
        while free and submit():
            pass
        while pending:
            fut = next(concurrent.futures.as_completed(list(pending)))
            m, t = pending.pop(fut)
            free.append(t)
            status, why = fut.result()
            results.append((m, status, why))
            done += 1
            if args.verbose or status != "killed":
                where = m.get("name") or "%s:%d: %s -> %s" % (m["file"], m["line"], m["orig"].strip(),
                                                             m["new"].strip())
                print("[%d/%d] %s %s%s" % (done, len(work), status, where, ": " + why if why else ""),
                      flush=True)
            elif done % 25 == 0:
                print("[%d/%d] %.0f s" % (done, len(work), time.time() - t0), flush=True)
            submit()

    by = {}
    for m, status, _ in results:
        by.setdefault(status, []).append(m)
    print()
    print("== named mutants (bugs the suite once missed)")
    for m, status, why in results:
        if m["op"] == "named":
            print("  %-9s %s" % (status, m["name"]))
    print("== equivalent and leak-only mutants (not run; tests/mutate/equivalent.txt)")
    for m in equiv:
        print("  %s:%d: %s\n      -> %s\n      (%s)" % (m["file"], m["line"], m["orig"].strip(),
                                                     m["new"].strip(), equivalent[key(m)]))
    print("== stillborn mutants (do not compile; not counted): %d" % len(by.get("stillborn", [])))
    if by.get("stale"):
        print("== stale named mutants (text not found; update named.txt)")
        for m in by["stale"]:
            print("  " + m["name"])
    print("== surviving mutants")
    for m in by.get("survived", []):
        if m["op"] == "named":
            print("  named: %s" % m["name"])
        else:
            print("  %s:%d: %s\n      -> %s" % (m["file"], m["line"], m["orig"].strip(), m["new"].strip()))
    with open(os.path.join(ROOT, "build", "mutate-survivors.txt"), "w") as fh:
        for m in by.get("survived", []):
            if m["op"] != "named":
                fh.write("%s | %s | %s | ?\n" % key(m))
    nequiv = len(equiv)
    nleak = sum(1 for m in equiv if equivalent[key(m)].startswith(("leak:", "uninit:", "memcheck:")))
    killed = len(by.get("killed", []))
    survived = len(by.get("survived", []))
    counted = killed + survived
    score = 100.0 * killed / counted if counted else 0.0
    print()
    print("mutate: %d mutants (%d generated of %d candidates, %d named): %d killed, %d survived, "
          "%d equivalent, %d found only by valgrind/asan, %d stillborn; score %.1f%% of the rest killed; %.0f s"
          % (len(work) + len(equiv), len(chosen), len(allm), len(named), killed, survived,
             nequiv - nleak, nleak, len(by.get("stillborn", [])), score, time.time() - t0))
    for t in trees:
        shutil.rmtree(t.dir, ignore_errors=True)
    named_survived = [m for m in by.get("survived", []) if m["op"] == "named"]
    if named_survived or by.get("stale"):
        return 1
    return 0 if score >= float(os.environ.get("MUTATE_MIN_SCORE", "95")) else 1


if __name__ == "__main__":
    sys.exit(main())
