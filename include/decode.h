#ifndef CDCPIVOT_DECODE_H
#define CDCPIVOT_DECODE_H

#include <cjson/cJSON.h>

#include "buf.h"

/* Schema-aware column values: turns what Kafka Connect's JsonConverter
 * wrote for a Debezium column (days, microseconds, base64 two's-complement
 * decimals...) back into the text PostgreSQL itself prints for the value
 * (SELECT col::text with TimeZone=UTC, DateStyle=ISO, IntervalStyle=
 * postgres, bytea_output=hex, extra_float_digits=1), so that it casts
 * back, using the column schemas of the envelope ("schemas.enable=true").
 *
 * Rendering, by the column's schema "name" first and its "type" second:
 *
 *   io.debezium.time.Date, org.apache.kafka.connect.data.Date (int32 days
 *   since 1970-01-01), IsoDate ("2020-09-16Z")  -> YYYY-MM-DD
 *   io.debezium.time.Time, org.apache.kafka.connect.data.Time (int32 ms),
 *   io.debezium.time.MicroTime (int64 us), io.debezium.time.NanoTime (int64
 *   ns) since midnight, IsoTime               -> HH:MM:SS[.f], the fraction
 *                                               without trailing zeros
 *   io.debezium.time.Timestamp, org.apache.kafka.connect.data.Timestamp
 *   (int64 ms), io.debezium.time.MicroTimestamp (us),
 *   io.debezium.time.NanoTimestamp (ns) since the epoch, UTC, and
 *   IsoTimestamp                             -> YYYY-MM-DD HH:MM:SS[.f]
 *   ZonedTimestamp, ZonedTime (ISO text)     -> the same with the zone,
 *                                               "+00"
 *   MicroDuration, NanoDuration (one count)  -> "429 days 07:05:06.789"
 *   Interval (ISO 8601 duration)             -> "1 year 2 mons 3 days ..."
 *   org.apache.kafka.connect.data.Decimal (bytes, parameters.scale) and
 *   io.debezium.data.VariableScaleDecimal ({"scale":N,"value":bytes})
 *                                            -> exact plain decimal text of
 *                                               any size ("-2.00", "0.05")
 *   io.debezium.data.Bits (bytes, parameters.length)
 *                                            -> the bit string ("1010")
 *   io.debezium.data.geometry.Point          -> "(x,y)"
 *   io.debezium.data.DoubleVector, FloatVector -> pgvector's "[1,2.5]"
 *   io.debezium.data.SparseDoubleVector      -> pgvector's "{1:1.5,3:2}/5"
 *   bytes                                    -> "\x00ff" (bytes_hex), or
 *                                               the base64 text as written
 *   boolean                                  -> true / false
 *   int8..int64                              -> the number as written
 *   float32, float64                         -> float4out's / float8out's
 *                                               shortest text ("NaN",
 *                                               "Infinity" strings too)
 *   string (Json, Uuid, Enum, Ltree...)      -> the string unchanged
 *   array                                    -> PostgreSQL's array literal
 *                                               ({1,"a b",NULL}), elements
 *                                               decoded by their schema
 *   map of strings                           -> hstore's text
 *   other maps, struct                       -> compact JSON whose members
 *                                               are decoded by their own
 *                                               schemas: a decoded value
 *                                               becomes a JSON string,
 *                                               anything else keeps its
 *                                               JSON form
 *
 * Times of day may reach 24:00:00 (PostgreSQL allows it). Years before 1
 * are printed as PostgreSQL prints them ("0001-12-31 23:59:59.999 BC"),
 * years beyond 9999 with more digits, and PostgreSQL's infinite dates and
 * timestamps (the markers Debezium sends for them, see decode.c) as
 * "infinity" and "-infinity". The TOAST placeholder is the caller's
 * business, not this module's. */

struct decode_opts {
	int bytes_hex; /* 1 (--bytes hex, cdcpivot's default): bytes as PostgreSQL's
	                * "\x00ff"; 0 (--bytes base64): as sent */
};

/* Why a value was printed as it arrived (decode_render's *mismatch). */
enum decode_mismatch { DECODE_FITS = 0, DECODE_MISMATCH = 1, DECODE_BAD_SCALE = 2 };

/* The decoder of one column, derived once from its schema. Opaque. */
struct decode_column;

/* The per-column decoders derived from one envelope schema. Opaque. */
struct decode_table;

/* Builds the decoders from the value schema of an envelope
 * ({"type":"struct","fields":[... "before" ..., "after" ...]}): the columns
 * come from the "after" struct, else from the "before" struct. Returns NULL
 * when the schema has no such row struct (including when envelope_schema
 * is NULL). The table copies everything it needs, so the cJSON schema may
 * be freed as soon as this returns. The caller owns the table and frees it
 * with decode_table_free(). */
struct decode_table *decode_table_new(const cJSON *envelope_schema);

/* Frees the table and every decoder in it. Accepts NULL. */
void decode_table_free(struct decode_table *t);

/* Returns the decoder of the column called name, or NULL if the schema has
 * no such column (or t is NULL). Constant time on average. The decoder
 * belongs to the table and stays valid until decode_table_free(t). */
const struct decode_column *decode_table_column(const struct decode_table *t, const char *name);

/* Appends to out the text of value v of column c; c may be NULL, which
 * means no schema: plain jsonval_render. o may be NULL (all options off).
 * Returns 0 without appending for SQL NULL (v NULL or JSON null), and 1
 * after appending the text (possibly empty). When v does not fit the schema
 * (wrong JSON type, bad base64, a Decimal without a usable scale, a
 * negative time of day...), appends plain jsonval_render text instead,
 * returns 1 and raises *mismatch (if mismatch is not NULL) to
 * DECODE_MISMATCH, or to DECODE_BAD_SCALE when the reason is a decimal
 * scale beyond what any source database gives (a Connect Decimal's beyond
 * PostgreSQL's -1000..1000, a VariableScaleDecimal's beyond -1000..16383),
 * which would only print a flood of zeros (the caller then refuses the
 * event). It is never lowered, so the caller can warn once. v is only read; out is the only thing written. */
int decode_render(struct buf *out, const struct decode_column *c, const cJSON *v,
    const struct decode_opts *o, int *mismatch);

#endif
