#!/bin/sh
# valgrind.sh BUILD: the unit suites under valgrind (in-process, so that
# it sees everything), and the binary under valgrind wherever a suite runs
# it (every golden case, the CLI tests). valgrind runs one thread, so the
# suites go in two runs side by side, one per core: the golden cases (the
# longest suite) with the suites listed in VALGRIND_WITH_GOLDEN, and all
# the others (check_main.c's CHECK_SUITES and CHECK_SUITES_SKIP: each suite
# runs in exactly one of them). Each run's output is shown whole, after
# both end; fails when either fails.
set -u
build=${1:?usage: tests/valgrind.sh BUILD}
first=golden${VALGRIND_WITH_GOLDEN:+,$VALGRIND_WITH_GOLDEN}
logs=$(mktemp -d) || exit 1
trap 'rm -rf "$logs"' EXIT

run() { # VAR LIST LOG
	env "$1=$2" CK_FORK=no CK_TIMEOUT_MULTIPLIER=20 CDCPIVOT="$build/cdcpivot" TZ=UTC LC_ALL=C \
		CK_EXCLUDE_TAGS="${UNIT_EXCLUDE_TAGS:-}" \
		CDCPIVOT_WRAPPER='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all' \
		valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
		"$build/check_cdcpivot" >"$3" 2>&1
}

run CHECK_SUITES "$first" "$logs/a" &
a=$!
run CHECK_SUITES_SKIP "$first" "$logs/b" &
b=$!
wait "$a"
ra=$?
wait "$b"
rb=$?
echo "== valgrind: suites $first"
cat "$logs/a"
echo "== valgrind: every other suite"
cat "$logs/b"
[ "$ra" -eq 0 ] && [ "$rb" -eq 0 ]
