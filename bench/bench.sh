#!/usr/bin/env bash
# Throughput of cdcpivot against the floor (cat, wc -l) and against the same
# pivot in jq (bench/pivot.jq) and in plain Python (bench/pivot.py).
#
# usage: CDCPIVOT=build/cdcpivot bench/bench.sh [--events N] [--runs N] [--quick]
#                                               [--no-hyperfine] [--no-callgrind] [--kafka-only]
#   (normally: make bench, or make bench BENCH_ARGS=--quick)
#
#   --events N      events per generated input (default 100000)
#   --runs N        timed runs per tool and input; the median is reported (default 5)
#   --quick         smoke run: 10000 events, 1 run, no callgrind
#   --no-hyperfine  time with the script's own loop even when hyperfine is installed
#   --no-callgrind  skip the instructions-per-event measurement
#   --kafka-only    only the Kafka comparison (native vs kcat)
#
# Inputs are generated once by bench/gen_events.py (a fixed seed) into
# bench/out/ and reused by later runs. Every tool reads the same file on stdin
# and writes to /dev/null, one tool at a time, on the same machine. Before
# timing, each pivot runs once with its output kept, which checks that jq and
# Python produce the same rows as cdcpivot, warms the page cache and measures
# peak RSS. Environment: CDCPIVOT (default build/cdcpivot), PYTHON (python3),
# JQ (jq), SOURCE_DATE_EPOCH (default 1700000000, for datetime_inserted),
# MOCKBROKER (build/mockbroker) and BENCH_BROKERS.
#
# Kafka: the bare input, produced to a topic of 3 partitions (librdkafka's
# mock cluster from tests/e2e/mockbroker.c, or the broker at BENCH_BROKERS,
# whose topic cdcpivot-bench must then exist with 3 partitions), read from
# the beginning to the end by cdcpivot --brokers --exit-at-end and by
# kcat -C -e | cdcpivot; same rows, timed like the rest. Both the wall time
# and the CPU time (user + sys of every process and thread) are reported;
# the run fails when the native mode needs more than 5 % more CPU time than
# the pipe (5 %: the noise of a shared machine). On a machine with idle
# cores, wall time follows CPU time; on a busy one it also depends on how
# many runnable threads each side has (the pipe has one process more).
set -euo pipefail
export LC_ALL=C TZ=UTC

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=$here/out

events=100000 runs=5 callgrind=1 use_hyperfine=1
events_set=0 runs_set=0 quick=0 kafka_only=0
usage() { sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; }
while [ $# -gt 0 ]; do
	case $1 in
	--events) events=${2:?--events needs a number}; events_set=1; shift 2 ;;
	--events=*) events=${1#*=}; events_set=1; shift ;;
	--runs) runs=${2:?--runs needs a number}; runs_set=1; shift 2 ;;
	--runs=*) runs=${1#*=}; runs_set=1; shift ;;
	--quick) quick=1; shift ;;
	--no-hyperfine) use_hyperfine=0; shift ;;
	--no-callgrind) callgrind=0; shift ;;
	--kafka-only) kafka_only=1; callgrind=0; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
if [ "$quick" = 1 ]; then
	[ "$events_set" = 1 ] || events=10000
	[ "$runs_set" = 1 ] || runs=1
	callgrind=0
fi
case $events$runs in *[!0-9]*) echo "bench.sh: --events and --runs take positive integers" >&2; exit 2 ;; esac
if [ "$events" -eq 0 ] || [ "$runs" -eq 0 ]; then
	echo "bench.sh: --events and --runs must be > 0" >&2
	exit 2
fi

