#include "decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "decimal.h"
#include "jsonval.h"
#include "pgtext.h"

#include "decodecolumn.h"
#include "decodeput.h"
#include "decodetime.h"

/* render()'s results besides 0: the value does not fit the schema, or its
 * decimal scale is beyond what any source database gives. */
enum { R_MISMATCH = -1, R_SCALE = -3 };

/* ---- values -> text ---------------------------------------------------- */

static void
put_number(struct buf *out, const cJSON *v)
{
	char tmp[32];
	const char *p;
	size_t n = jsonval_number_text(v, &p, tmp);
	buf_append(out, p, n);
}


/* Decodes base64 s into a scratch copy at the end of out (the caller
 * drops it): returns its offset, or (size_t)-1 if s is not base64. */
static size_t
decode_scratch(struct buf *out, const char *s)
{
	size_t start = out->len;
	return base64_decode(out, s, strlen(s)) == 0 ? start : (size_t)-1;
}

/* Appends the bytes that base64 s stands for as PostgreSQL's bytea text,
 * "\x" and lowercase hex. */
static int
put_hex(struct buf *out, const char *s, int json)
{
	struct buf tmp;
	buf_init(&tmp);
	if (decode_scratch(&tmp, s) == (size_t)-1) {
		buf_free(&tmp);
		return -1;
	}
	if (json) {
		struct buf t2;
		buf_init(&t2);
		pgtext_bytea(&t2, (const unsigned char *)tmp.p, tmp.len);
		jsonval_write_string(out, t2.p, t2.len);
		buf_free(&t2);
	} else {
		pgtext_bytea(out, (const unsigned char *)tmp.p, tmp.len);
	}
	buf_free(&tmp);
	return 0;
}

/* Bits: the bit string of the column's length, first bit first; Debezium
 * sends its value as little-endian bytes (and none for zero). */
static int
put_bits(struct buf *out, const char *s, int32_t nbits, int json)
{
	struct buf tmp;
	buf_init(&tmp);
	if (decode_scratch(&tmp, s) == (size_t)-1) {
		buf_free(&tmp);
		return -1;
	}
	const unsigned char *b = (const unsigned char *)tmp.p;
	int r = 0;
	for (size_t i = (size_t)nbits; i < 8 * tmp.len; i++)
		if (b[i / 8] >> (i % 8) & 1)
			r = -1; /* a bit beyond the length: not this column's value */
	if (r == 0) {
		if (json)
			buf_putc(out, '"');
		buf_reserve(out, (size_t)nbits);
		for (size_t i = (size_t)nbits; i-- > 0;)
			buf_putc(out, i / 8 < tmp.len && (b[i / 8] >> (i % 8) & 1) ? '1' : '0');
		if (json)
			buf_putc(out, '"');
	}
	buf_free(&tmp);
	return r;
}

/* Whether s is valid base64 (decoded into out's spare room, then dropped). */
static int
is_base64(struct buf *out, const char *s)
{
	size_t start = out->len;
	int ok = base64_decode(out, s, strlen(s)) == 0;
	out->len = start;
	return ok;
}

/* A decimal that is already a number or decimal text (decimal.format
 * NUMERIC, or a producer that formats it) goes through as written. */
static int
put_decimal_as_written(struct buf *out, const cJSON *v, int json)
{
	if (jsonval_is_number(v)) {
		put_number(out, v);
		return 0;
	}
	if (jsonval_is_string(v) && decimal_is_text(v->valuestring)) {
		put_string(out, v->valuestring, json);
		return 0;
	}
	return -1;
}

static int render(struct buf *out, const struct decode_column *c, const cJSON *v, int hex,
    int json);

static const struct decode_column *
struct_field(const struct decode_column *c, const char *name, size_t *hint)
{
	if (name == NULL)
		return NULL;
	/* Values list their members in schema order: try the next one first. */
	if (*hint < c->nchild && strcmp(c->child[*hint].name, name) == 0)
		return &c->child[(*hint)++];
	for (size_t i = 0; i < c->nchild; i++) {
		if (strcmp(c->child[i].name, name) == 0) {
			*hint = i + 1;
			return &c->child[i];
		}
	}
	return NULL;
}

/* Appends v (not NULL) decoded by c: as column text at the top, as a JSON
 * value (json set) inside an array, map or struct. Returns -1 if v does
 * not fit c; out then holds partial output that the caller discards. */
