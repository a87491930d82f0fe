/* decoders.c: a Connect schema compiled into per-column decoders
 * (decode_table_new, decode_table_column). What each decoder then prints
 * is check_decode's; here, which decoder each schema node gets. The
 * expected kinds come from Kafka Connect's and Debezium's documented
 * types: a logical name only counts on the physical type it is defined
 * for (io.debezium.time.Date is an int32, Connect's Decimal is bytes). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "check_suites.h"
#include "decode.h"
#include "decodecolumn.h"

/* An envelope schema whose "after" struct holds the given field schemas
 * (JSON, comma-separated). */
static cJSON *
envelope_with(const char *fields)
{
	char text[8192];
	snprintf(text, sizeof text,
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"optional\":true,"
	    "\"field\":\"after\",\"fields\":[%s]},{\"type\":\"string\",\"field\":\"op\"}]}",
	    fields);
	cJSON *s = cJSON_Parse(text);
	ck_assert_ptr_nonnull(s);
	return s;
}

static const struct {
	const char *type, *name; /* name NULL: no logical name */
	int kind, unit;
} kinds[] = {
	{"boolean", NULL, K_BOOL, 0},
	{"int8", NULL, K_INT, 0},
	{"int16", NULL, K_INT, 0},
	{"int32", NULL, K_INT, 0},
	{"int64", NULL, K_INT, 0},
	{"float32", NULL, K_FLOAT, 0},
	{"float64", NULL, K_FLOAT, 0},
	{"string", NULL, K_STRING, 0},
	{"bytes", NULL, K_BYTES, 0},
	{"int32", "io.debezium.time.Date", K_DATE, U_MS},
	{"int32", "org.apache.kafka.connect.data.Date", K_DATE, U_MS},
	{"int32", "io.debezium.time.Time", K_TIME, U_MS},
	{"int32", "org.apache.kafka.connect.data.Time", K_TIME, U_MS},
	{"int64", "io.debezium.time.MicroTime", K_TIME, U_US},
	{"int64", "io.debezium.time.NanoTime", K_TIME, U_NS},
	{"int64", "io.debezium.time.Timestamp", K_TIMESTAMP, U_MS},
	{"int64", "org.apache.kafka.connect.data.Timestamp", K_TIMESTAMP, U_MS},
	{"int64", "io.debezium.time.MicroTimestamp", K_TIMESTAMP, U_US},
	{"int64", "io.debezium.time.NanoTimestamp", K_TIMESTAMP, U_NS},
	{"bytes", "org.apache.kafka.connect.data.Decimal", K_DECIMAL, 0},
	{"struct", "io.debezium.data.VariableScaleDecimal", K_VSDECIMAL, 0},
	/* A logical name on another physical type is not that logical type. */
	{"string", "io.debezium.time.Date", K_STRING, 0},
	{"string", "org.apache.kafka.connect.data.Decimal", K_STRING, 0},
	/* ZonedTimestamp: ISO text, printed as PostgreSQL prints timestamptz. */
	{"string", "io.debezium.time.ZonedTimestamp", K_ZTIMESTAMP, 0},
	{"string", "io.debezium.time.ZonedTime", K_ZTIME, 0},
	{"string", "io.debezium.time.IsoTimestamp", K_ISOTIMESTAMP, 0},
	{"int64", "io.debezium.time.MicroDuration", K_DURATION, U_US},
	{"bytes", "io.debezium.data.Bits", K_BYTES, 0}, /* no length: plain bytes */
	{"struct", "io.debezium.data.geometry.Point", K_POINT, 0},
	{"array", "io.debezium.data.FloatVector", K_VECTOR, 0},
	{"string", "io.debezium.data.geometry.Point", K_STRING, 0},
	{"int32", "io.debezium.data.Unknown", K_INT, 0},
	{"no-such-type", NULL, K_ANY, 0},
};

