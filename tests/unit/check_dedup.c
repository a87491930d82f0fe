/* dedup.h: the --dedup window (the last N distinct identities, the oldest
 * forgotten first; a duplicate is not remembered again) and the identity
 * of an event (op, source position, key). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "dedup.h"
#include "envelope.h"

/* The window as dedup.h states it, kept in the plainest way: a FIFO of at
 * most n distinct identities. */
struct model {
	uint64_t ids[64];
	size_t n, window;
};

static int
model_seen(struct model *m, uint64_t h)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ids[i] == h)
			return 1;
	if (m->n == m->window) {
		memmove(m->ids, m->ids + 1, (m->n - 1) * sizeof m->ids[0]);
		m->n--;
	}
	m->ids[m->n++] = h;
	return 0;
}

/* Runs seq through a window of size w and through the model. */
static void
against_model(size_t w, const uint64_t *seq, size_t n)
{
	struct dedup *d = dedup_new(w);
	struct model m = {.n = 0, .window = w};
	for (size_t i = 0; i < n; i++) {
		int want = model_seen(&m, seq[i]);
		int got = dedup_seen(d, seq[i]);
		ck_assert_msg(got == want, "window %zu, step %zu (identity %llu): got %d, want %d", w, i,
		    (unsigned long long)seq[i], got, want);
	}
	dedup_free(d);
}

START_TEST(window_of_two)
{
	/* A B C A B C A A: only the last A is within the last two. */
	static const uint64_t seq[] = {11, 22, 33, 11, 22, 33, 11, 11};
	struct dedup *d = dedup_new(2);
	static const int want[] = {0, 0, 0, 0, 0, 0, 0, 1};
	for (size_t i = 0; i < 8; i++)
		ck_assert_int_eq(dedup_seen(d, seq[i]), want[i]);
	dedup_free(d);
}
END_TEST

START_TEST(window_of_one_and_duplicates_not_refreshed)
{
	struct dedup *d = dedup_new(1);
	ck_assert_int_eq(dedup_seen(d, 5), 0);
	ck_assert_int_eq(dedup_seen(d, 5), 1);
	ck_assert_int_eq(dedup_seen(d, 6), 0);
	ck_assert_int_eq(dedup_seen(d, 5), 0);
	dedup_free(d);
	dedup_free(NULL); /* like free(NULL) */
	/* Window 2: A B A C -> the repeated A does not make A the newest, so
	 * C forgets A and A is new again. */
	static const uint64_t seq[] = {1, 2, 1, 3, 1, 2, 3};
	against_model(2, seq, 7);
}
END_TEST

/* Identities that share a hash slot (the index is open addressing with
 * deletion by backward shift): every one must stay findable while in the
 * window, and be forgotten exactly when it leaves it. */
START_TEST(colliding_identities)
{
	uint64_t seq[400];
	unsigned s = 12345;
	for (size_t i = 0; i < 400; i++) {
		s = s * 1103515245u + 12345u;
		/* Small values in 16 and 32 slots: many share a home slot. */
		seq[i] = 1 + 16 * ((s >> 16) % 9) + ((s >> 8) % 3);
	}
	for (size_t w = 1; w <= 12; w++)
		against_model(w, seq, 400);
	/* Full 64-bit identities from a pool of 24, so the high bits, which
	 * the slot index folds in, differ too. */
	uint64_t pool[24], x = 88172645463325252ULL;
	for (size_t i = 0; i < 24; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		pool[i] = x;
	}
	for (size_t i = 0; i < 400; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		seq[i] = pool[x % 24];
	}
	for (size_t w = 1; w <= 20; w++)
		against_model(w, seq, 400);
	/* Zero is a valid identity too (0 marks an empty slot inside). */
	static const uint64_t zero[] = {0, 0, 2, 0, 3, 0, 4, 5, 0};
	against_model(2, zero, 9);
}
END_TEST

