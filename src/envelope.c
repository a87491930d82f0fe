#include "envelope.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "changeevent.h"
#include "envbuild.h"
#include "jsonarena.h"
#include "jsonval.h"
#include "schemacache.h"
#include "utf8.h"

const char *const envelope_skip_names[SKIP_KINDS] = {
	"tombstone", "banner", "heartbeat", "transaction", "truncate", "message", "schema change",
};

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Reports a JSON syntax error at a 1-based column of the line. */
static void
reject_syntax(struct envelope *env, const char *what, size_t col, int trailing)
{
	if (trailing)
		envbuild_reject(env, "%strailing characters after the JSON value at column %zu", what, col);
	else
		envbuild_reject(env, "%sinvalid JSON near column %zu", what, col);
}

/* The record key: a JSON object (possibly schema-wrapped) gives id columns;
 * anything else counts as no key. */
static void
set_key(struct envelope *env, const cJSON *k)
{
	const cJSON *payload = jsonval_member(k, "payload");
	if (payload != NULL && jsonval_member(k, "schema") != NULL)
		k = payload;
	if (jsonval_is_object(k))
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
		set_key(env, envbuild_keep(env, k));
}

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return jsonval_member(obj, name);
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
			envbuild_reject(env, "a JSON %s, not an object", envbuild_type_name(v) + (envbuild_type_name(v)[1] == 'n' ? 3 : 2));
			cJSON_Delete(v);
			return;
		}
	}
	if (c == '"' || c == '}' || c == ']' || c == '[') {
		envbuild_reject(env, "not a whole JSON object on one line (pretty-printed? use jq -c)");
		return;
	}
	for (size_t k = i; k + 1 < len; k++) {
		if (line[k] == '{' && (line[k + 1] == '"' || line[k + 1] == '}')) {
			envbuild_reject(env, "text before the JSON object at column %zu (a log prefix?)", k + 1);
			return;
		}
	}
	envbuild_skip(env, SKIP_BANNER);
}


static const char schema_prefix[] = "{\"schema\":";
static const char payload_infix[] = ",\"payload\":";

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

/* The schema entry for the schema at s[0..rest): one of the cache's, or
 * added to it when it is followed by ,"payload": and is valid UTF-8. NULL
 * when neither. */
static struct schema_entry *
fast_schema(struct schema_cache *cache, const char *s, size_t rest, int may_add)
{
	const size_t ni = sizeof payload_infix - 1;
	struct schema_entry *e = schema_cache_recent(cache, s, rest);
	if (e == NULL)
		e = schema_cache_guess(cache, s, rest, payload_infix, ni);
	if (e != NULL)
		return e;
	size_t k = infix_at(s, rest);
	e = schema_cache_find(cache, s, k, rest);
	if (e != NULL || !may_add)
		return e;
	/* A new schema. When the text before the infix is one whole object,
	 * from its '{' to its '}', that object is the schema (brackets match
	 * one way only), and parsing it, which adding does anyway, is the
	 * proof: its end need not be found by its brackets first. */
	if (k > 1 && s[0] == '{' && s[k - 1] == '}' && utf8_invalid_at(s, k) == 0) {
		e = schema_cache_add(cache, s, k);
		if (e != NULL)
			return e;
	}
	/* The infix was inside the schema: its end by its brackets, found
	 * once for the lookup and for the new entry. */
	size_t slen = json_value_extent(s, rest);
	e = schema_cache_find(cache, s, slen, rest);
	if (e != NULL)
		return e;
	if (slen == 0 || slen + ni > rest || memcmp(s + slen, payload_infix, ni) != 0 ||
	    utf8_invalid_at(s, slen) != 0)
		return NULL;
	return schema_cache_add(cache, s, slen);
}

static int
is_space_or_eol(char c)
{
	return c == ' ' || c == '\r' || c == '\n';
}

/* The payload object at p[0..plen), which must be the rest of the value:
 * the payload, then the wrapper's "}", with only spaces (not a TAB,
 * which could start a key<TAB>value split that the general path decides)
 * around it. NULL when it is not exactly so. */
