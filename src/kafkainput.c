#include "kafkainput.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "buf.h"
#include "checkpoint.h"
#include "utf8.h"

enum {
	POLL_MS = 100,          /* longest wait between looks at the stop flag */
	COMMITTED_MS = 10000    /* for the group's committed offsets, metadata */
};

/* A record handed to the pipeline whose rows may not be written yet. */
struct inflight {
	const char *topic;      /* interned in k->topics */
	int32_t partition;
	int64_t offset;
	unsigned long long commit; /* its output_commit() number */
};

struct kafkainput {
	struct kafkainput_config cfg;
	struct output *out;
	struct diag *diag;
	rd_kafka_t *rk;
	rd_kafka_message_t *msg;     /* the record in hand */
	cJSON *meta;                 /* its kcat -J fields, reused record to record */
	struct buf text;             /* scratch for the key */
	char where[300];
	struct inflight *q;          /* handled, waiting for their rows */
	size_t qhead, qlen, qcap;
	struct checkpoint done;      /* positions whose rows are all written */
	int dirty;                   /* done changed since it was last saved/stored */
	rd_kafka_topic_partition_list_t *assigned; /* offset: last stored */
	char **topics;               /* interned topic names */
	size_t ntopics;
	int unconfirmed;             /* the group refused the checkpoint's
	                                offsets: committed again at each poll */
	int ambiguous;               /* a commit since the last confirmed one
	                                failed in a way that does not say
	                                whether the group took it */
	struct checkpoint confirmed; /* done, as of the last commit taken */
	struct checkpoint starts;    /* where each assigned partition started */
	unsigned since_signals;      /* records since stop signals were let in */
	int fatal;                   /* a fatal consumer or checkpoint error */
	int failed;                  /* a checkpoint or commit failed */
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
		rd_kafka_fatal_error(rk, why, sizeof why);
		diag_error(k->diag, "kafka: fatal: %s", why);
		k->fatal = 1;
		return;
	}
	diag_error(k->diag, "kafka: warning: %s (retrying)", reason);
}

static cJSON *new_meta(void);

static const char *
intern(struct kafkainput *k, const char *topic)
{
	for (size_t i = 0; i < k->ntopics; i++)
		if (strcmp(k->topics[i], topic) == 0)
			return k->topics[i];
	k->topics = xrealloc(k->topics, (k->ntopics + 1) * sizeof *k->topics);
	return k->topics[k->ntopics++] = xstrndup(topic, strlen(topic));
}

static int
is_eos(const struct kafkainput *k)
{
	return k->cfg.checkpoint != NULL;
}

/* ------------------------------------------------------------ acknowledging */

/* Moves the records whose rows have all reached the output into done. */
static void
take_written(struct kafkainput *k)
{
	unsigned long long w = output_written(k->out);
	while (k->qhead < k->qlen && k->q[k->qhead].commit <= w) {
		const struct inflight *f = &k->q[k->qhead++];
		checkpoint_set(&k->done, f->topic, f->partition, f->offset + 1);
		k->dirty = 1;
	}
	if (k->qhead == k->qlen)
		k->qhead = k->qlen = 0;
}

/* The done positions of the assigned partitions; all of them, or only
 * those that moved since they were last stored. */
static rd_kafka_topic_partition_list_t *
done_positions(struct kafkainput *k, int all)
{
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(k->assigned->cnt + 1);
	for (int i = 0; i < k->assigned->cnt; i++) {
		rd_kafka_topic_partition_t *a = &k->assigned->elems[i];
		int64_t next = checkpoint_get(&k->done, a->topic, a->partition);
		if (next >= 0 && (all || next > a->offset)) {
			rd_kafka_topic_partition_list_add(l, a->topic, a->partition)->offset = next;
			a->offset = next;
		}
	}
	return l;
}

/* With a checkpoint, in a group: the offsets of the checkpoint are
 * committed at once and synchronously, so that a partition that moves to
 * another member starts where this member's file ends. A commit the group
 * refuses (it may during a rebalance, and cannot while the coordinator is
 * away) is tried again at every poll until one is taken. */
