#include "envelope.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonarena.h"
#include "jsonval.h"
#include "schemacache.h"
#include "timefmt.h"
#include "utf8.h"

const char *const envelope_skip_names[SKIP_KINDS] = {
	"tombstone", "banner", "heartbeat", "transaction", "truncate", "message", "schema change",
};

static void reject(struct envelope *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
reject(struct envelope *env, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(env->reason, sizeof env->reason, fmt, ap);
	va_end(ap);
	env->kind = ENVELOPE_REJECT;
}

static void
skip(struct envelope *env, enum envelope_skip why)
{
	env->kind = ENVELOPE_SKIP;
	env->skip = why;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static cJSON *
keep(struct envelope *env, cJSON *tree)
{
	for (size_t i = 0; i < sizeof env->trees / sizeof env->trees[0]; i++) {
		if (env->trees[i] == NULL) {
			env->trees[i] = tree;
			return tree;
		}
	}
	cJSON_Delete(tree); /* cannot happen: at most ten trees per line */
	return NULL;
}

static const char *
type_name(const cJSON *v)
{
	switch (v->type & 0xff) {
	case cJSON_False:
	case cJSON_True: return "a boolean";
	case cJSON_NULL: return "null";
	case cJSON_Number: return "a number";
	case cJSON_String: return "a string";
	case cJSON_Array: return "an array";
	case cJSON_Object: return "an object";
	default: return "invalid";
	}
}

/* Reports a JSON syntax error at a 1-based column of the line. */
static void
reject_syntax(struct envelope *env, const char *what, size_t col, int trailing)
{
	if (trailing)
		reject(env, "%strailing characters after the JSON value at column %zu", what, col);
	else
		reject(env, "%sinvalid JSON near column %zu", what, col);
}

/* The record key: a JSON object (possibly schema-wrapped) gives id columns;
 * anything else counts as no key. */
static void
set_key(struct envelope *env, const cJSON *k)
{
	const cJSON *payload = cJSON_GetObjectItemCaseSensitive(k, "payload");
	if (payload != NULL && cJSON_GetObjectItemCaseSensitive(k, "schema") != NULL)
		k = payload;
	if (cJSON_IsObject(k))
		env->key = k;
}

static void
take_key(struct envelope *env, const char *text, size_t len)
{
	while (len > 0 && is_blank(*text))
		text++, len--;
	while (len > 0 && is_blank(text[len - 1]))
		len--;
	if (len == 0 || text[0] != '{')
		return;
	size_t off;
	int trailing;
	cJSON *k = jsonval_parse(text, len, &off, &trailing);
	if (k != NULL)
		set_key(env, keep(env, k));
}

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

/* A timestamp member in the given unit, converted to milliseconds. */
static int
ts_member(const cJSON *obj, const char *name, int64_t per_ms, int64_t *ms)
{
	int64_t v;
	if (obj == NULL || jsonval_int64(member(obj, name), &v) < 0)
		return 0;
	*ms = timefmt_floordiv(v, per_ms, NULL);
	return 1;
}

/* The commit time: the first of source.ts_ms, ts_us, ts_ns, ts_usec, then
 * the envelope's, that is present and not 0. A 0 is what some readers put
 * in source.ts_ms of snapshot reads, meaning "unknown", not 1970; it is
 * only used when no other time is given. */
static void
find_time(struct envelope *env)
{
	static const struct {
		const char *name;
		int64_t per_ms;
	} units[] = {{"ts_ms", 1}, {"ts_us", 1000}, {"ts_ns", 1000000}, {"ts_usec", 1000}};
	const cJSON *where[2] = {env->source, env->payload};
	for (size_t w = 0; w < 2; w++) {
		for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
			int64_t ms;
			if (!ts_member(where[w], units[u].name, units[u].per_ms, &ms))
				continue;
			if (!env->has_ts || ms != 0) {
				env->has_ts = 1;
				env->ts_ms = ms;
			}
			if (ms != 0)
				return;
		}
	}
}

/* env->table, from the source block (see envelope.h). */
static void
find_table(struct envelope *env)
{
	const cJSON *src = env->source;
	const char *schema = cJSON_GetStringValue(member(src, "schema"));
	const char *db = cJSON_GetStringValue(member(src, "db"));
	const char *table = cJSON_GetStringValue(member(src, "table"));
	if (table == NULL) /* MongoDB names a collection */
		table = cJSON_GetStringValue(member(src, "collection"));
	const size_t n = sizeof env->table;
	int k;
	if (table == NULL || table[0] == '\0')
		k = snprintf(env->table, n, "%s", "");
	else if (schema != NULL && schema[0] != '\0')
		k = snprintf(env->table, n, "%s.%s", schema, table);
	else if (db != NULL && db[0] != '\0')
		k = snprintf(env->table, n, "%s.%s", db, table);
	else
		k = snprintf(env->table, n, "%s", table);
	env->table_len = k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
}

static int
is_mongodb(const struct envelope *env)
{
	const char *c = cJSON_GetStringValue(member(env->source, "connector"));
	return c != NULL && strcmp(c, "mongodb") == 0;
}

/* The 1-based column of a \u0000 escape in line, or 0. An odd run of
 * backslashes before "u0000" makes it an escape; an even one is an escaped
 * backslash followed by text. */
static size_t
escaped_nul(const char *line, size_t len)
{
	/* Backslashes are rare in Debezium lines, so this costs one memchr. */
	const char *p = line, *end = line + len;
	while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		const char *run = p;
		while (p < end && *p == '\\')
			p++;
		if ((p - run) % 2 == 1 && end - p >= 5 && memcmp(p, "u0000", 5) == 0)
			return (size_t)(run - line) + (size_t)(p - run);
	}
	return 0;
}

