#include "schemacache.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "jsonarena.h"
#include "jsonval.h"
#include "payloadshape.h"

/* Entries live in one array. A schema is found by the hash of its bytes
 * in a chained index, and the least recently used one is at the tail of a
 * list through the entries, so a hit, an insertion and an eviction cost
 * the same with 1 entry or thousands. */
#define NONE ((size_t)-1)

struct slot {
	struct schema_entry e;
	uint64_t hash;
	size_t chain;      /* next entry in the same bucket, or NONE */
	size_t newer, older;
};

struct schema_cache {
	struct slot *slots;
	size_t n;                /* slots ever used: slots[0..n) */
	size_t count, max;       /* entries held, and their bound */
	size_t free;             /* a freed slot (chained by .chain), or NONE */
	size_t bytes, max_bytes; /* text held, and its bound */
	size_t *buckets;         /* first entry of each bucket, or NONE */
	size_t mask;
	size_t newest, oldest;
	size_t recent[2];        /* the last two hits: a key and a value schema */
	size_t lengths[SCHEMA_CACHE_LENGTHS]; /* of the last schemas hit, distinct, the last first */
};

struct schema_cache *
schema_cache_new(size_t max_entries, size_t max_bytes)
{
	struct schema_cache *c = xmalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	c->max = max_entries ? max_entries : 1;
	c->max_bytes = max_bytes;
	c->slots = xmalloc(c->max * sizeof *c->slots);
	size_t nb = 16;
	while (nb < 2 * c->max)
		nb *= 2;
	c->buckets = xmalloc(nb * sizeof *c->buckets);
	for (size_t i = 0; i < nb; i++)
		c->buckets[i] = NONE;
	c->mask = nb - 1;
	c->newest = c->oldest = c->free = c->recent[0] = c->recent[1] = NONE;
	return c;
}

static void
entry_clear(struct schema_entry *e)
{
	if (e->derived != NULL && e->free_derived != NULL)
		e->free_derived(e->derived);
	payloadshape_free(e->shape);
	free(e->schema); /* one block: see freeze() */
	free(e->bytes);
	memset(e, 0, sizeof *e);
}

