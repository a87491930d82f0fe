# Shell functions of tests/real/run.sh and tests/real/recapture.sh: start and
# stop the real components on loopback. Sourced, not run. Expects $tmp (a
# temporary directory of the run), $repo and $REAL_PY set by the caller.

# spawn, fail, wait_until, need, find_pg, as_pg.
# shellcheck source=tests/common.sh
. "$repo/tests/common.sh"

# stop_pid PID: SIGTERM its process group, SIGKILL after 20 s.
stop_pid() {
	kill -TERM -- "-$1" 2>/dev/null || return 0
	n=0
	while kill -0 "$1" 2>/dev/null; do
		n=$((n + 1))
		if [ "$n" -gt 100 ]; then
			kill -KILL -- "-$1" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	wait "$1" 2>/dev/null || :
}

# ---------------------------------------------------------------- Java

# resolve STACK: copy the stack's jars from Maven into build/real/STACK
# (tests/real/pom.xml): lib/ is the broker's and worker's classpath,
# plugins/debezium-connector-postgres/ the connector as a Connect plugin.
resolve() {
	out=$repo/build/real/$1
	if [ ! -f "$out/.resolved" ]; then
		rm -rf "$out"
		mvn -q -B -Dstyle.color=never -f "$repo/tests/real/pom.xml" -P "$1-kafka" \
			dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out/lib" ||
			fail "mvn: cannot resolve the $1 stack's Kafka"
		# Kafka's own jars come from the worker, as Connect expects.
		mvn -q -B -Dstyle.color=never -f "$repo/tests/real/pom.xml" -P "$1-connector" \
			dependency:copy-dependencies -DincludeScope=runtime -DexcludeGroupIds=org.apache.kafka \
			-DoutputDirectory="$out/plugins/debezium-connector-postgres" ||
			fail "mvn: cannot resolve the $1 stack's Debezium connector"
		touch "$out/.resolved"
	fi
	cp_lib="$out/lib/*"
	plugins=$out/plugins
	v_kafka=$(basename "$(ls "$out"/lib/kafka_2.13-*.jar)" .jar | sed 's/^kafka_2.13-//')
	v_debezium=$(basename "$(ls "$out"/plugins/debezium-connector-postgres/debezium-connector-postgres-*.jar)" .jar |
		sed 's/^debezium-connector-postgres-//')
	v_zookeeper=$(basename "$(ls "$out"/lib/zookeeper-[0-9]*.jar 2>/dev/null)" .jar 2>/dev/null | sed 's/^zookeeper-//')
}

# java_main NAME HEAP CLASS ARG...: a JVM in the background, its output to
# $tmp/NAME.log.
java_main() {
	name=$1 heap=$2
	shift 2
	spawn java -Xms64m "-Xmx$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
		-Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
		-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
		-cp "$cp_lib" "$@" >"$tmp/$name.log" 2>&1
}

log_tail() { # NAME: the end of a component's log
	echo "--- last lines of $1.log"
	tail -n 30 "$tmp/$1.log" 2>/dev/null
}

port_open() {
	python3 "$REAL_PY" port-open 127.0.0.1 "$1"
}

# ---------------------------------------------------------------- PostgreSQL

