/* Seven behaviours that a planted bug once broke without any test noticing
 * (string equality cut short, short writes, --fsync, --strict with
 * --max-line-bytes, --table and events without a table name, the dedup
 * window's size, schemas of equal length). Each test runs the real binary
 * and states the expected rows from the input it builds, not from an
 * earlier run of the program. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "check_suites.h"
#include "check_util.h"
#include "output.h"

#define COMMIT "2020-09-13 12:26:40.000" /* source.ts_ms 1600000000000 */
#define INSERTED "1970-01-01 00:00:00.000" /* SOURCE_DATE_EPOCH=0 */
#define SOURCE "\"source\":{\"ts_ms\":1600000000000}"

static const char *const epoch0[] = {"SOURCE_DATE_EPOCH=0", NULL};

static char tmpdir[64];

static void
make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/cdcpivot-pins-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* 1. String equality compares every byte and the length: values sharing a
 * long prefix (ISO timestamps, UUIDs, decimals as text) or differing only
 * in length are changes; identical long strings are not. */
START_TEST(strings_differing_late_or_in_length_are_changes)
{
	static const char in[] =
	    "{\"before\":{\"id\":1,\"v\":\"prefix__A\",\"w\":\"abcdefgh\",\"x\":\"abcdefghijk\","
	    "\"t\":\"2024-02-29T12:00:00.000001Z\",\"u\":\"4f0e6a52-7d1c-4b2e-9a3f-000000000001\","
	    "\"s\":\"same long text, same long text, same long text\"},"
	    "\"after\":{\"id\":1,\"v\":\"prefix__B\",\"w\":\"abcdefghi\",\"x\":\"abcdefghij\","
	    "\"t\":\"2024-02-29T12:00:00.000002Z\",\"u\":\"4f0e6a52-7d1c-4b2e-9a3f-000000000002\","
	    "\"s\":\"same long text, same long text, same long text\"}," SOURCE ",\"op\":\"u\"}\n";
	static const char *const argv[] = {"-q", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, strlen(in), epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 0);
#define U(f, o, n) "1," f "," o "," n ",," COMMIT ",," INSERTED ",u\n"
	assert_text_eq("rows", r.out, r.out_len,
	    U("v", "prefix__A", "prefix__B") U("w", "abcdefgh", "abcdefghi")
	    U("x", "abcdefghijk", "abcdefghij")
	    U("t", "2024-02-29T12:00:00.000001Z", "2024-02-29T12:00:00.000002Z")
	    U("u", "4f0e6a52-7d1c-4b2e-9a3f-000000000001", "4f0e6a52-7d1c-4b2e-9a3f-000000000002"));
#undef U
	run_free(&r);
}
END_TEST

/* The rows of event i of rows_input(): one insert of id i, v = 40 x's. */
static void
row_of(char *out, size_t cap, unsigned i)
{
	snprintf(out, cap, "%u,v,,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx," COMMIT ",,," INSERTED ",c\n", i);
}

static char *
rows_input(unsigned n, size_t *len)
{
	size_t cap = (size_t)n * 160 + 1, k = 0;
	char *in = malloc(cap);
	for (unsigned i = 0; i < n; i++)
		k += (size_t)snprintf(in + k, cap - k,
		    "{\"before\":null,\"after\":{\"id\":%u,\"v\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},"
		    SOURCE ",\"op\":\"c\"}\n", i);
	*len = k;
	return in;
}

/* Asserts that out[0..len) is the rows of events 0..k-1 for some k, whole
 * rows only, and returns k. */
static unsigned
whole_rows_prefix(const char *out, size_t len, unsigned n)
{
	size_t at = 0;
	unsigned k = 0;
	char row[160];
	while (at < len) {
		ck_assert_msg(k < n, "more rows than events");
		row_of(row, sizeof row, k);
		size_t rl = strlen(row);
		ck_assert_msg(len - at >= rl && memcmp(out + at, row, rl) == 0,
		    "byte %zu: not row %u (whole rows only, in order): '%.*s'", at, k,
		    (int)(len - at < rl ? len - at : rl), out + at);
		at += rl;
		k++;
	}
	ck_assert_msg(len == 0 || out[len - 1] == '\n', "output ends mid-row");
	return k;
}

