#!/bin/sh
# pivot.sh: the pivot container's entrypoint. cdcpivot consumes the Debezium
# topic itself, as a member of a Kafka consumer group (--brokers --group),
# and appends the CSV to a file of this container's own, FILE, with its
# progress record FILE.offsets beside it: after a restart, even after
# SIGKILL, the file holds every row of the records it has read exactly once
# (see README, "Reading Kafka itself").
#
# PIVOT_INPUT=kcat runs the pipe alternative instead: kcat -G feeds the
# records, framed as key<TAB>value lines, to cdcpivot. kcat stores a
# record's offset when it reads it and commits every 5 s, so the records in
# kcat's buffer, the pipe and cdcpivot's unread input are committed before
# their rows exist: a replica killed (SIGKILL, OOM, a node lost) loses
# them, and repeats everything read since the last commit.
#
# Environment (default in brackets):
#   BROKERS        Kafka bootstrap servers          [kafka:9092]
#   TOPIC          Debezium topic to consume        [bankserver1.bank.holding]
#   GROUP          Kafka consumer group id          [holding-pivot]
#   OUTPUT_DIR     directory of the output file     [/data]
#   OUTPUT_FILE    output file     [$OUTPUT_DIR/holding-pivot-$(uname -n).txt]
#   CDCPIVOT_ARGS  cdcpivot options, split on blanks
#                  [--id holding_id,user_id --fields holding_stock,holding_quantity]
#                  (with PIVOT_INPUT=kcat, -u is added)
#   KAFKA_ARGS     extra librdkafka properties for cdcpivot, as -X key=value
#                  words []
#   PIVOT_INPUT    native, or kcat for the pipe alternative [native]
#   KCAT_ARGS      extra kcat options (PIVOT_INPUT=kcat), split on blanks []
#
# Each replica of "docker compose up --scale pivot=N" has its own host name
# ($HOSTNAME, the short container id), and so its own file, so replicas never interleave partial lines. The file is
# opened for appending and survives restarts. Do not put --header in
# CDCPIVOT_ARGS: every restart would append another header line.
#
# With PIVOT_INPUT=kcat: this is POSIX sh, which has no "set -o pipefail". Instead of a plain pipe,
# kcat and cdcpivot run as two background jobs joined by a FIFO, and the
# script waits for each of them, so that it sees both exit statuses:
#   - if kcat ends (broker error, fatal consumer error), cdcpivot reads EOF,
#     flushes and exits, and the script exits with kcat's status;
#   - if cdcpivot ends first (write error, --strict), kcat is stopped at once
#     rather than at its next write, and the script exits with cdcpivot's status;
#   - on SIGTERM or SIGINT (docker stop), only kcat is signalled. kcat
#     commits its offsets and exits, and cdcpivot writes everything it has
#     already read before it exits.
# The exit status is cdcpivot's if that is non-zero, otherwise kcat's (which
# is ignored after a stop signal). The restart policy in docker-compose.yml
# restarts the container after a failure.

set -eu

: "${BROKERS:=kafka:9092}"
: "${TOPIC:=bankserver1.bank.holding}"
: "${GROUP:=holding-pivot}"
: "${OUTPUT_DIR:=/data}"
# The container's host name, which Docker also exports as $HOSTNAME.
host=$(uname -n)
: "${OUTPUT_FILE:=$OUTPUT_DIR/holding-pivot-$host.txt}"
: "${CDCPIVOT_ARGS:=--id holding_id,user_id --fields holding_stock,holding_quantity}"
: "${KCAT_ARGS:=}"
: "${KAFKA_ARGS:=}"
: "${PIVOT_INPUT:=native}"

# CDCPIVOT_ARGS and KCAT_ARGS are split into words on purpose. Turn off
# pathname expansion so that no word is matched against files.
set -f

log() {
	printf 'pivot.sh: %s\n' "$*" >&2
}

die() {
	log "$*"
	exit 2
}

command -v cdcpivot >/dev/null 2>&1 || die "cdcpivot not found in PATH"

# Fail now, with a clear message, if the output file cannot be written.
mkdir -p "$OUTPUT_DIR" || die "cannot create $OUTPUT_DIR"
: >>"$OUTPUT_FILE" || die "cannot append to $OUTPUT_FILE"

