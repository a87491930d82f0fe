#include "timefmt.h"

#include <stdio.h>
#include <string.h>

int64_t
timefmt_floordiv(int64_t a, int64_t d, int64_t *rem)
{
	int64_t q = a / d, r = a % d;
	if (r < 0) {
		r += d;
		q -= 1;
	}
	if (rem != NULL)
		*rem = r;
	return q;
}

/* Howard Hinnant's days-to-civil algorithm (public domain description of
 * the arithmetic, written here from the math). */
void
timefmt_civil(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	int64_t z = days + 719468;
	int64_t era = timefmt_floordiv(z, 146097, NULL);
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

char *
timefmt_digits(char *p, uint64_t v, int n)
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
		timefmt_digits(out, (uint64_t)y, 4); /* the common case, by hand: every row */
		return 4;
	}
	/* 1 - y cannot overflow: timefmt_civil's years are far inside int64. */
	int n = snprintf(out, 24, "%04lld", (long long)(y > 0 ? y : 1 - y));
	return n > 0 ? (size_t)n : 0;
}

char *
timefmt_date(char *p, int64_t days, int *bc)
{
	int64_t y;
	unsigned mo, d;
	timefmt_civil(days, &y, &mo, &d);
	p += timefmt_year(y, p, bc);
	*p++ = '-';
	p = timefmt_digits(p, mo, 2);
	*p++ = '-';
	return timefmt_digits(p, d, 2);
}

char *
timefmt_time(char *p, int64_t x, int64_t per_sec, int frac)
{
	int64_t secs = x / per_sec, hours = secs / 3600;
	if (hours < 100)
		p = timefmt_digits(p, (uint64_t)hours, 2);
	else
		p += snprintf(p, 24, "%lld", (long long)hours);
	*p++ = ':';
	p = timefmt_digits(p, (uint64_t)(secs / 60 % 60), 2);
	*p++ = ':';
	p = timefmt_digits(p, (uint64_t)(secs % 60), 2);
	*p++ = '.';
	return timefmt_digits(p, (uint64_t)(x % per_sec), frac);
}

char *
timefmt_bc(char *p, int bc)
{
	if (!bc)
		return p;
	memcpy(p, " BC", 3);
	return p + 3;
}

size_t
timefmt_instant(int64_t x, int64_t per_sec, int frac, char *out)
{
	int64_t rem;
	int64_t days = timefmt_floordiv(x, 86400 * per_sec, &rem);
	int bc;
	char *p = timefmt_date(out, days, &bc);
	*p++ = ' ';
	p = timefmt_time(p, rem, per_sec, frac);
	p = timefmt_bc(p, bc);
	*p = '\0';
	return (size_t)(p - out);
}

size_t
timefmt_ms(int64_t ms, char *out)
{
	return timefmt_instant(ms, 1000, 3, out);
}
