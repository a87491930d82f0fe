#include "decodetime.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decodecolumn.h"
#include "decodeput.h"
#include "pgtext.h"
#include "timefmt.h"

static const int64_t unit_per_sec[] = {1000, 1000000, 1000000000};
static const int unit_digits[] = {3, 6, 9};

/* Days well inside what timefmt_civil computes without overflow; an int32
 * column never comes close. */
#define MAX_DAYS ((int64_t)1 << 40)

/* PostgreSQL's infinite dates as Debezium sends them: date 'infinity' and
 * '-infinity' are the int32 extremes of days since 2000-01-01, which
 * Debezium moves to 1970 in int32 arithmetic (INT32_MAX + 10957 wraps);
 * no real date (PostgreSQL's reach 4714 BC) is anywhere near. */
#define DATE_INFINITY INT64_C(-2147472692)
#define DATE_NEG_INFINITY INT64_C(-2147472691)

int
decodetime_date(struct buf *out, const cJSON *v, int json)
{
	int64_t days;
	if (get_int(v, &days) != 0 || days > MAX_DAYS || days < -MAX_DAYS)
		return -1;
	if (days == DATE_INFINITY || days == DATE_NEG_INFINITY) {
		put_ascii(out, days == DATE_INFINITY ? "infinity" : "-infinity",
		    days == DATE_INFINITY ? 8 : 9, json);
		return 0;
	}
	char tmp[48];
	int bc;
	char *e = timefmt_date(tmp, days, &bc);
	e = timefmt_bc(e, bc);
	put_ascii(out, tmp, (size_t)(e - tmp), json);
	return 0;
}

int
decodetime_time(struct buf *out, const cJSON *v, unsigned unit, int json)
{
	int64_t x;
	if (get_int(v, &x) != 0 || x < 0)
		return -1;
	char tmp[64];
	char *e = timefmt_pgtime(tmp, x, unit_per_sec[unit], unit_digits[unit]);
	put_ascii(out, tmp, (size_t)(e - tmp), json);
	return 0;
}

/* PostgreSQL's infinity and -infinity timestamps, as Debezium sends them:
 * the PostgreSQL JDBC driver's markers 9223372036825200000 and
 * -9223372036832400000 (documented for TIMESTAMP columns; Debezium reads
 * them as microseconds, so in milliseconds they are also seen divided by
 * 1000), and the int64 extremes (the nanosecond modes of Debezium 3.x,
 * and PostgreSQL's own internal form). Returns 1, -1 or 0. */
static int
timestamp_infinity(int64_t x, unsigned unit)
{
	static const int64_t pos = INT64_C(9223372036825200000), neg = INT64_C(-9223372036832400000);
	if (x == INT64_MAX)
		return 1;
	if (x == INT64_MIN)
		return -1;
	if (unit == U_NS)
		return 0; /* the markers are real instants of 2262 in nanoseconds */
	if (x == pos || (unit == U_MS && x == pos / 1000))
		return 1;
	if (x == neg || (unit == U_MS && x == neg / 1000))
		return -1;
	return 0;
}

int
decodetime_timestamp(struct buf *out, const cJSON *v, unsigned unit, int json)
{
	int64_t x;
	if (get_int(v, &x) != 0)
		return -1;
	int inf = timestamp_infinity(x, unit);
	if (inf != 0) {
		put_ascii(out, inf > 0 ? "infinity" : "-infinity", inf > 0 ? 8 : 9, json);
		return 0;
	}
	char tmp[TIMEFMT_MAX];
	size_t n = timefmt_pginstant(x, unit_per_sec[unit], unit_digits[unit], tmp);
	put_ascii(out, tmp, n, json);
	return 0;
}

/* ---- ISO 8601 texts (ZonedTimestamp, ZonedTime, Iso*) --------------------- */

/* Nanoseconds of a day as "HH:MM:SS[.f]" (PostgreSQL's trimmed fraction). */
static char *
put_clock(char *p, int64_t nanos)
{
	return timefmt_pgtime(p, nanos, 1000000000, 9);
}

/* Whether days and micros of the day are a JDBC infinity marker (as
 * microseconds since the epoch, timestamp_infinity). */
