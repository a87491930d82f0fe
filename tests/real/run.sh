#!/usr/bin/env bash
# The seed's pipeline for real, run by `make e2e` after tests/e2e/run.sh:
# PostgreSQL 15 -> Debezium's PostgreSQL connector in a Kafka Connect worker
# -> Kafka -> kcat -> cdcpivot -> holding-pivot.txt, every component real,
# started here on 127.0.0.1 on free ports and stopped at the end.
#
#   tests/real/run.sh [STACK...]      STACK: zk (default first), kraft
#
# Stacks (tests/real/pom.xml has the versions):
#   zk     Debezium 2.7.3.Final (docker/docker-compose.yml's pin), Kafka and
#          Connect 3.7.0, ZooKeeper 3.8.3
#   kraft  Debezium 3.6.1.Final, Kafka and Connect 4.3.0 in KRaft mode
# For each: a new PostgreSQL cluster (wal_level=logical,
# track_commit_timestamp=on, docker/init/*.sql), ZooKeeper or the KRaft
# controller, a broker, a distributed Connect worker with the connector as a
# plugin, docker/connector.json registered through the REST API as it is
# (database host and port substituted), and kcat reading the topic into
# cdcpivot -u >> holding-pivot.txt. Then:
#   walkthrough  examples/walkthrough.sql with psql; every row of the file
#                against what PostgreSQL recorded (see real.py), the first 14
#                against the seed's holding_pivot table
#   latency      50 single-row transactions, commit to row in the file
# Each step prints "ok" or "FAIL"; then "real: N passed, N failed". A
# component that does not start fails the run at once, with its log's end.
#
# Environment: CDCPIVOT (build/cdcpivot), REAL_KEEP=1 keeps the temporary
# directory. Needs java (17), mvn, kcat, curl, python3, psql and the
# PostgreSQL 15 server binaries, runuser when run as root.

set -eu
set -o pipefail
export LC_ALL=C TZ=UTC
exec </dev/null

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
CDCPIVOT=${CDCPIVOT:-build/cdcpivot}
case $CDCPIVOT in /*) ;; *) CDCPIVOT=$repo/$CDCPIVOT ;; esac
REAL_PY=$here/real.py
TOPIC=bankserver1.bank.holding
stacks=("$@")
[ ${#stacks[@]} -gt 0 ] || stacks=(zk kraft)

exec 3>&1 4>&2 # the terminal, for the cleanup after a failed start
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdcpivot-real.XXXXXX")
chmod 755 "$tmp"
: >"$tmp/pids"
# shellcheck source=tests/real/lib.sh
. "$here/lib.sh"

started=$(date +%s)
passes=0
failures=0
phase=

stop_all() {
	set +e
	if [ -s "$tmp/pids" ]; then
		# Newest first: consumer, worker, broker, ZooKeeper.
		tac "$tmp/pids" | while read -r pid; do stop_pid "$pid"; done
		: >"$tmp/pids"
	fi
	for d in "$tmp"/*/pg; do
		[ -d "$d" ] && pg_stop "$d"
	done
}

