#ifndef CDCPIVOT_KAFKARECORD_H
#define CDCPIVOT_KAFKARECORD_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <librdkafka/rdkafka.h>

#include "buf.h"
#include "kafkaapi.h"
#include "record.h"

/* A Kafka record as the pipeline takes it: the value as the line, and the
 * record's own fields (topic, partition, offset, tstype, ts, broker, key,
 * headers) as kcat -J prints them, for --meta and the default ids.
 *
 * One tree serves the whole run, updated in place for each record, so
 * that a record costs no allocation in the common case. */
struct kafkarecord {
	const struct kafka_api *api; /* librdkafka's functions */
	cJSON *meta;       /* the kcat -J fields without the payload */
	cJSON *key;        /* its "key" member */
	struct buf text;   /* scratch for the key and header values */
	char where[300];   /* "topic[partition]" for messages */
	const char *where_topic;  /* the topic and partition where names, */
	int32_t where_partition;  /* formatted again only when they change */
};

void kafkarecord_init(struct kafkarecord *kr, const struct kafka_api *api);
void kafkarecord_free(struct kafkarecord *kr);

/* Fills rec from m (both stay valid until m is destroyed or the next
 * call). A value longer than max_bytes is dropped: rec->oversize. The
 * record has a "headers" member only when headers is set and m has
 * headers. */
void kafkarecord_fill(struct kafkarecord *kr, const rd_kafka_message_t *m, size_t max_bytes,
    int headers, struct record *rec);

#endif
