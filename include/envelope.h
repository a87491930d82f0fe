#ifndef CDCPIVOT_ENVELOPE_H
#define CDCPIVOT_ENVELOPE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "classified.h"

/* One input line -> one classified Kafka record.
 *
 * A line is auto-detected as: a JsonConverter value with schemas enabled
 * ({"schema":...,"payload":...}) or disabled (the bare payload), a
 * key<TAB>value line as printed by kafka-console-consumer or kcat -K'\t', or
 * a kcat -J record ({"topic":...,"key":...,"payload":"<json text>"}), or
 * Debezium's CloudEvents form ({"specversion":...,"iodebeziumop":...,
 * "data":...}), whose iodebezium* attributes stand in for "source". The
 * record value is then a change event (ops c, r, u, d), a record that is
 * skipped and counted (tombstones, heartbeats, transaction metadata,
 * truncate and logical-message events, console banner lines), or rejected
 * with a reason: a struct envelope (classified.h). */

/* Classifies line[0..len). The line must stay unchanged and allocated until
 * envelope_clear(), because number nodes point into it. Always call
 * envelope_clear() afterwards, whatever the kind. */
void envelope_parse(struct envelope *env, const char *line, size_t len);

/* The same, recognising repeated schemas through cache (see schemacache.h)
 * instead of parsing them again. env->schema then points into the cache
 * and stays valid until the next call with the same cache. */
struct schema_cache;
void envelope_parse_cached(struct envelope *env, struct schema_cache *cache, const char *line,
    size_t len);

/* A Kafka record read by cdcpivot itself (kafkainput.h), classified as the
 * same record printed by kcat -J would be. record is an object with kcat
 * -J's fields (topic, partition, offset, tstype, ts, broker, headers, key
 * as a string or null; no payload), owned by the caller; it becomes
 * env->record, and its key env->key. value[0..len) is the record value,
 * NULL for none (a tombstone). Both must stay unchanged until
 * envelope_clear(). */
void envelope_parse_record(struct envelope *env, struct schema_cache *cache, const cJSON *record,
    const char *value, size_t len);
void envelope_clear(struct envelope *env);

#endif
