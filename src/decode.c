#include "decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "jsonval.h"
#include "timefmt.h"

/* How a value is turned into text, decided once per schema node. */
enum kind {
	K_ANY,        /* no usable type: plain jsonval_render */
	K_BOOL,
	K_INT,
	K_FLOAT,
	K_STRING,
	K_BYTES,
	K_DATE,       /* days since the epoch */
	K_TIME,       /* unit since midnight */
	K_TIMESTAMP,  /* unit since the epoch */
	K_DECIMAL,    /* Connect Decimal: base64 bytes, scale in the schema */
	K_VSDECIMAL,  /* Debezium VariableScaleDecimal: {"scale","value"} */
	K_ARRAY,      /* child[0]: items */
	K_MAP,        /* child[0]: keys, child[1]: values */
	K_STRUCT      /* child[0..nchild): fields */
};

enum unit { U_MS, U_US, U_NS };

static const int64_t unit_per_sec[] = {1000, 1000000, 1000000000};
static const int unit_digits[] = {3, 6, 9};

/* Schemas deeper than this are rendered without decoding (cJSON itself
 * stops at 1000 levels; no real column type nests this deep). */
enum { MAX_DEPTH = 32 };

/* The scales a source database can give. A Connect Decimal's scale is the
 * column's declared one: PostgreSQL's numeric(p,s) takes s in -1000..1000
 * (MySQL 0..30, SQL Server 0..38, Oracle -84..127). A VariableScaleDecimal
 * carries each value's own scale, which for an unconstrained PostgreSQL
 * numeric reaches 16383 ('1e-16383'::numeric); Debezium never sends a
 * negative one, other connectors down to Oracle's -84. Anything beyond is
 * not a real value and only makes zeros: a decimal prints at most
 * max(digits, scale) + 3 characters, so output stays in proportion to the
 * line. */
enum { MAX_SCALE = 1000, MAX_VALUE_SCALE = 16383 };

/* render()'s results besides 0: the value does not fit the schema, or its
 * decimal scale is beyond what any source database gives. */
enum { R_MISMATCH = -1, R_SCALE = -3 };

struct decode_column {
	char *name;            /* struct field name; NULL for items, keys, values */
	unsigned char kind;    /* enum kind */
	unsigned char unit;    /* enum unit, for K_TIME and K_TIMESTAMP */
	unsigned char has_scale;
	unsigned char bad_scale; /* K_DECIMAL: an integer scale beyond MAX_SCALE */
	int32_t scale;         /* K_DECIMAL, when has_scale */
	size_t nchild;
	struct decode_column *child;
};

struct slot {
	uint64_t hash;
	const struct decode_column *col; /* NULL: empty slot */
};

struct decode_table {
	struct decode_column row; /* K_STRUCT; its children are the columns */
	size_t mask;              /* slots has mask + 1 entries, a power of two */
	struct slot *slots;
};

/* ---- schema -> decoders ------------------------------------------------ */

static const struct {
	const char *name;
	unsigned char kind, unit;
} int_logicals[] = {
	{"io.debezium.time.Date", K_DATE, U_MS},
	{"org.apache.kafka.connect.data.Date", K_DATE, U_MS},
	{"io.debezium.time.Time", K_TIME, U_MS},
	{"org.apache.kafka.connect.data.Time", K_TIME, U_MS},
	{"io.debezium.time.MicroTime", K_TIME, U_US},
	{"io.debezium.time.NanoTime", K_TIME, U_NS},
	{"io.debezium.time.Timestamp", K_TIMESTAMP, U_MS},
	{"org.apache.kafka.connect.data.Timestamp", K_TIMESTAMP, U_MS},
	{"io.debezium.time.MicroTimestamp", K_TIMESTAMP, U_US},
	{"io.debezium.time.NanoTimestamp", K_TIMESTAMP, U_NS},
};

static const char *
member_string(const cJSON *o, const char *key)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(m) ? m->valuestring : NULL;
}