cleanup() {
	rc=$?
	set +e
	exec >&3 2>&4
	if [ "$rc" -ne 0 ] && [ -n "$phase" ]; then
		printf 'FAIL %s (status %s)\n' "$phase" "$rc"
		tail -n 60 "$tmp/log.$phase" 2>/dev/null | sed 's/^/    /'
		failures=$((failures + 1))
		printf 'real: %d passed, %d failed\n' "$passes" "$failures"
	fi
	stop_all
	wait 2>/dev/null
	if [ -n "${REAL_KEEP:-}" ]; then
		echo "real: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME FUNCTION [ARG...]: a component, in this shell (it sets the
# variables the later steps use). Its failure ends the run.
start() {
	phase=$1
	shift
	note=
	"$@" >"$tmp/log.$phase" 2>&1
	passes=$((passes + 1))
	printf 'ok   %s%s\n' "$phase" "${note:+: $note}"
	phase=
}

# step NAME FUNCTION [ARG...]: a check, in a subshell; it may leave a
# one-line result in $tmp/note. A failure is counted and the run goes on.
step() {
	name=$1
	shift
	: >"$tmp/note"
	set +e
	(
		set -e
		"$@"
	) >"$tmp/log.$name" 2>&1
	rc=$?
	set -e
	if [ "$rc" -eq 0 ]; then
		passes=$((passes + 1))
		printf 'ok   %s%s\n' "$name" "$( [ -s "$tmp/note" ] && printf ': %s' "$(cat "$tmp/note")")"
	else
		failures=$((failures + 1))
		printf 'FAIL %s (status %s)\n' "$name" "$rc"
		tail -n 40 "$tmp/log.$name" | sed 's/^/    /'
	fi
}

has_rows() { # N FILE
	[ "$(lines "$2")" -ge "$1" ]
}

lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# ---------------------------------------------------------------- components

tools() {
	need java mvn kcat curl python3 psql setsid timeout tac
	[ "$(id -u)" -ne 0 ] || need runuser
	[ -x "$CDCPIVOT" ] || fail "CDCPIVOT=$CDCPIVOT is not executable"
	find_pg || fail "PostgreSQL server binaries not found"
	note="$(java -version 2>&1 | head -n 1); $(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g'); $("$CDCPIVOT" --version)"
}

stack_infra() {
	resolve "$stack"
	sdir=$tmp/$stack
	mkdir -p "$sdir"
	pg_start "$sdir/pg" "$(python3 "$REAL_PY" ports 1)"
	kafka_start "$stack" "$sdir/kafka"
	connect_start "$sdir/connect"
	mode=KRaft
	[ -z "$v_zookeeper" ] || mode="with ZooKeeper $v_zookeeper"
	note="$v_pg on 127.0.0.1:$pg_port; Kafka $v_kafka $mode at $boot; Connect $v_kafka at $rest; Debezium $v_debezium"
}

# The seed's connector, as the compose registers it; the snapshot of row
# 1000 (docker/init/) reaches the file through kcat and cdcpivot.
seed_connector() {
	snap_t0=$(date -u '+%Y-%m-%d %H:%M:%S.%3N')
	psql_pg data_engineer -c "SELECT row_to_json(h) FROM bank.holding h" >"$sdir/snapshot.json"
	register sde-connector docker/connector.json
	wait_topic "$TOPIC"
	out=$sdir/holding-pivot.txt
	: >"$out"
	# kcat | tee (the raw records, for the fixtures) | cdcpivot -u >> file
	spawn sh -c 'kcat -C -b "$1" -t "$2" -o beginning -u -q -f "%k\t%s\n" | tee -a "$3" |
		"$4" --id holding_id,user_id --fields holding_stock,holding_quantity -u >>"$5" 2>>"$6"' \
		sh "$boot" "$TOPIC" "$sdir/holding.raw" "$CDCPIVOT" "$out" "$sdir/cdcpivot.err"
	consumer_pid=$last_pid
	wait_until 60 has_rows 2 "$out" || { cat "$sdir/cdcpivot.err"; fail "no snapshot rows in $out"; }
	snap_t1=$(date -u '+%Y-%m-%d %H:%M:%S.%3N')
	# From here on, PostgreSQL's own record of every change.
	psql_pg data_engineer -c "SELECT 'oracle', lsn FROM pg_create_logical_replication_slot('oracle', 'test_decoding')" >/dev/null
	note="sde-connector and its task RUNNING; snapshot in $out"
}

# ---------------------------------------------------------------- checks

# oracle_rows TABLE IDS FIELDS SNAPSHOT OUT: the rows PostgreSQL's record
# of the changes so far (peeked, the slot keeps them) calls for.
oracle_rows() {
	psql_pg data_engineer -c "SELECT json_build_object('xid', xid::text, 'lsn', lsn::text, 'data', data,
		'commit_us', (extract(epoch FROM pg_xact_commit_timestamp(xid)) * 1000000)::bigint)
		FROM pg_logical_slot_peek_changes('oracle', NULL, NULL)" >"$sdir/oracle.changes"
	python3 "$REAL_PY" expect "$sdir/oracle.changes" \
		"{\"table\": \"$1\", \"ids\": $2, \"fields\": $3, \"snapshot\": $4}" >"$5"
}

# wait_rows N FILE: until FILE has N lines (more would show at the compare).
wait_rows() {
	wait_until 60 has_rows "$1" "$2" ||
		fail "$2 has $(lines "$2") rows of $1 after 60 s: $(cat "$sdir/cdcpivot.err")"
	sleep 1
}

holding_rows() { # OUT: expected rows of bank.holding so far
	oracle_rows bank.holding '["holding_id","user_id"]' '["holding_stock","holding_quantity"]' \
		"$(python3 -c 'import json,sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1]) if l.strip()]))' "$sdir/snapshot.json")" "$1"
}

walkthrough() {
	psql_pg data_engineer -f examples/walkthrough.sql
	holding_rows "$sdir/expected.walk"
	python3 "$REAL_PY" seed "$sdir/expected.walk"
	wait_rows "$(lines "$sdir/expected.walk")" "$out"
	python3 "$REAL_PY" compare "$sdir/expected.walk" "$out" --window "$snap_t0" "$snap_t1" | tee "$tmp/note"
}

latency() {
	python3 "$REAL_PY" latency \
		"[\"psql\", \"-X\", \"-q\", \"-A\", \"-t\", \"-v\", \"ON_ERROR_STOP=1\", \"-h\", \"127.0.0.1\", \"-p\", \"$pg_port\", \"-U\", \"data_engineer\", \"-d\", \"data_engineer\"]" \
		"$out" 50 5000 | tee "$sdir/latency"
	# and those rows are right too
	holding_rows "$sdir/expected.all"
	wait_rows "$(lines "$sdir/expected.all")" "$out"
	python3 "$REAL_PY" compare "$sdir/expected.all" "$out" --window "$snap_t0" "$snap_t1"
	cp "$sdir/latency" "$tmp/note"
	cp "$sdir/latency" "$tmp/latency.$stack"
}

stop_stack() {
	stop_all
	note="stopped"
}

# ---------------------------------------------------------------- main

echo "cdcpivot: the real pipeline ($CDCPIVOT)"
start tools tools
for stack in "${stacks[@]}"; do
	case $stack in zk | kraft) ;; *) fail "unknown stack $stack" ;; esac
	export PGPASSWORD=password
	start "$stack-components" stack_infra
	start "$stack-connector" seed_connector
	step "$stack-walkthrough" walkthrough
	step "$stack-latency" latency
	start "$stack-stop" stop_stack
done

echo "real: $(($(date +%s) - started)) s"
printf 'real: %d passed, %d failed\n' "$passes" "$failures"
[ "$failures" -eq 0 ]