static void
confirm(struct kafkainput *k, rd_kafka_topic_partition_list_t *l)
{
	rd_kafka_resp_err_t err = l->cnt > 0 ? rd_kafka_commit(k->rk, l, 0) : 0;
	if (err == RD_KAFKA_RESP_ERR__NO_OFFSET)
		err = 0;
	if (err && !k->unconfirmed)
		diag_error(k->diag, "kafka: warning: commit refused (%s): trying again", rd_kafka_err2str(err));
	k->unconfirmed = err != 0;
	if (!err) {
		checkpoint_copy(&k->confirmed, &k->done);
		k->ambiguous = 0;
	} else if (err != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS &&
	    err != RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION && err != RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID &&
	    err != RD_KAFKA_RESP_ERR__WAIT_COORD && err != RD_KAFKA_RESP_ERR__STATE) {
		k->ambiguous = 1; /* a timeout, say: the group may have it */
	}
}

/* Stores the done position of every assigned partition that moved. */
static void
store_offsets(struct kafkainput *k)
{
	if (k->cfg.kafka->group == NULL || k->assigned == NULL)
		return;
	rd_kafka_topic_partition_list_t *l = done_positions(k, 0);
	if (l->cnt > 0) {
		rd_kafka_resp_err_t err = rd_kafka_offsets_store(k->rk, l);
		if (err && err != RD_KAFKA_RESP_ERR__STATE)
			diag_error(k->diag, "kafka: storing offsets: %s", rd_kafka_err2str(err));
		if (is_eos(k))
			confirm(k, l);
	}
	rd_kafka_topic_partition_list_destroy(l);
}

/* Tries again to commit what the checkpoint holds. */
static void
reconfirm(struct kafkainput *k)
{
	if (!k->unconfirmed || k->assigned == NULL)
		return;
	rd_kafka_topic_partition_list_t *l = done_positions(k, 1);
	confirm(k, l);
	rd_kafka_topic_partition_list_destroy(l);
}