static int
streq(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

static void build(struct decode_column *c, const cJSON *s, int depth);

/* Builds c as a struct whose fields are the named members of fields. */
static void
build_struct(struct decode_column *c, const cJSON *fields, int depth)
{
	c->kind = K_STRUCT;
	size_t n = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, fields)
		if (member_string(f, "field") != NULL)
			n++;
	c->child = n ? xmalloc(n * sizeof *c->child) : NULL;
	cJSON_ArrayForEach(f, fields) {
		const char *name = member_string(f, "field");
		if (name == NULL)
			continue;
		struct decode_column *k = &c->child[c->nchild++];
		build(k, f, depth + 1);
		k->name = xstrndup(name, strlen(name));
	}
}

/* Fills c (name left NULL) from the Connect schema s. */
static void
build(struct decode_column *c, const cJSON *s, int depth)
{
	memset(c, 0, sizeof *c);
	c->kind = K_ANY;
	if (!cJSON_IsObject(s) || depth > MAX_DEPTH)
		return;
	const char *type = member_string(s, "type");
	const char *name = member_string(s, "name");
	if (type == NULL)
		return;
	int is_int = streq(type, "int8") || streq(type, "int16") || streq(type, "int32") ||
	    streq(type, "int64");

	if (is_int && name != NULL) {
		for (size_t i = 0; i < sizeof int_logicals / sizeof int_logicals[0]; i++) {
			if (strcmp(name, int_logicals[i].name) == 0) {
				c->kind = int_logicals[i].kind;
				c->unit = int_logicals[i].unit;
				return;
			}
		}
	}
	if (streq(type, "bytes") && streq(name, "org.apache.kafka.connect.data.Decimal")) {
		c->kind = K_DECIMAL;
		const cJSON *params = cJSON_GetObjectItemCaseSensitive(s, "parameters");
		int64_t scale;
		if (jsonval_int64(cJSON_GetObjectItemCaseSensitive(params, "scale"), &scale) == 0) {
			if (scale >= -MAX_SCALE && scale <= MAX_SCALE) {
				c->has_scale = 1;
				c->scale = (int32_t)scale;
			} else {
				c->bad_scale = 1;
			}
		}
		return;
	}
	if (streq(type, "struct") && streq(name, "io.debezium.data.VariableScaleDecimal")) {
		c->kind = K_VSDECIMAL;
		return;
	}

	if (is_int)
		c->kind = K_INT;
	else if (streq(type, "boolean"))
		c->kind = K_BOOL;
	else if (streq(type, "float32") || streq(type, "float64"))
		c->kind = K_FLOAT;
	else if (streq(type, "string"))
		c->kind = K_STRING;
	else if (streq(type, "bytes"))
		c->kind = K_BYTES;
	else if (streq(type, "array")) {
		c->kind = K_ARRAY;
		c->nchild = 1;
		c->child = xmalloc(sizeof *c->child);
		build(&c->child[0], cJSON_GetObjectItemCaseSensitive(s, "items"), depth + 1);
	} else if (streq(type, "map")) {
		c->kind = K_MAP;
		c->nchild = 2;
		c->child = xmalloc(2 * sizeof *c->child);
		build(&c->child[0], cJSON_GetObjectItemCaseSensitive(s, "keys"), depth + 1);
		build(&c->child[1], cJSON_GetObjectItemCaseSensitive(s, "values"), depth + 1);
	} else if (streq(type, "struct")) {
		const cJSON *fields = cJSON_GetObjectItemCaseSensitive(s, "fields");
		if (cJSON_IsArray(fields))
			build_struct(c, fields, depth);
	}
}

static void
column_free(struct decode_column *c)
{
	for (size_t i = 0; i < c->nchild; i++)
		column_free(&c->child[i]);
	free(c->child);
	free(c->name);
}

static uint64_t
hash_name(const char *s)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return h;
}

/* The "after" (else "before") member of the envelope's fields, if it is a
 * struct with a fields array. */
static const cJSON *
row_fields(const cJSON *envelope, const char *which)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(envelope, "fields")) {
		if (!cJSON_IsObject(f) || !streq(member_string(f, "field"), which))
			continue;
		const char *type = member_string(f, "type");
		const cJSON *fields = cJSON_GetObjectItemCaseSensitive(f, "fields");
		if ((type == NULL || strcmp(type, "struct") == 0) && cJSON_IsArray(fields))
			return fields;
	}
	return NULL;
}

