#!/usr/bin/env bash
# The seed's pipeline for real, run by `make e2e` after tests/e2e/run.sh:
# PostgreSQL 15 -> Debezium's PostgreSQL connector in a Kafka Connect worker
# -> Kafka -> kcat -> cdcpivot -> holding-pivot.txt, every component real,
# started here on 127.0.0.1 on free ports and stopped at the end.
#
#   tests/real/run.sh [STACK...]      STACK: zk (default first), kraft
#   tests/real/run.sh deps            only fetch the jars (Maven) and the venv (PyPI)
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
#   latency      REAL_LATENCY_N (20) single-row transactions, commit to row
#                in the file
#   native-*     cdcpivot --brokers on this broker (tests/e2e/native.sh's
#                steps: one member, a group; on KRaft also SIGKILLs and
#                --state in a group)
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
deps_only=
if [ "${stacks[0]}" = deps ]; then # tests/real/run.sh deps: fetch jars and venv, run nothing
	deps_only=1
	stacks=(zk kraft)
fi

exec 3>&1 4>&2 # the terminal, for the cleanup after a failed start
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdcpivot-real.XXXXXX")
chmod 755 "$tmp"
: >"$tmp/pids"
# shellcheck source=tests/real/lib.sh
. "$here/lib.sh"

started=$(date +%s)
passes=0
failures=0
known_failures=0
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
	t_step=$(date +%s)
	"$@" >"$tmp/log.$phase" 2>&1
	passes=$((passes + 1))
	printf 'ok   %s (%d s)%s\n' "$phase" $(($(date +%s) - t_step)) "${note:+: $note}"
	phase=
}

# step NAME FUNCTION [ARG...]: a check, in a subshell; it may leave a
# one-line result in $tmp/note. A failure is counted and the run goes on.
step() {
	name=$1
	shift
	: >"$tmp/note"
	t_step=$(date +%s)
	set +e
	(
		set -e
		"$@"
	) >"$tmp/log.$name" 2>&1
	rc=$?
	set -e
	known=$(known_failure "${name#*-}")
	if [ "$rc" -eq 0 ] && [ -n "$known" ]; then
		failures=$((failures + 1))
		printf 'FAIL %s passes, but tests/real/known-failures lists it (%s): remove the line\n' "$name" "$known"
	elif [ "$rc" -eq 0 ]; then
		passes=$((passes + 1))
		printf 'ok   %s (%d s)%s\n' "$name" $(($(date +%s) - t_step)) "$( [ -s "$tmp/note" ] && printf ': %s' "$(cat "$tmp/note")")"
	elif [ -n "$known" ]; then
		known_failures=$((known_failures + 1))
		printf 'KNOWN %s fails (tests/real/known-failures: %s)\n' "$name" "$known"
		tail -n 12 "$tmp/log.$name" | sed 's/^/    /'
	else
		failures=$((failures + 1))
		printf 'FAIL %s (status %s)\n' "$name" "$rc"
		tail -n 40 "$tmp/log.$name" | sed 's/^/    /'
	fi
}

has_rows() { # N FILE
	[ "$(lines "$2")" -ge "$1" ]
}

# known_failure SCENARIO: its reason in tests/real/known-failures, if listed
known_failure() {
	sed -n "s/^$1[[:space:]]*#[[:space:]]*//p" "$here/known-failures"
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
	snapshot_rows bank.holding "$sdir/snapshot.json"
	printf -- '--id\nholding_id,user_id\n--fields\nholding_stock,holding_quantity\n' >"$sdir/holding.args"
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

# snapshot_rows TABLE OUT: the table's rows as JSON objects of text values.
snapshot_rows() {
	psql_pg data_engineer -c "SELECT (SELECT json_object_agg(key, value) FROM json_each_text(row_to_json(t))) FROM $1 t" >"$2"
}

# oracle_rows SLOT SPEC SNAPSHOT OUT [T0 T1]: the rows that PostgreSQL's
# record of the changes (the test_decoding slot SLOT, peeked, so it keeps
# them) calls for. SPEC: see real.py and tests/real/scenarios/README.
oracle_rows() {
	psql_pg data_engineer -c "SELECT json_build_object('xid', xid::text, 'lsn', lsn::text, 'data', data,
		'commit_us', CASE WHEN xid::text <> '0' THEN (extract(epoch FROM pg_xact_commit_timestamp(xid)) * 1000000)::bigint END)
		FROM pg_logical_slot_peek_changes('$1', NULL, NULL)" >"$4.changes"
	python3 "$REAL_PY" expect "$4.changes" "$2" "$3" ${5:+"$5" "$6"} >"$4"
}

