#include "changeevent.h"

#include <stdio.h>
#include <string.h>

#include "envbuild.h"
#include "jsonval.h"
#include "mongodb.h"
#include "timefmt.h"

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return jsonval_member(obj, name);
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

/* a, then sep and b when b is not NULL, into out[0..n) cut to fit and
 * terminated; returns the length kept. */
static size_t
join(char *out, size_t n, const char *a, const char *b)
{
	size_t k = 0;
	for (const char *s = a; *s != '\0' && k + 1 < n; s++)
		out[k++] = *s;
	if (b != NULL && k + 1 < n)
		out[k++] = '.';
	for (const char *s = b; s != NULL && *s != '\0' && k + 1 < n; s++)
		out[k++] = *s;
	out[k] = '\0';
	return k;
}

/* env->table, from the source block (see envelope.h). */
static void
find_table(struct envelope *env)
{
	const cJSON *src = env->source;
	const char *schema = jsonval_string(member(src, "schema"));
	const char *db = jsonval_string(member(src, "db"));
	const char *table = jsonval_string(member(src, "table"));
	if (table == NULL) /* MongoDB names a collection */
		table = jsonval_string(member(src, "collection"));
	const size_t n = sizeof env->table;
	if (table == NULL || table[0] == '\0')
		env->table_len = join(env->table, n, "", NULL);
	else if (schema != NULL && schema[0] != '\0')
		env->table_len = join(env->table, n, schema, table);
	else if (db != NULL && db[0] != '\0')
		env->table_len = join(env->table, n, db, table);
	else
		env->table_len = join(env->table, n, table, NULL);
}

static int
is_mongodb(const struct envelope *env)
{
	const char *c = jsonval_string(member(env->source, "connector"));
	return c != NULL && strcmp(c, "mongodb") == 0;
}

static int
row_image(struct envelope *env, const char *name, const cJSON **out)
{
	const cJSON *v = member(env->payload, name);
	*out = NULL;
	if (v == NULL || jsonval_is_null(v))
		return 0;
	if (jsonval_is_string(v) && is_mongodb(env)) {
		/* Debezium's MongoDB connector sends the document as extended
		 * JSON text; only there is a string image legitimate. */
		char what[16];
		snprintf(what, sizeof what, "\"%s\": ", name);
		if (envbuild_reject_escaped_nul(env, what, v->valuestring))
			return -1;
		size_t off;
		int trailing;
		cJSON *doc = jsonval_parse(v->valuestring, strlen(v->valuestring), &off, &trailing);
		if (doc != NULL && jsonval_is_object(doc)) {
			*out = envbuild_keep(env, doc);
			return 0;
		}
		cJSON_Delete(doc);
		envbuild_reject(env, "\"%s\" is a string that does not hold a JSON document", name);
		return -1;
	}
	if (!jsonval_is_object(v)) {
		envbuild_reject(env, "\"%s\" is %s, not an object or null", name, envbuild_type_name(v));
		return -1;
	}
	*out = v;
	return 0;
}

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
	if (jsonval_is_object(p) && member(data, "schema") != NULL) {
		if (jsonval_is_object(member(data, "schema")))
			env->schema = member(data, "schema");
		data = p;
	}
	cJSON *payload = cJSON_CreateObject();
	cJSON *source = cJSON_CreateObject();
	if (payload == NULL || source == NULL) {
		cJSON_Delete(payload);
		cJSON_Delete(source);
		envbuild_reject(env, "out of memory");
		return 1;
	}
	envbuild_keep(env, payload);
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
	changeevent_classify_payload(env, payload);
	return 1;
}

