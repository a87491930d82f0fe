#include "payloadshape.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Schemas nested deeper than the parser reads need no shape there. */
#define MAX_DEPTH FASTJSON_MAX_DEPTH

static const cJSON *
member(const cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

static int
is_struct(const cJSON *schema)
{
	const char *type = cJSON_GetStringValue(member(schema, "type"));
	return type != NULL && strcmp(type, "struct") == 0 && cJSON_IsArray(member(schema, "fields"));
}

/* The name of a field the parser can expect by its bytes, or NULL. */
static const char *
expectable_name(const cJSON *field)
{
	const char *name = cJSON_GetStringValue(member(field, "field"));
	if (name == NULL || strpbrk(name, "\"\\") != NULL)
		return NULL;
	return name;
}

/* How many of the fields come before the first that cannot be expected,
 * and the bytes of their patterns. */
static size_t
expectable(const cJSON *fields, size_t *bytes)
{
	size_t n = 0;
	*bytes = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		const char *name = expectable_name(f);
		if (name == NULL)
			break;
		*bytes += strlen(name) + 3;
		n++;
	}
	return n;
}

/* One block: the shape, its members, then their patterns. */
static struct fastjson_shape *
shape_of(const cJSON *schema, int depth)
{
	const cJSON *fields = member(schema, "fields");
	size_t bytes, n = expectable(fields, &bytes);
	struct fastjson_shape *sh = xmalloc(sizeof *sh + n * sizeof *sh->member + bytes);
	struct fastjson_member *m = (struct fastjson_member *)(sh + 1);
	char *text = (char *)(m + n);
	sh->n = n;
	sh->member = m;
	const cJSON *f = fields->child;
	for (size_t i = 0; i < n; i++, f = f->next) {
		const char *name = cJSON_GetStringValue(member(f, "field"));
		size_t len = strlen(name);
		m[i].quoted = text;
		m[i].qlen = len + 3;
		*text++ = '"';
		memcpy(text, name, len);
		text += len;
		*text++ = '"';
		*text++ = ':';
		m[i].inner = depth < MAX_DEPTH && is_struct(f) ? shape_of(f, depth + 1) : NULL;
	}
	return sh;
}

struct fastjson_shape *
payloadshape_new(const cJSON *schema)
{
	return schema != NULL && is_struct(schema) ? shape_of(schema, 1) : NULL;
}

void
payloadshape_free(struct fastjson_shape *shape)
{
	if (shape == NULL)
		return;
	for (size_t i = 0; i < shape->n; i++)
		payloadshape_free((struct fastjson_shape *)shape->member[i].inner);
	free(shape);
}
