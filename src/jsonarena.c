#include "jsonarena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"

/* Under AddressSanitizer the arena runs as in production, with what it has
 * not handed out poisoned and a poisoned gap after every allocation, so an
 * overrun of a cJSON node or string, or a tree used after its line's reset,
 * is reported as it would be for malloc. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
enum { REDZONE = 16 };
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
enum { REDZONE = 0 };
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
	size_t asked = n;
	n = (n + REDZONE + ALIGN - 1) & ~(size_t)(ALIGN - 1);
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
		POISON(c->data, size);
	}
	void *p = (char *)a->chunks->data + a->used;
	a->used += n;
	UNPOISON(p, asked);
	return p;
}

void *
jsonarena_alloc(size_t n)
{
	return active != NULL ? arena_malloc(n) : NULL;
}

static void
arena_free(void *p)
{
	if (p != NULL && !owns(owner, p))
		free(p);
}

static void
chunk_free(struct jsonarena_chunk *c)
{
	UNPOISON(c->data, c->size);
	free(c);
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
	return active != NULL;
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
		chunk_free(c);
		c = next;
	}
	keep->next = NULL;
	if (keep->size > 16 * CHUNK_MIN) {
		chunk_free(keep);
		a->chunks = NULL;
	} else {
		POISON(keep->data, keep->size); /* the last line's trees are gone */
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
		chunk_free(a->chunks);
		a->chunks = next;
	}
	a->used = 0;
}

size_t
jsonarena_held(const struct jsonarena *a, size_t *nchunks)
{
	size_t bytes = 0, n = 0;
	for (const struct jsonarena_chunk *c = a->chunks; c != NULL; c = c->next, n++)
		bytes += c->size;
	if (nchunks != NULL)
		*nchunks = n;
	return bytes;
}
