/* cdcpivot: Debezium change events in, a field-level change log out.
 * main() only wires the stages together; see pipeline.c for the loop. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "exitcode.h"
#include "options.h"
#include "pipeline.h"

#ifndef CDCPIVOT_VERSION
#define CDCPIVOT_VERSION "0.0.0"
#endif

static volatile sig_atomic_t stop_requested;

static void
on_stop_signal(int sig)
{
	stop_requested = sig;
}

/* SIGINT/SIGTERM end the run after the event in hand. They stay blocked
 * while an event is handled and are let in only while the reader waits for
 * input or before it reads more, and while the output waits for its reader
 * (wait_mask), so no event is ever cut short. SIGPIPE keeps its default:
 * when the reader goes away, we stop quietly. SIGXFSZ is ignored, so a
 * file size limit makes write(2) fail with EFBIG, which the output undoes
 * back to a whole event, instead of killing the process mid-row. */
static void
install_signals(sigset_t *wait_mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGXFSZ, SIG_IGN);
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
}

int
main(int argc, char **argv)
{
	struct options opts;
	char err[256];
	int status;
	sigset_t wait_mask;

	switch (options_parse(argc, argv, getenv("SOURCE_DATE_EPOCH"), &opts, err, sizeof err)) {
	case OPTIONS_HELP:
		fputs(options_synopsis, stdout);
		putchar('\n');
		fputs(options_help, stdout);
		status = EXIT_ALL_HANDLED;
		break;
	case OPTIONS_VERSION:
		printf("cdcpivot %s (cJSON %s)\n", CDCPIVOT_VERSION, cJSON_Version());
		status = EXIT_ALL_HANDLED;
		break;
	case OPTIONS_USAGE_ERROR:
		fprintf(stderr, "cdcpivot: %s\n%sTry 'cdcpivot --help' for more information.\n", err,
		    options_synopsis);
		status = EXIT_FATAL;
		break;
	default:
		install_signals(&wait_mask);
		status = pipeline_run(&opts, 1, stderr, &stop_requested, &wait_mask);
		break;
	}
	options_free(&opts);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fputs("cdcpivot: write error on standard output\n", stderr);
		status = EXIT_FATAL;
	}
	return status;
}