static int
render_float(struct buf *out, const cJSON *v, int is_float4, int json)
{
	if (jsonval_is_number(v)) {
		/* float4out's or float8out's shortest text ("100", "1e+15"),
		 * not the writer's ("100.0", "1.0E15") */
		char tmp[32];
		const char *p;
		size_t n = jsonval_number_text(v, &p, tmp);
		if (pgtext_float(out, p, n, is_float4) != 0)
			buf_append(out, p, n);
		return 0;
	}
	if (jsonval_is_string(v) &&
	    (strcmp(v->valuestring, "NaN") == 0 || strcmp(v->valuestring, "Infinity") == 0 ||
	        strcmp(v->valuestring, "-Infinity") == 0)) {
		put_string(out, v->valuestring, json);
		return 0;
	}
	return -1;
}

/* Values that Debezium sends as text, and the bit strings. */
static int
render_text(struct buf *out, const struct decode_column *c, const cJSON *v, int json)
{
	if (!jsonval_is_string(v))
		return -1;
	const char *s = v->valuestring;
	switch (c->kind) {
	case K_ZTIMESTAMP:
		/* "infinity" and "-infinity" are PostgreSQL's text already */
		if (strcmp(s, "infinity") == 0 || strcmp(s, "-infinity") == 0) {
			put_string(out, s, json);
			return 0;
		}
		return decodetime_iso_timestamp(out, s, 1, json);
	case K_ISOTIMESTAMP:
		return decodetime_iso_timestamp(out, s, 0, json);
	case K_ZTIME:
	case K_ISODATE:
	case K_ISOTIME:
		return decodetime_iso_part(out, s, c->kind, json);
	case K_INTERVAL:
		return decodetime_interval(out, s, json);
	case K_BITS:
		return put_bits(out, s, c->scale, json);
	default:
		return -1;
	}
}

/* Booleans, integers, strings and bytes, and values of no known type. */
static int
render_plain(struct buf *out, const struct decode_column *c, const cJSON *v, int hex, int json)
{
	switch (c->kind) {
	case K_ANY:
		if (json)
			jsonval_write_json(out, v);
		else
			jsonval_render(out, v);
		return 0;
	case K_BOOL:
		if (!cJSON_IsBool(v))
			return -1;
		buf_puts(out, cJSON_IsTrue(v) ? "true" : "false");
		return 0;
	case K_INT:
		if (!jsonval_is_number(v))
			return -1;
		put_number(out, v);
		return 0;
	case K_FLOAT:
		return render_float(out, v, c->unit, json);
	case K_STRING:
	case K_BYTES:
		if (!jsonval_is_string(v))
			return -1;
		if (c->kind == K_BYTES && hex)
			return put_hex(out, v->valuestring, json);
		put_string(out, v->valuestring, json);
		return 0;
	default:
		return render_text(out, c, v, json);
	}
}

static int
render_decimal(struct buf *out, const struct decode_column *c, const cJSON *v, int json)
{
	if (c->kind == K_DECIMAL) {
		if (jsonval_is_string(v)) {
			/* Base64 is the schema's form; decimal text that is not
			 * base64 goes through as written; base64 without a scale
			 * to apply is a mismatch. */
			if (c->has_scale) {
				int r = decimal_write_base64(out, v->valuestring, c->scale, json);
				if (r != -2)
					return r;
			} else if (is_base64(out, v->valuestring)) {
				return c->bad_scale ? R_SCALE : R_MISMATCH;
			}
		}
		return put_decimal_as_written(out, v, json);
	}
	/* VariableScaleDecimal: {"scale":N,"value":"<base64>"}. */
	if (!jsonval_is_object(v))
		return put_decimal_as_written(out, v, json);
	int64_t scale;
	const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
	if (get_int(cJSON_GetObjectItemCaseSensitive(v, "scale"), &scale) != 0 || !jsonval_is_string(val))
		return R_MISMATCH;
	if (scale < -MAX_SCALE || scale > MAX_VALUE_SCALE)
		return R_SCALE;
	return decimal_write_base64(out, val->valuestring, scale, json);
}

/* An object member "key": as JSON, before its value. */
static void
put_key(struct buf *out, const cJSON *e, int first)
{
	if (!first)
		buf_putc(out, ',');
	const char *k = e->string != NULL ? e->string : "";
	jsonval_write_string(out, k, strlen(k));
	buf_putc(out, ':');
}

/* An element of an array literal: NULL, a nested array as it is, anything
 * else as its column text, quoted as array_in needs (booleans as
 * boolout's t and f, as array_out prints them). */
static int
render_element(struct buf *out, const struct decode_column *c, const cJSON *e, int hex)
{
	if (jsonval_is_null(e)) {
		buf_append(out, "NULL", 4);
		return 0;
	}
	if (c->kind == K_BOOL && cJSON_IsBool(e)) {
		buf_putc(out, cJSON_IsTrue(e) ? 't' : 'f');
		return 0;
	}
	size_t start = out->len;
	int r = render(out, c, e, hex, 0);
	if (r == 0 && !(c->kind == K_ARRAY && jsonval_is_array(e)))
		pgtext_array_quote(out, start);
	return r;
}

