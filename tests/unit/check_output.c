/* output.h: the buffered output that writes only whole (committed) events.
 * Written into a non-blocking-read pipe, so a test can see exactly what has
 * reached the file descriptor at every step, a temporary file, and
 * /dev/full. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "check_suites.h"
#include "output.h"

struct sink {
	int rd, wr;
};

static void
sink_open(struct sink *s)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	int fl = fcntl(p[0], F_GETFL);
	ck_assert_int_ge(fl, 0);
	ck_assert_int_eq(fcntl(p[0], F_SETFL, fl | O_NONBLOCK), 0);
	s->rd = p[0];
	s->wr = p[1];
}

static void
sink_close(struct sink *s)
{
	close(s->rd);
	close(s->wr);
}

/* Asserts that exactly want[0..n) is waiting in the pipe, and drains it. */
static void
expect_written(struct sink *s, const char *want, size_t n)
{
	char got[4096];
	ssize_t r = read(s->rd, got, sizeof got);
	if (n == 0) {
		ck_assert_msg(r < 0 && errno == EAGAIN, "%zd unexpected bytes reached the fd: '%.*s'",
		    r, (int)(r > 0 ? r : 0), got);
		return;
	}
	ck_assert_msg(r >= 0, "nothing reached the fd, want '%.*s'", (int)n, want);
	ck_assert_msg((size_t)r == n && memcmp(got, want, n) == 0,
	    "fd got '%.*s' (%zd bytes), want '%.*s'", (int)r, got, r, (int)n, want);
	r = read(s->rd, got, sizeof got);
	ck_assert_msg(r < 0 && errno == EAGAIN, "extra bytes reached the fd");
}

/* A regular file of our own, already unlinked. */
static int
anon_file(void)
{
	char path[] = "/tmp/check-output-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	return fd;
}

static void
put(struct output *o, const char *s)
{
	buf_puts(&o->data, s);
}

START_TEST(init_state)
{
	struct output o;
	memset(&o, 0x5a, sizeof o);
	output_init(&o, 7, 1234);
	ck_assert_int_eq(o.fd, 7);
	ck_assert_uint_eq(o.data.len, 0);
	ck_assert_uint_eq(o.committed, 0);
	ck_assert_uint_eq(o.flush_at, 1234);
	ck_assert_int_eq(o.error, 0);
	output_free(&o);
}
END_TEST

/* Appended bytes stay in memory until committed and flushed. */
START_TEST(nothing_before_commit_and_flush)
{
	struct sink s;
	sink_open(&s);
	struct output o;
	output_init(&o, s.wr, 1 << 20);
	put(&o, "a,b\n");
	expect_written(&s, NULL, 0);
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_uint_eq(o.committed, 4);
	expect_written(&s, NULL, 0); /* below flush_at: still buffered */
	put(&o, "c,d\n");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	expect_written(&s, NULL, 0);
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, "a,b\nc,d\n", 8);
	ck_assert_uint_eq(o.data.len, 0);
	ck_assert_uint_eq(o.committed, 0);
	/* A second flush with nothing committed writes nothing. */
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, NULL, 0);
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* output_written(): events (with rows or without) count as written only
 * once every byte up to them has reached the fd. */
START_TEST(written_counts_events_that_reached_fd)
{
	struct sink s;
	sink_open(&s);
	struct output o;
	output_init(&o, s.wr, 1 << 20);
	ck_assert_int_eq(output_commit(&o, 0), 0); /* 1: no rows, nothing pending */
	ck_assert_uint_eq(o.events_committed, 1);
	ck_assert_uint_eq(output_written(&o), 1);
	put(&o, "a\n");
	ck_assert_int_eq(output_commit(&o, 1), 0); /* 2 */
	ck_assert_int_eq(output_commit(&o, 0), 0); /* 3: no rows, after 2 */
	put(&o, "b\n");
	ck_assert_int_eq(output_commit(&o, 1), 0); /* 4 */
	put(&o, "c");
	ck_assert_uint_eq(o.events_committed, 4);
	ck_assert_uint_eq(output_written(&o), 1);
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, "a\nb\n", 4);
	ck_assert_uint_eq(output_written(&o), 4); /* "c" is no event yet */
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* A failed write leaves output_written() where it was. */
START_TEST(written_stays_after_write_error)
{
	int fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	struct output o;
	output_init(&o, fd, 1 << 20);
	put(&o, "a\n");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_int_eq(output_flush(&o), -1);
	ck_assert_uint_eq(output_written(&o), 0);
	ck_assert_int_eq(output_commit(&o, 0), -1);
	ck_assert_uint_eq(output_written(&o), 0);
	output_free(&o);
	close(fd);
}
END_TEST

