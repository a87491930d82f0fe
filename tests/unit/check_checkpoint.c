/* checkpoint.h: the progress record beside an output file. Written and
 * read back through real files in a temporary directory. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "checkpoint.h"

static char dir[64];
static char path[128];

static void
setup(void)
{
	strcpy(dir, "/tmp/cdcpivot-cp.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/out.csv.offsets", dir);
}

static void
teardown(void)
{
	char tmp[160];
	unlink(path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
}

static void
write_text(const char *text)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_round_trip)
{
	struct checkpoint cp, back;
	checkpoint_init(&cp);
	checkpoint_init(&back);
	cp.size = 12345;
	checkpoint_set(&cp, "bank.holding", 2, 100);
	checkpoint_set(&cp, "bank.holding", 0, 7);
	checkpoint_set(&cp, "other", 0, 9000000000LL);
	checkpoint_set(&cp, "bank.holding", 2, 101); /* replaces */
	ck_assert_int_eq(checkpoint_save(&cp, path, 1), 0);
	size_t len;
	char *text = read_file(path, &len);
	assert_text_eq("file", text, len,
	    "cdcpivot-offsets 1\nsize 12345\nbank.holding\t2\t101\nbank.holding\t0\t7\nother\t0\t9000000000\n");
	free(text);
	char tmp[160], why[96];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	ck_assert_int_ne(access(tmp, F_OK), 0); /* renamed away */
	ck_assert_int_eq(checkpoint_load(&back, path, why, sizeof why), 1);
	ck_assert(checkpoint_equal(&cp, &back));
	ck_assert_int_eq(checkpoint_get(&back, "bank.holding", 2), 101);
	ck_assert_int_eq(checkpoint_get(&back, "bank.holding", 1), -1);
	ck_assert_int_eq(checkpoint_get(&back, "other", 0), 9000000000LL);
	checkpoint_free(&cp);
	checkpoint_free(&back);
}
END_TEST

START_TEST(test_missing_is_empty)
{
	struct checkpoint cp;
	checkpoint_init(&cp);
	checkpoint_set(&cp, "t", 0, 5);
	char why[96];
	ck_assert_int_eq(checkpoint_load(&cp, path, why, sizeof why), 0);
	ck_assert_uint_eq(cp.n, 0);
	ck_assert_int_eq(cp.size, 0);
	checkpoint_free(&cp);
}
END_TEST

/* A record is replaced whole, so anything else is not ours to guess at. */
START_TEST(test_malformed)
{
	static const char *const bad[] = {
	    "",
	    "cdcpivot-offsets 2\nsize 1\n",
	    "cdcpivot-offsets 1\n",
	    "cdcpivot-offsets 1\nsize x\n",
	    "cdcpivot-offsets 1\nsize 10\nt\t0\n",
	    "cdcpivot-offsets 1\nsize 10\nt\t-1\t4\n",
	    "cdcpivot-offsets 1\nsize 10\nt\t0\t4\nt\t0\t5\n",
	    "cdcpivot-offsets 1\nsize 10\nt\t0\t4", /* no final newline */
	    "cdcpivot-offsets 1\nsize 10\n\t0\t4\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_text(bad[i]);
		struct checkpoint cp;
		checkpoint_init(&cp);
		char why[96];
		errno = 0;
		ck_assert_msg(checkpoint_load(&cp, path, why, sizeof why) == -1, "accepted: %s", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "malformed"));
		ck_assert_uint_eq(cp.n, 0);
		checkpoint_free(&cp);
	}
}
END_TEST

START_TEST(test_confirmed_record)
{
	struct checkpoint cp, conf, a, b;
	checkpoint_init(&cp);
	checkpoint_init(&conf);
	checkpoint_init(&a);
	checkpoint_init(&b);
	cp.size = 200;
	checkpoint_set(&cp, "t", 0, 20);
	checkpoint_set(&cp, "t", 1, 30);
	checkpoint_copy(&conf, &cp);
	/* Equal: no second record. */
	ck_assert_int_eq(checkpoint_save2(&cp, &conf, path, 0), 0);
	char why[96];
	ck_assert_int_eq(checkpoint_load2(&a, &b, path, why, sizeof why), 1);
	ck_assert(checkpoint_equal(&a, &cp) && checkpoint_equal(&b, &cp));
	size_t len;
	char *text = read_file(path, &len);
	ck_assert_ptr_null(strstr(text, "confirmed"));
	free(text);
	/* Behind: kept as the second record. */
	conf.size = 100;
	checkpoint_set(&conf, "t", 0, 10);
	ck_assert_int_eq(checkpoint_save2(&cp, &conf, path, 0), 0);
	text = read_file(path, &len);
	assert_text_eq("file", text, len,
	    "cdcpivot-offsets 1\nsize 200\nt\t0\t20\nt\t1\t30\nconfirmed 100\nt\t0\t10\nt\t1\t30\n");
	free(text);
	ck_assert_int_eq(checkpoint_load2(&a, &b, path, why, sizeof why), 1);
	ck_assert(checkpoint_equal(&a, &cp));
	ck_assert(checkpoint_equal(&b, &conf));
	ck_assert(!checkpoint_equal(&a, &b));
	checkpoint_free(&cp);
	checkpoint_free(&conf);
	checkpoint_free(&a);
	checkpoint_free(&b);
}
END_TEST

/* A save that cannot be made leaves the previous record in place. */
START_TEST(test_failed_save_keeps_old)
{
	struct checkpoint cp;
	checkpoint_init(&cp);
	cp.size = 1;
	checkpoint_set(&cp, "t", 0, 1);
	ck_assert_int_eq(checkpoint_save(&cp, path, 0), 0);
	char tmpdir[160];
	snprintf(tmpdir, sizeof tmpdir, "%s.tmp", path);
	ck_assert_int_eq(mkdir(tmpdir, 0700), 0); /* the temporary file cannot be made */
	cp.size = 2;
	ck_assert_int_eq(checkpoint_save(&cp, path, 0), -1);
	rmdir(tmpdir);
	char why[96];
	ck_assert_int_eq(checkpoint_load(&cp, path, why, sizeof why), 1);
	ck_assert_int_eq(cp.size, 1);
	checkpoint_free(&cp);
}
END_TEST

Suite *
checkpoint_suite(void)
{
	Suite *s = suite_create("checkpoint");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_missing_is_empty);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_confirmed_record);
	tcase_add_test(tc, test_failed_save_keeps_old);
	suite_add_tcase(s, tc);
	return s;
}
