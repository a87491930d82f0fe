/* The one Check runner: every suite, one summary line. CK_RUN_SUITE=name
 * runs one suite; CK_FORK=no runs in-process (for valgrind).
 * CHECK_SUITES=a,b runs only the suites named, CHECK_SUITES_SKIP=a,b all
 * but those: with the same list, the two runs share the suites out between
 * them, each run once (make valgrind runs them side by side). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"

static const struct {
	const char *name;
	Suite *(*make)(void);
} suites[] = {
	{"base64", base64_suite},
	{"buf", buf_suite},
	{"checkpoint", checkpoint_suite},
	{"cli", cli_suite},
	{"columns", columns_suite},
	{"decimal", decimal_suite},
	{"deadletter", deadletter_suite},
	{"decode", decode_suite},
	{"decoders", decoders_suite},
	{"dedup", dedup_suite},
	{"diag", diag_suite},
	{"diff", diff_suite},
	{"envbuild", envbuild_suite},
	{"envelope", envelope_suite},
	{"failures", failures_suite},
	{"golden", golden_suite},
	{"jsonarena", jsonarena_suite},
	{"jsonunescape", jsonunescape_suite},
	{"jsonval", jsonval_suite},
	{"kafkaapi", kafkaapi_suite},
	{"kafkainput", kafkainput_suite},
	{"linereader", linereader_suite},
	{"fastjson", fastjson_suite},
	{"memberindex", memberindex_suite},
	{"mutants", mutants_suite},
	{"options", options_suite},
	{"payloadshape", payloadshape_suite},
	{"pgtext", pgtext_suite},
	{"output", output_suite},
	{"schemacache", schemacache_suite},
	{"pins", pins_suite},
	{"pipeline", pipeline_suite},
	{"pivot", pivot_suite},
	{"state", state_suite},
	{"stateful", stateful_suite},
	{"tablefilter", tablefilter_suite},
	{"timefmt", timefmt_suite},
	{"utf8", utf8_suite},
	{"warnings", warnings_suite},
	{"writer", writer_suite},
};

/* Whether name is one of the comma-separated names of list. */
static int
listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p != '\0';) {
		size_t k = strcspn(p, ",");
		if (k == n && memcmp(p, name, n) == 0)
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

/* Whether every name in list is a suite's: a misspelt name would
 * otherwise run nothing, and pass. */
static int
all_known(const char *list)
{
	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t k = strcspn(p, ",");
		int found = 0;
		for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
			found |= strlen(suites[i].name) == k && memcmp(suites[i].name, p, k) == 0;
		if (!found) {
			fprintf(stderr, "check_cdcpivot: no suite named '%.*s'\n", (int)k, p);
			return 0;
		}
		p += k + (p[k] == ',');
	}
	return 1;
}

int
main(void)
{
	const char *only = getenv("CHECK_SUITES"), *skip = getenv("CHECK_SUITES_SKIP");
	if (!all_known(only) || !all_known(skip))
		return 2;
	SRunner *sr = NULL;
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		if ((only != NULL && !listed(only, suites[i].name)) ||
		    (skip != NULL && listed(skip, suites[i].name)))
			continue;
		if (sr == NULL)
			sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(sr, suites[i].make());
	}
	if (sr == NULL)
		sr = srunner_create(NULL);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
