# Sourced by run.sh: cdcpivot reading Kafka itself (--brokers), against a
# Kafka-protocol broker, side by side with kcat -G | cdcpivot.
#
#   native-setup    100,000 events (3 partitions, keyed as Debezium keys
#                   them, tombstones after deletes) in one topic per test,
#                   and the reference: cdcpivot on the event file itself
#   native-same     (a) one group member reads them all: the same rows
#   native-kill     (b) SIGKILL at 20 random moments while it reads, each
#                   time restarted with the same --output FILE: FILE equals
#                   the reference, no row missing or doubled
#   kcat-kill       (c) the same 20 kills of kcat -G | cdcpivot: reports
#                   the rows it lost and doubled (measured, not failed)
#   native-group    (d) three members, one killed and restarted mid-stream,
#                   then a fourth joins: the union of their files is the
#                   reference, each row once
#   native-outage   (e) the brokers go away for 10 s mid-stream and come
#                   back: nothing lost, nothing doubled
#   native-state    --state on a REPLICA IDENTITY DEFAULT stream in a group:
#                   a partition moves to a second member and back, then the
#                   member is killed (SIGKILL) and restarted; against the
#                   FULL stream's rows without state: no row wrong, missing
#                   or doubled, old values unknown only where a partition
#                   came without its images (statecmp.py)
#
# NATIVE_BOOT points the steps at another broker (bootstrap servers: the
# real one of tests/real/run.sh, which runs setup, same, kill, group and
# state there with fewer events and kills, on its ZooKeeper stack setup,
# same and group only); the
# topics NATIVE_TOPIC.{same,kill,kcat,group,outage,state} with 3 partitions must
# exist there, and NATIVE_DOWN / NATIVE_UP are the commands that take it
# away and bring it back (for the mock cluster: SIGUSR1 / SIGUSR2 to it).
# Timeouts are those librdkafka 2.0.2's mock cluster needs (see run.sh on
# its group protocol): a member killed without leaving is waited for
# session.timeout.ms - 1 s before the group goes on.

NATIVE_TOPIC=native
NATIVE_EVENTS=${NATIVE_EVENTS:-100000}
NATIVE_KILLS=${NATIVE_KILLS:-20}
NATIVE_IDS=(--id holding_id,user_id)
# NATIVE_SESSION_MS: a real broker refuses a session timeout below its
# group.min.session.timeout.ms (6 s by default).
NATIVE_SESSION_MS=${NATIVE_SESSION_MS:-3000}
NATIVE_GROUP_ARGS=(-X session.timeout.ms=$NATIVE_SESSION_MS -X heartbeat.interval.ms=500)
native_dir=$tmp/native
native_broker_pid=

native_setup() {
	mkdir -p "$native_dir"
	if [ -z "${NATIVE_BOOT:-}" ]; then
		: >"$native_dir/boot"
		spawn "$MOCKBROKER" -b 1 -p 3 -t $NATIVE_TOPIC.same -t $NATIVE_TOPIC.kill \
			-t $NATIVE_TOPIC.kcat -t $NATIVE_TOPIC.group -t $NATIVE_TOPIC.outage -t $NATIVE_TOPIC.state \
			>"$native_dir/boot" 2>"$native_dir/broker.err"
		echo "$last_pid" >"$native_dir/broker.pid"
		wait_until 10 test -s "$native_dir/boot" || fail "mockbroker printed no address"
	else
		echo "$NATIVE_BOOT" >"$native_dir/boot"
	fi
	nb=$(head -n 1 "$native_dir/boot")
	# No schemas: the mock cluster keeps at most 5 MB per partition, and
	# 100,000 events with schemas would not fit even compressed.
	python3 "$GEN" "$NATIVE_EVENTS" --seed 14 --no-schema >"$native_dir/events.jsonl"
	python3 "$E2E_PY" keyed "$native_dir/events.jsonl" >"$native_dir/records"
	"$CDCPIVOT" "${NATIVE_IDS[@]}" "$native_dir/events.jsonl" >"$native_dir/reference.csv" 2>/dev/null
	# NATIVE_KILL_PACE=S: the kill test's topic is produced while it kills,
	# in ten pieces S seconds apart (a real broker is read too fast for
	# kills to land in a stream produced beforehand)
	for t in same kill kcat; do
		[ "$t" != kill ] || [ -z "${NATIVE_KILL_PACE:-}" ] || continue
		native_produce "$NATIVE_TOPIC.$t" <"$native_dir/records"
	done
	echo "$(lines "$native_dir/records") records at $nb, reference $(lines "$native_dir/reference.csv") rows" >"$note"
}