/* output_flush writes the committed bytes only, and keeps the rest. */
START_TEST(flush_skips_uncommitted)
{
	struct sink s;
	sink_open(&s);
	struct output o;
	output_init(&o, s.wr, 1 << 20);
	put(&o, "whole\n");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	put(&o, "part");
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, "whole\n", 6);
	ck_assert_uint_eq(o.committed, 0);
	ck_assert_uint_eq(o.data.len, 4);
	ck_assert_mem_eq(o.data.p, "part", 4);

	/* Uncommitted only: flush writes nothing. */
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, NULL, 0);
	ck_assert_uint_eq(o.data.len, 4);

	put(&o, "ial\n");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, "partial\n", 8);
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* Rollback drops what was appended since the last commit, only that. */
START_TEST(rollback_drops_uncommitted)
{
	struct sink s;
	sink_open(&s);
	struct output o;
	output_init(&o, s.wr, 1 << 20);

	put(&o, "gone\n");
	output_rollback(&o); /* nothing committed yet: back to empty */
	ck_assert_uint_eq(o.data.len, 0);

	put(&o, "A\n");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	put(&o, "B1\nB2\n");
	output_rollback(&o);
	ck_assert_uint_eq(o.data.len, 2);
	ck_assert_uint_eq(o.committed, 2);
	output_rollback(&o); /* twice is the same as once */
	ck_assert_uint_eq(o.data.len, 2);

	put(&o, "C\n");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, "A\nC\n", 4);

	/* After a flush, rollback still only drops the uncommitted tail. */
	put(&o, "D\n");
	output_rollback(&o);
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_int_eq(output_flush(&o), 0);
	expect_written(&s, NULL, 0);
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* output_commit writes once the committed bytes reach flush_at. */
static const struct {
	size_t flush_at;
	const char *events[4];
	const char *written[4]; /* what reaches the fd after each commit */
} threshold_cases[] = {
	{0, {"a\n", "b\n", "", NULL}, {"a\n", "b\n", "", NULL}},
	{1, {"a\n", "b\n", NULL, NULL}, {"a\n", "b\n", NULL, NULL}},
	{4, {"a\n", "b\n", "c\n", NULL}, {"", "a\nb\n", "", NULL}},
	{5, {"a\n", "b\n", "c\n", "d\n"}, {"", "", "a\nb\nc\n", ""}},
	{6, {"abc", "def", "g", NULL}, {"", "abcdef", "", NULL}},
	{10, {"0123456789ab", "c", NULL, NULL}, {"0123456789ab", "", NULL, NULL}},
};

