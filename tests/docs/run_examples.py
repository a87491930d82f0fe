#!/usr/bin/env python3
"""Runs the examples of the documents, so that they cannot drift from the
program. Standard library only.

  run_examples.py CDCPIVOT README.md man/cdcpivot.1 examples/*.md ...

1. A README block that starts with "$ ./cdcpivot ..." shows the command's
   output below it: the command is run from the repository root and its
   output (stdout, then stderr) must match, where a line "..." stands for
   any lines and datetime_inserted (the time the row was written) may
   differ.
2. Every other cdcpivot invocation in the documents (in indented or fenced
   blocks of the Markdown files, in .Bd -literal blocks of the man page),
   also inside a pipeline (kcat ... | cdcpivot ... >> file), is run on the
   bundled examples/seed-walkthrough.jsonl: its options must be accepted
   and it must pivot the walk-through without rejecting a line. A file
   operand that is not in the repository (events.jsonl) stands for the
   bundled file; without one, the bundled file is the standard input.
   Output files named by the command go to a temporary directory.
Prints one line per example and fails if any fails.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

BUNDLED = "examples/seed-walkthrough.jsonl"
INSERTED = re.compile(r",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3},([crud])$")


def blocks_markdown(text):
    """Code blocks: fenced, or indented by four spaces."""
    out, cur, fenced = [], [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            if fenced:
                out.append(cur)
                cur = []
            fenced = not fenced
            continue
        if fenced:
            cur.append(line)
        elif line.startswith("    ") or (cur and line.strip() == ""):
            cur.append(line[4:])
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def blocks_man(text):
    out, cur = [], None
    for line in text.splitlines():
        if line.startswith(".Bd -literal"):
            cur = []
        elif line.startswith(".Ed") and cur is not None:
            out.append([l.replace("\\e", "\\") for l in cur])
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def commands(block):
    """Shell commands of a block, continuation lines joined."""
    cmds, cur = [], ""
    for line in block:
        s = line.rstrip()
        if cur:
            cur += " " + s.strip()
        else:
            cur = s
        if cur.endswith("\\"):
            cur = cur[:-1]
        elif cur.endswith("|"):
            continue
        else:
            if cur.strip():
                cmds.append(cur.strip())
            cur = ""
    if cur.strip():
        cmds.append(cur.strip())
    return cmds


def mask(lines):
    return [INSERTED.sub(r",<inserted>,\1", l) for l in lines]


def matches(want, got):
    """want may hold "..." lines, each standing for any lines."""
    if not want:
        return not got
    if want[0].strip() == "...":
        return any(matches(want[1:], got[i:]) for i in range(len(got) + 1))
    return bool(got) and want[0] == got[0] and matches(want[1:], got[1:])


def run_shown(binary, cmd, shown):
    argv = shlex.split(cmd)
    argv[0] = binary
    p = subprocess.run(argv, capture_output=True, text=True, env=env())
    got = mask((p.stdout + p.stderr).splitlines())
    want = mask([l for l in shown if l.strip() != ""])
    if not matches(want, got):
        return "output differs:\n  shown: %s\n  got:   %s" % ("\n         ".join(want),
                                                           "\n         ".join(got))
    return None


def cdcpivot_stage(cmd):
    """The cdcpivot part of a pipeline: its words, up to the next | or
    redirection, and whether it reads its standard input from a file."""
    try:
        words = shlex.split(cmd, posix=True)
    except ValueError:
        return None
    for i, w in enumerate(words):
        if os.path.basename(w) == "cdcpivot" and (i == 0 or words[i - 1] in ("|", "&&", ";")
                                                 or words[i - 1].endswith("|")):
            stage = []
            for x in words[i + 1:]:
                if x in ("|", "&&", ";", "||"):
                    break
                stage.append(x)
            return stage
    return None


KAFKA_OPTIONS = {"--brokers": 1, "--group": 1, "--topic": 1, "-X": 1, "--exit-at-end": 0}


def without_kafka(stage):
    """A --brokers stage reads Kafka, which is not here: the same stage
    without the Kafka options, so that the rest is checked on the bundled
    file."""
    out, j = [], 0
    while j < len(stage):
        w = stage[j].split("=", 1)[0]
        if w in KAFKA_OPTIONS:
            j += 1 + (KAFKA_OPTIONS[w] if "=" not in stage[j] else 0)
            continue
        out.append(stage[j])
        j += 1
    return out


def run_stage(binary, stage, tmp):
    """Runs the cdcpivot stage on the bundled file; output, dead-letter and
    state paths are redirected into tmp."""
    if "--brokers" in stage or any(w.startswith("--brokers=") for w in stage):
        stage = without_kafka(stage)
    args, stdin_file, j = [], None, 0
    while j < len(stage):
        w = stage[j]
        if w in (">", ">>", "2>"):
            j += 2
            continue
        if w == "<":
            stdin_file = stage[j + 1]
            j += 2
            continue
        if w.startswith(">") or w.startswith("<"):
            j += 1
            continue
        args.append(w)
        j += 1
    takes_arg = options_with_argument(binary)
    out_args, operands, k = [], [], 0
    while k < len(args):
        a = args[k]
        if a in takes_arg and k + 1 < len(args):
            v = args[k + 1]
            if a in ("--output", "--dead-letter", "--state"):
                v = os.path.join(tmp, os.path.basename(v))
            out_args += [a, v]
            k += 2
            continue
        if a.startswith("-"):
            out_args.append(a)
        else:
            operands.append(a if os.path.exists(a) else BUNDLED)
        k += 1
    feed = None
    if not operands:
        feed = open(stdin_file if stdin_file and os.path.exists(stdin_file) else BUNDLED, "rb")
    p = subprocess.run([binary] + out_args + operands, stdin=feed or subprocess.DEVNULL,
                       capture_output=True, env=env(), timeout=60)
    if feed:
        feed.close()
    if p.returncode != 0:
        return "exit status %d: %s" % (p.returncode, p.stderr.decode(errors="replace").strip())
    wrote = p.stdout or any(os.path.getsize(os.path.join(tmp, f)) for f in os.listdir(tmp))
    if not wrote:
        return "no rows from the walk-through"
    return None


def options_with_argument(binary):
    """The long options that take an argument, from the program's --help:
    "  --name WORD  text" lines."""
    out = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    return {m.group(1) for m in re.finditer(r"^\s+(?:-\w, )?(--[a-z-]+)[ =][A-Za-z|]", out, re.M)}


def env():
    e = dict(os.environ)
    e.update(TZ="UTC", LC_ALL="C")
    return e


def main():
    binary = os.path.abspath(sys.argv[1])
    failures = ran = 0
    for path in sys.argv[2:]:
        text = open(path, encoding="utf-8").read()
        blocks = blocks_man(text) if path.endswith(".1") else blocks_markdown(text)
        for block in blocks:
            if block and block[0].startswith("$ "):
                cmd, shown = block[0][2:], block[1:]
                why = run_shown(binary, cmd, shown)
                label = "shown"
            else:
                why = None
                label = None
                for cmd in commands(block):
                    stage = cdcpivot_stage(cmd)
                    if stage is None:
                        continue
                    with tempfile.TemporaryDirectory() as tmp:
                        why = run_stage(binary, stage, tmp)
                    label = "runs"
                    ran += 1
                    print("%s %s: %s: %s" % ("ok  " if why is None else "FAIL", path, label, cmd))
                    if why:
                        print("    " + why)
                        failures += 1
                continue
            ran += 1
            print("%s %s: %s: %s" % ("ok  " if why is None else "FAIL", path, label, cmd))
            if why:
                print("    " + why)
                failures += 1
    print("docs: %d examples, %d failed" % (ran, failures))
    if ran == 0 or failures:
        sys.exit(1)


main()
