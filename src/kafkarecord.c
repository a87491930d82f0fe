#include "kafkarecord.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

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
set_bytes(struct kafkarecord *k, cJSON *node, const void *p, size_t n)
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
set_headers(struct kafkarecord *k, const rd_kafka_message_t *m)
{
	if (k->key->next != NULL) /* the last record's headers, after "key" */
		cJSON_DeleteItemFromObjectCaseSensitive(k->meta, "headers");
	rd_kafka_headers_t *hdrs = NULL;
	if (k->api->message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == NULL)
		return;
	cJSON *a = cJSON_CreateArray();
	const char *name;
	const void *val;
	size_t size;
	for (size_t i = 0; k->api->header_get_all(hdrs, i, &name, &val, &size) == 0; i++) {
		cJSON *v = cJSON_CreateString("");
		set_bytes(k, v, val, size);
		cJSON_AddItemToArray(a, cJSON_CreateString(name));
		cJSON_AddItemToArray(a, v);
	}
	cJSON_AddItemToObject(k->meta, "headers", a);
}

static void
build_meta(struct kafkarecord *k, const rd_kafka_message_t *m, int headers)
{
	cJSON *e = k->meta->child; /* in new_meta's order */
	set_string(e, k->api->topic_name(m->rkt));
	cJSON_SetNumberValue(e->next, m->partition);
	e = e->next->next;
	cJSON_SetNumberValue(e, (double)m->offset);
	rd_kafka_timestamp_type_t tt;
	int64_t ts = k->api->message_timestamp(m, &tt);
	set_string(e->next, tt == RD_KAFKA_TIMESTAMP_CREATE_TIME ? "create" :
	        tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME        ? "logappend" :
	                                                          "none");
	cJSON_SetNumberValue(e->next->next, (double)ts);
	cJSON_SetNumberValue(e->next->next->next, k->api->message_broker_id(m));
	if (headers)
		set_headers(k, m);
	set_bytes(k, k->key, m->key, m->key_len);
}

void
kafkarecord_fill(struct kafkarecord *k, const rd_kafka_message_t *m, size_t max_bytes,
    int headers, struct record *rec)
{
	build_meta(k, m, headers);
	memset(rec, 0, sizeof *rec);
	rec->meta = k->meta;
	rec->p = m->payload;
	rec->len = m->payload != NULL ? m->len : 0;
	rec->no = (unsigned long)m->offset;
	if (m->payload != NULL && m->len > max_bytes) {
		rec->oversize = 1;
		rec->p = NULL;
		rec->len = 0;
	}
	/* The same partition record after record: its name is formatted once
	 * (snprintf cost a fifth of taking a record). librdkafka keeps a
	 * topic's name for the life of its handle. */
	const char *topic = k->api->topic_name(m->rkt);
	if (topic != k->where_topic || m->partition != k->where_partition) {
		snprintf(k->where, sizeof k->where, "%s[%" PRId32 "]", topic, m->partition);
		k->where_topic = topic;
		k->where_partition = m->partition;
	}
	rec->where = k->where;
}

/* --exit-at-end: every assigned partition has reported its end since its
 * last record (the end is kept in the partition's err field). */

void
kafkarecord_init(struct kafkarecord *kr, const struct kafka_api *api)
{
	memset(kr, 0, sizeof *kr);
	kr->api = api;
	buf_init(&kr->text);
	kr->meta = new_meta();
	kr->key = cJSON_GetObjectItemCaseSensitive(kr->meta, "key");
}

void
kafkarecord_free(struct kafkarecord *kr)
{
	buf_free(&kr->text);
	cJSON_Delete(kr->meta);
	kr->meta = NULL;
}