expected_count() { # EXPECTED: its rows, without the header line
	grep -c '^\[' "$1" || :
}

# wait_rows N FILE: until FILE has N lines (more would show at the compare).
wait_rows() {
	wait_until 60 has_rows "$1" "$2" ||
		fail "$2 has $(lines "$2") rows of $1 after 60 s: $(cat "$sdir/cdcpivot.err")"
	sleep 1
}

HOLDING_SPEC='{"table": "bank.holding", "ids": ["holding_id", "user_id"], "fields": ["holding_stock", "holding_quantity"], "key": ["holding_id"], "identity": "f"}'

# table_spec SPEC.json: the spec with the table's replica identity and
# columns as they are now, which real.py needs to read test_decoding's images.
table_spec() {
	python3 - "$1" "$(psql_pg data_engineer -c "SELECT relreplident FROM pg_class WHERE oid = '$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["table"])' "$1")'::regclass")" \
		"$(psql_pg data_engineer -c "SELECT json_agg(attname ORDER BY attnum) FROM pg_attribute WHERE attrelid = '$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["table"])' "$1")'::regclass AND attnum > 0 AND NOT attisdropped")" <<-'EOF'
		import json, sys
		s = json.load(open(sys.argv[1]))
		s["identity"] = sys.argv[2]
		s["columns"] = json.loads(sys.argv[3])
		print(json.dumps(s))
	EOF
}

walkthrough() {
	psql_pg data_engineer -f examples/walkthrough.sql
	oracle_rows oracle "$HOLDING_SPEC" "$sdir/snapshot.json" "$sdir/expected.walk" "$snap_t0" "$snap_t1"
	python3 "$REAL_PY" seed "$sdir/expected.walk"
	wait_rows "$(expected_count "$sdir/expected.walk")" "$out"
	python3 "$REAL_PY" compare "$sdir/expected.walk" "$out" | tee "$tmp/note"
}

latency() {
	python3 "$REAL_PY" latency \
		"[\"psql\", \"-X\", \"-q\", \"-A\", \"-t\", \"-v\", \"ON_ERROR_STOP=1\", \"-h\", \"127.0.0.1\", \"-p\", \"$pg_port\", \"-U\", \"data_engineer\", \"-d\", \"data_engineer\"]" \
		"$out" "${REAL_LATENCY_N:-20}" 5000 | tee "$sdir/latency"
	# and those rows are right too
	oracle_rows oracle "$HOLDING_SPEC" "$sdir/snapshot.json" "$sdir/expected.all" "$snap_t0" "$snap_t1"
	wait_rows "$(expected_count "$sdir/expected.all")" "$out"
	python3 "$REAL_PY" compare "$sdir/expected.all" "$out"
	cp "$sdir/latency" "$tmp/note"
	cp "$sdir/latency" "$tmp/latency.$stack"
	capture walkthrough "$sdir/holding.raw" "$sdir/holding.args" "$sdir/expected.all" "$tmp/connector.sde-connector.json"
}