START_TEST(flush_at_threshold)
{
	struct sink s;
	sink_open(&s);
	struct output o;
	output_init(&o, s.wr, threshold_cases[_i].flush_at);
	for (int k = 0; k < 4 && threshold_cases[_i].events[k] != NULL; k++) {
		put(&o, threshold_cases[_i].events[k]);
		ck_assert_int_eq(output_commit(&o, 1), 0);
		const char *w = threshold_cases[_i].written[k];
		expect_written(&s, w, strlen(w));
	}
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* A commit that reaches flush_at writes the committed bytes, not the
 * uncommitted ones appended before the next commit. */
START_TEST(threshold_flush_keeps_later_bytes)
{
	struct sink s;
	sink_open(&s);
	struct output o;
	output_init(&o, s.wr, 3);
	put(&o, "xyz");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	expect_written(&s, "xyz", 3);
	put(&o, "pq");
	expect_written(&s, NULL, 0);
	output_rollback(&o);
	put(&o, "rst");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	expect_written(&s, "rst", 3);
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* Megabytes through a regular file arrive complete and in order. */
START_TEST(large_output_to_file)
{
	int fd = anon_file();
	struct output o;
	output_init(&o, fd, 64 * 1024);
	size_t total = 0;
	char line[32];
	for (int i = 0; i < 200000; i++) {
		int n = snprintf(line, sizeof line, "%d\n", i);
		buf_append(&o.data, line, (size_t)n);
		total += (size_t)n;
		if (output_commit(&o, 1) != 0) /* not ck_assert: slow in a loop */
			ck_abort_msg("commit %d failed: %s", i, strerror(o.error));
	}
	buf_puts(&o.data, "uncommitted\n");
	ck_assert_int_eq(output_flush(&o), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), (off_t)total);

	char *back = malloc(total);
	ck_assert_ptr_nonnull(back);
	ck_assert_int_eq(pread(fd, back, total, 0), (ssize_t)total);
	size_t off = 0;
	for (int i = 0; i < 200000; i++) {
		int n = snprintf(line, sizeof line, "%d\n", i);
		if (memcmp(back + off, line, (size_t)n) != 0)
			ck_abort_msg("line %d differs", i);
		off += (size_t)n;
	}
	free(back);
	output_free(&o);
	close(fd);
}
END_TEST

/* /dev/full: the write fails with ENOSPC and the output stays failed. */
START_TEST(write_error_sticks)
{
	int fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	struct output o;
	output_init(&o, fd, 1 << 20);
	put(&o, "row\n");
	ck_assert_int_eq(output_commit(&o, 1), 0); /* below flush_at: no write yet */
	ck_assert_int_eq(o.error, 0);
	ck_assert_int_eq(output_flush(&o), -1);
	ck_assert_int_eq(o.error, ENOSPC);

	/* Every later call fails, with the first error kept. */
	ck_assert_int_eq(output_flush(&o), -1);
	put(&o, "more\n");
	ck_assert_int_eq(output_commit(&o, 1), -1);
	ck_assert_int_eq(output_flush(&o), -1);
	output_rollback(&o);
	ck_assert_int_eq(output_flush(&o), -1);
	ck_assert_int_eq(o.error, ENOSPC);
	output_free(&o);
	close(fd);
}
END_TEST

/* Failed means failed: even if the descriptor would now accept bytes,
 * nothing more is written and every call reports the first error. */
START_TEST(write_error_stops_all_writes)
{
	int fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	struct output o;
	output_init(&o, fd, 0);
	put(&o, "lost\n");
	ck_assert_int_eq(output_commit(&o, 1), -1);
	ck_assert_int_eq(o.error, ENOSPC);

	struct sink s;
	sink_open(&s);
	o.fd = s.wr;
	ck_assert_int_eq(output_flush(&o), -1);
	put(&o, "later\n");
	ck_assert_int_eq(output_commit(&o, 1), -1);
	ck_assert_int_eq(output_flush(&o), -1);
	expect_written(&s, NULL, 0);
	ck_assert_int_eq(o.error, ENOSPC);
	output_free(&o);
	sink_close(&s);
	close(fd);
}
END_TEST

/* The same when the failing write comes from a commit at flush_at. */
START_TEST(write_error_at_commit)
{
	int fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	struct output o;
	output_init(&o, fd, 4);
	put(&o, "ab");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_int_eq(o.error, 0);
	put(&o, "cd");
	ck_assert_int_eq(output_commit(&o, 1), -1);
	ck_assert_int_eq(o.error, ENOSPC);
	put(&o, "e");
	ck_assert_int_eq(output_commit(&o, 1), -1); /* below flush_at, still failed */
	ck_assert_int_eq(o.error, ENOSPC);
	output_free(&o);
	close(fd);
}
END_TEST

/* Nothing committed, nothing written: no error even on /dev/full. */
START_TEST(no_write_no_error)
{
	int fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	struct output o;
	output_init(&o, fd, 1 << 20);
	put(&o, "pending");
	ck_assert_int_eq(output_flush(&o), 0);
	ck_assert_int_eq(o.error, 0);
	output_rollback(&o);
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_int_eq(output_flush(&o), 0);
	ck_assert_int_eq(o.error, 0);
	output_free(&o);
	close(fd);
}
END_TEST

/* A closed fd: EBADF is recorded the same way. */
START_TEST(write_error_ebadf)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	close(p[1]);
	struct output o;
	output_init(&o, p[1], 0);
	put(&o, "x");
	ck_assert_int_eq(output_commit(&o, 1), -1);
	ck_assert_int_eq(o.error, EBADF);
	output_free(&o);
}
END_TEST

