#include "timefmt.h"

#include <stdio.h>
#include <string.h>

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

static char *
digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

size_t
timefmt_year(int64_t y, char *out, int *bc)
{
	*bc = y <= 0;
	if (y > 0 && y <= 9999) {
		digits(out, (unsigned)y, 4); /* the common case, by hand: every row */
		return 4;
	}
	/* 1 - y cannot overflow: timefmt_civil's years are far inside int64. */
	int n = snprintf(out, 24, "%04lld", (long long)(y > 0 ? y : 1 - y));
	return n > 0 ? (size_t)n : 0;
}

size_t
timefmt_ms(int64_t ms, char *out)
{
	int64_t days = floordiv(ms, 86400000);
	int64_t rem = ms % 86400000; /* not ms - days * 86400000: that overflows */
	if (rem < 0)
		rem += 86400000;
	int64_t y;
	unsigned mo, d;
	timefmt_civil(days, &y, &mo, &d);
	int bc;
	char *p = out + timefmt_year(y, out, &bc);
	*p++ = '-';
	p = digits(p, mo, 2);
	*p++ = '-';
	p = digits(p, d, 2);
	*p++ = ' ';
	p = digits(p, (unsigned)(rem / 3600000), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(rem / 60000 % 60), 2);
	*p++ = ':';
	p = digits(p, (unsigned)(rem / 1000 % 60), 2);
	*p++ = '.';
	p = digits(p, (unsigned)(rem % 1000), 3);
	if (bc) {
		memcpy(p, " BC", 3);
		p += 3;
	}
	*p = '\0';
	return (size_t)(p - out);
}
