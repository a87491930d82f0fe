#include "memberindex.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "jsonval.h"

void
member_index_init(struct member_index *x)
{
	memset(x, 0, sizeof *x);
}

void
member_index_free(struct member_index *x)
{
	free(x->slots);
	free(x->hashes);
	memset(x, 0, sizeof *x);
}

static uint64_t
name_hash(const char *name)
{
	return hash_words(name, strlen(name));
}

/* Makes room for a table of at least 2n slots, all empty. */
static void
clear_table(struct member_index *x, size_t n)
{
	size_t cap = 32;
	while (cap < 2 * n)
		cap *= 2;
	if (cap > x->cap) {
		x->slots = xrealloc(x->slots, cap * sizeof *x->slots);
		x->hashes = xrealloc(x->hashes, cap * sizeof *x->hashes);
		x->cap = cap;
	}
	memset(x->slots, 0, cap * sizeof *x->slots);
	x->mask = cap - 1;
}

/* Puts m in its slot unless a member of the same name is there already:
 * the first of duplicate names wins, as in cJSON's own lookup. */
static void
insert(struct member_index *x, const cJSON *m)
{
	uint64_t h = name_hash(m->string);
	for (size_t k = (size_t)h & x->mask;; k = (k + 1) & x->mask) {
		if (x->slots[k] == NULL) {
			x->slots[k] = m;
			x->hashes[k] = h;
			return;
		}
		if (x->hashes[k] == h && strcmp(x->slots[k]->string, m->string) == 0)
			return;
	}
}

void
member_index_build(struct member_index *x, const cJSON *obj)
{
	size_t n = 0;
	x->obj = obj;
	x->mask = 0;
	for (const cJSON *m = obj ? obj->child : NULL; m != NULL; m = m->next)
		n++;
	if (n <= MEMBER_INDEX_LINEAR)
		return;
	clear_table(x, n);
	for (const cJSON *m = obj->child; m != NULL; m = m->next)
		if (m->string != NULL)
			insert(x, m);
}

const cJSON *
member_index_get(const struct member_index *x, const char *name)
{
	if (x->obj == NULL || name == NULL)
		return NULL;
	if (x->mask == 0)
		return jsonval_member(x->obj, name);
	uint64_t h = name_hash(name);
	for (size_t k = (size_t)h & x->mask;; k = (k + 1) & x->mask) {
		const cJSON *m = x->slots[k];
		if (m == NULL)
			return NULL;
		if (x->hashes[k] == h && strcmp(m->string, name) == 0)
			return m;
	}
}