/* Rejects text (JSON held in a string of the line: a kcat -J payload or
 * key, a MongoDB row image) when it holds an escaped NUL, which cJSON
 * would cut the value at. The line-level check cannot see these: in the
 * line the escape is itself escaped ("\\u0000"). Returns 1 if rejected. */
static int
reject_escaped_nul(struct envelope *env, const char *what, const char *text)
{
	size_t esc = escaped_nul(text, strlen(text));
	if (esc == 0)
		return 0;
	reject(env, "%sescaped NUL (\\u0000) in a string at column %zu, which cannot be kept", what,
	    esc);
	return 1;
}

static int
row_image(struct envelope *env, const char *name, const cJSON **out)
{
	const cJSON *v = member(env->payload, name);
	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v) && is_mongodb(env)) {
		/* Debezium's MongoDB connector sends the document as extended
		 * JSON text; only there is a string image legitimate. */
		char what[16];
		snprintf(what, sizeof what, "\"%s\": ", name);
		if (reject_escaped_nul(env, what, v->valuestring))
			return -1;
		size_t off;
		int trailing;
		cJSON *doc = jsonval_parse(v->valuestring, strlen(v->valuestring), &off, &trailing);
		if (doc != NULL && cJSON_IsObject(doc)) {
			*out = keep(env, doc);
			return 0;
		}
		cJSON_Delete(doc);
		reject(env, "\"%s\" is a string that does not hold a JSON document", name);
		return -1;
	}
	if (!cJSON_IsObject(v)) {
		reject(env, "\"%s\" is %s, not an object or null", name, type_name(v));
		return -1;
	}
	*out = v;
	return 0;
}

/* The document id of a MongoDB record key, {"id": "<extended JSON>"}
 * (or "_id"), as a JSON value: the text parsed when it is JSON, else the
 * string itself. NULL when the key has no id. */