struct decode_table *
decode_table_new(const cJSON *envelope_schema)
{
	if (!cJSON_IsObject(envelope_schema) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(envelope_schema, "fields")))
		return NULL;
	const cJSON *fields = row_fields(envelope_schema, "after");
	if (fields == NULL)
		fields = row_fields(envelope_schema, "before");
	if (fields == NULL)
		return NULL;

	struct decode_table *t = xmalloc(sizeof *t);
	memset(&t->row, 0, sizeof t->row);
	build_struct(&t->row, fields, 0);

	size_t cap = 8;
	while (cap < 2 * t->row.nchild)
		cap *= 2;
	t->mask = cap - 1;
	t->slots = xmalloc(cap * sizeof *t->slots);
	for (size_t i = 0; i < cap; i++)
		t->slots[i].col = NULL;
	for (size_t i = 0; i < t->row.nchild; i++) {
		const struct decode_column *c = &t->row.child[i];
		uint64_t h = hash_name(c->name);
		size_t k = (size_t)h & t->mask;
		for (;; k = (k + 1) & t->mask) {
			struct slot *sl = &t->slots[k];
			if (sl->col == NULL) {
				sl->hash = h;
				sl->col = c;
				break;
			}
			if (sl->hash == h && strcmp(sl->col->name, c->name) == 0)
				break; /* a duplicate field name: the first one wins */
		}
	}
	return t;
}

void
decode_table_free(struct decode_table *t)
{
	if (t == NULL)
		return;
	column_free(&t->row);
	free(t->slots);
	free(t);
}

const struct decode_column *
decode_table_column(const struct decode_table *t, const char *name)
{
	if (t == NULL || name == NULL)
		return NULL;
	uint64_t h = hash_name(name);
	for (size_t k = (size_t)h & t->mask;; k = (k + 1) & t->mask) {
		const struct slot *sl = &t->slots[k];
		if (sl->col == NULL)
			return NULL;
		if (sl->hash == h && strcmp(sl->col->name, name) == 0)
			return sl->col;
	}
}

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

/* Floor division and the remainder in [0, d), without overflow for any a. */
static void
floor_divmod(int64_t a, int64_t d, int64_t *q, int64_t *r)
{
	*q = a / d;
	*r = a % d;
	if (*r < 0) {
		*r += d;
		*q -= 1;
	}
}

/* Writes v (below 10^w) as exactly w digits and returns the end. */
static char *
put_digits(char *p, uint64_t v, int w)
{
	for (int i = w; i-- > 0;) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + w;
}

/* Writes n like printf's "%0<w>lld" (at least w characters, the sign
 * included) into p, which has room for 24 more bytes, and returns the end.
 * snprintf is only used off the common path. */
static char *
put_padded(char *p, int64_t n, int w)
{
	if (n >= 0 && (w == 2 ? n < 100 : n < 10000))
		return put_digits(p, (uint64_t)n, w);
	return p + snprintf(p, 24, w == 2 ? "%02lld" : "%04lld", (long long)n);
}

/* Writes "YYYY-MM-DD" for days since the epoch (years as timefmt_year
 * writes them; *bc set when the value must end in " BC") and returns the
 * end; p has room for 40 bytes. */
static char *
put_ymd(char *p, int64_t days, int *bc)
{
	int64_t y;
	unsigned mo, d;
	timefmt_civil(days, &y, &mo, &d);
	p += timefmt_year(y, p, bc);
	*p++ = '-';
	p = put_digits(p, mo, 2);
	*p++ = '-';
	return put_digits(p, d, 2);
}

static char *
put_bc(char *p, int bc)
{
	if (!bc)
		return p;
	memcpy(p, " BC", 3);
	return p + 3;
}

/* Writes "HH:MM:SS.f..." for x >= 0 units of unit and returns the end
 * (hours may exceed 23); p has room for 48 bytes. */
static char *
put_hms(char *p, int64_t x, unsigned unit)
{
	int64_t ps = unit_per_sec[unit];
	int64_t secs = x / ps;
	p = put_padded(p, secs / 3600, 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)(secs / 60 % 60), 2);
	*p++ = ':';
	p = put_digits(p, (uint64_t)(secs % 60), 2);
	*p++ = '.';
	return put_digits(p, (uint64_t)(x % ps), unit_digits[unit]);
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
	char *e = put_ymd(tmp, days, &bc);
	e = put_bc(e, bc);
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
	char *e = put_hms(tmp, x, unit);
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
	int64_t days, rem;
	floor_divmod(x, 86400 * unit_per_sec[unit], &days, &rem);
	char tmp[96];
	int bc;
	char *e = put_ymd(tmp, days, &bc);
	*e++ = ' ';
	e = put_hms(e, rem, unit);
	e = put_bc(e, bc);
	put_ascii(out, tmp, (size_t)(e - tmp), json);
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