native_produce() { # TOPIC <RECORDS
	timeout 120 kcat -P -b "$(head -n 1 "$native_dir/boot")" -t "$1" -K '\t' -Z -z lz4 \
		-X linger.ms=50 -X batch.num.messages=10000
}

# native_paced TOPIC SECONDS: in the background ($!), the records in ten
# pieces, SECONDS apart, so that the stream lasts while the test acts.
native_paced() {
	rm -f "$native_dir"/piece.*
	split -n l/10 -d "$native_dir/records" "$native_dir/piece."
	(
		for p in "$native_dir"/piece.*; do
			native_produce "$1" <"$p"
			sleep "$2"
		done
	) &
}

# native_member NAME GROUP TOPIC [cdcpivot option...]: in the background,
# output to $native_dir/NAME.csv, messages to NAME.log.
native_member() {
	name=$1 group=$2 topic=$3
	shift 3
	spawn "$CDCPIVOT" "${NATIVE_IDS[@]}" --brokers "$(head -n 1 "$native_dir/boot")" \
		--group "$group" --topic "$topic" "${NATIVE_GROUP_ARGS[@]}" \
		--output "$native_dir/$name.csv" "$@" 2>>"$native_dir/$name.log"
}

# A random delay of 10 to 60 ms (the kill moments, after the first new
# row; short enough that most of the 20 kills come before the stream's end:
# --brokers reads the 100,000 events in well under a second).
native_pause() {
	sleep "0.$(printf '%03d' $((10 + RANDOM % 50)))"
}

# grown FILE ROWS: FILE holds more than ROWS rows.
grown() {
	[ "$(lines "$1")" -gt "$2" ]
}

# kills_until_done NAME START...: NATIVE_KILLS times, start the member with
# START, wait for its assignment (a line matching $assigned in its log) and
# for its file to grow (so that the kill comes while it is reading, not
# while the group forms), kill it with SIGKILL after a random pause. Leaves
# "rows at each kill" in $native_dir/NAME.kills.
assigned='assigned'
kills_until_done() {
	name=$1
	shift
	: >"$native_dir/$name.kills"
	for i in $(seq 1 "$NATIVE_KILLS"); do
		before=$(grep -c "$assigned" "$native_dir/$name.log" 2>/dev/null || :)
		rows=$(lines "$native_dir/$name.csv")
		"$@"
		pid=$last_pid
		wait_until 30 native_assigned_since "$name" "${before:-0}" ||
			fail "$name: no assignment in 30 s: $(tail -n 5 "$native_dir/$name.log")"
		# On a loaded machine the stream may be read to its end before
		# the last kills: those then test a restart at the end (and
		# must not wait for a row that cannot come).
		wait_until 30 grown_or_whole "$native_dir/$name.csv" "$rows" ||
			fail "$name: no new row in 30 s: $(tail -n 5 "$native_dir/$name.log")"
		native_pause
		kill -KILL -- "-$pid" 2>/dev/null || :
		wait "$pid" 2>/dev/null || :
		printf '%s ' "$(lines "$native_dir/$name.csv")" >>"$native_dir/$name.kills"
	done
}

read_whole() { # FILE: it holds as many rows as the reference, or more
	[ "$(lines "$1")" -ge "$(lines "$native_dir/reference.csv")" ]
}

grown_or_whole() { # FILE ROWS
	grown "$1" "$2" || read_whole "$1"
}

native_assigned_since() { # NAME COUNT
	[ "$(grep -c "$assigned" "$native_dir/$1.log" 2>/dev/null || :)" -gt "$2" ]
}

native_same() {
	[ -s "$native_dir/records" ] || fail "no records"
	native_member same same "$NATIVE_TOPIC.same" --exit-at-end
	wait "$last_pid" || fail "cdcpivot exited with status $?: $(tail -n 5 "$native_dir/same.log")"
	python3 "$E2E_PY" same "$native_dir/reference.csv" "$native_dir/same.csv" >"$native_dir/same.result"
	echo "one member: $(cat "$native_dir/same.result")" >"$note"
}

