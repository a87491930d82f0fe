#include "pivot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "jsonval.h"
#include "schemacache.h"
#include "timefmt.h"

enum { NTAIL = COLUMNS_TAIL };

/* PostgreSQL types for --ddl, by column role. */
static const char *const tail_types[NTAIL] = {
	"text NOT NULL", "text", "text", "timestamp(3)", "timestamp(3)", "timestamp(3)", "timestamp(3)",
	"text NOT NULL",
};

/* Whether a --meta column is part of the conflict key: the position that
 * identifies one change. lsn alone when present, so that a connector
 * restart that sends the same change again (same lsn, new offset) is a
 * conflict; else the Kafka position. txid and ts are never unique. */
static int
meta_is_key(const struct options *o, const char *name)
{
	int has_lsn = 0;
	for (size_t i = 0; i < o->meta.n; i++)
		has_lsn |= strcmp(o->meta.names[i], "lsn") == 0;
	if (has_lsn)
		return strcmp(name, "lsn") == 0;
	return strcmp(name, "topic") == 0 || strcmp(name, "partition") == 0 ||
	    strcmp(name, "offset") == 0;
}

static const char *
meta_type(const char *name)
{
	if (strcmp(name, "topic") == 0)
		return "text";
	if (strcmp(name, "partition") == 0)
		return "integer";
	if (strcmp(name, "old_source") == 0)
		return "text";
	return "bigint"; /* lsn, txid, ts, offset */
}

void
pivot_init(struct pivot *p, const struct options *o)
{
	memset(p, 0, sizeof *p);
	p->opts = o;
	p->writer.format = o->format;
	p->writer.sql_table = o->sql_table;
	diff_init(&p->diff, o->unavailable);
	buf_init(&p->scratch);
	writer_template_init(&p->rows);
	p->decode.bytes_hex = o->bytes_hex;
	p->inserted_ms = INT64_MIN;
	p->old_source_meta = -1; /* options refuse a --meta name given twice */
	for (size_t m = 0; m < o->meta.n; m++)
		if (strcmp(o->meta.names[m], "old_source") == 0)
			p->old_source_meta = (long)m;
}

void
pivot_free(struct pivot *p)
{
	diff_free(&p->diff);
	buf_free(&p->scratch);
	writer_template_free(&p->rows);
	free(p->cells);
	free(p->names);
	free(p->spans);
	free(p->key);
	free(p->laid_ids);
	free(p->mismatch);
	decode_table_free(p->own_table);
	for (size_t i = 0; i < p->nheader_ids; i++)
		free(p->header_ids[i]);
	free(p->header_ids);
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
	p->key = xrealloc(p->key, cap * sizeof *p->key);
	p->cap = cap;
}

/* Lays out the column names, [table] ids tail meta, and the conflict key
 * (everything but the values and times). Returns the column count. */
static size_t
set_names(struct pivot *p, const char *const *ids, size_t nids)
{
	const struct options *o = p->opts;
	size_t n = 0;
	reserve(p, 1 + nids + NTAIL + o->meta.n);
	if (o->with_table) {
		p->key[n] = 1;
		p->names[n++] = columns_table_name;
	}
	for (size_t i = 0; i < nids; i++) {
		p->key[n] = 1;
		p->names[n++] = ids[i];
	}
	for (size_t i = 0; i < NTAIL; i++) {
		p->key[n] = i == COL_CHANGE_FIELD;
		p->names[n++] = columns_tail_names[i];
	}
	for (size_t i = 0; i < o->meta.n; i++) {
		p->key[n] = (unsigned char)meta_is_key(o, o->meta.names[i]);
		p->names[n++] = o->meta.names[i];
	}
	p->writer.key = o->upsert ? p->key : NULL;
	return n;
}

/* set_names, unless the ids are the last layout's, pointer for pointer:
 * the names then hold exactly what it would put there again (the same
 * pointers, whatever they point to now), and most events have the ids
 * of the one before. */