START_TEST(kind_of_each_type)
{
	char field[512];
	if (kinds[_i].name != NULL)
		snprintf(field, sizeof field, "{\"type\":\"%s\",\"name\":\"%s\",\"field\":\"c\"}",
		    kinds[_i].type, kinds[_i].name);
	else
		snprintf(field, sizeof field, "{\"type\":\"%s\",\"field\":\"c\"}", kinds[_i].type);
	cJSON *s = envelope_with(field);
	struct decode_table *t = decode_table_new(s);
	ck_assert_ptr_nonnull(t);
	const struct decode_column *c = decode_table_column(t, "c");
	ck_assert_ptr_nonnull(c);
	ck_assert_msg(c->kind == kinds[_i].kind, "%s %s: kind %d, want %d", kinds[_i].type,
	    kinds[_i].name ? kinds[_i].name : "", c->kind, kinds[_i].kind);
	if (c->kind == K_TIME || c->kind == K_TIMESTAMP)
		ck_assert_int_eq(c->unit, kinds[_i].unit);
	ck_assert_str_eq(c->name, "c");
	decode_table_free(t);
	cJSON_Delete(s);
}
END_TEST

/* A Decimal's scale comes from its parameters; a scale no database has
 * is marked, not kept; a missing one is neither. */
START_TEST(decimal_scale_from_parameters)
{
	cJSON *s = envelope_with(
	    "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"},\"field\":\"a\"},"
	    "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"-1000\"},\"field\":\"b\"},"
	    "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"1001\"},\"field\":\"c\"},"
	    "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"field\":\"d\"}");
	struct decode_table *t = decode_table_new(s);
	ck_assert_ptr_nonnull(t);
	const struct decode_column *a = decode_table_column(t, "a"), *b = decode_table_column(t, "b"),
	                           *c = decode_table_column(t, "c"), *d = decode_table_column(t, "d");
	ck_assert(a->has_scale && a->scale == 2 && !a->bad_scale);
	ck_assert(b->has_scale && b->scale == -1000 && !b->bad_scale);
	ck_assert(!c->has_scale && c->bad_scale);
	ck_assert(!d->has_scale && !d->bad_scale);
	decode_table_free(t);
	cJSON_Delete(s);
}
END_TEST

/* Arrays, maps and structs get decoders for what they hold. */
START_TEST(nested_types_get_children)
{
	cJSON *s = envelope_with(
	    "{\"type\":\"array\",\"items\":{\"type\":\"int32\",\"name\":\"io.debezium.time.Date\"},\"field\":\"days\"},"
	    "{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"bytes\"},\"field\":\"m\"},"
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"boolean\",\"field\":\"x\"},{\"type\":\"int64\",\"field\":\"y\"}],\"field\":\"s\"}");
	struct decode_table *t = decode_table_new(s);
	const struct decode_column *days = decode_table_column(t, "days");
	ck_assert_int_eq(days->kind, K_ARRAY);
	ck_assert_uint_eq(days->nchild, 1);
	ck_assert_int_eq(days->child[0].kind, K_DATE);
	const struct decode_column *m = decode_table_column(t, "m");
	ck_assert_int_eq(m->kind, K_MAP);
	ck_assert_uint_eq(m->nchild, 2);
	ck_assert_int_eq(m->child[0].kind, K_STRING);
	ck_assert_int_eq(m->child[1].kind, K_BYTES);
	const struct decode_column *st = decode_table_column(t, "s");
	ck_assert_int_eq(st->kind, K_STRUCT);
	ck_assert_uint_eq(st->nchild, 2);
	ck_assert_str_eq(st->child[0].name, "x");
	ck_assert_int_eq(st->child[0].kind, K_BOOL);
	ck_assert_str_eq(st->child[1].name, "y");
	ck_assert_int_eq(st->child[1].kind, K_INT);
	decode_table_free(t);
	cJSON_Delete(s);
}
END_TEST