/* 2a. A file size limit (SIGXFSZ ignored, so write() comes back short and
 * then fails with EFBIG): exit 2, "write error", and the file holds only
 * whole rows, none cut. */
START_TEST(file_size_limit_leaves_whole_rows)
{
	make_tmpdir();
	char path[128];
	snprintf(path, sizeof path, "%s/out.csv", tmpdir);
	size_t len;
	unsigned n = 20000; /* ~1.5 MB of rows, more than one flush */
	char *in = rows_input(n, &len);
	char row0[160];
	row_of(row0, sizeof row0, 0);
	/* A limit that is no multiple of a row's length, so a write that is
	 * short there stops mid-row. */
	rlim_t limit = 100000 + 7;
	ck_assert_uint_ne(limit % strlen(row0), 0);

	int errp[2], inp[2];
	ck_assert(pipe(errp) == 0 && pipe(inp) == 0);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {limit, limit};
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(120);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(121);
		dup2(inp[0], 0), dup2(fd, 1), dup2(errp[1], 2);
		close(fd), close(inp[0]), close(inp[1]), close(errp[0]), close(errp[1]);
		setenv("SOURCE_DATE_EPOCH", "0", 1);
		setenv("TZ", "UTC", 1);
		execl(cdcpivot_path(), "cdcpivot", (char *)NULL);
		_exit(127);
	}
	close(inp[0]), close(errp[1]);
	/* The child may stop reading early: feed in the background. */
	pid_t feeder = fork();
	ck_assert(feeder >= 0);
	if (feeder == 0) {
		signal(SIGPIPE, SIG_IGN);
		size_t sent = 0;
		while (sent < len) {
			ssize_t k = write(inp[1], in + sent, len - sent);
			if (k <= 0)
				_exit(0);
			sent += (size_t)k;
		}
		_exit(0);
	}
	close(inp[1]);
	char err[4096];
	size_t en = 0;
	ssize_t k;
	while (en < sizeof err - 1 && (k = read(errp[0], err + en, sizeof err - 1 - en)) > 0)
		en += (size_t)k;
	err[en] = '\0';
	close(errp[0]);
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	waitpid(feeder, NULL, 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %d, stderr: %s", st, err);
	ck_assert_msg(strstr(err, "cdcpivot: write error: File too large") != NULL, "%s", err);
	size_t olen;
	char *out = read_file(path, &olen);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_le(olen, limit);
	whole_rows_prefix(out, olen, n);
	free(out);
	free(in);
	remove_tmpdir();
}
END_TEST

/* 2c. The same at the output module: a flush whose write() comes back
 * short and then fails reports the failure (-1 and the errno), in a child
 * so that the file size limit stays there. */
START_TEST(output_flush_reports_a_short_write)
{
	make_tmpdir();
	char path[128];
	snprintf(path, sizeof path, "%s/out", tmpdir);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {503, 503};
		signal(SIGXFSZ, SIG_IGN);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(120);
		struct output o;
		output_init(&o, fd, 1 << 20);
		for (int i = 0; i < 100; i++)
			buf_puts(&o.data, "0123456789\n");
		if (output_commit(&o, 1) != 0)
			_exit(121);
		int rc = output_flush(&o);
		int err = o.error;
		output_free(&o);
		_exit(rc == -1 && err == EFBIG ? 0 : 1);
	}
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "output_flush did not report the short write (status %d)", st);
	remove_tmpdir();
}
END_TEST