static size_t
lay_out(struct pivot *p, const char *const *ids, size_t nids)
{
	if (p->laid_cols > 0 && nids == p->nlaid_ids &&
	    (nids == 0 || memcmp(ids, p->laid_ids, nids * sizeof *ids) == 0))
		return p->laid_cols;
	if (nids > p->laid_cap) {
		p->laid_cap = nids;
		p->laid_ids = xrealloc(p->laid_ids, nids * sizeof *p->laid_ids);
	}
	if (nids > 0)
		memcpy(p->laid_ids, ids, nids * sizeof *ids);
	p->nlaid_ids = nids;
	p->laid_cols = set_names(p, ids, nids);
	return p->laid_cols;
}

/* CREATE TABLE for --ddl; with --upsert, the unique key that ON CONFLICT
 * needs: ids, change_field and the change's position, NULLS NOT DISTINCT
 * (PostgreSQL 15) so that rows whose id values are NULL are still
 * recognised as the same row. Without --upsert the log may hold the same
 * row twice (a replay), so there is no key. */
static void
write_ddl(struct pivot *p, struct buf *out, size_t n)
{
	const struct options *o = p->opts;
	buf_puts(out, "CREATE TABLE IF NOT EXISTS ");
	writer_sql_table(out, o->sql_table);
	buf_puts(out, " (\n");
	size_t first_tail = (o->with_table ? 1 : 0) + o->ids.n;
	for (size_t i = 0; i < n; i++) {
		buf_append(out, "    ", 4);
		writer_sql_identifier(out, p->names[i]);
		buf_putc(out, ' ');
		if (i >= first_tail && i < first_tail + NTAIL)
			buf_puts(out, tail_types[i - first_tail]);
		else if (i >= first_tail + NTAIL)
			buf_puts(out, meta_type(p->names[i]));
		else
			buf_puts(out, "text");
		if (i + 1 < n || o->upsert)
			buf_putc(out, ',');
		buf_putc(out, '\n');
	}
	if (o->upsert) {
		buf_puts(out, "    UNIQUE NULLS NOT DISTINCT (");
		writer_sql_key_list(out, p->names, p->key, n);
		buf_puts(out, ")\n");
	}
	buf_puts(out, ");\n");
}

