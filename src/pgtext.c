#include "pgtext.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
pgtext_bytea(struct buf *out, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_reserve(out, 2 + 2 * n);
	buf_append(out, "\\x", 2);
	for (size_t i = 0; i < n; i++) {
		buf_putc(out, hex[p[i] >> 4]);
		buf_putc(out, hex[p[i] & 15]);
	}
}

static int
array_special(unsigned char c)
{
	return c == '"' || c == '\\' || c == '{' || c == '}' || c == ',' || c == ' ' || c == '\t' ||
	    c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int
reads_null(const char *s, size_t n)
{
	static const char null[] = "null";
	if (n != 4)
		return 0;
	for (size_t i = 0; i < 4; i++)
		if ((s[i] | 0x20) != null[i])
			return 0;
	return 1;
}

/* Appends s[0..n) between double quotes, '"' and '\' escaped. */
static void
put_quoted(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_putc(out, '\\');
		buf_putc(out, s[i]);
	}
	buf_putc(out, '"');
}

void
pgtext_array_quote(struct buf *out, size_t start)
{
	size_t n = out->len - start;
	int quote = n == 0 || reads_null(out->p + start, n);
	for (size_t i = 0; i < n && !quote; i++)
		quote = array_special((unsigned char)out->p[start + i]);
	if (!quote)
		return;
	char *copy = xstrndup(out->p + start, n);
	out->len = start;
	put_quoted(out, copy, n);
	free(copy);
}

void
pgtext_hstore_quote(struct buf *out, const char *s, size_t n)
{
	put_quoted(out, s, n);
}

/* ---- floats ------------------------------------------------------------ */

/* The shortest "%.*e" text of d that reads back as the same value (as a
 * float when is_float4): digits into dig (no point), and the decimal
 * exponent of the first one. */
