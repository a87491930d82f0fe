#ifndef CDCPIVOT_DECODETIME_H
#define CDCPIVOT_DECODETIME_H

#include <cjson/cJSON.h>

#include "buf.h"

/* Dates, times, timestamps and durations as Debezium sends them, appended
 * to out as PostgreSQL prints them (DateStyle ISO, TimeZone UTC,
 * IntervalStyle postgres), as a JSON string when json is set. Each returns
 * 0, or -1 when the value is not of the form its schema says (the caller
 * then prints it as sent). unit is an enum unit of decodecolumn.h, kind
 * one of its K_ISODATE, K_ISOTIME, K_ZTIME. */

/* io.debezium.time.Date, Connect Date: days since 1970, ±infinity. */
int decodetime_date(struct buf *out, const cJSON *v, int json);
/* Time, MicroTime, NanoTime: unit since midnight. */
int decodetime_time(struct buf *out, const cJSON *v, unsigned unit, int json);
/* Timestamp, MicroTimestamp, NanoTimestamp: unit since 1970, ±infinity. */
int decodetime_timestamp(struct buf *out, const cJSON *v, unsigned unit, int json);
/* ZonedTimestamp (zoned) and IsoTimestamp: ISO 8601 text. */
int decodetime_iso_timestamp(struct buf *out, const char *s, int zoned, int json);
/* ZonedTime, IsoTime, IsoDate: ISO 8601 text. */
int decodetime_iso_part(struct buf *out, const char *s, unsigned kind, int json);
/* MicroDuration, NanoDuration: one count of unit. */
int decodetime_duration(struct buf *out, const cJSON *v, unsigned unit, int json);
/* io.debezium.time.Interval: ISO 8601 duration text. */
int decodetime_interval(struct buf *out, const char *s, int json);

#endif
