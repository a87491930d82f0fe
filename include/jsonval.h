#ifndef CDCPIVOT_JSONVAL_H
#define CDCPIVOT_JSONVAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include <string.h>

#include "buf.h"

/* JSON values as they were written, on top of cJSON.
 *
 * cJSON keeps numbers only as double, which loses digits beyond 2^53 (a
 * bigint id, an LSN, a nanosecond timestamp) and rewrites "1.0" as "1".
 * jsonval_parse() therefore scans the text once for number literals and
 * points every number node at its literal: the nth number literal of the
 * text is the nth number node in document order. The node's valuestring is
 * borrowed from the text (marked cJSON_IsReference so cJSON_Delete leaves it
 * alone) and its length is kept in valueint, so the text must outlive the
 * tree and valueint of such nodes means the literal's length. */

/* cJSON_IsNull, _IsString, _IsNumber, _IsObject, _IsArray and
 * cJSON_GetStringValue, exactly (cJSON 1.7: the type's low byte; NULL is
 * none of them), inline: in the shared library each is a call, and the
 * hot path asks them some forty times per event. */
static inline int
jsonval_type_is(const cJSON *v, int type)
{
	return v != NULL && (v->type & 0xFF) == type;
}

static inline int
jsonval_is_null(const cJSON *v)
{
	return jsonval_type_is(v, cJSON_NULL);
}

static inline int
jsonval_is_string(const cJSON *v)
{
	return jsonval_type_is(v, cJSON_String);
}

static inline int
jsonval_is_number(const cJSON *v)
{
	return jsonval_type_is(v, cJSON_Number);
}

static inline int
jsonval_is_object(const cJSON *v)
{
	return jsonval_type_is(v, cJSON_Object);
}

static inline int
jsonval_is_array(const cJSON *v)
{
	return jsonval_type_is(v, cJSON_Array);
}

static inline char *
jsonval_string(const cJSON *v)
{
	return jsonval_is_string(v) ? v->valuestring : NULL;
}

/* Exactly cJSON_GetObjectItemCaseSensitive(obj, name): the first member
 * of that name, or NULL (also when obj or name is NULL, or an item
 * without a name comes first, as in an array). Inline, and comparing
 * the first byte before calling strcmp: the hot path looks up a few
 * names in every event's objects. */
static inline const cJSON *
jsonval_member(const cJSON *obj, const char *name)
{
	if (obj == NULL || name == NULL)
		return NULL;
	for (const cJSON *c = obj->child; c != NULL && c->string != NULL; c = c->next)
		if (c->string[0] == name[0] && strcmp(c->string, name) == 0)
			return c;
	return NULL;
}

/* Parses text[0..len) as one JSON value followed by nothing but JSON
 * whitespace. While a JSON arena is in force (jsonarena.h), fastjson
 * (fastjson.h) builds the tree where it is certain of it, cJSON
 * everywhere else: the tree is the same either way. On success returns the tree (free with cJSON_Delete). On
 * failure returns NULL and sets *err_off to the byte offset where parsing
 * stopped and *trailing to 1 if a complete value was followed by other
 * bytes. */
cJSON *jsonval_parse(const char *text, size_t len, size_t *err_off, int *trailing);

/* jsonval_parse, telling where the strings are when fastjson built the
 * tree (fastjson_parse_copy): *copy is then the len bytes that hold every
 * member name and string value; NULL when cJSON did. */
cJSON *jsonval_parse_copy(const char *text, size_t len, size_t *err_off, int *trailing,
    const char **copy);

/* Like jsonval_parse, but a complete value may be followed by anything:
 * *end_off receives the offset just past the value. */
cJSON *jsonval_parse_prefix(const char *text, size_t len, size_t *end_off);

/* The same, faster where the text's objects have the members shape says
 * (fastjson.h); the tree is the same with any shape. */
struct fastjson_shape;
cJSON *jsonval_parse_prefix_shaped(const char *text, size_t len, size_t *end_off,
    const struct fastjson_shape *shape);

/* The literal text of a number node: its original bytes when the tree came
 * from jsonval_parse, else cJSON's double printed with 17 significant
 * digits. Returns the length; *p is valid as long as the text (or tmp). */
size_t jsonval_number_text(const cJSON *n, const char **p, char tmp[32]);

/* Parses an integral number node, or a string of decimal digits, exactly.
 * Returns 0 on success, -1 if the value is not an integer in int64 range. */
int jsonval_int64(const cJSON *v, int64_t *out);

/* Appends the text a change log shows for v: strings unescaped, numbers as
 * written, true/false, objects and arrays as compact JSON with numbers as
 * written. Returns 0 without appending when v is NULL or JSON null (the
 * column is SQL NULL), 1 otherwise. */
int jsonval_render(struct buf *out, const cJSON *v);

/* Appends v as compact JSON (strings quoted and escaped). */
void jsonval_write_json(struct buf *out, const cJSON *v);

/* Appends s[0..n) as a JSON string literal, escaping what RFC 8259
 * requires plus DEL, so the result is safe on one line. */
void jsonval_write_string(struct buf *out, const char *s, size_t n);

/* Content equality: object members in any order, numbers by the exact
 * decimal value of their literals at any size (1.50 = 1.5, 1e2 = 100,
 * -0 = 0; never through a double), strings byte for byte. Literals whose
 * exponent has more than 17 digits are equal only when identical. A NULL
 * pointer (member absent) equals JSON null. */
int jsonval_equal(const cJSON *a, const cJSON *b);

#endif
