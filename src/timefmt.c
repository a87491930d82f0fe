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

/* "date time[ BC]" of x units since the epoch, the time's fraction frac
 * digits wide or, with trim, without its trailing zeros. */
static size_t
instant(int64_t x, int64_t per_sec, int frac, int trim, char *out)
{
	int64_t rem;
	int64_t days = timefmt_floordiv(x, 86400 * per_sec, &rem);
	int bc;
	char *p = timefmt_date(out, days, &bc);
	*p++ = ' ';
	p = trim ? timefmt_pgtime(p, rem, per_sec, frac) : timefmt_time(p, rem, per_sec, frac);
	p = timefmt_bc(p, bc);
	*p = '\0';
	return (size_t)(p - out);
}

size_t
timefmt_instant(int64_t x, int64_t per_sec, int frac, char *out)
{
	return instant(x, per_sec, frac, 0, out);
}

size_t
timefmt_ms(int64_t ms, char *out)
{
	return timefmt_instant(ms, 1000, 3, out);
}

char *
timefmt_trim(char *p, int frac)
{
	int n = frac;
	while (n > 0 && p[-1] == '0') {
		p--;
		n--;
	}
	return n == 0 && frac > 0 ? p - 1 : p; /* the '.' goes with the last digit */
}

char *
timefmt_pgtime(char *p, int64_t x, int64_t per_sec, int frac)
{
	return timefmt_trim(timefmt_time(p, x, per_sec, frac), frac);
}

size_t
timefmt_pginstant(int64_t x, int64_t per_sec, int frac, char *out)
{
	return instant(x, per_sec, frac, 1, out);
}

int64_t
timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = timefmt_floordiv(y, 400, NULL);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n decimal digits at *s (exactly n, or at least n when n < 0 means
 * "-n or more, up to 12"); advances *s. */
static int
scan_digits(const char **s, int n, int64_t *v)
{
	const char *p = *s;
	int64_t x = 0;
	int k = 0, want = n < 0 ? -n : n;
	while (*p >= '0' && *p <= '9' && (n < 0 ? k < 12 : k < n)) {
		x = x * 10 + (*p++ - '0');
		k++;
	}
	if (k < want || (*p >= '0' && *p <= '9'))
		return -1;
	*v = x;
	*s = p;
	return 0;
}

static int
scan_time(const char **s, struct timefmt_iso *r)
{
	int64_t h, mi, sec = 0;
	const char *p = *s;
	if (scan_digits(&p, 2, &h) != 0 || *p++ != ':' || scan_digits(&p, 2, &mi) != 0)
		return -1;
	if (*p == ':' && (p++, scan_digits(&p, 2, &sec) != 0))
		return -1;
	int64_t ns = 0;
	if (*p == '.') {
		p++;
		int k = 0;
		for (; *p >= '0' && *p <= '9'; p++, k++) {
			if (k >= 9)
				return -1;
			ns = ns * 10 + (*p - '0');
		}
		if (k == 0)
			return -1;
		for (; k < 9; k++)
			ns *= 10;
	}
	if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || ns)))
		return -1;
	r->has_time = 1;
	r->nanos = ((h * 60 + mi) * 60 + sec) * INT64_C(1000000000) + ns;
	*s = p;
	return 0;
}

static int
scan_zone(const char **s, struct timefmt_iso *r)
{
	const char *p = *s;
	if (*p == 'Z') {
		r->has_zone = 1;
		r->offset = 0;
		*s = p + 1;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return 0;
	int neg = *p++ == '-';
	int64_t h, m = 0, sec = 0;
	if (scan_digits(&p, 2, &h) != 0)
		return -1;
	if (*p == ':' && (p++, scan_digits(&p, 2, &m) != 0))
		return -1;
	if (*p == ':' && (p++, scan_digits(&p, 2, &sec) != 0))
		return -1;
	r->has_zone = 1;
	r->offset = (int32_t)((h * 3600 + m * 60 + sec) * (neg ? -1 : 1));
	*s = p;
	return 0;
}

int
timefmt_parse_iso(const char *s, struct timefmt_iso *r)
{
	memset(r, 0, sizeof *r);
	const char *p = s;
	if (*p == '+' || *p == '-' || (p[0] != '\0' && p[1] != '\0' && p[2] != ':')) {
		/* a date: [+-]YYYY[YY...]-MM-DD (a sign for years past 9999 or
		 * before 1; year 0 is 1 BC) */
		int neg = *p == '-';
		if (*p == '+' || *p == '-')
			p++;
		int64_t y, mo, d;
		if (scan_digits(&p, -4, &y) != 0 || *p++ != '-' || scan_digits(&p, 2, &mo) != 0 ||
		    *p++ != '-' || scan_digits(&p, 2, &d) != 0 || mo < 1 || mo > 12 || d < 1 || d > 31)
			return -1;
		r->has_date = 1;
		r->days = timefmt_days_from_civil(neg ? -y : y, (unsigned)mo, (unsigned)d);
		if (*p == 'T' && (p++, scan_time(&p, r) != 0))
			return -1;
	} else if (scan_time(&p, r) != 0) {
		return -1;
	}
	if (scan_zone(&p, r) != 0)
		return -1;
	return *p == '\0' ? 0 : -1;
}

char *
timefmt_zone(char *p, int32_t offset)
{
	*p++ = offset < 0 ? '-' : '+';
	int32_t a = offset < 0 ? -offset : offset;
	p = timefmt_digits(p, (uint64_t)(a / 3600), 2);
	if (a % 3600 != 0) {
		*p++ = ':';
		p = timefmt_digits(p, (uint64_t)(a / 60 % 60), 2);
		if (a % 60 != 0) {
			*p++ = ':';
			p = timefmt_digits(p, (uint64_t)(a % 60), 2);
		}
	}
	return p;
}
