#ifndef CDCPIVOT_WRITER_H
#define CDCPIVOT_WRITER_H

#include <stddef.h>

#include "buf.h"
#include "options.h"

/* Output formats. A writer turns one row (a list of named cells) into bytes
 * appended to a buffer; it never writes to a file itself, so the caller can
 * commit an event's rows whole or not at all. */

/* One output value. p == NULL is SQL NULL; otherwise p[0..len) is the text,
 * which may be empty and may hold any byte but NUL. */
struct cell {
	const char *p;
	size_t len;
};

struct writer {
	enum format format;
	const char *sql_table;
	/* sql only: per-column flags of the conflict key, or NULL. When set,
	 * rows are written as INSERT ... ON CONFLICT (key) DO NOTHING. */
	const unsigned char *key;
};

/* Appends name as a quoted SQL identifier, and a dotted table name quoted
 * part by part. */
void writer_sql_identifier(struct buf *out, const char *name);
void writer_sql_table(struct buf *out, const char *name);

/* Appends the quoted names whose key flag is set, comma-separated: the
 * conflict target of --upsert and the unique key of --ddl. */
void writer_sql_key_list(struct buf *out, const char *const *names, const unsigned char *key, size_t n);

/* The column-name line (csv, tsv). Other formats append nothing. */
void writer_header(const struct writer *w, struct buf *out, const char *const *names, size_t n);

/* One row, terminated by "\n". names[i] names cells[i]. */
void writer_row(const struct writer *w, struct buf *out, const char *const *names,
    const struct cell *cells, size_t n);

#endif
