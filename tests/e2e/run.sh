#!/usr/bin/env bash
# End-to-end test of cdcpivot in its pipeline: run by `make e2e`, which sets
#   CDCPIVOT    the binary under test          (build/cdcpivot)
#   MOCKBROKER  tests/e2e/mockbroker.c, built  (build/mockbroker)
#
# Steps, each printing one "ok" or "FAIL" line (the end of a failed step's
# log follows it), then "e2e: N passed, N failed"; the script exits 1 if any
# step failed:
#   tools        every tool below is there and runs
#   compose      docker/ compose files, connector.json and pivot.sh parse
#   kafka-*      a Kafka-protocol broker (librdkafka's mock cluster, 3 brokers,
#                topics with 3 partitions), events keyed by holding_id as
#                Debezium keys them, produced with kcat, read back with
#                kcat -C, kcat -J and as a consumer group of 3 members
#                (docker/pivot.sh, as the compose "pivot" service runs it),
#                and a member restarted after a clean stop; every time
#                compared with cdcpivot run on the event file itself
#   native-*,    cdcpivot reading Kafka itself (--brokers) and kcat -G |
#   kcat-kill    cdcpivot, killed and restarted, in groups, through a broker
#                outage, with --state in a group (see native.sh)
#   postgres-*   a throw-away PostgreSQL server as the OLAP target: COPY of
#                cdcpivot's output, examples/queries/ against answers that
#                e2e.py computes from the raw events
#   tail-*       rows of each event reach the output file within 100 ms when
#                cdcpivot reads a FIFO (tail -f)
#
# Needs: kcat, python3, docker-compose, PostgreSQL server binaries (initdb,
# pg_ctl; PATH or /usr/lib/postgresql/*/bin) and psql, runuser when run as
# root, coreutils (timeout, mkfifo). A missing tool fails its steps; nothing
# is skipped. Only loopback is used; everything lives in one temporary
# directory (and a second one for PostgreSQL's data), removed at exit unless
# E2E_KEEP is set.

set -eu
set -o pipefail
export LC_ALL=C TZ=UTC
# Fixed datetime_inserted, so that every run of cdcpivot gives the same bytes.
export SOURCE_DATE_EPOCH=1700000000
exec </dev/null

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")" ;;
	esac
}
CDCPIVOT=$(abspath "${CDCPIVOT:-build/cdcpivot}")
MOCKBROKER=$(abspath "${MOCKBROKER:-build/mockbroker}")
E2E_PY=$here/e2e.py
GEN=$here/../../bench/gen_events.py  # one copy of the shared generator, kept with the benchmark
TOPIC=bankserver1.bank.holding
GROUP_TOPIC=$TOPIC.group # the consumer-group test's copy of the stream
PARTITIONS=3
MEMBERS=3
EVENTS=2000     # produced first
EXTRA=200       # produced while a restarted group member runs
PIVOT_ARGS=(--id "holding_id,user_id" --fields "holding_stock,holding_quantity")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdcpivot-e2e.XXXXXX")
# PostgreSQL's directory (data, log, socket), owned by the server's user.
pgroot=$(mktemp -d "${TMPDIR:-/tmp}/cdcpivot-e2e-pg.XXXXXX")
started=$(date +%s)
failures=0
passes=0

# spawn, fail, wait_until, need, find_pg, as_pg.
# shellcheck source=tests/common.sh
. "$repo/tests/common.sh"

pg_stop() {
	[ -n "$pg_bin" ] && [ -f "$pgroot/data/postmaster.pid" ] || return 0
	as_pg "$pg_bin/pg_ctl" -D "$pgroot/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || :
}

