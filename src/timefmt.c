#include "timefmt.h"

#include <stdio.h>

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Howard Hinnant's days-to-civil algorithm (public domain description of
 * the arithmetic, written here from the math). */
void
timefmt_civil(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	int64_t z = days + 719468;
	int64_t era = floordiv(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (m <= 2);
	*month = (unsigned)m;
	*day = (unsigned)d;
}

size_t
timefmt_ms(int64_t ms, char *out)
{
	int64_t days = floordiv(ms, 86400000);
	int64_t rem = ms - days * 86400000;
	int64_t y;
	unsigned mo, d;
	timefmt_civil(days, &y, &mo, &d);
	unsigned h = (unsigned)(rem / 3600000);
	unsigned mi = (unsigned)(rem / 60000 % 60);
	unsigned s = (unsigned)(rem / 1000 % 60);
	unsigned f = (unsigned)(rem % 1000);
	int n = snprintf(out, TIMEFMT_MAX, "%04lld-%02u-%02u %02u:%02u:%02u.%03u", (long long)y, mo, d, h, mi, s, f);
	return n < 0 ? 0 : (size_t)n;
}
