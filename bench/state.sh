#!/usr/bin/env bash
# Throughput and peak RSS of cdcpivot with --state beside the stateless run,
# on a REPLICA IDENTITY DEFAULT stream over N distinct keys: N snapshot
# records, then N updates without before at random keys (each one a state
# lookup and a new image). Also the peak RSS at N/10 keys, to show that it
# does not grow with the keys.
#
# usage: CDCPIVOT=build/cdcpivot bench/state.sh [KEYS]   (default 1000000)
#   (normally part of make bench; never part of make check)
set -euo pipefail
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
bin=${CDCPIVOT:-build/cdcpivot}
keys=${1:-1000000}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$here/out
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gen() { # gen KEYS FILE
	[ -s "$2" ] && return
	python3 - "$1" >"$2.part" <<'EOF'
import random, sys
n = int(sys.argv[1])
rnd = random.Random(42)
src = ('"source":{"version":"2.7.3.Final","connector":"postgresql","name":"srv","ts_ms":%d,'
       '"snapshot":"%s","db":"db","schema":"public","table":"customers","txId":7,"lsn":%d}')
w = sys.stdout.write
for k in range(n):
    w('{"before":null,"after":{"id":%d,"name":"customer %d","email":"c%d@example.com",'
      '"tier":"basic","balance":%d},%s,"op":"r","ts_ms":1}\n'
      % (k, k, k, k % 1000, src % (1700000000000, "true", 1000)))
lsn = 2000
for i in range(n):
    k = rnd.randrange(n)
    lsn += 8
    w('{"before":null,"after":{"id":%d,"name":"customer %d","email":"c%d@example.com",'
      '"tier":"%s","balance":%d},%s,"op":"u","ts_ms":1}\n'
      % (k, k, k, rnd.choice(["basic", "gold"]), rnd.randrange(100000),
         src % (1700000000000 + i, "false", lsn)))
EOF
	mv "$2.part" "$2"
}

# run LABEL FILE ARGS...: wall and CPU seconds, events per second of each,
# and peak RSS of one run (on a shared machine CPU time is the steadier).
run() {
	local label=$1 file=$2 events
	shift 2
	events=$(wc -l <"$file")
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$bin" -q "$@" <"$file" >/dev/null
	read -r secs user sys kib <"$tmp/time"
	awk -v l="$label" -v s="$secs" -v c="$(awk -v u="$user" -v y="$sys" 'BEGIN { print u + y }')" \
		-v e="$events" -v k="$kib" 'BEGIN {
		printf "%-36s %8d events %7.2f s %8.0f/s  CPU %6.2f s %8.0f/s  peak RSS %6.1f MiB\n",
		    l, e, s, e / (s > 0 ? s : 0.01), c, e / (c > 0 ? c : 0.01), k / 1024 }'
}

small=$((keys / 10))
gen "$small" "$out/state-$small.jsonl"
gen "$keys" "$out/state-$keys.jsonl"
echo "--state: $keys distinct keys, snapshot then as many random updates without before"
run "stateless, $keys keys" "$out/state-$keys.jsonl" 2>/dev/null
run "--state (fresh), $small keys" "$out/state-$small.jsonl" --state "$tmp/s-small"
run "--state (fresh), $keys keys" "$out/state-$keys.jsonl" --state "$tmp/s-big"
run "--state --fsync --output, $keys keys" "$out/state-$keys.jsonl" --state "$tmp/s-fsync" \
	--fsync --output "$tmp/rows"
echo "state on disk: $(du -sh "$tmp/s-big" | cut -f1) for $keys keys"
