#include "linereader.h"

#include <errno.h>
#include <signal.h>
#include <sys/select.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

enum { READ_CHUNK = 256 * 1024 };

struct linereader {
	int fd;
	size_t max_line;
	char *buf;
	size_t cap;
	size_t start;   /* first unconsumed byte */
	size_t end;     /* one past the last byte read */
	size_t scanned; /* bytes after start known to hold no newline */
	unsigned long no;
	int eof;
	int discarding; /* inside an over-long line: drop bytes up to "\n" */
	linereader_idle_fn *idle;
	void *idle_ctx;
	const sigset_t *wait_mask;
};

struct linereader *
linereader_new(int fd, size_t max_line)
{
	struct linereader *lr = xmalloc(sizeof *lr);
	memset(lr, 0, sizeof *lr);
	lr->fd = fd;
	lr->max_line = max_line;
	lr->cap = READ_CHUNK * 2;
	lr->buf = xmalloc(lr->cap);
	return lr;
}

void
linereader_free(struct linereader *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	free(lr);
}

void
linereader_on_idle(struct linereader *lr, linereader_idle_fn *fn, void *ctx)
{
	lr->idle = fn;
	lr->idle_ctx = ctx;
}

static void
emit(struct linereader *lr, struct line *out, size_t from, size_t len, int oversize, int no_newline)
{
	if (len > 0 && lr->buf[from + len - 1] == '\r')
		len--;
	out->p = lr->buf + from;
	out->len = len;
	out->no = ++lr->no;
	out->oversize = oversize;
	out->no_newline = no_newline;
}

/* Makes room for at least one more read, moving unconsumed bytes to the
 * front or growing the buffer (up to what max_line allows). */
static void
make_room(struct linereader *lr)
{
	if (lr->start > 0) {
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->start = 0;
	}
	if (lr->cap - lr->end >= READ_CHUNK / 4)
		return;
	if (lr->idle != NULL)
		lr->idle(lr->idle_ctx);
	size_t cap = lr->cap * 2;
	lr->buf = xrealloc(lr->buf, cap);
	lr->cap = cap;
}

void
linereader_wait_mask(struct linereader *lr, const sigset_t *mask)
{
	lr->wait_mask = mask;
}

/* Waits until fd is readable; timeout NULL waits for ever. pselect() swaps
 * in the wait mask atomically, so a stop signal that is blocked elsewhere
 * is delivered here and cannot slip in between a check and a blocking
 * read. Returns 1 readable, 0 timed out, -1 interrupted. */
static int
wait_readable(struct linereader *lr, const struct timespec *timeout)
{
	fd_set rf;
	FD_ZERO(&rf);
	FD_SET(lr->fd, &rf);
	int r = pselect(lr->fd + 1, &rf, NULL, NULL, timeout, lr->wait_mask);
	if (r < 0)
		return errno == EINTR ? -1 : 1; /* other errors: let read() report */
	return r > 0;
}

/* Whether a signal that the wait mask lets in is pending. Input that is
 * always ready (a regular file, a full pipe) never makes the reader wait,
 * so such a signal is let in here, once per read, instead. */
static int
deliver_pending(const struct linereader *lr)
{
	sigset_t pend, old;
	if (lr->wait_mask == NULL || sigpending(&pend) < 0)
		return 0;
	int any = 0;
	for (int s = 1; s <= 64 && !any; s++)
		any = sigismember(&pend, s) == 1 && sigismember(lr->wait_mask, s) == 0;
	if (any && sigprocmask(SIG_SETMASK, lr->wait_mask, &old) == 0)
		sigprocmask(SIG_SETMASK, &old, NULL); /* the handler ran in between */
	return any;
}

static enum linereader_status
fill(struct linereader *lr)
{
	if (deliver_pending(lr))
		return LINEREADER_INTR;
	if ((lr->idle != NULL || lr->wait_mask != NULL) && lr->fd < FD_SETSIZE) {
		static const struct timespec now = {0, 0};
		int r = wait_readable(lr, &now);
		if (r == 0) {
			if (lr->idle != NULL)
				lr->idle(lr->idle_ctx);
			r = wait_readable(lr, NULL);
		}
		if (r < 0)
			return LINEREADER_INTR;
	}
	ssize_t n = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
	if (n < 0)
		return errno == EINTR ? LINEREADER_INTR : LINEREADER_ERROR;
	if (n == 0)
		lr->eof = 1;
	lr->end += (size_t)n;
	return LINEREADER_LINE;
}

enum linereader_status
linereader_next(struct linereader *lr, struct line *out)
{
	for (;;) {
		char *nl = NULL;
		size_t avail = lr->end - lr->start;
		if (lr->scanned < avail)
			nl = memchr(lr->buf + lr->start + lr->scanned, '\n', avail - lr->scanned);
		if (lr->discarding) {
			if (nl != NULL) {
				lr->start = (size_t)(nl - lr->buf) + 1;
				lr->scanned = 0;
				lr->discarding = 0;
				emit(lr, out, 0, 0, 1, 0);
				return LINEREADER_LINE;
			}
			lr->start = lr->end = lr->scanned = 0; /* drop what was read */
		} else if (nl != NULL) {
			size_t from = lr->start;
			size_t len = (size_t)(nl - (lr->buf + from));
			lr->start = from + len + 1;
			lr->scanned = 0;
			/* The limit counts the line without its "\r\n". */
			size_t body = len > 0 && lr->buf[from + len - 1] == '\r' ? len - 1 : len;
			if (body > lr->max_line) {
				emit(lr, out, from, 0, 1, 0);
				return LINEREADER_LINE;
			}
			emit(lr, out, from, len, 0, 0);
			return LINEREADER_LINE;
		} else {
			lr->scanned = avail;
			if (avail > lr->max_line + 1) { /* + 1: a "\r" may follow */
				/* Too long to keep: drop it as it arrives, so
				 * memory stays bounded by the limit. */
				lr->start = lr->end = lr->scanned = 0;
				lr->discarding = 1;
				continue;
			}
		}
		if (lr->eof) {
			if (lr->discarding) {
				lr->discarding = 0;
				emit(lr, out, 0, 0, 1, 1);
				return LINEREADER_LINE;
			}
			if (lr->end > lr->start) {
				size_t from = lr->start, len = lr->end - lr->start;
				lr->start = lr->end;
				lr->scanned = 0;
				emit(lr, out, from, len, 0, 1);
				return LINEREADER_LINE;
			}
			return LINEREADER_EOF;
		}
		make_room(lr);
		enum linereader_status st = fill(lr);
		if (st != LINEREADER_LINE)
			return st;
	}
}
