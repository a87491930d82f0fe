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

/* SIGINT/SIGTERM end the run after the event in hand. No SA_RESTART, so a
 * blocking read returns at once. SIGPIPE keeps its default: when the
 * reader goes away, we stop quietly. */
static void
install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
main(int argc, char **argv)
{
	struct options opts;
	char err[256];
	int status;

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
		install_signals();
		status = pipeline_run(&opts, 1, stderr, &stop_requested);
		if (stop_requested)
			status = 128 + stop_requested;
		break;
	}
	options_free(&opts);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fputs("cdcpivot: write error on standard output\n", stderr);
		status = EXIT_FATAL;
	}
	return status;
}
