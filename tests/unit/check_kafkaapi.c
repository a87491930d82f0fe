/* kafkaapi.h: librdkafka is loaded when asked for, every function the
 * consumer calls is found and is librdkafka's, a library that is missing
 * or is not librdkafka is reported by name, and the binary itself does
 * not link it (so reading stdin needs no librdkafka1). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "kafkaapi.h"

START_TEST(loads_every_function)
{
	struct kafka_api api;
	char err[256] = "";
	memset(&api, 0, sizeof api);
	ck_assert_int_eq(kafka_api_load(&api, KAFKA_API_LIBRARY, err, sizeof err), 0);
#define KAFKA_API_SAME(f) ck_assert_msg(api.f == rd_kafka_##f, "rd_kafka_" #f " is not librdkafka's");
	KAFKA_API_FUNCTIONS(KAFKA_API_SAME)
#undef KAFKA_API_SAME
	ck_assert_str_eq(api.err2str(RD_KAFKA_RESP_ERR__PARTITION_EOF), "Broker: No more messages");
	/* loaded once: a second load finds the same functions */
	struct kafka_api again;
	ck_assert_int_eq(kafka_api_load(&again, KAFKA_API_LIBRARY, err, sizeof err), 0);
	ck_assert(again.consumer_poll == api.consumer_poll);
}
END_TEST

START_TEST(missing_library_named)
{
	struct kafka_api api;
	char err[256] = "";
	ck_assert_int_eq(kafka_api_load(&api, "librdkafka-missing.so.9", err, sizeof err), -1);
	ck_assert_msg(strncmp(err, "cannot load librdkafka: ", 24) == 0, "%s", err);
	ck_assert_msg(strstr(err, "librdkafka-missing.so.9") != NULL, "%s", err);
}
END_TEST

/* A library that loads but is not librdkafka: the first function not
 * found is named. */
START_TEST(missing_function_named)
{
	struct kafka_api api;
	char err[256] = "";
	ck_assert_int_eq(kafka_api_load(&api, "libm.so.6", err, sizeof err), -1);
	ck_assert_msg(strstr(err, "rd_kafka_assign") != NULL, "%s", err);
}
END_TEST

START_TEST(binary_does_not_link_it)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "readelf -d '%s'", cdcpivot_path());
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char line[512];
	int needed = 0, rdkafka = 0;
	while (fgets(line, sizeof line, p) != NULL) {
		if (strstr(line, "(NEEDED)") != NULL) {
			needed++;
			rdkafka += strstr(line, "librdkafka") != NULL;
		}
	}
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_int_gt(needed, 0); /* readelf read it: libc at least */
	ck_assert_int_eq(rdkafka, 0);
}
END_TEST

Suite *
kafkaapi_suite(void)
{
	Suite *s = suite_create("kafkaapi");
	TCase *tc = tcase_create("load");
	tcase_add_test(tc, loads_every_function);
	tcase_add_test(tc, missing_library_named);
	tcase_add_test(tc, missing_function_named);
	tcase_add_test(tc, binary_does_not_link_it);
	suite_add_tcase(s, tc);
	return s;
}