step_pid=
step_rc=0
cleanup() {
	rc=$?
	set +e
	if [ -n "$step_pid" ]; then
		# An interrupted step: end it and the commands it was running.
		children=$(ps -o pid= --ppid "$step_pid" 2>/dev/null)
		kill -TERM "$step_pid" 2>/dev/null
		for pid in $children; do
			kill -TERM "$pid" 2>/dev/null
		done
	fi
	pg_stop
	if [ -f "$tmp/pids" ]; then
		while read -r pid; do
			kill -TERM -- "-$pid" 2>/dev/null
		done <"$tmp/pids"
		sleep 0.3
		while read -r pid; do
			kill -KILL -- "-$pid" 2>/dev/null
		done <"$tmp/pids"
	fi
	wait 2>/dev/null
	if [ -n "${E2E_KEEP:-}" ]; then
		echo "e2e: kept $tmp and $pgroot" >&2
	else
		rm -rf "$tmp" "$pgroot"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# step NAME FUNCTION [ARG...]: run FUNCTION in a subshell with errexit in
# force (it would be off in an "if" or "||" context), its output to a log. A
# step can leave a one-line result in $note. On failure, show the log.
# E2E_STEPS=REGEX (for development) runs only the steps whose names match.
step() {
	name=$1
	shift
	if [ -n "${E2E_STEPS:-}" ] && ! printf '%s\n' "$name" | grep -Eq "$E2E_STEPS"; then
		return 0
	fi
	note=$tmp/note.$name
	log=$tmp/log.$name
	: >"$note"
	# In the background, so that a signal to this script is taken at once
	# (a foreground child would delay it until the step ends).
	set +e
	(
		set -e
		"$@"
	) >"$log" 2>&1 &
	step_pid=$!
	wait "$step_pid"
	rc=$?
	step_pid=
	step_rc=$rc
	set -e
	if [ "$rc" -eq 0 ]; then
		passes=$((passes + 1))
		if [ -s "$note" ]; then
			printf 'ok   %s: %s\n' "$name" "$(cat "$note")"
		else
			printf 'ok   %s\n' "$name"
		fi
	else
		failures=$((failures + 1))
		printf 'FAIL %s (status %s)\n' "$name" "$rc"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
}

lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

pivot() {
	"$CDCPIVOT" "${PIVOT_ARGS[@]}" "$@"
}

# ---------------------------------------------------------------- tools

# Every tool is there and runs.
check_tools() {
	need python3 kcat docker-compose psql timeout mkfifo setsid ps
	[ -x "$CDCPIVOT" ] || fail "CDCPIVOT=$CDCPIVOT is not executable"
	[ -x "$MOCKBROKER" ] || fail "MOCKBROKER=$MOCKBROKER is not executable"
	find_pg || fail "PostgreSQL server binaries (initdb, pg_ctl) not found"
	if [ "$(id -u)" -eq 0 ]; then
		need runuser
		id postgres >/dev/null || fail "no user postgres to run the PostgreSQL server as"
	fi
	v_cdcpivot=$("$CDCPIVOT" --version)
	v_kcat=$(kcat -V | sed -n 's/^Version \([^ ]*\).*librdkafka \([^ ]*\) .*/\1, librdkafka \2/p')
	[ -n "$v_kcat" ] || fail "kcat -V: no version"
	v_python=$(python3 --version)
	v_compose=$(docker-compose version --short)
	v_psql=$(psql --version)
	v_pg=$("$pg_bin/postgres" --version)
	echo "$v_cdcpivot; kcat $v_kcat; $v_python; docker-compose $v_compose; $v_psql; server $v_pg" >"$note"
}

find_pg || :

# ---------------------------------------------------------------- a. compose

check_compose() {
	need docker-compose python3
	n=0
	for f in docker/*compose*.yml docker/*compose*.yaml; do
		[ -e "$f" ] || continue
		docker-compose -f "$f" config -q || fail "docker-compose config: $f"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no compose file in docker/"
	python3 -m json.tool docker/connector.json >/dev/null
	sh -n docker/pivot.sh
	echo "$n compose file(s), connector.json, pivot.sh" >"$note"
}

# ---------------------------------------------------------------- b. Kafka

boot=
start_broker() {
	need kcat
	: >"$tmp/broker.boot"
	spawn "$MOCKBROKER" -b 3 -p "$PARTITIONS" -t "$TOPIC" -t "$GROUP_TOPIC" \
		>"$tmp/broker.boot" 2>"$tmp/broker.err"
	wait_until 10 test -s "$tmp/broker.boot" || fail "mockbroker printed no address: $(cat "$tmp/broker.err")"
	boot=$(head -n 1 "$tmp/broker.boot")
	timeout 20 kcat -b "$boot" -L -t "$TOPIC" >"$tmp/metadata"
	grep -q "topic \"$TOPIC\" with $PARTITIONS partitions" "$tmp/metadata" ||
		fail "topic not as expected: $(cat "$tmp/metadata")"
	echo "3 brokers at $boot, $TOPIC and $GROUP_TOPIC with $PARTITIONS partitions" >"$note"
}

# produce TOPIC FIRST LAST: events FIRST..LAST, keyed, tombstones after
# deletes, as Debezium writes them.
produce() {
	python3 "$E2E_PY" keyed "$tmp/events.jsonl" "$2" "$3" >"$tmp/produce.$1.$2"
	timeout 60 kcat -P -b "$boot" -t "$1" -K '\t' -Z <"$tmp/produce.$1.$2"
}

kafka_produce_consume() {
	[ -n "$boot" ] || fail "no broker"
	python3 "$GEN" $((EVENTS + EXTRA)) --seed 42 >"$tmp/events.jsonl"
	head -n "$EVENTS" "$tmp/events.jsonl" >"$tmp/first.jsonl"
	tail -n "$EXTRA" "$tmp/events.jsonl" >"$tmp/extra.jsonl"
	pivot "$tmp/first.jsonl" >"$tmp/direct.csv"
	pivot "$tmp/extra.jsonl" >"$tmp/direct-extra.csv"
	produce "$TOPIC" 1 "$EVENTS"
	records=$(lines "$tmp/produce.$TOPIC.1")

	timeout 60 kcat -C -b "$boot" -t "$TOPIC" -e -q -f '%k\t%s\n' |
		pivot >"$tmp/kafka.csv" 2>"$tmp/kafka.err"
	cat "$tmp/kafka.err"
	python3 "$E2E_PY" same "$tmp/direct.csv" "$tmp/kafka.csv" >"$tmp/same"
	deletes=$(grep -c '"op":"d"' "$tmp/first.jsonl")
	grep -Eq "tombstone ${deletes}[,)]" "$tmp/kafka.err" ||
		fail "expected $deletes tombstones skipped: $(cat "$tmp/kafka.err")"

	# Which partition each record went to.
	timeout 60 kcat -C -b "$boot" -t "$TOPIC" -e -q -f '%p\t%k\n' >"$tmp/partmap"
	[ "$(lines "$tmp/partmap")" -eq "$records" ] || fail "partition map incomplete"
	per=$(cut -f1 "$tmp/partmap" | sort | uniq -c | awk '{printf "%s%s:%s", s, $2, $1; s=" "}')
	echo "$EVENTS events + $deletes tombstones in partitions {$per}; $(cat "$tmp/same")" >"$note"
}

# e. kcat -J records: same rows; and without --id the id comes from the key.
kafka_json() {
	[ -n "$boot" ] || fail "no broker"
	timeout 60 kcat -C -b "$boot" -t "$TOPIC" -J -e -q >"$tmp/records.json"
	pivot <"$tmp/records.json" >"$tmp/json.csv"
	python3 "$E2E_PY" same "$tmp/direct.csv" "$tmp/json.csv" >"$tmp/same-json"
	"$CDCPIVOT" --id holding_id --fields holding_stock,holding_quantity \
		"$tmp/first.jsonl" >"$tmp/direct-id.csv"
	"$CDCPIVOT" --fields holding_stock,holding_quantity <"$tmp/records.json" >"$tmp/json-key.csv"
	python3 "$E2E_PY" same "$tmp/direct-id.csv" "$tmp/json-key.csv" >/dev/null
	echo "$(cat "$tmp/same-json"); ids from the record key match" >"$note"
}

# A consumer-group member: docker/pivot.sh with PIVOT_INPUT=kcat, the pipe
# alternative of the compose "pivot" service (kcat -G | cdcpivot -u,
# appending to a file of its own); the native mode is tested in native.sh.
#
# librdkafka 2.0.2's mock cluster (src/rdkafka_mock_cgrp.c) implements the
# classic group protocol, which is what kcat -G speaks, with three
# differences from a real broker that the steps below work around:
#  1. SyncGroup: the group becomes "Up" as soon as the leader's SyncGroup has
#     brought every member's assignment, whether or not the other members
#     have sent their own SyncGroup yet. A member whose SyncGroup comes after
#     the leader's gets INVALID_REQUEST and rejoins, which starts another
#     rebalance (it happens to about every other group start). So the group
#     test waits until the group is stable before it produces, and checks
#     that it stayed so while consuming.
#  2. OffsetCommit is refused (REBALANCE_IN_PROGRESS) while the group is
#     "Joining", which it is from the moment a member leaves; a real broker
#     accepts commits of the current generation while preparing a
#     rebalance. When several members stop at once, all but the first lose
#     their final commit. So the restart test stops one member at a time.
#  3. After a member leaves or a rebalance starts, the group waits
#     session.timeout.ms - 1 s for members to (re)join, also when there are
#     none left, where a real broker is done at once. session.timeout.ms=4000
#     makes that 3 s rather than 44 s.
MEMBER_KCAT_ARGS="-X session.timeout.ms=4000 -X heartbeat.interval.ms=500"
start_member() { # NAME GROUP TOPIC
	mkdir -p "$tmp/bin" "$tmp/group"
	ln -sf "$CDCPIVOT" "$tmp/bin/cdcpivot"
	PIVOT_INPUT=kcat BROKERS=$boot TOPIC=$3 GROUP=$2 OUTPUT_DIR=$tmp/group \
		OUTPUT_FILE=$tmp/group/$1.csv KCAT_ARGS=$MEMBER_KCAT_ARGS \
		CDCPIVOT_ARGS="${PIVOT_ARGS[*]}" PATH=$tmp/bin:$PATH \
		spawn sh docker/pivot.sh >"$tmp/group/$1.log" 2>&1
}

# stop_members PID...: SIGTERM all at once ("docker compose stop"), wait for
# each; pivot.sh exits 0 after a stop signal when cdcpivot did.
stop_members() {
	kill -TERM "$@" 2>/dev/null || :
	for pid in "$@"; do
		stop_wait "$pid" 20 || fail "member $pid exited with status $?"
	done
}

rows_in() { # EXPECTED FILE...: the files hold EXPECTED rows or more
	want=$1
	shift
	[ "$(cat "$@" 2>/dev/null | wc -l)" -ge "$want" ]
}

assignments() { # LOG...: number of "assigned:" lines
	cat "$@" | grep -c 'rebalanced.*assigned:' || :
}

# Members of one group on a topic of its own share its partitions: every
# holding_id is pivoted by exactly one member, in order, and together they
# write what cdcpivot writes from the whole stream.
kafka_group() {
	[ -n "$boot" ] || fail "no broker"
	want=$(lines "$tmp/direct.csv")
	pids=()
	outs=()
	logs=()
	for i in $(seq 1 "$MEMBERS"); do
		start_member "m$i" e2e-pivot "$GROUP_TOPIC"
		pids+=("$last_pid")
		outs+=("$tmp/group/m$i.csv")
		logs+=("$tmp/group/m$i.log")
	done
	t0=$(date +%s%N)
	wait_until 60 python3 "$E2E_PY" stable "$PARTITIONS" "${logs[@]}" >/dev/null ||
		fail "group not stable in 60 s: $(python3 "$E2E_PY" stable "$PARTITIONS" "${logs[@]}")"
	sleep 1
	python3 "$E2E_PY" stable "$PARTITIONS" "${logs[@]}" >/dev/null || fail "group not stable"
	t1=$(date +%s%N)
	generations=$(assignments "${logs[@]}")

	produce "$GROUP_TOPIC" 1 "$EVENTS"
	timeout 60 kcat -C -b "$boot" -t "$GROUP_TOPIC" -e -q -f '%p\t%k\n' >"$tmp/partmap.group"
	wait_until 60 rows_in "$want" "${outs[@]}" ||
		fail "members wrote $(cat "${outs[@]}" | wc -l) of $want rows in 60 s"
	t2=$(date +%s%N)
	# Anything beyond the expected rows (duplicates) would arrive with them;
	# give it a moment. Then keep the logs as they are while consuming
	# (stopping revokes the assignments).
	sleep 0.5
	args=()
	for i in $(seq 1 "$MEMBERS"); do
		cp "$tmp/group/m$i.log" "$tmp/group/m$i.log.running"
		args+=("$tmp/group/m$i.csv" "$tmp/group/m$i.log.running")
	done
	stop_members "${pids[@]}"
	cat "${logs[@]}"
	[ "$(assignments "${logs[@]/%/.running}")" -eq "$generations" ] ||
		fail "the group rebalanced while consuming"
	python3 "$E2E_PY" group "$tmp/direct.csv" "$tmp/partmap.group" "${args[@]}" >"$tmp/group.result"
	echo "$(cat "$tmp/group.result"); group stable after $(((t1 - t0) / 1000000)) ms ($generations assignments), all rows $(((t2 - t1) / 1000000)) ms after that" >"$note"
}

# Offsets survive a clean stop: a member of a new group reads everything and
# is stopped (SIGTERM, as "docker compose stop" does: kcat commits and leaves,
# cdcpivot writes what it has read); a member started after it in the same
# group gets the events produced since, and nothing it had already read.
# One member at a time: see 2. above.
kafka_restart() {
	[ -n "$boot" ] || fail "no broker"
	start_member first e2e-restart "$TOPIC"
	pid=$last_pid
	want=$(lines "$tmp/direct.csv")
	wait_until 60 rows_in "$want" "$tmp/group/first.csv" ||
		fail "first member wrote $(lines "$tmp/group/first.csv") of $want rows"
	sleep 0.5
	stop_members "$pid"
	cat "$tmp/group/first.log"
	python3 "$E2E_PY" same "$tmp/direct.csv" "$tmp/group/first.csv" >/dev/null
	if grep COMMITFAIL "$tmp/group/first.log"; then
		fail "offset commit failed on a clean stop"
	fi

	start_member second e2e-restart "$TOPIC"
	pid=$last_pid
	t0=$(date +%s%N)
	wait_until 30 grep -q 'assigned:' "$tmp/group/second.log" ||
		fail "second member got no assignment: $(cat "$tmp/group/second.log")"
	t1=$(date +%s%N)
	produce "$TOPIC" $((EVENTS + 1)) $((EVENTS + EXTRA))
	want=$(lines "$tmp/direct-extra.csv")
	wait_until 60 rows_in "$want" "$tmp/group/second.csv" ||
		fail "second member wrote $(lines "$tmp/group/second.csv") of $want rows"
	sleep 1
	stop_members "$pid"
	cat "$tmp/group/second.log"
	python3 "$E2E_PY" same "$tmp/direct-extra.csv" "$tmp/group/second.csv" >"$tmp/same-restart"
	echo "stopped after $(lines "$tmp/group/first.csv") rows; successor assigned after $(((t1 - t0) / 1000000)) ms, got the $EXTRA new events only: $(cat "$tmp/same-restart")" >"$note"
}

# ---------------------------------------------------------------- Kafka, natively

# shellcheck source=tests/e2e/native.sh
. "$here/native.sh"

# ---------------------------------------------------------------- c. PostgreSQL

pg_port=54329 # with listen_addresses='' only the socket in $pgroot uses it
psql_e2e() {
	psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 -h "$pgroot" -p "$pg_port" -U postgres \
		-d postgres "$@" </dev/null
}

pg_start() {
	need psql
	find_pg || fail "PostgreSQL server binaries (initdb, pg_ctl) not found"
	if [ "$(id -u)" -eq 0 ]; then
		need runuser
		chown postgres:postgres "$pgroot"
	fi
	as_pg "$pg_bin/initdb" -D "$pgroot/data" -U postgres --auth=trust -E UTF8 \
		--locale=C -N >"$pgroot/initdb.log" 2>&1 || fail "initdb: $(cat "$pgroot/initdb.log")"
	as_pg "$pg_bin/pg_ctl" -D "$pgroot/data" -l "$pgroot/server.log" -w -t 60 \
		-o "-p $pg_port -k $pgroot -c listen_addresses='' -c fsync=off" start >/dev/null ||
		fail "pg_ctl start: $(cat "$pgroot/server.log")"
	echo "PostgreSQL $(psql_e2e -c 'SHOW server_version') in $pg_bin" >"$note"
}

# load TSV...: empty holding_pivot, then load each file with load-postgres.sql.
pg_load() {
	psql_e2e -c 'DROP TABLE IF EXISTS holding_pivot'
	for f in "$@"; do
		psql_e2e -v file="$f" -f examples/load-postgres.sql
	done
	got=$(psql_e2e -c 'SELECT count(*) FROM holding_pivot')
	# TSV (COPY text) escapes newlines inside values: one row per line.
	want=$(cat "$@" | wc -l)
	[ "$got" -eq "$want" ] || fail "holding_pivot has $got rows, files $want"
}

# run_queries CASES: run each case of e2e.py queries, compare with psql;
# print one line per case.
run_queries() {
	n=0
	while IFS="$(printf '\t')" read -r q a b c; do
		case $q in
		q1) got=$(psql_e2e -v user_id="$a" -f examples/queries/q1_stock_type_changes.sql) want=$b ;;
		q2) got=$(psql_e2e -v user_id="$a" -f examples/queries/q2_quantity_changes.sql) want=$b ;;
		q3) got=$(psql_e2e -v date1="$a" -v date2="$b" -f examples/queries/q3_most_sold_stock.sql) want=${c-} ;;
		*) fail "bad case $q" ;;
		esac
		echo "$q $a ${b:-} ${c:-} -> $got"
		[ "$got" = "$want" ] || fail "$q($a${b:+, $b}): psql says '$got', the events say '$want'"
		n=$((n + 1))
	done <"$1"
	[ "$n" -gt 0 ] || fail "no query cases"
}

pg_seed() {
	[ -f "$pgroot/data/postmaster.pid" ] || fail "no server"
	# Banners and tombstones are skipped, which is handling them: status 0.
	pivot --format tsv examples/seed-walkthrough.jsonl >"$tmp/seed.tsv" 2>"$tmp/seed.err" ||
		fail "cdcpivot exited with status $? on the seed: $(cat "$tmp/seed.err")"
	[ "$(lines "$tmp/seed.tsv")" -eq 14 ] || fail "seed gave $(lines "$tmp/seed.tsv") rows, README says 14"
	pg_load "$tmp/seed.tsv"
	python3 "$E2E_PY" queries --seed examples/seed-walkthrough.jsonl >"$tmp/seed.cases"
	# The answers examples/PIPELINE.md gives after the walk-through.
	grep -qx "$(printf 'q1\t2\t1')" "$tmp/seed.cases"
	grep -qx "$(printf 'q2\t1\t1')" "$tmp/seed.cases"
	grep -qx "$(printf 'q3\t-infinity\tinfinity\tSP500|2')" "$tmp/seed.cases"
	run_queries "$tmp/seed.cases" >"$tmp/seed.results"
	cat "$tmp/seed.results"
	n=$(lines "$tmp/seed.results")
	echo "14 rows loaded, $n query answers match the events (q1 user 2 = 1, q2 user 1 = 1, q3 = SP500|2)" >"$note"
}

pg_generated() {
	[ -f "$pgroot/data/postmaster.pid" ] || fail "no server"
	# --hard: commas, quotes, newlines, '' and NULL, a snapshot, Decimal,
	# dates and times before 1970 and on leap days (see bench/gen_events.py).
	python3 "$GEN" 3000 --seed 7 --hard >"$tmp/olap.jsonl"
	python3 "$GEN" 500 --seed 8 --no-schema --hard >"$tmp/olap-noschema.jsonl"
	hard_fields=holding_stock,holding_quantity,note,price,born,datetime_created
	pivot --format tsv --fields "$hard_fields" "$tmp/olap.jsonl" >"$tmp/olap.tsv"
	pivot --format tsv --fields "$hard_fields" "$tmp/olap-noschema.jsonl" >"$tmp/olap-noschema.tsv"
	pg_load "$tmp/olap.tsv" "$tmp/olap-noschema.tsv"
	psql_e2e -c "COPY (SELECT holding_id, user_id, change_field,
		CASE WHEN old_value IS NULL THEN 'N' ELSE 'V' || old_value END,
		CASE WHEN new_value IS NULL THEN 'N' ELSE 'V' || new_value END, crud_type,
		to_char(coalesce(datetime_created, datetime_updated, datetime_deleted),
			'YYYY-MM-DD HH24:MI:SS.MS') FROM holding_pivot) TO STDOUT (FORMAT csv)" >"$tmp/olap.db.csv"
	python3 "$E2E_PY" rows "$tmp/olap.db.csv" "$hard_fields" "$tmp/olap.jsonl" \
		"$tmp/olap-noschema.jsonl" >"$tmp/olap.rows"
	python3 "$E2E_PY" queries "$tmp/olap.jsonl" "$tmp/olap-noschema.jsonl" >"$tmp/olap.cases"
	run_queries "$tmp/olap.cases" >"$tmp/olap.results"
	cat "$tmp/olap.results"
	n=$(lines "$tmp/olap.results")
	echo "$(cat "$tmp/olap.rows"); $n query answers match the events" >"$note"
}

# --format sql --upsert --ddl --meta lsn: the seed's 14 rows, each field's
# every change kept (the conflict key holds the change's position), the
# seed's answers right, and a replay of the whole stream a no-op. Without a
# position cdcpivot refuses --upsert; --ddl without --upsert loads twice.
pg_upsert() {
	[ -f "$pgroot/data/postmaster.pid" ] || fail "no server"
	psql_e2e -c 'DROP TABLE IF EXISTS holding_pivot'
	up=(-q --format sql --upsert --ddl --id holding_id,user_id --fields holding_stock,holding_quantity --meta lsn)
	for round in 1 2; do
		"$CDCPIVOT" "${up[@]}" examples/seed-walkthrough.jsonl >"$tmp/upsert.sql"
		psql_e2e -f "$tmp/upsert.sql" >/dev/null
		got=$(psql_e2e -c 'SELECT count(*) FROM holding_pivot')
		[ "$got" -eq 14 ] || fail "round $round: holding_pivot has $got rows, want 14"
	done
	python3 "$E2E_PY" queries --seed examples/seed-walkthrough.jsonl >"$tmp/upsert.cases"
	run_queries "$tmp/upsert.cases" >"$tmp/upsert.results"
	if "$CDCPIVOT" -q --format sql --upsert --ddl --id holding_id,user_id examples/seed-walkthrough.jsonl \
		>/dev/null 2>"$tmp/upsert.err"; then
		fail "--upsert without a position was accepted"
	fi
	grep -q -- '--upsert needs the position' "$tmp/upsert.err" || fail "$(cat "$tmp/upsert.err")"
	psql_e2e -c 'DROP TABLE holding_pivot'
	for round in 1 2; do
		"$CDCPIVOT" -q --format sql --ddl --id holding_id,user_id --fields holding_stock,holding_quantity \
			examples/seed-walkthrough.jsonl >"$tmp/plain.sql"
		psql_e2e -f "$tmp/plain.sql" >/dev/null
	done
	got=$(psql_e2e -c 'SELECT count(*) FROM holding_pivot')
	[ "$got" -eq 28 ] || fail "plain --ddl loaded twice: $got rows, want 28"
	echo "14 rows after one and after two deliveries, $(lines "$tmp/upsert.results") answers right; no key without --upsert (28 rows after two)" >"$note"
}

# Values that break naive loaders, through examples/load-postgres.sql: each
# must come back from PostgreSQL exactly as the event carried it.
pg_hostile() {
	[ -f "$pgroot/data/postmaster.pid" ] || fail "no server"
	python3 "$E2E_PY" hostile >"$tmp/hostile.jsonl" 2>"$tmp/hostile.want"
	pivot --format tsv "$tmp/hostile.jsonl" >"$tmp/hostile.tsv"
	pg_load "$tmp/hostile.tsv"
	psql_e2e -c "SELECT holding_id, encode(sha256(convert_to(new_value, 'UTF8')), 'hex') FROM holding_pivot WHERE change_field = 'holding_stock' ORDER BY holding_id" >"$tmp/hostile.got"
	diff "$tmp/hostile.want" "$tmp/hostile.got" || fail "values differ after loading"
	echo "$(lines "$tmp/hostile.want") hostile values (\\. lines, quotes, tabs, CR, backslashes, empty vs NULL) round-trip" >"$note"
}

pg_shutdown() {
	[ -f "$pgroot/data/postmaster.pid" ] || fail "no server"
	as_pg "$pg_bin/pg_ctl" -D "$pgroot/data" -m fast -w -t 30 stop
}

# ---------------------------------------------------------------- d. tail -f

tail_latency() { # extra cdcpivot options
	python3 "$GEN" 40 --seed 3 >"$tmp/tail.jsonl"
	fifo=$tmp/tail.fifo
	out=$tmp/tail$#.csv
	rm -f "$fifo" "$out"
	mkfifo "$fifo"
	: >"$out"
	# Not through spawn: the shell would open the FIFO before forking, and
	# block there until a writer comes.
	setsid "$CDCPIVOT" "${PIVOT_ARGS[@]}" "$@" <"$fifo" >"$out" 2>"$tmp/tail.err" &
	pid=$!
	echo "$pid" >>"$tmp/pids"
	timeout 60 python3 "$E2E_PY" latency "$fifo" "$out" "$tmp/tail.jsonl" 40 >"$tmp/latency"
	wait "$pid" || fail "cdcpivot exited with status $?: $(cat "$tmp/tail.err")"
	pivot "$tmp/tail.jsonl" >"$tmp/tail-direct.csv"
	cmp "$tmp/tail-direct.csv" "$out"
	cat "$tmp/latency" >"$note"
}

# ---------------------------------------------------------------- main

echo "cdcpivot end-to-end test ($CDCPIVOT)"
step tools check_tools
step compose check_compose
step kafka-broker start_broker
# Without a broker, the other Kafka steps fail at once.
if [ "$step_rc" -eq 0 ] && [ -s "$tmp/broker.boot" ]; then
	boot=$(head -n 1 "$tmp/broker.boot")
fi
step kafka-kcat kafka_produce_consume
step kafka-json kafka_json
step kafka-group kafka_group
step kafka-restart kafka_restart
step native-setup native_setup
step native-same native_same
step native-kill native_kill
step kcat-kill kcat_kill_result
step native-group native_group
step native-outage native_outage
step native-state native_state
step postgres-start pg_start
step postgres-seed pg_seed
step postgres-generated pg_generated
step postgres-upsert pg_upsert
step postgres-hostile pg_hostile
step postgres-stop pg_shutdown
step tail-latency tail_latency
step tail-latency-u tail_latency -u

echo "e2e: $(($(date +%s) - started)) s"
printf 'e2e: %d passed, %d failed\n' "$passes" "$failures"
[ "$failures" -eq 0 ]
