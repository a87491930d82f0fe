#ifndef CDCPIVOT_OUTPUT_H
#define CDCPIVOT_OUTPUT_H

#include <signal.h>
#include <stddef.h>

#include "buf.h"

/* The output side: one large buffer in front of a file descriptor, written
 * with write(2) only up to the last committed event, so the output never
 * holds part of an event's rows (kilo's append buffer, applied to a
 * stream).
 *
 * What reaches the descriptor is whole events, whatever goes wrong:
 * - a regular file that stops taking bytes (full disk, RLIMIT_FSIZE, EIO)
 *   is truncated back to the end of the last whole event it holds;
 * - a pipe, terminal or socket is written in pieces that end at event
 *   boundaries and are at most PIPE_BUF bytes, which a pipe takes whole or
 *   not at all, so a stop signal can end a blocked write between events
 *   (an event larger than PIPE_BUF that was partly written is finished
 *   first: a pipe cannot be truncated).
 * Rows are counted as written only once their event is in the file. */

struct output_event; /* end offset and row count of one committed event */

struct output {
	int fd;
	int regular;       /* fd is a regular file: failed writes are undone */
	struct buf data;   /* rows appended by the writer */
	size_t committed;  /* data[0..committed) is whole events */
	size_t flush_at;   /* flush when this much is committed */
	int error;         /* errno of the first failed write, else 0 */
	int sync;          /* fsync(2) after every flush that wrote bytes */
	unsigned long long rows_written; /* rows whose event reached fd */
	struct output_event *events;     /* committed, not yet written */
	size_t nevents, capevents;
	const sigset_t *wait_mask;       /* see output_signals() */
	const volatile sig_atomic_t *stop;
	long long stop_seen_ms;          /* CLOCK_MONOTONIC ms when *stop was
	                                    first seen by a wait, or 0 */
	unsigned long long commits;      /* output_commit() calls so far */
	unsigned long long commits_written; /* of those, how many have every
	                                    row on fd (see output_commits_written) */
};

void output_init(struct output *o, int fd, size_t flush_at);
void output_free(struct output *o);

/* Stop signals, kept blocked by the caller, are let in (wait_mask) only
 * while the output waits for a pipe or terminal to take bytes; once *stop
 * is non-zero, a flush waits at most OUTPUT_STOP_WAIT_MS for the reader
 * and leaves the events it could not write unwritten (counted by
 * output_rows_pending()). */
enum { OUTPUT_STOP_WAIT_MS = 50 };
void output_signals(struct output *o, const sigset_t *wait_mask, const volatile sig_atomic_t *stop);

/* Marks everything appended so far as one whole event holding rows rows;
 * flushes if enough is pending. Returns 0, or -1 after a write error
 * (errno in o->error). */
int output_commit(struct output *o, size_t rows);

/* How many output_commit() calls so far have all their rows on the
 * descriptor (and, with o->sync, on disk): commits numbered 1..N, counted
 * in order, are done. A commit that added no rows is done as soon as every
 * commit before it is. A caller that numbers its inputs by o->commits
 * after their commit learns here when each one is safe to acknowledge (a
 * Kafka offset to store). It does not advance after a write error. */
unsigned long long output_commits_written(const struct output *o);

/* Drops what was appended since the last commit. */
void output_rollback(struct output *o);

/* Writes every committed byte. Returns 0, or -1 after a write error. A
 * flush cut short by a stop signal returns 0 with events left pending. */
int output_flush(struct output *o);

/* Rows of committed events that have not reached the descriptor. */
unsigned long long output_rows_pending(const struct output *o);

/* A regular file that does not end in "\n" ends in part of a row, left by a
 * run that was killed during a write or by a crash of the machine: cuts it
 * back to its last "\n" (or to empty). Returns the number of bytes removed,
 * 0 when there was nothing to repair or fd is not a regular file, -1 on
 * error (errno set). */
long long output_repair_tail(int fd);

#endif
