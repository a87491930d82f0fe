#ifndef CDCPIVOT_KAFKASESSION_H
#define CDCPIVOT_KAFKASESSION_H

#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "checkpoint.h"
#include "kafkaapi.h"
#include "kafkainput.h"
#include "kafkarecord.h"
#include "state.h"

/* The inside of kafkainput.h, shared by the modules that make it up:
 *   kafkainput.c     the consumer: configuration, polling, stop signals;
 *   kafkaprogress.c  acknowledging written records: stored offsets,
 *                    commits, the --output FILE checkpoint and its repair;
 *   kafkarebalance.c partitions coming and going;
 *   kafkarecord.c    a record as a kcat -J line. */

enum {
	KAFKA_WAIT_MS = 10000, /* for the group's committed offsets, metadata */
	/* --state changes waiting for the output before it is flushed for
	 * them (and the checkpoint written, the state with it) */
	KAFKA_STATE_STAGED = 4096,
	KAFKA_STATE_BYTES = 16 * 1024 * 1024
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
	struct kafka_api api;        /* librdkafka's functions */
	rd_kafka_t *rk;
	rd_kafka_message_t *msg;     /* the record in hand */
	struct kafkarecord rec;      /* its kcat -J fields, reused record to record */
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
	struct state *state;         /* --state, or NULL */
	int committed_known;         /* the last choose_starts() knew them */
};

/* Exactly once into FILE: a checkpoint is kept. */
static inline int
kafka_is_eos(const struct kafkainput *k)
{
	return k->cfg.checkpoint != NULL;
}

/* kafkaprogress.c */
void kafka_take_written(struct kafkainput *k);
void kafka_reconfirm(struct kafkainput *k);
int kafka_save_checkpoint(struct kafkainput *k, int force);
void kafka_ack(struct kafkainput *k, int force);
void kafka_drain(struct kafkainput *k);
int kafka_restore_file(struct kafkainput *k);
int kafka_apply_state(struct kafkainput *k);

/* kafkarebalance.c */
void kafka_assign(struct kafkainput *k, rd_kafka_topic_partition_list_t *parts, int cooperative);
void kafka_claim(struct kafkainput *k, const char *topic, int32_t partition, int64_t start);
void kafka_on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
    rd_kafka_topic_partition_list_t *parts, void *opaque);

#endif
