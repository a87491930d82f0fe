/* What the user sees when something stops the run: a full disk or a file
 * size limit, a killed earlier run, running out of memory, stop signals
 * with input that is always ready or output that is blocked, a dead-letter
 * file that fails. The contract in every case: the output holds whole
 * events only, the summary counts only rows that were written, and the
 * exit status says what happened. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"

/* One event, three columns: rows "1,<col>,,<value>,...". */
static const char event_fmt[] =
    "{\"before\":null,\"after\":{\"id\":%d,\"a\":\"%s\",\"b\":\"x,y\",\"c\":\"line\\nbreak\"},"
    "\"source\":{\"ts_ms\":1600000000000},\"op\":\"c\"}\n";

static char tmpdir[64];
static char path_in[128], path_out[128];

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/cdcpivot-fail-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path_in, sizeof path_in, "%s/in.jsonl", tmpdir);
	snprintf(path_out, sizeof path_out, "%s/out.csv", tmpdir);
}

static void
teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes n events to path_in; the value of "a" is pad bytes long. */
static void
write_events(int n, size_t pad)
{
	FILE *f = fopen(path_in, "w");
	ck_assert_ptr_nonnull(f);
	char *v = malloc(pad + 1);
	memset(v, 'v', pad);
	v[pad] = '\0';
	for (int i = 1; i <= n; i++)
		fprintf(f, event_fmt, i, v);
	free(v);
	ck_assert_int_eq(fclose(f), 0);
}

/* How slow the binary runs here: valgrind and sanitizers multiply every
 * time limit. */
static long
time_factor(void)
{
	const char *w = getenv("CDCPIVOT_WRAPPER");
	if (w != NULL && w[0] != '\0')
		return 40;
#if defined(__SANITIZE_ADDRESS__)
	return 10; /* the binary is built the same way; LeakSanitizer runs at exit */
#else
	return 1;
#endif
}

/* Starts the binary with stdin from in_path, stdout to a pipe (or
 * appended to out_path when given), stderr to a pipe, and resource limits
 * set. */
static void
spawn(struct child *c, const char *const *argv, const char *in_path, const char *out_path,
    rlim_t fsize, rlim_t as)
{
	static const char *const env[] = {"SOURCE_DATE_EPOCH=0", NULL};
	struct spawn s = {argv, in_path, out_path, 1, env, (unsigned long)fsize, (unsigned long)as};
	spawn_cdcpivot(&s, c);
}

static long long
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* The rows of one event are 3 CSV records; a record of the event format
 * above ends in ",c\n" and a quoted "line\nbreak" spans two lines. Counts
 * whole records and fails on anything else, e.g. a cut row. */
static unsigned long
count_whole_rows(const char *p, size_t len)
{
	ck_assert_msg(len == 0 || p[len - 1] == '\n', "output ends in part of a row: ...%.40s",
	    len > 40 ? p + len - 40 : p);
	unsigned long rows = 0;
	for (const char *q = p; q < p + len;) {
		const char *e = strstr(q, ",c\n");
		ck_assert_msg(e != NULL, "not a whole row: %.60s", q);
		q = e + 3;
		rows++;
	}
	return rows;
}

static unsigned long
summary_rows(const char *err)
{
	const char *s = strstr(err, "summary: ");
	ck_assert_msg(s != NULL, "no summary in: %s", err);
	unsigned long events, rows;
	ck_assert_int_eq(sscanf(s, "summary: %lu events, %lu rows", &events, &rows), 2);
	return rows;
}

/* A file size limit (the full disk of a small tmpfs behaves the same):
 * exit 2 with the error, the file cut back to the last whole event, the
 * summary counting only what is in the file; the next run appends whole
 * rows after it. _i: 0 --output FILE, 1 stdout redirected to the file. */