/* A pipe with stop signals let in while waiting: events larger and smaller
 * than PIPE_BUF all arrive, byte for byte, and rows are counted per event
 * as written. _i: the size of the big event. */
START_TEST(pipe_pieces_keep_every_byte)
{
	static const size_t big[] = {4095, 4096, 4097, 10000, 70000};
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	sigset_t mask;
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
	volatile sig_atomic_t stop = 0;
	struct output o;
	output_init(&o, p[1], 1 << 20);
	output_signals(&o, &mask, &stop);
	struct buf want;
	buf_init(&want);
	for (int e = 0; e < 6; e++) {
		size_t n = e == 2 ? big[_i] : 10 + (size_t)e;
		for (size_t i = 0; i < n; i++)
			buf_putc(&o.data, (char)('a' + (i + (size_t)e) % 26));
		buf_putc(&o.data, '\n');
		ck_assert_int_eq(output_commit(&o, 2), 0);
	}
	buf_append(&want, o.data.p, o.data.len);
	char path[] = "/tmp/check-output-XXXXXX";
	int tfd = mkstemp(path);
	ck_assert_int_ge(tfd, 0);
	close(tfd);
	if (fork() == 0) { /* the reader: drains the pipe into a file */
		close(p[1]);
		FILE *f = fopen(path, "w");
		char b[8192];
		ssize_t k;
		while ((k = read(p[0], b, sizeof b)) > 0)
			fwrite(b, 1, (size_t)k, f);
		fclose(f);
		_exit(0);
	}
	close(p[0]);
	ck_assert_int_eq(output_flush(&o), 0);
	ck_assert_uint_eq(o.rows_written, 12);
	ck_assert_uint_eq(output_rows_pending(&o), 0);
	close(p[1]);
	int st;
	wait(&st);
	size_t len;
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char *got = malloc(want.len + 1);
	len = fread(got, 1, want.len + 1, f);
	fclose(f);
	unlink(path);
	ck_assert_uint_eq(len, want.len);
	ck_assert(memcmp(got, want.p, len) == 0);
	free(got);
	buf_free(&want);
	output_free(&o);
}
END_TEST

/* A stop signal that arrives while the output waits for a full pipe
 * leaves the reader OUTPUT_STOP_WAIT_MS to make room, not nothing: here
 * the reader (the signal handler itself, so no timing is involved) drains
 * the pipe as the signal lands, and every pending event must still be
 * written. */
static int grace_rd = -1;
static volatile sig_atomic_t grace_stop;

static void
grace_handler(int sig)
{
	(void)sig;
	char b[4096];
	while (read(grace_rd, b, sizeof b) > 0)
		;
	grace_stop = 1;
}

/* Fills the pipe s.wr (made non-blocking), arms the handler for SIGALRM
 * and blocks it; wait_mask lets it in. */
