/* timefmt.h: UTC calendar formatting for any instant. Expected values were
 * computed independently (Python's datetime, with 400-year cycles to reach
 * years outside 1..9999) and are embedded as literals. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_suites.h"
#include "timefmt.h"

static const struct {
	int64_t ms;
	const char *want;
} ms_cases[] = {
	{0, "1970-01-01 00:00:00.000"},
	{1, "1970-01-01 00:00:00.001"},
	{-1, "1969-12-31 23:59:59.999"},
	{86399999, "1970-01-01 23:59:59.999"},
	{86400000, "1970-01-02 00:00:00.000"},
	{-86400000, "1969-12-31 00:00:00.000"},
	{-86400001, "1969-12-30 23:59:59.999"},
	{946684800000, "2000-01-01 00:00:00.000"},
	{951782400000, "2000-02-29 00:00:00.000"}, /* 2000 is a leap year (div. by 400) */
	{951868799999, "2000-02-29 23:59:59.999"},
	{1583020799999, "2020-02-29 23:59:59.999"},
	{1600000000123, "2020-09-13 12:26:40.123"},
	{4102444800000, "2100-01-01 00:00:00.000"},
	{4107542399999, "2100-02-28 23:59:59.999"}, /* 2100 is not a leap year... */
	{4107542400000, "2100-03-01 00:00:00.000"}, /* ...so 02-28 + 1 day = 03-01 */
	{-2208988800000, "1900-01-01 00:00:00.000"},
	{-62135596800000, "0001-01-01 00:00:00.000"},
	/* Before year 1 as PostgreSQL 15 prints it (SELECT (timestamp
	 * '1970-01-01' + interval 'N milliseconds')::text), which it reads
	 * back; year 0 is 1 BC. */
	{-62135596800001, "0001-12-31 23:59:59.999 BC"},
	{-62167219200000, "0001-01-01 00:00:00.000 BC"},
	{-62198755200000, "0002-01-01 00:00:00.000 BC"},
	{-210000000000000, "4686-05-14 10:40:00.000 BC"},
	{253402300799999, "9999-12-31 23:59:59.999"},
	{253402300800000, "10000-01-01 00:00:00.000"},
	{INT64_MAX, "292278994-08-17 07:12:55.807"},
	/* The earliest instant whose day start is still an int64. */
	{INT64_MIN + 25975808, "292275056-05-17 00:00:00.000 BC"},
};

START_TEST(ms_table)
{
	char out[TIMEFMT_MAX + 8];
	memset(out, 'X', sizeof out);
	size_t n = timefmt_ms(ms_cases[_i].ms, out);
	ck_assert_str_eq(out, ms_cases[_i].want);
	ck_assert_uint_eq(n, strlen(ms_cases[_i].want));
	/* Nothing written past the documented TIMEFMT_MAX bytes. */
	for (size_t k = TIMEFMT_MAX; k < sizeof out; k++)
		ck_assert_int_eq(out[k], 'X');
}
END_TEST

/* Every millisecond of a day rolls over the fields exactly. */
START_TEST(ms_field_rollover)
{
	static const struct {
		int64_t ms;
		const char *want;
	} steps[] = {
		{999, "1970-01-01 00:00:00.999"},
		{1000, "1970-01-01 00:00:01.000"},
		{59999, "1970-01-01 00:00:59.999"},
		{60000, "1970-01-01 00:01:00.000"},
		{3599999, "1970-01-01 00:59:59.999"},
		{3600000, "1970-01-01 01:00:00.000"},
		{-1000, "1969-12-31 23:59:59.000"},
		{-1001, "1969-12-31 23:59:58.999"},
		{-60000, "1969-12-31 23:59:00.000"},
		{-3600001, "1969-12-31 22:59:59.999"},
	};
	char out[TIMEFMT_MAX];
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		ck_assert_uint_eq(timefmt_ms(steps[i].ms, out), 23);
		ck_assert_str_eq(out, steps[i].want);
	}
}
END_TEST

/* The output must not depend on TZ. */
START_TEST(ms_ignores_tz)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", "Pacific/Kiritimati", 1); /* UTC+14 */
	tzset();
	char out[TIMEFMT_MAX];
	timefmt_ms(1600000000123, out);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	ck_assert_str_eq(out, "2020-09-13 12:26:40.123");
}
END_TEST

/* Years as PostgreSQL writes them: four digits at least, BC for year <= 0. */
START_TEST(year_forms)
{
	static const struct {
		int64_t y;
		const char *want;
		int bc;
	} c[] = {
		{1, "0001", 0}, {2020, "2020", 0}, {9999, "9999", 0}, {10000, "10000", 0},
		{0, "0001", 1}, {-1, "0002", 1}, {-4712, "4713", 1}, {-292275055, "292275056", 1},
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char out[24];
		int bc = -1;
		size_t n = timefmt_year(c[i].y, out, &bc);
		ck_assert_uint_eq(n, strlen(c[i].want));
		ck_assert_mem_eq(out, c[i].want, n);
		ck_assert_int_eq(bc, c[i].bc);
	}
}
END_TEST

