/* schemacache.h: a schema is recognised by its bytes, the whole of them,
 * followed by a byte that ends a JSON value; least recently used entries
 * go first; json_value_extent finds where a value ends. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "jsonarena.h"
#include "jsonval.h"
#include "schemacache.h"

static struct schema_entry *
add(struct schema_cache *c, const char *s)
{
	struct schema_entry *e = schema_cache_add(c, s, strlen(s));
	ck_assert_ptr_nonnull(e);
	return e;
}

static struct schema_entry *
match(struct schema_cache *c, const char *s)
{
	return schema_cache_match(c, s, strlen(s));
}

START_TEST(whole_bytes_and_a_value_end)
{
	struct schema_cache *c = schema_cache_new(4, 0);
	const char *a = "{\"type\":\"struct\",\"parameters\":{\"scale\":\"2\"}}";
	struct schema_entry *ea = add(c, a);
	ck_assert_uint_eq(ea->len, strlen(a));
	ck_assert_ptr_nonnull(ea->schema);
	char text[256];
	/* Each byte that can end the value. */
	static const char ends[] = ",} \t\r\n";
	for (const char *p = ends; *p; p++) {
		snprintf(text, sizeof text, "%s%c\"payload\":1}", a, *p);
		ck_assert_ptr_eq(match(c, text), ea);
	}
	/* Not followed by an end: another value that starts the same. */
	snprintf(text, sizeof text, "%sx", a);
	ck_assert_ptr_null(match(c, text));
	/* The schema itself with nothing after it. */
	ck_assert_ptr_null(schema_cache_match(c, a, strlen(a)));
	/* Equal length, differing in the last bytes, or in the first. */
	const char *b = "{\"type\":\"struct\",\"parameters\":{\"scale\":\"3\"}}";
	snprintf(text, sizeof text, "%s,", b);
	ck_assert_ptr_null(match(c, text));
	struct schema_entry *eb = add(c, b);
	ck_assert_ptr_eq(match(c, text), eb);
	snprintf(text, sizeof text, "%s,", a);
	ck_assert_ptr_eq(match(c, text), ea);
	snprintf(text, sizeof text, "[%s,", a + 1);
	ck_assert_ptr_null(match(c, text));
	/* A shorter text than the schema. */
	ck_assert_ptr_null(match(c, "{\"type\""));
	schema_cache_free(c);
}
END_TEST

START_TEST(null_and_invalid)
{
	struct schema_cache *c = schema_cache_new(2, 0);
	struct schema_entry *e = add(c, "null");
	ck_assert_ptr_null(e->schema);
	ck_assert_ptr_eq(match(c, "null,\"payload\":{}}"), e);
	ck_assert_ptr_null(schema_cache_add(c, "[1,2]", 5));
	ck_assert_ptr_null(schema_cache_add(c, "{\"a\":", 5));
	ck_assert_ptr_null(schema_cache_add(c, "nul", 3));
	schema_cache_free(c);
	schema_cache_free(NULL); /* like free(NULL) */
}
END_TEST

/* Least recently used goes first, where a match counts as a use. */
START_TEST(lru_eviction)
{
	struct schema_cache *c = schema_cache_new(3, 0);
	add(c, "{\"a\":1}");
	add(c, "{\"b\":1}");
	add(c, "{\"c\":1}");
	ck_assert_ptr_nonnull(match(c, "{\"a\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"b\":1},"));
	add(c, "{\"d\":1}"); /* evicts c */
	ck_assert_ptr_null(match(c, "{\"c\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"a\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"b\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"d\":1},"));
	add(c, "{\"e\":1}"); /* evicts a, used longest ago */
	ck_assert_ptr_null(match(c, "{\"a\":1},"));
	struct schema_entry *e = match(c, "{\"e\":1},");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->bytes, "{\"e\":1}");
	ck_assert_ptr_nonnull(match(c, "{\"b\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"d\":1},"));
	schema_cache_free(c);
	/* An entry just added counts as used then: with a matched older one
	 * and a newer one never matched, the older goes first. */
	c = schema_cache_new(2, 0);
	add(c, "{\"a\":1}");
	ck_assert_ptr_nonnull(match(c, "{\"a\":1},"));
	add(c, "{\"b\":1}");
	add(c, "{\"c\":1}"); /* evicts a */
	ck_assert_ptr_null(match(c, "{\"a\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"b\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"c\":1},"));
	schema_cache_free(c);
	/* Size 0 is taken as 1. */
	c = schema_cache_new(0, 0);
	add(c, "{\"a\":1}");
	add(c, "{\"b\":1}");
	ck_assert_ptr_null(match(c, "{\"a\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"b\":1},"));
	schema_cache_free(c);
}
END_TEST