# (b), with (c) in parallel: most of their time is the mock cluster waiting
# for the killed member, not work.
native_kill() {
	[ -s "$native_dir/records" ] || fail "no records"
	# NATIVE_KCAT set and empty: without (c)
	if [ -n "${NATIVE_KCAT-1}" ]; then
		(
			set +e
			(set -e; kcat_kill) >"$native_dir/kcat.step" 2>&1
			echo $? >"$native_dir/kcat.done"
		) &
	fi
	t0=$(date +%s)
	if [ -n "${NATIVE_KILL_PACE:-}" ]; then
		native_paced "$NATIVE_TOPIC.kill" "$NATIVE_KILL_PACE"
		producer=$!
	fi
	kills_until_done kill native_member kill kill "$NATIVE_TOPIC.kill"
	[ -z "${NATIVE_KILL_PACE:-}" ] || wait "$producer" || fail "producing failed"
	native_member kill kill "$NATIVE_TOPIC.kill" --exit-at-end
	wait "$last_pid" || fail "last run exited with status $?: $(tail -n 5 "$native_dir/kill.log")"
	last=$(tail -c 16 "$native_dir/kill.kills" | tr -s ' ' '\n' | grep . | tail -n 1)
	[ "$last" -lt "$(lines "$native_dir/reference.csv")" ] ||
		echo "warning: the last kill came after the stream's end" >&2
	python3 "$E2E_PY" count "$native_dir/reference.csv" "$native_dir/kill.csv" >"$native_dir/kill.count"
	python3 "$E2E_PY" same "$native_dir/reference.csv" "$native_dir/kill.csv" >"$native_dir/kill.result"
	echo "$NATIVE_KILLS kills (rows at each: $(cat "$native_dir/kill.kills")) in $(($(date +%s) - t0)) s: $(cat "$native_dir/kill.count"); $(cat "$native_dir/kill.result")" >"$note"
}

# kcat -G | cdcpivot as docker/pivot.sh ran it before --brokers (-u, the
# file opened by cdcpivot, which cuts a partial row off its end); the whole
# pipeline is killed, as when its container or node dies. kcat commits
# what it has read every auto.commit.interval.ms (5 s by default); 100 ms
# here, so that the short runs of this test commit as a long run does.
kcat_member() {
	spawn sh -c 'kcat -b "$1" -G kcat -f "%k\t%s\n" -u -X topic.auto.offset.reset=earliest \
		-X session.timeout.ms=$6 -X heartbeat.interval.ms=500 \
		-X auto.commit.interval.ms=100 $2 "$3" |
		"$4" --id holding_id,user_id -u --output "$5"' kcat-member \
		"$(head -n 1 "$native_dir/boot")" "${1:-}" "$NATIVE_TOPIC.kcat" "$CDCPIVOT" \
		"$native_dir/kcat.csv" "$NATIVE_SESSION_MS" 2>>"$native_dir/kcat.log"
}

kcat_kill() { # run by native_kill
	t0=$(date +%s)
	assigned='assigned:'
	kills_until_done kcat kcat_member
	kcat_member -e
	wait "$last_pid" || fail "last run exited with status $?: $(tail -n 5 "$native_dir/kcat.log")"
	python3 "$E2E_PY" count "$native_dir/reference.csv" "$native_dir/kcat.csv" >"$native_dir/kcat.count"
	echo "kcat -G | cdcpivot, $NATIVE_KILLS kills (rows at each: $(cat "$native_dir/kcat.kills")) in $(($(date +%s) - t0)) s: $(cat "$native_dir/kcat.count")" >"$native_dir/kcat.note"
}

kcat_kill_result() {
	wait_until 300 test -s "$native_dir/kcat.done" || fail "the kcat kill test did not end"
	cat "$native_dir/kcat.step"
	[ "$(cat "$native_dir/kcat.done")" -eq 0 ] || fail "the kcat kill test failed"
	cp "$native_dir/kcat.note" "$note"
}