void
pivot_begin(struct pivot *p, struct buf *out)
{
	const struct options *o = p->opts;
	if (o->ids.n == 0 || (!o->header && !o->ddl))
		return;
	size_t n = lay_out(p, (const char *const *)o->ids.names, o->ids.n);
	if (o->ddl)
		write_ddl(p, out, n);
	if (o->header)
		writer_header(&p->writer, out, p->names, n);
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

/* Records that column name was printed as it arrived: once per column
 * (its old and new values may both miss), with the gravest reason. */
static void
note_mismatch(struct pivot *p, const char *name, int why)
{
	for (size_t i = 0; i < p->nmismatch; i++) {
		if (strcmp(p->mismatch[i].name, name) == 0) {
			if (p->mismatch[i].why < why)
				p->mismatch[i].why = why;
			return;
		}
	}
	if (p->nmismatch == p->mismatch_cap) {
		p->mismatch_cap = p->mismatch_cap ? 2 * p->mismatch_cap : 8;
		p->mismatch = xrealloc(p->mismatch, p->mismatch_cap * sizeof *p->mismatch);
	}
	p->mismatch[p->nmismatch++] = (struct pivot_mismatch){name, why};
}

/* The decoder of column name in this event's schema; NULL without one. */
static const struct decode_column *
column_decoder(const struct pivot *p, const char *name)
{
	return p->table != NULL ? decode_table_column(p->table, name) : NULL;
}

/* A column value, decoded through its schema (col, from column_decoder)
 * when the event has one. */
static struct span
render_column(struct pivot *p, const char *name, const struct decode_column *col, const cJSON *v)
{
	if (p->table == NULL || v == NULL)
		return render(&p->scratch, v);
	struct span s = {p->scratch.len, 0, 0};
	int mismatch = 0;
	s.null = !decode_render(&p->scratch, col, v, &p->decode, &mismatch);
	s.len = p->scratch.len - s.off;
	if (mismatch)
		note_mismatch(p, name, mismatch);
	return s;
}

static void
free_table(void *t)
{
	decode_table_free(t);
}

/* The decoders for this event's schema: derived once per cached schema,
 * or built for this event alone when the schema was not cached. */
static void
choose_table(struct pivot *p, const struct envelope *env)
{
	decode_table_free(p->own_table);
	p->own_table = NULL;
	p->table = NULL;
	if (env->schema == NULL)
		return;
	struct schema_entry *e = env->schema_entry;
	if (e != NULL) {
		if (e->derived == NULL) {
			e->derived = decode_table_new(e->schema);
			e->free_derived = free_table;
		}
		p->table = e->derived;
		return;
	}
	p->own_table = decode_table_new(env->schema);
	p->table = p->own_table;
}

static struct cell
cell_of(const struct buf *scratch, struct span s)
{
	struct cell c = {NULL, s.len, 0};
	if (!s.null)
		c.p = scratch->p != NULL ? scratch->p + s.off : ""; /* "": nothing rendered yet */
	return c;
}

/* The value of one --meta column for this event. */
static struct span
meta_value(struct pivot *p, const struct envelope *env, const char *name)
{
	struct buf *sb = &p->scratch;
	const cJSON *v = NULL;
	if (strcmp(name, "lsn") == 0)
		v = cJSON_GetObjectItemCaseSensitive(env->source, "lsn");
	else if (strcmp(name, "txid") == 0)
		v = cJSON_GetObjectItemCaseSensitive(env->source, "txId");
	else if (strcmp(name, "ts") == 0) {
		struct span s = {sb->len, 0, !env->has_ts};
		if (env->has_ts) {
			char tmp[24];
			int k = snprintf(tmp, sizeof tmp, "%lld", (long long)env->ts_ms);
			buf_append(sb, tmp, (size_t)k);
			s.len = (size_t)k;
		}
		return s;
	} else if (env->record != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(env->record, name);
	}
	return render(sb, v);
}

/* --meta old_source as far as the event tells: nothing for an insert
 * (there is no old row); unknown when the event lacks the old value (an
 * update without before, a key-only delete, a TOAST placeholder). */
static const char *
old_source_of(const struct pivot *p, const struct envelope *env, const struct field_change *fc)
{
	const char *dflt = "before";
	if (env->op == 'c' || env->op == 'r')
		dflt = NULL;
	else if (env->before == NULL || (p->diff.notes & DIFF_NOTE_KEY_ONLY) ||
	    diff_is_unavailable(&p->diff, cJSON_GetObjectItemCaseSensitive(env->before, fc->name),
	        p->opts->unavailable))
		dflt = "unknown";
	return p->old_source ? p->old_source(p->old_source_ctx, env, fc, dflt) : dflt;
}

/* --header without --id: the header names the first event's id columns;
 * remembers them (the event's names live in its trees). */
static void
keep_header_ids(struct pivot *p, const struct diff *d, const struct envelope *env)
{
	p->header_ids = xmalloc((d->nids ? d->nids : 1) * sizeof *p->header_ids);
	for (size_t i = 0; i < d->nids; i++)
		p->header_ids[i] = xstrndup(d->id_names[i], strlen(d->id_names[i]));
	p->nheader_ids = d->nids;
	memcpy(p->header_table, env->table, env->table_len + 1);
}

/* Whether the event's id columns are those under the header; if not, says
 * so in p->refused. */
static int
fits_header(struct pivot *p, const struct diff *d, const struct envelope *env)
{
	int same = d->nids == p->nheader_ids;
	for (size_t i = 0; same && i < d->nids; i++)
		same = strcmp(d->id_names[i], p->header_ids[i]) == 0;
	if (same)
		return 1;
	const char *table = env->table;
	char ids[96] = "", was[96] = "";
	for (size_t i = 0, u = 0; i < d->nids && u < sizeof ids; i++)
		u += (size_t)snprintf(ids + u, sizeof ids - u, "%s%s", i ? "," : "", d->id_names[i]);
	for (size_t i = 0, u = 0; i < p->nheader_ids && u < sizeof was; i++)
		u += (size_t)snprintf(was + u, sizeof was - u, "%s%s", i ? "," : "", p->header_ids[i]);
	snprintf(p->refused, sizeof p->refused,
	    "%.80s has id columns (%.60s), but --header named those of %.80s (%.60s): give --id, or run one cdcpivot per table",
	    table[0] ? table : "this event", ids, p->header_table[0] ? p->header_table : "the first event", was);
	return 0;
}

/* A decimal scale beyond what any database allows would turn a short
 * line into gigabytes of digits: such an event is refused (its line goes
 * to the dead-letter file) rather than printed. */
static int
scales_fit(struct pivot *p)
{
	for (size_t i = 0; i < p->nmismatch; i++)
		if (p->mismatch[i].why == DECODE_BAD_SCALE) {
			snprintf(p->refused, sizeof p->refused,
			    "value of field '%.200s' has a decimal scale beyond any database's "
			    "(-1000..1000 declared, -1000..16383 per value)",
			    p->mismatch[i].name);
			return 0;
		}
	return 1;
}

/* Renders every value of the event once into scratch: the id columns,
 * the old and new value of each change, the --meta columns. Returns the
 * spans, in that order. */
static struct span *
render_values(struct pivot *p, const struct envelope *env)
{
	const struct options *o = p->opts;
	const struct diff *d = &p->diff;
	size_t nspans = d->nids + 2 * d->n + o->meta.n;
	if (nspans > p->nspans) {
		p->nspans = nspans;
		p->spans = xrealloc(p->spans, p->nspans * sizeof *p->spans);
	}
	struct span *ids = p->spans, *olds = ids + d->nids, *news = olds + d->n, *meta = news + d->n;
	p->scratch.len = 0;
	choose_table(p, env);
	for (size_t i = 0; i < d->nids; i++) {
		const char *name = d->id_names[i];
		ids[i] = render_column(p, name, column_decoder(p, name), d->id_values[i]);
	}
	for (size_t i = 0; i < d->n; i++) {
		/* One lookup for both values of a change. */
		const char *name = d->changes[i].name;
		const struct decode_column *col = column_decoder(p, name);
		olds[i] = render_column(p, name, col, d->changes[i].old);
		news[i] = render_column(p, name, col, d->changes[i].new);
	}
	for (size_t i = 0; i < o->meta.n; i++)
		meta[i] = meta_value(p, env, o->meta.names[i]);
	return p->spans;
}

/* The text of the commit time ms in p->commit, and its length. A busy
 * table commits many times a second: when ms is in the second of the last
 * text, and that text has the common form YYYY-MM-DD HH:MM:SS.mmm (23
 * bytes: a year of four digits, not BC), only its milliseconds change. */
static size_t
commit_text(struct pivot *p, int64_t ms)
{
	int64_t rem;
	int64_t sec = timefmt_floordiv(ms, 1000, &rem);
	if (p->commit_len == 23 && sec == p->commit_sec) {
		timefmt_digits(p->commit + 20, (uint64_t)rem, 3);
		return p->commit_len;
	}
	p->commit_len = timefmt_ms(ms, p->commit);
	p->commit_sec = sec;
	return p->commit_len;
}

/* Fills the cells that every row of the event shares: [table], the ids,
 * the commit times, datetime_inserted, crud_type and the --meta values.
 * Returns where the tail columns (enum in columns.h) start. */
static struct cell *
shared_cells(struct pivot *p, const struct envelope *env, int64_t now_ms, const struct span *ids)
{
	const struct options *o = p->opts;
	const struct span *meta = ids + p->diff.nids + 2 * p->diff.n;
	struct cell commit = {NULL, 0, 0}, none = {NULL, 0, 0};
	if (env->has_ts)
		commit = (struct cell){p->commit, commit_text(p, env->ts_ms), 1};
	if (now_ms != p->inserted_ms) {
		p->inserted_len = timefmt_ms(now_ms, p->inserted);
		p->inserted_ms = now_ms;
	}
	p->op[0] = env->op;
	struct cell *c = p->cells;
	if (o->with_table)
		*c++ = env->table_len > 0 ? (struct cell){env->table, env->table_len, 0} : none;
	for (size_t i = 0; i < p->diff.nids; i++)
		*c++ = cell_of(&p->scratch, ids[i]);
	struct cell *t = c;
	t[COL_CREATED] = env->op == 'c' || env->op == 'r' ? commit : none;
	t[COL_UPDATED] = env->op == 'u' ? commit : none;
	t[COL_DELETED] = env->op == 'd' ? commit : none;
	/* timefmt's times and an op letter: digits, '-', ':', '.', ' ', "BC",
	 * a letter; never empty (see struct cell) */
	t[COL_INSERTED] = (struct cell){p->inserted, p->inserted_len, 1};
	t[COL_CRUD_TYPE] = (struct cell){p->op, 1, 1};
	for (size_t i = 0; i < o->meta.n; i++)
		t[NTAIL + i] = cell_of(&p->scratch, meta[i]);
	return t;
}

/* One row per change: the change's own cells over the shared ones,
 * which are encoded once for all of them unless --meta old_source makes
 * a cell of the tail differ from row to row. */
static void
write_rows(struct pivot *p, const struct envelope *env, const struct span *ids, struct cell *t,
    size_t ncols, struct buf *out)
{
	const struct diff *d = &p->diff;
	const struct span *olds = ids + d->nids, *news = olds + d->n;
	size_t own = (size_t)(t - p->cells) + COL_CHANGE_FIELD;
	if (p->old_source_meta < 0)
		writer_template_set(&p->writer, &p->rows, p->cells, ncols, own, own + 3);
	for (size_t i = 0; i < d->n; i++) {
		t[COL_CHANGE_FIELD] = (struct cell){d->changes[i].name, strlen(d->changes[i].name), 0};
		t[COL_OLD_VALUE] = cell_of(&p->scratch, olds[i]);
		t[COL_NEW_VALUE] = cell_of(&p->scratch, news[i]);
		if (p->old_source_meta < 0) {
			writer_template_row(&p->writer, &p->rows, out, p->names, p->cells, ncols);
			continue;
		}
		const char *src = old_source_of(p, env, &d->changes[i]);
		t[NTAIL + p->old_source_meta] = (struct cell){src, src ? strlen(src) : 0, 0};
		writer_row(&p->writer, out, p->names, p->cells, ncols);
	}
}

static size_t
event_rows(struct pivot *p, const struct envelope *env, int64_t now_ms, struct buf *out)
{
	const struct options *o = p->opts;
	struct diff *d = &p->diff;
	diff_event(d, env, o);
	if (d->n == 0)
		return 0;
	if (o->header && o->ids.n == 0 && p->header_done && !fits_header(p, d, env))
		return 0;
	size_t ncols = lay_out(p, d->id_names, d->nids);
	if (o->header && !p->header_done) {
		writer_header(&p->writer, out, p->names, ncols);
		keep_header_ids(p, d, env);
		p->header_done = 1;
	}
	const struct span *spans = render_values(p, env);
	if (!scales_fit(p))
		return 0;
	struct cell *tail = shared_cells(p, env, now_ms, spans);
	write_rows(p, env, spans, tail, ncols, out);
	return d->n;
}

size_t
pivot_event(struct pivot *p, const struct envelope *env, int64_t now_ms, struct buf *out,
    struct pivot_report *rep)
{
	p->refused[0] = '\0';
	p->nmismatch = 0; /* an event that gives no rows has no mismatch */
	size_t rows = event_rows(p, env, now_ms, out);
	const struct diff *d = &p->diff;
	*rep = (struct pivot_report){
		.refused = p->refused[0] != '\0' ? p->refused : NULL,
		.notes = d->notes,
		.old_unknown = d->old_unknown,
		.nold_unknown = d->nold_unknown,
		.unavailable = d->unavailable,
		.nunavailable = d->nunavailable,
		.missing = d->missing,
		.nmissing = d->nmissing,
		.missing_ids = d->missing_ids,
		.nmissing_ids = d->nmissing_ids,
		.mismatch = p->mismatch,
		.nmismatch = p->nmismatch,
	};
	return rows;
}
