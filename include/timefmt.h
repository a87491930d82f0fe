#ifndef CDCPIVOT_TIMEFMT_H
#define CDCPIVOT_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* UTC calendar formatting without the C library's time zone machinery:
 * output must not depend on TZ or the locale, and must work for any int64
 * instant, before 1970 included. The one place where cdcpivot does
 * calendar arithmetic: the commit-time columns and the decoded Debezium
 * date, time and timestamp values both come from here. */

enum { TIMEFMT_MAX = 64 };

/* Floor division: the quotient rounded towards minus infinity, and (when
 * rem is not NULL) the remainder in [0, d). d > 0; no overflow for any a. */
int64_t timefmt_floordiv(int64_t a, int64_t d, int64_t *rem);

/* Splits days since 1970-01-01 into a proleptic Gregorian date. */
void timefmt_civil(int64_t days, int64_t *year, unsigned *month, unsigned *day);

/* Writes v (below 10^n) as exactly n digits at p and returns the end. */
char *timefmt_digits(char *p, uint64_t v, int n);

/* Writes the astronomical year y (0 is 1 BC, -1 is 2 BC) as PostgreSQL's
 * DateStyle ISO prints it: at least four digits, and for y <= 0 the year
 * 1 - y with *bc set, so that the caller ends the value with " BC" as
 * PostgreSQL does ("0001-12-31 23:59:59.999 BC"), the form it reads back.
 * out has room for 24 bytes; returns the length. */
size_t timefmt_year(int64_t y, char *out, int *bc);

/* The pieces, each written at p (room for 48 bytes) returning the end:
 * "YYYY-MM-DD" for days since the epoch (*bc set when the value must end
 * in " BC"); "HH:MM:SS.f" for x >= 0 units of 1/per_sec second with frac
 * fraction digits (hours may pass 23, as a time of day's 24:00:00 does);
 * " BC" when bc. */
char *timefmt_date(char *p, int64_t days, int *bc);
char *timefmt_time(char *p, int64_t x, int64_t per_sec, int frac);
char *timefmt_bc(char *p, int bc);

/* "YYYY-MM-DD HH:MM:SS.f[ BC]" for x units of 1/per_sec second since the
 * epoch, frac fraction digits, into out (TIMEFMT_MAX bytes); returns the
 * length. Years beyond 9999 take as many digits as they need. */
size_t timefmt_instant(int64_t x, int64_t per_sec, int frac, char *out);

/* The same in milliseconds: "YYYY-MM-DD HH:MM:SS.fff". */
size_t timefmt_ms(int64_t ms, char *out);

/* PostgreSQL's forms of the same: the fraction without its trailing zeros,
 * and without the '.' when none is left ("13:53:20", "13:53:20.5"), as
 * time_out and timestamp_out print it. timefmt_trim takes the end of a
 * "...SS.fff" of frac digits and returns the end of the trimmed text. */
char *timefmt_trim(char *p, int frac);
char *timefmt_pgtime(char *p, int64_t x, int64_t per_sec, int frac);
size_t timefmt_pginstant(int64_t x, int64_t per_sec, int frac, char *out);

/* Days since 1970-01-01 of the proleptic Gregorian date (astronomical
 * year y: 0 is 1 BC); the inverse of timefmt_civil. */
int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d);

/* An ISO 8601 date, time or date-time as Java writes them (Debezium's
 * ZonedTimestamp, ZonedTime, IsoDate, IsoTime, IsoTimestamp):
 * "[+-]YYYY-MM-DD", "HH:MM[:SS[.f]]", "YYYY-MM-DDTHH:MM[:SS[.f]]", each
 * optionally followed by "Z" or "+HH[:MM[:SS]]"; up to 9 fraction digits;
 * years of 4 or more digits, signed beyond 9999 or before 1 (0 is 1 BC). */
struct timefmt_iso {
	int has_date, has_time, has_zone;
	int64_t days;   /* since 1970-01-01, when has_date */
	int64_t nanos;  /* since midnight (up to 24:00:00), when has_time */
	int32_t offset; /* seconds east of UTC, when has_zone */
};

/* Returns 0, or -1 if s is not such a text. */
int timefmt_parse_iso(const char *s, struct timefmt_iso *r);

/* Writes offset (seconds east of UTC) as PostgreSQL prints a zone:
 * "+00", "-05", "+05:30", "+00:00:12"; returns the end. */
char *timefmt_zone(char *p, int32_t offset);

#endif
