#include "decode.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decodecolumn.h"
#include "hash.h"
#include "jsonval.h"

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
	{"io.debezium.time.MicroDuration", K_DURATION, U_US},
	{"io.debezium.time.NanoDuration", K_DURATION, U_NS},
};

static const struct {
	const char *name;
	unsigned char kind;
} string_logicals[] = {
	{"io.debezium.time.ZonedTimestamp", K_ZTIMESTAMP},
	{"io.debezium.time.ZonedTime", K_ZTIME},
	{"io.debezium.time.IsoDate", K_ISODATE},
	{"io.debezium.time.IsoTime", K_ISOTIME},
	{"io.debezium.time.IsoTimestamp", K_ISOTIMESTAMP},
	{"io.debezium.time.Interval", K_INTERVAL},
};

static const char *
member_string(const cJSON *o, const char *key)
{
	const cJSON *m = jsonval_member(o, key);
	return jsonval_is_string(m) ? m->valuestring : NULL;
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

static int
is_int_type(const char *type)
{
	return streq(type, "int8") || streq(type, "int16") || streq(type, "int32") ||
	    streq(type, "int64");
}

/* Logical types whose kind is all there is to know, by (type, name). */
static const struct {
	const char *type, *name;
	unsigned char kind;
} plain_logicals[] = {
	{"struct", "io.debezium.data.geometry.Point", K_POINT},
	/* pgvector's vector and halfvec, and sparsevec (Debezium 3.x) */
	{"array", "io.debezium.data.DoubleVector", K_VECTOR},
	{"array", "io.debezium.data.FloatVector", K_VECTOR},
	{"struct", "io.debezium.data.SparseDoubleVector", K_SPARSEVEC},
	{"struct", "io.debezium.data.VariableScaleDecimal", K_VSDECIMAL},
};

/* Bits: the bit string's length is a schema parameter. */
static int
build_bits(struct decode_column *c, const cJSON *s)
{
	const cJSON *params = jsonval_member(s, "parameters");
	int64_t len;
	/* Beyond MAX_BITS (Debezium reads a bit string through a Java
	 * long, so real ones are far shorter) a schema's length would
	 * make every value that many characters: plain bytes then. */
	if (jsonval_int64(jsonval_member(params, "length"), &len) != 0 ||
	    len < 1 || len > MAX_BITS)
		return 0;
	c->kind = K_BITS;
	c->scale = (int32_t)len;
	return 1;
}

/* Connect's Decimal: the scale is a schema parameter. */
static int
build_decimal(struct decode_column *c, const cJSON *s)
{
	c->kind = K_DECIMAL;
	const cJSON *params = jsonval_member(s, "parameters");
	int64_t scale;
	if (jsonval_int64(jsonval_member(params, "scale"), &scale) == 0) {
		if (scale >= -MAX_SCALE && scale <= MAX_SCALE) {
			c->has_scale = 1;
			c->scale = (int32_t)scale;
		} else {
			c->bad_scale = 1;
		}
	}
	return 1;
}

/* Debezium's and Connect's logical types (name on top of a type). Returns
 * 1 when c was filled. */
static int
build_logical(struct decode_column *c, const cJSON *s, const char *type, const char *name)
{
	if (name == NULL)
		return 0;
	if (is_int_type(type)) {
		for (size_t i = 0; i < sizeof int_logicals / sizeof int_logicals[0]; i++)
			if (strcmp(name, int_logicals[i].name) == 0) {
				c->kind = int_logicals[i].kind;
				c->unit = int_logicals[i].unit;
				return 1;
			}
	}
	if (streq(type, "string")) {
		for (size_t i = 0; i < sizeof string_logicals / sizeof string_logicals[0]; i++)
			if (strcmp(name, string_logicals[i].name) == 0) {
				c->kind = string_logicals[i].kind;
				return 1;
			}
	}
	for (size_t i = 0; i < sizeof plain_logicals / sizeof plain_logicals[0]; i++)
		if (streq(type, plain_logicals[i].type) && strcmp(name, plain_logicals[i].name) == 0) {
			c->kind = plain_logicals[i].kind;
			return 1;
		}
	if (streq(type, "bytes") && strcmp(name, "io.debezium.data.Bits") == 0)
		return build_bits(c, s);
	if (streq(type, "bytes") && strcmp(name, "org.apache.kafka.connect.data.Decimal") == 0)
		return build_decimal(c, s);
	return 0;
}

/* Gives c n children built from the members keys[0..n) of s. */
static void
build_children(struct decode_column *c, const cJSON *s, const char *const *keys, size_t n, int depth)
{
	c->nchild = n;
	c->child = xmalloc(n * sizeof *c->child);
	for (size_t i = 0; i < n; i++)
		build(&c->child[i], jsonval_member(s, keys[i]), depth + 1);
}

/* Fills c (name left NULL) from the Connect schema s. */
static void
build(struct decode_column *c, const cJSON *s, int depth)
{
	static const char *const items[] = {"items"}, *const map[] = {"keys", "values"};
	static const struct {
		const char *type;
		unsigned char kind;
	} plain[] = {
		{"boolean", K_BOOL}, {"float32", K_FLOAT}, {"float64", K_FLOAT}, {"float", K_FLOAT},
		{"double", K_FLOAT}, {"string", K_STRING}, {"bytes", K_BYTES},
	};
	memset(c, 0, sizeof *c);
	c->kind = K_ANY;
	if (!jsonval_is_object(s) || depth > MAX_DEPTH)
		return;
	const char *type = member_string(s, "type");
	if (type == NULL || build_logical(c, s, type, member_string(s, "name")))
		return;
	if (is_int_type(type))
		c->kind = K_INT;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strcmp(type, plain[i].type) == 0)
			c->kind = plain[i].kind;
	c->unit = streq(type, "float32") || streq(type, "float");
	if (strcmp(type, "array") == 0) {
		c->kind = K_ARRAY;
		build_children(c, s, items, 1, depth);
	} else if (strcmp(type, "map") == 0) {
		c->kind = K_MAP;
		build_children(c, s, map, 2, depth);
	} else if (strcmp(type, "struct") == 0) {
		const cJSON *fields = jsonval_member(s, "fields");
		if (jsonval_is_array(fields))
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

/* Eight bytes at a time: every hit is verified by strcmp, and a name is
 * hashed for every value printed. */
static uint64_t
hash_name(const char *s)
{
	return hash_words(s, strlen(s));
}

/* The "after" (else "before") member of the envelope's fields, if it is a
 * struct with a fields array. */
static const cJSON *
row_fields(const cJSON *envelope, const char *which)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, jsonval_member(envelope, "fields")) {
		if (!jsonval_is_object(f) || !streq(member_string(f, "field"), which))
			continue;
		const char *type = member_string(f, "type");
		const cJSON *fields = jsonval_member(f, "fields");
		if ((type == NULL || strcmp(type, "struct") == 0) && jsonval_is_array(fields))
			return fields;
	}
	return NULL;
}

struct decode_table *
decode_table_new(const cJSON *envelope_schema)
{
	if (!jsonval_is_object(envelope_schema) ||
	    !jsonval_is_array(jsonval_member(envelope_schema, "fields")))
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

