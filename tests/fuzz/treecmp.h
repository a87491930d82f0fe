#ifndef CDCPIVOT_TREECMP_H
#define CDCPIVOT_TREECMP_H

/* Whether two cJSON trees are the same tree, field for field: what
 * fastjson_parse() must build is exactly what cJSON and jsonval build
 * (types and flags, member names, strings byte for byte, number literals
 * at the same address and length, doubles bit for bit, true's valueint,
 * and the prev links, whose head points at the last item). Shared by
 * the fastjson suite and the fuzz target. Returns NULL when the same,
 * else what differs first. */

#include <stddef.h>
#include <string.h>

#include <cjson/cJSON.h>

static const char *
treecmp_strings(const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL))
		return "one of two strings is NULL";
	if (a != NULL && strcmp(a, b) != 0)
		return "strings differ";
	return NULL;
}

static const char *
treecmp_node(const cJSON *a, const cJSON *b)
{
	if (a->type != b->type)
		return "types differ";
	const char *why = treecmp_strings(a->string, b->string);
	if (why != NULL)
		return why;
	if (cJSON_IsNumber(a)) {
		if (a->valuestring != b->valuestring || a->valueint != b->valueint)
			return "number literals differ";
		if (memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble) != 0)
			return "number values differ";
		return NULL;
	}
	if (a->valueint != b->valueint || a->valuedouble != b->valuedouble)
		return "valueint or valuedouble differ";
	return treecmp_strings(a->valuestring, b->valuestring);
}

static const char *
treecmp(const cJSON *a, const cJSON *b)
{
	const cJSON *a0 = a, *b0 = b;
	for (; a != NULL && b != NULL; a = a->next, b = b->next) {
		const char *why = treecmp_node(a, b);
		if (why == NULL && (a->child == NULL) != (b->child == NULL))
			why = "one has children, the other not";
		if (why == NULL && a->child != NULL)
			why = treecmp(a->child, b->child);
		if (why != NULL)
			return why;
	}
	if (a != NULL || b != NULL)
		return "lists of different lengths";
	/* A list's head points back at its last item (cJSON appends there). */
	if (a0 != NULL && (a0->prev == NULL) != (b0->prev == NULL))
		return "one head has a prev, the other not";
	if (a0 != NULL && a0->prev != NULL && b0->prev != NULL &&
	    (a0->prev->next != NULL || b0->prev->next != NULL))
		return "a head's prev is not the last item";
	return NULL;
}

#endif
