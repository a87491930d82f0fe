/* Process-level behaviour: the command-line contract, exit statuses,
 * diagnostics with line numbers, write errors and streaming. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"

static const char insert_line[] =
    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"ts_ms\":1600000000000},"
    "\"op\":\"c\"}\n";

static char tmpdir[64];

static void
make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/cdcpivot-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs(data, f);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(help_goes_to_stdout)
{
	static const char *const argv[] = {"--help", NULL};
	struct run_result r;
	run_cdcpivot(argv, NULL, 0, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strncmp(r.out, "usage: cdcpivot ", 16) == 0, "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "--dead-letter"));
	ck_assert_str_eq(r.err, "");
	run_free(&r);
}
END_TEST

START_TEST(version_names_cjson)
{
	static const char *const argv[] = {"-V", NULL};
	struct run_result r;
	run_cdcpivot(argv, NULL, 0, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strncmp(r.out, "cdcpivot ", 9) == 0 && strstr(r.out, "(cJSON 1.") != NULL, "%s", r.out);
	run_free(&r);
}
END_TEST

static const struct {
	const char *arg1, *arg2, *snippet;
} usage_errors[] = {
	{"--bogus", NULL, "unknown option '--bogus'"},
	{"-x", NULL, "unknown option '-x'"},
	{"--format", "xml", "--format: unknown format 'xml'"},
	{"--id", NULL, "requires an argument"},
	{"--id", "a,,b", "--id: empty column name"},
	{"--max-line-bytes", "0", "--max-line-bytes: not a positive size"},
	{"--header", "--format=sql", "--header applies to csv and tsv only"},
	{"--upsert", NULL, "--upsert applies to --format sql only"},
	{"--fsync", NULL, "--fsync needs --output"},
	{"--meta", "lsn,shoe", "--meta: unknown column 'shoe'"},
	{"--dedup", "0", "--dedup: not a window size"},
	{"--state", "", "--state: empty directory name"},
	{"--bytes", "b32", "--bytes: unknown encoding 'b32'"},
};

START_TEST(usage_error_exits_2)
{
	const char *argv[] = {usage_errors[_i].arg1, usage_errors[_i].arg2, NULL};
	struct run_result r;
	run_cdcpivot(argv, insert_line, strlen(insert_line), NULL, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_str_eq(r.out, "");
	ck_assert_msg(strncmp(r.err, "cdcpivot: ", 10) == 0, "%s", r.err);
	ck_assert_msg(strstr(r.err, usage_errors[_i].snippet) != NULL, "want '%s' in: %s",
	    usage_errors[_i].snippet, r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "\nusage: cdcpivot "));
	ck_assert_ptr_nonnull(strstr(r.err, "Try 'cdcpivot --help'"));
	run_free(&r);
}
END_TEST

START_TEST(bad_source_date_epoch)
{
	static const char *const argv[] = {NULL};
	static const char *const env[] = {"SOURCE_DATE_EPOCH=yesterday", NULL};
	struct run_result r;
	run_cdcpivot(argv, insert_line, strlen(insert_line), env, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "SOURCE_DATE_EPOCH"));
	run_free(&r);
}
END_TEST

START_TEST(write_error_is_fatal)
{
	static const char *const argv[] = {NULL};
	struct run_result r;
	run_cdcpivot(argv, insert_line, strlen(insert_line), NULL, "/dev/full", &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "cdcpivot: write error: No space left on device (the output ends after the last whole event; 1 row not written)\n") != NULL, "%s", r.err);
	ck_assert_msg(strstr(r.err, " 0 rows,") != NULL, "rows never written are not counted: %s", r.err);
	run_free(&r);
}
END_TEST

/* Runs the binary with stdout closed (>&-). */
START_TEST(closed_stdout_is_fatal)
{
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int p[2];
		if (pipe(p) != 0)
			_exit(120);
		if (write(p[1], insert_line, strlen(insert_line)) < 0)
			_exit(121);
		close(p[1]);
		dup2(p[0], 0);
		close(p[0]);
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		close(devnull);
		close(1);
		execl(cdcpivot_path(), "cdcpivot", (char *)NULL);
		_exit(127);
	}
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 2);
}
END_TEST