case $PIVOT_INPUT in
native)
	# cdcpivot waits for a topic that does not exist yet (Debezium creates
	# it with its first snapshot). SIGTERM/SIGINT reach it directly (exec):
	# it finishes the record in hand, writes, commits, leaves the group.
	# auto.offset.reset=earliest (its default): a new group starts at the
	# beginning, so the snapshot's records are read too.
	log "consuming $TOPIC from $BROKERS as group $GROUP into $OUTPUT_FILE"
	# shellcheck disable=SC2086 # word splitting of the ARGS is intended
	exec cdcpivot --brokers "$BROKERS" --group "$GROUP" --topic "$TOPIC" \
		--output "$OUTPUT_FILE" $KAFKA_ARGS $CDCPIVOT_ARGS
	;;
kcat) ;;
*) die "PIVOT_INPUT: native or kcat, not '$PIVOT_INPUT'" ;;
esac

command -v kcat >/dev/null 2>&1 || die "kcat not found in PATH"

trap 'exit 143' TERM
trap 'exit 130' INT

# kcat -G exits on a consumer error, and subscribing to a topic that does not
# exist yet is one. The topic appears only once Debezium has taken its first
# snapshot, so wait for it. allow.auto.create.topics=false keeps this metadata
# request from creating the topic.
n=0
until kcat -b "$BROKERS" -L -t "$TOPIC" -m 5 \
	-X allow.auto.create.topics=false 2>/dev/null |
	grep -q ' with [1-9][0-9]* partitions'; do
	if [ $((n % 15)) -eq 0 ]; then
		log "waiting for topic $TOPIC on $BROKERS"
	fi
	n=$((n + 1))
	sleep 2
done

workdir=$(mktemp -d)
fifo=$workdir/records
trap 'rm -rf "$workdir"' EXIT
mkfifo "$fifo"

log "consuming $TOPIC from $BROKERS as group $GROUP into $OUTPUT_FILE"

kcat_pid=
stopping=0
# shellcheck disable=SC2317 # called through trap
on_signal() {
	stopping=1
	if [ -n "$kcat_pid" ]; then
		kill -TERM "$kcat_pid" 2>/dev/null || :
	fi
}
trap on_signal TERM INT

# shellcheck disable=SC2086 # word splitting of CDCPIVOT_ARGS is intended
cdcpivot $CDCPIVOT_ARGS -u <"$fifo" >>"$OUTPUT_FILE" &
pivot_pid=$!

# -f: one "key<TAB>value" line per record (kcat expands \t and \n itself).
# -u: unbuffered output. topic.auto.offset.reset=earliest: a new group starts
# at the beginning of the topic, so the snapshot's records are read too;
# a group that has committed offsets resumes from them. (-o beginning would
# ignore committed offsets at every rebalance.)
# shellcheck disable=SC2086 # word splitting of KCAT_ARGS is intended
kcat -b "$BROKERS" -G "$GROUP" -u -f '%k\t%s\n' \
	-X topic.auto.offset.reset=earliest $KCAT_ARGS "$TOPIC" >"$fifo" &
kcat_pid=$!
# A stop signal that came before kcat started is passed on now.
if [ "$stopping" -ne 0 ]; then
	kill -TERM "$kcat_pid" 2>/dev/null || :
fi

# reap PID: wait until PID has really ended and leave its exit status in rc.
# A trapped signal makes wait return early with a status above 128 while the
# process still runs; kill -0 tells the two cases apart (a process that has
# ended but has not yet been waited for still exists, so the loop waits again
# and gets its real status).
reap() {
	while :; do
		rc=0
		wait "$1" || rc=$?
		kill -0 "$1" 2>/dev/null || return 0
	done
}

reap "$pivot_pid"
pivot_rc=$rc
if [ "$pivot_rc" -ne 0 ]; then
	log "cdcpivot exited with status $pivot_rc"
fi

# cdcpivot has ended: either kcat ended first (cdcpivot read EOF) or
# cdcpivot failed. In the second case kcat would block until its next write,
# so stop it now. If kcat has already exited, this signal does nothing.
kill -TERM "$kcat_pid" 2>/dev/null || :
reap "$kcat_pid"
kcat_rc=$rc
if [ "$kcat_rc" -ne 0 ] && [ "$stopping" -eq 0 ]; then
	log "kcat exited with status $kcat_rc"
fi

if [ "$pivot_rc" -ne 0 ]; then
	exit "$pivot_rc"
fi
if [ "$stopping" -eq 0 ]; then
	exit "$kcat_rc"
fi
exit 0
