/* jsonarena.h: the per-line bump allocator behind cJSON's trees. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check_suites.h"
#include "jsonarena.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static cJSON *
parse(const char *s)
{
	return cJSON_ParseWithLength(s, strlen(s));
}

/* Entered, cJSON allocates from the arena: the tree is usable until the
 * reset, needs no cJSON_Delete, and leaving returns the arena. */
START_TEST(trees_live_until_reset)
{
	struct jsonarena a;
	jsonarena_init(&a);
	ck_assert_int_eq(jsonarena_active(), 0);
	jsonarena_enter(&a);
	ck_assert_int_eq(jsonarena_active(), 1);
	cJSON *t = parse("{\"a\":[1,2,{\"b\":\"text\"}],\"c\":null}");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_gt(jsonarena_held(&a, NULL), 0);
	ck_assert_uint_gt(a.used, 0);
	const cJSON *b = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "a"), 2), "b");
	ck_assert_str_eq(cJSON_GetStringValue(b), "text");
	cJSON_Delete(t); /* a no-op walk for arena memory */
	ck_assert_str_eq(cJSON_GetStringValue(b), "text");
	ck_assert_ptr_eq(jsonarena_leave(), &a);
	ck_assert_int_eq(jsonarena_active(), 0);
	jsonarena_reset(&a);
	ck_assert_uint_eq(a.used, 0);
	jsonarena_free(&a);
	ck_assert_uint_eq(jsonarena_held(&a, NULL), 0);
}
END_TEST

/* Left, cJSON uses malloc: a tree that outlives the line (a cached
 * schema) survives resets and is freed by cJSON_Delete, even while the
 * arena is entered again. */
START_TEST(trees_outside_the_arena_are_malloced)
{
	struct jsonarena a;
	jsonarena_init(&a);
	jsonarena_enter(&a);
	struct jsonarena *was = jsonarena_leave();
	cJSON *kept = parse("{\"schema\":[\"x\",\"y\"]}");
	jsonarena_enter(was);
	cJSON *line = parse("[1,2,3]");
	ck_assert_ptr_nonnull(kept);
	ck_assert_ptr_nonnull(line);
	jsonarena_reset(&a);
	jsonarena_enter(&a);
	ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(kept, "schema"), 1)->valuestring, "y");
	cJSON_Delete(kept); /* free()s it: valgrind and ASan see no leak */
	jsonarena_leave();
	jsonarena_free(&a);
}
END_TEST

/* Memory stays bounded by recent lines: a huge line's chunks go at the
 * next reset, a normal one keeps its chunk for the next line. */
START_TEST(reset_keeps_one_normal_chunk)
{
	struct jsonarena a;
	jsonarena_init(&a);
	jsonarena_enter(&a);
	ck_assert_ptr_nonnull(parse("{\"k\":1}"));
	jsonarena_reset(&a);
	size_t nchunks;
	size_t held = jsonarena_held(&a, &nchunks);
	ck_assert_uint_eq(nchunks, 1);

	size_t n = 4 * 1024 * 1024;
	char *big = malloc(n + 3);
	big[0] = '[';
	for (size_t i = 1; i < n; i += 2)
		big[i] = '1', big[i + 1] = ',';
	big[n - 1] = '1';
	big[n] = ']';
	big[n + 1] = '\0';
	ck_assert_ptr_nonnull(cJSON_ParseWithLength(big, n + 1));
	ck_assert_uint_gt(jsonarena_held(&a, &nchunks), held);
	ck_assert_uint_gt(nchunks, 1); /* it took several chunks */
	jsonarena_reset(&a);
	ck_assert_uint_eq(jsonarena_held(&a, &nchunks), 0); /* far above the usual need */
	ck_assert_uint_eq(nchunks, 0);
	free(big);
	ck_assert_ptr_nonnull(parse("{\"k\":1}"));
	jsonarena_leave();
	jsonarena_free(&a);
}
END_TEST

/* An allocation that fails is recorded, so the parse's failure can be
 * told from a syntax error; the reset clears it. In a child with a small
 * address space (not under ASan, which reserves terabytes). */
START_TEST(failed_allocation_is_recorded)
{
#ifdef UNDER_ASAN
	return;
#endif
	if (getenv("CK_FORK") != NULL && strcmp(getenv("CK_FORK"), "no") == 0)
		return; /* valgrind: no address-space limit */
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		size_t n = 64 * 1024 * 1024;
		char *big = malloc(n + 3);
		if (big == NULL)
			_exit(3);
		big[0] = '[';
		for (size_t i = 1; i < n; i += 2)
			big[i] = '1', big[i + 1] = ',';
		big[n - 1] = '1';
		big[n] = ']';
		struct rlimit rl = {400u << 20, 400u << 20};
		setrlimit(RLIMIT_AS, &rl);
		struct jsonarena a;
		jsonarena_init(&a);
		jsonarena_enter(&a);
		int ok_before = jsonarena_failed() == 0;
		cJSON *t = cJSON_ParseWithLength(big, n + 1);
		int failed = t == NULL && jsonarena_failed();
		jsonarena_reset(&a);
		_exit(ok_before && failed && !jsonarena_failed() ? 0 : 1);
	}
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}
END_TEST

#ifdef UNDER_ASAN
/* Under ASan the arena's unused bytes are poisoned: reading a tree after
 * its line's reset is reported, as a use after free would be. */
START_TEST(use_after_reset_is_caught)
{
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct jsonarena a;
		jsonarena_init(&a);
		jsonarena_enter(&a);
		cJSON *t = parse("{\"text\":\"value\"}");
		volatile const char *s = cJSON_GetObjectItem(t, "text")->valuestring;
		jsonarena_reset(&a);
		char c = s[0]; /* ASan aborts here */
		_exit(c == 'v' ? 0 : 0);
	}
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(!(WIFEXITED(st) && WEXITSTATUS(st) == 0), "a read after the reset went unnoticed");
}
END_TEST
#endif

Suite *
jsonarena_suite(void)
{
	Suite *s = suite_create("jsonarena");
	TCase *tc = tcase_create("arena");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, trees_live_until_reset);
	tcase_add_test(tc, trees_outside_the_arena_are_malloced);
	tcase_add_test(tc, reset_keeps_one_normal_chunk);
	tcase_add_test(tc, failed_allocation_is_recorded);
#ifdef UNDER_ASAN
	tcase_add_test(tc, use_after_reset_is_caught);
#endif
	suite_add_tcase(s, tc);
	return s;
}