static cJSON *
mongo_key_id(struct envelope *env)
{
	const cJSON *id = member(env->key, "_id");
	if (id == NULL)
		id = member(env->key, "id");
	if (id == NULL || cJSON_IsNull(id))
		return NULL;
	if (cJSON_IsString(id) && id == member(env->key, "id")) {
		size_t off;
		int trailing;
		cJSON *v = jsonval_parse(id->valuestring, strlen(id->valuestring), &off, &trailing);
		if (v != NULL)
			return v;
	}
	if (cJSON_IsString(id))
		return cJSON_CreateString(id->valuestring);
	/* Not cJSON_Duplicate: number nodes hold their literal as a pointer
	 * into the line, without a NUL, which it would copy with strlen. The
	 * id's JSON text prints the same in every format. */
	struct buf text;
	buf_init(&text);
	jsonval_write_json(&text, id);
	cJSON *v = cJSON_CreateString(buf_cstr(&text));
	buf_free(&text);
	return v;
}

/* MongoDB's own event forms (see envelope.h): the record key, the
 * key-only delete, and the update description. Returns -1 after a
 * reject. */
static int
mongo_forms(struct envelope *env)
{
	if (env->key != NULL && member(env->key, "_id") == NULL) {
		/* Debezium names the key's field "id" and writes the document's
		 * _id into it as extended JSON text; as {"_id": <value>} the key
		 * names the column the documents have, so ids agree between
		 * inserts, updates and key-only deletes. */
		cJSON *id = mongo_key_id(env);
		cJSON *k = id != NULL ? cJSON_CreateObject() : NULL;
		if (k != NULL) {
			cJSON_AddItemToObject(k, "_id", id);
			env->key = keep(env, k);
		} else {
			cJSON_Delete(id);
		}
	}
	if (env->op == 'd' && env->before == NULL) {
		cJSON *id = mongo_key_id(env);
		cJSON *image = id != NULL ? cJSON_CreateObject() : NULL;
		if (image != NULL) {
			cJSON_AddItemToObject(image, "_id", id);
			env->before = keep(env, image);
		} else {
			cJSON_Delete(id);
			/* Debezium 1.x: the delete's selection, {"_id": ...}. */
			const cJSON *filter = member(env->payload, "filter");
			if (cJSON_IsString(filter)) {
				if (reject_escaped_nul(env, "\"filter\": ", filter->valuestring))
					return -1;
				size_t off;
				int trailing;
				cJSON *f = jsonval_parse(filter->valuestring, strlen(filter->valuestring), &off,
				    &trailing);
				if (cJSON_IsObject(f) && member(f, "_id") != NULL)
					env->before = keep(env, f);
				else
					cJSON_Delete(f);
			}
		}
		env->key_only = env->before != NULL;
		return 0;
	}
	const cJSON *desc = member(env->payload, "updateDescription");
	if (env->op != 'u' || !cJSON_IsObject(desc))
		return 0;
	const cJSON *upd = member(desc, "updatedFields");
	if (cJSON_IsString(upd)) {
		if (reject_escaped_nul(env, "\"updatedFields\": ", upd->valuestring))
			return -1;
		size_t off;
		int trailing;
		cJSON *u = jsonval_parse(upd->valuestring, strlen(upd->valuestring), &off, &trailing);
		if (!cJSON_IsObject(u)) {
			cJSON_Delete(u);
			reject(env, "\"updatedFields\" is a string that does not hold a JSON document");
			return -1;
		}
		env->updated = keep(env, u);
	} else if (cJSON_IsObject(upd)) {
		env->updated = upd;
	}
	const cJSON *rem = member(desc, "removedFields"), *trunc = member(desc, "truncatedArrays");
	env->removed = cJSON_IsArray(rem) ? rem : NULL;
	env->truncated = cJSON_IsArray(trunc) ? trunc : NULL;
	env->mongo_update = env->updated != NULL || env->removed != NULL || env->truncated != NULL;
	return 0;
}

static void classify_payload(struct envelope *env, const cJSON *payload);

/* Debezium's CloudEventsConverter (structured mode, JSON): the event's
 * "data" holds before/after (possibly schema-wrapped), and the source block
 * is spread over "iodebezium*" attributes. An equivalent payload is built
 * from references, so the rest of the pipeline sees a plain envelope. */