CDCPIVOT=${CDCPIVOT:-$root/build/cdcpivot}
case $CDCPIVOT in /*) ;; *) CDCPIVOT=$PWD/$CDCPIVOT ;; esac
[ -x "$CDCPIVOT" ] || { echo "bench.sh: $CDCPIVOT is not executable (make first)" >&2; exit 2; }
# The interpreter itself, not a pyenv/asdf shim: a shim adds tens of ms per run.
PYTHON=$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)') ||
	{ echo "bench.sh: python3 is needed (input generator)" >&2; exit 2; }
JQ=${JQ:-jq}
have_jq=0
command -v "$JQ" >/dev/null 2>&1 && have_jq=1
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
if [ "$use_hyperfine" = 1 ] && ! command -v hyperfine >/dev/null 2>&1; then
	use_hyperfine=0
fi

mkdir -p "$out"
tmp=$(mktemp -d "$out/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ARGS=(--id "holding_id,user_id" --fields "holding_stock,holding_quantity")

# --- environment -----------------------------------------------------------
cpu=$(sed -n '/^model name/{s/^[^:]*: *//p;q}' /proc/cpuinfo 2>/dev/null || true)
echo "== cdcpivot benchmark"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S') UTC"
echo "machine:   $(uname -sm), ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "cdcpivot:  $("$CDCPIVOT" --version 2>&1 | sed -n 1p), $CDCPIVOT, git $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')"
if [ "$have_jq" = 1 ]; then echo "jq:        $("$JQ" --version 2>&1)"; else echo "jq:        not installed (jq rows skipped)"; fi
echo "python:    $("$PYTHON" --version 2>&1) ($PYTHON)"
if [ "$use_hyperfine" = 1 ]; then
	echo "timing:    $(hyperfine --version), median of $runs run(s) per tool and input"
else
	echo "timing:    own loop (date +%s%N around bash -c), median of $runs run(s) per tool and input"
fi
if [ -x /usr/bin/time ]; then echo "peak RSS:  /usr/bin/time -f %M, one run"; else echo "peak RSS:  python resource.getrusage(RUSAGE_CHILDREN), one run"; fi
echo

# --- inputs ----------------------------------------------------------------
# input name -> file
declare -A file nev
for kind in schema bare; do
	f=$out/events-$kind-$events.jsonl
	if [ ! -s "$f" ]; then
		flag=()
		[ "$kind" = bare ] && flag=(--no-schema)
		echo "generating $f ..."
		"$PYTHON" "$here/gen_events.py" "$events" "${flag[@]}" >"$f.tmp"
		mv "$f.tmp" "$f"
	fi
	file[$kind]=$f
	nev[$kind]=$events
done
inputs=(schema bare)
bytes_of() { wc -c <"$1" | tr -d ' '; }
for inp in "${inputs[@]}"; do
	printf 'input %-6s %s: %d events, %s bytes\n' "$inp" "${file[$inp]}" "${nev[$inp]}" "$(bytes_of "${file[$inp]}")"
done
echo

# --- commands --------------------------------------------------------------
tools=(cat wc-l cdcpivot)
[ "$have_jq" = 1 ] && tools+=(jq)
tools+=(python)

# The shell command for a tool; $2 is the input file, $3 where output goes.
cmd_for() {
	local tool=$1 src=$2 dst=${3:-/dev/null} q
	case $tool in
	cat) printf 'cat < %q > %q' "$src" "$dst" ;;
	wc-l) printf 'wc -l < %q > %q' "$src" "$dst" ;;
	cdcpivot)
		q=$(printf '%q ' "$CDCPIVOT" "${ARGS[@]}")
		printf '%s-q < %q > %q' "$q" "$src" "$dst" ;;
	jq) printf '%q -r -f %q < %q > %q' "$JQ" "$here/pivot.jq" "$src" "$dst" ;;
	python) printf '%q %q < %q > %q' "$PYTHON" "$here/pivot.py" "$src" "$dst" ;;
	esac
}

# Peak RSS in KiB of one run of a shell command (its largest process).
# Without GNU time, Python's getrusage(RUSAGE_CHILDREN) is used; a child
# forked from Python starts with Python's own peak RSS, so a result not
# above that floor (measured on `bash -c :`) is printed as "<floor".
getrss='import resource, subprocess, sys
rc = subprocess.run(["bash", "-c", sys.argv[1]]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)'
rss_floor=
[ -x /usr/bin/time ] || rss_floor=$("$PYTHON" -c "$getrss" :)
peak_rss_kib() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$tmp/rss" bash -c "$1" || return
		tail -n 1 "$tmp/rss"
		return
	fi
	local kib
	kib=$("$PYTHON" -c "$getrss" "$1") || return
	if [ "$kib" -le $((rss_floor + rss_floor / 20)) ]; then echo "<$rss_floor"; else echo "$kib"; fi
}

