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
};

/* The column-name line (csv, tsv). Other formats append nothing. */
void writer_header(const struct writer *w, struct buf *out, const char *const *names, size_t n);

/* One row, terminated by "\n". names[i] names cells[i]. */
void writer_row(const struct writer *w, struct buf *out, const char *const *names,
    const struct cell *cells, size_t n);

#endif