# read_topics PREFIX RAW: every record of the connector's topics (PREFIX.*,
# its heartbeat topic), topic by topic, as key<TAB>value lines.
read_topics() {
	: >"$2"
	i=0
	for t in $(timeout 10 kcat -b "$boot" -L -J | python3 -c '
import json, sys
p = sys.argv[1]
for t in json.load(sys.stdin)["topics"]:
    if t["topic"].startswith(p + ".") or t["topic"] == "__debezium-heartbeat." + p:
        print(t["topic"])' "$1" | sort); do
		i=$((i + 1))
		timeout 30 kcat -C -b "$boot" -t "$t" -o beginning -e -q -f '%k\t%s\n' \
			-X fetch.wait.max.ms=20 >"$2.$i" &
		rt_pids="${rt_pids:-} $!"
	done
	# only these: in this shell, a plain wait would wait for the servers
	for p in ${rt_pids:-}; do wait "$p" || :; done
	rt_pids=
	for j in $(seq 1 "$i"); do
		cat "$2.$j" >>"$2"
		rm -f "$2.$j"
	done
}

# pivot_file ARGS IN OUT ERR: cdcpivot with the arguments of file ARGS.
pivot_file() {
	mapfile -t a <"$1"
	"$CDCPIVOT" "${a[@]}" <"$2" >"$3" 2>"$4" || :
}

slot_active() { # SLOT: t or f
	psql_pg data_engineer -c "SELECT active FROM pg_replication_slots WHERE slot_name = '$1'"
}

slot_streaming() { # SLOT
	[ "$(slot_active "$1")" = t ]
}

scenario_names() {
	for d in "$here"/scenarios/*/; do
		sc=$(basename "$d")
		# a file "stacks" limits a scenario to those (options of newer versions)
		if [ -f "$d/stacks" ] && ! grep -qx "$stack" "$d/stacks"; then continue; fi
		# REAL_SCENARIOS="a b" runs only those (while working on them)
		case " ${REAL_SCENARIOS:-$sc} " in *" $sc "*) echo "$sc" ;; esac
	done
}

# The scenarios of tests/real/scenarios/, each with a connector of its own,
# all at once: set up, register, wait until each streams, then make the
# changes. scenario NAME checks each one's records.
scenarios_start() {
	for sc in $(scenario_names); do
		d=$here/scenarios/$sc
		w=$sdir/sc-$sc
		slot=$(echo "$sc" | tr -- '-' '_')
		mkdir -p "$w"
		table=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["table"])' "$d/spec.json")
		psql_pg data_engineer -f "$d/setup.sql" >/dev/null
		snapshot_rows "$table" "$w/snapshot.json"
		date -u '+%Y-%m-%d %H:%M:%S.%3N' >"$w/t0"
		mapfile -t sc_conf < <(grep -v '^#' "$d/connector.conf")
		register_put "$sc" docker/connector.json "topic.prefix=$sc" "slot.name=$slot" "publication.name=$slot" "${sc_conf[@]}"
		python3 "$REAL_PY" connector docker/connector.json postgres 5432 "topic.prefix=$sc" "slot.name=$slot" \
			"publication.name=$slot" "${sc_conf[@]}" >"$w/connector.json"
	done
	for sc in $(scenario_names); do
		slot=$(echo "$sc" | tr -- '-' '_')
		wait_running "$sc"
		# Streaming has begun (after the snapshot) once the slot is in use.
		wait_until 60 slot_streaming "$slot" || { log_tail connect; fail "slot $slot not active within 60 s"; }
	done
	for sc in $(scenario_names); do
		w=$sdir/sc-$sc
		slot=$(echo "$sc" | tr -- '-' '_')
		date -u '+%Y-%m-%d %H:%M:%S.%3N' >"$w/t1"
		psql_pg data_engineer -c "SELECT lsn FROM pg_create_logical_replication_slot('oracle_$slot', 'test_decoding')" >/dev/null
		psql_pg data_engineer -f "$here/scenarios/$sc/changes.sql" >/dev/null
	done
	note="$(scenario_names | wc -l) connectors streaming, changes made"
}

# scenario NAME: its records, through cdcpivot with its args, against what
# PostgreSQL recorded.
scenario() {
	sc=$1
	d=$here/scenarios/$sc
	w=$sdir/sc-$sc
	slot=$(echo "$sc" | tr -- '-' '_')
	oracle_rows "oracle_$slot" "$(table_spec "$d/spec.json")" \
		"$w/snapshot.json" "$w/expected" "$(cat "$w/t0")" "$(cat "$w/t1")"
	want=$(expected_count "$w/expected")
	# a type matrix scenario (tests/real/types/): until every change's
	# record is there, as some columns have no rows (not sent)
	[ ! -f "$d/matrix" ] || want=$(grep -c "table $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["table"])' "$d/spec.json"): \\(INSERT\\|UPDATE\\|DELETE\\):" "$w/expected.changes" || :)
	n=0
	while :; do
		read_topics "$sc" "$w/raw"
		pivot_file "$d/args" "$w/raw" "$w/out" "$w/err"
		if [ -f "$d/matrix" ]; then
			[ "$(grep -c $'\t.' "$w/raw" || :)" -lt "$want" ] || break
		else
			[ "$(lines "$w/out")" -lt "$want" ] || break
		fi
		n=$((n + 1))
		[ "$n" -lt 60 ] || fail "$(lines "$w/out") rows of $want after 60 s: $(cat "$w/err")"
		sleep 1
	done
	sleep 1 # anything more (a duplicate) would have come with them
	read_topics "$sc" "$w/raw"
	pivot_file "$d/args" "$w/raw" "$w/out" "$w/err"
	cat "$w/err"
	if [ -f "$d/matrix" ]; then
		python3 "$here/types/matrix.py" check "$sc" "$w/expected" "$w/out" "$w/matrix.tsv" \
			--spec "$(cat "$d/spec.json")" --psql "[\"psql\", \"-X\", \"-q\", \"-A\", \"-t\", \"-v\", \"ON_ERROR_STOP=1\", \"-h\", \"127.0.0.1\", \"-p\", \"$pg_port\", \"-U\", \"data_engineer\", \"-d\", \"data_engineer\"]" \
			>"$w/result" || { cat "$w/result"; false; }
	else
		python3 "$REAL_PY" compare "$w/expected" "$w/out" >"$w/result"
	fi
	cat "$w/result"
	scenario_variants "$d" "$w" >"$w/variants"
	curl -fsS --max-time 120 -X DELETE "$rest/connectors/$sc" >/dev/null
	capture "$sc" "$w/raw" "$d/args" "$w/expected" "$w/connector.json"
	echo "$(cat "$w/result"); $(grep summary "$w/err" | sed 's/^cdcpivot: //')$(cat "$w/variants")" >"$tmp/note"
}

# scenario_variants DIR WORK: each args.NAME of the scenario, run over the
# same records (an argument STATE_DIR is a new, empty --state directory),
# must give the same expected rows. Prints "; NAME: result" for each.
scenario_variants() {
	for v in "$1"/args.*; do
		[ -e "$v" ] || continue
		x=${v##*/args.}
		rm -rf "$2/state.$x"
		sed "s#^STATE_DIR\$#$2/state.$x#" "$v" >"$2/args.$x"
		pivot_file "$2/args.$x" "$2/raw" "$2/out.$x" "$2/err.$x"
		cat "$2/err.$x" >&2
		python3 "$REAL_PY" compare "$2/expected" "$2/out.$x" >"$2/result.$x"
		printf '; args.%s: %s' "$x" "$(cat "$2/result.$x")"
	done
}