static int
iso_infinity(int64_t days, int64_t micros)
{
	static const int64_t marks[] = {INT64_C(9223372036825200000), INT64_C(-9223372036832400000)};
	for (int i = 0; i < 2; i++) {
		int64_t rem, d = timefmt_floordiv(marks[i], INT64_C(86400000000), &rem);
		if (d == days && rem == micros)
			return i == 0 ? 1 : -1;
	}
	return 0;
}

/* A ZonedTimestamp or IsoTimestamp: "YYYY-MM-DD HH:MM:SS[.f]" at UTC,
 * "+00" after it when zoned, " BC" last. The IsoTimestamp of the JDBC
 * driver's infinity markers is "infinity". */
int
decodetime_iso_timestamp(struct buf *out, const char *s, int zoned, int json)
{
	struct timefmt_iso t;
	if (timefmt_parse_iso(s, &t) != 0 || !t.has_date || !t.has_time || (zoned && !t.has_zone))
		return -1;
	int64_t nanos = t.nanos - (int64_t)t.offset * 1000000000;
	int64_t days = t.days + timefmt_floordiv(nanos, INT64_C(86400000000000), &nanos);
	if (!zoned && nanos % 1000 == 0) {
		int inf = iso_infinity(days, nanos / 1000);
		if (inf != 0) {
			put_ascii(out, inf > 0 ? "infinity" : "-infinity", inf > 0 ? 8 : 9, json);
			return 0;
		}
	}
	if (days > MAX_DAYS || days < -MAX_DAYS)
		return -1;
	char tmp[TIMEFMT_MAX + 16];
	int bc;
	char *p = timefmt_date(tmp, days, &bc);
	*p++ = ' ';
	p = put_clock(p, nanos);
	if (zoned)
		p = timefmt_zone(p, 0);
	p = timefmt_bc(p, bc);
	put_ascii(out, tmp, (size_t)(p - tmp), json);
	return 0;
}

/* ZonedTime "HH:MM:SS[.f]Z" -> "HH:MM:SS[.f]+00"; IsoTime and IsoDate
 * without their zone (a time and a date have none in PostgreSQL). */
int
decodetime_iso_part(struct buf *out, const char *s, unsigned kind, int json)
{
	struct timefmt_iso t;
	if (timefmt_parse_iso(s, &t) != 0)
		return -1;
	char tmp[TIMEFMT_MAX];
	char *p = tmp;
	if (kind == K_ISODATE) {
		if (!t.has_date || t.has_time || t.days > MAX_DAYS || t.days < -MAX_DAYS)
			return -1;
		if (t.days == DATE_INFINITY || t.days == DATE_NEG_INFINITY) {
			put_ascii(out, t.days == DATE_INFINITY ? "infinity" : "-infinity",
			    t.days == DATE_INFINITY ? 8 : 9, json);
			return 0;
		}
		int bc;
		p = timefmt_date(p, t.days, &bc);
		p = timefmt_bc(p, bc);
	} else {
		if (!t.has_time || t.has_date || (kind == K_ZTIME && !t.has_zone))
			return -1;
		p = put_clock(p, t.nanos);
		if (kind == K_ZTIME)
			p = timefmt_zone(p, t.offset);
	}
	put_ascii(out, tmp, (size_t)(p - tmp), json);
	return 0;
}

/* MicroDuration, NanoDuration: one count for the whole interval (Debezium
 * counts a month as 30.4375 days, so months cannot be told apart); as
 * PostgreSQL prints that many days of 24 hours and time. */
int
decodetime_duration(struct buf *out, const cJSON *v, unsigned unit, int json)
{
	int64_t x;
	if (get_int(v, &x) != 0)
		return -1;
	int64_t per_day = unit == U_NS ? INT64_C(86400000000000) : INT64_C(86400000000);
	int64_t days = x / per_day, rest = x % per_day;
	int64_t micros = unit == U_NS ? rest / 1000 : rest;
	int nanos = unit == U_NS ? (int)(rest % 1000) : 0;
	if (json)
		buf_putc(out, '"');
	pgtext_interval(out, 0, days, micros, nanos);
	if (json)
		buf_putc(out, '"');
	return 0;
}

int
decodetime_interval(struct buf *out, const char *s, int json)
{
	int64_t months, days, micros;
	if (pgtext_parse_duration(s, &months, &days, &micros) != 0)
		return -1;
	if (json)
		buf_putc(out, '"');
	pgtext_interval(out, months, days, micros, 0);
	if (json)
		buf_putc(out, '"');
	return 0;
}
