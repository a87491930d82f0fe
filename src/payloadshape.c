#include "payloadshape.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Schemas nested deeper than the parser reads need no shape there. */
#define MAX_DEPTH FASTJSON_MAX_DEPTH

/* What the shape needs of a schema or of one of its fields: its "type",
 * "fields" and "field" members, found in one walk over it (the first of
 * each name, as cJSON's lookup finds; a schema is walked at its second
 * use, and a stream of ever new schemas makes that once per message). */
struct field_info {
	const char *type, *name;
	const cJSON *fields;
};

static void
read_field(const cJSON *f, struct field_info *fi)
{
	memset(fi, 0, sizeof *fi);
	const cJSON *type = NULL, *name = NULL;
	for (const cJSON *c = f != NULL ? f->child : NULL; c != NULL; c = c->next) {
		const char *s = c->string;
		if (s == NULL)
			continue;
		if (s[0] == 't' && type == NULL && strcmp(s, "type") == 0)
			type = c;
		else if (s[0] == 'f' && fi->fields == NULL && strcmp(s, "fields") == 0)
			fi->fields = c;
		else if (s[0] == 'f' && name == NULL && strcmp(s, "field") == 0)
			name = c;
	}
	fi->type = cJSON_GetStringValue(type);
	fi->name = cJSON_GetStringValue(name);
}

static int
is_struct(const struct field_info *fi)
{
	return fi->type != NULL && strcmp(fi->type, "struct") == 0 && cJSON_IsArray(fi->fields);
}

/* A name the parser can expect by its bytes: none JSON would escape. */
static int
expectable(const char *name)
{
	return name != NULL && strpbrk(name, "\"\\") == NULL;
}

/* How many of the fields come before the first that cannot be expected,
 * and the bytes of their patterns. */
static size_t
count_expectable(const cJSON *fields, size_t *bytes)
{
	size_t n = 0;
	*bytes = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, fields) {
		struct field_info fi;
		read_field(f, &fi);
		if (!expectable(fi.name))
			break;
		*bytes += strlen(fi.name) + 3;
		n++;
	}
	return n;
}

/* One block: the shape, its members, then their patterns. */
static struct fastjson_shape *
shape_of(const cJSON *fields, int depth)
{
	size_t bytes, n = count_expectable(fields, &bytes);
	struct fastjson_shape *sh = xmalloc(sizeof *sh + n * sizeof *sh->member + bytes);
	struct fastjson_member *m = (struct fastjson_member *)(sh + 1);
	char *text = (char *)(m + n);
	sh->n = n;
	sh->member = m;
	const cJSON *f = fields->child;
	for (size_t i = 0; i < n; i++, f = f->next) {
		struct field_info fi;
		read_field(f, &fi);
		size_t len = strlen(fi.name);
		m[i].quoted = text;
		m[i].qlen = len + 3;
		*text++ = '"';
		memcpy(text, fi.name, len);
		text += len;
		*text++ = '"';
		*text++ = ':';
		m[i].inner = depth < MAX_DEPTH && is_struct(&fi) ? shape_of(fi.fields, depth + 1) : NULL;
	}
	return sh;
}

struct fastjson_shape *
payloadshape_new(const cJSON *schema)
{
	struct field_info fi;
	read_field(schema, &fi);
	return is_struct(&fi) ? shape_of(fi.fields, 1) : NULL;
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
