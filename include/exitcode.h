#ifndef CDCPIVOT_EXITCODE_H
#define CDCPIVOT_EXITCODE_H

/* The process exit status is part of the interface: shell scripts branch on
 * it, so the values follow cmp(1)/diff(1) and never change. */
enum exitcode {
	EXIT_ALL_HANDLED = 0, /* every line handled (skipping counts) */
	EXIT_REJECTED = 1,    /* at least one line rejected */
	EXIT_FATAL = 2        /* usage error or fatal I/O error */
};

#endif