# pg_start DIR PORT: a new cluster in DIR on 127.0.0.1:PORT with what
# Debezium needs (the debezium/postgres image's settings), user, password and
# database of docker-compose.yml, and docker/init/ run in it.
pg_start() {
	find_pg || fail "PostgreSQL server binaries (initdb, pg_ctl) not found"
	pgdir=$1 pg_port=$2
	mkdir -p "$pgdir"
	printf 'password\n' >"$pgdir/pw"
	[ "$(id -u)" -ne 0 ] || chown -R postgres:postgres "$pgdir"
	as_pg "$pg_bin/initdb" -D "$pgdir/data" -U data_engineer --pwfile="$pgdir/pw" \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C -N \
		>"$pgdir/initdb.log" 2>&1 || fail "initdb: $(cat "$pgdir/initdb.log")"
	as_pg "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 -o \
		"-p $pg_port -k $pgdir -c listen_addresses=127.0.0.1 -c wal_level=logical -c track_commit_timestamp=on -c max_wal_senders=64 -c max_replication_slots=64 -c max_connections=200 -c fsync=off -c timezone=UTC" \
		start >/dev/null || fail "pg_ctl start: $(tail -n 20 "$pgdir/server.log")"
	psql_pg postgres -c 'CREATE DATABASE data_engineer'
	for f in "$repo"/docker/init/*.sql; do
		psql_pg data_engineer -f "$f" >/dev/null
	done
	v_pg=$("$pg_bin/postgres" --version)
}

pg_stop() { # DIR
	[ -n "$pg_bin" ] && [ -f "$1/data/postmaster.pid" ] || return 0
	as_pg "$pg_bin/pg_ctl" -D "$1/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || :
}

# psql_pg DB ARG...: psql over TCP as the application's user, as Debezium connects.
psql_pg() {
	db=$1
	shift
	PGPASSWORD=password psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" \
		-U data_engineer -d "$db" "$@" </dev/null
}

# ---------------------------------------------------------------- Kafka

# kafka_start STACK DIR: ZooKeeper + broker (stack zk) or a combined KRaft
# broker/controller (stack kraft), on free loopback ports; sets $boot.
kafka_start() {
	kdir=$2
	mkdir -p "$kdir"
	set -- $(python3 "$REAL_PY" ports 3)
	kport=$1 cport=$2 zport=$3
	boot=127.0.0.1:$kport
	# The compose's broker settings (3 partitions), single-broker
	# replication factors, no rebalance delay.
	cat >"$kdir/server.properties" <<-EOF
		log.dirs=$kdir/data
		num.partitions=3
		offsets.topic.replication.factor=1
		transaction.state.log.replication.factor=1
		transaction.state.log.min.isr=1
		group.initial.rebalance.delay.ms=0
		auto.create.topics.enable=true
	EOF
	if [ "$stack" = zk ]; then
		cat >"$kdir/zoo.cfg" <<-EOF
			dataDir=$kdir/zookeeper
			clientPort=$zport
			clientPortAddress=127.0.0.1
			tickTime=2000
			admin.enableServer=false
			4lw.commands.whitelist=ruok,srvr
		EOF
		java_main zookeeper 128m org.apache.zookeeper.server.ZooKeeperServerMain "$kdir/zoo.cfg"
		zk_pid=$last_pid
		wait_until 60 port_open "$zport" || { log_tail zookeeper; fail "ZooKeeper did not listen on $zport"; }
		kill -0 "$zk_pid" 2>/dev/null || { log_tail zookeeper; fail "ZooKeeper exited"; }
		cat >>"$kdir/server.properties" <<-EOF
			broker.id=1
			zookeeper.connect=127.0.0.1:$zport
			listeners=PLAINTEXT://127.0.0.1:$kport
			advertised.listeners=PLAINTEXT://127.0.0.1:$kport
		EOF
	else
		cat >>"$kdir/server.properties" <<-EOF
			process.roles=broker,controller
			node.id=1
			controller.quorum.voters=1@127.0.0.1:$cport
			listeners=PLAINTEXT://127.0.0.1:$kport,CONTROLLER://127.0.0.1:$cport
			advertised.listeners=PLAINTEXT://127.0.0.1:$kport
			controller.listener.names=CONTROLLER
			listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
			inter.broker.listener.name=PLAINTEXT
		EOF
		java -cp "$cp_lib" kafka.tools.StorageTool format -t "$(python3 "$REAL_PY" cluster-id)" \
			-c "$kdir/server.properties" >"$tmp/storage.log" 2>&1 ||
			{ log_tail storage; fail "kafka-storage format failed"; }
	fi
	java_main broker 768m kafka.Kafka "$kdir/server.properties"
	broker_pid=$last_pid
	wait_until 90 broker_ready || { log_tail broker; fail "Kafka broker not ready on $boot"; }
}

broker_ready() {
	kill -0 "$broker_pid" 2>/dev/null || return 1
	timeout 5 kcat -b "$boot" -L -m 3 >/dev/null 2>&1
}

# connect_start DIR: a distributed Connect worker with the compose's group
# and topic names, JsonConverter with schemas (the image's default), REST
# on a free loopback port; sets $rest.
connect_start() {
	cdir=$1
	mkdir -p "$cdir"
	rport=$(python3 "$REAL_PY" ports 1)
	rest=http://127.0.0.1:$rport
	cat >"$cdir/connect.properties" <<-EOF
		bootstrap.servers=$boot
		group.id=sde_group
		config.storage.topic=sde_storage_topic
		offset.storage.topic=sde_offset_topic
		status.storage.topic=sde_status_topic
		config.storage.replication.factor=1
		offset.storage.replication.factor=1
		status.storage.replication.factor=1
		key.converter=org.apache.kafka.connect.json.JsonConverter
		value.converter=org.apache.kafka.connect.json.JsonConverter
		key.converter.schemas.enable=true
		value.converter.schemas.enable=true
		offset.flush.interval.ms=${CONNECT_OFFSET_FLUSH_MS:-60000}
		listeners=http://127.0.0.1:$rport
		rest.advertised.host.name=127.0.0.1
		rest.advertised.port=$rport
		plugin.path=$plugins
		# A worker that comes back after a crash gets its connectors at
		# once, not after the default 5 minutes.
		scheduled.rebalance.max.delay.ms=0
	EOF
	java_main connect 1g org.apache.kafka.connect.cli.ConnectDistributed "$cdir/connect.properties"
	connect_pid=$last_pid
	wait_until 120 connect_ready || { log_tail connect; fail "Connect REST not up at $rest"; }
}

connect_ready() {
	kill -0 "$connect_pid" 2>/dev/null || return 1
	curl -fsS --max-time 10 -o /dev/null "$rest/connectors" 2>/dev/null
}

# register NAME CONFIG [KEY=VALUE...]: PUT CONFIG (connector.json) with the
# database host and port substituted (and KEY=VALUE set, for the scenarios'
# own connectors) through the REST API, as the compose's register-connector
# does; wait until the connector and its task are RUNNING.
register() {
	register_put "$@"
	wait_running "$1"
}

register_put() { # NAME CONFIG [KEY=VALUE...]: the PUT alone
	name=$1 conf=$2
	shift 2
	python3 "$REAL_PY" connector "$conf" 127.0.0.1 "$pg_port" "$@" >"$tmp/connector.$name.json"
	code=$(curl -sS --max-time 120 -o "$tmp/register.$name.out" -w '%{http_code}' -X PUT \
		-H 'Content-Type: application/json' -H 'Accept: application/json' \
		--data "@$tmp/connector.$name.json" "$rest/connectors/$name/config")
	case $code in
	200 | 201) ;;
	*) log_tail connect; fail "PUT $name/config: HTTP $code $(cat "$tmp/register.$name.out")" ;;
	esac
}

wait_running() { # NAME
	wait_until 120 python3 "$REAL_PY" running "$rest" "$1" >"$tmp/status.$1" 2>&1 || {
		cat "$tmp/status.$1"
		log_tail connect
		fail "connector $1 or its task not RUNNING within 120 s"
	}
}

# wait_topic TOPIC: until the topic exists (Debezium creates it with the
# snapshot's first record).
wait_topic() {
	wait_until 120 sh -c "timeout 5 kcat -b '$boot' -L -t '$1' -m 3 -X allow.auto.create.topics=false 2>/dev/null | grep -q ' with [1-9][0-9]* partitions'" ||
		{ log_tail connect; fail "topic $1 not created within 120 s"; }
}
