#ifndef CDCPIVOT_JSONARENA_H
#define CDCPIVOT_JSONARENA_H

#include <stddef.h>

/* A bump allocator for cJSON's per-line trees. A line's trees are built
 * and dropped together, so one reset per line replaces the malloc and
 * free of every node and string (a fifth of the run time otherwise).
 *
 * cJSON allocates through process-wide hooks without a context pointer, so
 * the arena in force is the one piece of module state in cdcpivot: it is
 * set by jsonarena_enter() and cleared by jsonarena_leave(), from the one
 * thread that parses. While no arena is entered, cJSON uses malloc and
 * free as usual, so trees that must outlive the line (cached schemas) are
 * parsed with the arena left. Under AddressSanitizer the arena is the
 * same, with the bytes it has not handed out poisoned and a poisoned gap
 * after each allocation, so ASan and the fuzzer check the allocator that
 * runs in production. */

struct jsonarena_chunk;

struct jsonarena {
	struct jsonarena_chunk *chunks; /* newest first */
	size_t used;                    /* bytes used in the newest chunk */
	int failed;                     /* an allocation failed since the reset */
};

void jsonarena_init(struct jsonarena *a);

/* Releases everything; the arena must not be entered. */
void jsonarena_free(struct jsonarena *a);

/* Makes cJSON allocate from a until jsonarena_leave(). */
void jsonarena_enter(struct jsonarena *a);

/* Back to malloc; returns the arena that was in force (or NULL), to be
 * passed to jsonarena_enter() again. Memory already handed out stays
 * valid until jsonarena_reset(). */
struct jsonarena *jsonarena_leave(void);

/* Whether cJSON allocates from an arena right now; trees built meanwhile
 * need no cJSON_Delete (the next jsonarena_reset() drops them). */
int jsonarena_active(void);

/* Whether an allocation from the arena in force failed since its last
 * jsonarena_reset(). cJSON reports such a failure as a failed parse, which
 * is otherwise indistinguishable from a syntax error. */
int jsonarena_failed(void);

/* n bytes from the arena in force, aligned for any object, for a parser
 * that builds cJSON trees itself (fastjson.h); like cJSON's own
 * allocations they go with the next jsonarena_reset(). NULL when no arena
 * is in force, or when memory ran out (jsonarena_failed() then says so). */
void *jsonarena_alloc(size_t n);
/* Invalidates every tree allocated from a (their cJSON_Delete is then a
 * no-op walk) and keeps one chunk for the next line, so memory stays
 * bounded by the largest line recently parsed. */
void jsonarena_reset(struct jsonarena *a);

/* Bytes of chunks the arena holds now, and how many chunks. */
size_t jsonarena_held(const struct jsonarena *a, size_t *nchunks);

#endif
