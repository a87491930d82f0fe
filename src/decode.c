#include "decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "decimal.h"
#include "jsonval.h"
#include "timefmt.h"

#include "decodecolumn.h"

static const int64_t unit_per_sec[] = {1000, 1000000, 1000000000};
static const int unit_digits[] = {3, 6, 9};

/* render()'s results besides 0: the value does not fit the schema, or its
 * decimal scale is beyond what any source database gives. */
enum { R_MISMATCH = -1, R_SCALE = -3 };

/* ---- values -> text ---------------------------------------------------- */

/* Appends generated ASCII text (no character needs escaping), quoted as a
 * JSON string when json is set. */
static void
put_ascii(struct buf *out, const char *s, size_t n, int json)
{
	if (json)
		buf_putc(out, '"');
	buf_append(out, s, n);
	if (json)
		buf_putc(out, '"');
}

/* Appends a string from the input: raw, or as a JSON string literal. */
static void
put_string(struct buf *out, const char *s, int json)
{
	if (json)
		jsonval_write_string(out, s, strlen(s));
	else
		buf_puts(out, s);
}

static void
put_number(struct buf *out, const cJSON *v)
{
	char tmp[32];
	const char *p;
	size_t n = jsonval_number_text(v, &p, tmp);
	buf_append(out, p, n);
}

/* The integer of a JSON number node (not a string of digits). */
static int
get_int(const cJSON *v, int64_t *x)
{
	return cJSON_IsNumber(v) ? jsonval_int64(v, x) : -1;
}

/* Days well inside what timefmt_civil computes without overflow; an int32
 * column never comes close. */
#define MAX_DAYS ((int64_t)1 << 40)

static int
put_date(struct buf *out, const cJSON *v, int json)
{
	int64_t days;
	if (get_int(v, &days) != 0 || days > MAX_DAYS || days < -MAX_DAYS)
		return -1;
	char tmp[48];
	int bc;
	char *e = timefmt_date(tmp, days, &bc);
	e = timefmt_bc(e, bc);
	put_ascii(out, tmp, (size_t)(e - tmp), json);
	return 0;
}

static int
put_time(struct buf *out, const cJSON *v, unsigned unit, int json)
{
	int64_t x;
	if (get_int(v, &x) != 0 || x < 0)
		return -1;
	char tmp[64];
	char *e = timefmt_time(tmp, x, unit_per_sec[unit], unit_digits[unit]);
	put_ascii(out, tmp, (size_t)(e - tmp), json);
	return 0;
}

/* PostgreSQL's infinity and -infinity timestamps, as Debezium sends them:
 * the PostgreSQL JDBC driver's markers 9223372036825200000 and
 * -9223372036832400000 (documented for TIMESTAMP columns; Debezium reads
 * them as microseconds, so in milliseconds they are also seen divided by
 * 1000), and the int64 extremes (the nanosecond modes of Debezium 3.x,
 * and PostgreSQL's own internal form). Returns 1, -1 or 0. */
static int
timestamp_infinity(int64_t x, unsigned unit)
{
	static const int64_t pos = INT64_C(9223372036825200000), neg = INT64_C(-9223372036832400000);
	if (x == INT64_MAX)
		return 1;
	if (x == INT64_MIN)
		return -1;
	if (unit == U_NS)
		return 0; /* the markers are real instants of 2262 in nanoseconds */
	if (x == pos || (unit == U_MS && x == pos / 1000))
		return 1;
	if (x == neg || (unit == U_MS && x == neg / 1000))
		return -1;
	return 0;
}

static int
put_timestamp(struct buf *out, const cJSON *v, unsigned unit, int json)
{
	int64_t x;
	if (get_int(v, &x) != 0)
		return -1;
	int inf = timestamp_infinity(x, unit);
	if (inf != 0) {
		put_ascii(out, inf > 0 ? "infinity" : "-infinity", inf > 0 ? 8 : 9, json);
		return 0;
	}
	char tmp[TIMEFMT_MAX];
	size_t n = timefmt_instant(x, unit_per_sec[unit], unit_digits[unit], tmp);
	put_ascii(out, tmp, n, json);
	return 0;
}

