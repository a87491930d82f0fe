#!/bin/sh
# Regenerates tests/golden/*.out, .err and .rc from the binary given as $1.
# Review the result with git diff before committing.
set -eu
bin=${1:-./cdcpivot}
for in in tests/golden/*.in; do
	base=${in%.in}
	set --
	if [ -f "$base.args" ]; then
		while IFS= read -r a || [ -n "$a" ]; do set -- "$@" "$a"; done < "$base.args"
	fi
	# @STATE@: a fresh --state directory, as check_golden.c gives it
	state=
	for a in "$@"; do [ "$a" = @STATE@ ] && state=$(mktemp -d); done
	if [ -n "$state" ]; then
		for a in "$@"; do shift; [ "$a" = @STATE@ ] && a=$state; set -- "$@" "$a"; done
	fi
	rc=0
	SOURCE_DATE_EPOCH=1600300000 TZ=UTC LC_ALL=C "$bin" "$@" < "$in" > "$base.out" 2> "$base.err" || rc=$?
	[ -z "$state" ] || rm -rf "$state"
	if [ "$rc" -ne 0 ]; then echo "$rc" > "$base.rc"; else rm -f "$base.rc"; fi
done