# A connector restart that re-sends events (tests/real/replay/): a.sql's
# changes are committed to Connect's offsets (a graceful restart of the
# task), b.sql's are not (the worker is killed with SIGKILL well within
# offset.flush.interval.ms) and come again after the worker is back, then
# c.sql's. Starts and restarts the worker here, in this shell.
replay_records() { # N: the replay topic holds N records or more
	read_topics replay "$sdir/replay.raw"
	[ "$(lines "$sdir/replay.raw")" -ge "$1" ]
}

replay_start() {
	d=$here/replay
	w=$sdir/replay
	mkdir -p "$w"
	psql_pg data_engineer -f "$d/setup.sql" >/dev/null
	mapfile -t sc_conf < <(grep -v '^#' "$d/connector.conf")
	set -- "topic.prefix=replay" "slot.name=replay" "publication.name=replay" "${sc_conf[@]}"
	register replay docker/connector.json "$@"
	python3 "$REAL_PY" connector docker/connector.json postgres 5432 "$@" >"$w/connector.json"
	wait_until 60 slot_streaming replay || fail "slot replay not active"
	date -u '+%Y-%m-%d %H:%M:%S.%3N' >"$w/t0"
	cp "$w/t0" "$w/t1"
	psql_pg data_engineer -c "SELECT lsn FROM pg_create_logical_replication_slot('oracle_replay', 'test_decoding')" >/dev/null
	psql_pg data_engineer -f "$d/a.sql" >/dev/null
	wait_until 60 replay_records 3 || fail "a.sql's 3 records not in the topic"
	# A graceful restart: the task commits its offsets when it stops.
	curl -fsS --max-time 120 -X POST "$rest/connectors/replay/restart?includeTasks=true" >/dev/null
	sleep 2
	wait_running replay
	wait_until 60 slot_streaming replay || fail "slot replay not active after the restart"
	psql_pg data_engineer -f "$d/b.sql" >/dev/null
	wait_until 60 replay_records 6 || fail "b.sql's records not in the topic"
	a_b=$(lines "$sdir/replay.raw")
	kill -KILL -- "-$connect_pid"
	wait "$connect_pid" 2>/dev/null || :
	mv "$tmp/connect.log" "$tmp/connect.killed.log"
	connect_start "$sdir/connect"
	wait_running replay
	wait_until 60 slot_streaming replay || fail "slot replay not active after the worker came back"
	psql_pg data_engineer -f "$d/c.sql" >/dev/null
	echo "$a_b" >"$w/before-kill"
	note="worker killed after $a_b records (a.sql committed, b.sql not) and started again"
}

