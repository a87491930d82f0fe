/* linereader.h: the read(2)-based line splitter, fed through real file
 * descriptors: temporary files, pipes filled at once, and pipes filled a
 * byte at a time by a forked writer. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "linereader.h"

enum { MIB = 1024 * 1024 };

/* ---- input helpers ---- */

static void
sleep_us(long us)
{
	struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		ck_assert_msg(w > 0, "write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* A temporary file holding data, positioned at its start, already
 * unlinked. */
static int
file_with(const char *data, size_t n)
{
	char path[] = "/tmp/check-linereader-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	write_all(fd, data, n);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* A pipe whose write end is held by a forked child writing data in pieces
 * of chunk bytes, pausing pause_us between them, then exiting. Returns the
 * read end; *pid is the child to reap with reap(). */
static int
pipe_writer(const char *data, size_t n, size_t chunk, long pause_us, pid_t *pid)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	*pid = fork();
	ck_assert_int_ge(*pid, 0);
	if (*pid == 0) {
		close(p[0]);
		for (size_t off = 0; off < n;) {
			size_t k = n - off < chunk ? n - off : chunk;
			ssize_t w = write(p[1], data + off, k);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(3);
			off += (size_t)w;
			if (pause_us > 0 && off < n)
				sleep_us(pause_us);
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void
reap(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer child failed (status %d)", st);
}

/* ---- collecting lines ---- */

struct got {
	char *p;
	size_t len;
	unsigned long no;
	int oversize;
	int no_newline;
};

struct gotlist {
	struct got *v;
	size_t n;
};

/* Reads every line to EOF, copying each, then checks that EOF repeats. */
static void
read_all(struct linereader *lr, struct gotlist *g)
{
	size_t cap = 0;
	g->v = NULL;
	g->n = 0;
	for (;;) {
		struct line l;
		memset(&l, 0xa5, sizeof l);
		enum linereader_status st = linereader_next(lr, &l);
		if (st == LINEREADER_EOF)
			break;
		/* Plain ifs in per-line loops: every ck_assert records its
		 * location, which is slow over thousands of lines. */
		if (st != LINEREADER_LINE)
			ck_abort_msg("linereader_next returned %d (errno %d)", (int)st, errno);
		if (g->n == cap) {
			cap = cap ? cap * 2 : 16;
			g->v = realloc(g->v, cap * sizeof *g->v);
			if (g->v == NULL)
				ck_abort_msg("out of memory");
		}
		struct got *w = &g->v[g->n++];
		w->p = malloc(l.len + 1);
		if (w->p == NULL)
			ck_abort_msg("out of memory");
		if (l.len > 0)
			memcpy(w->p, l.p, l.len);
		w->len = l.len;
		w->no = l.no;
		w->oversize = l.oversize;
		w->no_newline = l.no_newline;
	}
	for (int k = 0; k < 3; k++) {
		struct line l;
		ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_EOF);
	}
}

static void
gotlist_free(struct gotlist *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].p);
	free(g->v);
}

/* ---- the table: how bytes split into lines ---- */

#define BYTES(s) s, sizeof(s) - 1

struct want {
	const char *p;
	size_t len;
	int oversize;
	int no_newline;
};

static const struct {
	const char *name;
	const char *in;
	size_t in_len;
	size_t max_line;
	size_t n;
	struct want lines[6];
} split_cases[] = {
	{"plain lines", BYTES("a\nbb\nccc\n"), 64, 3,
	    {{BYTES("a"), 0, 0}, {BYTES("bb"), 0, 0}, {BYTES("ccc"), 0, 0}}},
	{"empty input", BYTES(""), 64, 0, {{NULL, 0, 0, 0}}},
	{"last line without newline", BYTES("a\nlast"), 64, 2,
	    {{BYTES("a"), 0, 0}, {BYTES("last"), 0, 1}}},
	{"only a partial line", BYTES("x"), 64, 1, {{BYTES("x"), 0, 1}}},
	{"CRLF stripped", BYTES("a\r\nbb\r\n"), 64, 2, {{BYTES("a"), 0, 0}, {BYTES("bb"), 0, 0}}},
	{"lone CR at EOF stripped", BYTES("a\r\nb\r"), 64, 2,
	    {{BYTES("a"), 0, 0}, {BYTES("b"), 0, 1}}},
	{"only a CR", BYTES("\r"), 64, 1, {{BYTES(""), 0, 1}}},
	{"CR inside a line kept", BYTES("a\rb\n"), 64, 1, {{BYTES("a\rb"), 0, 0}}},
	{"only one CR stripped", BYTES("a\r\r\n"), 64, 1, {{BYTES("a\r"), 0, 0}}},
	{"empty lines", BYTES("\n\n\r\n"), 64, 3,
	    {{BYTES(""), 0, 0}, {BYTES(""), 0, 0}, {BYTES(""), 0, 0}}},
	{"empty line in the middle", BYTES("x\n\ny"), 64, 3,
	    {{BYTES("x"), 0, 0}, {BYTES(""), 0, 0}, {BYTES("y"), 0, 1}}},
	{"NUL bytes kept", BYTES("a\0b\n\0\n\0"), 64, 3,
	    {{BYTES("a\0b"), 0, 0}, {BYTES("\0"), 0, 0}, {BYTES("\0"), 0, 1}}},
	{"exactly max_line kept", BYTES("abcd\nabcde\nxy\n"), 4, 3,
	    {{BYTES("abcd"), 0, 0}, {NULL, 0, 1, 0}, {BYTES("xy"), 0, 0}}},
	{"max_line + 1 oversize, next intact", BYTES("abcde\nabcd\n"), 4, 2,
	    {{NULL, 0, 1, 0}, {BYTES("abcd"), 0, 0}}},
	{"oversize lines in a row", BYTES("aaa\nbbbbbbbb\ncc\n"), 2, 3,
	    {{NULL, 0, 1, 0}, {NULL, 0, 1, 0}, {BYTES("cc"), 0, 0}}},
	{"oversize last line without newline", BYTES("ab\nabcdefgh"), 4, 2,
	    {{BYTES("ab"), 0, 0}, {NULL, 0, 1, 1}}},
	{"exactly max_line without newline", BYTES("ab\nabcd"), 4, 2,
	    {{BYTES("ab"), 0, 0}, {BYTES("abcd"), 0, 1}}},
	{"empty line after oversize", BYTES("abcdef\n\nz\n"), 3, 3,
	    {{NULL, 0, 1, 0}, {BYTES(""), 0, 0}, {BYTES("z"), 0, 0}}},
};

enum { MODE_FILE, MODE_PIPE, MODE_TRICKLE, NMODES };
static const char *const mode_names[] = {"file", "pipe", "pipe, 1 byte per write"};

/* Asserts that g->v[i] is line number i + 1 and matches w. */
static void
check_line(const char *what, const struct gotlist *g, size_t i, const struct want *w)
{
	const struct got *l = &g->v[i];
	if (l->no != i + 1)
		ck_abort_msg("%s: line %zu numbered %lu", what, i + 1, l->no);
	if (l->oversize != w->oversize)
		ck_abort_msg("%s: line %zu oversize=%d", what, i + 1, l->oversize);
	if (l->no_newline != w->no_newline)
		ck_abort_msg("%s: line %zu no_newline=%d", what, i + 1, l->no_newline);
	if (l->len != w->len)
		ck_abort_msg("%s: line %zu has %zu bytes, want %zu", what, i + 1, l->len, w->len);
	if (w->len > 0 && memcmp(l->p, w->p, w->len) != 0)
		ck_abort_msg("%s: line %zu: got '%.*s', want '%.*s'", what, i + 1, (int)l->len, l->p,
		    (int)w->len, w->p);
}

static void
check_lines(const char *what, const struct gotlist *g, const struct want *want, size_t n)
{
	ck_assert_msg(g->n == n, "%s: %zu lines, want %zu", what, g->n, n);
	for (size_t i = 0; i < n; i++)
		check_line(what, g, i, &want[i]);
}

START_TEST(split_table)
{
	int c = _i / NMODES, mode = _i % NMODES;
	char what[128];
	snprintf(what, sizeof what, "%s (%s)", split_cases[c].name, mode_names[mode]);
	pid_t pid = -1;
	int fd;
	if (mode == MODE_FILE)
		fd = file_with(split_cases[c].in, split_cases[c].in_len);
	else if (mode == MODE_PIPE)
		fd = pipe_writer(split_cases[c].in, split_cases[c].in_len, 65536, 0, &pid);
	else
		fd = pipe_writer(split_cases[c].in, split_cases[c].in_len, 1, 300, &pid);

	struct linereader *lr = linereader_new(fd, split_cases[c].max_line);
	struct gotlist g;
	read_all(lr, &g);
	check_lines(what, &g, split_cases[c].lines, split_cases[c].n);
	gotlist_free(&g);
	linereader_free(lr);
	close(fd);
	if (pid > 0)
		reap(pid);
}
END_TEST

/* Many short lines written one byte at a time, no pauses: read(2) returns
 * whatever is there, lines must come out the same. */
START_TEST(trickle_many_lines)
{
	enum { N = 300 };
	char *data = malloc(N * 16);
	ck_assert_ptr_nonnull(data);
	size_t n = 0;
	for (int i = 1; i <= N; i++)
		n += (size_t)snprintf(data + n, 16, i % 3 == 0 ? "line %d\r\n" : "line %d\n", i);
	pid_t pid;
	int fd = pipe_writer(data, n, 1, 0, &pid);
	struct linereader *lr = linereader_new(fd, 64);
	struct gotlist g;
	read_all(lr, &g);
	ck_assert_uint_eq(g.n, N);
	for (size_t i = 0; i < g.n; i++) {
		char text[16];
		int wl = snprintf(text, sizeof text, "line %zu", i + 1);
		struct want w = {text, (size_t)wl, 0, 0};
		check_line("trickle", &g, i, &w);
	}
	gotlist_free(&g);
	linereader_free(lr);
	close(fd);
	reap(pid);
	free(data);
}
END_TEST

/* Line numbers count every line, oversize ones included, over thousands of
 * lines that cross the reader's internal chunk boundaries. */
START_TEST(numbers_count_oversize_lines)
{
	enum { N = 20000 };
	size_t cap = (size_t)N * 40;
	char *data = malloc(cap);
	ck_assert_ptr_nonnull(data);
	size_t n = 0;
	for (int i = 1; i <= N; i++) {
		if (i % 7 == 0) { /* 30 bytes, over the 20-byte limit */
			memset(data + n, 'o', 30);
			n += 30;
			data[n++] = '\n';
		} else {
			n += (size_t)snprintf(data + n, cap - n, "%d\n", i);
		}
	}
	for (int mode = 0; mode < 2; mode++) {
		pid_t pid = -1;
		int fd = mode == 0 ? file_with(data, n) : pipe_writer(data, n, 4093, 0, &pid);
		struct linereader *lr = linereader_new(fd, 20);
		struct gotlist g;
		read_all(lr, &g);
		ck_assert_uint_eq(g.n, N);
		for (size_t i = 0; i < g.n; i++) {
			char text[16];
			int wl = snprintf(text, sizeof text, "%zu", i + 1);
			struct want w = {text, (size_t)wl, 0, 0};
			if ((i + 1) % 7 == 0)
				w = (struct want){NULL, 0, 1, 0};
			check_line(mode == 0 ? "file" : "pipe", &g, i, &w);
		}
		gotlist_free(&g);
		linereader_free(lr);
		close(fd);
		if (pid > 0)
			reap(pid);
	}
	free(data);
}
END_TEST

/* ---- limits: big lines ---- */

/* n pseudo-random bytes with no '\n' (and no '\r' last). */
static void
fill_pattern(char *p, size_t n)
{
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		char c = (char)(x & 0xff);
		p[i] = c == '\n' ? 'N' : c;
	}
	if (n > 0 && p[n - 1] == '\r')
		p[n - 1] = 'R';
}

/* A 5 MB line under the default 64 MiB limit comes out whole and
 * byte-exact, between two short lines. */
START_TEST(big_line_kept)
{
	const size_t big = 5 * 1000 * 1000;
	static const char head[] = "head\n", tail[] = "\ntail\n";
	size_t n = sizeof head - 1 + big + sizeof tail - 1;
	char *data = malloc(n);
	ck_assert_ptr_nonnull(data);
	memcpy(data, head, sizeof head - 1);
	fill_pattern(data + sizeof head - 1, big);
	memcpy(data + sizeof head - 1 + big, tail, sizeof tail - 1);

	for (int mode = 0; mode < 2; mode++) {
		pid_t pid = -1;
		int fd = mode == 0 ? file_with(data, n) : pipe_writer(data, n, 65536, 0, &pid);
		struct linereader *lr = linereader_new(fd, 64 * (size_t)MIB);
		struct gotlist g;
		read_all(lr, &g);
		ck_assert_uint_eq(g.n, 3);
		ck_assert_uint_eq(g.v[0].len, 4);
		ck_assert_mem_eq(g.v[0].p, "head", 4);
		ck_assert_uint_eq(g.v[1].no, 2);
		ck_assert_int_eq(g.v[1].oversize, 0);
		ck_assert_uint_eq(g.v[1].len, big);
		ck_assert_msg(memcmp(g.v[1].p, data + sizeof head - 1, big) == 0,
		    "the 5 MB line is not byte-exact (%s)", mode == 0 ? "file" : "pipe");
		ck_assert_uint_eq(g.v[2].no, 3);
		ck_assert_uint_eq(g.v[2].len, 4);
		ck_assert_mem_eq(g.v[2].p, "tail", 4);
		ck_assert_int_eq(g.v[2].no_newline, 0);
		gotlist_free(&g);
		linereader_free(lr);
		close(fd);
		if (pid > 0)
			reap(pid);
	}
	free(data);
}
END_TEST

/* A 3 MB line over a 1 MiB limit is dropped as it arrives: reported once,
 * empty, and the lines around it are intact. */
START_TEST(big_line_oversize)
{
	const size_t big = 3 * 1000 * 1000;
	static const char head[] = "head\n", tail[] = "\nnext\r\nlast";
	size_t n = sizeof head - 1 + big + sizeof tail - 1;
	char *data = malloc(n);
	ck_assert_ptr_nonnull(data);
	memcpy(data, head, sizeof head - 1);
	fill_pattern(data + sizeof head - 1, big);
	memcpy(data + sizeof head - 1 + big, tail, sizeof tail - 1);

	for (int mode = 0; mode < 3; mode++) {
		pid_t pid = -1;
		int fd = mode == 0   ? file_with(data, n)
		         : mode == 1 ? pipe_writer(data, n, 65536, 0, &pid)
		                     : pipe_writer(data, n, 1000, 0, &pid);
		struct linereader *lr = linereader_new(fd, (size_t)MIB);
		struct gotlist g;
		read_all(lr, &g);
		static const struct want want[] = {
		    {BYTES("head"), 0, 0},
		    {NULL, 0, 1, 0},
		    {BYTES("next"), 0, 0},
		    {BYTES("last"), 0, 1},
		};
		check_lines("3 MB oversize line", &g, want, 4);
		gotlist_free(&g);
		linereader_free(lr);
		close(fd);
		if (pid > 0)
			reap(pid);
	}
	free(data);
}
END_TEST

/* An oversize line that runs to EOF without a newline. */
START_TEST(big_line_oversize_at_eof)
{
	const size_t big = 2 * MIB + 17;
	char *data = malloc(big);
	ck_assert_ptr_nonnull(data);
	fill_pattern(data, big);
	data[0] = 'x';
	data[1] = '\n';
	int fd = file_with(data, big);
	struct linereader *lr = linereader_new(fd, 1000);
	struct gotlist g;
	read_all(lr, &g);
	static const struct want want[] = {{BYTES("x"), 0, 0}, {NULL, 0, 1, 1}};
	check_lines("oversize at EOF", &g, want, 2);
	gotlist_free(&g);
	linereader_free(lr);
	close(fd);
	free(data);
}
END_TEST

/* The limit sits exactly between kept and dropped for large limits too. */
START_TEST(big_limit_boundary)
{
	const size_t max = 300 * 1000;
	size_t n = (max + 1) + (max + 2) + 2;
	char *data = malloc(n);
	ck_assert_ptr_nonnull(data);
	fill_pattern(data, n);
	data[max - 1] = 'a'; /* no line may end in '\r' */
	data[max] = '\n';    /* line 1: max bytes */
	data[2 * max + 1] = 'b';
	data[2 * max + 2] = '\n'; /* line 2: max + 1 bytes */
	data[n - 2] = 'z';         /* line 3: 1 byte */
	data[n - 1] = '\n';
	for (int mode = 0; mode < 2; mode++) {
		pid_t pid = -1;
		int fd = mode == 0 ? file_with(data, n) : pipe_writer(data, n, 7777, 0, &pid);
		struct linereader *lr = linereader_new(fd, max);
		struct gotlist g;
		read_all(lr, &g);
		ck_assert_uint_eq(g.n, 3);
		ck_assert_int_eq(g.v[0].oversize, 0);
		ck_assert_uint_eq(g.v[0].len, max);
		ck_assert(memcmp(g.v[0].p, data, max) == 0);
		ck_assert_int_eq(g.v[1].oversize, 1);
		ck_assert_uint_eq(g.v[1].len, 0);
		ck_assert_uint_eq(g.v[1].no, 2);
		ck_assert_uint_eq(g.v[2].len, 1);
		ck_assert_int_eq(g.v[2].p[0], 'z');
		ck_assert_uint_eq(g.v[2].no, 3);
		gotlist_free(&g);
		linereader_free(lr);
		close(fd);
		if (pid > 0)
			reap(pid);
	}
	free(data);
}
END_TEST

/* ---- idle callback ---- */

struct idle_count {
	int calls;
	void *self;
};

static void
count_idle(void *ctx)
{
	struct idle_count *c = ctx;
	ck_assert_ptr_eq(c->self, c); /* the registered ctx is passed back */
	c->calls++;
}

/* The writer pauses 200 ms between two lines: the reader must call the
 * idle callback before blocking for the second one. */
START_TEST(idle_called_before_blocking)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], "one\n", 4) != 4)
			_exit(3);
		sleep_us(200 * 1000);
		if (write(p[1], "two\n", 4) != 4)
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	struct linereader *lr = linereader_new(p[0], 64);
	struct idle_count c = {0, NULL};
	c.self = &c;
	linereader_on_idle(lr, count_idle, &c);

	struct line l;
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_LINE);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_mem_eq(l.p, "one", 3);
	int before = c.calls;
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_LINE);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_mem_eq(l.p, "two", 3);
	ck_assert_uint_eq(l.no, 2);
	ck_assert_msg(c.calls > before, "idle not called while the writer paused (%d calls)",
	    c.calls);
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_EOF);
	linereader_free(lr);
	close(p[0]);
	reap(pid);
}
END_TEST