static size_t
shortest(double d, int is_float4, char *dig, int *exp10)
{
	char tmp[40];
	int maxp = is_float4 ? 9 : 17;
	for (int p = 1; p <= maxp; p++) {
		snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
		double back = strtod(tmp, NULL);
		if (is_float4 ? (float)back == (float)d : back == d)
			break;
	}
	/* tmp: "d[.ddd]e[+-]XX" */
	size_t n = 0;
	const char *s = tmp;
	for (; *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			dig[n++] = *s;
	*exp10 = atoi(s + 1);
	while (n > 1 && dig[n - 1] == '0')
		n--;
	return n;
}

int
pgtext_float(struct buf *out, const char *lit, size_t n, int is_float4)
{
	char tmp[64], *end;
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, lit, n);
	tmp[n] = '\0';
	if (!(tmp[0] == '-' || (tmp[0] >= '0' && tmp[0] <= '9')))
		return -1;
	errno = 0;
	double d = strtod(tmp, &end);
	if (*end != '\0' || !isfinite(d) || (is_float4 && !isfinite((float)d)))
		return -1;
	if (is_float4)
		d = (float)d;
	if (signbit(d))
		buf_putc(out, '-');
	d = fabs(d);
	if (d == 0) {
		buf_putc(out, '0');
		return 0;
	}
	char dig[24];
	int e;
	size_t nd = shortest(d, is_float4, dig, &e);
	if (e < -4 || e >= (is_float4 ? 6 : 15)) {
		buf_putc(out, dig[0]);
		if (nd > 1) {
			buf_putc(out, '.');
			buf_append(out, dig + 1, nd - 1);
		}
		char ex[8];
		int k = snprintf(ex, sizeof ex, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
		buf_append(out, ex, (size_t)k);
	} else if (e < 0) {
		buf_append(out, "0.", 2);
		for (int i = -1; i > e; i--)
			buf_putc(out, '0');
		buf_append(out, dig, nd);
	} else {
		size_t ip = (size_t)e + 1;
		for (size_t i = 0; i < ip; i++)
			buf_putc(out, i < nd ? dig[i] : '0');
		if (nd > ip) {
			buf_putc(out, '.');
			buf_append(out, dig + ip, nd - ip);
		}
	}
	return 0;
}

/* ---- intervals ----------------------------------------------------------- */

static void
put_field(struct buf *out, int64_t v, const char *unit, int *zero, int *before)
{
	if (v == 0)
		return;
	char tmp[48];
	int k = snprintf(tmp, sizeof tmp, "%s%s%lld %s%s", *zero ? "" : " ", *before && v > 0 ? "+" : "",
	    (long long)v, unit, v != 1 ? "s" : "");
	buf_append(out, tmp, (size_t)k);
	*before = v < 0;
	*zero = 0;
}

void
pgtext_interval(struct buf *out, int64_t months, int64_t days, int64_t micros, int nanos)
{
	int zero = 1, before = 0;
	put_field(out, months / 12, "year", &zero, &before);
	put_field(out, months % 12, "mon", &zero, &before);
	put_field(out, days, "day", &zero, &before);
	if (!zero && micros == 0 && nanos == 0)
		return;
	int minus = micros < 0 || nanos < 0;
	/* |micros| without overflow at INT64_MIN: work in uint64. */
	uint64_t m = micros < 0 ? (uint64_t)0 - (uint64_t)micros : (uint64_t)micros;
	unsigned ns = (unsigned)(nanos < 0 ? -nanos : nanos);
	uint64_t hours = m / 3600000000u, rest = m % 3600000000u;
	char tmp[64];
	int k = snprintf(tmp, sizeof tmp, "%s%s%02llu:%02u:%02u", zero ? "" : " ",
	    minus ? "-" : before ? "+" : "", (unsigned long long)hours, (unsigned)(rest / 60000000u),
	    (unsigned)(rest / 1000000u % 60));
	buf_append(out, tmp, (size_t)k);
	uint64_t frac = (rest % 1000000u) * 1000u + ns; /* nanoseconds */
	if (frac != 0) {
		char f[24];
		snprintf(f, sizeof f, "%09llu", (unsigned long long)frac);
		size_t fn = 9;
		while (f[fn - 1] == '0')
			fn--;
		buf_putc(out, '.');
		buf_append(out, f, fn);
	}
}

/* A signed integer, and for seconds a fraction, at *s; advances *s. The
 * value in units of 10^-6 when frac is set. */
static int
scan_number(const char **s, int frac, int64_t *v)
{
	const char *p = *s;
	int neg = 0;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return -1;
	int64_t x = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (INT64_MAX - 9) / 10)
			return -1; /* more digits than an int64 holds */
		x = x * 10 + (*p - '0');
	}
	if (frac) {
		if (x > (INT64_MAX - 999999) / 1000000)
			return -1; /* the fraction added below must fit too */
		x *= 1000000;
		if (*p == '.') {
			p++;
			int64_t scale = 100000;
			if (*p < '0' || *p > '9')
				return -1; /* a point without digits after it */
			for (; *p >= '0' && *p <= '9'; p++) {
				if (scale == 0 && *p != '0')
					return -1; /* beyond the microsecond */
				x += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	*v = neg ? -x : x;
	*s = p;
	return 0;
}

static int
add_scaled(int64_t *acc, int64_t v, int64_t mul)
{
	if (v != 0 && (v > INT64_MAX / mul || v < INT64_MIN / mul))
		return -1;
	v *= mul;
	if ((v > 0 && *acc > INT64_MAX - v) || (v < 0 && *acc < INT64_MIN - v))
		return -1;
	*acc += v;
	return 0;
}

int
pgtext_parse_duration(const char *s, int64_t *months, int64_t *days, int64_t *micros)
{
	*months = *days = *micros = 0;
	if (*s++ != 'P' || *s == '\0')
		return -1;
	int in_time = 0;
	while (*s != '\0') {
		if (*s == 'T') {
			if (in_time)
				return -1;
			in_time = 1;
			s++;
			continue;
		}
		int64_t v;
		const char *save = s;
		if (scan_number(&s, 0, &v) != 0)
			return -1;
		int r;
		if (in_time && *s == '.') { /* seconds with a fraction: read again */
			s = save;
			if (scan_number(&s, 1, &v) != 0 || *s != 'S')
				return -1;
			r = add_scaled(micros, v, 1);
		} else {
			switch (in_time ? *s | 0x100 : *s) {
			case 'Y': r = add_scaled(months, v, 12); break;
			case 'M': r = add_scaled(months, v, 1); break;
			case 'W': r = add_scaled(days, v, 7); break;
			case 'D': r = add_scaled(days, v, 1); break;
			case 'H' | 0x100: r = add_scaled(micros, v, INT64_C(3600000000)); break;
			case 'M' | 0x100: r = add_scaled(micros, v, 60000000); break;
			case 'S' | 0x100: r = add_scaled(micros, v, 1000000); break;
			default: return -1;
			}
		}
		if (r != 0)
			return -1;
		s++;
	}
	return 0;
}