replay_check() {
	d=$here/replay
	w=$sdir/replay
	oracle_rows oracle_replay "$(table_spec "$d/spec.json")" "/dev/null" "$w/expected" "$(cat "$w/t0")" "$(cat "$w/t1")"
	want=$(expected_count "$w/expected")
	n=0
	until [ -s "$w/out" ] && grep -q '^4,' "$w/out"; do
		n=$((n + 1))
		[ "$n" -lt 60 ] || fail "c.sql's rows not there after 60 s"
		sleep 1
		read_topics replay "$w/raw"
		pivot_file "$d/args" "$w/raw" "$w/out" "$w/err"
	done
	sleep 1
	read_topics replay "$w/raw"
	pivot_file "$d/args" "$w/raw" "$w/out" "$w/err"
	got=$(lines "$w/out")
	[ "$got" -gt "$want" ] || fail "no events came twice ($got rows, $want expected): the restart re-sent nothing, so this proves nothing"
	# --meta lsn with --format sql --upsert, twice over, into an empty database
	psql_pg postgres -c 'CREATE DATABASE replay_target'
	printf -- '--format\nsql\n--upsert\n--ddl\n--meta\nlsn\n' | cat "$d/args" - >"$w/sql.args"
	pivot_file "$w/sql.args" "$w/raw" "$w/load.sql" "$w/load.err"
	for i in 1 2; do
		psql_pg replay_target -f "$w/load.sql" >/dev/null
	done
	psql_pg replay_target -c "COPY (SELECT id, change_field, old_value, new_value,
		to_char(datetime_created, 'YYYY-MM-DD HH24:MI:SS.MS'), to_char(datetime_updated, 'YYYY-MM-DD HH24:MI:SS.MS'),
		to_char(datetime_deleted, 'YYYY-MM-DD HH24:MI:SS.MS'), to_char(datetime_inserted, 'YYYY-MM-DD HH24:MI:SS.MS'),
		crud_type FROM holding_pivot ORDER BY ctid) TO STDOUT WITH (FORMAT csv)" >"$w/table.csv"
	python3 "$REAL_PY" compare "$w/expected" "$w/table.csv" >"$w/result"
	# --dedup drops the repeats in the stream itself
	printf -- '--dedup\n1000\n' | cat "$d/args" - >"$w/dedup.args"
	pivot_file "$w/dedup.args" "$w/raw" "$w/dedup.csv" "$w/dedup.err"
	python3 "$REAL_PY" compare "$w/expected" "$w/dedup.csv" >/dev/null
	capture replay "$w/raw" "$w/dedup.args" "$w/expected" "$w/connector.json"
	echo "$(lines "$w/raw") records, $got CSV rows for $want changes ($((got - want)) from the replay); loaded twice with --format sql --upsert --meta lsn: $(cat "$w/result"); --dedup 1000 too" >"$tmp/note"
}

# Consumer group on the real broker: three docker/pivot.sh members with
# PIVOT_INPUT=kcat (kcat -G | cdcpivot -u, the pipe alternative) share the 3 partitions of
# the seed's topic; their files together equal the single consumer's
# holding-pivot.txt. Then one member is killed (SIGKILL, its whole process
# group, as a container is) in the middle of a 20,000-event burst and
# started again; the rows lost and duplicated against the single consumer
# are counted and reported, not hidden.
MEMBER_ARGS="--id holding_id,user_id --fields holding_stock,holding_quantity -u"
start_member() { # NAME
	mkdir -p "$sdir/group/bin"
	ln -sf "$CDCPIVOT" "$sdir/group/bin/cdcpivot"
	PIVOT_INPUT=kcat BROKERS=$boot TOPIC=$TOPIC GROUP=holding-pivot OUTPUT_DIR=$sdir/group \
		OUTPUT_FILE=$sdir/group/$1.txt CDCPIVOT_ARGS=$MEMBER_ARGS \
		PATH=$sdir/group/bin:$PATH spawn sh docker/pivot.sh >>"$sdir/group/$1.log" 2>&1
	echo "$last_pid" >"$sdir/group/$1.pid"
}

union_rows() { # rows in the members' files
	cat "$sdir"/group/m*.txt 2>/dev/null | wc -l
}

settled() { # N: the single consumer and the members have N rows or more, and the members no more for 3 s
	[ "$(lines "$out")" -ge "$1" ] || return 1
	a=$(union_rows)
	[ "$a" -ge "$1" ] || return 1
	sleep 3
	[ "$(union_rows)" -eq "$a" ]
}