/* Appends the bytes that base64 s stands for, as lowercase hex. */
static int
put_hex(struct buf *out, const char *s, int json)
{
	static const char hex[] = "0123456789abcdef";
	if (json)
		buf_putc(out, '"');
	size_t start = out->len;
	if (base64_decode(out, s, strlen(s)) != 0)
		return -1;
	size_t n = out->len - start;
	if (n > 0) {
		/* Expand in place from the end: byte i becomes chars 2i, 2i+1. */
		buf_reserve(out, n);
		unsigned char *p = (unsigned char *)out->p + start;
		for (size_t i = n; i-- > 0;) {
			unsigned char c = p[i];
			p[2 * i + 1] = (unsigned char)hex[c & 15];
			p[2 * i] = (unsigned char)hex[c >> 4];
		}
		out->len = start + 2 * n;
	}
	if (json)
		buf_putc(out, '"');
	return 0;
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
	if (cJSON_IsNumber(v)) {
		put_number(out, v);
		return 0;
	}
	if (cJSON_IsString(v) && decimal_is_text(v->valuestring)) {
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
render_float(struct buf *out, const cJSON *v, int json)
{
	if (cJSON_IsNumber(v)) {
		put_number(out, v);
		return 0;
	}
	if (cJSON_IsString(v) &&
	    (strcmp(v->valuestring, "NaN") == 0 || strcmp(v->valuestring, "Infinity") == 0 ||
	        strcmp(v->valuestring, "-Infinity") == 0)) {
		put_string(out, v->valuestring, json);
		return 0;
	}
	return -1;
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
		if (!cJSON_IsNumber(v))
			return -1;
		put_number(out, v);
		return 0;
	case K_FLOAT:
		return render_float(out, v, json);
	case K_STRING:
	case K_BYTES:
		if (!cJSON_IsString(v))
			return -1;
		if (c->kind == K_BYTES && hex)
			return put_hex(out, v->valuestring, json);
		put_string(out, v->valuestring, json);
		return 0;
	default:
		return -1;
	}
}

static int
render_decimal(struct buf *out, const struct decode_column *c, const cJSON *v, int json)
{
	if (c->kind == K_DECIMAL) {
		if (cJSON_IsString(v)) {
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
	if (!cJSON_IsObject(v))
		return put_decimal_as_written(out, v, json);
	int64_t scale;
	const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
	if (get_int(cJSON_GetObjectItemCaseSensitive(v, "scale"), &scale) != 0 || !cJSON_IsString(val))
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

static int
render_array(struct buf *out, const struct decode_column *c, const cJSON *v, int hex)
{
	if (!cJSON_IsArray(v))
		return -1;
	buf_putc(out, '[');
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (e != v->child)
			buf_putc(out, ',');
		int r = render(out, &c->child[0], e, hex, 1);
		if (r != 0)
			return r;
	}
	buf_putc(out, ']');
	return 0;
}

/* A map with other than string keys: an array of [key, value] pairs. */
static int
render_pairs(struct buf *out, const struct decode_column *c, const cJSON *v, int hex)
{
	if (!cJSON_IsArray(v))
		return -1;
	buf_putc(out, '[');
	const cJSON *e;
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsArray(e) || e->child == NULL || e->child->next == NULL ||
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
	if (c->kind == K_MAP && !cJSON_IsObject(v))
		return render_pairs(out, c, v, hex);
	if (!cJSON_IsObject(v))
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

static int
render(struct buf *out, const struct decode_column *c, const cJSON *v, int hex, int json)
{
	if (cJSON_IsNull(v)) {
		buf_append(out, "null", 4); /* only reached inside containers */
		return 0;
	}
	switch (c->kind) {
	case K_DATE:
		return put_date(out, v, json);
	case K_TIME:
		return put_time(out, v, c->unit, json);
	case K_TIMESTAMP:
		return put_timestamp(out, v, c->unit, json);
	case K_DECIMAL:
	case K_VSDECIMAL:
		return render_decimal(out, c, v, json);
	case K_ARRAY:
		return render_array(out, c, v, hex);
	case K_MAP:
	case K_STRUCT:
		return render_object(out, c, v, hex);
	default:
		return render_plain(out, c, v, hex, json);
	}
}

int
decode_render(struct buf *out, const struct decode_column *c, const cJSON *v,
    const struct decode_opts *o, int *mismatch)
{
	if (v == NULL || cJSON_IsNull(v))
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