static const struct {
	const char *text;
	size_t want;
} extents[] = {
	{"{\"a\":1},\"payload\"", 7},
	{"{\"a\":{\"b\":[1,{}]}}}", 18},
	{"[1,[2]],", 7},
	{"\"str\",", 5},
	{"\"a\\\"b\",", 6},      /* escaped quote */
	{"\"a\\\\\",", 5},       /* escaped backslash, then the end */
	{"{\"}\":\"{\"},x", 9},  /* brackets inside strings */
	{"null,", 4},
	{"true}", 4},
	{"-12.5e3 ,", 7},
	{"1]", 1},
	{"12", 2},               /* a bare literal may end at the end */
	{"", 0},
	{"{\"a\":1", 0},         /* unclosed */
	{"\"abc", 0},
	{"}", 0},
	{"]", 0},
	{"[1}", 3},              /* not validated: brackets are counted */
};

/* The kept tree is the schema's own tree, whatever allocator the line's
 * parse used: same members in the same order with the same names and
 * values, numbers still their literal text, the links cJSON's readers
 * follow (next, and the first child's prev at the last), under an arena as
 * without one, and it outlives the arena's reset. */
static void
same_tree(const cJSON *a, const cJSON *b)
{
	for (; a != NULL || b != NULL; a = a->next, b = b->next) {
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_int_eq(a->type & 0xff, b->type & 0xff);
		if (a->string != NULL || b->string != NULL)
			ck_assert_str_eq(a->string, b->string);
		if (cJSON_IsString(a))
			ck_assert_str_eq(a->valuestring, b->valuestring);
		if (cJSON_IsNumber(a)) {
			const char *pa, *pb;
			char ta[32], tb[32];
			size_t na = jsonval_number_text(a, &pa, ta), nb = jsonval_number_text(b, &pb, tb);
			ck_assert_uint_eq(na, nb);
			ck_assert_int_eq(memcmp(pa, pb, na), 0);
		}
		if (a->child != NULL) {
			const cJSON *last = a->child;
			while (last->next != NULL)
				last = last->next;
			ck_assert_ptr_eq(a->child->prev, last);
		}
		same_tree(a->child, b->child);
	}
}

START_TEST(kept_tree_is_the_schema)
{
	static const char text[] =
	    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
	    "{\"type\":\"bytes\",\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
	    "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"10\"},\"field\":\"amount\"},"
	    "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"default\":[\"a\",\"\\u00e9\"],"
	    "\"field\":\"tags\"}],\"optional\":true,\"name\":\"x.y\",\"n\":-1.5e3,\"e\":{},\"z\":[]}";
	size_t off;
	int trailing;
	cJSON *want = jsonval_parse(text, strlen(text), &off, &trailing);
	ck_assert_ptr_nonnull(want);
	struct schema_cache *c = schema_cache_new(4, 0);
	struct jsonarena arena;
	jsonarena_init(&arena);
	jsonarena_enter(&arena);
	struct schema_entry *in_arena = add(c, text);
	ck_assert_ptr_eq(jsonarena_leave(), &arena);
	jsonarena_reset(&arena);
	jsonarena_free(&arena);
	same_tree(in_arena->schema, want);
	char other[sizeof text + 1];
	snprintf(other, sizeof other, "%s ", text); /* another entry, parsed without an arena */
	struct schema_entry *plain = add(c, other);
	ck_assert_ptr_ne(plain, in_arena);
	same_tree(plain->schema, want);
	schema_cache_free(c);
	cJSON_Delete(want);
}
END_TEST

/* _recent finds each of the last two schemas found (a key schema and a
 * value schema taking turns), by their bytes, and no other. */
START_TEST(recent_holds_the_last_two)
{
	struct schema_cache *c = schema_cache_new(8, 0);
	const char *k = "{\"type\":\"struct\",\"name\":\"k\"}", *v = "{\"type\":\"struct\",\"name\":\"v\"}",
	           *o = "{\"type\":\"struct\",\"name\":\"o\"}";
	struct schema_entry *eo = add(c, o), *ek = add(c, k), *ev = add(c, v);
	char tk[64], tv[64], to[64];
	snprintf(tk, sizeof tk, "%s,", k);
	snprintf(tv, sizeof tv, "%s,", v);
	snprintf(to, sizeof to, "%s,", o);
	for (int turn = 0; turn < 3; turn++) {
		ck_assert_ptr_eq(schema_cache_recent(c, tk, strlen(tk)), ek);
		ck_assert_ptr_eq(schema_cache_recent(c, tv, strlen(tv)), ev);
	}
	ck_assert_ptr_null(schema_cache_recent(c, to, strlen(to))); /* cached, not recent */
	ck_assert_ptr_eq(match(c, to), eo);
	ck_assert_ptr_eq(schema_cache_recent(c, to, strlen(to)), eo); /* now the last found */
	ck_assert_ptr_eq(schema_cache_recent(c, tv, strlen(tv)), ev);
	ck_assert_ptr_null(schema_cache_recent(c, tk, strlen(tk))); /* third back */
	schema_cache_free(c);
}
END_TEST