group() {
	for m in m1 m2 m3; do start_member "$m"; done
	# The first member to join reads what the topic holds before the others
	# come; so wait until each has its partition, then make new changes.
	wait_until 90 python3 tests/e2e/e2e.py stable 3 "$sdir"/group/m*.log >/dev/null ||
		fail "group not stable in 90 s: $(python3 tests/e2e/e2e.py stable 3 "$sdir"/group/m*.log 2>&1)"
	psql_pg data_engineer -c "DO \$\$ BEGIN FOR b IN 0..2 LOOP
		INSERT INTO bank.holding SELECT g, g % 97, 'GROUP', b FROM generate_series(90000 + b * 100, 90099 + b * 100) g;
		COMMIT; END LOOP; END \$\$"
	want=$(($(lines "$out") + 600))
	wait_until 90 settled "$want" || fail "members wrote $(union_rows) of $want rows in 90 s: $(tail -n 5 "$sdir"/group/*.log)"
	python3 "$REAL_PY" union "$out" "$sdir"/group/m*.txt --exact | tee "$sdir/group.result"
	echo "$(cat "$sdir/group.result")" >"$tmp/note"
}

group_kill() {
	before=$(lines "$out")
	psql_pg data_engineer -c "DO \$\$ BEGIN FOR b IN 0..19 LOOP
		INSERT INTO bank.holding SELECT g, g % 97, 'BURST', b FROM generate_series(100000 + b * 1000, 100999 + b * 1000) g;
		COMMIT; END LOOP; END \$\$"
	# 20,000 inserts, 2 rows each
	target=$((before + 40000))
	wait_until 120 has_rows $((before + 8000)) "$out" || fail "the burst did not start"
	victim=$(cat "$sdir/group/m2.pid")
	kill -KILL -- "-$victim"
	killed_at=$(cat "$sdir"/group/m*.txt | wc -l)
	sleep 1
	start_member m2
	wait_until 180 settled "$target" || fail "after the kill: single consumer $(lines "$out"), members $(union_rows) of $target rows"
	python3 "$REAL_PY" union "$out" "$sdir"/group/m*.txt | tee "$sdir/kill.result"
	echo "20,000-event burst, member m2 killed (SIGKILL) with $killed_at rows written and restarted: $(cat "$sdir/kill.result")" >"$tmp/note"
	cp "$tmp/note" "$tmp/kill.$stack"
}

# cdcpivot reading Kafka itself (--brokers) on this stack's broker: the
# steps of tests/e2e/native.sh (there on librdkafka's mock cluster) with
# fewer events and kills: (a) one member reads every record: the rows of
# the event file; (b) killed with SIGKILL at random moments while it reads,
# each time restarted: its --output FILE is the reference exactly; (d)
# three members, one killed and restarted, a fourth joining: the union of
# their files is the reference, each row once; and --state in a group (a
# partition moving away and back, kills) against the REPLICA IDENTITY FULL
# stream's rows. (c), kcat -G's losses, and (e), the outage, are measured
# on the mock cluster only.
GEN=$repo/bench/gen_events.py
E2E_PY=$repo/tests/e2e/e2e.py
NATIVE_EVENTS=${REAL_NATIVE_EVENTS:-20000}
NATIVE_KILLS=${REAL_NATIVE_KILLS:-5}
NATIVE_SESSION_MS=6000 # the broker's group.min.session.timeout.ms
NATIVE_KILL_PACE=3     # (b)'s stream lasts about 30 s, as the kills do
NATIVE_KCAT=
# shellcheck source=tests/e2e/native.sh
. "$repo/tests/e2e/native.sh"

native_real() { # FUNCTION: a native.sh step, against this stack's broker
	export SOURCE_DATE_EPOCH=1700000000 # as tests/e2e/run.sh: the same bytes every run
	note=$tmp/note
	NATIVE_BOOT=$boot
	native_dir=$tmp/native-$stack
	"$@"
}

# The OLAP step: the single consumer's file loaded into PostgreSQL, DuckDB
# and ClickHouse (chDB) with the commands of examples/LOADING.md and
# examples/load-postgres.sql (tests/real/olap.py reads them from the
# documents), the seed's three questions asked in each; all agree with the
# answers computed from what PostgreSQL recorded.
venv=${REAL_VENV:-$repo/build/venv}
olap_venv() {
	if ! "$venv/bin/python" -c 'import duckdb, chdb' 2>/dev/null; then
		python3 -m venv "$venv" || fail "python3 -m venv $venv failed (python3-venv?)"
		"$venv/bin/pip" install -q -r "$here/requirements.txt" || fail "pip install duckdb chdb failed"
	fi
	note="$("$venv/bin/python" -c 'import duckdb, chdb; print("duckdb", duckdb.__version__, "chdb", chdb.__version__)')"
}