/* An array: PostgreSQL's literal ({1,2,NULL}) as a column, compact JSON
 * inside a struct or map. */
static int
render_array(struct buf *out, const struct decode_column *c, const cJSON *v, int hex, int json)
{
	if (!jsonval_is_array(v))
		return -1;
	buf_putc(out, json ? '[' : '{');
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (e != v->child)
			buf_putc(out, ',');
		int r = json ? render(out, &c->child[0], e, hex, 1) : render_element(out, &c->child[0], e, hex);
		if (r != 0)
			return r;
	}
	buf_putc(out, json ? ']' : '}');
	return 0;
}

/* hstore_out's order: shorter keys first, then byte order. */
static int
hstore_order(const void *a, const void *b)
{
	const char *x = (*(const cJSON *const *)a)->string, *y = (*(const cJSON *const *)b)->string;
	size_t nx = strlen(x), ny = strlen(y);
	if (nx != ny)
		return nx < ny ? -1 : 1;
	return memcmp(x, y, nx);
}

/* A map of strings as a column (hstore.handling.mode=map): hstore_out's
 * text, "k"=>"v", "n"=>NULL. Returns 1 if v is not such a map. */
static int
render_hstore(struct buf *out, const struct decode_column *c, const cJSON *v)
{
	if (!jsonval_is_object(v) || c->child[1].kind != K_STRING)
		return 1;
	size_t n = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!jsonval_is_string(e) && !jsonval_is_null(e))
			return 1;
		n++;
	}
	const cJSON **pairs = n ? xmalloc(n * sizeof *pairs) : NULL;
	n = 0;
	cJSON_ArrayForEach(e, v)
		pairs[n++] = e;
	if (n > 1)
		qsort(pairs, n, sizeof *pairs, hstore_order);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_append(out, ", ", 2);
		pgtext_hstore_quote(out, pairs[i]->string, strlen(pairs[i]->string));
		buf_append(out, "=>", 2);
		if (jsonval_is_null(pairs[i]))
			buf_append(out, "NULL", 4);
		else
			pgtext_hstore_quote(out, pairs[i]->valuestring, strlen(pairs[i]->valuestring));
	}
	free(pairs);
	return 0;
}

/* geometry.Point {x, y, wkb, srid}: point_out's "(x,y)". */
static int
render_point(struct buf *out, const cJSON *v, int json)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(v, "x");
	const cJSON *y = cJSON_GetObjectItemCaseSensitive(v, "y");
	if (!jsonval_is_number(x) || !jsonval_is_number(y))
		return -1;
	if (json)
		buf_putc(out, '"');
	buf_putc(out, '(');
	render_float(out, x, 0, 0);
	buf_putc(out, ',');
	render_float(out, y, 0, 0);
	buf_putc(out, ')');
	if (json)
		buf_putc(out, '"');
	return 0;
}

/* A map with other than string keys: an array of [key, value] pairs. */
static int
render_pairs(struct buf *out, const struct decode_column *c, const cJSON *v, int hex)
{
	if (!jsonval_is_array(v))
		return -1;
	buf_putc(out, '[');
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!jsonval_is_array(e) || e->child == NULL || e->child->next == NULL ||
		    e->child->next->next != NULL)
			return -1;
		if (e != v->child)
			buf_putc(out, ',');
		buf_putc(out, '[');
		int r = render(out, &c->child[0], e->child, hex, 1);
		if (r != 0)
			return r;
		buf_putc(out, ',');
		r = render(out, &c->child[1], e->child->next, hex, 1);
		if (r != 0)
			return r;
		buf_putc(out, ']');
	}
	buf_putc(out, ']');
	return 0;
}

/* A map (string keys: a JSON object) or a struct, member by member; a
 * struct member not in the schema is written as it came. */
static int
render_object(struct buf *out, const struct decode_column *c, const cJSON *v, int hex)
{
	if (c->kind == K_MAP && !jsonval_is_object(v))
		return render_pairs(out, c, v, hex);
	if (!jsonval_is_object(v))
		return -1;
	buf_putc(out, '{');
	size_t hint = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		put_key(out, e, e == v->child);
		const struct decode_column *f =
		    c->kind == K_MAP ? &c->child[1] : struct_field(c, e->string, &hint);
		int r = 0;
		if (f == NULL)
			jsonval_write_json(out, e);
		else
			r = render(out, f, e, hex, 1);
		if (r != 0)
			return r;
	}
	buf_putc(out, '}');
	return 0;
}

/* A pgvector element: a float4, as vector_out prints it (float4out's
 * shortest form; vectors hold no NaN or infinity). */
