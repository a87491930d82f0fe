#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

void
diag_init(struct diag *d, FILE *err, FILE *dead_letter)
{
	memset(d, 0, sizeof *d);
	d->err = err;
	d->dead_letter = dead_letter;
	d->input = "<stdin>";
}

/* Writes s with control bytes escaped, so that input quoted in a message
 * can neither break the one-line form nor drive the terminal. */
static void
put_clean(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			putc(c, f);
	}
}

void
diag_reject(struct diag *d, unsigned long lineno, const char *line, size_t len, const char *reason)
{
	d->rejected++;
	fprintf(d->err, "cdcpivot: %s:%lu: ", d->input, lineno);
	put_clean(d->err, reason);
	putc('\n', d->err);
	if (line != NULL && d->dead_letter != NULL && !d->dead_letter_failed) {
		/* Whole line or nothing would need a rename dance; a line is
		 * written in one fwrite and flushed so an operator can
		 * replay the file while we run. */
		if (fwrite(line, 1, len, d->dead_letter) != len || putc('\n', d->dead_letter) == EOF ||
		    fflush(d->dead_letter) == EOF) {
			d->dead_letter_failed = 1;
			fprintf(d->err, "cdcpivot: dead-letter file: %s\n", strerror(errno));
		}
	}
}

void
diag_warn(struct diag *d, unsigned long lineno, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(d->err, "cdcpivot: %s:%lu: warning: ", d->input, lineno);
	put_clean(d->err, msg);
	putc('\n', d->err);
}

void
diag_error(struct diag *d, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fputs("cdcpivot: ", d->err);
	put_clean(d->err, msg); /* a file name may hold control bytes too */
	putc('\n', d->err);
}

void
diag_summary(const struct diag *d)
{
	unsigned long long skipped = 0;
	for (int k = 0; k < SKIP_KINDS; k++)
		skipped += d->skipped[k];
	char detail[256] = "";
	size_t used = 0;
	for (int k = 0; k < SKIP_KINDS && used < sizeof detail; k++) {
		if (d->skipped[k] == 0)
			continue;
		int n = snprintf(detail + used, sizeof detail - used, "%s%s %llu",
		    used ? ", " : " (", envelope_skip_names[k], d->skipped[k]);
		if (n > 0)
			used += (size_t)n;
	}
	fprintf(d->err, "cdcpivot: summary: %llu events, %llu rows, %llu skipped%s%s, %llu rejected\n",
	    d->events, d->rows, skipped, detail, used ? ")" : "", d->rejected);
}