olap() {
	od=$sdir/olap
	mkdir -p "$od"
	cp "$out" "$od/holding-pivot.txt"
	ln "$od/holding-pivot.txt" "$od/holding-pivot-1.txt" # for the documents' globs
	# PostgreSQL loads --format tsv (LOADING.md): the same records, as its
	# kcat | cdcpivot --format tsv command makes them.
	"$CDCPIVOT" -q --format tsv --id holding_id,user_id --fields holding_stock,holding_quantity \
		<"$sdir/holding.raw" >"$od/holding-pivot.tsv"
	oracle_rows oracle "$HOLDING_SPEC" "$sdir/snapshot.json" "$od/expected" "$snap_t0" "$snap_t1"
	python3 "$REAL_PY" compare "$od/expected" "$od/holding-pivot.txt" >"$od/compare"
	first_delete=$(grep '"d"\]$' "$od/expected" | head -n 1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[7])')
	{
		for u in 1 2 3 9 5 404; do printf 'q1\t%s\nq2\t%s\n' "$u" "$u"; done
		printf 'q3\t-infinity\tinfinity\n'
		printf 'q3\t%s\t%s\n' "$first_delete" "$first_delete"
		printf 'q3\t2000-01-01\t2000-01-02\n'
	} >"$od/cases"
	python3 "$here/olap.py" answers "$od/expected" "$od/cases" >"$od/answers.sql-derived"
	psql_pg postgres -c 'CREATE DATABASE olap'
	python3 "$here/olap.py" postgres "$od" "$od/cases" \
		"[\"-X\", \"-h\", \"127.0.0.1\", \"-p\", \"$pg_port\", \"-U\", \"data_engineer\", \"-d\", \"olap\"]" >"$od/answers.postgres"
	"$venv/bin/python" "$here/olap.py" duckdb "$od" "$od/cases" >"$od/answers.duckdb"
	"$venv/bin/python" "$here/olap.py" clickhouse "$od" "$od/cases" >"$od/answers.clickhouse"
	paste "$od/cases" "$od/answers.sql-derived" "$od/answers.postgres" "$od/answers.duckdb" "$od/answers.clickhouse"
	for e in postgres duckdb clickhouse; do
		cmp -s "$od/answers.sql-derived" "$od/answers.$e" || fail "$e's answers differ from those PostgreSQL's record gives"
	done
	n=$(lines "$od/cases")
	echo "$(lines "$od/holding-pivot.txt") rows ($(cut -d: -f1 "$od/compare")); $n answers agree in PostgreSQL, DuckDB, ClickHouse and from the SQL (q1 user 2 = $(sed -n 3p "$od/answers.postgres"), q3 = $(sed -n 13p "$od/answers.postgres"))" >"$tmp/note"
}

GOLDEN_EPOCH=1600300000 # tests/unit/check_golden.c's SOURCE_DATE_EPOCH
GOLDEN_INSERTED="2020-09-16 23:46:40.000"

# capture NAME RAW ARGS EXPECTED CONNECTOR: with REAL_CAPTURE set
# (tests/real/recapture.sh), save the records as the golden case
# tests/golden/real-VERSION-NAME (.in .args .out .err [.rc]) with the
# expected rows and the connector's configuration beside it.
capture() {
	[ -n "${REAL_CAPTURE:-}" ] || return 0
	g=$repo/tests/golden/real-${v_debezium%.Final}-$1
	cp "$2" "$g.in"
	cp "$3" "$g.args"
	cp "$4" "$g.expected"
	python3 "$REAL_PY" connector "$5" postgres 5432 >"$g.connector.json"
	rm -f "$g.rc"
	rc=0
	mapfile -t a <"$g.args"
	SOURCE_DATE_EPOCH=$GOLDEN_EPOCH "$CDCPIVOT" "${a[@]}" <"$g.in" >"$g.out" 2>"$g.err" || rc=$?
	[ "$rc" -eq 0 ] || echo "$rc" >"$g.rc"
	echo "captured $g"
}