# MiB from peak_rss_kib's KiB ("<N" stays a bound, empty is unknown).
mib() {
	awk -v r="$1" 'BEGIN {
		if (r == "") print "?"
		else if (substr(r, 1, 1) == "<") printf "<%.1f\n", substr(r, 2) / 1024
		else printf "%.1f\n", r / 1024 }'
}

# Runs a shell command $runs times; prints the median wall time and the
# median CPU time (user + sys, from bash's time keyword) in seconds.
# One timed run of a bash command: "wall_ns cpu_ns".
time_once() {
	local t0 t1 TIMEFORMAT='%3U %3S'
	t0=$(date +%s%N)
	{ time bash -c "$1" 2>&3; } 3>&2 2>"$tmp/cpu" || return
	t1=$(date +%s%N)
	echo "$((t1 - t0)) $(awk '{ printf "%.0f", ($1 + $2) * 1e9 }' "$tmp/cpu")"
}

# Two commands timed in turns (A, B, A, B, ...), at least 7 times each,
# so that a drift of the machine during the runs weighs on both alike:
# "median_wall_a median_cpu_a median_wall_b median_cpu_b" in seconds.
median_pair_loop() {
	local i n=$((runs > 7 ? runs : 7))
	for ((i = 0; i < n; i++)); do
		echo "a $(time_once "$1")" || return
		echo "b $(time_once "$2")" || return
	done | awk '{ if ($1 == "a") { wa[++na] = $2; ca[na] = $3 } else { wb[++nb] = $2; cb[nb] = $3 } }
		function median(a, n,   i, j, x) {
			for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		END { printf "%.6f %.6f %.6f %.6f\n", median(wa, na) / 1e9, median(ca, na) / 1e9,
			median(wb, nb) / 1e9, median(cb, nb) / 1e9 }'
}

median_own_loop() {
	local i t0 t1 cpu TIMEFORMAT='%3U %3S'
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		{ time bash -c "$1" 2>&3; } 3>&2 2>"$tmp/cpu" || return
		t1=$(date +%s%N)
		cpu=$(awk '{ printf "%.0f", ($1 + $2) * 1e9 }' "$tmp/cpu")
		echo "$((t1 - t0)) $cpu"
	done | awk '{ w[NR] = $1; c[NR] = $2 }
		function median(a, n,   i, j, x) {
			for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		END { printf "%.6f %.6f\n", median(w, NR) / 1e9, median(c, NR) / 1e9 }'
}

# --- check pass: rows, warm cache, peak RSS --------------------------------
declare -A rss med cpu rows
status=0
[ "$kafka_only" = 0 ] || inputs=()
echo "== check: each tool once, output kept in bench/out/ (also warms the page cache)"
for inp in "${inputs[@]}"; do
	for tool in "${tools[@]}"; do
		case $tool in cat | wc-l) dst=/dev/null ;; *) dst=$out/rows-$tool-$inp.csv ;; esac
		if ! rss[$tool,$inp]=$(peak_rss_kib "$(cmd_for "$tool" "${file[$inp]}" "$dst")"); then
			echo "  $tool on $inp: FAILED (exit status above)"
			status=1
			rss[$tool,$inp]=
		fi
		[ "$dst" = /dev/null ] || rows[$tool,$inp]=$(wc -l <"$dst" | tr -d ' ')
	done
	ref=$out/rows-cdcpivot-$inp.csv
	line="  $inp: cdcpivot ${rows[cdcpivot,$inp]} rows"
	for tool in jq python; do
		[ -n "${rows[$tool,$inp]:-}" ] || continue
		got=$out/rows-$tool-$inp.csv
		if [ "${rows[$tool,$inp]}" != "${rows[cdcpivot,$inp]}" ]; then
			verdict="MISMATCH (row count)"
			status=1
		elif cmp -s "$ref" "$got"; then
			verdict="same bytes"
		elif "$PYTHON" -c 'import csv, sys