START_TEST(files_are_named_in_messages)
{
	make_tmpdir();
	char a[128], b[128];
	snprintf(a, sizeof a, "%s/a.jsonl", tmpdir);
	snprintf(b, sizeof b, "%s/b.jsonl", tmpdir);
	write_file(a, "{not json\n");
	char two[512];
	snprintf(two, sizeof two, "%s%s", insert_line, "[1]\n");
	write_file(b, two);
	const char *argv[] = {a, "-", b, NULL};
	struct run_result r;
	run_cdcpivot(argv, insert_line, strlen(insert_line), NULL, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	char want[512];
	snprintf(want, sizeof want,
	    "cdcpivot: %s:1: invalid JSON near column 3\n"
	    "cdcpivot: %s:2: a JSON array, not an object\n"
	    "cdcpivot: summary: 2 events, 2 rows, 0 skipped, 2 rejected\n",
	    a, b);
	ck_assert_str_eq(r.err, want);
	run_free(&r);
	remove_tmpdir();
}
END_TEST

START_TEST(missing_file_is_fatal_but_others_run)
{
	static const char *const argv[] = {"/nonexistent/x.jsonl", "-", NULL};
	struct run_result r;
	run_cdcpivot(argv, insert_line, strlen(insert_line), NULL, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "cdcpivot: /nonexistent/x.jsonl: No such file or directory\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "1,v,,a,"));
	run_free(&r);
}
END_TEST

START_TEST(dead_letter_keeps_rejected_lines)
{
	make_tmpdir();
	char dl[128];
	snprintf(dl, sizeof dl, "%s/dead.txt", tmpdir);
	write_file(dl, "earlier\n");
	const char *argv[] = {"--dead-letter", dl, NULL};
	const char in[] = "{\"op\":\"c\"\nbanner\n[1, 2]\r\n";
	struct run_result r;
	run_cdcpivot(argv, in, strlen(in), NULL, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	const struct expect_diag want[] = {{1, "invalid JSON"}, {3, "a JSON array, not an object"}};
	expect_diags(r.err, "<stdin>", want, 2);
	char *got = read_file(dl, NULL);
	ck_assert_str_eq(got, "earlier\n{\"op\":\"c\"\n[1, 2]\n");
	free(got);
	run_free(&r);
	remove_tmpdir();
}
END_TEST

START_TEST(output_file_is_appended_and_synced)
{
	make_tmpdir();
	char path[128];
	snprintf(path, sizeof path, "%s/pivot.csv", tmpdir);
	write_file(path, "earlier row\n");
	const char *argv[] = {"--output", path, "--fsync", "-q", NULL};
	static const char *const env[] = {"SOURCE_DATE_EPOCH=0", NULL};
	struct run_result r;
	run_cdcpivot(argv, insert_line, strlen(insert_line), env, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "");
	char *got = read_file(path, NULL);
	ck_assert_str_eq(got, "earlier row\n1,v,,a,2020-09-13 12:26:40.000,,,1970-01-01 00:00:00.000,c\n");
	free(got);
	run_free(&r);

	static const char *const bad[] = {"--output", "/nonexistent/dir/x.csv", NULL};
	run_cdcpivot(bad, insert_line, strlen(insert_line), NULL, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "cdcpivot: /nonexistent/dir/x.csv: No such file or directory"));
	run_free(&r);
	remove_tmpdir();
}
END_TEST

START_TEST(max_line_bytes_rejects_unread)
{
	make_tmpdir();
	char dl[128];
	snprintf(dl, sizeof dl, "%s/dead.txt", tmpdir);
	const char *argv[] = {"--max-line-bytes", "1K", "--dead-letter", dl, NULL};
	size_t big = 5000;
	char *in = malloc(big + 2 * sizeof insert_line);
	strcpy(in, insert_line);
	size_t n = strlen(in);
	memset(in + n, 'x', big);
	in[n + big] = '\n';
	strcpy(in + n + big + 1, insert_line);
	struct run_result r;
	run_cdcpivot(argv, in, strlen(in), NULL, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	const struct expect_diag want[] = {{2, "longer than --max-line-bytes (1024 bytes)"}};
	expect_diags(r.err, "<stdin>", want, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "summary: 2 events, 2 rows"));
	/* The over-long line was never kept: nothing, not even an empty
	 * line, goes to the dead-letter file. */
	char *dead = read_file(dl, NULL);
	ck_assert_str_eq(dead, "");
	free(dead);
	free(in);
	run_free(&r);
	remove_tmpdir();
}
END_TEST

START_TEST(quiet_has_no_summary)
{
	static const char *const argv[] = {"-q", NULL};
	struct run_result r;
	run_cdcpivot(argv, insert_line, strlen(insert_line), NULL, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	run_free(&r);
}
END_TEST

/* Reads from fd until a newline arrives or ms milliseconds pass. */
static size_t
read_some(int fd, char *buf, size_t cap, int ms)
{
	size_t n = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	while (n < cap - 1 && poll(&p, 1, ms) > 0) {
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		if (memchr(buf, '\n', n) != NULL)
			break;
	}
	buf[n] = '\0';
	return n;
}

/* tail -f users: a row must be out as soon as the input pauses, while the
 * writer still holds the pipe open; SIGTERM then ends the run with every
 * row written and a summary. */
START_TEST(rows_flow_when_input_pauses_and_sigterm_flushes)
{
	int in[2], out[2], err[2];
	ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0), dup2(out[1], 1), dup2(err[1], 2);
		close(in[1]), close(out[0]), close(err[0]);
		execl(cdcpivot_path(), "cdcpivot", (char *)NULL);
		_exit(127);
	}
	close(in[0]), close(out[1]), close(err[1]);
	char buf[4096];
	for (int i = 0; i < 3; i++) {
		ck_assert(write(in[1], insert_line, strlen(insert_line)) == (ssize_t)strlen(insert_line));
		size_t n = read_some(out[0], buf, sizeof buf, 2000);
		ck_assert_msg(n > 0 && strstr(buf, "1,v,,a,") != NULL, "no row within 2 s of event %d", i);
	}
	kill(pid, SIGTERM);
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 128 + SIGTERM);
	size_t n = read_some(err[0], buf, sizeof buf, 2000);
	ck_assert_msg(n > 0 && strstr(buf, "summary: 3 events, 3 rows") != NULL, "%s", buf);
	close(in[1]), close(out[0]), close(err[0]);
}
END_TEST