static cJSON *
fast_payload(const char *p, size_t plen, const struct fastjson_shape *shape)
{
	if (plen == 0 || p[0] != '{' || utf8_invalid_at(p, plen) != 0)
		return NULL;
	size_t end;
	cJSON *payload = jsonval_parse_prefix_shaped(p, plen, &end, shape);
	if (payload == NULL)
		return NULL;
	size_t j = end;
	while (j < plen && is_space_or_eol(p[j]))
		j++;
	if (j < plen && p[j] == '}')
		j++;
	else
		j = 0;
	while (j > 0 && j < plen && is_space_or_eol(p[j]))
		j++;
	if (j != plen || !jsonval_is_object(payload)) {
		cJSON_Delete(payload);
		return NULL;
	}
	return payload;
}

/* Whether the caller of classify_fast has checked the whole text for NULs
 * (reject_nul) or left that to it. */
enum nul_check { NUL_UNCHECKED, NUL_CHECKED };

/* A NUL byte or an escaped NUL in p[0..n). */
static int
has_nul(const char *p, size_t n)
{
	return memchr(p, '\0', n) != NULL || envbuild_escaped_nul(p, n) != 0;
}

/* The fast path for JsonConverter output with schemas on, which is always
 * {"schema":<schema>,"payload":<payload>} in that order and compact: the
 * schema is recognised by its bytes in the cache (or parsed once and
 * cached) and only the payload is parsed. Returns 0 without touching env
 * when the text is not exactly of that shape; the general path then parses
 * the whole text and reports whatever is wrong with it.
 *
 * NUL_UNCHECKED: the text has not been through reject_nul. A schema
 * in the cache was, so only the rest is scanned here; a schema not in the
 * cache is left to the caller, told by -1: it checks the text whole, then
 * calls again with NUL_CHECKED, which may add it. That spares the scans of
 * the schema, four fifths of such a line. */