/* A schema of n characters, "{"name":"x...x"}" padded to n (n >= 11). */
static char *
schema_of(char *buf, size_t n, char fill)
{
	size_t k = n - 11;
	memcpy(buf, "{\"name\":\"", 9);
	memset(buf + 9, fill, k);
	memcpy(buf + 9 + k, "\"}", 3);
	return buf;
}

/* _guess finds a cached schema that is not one of the last two, by the
 * length of one of the last SCHEMA_CACHE_LENGTHS distinct lengths hit,
 * only where follow comes right after it; it forgets the length hit
 * longest ago, and a schema of a remembered length that is not cached is
 * not found. */
START_TEST(guess_by_recent_lengths)
{
	enum { N = SCHEMA_CACHE_LENGTHS + 1 };
	struct schema_cache *c = schema_cache_new(64, 0);
	static const char follow[] = ",\"payload\":";
	char sch[N][64], text[N][96];
	struct schema_entry *e[N];
	for (int i = 0; i < N; i++) {
		schema_of(sch[i], (size_t)(20 + i), (char)('a' + i));
		e[i] = add(c, sch[i]);
		snprintf(text[i], sizeof text[i], "%s%s{}}", sch[i], follow);
	}
	/* Hit every length once, oldest first (adding hit them too). */
	for (int i = 0; i < N; i++)
		ck_assert_ptr_eq(match(c, text[i]), e[i]);
	/* The last SCHEMA_CACHE_LENGTHS are guessed, the first is forgotten. */
	ck_assert_ptr_null(schema_cache_guess(c, text[0], strlen(text[0]), follow, strlen(follow)));
	for (int i = 1; i < N; i++)
		ck_assert_ptr_eq(schema_cache_guess(c, text[i], strlen(text[i]), follow, strlen(follow)), e[i]);
	/* Only where follow comes after it. */
	char other[96];
	snprintf(other, sizeof other, "%s,\"payloax\":{}}", sch[5]);
	ck_assert_ptr_null(schema_cache_guess(c, other, strlen(other), follow, strlen(follow)));
	/* A schema of a remembered length but other bytes. */
	char same_len[64];
	schema_of(same_len, 25, 'z');
	snprintf(other, sizeof other, "%s%s{}}", same_len, follow);
	ck_assert_ptr_null(schema_cache_guess(c, other, strlen(other), follow, strlen(follow)));
	/* An entry that is a prefix of a longer schema is not that schema:
	 * the byte after it is the longer one's, not follow's. */
	char longer[64];
	snprintf(longer, sizeof longer, "%.*s", 24, sch[5]);
	snprintf(other, sizeof other, "%sQ\"}%s{}}", longer, follow);
	ck_assert_ptr_null(schema_cache_guess(c, other, strlen(other), follow, strlen(follow)));
	schema_cache_free(c);
}
END_TEST

/* The byte bound holds exactly: schemas whose text adds up to the bound
 * all stay; one byte more evicts the oldest. */
START_TEST(byte_bound_is_exact)
{
	struct schema_cache *c = schema_cache_new(100, 21); /* three 7-byte schemas */
	add(c, "{\"a\":1}");
	add(c, "{\"b\":1}");
	add(c, "{\"c\":1}");
	ck_assert_ptr_nonnull(match(c, "{\"a\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"b\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"c\":1},"));
	add(c, "{\"d\":1}"); /* 28 > 21: evicts a, the least recently used */
	ck_assert_ptr_null(match(c, "{\"a\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"b\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"c\":1},"));
	ck_assert_ptr_nonnull(match(c, "{\"d\":1},"));
	schema_cache_free(c);
}
END_TEST

START_TEST(value_extent)
{
	const char *t = extents[_i].text;
	ck_assert_msg(json_value_extent(t, strlen(t)) == extents[_i].want, "'%s': got %zu, want %zu", t,
	    json_value_extent(t, strlen(t)), extents[_i].want);
	/* Cut just after the value, the same extent; one byte shorter, none
	 * (or, for a bare literal, one less). */
	size_t w = extents[_i].want;
	if (w > 0) {
		ck_assert_uint_eq(json_value_extent(t, w), w);
		size_t shorter = strchr("{[\"", t[0]) != NULL ? 0 : w - 1;
		ck_assert_uint_eq(json_value_extent(t, w - 1), shorter);
	}
}
END_TEST

Suite *
schemacache_suite(void)
{
	Suite *s = suite_create("schemacache");
	TCase *tc = tcase_create("cache");
	tcase_add_test(tc, whole_bytes_and_a_value_end);
	tcase_add_test(tc, null_and_invalid);
	tcase_add_test(tc, lru_eviction);
	tcase_add_test(tc, byte_bound_is_exact);
	tcase_add_test(tc, recent_holds_the_last_two);
	tcase_add_test(tc, guess_by_recent_lengths);
	tcase_add_test(tc, kept_tree_is_the_schema);
	tcase_add_loop_test(tc, value_extent, 0, sizeof extents / sizeof extents[0]);
	suite_add_tcase(s, tc);
	return s;
}