# union_complete: the members' files hold every reference row (or more).
union_complete() {
	[ "$(cat "$native_dir"/g?.csv 2>/dev/null | wc -l)" -ge "$(lines "$native_dir/reference.csv")" ]
}

native_group() {
	[ -s "$native_dir/records" ] || fail "no records"
	t0=$(date +%s)
	pids=()
	for m in g1 g2 g3; do
		native_member "$m" group "$NATIVE_TOPIC.group"
		pids+=("$last_pid")
	done
	native_paced "$NATIVE_TOPIC.group" 1
	producer=$!
	for m in g1 g2 g3; do
		wait_until 30 test -s "$native_dir/$m.csv" || fail "$m wrote nothing: $(tail -n 5 "$native_dir/$m.log")"
	done
	# g2 may have cut its file back (a rebalance): kill it while it holds rows.
	native_pause
	wait_until 30 grown "$native_dir/g2.csv" 0 || fail "g2 holds no rows"
	killed_at=$(lines "$native_dir/g2.csv")
	kill -KILL -- "-${pids[1]}"
	wait "${pids[1]}" 2>/dev/null || :
	native_member g2 group "$NATIVE_TOPIC.group"
	pids[1]=$last_pid
	sleep 3
	native_member g4 group "$NATIVE_TOPIC.group"
	pids+=("$last_pid")
	wait "$producer" || fail "producing failed"
	wait_until 60 union_complete || fail "members wrote $(cat "$native_dir"/g?.csv | wc -l) rows in 60 s"
	sleep 1
	for pid in "${pids[@]}"; do
		rc=0
		stop_wait "$pid" 20 || rc=$?
		[ "$rc" -eq 143 ] || fail "member $pid exited with status $rc, not 143 (SIGTERM)"
	done
	python3 "$E2E_PY" count "$native_dir/reference.csv" "$native_dir"/g?.csv >"$native_dir/group.count"
	grep -q 'lost 0, duplicated 0$' "$native_dir/group.count" ||
		fail "union of the members' files: $(cat "$native_dir/group.count")"
	per=""
	for m in g1 g2 g3 g4; do per="$per $m:$(lines "$native_dir/$m.csv")"; done
	echo "3 members, g2 killed at $killed_at rows and restarted, g4 joined; rows per file{$per }: $(cat "$native_dir/group.count") in $(($(date +%s) - t0)) s" >"$note"
}

native_down() {
	if [ -n "${NATIVE_DOWN:-}" ]; then sh -c "$NATIVE_DOWN"; else kill -USR1 "$(cat "$native_dir/broker.pid")"; fi
}

native_up() {
	if [ -n "${NATIVE_UP:-}" ]; then sh -c "$NATIVE_UP"; else kill -USR2 "$(cat "$native_dir/broker.pid")"; fi
}

native_outage() {
	[ -s "$native_dir/records" ] || fail "no records"
	# Half the stream before the outage, the other half after it.
	rm -f "$native_dir"/half.*
	split -n l/2 -d "$native_dir/records" "$native_dir/half."
	native_produce "$NATIVE_TOPIC.outage" <"$native_dir/half.00"
	native_member outage outage "$NATIVE_TOPIC.outage"
	pid=$last_pid
	wait_until 30 test -s "$native_dir/outage.csv" || fail "nothing written: $(tail -n 5 "$native_dir/outage.log")"
	native_down
	down_at=$(lines "$native_dir/outage.csv")
	sleep 10
	native_up
	native_produce "$NATIVE_TOPIC.outage" <"$native_dir/half.01"
	wait_until 90 grown "$native_dir/outage.csv" $(($(lines "$native_dir/reference.csv") - 1)) ||
		fail "$(lines "$native_dir/outage.csv") rows 90 s after the outage: $(tail -n 5 "$native_dir/outage.log")"
	sleep 1
	rc=0
	stop_wait "$pid" 20 || rc=$?
	[ "$rc" -eq 143 ] || fail "member exited with status $rc, not 143 (SIGTERM)"
	python3 "$E2E_PY" same "$native_dir/reference.csv" "$native_dir/outage.csv" >"$native_dir/outage.result"
	echo "brokers down for 10 s at $down_at rows: $(cat "$native_dir/outage.result")" >"$note"
}

