#ifndef CDCPIVOT_DIAG_H
#define CDCPIVOT_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "envelope.h"

/* Every message the user sees on stderr, and the counters behind the
 * summary line. One form: "cdcpivot: <input>:LINE: message". */
struct diag {
	FILE *err;
	FILE *dead_letter;  /* rejected lines are appended here, or NULL */
	const char *input;  /* "<stdin>" or the file name being read */
	unsigned long long events, rows, rejected;
	unsigned long long skipped[SKIP_KINDS];
	int dead_letter_failed;
};

void diag_init(struct diag *d, FILE *err, FILE *dead_letter);

/* A rejected input line: message, counter, and dead-letter copy (none
 * when line is NULL: an over-long line was never kept). */
void diag_reject(struct diag *d, unsigned long lineno, const char *line, size_t len,
    const char *reason);

void diag_warn(struct diag *d, unsigned long lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A message not tied to an input line: "cdcpivot: message". */
void diag_error(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "cdcpivot: summary: N events, N rows, N skipped (kind N, ...), N rejected" */
void diag_summary(const struct diag *d);

#endif