/* A plain decimal literal, or one of the strings Debezium uses for the
 * values a double cannot write as a number. */
static int
is_decimal_text(const char *s)
{
	if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0 || strcmp(s, "-Infinity") == 0)
		return 1;
	if (*s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (*s < '0' || *s > '9')
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

/* Writes the decimal digits of chunk (below 10^9) into dst, zero-padded to
 * 9 digits when pad is set, and returns how many. */
static size_t
chunk_digits(char *dst, uint32_t chunk, int pad)
{
	char tmp[9];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + chunk % 10);
		chunk /= 10;
	} while (chunk != 0);
	if (pad)
		while (n < 9)
			tmp[n++] = '0';
	for (size_t i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

static void
put_zeros(struct buf *out, size_t n)
{
	static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
	while (n > 0) {
		size_t k = n < sizeof zeros - 1 ? n : sizeof zeros - 1;
		buf_append(out, zeros, k);
		n -= k;
	}
}

/* Appends the exact value of the big-endian two's-complement integer that
 * base64 s stands for, divided by 10^scale, in plain notation (like Java's
 * BigDecimal.toPlainString). Returns -2 (out unchanged) if s is not base64,
 * -1 if it stands for no bytes at all. */
static int
put_decimal(struct buf *out, const char *s, int64_t scale, int json)
{
	size_t start = out->len;
	if (base64_decode(out, s, strlen(s)) != 0)
		return -2;
	size_t nb = out->len - start;
	if (nb == 0)
		return -1; /* no bytes is no number (Java's BigInteger refuses it too) */

	/* The magnitude as little-endian 32-bit limbs. A negative value is
	 * negated as ~x + 1 over its nb bytes; the carry cannot leave them
	 * because x (top bit set) is not zero. */
	const unsigned char *b = (const unsigned char *)out->p + start;
	int neg = (b[0] & 0x80) != 0;
	size_t nl = (nb + 3) / 4;
	uint32_t lstack[16];
	uint32_t *l = nl <= 16 ? lstack : xmalloc(nl * sizeof *l);
	memset(l, 0, nl * sizeof *l);
	for (size_t k = 0; k < nb; k++) {
		unsigned byte = b[nb - 1 - k];
		if (neg)
			byte = ~byte & 0xffu;
		l[k / 4] |= (uint32_t)byte << (8 * (k % 4));
	}
	if (neg)
		for (size_t i = 0; i < nl && ++l[i] == 0; i++)
			;
	out->len = start;

	/* Base 10^9 chunks, least significant first, by repeated division. A
	 * chunk holds more than 29 bits, so nb*8/29 + 2 chunks are enough. */
	size_t cmax = nb * 8 / 29 + 2;
	uint32_t cstack[16];
	uint32_t *ch = cmax <= 16 ? cstack : xmalloc(cmax * sizeof *ch);
	size_t nc = 0, top = nl;
	while (top > 0 && l[top - 1] == 0)
		top--;
	while (top > 0) {
		uint64_t rem = 0;
		for (size_t i = top; i-- > 0;) {
			uint64_t cur = rem << 32 | l[i];
			l[i] = (uint32_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		ch[nc++] = (uint32_t)rem;
		while (top > 0 && l[top - 1] == 0)
			top--;
	}

	/* The digits, most significant first. */
	size_t dcap = nc ? 9 * nc : 1;
	char dstack[160];
	char *dig = dcap <= sizeof dstack ? dstack : xmalloc(dcap);
	size_t nd = 0;
	if (nc == 0) {
		dig[nd++] = '0';
	} else {
		nd += chunk_digits(dig, ch[nc - 1], 0);
		for (size_t i = nc - 1; i-- > 0;)
			nd += chunk_digits(dig + nd, ch[i], 1);
	}

	if (json)
		buf_putc(out, '"');
	if (neg)
		buf_putc(out, '-');
	if (scale <= 0) {
		buf_append(out, dig, nd);
		if (nc != 0)
			put_zeros(out, (size_t)-scale);
	} else if ((uint64_t)scale >= nd) {
		buf_append(out, "0.", 2);
		put_zeros(out, (size_t)scale - nd);
		buf_append(out, dig, nd);
	} else {
		size_t ip = nd - (size_t)scale;
		buf_append(out, dig, ip);
		buf_putc(out, '.');
		buf_append(out, dig + ip, nd - ip);
	}
	if (json)
		buf_putc(out, '"');

	if (l != lstack)
		free(l);
	if (ch != cstack)
		free(ch);
	if (dig != dstack)
		free(dig);
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
	if (cJSON_IsString(v) && is_decimal_text(v->valuestring)) {
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
render(struct buf *out, const struct decode_column *c, const cJSON *v, int hex, int json)
{
	if (cJSON_IsNull(v)) {
		buf_append(out, "null", 4); /* only reached inside containers */
		return 0;
	}
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
		if (cJSON_IsTrue(v))
			buf_append(out, "true", 4);
		else
			buf_append(out, "false", 5);
		return 0;
	case K_INT:
		if (!cJSON_IsNumber(v))
			return -1;
		put_number(out, v);
		return 0;
	case K_FLOAT:
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
	case K_STRING:
		if (!cJSON_IsString(v))
			return -1;
		put_string(out, v->valuestring, json);
		return 0;
	case K_BYTES:
		if (!cJSON_IsString(v))
			return -1;
		if (hex)
			return put_hex(out, v->valuestring, json);
		put_string(out, v->valuestring, json);
		return 0;
	case K_DATE:
		return put_date(out, v, json);
	case K_TIME:
		return put_time(out, v, c->unit, json);
	case K_TIMESTAMP:
		return put_timestamp(out, v, c->unit, json);
	case K_DECIMAL:
		if (cJSON_IsString(v)) {
			/* Base64 is the schema's form; decimal text that is not
			 * base64 goes through as written; base64 without a scale
			 * to apply is a mismatch. */
			if (c->has_scale) {
				int r = put_decimal(out, v->valuestring, c->scale, json);
				if (r != -2)
					return r;
			} else if (is_base64(out, v->valuestring)) {
				return c->bad_scale ? R_SCALE : R_MISMATCH;
			}
		}
		return put_decimal_as_written(out, v, json);
	case K_VSDECIMAL: {
		if (!cJSON_IsObject(v))
			return put_decimal_as_written(out, v, json);
		int64_t scale;
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(v, "value");
		if (get_int(cJSON_GetObjectItemCaseSensitive(v, "scale"), &scale) != 0 ||
		    !cJSON_IsString(val))
			return R_MISMATCH;
		if (scale < -MAX_SCALE || scale > MAX_VALUE_SCALE)
			return R_SCALE;
		return put_decimal(out, val->valuestring, scale, json);
	}
	case K_ARRAY: {
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
	case K_MAP: {
		const cJSON *e;
		if (cJSON_IsObject(v)) {
			/* String keys: a JSON object. */
			buf_putc(out, '{');
			cJSON_ArrayForEach(e, v) {
				if (e != v->child)
					buf_putc(out, ',');
				const char *k = e->string != NULL ? e->string : "";
				jsonval_write_string(out, k, strlen(k));
				buf_putc(out, ':');
				int r = render(out, &c->child[1], e, hex, 1);
				if (r != 0)
					return r;
			}
			buf_putc(out, '}');
			return 0;
		}
		if (!cJSON_IsArray(v))
			return -1;
		/* Other keys: an array of [key, value] pairs. */
		buf_putc(out, '[');
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
	case K_STRUCT: {
		if (!cJSON_IsObject(v))
			return -1;
		buf_putc(out, '{');
		size_t hint = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, v) {
			if (e != v->child)
				buf_putc(out, ',');
			const char *k = e->string != NULL ? e->string : "";
			jsonval_write_string(out, k, strlen(k));
			buf_putc(out, ':');
			const struct decode_column *f = struct_field(c, e->string, &hint);
			if (f == NULL)
				jsonval_write_json(out, e); /* not in the schema: as written */
			else {
				int r = render(out, f, e, hex, 1);
				if (r != 0)
					return r;
			}
		}
		buf_putc(out, '}');
		return 0;
	}
	default:
		return -1;
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
