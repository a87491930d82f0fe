#include "pivot.h"

#include <stdlib.h>
#include <string.h>

#include "jsonval.h"
#include "timefmt.h"

static const char *const tail_names[] = {
	"change_field", "old_value", "new_value", "datetime_created", "datetime_updated",
	"datetime_deleted", "datetime_inserted", "crud_type",
};
enum { NTAIL = sizeof tail_names / sizeof tail_names[0] };


void
pivot_init(struct pivot *p, const struct options *o)
{
	memset(p, 0, sizeof *p);
	p->opts = o;
	p->writer.format = o->format;
	p->writer.sql_table = o->sql_table;
	diff_init(&p->diff, o->unavailable);
	buf_init(&p->scratch);
	p->inserted_ms = INT64_MIN;
}

void
pivot_free(struct pivot *p)
{
	diff_free(&p->diff);
	buf_free(&p->scratch);
	free(p->cells);
	free(p->names);
	free(p->spans);
}

static void
reserve(struct pivot *p, size_t n)
{
	if (n <= p->cap)
		return;
	size_t cap = p->cap ? p->cap * 2 : 32;
	while (cap < n)
		cap *= 2;
	p->cells = xrealloc(p->cells, cap * sizeof *p->cells);
	p->names = xrealloc(p->names, cap * sizeof *p->names);
	p->cap = cap;
}

static void
set_names(struct pivot *p, const char *const *ids, size_t nids)
{
	reserve(p, nids + NTAIL);
	for (size_t i = 0; i < nids; i++)
		p->names[i] = ids[i];
	for (size_t i = 0; i < NTAIL; i++)
		p->names[nids + i] = tail_names[i];
}

void
pivot_begin(struct pivot *p, struct buf *out)
{
	if (!p->opts->header || p->opts->ids.n == 0)
		return;
	set_names(p, (const char *const *)p->opts->ids.names, p->opts->ids.n);
	writer_header(&p->writer, out, p->names, p->opts->ids.n + NTAIL);
	p->header_done = 1;
}

static struct span
render(struct buf *scratch, const cJSON *v)
{
	struct span s = {scratch->len, 0, 0};
	s.null = !jsonval_render(scratch, v);
	s.len = scratch->len - s.off;
	return s;
}

static struct cell
cell_of(const struct buf *scratch, struct span s)
{
	struct cell c = {s.null ? NULL : scratch->p + s.off, s.len};
	if (c.p == NULL && !s.null)
		c.p = ""; /* empty text in a still-empty buffer */
	return c;
}

size_t
pivot_event(struct pivot *p, const struct envelope *env, int64_t now_ms, struct buf *out)
{
	struct diff *d = &p->diff;
	diff_event(d, env, p->opts);
	if (d->n == 0)
		return 0;

	size_t ncols = d->nids + NTAIL;
	reserve(p, ncols);
	set_names(p, d->id_names, d->nids);
	if (p->opts->header && !p->header_done) {
		writer_header(&p->writer, out, p->names, ncols);
		p->header_done = 1;
	}

	/* Render every value once; cells point into scratch afterwards. */
	if (d->nids + 2 * d->n > p->nspans) {
		p->nspans = d->nids + 2 * d->n;
		p->spans = xrealloc(p->spans, p->nspans * sizeof *p->spans);
	}
	struct span *ids = p->spans, *olds = ids + d->nids, *news = olds + d->n;
	p->scratch.len = 0;
	for (size_t i = 0; i < d->nids; i++)
		ids[i] = render(&p->scratch, d->id_values[i]);
	for (size_t i = 0; i < d->n; i++) {
		olds[i] = render(&p->scratch, d->changes[i].old);
		news[i] = render(&p->scratch, d->changes[i].new);
	}

	char ts[TIMEFMT_MAX];
	struct cell commit = {NULL, 0};
	if (env->has_ts)
		commit = (struct cell){ts, timefmt_ms(env->ts_ms, ts)};
	if (now_ms != p->inserted_ms) {
		p->inserted_len = timefmt_ms(now_ms, p->inserted);
		p->inserted_ms = now_ms;
	}
	char op[2] = {env->op, '\0'};
	struct cell none = {NULL, 0};

	struct cell *c = p->cells;
	for (size_t i = 0; i < d->nids; i++)
		c[i] = cell_of(&p->scratch, ids[i]);
	struct cell *t = c + d->nids;
	t[3] = env->op == 'c' || env->op == 'r' ? commit : none;
	t[4] = env->op == 'u' ? commit : none;
	t[5] = env->op == 'd' ? commit : none;
	t[6] = (struct cell){p->inserted, p->inserted_len};
	t[7] = (struct cell){op, 1};
	for (size_t i = 0; i < d->n; i++) {
		t[0] = (struct cell){d->changes[i].name, strlen(d->changes[i].name)};
		t[1] = cell_of(&p->scratch, olds[i]);
		t[2] = cell_of(&p->scratch, news[i]);
		writer_row(&p->writer, out, p->names, c, ncols);
	}
	return d->n;
}