/* --stats: the summary comes out when the input pauses, not only at exit,
 * and not again until something new was read. */
START_TEST(stats_when_input_pauses)
{
	int in[2], out[2], err[2];
	ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0), dup2(out[1], 1), dup2(err[1], 2);
		close(in[1]), close(out[0]), close(err[0]);
		execl(cdcpivot_path(), "cdcpivot", "--stats", "-q", (char *)NULL);
		_exit(127);
	}
	close(in[0]), close(out[1]), close(err[1]);
	char buf[4096];
	ck_assert(write(in[1], insert_line, strlen(insert_line)) == (ssize_t)strlen(insert_line));
	size_t n = read_some(err[0], buf, sizeof buf, 2000);
	ck_assert_msg(n > 0 && strcmp(buf, "cdcpivot: summary: 1 events, 1 rows, 0 skipped, 0 rejected\n") == 0,
	    "no summary while the input pauses: '%s'", buf);
	n = read_some(err[0], buf, sizeof buf, 1500);
	ck_assert_msg(n == 0, "summary repeated without new input: '%s'", buf);
	close(in[1]);
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(out[0]), close(err[0]);
}
END_TEST

/* cdcpivot | head -1: the reader goes away; we stop without noise. */
START_TEST(closed_pipe_is_quiet)
{
	int fd[2];
	ck_assert(pipe(fd) == 0);
	size_t n = strlen(insert_line), count = 200000;
	char *in = malloc(n * count + 1);
	for (size_t i = 0; i < count; i++)
		memcpy(in + i * n, insert_line, n);
	in[n * count] = '\0';
	close(fd[0]); /* the reader is gone before we start */
	char path[64];
	snprintf(path, sizeof path, "/dev/fd/%d", fd[1]);
	static const char *const argv[] = {NULL};
	struct run_result r;
	run_cdcpivot(argv, in, n * count, NULL, path, &r);
	ck_assert_msg(r.status == 128 + SIGPIPE, "status %d", r.status);
	ck_assert_str_eq(r.err, "");
	close(fd[1]);
	free(in);
	run_free(&r);
}
END_TEST

/* --state: old values of an update without before come from the state,
 * across runs; a second run on the same directory waits for none; an
 * event without a position is pointed out once. */
