#ifndef CDCPIVOT_DECODECOLUMN_H
#define CDCPIVOT_DECODECOLUMN_H

#include <stddef.h>
#include <stdint.h>

/* The decoder of one schema node, as decoders.c compiles it from a Kafka
 * Connect schema and decode.c renders values with it. Shared by those two
 * only; everyone else holds struct decode_column as an opaque pointer
 * (decode.h). */

/* How a value is turned into text, decided once per schema node. */
enum kind {
	K_ANY,        /* no usable type: plain jsonval_render */
	K_BOOL,
	K_INT,
	K_FLOAT,
	K_STRING,
	K_BYTES,
	K_DATE,       /* days since the epoch */
	K_TIME,       /* unit since midnight */
	K_TIMESTAMP,  /* unit since the epoch */
	K_DECIMAL,    /* Connect Decimal: base64 bytes, scale in the schema */
	K_VSDECIMAL,  /* Debezium VariableScaleDecimal: {"scale","value"} */
	K_ARRAY,      /* child[0]: items */
	K_MAP,        /* child[0]: keys, child[1]: values */
	K_STRUCT,     /* child[0..nchild): fields */
	K_ZTIMESTAMP, /* ZonedTimestamp: ISO text, UTC */
	K_ZTIME,      /* ZonedTime: ISO time with its zone */
	K_ISODATE,    /* Debezium 3.x isostring: IsoDate, IsoTime, IsoTimestamp */
	K_ISOTIME,
	K_ISOTIMESTAMP,
	K_DURATION,   /* MicroDuration (U_US), NanoDuration (U_NS): one count */
	K_INTERVAL,   /* Interval: ISO 8601 duration text */
	K_BITS,       /* Bits: little-endian bytes, scale holds the length */
	K_POINT,      /* geometry.Point: struct x, y */
	K_VECTOR,     /* DoubleVector, FloatVector: array of floats (pgvector) */
	K_SPARSEVEC   /* SparseDoubleVector: struct dimensions, vector map */
};

enum unit { U_MS, U_US, U_NS };

/* Schemas deeper than this are rendered without decoding (cJSON itself
 * stops at 1000 levels; no real column type nests this deep). */
enum { MAX_DEPTH = 32 };

/* The scales a source database can give. A Connect Decimal's scale is the
 * column's declared one: PostgreSQL's numeric(p,s) takes s in -1000..1000
 * (MySQL 0..30, SQL Server 0..38, Oracle -84..127). A VariableScaleDecimal
 * carries each value's own scale, which for an unconstrained PostgreSQL
 * numeric reaches 16383 ('1e-16383'::numeric); Debezium never sends a
 * negative one, other connectors down to Oracle's -84. Anything beyond is
 * not a real value and only makes zeros: a decimal prints at most
 * max(digits, scale) + 3 characters, so output stays in proportion to the
 * line. */
enum { MAX_SCALE = 1000, MAX_VALUE_SCALE = 16383 };

/* The longest io.debezium.data.Bits printed as a bit string. */
enum { MAX_BITS = 4096 };

struct decode_column {
	char *name;            /* struct field name; NULL for items, keys, values */
	unsigned char kind;    /* enum kind */
	unsigned char unit;    /* enum unit, for K_TIME, K_TIMESTAMP, K_DURATION;
	                        * for K_FLOAT 1 when the schema says float32 */
	unsigned char has_scale;
	unsigned char bad_scale; /* K_DECIMAL: an integer scale beyond MAX_SCALE */
	int32_t scale;         /* K_DECIMAL, when has_scale; K_BITS: bits */
	size_t nchild;
	struct decode_column *child;
};

#endif