/* No idle call when data is already waiting in the pipe. */
START_TEST(idle_not_called_when_data_ready)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	write_all(p[1], "a\nb\nc", 5);
	close(p[1]);
	struct linereader *lr = linereader_new(p[0], 64);
	struct idle_count c = {0, NULL};
	c.self = &c;
	linereader_on_idle(lr, count_idle, &c);
	struct gotlist g;
	read_all(lr, &g);
	static const struct want want[] = {{BYTES("a"), 0, 0}, {BYTES("b"), 0, 0}, {BYTES("c"), 0, 1}};
	check_lines("ready pipe", &g, want, 3);
	ck_assert_int_eq(c.calls, 0);
	gotlist_free(&g);
	linereader_free(lr);
	close(p[0]);
}
END_TEST

/* A regular file is always readable: idle is never called. */
START_TEST(idle_never_called_for_file)
{
	size_t n = 600 * 1000; /* more than one read */
	char *data = malloc(n);
	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < n; i++)
		data[i] = i % 100 == 99 ? '\n' : 'a';
	int fd = file_with(data, n);
	struct linereader *lr = linereader_new(fd, 128);
	struct idle_count c = {0, NULL};
	c.self = &c;
	linereader_on_idle(lr, count_idle, &c);
	struct gotlist g;
	read_all(lr, &g);
	ck_assert_uint_eq(g.n, n / 100);
	for (size_t i = 0; i < g.n; i++)
		if (g.v[i].oversize || g.v[i].len != 99)
			ck_abort_msg("line %zu: oversize %d, %zu bytes", i + 1, g.v[i].oversize, g.v[i].len);
	ck_assert_uint_eq(g.v[g.n - 1].no, n / 100);
	ck_assert_int_eq(c.calls, 0);
	gotlist_free(&g);
	linereader_free(lr);
	close(fd);
	free(data);
}
END_TEST