static int
put_vector_element(struct buf *out, const cJSON *e)
{
	char tmp[32];
	const char *p;
	if (!jsonval_is_number(e))
		return -1;
	size_t n = jsonval_number_text(e, &p, tmp);
	return pgtext_float(out, p, n, 1);
}

/* DoubleVector, FloatVector: vector_out's "[1,2.5,3]". */
static int
render_vector(struct buf *out, const cJSON *v, int json)
{
	if (!jsonval_is_array(v))
		return -1;
	if (json)
		buf_putc(out, '"');
	buf_putc(out, '[');
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (e != v->child)
			buf_putc(out, ',');
		if (put_vector_element(out, e) != 0)
			return -1;
	}
	buf_putc(out, ']');
	if (json)
		buf_putc(out, '"');
	return 0;
}

struct sparse_entry {
	int64_t index;
	const cJSON *value;
};

static int
sparse_order(const void *a, const void *b)
{
	int64_t x = ((const struct sparse_entry *)a)->index, y = ((const struct sparse_entry *)b)->index;
	return x < y ? -1 : x > y;
}

/* SparseDoubleVector {dimensions, vector: map of index to value} (the map
 * as [[index, value], ...], its keys not being strings): sparsevec_out's
 * "{1:1.5,3:2}/5", indices ascending as PostgreSQL keeps them. */
static int
render_sparsevec(struct buf *out, const cJSON *v, int json)
{
	int64_t dims;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(v, "vector");
	if (!jsonval_is_object(v) || get_int(cJSON_GetObjectItemCaseSensitive(v, "dimensions"), &dims) != 0 ||
	    !jsonval_is_array(m))
		return -1;
	size_t n = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, m)
		n++;
	struct sparse_entry *ent = n ? xmalloc(n * sizeof *ent) : NULL;
	int r = 0;
	n = 0;
	cJSON_ArrayForEach(e, m) {
		if (!jsonval_is_array(e) || e->child == NULL || e->child->next == NULL ||
		    e->child->next->next != NULL || get_int(e->child, &ent[n].index) != 0) {
			r = -1;
			break;
		}
		ent[n++].value = e->child->next;
	}
	if (r == 0 && n > 1)
		qsort(ent, n, sizeof *ent, sparse_order);
	if (r == 0 && json)
		buf_putc(out, '"');
	if (r == 0)
		buf_putc(out, '{');
	for (size_t i = 0; r == 0 && i < n; i++) {
		char tmp[24];
		int k = snprintf(tmp, sizeof tmp, "%s%lld:", i ? "," : "", (long long)ent[i].index);
		buf_append(out, tmp, (size_t)k);
		r = put_vector_element(out, ent[i].value);
	}
	if (r == 0) {
		char tmp[24];
		int k = snprintf(tmp, sizeof tmp, "}/%lld", (long long)dims);
		buf_append(out, tmp, (size_t)k);
		if (json)
			buf_putc(out, '"');
	}
	free(ent);
	return r;
}

static int
render(struct buf *out, const struct decode_column *c, const cJSON *v, int hex, int json)
{
	if (jsonval_is_null(v)) {
		buf_append(out, "null", 4); /* only reached inside containers */
		return 0;
	}
	switch (c->kind) {
	case K_DATE:
		return decodetime_date(out, v, json);
	case K_TIME:
		return decodetime_time(out, v, c->unit, json);
	case K_TIMESTAMP:
		return decodetime_timestamp(out, v, c->unit, json);
	case K_DECIMAL:
	case K_VSDECIMAL:
		return render_decimal(out, c, v, json);
	case K_ARRAY:
		return render_array(out, c, v, hex, json);
	case K_MAP:
		if (!json && render_hstore(out, c, v) == 0)
			return 0;
		return render_object(out, c, v, hex);
	case K_STRUCT:
		return render_object(out, c, v, hex);
	case K_POINT:
		if (jsonval_is_object(v))
			return render_point(out, v, json);
		return -1;
	case K_DURATION:
		return decodetime_duration(out, v, c->unit, json);
	case K_VECTOR:
		return render_vector(out, v, json);
	case K_SPARSEVEC:
		return render_sparsevec(out, v, json);
	default:
		return render_plain(out, c, v, hex, json);
	}
}

int
decode_render(struct buf *out, const struct decode_column *c, const cJSON *v,
    const struct decode_opts *o, int *mismatch)
{
	if (v == NULL || jsonval_is_null(v))
		return 0;
	if (c == NULL)
		return jsonval_render(out, v);
	size_t start = out->len;
	int r = render(out, c, v, o != NULL && o->bytes_hex, 0);
	if (r != 0) {
		out->len = start;
		int why = r == R_SCALE ? DECODE_BAD_SCALE : DECODE_MISMATCH;
		if (mismatch != NULL && *mismatch < why)
			*mismatch = why;
		jsonval_render(out, v);
	}
	return 1;
}