static int
classify_cloudevent(struct envelope *env, const cJSON *doc)
{
	const cJSON *op = member(doc, "iodebeziumop");
	const cJSON *data = member(doc, "data");
	if (member(doc, "specversion") == NULL || op == NULL || data == NULL)
		return 0;
	const cJSON *p = member(data, "payload");
	if (cJSON_IsObject(p) && member(data, "schema") != NULL) {
		if (cJSON_IsObject(member(data, "schema")))
			env->schema = member(data, "schema");
		data = p;
	}
	cJSON *payload = cJSON_CreateObject();
	cJSON *source = cJSON_CreateObject();
	if (payload == NULL || source == NULL) {
		cJSON_Delete(payload);
		cJSON_Delete(source);
		reject(env, "out of memory");
		return 1;
	}
	keep(env, payload);
	static const char prefix[] = "iodebezium";
	for (const cJSON *c = doc->child; c != NULL; c = c->next) {
		if (c->string == NULL || strncmp(c->string, prefix, sizeof prefix - 1) != 0 || c == op)
			continue;
		const char *name = c->string + sizeof prefix - 1;
		/* CloudEvents attribute names are lowercase letters only. */
		if (strcmp(name, "tsms") == 0)
			name = "ts_ms";
		else if (strcmp(name, "tsus") == 0)
			name = "ts_us";
		else if (strcmp(name, "tsns") == 0)
			name = "ts_ns";
		else if (strcmp(name, "txid") == 0)
			name = "txId";
		cJSON_AddItemReferenceToObject(source, name, (cJSON *)c);
	}
	cJSON_AddItemToObject(payload, "source", source);
	cJSON_AddItemReferenceToObject(payload, "op", (cJSON *)op);
	const cJSON *before = member(data, "before"), *after = member(data, "after");
	if (before != NULL)
		cJSON_AddItemReferenceToObject(payload, "before", (cJSON *)before);
	if (after != NULL)
		cJSON_AddItemReferenceToObject(payload, "after", (cJSON *)after);
	classify_payload(env, payload);
	return 1;
}

/* Classifies a record value that is a JSON object: either the JsonConverter
 * wrapper {"schema":...,"payload":...} or the payload itself. */