static int
sync_dead_letter(struct kafkainput *k)
{
	if (!k->cfg.sync || k->cfg.dead_letter == NULL)
		return 0;
	if (fflush(k->cfg.dead_letter) == EOF || fsync(fileno(k->cfg.dead_letter)) < 0) {
		diag_error(k->diag, "dead-letter file: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes the checkpoint when the file grew (or always, with force, when
 * anything moved). Returns 1 when the positions may now be stored. */
static int
save_checkpoint(struct kafkainput *k, int force)
{
	struct stat st;
	if (fstat(k->out->fd, &st) < 0) {
		diag_error(k->diag, "%s: %s", k->cfg.checkpoint, strerror(errno));
		k->failed = k->fatal = 1;
		return 0;
	}
	if (st.st_size == k->done.size && !force)
		return 0; /* only skipped records moved: saved with the next rows */
	k->done.size = st.st_size;
	int rc = k->cfg.kafka->group != NULL ?
	    checkpoint_save2(&k->done, &k->confirmed, k->cfg.checkpoint, k->cfg.sync) :
	    checkpoint_save(&k->done, k->cfg.checkpoint, k->cfg.sync);
	if (rc < 0) {
		diag_error(k->diag, "%s: %s", k->cfg.checkpoint, strerror(errno));
		k->failed = k->fatal = 1; /* rows would be doubled after a restart */
		return 0;
	}
	return 1;
}

/* Acknowledges what the output has written. */
static void
ack(struct kafkainput *k, int force)
{
	if (k->out->error || k->failed)
		return; /* no position past a failed write */
	take_written(k);
	if (!k->dirty)
		return;
	if (sync_dead_letter(k) < 0) {
		k->failed = k->fatal = 1;
		return;
	}
	if (is_eos(k) && !save_checkpoint(k, force))
		return;
	k->dirty = 0;
	store_offsets(k);
}

/* Everything read so far to the output, acknowledged. */
static void
drain(struct kafkainput *k)
{
	output_flush(k->out);
	ack(k, 1);
}

/* -------------------------------------------------------------- rebalancing */

/* Where each newly assigned partition starts: with a checkpoint, at the
 * file's own position, unless the group has committed a later one (another
 * member wrote those records to its own file). */
static void
choose_starts(struct kafkainput *k, rd_kafka_topic_partition_list_t *parts)
{
	int grouped = k->cfg.kafka->group != NULL;
	if (grouped && is_eos(k)) {
		rd_kafka_resp_err_t err = rd_kafka_committed(k->rk, parts, COMMITTED_MS);
		if (err) {
			diag_error(k->diag, "kafka: warning: committed offsets unknown (%s): starting at the file's positions",
			    rd_kafka_err2str(err));
			for (int i = 0; i < parts->cnt; i++)
				parts->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
		}
	}
	for (int i = 0; i < parts->cnt; i++) {
		rd_kafka_topic_partition_t *p = &parts->elems[i];
		int64_t own = is_eos(k) ? checkpoint_get(&k->done, p->topic, p->partition) : -1;
		if (!grouped)
			p->offset = own >= 0 ? own : RD_KAFKA_OFFSET_BEGINNING;
		else if (own >= 0 && (p->offset < 0 || own > p->offset))
			p->offset = own;
		else if (!is_eos(k))
			p->offset = RD_KAFKA_OFFSET_INVALID; /* the committed offset */
	}
}

static void
remember_assigned(struct kafkainput *k, const rd_kafka_topic_partition_list_t *parts)
{
	if (k->assigned == NULL)
		k->assigned = rd_kafka_topic_partition_list_new(parts->cnt);
	for (int i = 0; i < parts->cnt; i++) {
		const rd_kafka_topic_partition_t *p = &parts->elems[i];
		if (rd_kafka_topic_partition_list_find(k->assigned, p->topic, p->partition) == NULL)
			rd_kafka_topic_partition_list_add(k->assigned, p->topic, p->partition)->offset = -1;
		/* at the end until a record or the end of it says otherwise: see at_end() */
		rd_kafka_topic_partition_list_find(k->assigned, p->topic, p->partition)->err =
		    RD_KAFKA_RESP_ERR_NO_ERROR;
	}
}

static void
forget_assigned(struct kafkainput *k, const rd_kafka_topic_partition_list_t *parts)
{
	for (int i = 0; k->assigned != NULL && i < parts->cnt; i++)
		rd_kafka_topic_partition_list_del(k->assigned, parts->elems[i].topic, parts->elems[i].partition);
}

static void
assign(struct kafkainput *k, rd_kafka_topic_partition_list_t *parts, int cooperative)
{
	choose_starts(k, parts);
	remember_assigned(k, parts);
	for (int i = 0; i < parts->cnt; i++)
		if (parts->elems[i].offset >= 0)
			checkpoint_set(&k->starts, parts->elems[i].topic, parts->elems[i].partition,
			    parts->elems[i].offset);
	for (int i = 0; i < parts->cnt; i++) {
		const rd_kafka_topic_partition_t *p = &parts->elems[i];
		if (p->offset >= 0)
			diag_error(k->diag, "kafka: assigned %s[%" PRId32 "] from offset %" PRId64, p->topic,
			    p->partition, p->offset);
		else
			diag_error(k->diag, "kafka: assigned %s[%" PRId32 "] from the %s", p->topic, p->partition,
			    p->offset == RD_KAFKA_OFFSET_BEGINNING ? "beginning" : "committed offset");
	}
	rd_kafka_error_t *e = NULL;
	rd_kafka_resp_err_t err = 0;
	if (cooperative)
		e = rd_kafka_incremental_assign(k->rk, parts);
	else
		err = rd_kafka_assign(k->rk, parts);
	if (e != NULL || err) {
		diag_error(k->diag, "kafka: assign: %s", e ? rd_kafka_error_string(e) : rd_kafka_err2str(err));
		k->fatal = 1;
	}
	if (e != NULL)
		rd_kafka_error_destroy(e);
}

/* Partitions leave while the group does not have the offsets of the last
 * rows written (it refused the commit, as it may during a rebalance, or
 * the assignment was lost): their next owner starts at the last offsets
 * it took, so this file goes back to the checkpoint of that commit, and
 * the partitions that stay are read again from there. Without it, the
 * rows in between would be in two members' files. */
static void
roll_back(struct kafkainput *k, const rd_kafka_topic_partition_list_t *leaving)
{
	if (!is_eos(k) || k->cfg.kafka->group == NULL || (!k->unconfirmed && !rd_kafka_assignment_lost(k->rk)))
		return;
	if (k->ambiguous || k->out->error || k->out->committed > 0) {
		diag_error(k->diag, "kafka: warning: partitions leave with offsets the group may not have: rows after offset positions of %s may be doubled in another member's file",
		    k->cfg.checkpoint);
		return;
	}
	if (k->confirmed.size >= k->done.size)
		return; /* nothing written past the last commit taken */
	long long cut = k->done.size - k->confirmed.size;
	if (ftruncate(k->out->fd, (off_t)k->confirmed.size) < 0 ||
	    checkpoint_save(&k->confirmed, k->cfg.checkpoint, k->cfg.sync) < 0) {
		diag_error(k->diag, "%s: %s", k->cfg.checkpoint, strerror(errno));
		k->failed = k->fatal = 1;
		return;
	}
	checkpoint_copy(&k->done, &k->confirmed);
	k->qhead = k->qlen = 0; /* all written (drained), now cut off */
	k->dirty = 0;
	rd_kafka_topic_partition_list_t *again = rd_kafka_topic_partition_list_new(k->assigned->cnt + 1);
	for (int i = 0; i < k->assigned->cnt; i++) {
		rd_kafka_topic_partition_t *a = &k->assigned->elems[i];
		if (rd_kafka_topic_partition_list_find(leaving, a->topic, a->partition) != NULL)
			continue;
		int64_t at = checkpoint_get(&k->done, a->topic, a->partition);
		if (at < 0)
			at = checkpoint_get(&k->starts, a->topic, a->partition);
		if (at < 0)
			at = RD_KAFKA_OFFSET_BEGINNING; /* nothing committed when it came */
		a->offset = at;
		rd_kafka_topic_partition_list_add(again, a->topic, a->partition)->offset = at;
	}
	if (again->cnt > 0) {
		rd_kafka_offsets_store(k->rk, again);
		rd_kafka_error_t *e = rd_kafka_seek_partitions(k->rk, again, COMMITTED_MS);
		if (e != NULL) {
			diag_error(k->diag, "kafka: seek: %s", rd_kafka_error_string(e));
			rd_kafka_error_destroy(e);
			k->fatal = 1;
		}
	}
	rd_kafka_topic_partition_list_destroy(again);
	diag_error(k->diag,
	    "%s: removed %lld bytes written after the last offsets the group took (their records are read again by whoever holds them)",
	    k->cfg.checkpoint, cut);
}

/* Revoked: everything read from them is written, acknowledged and
 * committed before they go. Lost (the group went on without us): nothing
 * may be committed any more. */
static void
revoke(struct kafkainput *k, rd_kafka_topic_partition_list_t *parts, int cooperative)
{
	int lost = rd_kafka_assignment_lost(k->rk);
	if (!lost) {
		drain(k);
		reconfirm(k);
		if (!is_eos(k)) {
			rd_kafka_resp_err_t err = rd_kafka_commit(k->rk, NULL, 0);
			if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
				diag_error(k->diag, "kafka: warning: commit before revoke: %s", rd_kafka_err2str(err));
		}
	} else if (is_eos(k)) {
		output_flush(k->out);
		take_written(k);
		save_checkpoint(k, 1);
	}
	roll_back(k, parts);
	if (cooperative)
		k->unconfirmed = 0; /* the partitions that stay are committed anew */
	for (int i = 0; i < parts->cnt; i++)
		diag_error(k->diag, "kafka: %s %s[%" PRId32 "]", lost ? "lost" : "revoked", parts->elems[i].topic,
		    parts->elems[i].partition);
	forget_assigned(k, parts);
	if (cooperative) {
		rd_kafka_error_t *e = rd_kafka_incremental_unassign(k->rk, parts);
		if (e != NULL)
			rd_kafka_error_destroy(e);
	} else {
		rd_kafka_assign(k->rk, NULL);
	}
}

static void
on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
    void *opaque)
{
	struct kafkainput *k = opaque;
	int cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
		assign(k, parts, cooperative);
	else
		revoke(k, parts, cooperative);
}

/* ------------------------------------------------------------------ opening */

static int
set(rd_kafka_conf_t *conf, const char *key, const char *value, struct diag *d)
{
	char err[512];
	if (rd_kafka_conf_set(conf, key, value, err, sizeof err) == RD_KAFKA_CONF_OK)
		return 0;
	diag_error(d, "kafka: %s=%s: %s", key, value, err);
	return -1;
}

static rd_kafka_conf_t *
make_conf(struct kafkainput *k)
{
	const struct kafka_options *ko = k->cfg.kafka;
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set_opaque(conf, k);
	rd_kafka_conf_set_log_cb(conf, on_log);
	rd_kafka_conf_set_error_cb(conf, on_error);
	int bad = set(conf, "bootstrap.servers", ko->brokers, k->diag) ||
	    set(conf, "enable.auto.offset.store", "false", k->diag) ||
	    set(conf, "auto.offset.reset", "earliest", k->diag) ||
	    set(conf, "enable.partition.eof", ko->exit_at_end ? "true" : "false", k->diag);
	if (ko->group != NULL) {
		rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
		bad = bad || set(conf, "group.id", ko->group, k->diag) ||
		    set(conf, "partition.assignment.strategy", "cooperative-sticky", k->diag);
		/* With a checkpoint, every commit is made by confirm(): one taken
		 * by the timer could be of offsets beyond a roll_back(). */
		if (is_eos(k))
			bad = bad || set(conf, "enable.auto.commit", "false", k->diag);
	} else {
		/* librdkafka's assign() wants a group id even for a consumer that
		 * never joins a group; nothing is committed under it. */
		bad = bad || set(conf, "enable.auto.commit", "false", k->diag) ||
		    set(conf, "group.id", "cdcpivot-no-group", k->diag);
	}
	for (size_t i = 0; !bad && i < ko->nprops; i++) {
		const char *eq = strchr(ko->props[i], '=');
		char *key = xstrndup(ko->props[i], (size_t)(eq - ko->props[i]));
		bad = set(conf, key, eq + 1, k->diag);
		free(key);
	}
	if (bad) {
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	return conf;
}

/* Without a group: every partition of every topic, from the metadata. */
static int
assign_all(struct kafkainput *k)
{
	rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(16);
	int rc = 0;
	for (size_t t = 0; rc == 0 && t < k->cfg.kafka->topics.n; t++) {
		const char *name = k->cfg.kafka->topics.names[t];
		rd_kafka_topic_t *rkt = rd_kafka_topic_new(k->rk, name, NULL);
		const struct rd_kafka_metadata *md = NULL;
		rd_kafka_resp_err_t err = rd_kafka_metadata(k->rk, 0, rkt, &md, COMMITTED_MS);
		if (!err && (md->topic_cnt != 1 || md->topics[0].err))
			err = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
		if (err) {
			diag_error(k->diag, "kafka: topic %s: %s", name, rd_kafka_err2str(err));
			rc = -1;
		}
		for (int i = 0; !err && i < md->topics[0].partition_cnt; i++)
			rd_kafka_topic_partition_list_add(parts, name, md->topics[0].partitions[i].id);
		if (md != NULL)
			rd_kafka_metadata_destroy(md);
		rd_kafka_topic_destroy(rkt);
	}
	if (rc == 0)
		assign(k, parts, 0);
	rd_kafka_topic_partition_list_destroy(parts);
	return rc == 0 && !k->fatal ? 0 : -1;
}

static int
subscribe(struct kafkainput *k)
{
	const struct namelist *t = &k->cfg.kafka->topics;
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)t->n);
	for (size_t i = 0; i < t->n; i++)
		rd_kafka_topic_partition_list_add(l, t->names[i], RD_KAFKA_PARTITION_UA);
	rd_kafka_resp_err_t err = rd_kafka_subscribe(k->rk, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (err)
		diag_error(k->diag, "kafka: subscribe: %s", rd_kafka_err2str(err));
	return err ? -1 : 0;
}

/* Whether the group's committed offsets are exactly the positions of cp. */
static int
group_has(struct kafkainput *k, struct checkpoint *cp, const rd_kafka_topic_partition_list_t *c)
{
	for (int i = 0; i < c->cnt; i++) {
		int64_t want = checkpoint_get(cp, c->elems[i].topic, c->elems[i].partition);
		if (c->elems[i].err || c->elems[i].offset != (want < 0 ? RD_KAFKA_OFFSET_INVALID : want))
			return 0;
	}
	(void)k;
	return 1;
}

/* A member killed between writing a checkpoint and the group taking its
 * offsets: if the group has the older positions, the rows in between are
 * cut off (their next owner, maybe another member, starts there). */
static void
reconcile(struct kafkainput *k)
{
	if (k->cfg.kafka->group == NULL || checkpoint_equal(&k->done, &k->confirmed))
		return;
	rd_kafka_topic_partition_list_t *c = rd_kafka_topic_partition_list_new((int)k->done.n + 1);
	for (size_t i = 0; i < k->done.n; i++)
		rd_kafka_topic_partition_list_add(c, k->done.e[i].topic, k->done.e[i].partition);
	rd_kafka_resp_err_t err = rd_kafka_committed(k->rk, c, COMMITTED_MS);
	if (!err && group_has(k, &k->confirmed, c)) {
		checkpoint_copy(&k->done, &k->confirmed);
	} else if (err || !group_has(k, &k->done, c)) {
		diag_error(k->diag,
		    "%s: warning: the group's committed offsets are neither this file's last ones nor the ones before (%s): keeping the file",
		    k->cfg.checkpoint, err ? rd_kafka_err2str(err) : "another member went on");
	}
	rd_kafka_topic_partition_list_destroy(c);
}

/* The output file is what the checkpoint says it is: rows written after
 * the last checkpoint belong to records that will be read again. */
static int
restore_file(struct kafkainput *k)
{
	const char *path = k->cfg.checkpoint;
	char why[96];
	int got = checkpoint_load2(&k->done, &k->confirmed, path, why, sizeof why);
	if (got < 0) {
		diag_error(k->diag, "%s: %s: %s", path, why, strerror(errno));
		return -1;
	}
	if (got > 0)
		reconcile(k);
	struct stat st;
	if (fstat(k->out->fd, &st) < 0) {
		diag_error(k->diag, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (got == 0) {
		k->done.size = st.st_size; /* rows from before are kept as they are */
		return 0;
	}
	if (st.st_size < k->done.size) {
		diag_error(k->diag,
		    "%s: the output holds %lld bytes, fewer than the %lld its checkpoint records: it was changed by something else (remove %s to start afresh)",
		    path, (long long)st.st_size, k->done.size, path);
		return -1;
	}
	if (st.st_size > k->done.size) {
		if (ftruncate(k->out->fd, (off_t)k->done.size) < 0) {
			diag_error(k->diag, "%s: %s", path, strerror(errno));
			return -1;
		}
		diag_error(k->diag,
		    "%s: removed %lld bytes written after the last checkpoint (their records are read again)",
		    path, (long long)(st.st_size - k->done.size));
	}
	return 0;
}

struct kafkainput *
kafkainput_open(const struct kafkainput_config *cfg, struct output *out, struct diag *d)
{
	struct kafkainput *k = xmalloc(sizeof *k);
	memset(k, 0, sizeof *k);
	k->cfg = *cfg;
	k->out = out;
	k->diag = d;
	buf_init(&k->text);
	k->meta = new_meta();
	checkpoint_init(&k->done);
	checkpoint_init(&k->confirmed);
	checkpoint_init(&k->starts);
	rd_kafka_conf_t *conf = make_conf(k);
	char err[512];
	if (conf != NULL && (k->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err)) == NULL) {
		diag_error(d, "kafka: %s", err);
		rd_kafka_conf_destroy(conf);
	}
	if (k->rk == NULL || (cfg->checkpoint != NULL && restore_file(k) < 0)) {
		kafkainput_close(k);
		return NULL;
	}
	checkpoint_copy(&k->confirmed, &k->done); /* the file as it is now */
	rd_kafka_poll_set_consumer(k->rk);
	if ((cfg->kafka->group != NULL ? subscribe(k) : assign_all(k)) < 0) {
		kafkainput_close(k);
		return NULL;
	}
	return k;
}

/* ------------------------------------------------------------------ reading */

/* The record's fields as kcat -J prints them, without the payload: one
 * tree for the whole run, updated for each record (numbers are integers
 * below 2^53, which cJSON's doubles hold exactly). The strings start at
 * their longest values so that most updates need no allocation. */
static cJSON *
new_meta(void)
{
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "topic", "");
	cJSON_AddNumberToObject(m, "partition", 0);
	cJSON_AddNumberToObject(m, "offset", 0);
	cJSON_AddStringToObject(m, "tstype", "logappend");
	cJSON_AddNumberToObject(m, "ts", 0);
	cJSON_AddNumberToObject(m, "broker", 0);
	cJSON_AddStringToObject(m, "key", "");
	if (m == NULL || cJSON_GetObjectItemCaseSensitive(m, "key") == NULL) {
		fputs("cdcpivot: out of memory\n", stderr);
		exit(2);
	}
	return m;
}

static void
set_string(cJSON *node, const char *s)
{
	node->type = cJSON_String;
	if (cJSON_SetValuestring(node, s) == NULL) {
		fputs("cdcpivot: out of memory\n", stderr);
		exit(2);
	}
}

/* Text bytes as a string member, or null when they cannot be one (not
 * UTF-8, a NUL byte). */
static void
set_bytes(struct kafkainput *k, cJSON *node, const void *p, size_t n)
{
	if (p == NULL || memchr(p, '\0', n) || utf8_invalid_at(p, n)) {
		node->type = cJSON_NULL; /* keeps its valuestring, freed with the tree */
		return;
	}
	k->text.len = 0;
	buf_append(&k->text, p, n);
	set_string(node, buf_cstr(&k->text));
}

static void
set_headers(struct kafkainput *k, const rd_kafka_message_t *m)
{
	cJSON_DeleteItemFromObjectCaseSensitive(k->meta, "headers");
	rd_kafka_headers_t *hdrs = NULL;
	if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == NULL)
		return;
	cJSON *a = cJSON_CreateArray();
	const char *name;
	const void *val;
	size_t size;
	for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == 0; i++) {
		cJSON *v = cJSON_CreateString("");
		set_bytes(k, v, val, size);
		cJSON_AddItemToArray(a, cJSON_CreateString(name));
		cJSON_AddItemToArray(a, v);
	}
	cJSON_AddItemToObject(k->meta, "headers", a);
}