/* ---- errors and signals ---- */

START_TEST(read_error_reported)
{
	int fd = open("/", O_RDONLY); /* read(2) on a directory: EISDIR */
	ck_assert_int_ge(fd, 0);
	struct linereader *lr = linereader_new(fd, 64);
	struct line l;
	errno = 0;
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_ERROR);
	ck_assert_int_eq(errno, EISDIR);
	linereader_free(lr);
	close(fd);
}
END_TEST

static volatile sig_atomic_t signals_seen;

static void
on_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

static void
no_idle(void *ctx)
{
	(void)ctx;
}

/* A signal while the reader waits gives LINEREADER_INTR; the next call
 * resumes, keeping the partial line read before. _i: 0 plain blocking
 * read(2), 1 with an idle callback, 2 with a wait mask (both wait in
 * pselect before reading). */
START_TEST(interrupted_read_resumes)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: read(2) fails with EINTR */
	ck_assert_int_eq(sigaction(SIGALRM, &sa, &old), 0);

	write_all(p[1], "one\npar", 7);
	struct linereader *lr = linereader_new(p[0], 64);
	sigset_t current;
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &current), 0);
	sigdelset(&current, SIGALRM);
	if (_i == 1)
		linereader_on_idle(lr, no_idle, NULL);
	else if (_i == 2)
		linereader_wait_mask(lr, &current);
	struct line l;
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_LINE);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_mem_eq(l.p, "one", 3);

	/* Repeating, so that a tick missed before read(2) blocks is not a hang. */
	struct itimerval it = {.it_interval = {0, 50 * 1000}, .it_value = {0, 50 * 1000}};
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	enum linereader_status st = linereader_next(lr, &l);
	struct itimerval off = {.it_interval = {0, 0}, .it_value = {0, 0}};
	ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
	ck_assert_int_eq(st, LINEREADER_INTR);
	ck_assert_int_ge(signals_seen, 1);

	write_all(p[1], "tial\n", 5);
	close(p[1]);
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_LINE);
	ck_assert_uint_eq(l.len, 7);
	ck_assert_mem_eq(l.p, "partial", 7);
	ck_assert_uint_eq(l.no, 2);
	ck_assert_int_eq(l.no_newline, 0);
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_EOF);

	ck_assert_int_eq(sigaction(SIGALRM, &old, NULL), 0);
	linereader_free(lr);
	close(p[0]);
}
END_TEST

