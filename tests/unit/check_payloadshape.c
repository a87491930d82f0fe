/* payloadshape.h: a Connect schema's shape names its payload's members
 * in the schema's order, with the struct fields' own shapes, stops before
 * a name it cannot expect by its bytes, and is what Debezium's payloads
 * have: on every schema-wrapped line of the golden inputs and examples,
 * each object the shape covers has exactly its names, in its order. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "payloadshape.h"

static struct fastjson_shape *
shape_of_text(const char *schema)
{
	cJSON *s = cJSON_Parse(schema);
	ck_assert_ptr_nonnull(s);
	struct fastjson_shape *sh = payloadshape_new(s);
	cJSON_Delete(s);
	return sh;
}

static void
assert_member(const struct fastjson_shape *sh, size_t i, const char *quoted)
{
	ck_assert_uint_lt(i, sh->n);
	ck_assert_uint_eq(sh->member[i].qlen, strlen(quoted));
	ck_assert_mem_eq(sh->member[i].quoted, quoted, strlen(quoted));
}

START_TEST(envelope_schema)
{
	struct fastjson_shape *sh = shape_of_text(
	    "{\"type\":\"struct\",\"fields\":["
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"id\"},"
	    "{\"type\":\"string\",\"optional\":true,\"field\":\"name\"}],\"optional\":true,\"field\":\"before\"},"
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"id\"}],\"field\":\"after\"},"
	    "{\"type\":\"string\",\"field\":\"op\"},"
	    "{\"type\":\"array\",\"items\":{\"type\":\"struct\",\"fields\":[]},\"field\":\"list\"},"
	    "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"}],"
	    "\"optional\":false,\"name\":\"x.Envelope\"}");
	ck_assert_ptr_nonnull(sh);
	ck_assert_uint_eq(sh->n, 5);
	assert_member(sh, 0, "\"before\":");
	assert_member(sh, 1, "\"after\":");
	assert_member(sh, 2, "\"op\":");
	assert_member(sh, 3, "\"list\":");
	assert_member(sh, 4, "\"ts_ms\":");
	const struct fastjson_shape *b = sh->member[0].inner;
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->n, 2);
	assert_member(b, 0, "\"id\":");
	assert_member(b, 1, "\"name\":");
	ck_assert_ptr_null(b->member[0].inner);
	ck_assert_uint_eq(sh->member[1].inner->n, 1);
	ck_assert_ptr_null(sh->member[2].inner);
	ck_assert_ptr_null(sh->member[3].inner); /* an array's items are not expected */
	payloadshape_free(sh);
}
END_TEST

/* A name JSON would escape, or none, ends the struct's shape there. */
START_TEST(stops_before_unexpectable)
{
	static const char *const cases[] = {
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"},"
	    "{\"type\":\"int32\",\"field\":\"q\\\"uote\"},{\"type\":\"int32\",\"field\":\"c\"}]}",
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"},"
	    "{\"type\":\"int32\",\"field\":\"back\\\\slash\"},{\"type\":\"int32\",\"field\":\"c\"}]}",
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"},"
	    "{\"type\":\"int32\"},{\"type\":\"int32\",\"field\":\"c\"}]}",
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"a\"},"
	    "{\"type\":\"int32\",\"field\":7},{\"type\":\"int32\",\"field\":\"c\"}]}",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct fastjson_shape *sh = shape_of_text(cases[i]);
		ck_assert_ptr_nonnull(sh);
		ck_assert_uint_eq(sh->n, 1);
		assert_member(sh, 0, "\"a\":");
		payloadshape_free(sh);
	}
	/* UTF-8 and controls need no escape to be compared by their bytes */
	struct fastjson_shape *sh = shape_of_text(
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"field\":\"\xc3\xa9t\xc3\xa9\"}]}");
	ck_assert_uint_eq(sh->n, 1);
	assert_member(sh, 0, "\"\xc3\xa9t\xc3\xa9\":");
	payloadshape_free(sh);
}
END_TEST

START_TEST(no_struct_no_shape)
{
	ck_assert_ptr_null(payloadshape_new(NULL));
	static const char *const cases[] = {
	    "{\"type\":\"string\"}",
	    "{\"type\":\"struct\"}",
	    "{\"type\":\"struct\",\"fields\":{}}",
	    "{\"fields\":[{\"type\":\"int32\",\"field\":\"a\"}]}",
	    "{\"type\":\"map\",\"keys\":{\"type\":\"string\"},\"values\":{\"type\":\"string\"}}",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		ck_assert_ptr_null(shape_of_text(cases[i]));
	struct fastjson_shape *sh = shape_of_text("{\"type\":\"struct\",\"fields\":[]}");
	ck_assert_ptr_nonnull(sh);
	ck_assert_uint_eq(sh->n, 0);
	payloadshape_free(sh);
}
END_TEST

/* Whether obj's members are those sh names, in its order, in every
 * object it covers. */
static int
covers(const struct fastjson_shape *sh, const cJSON *obj)
{
	if (sh == NULL || !cJSON_IsObject(obj))
		return 1;
	size_t i = 0;
	const cJSON *c;
	cJSON_ArrayForEach(c, obj) {
		if (i == sh->n)
			return 0;
		const struct fastjson_member *m = &sh->member[i++];
		if (m->qlen != strlen(c->string) + 3 || memcmp(m->quoted + 1, c->string, m->qlen - 3) != 0 ||
		    !covers(m->inner, c))
			return 0;
	}
	return i == sh->n;
}

/* Schema-wrapped lines of a file whose payload the shape covers, and *n
 * the schema-wrapped lines. */
static size_t
covered_in(const char *path, size_t *n)
{
	size_t len, covered = 0;
	char *text = read_file(path, &len);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	for (char *line = text; line < text + len;) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		size_t ll = nl ? (size_t)(nl - line) : (size_t)(text + len - line);
		cJSON *doc = cJSON_ParseWithLength(line, ll);
		const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
		const cJSON *payload = cJSON_GetObjectItemCaseSensitive(doc, "payload");
		struct fastjson_shape *sh = payloadshape_new(schema);
		if (sh != NULL && cJSON_IsObject(payload)) {
			(*n)++;
			covered += (size_t)covers(sh, payload);
		}
		payloadshape_free(sh);
		cJSON_Delete(doc);
		line += ll + 1;
	}
	free(text);
	return covered;
}

/* JsonConverter writes every field in the schema's order: nearly every
 * schema-wrapped line of the golden inputs and examples, real connectors'
 * output among them, is covered (the rest are hand-made on purpose). */
struct tally {
	size_t covered, n;
};

static void
cover_input(const char *path, void *ctx)
{
	struct tally *t = ctx;
	t->covered += covered_in(path, &t->n);
}

START_TEST(debezium_payloads_covered)
{
	struct tally t = {0, 0};
	each_input_file(cover_input, &t);
	size_t covered = t.covered, n = t.n;
	ck_assert_uint_gt(n, 100);
	ck_assert_msg(covered * 10 > n * 9, "the shape covers %zu of %zu payloads", covered, n);
}
END_TEST

Suite *
payloadshape_suite(void)
{
	Suite *s = suite_create("payloadshape");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, envelope_schema);
	tcase_add_test(tc, stops_before_unexpectable);
	tcase_add_test(tc, no_struct_no_shape);
	tcase_add_test(tc, debezium_payloads_covered);
	suite_add_tcase(s, tc);
	return s;
}
