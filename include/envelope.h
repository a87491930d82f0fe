#ifndef CDCPIVOT_ENVELOPE_H
#define CDCPIVOT_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct schema_entry;

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
 * with a reason. */

enum envelope_kind { ENVELOPE_CHANGE, ENVELOPE_SKIP, ENVELOPE_REJECT, ENVELOPE_FATAL };

/* ENVELOPE_FATAL: memory ran out while the line was parsed (the JSON arena
 * in force recorded a failed allocation, see jsonarena_failed()), so
 * nothing about the line can be trusted; reason says so. The run must
 * stop with exit status 2; the line is neither rejected nor counted. */

enum envelope_skip {
	SKIP_TOMBSTONE, /* empty line, null, {"schema":null,"payload":null} */
	SKIP_BANNER,    /* first non-blank character is not '{' */
	SKIP_HEARTBEAT,
	SKIP_TXMETA,    /* transaction BEGIN/END */
	SKIP_TRUNCATE,  /* op t */
	SKIP_MESSAGE,   /* op m */
	SKIP_SCHEMA,    /* schema change (DDL) events, no row image */
	SKIP_KINDS
};
/* Change events that a later stage leaves out (another --table, a
 * duplicate) are counted where that is decided: see tally.h. */

extern const char *const envelope_skip_names[SKIP_KINDS];

struct envelope {
	enum envelope_kind kind;
	enum envelope_skip skip; /* when kind == ENVELOPE_SKIP */
	char reason[192];        /* when kind == ENVELOPE_REJECT or ENVELOPE_FATAL */

	/* For ENVELOPE_CHANGE; the pointers are into trees owned by the
	 * envelope and stay valid until envelope_clear(). */
	char op;                 /* 'c', 'r', 'u' or 'd' */
	const cJSON *before;     /* object, or NULL when absent or null */
	const cJSON *after;      /* object, or NULL when absent or null */
	const cJSON *source;     /* object or NULL */
	const cJSON *payload;    /* the event object itself */
	const cJSON *schema;     /* the value schema when schemas are on */
	const cJSON *key;        /* the record key as an object, or NULL */
	const cJSON *record;     /* the kcat -J record, or NULL */
	int has_ts;
	int64_t ts_ms;           /* source commit time, else envelope ts_ms */
	/* The table the source names: "schema.table", else "db.table", else
	 * "table" (or MongoDB's collection), cut to fit; "" when it names
	 * none. Worked out once, for every stage that names the table. */
	char table[256];
	size_t table_len;

	/* MongoDB (source.connector "mongodb"). A delete carries no before
	 * image: before is then built from the record key's "id" (or "_id"),
	 * else from the 1.x "filter", as {"_id": <the id>}, and key_only is
	 * set: only the key is known, as for a relational REPLICA IDENTITY
	 * DEFAULT delete. An update's updateDescription (2.x) says which
	 * top-level fields changed: mongo_update is set and updated,
	 * removed and truncated hold its updatedFields object (parsed from
	 * its JSON text), removedFields and truncatedArrays arrays, or NULL. */
	int mongodb;
	int key_only;
	int mongo_update;
	const cJSON *updated;
	const cJSON *removed;
	const cJSON *truncated;

	cJSON *trees[10];
	struct schema_cache *cache;         /* may be NULL */
	struct schema_entry *schema_entry;  /* the cached schema, when used */
};

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
