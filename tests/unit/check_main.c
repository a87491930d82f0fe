/* The one Check runner: every suite, one summary line. CK_RUN_SUITE=name
 * runs one suite; CK_FORK=no runs in-process (for valgrind). */
#include <stdlib.h>

#include "check_suites.h"

int
main(void)
{
	SRunner *sr = srunner_create(base64_suite());
	srunner_add_suite(sr, buf_suite());
	srunner_add_suite(sr, checkpoint_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, columns_suite());
	srunner_add_suite(sr, decimal_suite());
	srunner_add_suite(sr, deadletter_suite());
	srunner_add_suite(sr, decode_suite());
	srunner_add_suite(sr, decoders_suite());
	srunner_add_suite(sr, dedup_suite());
	srunner_add_suite(sr, diag_suite());
	srunner_add_suite(sr, diff_suite());
	srunner_add_suite(sr, envbuild_suite());
	srunner_add_suite(sr, envelope_suite());
	srunner_add_suite(sr, failures_suite());
	srunner_add_suite(sr, golden_suite());
	srunner_add_suite(sr, jsonarena_suite());
	srunner_add_suite(sr, jsonval_suite());
	srunner_add_suite(sr, kafkainput_suite());
	srunner_add_suite(sr, linereader_suite());
	srunner_add_suite(sr, fastjson_suite());
	srunner_add_suite(sr, memberindex_suite());
	srunner_add_suite(sr, mutants_suite());
	srunner_add_suite(sr, options_suite());
	srunner_add_suite(sr, pgtext_suite());
	srunner_add_suite(sr, output_suite());
	srunner_add_suite(sr, schemacache_suite());
	srunner_add_suite(sr, pins_suite());
	srunner_add_suite(sr, pipeline_suite());
	srunner_add_suite(sr, pivot_suite());
	srunner_add_suite(sr, state_suite());
	srunner_add_suite(sr, stateful_suite());
	srunner_add_suite(sr, tablefilter_suite());
	srunner_add_suite(sr, timefmt_suite());
	srunner_add_suite(sr, utf8_suite());
	srunner_add_suite(sr, warnings_suite());
	srunner_add_suite(sr, writer_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