static void
grace_setup(struct sink *s, sigset_t *old, sigset_t *wait_mask)
{
	grace_rd = s->rd;
	grace_stop = 0;
	ck_assert_int_eq(fcntl(s->wr, F_SETFL, fcntl(s->wr, F_GETFL) | O_NONBLOCK), 0);
	char fill[4096];
	memset(fill, 'f', sizeof fill);
	while (write(s->wr, fill, sizeof fill) > 0)
		; /* the pipe is full */
	struct sigaction sa = {0};
	sa.sa_handler = grace_handler;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &block, old), 0);
	*wait_mask = *old;
	sigdelset(wait_mask, SIGALRM);
}

/* Commits events of n bytes each (one row), and flushes with SIGALRM due
 * while the flush waits for room. */
static int
grace_flush(struct output *o, int events, size_t n)
{
	for (int e = 0; e < events; e++) {
		for (size_t i = 0; i + 1 < n; i++)
			buf_putc(&o->data, 'r');
		buf_putc(&o->data, '\n');
		ck_assert_int_eq(output_commit(o, 1), 0);
	}
	/* Lands in the flush's wait for room (blocked until then); well
	 * inside make mutate's shortened test timeout. */
	struct itimerval due = {{0, 0}, {0, 50000}};
	ck_assert_int_eq(setitimer(ITIMER_REAL, &due, NULL), 0);
	return output_flush(o);
}

START_TEST(stop_signal_leaves_the_reader_its_grace)
{
	struct sink s;
	sink_open(&s);
	sigset_t old, wait_mask;
	grace_setup(&s, &old, &wait_mask);
	struct output o;
	output_init(&o, s.wr, 1 << 20);
	output_signals(&o, &wait_mask, &grace_stop);
	int rc = grace_flush(&o, 5, 4);
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	signal(SIGALRM, SIG_DFL);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(grace_stop, 1);
	ck_assert_uint_eq(output_rows_pending(&o), 0);
	ck_assert_uint_eq(o.rows_written, 5);
	ck_assert_uint_eq(output_written(&o), 5);
	expect_written(&s, "rrr\nrrr\nrrr\nrrr\nrrr\n", 20);
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* A flush cut short by a stop signal (the reader made room for part of
 * the events, then took no more): output_written() is exactly the events
 * that reached the pipe, the first one left pending not included. */
START_TEST(stop_signal_counts_the_events_written)
{
	struct sink s;
	sink_open(&s);
	sigset_t old, wait_mask;
	grace_setup(&s, &old, &wait_mask);
	struct output o;
	output_init(&o, s.wr, 1 << 20);
	output_signals(&o, &wait_mask, &grace_stop);
	int rc = grace_flush(&o, 100, 4000); /* 400 kB: more than the pipe holds */
	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	signal(SIGALRM, SIG_DFL);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(grace_stop, 1);
	ck_assert_uint_gt(o.rows_written, 0);
	ck_assert_uint_gt(output_rows_pending(&o), 0);
	ck_assert_uint_eq(o.rows_written + output_rows_pending(&o), 100);
	ck_assert_uint_eq(output_written(&o), o.rows_written);
	output_free(&o);
	sink_close(&s);
}
END_TEST

/* A regular file that fails part way (RLIMIT_FSIZE) is cut back to the
 * last whole event, and only the rows of whole events count. */
START_TEST(short_write_to_file_is_undone)
{
	int fd = anon_file();
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = {1000, 1000};
		setrlimit(RLIMIT_FSIZE, &rl);
		struct output o;
		output_init(&o, fd, 1 << 20);
		for (int e = 0; e < 30; e++) {
			for (int i = 0; i < 99; i++)
				buf_putc(&o.data, 'x');
			buf_putc(&o.data, '\n');
			output_commit(&o, 1);
		}
		int rc = output_flush(&o);
		_exit(rc == -1 && o.error == EFBIG && o.rows_written == 10 &&
		    output_rows_pending(&o) == 20 ? 0 : 1);
	}
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "flush did not report EFBIG with 10 rows");
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), 1000);
	close(fd);
}
END_TEST

