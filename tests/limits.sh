#!/bin/sh
# The size limits the code holds to (issue 11), measured with pmccabe
# (Debian package pmccabe): no function in src/ longer than 80 lines or
# with a McCabe complexity (pmccabe's traditional count, every case of a
# switch counted) over 25, no file of src/ over 600 lines.
#
# Files named in LONG_FILES are over the file limit today and are waiting
# to be split; they are reported, not failed, so that work on them in
# other branches can still merge. Every other file is held to the limit.
set -eu
cd "$(dirname "$0")/.."

MAX_FUNCTION_LINES=80
MAX_MCCABE=25
MAX_FILE_LINES=600
LONG_FILES=""

command -v pmccabe >/dev/null 2>&1 || {
	echo "limits: pmccabe not found (Debian: apt-get install pmccabe)" >&2
	exit 1
}
status=0
# pmccabe: modified, traditional McCabe, statements, first line, lines, file(line): name
over=$(pmccabe src/*.c | awk -v l="$MAX_FUNCTION_LINES" -v m="$MAX_MCCABE" \
	'$2 > m || $5 > l { printf "  %s: McCabe %d, %d lines\n", $6 " " $7, $2, $5 }')
if [ -n "$over" ]; then
	echo "limits: functions over $MAX_FUNCTION_LINES lines or McCabe $MAX_MCCABE:" >&2
	echo "$over" >&2
	status=1
fi
for f in src/*.c; do
	n=$(wc -l <"$f")
	[ "$n" -gt "$MAX_FILE_LINES" ] || continue
	case " $LONG_FILES " in
	*" $f "*) echo "limits: note: $f has $n lines (over $MAX_FILE_LINES, to be split)" ;;
	*)
		echo "limits: $f has $n lines, over $MAX_FILE_LINES" >&2
		status=1
		;;
	esac
done
[ "$status" -ne 0 ] || echo "limits: ok (functions <= $MAX_FUNCTION_LINES lines and McCabe <= $MAX_MCCABE, files <= $MAX_FILE_LINES lines)"
exit "$status"