START_TEST(state_across_runs)
{
	char dir[] = "/tmp/check_cli_state.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	const char *const argv[] = {"--state", dir, "--meta", "lsn,old_source", NULL};
	static const char first[] =
	    "{\"before\":null,\"after\":{\"id\":1,\"a\":\"x\",\"b\":2},\"source\":{\"schema\":\"s\",\"table\":\"t\",\"lsn\":10,\"ts_ms\":0},\"op\":\"c\"}\n";
	static const char second[] =
	    "{\"before\":null,\"after\":{\"id\":1,\"a\":\"y\",\"b\":2},\"source\":{\"schema\":\"s\",\"table\":\"t\",\"lsn\":20,\"ts_ms\":0},\"op\":\"u\"}\n"
	    "{\"before\":{\"id\":1},\"after\":null,\"source\":{\"schema\":\"s\",\"table\":\"t\",\"lsn\":30,\"ts_ms\":0},\"op\":\"d\"}\n"
	    "{\"before\":null,\"after\":{\"id\":2,\"a\":\"q\",\"b\":3},\"source\":{\"schema\":\"s\",\"table\":\"t\",\"lsn\":40,\"ts_ms\":0},\"op\":\"u\"}\n";
	static const char *const env[] = {"SOURCE_DATE_EPOCH=0", NULL};
	struct run_result r;
	run_cdcpivot(argv, first, sizeof first - 1, env, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	run_cdcpivot(argv, second, sizeof second - 1, env, NULL, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	assert_text_eq("rows", r.out, r.out_len,
	    "1,a,x,y,,1970-01-01 00:00:00.000,,1970-01-01 00:00:00.000,u,20,state\n"
	    "1,a,y,,,,1970-01-01 00:00:00.000,1970-01-01 00:00:00.000,d,30,state\n"
	    "1,b,2,,,,1970-01-01 00:00:00.000,1970-01-01 00:00:00.000,d,30,state\n"
	    "2,a,,q,,1970-01-01 00:00:00.000,,1970-01-01 00:00:00.000,u,40,unknown\n"
	    "2,b,,3,,1970-01-01 00:00:00.000,,1970-01-01 00:00:00.000,u,40,unknown\n");
	ck_assert_msg(strstr(r.err, ":3: warning: s.t: a row not in --state") != NULL, "%s", r.err);
	run_free(&r);
	/* the same input again: replays, no rows */
	run_cdcpivot(argv, second, sizeof second - 1, env, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_uint_eq(r.out_len, 0);
	ck_assert_msg(strstr(r.err, "(duplicate 3)") != NULL, "%s", r.err);
	run_free(&r);
	/* no position: said once */
	static const char nopos[] =
	    "{\"before\":null,\"after\":{\"id\":5,\"a\":\"x\"},\"source\":{\"schema\":\"s\",\"table\":\"t\"},\"op\":\"c\"}\n"
	    "{\"before\":null,\"after\":{\"id\":6,\"a\":\"x\"},\"source\":{\"schema\":\"s\",\"table\":\"t\"},\"op\":\"c\"}\n";
	run_cdcpivot(argv, nopos, sizeof nopos - 1, env, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	const char *w = strstr(r.err, "cannot tell a replay");
	ck_assert_msg(w != NULL && strstr(w + 1, "cannot tell a replay") == NULL, "%s", r.err);
	run_free(&r);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A state directory that cannot be used is an I/O error (exit 2). */
START_TEST(state_unusable_is_fatal)
{
	const char *const argv[] = {"--state", "/proc/self/no-such-state", NULL};
	struct run_result r;
	run_cdcpivot(argv, "", 0, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "/proc/self/no-such-state") != NULL, "%s", r.err);
	ck_assert_uint_eq(r.out_len, 0);
	run_free(&r);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("contract");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, help_goes_to_stdout);
	tcase_add_test(tc, version_names_cjson);
	tcase_add_loop_test(tc, usage_error_exits_2, 0, sizeof usage_errors / sizeof usage_errors[0]);
	tcase_add_test(tc, bad_source_date_epoch);
	tcase_add_test(tc, quiet_has_no_summary);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, write_error_is_fatal);
	tcase_add_test(tc, closed_stdout_is_fatal);
	tcase_add_test(tc, files_are_named_in_messages);
	tcase_add_test(tc, missing_file_is_fatal_but_others_run);
	tcase_add_test(tc, dead_letter_keeps_rejected_lines);
	tcase_add_test(tc, max_line_bytes_rejects_unread);
	tcase_add_test(tc, output_file_is_appended_and_synced);
	tcase_add_test(tc, rows_flow_when_input_pauses_and_sigterm_flushes);
	tcase_add_test(tc, closed_pipe_is_quiet);
	tcase_add_test(tc, stats_when_input_pauses);
	tcase_add_test(tc, state_across_runs);
	tcase_add_test(tc, state_unusable_is_fatal);
	suite_add_tcase(s, tc);
	return s;
}