static void
build_meta(struct kafkainput *k, const rd_kafka_message_t *m)
{
	cJSON *e = k->meta->child; /* in new_meta's order */
	set_string(e, rd_kafka_topic_name(m->rkt));
	cJSON_SetNumberValue(e->next, m->partition);
	e = e->next->next;
	cJSON_SetNumberValue(e, (double)m->offset);
	rd_kafka_timestamp_type_t tt;
	int64_t ts = rd_kafka_message_timestamp(m, &tt);
	set_string(e->next, tt == RD_KAFKA_TIMESTAMP_CREATE_TIME ? "create" :
	        tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME        ? "logappend" :
	                                                          "none");
	cJSON_SetNumberValue(e->next->next, (double)ts);
	cJSON_SetNumberValue(e->next->next->next, rd_kafka_message_broker_id(m));
	set_headers(k, m);
	set_bytes(k, cJSON_GetObjectItemCaseSensitive(k->meta, "key"), m->key, m->key_len);
}

static void
fill_record(struct kafkainput *k, const rd_kafka_message_t *m, struct record *rec)
{
	build_meta(k, m);
	memset(rec, 0, sizeof *rec);
	rec->meta = k->meta;
	rec->p = m->payload;
	rec->len = m->payload != NULL ? m->len : 0;
	rec->no = (unsigned long)m->offset;
	if (m->payload != NULL && m->len > k->cfg.max_bytes) {
		rec->oversize = 1;
		rec->p = NULL;
		rec->len = 0;
	}
	snprintf(k->where, sizeof k->where, "%s[%" PRId32 "]", rd_kafka_topic_name(m->rkt), m->partition);
	rec->where = k->where;
}