static void
classify_event(struct envelope *env, const cJSON *doc)
{
	const cJSON *p = member(doc, "payload");
	if (p == NULL && classify_cloudevent(env, doc))
		return;
	if (p == NULL || member(doc, "op") != NULL) {
		classify_payload(env, doc);
		return;
	}
	if (cJSON_IsNull(p)) {
		skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (!cJSON_IsObject(p)) {
		reject(env, "\"payload\" is %s, not an object", type_name(p));
		return;
	}
	const cJSON *s = member(doc, "schema");
	if (cJSON_IsObject(s))
		env->schema = s;
	classify_payload(env, p);
}

/* Classifies the event object itself (the JsonConverter payload). */
static void
classify_payload(struct envelope *env, const cJSON *payload)
{
	env->payload = payload;

	const cJSON *op = member(payload, "op");
	if (op == NULL) {
		const cJSON *status = member(payload, "status");
		const char *name = env->schema ? cJSON_GetStringValue(member(env->schema, "name")) : NULL;
		if (cJSON_IsString(status) && member(payload, "id") != NULL &&
		    (strcmp(status->valuestring, "BEGIN") == 0 || strcmp(status->valuestring, "END") == 0)) {
			skip(env, SKIP_TXMETA);
			return;
		}
		if ((name != NULL && strstr(name, "Heartbeat") != NULL) ||
		    (payload->child != NULL && payload->child->next == NULL &&
		        strcmp(payload->child->string, "ts_ms") == 0)) {
			skip(env, SKIP_HEARTBEAT);
			return;
		}
		if (member(payload, "ddl") != NULL || member(payload, "tableChanges") != NULL) {
			skip(env, SKIP_SCHEMA); /* MySQL, SQL Server, Oracle schema change topic */
			return;
		}
		if (member(payload, "__op") != NULL)
			reject(env, "not a change event: no \"op\" field (\"__op\" suggests "
			            "ExtractNewRecordState output, which has no before image)");
		else if (member(payload, "before") != NULL || member(payload, "after") != NULL)
			reject(env, "not a change event: no \"op\" field");
		else
			reject(env, "not a Debezium change event (no \"op\", \"before\" or \"after\"; "
			            "a record key?)");
		return;
	}
	if (!cJSON_IsString(op)) {
		reject(env, "\"op\" is %s, not a string", type_name(op));
		return;
	}
	const char *o = op->valuestring;
	if (o[0] == '\0' || o[1] != '\0' || strchr("crudtm", o[0]) == NULL) {
		/* Quoted input: at most 20 bytes, control bytes escaped. */
		char shown[96];
		size_t k = 0, i = 0;
		for (; o[i] != '\0' && i < 20; i++) {
			unsigned char ch = (unsigned char)o[i];
			if (ch < 0x20 || ch == 0x7f)
				k += (size_t)snprintf(shown + k, sizeof shown - k, "\\x%02x", ch);
			else
				shown[k++] = (char)ch;
		}
		shown[k] = '\0';
		reject(env, "unknown op \"%s\"%s", shown, o[i] != '\0' ? "..." : "");
		return;
	}
	const cJSON *src = member(payload, "source");
	if (cJSON_IsObject(src))
		env->source = src;
	if (o[0] == 't' || o[0] == 'm') {
		skip(env, o[0] == 't' ? SKIP_TRUNCATE : SKIP_MESSAGE);
		return;
	}
	if (row_image(env, "before", &env->before) < 0 || row_image(env, "after", &env->after) < 0)
		return;
	env->op = o[0];
	env->mongodb = is_mongodb(env);
	if (env->mongodb && mongo_forms(env) < 0)
		return;
	if (env->op == 'd' ? env->before == NULL : env->after == NULL) {
		if (env->mongodb) {
			if (env->op == 'd')
				reject(env, "MongoDB delete without a record key or before image: read the "
				            "topic with its keys (kcat -J or -K'\\t')");
			else
				reject(env, "MongoDB op \"%c\" event without \"after\" (an oplog-era "
				            "\"patch\"?): use capture.mode=change_streams_update_full",
				    env->op);
			return;
		}
		reject(env, "op \"%c\" event without a row image (\"%s\" is null or missing)", env->op,
		    env->op == 'd' ? "before" : "after");
		return;
	}
	find_time(env);
	find_table(env);
	env->kind = ENVELOPE_CHANGE;
}

/* A line that does not start with '{'. Consumer banners ("Using
 * ZOOKEEPER_CONNECT=...", "Processed a total of 5 messages") are skipped;
 * but a piece of pretty-printed JSON, or a record behind a log prefix, is
 * data in the wrong shape and must not vanish silently. */
static void
classify_text(struct envelope *env, const char *line, size_t len, size_t i)
{
	char c = line[i];
	if (c == '"' || c == '[' || c == '-' || c == 't' || c == 'f' || (c >= '0' && c <= '9')) {
		/* A complete JSON value that is not an object is data of the
		 * wrong kind, not a banner. */
		size_t off;
		int trailing;
		cJSON *v = jsonval_parse(line + i, len - i, &off, &trailing);
		if (v != NULL) {
			reject(env, "a JSON %s, not an object", type_name(v) + (type_name(v)[1] == 'n' ? 3 : 2));
			cJSON_Delete(v);
			return;
		}
	}
	if (c == '"' || c == '}' || c == ']' || c == '[') {
		reject(env, "not a whole JSON object on one line (pretty-printed? use jq -c)");
		return;
	}
	for (size_t k = i; k + 1 < len; k++) {
		if (line[k] == '{' && (line[k + 1] == '"' || line[k + 1] == '}')) {
			reject(env, "text before the JSON object at column %zu (a log prefix?)", k + 1);
			return;
		}
	}
	skip(env, SKIP_BANNER);
}


static const char schema_prefix[] = "{\"schema\":";
static const char payload_infix[] = ",\"payload\":";

/* The fast path for JsonConverter output with schemas on, which is always
 * {"schema":<schema>,"payload":<payload>} in that order and compact: the
 * schema is recognised by its bytes in the cache (or parsed once and
 * cached) and only the payload is parsed. Returns 0 without touching env
 * when the text is not exactly of that shape; the general path then parses
 * the whole text and reports whatever is wrong with it. */
/* Where ,"payload": first occurs in p[0..len), or 0: JsonConverter writes
 * it right after the schema, so it is where the schema most likely ends,
 * found without matching the schema's brackets. */
static size_t
infix_at(const char *p, size_t len)
{
	const size_t ni = sizeof payload_infix - 1;
	for (const char *q = p; (q = memchr(q, ',', len - (size_t)(q - p))) != NULL; q++)
		if ((size_t)(p + len - q) >= ni && memcmp(q, payload_infix, ni) == 0)
			return (size_t)(q - p);
	return 0;
}

static int
classify_fast(struct envelope *env, const char *text, size_t len)
{
	const size_t np = sizeof schema_prefix - 1, ni = sizeof payload_infix - 1;
	if (env->cache == NULL || len < np || memcmp(text, schema_prefix, np) != 0)
		return 0;
	const char *s = text + np;
	size_t rest = len - np;
	struct schema_entry *e = schema_cache_recent(env->cache, s, rest);
	if (e == NULL)
		e = schema_cache_find(env->cache, s, infix_at(s, rest), rest);
	if (e == NULL)
		e = schema_cache_match(env->cache, s, rest); /* the infix was in the schema */
	if (e == NULL) {
		size_t slen = json_value_extent(s, rest);
		if (slen == 0 || slen + ni > rest || memcmp(s + slen, payload_infix, ni) != 0 ||
		    utf8_invalid_at(s, slen) != 0)
			return 0;
		e = schema_cache_add(env->cache, s, slen);
		if (e == NULL)
			return 0;
	}
	if (e->len + ni > rest || memcmp(s + e->len, payload_infix, ni) != 0)
		return 0;
	const char *p = s + e->len + ni;
	size_t plen = (size_t)(text + len - p);
	if (plen == 0 || p[0] != '{' || utf8_invalid_at(p, plen) != 0)
		return 0;
	size_t end;
	cJSON *payload = jsonval_parse_prefix(p, plen, &end);
	if (payload == NULL)
		return 0;
	/* Only spaces may follow: a TAB could start a key<TAB>value split,
	 * which the general path decides. */
	size_t j = end;
	while (j < plen && (p[j] == ' ' || p[j] == '\r' || p[j] == '\n'))
		j++;
	if (j < plen && p[j] == '}')
		j++;
	else
		j = 0;
	while (j > 0 && j < plen && (p[j] == ' ' || p[j] == '\r' || p[j] == '\n'))
		j++;
	if (j != plen || !cJSON_IsObject(payload)) {
		cJSON_Delete(payload);
		return 0;
	}
	keep(env, payload);
	env->schema = e->schema;
	env->schema_entry = e;
	classify_payload(env, payload);
	return 1;
}

/* A change event followed only by blanks and TABs is that event, not a
 * key with an empty (tombstone) value: keys carry no "op". */
static int
is_event_then_blanks(const cJSON *doc, const char *rest, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!is_blank(rest[k]))
			return 0;
	const cJSON *p = member(doc, "payload");
	return member(doc, "op") != NULL || (cJSON_IsObject(p) && member(p, "op") != NULL);
}