/* 2b. A non-blocking pipe whose reader is slow: write() comes back short
 * (the pipe holds 64 KiB) and then with EAGAIN. Whatever the program does
 * about it (wait for the reader, or stop with exit 2 and a write error),
 * the reader must see whole rows only, in order, none lost in the middle,
 * and with exit 0 every row. */
START_TEST(nonblocking_pipe_gets_whole_rows)
{
	size_t len;
	unsigned n = 20000;
	char *in = rows_input(n, &len);
	int outp[2], errp[2], inp[2];
	ck_assert(pipe(outp) == 0 && pipe(errp) == 0 && pipe(inp) == 0);
	int fl = fcntl(outp[1], F_GETFL);
	ck_assert_int_eq(fcntl(outp[1], F_SETFL, fl | O_NONBLOCK), 0);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(inp[0], 0), dup2(outp[1], 1), dup2(errp[1], 2);
		close(inp[0]), close(inp[1]), close(outp[0]), close(outp[1]), close(errp[0]), close(errp[1]);
		setenv("SOURCE_DATE_EPOCH", "0", 1);
		setenv("TZ", "UTC", 1);
		execl(cdcpivot_path(), "cdcpivot", "-q", (char *)NULL);
		_exit(127);
	}
	close(inp[0]), close(outp[1]), close(errp[1]);
	pid_t feeder = fork();
	ck_assert(feeder >= 0);
	if (feeder == 0) {
		signal(SIGPIPE, SIG_IGN);
		size_t sent = 0;
		while (sent < len) {
			ssize_t k = write(inp[1], in + sent, len - sent);
			if (k <= 0)
				_exit(0);
			sent += (size_t)k;
		}
		_exit(0);
	}
	close(inp[1]);
	/* A slow reader: let the pipe fill before reading anything. */
	struct timespec pause = {0, 300 * 1000 * 1000};
	nanosleep(&pause, NULL);
	size_t cap = len * 2, on = 0;
	char *out = malloc(cap);
	char err[4096];
	size_t en = 0;
	int open_out = 1, open_err = 1;
	while (open_out || open_err) {
		struct pollfd p[2] = {{.fd = open_out ? outp[0] : -1, .events = POLLIN},
		    {.fd = open_err ? errp[0] : -1, .events = POLLIN}};
		ck_assert(poll(p, 2, 20000) > 0);
		if (p[0].revents) {
			ssize_t k = read(outp[0], out + on, cap - on);
			if (k <= 0)
				open_out = 0;
			else
				on += (size_t)k;
		}
		if (p[1].revents) {
			ssize_t k = read(errp[0], err + en, sizeof err - 1 - en);
			if (k <= 0)
				open_err = 0;
			else
				en += (size_t)k;
		}
	}
	err[en] = '\0';
	close(outp[0]), close(errp[0]);
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	waitpid(feeder, NULL, 0);
	ck_assert_msg(WIFEXITED(st), "status %d", st);
	unsigned k = whole_rows_prefix(out, on, n);
	if (WEXITSTATUS(st) == 0) {
		ck_assert_uint_eq(k, n);
	} else {
		ck_assert_int_eq(WEXITSTATUS(st), 2);
		ck_assert_msg(strstr(err, "cdcpivot: write error: ") != NULL, "%s", err);
	}
	free(out);
	free(in);
}
END_TEST

/* 3. --fsync calls fsync(2) on the output file after every write, and a
 * failing fsync (EIO: the data did not reach the disk) is a write error,
 * exit 2. Counted by an LD_PRELOAD shim (tests/shim/fsync_shim.c, built
 * next to the binary) that logs each fsync's target and can fail it. */
static void
shim_path(char *out, size_t cap)
{
	char *copy = strdup(cdcpivot_path());
	snprintf(out, cap, "%s/fsync_shim.so", dirname(copy));
	free(copy);
	ck_assert_msg(access(out, R_OK) == 0, "%s missing (make builds it with the binary)", out);
}