START_TEST(file_size_limit_leaves_whole_events)
{
	write_events(2000, 40);
	static const char *const plain[] = {NULL};
	const char *argv_file[] = {"--output", path_out, NULL};
	struct child c;
	spawn(&c, _i == 0 ? argv_file : plain, path_in, _i == 0 ? NULL : path_out, 20000, 0);
	if (_i == 0)
		close(c.out);
	char *err = read_all(c.err, NULL);
	int status = wait_child(c.pid);
	ck_assert_int_eq(status, 2);
	ck_assert_msg(strstr(err, "cdcpivot: write error: File too large (the output ends after the last whole event;") != NULL,
	    "%s", err);
	size_t len;
	char *out = read_file(path_out, &len);
	ck_assert_uint_le(len, 20000);
	ck_assert_uint_gt(len, 0);
	unsigned long rows = count_whole_rows(out, len);
	ck_assert_uint_eq(rows % 3, 0); /* whole events */
	ck_assert_uint_eq(summary_rows(err), rows);
	free(out);
	free(err);

	/* Another run without the limit appends whole rows after them. */
	spawn(&c, _i == 0 ? argv_file : plain, path_in, _i == 0 ? NULL : path_out, 0, 0);
	if (_i == 0)
		close(c.out);
	err = read_all(c.err, NULL);
	ck_assert_int_eq(wait_child(c.pid), 0);
	out = read_file(path_out, &len);
	ck_assert_uint_eq(count_whole_rows(out, len), rows + 6000);
	free(out);
	free(err);
	close(c.err);
}
END_TEST

/* A run killed in the middle of a write (or a crash of the machine) can
 * leave part of a row at the end of --output FILE; the next run cuts it
 * off, says so, and appends after the last whole row. */
START_TEST(partial_row_of_killed_run_is_cut)
{
	write_events(1, 3);
	FILE *f = fopen(path_out, "w");
	fputs("1,a,,vvv,2020-09-13 12:26:40.000,,,1970-01-01 00:00:00.000,c\n1,b,,\"x,", f);
	fclose(f);
	const char *argv[] = {"--output", path_out, NULL};
	struct child c;
	spawn(&c, argv, path_in, NULL, 0, 0);
	close(c.out);
	char *err = read_all(c.err, NULL);
	ck_assert_int_eq(wait_child(c.pid), 0);
	ck_assert_msg(strstr(err, "removed 8 bytes of an incomplete row") != NULL, "%s", err);
	size_t len;
	char *out = read_file(path_out, &len);
	ck_assert_uint_eq(count_whole_rows(out, len), 4);
	ck_assert(strncmp(out, "1,a,,vvv,", 9) == 0);
	ck_assert_ptr_nonnull(strstr(out, ",c\n1,a,,vvv,"));
	free(out);
	free(err);
	close(c.err);
}
END_TEST

/* Running out of memory on a huge line: the rows of the events before it
 * are written before the fatal exit. Address-space limits cannot be used
 * under valgrind or AddressSanitizer, which reserve terabytes. */
START_TEST(out_of_memory_keeps_earlier_rows)
{
#if defined(__SANITIZE_ADDRESS__)
	return;
#endif
	if (time_factor() > 1)
		return;
	write_events(2, 3);
	FILE *f = fopen(path_in, "a");
	fputs("{\"before\":null,\"after\":{\"a\":\"", f);
	for (int i = 0; i < 6 * 1024 * 1024; i++)
		fputs("0123456789", f);
	fputs("\"},\"op\":\"c\"}\n", f);
	fclose(f);
	static const char *const argv[] = {NULL};
	struct child c;
	spawn(&c, argv, path_in, NULL, 0, 40 * 1024 * 1024);
	size_t len;
	char *out = read_all(c.out, &len);
	char *err = read_all(c.err, NULL);
	ck_assert_int_eq(wait_child(c.pid), 2);
	ck_assert_msg(strstr(err, "out of memory") != NULL, "%s", err);
	ck_assert_uint_eq(count_whole_rows(out, len), 6);
	free(out);
	free(err);
	close(c.out), close(c.err);
}
END_TEST

/* SIGINT/SIGTERM with input that never makes cdcpivot wait (a regular
 * file): the run ends within 100 ms, after whole events, with the summary
 * and status 128+N. */
