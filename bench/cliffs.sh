#!/usr/bin/env bash
# The cost of cdcpivot per column value and per event as rows widen and
# tables multiply (the two cliffs of the speed work), as ratios that must
# stay under their targets:
#   columns  1,000,000 column values in rows of 50, 1,000 and 4,000 columns
#            (bench/gen_columns.py): CPU time at 4,000 within 1.5x of 50
#   tables   200,000 updates with schemas and schema-wrapped keys
#            (bench/gen_tables.py --keys) over 1, 16, 17 and 500 interleaved
#            tables: 500 within 1.3x of 1; a new schema on every event
#            (--new-schema-each) within 3x of 1
# and peak RSS at most 16 MiB on every input.
#
# usage: CDCPIVOT=build/cdcpivot bench/cliffs.sh [--runs N]   (normally: make bench)
#
# Times are CPU seconds (user + sys), the median of N runs (default 3):
# unlike wall time they do not depend on what else the machine runs. Inputs
# are generated once into bench/out/. Exit status 1 when a ratio or the RSS
# is over its target.
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/out
runs=3
[ "${1:-}" != --runs ] || runs=${2:?--runs needs a number}
CDCPIVOT=${CDCPIVOT:-$(dirname "$here")/build/cdcpivot}
[ -x "$CDCPIVOT" ] || { echo "cliffs.sh: $CDCPIVOT is not executable (make first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "cliffs.sh: needs GNU time (/usr/bin/time, Debian package time)" >&2; exit 2; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# input NAME GENERATOR ARGS...: bench/out/NAME.jsonl, made once
input() {
	local name=$1 gen=$2 f=$out/$1.jsonl
	shift 2
	if [ ! -s "$f" ]; then
		python3 "$here/$gen" "$@" >"$f.part"
		mv "$f.part" "$f"
	fi
	echo "$f"
}

# measure FILE: "CPU_SECONDS PEAK_RSS_KIB", the median CPU of $runs runs
measure() {
	local i u s r cpus=() rss=0
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -o "$tmp/t" -f '%U %S %M' "$CDCPIVOT" -q --id id <"$1" >/dev/null
		read -r u s r <"$tmp/t"
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')")
		[ "$r" -le "$rss" ] || rss=$r
	done
	printf '%s\n' "${cpus[@]}" | sort -n | awk -v rss="$rss" '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], rss }'
}

# report LABEL FILE UNITS [TARGET]: one line with the CPU time per unit
# (column value or event) and its ratio to the base's ($base_cpu over
# $base_units; the first report of a section sets them); status 1 when
# the ratio is over TARGET or the RSS over 16 MiB.
report() {
	local label=$1 f=$2 units=$3 target=${4:-} cpu rss
	read -r cpu rss < <(measure "$f")
	if [ -z "$base_cpu" ]; then
		base_cpu=$cpu base_units=$units
	fi
	awk -v l="$label" -v c="$cpu" -v n="$units" -v b="$base_cpu" -v bn="$base_units" -v t="$target" -v r="$rss" 'BEGIN {
		ratio = (b > 0) ? (c / n) / (b / bn) : 1
		printf "  %-30s %7.3f s CPU %7.0f ns/unit %6.2fx%-9s %5.1f MiB peak RSS\n", l, c, 1e9 * c / n,
			ratio, (t == "" ? "" : " (<=" t ")"), r / 1024 }'
	if [ -n "$target" ] && awk -v c="$cpu" -v n="$units" -v b="$base_cpu" -v bn="$base_units" -v t="$target" \
		'BEGIN { exit !(b > 0 && (c / n) > t * (b / bn)) }'; then
		echo "    over the target ratio $target: FAILED"
		status=1
	fi
	if [ "$rss" -gt $((16 * 1024)) ]; then
		echo "    peak RSS over 16 MiB: FAILED"
		status=1
	fi
}

echo "== cliffs: CPU per column value by row width (1,000,000 values; ratio to 50 columns)"
base_cpu=
for w in 50 1000 4000; do
	target=1.5
	[ "$w" != 50 ] || target=
	report "$w columns per row" "$(input "columns-$w" gen_columns.py "$w" 1000000)" 1000000 "$target"
done

echo "== cliffs: CPU per event by interleaved tables (200,000 updates, schemas and keys; ratio to 1 table)"
base_cpu=
for n in 1 16 17 500; do
	target=
	[ "$n" != 500 ] || target=1.3
	label="$n tables"; [ "$n" != 1 ] || label="1 table"
	report "$label" "$(input "tables-$n" gen_tables.py "$n" 200000 --keys)" 200000 "$target"
done
report "a new schema on every event" \
	"$(input tables-new-schema gen_tables.py 1 200000 --keys --new-schema-each)" 200000 3

# Instructions do not depend on the machine's load: the same ratios from
# callgrind on the first 10,000 events, when valgrind is there.
if command -v valgrind >/dev/null 2>&1; then
	echo "== cliffs: instructions per event (callgrind, 10,000 events; ratio to 1 table)"
	base_ir=
	for name in tables-1 tables-500 tables-new-schema; do
		head -n 10000 "$out/$name.jsonl" >"$tmp/slice"
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$CDCPIVOT" -q --id id \
			<"$tmp/slice" >/dev/null 2>"$tmp/cg.err" || { cat "$tmp/cg.err"; status=1; continue; }
		ir=$(sed -n '/^summary:/{s/^summary: *//p;q}' "$tmp/cg")
		[ -n "$base_ir" ] || base_ir=$ir
		awk -v l="$name" -v ir="$ir" -v b="$base_ir" 'BEGIN {
			printf "  %-30s %8.0f Ir/event %6.2fx\n", l, ir / 10000, ir / b }'
	done
fi
exit "$status"