/* Counts the lines of path naming target. */
static int
count_lines(const char *path, const char *target)
{
	char *log = read_file(path, NULL);
	if (log == NULL)
		return 0;
	int n = 0;
	for (char *l = strtok(log, "\n"); l != NULL; l = strtok(NULL, "\n"))
		if (strcmp(l, target) == 0)
			n++;
	free(log);
	return n;
}

/* A failing close(2) of the --output file (EIO, as NFS reports a delayed
 * write that failed) is an error: exit 2 and the file named. */
START_TEST(output_close_failure_is_fatal)
{
	make_tmpdir();
	char shim[256], out[128], env_pre[300], env_fail[200];
	shim_path(shim, sizeof shim);
	snprintf(out, sizeof out, "%s/out.csv", tmpdir);
	snprintf(env_pre, sizeof env_pre, "LD_PRELOAD=%s", shim);
	snprintf(env_fail, sizeof env_fail, "CLOSE_SHIM_FAIL=%s", out);
	const char *env[] = {env_pre, env_fail, "SOURCE_DATE_EPOCH=0",
	    "ASAN_OPTIONS=verify_asan_link_order=0", NULL};
	size_t len;
	char *in = rows_input(2, &len);
	const char *argv[] = {"--output", out, "-q", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, len, env, NULL, &r);
	ck_assert_msg(r.status == 2, "status %d: %s", r.status, r.err);
	char want[200];
	snprintf(want, sizeof want, "cdcpivot: %s: Input/output error", out);
	ck_assert_msg(strstr(r.err, want) != NULL, "%s", r.err);
	run_free(&r);
	free(in);
}
END_TEST

