#ifndef CDCPIVOT_PIPELINE_H
#define CDCPIVOT_PIPELINE_H

#include <signal.h>
#include <stdio.h>

#include "options.h"

/* The whole run: every input (o->files, or stdin) line by line through
 * envelope -> diff -> writer, rows to out_fd, messages to err. Stops early
 * when *stop becomes non-zero (set by a signal handler), after finishing
 * the event in hand. wait_mask, if not NULL, is the signal mask to use
 * while waiting for input (see linereader_wait_mask). Returns the exit
 * status: an enum exitcode value, or 128 + the signal number in *stop when
 * a signal ended the run. */
int pipeline_run(const struct options *o, int out_fd, FILE *err, volatile sig_atomic_t *stop,
    const sigset_t *wait_mask);

#endif
