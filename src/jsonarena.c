#include "jsonarena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_BYPASS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_BYPASS 1
#endif
#endif
#ifndef ARENA_BYPASS
#define ARENA_BYPASS 0
#endif

enum { CHUNK_MIN = 64 * 1024, ALIGN = 16 };

struct jsonarena_chunk {
	struct jsonarena_chunk *next;
	size_t size;     /* usable bytes in data */
	max_align_t data[];
};

/* See the header: cJSON's hooks have no context pointer. */
static struct jsonarena *active;   /* allocating from here, or NULL */
static struct jsonarena *owner;    /* last arena entered, for free() */

static int
owns(const struct jsonarena *a, const void *p)
{
	for (const struct jsonarena_chunk *c = a ? a->chunks : NULL; c != NULL; c = c->next) {
		const char *base = (const char *)c->data;
		if ((const char *)p >= base && (const char *)p < base + c->size)
			return 1;
	}
	return 0;
}

static void *
arena_malloc(size_t n)
{
	struct jsonarena *a = active;
	if (a == NULL)
		return malloc(n);
	if (ARENA_BYPASS) {
		void *p = malloc(n);
		if (p == NULL)
			a->failed = 1;
		return p;
	}
	n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (a->chunks == NULL || a->chunks->size - a->used < n) {
		size_t size = a->chunks ? a->chunks->size * 2 : CHUNK_MIN;
		while (size < n)
			size *= 2;
		struct jsonarena_chunk *c = size < SIZE_MAX - sizeof *c ? malloc(sizeof *c + size) : NULL;
		if (c == NULL) {
			a->failed = 1; /* cJSON reports the parse as failed; see jsonarena_failed() */
			return NULL;
		}
		c->size = size;
		c->next = a->chunks;
		a->chunks = c;
		a->used = 0;
	}
	void *p = (char *)a->chunks->data + a->used;
	a->used += n;
	return p;
}

static void
arena_free(void *p)
{
	if (p != NULL && !owns(owner, p))
		free(p);
}

void
jsonarena_init(struct jsonarena *a)
{
	memset(a, 0, sizeof *a);
}

void
jsonarena_enter(struct jsonarena *a)
{
	if (a == NULL)
		return;
	static int hooked;
	if (!hooked) {
		cJSON_Hooks hooks = {arena_malloc, arena_free};
		cJSON_InitHooks(&hooks);
		hooked = 1;
	}
	active = a;
	owner = a;
}

int
jsonarena_failed(void)
{
	return active != NULL && active->failed;
}

int
jsonarena_active(void)
{
	return !ARENA_BYPASS && active != NULL; /* bypassed: every tree is malloc'ed */
}

struct jsonarena *
jsonarena_leave(void)
{
	struct jsonarena *a = active;
	active = NULL;
	return a;
}

void
jsonarena_reset(struct jsonarena *a)
{
	a->failed = 0;
	struct jsonarena_chunk *keep = a->chunks;
	if (keep == NULL)
		return;
	/* Keep the newest (largest) chunk unless it is far above the usual
	 * need, so one huge line does not pin its memory for ever. */
	struct jsonarena_chunk *c = keep->next;
	while (c != NULL) {
		struct jsonarena_chunk *next = c->next;
		free(c);
		c = next;
	}
	keep->next = NULL;
	if (keep->size > 16 * CHUNK_MIN) {
		free(keep);
		a->chunks = NULL;
	}
	a->used = 0;
}

void
jsonarena_free(struct jsonarena *a)
{
	if (active == a)
		active = NULL;
	if (owner == a)
		owner = NULL;
	while (a->chunks != NULL) {
		struct jsonarena_chunk *next = a->chunks->next;
		free(a->chunks);
		a->chunks = next;
	}
	a->used = 0;
}