START_TEST(fsync_is_called_and_its_failure_is_fatal)
{
	make_tmpdir();
	char shim[256], out[128], log[128], env_pre[300], env_log[160];
	shim_path(shim, sizeof shim);
	snprintf(out, sizeof out, "%s/out.csv", tmpdir);
	snprintf(log, sizeof log, "%s/fsync.log", tmpdir);
	snprintf(env_pre, sizeof env_pre, "LD_PRELOAD=%s", shim);
	snprintf(env_log, sizeof env_log, "FSYNC_SHIM_LOG=%s", log);
	const char *env[] = {env_pre, env_log, "SOURCE_DATE_EPOCH=0",
	    "ASAN_OPTIONS=verify_asan_link_order=0", NULL, NULL};
	size_t len;
	char *in = rows_input(3, &len);

	/* -u: one write, so one fsync, per event. */
	const char *argv[] = {"--output", out, "--fsync", "-u", "-q", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, len, env, NULL, &r);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_int_eq(count_lines(log, out), 3);
	size_t olen;
	char *got = read_file(out, &olen);
	ck_assert_uint_eq(whole_rows_prefix(got, olen, 3), 3);
	free(got);
	run_free(&r);

	/* Without --fsync: none. */
	unlink(log);
	const char *nosync[] = {"--output", out, "-u", "-q", NULL};
	run_cdcpivot(nosync, in, len, env, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(count_lines(log, out), 0);
	run_free(&r);

	/* fsync fails with EIO: reported, exit 2. */
	env[4] = "FSYNC_SHIM_FAIL=EIO";
	run_cdcpivot(argv, in, len, env, NULL, &r);
	ck_assert_int_eq(r.status, 2);
	ck_assert_msg(strstr(r.err, "cdcpivot: write error: Input/output error") != NULL, "%s", r.err);
	run_free(&r);
	free(in);
	remove_tmpdir();
}
END_TEST

/* 4. --strict stops at an over-long line as at any rejected line: the rows
 * of the events after it never appear. */
START_TEST(strict_stops_at_overlong_line)
{
	size_t len;
	char *ev = rows_input(3, &len);
	size_t big = 3000;
	char *in = malloc(len + big + 2);
	/* event 0, a 3000-byte line, events 1 and 2 */
	char *second = strchr(ev, '\n') + 1;
	size_t first = (size_t)(second - ev);
	memcpy(in, ev, first);
	memset(in + first, 'x', big);
	in[first + big] = '\n';
	memcpy(in + first + big + 1, second, len - first);
	size_t inlen = len + big + 1;
	static const char *const argv[] = {"--strict", "--max-line-bytes", "1K", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, inlen, epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	char row0[160];
	row_of(row0, sizeof row0, 0);
	assert_text_eq("rows", r.out, r.out_len, row0);
	const struct expect_diag want[] = {{2, "longer than --max-line-bytes (1024 bytes)"}};
	expect_diags(r.err, "<stdin>", want, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "summary: 1 events, 1 rows, 0 skipped, 1 rejected"));
	run_free(&r);

	/* Without --strict the run goes on: three rows. */
	static const char *const lax[] = {"--max-line-bytes", "1K", "-q", NULL};
	run_cdcpivot(lax, in, inlen, epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_uint_eq(whole_rows_prefix(r.out, r.out_len, 3), 3);
	run_free(&r);
	free(in);
	free(ev);
}
END_TEST

/* 5. --table: an event that names no table (no source, a source without
 * "table", or "table":"") matches no pattern, not even "*", and is
 * counted under "other table". */
START_TEST(table_filter_skips_events_without_table)
{
	static const char in[] =
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"op\":\"c\"}\n"
	    "{\"before\":null,\"after\":{\"id\":2,\"v\":\"b\"},\"source\":{\"ts_ms\":1600000000000,"
	    "\"schema\":\"public\",\"table\":\"\"},\"op\":\"c\"}\n"
	    "{\"before\":null,\"after\":{\"id\":3,\"v\":\"c\"},\"source\":{\"ts_ms\":1600000000000,"
	    "\"schema\":\"public\"},\"op\":\"c\"}\n"
	    "{\"before\":null,\"after\":{\"id\":4,\"v\":\"d\"},\"source\":{\"ts_ms\":1600000000000,"
	    "\"schema\":\"public\",\"table\":\"t\"},\"op\":\"c\"}\n";
	static const char *const argv[] = {"--table", "*", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, strlen(in), epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	assert_text_eq("rows", r.out, r.out_len, "4,v,,d," COMMIT ",,," INSERTED ",c\n");
	ck_assert_str_eq(r.err,
	    "cdcpivot: summary: 1 events, 1 rows, 3 skipped (other table 3), 0 rejected\n");
	run_free(&r);
}
END_TEST

/* 6. --dedup 2 keeps exactly the last two distinct identities, the oldest
 * forgotten first: on A B C A B C A A only the last A is a duplicate. A
 * window of three, or one that never forgets A, drops the fourth A. The
 * events carry a source position (lsn), so their identity is clear
 * whatever else it includes. */
START_TEST(dedup_window_evicts_exactly)
{
	static const char *const ev[] = {
	    "{\"before\":null,\"after\":{\"id\":1,\"v\":\"a\"},\"source\":{\"ts_ms\":1600000000000,"
	    "\"lsn\":101},\"op\":\"c\"}\n",
	    "{\"before\":null,\"after\":{\"id\":2,\"v\":\"b\"},\"source\":{\"ts_ms\":1600000000000,"
	    "\"lsn\":102},\"op\":\"c\"}\n",
	    "{\"before\":null,\"after\":{\"id\":3,\"v\":\"c\"},\"source\":{\"ts_ms\":1600000000000,"
	    "\"lsn\":103},\"op\":\"c\"}\n",
	};
	static const char *const row[] = {
	    "1,v,,a," COMMIT ",,," INSERTED ",c\n",
	    "2,v,,b," COMMIT ",,," INSERTED ",c\n",
	    "3,v,,c," COMMIT ",,," INSERTED ",c\n",
	};
	static const int seq[] = {0, 1, 2, 0, 1, 2, 0, 0};
	char in[4096] = "", want[4096] = "";
	for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		strcat(in, ev[seq[i]]);
		if (i < 7)
			strcat(want, row[seq[i]]);
	}
	static const char *const argv[] = {"--dedup", "2", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, strlen(in), epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	assert_text_eq("rows", r.out, r.out_len, want);
	ck_assert_str_eq(r.err,
	    "cdcpivot: summary: 7 events, 7 rows, 1 skipped (duplicate 1), 0 rejected\n");
	run_free(&r);

	/* --dedup 3 on the same input: A B C, then all three again are
	 * duplicates, as is the last A. */
	static const char *const three[] = {"--dedup", "3", "-q", NULL};
	run_cdcpivot(three, in, strlen(in), epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	char first3[1024];
	snprintf(first3, sizeof first3, "%s%s%s", row[0], row[1], row[2]);
	assert_text_eq("rows", r.out, r.out_len, first3);
	run_free(&r);
}
END_TEST

/* 7. Two value schemas of the same length that differ only late in the
 * text (a Decimal's scale 2, then 3) are two schemas: the same value bytes
 * 0x04d2 = 1234 decode as 12.34, then 1.234. */
static void
decimal_event(char *out, size_t cap, char scale, int id)
{
	snprintf(out, cap,
	    "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"name\":\"s.t.Envelope\",\"fields\":["
	    "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
	    "{\"type\":\"struct\",\"optional\":true,\"name\":\"s.t.Value\",\"field\":\"after\",\"fields\":["
	    "{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
	    "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\","
	    "\"version\":1,\"field\":\"price\",\"parameters\":{\"connect.decimal.precision\":\"12\","
	    "\"scale\":\"%c\"}}]}]},"
	    "\"payload\":{\"before\":null,\"after\":{\"id\":%d,\"price\":\"BNI=\"}," SOURCE ",\"op\":\"c\"}}\n",
	    scale, id);
}

START_TEST(equal_length_schemas_differing_late)
{
	char a[2048], b[2048], in[8192];
	decimal_event(a, sizeof a, '2', 1);
	decimal_event(b, sizeof b, '3', 2);
	ck_assert_uint_eq(strlen(a), strlen(b));
	ck_assert_uint_gt((size_t)(strstr(b, "\"scale\":\"3\"") - b), 300);
	snprintf(in, sizeof in, "%s%s%s", a, b, a);
	static const char *const argv[] = {"-q", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, strlen(in), epoch0, NULL, &r);
	ck_assert_int_eq(r.status, 0);
	assert_text_eq("rows", r.out, r.out_len,
	    "1,price,,12.34," COMMIT ",,," INSERTED ",c\n"
	    "2,price,,1.234," COMMIT ",,," INSERTED ",c\n"
	    "1,price,,12.34," COMMIT ",,," INSERTED ",c\n");
	run_free(&r);
}
END_TEST

Suite *
pins_suite(void)
{
	Suite *s = suite_create("pins");
	TCase *tc = tcase_create("seven");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, strings_differing_late_or_in_length_are_changes);
	tcase_add_test(tc, output_flush_reports_a_short_write);
	tcase_add_test(tc, fsync_is_called_and_its_failure_is_fatal);
	tcase_add_test(tc, output_close_failure_is_fatal);
	tcase_add_test(tc, strict_stops_at_overlong_line);
	tcase_add_test(tc, table_filter_skips_events_without_table);
	tcase_add_test(tc, dedup_window_evicts_exactly);
	tcase_add_test(tc, equal_length_schemas_differing_late);
	suite_add_tcase(s, tc);

	/* The contract of issue 10 item 2: truncate back to the last whole
	 * event on a short write; wait, never cut, on a full pipe. */
	tc = tcase_create("whole-rows");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, file_size_limit_leaves_whole_rows);
	tcase_add_test(tc, nonblocking_pipe_gets_whole_rows);
	suite_add_tcase(s, tc);
	return s;
}
