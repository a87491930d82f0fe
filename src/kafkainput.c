#include "kafkasession.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum {
	POLL_MS = 100 /* longest wait between looks at the stop flag */
};

static void
on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	(void)level;
	fprintf(stderr, "cdcpivot: kafka: %s: %s\n", fac, buf);
}

/* librdkafka reports trouble it retries by itself (a broker away) and
 * fatal errors; only the fatal ones end the run. */
static void
on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct kafkainput *k = opaque;
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		char why[512];
		k->api.fatal_error(rk, why, sizeof why);
		diag_error(k->diag, "kafka: fatal: %s", why);
		k->fatal = 1;
		return;
	}
	diag_error(k->diag, "kafka: warning: %s (retrying)", reason);
}

static const char *
intern(struct kafkainput *k, const char *topic)
{
	for (size_t i = 0; i < k->ntopics; i++)
		if (strcmp(k->topics[i], topic) == 0)
			return k->topics[i];
	k->topics = xrealloc(k->topics, (k->ntopics + 1) * sizeof *k->topics);
	return k->topics[k->ntopics++] = xstrndup(topic, strlen(topic));
}


/* ------------------------------------------------------------------ opening */

static int
set(struct kafkainput *k, rd_kafka_conf_t *conf, const char *key, const char *value)
{
	char err[512];
	if (k->api.conf_set(conf, key, value, err, sizeof err) == RD_KAFKA_CONF_OK)
		return 0;
	diag_error(k->diag, "kafka: %s=%s: %s", key, value, err);
	return -1;
}

static rd_kafka_conf_t *
make_conf(struct kafkainput *k)
{
	const struct kafka_options *ko = k->cfg.kafka;
	rd_kafka_conf_t *conf = k->api.conf_new();
	k->api.conf_set_opaque(conf, k);
	k->api.conf_set_log_cb(conf, on_log);
	k->api.conf_set_error_cb(conf, on_error);
	int bad = set(k, conf, "bootstrap.servers", ko->brokers) ||
	    set(k, conf, "enable.auto.offset.store", "false") ||
	    set(k, conf, "auto.offset.reset", "earliest") ||
	    set(k, conf, "enable.partition.eof", ko->exit_at_end ? "true" : "false");
	if (ko->group != NULL) {
		k->api.conf_set_rebalance_cb(conf, kafka_on_rebalance);
		bad = bad || set(k, conf, "group.id", ko->group) ||
		    set(k, conf, "partition.assignment.strategy", "cooperative-sticky");
		/* With a checkpoint, every commit is made by confirm(): one taken
		 * by the timer could be of offsets beyond a roll_back(). */
		if (kafka_is_eos(k))
			bad = bad || set(k, conf, "enable.auto.commit", "false");
	} else {
		/* librdkafka's assign() wants a group id even for a consumer that
		 * never joins a group; nothing is committed under it. */
		bad = bad || set(k, conf, "enable.auto.commit", "false") ||
		    set(k, conf, "group.id", "cdcpivot-no-group");
	}
	for (size_t i = 0; !bad && i < ko->nprops; i++) {
		const char *eq = strchr(ko->props[i], '=');
		char *key = xstrndup(ko->props[i], (size_t)(eq - ko->props[i]));
		bad = set(k, conf, key, eq + 1);
		free(key);
	}
	if (bad) {
		k->api.conf_destroy(conf);
		return NULL;
	}
	return conf;
}

/* Without a group: every partition of every topic, from the metadata. */
static int
assign_all(struct kafkainput *k)
{
	rd_kafka_topic_partition_list_t *parts = k->api.topic_partition_list_new(16);
	int rc = 0;
	for (size_t t = 0; rc == 0 && t < k->cfg.kafka->topics.n; t++) {
		const char *name = k->cfg.kafka->topics.names[t];
		rd_kafka_topic_t *rkt = k->api.topic_new(k->rk, name, NULL);
		const struct rd_kafka_metadata *md = NULL;
		rd_kafka_resp_err_t err = k->api.metadata(k->rk, 0, rkt, &md, KAFKA_WAIT_MS);
		if (!err && (md->topic_cnt != 1 || md->topics[0].err))
			err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
		if (err) {
			diag_error(k->diag, "kafka: topic %s: %s", name, k->api.err2str(err));
			rc = -1;
		}
		for (int i = 0; !err && i < md->topics[0].partition_cnt; i++)
			k->api.topic_partition_list_add(parts, name, md->topics[0].partitions[i].id);
		if (md != NULL)
			k->api.metadata_destroy(md);
		k->api.topic_destroy(rkt);
	}
	if (rc == 0)
		kafka_assign(k, parts, 0);
	k->api.topic_partition_list_destroy(parts);
	return rc == 0 && !k->fatal ? 0 : -1;
}