void
changeevent_classify(struct envelope *env, const cJSON *doc)
{
	const cJSON *p = member(doc, "payload");
	if (p == NULL && classify_cloudevent(env, doc))
		return;
	if (p == NULL || member(doc, "op") != NULL) {
		changeevent_classify_payload(env, doc);
		return;
	}
	if (jsonval_is_null(p)) {
		envbuild_skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (!jsonval_is_object(p)) {
		envbuild_reject(env, "\"payload\" is %s, not an object", envbuild_type_name(p));
		return;
	}
	const cJSON *s = member(doc, "schema");
	if (jsonval_is_object(s))
		env->schema = s;
	changeevent_classify_payload(env, p);
}

/* A payload without "op": transaction metadata, a heartbeat or a schema
 * change is skipped; anything else is not a change event. */
static void
classify_without_op(struct envelope *env, const cJSON *payload)
{
	const cJSON *status = member(payload, "status");
	const char *name = env->schema ? jsonval_string(member(env->schema, "name")) : NULL;
	if (jsonval_is_string(status) && member(payload, "id") != NULL &&
	    (strcmp(status->valuestring, "BEGIN") == 0 || strcmp(status->valuestring, "END") == 0)) {
		envbuild_skip(env, SKIP_TXMETA);
		return;
	}
	if ((name != NULL && strstr(name, "Heartbeat") != NULL) ||
	    (payload->child != NULL && payload->child->next == NULL &&
	        strcmp(payload->child->string, "ts_ms") == 0)) {
		envbuild_skip(env, SKIP_HEARTBEAT);
		return;
	}
	if (member(payload, "ddl") != NULL || member(payload, "tableChanges") != NULL) {
		envbuild_skip(env, SKIP_SCHEMA); /* MySQL, SQL Server, Oracle schema change topic */
		return;
	}
	if (member(payload, "__op") != NULL)
		envbuild_reject(env, "not a change event: no \"op\" field (\"__op\" suggests "
		                     "ExtractNewRecordState output, which has no before image)");
	else if (member(payload, "before") != NULL || member(payload, "after") != NULL)
		envbuild_reject(env, "not a change event: no \"op\" field");
	else
		envbuild_reject(env, "not a Debezium change event (no \"op\", \"before\" or \"after\"; "
		                     "a record key?)");
}

/* Whether o is one of Debezium's ops; if not, the line is rejected with
 * the op quoted: at most 20 bytes, control bytes escaped. */
static int
known_op(struct envelope *env, const char *o)
{
	if (o[0] != '\0' && o[1] == '\0' && strchr("crudtm", o[0]) != NULL)
		return 1;
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
	envbuild_reject(env, "unknown op \"%s\"%s", shown, o[i] != '\0' ? "..." : "");
	return 0;
}

/* Whether the image the op needs (before for a delete, else after) is
 * there; if not, the line is rejected with what to do about it. */
static int
has_image(struct envelope *env)
{
	if (env->op == 'd' ? env->before != NULL : env->after != NULL)
		return 1;
	if (!env->mongodb)
		envbuild_reject(env, "op \"%c\" event without a row image (\"%s\" is null or missing)",
		    env->op, env->op == 'd' ? "before" : "after");
	else if (env->op == 'd')
		envbuild_reject(env, "MongoDB delete without a record key or before image: read the "
		                     "topic with its keys (kcat -J or -K'\\t')");
	else
		envbuild_reject(env, "MongoDB op \"%c\" event without \"after\" (an oplog-era "
		                     "\"patch\"?): use capture.mode=change_streams_update_full",
		    env->op);
	return 0;
}

void
changeevent_classify_payload(struct envelope *env, const cJSON *payload)
{
	env->payload = payload;
	const cJSON *op = member(payload, "op");
	if (op == NULL) {
		classify_without_op(env, payload);
		return;
	}
	if (!jsonval_is_string(op)) {
		envbuild_reject(env, "\"op\" is %s, not a string", envbuild_type_name(op));
		return;
	}
	const char *o = op->valuestring;
	if (!known_op(env, o))
		return;
	const cJSON *src = member(payload, "source");
	if (jsonval_is_object(src))
		env->source = src;
	if (o[0] == 't' || o[0] == 'm') {
		envbuild_skip(env, o[0] == 't' ? SKIP_TRUNCATE : SKIP_MESSAGE);
		return;
	}
	if (row_image(env, "before", &env->before) < 0 || row_image(env, "after", &env->after) < 0)
		return;
	env->op = o[0];
	env->mongodb = is_mongodb(env);
	if ((env->mongodb && mongodb_forms(env) < 0) || !has_image(env))
		return;
	find_time(env);
	find_table(env);
	env->kind = ENVELOPE_CHANGE;
}
