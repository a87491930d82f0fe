#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct output_event {
	size_t end;  /* offset in data just after the event's rows */
	size_t rows;
	unsigned long long seq; /* its output_commit() number */
};

void
output_init(struct output *o, int fd, size_t flush_at)
{
	memset(o, 0, sizeof *o);
	o->fd = fd;
	buf_init(&o->data);
	o->flush_at = flush_at;
	struct stat st;
	o->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

void
output_free(struct output *o)
{
	buf_free(&o->data);
	free(o->events);
	o->events = NULL;
	o->nevents = o->capevents = 0;
}

void
output_signals(struct output *o, const sigset_t *wait_mask, const volatile sig_atomic_t *stop)
{
	o->wait_mask = wait_mask;
	o->stop = stop;
}

static int
stopping(const struct output *o)
{
	return o->stop != NULL && *o->stop;
}

static long long
monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Waits until fd takes bytes. Stop signals are let in only here (pselect
 * swaps the mask atomically, so one raised just before cannot be missed).
 * Once stopping, all waits together last at most OUTPUT_STOP_WAIT_MS.
 * Returns 1 writable, 0 give up (stopping and no room in time). */
static int
wait_writable(struct output *o)
{
	if (o->fd >= FD_SETSIZE)
		return 1; /* pselect cannot watch it: write(2) blocks instead */
	for (;;) {
		fd_set wf;
		FD_ZERO(&wf);
		FD_SET(o->fd, &wf);
		struct timespec limit, *lp = NULL;
		if (stopping(o)) {
			if (o->stop_seen_ms == 0)
				o->stop_seen_ms = monotonic_ms();
			long long left = OUTPUT_STOP_WAIT_MS - (monotonic_ms() - o->stop_seen_ms);
			if (left <= 0)
				return 0;
			limit = (struct timespec){left / 1000, (left % 1000) * 1000000};
			lp = &limit;
		}
		int r = pselect(o->fd + 1, NULL, &wf, NULL, lp, o->wait_mask);
		if (r > 0)
			return 1; /* errors too: write(2) reports them */
		if (r < 0 && errno != EINTR)
			return 1;
		if (r == 0)
			return 0;
	}
}

/* Writes data[done..end). Returns bytes written; sets o->error on failure
 * (a short count then tells how far it got). */
static size_t
write_span(struct output *o, size_t done, size_t end)
{
	size_t start = done;
	while (done < end) {
		ssize_t n = write(o->fd, o->data.p + done, end - done);
		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			/* A non-blocking descriptor: wait for room, do not fail. */
			struct pollfd p = {.fd = o->fd, .events = POLLOUT};
			poll(&p, 1, -1);
		} else if (n < 0 && errno != EINTR) {
			o->error = errno;
			break;
		} else if (n == 0) {
			o->error = EIO;
			break;
		}
	}
	return done - start;
}

/* Writes as much of data[0..committed) as the descriptor takes and returns
 * how far it got. A pipe-like fd is written in pieces of whole events of
 * at most PIPE_BUF bytes (an event larger than that in PIPE_BUF pieces,
 * finished once begun), waiting for room only between events. */
static size_t
write_committed(struct output *o)
{
	if (o->regular || o->wait_mask == NULL)
		return write_span(o, 0, o->committed);
	/* events[k] is the first event not yet complete; events[k..j) are
	 * those that end within PIPE_BUF bytes of done. Since done only
	 * grows, an event once within reach stays so: j only moves forward,
	 * and each event is looked at a bounded number of times. */
	size_t done = 0, k = 0, j = 0;
	while (done < o->committed && !o->error) {
		int between = done == 0 || (k > 0 && o->events[k - 1].end == done);
		if (between && !wait_writable(o))
			break;
		if (j < k)
			j = k;
		while (j < o->nevents && o->events[j].end - done <= PIPE_BUF)
			j++;
		size_t end = done + PIPE_BUF; /* inside an event larger than that */
		if (j > k)
			end = o->events[j - 1].end;
		else if (end > o->events[k].end)
			end = o->events[k].end;
		done += write_span(o, done, end);
		while (k < o->nevents && o->events[k].end <= done)
			k++;
	}
	return done;
}

