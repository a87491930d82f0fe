#include "diag.h"

#include <stdarg.h>
#include <string.h>

void
diag_init(struct diag *d, FILE *err)
{
	memset(d, 0, sizeof *d);
	d->err = err;
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
diag_reject(struct diag *d, unsigned long lineno, const char *reason)
{
	fprintf(d->err, "cdcpivot: %s:%lu: ", d->input, lineno);
	put_clean(d->err, reason);
	putc('\n', d->err);
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

/* Appends ", name N" (or " (name N" first) to detail when n is not 0. */
static size_t
put_skip(char *detail, size_t size, size_t used, const char *name, unsigned long long n)
{
	if (n == 0 || used >= size)
		return used;
	int k = snprintf(detail + used, size - used, "%s%s %llu", used ? ", " : " (", name, n);
	return k > 0 ? used + (size_t)k : used;
}

void
diag_summary(const struct diag *d, const struct tally *t)
{
	char detail[256] = "";
	size_t used = 0;
	for (int k = 0; k < SKIP_KINDS; k++)
		used = put_skip(detail, sizeof detail, used, envelope_skip_names[k], t->skipped[k]);
	used = put_skip(detail, sizeof detail, used, "other table", t->other_table);
	used = put_skip(detail, sizeof detail, used, "duplicate", t->duplicate);
	fprintf(d->err, "cdcpivot: summary: %llu events, %llu rows, %llu skipped%s%s, %llu rejected\n",
	    t->events, t->rows, tally_skipped(t), detail, used ? ")" : "", t->rejected);
}
