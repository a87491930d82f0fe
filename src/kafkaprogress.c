#include "kafkasession.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Acknowledging: a record's position moves into the checkpoint, the
 * stored offsets and the group's commits only once its rows are written. */

void
kafka_take_written(struct kafkainput *k)
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
	rd_kafka_topic_partition_list_t *l = k->api.topic_partition_list_new(k->assigned->cnt + 1);
	for (int i = 0; i < k->assigned->cnt; i++) {
		rd_kafka_topic_partition_t *a = &k->assigned->elems[i];
		int64_t next = checkpoint_get(&k->done, a->topic, a->partition);
		if (next >= 0 && (all || next > a->offset)) {
			k->api.topic_partition_list_add(l, a->topic, a->partition)->offset = next;
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
	rd_kafka_resp_err_t err = l->cnt > 0 ? k->api.commit(k->rk, l, 0) : 0;
	if (err == RD_KAFKA_RESP_ERR__NO_OFFSET)
		err = 0;
	if (err && !k->unconfirmed)
		diag_error(k->diag, "kafka: warning: commit refused (%s): trying again", k->api.err2str(err));
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
		rd_kafka_resp_err_t err = k->api.offsets_store(k->rk, l);
		if (err && err != RD_KAFKA_RESP_ERR__STATE)
			diag_error(k->diag, "kafka: storing offsets: %s", k->api.err2str(err));
		if (kafka_is_eos(k))
			confirm(k, l);
	}
	k->api.topic_partition_list_destroy(l);
}

/* Tries again to commit what the checkpoint holds. */
void
kafka_reconfirm(struct kafkainput *k)
{
	if (!k->unconfirmed || k->assigned == NULL)
		return;
	rd_kafka_topic_partition_list_t *l = done_positions(k, 1);
	confirm(k, l);
	k->api.topic_partition_list_destroy(l);
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

/* --state: the changes of every record the output holds go to the store,
 * with the partitions' progress, right before those positions are
 * recorded (checkpoint) or stored (offsets): so the store and the file's
 * checkpoint name the same offsets but for a process killed between the
 * two writes (state.h: the partition's images are then dropped). */
int
kafka_apply_state(struct kafkainput *k)
{
	if (k->state == NULL || state_apply(k->state, output_written(k->out)) == 0)
		return 0;
	diag_error(k->diag, "--state: %s", state_error(k->state));
	k->failed = k->fatal = 1;
	return -1;
}

/* Writes the checkpoint when the file grew (or always, with force, when
 * anything moved). Returns 1 when the positions may now be stored. */
int
kafka_save_checkpoint(struct kafkainput *k, int force)
{
	struct stat st;
	if (fstat(k->out->fd, &st) < 0) {
		diag_error(k->diag, "%s: %s", k->cfg.checkpoint, strerror(errno));
		k->failed = k->fatal = 1;
		return 0;
	}
	if (st.st_size == k->done.size && !force)
		return 0; /* only skipped records moved: saved with the next rows */
	if (kafka_apply_state(k) < 0)
		return 0;
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
void
kafka_ack(struct kafkainput *k, int force)
{
	if (k->out->error || k->failed)
		return; /* no position past a failed write */
	kafka_take_written(k);
	if (!k->dirty)
		return;
	if (sync_dead_letter(k) < 0) {
		k->failed = k->fatal = 1;
		return;
	}
	if (kafka_is_eos(k) && !kafka_save_checkpoint(k, force))
		return;
	if (!kafka_is_eos(k) && kafka_apply_state(k) < 0)
		return;
	k->dirty = 0;
	store_offsets(k);
}

/* Everything read so far to the output, acknowledged. */
void
kafka_drain(struct kafkainput *k)
{
	output_flush(k->out);
	kafka_ack(k, 1);
}

/* ---------------------------------------------------------------- at start */

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
	rd_kafka_topic_partition_list_t *c = k->api.topic_partition_list_new((int)k->done.n + 1);
	for (size_t i = 0; i < k->done.n; i++)
		k->api.topic_partition_list_add(c, k->done.e[i].topic, k->done.e[i].partition);
	rd_kafka_resp_err_t err = k->api.committed(k->rk, c, KAFKA_WAIT_MS);
	if (!err && group_has(k, &k->confirmed, c)) {
		checkpoint_copy(&k->done, &k->confirmed);
	} else if (err || !group_has(k, &k->done, c)) {
		diag_error(k->diag,
		    "%s: warning: the group's committed offsets are neither this file's last ones nor the ones before (%s): keeping the file",
		    k->cfg.checkpoint, err ? k->api.err2str(err) : "another member went on");
	}
	k->api.topic_partition_list_destroy(c);
}

/* The output file is what the checkpoint says it is: rows written after
 * the last checkpoint belong to records that will be read again. */
int
kafka_restore_file(struct kafkainput *k)
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

