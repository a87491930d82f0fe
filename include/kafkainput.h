#ifndef CDCPIVOT_KAFKAINPUT_H
#define CDCPIVOT_KAFKAINPUT_H

#include <signal.h>
#include <stdio.h>

#include "diag.h"
#include "options.h"
#include "output.h"
#include "record.h"

/* Records read from Kafka with librdkafka: a consumer-group member
 * (--group) or a reader of every partition from the beginning.
 *
 * An offset is acknowledged only once every row of its record is on the
 * output's descriptor (and, with the output's sync, on disk): the caller
 * calls kafkainput_handled() after output_commit() of each record, and the
 * input compares the commit's number with output_commits_written().
 * enable.auto.offset.store is off; acknowledged offsets are stored and so
 * committed by librdkafka's auto-commit, and synchronously when partitions
 * are revoked and at the end.
 *
 * With a checkpoint path (--output FILE, a regular file: FILE.offsets),
 * the file is the source of truth instead: every acknowledgement that
 * grows the file writes the checkpoint (checkpoint.h) with the file's size
 * and positions before the offsets are stored and committed; at open the
 * file is cut back to the checkpoint's size, and on every assignment each
 * partition starts at the file's position (or at the group's committed
 * offset when that is further: another member has written those records).
 * A member killed at any moment and restarted holds every row once. */

struct kafkainput;

/* Called when the input is about to wait for records: write what is
 * pending (the pipeline's on_idle). */
typedef void kafkainput_idle_fn(void *ctx);

struct kafkainput_config {
	const struct kafka_options *kafka;
	const char *checkpoint;  /* FILE.offsets, or NULL */
	int sync;                /* --fsync: checkpoint and dead letters too */
	size_t max_bytes;        /* --max-line-bytes: longer values are rejected */
	FILE *dead_letter;       /* fsync'ed before offsets with sync, or NULL */
	const volatile sig_atomic_t *stop;
	const sigset_t *wait_mask; /* stop signals are let in between polls */
	kafkainput_idle_fn *idle;
	void *idle_ctx;
	int quiet;               /* -q: no lines for partitions assigned and revoked */
	int headers;             /* records carry their headers (--state reads
	                          * them): librdkafka parses them on demand, at
	                          * a sixth of the cost of a record */
};

/* Creates the consumer, reads the checkpoint and cuts out->fd back to it,
 * subscribes (or assigns). Messages go to d. Returns NULL on failure. */
struct kafkainput *kafkainput_open(const struct kafkainput_config *cfg, struct output *out,
    struct diag *d);

/* The next record in *rec (valid until the next call). Returns 1, 0 at
 * the end (a stop signal, or --exit-at-end with every partition read), -1
 * on a fatal error (said through d). */
int kafkainput_next(struct kafkainput *k, struct record *rec);

/* The record from the last kafkainput_next() has been committed to the
 * output (output_commit), rejected records included. */
void kafkainput_handled(struct kafkainput *k);

/* --state (state.h): the records' changes reach the store with their
 * partitions' progress when their positions are recorded; a partition
 * that comes keeps its images only if they are of the offset it starts at
 * (state_claim), and images of partitions not held are not seen. Set once,
 * after kafkainput_open(): partitions assigned already are claimed now. */
struct state;
void kafkainput_set_state(struct kafkainput *k, struct state *st);

/* Flushes the output, acknowledges what it holds, commits synchronously,
 * leaves the group and frees k. Returns 0, or -1 if the final
 * checkpoint or commit failed. */
int kafkainput_close(struct kafkainput *k);

#endif
