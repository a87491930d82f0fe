#ifndef CDCPIVOT_DEADLETTER_H
#define CDCPIVOT_DEADLETTER_H

#include <stddef.h>
#include <stdio.h>

/* --dead-letter FILE: a verbatim copy of every rejected input line, one
 * per line, appended, so that an operator can fix and replay them. Each
 * line is written in one fwrite and flushed at once, so the file can be
 * read while cdcpivot runs. */
struct deadletter {
	FILE *f;    /* NULL: no --dead-letter */
	int failed; /* a write failed: later lines are not written */
};

/* Opens path for appending; path NULL means no file (every call then does
 * nothing). Returns 0, or -1 with errno set. */
int deadletter_open(struct deadletter *dl, const char *path);

/* Appends line[0..len) and "\n". Returns 0 (also when there is no file or
 * an earlier write failed), or -1 with errno set on the write that fails
 * first, after which dl->failed is set. */
int deadletter_keep(struct deadletter *dl, const char *line, size_t len);

/* Closes the file. Returns 0, or -1 with errno set if it could not be
 * written out. */
int deadletter_close(struct deadletter *dl);

#endif