a = list(csv.reader(open(sys.argv[1], newline="")))
b = list(csv.reader(open(sys.argv[2], newline="")))
sys.exit(a != b)' "$ref" "$got"; then
			verdict="same rows (CSV quoting differs)"
		else
			verdict="MISMATCH (row contents)"
			status=1
		fi
		line+=", $tool ${rows[$tool,$inp]} rows: $verdict"
	done
	echo "$line"
done
echo

# --- timing ----------------------------------------------------------------
echo "== timing: median of $runs run(s)"
for inp in "${inputs[@]}"; do
	if [ "$use_hyperfine" = 1 ]; then
		hf=(hyperfine --style basic --shell bash --runs "$runs" --export-json "$tmp/hf-$inp.json")
		for tool in "${tools[@]}"; do
			hf+=(--command-name "$tool" "$(cmd_for "$tool" "${file[$inp]}")")
		done
		echo "-- $inp: ${hf[*]:0:7} ... (log: bench/out/hyperfine-$inp.log)"
		"${hf[@]}" >"$out/hyperfine-$inp.log" 2>&1 ||
			{ cat "$out/hyperfine-$inp.log"; echo "hyperfine failed" >&2; exit 1; }
		while read -r tool t lo hi c; do
			med[$tool,$inp]=$t
			cpu[$tool,$inp]=$c
			printf '  %-9s median %s s (min %s, max %s), CPU %s s\n' "$tool" "$t" "$lo" "$hi" "$c"
		done < <("$PYTHON" -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], "%.4f" % r["median"], "%.4f" % r["min"], "%.4f" % r["max"],
          "%.4f" % (r["user"] + r["system"]))' "$tmp/hf-$inp.json")
	else
		for tool in "${tools[@]}"; do
			printf '  %-9s ' "$tool"
			w="" c=""
			read -r w c < <(median_own_loop "$(cmd_for "$tool" "${file[$inp]}")")
			[ -n "$w" ] || { echo "bench.sh: $tool on $inp failed" >&2; exit 1; }
			med[$tool,$inp]=$w
			cpu[$tool,$inp]=$c
			echo "median ${med[$tool,$inp]} s, CPU ${cpu[$tool,$inp]} s"
		done
	fi
done
echo

# --- table -----------------------------------------------------------------
# MB = 10^6 bytes. "cdcpivot x" = tool's median time / cdcpivot's median time
# on the same input: how many times faster cdcpivot is (< 1: slower).
echo "== results ($events events per input, median of $runs run(s); MB = 10^6 bytes)"
fmt='%-9s %-7s %9s %8s %9s %10s %11s %13s\n'
# shellcheck disable=SC2059
printf "$fmt" tool input "median s" "CPU s" "MB/s" "events/s" "cdcpivot x" "peak RSS MiB"
for inp in "${inputs[@]}"; do
	b=$(bytes_of "${file[$inp]}")
	for tool in "${tools[@]}"; do
		t=${med[$tool,$inp]:-}
		[ -n "$t" ] || continue
		awk -v fmt="$fmt" -v tool="$tool" -v inp="$inp" -v t="$t" -v b="$b" -v n="${nev[$inp]}" \
			-v c="${med[cdcpivot,$inp]}" -v r="$(mib "${rss[$tool,$inp]:-}")" -v u="${cpu[$tool,$inp]:-}" 'BEGIN {
				# hyperfine subtracts the shell start-up time and can reach 0 on tiny inputs
				if (t < 0.001)
					printf fmt, tool, inp, "<0.001", (u == "" ? "?" : sprintf("%.3f", u)), "-", "-", "-", r
				else
					printf fmt, tool, inp, sprintf("%.3f", t), (u == "" ? "?" : sprintf("%.3f", u)),
						sprintf("%.1f", b / t / 1e6), sprintf("%.0f", n / t),
						(c < 0.001 ? "-" : sprintf("%.2f", t / c)), r }'
	done