/* Beyond MAX_DEPTH nested schemas, values are printed without decoding. */
START_TEST(too_deep_is_plain)
{
	struct buf field;
	buf_init(&field);
	for (int i = 0; i < MAX_DEPTH + 2; i++)
		buf_puts(&field, "{\"type\":\"array\",\"items\":");
	buf_puts(&field, "{\"type\":\"int32\",\"name\":\"io.debezium.time.Date\"}");
	for (int i = 0; i < MAX_DEPTH + 2; i++)
		buf_puts(&field, i == MAX_DEPTH + 1 ? ",\"field\":\"deep\"}" : "}");
	cJSON *s = envelope_with(buf_cstr(&field));
	buf_free(&field);
	struct decode_table *t = decode_table_new(s);
	const struct decode_column *c = decode_table_column(t, "deep");
	int depth = 0;
	while (c->kind == K_ARRAY) {
		c = &c->child[0];
		depth++;
	}
	ck_assert_int_le(depth, MAX_DEPTH + 1);
	ck_assert_int_eq(c->kind, K_ANY); /* the Date at the bottom is not reached */
	decode_table_free(t);
	cJSON_Delete(s);
}
END_TEST

/* The row's columns come from "after", else from "before" (a delete
 * topic's schema); a schema with neither gives no table. */
START_TEST(row_from_after_else_before)
{
	cJSON *s = cJSON_Parse("{\"type\":\"struct\",\"fields\":["
	                       "{\"type\":\"struct\",\"field\":\"before\",\"fields\":[{\"type\":\"int32\",\"field\":\"b\"}]},"
	                       "{\"type\":\"struct\",\"field\":\"after\",\"fields\":[{\"type\":\"string\",\"field\":\"a\"}]}]}");
	struct decode_table *t = decode_table_new(s);
	ck_assert_ptr_nonnull(decode_table_column(t, "a"));
	ck_assert_ptr_null(decode_table_column(t, "b"));
	decode_table_free(t);
	cJSON_Delete(s);
	s = cJSON_Parse("{\"type\":\"struct\",\"fields\":["
	                "{\"type\":\"struct\",\"field\":\"before\",\"fields\":[{\"type\":\"int32\",\"field\":\"b\"}]}]}");
	t = decode_table_new(s);
	ck_assert_int_eq(decode_table_column(t, "b")->kind, K_INT);
	decode_table_free(t);
	cJSON_Delete(s);
	static const char *const none[] = {
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"field\":\"op\"}]}",
	    "{\"type\":\"struct\"}",
	    "[]",
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"field\":\"after\",\"fields\":[]}]}",
	};
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		s = cJSON_Parse(none[i]);
		ck_assert_msg(decode_table_new(s) == NULL, "%s", none[i]);
		cJSON_Delete(s);
	}
	ck_assert_ptr_null(decode_table_new(NULL));
	decode_table_free(NULL);
}
END_TEST

/* Every one of many columns is found by its name, and a name not in the
 * schema (or a NULL table) finds nothing. */
START_TEST(lookup_by_name)
{
	char fields[8000] = "";
	size_t u = 0;
	for (int i = 0; i < 100; i++)
		u += (size_t)snprintf(fields + u, sizeof fields - u, "%s{\"type\":\"%s\",\"field\":\"col%d\"}",
		    i ? "," : "", i % 2 ? "string" : "int64", i);
	cJSON *s = envelope_with(fields);
	struct decode_table *t = decode_table_new(s);
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "col%d", i);
		const struct decode_column *c = decode_table_column(t, name);
		ck_assert_msg(c != NULL, "%s", name);
		ck_assert_str_eq(c->name, name);
		ck_assert_int_eq(c->kind, i % 2 ? K_STRING : K_INT);
	}
	ck_assert_ptr_null(decode_table_column(t, "col100"));
	ck_assert_ptr_null(decode_table_column(t, "Col1"));
	ck_assert_ptr_null(decode_table_column(NULL, "col1"));
	decode_table_free(t);
	cJSON_Delete(s);
}
END_TEST

Suite *
decoders_suite(void)
{
	Suite *s = suite_create("decoders");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, kind_of_each_type, 0, (int)(sizeof kinds / sizeof kinds[0]));
	tcase_add_test(tc, decimal_scale_from_parameters);
	tcase_add_test(tc, nested_types_get_children);
	tcase_add_test(tc, too_deep_is_plain);
	tcase_add_test(tc, row_from_after_else_before);
	tcase_add_test(tc, lookup_by_name);
	suite_add_tcase(s, tc);
	return s;
}