void
schema_cache_free(struct schema_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_clear(&c->slots[i].e);
	free(c->slots);
	free(c->buckets);
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

static void
unlink_lru(struct schema_cache *c, size_t i)
{
	struct slot *s = &c->slots[i];
	if (s->newer != NONE)
		c->slots[s->newer].older = s->older;
	else
		c->newest = s->older;
	if (s->older != NONE)
		c->slots[s->older].newer = s->newer;
	else
		c->oldest = s->newer;
}

static void
make_newest(struct schema_cache *c, size_t i)
{
	struct slot *s = &c->slots[i];
	s->newer = NONE;
	s->older = c->newest;
	if (c->newest != NONE)
		c->slots[c->newest].newer = i;
	c->newest = i;
	if (c->oldest == NONE)
		c->oldest = i;
}

/* n to the front of c->lengths, once: where it was, or in the place of
 * the length hit longest ago. */
static void
note_length(struct schema_cache *c, size_t n)
{
	if (c->lengths[0] == n)
		return;
	size_t k = 1;
	while (k < SCHEMA_CACHE_LENGTHS - 1 && c->lengths[k] != n)
		k++;
	memmove(&c->lengths[1], &c->lengths[0], k * sizeof c->lengths[0]);
	c->lengths[0] = n;
}

static struct schema_entry *
hit(struct schema_cache *c, size_t i)
{
	if (c->newest != i) {
		unlink_lru(c, i);
		make_newest(c, i);
	}
	c->slots[i].e.hits++;
	if (c->recent[0] != i) {
		c->recent[1] = c->recent[0];
		c->recent[0] = i;
		note_length(c, c->slots[i].e.len);
	}
	return &c->slots[i].e;
}

/* Consecutive messages usually share their schemas (a key schema and a
 * value schema): the last two hits are tried by their bytes alone. */
struct schema_entry *
schema_cache_recent(struct schema_cache *c, const char *text, size_t len)
{
	for (int k = 0; k < 2; k++)
		if (c->recent[k] != NONE && matches(&c->slots[c->recent[k]].e, text, len))
			return hit(c, c->recent[k]);
	return NULL;
}

static struct schema_entry *
lookup(struct schema_cache *c, const char *text, size_t n, size_t len)
{
	uint64_t h = hash_words(text, n);
	for (size_t i = c->buckets[h & c->mask]; i != NONE; i = c->slots[i].chain)
		if (c->slots[i].hash == h && c->slots[i].e.len == n && matches(&c->slots[i].e, text, len))
			return hit(c, i);
	return NULL;
}

struct schema_entry *
schema_cache_match(struct schema_cache *c, const char *text, size_t len)
{
	struct schema_entry *e = schema_cache_recent(c, text, len);
	if (e != NULL)
		return e;
	size_t n = json_value_extent(text, len);
	return n == 0 || n >= len ? NULL : lookup(c, text, n, len);
}

struct schema_entry *
schema_cache_find(struct schema_cache *c, const char *text, size_t n, size_t len)
{
	return n == 0 || n >= len ? NULL : lookup(c, text, n, len);
}

struct schema_entry *
schema_cache_guess(struct schema_cache *c, const char *text, size_t len, const char *follow,
    size_t nfollow)
{
	for (size_t k = 0; k < SCHEMA_CACHE_LENGTHS; k++) {
		size_t n = c->lengths[k];
		if (n == 0 || nfollow == 0 || n + nfollow > len || text[n] != follow[0] ||
		    memcmp(text + n, follow, nfollow) != 0)
			continue;
		struct schema_entry *e = lookup(c, text, n, len);
		if (e != NULL)
			return e;
	}
	return NULL;
}

static void
unlink_bucket(struct schema_cache *c, size_t i)
{
	size_t *p = &c->buckets[c->slots[i].hash & c->mask];
	while (*p != i)
		p = &c->slots[*p].chain;
	*p = c->slots[i].chain;
}

/* Frees the least recently used entry and returns its slot. */
static size_t
evict_oldest(struct schema_cache *c)
{
	size_t i = c->oldest;
	unlink_lru(c, i);
	unlink_bucket(c, i);
	c->bytes -= c->slots[i].e.len;
	entry_clear(&c->slots[i].e);
	for (size_t k = 0; k < 2; k++)
		if (c->recent[k] == i)
			c->recent[k] = NONE;
	return i;
}

/* A slot for an entry of len bytes, evicting the least recently used
 * until both bounds leave room. Freed slots are reused; entries never move,
 * so every entry returned stays where it is until it is evicted. */
static size_t
free_slot(struct schema_cache *c, size_t len)
{
	while (c->oldest != NONE &&
	    (c->count == c->max || (c->max_bytes > 0 && c->bytes + len > c->max_bytes))) {
		size_t i = evict_oldest(c);
		c->slots[i].chain = c->free;
		c->free = i;
		c->count--;
	}
	c->count++;
	if (c->free == NONE)
		return c->n++;
	size_t i = c->free;
	c->free = c->slots[i].chain;
	return i;
}

/* The nodes of the tree at n (with its siblings). */
static size_t
tree_nodes(const cJSON *n)
{
	size_t k = 0;
	for (; n != NULL; n = n->next)
		k += 1 + tree_nodes(n->child);
	return k;
}

/* Room for a frozen tree: nodes at one end (aligned), strings after;
 * from, when the parser says where all the strings were (its copy of
 * the text), which the strings' room holds a copy of. */
struct room {
	cJSON *node;
	char *chars;
	const char *from, *to;
};

static char *
copy_string(const char *s, struct room *r)
{
	if (r->from != NULL)
		return (char *)r->to + (s - r->from);
	size_t n = strlen(s) + 1;
	char *d = memcpy(r->chars, s, n);
	r->chars += n;
	return d;
}

/* Copies the nodes from n on (n and its siblings, with their children). */
static cJSON *
copy_tree(const cJSON *n, struct room *r)
{
	cJSON *first = NULL, *prev = NULL;
	for (; n != NULL; n = n->next) {
		cJSON *d = r->node++;
		*d = *n;
		d->next = NULL;
		d->prev = prev;
		d->type &= ~cJSON_StringIsConst;
		d->string = n->string ? copy_string(n->string, r) : NULL;
		if (n->valuestring != NULL && !(n->type & cJSON_IsReference))
			d->valuestring = copy_string(n->valuestring, r);
		d->child = copy_tree(n->child, r);
		if (prev != NULL)
			prev->next = d;
		else
			first = d;
		prev = d;
	}
	if (first != NULL)
		first->prev = prev; /* as cJSON links them: the first's prev is the last */
	return first;
}

/* A copy of the root tree, parsed from a text of len bytes, in one
 * malloc'd block that starts with the root: a schema kept for the run
 * costs one allocation and one free, where cJSON's own tree costs one per
 * node and string (half the instructions of an event whose schema is
 * new). The strings it owns need at most len bytes, since each one (n
 * bytes and a NUL, unescaped) came from at least n + 2 bytes of the text
 * (number literals point into the entry's bytes and are not copied):
 * that bound spares measuring every string twice. When fastjson built
 * the tree, its strings all lie in its copy of the text (copy, len bytes),
 * which is moved whole, and each string found at the same offset in it:
 * one memcpy instead of one per string (a third of adding a schema).
 * Freed with free(), never cJSON_Delete. */
static cJSON *
freeze(const cJSON *tree, size_t len, const char *copy)
{
	size_t nodes = tree_nodes(tree);
	cJSON *block = xmalloc(nodes * sizeof *block + len);
	struct room r = {block, (char *)(block + nodes), copy, (char *)(block + nodes)};
	if (copy != NULL)
		memcpy(r.chars, copy, len);
	return copy_tree(tree, &r);
}

struct schema_entry *
schema_cache_add(struct schema_cache *c, const char *text, size_t len)
{
	char *bytes = xstrndup(text, len);
	cJSON *schema = NULL;
	if (!(len == 4 && memcmp(text, "null", 4) == 0)) {
		size_t off;
		int trailing;
		const char *copy;
		/* Parsed where the line's trees are (the per-line arena when one
		 * is in force), then frozen into a block of the entry's own. */
		cJSON *tree = jsonval_parse_copy(bytes, len, &off, &trailing, &copy);
		if (tree != NULL && jsonval_is_object(tree))
			schema = freeze(tree, len, copy);
		if (!jsonarena_active())
			cJSON_Delete(tree);
		if (schema == NULL) {
			free(bytes);
			return NULL;
		}
	}
	size_t i = free_slot(c, len);
	struct slot *s = &c->slots[i];
	memset(s, 0, sizeof *s);
	s->e.bytes = bytes;
	s->e.len = len;
	s->e.schema = schema;
	s->hash = hash_words(bytes, len);
	size_t *b = &c->buckets[s->hash & c->mask];
	s->chain = *b;
	*b = i;
	c->bytes += len;
	make_newest(c, i);
	return hit(c, i);
}

const struct fastjson_shape *
schema_cache_shape(struct schema_entry *e)
{
	if (!e->shaped && e->hits >= 2) {
		e->shape = payloadshape_new(e->schema);
		e->shaped = 1;
	}
	return e->shape;
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