static int
classify_fast(struct envelope *env, const char *text, size_t len, enum nul_check checked)
{
	const size_t np = sizeof schema_prefix - 1, ni = sizeof payload_infix - 1;
	if (env->cache == NULL || len < np || memcmp(text, schema_prefix, np) != 0)
		return 0;
	const char *s = text + np;
	size_t rest = len - np;
	struct schema_entry *e = fast_schema(env->cache, s, rest, checked == NUL_CHECKED);
	if (e == NULL && checked == NUL_UNCHECKED)
		return -1;
	if (e == NULL || e->len + ni > rest || memcmp(s + e->len, payload_infix, ni) != 0)
		return 0;
	const char *p = s + e->len + ni;
	if (checked == NUL_UNCHECKED && has_nul(p, (size_t)(text + len - p)))
		return 0;
	cJSON *payload = fast_payload(p, (size_t)(text + len - p), schema_cache_shape(e));
	if (payload == NULL)
		return 0;
	envbuild_keep(env, payload);
	env->schema = e->schema;
	env->schema_entry = e;
	changeevent_classify_payload(env, payload);
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
	return member(doc, "op") != NULL || (jsonval_is_object(p) && member(p, "op") != NULL);
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
		envbuild_skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (classify_fast(env, text, len, NUL_CHECKED) > 0)
		return;
	if (text[0] != '{') {
		if (what[0] != '\0')
			envbuild_reject(env, "%snot a JSON object", what);
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
	envbuild_keep(env, doc);
	changeevent_classify(env, doc);
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
	if ((jsonval_is_string(key) && envbuild_reject_escaped_nul(env, "kcat key: ", key->valuestring)) ||
	    (jsonval_is_string(payload) && envbuild_reject_escaped_nul(env, "kcat payload: ", payload->valuestring)))
		return;
	if (jsonval_is_string(key))
		take_key(env, key->valuestring, strlen(key->valuestring));
	else if (jsonval_is_object(key))
		set_key(env, key);
	if (jsonval_is_null(payload)) {
		envbuild_skip(env, SKIP_TOMBSTONE);
		return;
	}
	if (jsonval_is_object(payload)) {
		changeevent_classify(env, payload);
		return;
	}
	if (!jsonval_is_string(payload)) {
		envbuild_reject(env, "kcat record \"payload\" is %s, not a string", envbuild_type_name(payload));
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

/* A line that starts with a JSON object at line[i]: the record value,
 * a key followed by <TAB>value, or a kcat -J record. */
static void
parse_object_line(struct envelope *env, const char *line, size_t len, size_t i)
{
	size_t end;
	cJSON *doc = jsonval_parse_prefix(line + i, len - i, &end);
	if (doc == NULL) {
		reject_syntax(env, "", i + end + 1, 0);
		return;
	}
	envbuild_keep(env, doc);
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
			envbuild_reject(env, "value after the key is not a JSON object");
		return;
	}
	while (j < len && (line[j] == '\r' || line[j] == '\n' || is_blank(line[j])))
		j++;
	if (j < len)
		reject_syntax(env, "", j + 1, 1);
	else if (!jsonval_is_object(doc))
		envbuild_reject(env, "not a JSON object");
	else if (is_kcat_record(doc))
		classify_kcat(env, doc);
	else
		changeevent_classify(env, doc);
}

/* Fields before the value: [timestamp<TAB>]key<TAB>value; the value is
 * after the last TAB, the key before it. */
static void
parse_tabbed_line(struct envelope *env, const char *line, size_t len, size_t i)
{
	const char *last = line + len;
	while (last[-1] != '\t')
		last--;
	const char *kstart = last - 1;
	while (kstart > line + i && kstart[-1] != '\t')
		kstart--;
	take_key(env, kstart, (size_t)(last - 1 - kstart));
	classify_value(env, last, (size_t)(line + len - last), (size_t)(last - line) + 1, "");
}

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
		envbuild_skip(env, SKIP_TOMBSTONE);
		return;
	}
	/* The fast path checks the NULs and UTF-8 of what it did not take
	 * from the schema cache (cached schemas were checked once); anything
	 * else is checked here, whole. */
	int fast = line[i] == '{' ? classify_fast(env, line + i, len - i, NUL_UNCHECKED) : 0;
	if (fast > 0)
		return;
	if (reject_nul(env, line, len, "") < 0)
		return;
	if (fast < 0 && classify_fast(env, line + i, len - i, NUL_CHECKED) > 0)
		return;
	size_t bad = utf8_invalid_at(line, len);
	if (bad > 0)
		envbuild_reject(env, "invalid UTF-8 at column %zu", bad);
	else if (line[i] == '{')
		parse_object_line(env, line, len, i);
	else if (memchr(line + i, '\t', len - i) != NULL)
		parse_tabbed_line(env, line, len, i);
	else if (len - i == 4 && memcmp(line + i, "null", 4) == 0)
		envbuild_skip(env, SKIP_TOMBSTONE);
	else
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
		envbuild_reject(env, "%sNUL byte at column %zu", what, (size_t)(nul - text) + 1);
		return -1;
	}
	size_t esc = envbuild_escaped_nul(text, len);
	if (esc > 0) {
		envbuild_reject(env, "%sescaped NUL (\\u0000) in a string at column %zu, which cannot be kept",
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
	if (jsonval_is_string(key))
		take_key(env, key->valuestring, strlen(key->valuestring));
	if (value == NULL) {
		envbuild_skip(env, SKIP_TOMBSTONE);
		return;
	}
	/* As on a line: the fast path checks the NULs and UTF-8 of what it
	 * takes. */
	size_t i = 0;
	while (i < len && is_blank(value[i]))
		i++;
	int fast = i < len && value[i] == '{' ? classify_fast(env, value + i, len - i, NUL_UNCHECKED) : 0;
	if (fast > 0)
		return;
	if (reject_nul(env, value, len, "record value: ") < 0)
		return;
	if (fast < 0 && classify_fast(env, value + i, len - i, NUL_CHECKED) > 0)
		return;
	size_t bad = utf8_invalid_at(value, len);
	if (bad > 0) {
		envbuild_reject(env, "record value: invalid UTF-8 at column %zu", bad);
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