/* With a wait mask, a stop signal kept blocked while the caller works is
 * delivered as soon as the reader would wait, so one raised just before
 * the call is never lost behind a blocking read. */
START_TEST(wait_mask_delivers_pending_signal)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);
	sigset_t block, saved, wait;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, &block, &saved), 0);
	wait = saved;
	sigdelset(&wait, SIGUSR1);

	write_all(p[1], "one\n", 4);
	struct linereader *lr = linereader_new(p[0], 64);
	linereader_wait_mask(lr, &wait);
	struct line l;
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_LINE);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_mem_eq(l.p, "one", 3);

	signals_seen = 0;
	ck_assert_int_eq(raise(SIGUSR1), 0); /* pending: blocked outside the wait */
	ck_assert_int_eq(signals_seen, 0);
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_INTR);
	ck_assert_int_eq(signals_seen, 1);

	/* The mask outside the reader is untouched: SIGUSR1 still blocked. */
	sigset_t now;
	ck_assert_int_eq(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	ck_assert_int_eq(sigismember(&now, SIGUSR1), 1);

	write_all(p[1], "two\n", 4);
	close(p[1]);
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_LINE);
	ck_assert_uint_eq(l.len, 3);
	ck_assert_mem_eq(l.p, "two", 3);
	ck_assert_uint_eq(l.no, 2);
	ck_assert_int_eq(linereader_next(lr, &l), LINEREADER_EOF);
	ck_assert_int_eq(signals_seen, 1);

	ck_assert_int_eq(sigprocmask(SIG_SETMASK, &saved, NULL), 0);
	ck_assert_int_eq(sigaction(SIGUSR1, &old, NULL), 0);
	linereader_free(lr);
	close(p[0]);
}
END_TEST

START_TEST(free_null)
{
	linereader_free(NULL);
}
END_TEST

Suite *
linereader_suite(void)
{
	Suite *s = suite_create("linereader");

	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, split_table, 0,
	    (int)(sizeof split_cases / sizeof split_cases[0]) * NMODES);
	tcase_add_test(tc, trickle_many_lines);
	tcase_add_test(tc, numbers_count_oversize_lines);
	tcase_add_test(tc, free_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, big_line_kept);
	tcase_add_test(tc, big_line_oversize);
	tcase_add_test(tc, big_line_oversize_at_eof);
	tcase_add_test(tc, big_limit_boundary);
	suite_add_tcase(s, tc);

	tc = tcase_create("idle");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, idle_called_before_blocking);
	tcase_add_test(tc, idle_not_called_when_data_ready);
	tcase_add_test(tc, idle_never_called_for_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, read_error_reported);
	tcase_add_loop_test(tc, interrupted_read_resumes, 0, 3);
	tcase_add_test(tc, wait_mask_delivers_pending_signal);
	suite_add_tcase(s, tc);
	return s;
}