# The golden cases made from real captures: their .out is what PostgreSQL
# recorded (the .expected saved with the capture), not only what cdcpivot
# wrote when they were captured.
fixtures() {
	n=0
	for e in tests/golden/real-*.expected; do
		[ -e "$e" ] || continue
		case $e in
		*-types*.expected) # the type matrix: its documented differences, as the matrix found them
			python3 "$here/types/matrix.py" golden "$e" "${e%.expected}.out" ||
				fail "$e: the golden output disagrees with PostgreSQL beyond the matrix's documented differences" ;;
		*)
			python3 "$REAL_PY" compare "$e" "${e%.expected}.out" --inserted "$GOLDEN_INSERTED" >/dev/null ||
				fail "$e: the golden output disagrees with PostgreSQL" ;;
		esac
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no real captures in tests/golden"
	echo "$n golden cases from real captures agree with PostgreSQL's record" >"$tmp/note"
}

matrix_names() { # the type matrix's scenarios that ran
	for sc in $(scenario_names); do
		[ ! -f "$here/scenarios/$sc/matrix" ] || echo "$sc"
	done
}

# The type matrix of this stack (tests/real/types/README): every column in
# every mode, as the scenarios found them; equal to the committed
# tests/real/types/matrix-VERSION.tsv (the Debezium version) (saved there with REAL_CAPTURE), so
# that the README's type table, made from it, says what the run found.
types_matrix() {
	: >"$sdir/matrix.tsv"
	for sc in $(matrix_names); do
		[ -f "$sdir/sc-$sc/matrix.tsv" ] || fail "$sc made no matrix (its step failed)"
		cat "$sdir/sc-$sc/matrix.tsv" >>"$sdir/matrix.tsv"
	done
	python3 "$here/types/matrix.py" table "$sdir/matrix.tsv" | grep " cells, " | tee "$tmp/note"
	committed=$here/types/matrix-${v_debezium%.Final}.tsv
	if [ -n "${REAL_CAPTURE:-}" ]; then
		cp "$sdir/matrix.tsv" "$committed"
	elif [ "$(matrix_names | wc -l)" -eq "$(cut -f3 "$committed" | sort -u | wc -l)" ]; then
		diff "$committed" "$sdir/matrix.tsv" || fail "the matrix differs from $committed (tests/real/recapture.sh saves it)"
	fi
}

stop_stack() {
	stop_all
	note="stopped"
}

# ---------------------------------------------------------------- main

# In braces: bash reads all of it before it runs any, so editing this file
# during a run cannot change what the run does.
{
if [ -n "$deps_only" ]; then
	for stack in "${stacks[@]}"; do start "deps-$stack" resolve "$stack"; done
	start deps-venv olap_venv
	exit 0
fi
echo "cdcpivot: the real pipeline ($CDCPIVOT)"
start tools tools
[ -n "${REAL_CAPTURE:-}" ] || step fixtures fixtures
for stack in "${stacks[@]}"; do
	case $stack in zk | kraft) ;; *) fail "unknown stack $stack" ;; esac
	export PGPASSWORD=password
	start "$stack-components" stack_infra
	start "$stack-connector" seed_connector
	step "$stack-walkthrough" walkthrough
	step "$stack-latency" latency
	if [ "$stack" = zk ]; then
		step "$stack-group" group
		step "$stack-group-kill" group_kill
		start olap-venv olap_venv
		step "$stack-olap" olap
	fi
	# The SIGKILL and --state steps on the KRaft stack only (the newer
	# broker, and the one Kafka keeps), for CI's time: on ZooKeeper's the
	# consumer reads and rebalances as a member of a group.
	native_steps="setup same kill group state"
	[ "$stack" != zk ] || native_steps="setup same group"
	for n in $native_steps; do
		step "$stack-native-$n" native_real "native_$n"
	done
	start "$stack-scenarios" scenarios_start
	for sc in $(scenario_names); do
		step "$stack-$sc" scenario "$sc"
	done
	[ -z "$(matrix_names)" ] || step "$stack-types-matrix" types_matrix
	start "$stack-replay-restart" replay_start
	step "$stack-replay" replay_check
	start "$stack-stop" stop_stack
done
[ -z "${REAL_CAPTURE:-}" ] || step fixtures fixtures

echo "real: $(($(date +%s) - started)) s"
[ "$known_failures" -eq 0 ] || echo "real: $known_failures known failures (tests/real/known-failures)"
printf 'real: %d passed, %d failed\n' "$passes" "$failures"
[ "$failures" -eq 0 ]
exit
}
