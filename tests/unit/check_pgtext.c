/* pgtext.h: reading Debezium's ISO 8601 interval text. Its numbers are
 * read to within 8 of the int64 limit, and refused past it (they are
 * printed as sent then, never wrapped around). */
#include <check.h>
#include <stdint.h>

#include "check_suites.h"
#include "pgtext.h"

START_TEST(duration_components)
{
	int64_t mo, d, us;
	ck_assert_int_eq(pgtext_parse_duration("P1Y2M3DT4H5M6.789S", &mo, &d, &us), 0);
	ck_assert_int_eq(mo, 14);
	ck_assert_int_eq(d, 3);
	ck_assert_int_eq(us, ((4 * 60 + 5) * 60 + 6) * INT64_C(1000000) + 789000);
	ck_assert_int_eq(pgtext_parse_duration("P-1DT-0.5S", &mo, &d, &us), 0);
	ck_assert_int_eq(mo, 0);
	ck_assert_int_eq(d, -1);
	ck_assert_int_eq(us, -500000);
	ck_assert_int_eq(pgtext_parse_duration("PT0.0000001S", &mo, &d, &us), -1); /* past the microsecond */
	ck_assert_int_eq(pgtext_parse_duration("1D", &mo, &d, &us), -1);
}
END_TEST

START_TEST(duration_numbers_to_the_int64_limit)
{
	int64_t mo, d, us;
	/* 19 digits: accepted while the first 18 leave room for the last */
	ck_assert_int_eq(pgtext_parse_duration("P9000000000000000000D", &mo, &d, &us), 0);
	ck_assert_int_eq(d, INT64_C(9000000000000000000));
	ck_assert_int_eq(pgtext_parse_duration("P9223372036854775799D", &mo, &d, &us), 0);
	ck_assert_int_eq(d, INT64_C(9223372036854775799));
	ck_assert_int_eq(pgtext_parse_duration("P9223372036854775808D", &mo, &d, &us), -1);
	ck_assert_int_eq(pgtext_parse_duration("P92233720368547758070D", &mo, &d, &us), -1);
}
END_TEST

Suite *
pgtext_suite(void)
{
	Suite *s = suite_create("pgtext");
	TCase *tc = tcase_create("duration");
	tcase_add_test(tc, duration_components);
	tcase_add_test(tc, duration_numbers_to_the_int64_limit);
	suite_add_tcase(s, tc);
	return s;
}
