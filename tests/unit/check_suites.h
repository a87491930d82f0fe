#ifndef CDCPIVOT_CHECK_SUITES_H
#define CDCPIVOT_CHECK_SUITES_H

#include <check.h>

/* One suite per module, all run by check_main.c. */
Suite *base64_suite(void);
Suite *buf_suite(void);
Suite *checkpoint_suite(void);
Suite *cli_suite(void);
Suite *columns_suite(void);
Suite *decimal_suite(void);
Suite *deadletter_suite(void);
Suite *decode_suite(void);
Suite *decoders_suite(void);
Suite *dedup_suite(void);
Suite *diag_suite(void);
Suite *diff_suite(void);
Suite *envbuild_suite(void);
Suite *envelope_suite(void);
Suite *failures_suite(void);
Suite *golden_suite(void);
Suite *jsonarena_suite(void);
Suite *jsonunescape_suite(void);
Suite *jsonval_suite(void);
Suite *kafkaapi_suite(void);
Suite *kafkainput_suite(void);
Suite *linereader_suite(void);
Suite *fastjson_suite(void);
Suite *memberindex_suite(void);
Suite *mutants_suite(void);
Suite *options_suite(void);
Suite *payloadshape_suite(void);
Suite *pgtext_suite(void);
Suite *output_suite(void);
Suite *schemacache_suite(void);
Suite *pins_suite(void);
Suite *pipeline_suite(void);
Suite *pivot_suite(void);
Suite *state_suite(void);
Suite *stateful_suite(void);
Suite *tablefilter_suite(void);
Suite *timefmt_suite(void);
Suite *utf8_suite(void);
Suite *warnings_suite(void);
Suite *writer_suite(void);

#endif
