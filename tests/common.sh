# Shell functions shared by the end-to-end scripts (tests/e2e/run.sh,
# tests/real/lib.sh): start background processes, wait, fail, find tools.
# Sourced, not run. spawn expects $tmp, the run's temporary directory.

# spawn COMMAND...: in the background, in a session of its own (setsid), so
# that the caller's cleanup can end it with everything it started. The pid
# is in $last_pid and appended to $tmp/pids.
spawn() {
	setsid "$@" &
	last_pid=$!
	echo "$last_pid" >>"$tmp/pids"
}

fail() {
	printf '%s\n' "$*" >&2
	exit 1
}

# wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds;
# status 1 if it has not within SECONDS.
wait_until() {
	limit=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$limit" ] || return 1
		sleep 0.1
	done
}

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || fail "required tool not found: $t"
	done
}

# find_pg: the PostgreSQL server binaries (initdb, pg_ctl) into $pg_bin:
# from PATH, else Debian's versioned directory (15, the version the tests
# were written against, else the newest there is). Status 1 if none.
pg_bin=
find_pg() {
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
		pg_bin=$(dirname "$(command -v pg_ctl)")
		return 0
	fi
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			pg_bin=$d
			[ "$d" = /usr/lib/postgresql/15/bin ] && return 0
		fi
	done
	[ -n "$pg_bin" ]
}

# as_pg COMMAND...: PostgreSQL refuses to run as root; then run the server
# as "postgres", from a directory it may enter.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# stop_wait PID SECONDS: SIGTERM PID, wait for it, return its exit status
# (124: still running after SECONDS, then its process group is killed).
stop_wait() {
	kill -TERM "$1" 2>/dev/null || :
	waited=0
	while kill -0 "$1" 2>/dev/null; do
		if [ "$waited" -ge $(($2 * 10)) ]; then
			kill -KILL -- "-$1" 2>/dev/null || :
			echo "pid $1 did not stop within $2 s" >&2
			return 124
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
	wait "$1"
}