/* output_repair_tail cuts what follows the last newline, and leaves a file
 * that ends in one alone. */
START_TEST(repair_tail_cuts_part_of_a_row)
{
	static const struct {
		const char *before, *after;
		long long cut;
	} cases[] = {
		{"", "", 0}, {"a\n", "a\n", 0}, {"a\nb", "a\n", 1}, {"abc", "", 3},
		{"a\nb\ncd", "a\nb\n", 2},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		int fd = anon_file();
		size_t n = strlen(cases[c].before);
		ck_assert_int_eq(write(fd, cases[c].before, n), (ssize_t)n);
		ck_assert_int_eq(output_repair_tail(fd), cases[c].cut);
		char got[16] = "";
		ssize_t k = pread(fd, got, sizeof got - 1, 0);
		ck_assert_int_ge(k, 0);
		got[k] = '\0';
		ck_assert_str_eq(got, cases[c].after);
		close(fd);
	}
	/* Longer than its read block: the newline is found further back. */
	int fd = anon_file();
	ck_assert_int_eq(write(fd, "row\n", 4), 4);
	char junk[10000];
	memset(junk, 'j', sizeof junk);
	ck_assert_int_eq(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	ck_assert_int_eq(output_repair_tail(fd), (long long)sizeof junk);
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), 4);
	close(fd);
	/* The newline the first byte of the block read last (4,096 bytes). */
	fd = anon_file();
	ck_assert_int_eq(write(fd, "row\n", 4), 4);
	ck_assert_int_eq(write(fd, junk, 4095), 4095);
	ck_assert_int_eq(output_repair_tail(fd), 4095);
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), 4);
	close(fd);
}
END_TEST

/* After a write error nothing more counts as written: no event number
 * advances, also for commits without rows (a Kafka offset must not be
 * acknowledged past rows that never reached the output). */
START_TEST(commits_written_stops_at_error)
{
	int fd = open("/dev/full", O_WRONLY);
	ck_assert_int_ge(fd, 0);
	struct output o;
	output_init(&o, fd, 1 << 20);
	put(&o, "a\n");
	ck_assert_int_eq(output_commit(&o, 1), 0);
	ck_assert_int_eq(output_flush(&o), -1);
	ck_assert_int_eq(output_commit(&o, 0), -1);
	ck_assert_uint_eq(output_written(&o), 0);
	output_free(&o);
	close(fd);
}
END_TEST

Suite *
output_suite(void)
{
	Suite *s = suite_create("output");

	TCase *tc = tcase_create("core");
	tcase_add_test(tc, init_state);
	tcase_add_test(tc, nothing_before_commit_and_flush);
	tcase_add_test(tc, flush_skips_uncommitted);
	tcase_add_test(tc, written_counts_events_that_reached_fd);
	tcase_add_test(tc, written_stays_after_write_error);
	tcase_add_test(tc, rollback_drops_uncommitted);
	tcase_add_test(tc, large_output_to_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("threshold");
	tcase_add_loop_test(tc, flush_at_threshold, 0,
	    (int)(sizeof threshold_cases / sizeof threshold_cases[0]));
	tcase_add_test(tc, threshold_flush_keeps_later_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, write_error_sticks);
	tcase_add_test(tc, write_error_at_commit);
	tcase_add_test(tc, write_error_stops_all_writes);
	tcase_add_test(tc, no_write_no_error);
	tcase_add_test(tc, write_error_ebadf);
	tcase_add_loop_test(tc, pipe_pieces_keep_every_byte, 0, 5);
	tcase_add_test(tc, short_write_to_file_is_undone);
	tcase_add_test(tc, stop_signal_leaves_the_reader_its_grace);
	tcase_add_test(tc, stop_signal_counts_the_events_written);
	tcase_add_test(tc, repair_tail_cuts_part_of_a_row);
	tcase_add_test(tc, commits_written_stops_at_error);
	suite_add_tcase(s, tc);
	return s;
}
