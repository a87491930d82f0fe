/*
 * mockbroker: a Kafka-protocol broker for the end-to-end test, built on
 * librdkafka's mock cluster (rdkafka_mock.h). It speaks enough of the Kafka
 * protocol for kcat to produce, consume, and join a consumer group with the
 * classic JoinGroup/SyncGroup protocol and commit offsets.
 *
 * usage: mockbroker [-b brokers] [-d debug] [-p partitions] [-r replication]
 *                   [-t topic ...]
 *
 * Starts a cluster of BROKERS brokers (default 1), creates each TOPIC (-t may
 * be repeated; default bankserver1.bank.holding) with PARTITIONS partitions
 * (default 3) and REPLICATION replicas (default 1), prints the cluster's
 * bootstrap servers ("127.0.0.1:PORT[,...]") as one line on the standard
 * output, flushes it, and serves until SIGTERM or SIGINT; then it destroys the
 * cluster and exits 0. SIGUSR1 takes every broker down (connections closed,
 * new ones refused) and SIGUSR2 brings them back, for outage tests. All
 * listeners are on the loopback interface. Messages
 * and committed offsets live in memory only. -d sets librdkafka's "debug"
 * property (e.g. "mock" or "mock,protocol") to log on the standard error what
 * the brokers do.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_TOPICS 16

static volatile sig_atomic_t stop_signal, updown_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void on_updown(int sig)
{
	updown_signal = sig;
}

static void usage(void)
{
	fprintf(stderr, "usage: mockbroker [-b brokers] [-d debug] [-p partitions] [-r replication]"
			" [-t topic ...]\n");
	exit(2);
}

static int parse_count(const char *s, int max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > max)
		usage();
	return (int)v;
}

int main(int argc, char **argv)
{
	int brokers = 1, partitions = 3, replication = 1;
	const char *topics[MAX_TOPICS];
	int ntopics = 0;
	const char *debug = NULL;
	char errstr[512];
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mcluster;
	rd_kafka_resp_err_t err;
	sigset_t block, old;
	struct sigaction sa;
	int c, i, rc, status = 1;

	while ((c = getopt(argc, argv, "b:d:p:r:t:")) != -1) {
		switch (c) {
		case 'b':
			brokers = parse_count(optarg, 64);
			break;
		case 'd':
			debug = optarg;
			break;
		case 'p':
			partitions = parse_count(optarg, 10000);
			break;
		case 'r':
			replication = parse_count(optarg, 64);
			break;
		case 't':
			if (*optarg == '\0' || ntopics == MAX_TOPICS)
				usage();
			topics[ntopics++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || replication > brokers)
		usage();
	if (ntopics == 0)
		topics[ntopics++] = "bankserver1.bank.holding";

	/*
	 * Block the stop signals before librdkafka starts its threads, which
	 * inherit the mask, so that only the main thread, in sigsuspend(),
	 * takes them.
	 */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0) {
		perror("mockbroker: sigaction");
		return 1;
	}
	sa.sa_handler = on_updown;
	if (sigaction(SIGUSR1, &sa, NULL) != 0 || sigaction(SIGUSR2, &sa, NULL) != 0) {
		perror("mockbroker: sigaction");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	rc = pthread_sigmask(SIG_BLOCK, &block, &old);
	if (rc != 0) {
		fprintf(stderr, "mockbroker: pthread_sigmask: %s\n", strerror(rc));
		return 1;
	}
	sigdelset(&old, SIGTERM);
	sigdelset(&old, SIGINT);
	sigdelset(&old, SIGUSR1);
	sigdelset(&old, SIGUSR2);

	/*
	 * The handle only owns the mock cluster; it has no bootstrap servers
	 * of its own and sends nothing. Its log goes to stderr: warnings and
	 * worse, or everything with -d.
	 */
	conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "log_level", debug ? "7" : "4", errstr, sizeof errstr) !=
		    RD_KAFKA_CONF_OK ||
	    (debug != NULL &&
	     rd_kafka_conf_set(conf, "debug", debug, errstr, sizeof errstr) != RD_KAFKA_CONF_OK)) {
		fprintf(stderr, "mockbroker: %s\n", errstr);
		rd_kafka_conf_destroy(conf);
		return 1;
	}
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
	if (rk == NULL) {
		fprintf(stderr, "mockbroker: rd_kafka_new: %s\n", errstr);
		rd_kafka_conf_destroy(conf);
		return 1;
	}

	mcluster = rd_kafka_mock_cluster_new(rk, brokers);
	if (mcluster == NULL) {
		fprintf(stderr, "mockbroker: cannot create the mock cluster\n");
		goto out_rk;
	}

	for (i = 0; i < ntopics; i++) {
		err = rd_kafka_mock_topic_create(mcluster, topics[i], partitions, replication);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "mockbroker: create topic %s: %s\n", topics[i],
				rd_kafka_err2str(err));
			goto out_cluster;
		}
		fprintf(stderr, "mockbroker: topic %s with %d partition(s)\n", topics[i],
			partitions);
	}

	if (printf("%s\n", rd_kafka_mock_cluster_bootstraps(mcluster)) < 0 || fflush(stdout) != 0) {
		perror("mockbroker: stdout");
		goto out_cluster;
	}
	fprintf(stderr, "mockbroker: %d broker(s) at %s, pid %ld\n", brokers,
		rd_kafka_mock_cluster_bootstraps(mcluster), (long)getpid());

	while (stop_signal == 0) {
		sigsuspend(&old);
		if (updown_signal != 0) {
			int up = updown_signal == SIGUSR2;
			updown_signal = 0;
			for (i = 1; i <= brokers; i++)
				if (up)
					rd_kafka_mock_broker_set_up(mcluster, i);
				else
					rd_kafka_mock_broker_set_down(mcluster, i);
			fprintf(stderr, "mockbroker: brokers %s\n", up ? "up" : "down");
		}
	}
	fprintf(stderr, "mockbroker: stopping on signal %d\n", (int)stop_signal);
	status = 0;

out_cluster:
	rd_kafka_mock_cluster_destroy(mcluster);
out_rk:
	rd_kafka_destroy(rk);
	return status;
}