done
echo "(MB/s, events/s: from the median wall time. cdcpivot x = tool's median time / cdcpivot's"
echo " median time on the same input: > 1 means cdcpivot is that many times faster. CPU s: user +"
if [ "$use_hyperfine" = 1 ]; then
	echo " sys, hyperfine's mean over the runs; far below the wall time means the machine was busy.)"
else
	echo " sys, median over the runs; far below the wall time means the machine was busy.)"
fi
echo "load average after timing: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
# The speed targets, as ratios to the floor: cdcpivot's median time over
# wc -l's on the same file, at most 4 with schemas and 15 without. Wall
# times on a shared machine move with its load: reported, not enforced.
for inp in "${inputs[@]}"; do
	w=${med[wc-l,$inp]:-} c=${med[cdcpivot,$inp]:-}
	[ -n "$w" ] && [ -n "$c" ] || continue
	awk -v w="$w" -v c="$c" -v inp="$inp" -v target="$([ "$inp" = schema ] && echo 4 || echo 15)" 'BEGIN {
		if (w < 0.001) { printf "cdcpivot / wc -l on %s: wc -l too fast to time\n", inp; exit }
		r = c / w
		printf "cdcpivot / wc -l on %-6s %5.1fx (target <= %d: %s)\n", inp ":", r, target,
			r <= target ? "met" : "not met" }'
done
echo

