/* Golden cases: tests/golden/NAME.in (+ NAME.args, one argument per line)
 * must give exactly NAME.out on stdout, NAME.err on stderr (when the file
 * exists) and the exit status in NAME.rc (default 0). Every case runs with
 * SOURCE_DATE_EPOCH=1600300000, TZ=UTC, LC_ALL=C. An argument @STATE@ is
 * a fresh directory for --state, removed afterwards. */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "tests/golden"
#endif

static glob_t cases;

static char *
sibling(const char *in, const char *ext)
{
	size_t n = strlen(in) - 3; /* strip ".in" */
	char *p = malloc(n + strlen(ext) + 1);
	memcpy(p, in, n);
	strcpy(p + n, ext);
	return p;
}

/* Shows where two byte strings first differ, with invisible bytes escaped. */
static void
assert_same(const char *what, const char *name, const char *want, size_t wlen, const char *got,
    size_t glen)
{
	if (wlen == glen && memcmp(want, got, wlen) == 0)
		return;
	size_t i = 0;
	while (i < wlen && i < glen && want[i] == got[i])
		i++;
	size_t from = i > 60 ? i - 60 : 0;
	char a[512], b[512];
	size_t ka = 0, kb = 0;
	for (size_t k = from; k < wlen && k < from + 120 && ka < sizeof a - 8; k++)
		ka += (size_t)snprintf(a + ka, sizeof a - ka, (unsigned char)want[k] < 0x20 ? "\\x%02x" : "%c",
		    (unsigned char)want[k]);
	for (size_t k = from; k < glen && k < from + 120 && kb < sizeof b - 8; k++)
		kb += (size_t)snprintf(b + kb, sizeof b - kb, (unsigned char)got[k] < 0x20 ? "\\x%02x" : "%c",
		    (unsigned char)got[k]);
	ck_abort_msg("%s: %s differs at byte %zu\n  want: %s\n  got:  %s", name, what, i, a, b);
}

START_TEST(golden_case)
{
	const char *in = cases.gl_pathv[_i];
	size_t in_len;
	char *input = read_file(in, &in_len);
	ck_assert_ptr_nonnull(input);

	char *args_path = sibling(in, ".args");
	char *args_text = read_file(args_path, NULL);
	const char *argv[64];
	size_t n = 0;
	if (args_text != NULL)
		for (char *tok = strtok(args_text, "\n"); tok && n < 62; tok = strtok(NULL, "\n"))
			argv[n++] = tok;
	argv[n] = NULL;
	char state_dir[] = "/tmp/cdcpivot-golden-state.XXXXXX";
	int with_state = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(argv[i], "@STATE@") == 0) {
			if (!with_state)
				ck_assert_ptr_nonnull(mkdtemp(state_dir));
			with_state = 1;
			argv[i] = state_dir;
		}

	static const char *const env[] = {"SOURCE_DATE_EPOCH=1600300000", NULL};
	struct run_result r;
	run_cdcpivot(argv, input, in_len, env, NULL, &r);
	if (with_state) {
		char cmd[96];
		snprintf(cmd, sizeof cmd, "rm -rf %s", state_dir);
		ck_assert_int_eq(system(cmd), 0);
	}

	char *out_path = sibling(in, ".out"), *err_path = sibling(in, ".err"), *rc_path = sibling(in, ".rc");
	size_t out_len, err_len;
	char *want_out = read_file(out_path, &out_len);
	char *want_err = read_file(err_path, &err_len);
	char *want_rc = read_file(rc_path, NULL);
	ck_assert_msg(want_out != NULL, "%s: missing", out_path);
	assert_same("stdout", in, want_out, out_len, r.out, r.out_len);
	if (want_err != NULL)
		assert_same("stderr", in, want_err, err_len, r.err, r.err_len);
	int rc = want_rc != NULL ? atoi(want_rc) : 0;
	ck_assert_msg(r.status == rc, "%s: exit status %d, want %d; stderr:\n%s", in, r.status, rc, r.err);

	run_free(&r);
	free(input), free(args_path), free(args_text), free(out_path), free(err_path), free(rc_path);
	free(want_out), free(want_err), free(want_rc);
}
END_TEST

static void
free_cases(void)
{
	globfree(&cases);
}

Suite *
golden_suite(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("cases");
	tcase_set_timeout(tc, 60);
	if (glob(GOLDEN_DIR "/*.in", 0, NULL, &cases) == 0) {
		atexit(free_cases);
		tcase_add_loop_test(tc, golden_case, 0, (int)cases.gl_pathc);
	}
	suite_add_tcase(s, tc);
	return s;
}
