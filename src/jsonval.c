#include "jsonval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastjson.h"

/* Number literal characters: enough to find the end of a literal that
 * cJSON has already accepted. */
static int
is_numchar(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* Byte classes for the number scanner: 1 opens a string, 2 starts a
 * number literal outside strings; everything else is skipped. */
static const unsigned char scan_class[256] = {
	['"'] = 1, ['-'] = 2, ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2,
	['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
};

/* Offset of the next number literal in text[pos..len), skipping strings,
 * or len. */
static size_t
next_number(const char *text, size_t len, size_t pos)
{
	while (pos < len) {
		unsigned char k = scan_class[(unsigned char)text[pos]];
		if (k == 2)
			return pos;
		if (k == 0) {
			pos++;
			continue;
		}
		/* A string: jump to its closing quote, skipping escaped ones. */
		for (pos++;;) {
			const char *q = memchr(text + pos, '"', len - pos);
			if (q == NULL)
				return len;
			size_t e = (size_t)(q - text), bs = 0;
			while (e - bs > pos && text[e - 1 - bs] == '\\')
				bs++;
			pos = e + 1;
			if (bs % 2 == 0)
				break;
		}
	}
	return len;
}

/* Walks the tree in document order, pointing each number node at the next
 * number literal found by scanning text[*pos..len). */
static void
attach_numbers(cJSON *node, const char *text, size_t len, size_t *pos)
{
	for (; node != NULL; node = node->next) {
		if (jsonval_is_number(node)) {
			size_t i = next_number(text, len, *pos);
			if (i >= len)
				return; /* cannot happen for text cJSON accepted */
			size_t j = i;
			while (j < len && is_numchar(text[j]))
				j++;
			node->valuestring = (char *)(uintptr_t)(text + i);
			node->type |= cJSON_IsReference;
			/* The literal's length rides in valueint, which nothing
			 * here reads for numbers: the text need not be
			 * terminated after the number. */
			node->valueint = (int)(j - i);
			*pos = j;
		} else if (node->child != NULL) {
			attach_numbers(node->child, text, len, pos);
		}
	}
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

cJSON *
jsonval_parse_prefix(const char *text, size_t len, size_t *end_off)
{
	return jsonval_parse_prefix_shaped(text, len, end_off, NULL);
}

/* The same tree, built faster, wherever fastjson is certain of it; *copy
 * as fastjson_parse_copy says, or NULL when cJSON built it. */
static cJSON *
parse_prefix(const char *text, size_t len, size_t *end_off, const struct fastjson_shape *shape,
    const char **copy)
{
	*copy = NULL;
	cJSON *fast = fastjson_parse_copy(text, len, end_off, shape, copy);
	if (fast != NULL)
		return fast;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root == NULL) {
		*end_off = end != NULL && end >= text && end <= text + len ? (size_t)(end - text) : 0;
		return NULL;
	}
	*end_off = (size_t)(end - text);
	size_t pos = 0;
	attach_numbers(root, text, *end_off, &pos);
	return root;
}

cJSON *
jsonval_parse_prefix_shaped(const char *text, size_t len, size_t *end_off,
    const struct fastjson_shape *shape)
{
	const char *copy;
	return parse_prefix(text, len, end_off, shape, &copy);
}

cJSON *
jsonval_parse(const char *text, size_t len, size_t *err_off, int *trailing)
{
	const char *copy;
	return jsonval_parse_copy(text, len, err_off, trailing, &copy);
}

cJSON *
jsonval_parse_copy(const char *text, size_t len, size_t *err_off, int *trailing,
    const char **copy)
{
	size_t end;
	*trailing = 0;
	cJSON *root = parse_prefix(text, len, &end, NULL, copy);
	if (root == NULL) {
		*err_off = end;
		return NULL;
	}
	while (end < len && is_ws(text[end]))
		end++;
	if (end < len) {
		cJSON_Delete(root);
		*err_off = end;
		*trailing = 1;
		*copy = NULL;
		return NULL;
	}
	return root;
}

size_t
jsonval_number_text(const cJSON *n, const char **p, char tmp[32])
{
	if ((n->type & cJSON_IsReference) && n->valuestring != NULL) {
		*p = n->valuestring;
		return (size_t)n->valueint;
	}
	double d = n->valuedouble;
	int k;
	if (d == floor(d) && fabs(d) < 1e15)
		k = snprintf(tmp, 32, "%.0f", d);
	else
		k = snprintf(tmp, 32, "%.17g", d);
	*p = tmp;
	return (size_t)k;
}

/* Decimal digits with an optional '-' (20 bytes at most, as strtoll was
 * given), exactly, in int64 range; without strtoll, which costs a copy,
 * errno and locale handling per call. */
static int
parse_int64(const char *s, size_t n, int64_t *out)
{
	size_t i = n > 0 && s[0] == '-' ? 1 : 0;
	if (i == n || n > 20)
		return -1;
	uint64_t v = 0;
	for (; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		/* Only a 20th digit can overflow; such a value is out of range. */
		if (d > 9 || (v >= UINT64_C(1000000000000000000) && v > (UINT64_MAX - d) / 10))
			return -1;
		v = v * 10 + d;
	}
	if (v > (s[0] == '-' ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return -1;
	/* -2^63 has no positive counterpart: negate in unsigned arithmetic. */
	*out = s[0] == '-' ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int
jsonval_int64(const cJSON *v, int64_t *out)
{
	if (v == NULL)
		return -1;
	if (jsonval_is_string(v))
		return parse_int64(v->valuestring, strlen(v->valuestring), out);
	if (!jsonval_is_number(v))
		return -1;
	double d = v->valuedouble;
	/* Below 2^53 an integral double is exactly its literal's value when
	 * that is an integer, and is what the double path below gives when
	 * it is not (1.0, 1e3): the literal need not be read. */
	if (d == floor(d) && d > -9007199254740992.0 && d < 9007199254740992.0) {
		*out = (int64_t)d;
		return 0;
	}
	if ((v->type & cJSON_IsReference) && v->valuestring != NULL) {
		char tmp[32];
		const char *p;
		size_t n = jsonval_number_text(v, &p, tmp);
		if (parse_int64(p, n, out) == 0)
			return 0;
	}
	if (d != floor(d) || !(d >= -9.2e18 && d <= 9.2e18))
		return -1;
	*out = (int64_t)d;
	return 0;
}

void
jsonval_write_string(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_reserve(out, n + 2);
	buf_putc(out, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		buf_append(out, s + run, i - run);
		run = i + 1;
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			buf_append(out, esc, 6);
			continue;
		}
		buf_append(out, esc, 2);
	}
	buf_append(out, s + run, n - run);
	buf_putc(out, '"');
}

void
jsonval_write_json(struct buf *out, const cJSON *v)
{
	char tmp[32];
	const char *p;
	size_t n;
	switch (v->type & 0xff) {
	case cJSON_NULL:
		buf_append(out, "null", 4);
		break;
	case cJSON_True:
		buf_append(out, "true", 4);
		break;
	case cJSON_False:
		buf_append(out, "false", 5);
		break;
	case cJSON_Number:
		n = jsonval_number_text(v, &p, tmp);
		buf_append(out, p, n);
		break;
	case cJSON_String:
		jsonval_write_string(out, v->valuestring, strlen(v->valuestring));
		break;
	case cJSON_Array:
	case cJSON_Object: {
		int obj = jsonval_is_object(v);
		buf_putc(out, obj ? '{' : '[');
		for (const cJSON *c = v->child; c != NULL; c = c->next) {
			if (c != v->child)
				buf_putc(out, ',');
			if (obj) {
				const char *k = c->string ? c->string : "";
				jsonval_write_string(out, k, strlen(k));
				buf_putc(out, ':');
			}
			jsonval_write_json(out, c);
		}
		buf_putc(out, obj ? '}' : ']');
		break;
	}
	default:
		buf_append(out, "null", 4);
		break;
	}
}

int
jsonval_render(struct buf *out, const cJSON *v)
{
	if (v == NULL || jsonval_is_null(v))
		return 0;
	if (jsonval_is_string(v))
		buf_puts(out, v->valuestring);
	else
		jsonval_write_json(out, v);
	return 1;
}

/* A number literal as an exact decimal value: the significant digits
 * p[0..n) (first and last non-zero digit; may span the '.') and the
 * power of ten of the last one. */
struct decimal {
	const char *p;
	size_t n;
	int neg;
	int zero;
	int64_t exp;
};

/* Exponents beyond this many digits are not compared as numbers (cJSON
 * itself makes them infinities); their literals must then be identical. */
enum { EXP_DIGITS_MAX = 17 };

/* Reads the JSON number literal t[0..n) into *d. Returns -1 for anything
 * that is not one, or whose exponent is too long to add exactly. */
/* The exponent of a number literal, t[*i] being its 'e' or 'E': its value
 * in *e and *i past it. -1 if it has no digits or more significant ones
 * than EXP_DIGITS_MAX. */
static int
scan_exponent(const char *t, size_t n, size_t *i, int64_t *e)
{
	size_t k = *i + 1;
	int neg = 0;
	if (k < n && (t[k] == '+' || t[k] == '-'))
		neg = t[k++] == '-';
	size_t e0 = k;
	while (k < n && t[k] == '0')
		k++;
	size_t sig = k;
	while (k < n && t[k] >= '0' && t[k] <= '9')
		k++;
	if (k == e0 || k - sig > EXP_DIGITS_MAX)
		return -1;
	*e = 0;
	for (size_t j = sig; j < k; j++)
		*e = *e * 10 + (t[j] - '0');
	if (neg)
		*e = -*e;
	*i = k;
	return 0;
}

static int
decimal_of(const char *t, size_t n, struct decimal *d)
{
	size_t i = 0;
	memset(d, 0, sizeof *d);
	if (i < n && t[i] == '-')
		d->neg = 1, i++;
	size_t int0 = i;
	while (i < n && t[i] >= '0' && t[i] <= '9')
		i++;
	size_t int1 = i, frac0 = i, frac1 = i;
	if (int1 == int0)
		return -1;
	if (i < n && t[i] == '.') {
		frac0 = ++i;
		while (i < n && t[i] >= '0' && t[i] <= '9')
			i++;
		frac1 = i;
		if (frac1 == frac0)
			return -1;
	}
	int64_t e = 0;
	if (i < n && (t[i] == 'e' || t[i] == 'E') && scan_exponent(t, n, &i, &e) < 0)
		return -1;
	if (i != n)
		return -1;
	/* The significant digits, from the first non-zero one to the last. */
	size_t first = int0;
	while (first < frac1 && (t[first] == '0' || t[first] == '.'))
		first++;
	if (first == frac1) {
		d->zero = 1; /* 0, -0, 0.000e7: all the one zero */
		return 0;
	}
	size_t last = frac1; /* one past the last non-zero digit */
	while (t[last - 1] == '0' || t[last - 1] == '.')
		last--;
	/* The last significant digit stands for 10^(e - fraction digits after
	 * it): lengths are far below 2^62 and |e| below 10^17, no overflow. */
	if (last <= int1)
		d->exp = e + (int64_t)(int1 - last);
	else
		d->exp = e - (int64_t)(last - frac0);
	d->p = t + first;
	d->n = last - first;
	return 0;
}

/* Whether two significant-digit runs hold the same digits ('.' skipped). */
static int
same_digits(const struct decimal *a, const struct decimal *b)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->n && a->p[i] == '.')
			i++;
		while (j < b->n && b->p[j] == '.')
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (a->p[i++] != b->p[j++])
			return 0;
	}
}

/* Two number literals are the same number when they denote the same exact
 * decimal value: 1.50 and 1.5, 1e2 and 100, -0 and 0. Debezium writes
 * numbers as Java prints them, so the text is the value; a double would
 * confuse 12345678901234567.5 with 12345678901234568.5. */
/* An integer literal as JSON writes it: digits, no leading zero, not
 * -0. Two such literals are the same number only if they are the same
 * bytes, so a changed integer column needs no decimal comparison. */
static int
canonical_int(const char *p, size_t n)
{
	size_t i = n > 0 && p[0] == '-';
	if (i == n || (p[i] == '0' && n > 1))
		return 0;
	for (; i < n; i++)
		if ((unsigned)(unsigned char)p[i] - '0' > 9)
			return 0;
	return 1;
}

static int
numbers_equal(const cJSON *a, const cJSON *b)
{
	char ta[32], tb[32];
	const char *pa, *pb;
	size_t na = jsonval_number_text(a, &pa, ta);
	size_t nb = jsonval_number_text(b, &pb, tb);
	if (na == nb && memcmp(pa, pb, na) == 0)
		return 1;
	if (canonical_int(pa, na) && canonical_int(pb, nb))
		return 0;
	struct decimal x, y;
	if (decimal_of(pa, na, &x) < 0 || decimal_of(pb, nb, &y) < 0)
		return 0; /* different texts that are not comparable numbers */
	if (x.zero || y.zero)
		return x.zero && y.zero;
	return x.neg == y.neg && x.exp == y.exp && same_digits(&x, &y);
}

int
jsonval_equal(const cJSON *a, const cJSON *b)
{
	int an = a == NULL || jsonval_is_null(a);
	int bn = b == NULL || jsonval_is_null(b);
	if (an || bn)
		return an && bn;
	if ((a->type & 0xff) != (b->type & 0xff))
		return 0;
	switch (a->type & 0xff) {
	case cJSON_True:
	case cJSON_False:
		return 1;
	case cJSON_Number:
		return numbers_equal(a, b);
	case cJSON_String:
		return strcmp(a->valuestring, b->valuestring) == 0;
	case cJSON_Array: {
		const cJSON *x = a->child, *y = b->child;
		for (; x != NULL && y != NULL; x = x->next, y = y->next)
			if (!jsonval_equal(x, y) || jsonval_is_null(x) != jsonval_is_null(y))
				return 0;
		return x == NULL && y == NULL;
	}
	case cJSON_Object: {
		size_t na = 0, nb = 0;
		for (const cJSON *x = a->child; x != NULL; x = x->next)
			na++;
		for (const cJSON *y = b->child; y != NULL; y = y->next)
			nb++;
		if (na != nb)
			return 0;
		for (const cJSON *x = a->child; x != NULL; x = x->next) {
			const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
			if (y == NULL || !jsonval_equal(x, y))
				return 0;
		}
		return 1;
	}
	default:
		return 0;
	}
}
