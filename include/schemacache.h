#ifndef CDCPIVOT_SCHEMACACHE_H
#define CDCPIVOT_SCHEMACACHE_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct fastjson_shape;

/* With schemas.enable=true every message of a topic repeats the same
 * ~2 KB "schema" object, about 80 % of the bytes. Parsing it again for every
 * message would dominate the run, so a schema is recognised by its bytes
 * (one memcmp against the last schema seen, else a hash of its bytes) and
 * parsed once. A topic regex over a database carries hundreds of tables,
 * each with a value and a key schema, so the cache holds thousands of
 * entries; it is bounded by both a number of entries and the bytes of
 * schema text they hold, and lookups cost the same at any size. */

struct schema_entry {
	char *bytes;           /* the schema's JSON text, owned */
	size_t len;
	cJSON *schema;         /* parsed from bytes (numbers point into bytes);
	                          NULL for "schema":null */
	struct fastjson_shape *shape; /* its payloads' member names, for
	                                 fastjson (payloadshape.h), or NULL:
	                                 see schema_cache_shape() */
	int shaped;            /* shape was built (it may still be NULL) */
	unsigned long hits;    /* lookups that found it, its adding included */
	void *derived;         /* what a later stage derived from it, or NULL */
	void (*free_derived)(void *);
	unsigned long used;    /* for least-recently-used eviction */
};

struct schema_cache;

/* At most max_entries schemas and max_bytes bytes of their text (0: no
 * byte bound); the least recently used is evicted first. */
struct schema_cache *schema_cache_new(size_t max_entries, size_t max_bytes);
void schema_cache_free(struct schema_cache *c);

/* The entry whose bytes are a prefix of text[0..len) followed by a byte
 * that can end a JSON value (',' '}' or blank), or NULL. */
struct schema_entry *schema_cache_match(struct schema_cache *c, const char *text, size_t len);

/* The same, in two steps for a caller that can guess where the schema
 * ends: _recent tries only the last two schemas found (a key and a value
 * schema, one memcmp each); _find the entry whose bytes are exactly
 * text[0..n), followed in text[0..len) by a byte that can end a JSON
 * value, which saves finding the end of the schema by its brackets. */
struct schema_entry *schema_cache_recent(struct schema_cache *c, const char *text, size_t len);
struct schema_entry *schema_cache_find(struct schema_cache *c, const char *text, size_t n,
    size_t len);

/* The entry whose bytes are text[0..n), for n the length of one of the
 * last SCHEMA_CACHE_LENGTHS distinct-length schemas hit, where text[n..len)
 * starts with follow[0..nfollow); NULL when none. For a caller that knows
 * what follows a schema: when tables interleave, every message's schema is
 * another than the last's, but its length is one of a few, and trying
 * those costs less than searching the text for where the schema ends. */
#define SCHEMA_CACHE_LENGTHS 8
struct schema_entry *schema_cache_guess(struct schema_cache *c, const char *text, size_t len,
    const char *follow, size_t nfollow);

/* Copies text[0..len), parses it and stores it, evicting the least recently
 * used entry when full. Returns NULL if the text is not one valid JSON
 * object or null. The entry stays valid until it is evicted by a later
 * schema_cache_add() or the cache is freed. */
struct schema_entry *schema_cache_add(struct schema_cache *c, const char *text, size_t len);

/* The shape of e's payloads (payloadshape.h), built at e's second hit and
 * kept with it: a schema seen once (a stream whose every message has a
 * schema of its own) costs no shape. NULL before, and for a schema that
 * is not a struct. */
const struct fastjson_shape *schema_cache_shape(struct schema_entry *e);

/* Length of the JSON value starting at p (object, array, string or bare
 * literal), found by matching brackets outside strings, without validating
 * it; 0 if it does not end within len bytes. */
size_t json_value_extent(const char *p, size_t len);

#endif
