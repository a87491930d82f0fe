#include "fastjson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonarena.h"
#include "jsonunescape.h"
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

/* The parser's state: where it reads, and where it puts nodes and
 * strings. Plain locals of fastjson_parse, passed to its inlined steps,
 * so that they live in registers. */
struct scan {
	const unsigned char *text, *end; /* the text */
	char *copy;                      /* a copy of it, where strings end */
	cJSON *nodes;                    /* room for nfree more nodes */
	size_t nfree;
	const struct fastjson_shape *shape; /* the root's, or NULL */
};

/* An object or array being filled: its node, its last item so far, the
 * byte that closes it, and, in an object read as its shape says so far,
 * that shape and the index of the member expected next (the one just
 * read is next - 1). */
struct frame {
	cJSON *node;
	cJSON *last;
	unsigned char close;
	const struct fastjson_shape *shape;
	size_t next;
};

/* cJSON's whitespace is every byte up to 0x20, NUL and controls too. */
STEP const unsigned char *
skip_ws(const unsigned char *p, const unsigned char *end)
{
	while (p < end && *p <= 0x20)
		p++;
	return p;
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

/* The closing quote of the string whose contents start at q, or NULL.
 * cJSON finds it first, stepping over the byte after every backslash,
 * then unescapes; *escaped says whether there was a backslash. */
STEP const unsigned char *
closing_quote(const unsigned char *q, const unsigned char *end, int *escaped)
{
	for (;;) {
		while (end - q >= 8) {
			uint64_t w = swar_load(q);
			uint64_t m = swar_has(w, '"') | swar_has(w, '\\');
			if (m != 0) {
				q += swar_first(m);
				break;
			}
			q += 8;
		}
		while (q < end && *q != '"' && *q != '\\')
			q++;
		if (q == end || *q == '"')
			return q < end ? q : NULL;
		*escaped = 1;
		if (end - q < 2)
			return NULL;
		q += 2;
	}
}

/* The string whose opening quote is at p, NUL-terminated in place in the
 * text's copy (*out): a string's contents are at most as long in their
 * copy as in the text (no escape is shorter than its UTF-8), and the
 * closing quote leaves room for the NUL. Returns the byte after the
 * closing quote, or NULL when declined. */
STEP const unsigned char *
string(struct scan *s, const unsigned char *p, char **out)
{
	const unsigned char *a = p + 1;
	int escaped = 0;
	const unsigned char *q = closing_quote(a, s->end, &escaped);
	if (q == NULL)
		return NULL;
	*out = s->copy + (a - s->text);
	if (!escaped)
		s->copy[q - s->text] = '\0';
	else if (jsonunescape(*out, a, (size_t)(q - a)) == NULL)
		return NULL;
	return q + 1;
}

STEP int
is_digit(const unsigned char *q, const unsigned char *end)
{
	return q < end && (unsigned)*q - '0' <= 9;
}

STEP const unsigned char *
digits(const unsigned char *q, const unsigned char *end)
{
	while (is_digit(q, end))
		q++;
	return q;
}

/* Past the fraction and exponent at q, if any, or NULL when one is
 * malformed; *integral is cleared when there is either. */
static const unsigned char *
fraction_exponent(const unsigned char *q, const unsigned char *end, int *integral)
{
	if (q < end && *q == '.') {
		if (!is_digit(++q, end))
			return NULL;
		q = digits(q, end);
		*integral = 0;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (!is_digit(q, end))
			return NULL;
		q = digits(q, end);
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

/* The integer digits at q (none when q is not a digit), their value in
 * *v: it wraps past 19 digits, where it is not used. */
STEP const unsigned char *
integer_digits(const unsigned char *q, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	if (q < end && *q == '0') {
		*v = 0;
		return q + 1;
	}
	/* Eight digits a step (a microsecond timestamp is two). */
	while (SWAR_LITTLE_ENDIAN && end - q >= 8 && swar_eight_digits(swar_load(q))) {
		x = x * 100000000 + swar_eight_value(swar_load(q));
		q += 8;
	}
	for (unsigned d; q < end && (d = (unsigned)*q - '0') <= 9; q++)
		x = x * 10 + d;
	*v = x;
	return q;
}

/* A number node holding its literal as jsonval does, its double what
 * cJSON's strtod gives: computed here for integers of up to 18 digits,
 * which int64 holds exactly, so that the one conversion to double rounds
 * the exact value to nearest, as strtod does. cJSON reads at most 63
 * bytes of a literal, and more number characters after an RFC 8259
 * literal ("01", "1.5.2") are its leniency, not ours: declined. Returns
 * the byte after the literal, or NULL. */
STEP const unsigned char *
number(struct scan *s, const unsigned char *b, cJSON **out)
{
	int neg = b < s->end && *b == '-';
	const unsigned char *d0 = b + neg;
	uint64_t v;
	const unsigned char *q = integer_digits(d0, s->end, &v);
	size_t ndigits = (size_t)(q - d0);
	int integral = 1;
	if (ndigits == 0)
		return NULL;
	/* Most literals are integers: the call only for those that are not. */
	if (q < s->end && (*q == '.' || (*q | 0x20) == 'e') &&
	    (q = fraction_exponent(q, s->end, &integral)) == NULL)
		return NULL;
	if (q - b > 63 || (q < s->end && is_numchar(*q)))
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
	*out = n;
	return q;
}

/* true, false or null at p; the byte after it, or NULL. */
STEP const unsigned char *
literal(struct scan *s, const unsigned char *p, cJSON **out)
{
	static const struct {
		const char *word;
		size_t n;
		int type;
	} words[] = {{"true", 4, cJSON_True}, {"false", 5, cJSON_False}, {"null", 4, cJSON_NULL}};
	size_t k = *p == 't' ? 0 : *p == 'f' ? 1 : 2;
	if ((size_t)(s->end - p) < words[k].n || memcmp(p, words[k].word, words[k].n) != 0)
		return NULL;
	cJSON *v = new_node(s, words[k].type);
	if (v == NULL)
		return NULL;
	v->valueint = words[k].type == cJSON_True;
	*out = v;
	return p + words[k].n;
}

/* The scalar at p (string, number, literal) as a node in *out; the byte
 * after it, or NULL. */
STEP const unsigned char *
scalar(struct scan *s, const unsigned char *p, cJSON **out)
{
	switch (*p) {
	case '"': {
		char *str;
		const unsigned char *q = string(s, p, &str);
		cJSON *v = q != NULL ? new_node(s, cJSON_String) : NULL;
		if (v == NULL)
			return NULL;
		v->valuestring = str;
		*out = v;
		return q;
	}
	case 't':
	case 'f':
	case 'n':
		return literal(s, p, out);
	default:
		return number(s, p, out);
	}
}

/* Links item into the container f is filling. */
STEP void
append(struct frame *f, cJSON *item)
{
	if (f->last == NULL) {
		f->node->child = item;
	} else {
		f->last->next = item;
		item->prev = f->last;
	}
	f->last = item;
}

/* Past the byte c at p, after whitespace if need be, or NULL. Compact
 * JSON has none, so the byte is tested before any is skipped. */
STEP const unsigned char *
past(const unsigned char *p, const unsigned char *end, unsigned char c)
{
	if (p < end && *p == c)
		return p + 1;
	p = skip_ws(p, end);
	return p < end && *p == c ? p + 1 : NULL;
}

/* Whether p[0..n) and q[0..n) are the same bytes, a word at a time
 * (a name is too short for a call to pay). */
STEP int
same_bytes(const unsigned char *p, const char *q, size_t n)
{
	if (n < 8) {
		uint32_t a, b, c, d;
		if (n < 4)
			return memcmp(p, q, n) == 0;
		memcpy(&a, p, 4);
		memcpy(&b, q, 4);
		memcpy(&c, p + n - 4, 4);
		memcpy(&d, q + n - 4, 4);
		return a == b && c == d;
	}
	for (size_t i = 0; i + 8 < n; i += 8)
		if (swar_load(p + i) != swar_load(q + i))
			return 0;
	return swar_load(p + n - 8) == swar_load(q + n - 8);
}

/* The member name and colon the shape of f expects next, when they are
 * at p: its name in *key, cut out of the copy as string() would (the
 * pattern holds no quote or backslash, so the string ends where the
 * pattern's quote does and has no escape); where its value starts. Else
 * NULL, and f follows no shape from here on. */
STEP const unsigned char *
expected_name(struct scan *s, struct frame *f, const unsigned char *p, char **key)
{
	if (f->next < f->shape->n) {
		const struct fastjson_member *m = &f->shape->member[f->next];
		if ((size_t)(s->end - p) >= m->qlen && same_bytes(p, m->quoted, m->qlen)) {
			f->next++;
			*key = s->copy + (p + 1 - s->text);
			s->copy[p + m->qlen - 2 - s->text] = '\0';
			return p + m->qlen;
		}
	}
	f->shape = NULL;
	return NULL;
}

/* An object member's name and colon at p, the name in *key; where its
 * value starts (maybe at whitespace: parse skips it), or NULL. */
STEP const unsigned char *
member_name(struct scan *s, struct frame *f, const unsigned char *p, char **key, int shaped)
{
	if (p < s->end && *p <= 0x20)
		p = skip_ws(p, s->end);
	if (shaped && f->shape != NULL) {
		const unsigned char *q = expected_name(s, f, p, key);
		if (q != NULL)
			return q;
	}
	if (p >= s->end || *p != '"' || (p = string(s, p, key)) == NULL)
		return NULL;
	return past(p, s->end, ':');
}

/* After an item of the container f: past the ',' and, in an object, the
 * next member's name (into *key), to where the next value starts; or
 * past the closing byte, with *closed set. NULL for anything else. */
STEP const unsigned char *
after_item(struct scan *s, struct frame *f, const unsigned char *p, char **key, int *closed,
    int shaped)
{
	if (p < s->end && *p <= 0x20)
		p = skip_ws(p, s->end);
	*closed = 0;
	if (p < s->end && *p == ',')
		return f->close == '}' ? member_name(s, f, p + 1, key, shaped) : p + 1;
	if (p < s->end && *p == f->close) {
		*closed = 1;
		return p + 1;
	}
	return NULL;
}

/* Opens the object or array at p (its node in *out, already linked where
 * it belongs) as frame f, an object read as shape says (NULL: no shape):
 * past its opening byte and, in an object, its first member's name, to
 * where the first value starts, or past its closing byte when it is empty
 * (*closed set). NULL when declined. */
STEP const unsigned char *
open_container(struct scan *s, struct frame *f, const unsigned char *p,
    const struct fastjson_shape *shape, cJSON **out, char **key, int *closed, int shaped)
{
	int object = *p == '{';
	f->node = new_node(s, object ? cJSON_Object : cJSON_Array);
	if (f->node == NULL)
		return NULL;
	f->last = NULL;
	f->close = object ? '}' : ']';
	if (shaped) {
		f->shape = object ? shape : NULL;
		f->next = 0;
	}
	*out = f->node;
	p = skip_ws(p + 1, s->end);
	*closed = p < s->end && *p == f->close;
	if (*closed)
		return p + 1;
	return object ? member_name(s, f, p, key, shaped) : p;
}

/* The shape of the container that is the value read next in frame f's
 * container (f NULL: the root's), as far as f's shape says. */
STEP const struct fastjson_shape *
inner_shape(const struct scan *s, const struct frame *f)
{
	if (f == NULL)
		return s->shape;
	return f->shape != NULL ? f->shape->member[f->next - 1].inner : NULL;
}

/* The tree, built without recursion: stack[0..depth) are the containers
 * open around p. Each turn reads one value, links it (with the member
 * name read before it) into the innermost container, then closes every
 * container that ends there and reads the separator and name before the
 * next value. Built twice, with shaped a constant: the code that follows
 * a shape costs a text without one nothing (schemas are parsed so). */
STEP cJSON *
parse(struct scan *s, const unsigned char *p, const unsigned char **end_at, int shaped)
{
	struct frame stack[FASTJSON_MAX_DEPTH];
	int depth = 0;
	cJSON *root = NULL;
	char *key = NULL;
	for (;;) {
		cJSON *v = NULL;
		int closed = 0;
		char *name = key; /* v's, before a container reads its first member's */
		if (p < s->end && *p <= 0x20)
			p = skip_ws(p, s->end);
		if (p >= s->end)
			return NULL;
		if (*p == '{' || *p == '[') {
			if (depth == FASTJSON_MAX_DEPTH)
				return NULL;
			const struct fastjson_shape *shape =
			    shaped ? inner_shape(s, depth > 0 ? &stack[depth - 1] : NULL) : NULL;
			p = open_container(s, &stack[depth], p, shape, &v, &key, &closed, shaped);
		} else {
			p = scalar(s, p, &v);
			closed = 1;
		}
		if (p == NULL)
			return NULL;
		if (depth == 0) {
			root = v;
		} else {
			v->string = stack[depth - 1].close == '}' ? name : NULL;
			append(&stack[depth - 1], v);
		}
		if (!closed) { /* a container with items: read its first */
			depth++;
			continue;
		}
		/* v is complete: close what ends after it, up to the next value. */
		while (closed) {
			if (v->child != NULL)
				v->child->prev = stack[depth].last; /* as cJSON links a list */
			if (depth == 0) {
				*end_at = p;
				return root;
			}
			struct frame *f = &stack[depth - 1];
			p = after_item(s, f, p, &key, &closed, shaped);
			if (p == NULL)
				return NULL;
			if (closed) {
				v = f->node;
				depth--;
			}
		}
	}
}

static cJSON *
parse_plain(struct scan *s, const unsigned char *p, const unsigned char **end_at)
{
	return parse(s, p, end_at, 0);
}

static cJSON *
parse_shaped(struct scan *s, const unsigned char *p, const unsigned char **end_at)
{
	return parse(s, p, end_at, 1);
}

cJSON *
fastjson_parse(const char *text, size_t len, size_t *end_off)
{
	return fastjson_parse_shaped(text, len, end_off, NULL);
}

cJSON *
fastjson_parse_shaped(const char *text, size_t len, size_t *end_off,
    const struct fastjson_shape *shape)
{
	const char *copy;
	return fastjson_parse_copy(text, len, end_off, shape, &copy);
}

cJSON *
fastjson_parse_copy(const char *text, size_t len, size_t *end_off,
    const struct fastjson_shape *shape, const char **copy)
{
	if (len == 0 || (unsigned char)text[0] == 0xEF) /* a BOM: cJSON skips it */
		return NULL;
	const unsigned char *p = (const unsigned char *)text;
	/* One copy of the text, taken whole (a prefix parse copies what
	 * follows the value too: once, as every scan of a line reads it): its
	 * strings are cut out of it where they lie, which costs less than a
	 * copy of each. */
	struct scan s = {p, p + len, jsonarena_alloc(len), NULL, 0, shape};
	if (s.copy == NULL)
		return NULL;
	memcpy(s.copy, text, len);
	const unsigned char *end_at;
	cJSON *root = shape != NULL ? parse_shaped(&s, p, &end_at) : parse_plain(&s, p, &end_at);
	if (root == NULL)
		return NULL;
	*end_off = (size_t)((const char *)end_at - text);
	*copy = s.copy;
	return root;
}
