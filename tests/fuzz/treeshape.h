#ifndef CDCPIVOT_TREESHAPE_H
#define CDCPIVOT_TREESHAPE_H

/* A fastjson shape (fastjson.h) taken from a parsed object's own member
 * names, for the fastjson suite and the fuzz target: the shape a schema
 * would give when the text is what it describes. skip drops the first
 * skip names of every object, so that the text's first member is not
 * the one expected; the trees must be the same either way. Names holding
 * a quote or a backslash end an object's shape, as payloadshape.h's do.
 * Freed with treeshape_free. */

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fastjson.h"

static struct fastjson_shape *
treeshape(const cJSON *obj, size_t skip)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	size_t n = 0, bytes = 0, k = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, obj) {
		if (k++ < skip)
			continue;
		if (strpbrk(c->string, "\"\\") != NULL)
			break;
		bytes += strlen(c->string) + 3;
		n++;
	}
	struct fastjson_shape *sh = malloc(sizeof *sh + n * sizeof *sh->member + bytes);
	if (sh == NULL)
		abort();
	struct fastjson_member *m = (struct fastjson_member *)(sh + 1);
	char *text = (char *)(m + n);
	sh->n = n;
	sh->member = m;
	c = obj->child;
	for (k = 0; k < skip && c != NULL; k++)
		c = c->next;
	for (size_t i = 0; i < n; i++, c = c->next) {
		size_t len = strlen(c->string);
		m[i].quoted = text;
		m[i].qlen = len + 3;
		text[0] = '"';
		memcpy(text + 1, c->string, len);
		text[len + 1] = '"';
		text[len + 2] = ':';
		text += len + 3;
		m[i].inner = treeshape(c, skip);
	}
	return sh;
}

static void
treeshape_free(struct fastjson_shape *sh)
{
	if (sh == NULL)
		return;
	for (size_t i = 0; i < sh->n; i++)
		treeshape_free((struct fastjson_shape *)sh->member[i].inner);
	free(sh);
}

#endif
