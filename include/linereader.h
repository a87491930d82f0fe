#ifndef CDCPIVOT_LINEREADER_H
#define CDCPIVOT_LINEREADER_H

#include <signal.h>
#include <stddef.h>

/* A read(2)-based line splitter. It exists instead of getline(3) for two
 * reasons: it must know when the next read would block, so that the caller
 * can flush its output before waiting (tail -f users see rows as soon as the
 * input pauses), and it must bound memory per line (--max-line-bytes) without
 * reading an over-long line into memory whole. */

struct linereader;

struct line {
	const char *p;       /* line bytes, without "\n" or "\r\n"; valid until
	                        the next linereader_next() call */
	size_t len;
	unsigned long no;    /* 1-based line number in this input */
	int oversize;        /* longer than the limit: its bytes were dropped as
	                        they arrived and len is 0 */
	int no_newline;      /* last line of the input, not terminated by "\n" */
};

/* Called with ctx just before the reader blocks waiting for input, and
 * before it grows its buffer for a line longer than it holds: the caller
 * writes what it has, so neither a pause nor running out of memory on a
 * huge line keeps rows of earlier lines from their reader. */
typedef void linereader_idle_fn(void *ctx);

enum linereader_status {
	LINEREADER_LINE = 1,
	LINEREADER_EOF = 0,
	LINEREADER_ERROR = -1, /* read(2) failed; errno says why */
	LINEREADER_INTR = -2   /* read(2) was interrupted by a signal; calling
	                          again resumes where it stopped */
};

/* Creates a reader over fd (not closed by the reader). max_line is the
 * longest line, in bytes without its terminator, kept whole. */
struct linereader *linereader_new(int fd, size_t max_line);
void linereader_free(struct linereader *lr);
void linereader_on_idle(struct linereader *lr, linereader_idle_fn *fn, void *ctx);

/* The signal mask in force while the reader waits for input. A caller that
 * blocks its stop signals everywhere else and unblocks them here gets
 * LINEREADER_INTR for a signal at any time, without the race between
 * checking a flag and starting a blocking read. Input that never makes the
 * reader wait (a regular file, a pipe that is always full) has a signal
 * that the mask lets in delivered before each read(2) instead, so a stop
 * is seen within one READ_CHUNK of input. The mask must outlive the
 * reader. NULL (the default) leaves the mask alone. */
void linereader_wait_mask(struct linereader *lr, const sigset_t *mask);
enum linereader_status linereader_next(struct linereader *lr, struct line *out);

#endif
