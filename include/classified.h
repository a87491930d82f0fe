#ifndef CDCPIVOT_CLASSIFIED_H
#define CDCPIVOT_CLASSIFIED_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct schema_cache;
struct schema_entry;

/* What the envelope stage hands forward (envelope.h): one input record,
 * classified. A type of its own, apart from the parser, so that the
 * parser's parts (changeevent.h, mongodb.h, envbuild.h) and the stages
 * after it share it without depending on the parser. */

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

#endif