/* Classifies a record value given as text (the whole line, the part after
 * a TAB, or a kcat -J payload). col0 is the column of text[0] in the line,
 * 0 when the text is not the line itself. */
static void
classify_value(struct envelope *env, const char *text, size_t len, size_t col0, const char *what)
{
	while (len > 0 && (is_blank(*text) || *text == '\r' || *text == '\n'))
		text++, len--, col0 += col0 ? 1 : 0;
	if (len == 0 || (len == 4 && memcmp(text, "null", 4) == 0)) {
		skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (classify_fast(env, text, len))
		return;
	if (text[0] != '{') {
		if (what[0] != '\0')
			reject(env, "%snot a JSON object", what);
		else
			classify_text(env, text, len, 0);
		return;
	}
	size_t off;
	int trailing;
	cJSON *doc = jsonval_parse(text, len, &off, &trailing);
	if (doc == NULL) {
		reject_syntax(env, what, col0 ? col0 + off : off + 1, trailing);
		return;
	}
	keep(env, doc);
	classify_event(env, doc);
}

/* kcat -J: the value travels as a JSON string inside the record. */
static int
is_kcat_record(const cJSON *doc)
{
	/* Exact-case lookups, like every other: cJSON_HasObjectItem ignores
	 * case and would let {"Payload":...} through to a NULL member. */
	return member(doc, "topic") != NULL && member(doc, "partition") != NULL &&
	    member(doc, "payload") != NULL;
}

static void
classify_kcat(struct envelope *env, const cJSON *rec)
{
	env->record = rec;
	const cJSON *key = member(rec, "key");
	const cJSON *payload = member(rec, "payload");
	if ((cJSON_IsString(key) && reject_escaped_nul(env, "kcat key: ", key->valuestring)) ||
	    (cJSON_IsString(payload) && reject_escaped_nul(env, "kcat payload: ", payload->valuestring)))
		return;
	if (cJSON_IsString(key))
		take_key(env, key->valuestring, strlen(key->valuestring));
	else if (cJSON_IsObject(key))
		set_key(env, key);
	if (cJSON_IsNull(payload)) {
		skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (cJSON_IsObject(payload)) {
		classify_event(env, payload);
		return;
	}
	if (!cJSON_IsString(payload)) {
		reject(env, "kcat record \"payload\" is %s, not a string", type_name(payload));
		return;
	}
	classify_value(env, payload->valuestring, strlen(payload->valuestring), 0, "kcat payload: ");
}

void
envelope_parse(struct envelope *env, const char *line, size_t len)
{
	envelope_parse_cached(env, NULL, line, len);
}

static void parse_line(struct envelope *env, const char *line, size_t len);

void
envelope_parse_cached(struct envelope *env, struct schema_cache *cache, const char *line, size_t len)
{
	memset(env, 0, sizeof *env);
	env->cache = cache;
	parse_line(env, line, len);
	if (jsonarena_failed()) {
		/* cJSON turns a failed allocation into a failed parse: whatever
		 * the line was classified as, it was not really read. */
		env->kind = ENVELOPE_FATAL;
		snprintf(env->reason, sizeof env->reason, "out of memory parsing a line of %zu bytes",
		    len);
	}
}

static int reject_nul(struct envelope *env, const char *text, size_t len, const char *what);

static void
parse_line(struct envelope *env, const char *line, size_t len)
{
	while (len > 0 && line[len - 1] == '\r')
		len--;
	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3; /* a UTF-8 byte order mark, as some editors write */
		len -= 3;
	}
	size_t i = 0;
	while (i < len && is_blank(line[i]))
		i++;
	if (i == len) {
		skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (reject_nul(env, line, len, "") < 0)
		return;
	/* The fast path checks the UTF-8 of what it did not take from the
	 * schema cache (cached schemas were checked once); anything else is
	 * checked here, whole. */
	if (line[i] == '{' && classify_fast(env, line + i, len - i))
		return;
	size_t bad = utf8_invalid_at(line, len);
	if (bad > 0) {
		reject(env, "invalid UTF-8 at column %zu", bad);
		return;
	}
	if (line[i] == '{') {
		size_t end;
		cJSON *doc = jsonval_parse_prefix(line + i, len - i, &end);
		if (doc == NULL) {
			reject_syntax(env, "", i + end + 1, 0);
			return;
		}
		keep(env, doc);
		size_t j = i + end;
		while (j < len && line[j] == ' ')
			j++;
		if (j < len && line[j] == '\t' && !is_event_then_blanks(doc, line + j, len - j)) {
			/* key<TAB>value: the value is after the last TAB, since
			 * JsonConverter never writes a raw TAB. */
			const char *tab = line + len;
			while (tab[-1] != '\t')
				tab--;
			set_key(env, doc);
			classify_value(env, tab, (size_t)(line + len - tab), (size_t)(tab - line) + 1, "");
			if (env->kind == ENVELOPE_SKIP && env->skip == SKIP_BANNER)
				reject(env, "value after the key is not a JSON object");
			return;
		}
		while (j < len && (line[j] == '\r' || line[j] == '\n' || is_blank(line[j])))
			j++;
		if (j < len) {
			reject_syntax(env, "", j + 1, 1);
			return;
		}
		if (!cJSON_IsObject(doc)) {
			reject(env, "not a JSON object");
			return;
		}
		if (is_kcat_record(doc))
			classify_kcat(env, doc);
		else
			classify_event(env, doc);
		return;
	}
	const char *tab = memchr(line + i, '\t', len - i);
	if (tab != NULL) {
		/* Fields before the value: [timestamp<TAB>]key<TAB>value. */
		const char *last = line + len;
		while (last[-1] != '\t')
			last--;
		const char *kstart = last - 1;
		while (kstart > line + i && kstart[-1] != '\t')
			kstart--;
		take_key(env, kstart, (size_t)(last - 1 - kstart));
		classify_value(env, last, (size_t)(line + len - last), (size_t)(last - line) + 1, "");
		return;
	}
	if (len - i == 4 && memcmp(line + i, "null", 4) == 0) {
		skip(env, SKIP_TOMBSTONE);
		return;
	}
	classify_text(env, line, len, i);
}

/* The checks every input gets before it is parsed: a NUL byte or an
 * escaped NUL, which cJSON would cut the text at. what prefixes messages.
 * Returns 0 when the text may be parsed. */
static int
reject_nul(struct envelope *env, const char *text, size_t len, const char *what)
{
	const char *nul = memchr(text, '\0', len);
	if (nul != NULL) {
		reject(env, "%sNUL byte at column %zu", what, (size_t)(nul - text) + 1);
		return -1;
	}
	size_t esc = escaped_nul(text, len);
	if (esc > 0) {
		reject(env, "%sescaped NUL (\\u0000) in a string at column %zu, which cannot be kept",
		    what, esc);
		return -1;
	}
	return 0;
}

void
envelope_parse_record(struct envelope *env, struct schema_cache *cache, const cJSON *record,
    const char *value, size_t len)
{
	memset(env, 0, sizeof *env);
	env->cache = cache;
	env->record = record;
	const cJSON *key = member(record, "key");
	if (cJSON_IsString(key))
		take_key(env, key->valuestring, strlen(key->valuestring));
	if (value == NULL) {
		skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (reject_nul(env, value, len, "record value: ") < 0)
		return;
	/* As on a line: the fast path checks the UTF-8 of what it takes. */
	size_t i = 0;
	while (i < len && is_blank(value[i]))
		i++;
	if (i < len && value[i] == '{' && classify_fast(env, value + i, len - i))
		return;
	size_t bad = utf8_invalid_at(value, len);
	if (bad > 0) {
		reject(env, "record value: invalid UTF-8 at column %zu", bad);
		return;
	}
	classify_value(env, value, len, 0, "record value: ");
}

void
envelope_clear(struct envelope *env)
{
	/* Trees from the per-line arena go with its reset: walking them
	 * only to free nothing would cost 4 % of the run. */
	int arena = jsonarena_active();
	for (size_t i = 0; i < sizeof env->trees / sizeof env->trees[0]; i++) {
		if (!arena)
			cJSON_Delete(env->trees[i]);
		env->trees[i] = NULL;
	}
}
