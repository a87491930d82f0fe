#include "fastjson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonarena.h"
#include "swar.h"

/* The grammar below is cJSON 1.7's, rule for rule (parse_value,
 * parse_object, parse_array, parse_string, buffer_skip_whitespace), with
 * one difference: wherever cJSON is lenient in a way whose result is
 * hard to reproduce exactly (numbers outside RFC 8259, escapes it would
 * turn into a NUL), or where the outcome is cJSON's to report (every
 * error), this parser declines instead, and the caller asks cJSON. */

/* The scanner's small steps are inlined where they are used: a call
 * and its register saves cost as much as scanning a short string. */
#if defined(__GNUC__)
#define STEP static inline __attribute__((always_inline))
#else
#define STEP static inline
#endif

enum { NODE_BATCH = 32 };

struct scan {
	const unsigned char *p;   /* next byte */
	const unsigned char *end; /* end of the text */
	int depth;                /* open objects and arrays */
	char *strings;            /* room for every string still to come */
	cJSON *nodes;             /* room for nfree more nodes */
	size_t nfree;
};

/* cJSON's whitespace is every byte up to 0x20, NUL and controls too. */
STEP void
skip_ws(struct scan *s)
{
	while (s->p < s->end && *s->p <= 0x20)
		s->p++;
}

/* Nodes come from the arena NODE_BATCH at a time: one call per node
 * cost as much as building it. */
STEP cJSON *
new_node(struct scan *s, int type)
{
	if (s->nfree == 0) {
		s->nodes = jsonarena_alloc(NODE_BATCH * sizeof *s->nodes);
		if (s->nodes == NULL)
			return NULL;
		s->nfree = NODE_BATCH;
	}
	cJSON *n = s->nodes++;
	s->nfree--;
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

static int
hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -1; /* cJSON would read it as 0: a NUL */
	}
	*out = v;
	return 0;
}

/* The code point of the \u escape at p[0..n) (p[0] is the 'u'), and how
 * many bytes it took (5, or 11 for a surrogate pair). 0 when cJSON would
 * fail or produce a NUL. */
static size_t
unicode_escape(const unsigned char *p, size_t n, unsigned long *cp)
{
	unsigned hi, lo;
	if (n < 5 || hex4(p + 1, &hi) < 0 || hi == 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
		return 0;
	if (hi < 0xD800 || hi > 0xDBFF) {
		*cp = hi;
		return 5;
	}
	if (n < 11 || p[5] != '\\' || p[6] != 'u' || hex4(p + 7, &lo) < 0 || lo < 0xDC00 ||
	    lo > 0xDFFF)
		return 0;
	*cp = 0x10000 + (((unsigned long)(hi & 0x3FF) << 10) | (lo & 0x3FF));
	return 11;
}

static char *
put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

static char
simple_escape(unsigned char c)
{
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case '"': case '\\': case '/': return (char)c;
	default: return 0;
	}
}

/* Unescapes a[0..n) (a string's contents, escapes included) into o,
 * which has room for n + 1 bytes (no escape is shorter than its UTF-8).
 * Out of line: most strings have no escape, and string() stays small. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static char *
unescape(char *o, const unsigned char *a, size_t n)
{
	const unsigned char *e = a + n;
	while (a < e) {
		if (*a != '\\') {
			*o++ = (char)*a++;
			continue;
		}
		if (e - a < 2)
			return NULL;
		if (a[1] == 'u') {
			unsigned long cp;
			size_t k = unicode_escape(a + 1, (size_t)(e - a - 1), &cp);
			if (k == 0)
				return NULL;
			o = put_utf8(o, cp);
			a += 1 + k;
			continue;
		}
		char c = simple_escape(a[1]);
		if (c == 0)
			return NULL;
		*o++ = c;
		a += 2;
	}
	*o = '\0';
	return o;
}

/* The end of the string whose contents start at a: its closing quote, or
 * NULL. cJSON finds it first, stepping over the byte after every
 * backslash, then unescapes; *escaped says whether there was one. */