static const struct {
	int64_t days;
	int64_t year;
	unsigned month, day;
} civil_cases[] = {
	{0, 1970, 1, 1},
	{-1, 1969, 12, 31},
	{58, 1970, 2, 28},
	{59, 1970, 3, 1},
	{60, 1970, 3, 2},
	{364, 1970, 12, 31},
	{365, 1971, 1, 1},
	{10957, 2000, 1, 1},
	{11016, 2000, 2, 29},
	{18321, 2020, 2, 29},
	{18322, 2020, 3, 1},
	{47540, 2100, 2, 28},
	{47541, 2100, 3, 1},
	{146097, 2370, 1, 1},
	{-146097, 1570, 1, 1},
	{-25567, 1900, 1, 1},
	{-719162, 1, 1, 1},
	{-719468, 0, 3, 1},
	{-719469, 0, 2, 29}, /* year 0 is a leap year (divisible by 400) */
	{2932896, 9999, 12, 31},
	{2932897, 10000, 1, 1},
	{106751991167, 292278994, 8, 17},
	{-106751991168, -292275055, 5, 16},
};

START_TEST(civil_table)
{
	int64_t y = -12345;
	unsigned m = 99, d = 99;
	timefmt_civil(civil_cases[_i].days, &y, &m, &d);
	ck_assert_msg(y == civil_cases[_i].year && m == civil_cases[_i].month &&
	        d == civil_cases[_i].day,
	    "days %lld: got %lld-%u-%u, want %lld-%u-%u", (long long)civil_cases[_i].days,
	    (long long)y, m, d, (long long)civil_cases[_i].year, civil_cases[_i].month,
	    civil_cases[_i].day);
}
END_TEST

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
month_days(int64_t y, unsigned m)
{
	static const unsigned len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Consecutive days give consecutive dates over two 400-year cycles around
 * the epoch: every step is +1 day, +1 month or +1 year, never a gap. */
START_TEST(civil_consecutive)
{
	int64_t py;
	unsigned pm, pd;
	timefmt_civil(-146097 - 1, &py, &pm, &pd);
	ck_assert(py == 1569 && pm == 12 && pd == 31);
	for (int64_t days = -146097; days <= 146097; days++) {
		int64_t y;
		unsigned m, d;
		timefmt_civil(days, &y, &m, &d);
		int64_t ey = py;
		unsigned em = pm, ed = pd + 1;
		if (ed > month_days(py, pm)) {
			ed = 1;
			if (++em > 12) {
				em = 1;
				ey++;
			}
		}
		if (y != ey || m != em || d != ed)
			ck_abort_msg("days %lld: got %lld-%u-%u, want %lld-%u-%u", (long long)days,
			    (long long)y, m, d, (long long)ey, em, ed);
		py = y, pm = m, pd = d;
	}
	ck_assert(py == 2370 && pm == 1 && pd == 1);
}
END_TEST

/* timefmt_days_from_civil undoes timefmt_civil, day by day across the
 * leap rules and year 0, and far out at PostgreSQL's infinity markers. */
START_TEST(civil_inverse)
{
	static const int64_t starts[] = {-800000, -2000, 0, 10000, 2932800, 106751900};
	for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
		for (int64_t d = starts[k]; d < starts[k] + 1500; d++) {
			int64_t y;
			unsigned m, dd;
			timefmt_civil(d, &y, &m, &dd);
			ck_assert_int_eq(timefmt_days_from_civil(y, m, dd), d);
		}
	}
}
END_TEST

/* ISO texts as Java writes them: date, time, zone, signed years. */
START_TEST(parse_iso)
{
	struct timefmt_iso r;
	ck_assert_int_eq(timefmt_parse_iso("2020-09-16T13:53:20.123456789+05:30", &r), 0);
	ck_assert(r.has_date && r.has_time && r.has_zone);
	ck_assert_int_eq(r.days, 18521);
	ck_assert_int_eq(r.nanos, INT64_C(50000123456789));
	ck_assert_int_eq(r.offset, 19800);
	ck_assert_int_eq(timefmt_parse_iso("-0043-03-15Z", &r), 0);
	ck_assert_int_eq(r.days, -735160); /* Debezium's Date for 0044-03-15 BC */
	ck_assert(r.has_date && !r.has_time && r.has_zone);
	ck_assert_int_eq(timefmt_parse_iso("24:00:00Z", &r), 0);
	ck_assert_int_eq(r.nanos, INT64_C(86400000000000));
	ck_assert_int_eq(timefmt_parse_iso("24:00:01Z", &r), -1);
	ck_assert_int_eq(timefmt_parse_iso("13:53:20.1234567890Z", &r), -1);
	ck_assert_int_eq(timefmt_parse_iso("2020-13-01", &r), -1);
	ck_assert_int_eq(timefmt_parse_iso("2020-09-16T13:53:20Zx", &r), -1);
	ck_assert_int_eq(timefmt_parse_iso("", &r), -1);
	char z[16];
	ck_assert_str_eq((*timefmt_zone(z, -12) = '\0', z), "-00:00:12");
	ck_assert_str_eq((*timefmt_zone(z, 0) = '\0', z), "+00");
}
END_TEST

Suite *
timefmt_suite(void)
{
	Suite *s = suite_create("timefmt");

	TCase *tc = tcase_create("ms");
	tcase_add_loop_test(tc, ms_table, 0, (int)(sizeof ms_cases / sizeof ms_cases[0]));
	tcase_add_test(tc, ms_field_rollover);
	tcase_add_test(tc, year_forms);
	tcase_add_test(tc, ms_ignores_tz);
	suite_add_tcase(s, tc);

	tc = tcase_create("civil");
	tcase_add_loop_test(tc, civil_table, 0, (int)(sizeof civil_cases / sizeof civil_cases[0]));
	tcase_add_test(tc, civil_consecutive);
	tcase_add_test(tc, civil_inverse);
	tcase_add_test(tc, parse_iso);
	suite_add_tcase(s, tc);
	return s;
}