static int
subscribe(struct kafkainput *k)
{
	const struct namelist *t = &k->cfg.kafka->topics;
	rd_kafka_topic_partition_list_t *l = k->api.topic_partition_list_new((int)t->n);
	for (size_t i = 0; i < t->n; i++)
		k->api.topic_partition_list_add(l, t->names[i], RD_KAFKA_PARTITION_UA);
	rd_kafka_resp_err_t err = k->api.subscribe(k->rk, l);
	k->api.topic_partition_list_destroy(l);
	if (err)
		diag_error(k->diag, "kafka: subscribe: %s", k->api.err2str(err));
	return err ? -1 : 0;
}

struct kafkainput *
kafkainput_open(const struct kafkainput_config *cfg, struct output *out, struct diag *d)
{
	struct kafkainput *k = xmalloc(sizeof *k);
	memset(k, 0, sizeof *k);
	k->cfg = *cfg;
	k->out = out;
	k->diag = d;
	char err[512];
	if (kafka_api_load(&k->api, KAFKA_API_LIBRARY, err, sizeof err) < 0) {
		diag_error(d, "kafka: %s", err);
		free(k);
		return NULL;
	}
	kafkarecord_init(&k->rec, &k->api);
	checkpoint_init(&k->done);
	checkpoint_init(&k->confirmed);
	checkpoint_init(&k->starts);
	rd_kafka_conf_t *conf = make_conf(k);
	if (conf != NULL && (k->rk = k->api.new(RD_KAFKA_CONSUMER, conf, err, sizeof err)) == NULL) {
		diag_error(d, "kafka: %s", err);
		k->api.conf_destroy(conf);
	}
	if (k->rk == NULL || (cfg->checkpoint != NULL && kafka_restore_file(k) < 0)) {
		kafkainput_close(k);
		return NULL;
	}
	checkpoint_copy(&k->confirmed, &k->done); /* the file as it is now */
	k->api.poll_set_consumer(k->rk);
	if ((cfg->kafka->group != NULL ? subscribe(k) : assign_all(k)) < 0) {
		kafkainput_close(k);
		return NULL;
	}
	return k;
}

/* ------------------------------------------------------------------ reading */