STEP const unsigned char *
closing_quote(const struct scan *s, const unsigned char *q, int *escaped)
{
	for (;;) {
		while (s->end - q >= 8) {
			uint64_t w = swar_load(q);
			uint64_t m = swar_has(w, '"') | swar_has(w, '\\');
			if (m != 0) {
				q += swar_first(m);
				break;
			}
			q += 8;
		}
		while (q < s->end && *q != '"' && *q != '\\')
			q++;
		if (q == s->end || *q == '"')
			return q < s->end ? q : NULL;
		*escaped = 1;
		if (s->end - q < 2)
			return NULL;
		q += 2;
	}
}

/* dst[0..n) = src[0..n), in words: strings are short, and a call to
 * memcpy costs more than the copy. A short string takes one word when the
 * text has 8 bytes from src on (dst always has: see fastjson_parse); a
 * longer one ends with a word that overlaps the one before. */
STEP void
copy_short(char *dst, const unsigned char *src, size_t n, const unsigned char *end)
{
	if (n < 8) {
		if (end - src >= 8) {
			memcpy(dst, src, 8);
		} else {
			for (size_t i = 0; i < n; i++)
				dst[i] = (char)src[i];
		}
		return;
	}
	for (size_t i = 0; i + 8 <= n; i += 8)
		memcpy(dst + i, src + i, 8);
	memcpy(dst + n - 8, src + n - 8, 8);
}

/* The string whose opening quote is at s->p, as a NUL-terminated copy in
 * s->strings; NULL when declined. */
STEP char *
string(struct scan *s)
{
	const unsigned char *a = s->p + 1;
	int escaped = 0;
	const unsigned char *q = closing_quote(s, a, &escaped);
	if (q == NULL)
		return NULL;
	size_t n = (size_t)(q - a);
	/* A string's copy (n bytes at most, and a NUL) is shorter than its
	 * text (n bytes and two quotes): all fit in one block of the text's
	 * length (and a word, for copy_short), taken once per parse. */
	char *out = s->strings;
	if (!escaped) {
		copy_short(out, a, n, s->end);
		out[n] = '\0';
		s->strings += n + 1;
	} else {
		char *nul = unescape(out, a, n);
		if (nul == NULL)
			return NULL;
		s->strings = nul + 1;
	}
	s->p = q + 1;
	return out;
}

static int
is_digit(const struct scan *s, const unsigned char *q)
{
	return q < s->end && (unsigned)*q - '0' <= 9;
}

static const unsigned char *
digits(const struct scan *s, const unsigned char *q)
{
	while (is_digit(s, q))
		q++;
	return q;
}

/* Past the fraction and exponent at q, if any, or NULL when one is
 * malformed; *integral is cleared when there is either. */
static const unsigned char *
fraction_exponent(const struct scan *s, const unsigned char *q, int *integral)
{
	if (q < s->end && *q == '.') {
		if (!is_digit(s, ++q))
			return NULL;
		q = digits(s, q);
		*integral = 0;
	}
	if (q < s->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < s->end && (*q == '+' || *q == '-'))
			q++;
		if (!is_digit(s, q))
			return NULL;
		q = digits(s, q);
		*integral = 0;
	}
	return q;
}

static int
is_numchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* What strtod makes of b[0..n), for a literal that is not an integer of
 * at most 18 digits. The process never calls setlocale, so strtod reads
 * '.' as cJSON's localeconv() does. */
static double
number_strtod(const unsigned char *b, size_t n)
{
	char tmp[64];
	memcpy(tmp, b, n);
	tmp[n] = '\0';
	return strtod(tmp, NULL);
}

/* A number node holding its literal as jsonval does, its double what
 * cJSON's strtod gives: computed here for integers of up to 18 digits,
 * which int64 holds exactly, so that the one conversion to double rounds
 * the exact value to nearest, as strtod does. cJSON reads at most 63
 * bytes of a literal, and more number characters after an RFC 8259
 * literal ("01", "1.5.2") are its leniency, not ours: declined. */
