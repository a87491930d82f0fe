#ifndef CDCPIVOT_DIAG_H
#define CDCPIVOT_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "tally.h"

/* Every message the user sees on stderr, in one form: "cdcpivot:
 * <input>:LINE: message", one line, with control bytes escaped so that
 * quoted input can neither break the line nor drive a terminal. diag only
 * writes messages: the counters are a struct tally, the copy of rejected
 * lines a struct deadletter, both kept by the pipeline. */
struct diag {
	FILE *err;
	const char *input;  /* "<stdin>" or the file name being read */
};

void diag_init(struct diag *d, FILE *err);

/* The message of a rejected input line (reason is escaped). */
void diag_reject(struct diag *d, unsigned long lineno, const char *reason);

void diag_warn(struct diag *d, unsigned long lineno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A message not tied to an input line: "cdcpivot: message". */
void diag_error(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "cdcpivot: summary: N events, N rows, N skipped (kind N, ...), N rejected" */
void diag_summary(const struct diag *d, const struct tally *t);

#endif