# --- instructions per event --------------------------------------------------
if [ "$callgrind" = 1 ]; then
	if command -v valgrind >/dev/null 2>&1; then
		echo "== callgrind: instructions per event on a 10000-event slice"
		for inp in "${inputs[@]}"; do
			slice=$out/slice-$inp.jsonl
			head -n 10000 "${file[$inp]}" >"$slice"
			n=$(wc -l <"$slice" | tr -d ' ')
			cg=$out/callgrind-$inp.out
			valgrind --tool=callgrind --callgrind-out-file="$cg" \
				"$CDCPIVOT" "${ARGS[@]}" -q <"$slice" >/dev/null 2>"$tmp/cg.err" ||
				{ echo "  callgrind on $inp failed:"; cat "$tmp/cg.err"; status=1; continue; }
			ir=$(sed -n '/^summary:/{s/^summary: *//p;q}' "$cg")
			# The target with schemas: at most 12,000 instructions per event.
			awk -v ir="$ir" -v n="$n" -v inp="$inp" -v b="$(bytes_of "$slice")" 'BEGIN {
				printf "  %-6s %d events: %d Ir total, %.0f Ir/event, %.1f Ir/byte", inp, n, ir, ir / n, ir / b
				if (inp == "schema")
					printf " (target <= 12000: %s)", ir / n <= 12000 ? "met" : "not met"
				printf "\n" }'
		done
		cg=$out/callgrind-schema.out
		if [ -s "$cg" ] && command -v callgrind_annotate >/dev/null 2>&1; then
			echo "  where the schema input's instructions go (callgrind_annotate $cg):"
			echo "    inclusive (function and what it calls):"
			callgrind_annotate --auto=no --inclusive=yes "$cg" 2>/dev/null | awk -v n="$(wc -l <"$out/slice-schema.jsonl")" '
				BEGIN {
					split("pipeline_run linereader_next envelope_parse envelope_parse_cached " \
						"classify_fast jsonval_parse_prefix cJSON_ParseWithLengthOpts attach_numbers " \
						"classify_payload envelope_clear cJSON_Delete pivot_event diff_event " \
						"timefmt_ms writer_row output_commit output_flush", want, " ")
					for (i in want) order[want[i]] = i
				}
				/PROGRAM TOTALS/ { gsub(",", "", $1); total = $1 }
				{
					for (f in order) {
						# the outer entry of a function, not its recursion copies (f'\''2)
						if ($0 ~ (":" f "( \\[|$)")) { v = $1; gsub(",", "", v); if (v + 0 > got[f] + 0) got[f] = v }
					}
				}
				END {
					for (i = 1; i in want; i++) {
						f = want[i]
						if (f in got)
							printf "      %-28s %5.1f%%  %7.0f Ir/event\n", f, 100 * got[f] / total, got[f] / n
					}
				}'
			echo "    self (top 12, recursion copies merged; ??? are static functions of a stripped library):"
			callgrind_annotate --auto=no "$cg" 2>/dev/null | awk -v n="$(wc -l <"$out/slice-schema.jsonl")" -v q="'" '
				/PROGRAM TOTALS/ { gsub(",", "", $1); total = $1; next }
				total && /^ *[0-9,]+ \(/ {
					v = $1; gsub(",", "", v)
					fn = $0; sub(/ \[.*$/, "", fn); sub(/^ *[0-9,]+ \( *[0-9.]+%\) +/, "", fn)
					sub(/^.*:/, "", fn); sub(q "[0-9]+$", "", fn)
					if (index($0, "[")) {
						obj = $0; sub(/^.*\[/, "", obj); sub(/\].*$/, "", obj); sub(/^.*\//, "", obj)
						where[fn] = obj
					}
					self[fn] += v
				}
				END {
					for (k in self)
						printf "%d\t      %5.1f%%  %7.0f Ir/event  %s (%s)\n", self[k], 100 * self[k] / total,
							self[k] / n, k, (k in where ? where[k] : "?")
				}' | sort -t "$(printf '\t')" -k1,1nr | awk -F '\t' 'NR <= 12 { print $2 }'
		fi
	else
		echo "== callgrind: valgrind not installed, skipped"
	fi
	echo
fi

# perf needs hardware counters, which most VMs and containers do not expose.
perf_probe=
command -v perf >/dev/null 2>&1 && perf_probe=$(perf stat -x, -e instructions true 2>&1 >/dev/null || true)
if [ "${perf_probe#[0-9]}" != "$perf_probe" ]; then
	echo "== perf stat -e instructions,cycles (cdcpivot, full inputs)"
	for inp in "${inputs[@]}"; do
		perf stat -x, -e instructions,cycles -o "$tmp/perf" -- \
			bash -c "$(cmd_for cdcpivot "${file[$inp]}")"
		awk -F, -v n="${nev[$inp]}" -v inp="$inp" '
			$3 == "instructions" || $3 ~ /^instructions/ { ins = $1 }
			$3 == "cycles" || $3 ~ /^cycles/ { cyc = $1 }
			END { printf "  %-6s %.0f instructions/event, %.0f cycles/event, IPC %.2f\n",
				inp, ins / n, cyc / n, (cyc ? ins / cyc : 0) }' "$tmp/perf"
	done
else
	echo "== perf stat: hardware counters not available here ('perf stat -e instructions true'"
	echo "   reports <not supported> or fails, as in most VMs and containers); skipped"
fi
echo

# --- Kafka: native vs kcat ---------------------------------------------------
kafka_bench() {
	local boot bpid="" topic=cdcpivot-bench q
	if [ -n "${BENCH_BROKERS:-}" ]; then
		boot=$BENCH_BROKERS
	else
		local mb=${MOCKBROKER:-$root/build/mockbroker}
		[ -x "$mb" ] || { echo "== kafka: $mb not built (make build/mockbroker), skipped"; return 0; }
		"$mb" -b 1 -p 3 -t "$topic" >"$tmp/boot" 2>"$tmp/broker.err" &
		bpid=$!
		for _ in $(seq 50); do [ -s "$tmp/boot" ] && break; sleep 0.1; done
		boot=$(head -n 1 "$tmp/boot")
		[ -n "$boot" ] || { echo "== kafka: mockbroker printed no address"; kill "$bpid"; return 1; }
	fi
	kcat -P -b "$boot" -t "$topic" -z lz4 -X linger.ms=50 -X batch.num.messages=10000 <"${file[bare]}"
	# The mock cluster keeps at most 5 MB (compressed) per partition and
	# drops the oldest records beyond: count what is there.
	local nrec
	nrec=$(kcat -C -b "$boot" -t "$topic" -e -q -f '%o\n' | wc -l | tr -d ' ')
	echo "== kafka: $nrec of ${nev[bare]} bare events in 3 partitions at $boot (${BENCH_BROKERS:+given broker}${BENCH_BROKERS:-mock cluster, which keeps at most 5 MB per partition})"
	q=$(printf '%q ' "$CDCPIVOT" "${ARGS[@]}")
	local native pipe
	native="${q}--brokers $boot --topic $topic --exit-at-end -q 2>/dev/null"
	pipe="kcat -C -b $boot -t $topic -e -q -f '%k\t%s\n' | ${q}-q"
	bash -c "$native > $(printf '%q' "$out/rows-native.csv")"
	bash -c "$pipe > $(printf '%q' "$out/rows-kcat.csv")"
	local rn rk
	rn=$(wc -l <"$out/rows-native.csv" | tr -d ' ')
	rk=$(wc -l <"$out/rows-kcat.csv" | tr -d ' ')
	if [ "$rn" != "$rk" ] || ! cmp -s <(sort "$out/rows-native.csv") <(sort "$out/rows-kcat.csv"); then
		echo "  native $rn rows, kcat $rk rows: MISMATCH"
		status=1
	else
		echo "  native and kcat | cdcpivot: the same $rn rows"
	fi
	local wn cn wk ck
	read -r wn cn wk ck < <(median_pair_loop "$native > /dev/null" "$pipe > /dev/null")
	awk -v n="$nrec" -v wn="$wn" -v cn="$cn" -v wk="$wk" -v ck="$ck" 'BEGIN {
		printf "  %-28s median %.3f s, CPU %.3f s, %8.0f events/s\n", "cdcpivot --brokers", wn, cn, n / wn
		printf "  %-28s median %.3f s, CPU %.3f s, %8.0f events/s\n", "kcat -C -e | cdcpivot", wk, ck, n / wk
		printf "  native / kcat: throughput (wall) %.2f, CPU time per event %.2f\n", wk / wn, cn / ck }'
	if awk -v a="$cn" -v b="$ck" 'BEGIN { exit !(a > b * 1.05) }'; then
		echo "  native mode needs more CPU per event than kcat -C -e | cdcpivot"
		status=1
	fi
	[ -z "$bpid" ] || { kill "$bpid"; wait "$bpid" 2>/dev/null || :; }
	echo
}
inputs=(schema bare)
if command -v kcat >/dev/null 2>&1; then
	kafka_bench || status=1
else
	echo "== kafka: kcat not installed, skipped"
	echo
fi

# --- constant memory -------------------------------------------------------
[ "$kafka_only" = 0 ] || exit "$status"
echo "== memory: peak RSS of cdcpivot on a small input and on 4 concatenated copies"
small=$out/small-schema.jsonl
awk '{ if (n >= 10000000) exit; print; n += length($0) + 1 }' "${file[schema]}" >"$small"
sb=$(bytes_of "$small")
fb=$(bytes_of "${file[schema]}")
cmd_small=$(cmd_for cdcpivot "$small")
q=$(printf '%q ' "$CDCPIVOT" "${ARGS[@]}")
cmd_big="for i in 1 2 3 4; do cat $(printf '%q' "${file[schema]}"); done | ${q}-q > /dev/null"
r_small=$(peak_rss_kib "$cmd_small") || status=1
r_big=$(peak_rss_kib "$cmd_big") || status=1
awk -v sb="$sb" -v bb="$((4 * fb))" -v rs="$(mib "$r_small")" -v rb="$(mib "$r_big")" 'BEGIN {
	printf "  %8.1f MB of input: %6s MiB peak RSS\n", sb / 1e6, rs
	printf "  %8.1f MB of input: %6s MiB peak RSS (4 copies of the schema input through a pipe)\n", bb / 1e6, rb }'

if [ "$status" != 0 ]; then
	echo
	echo "bench.sh: some checks failed (see MISMATCH/FAILED above)" >&2
fi
exit "$status"
