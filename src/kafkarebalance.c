#include "kafkasession.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Partitions coming and going: where each one starts, and what is written,
 * committed or cut back before one leaves. */

/* An assign, revoke or lost line: what -q silences (warnings stay). */
static void note(struct kafkainput *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(struct kafkainput *k, const char *fmt, ...)
{
	if (k->cfg.quiet)
		return;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	diag_error(k->diag, "%s", line);
}

/* Where each newly assigned partition starts: with a checkpoint, at the
 * file's own position, unless the group has committed a later one (another
 * member wrote those records to its own file). */
static void
choose_starts(struct kafkainput *k, rd_kafka_topic_partition_list_t *parts)
{
	int grouped = k->cfg.kafka->group != NULL;
	k->committed_known = !grouped;
	if (grouped && (kafka_is_eos(k) || k->state != NULL)) {
		rd_kafka_resp_err_t err = k->api.committed(k->rk, parts, KAFKA_WAIT_MS);
		k->committed_known = !err;
		if (err) {
			diag_error(k->diag, "kafka: warning: committed offsets unknown (%s): starting at the file's positions",
			    k->api.err2str(err));
			for (int i = 0; i < parts->cnt; i++)
				parts->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
		}
	}
	for (int i = 0; i < parts->cnt; i++) {
		rd_kafka_topic_partition_t *p = &parts->elems[i];
		int64_t own = kafka_is_eos(k) ? checkpoint_get(&k->done, p->topic, p->partition) : -1;
		if (!grouped)
			p->offset = own >= 0 ? own : RD_KAFKA_OFFSET_BEGINNING;
		else if (own >= 0 && (p->offset < 0 || own > p->offset))
			p->offset = own;
		else if (!kafka_is_eos(k) && k->state == NULL)
			p->offset = RD_KAFKA_OFFSET_INVALID; /* the committed offset */
	}
}

/* --state: the partition's images are kept only if they are of the offset
 * it starts at (state.h). */
void
kafka_claim(struct kafkainput *k, const char *topic, int32_t partition, int64_t start)
{
	int64_t was;
	long long dropped;
	int rc = state_claim(k->state, topic, partition, start, &was, &dropped);
	if (rc < 0) {
		diag_error(k->diag, "--state: %s", state_error(k->state));
		k->failed = k->fatal = 1;
	} else if (rc == 0 && dropped > 0) {
		char at[64] = "an unknown offset";
		if (start >= 0)
			snprintf(at, sizeof at, "offset %" PRId64, start);
		char of[64] = "of no recorded offset";
		if (was >= 0)
			snprintf(of, sizeof of, "of offset %" PRId64, was);
		diag_error(k->diag,
		    "--state: %s[%" PRId32 "] starts at %s, its %lld row images in the state are %s: dropped (the old values of its rows are unknown until each row's next image)",
		    topic, partition, at, dropped, of);
	}
}

/* Where a partition starts, for kafka_claim(): its offset, 0 for the
 * beginning (and for a group without a committed offset: earliest), -1
 * when it is the group's committed offset and that is not known. */
static int64_t
claim_start(const struct kafkainput *k, const rd_kafka_topic_partition_t *p)
{
	if (p->offset >= 0)
		return p->offset;
	if (p->offset == RD_KAFKA_OFFSET_BEGINNING || (k->committed_known && !p->err))
		return 0;
	return -1;
}

static void
remember_assigned(struct kafkainput *k, const rd_kafka_topic_partition_list_t *parts)
{
	if (k->assigned == NULL)
		k->assigned = k->api.topic_partition_list_new(parts->cnt);
	for (int i = 0; i < parts->cnt; i++) {
		const rd_kafka_topic_partition_t *p = &parts->elems[i];
		if (k->api.topic_partition_list_find(k->assigned, p->topic, p->partition) == NULL)
			k->api.topic_partition_list_add(k->assigned, p->topic, p->partition)->offset = -1;
		/* at the end until a record or the end of it says otherwise: see at_end() */
		k->api.topic_partition_list_find(k->assigned, p->topic, p->partition)->err =
		    RD_KAFKA_RESP_ERR_NO_ERROR;
	}
}

static void
forget_assigned(struct kafkainput *k, const rd_kafka_topic_partition_list_t *parts)
{
	for (int i = 0; k->assigned != NULL && i < parts->cnt; i++)
		k->api.topic_partition_list_del(k->assigned, parts->elems[i].topic, parts->elems[i].partition);
}

void
kafka_assign(struct kafkainput *k, rd_kafka_topic_partition_list_t *parts, int cooperative)
{
	choose_starts(k, parts);
	for (int i = 0; k->state != NULL && i < parts->cnt; i++)
		kafka_claim(k, parts->elems[i].topic, parts->elems[i].partition, claim_start(k, &parts->elems[i]));
	remember_assigned(k, parts);
	for (int i = 0; i < parts->cnt; i++)
		if (parts->elems[i].offset >= 0)
			checkpoint_set(&k->starts, parts->elems[i].topic, parts->elems[i].partition,
			    parts->elems[i].offset);
	for (int i = 0; i < parts->cnt; i++) {
		const rd_kafka_topic_partition_t *p = &parts->elems[i];
		if (p->offset >= 0)
			note(k, "kafka: assigned %s[%" PRId32 "] from offset %" PRId64, p->topic,
			    p->partition, p->offset);
		else
			note(k, "kafka: assigned %s[%" PRId32 "] from the %s", p->topic, p->partition,
			    p->offset == RD_KAFKA_OFFSET_BEGINNING ? "beginning" : "committed offset");
	}
	rd_kafka_error_t *e = NULL;
	rd_kafka_resp_err_t err = 0;
	if (cooperative)
		e = k->api.incremental_assign(k->rk, parts);
	else
		err = k->api.assign(k->rk, parts);
	if (e != NULL || err) {
		diag_error(k->diag, "kafka: kafka_assign: %s", e ? k->api.error_string(e) : k->api.err2str(err));
		k->fatal = 1;
	}
	if (e != NULL)
		k->api.error_destroy(e);
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
	if (!kafka_is_eos(k) || k->cfg.kafka->group == NULL || (!k->unconfirmed && !k->api.assignment_lost(k->rk)))
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
	rd_kafka_topic_partition_list_t *again = k->api.topic_partition_list_new(k->assigned->cnt + 1);
	for (int i = 0; i < k->assigned->cnt; i++) {
		rd_kafka_topic_partition_t *a = &k->assigned->elems[i];
		if (k->api.topic_partition_list_find(leaving, a->topic, a->partition) != NULL)
			continue;
		int64_t at = checkpoint_get(&k->done, a->topic, a->partition);
		if (at < 0)
			at = checkpoint_get(&k->starts, a->topic, a->partition);
		if (at < 0)
			at = RD_KAFKA_OFFSET_BEGINNING; /* nothing committed when it came */
		a->offset = at;
		k->api.topic_partition_list_add(again, a->topic, a->partition)->offset = at;
		if (k->state != NULL)
			kafka_claim(k, a->topic, a->partition, at >= 0 ? at : 0);
	}
	if (again->cnt > 0) {
		k->api.offsets_store(k->rk, again);
		rd_kafka_error_t *e = k->api.seek_partitions(k->rk, again, KAFKA_WAIT_MS);
		if (e != NULL) {
			diag_error(k->diag, "kafka: seek: %s", k->api.error_string(e));
			k->api.error_destroy(e);
			k->fatal = 1;
		}
	}
	k->api.topic_partition_list_destroy(again);
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
	int lost = k->api.assignment_lost(k->rk);
	if (!lost) {
		kafka_drain(k);
		kafka_reconfirm(k);
		if (!kafka_is_eos(k)) {
			rd_kafka_resp_err_t err = k->api.commit(k->rk, NULL, 0);
			if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
				diag_error(k->diag, "kafka: warning: commit before revoke: %s", k->api.err2str(err));
		}
	} else if (kafka_is_eos(k)) {
		output_flush(k->out);
		kafka_take_written(k);
		kafka_save_checkpoint(k, 1);
	}
	roll_back(k, parts);
	if (cooperative)
		k->unconfirmed = 0; /* the partitions that stay are committed anew */
	for (int i = 0; i < parts->cnt; i++)
		note(k, "kafka: %s %s[%" PRId32 "]", lost ? "lost" : "revoked", parts->elems[i].topic,
		    parts->elems[i].partition);
	for (int i = 0; k->state != NULL && i < parts->cnt; i++)
		state_release(k->state, parts->elems[i].topic, parts->elems[i].partition);
	forget_assigned(k, parts);
	if (cooperative) {
		rd_kafka_error_t *e = k->api.incremental_unassign(k->rk, parts);
		if (e != NULL)
			k->api.error_destroy(e);
	} else {
		k->api.assign(k->rk, NULL);
	}
}

void
kafka_on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
    void *opaque)
{
	struct kafkainput *k = opaque;
	int cooperative = strcmp(k->api.rebalance_protocol(rk), "COOPERATIVE") == 0;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
		kafka_assign(k, parts, cooperative);
	else
		revoke(k, parts, cooperative);
}
