#ifndef CDCPIVOT_OUTPUT_H
#define CDCPIVOT_OUTPUT_H

#include <stddef.h>

#include "buf.h"

/* The output side: one large buffer in front of a file descriptor, written
 * with write(2) only up to the last committed event, so the file never
 * holds part of an event's rows (kilo's append buffer, applied to a
 * stream). */
struct output {
	int fd;
	struct buf data;   /* rows appended by the writer */
	size_t committed;  /* data[0..committed) is whole events */
	size_t flush_at;   /* flush when this much is committed */
	int error;         /* errno of the first failed write, else 0 */
	int sync;          /* fsync(2) after every flush that wrote bytes */
};

void output_init(struct output *o, int fd, size_t flush_at);
void output_free(struct output *o);

/* Marks everything appended so far as whole; flushes if enough is
 * pending. Returns 0, or -1 after a write error (errno in o->error). */
int output_commit(struct output *o);

/* Drops what was appended since the last commit. */
void output_rollback(struct output *o);

/* Writes every committed byte. Returns 0, or -1 after a write error. */
int output_flush(struct output *o);

#endif
