#ifndef CDCPIVOT_MEMBERINDEX_H
#define CDCPIVOT_MEMBERINDEX_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Lookup of a JSON object's members by name in constant expected time, so
 * that diffing a row of N columns costs O(N), not O(N^2) (a 4,000-column
 * row looked each column up in before and after by a walk of the list).
 *
 * member_index_get(x, name) returns exactly what
 * cJSON_GetObjectItemCaseSensitive(obj, name) returns: the first member of
 * that name (a duplicate name later in the object is never returned), or
 * NULL. Objects of at most MEMBER_INDEX_LINEAR members are not indexed:
 * walking a short list is cheaper than hashing.
 *
 * The index points into obj: it is valid while obj lives and is rebuilt
 * (its storage reused) by the next member_index_build. */

#define MEMBER_INDEX_LINEAR 16

struct member_index {
	const cJSON *obj;     /* the indexed object (NULL: none) */
	const cJSON **slots;  /* open addressing, NULL = empty */
	uint64_t *hashes;     /* the hash of each slot's name */
	size_t mask;          /* slots - 1, 0 while obj is walked instead */
	size_t cap;           /* allocated slots */
};

void member_index_init(struct member_index *x);
void member_index_free(struct member_index *x);

/* Indexes obj (an object, or NULL for none). */
void member_index_build(struct member_index *x, const cJSON *obj);

const cJSON *member_index_get(const struct member_index *x, const char *name);

#endif