# (15) --state in a group. The DEFAULT stream of tests/state/gen_streams.py's
# changes, in ten pieces: s1 alone reads three; s2 joins (a partition moves
# to it) for two; s2 stops and the partition comes back to s1, whose images
# of it are older than s2's reads: they must be dropped, not used; s1 is
# then killed twice with SIGKILL and restarted with the same --state and
# --output (its partitions come back at its file's offsets: images kept).
NATIVE_STATE_ARGS=(--id id --fields name,qty,note,big --meta lsn,old_source)
state_member() { # NAME
	spawn "$CDCPIVOT" "${NATIVE_STATE_ARGS[@]}" --brokers "$(head -n 1 "$native_dir/boot")" \
		--group state --topic "$NATIVE_TOPIC.state" "${NATIVE_GROUP_ARGS[@]}" \
		--state "$native_dir/$1.state" --output "$native_dir/$1.csv" 2>>"$native_dir/$1.log"
}

state_pieces() { # FIRST LAST: produce pieces FIRST..LAST, 1 s apart
	for i in $(seq "$1" "$2"); do
		native_produce "$NATIVE_TOPIC.state" <"$native_dir/state.piece.0$i"
		sleep 1
	done
}

state_read() { # EVENTS: the members' files hold rows of that many events or more
	[ "$(python3 "$(dirname "$E2E_PY")/statecmp.py" count "$native_dir"/s?.csv)" -ge "$1" ]
}

native_state() {
	t0=$(date +%s)
	sd=$native_dir/state
	python3 "$(dirname "$E2E_PY")/statecmp.py" streams 15 300 6000 "$sd"
	"$CDCPIVOT" -q --id id --fields name,qty,note,big --meta lsn "$sd/full.jsonl" >"$sd/reference.csv"
	split -n l/10 -d "$sd/default.records" "$native_dir/state.piece."
	# the first piece before s1 subscribes: a real broker creates the topic then
	state_pieces 0 0
	state_member s1
	s1=$last_pid
	wait_until 30 native_assigned_since s1 0 || fail "s1: no assignment: $(tail -n 5 "$native_dir/s1.log")"
	state_pieces 1 2
	state_member s2
	s2=$last_pid
	wait_until 30 native_assigned_since s2 0 || fail "s2: no assignment: $(tail -n 5 "$native_dir/s2.log")"
	sleep 1
	state_pieces 3 4
	rc=0
	stop_wait "$s2" 20 || rc=$?
	[ "$rc" -eq 143 ] || fail "s2 exited with status $rc, not 143 (SIGTERM)"
	wait_until 30 grep -q 'dropped' "$native_dir/s1.log" ||
		fail "s1 did not drop the images of the partition s2 read: $(tail -n 5 "$native_dir/s1.log")"
	state_pieces 5 6
	kills=0
	for piece in 7 8; do
		native_pause
		kill -KILL -- "-$s1" 2>/dev/null || :
		wait "$s1" 2>/dev/null || :
		kills=$((kills + 1))
		state_member s1
		s1=$last_pid
		state_pieces "$piece" "$piece"
	done
	state_pieces 9 9
	events=$(python3 "$(dirname "$E2E_PY")/statecmp.py" events "$sd/reference.csv")
	wait_until 60 state_read "$events" || fail "the members wrote rows of fewer than $events events in 60 s"
	sleep 2
	rc=0
	stop_wait "$s1" 20 || rc=$?
	[ "$rc" -eq 143 ] || fail "s1 exited with status $rc, not 143 (SIGTERM)"
	# Two changes of a partition's owner (to s2, back to s1), and a kill
	# landing between the state's commit and the checkpoint's rename: at
	# most 3 unknown old values of a key's field.
	python3 "$(dirname "$E2E_PY")/statecmp.py" compare 3 "$sd/reference.csv" "$native_dir"/s1.csv "$native_dir"/s2.csv >"$sd/result"
	drops=$(grep -c 'dropped' "$native_dir/s1.log" || :)
	echo "$(lines "$sd/default.records") DEFAULT records, s2 joined and left, s1 killed $kills times: $(cat "$sd/result"); $drops drops in s1's log, in $(($(date +%s) - t0)) s" >"$note"
}