/* --exit-at-end: every assigned partition has reported its end since its
 * last record (the end is kept in the partition's err field). */
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
	    rd_kafka_topic_partition_list_find(k->assigned, rd_kafka_topic_name(m->rkt), m->partition);
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
	rd_kafka_message_t *m = rd_kafka_consumer_poll(k->rk, ms);
	if (m == NULL || !m->err)
		return m;
	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		mark_end(k, m, RD_KAFKA_RESP_ERR__PARTITION_EOF);
	} else if (m->err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || k->cfg.kafka->group == NULL) {
		diag_error(k->diag, "kafka: warning: %s", rd_kafka_message_errstr(m));
	}
	rd_kafka_message_destroy(m);
	return NULL;
}

int
kafkainput_next(struct kafkainput *k, struct record *rec)
{
	if (k->msg != NULL) {
		rd_kafka_message_destroy(k->msg);
		k->msg = NULL;
	}
	int idle = 0;
	for (;;) {
		ack(k, 0);
		reconfirm(k);
		if (k->fatal)
			return -1;
		if (stopping(k, idle) || (k->cfg.kafka->exit_at_end && at_end(k)))
			return 0;
		rd_kafka_message_t *m = poll_once(k, idle ? POLL_MS : 0);
		if (m != NULL) {
			k->msg = m;
			mark_end(k, m, RD_KAFKA_RESP_ERR_NO_ERROR);
			fill_record(k, m, rec);
			return 1;
		}
		if (!idle && k->cfg.idle != NULL)
			k->cfg.idle(k->cfg.idle_ctx); /* rows out before waiting */
		if (!idle)
			ack(k, 1);
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
	k->q[k->qlen++] = (struct inflight){intern(k, rd_kafka_topic_name(k->msg->rkt)),
	    k->msg->partition, k->msg->offset, k->out->events_committed};
}

int
kafkainput_close(struct kafkainput *k)
{
	if (k == NULL)
		return 0;
	if (k->msg != NULL)
		rd_kafka_message_destroy(k->msg);
	if (k->rk != NULL) {
		drain(k);
		if (k->cfg.kafka->group != NULL && !k->failed && is_eos(k)) {
			reconfirm(k);
			if (!k->unconfirmed)
				save_checkpoint(k, 1); /* records that the group has it all */
		} else if (k->cfg.kafka->group != NULL && !k->failed) {
			rd_kafka_resp_err_t err = rd_kafka_commit(k->rk, NULL, 0);
			if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
				diag_error(k->diag,
				    "kafka: warning: final commit: %s (records since the last commit are read again)",
				    rd_kafka_err2str(err));
		}
		rd_kafka_consumer_close(k->rk); /* revokes: drains and commits again */
		rd_kafka_destroy(k->rk);
	}
	int rc = k->failed ? -1 : 0;
	if (k->assigned != NULL)
		rd_kafka_topic_partition_list_destroy(k->assigned);
	for (size_t i = 0; i < k->ntopics; i++)
		free(k->topics[i]);
	free(k->topics);
	free(k->q);
	buf_free(&k->text);
	cJSON_Delete(k->meta);
	checkpoint_free(&k->done);
	checkpoint_free(&k->confirmed);
	checkpoint_free(&k->starts);
	free(k);
	return rc;
}