START_TEST(stop_signal_with_regular_file_input)
{
	write_events(400000, 10);
	static const char *const argv[] = {NULL};
	struct child c;
	spawn(&c, argv, path_in, NULL, 0, 0);
	char buf[65536];
	ssize_t k = read(c.out, buf, sizeof buf); /* it has started */
	ck_assert_int_gt(k, 0);
	int sig = _i == 0 ? SIGINT : SIGTERM;
	long long t0 = now_ms();
	ck_assert_int_eq(kill(c.pid, sig), 0);
	size_t len;
	char *rest = read_all(c.out, &len);
	char *err = read_all(c.err, NULL);
	int status = wait_child(c.pid);
	long long took = now_ms() - t0;
	ck_assert_int_eq(status, 128 + sig);
	ck_assert_msg(took <= 100 * time_factor(), "exit %lld ms after the signal", took);
	unsigned long rows = summary_rows(err);
	ck_assert_uint_lt(rows, 1200000); /* stopped early */
	char *all = malloc((size_t)k + len + 1);
	memcpy(all, buf, (size_t)k);
	memcpy(all + k, rest, len + 1);
	ck_assert_uint_eq(count_whole_rows(all, (size_t)k + len), rows);
	free(all);
	free(rest);
	free(err);
	close(c.out), close(c.err);
}
END_TEST

/* A stop signal while the output is blocked (the reader does not read):
 * the blocked write ends, the pipe holds whole events only, the rows that
 * could not be written are reported and not counted. */
START_TEST(stop_signal_with_blocked_output)
{
	write_events(3000, 10);
	static const char *const argv[] = {NULL};
	struct child c;
	spawn(&c, argv, path_in, NULL, 0, 0);
	struct timespec pause = {time_factor() > 1 ? 6 : 0, time_factor() > 1 ? 0 : 300 * 1000000L};
	nanosleep(&pause, NULL); /* it fills the pipe and blocks */
	long long t0 = now_ms();
	ck_assert_int_eq(kill(c.pid, SIGTERM), 0);
	char *err = read_all(c.err, NULL);
	int status = wait_child(c.pid);
	long long took = now_ms() - t0;
	ck_assert_int_eq(status, 128 + SIGTERM);
	ck_assert_msg(took <= 100 * time_factor(), "exit %lld ms after the signal", took);
	size_t len;
	char *out = read_all(c.out, &len);
	unsigned long rows = count_whole_rows(out, len);
	ck_assert_uint_eq(rows % 3, 0);
	ck_assert_uint_eq(summary_rows(err), rows);
	unsigned long lost;
	const char *m = strstr(err, "output blocked when stopped: ");
	ck_assert_msg(m != NULL, "%s", err);
	ck_assert_int_eq(sscanf(m, "output blocked when stopped: %lu", &lost), 1);
	ck_assert_uint_gt(lost, 0);
	free(out);
	free(err);
	close(c.out), close(c.err);
}
END_TEST

/* The dead-letter file exists so that no rejected line is lost: when it
 * cannot be written, the run stops at once with status 2. */
START_TEST(failing_dead_letter_file_stops_the_run)
{
	FILE *f = fopen(path_in, "w");
	fputs("{not json\n", f);
	fprintf(f, event_fmt, 1, "v");
	fclose(f);
	const char *argv[] = {"--dead-letter", "/dev/full", NULL};
	struct child c;
	spawn(&c, argv, path_in, NULL, 0, 0);
	size_t len;
	char *out = read_all(c.out, &len);
	char *err = read_all(c.err, NULL);
	ck_assert_int_eq(wait_child(c.pid), 2);
	ck_assert_msg(strstr(err, "dead-letter file") != NULL, "%s", err);
	ck_assert_uint_eq(len, 0); /* the line after it was not read */
	free(out);
	free(err);
	close(c.out), close(c.err);
}
END_TEST

Suite *
failures_suite(void)
{
	Suite *s = suite_create("failures");
	TCase *tc = tcase_create("stop");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, file_size_limit_leaves_whole_events, 0, 2);
	tcase_add_test(tc, partial_row_of_killed_run_is_cut);
	tcase_add_test(tc, out_of_memory_keeps_earlier_rows);
	tcase_add_loop_test(tc, stop_signal_with_regular_file_input, 0, 2);
	tcase_add_test(tc, stop_signal_with_blocked_output);
	tcase_add_test(tc, failing_dead_letter_file_stops_the_run);
	suite_add_tcase(s, tc);
	return s;
}