static int
at_end(const struct kafkainput *k)
{
	if (k->assigned == NULL || k->assigned->cnt == 0)
		return 0;
	for (int i = 0; i < k->assigned->cnt; i++)
		if (k->assigned->elems[i].err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
			return 0;
	return 1;
}

static void
mark_end(struct kafkainput *k, const rd_kafka_message_t *m, rd_kafka_resp_err_t state)
{
	if (k->assigned == NULL)
		return;
	rd_kafka_topic_partition_t *p =
	    k->api.topic_partition_list_find(k->assigned, k->api.topic_name(m->rkt), m->partition);
	if (p != NULL)
		p->err = state;
}

/* Lets a pending stop signal in (it is blocked everywhere else). */
static void
take_signals(const struct kafkainput *k)
{
	sigset_t pend, old;
	if (k->cfg.wait_mask == NULL || sigpending(&pend) < 0)
		return;
	if ((sigismember(&pend, SIGINT) == 1 || sigismember(&pend, SIGTERM) == 1) &&
	    sigprocmask(SIG_SETMASK, k->cfg.wait_mask, &old) == 0)
		sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Whether a stop signal came. A pending one is let in before every wait
 * and every SIGNAL_EVERY records in between: a system call per record
 * would cost more than the record. */
enum { SIGNAL_EVERY = 256 };
static int
stopping(struct kafkainput *k, int waiting)
{
	if (waiting || ++k->since_signals >= SIGNAL_EVERY) {
		take_signals(k);
		k->since_signals = 0;
	}
	return k->cfg.stop != NULL && *k->cfg.stop;
}

/* One message or error from the consumer; NULL when none came in ms. */
static rd_kafka_message_t *
poll_once(struct kafkainput *k, int ms)
{
	rd_kafka_message_t *m = k->api.consumer_poll(k->rk, ms);
	if (m == NULL || !m->err)
		return m;
	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		mark_end(k, m, RD_KAFKA_RESP_ERR__PARTITION_EOF);
	} else if (m->err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || k->cfg.kafka->group == NULL) {
		diag_error(k->diag, "kafka: warning: %s", k->api.message_errstr(m));
	}
	k->api.message_destroy(m);
	return NULL;
}

int
kafkainput_next(struct kafkainput *k, struct record *rec)
{
	if (k->msg != NULL) {
		k->api.message_destroy(k->msg);
		k->msg = NULL;
	}
	int idle = 0;
	for (;;) {
		kafka_ack(k, 0);
		kafka_reconfirm(k);
		if (k->fatal)
			return -1;
		if (stopping(k, idle) || (k->cfg.kafka->exit_at_end && at_end(k)))
			return 0;
		rd_kafka_message_t *m = poll_once(k, idle ? POLL_MS : 0);
		if (m != NULL) {
			k->msg = m;
			mark_end(k, m, RD_KAFKA_RESP_ERR_NO_ERROR);
			kafkarecord_fill(&k->rec, m, k->cfg.max_bytes, k->cfg.headers, rec);
			return 1;
		}
		if (!idle && k->cfg.idle != NULL)
			k->cfg.idle(k->cfg.idle_ctx); /* rows out before waiting */
		if (!idle)
			kafka_ack(k, 1);
		idle = 1;
	}
}

void
kafkainput_handled(struct kafkainput *k)
{
	if (k->msg == NULL)
		return;
	if (k->qlen == k->qcap) {
		k->qcap = k->qcap ? k->qcap * 2 : 1024;
		k->q = xrealloc(k->q, k->qcap * sizeof *k->q);
	}
	k->q[k->qlen++] = (struct inflight){intern(k, k->api.topic_name(k->msg->rkt)),
	    k->msg->partition, k->msg->offset, k->out->events_committed};
	if (k->state == NULL)
		return;
	state_progress(k->state, k->out->events_committed, k->q[k->qlen - 1].topic, k->msg->partition,
	    k->msg->offset + 1);
	if (state_staged(k->state) >= KAFKA_STATE_STAGED || state_staged_bytes(k->state) >= KAFKA_STATE_BYTES ||
	    state_progress_pending(k->state) >= KAFKA_STATE_STAGED)
		kafka_drain(k); /* memory stays bounded */
}

void
kafkainput_set_state(struct kafkainput *k, struct state *st)
{
	k->state = st;
	for (int i = 0; k->assigned != NULL && i < k->assigned->cnt; i++) {
		const rd_kafka_topic_partition_t *a = &k->assigned->elems[i];
		int64_t start = checkpoint_get(&k->starts, a->topic, a->partition);
		kafka_claim(k, a->topic, a->partition, start >= 0 ? start : 0);
	}
}

int
kafkainput_close(struct kafkainput *k)
{
	if (k == NULL)
		return 0;
	if (k->msg != NULL)
		k->api.message_destroy(k->msg);
	if (k->rk != NULL) {
		kafka_drain(k);
		if (k->cfg.kafka->group != NULL && !k->failed && kafka_is_eos(k)) {
			kafka_reconfirm(k);
			if (!k->unconfirmed)
				kafka_save_checkpoint(k, 1); /* records that the group has it all */
		} else if (k->cfg.kafka->group != NULL && !k->failed) {
			rd_kafka_resp_err_t err = k->api.commit(k->rk, NULL, 0);
			if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
				diag_error(k->diag,
				    "kafka: warning: final commit: %s (records since the last commit are read again)",
				    k->api.err2str(err));
		}
		k->api.consumer_close(k->rk); /* revokes: drains and commits again */
		k->api.destroy(k->rk);
	}
	int rc = k->failed ? -1 : 0;
	if (k->assigned != NULL)
		k->api.topic_partition_list_destroy(k->assigned);
	for (size_t i = 0; i < k->ntopics; i++)
		free(k->topics[i]);
	free(k->topics);
	free(k->q);
	kafkarecord_free(&k->rec);
	checkpoint_free(&k->done);
	checkpoint_free(&k->confirmed);
	checkpoint_free(&k->starts);
	free(k);
	return rc;
}