/* Cuts a regular file back to the end of the last whole event written, so
 * a failed write leaves no part of a row. base is the file's end before. */
static size_t
undo_partial(struct output *o, off_t base, size_t done)
{
	size_t keep = 0;
	for (size_t i = 0; i < o->nevents && o->events[i].end <= done; i++)
		keep = o->events[i].end;
	if (keep < done && o->regular) {
		if (ftruncate(o->fd, base + (off_t)keep) == 0)
			lseek(o->fd, base + (off_t)keep, SEEK_SET); /* for a non-append fd */
		return keep;
	}
	return done;
}

/* Drops data[0..done) and the events it completes, counting their rows. */
static void
consume(struct output *o, size_t done)
{
	size_t k = 0;
	while (k < o->nevents && o->events[k].end <= done)
		o->rows_written += o->events[k++].rows;
	for (size_t i = k; i < o->nevents; i++)
		o->events[i - k] =
		    (struct output_event){o->events[i].end - done, o->events[i].rows, o->events[i].seq};
	o->nevents -= k;
	/* Events without bytes are written once everything before them is. */
	if (!o->error)
		o->events_written = o->nevents > 0 ? o->events[0].seq - 1 : o->events_committed;
	memmove(o->data.p, o->data.p + done, o->data.len - done);
	o->data.len -= done;
	o->committed -= done;
}

static off_t
file_end(const struct output *o)
{
	if (!o->regular)
		return 0;
	int fl = fcntl(o->fd, F_GETFL);
	struct stat st;
	if (fl >= 0 && (fl & O_APPEND) && fstat(o->fd, &st) == 0)
		return st.st_size;
	off_t at = lseek(o->fd, 0, SEEK_CUR);
	return at < 0 ? 0 : at;
}

int
output_flush(struct output *o)
{
	if (o->error)
		return -1;
	if (o->committed == 0)
		return 0;
	off_t base = file_end(o);
	size_t done = write_committed(o);
	if (o->error)
		done = undo_partial(o, base, done);
	/* --fsync: a row reported written survives a crash of the machine. */
	if (done > 0 && o->sync && !o->error && fsync(o->fd) < 0 && errno != EINVAL)
		o->error = errno;
	if (done > 0)
		consume(o, done);
	return o->error ? -1 : 0;
}

int
output_commit(struct output *o, size_t rows)
{
	if (o->data.len > o->committed) {
		if (o->nevents == o->capevents) {
			o->capevents = o->capevents ? o->capevents * 2 : 64;
			o->events = xrealloc(o->events, o->capevents * sizeof *o->events);
		}
		o->events[o->nevents++] =
		    (struct output_event){o->data.len, rows, o->events_committed + 1};
		o->committed = o->data.len;
	} else if (o->nevents == 0 && !o->error) {
		o->events_written = o->events_committed + 1; /* nothing to write */
	}
	o->events_committed++;
	if (o->committed >= o->flush_at && o->committed > 0)
		return output_flush(o);
	return o->error ? -1 : 0;
}

void
output_rollback(struct output *o)
{
	o->data.len = o->committed;
}

unsigned long long
output_rows_pending(const struct output *o)
{
	unsigned long long n = 0;
	for (size_t i = 0; i < o->nevents; i++)
		n += o->events[i].rows;
	return n;
}

long long
output_repair_tail(int fd)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	char block[4096];
	off_t end = st.st_size;
	while (end > 0) {
		size_t n = end < (off_t)sizeof block ? (size_t)end : sizeof block;
		if (pread(fd, block, n, end - (off_t)n) != (ssize_t)n)
			return -1;
		const char *nl = NULL;
		for (size_t i = n; i > 0 && nl == NULL; i--)
			if (block[i - 1] == '\n')
				nl = block + i - 1;
		if (nl != NULL && end == st.st_size && nl == block + n - 1)
			return 0; /* ends in "\n": whole rows */
		if (nl != NULL) {
			end = end - (off_t)n + (nl - block) + 1;
			break;
		}
		end -= (off_t)n;
	}
	if (ftruncate(fd, end) < 0)
		return -1;
	return (long long)(st.st_size - end);
}
