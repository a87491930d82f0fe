#!/bin/sh
# Runs the libFuzzer target built from tests/fuzz/fuzz_line.c.
#
#   tests/fuzz/run.sh FUZZ_BINARY [SECONDS]        (make fuzz FUZZ_SECONDS=300)
#
# 1. Regression check: every file in tests/fuzz/regressions/ is run through
#    the binary once; each one that fails is named.
# 2. Campaign: the seed corpus is every line of every tests/golden/*.in (one
#    file per line, without its "\n") plus the regressions that pass (one
#    that still fails would stop the run at once; it is reported above); new
#    inputs go to tests/fuzz/corpus/ (gitignored, kept between runs). The
#    fuzzer runs for SECONDS (default 60) with tests/fuzz/debezium.dict.
#    A crash, leak, timeout or out-of-memory input is copied into
#    tests/fuzz/regressions/ (unless the same bytes are already there) and
#    its path printed.
#
# Exit status: 0 when no regression fails and the campaign finds nothing,
# 1 otherwise, 2 on a usage or setup error. The number of executions is
# printed from libFuzzer's -print_final_stats=1 (stat::number_of_executed_units).
#
# FUZZ_ARGS adds libFuzzer flags to the campaign, e.g. FUZZ_ARGS=-seed=1, or
# FUZZ_ARGS='-fork=2 -ignore_crashes=1' to go on after a finding and collect
# every crashing input of the run. FUZZ_LINE_ALLOW_CONTROL_IN_REASON=1 is read
# by the target itself (see tests/fuzz/fuzz_line.c).
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 FUZZ_BINARY [SECONDS]" >&2
	exit 2
fi
bin=$1
secs=${2:-60}
case $secs in '' | *[!0-9]*) echo "$0: SECONDS must be a number: '$secs'" >&2; exit 2 ;; esac
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
if [ ! -x "$bin" ]; then
	echo "$0: $bin: not an executable (make $1)" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
golden=$here/../golden
regressions=$here/regressions
corpus=$here/corpus
dict=$here/debezium.dict
mkdir -p "$regressions" "$corpus" || exit 2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdcpivot-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$tmp/seeds" "$tmp/artifacts" "$tmp/split"

flags="-timeout=10 -rss_limit_mb=2048 -max_len=65536"
status=0

# --- 1. Regressions -------------------------------------------------------
nreg=0
nfail=0
: >"$tmp/failing"
for f in "$regressions"/*; do
	[ -f "$f" ] || continue
	case ${f##*/} in README* | *.md) continue ;; esac
	nreg=$((nreg + 1))
	# shellcheck disable=SC2086
	if ! "$bin" $flags "$f" >"$tmp/reg.log" 2>&1; then
		nfail=$((nfail + 1))
		echo "$f" >>"$tmp/failing"
		echo "fuzz: REGRESSION FAILS: $f"
		grep -E 'invariant violated|ERROR: |SUMMARY: |^    #[0-9]+ ' "$tmp/reg.log" | head -n 25 | sed 's/^/    /'
	fi
done
echo "fuzz: regressions: $nreg run, $nfail failing"
[ "$nfail" -eq 0 ] || status=1

# --- 2. Seed corpus -------------------------------------------------------
# One seed per input line, without its newline, named by content so the
# same line in several golden files is one seed.
nseed=0
for in in "$golden"/*.in; do
	[ -f "$in" ] || continue
	rm -f "$tmp/split"/*
	# split(1) copies bytes as they are (NUL, CR, invalid UTF-8 included).
	split -l 1 -a 5 "$in" "$tmp/split/l" 2>/dev/null || continue
	for l in "$tmp/split"/l*; do
		[ -f "$l" ] || continue
		if [ "$(tail -c 1 "$l" | od -An -c | tr -d ' ')" = '\n' ]; then
			truncate -s -1 "$l"
		fi
		sum=$(sha1sum <"$l" | cut -c1-40)
		mv "$l" "$tmp/seeds/$sum"
	done
done
# Regressions that pass are good seeds; one that still fails would stop
# the campaign at its first input, so it is left out (already reported).
for f in "$regressions"/*; do
	[ -f "$f" ] || continue
	case ${f##*/} in README* | *.md) continue ;; esac
	grep -qxF "$f" "$tmp/failing" && continue
	cp "$f" "$tmp/seeds/reg-${f##*/}"
done
nseed=$(find "$tmp/seeds" -type f | wc -l)
echo "fuzz: $nseed seed inputs (tests/golden/*.in lines + regressions), corpus $corpus"

# --- 3. Campaign ----------------------------------------------------------
echo "fuzz: fuzzing for ${secs}s: $bin"
# shellcheck disable=SC2086
{
	"$bin" -max_total_time="$secs" $flags -dict="$dict" -print_final_stats=1 \
		-artifact_prefix="$tmp/artifacts/" ${FUZZ_ARGS:-} "$corpus" "$tmp/seeds" 2>&1
	echo $? >"$tmp/rc"
} | tee "$tmp/fuzz.log"
rc=$(cat "$tmp/rc" 2>/dev/null || echo 99)

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/fuzz.log" | tail -n 1)
# With -fork=N the final stats are the parent's own (0); the last
# "#N: cov: ..." status line counts the executions of every job.
forked=$(sed -n 's/^#\([0-9][0-9]*\): cov: .*/\1/p' "$tmp/fuzz.log" | tail -n 1)
if [ -n "$forked" ] && [ "${execs:-0}" -lt "$forked" ]; then
	echo "fuzz: executions: $forked (last -fork status line; stat::number_of_executed_units: ${execs:-none})"
else
	echo "fuzz: executions: ${execs:-unknown} (stat::number_of_executed_units)"
fi

found=0
saved=0
for a in "$tmp/artifacts"/*; do
	[ -f "$a" ] || continue
	found=$((found + 1))
	dup=
	for f in "$regressions"/*; do
		[ -f "$f" ] && cmp -s "$a" "$f" && dup=$f && break
	done
	if [ -n "$dup" ]; then
		echo "fuzz: FINDING is already in the regressions: $dup"
		continue
	fi
	cp "$a" "$regressions/${a##*/}"
	saved=$((saved + 1))
	echo "fuzz: FINDING saved: $regressions/${a##*/}"
	echo "fuzz:   reproduce: $bin $regressions/${a##*/}"
done
if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
	echo "fuzz: campaign FAILED (libFuzzer exit status $rc; $found input(s) found, $saved new in $regressions)"
	grep -E 'invariant violated|ERROR: |SUMMARY: ' "$tmp/fuzz.log" | head -n 10 | sed 's/^/    /'
	status=1
else
	echo "fuzz: campaign found nothing"
fi
exit "$status"
