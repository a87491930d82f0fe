/* pgtext.h: reading Debezium's ISO 8601 interval text. Its numbers are
 * read to within 8 of the int64 limit, and refused past it (they are
 * printed as sent then, never wrapped around). */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

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
	ck_assert_int_eq(pgtext_parse_duration("PD", &mo, &d, &us), -1);  /* a unit without its number */
	ck_assert_int_eq(pgtext_parse_duration("PT1HT1M", &mo, &d, &us), -1); /* two T */
	/* each component fits, their sum does not */
	ck_assert_int_eq(pgtext_parse_duration("P9000000000000000000D1000000000000000000D", &mo, &d, &us), -1);
	ck_assert_int_eq(pgtext_parse_duration("P-9000000000000000000D-1000000000000000000D", &mo, &d, &us), -1);
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
	/* a count that fits, times its unit, does not */
	ck_assert_int_eq(pgtext_parse_duration("P9000000000000000000W", &mo, &d, &us), -1);
	ck_assert_int_eq(pgtext_parse_duration("P9000000000000000000Y", &mo, &d, &us), -1);
	ck_assert_int_eq(pgtext_parse_duration("PT9000000000000000H", &mo, &d, &us), -1);
}
END_TEST

/* A float literal as PostgreSQL's float8out/float4out print the value;
 * what is not a JSON number literal, or is too long to be one cJSON read
 * as a double, is refused (-1, nothing appended) and printed as sent. */
START_TEST(float_text_or_refusal)
{
	struct buf b;
	buf_init(&b);
	ck_assert_int_eq(pgtext_float(&b, "1.50", 4, 0), 0);
	buf_putc(&b, ',');
	ck_assert_int_eq(pgtext_float(&b, "1e15", 4, 0), 0);
	buf_putc(&b, ',');
	ck_assert_int_eq(pgtext_float(&b, "0.1", 3, 1), 0);
	buf_putc(&b, '\0');
	ck_assert_str_eq(b.p, "1.5,1e+15,0.1");
	b.len = 0;
	char lit[80];
	memset(lit, '1', sizeof lit);
	ck_assert_int_eq(pgtext_float(&b, lit, sizeof lit, 0), -1);
	ck_assert_int_eq(pgtext_float(&b, "NaN", 3, 0), -1);
	ck_assert_int_eq(pgtext_float(&b, "+1", 2, 0), -1);
	ck_assert_int_eq(pgtext_float(&b, "", 0, 0), -1);
	ck_assert_int_eq(pgtext_float(&b, "1e400", 5, 0), -1); /* beyond a double */
	ck_assert_int_eq(pgtext_float(&b, "1e39", 4, 1), -1);  /* beyond a float4 */
	ck_assert_int_eq(pgtext_float(&b, "1x", 2, 0), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
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
	tc = tcase_create("float");
	tcase_add_test(tc, float_text_or_refusal);
	suite_add_tcase(s, tc);
	return s;
}