START_TEST(large_window)
{
	struct dedup *d = dedup_new(1000);
	for (uint64_t i = 1; i <= 1000; i++)
		ck_assert_int_eq(dedup_seen(d, i * 0x9e3779b97f4a7c15ULL), 0);
	for (uint64_t i = 1; i <= 1000; i++)
		ck_assert_int_eq(dedup_seen(d, i * 0x9e3779b97f4a7c15ULL), 1);
	ck_assert_int_eq(dedup_seen(d, 7), 0); /* forgets identity 1 */
	ck_assert_int_eq(dedup_seen(d, 0x9e3779b97f4a7c15ULL), 0);
	ck_assert_int_eq(dedup_seen(d, 2 * 0x9e3779b97f4a7c15ULL), 0);
	ck_assert_int_eq(dedup_seen(d, 1000 * 0x9e3779b97f4a7c15ULL), 1);
	dedup_free(d);
}
END_TEST

static uint64_t
identity_of(const char *line)
{
	struct envelope env;
	envelope_parse(&env, line, strlen(line));
	ck_assert_msg(env.kind == ENVELOPE_CHANGE, "%s: %s", line, env.reason);
	struct dedup *d = dedup_new(1);
	uint64_t h = dedup_identity(d, &env);
	dedup_free(d);
	envelope_clear(&env);
	return h;
}

/* What an identity is made of: each of these differs from the first line
 * in one thing that makes it another event. */
START_TEST(identity_parts)
{
	const char *base = "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},"
	    "\"source\":{\"lsn\":1,\"txId\":7},\"op\":\"c\"}";
	static const char *const other[] = {
	    /* position differing in its only byte */
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"lsn\":2,\"txId\":7},\"op\":\"c\"}",
	    /* another position field */
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"lsn\":1,\"txId\":8},\"op\":\"c\"}",
	    /* the same value under another position name */
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"lsn\":1,\"xmin\":7},\"op\":\"c\"}",
	    /* the op */
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"lsn\":1,\"txId\":7},\"op\":\"r\"}",
	    /* the row image, which holds the key */
	    "{\"before\":null,\"after\":{\"id\":2,\"v\":\"a\"},\"source\":{\"lsn\":1,\"txId\":7},\"op\":\"c\"}",
	    /* a key image of one byte more */
	    "{\"before\":null,\"after\":{\"id\":12,\"v\":\"a\"},\"source\":{\"lsn\":1,\"txId\":7},\"op\":\"c\"}",
	};
	uint64_t h = identity_of(base);
	ck_assert_uint_eq(h, identity_of(base));
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		ck_assert_msg(identity_of(other[i]) != h, "same identity as the base: %s", other[i]);
	/* The same bytes in another order are another position and key. */
	const char *p12 = "{\"before\":null,\"after\":{\"id\":12},\"source\":{\"lsn\":34},\"op\":\"c\"}";
	const char *p21 = "{\"before\":null,\"after\":{\"id\":21},\"source\":{\"lsn\":34},\"op\":\"c\"}";
	const char *p43 = "{\"before\":null,\"after\":{\"id\":12},\"source\":{\"lsn\":43},\"op\":\"c\"}";
	ck_assert_uint_ne(identity_of(p12), identity_of(p21));
	ck_assert_uint_ne(identity_of(p12), identity_of(p43));
	/* A delete is identified by its before image. */
	const char *d1 = "{\"before\":{\"id\":1},\"after\":null,\"source\":{\"lsn\":5},\"op\":\"d\"}";
	const char *d2 = "{\"before\":{\"id\":2},\"after\":null,\"source\":{\"lsn\":5},\"op\":\"d\"}";
	ck_assert_uint_ne(identity_of(d1), identity_of(d2));
	/* Fields outside the position do not count: the same event again. */
	const char *t1 = "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},"
	    "\"source\":{\"lsn\":1,\"txId\":7,\"snapshot\":\"true\"},\"op\":\"c\"}";
	const char *t2 = "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},"
	    "\"source\":{\"lsn\":1,\"txId\":7,\"snapshot\":\"false\"},\"op\":\"c\"}";
	ck_assert_uint_eq(identity_of(t1), identity_of(t2));
}
END_TEST

Suite *
dedup_suite(void)
{
	Suite *s = suite_create("dedup");
	TCase *tc = tcase_create("window");
	tcase_add_test(tc, window_of_two);
	tcase_add_test(tc, window_of_one_and_duplicates_not_refreshed);
	tcase_add_test(tc, colliding_identities);
	tcase_add_test(tc, large_window);
	suite_add_tcase(s, tc);
	tc = tcase_create("identity");
	tcase_add_test(tc, identity_parts);
	suite_add_tcase(s, tc);
	return s;
}
