#include "schemacache.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "jsonarena.h"
#include "jsonval.h"

struct schema_cache {
	struct schema_entry *entries;
	size_t n, max;
	unsigned long clock;
	size_t last_hit;
};

struct schema_cache *
schema_cache_new(size_t max_entries)
{
	struct schema_cache *c = xmalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	c->max = max_entries ? max_entries : 1;
	c->entries = xmalloc(c->max * sizeof *c->entries);
	return c;
}

static void
entry_clear(struct schema_entry *e)
{
	if (e->derived != NULL && e->free_derived != NULL)
		e->free_derived(e->derived);
	cJSON_Delete(e->schema);
	free(e->bytes);
	memset(e, 0, sizeof *e);
}

void
schema_cache_free(struct schema_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_clear(&c->entries[i]);
	free(c->entries);
	free(c);
}

static int
ends_value(char ch)
{
	return ch == ',' || ch == '}' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int
matches(const struct schema_entry *e, const char *text, size_t len)
{
	return e->len < len && ends_value(text[e->len]) && memcmp(text, e->bytes, e->len) == 0;
}

struct schema_entry *
schema_cache_match(struct schema_cache *c, const char *text, size_t len)
{
	/* Consecutive messages usually share the schema: try the last hit. */
	if (c->last_hit < c->n && matches(&c->entries[c->last_hit], text, len)) {
		c->entries[c->last_hit].used = ++c->clock;
		return &c->entries[c->last_hit];
	}
	for (size_t i = 0; i < c->n; i++) {
		if (matches(&c->entries[i], text, len)) {
			c->last_hit = i;
			c->entries[i].used = ++c->clock;
			return &c->entries[i];
		}
	}
	return NULL;
}

struct schema_entry *
schema_cache_add(struct schema_cache *c, const char *text, size_t len)
{
	char *bytes = xstrndup(text, len);
	cJSON *schema = NULL;
	if (!(len == 4 && memcmp(text, "null", 4) == 0)) {
		size_t off;
		int trailing;
		/* The tree outlives the line: not from the per-line arena. */
		struct jsonarena *arena = jsonarena_leave();
		schema = jsonval_parse(bytes, len, &off, &trailing);
		jsonarena_enter(arena);
		if (schema == NULL || !cJSON_IsObject(schema)) {
			cJSON_Delete(schema);
			free(bytes);
			return NULL;
		}
	}
	size_t slot = c->n;
	if (c->n == c->max) {
		slot = 0;
		for (size_t i = 1; i < c->n; i++)
			if (c->entries[i].used < c->entries[slot].used)
				slot = i;
		entry_clear(&c->entries[slot]);
	} else {
		c->n++;
	}
	struct schema_entry *e = &c->entries[slot];
	memset(e, 0, sizeof *e);
	e->bytes = bytes;
	e->len = len;
	e->schema = schema;
	e->used = ++c->clock;
	c->last_hit = slot;
	return e;
}

size_t
json_value_extent(const char *p, size_t len)
{
	if (len == 0)
		return 0;
	if (p[0] != '{' && p[0] != '[' && p[0] != '"') {
		size_t i = 0;
		while (i < len && !ends_value(p[i]) && p[i] != ']')
			i++;
		return i;
	}
	size_t depth = 0;
	const char *end = p + len;
	for (const char *q = p; q < end; q++) {
		switch (*q) {
		case '"':
			/* Jump to the closing quote, skipping escaped ones. */
			for (q++;; q++) {
				const char *e = memchr(q, '"', (size_t)(end - q));
				if (e == NULL)
					return 0;
				size_t bs = 0;
				while (e - bs > q && e[-1 - (ptrdiff_t)bs] == '\\')
					bs++;
				q = e;
				if (bs % 2 == 0)
					break;
			}
			if (depth == 0)
				return (size_t)(q - p) + 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return 0;
			if (--depth == 0)
				return (size_t)(q - p) + 1;
			break;
		default:
			break;
		}
	}
	return 0;
}