static cJSON *
number(struct scan *s)
{
	const unsigned char *b = s->p, *q = b;
	int neg = q < s->end && *q == '-';
	q += neg;
	const unsigned char *d0 = q;
	uint64_t v = 0; /* wraps past 19 digits, unused then */
	if (q < s->end && *q == '0') {
		q++;
	} else {
		/* Eight digits a step (a microsecond timestamp is two). */
		while (SWAR_LITTLE_ENDIAN && s->end - q >= 8 && swar_eight_digits(swar_load(q))) {
			v = v * 100000000 + swar_eight_value(swar_load(q));
			q += 8;
		}
		for (unsigned d; q < s->end && (d = (unsigned)*q - '0') <= 9; q++)
			v = v * 10 + d;
	}
	size_t ndigits = (size_t)(q - d0);
	int integral = 1;
	if (ndigits == 0 || (q = fraction_exponent(s, q, &integral)) == NULL || q - b > 63 ||
	    (q < s->end && is_numchar(*q)))
		return NULL;
	cJSON *n = new_node(s, cJSON_Number | cJSON_IsReference);
	if (n == NULL)
		return NULL;
	if (integral && ndigits <= 18)
		n->valuedouble = neg ? -(double)v : (double)v;
	else
		n->valuedouble = number_strtod(b, (size_t)(q - b));
	n->valuestring = (char *)(uintptr_t)b;
	n->valueint = (int)(q - b);
	s->p = q;
	return n;
}

static cJSON *value(struct scan *s);

STEP void
append(cJSON *parent, cJSON **last, cJSON *item)
{
	if (*last == NULL) {
		parent->child = item;
	} else {
		(*last)->next = item;
		item->prev = *last;
	}
	*last = item;
}

/* After an item of a container: 1 for ',' (another item follows), 0 for
 * the closing byte, -1 for anything else. */
STEP int
separator(struct scan *s, unsigned char close)
{
	skip_ws(s);
	if (s->p < s->end && *s->p == ',') {
		s->p++;
		skip_ws(s);
		return 1;
	}
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	return -1;
}

STEP cJSON *
object_member(struct scan *s)
{
	if (s->p >= s->end || *s->p != '"')
		return NULL;
	char *key = string(s);
	if (key == NULL)
		return NULL;
	skip_ws(s);
	if (s->p >= s->end || *s->p != ':')
		return NULL;
	s->p++;
	skip_ws(s);
	cJSON *v = value(s);
	if (v != NULL)
		v->string = key;
	return v;
}

/* An object or array (open is '{' or '[') whose opening byte is at s->p. */
static cJSON *
container(struct scan *s, int type, unsigned char close)
{
	if (++s->depth > FASTJSON_MAX_DEPTH)
		return NULL;
	cJSON *c = new_node(s, type);
	if (c == NULL)
		return NULL;
	s->p++;
	skip_ws(s);
	cJSON *last = NULL;
	if (s->p < s->end && *s->p == close) {
		s->p++;
	} else {
		int more;
		do {
			cJSON *item = type == cJSON_Object ? object_member(s) : value(s);
			if (item == NULL)
				return NULL;
			append(c, &last, item);
		} while ((more = separator(s, close)) == 1);
		if (more < 0)
			return NULL;
		c->child->prev = last;
	}
	s->depth--;
	return c;
}

static cJSON *
literal(struct scan *s, const char *word, size_t n, int type)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return NULL;
	cJSON *v = new_node(s, type);
	if (v == NULL)
		return NULL;
	if (type == cJSON_True)
		v->valueint = 1;
	s->p += n;
	return v;
}

STEP cJSON *
string_value(struct scan *s)
{
	char *str = string(s);
	cJSON *v = str != NULL ? new_node(s, cJSON_String) : NULL;
	if (v != NULL)
		v->valuestring = str;
	return v;
}

static cJSON *
value(struct scan *s)
{
	if (s->p >= s->end)
		return NULL;
	switch (*s->p) {
	case '{': return container(s, cJSON_Object, '}');
	case '[': return container(s, cJSON_Array, ']');
	case '"': return string_value(s);
	case 't': return literal(s, "true", 4, cJSON_True);
	case 'f': return literal(s, "false", 5, cJSON_False);
	case 'n': return literal(s, "null", 4, cJSON_NULL);
	default: return number(s);
	}
}

cJSON *
fastjson_parse(const char *text, size_t len, size_t *end_off)
{
	if (len == 0 || (unsigned char)text[0] == 0xEF) /* a BOM: cJSON skips it */
		return NULL;
	struct scan s = {(const unsigned char *)text, (const unsigned char *)text + len, 0,
	    jsonarena_alloc(len + 8), NULL, 0};
	if (s.strings == NULL)
		return NULL;
	skip_ws(&s);
	cJSON *root = value(&s);
	if (root == NULL)
		return NULL;
	*end_off = (size_t)((const char *)s.p - text);
	return root;
}
