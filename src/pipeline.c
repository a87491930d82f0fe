#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dedup.h"
#include "diag.h"
#include "envelope.h"
#include "jsonarena.h"
#include "exitcode.h"
#include "kafkainput.h"
#include "linereader.h"
#include "output.h"
#include "pivot.h"
#include "schemacache.h"
#include "state.h"
#include "stateful.h"

enum {
	FLUSH_AT = 256 * 1024,
	BIG_LINE = 256 * 1024, /* lines longer than this flush earlier rows first */
	WARN_ONCE_MAX = 256,   /* distinct warnings remembered; bounded memory */
	/* Schemas kept: value and key schemas of the tables in one stream.
	 * Each costs its text, its parsed tree and its decoders, about 10
	 * times the text: 1 MiB of text (500 tables of 10 columns with their
	 * key schemas) is about 11 MiB at most. */
	SCHEMA_CACHE_ENTRIES = 4096,
	SCHEMA_CACHE_BYTES = 1024 * 1024,
	STATE_STAGED_MAX = 4096, /* --state changes waiting for the output, */
	STATE_STAGED_BYTES = 16 * 1024 * 1024 /* before it is flushed for them */
};

/* Warnings that are given once per run (per field or per table), so a
 * stream of a million events does not repeat them a million times. */
struct once {
	char *keys[WARN_ONCE_MAX];
	size_t n;
};

static int
once_first(struct once *s, const char *kind, const char *name)
{
	size_t kl = strlen(kind), nl = strlen(name);
	for (size_t i = 0; i < s->n; i++)
		if (strncmp(s->keys[i], kind, kl) == 0 && s->keys[i][kl] == ':' &&
		    strcmp(s->keys[i] + kl + 1, name) == 0)
			return 0;
	if (s->n == WARN_ONCE_MAX)
		return 0; /* past the bound, stay quiet rather than grow */
	char *k = xmalloc(kl + nl + 2);
	memcpy(k, kind, kl);
	k[kl] = ':';
	memcpy(k + kl + 1, name, nl + 1);
	s->keys[s->n++] = k;
	return 1;
}

static void
once_free(struct once *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->keys[i]);
	s->n = 0;
}

struct run {
	const struct options *o;
	struct diag diag;
	struct output out;
	struct pivot pivot;
	struct once warned;
	struct schema_cache *schemas;
	struct dedup *dedup;    /* --dedup, or NULL */
	struct state *state;    /* --state, or NULL */
	struct stateful *stateful;
	struct jsonarena arena; /* the current line's JSON trees */
	unsigned long long *table_hits; /* events matched, per --table pattern */
	int io_failed;      /* an input could not be read */
	int fatal;          /* the run cannot go on (out of memory) */
	/* The input being read. Only run_input needs it, but kept here in
	 * memory: when SIGPIPE ends the run in the middle of a write,
	 * valgrind's leak check does not see a pointer held in a register
	 * and would report the reader as lost. */
	struct linereader *lr;
	int state_failed;   /* the --state store could not be read or written */
	time_t last_stats;  /* CLOCK_MONOTONIC second of the last --stats line */
	unsigned long long stats_seen; /* lines counted at that time */
};

static int64_t
now_ms(const struct run *r)
{
	if (r->o->inserted_fixed)
		return r->o->inserted_ms;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --state: the staged changes of every event the output holds go to the
 * store (after the output flush, so the state never runs ahead of it). */
static void
apply_state(struct run *r)
{
	if (r->state != NULL && !r->state_failed && state_apply(r->state, output_written(&r->out)) < 0) {
		diag_error(&r->diag, "--state: %s", state_error(r->state));
		r->state_failed = 1; /* run_input stops on it */
	}
}

/* Called by the line reader before it would block: whoever tails the
 * output sees every row of the events read so far. */
static void
on_idle(void *ctx)
{
	struct run *r = ctx;
	output_flush(&r->out);
	apply_state(r);
	if (r->o->stats) {
		/* At most once a second: a slow stream pauses after every event. */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		unsigned long long seen = r->diag.events + r->diag.rejected;
		for (int k = 0; k < SKIP_KINDS; k++)
			seen += r->diag.skipped[k];
		if (seen != r->stats_seen && (r->last_stats == 0 || now.tv_sec > r->last_stats)) {
			r->diag.rows = r->out.rows_written;
			diag_summary(&r->diag);
			r->last_stats = now.tv_sec;
			r->stats_seen = seen; /* and only when something new was read */
		}
	}
}

/* The REPLICA IDENTITY warnings, once per table: "<op> <table> <lack>:
 * old values are unknown<effect> (run ALTER TABLE ...)". */
static void
warn_identity(struct run *r, const struct envelope *env, unsigned long lineno, const char *op,
    const char *lack, const char *effect)
{
	char t[256];
	int named = pivot_table_name(env, t, sizeof t) > 0;
	if (!once_first(&r->warned, op, t))
		return;
	if (env->mongodb) /* pre-images: MongoDB 6.0 and Debezium 2.x */
		diag_warn(&r->diag, lineno,
		    "%s %s %s: old values are unknown%s (set the connector's capture.mode="
		    "change_streams_update_full_with_pre_image and enable changeStreamPreAndPostImages "
		    "on the collection)",
		    op, named ? t : "the collection", lack, effect);
	else
		diag_warn(&r->diag, lineno,
		    "%s %s %s: old values are unknown%s (run ALTER TABLE %s REPLICA IDENTITY FULL)", op,
		    named ? t : "the table", lack, effect, named ? t : "<table>");
}

static void
warn_event(struct run *r, const struct envelope *env, unsigned long lineno)
{
	const struct diff *d = &r->pivot.diff;
	if (d->notes & DIFF_NOTE_NO_BEFORE)
		warn_identity(r, env, lineno, "update of", "without a before image",
		    " and printed as NULL");
	if (d->notes & DIFF_NOTE_KEY_ONLY)
		warn_identity(r, env, lineno, "delete from", "carries only the key",
		    r->o->fields.n > 0 ? " and printed as NULL" : ", no rows without --fields");
	for (size_t i = 0; i < d->nold_unknown; i++)
		if (once_first(&r->warned, "old-unknown", d->old_unknown[i]))
			diag_warn(&r->diag, lineno,
			    "field '%s' changed, but its old value was not sent (TOASTed, \"%s\"): printed as NULL",
			    d->old_unknown[i], r->o->unavailable);
	for (size_t i = 0; i < d->nunavailable; i++)
		if (once_first(&r->warned, "unavailable", d->unavailable[i]))
			diag_warn(&r->diag, lineno,
			    "field '%s' was not sent (unchanged TOASTed value, \"%s\"): not reported as a change",
			    d->unavailable[i], r->o->unavailable);
	for (size_t i = 0; i < r->pivot.nmismatch; i++) {
		const struct pivot_mismatch *m = &r->pivot.mismatch[i];
		if (once_first(&r->warned, "mismatch", m->name))
			diag_warn(&r->diag, lineno,
			    "value of field '%s' does not fit its schema: printed as it arrived", m->name);
	}
	for (size_t i = 0; i < d->nmissing; i++)
		if (once_first(&r->warned, "missing", d->missing[i]))
			diag_warn(&r->diag, lineno, "field '%s' is not in the row", d->missing[i]);
	if (d->nmissing_ids > 0) {
		char t[256], k[512];
		int named = pivot_table_name(env, t, sizeof t) > 0;
		for (size_t i = 0; i < d->nmissing_ids; i++) {
			snprintf(k, sizeof k, "%s\x1f%s", t, d->missing_ids[i]);
			if (once_first(&r->warned, "missing-id", k))
				diag_warn(&r->diag, lineno,
				    "id column '%s' is not in the row or key of %s: printed as NULL",
				    d->missing_ids[i], named ? t : "the table");
		}
	}
}

/* --table: the event's schema.table matches one of the patterns. Counts
 * the matches of each pattern, so that one that matched nothing (a topic
 * name given for a table name, say) can be pointed out at the end. */
static int
table_wanted(struct run *r, const struct envelope *env)
{
	const struct options *o = r->o;
	if (o->tables.n == 0)
		return 1;
	char t[256];
	if (pivot_table_name(env, t, sizeof t) == 0)
		return 0;
	for (size_t i = 0; i < o->tables.n; i++)
		if (fnmatch(o->tables.names[i], t, 0) == 0) {
			r->table_hits[i]++;
			return 1;
		}
	return 0;
}

static void
warn_unmatched_tables(struct run *r)
{
	for (size_t i = 0; i < r->o->tables.n; i++)
		if (r->table_hits[i] == 0)
			diag_error(&r->diag,
			    "warning: --table '%s' matched no event (patterns match schema.table, such as bank.holding, not the topic name)",
			    r->o->tables.names[i]);
}

/* --state: completes the event from the stored image. Returns 0 when the
 * event gives no rows: a replay of a change the output already holds
 * (counted as a duplicate), or a store failure (*rc = -1, the run stops). */
static int
state_before(struct run *r, struct envelope *env, unsigned long lineno, int *rc)
{
	enum stateful_verdict v = stateful_prepare(r->stateful, env);
	if (v != STATEFUL_ERROR && !stateful_has_position(r->stateful)) {
		char t[256];
		int named = pivot_table_name(env, t, sizeof t) > 0;
		if (once_first(&r->warned, "state-position", t))
			diag_warn(&r->diag, lineno,
			    "%s: an event without a position (no lsn, not a kcat -J record): --state cannot tell a replay of it from a new change",
			    named ? t : "the table");
	}
	switch (v) {
	case STATEFUL_REPLAY:
		r->diag.skipped[SKIP_DUPLICATE]++;
		return 0;
	case STATEFUL_ERROR:
		diag_error(&r->diag, "%s", stateful_error(r->stateful));
		r->state_failed = 1;
		*rc = -1;
		return 0;
	case STATEFUL_MISS:
		if (stateful_needed(r->stateful)) {
			char t[256];
			int named = pivot_table_name(env, t, sizeof t) > 0;
			if (once_first(&r->warned, "state-miss", t))
				diag_warn(&r->diag, lineno,
				    "%s: a row not in --state %s (it starts with the changes it sees; bootstrap it from a snapshot): its old values are unknown (--meta old_source says unknown)",
				    named ? t : "the table", r->o->state_dir);
		}
		return 1;
	case STATEFUL_HIT:
		return 1;
	}
	return 1;
}

/* After each event: when many --state changes wait for the output, it is
 * flushed for them (bounded memory). Returns -1 when the store failed. */
static int
sync_state(struct run *r)
{
	if (r->state == NULL)
		return r->state_failed ? -1 : 0;
	if (state_staged(r->state) >= STATE_STAGED_MAX ||
	    state_staged_bytes(r->state) >= STATE_STAGED_BYTES)
		output_flush(&r->out);
	apply_state(r);
	return r->state_failed ? -1 : 0;
}

/* Handles one record (a line, or a Kafka record); *rows is how many rows
 * it appended to the output. Returns -1 when the run must stop (--strict). */
static int
handle_line(struct run *r, const struct record *ln, size_t *rows)
{
	if (ln->oversize) {
		char why[96];
		snprintf(why, sizeof why, "line longer than --max-line-bytes (%zu bytes), skipped unread",
		    r->o->max_line_bytes);
		diag_reject(&r->diag, ln->no, NULL, 0, why); /* nothing left to keep */
		return r->o->strict ? -1 : 0;
	}
	struct envelope env;
	jsonarena_reset(&r->arena);
	jsonarena_enter(&r->arena);
	if (ln->meta != NULL)
		envelope_parse_record(&env, r->schemas, ln->meta, ln->p, ln->len);
	else
		envelope_parse_cached(&env, r->schemas, ln->p, ln->len);
	int rc = 0;
	switch (env.kind) {
	case ENVELOPE_SKIP:
		r->diag.skipped[env.skip]++;
		break;
	case ENVELOPE_REJECT:
		diag_reject(&r->diag, ln->no, ln->p, ln->len, env.reason);
		rc = r->o->strict ? -1 : 0;
		break;
	case ENVELOPE_FATAL:
		/* Not a rejected line: the line was not read. Stop, exit 2. */
		diag_error(&r->diag, "%s:%lu: %s", r->diag.input, ln->no, env.reason);
		r->fatal = 1;
		rc = -1;
		break;
	case ENVELOPE_CHANGE:
		if (!table_wanted(r, &env)) {
			r->diag.skipped[SKIP_TABLE]++;
			break;
		}
		if (r->dedup != NULL && dedup_seen(r->dedup, dedup_identity(r->dedup, &env))) {
			r->diag.skipped[SKIP_DUPLICATE]++;
			break;
		}
		if (r->stateful != NULL && !state_before(r, &env, ln->no, &rc))
			break;
		*rows = pivot_event(&r->pivot, &env, now_ms(r), &r->out.data);
		if (r->pivot.refused[0] != '\0') {
			diag_reject(&r->diag, ln->no, ln->p, ln->len, r->pivot.refused);
			rc = r->o->strict ? -1 : 0;
			break;
		}
		if (r->stateful != NULL) /* the number output_commit gives it */
			stateful_stage(r->stateful, &env, r->out.events_committed + 1);
		r->diag.events++;
		warn_event(r, &env, ln->no);
		break;
	}
	if (r->stateful != NULL)
		stateful_done(r->stateful);
	envelope_clear(&env);
	jsonarena_leave();
	return rc;
}

/* Reads one input to its end. Returns -1 when the run must stop. */
static int
run_input(struct run *r, int fd, volatile sig_atomic_t *stop, const sigset_t *wait_mask)
{
	struct linereader *lr = r->lr = linereader_new(fd, r->o->max_line_bytes);
	linereader_on_idle(lr, on_idle, r);
	linereader_wait_mask(lr, wait_mask);
	int rc = 0;
	struct line ln;
	while (!*stop) {
		enum linereader_status st = linereader_next(lr, &ln);
		if (st == LINEREADER_INTR)
			continue;
		if (st == LINEREADER_EOF)
			break;
		if (st == LINEREADER_ERROR) {
			diag_error(&r->diag, "%s: read error: %s", r->diag.input, strerror(errno));
			r->io_failed = 1;
			break;
		}
		/* A long line may need memory in proportion to it: the rows of
		 * earlier lines go out first, so running out of memory on it
		 * loses none of them. */
		if (ln.len > BIG_LINE && output_flush(&r->out) < 0)
			rc = -1;
		size_t rows = 0;
		struct record rec = {ln.p, ln.len, ln.no, ln.oversize, NULL, NULL};
		if (rc == 0 && handle_line(r, &rec, &rows) < 0)
			rc = -1;
		if (r->diag.dead_letter_failed)
			rc = -1; /* a rejected line that cannot be kept: stop now */
		/* With -u, flush_at is 1: every commit writes. */
		if (output_commit(&r->out, rows) < 0 || rc < 0 || sync_state(r) < 0) {
			rc = -1;
			break;
		}
	}
	linereader_free(lr);
	r->lr = NULL;
	return rc;
}

/* --brokers: records from Kafka instead of lines; each one is
 * acknowledged to the input once committed to the output. Returns -1
 * when the run must stop. */
static int
run_kafka(struct run *r, struct kafkainput *k)
{
	struct record rec;
	int st;
	while ((st = kafkainput_next(k, &rec)) > 0) {
		r->diag.input = rec.where;
		size_t rows = 0;
		int rc = handle_line(r, &rec, &rows);
		if (r->diag.dead_letter_failed)
			rc = -1;
		if (output_commit(&r->out, rows) < 0 || rc < 0)
			return -1;
		kafkainput_handled(k);
	}
	if (st < 0)
		r->io_failed = 1;
	return st;
}

/* The Kafka input for --brokers, with --output FILE's checkpoint when
 * FILE is a regular file. Opened before anything is written to FILE, since
 * it may cut FILE back to the checkpoint. */
static struct kafkainput *
open_kafka(struct run *r, FILE *dead, volatile sig_atomic_t *stop, const sigset_t *wait_mask,
    char **checkpoint)
{
	const struct options *o = r->o;
	*checkpoint = NULL;
	if (o->output != NULL && r->out.regular) {
		size_t n = strlen(o->output);
		*checkpoint = xmalloc(n + sizeof ".offsets");
		memcpy(*checkpoint, o->output, n);
		memcpy(*checkpoint + n, ".offsets", sizeof ".offsets");
	}
	struct kafkainput_config cfg = {&o->kafka, *checkpoint, o->fsync, o->max_line_bytes, dead, stop,
	    wait_mask, on_idle, r, o->quiet};
	return kafkainput_open(&cfg, &r->out, &r->diag);
}

/* Opens --output FILE for appending and cuts off part of a row that a
 * killed earlier run may have left at its end. Returns the fd or -1. */
static int
open_output(struct run *r, const char *path)
{
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644); /* read: see output_repair_tail */
	if (fd < 0) {
		diag_error(&r->diag, "%s: %s", path, strerror(errno));
		return -1;
	}
	long long cut = output_repair_tail(fd);
	if (cut < 0) {
		diag_error(&r->diag, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (cut > 0)
		diag_error(&r->diag,
		    "%s: warning: removed %lld bytes of an incomplete row at its end (left by a run that was killed)",
		    path, cut);
	return fd;
}

/* --state DIR: durable like the output (fsync with --fsync). */
static int
open_state(struct run *r)
{
	char err[300];
	r->state = state_open(r->o->state_dir, r->o->fsync, err, sizeof err);
	if (r->state == NULL) {
		diag_error(&r->diag, "%s", err);
		return -1;
	}
	r->stateful = stateful_new(r->state, r->o);
	r->pivot.old_source = stateful_old_source;
	r->pivot.old_source_ctx = r->stateful;
	return 0;
}

/* Reads every input in turn. */
static void
run_inputs(struct run *r, volatile sig_atomic_t *stop, const sigset_t *wait_mask)
{
	const struct options *o = r->o;
	static char *const stdin_only[] = {"-"};
	char *const *files = o->nfiles > 0 ? o->files : stdin_only;
	int nfiles = o->nfiles > 0 ? o->nfiles : 1;
	for (int i = 0; i < nfiles && !*stop; i++) {
		int fd = 0;
		if (strcmp(files[i], "-") == 0) {
			r->diag.input = "<stdin>";
		} else {
			r->diag.input = files[i];
			fd = open(files[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				diag_error(&r->diag, "%s: %s", files[i], strerror(errno));
				r->io_failed = 1;
				continue;
			}
		}
		int rc = run_input(r, fd, stop, wait_mask);
		if (fd != 0)
			close(fd);
		if (rc < 0)
			break;
	}
}

/* Writes what is left and says what could not be written. Returns the
 * exit status so far. */
static int
finish_output(struct run *r)
{
	int failed = output_flush(&r->out) < 0;
	if (r->state != NULL) {
		char err[300];
		if (state_close(r->state, r->state_failed ? 0 : output_written(&r->out), err, sizeof err) < 0) {
			diag_error(&r->diag, "--state: %s", err);
			r->state_failed = 1;
		}
		r->state = NULL;
	}
	unsigned long long lost = output_rows_pending(&r->out);
	r->diag.rows = r->out.rows_written;
	if (failed && r->out.error == EPIPE)
		return EXIT_FATAL;
	if (failed) {
		diag_error(&r->diag,
		    "write error: %s (the output ends after the last whole event; %llu row%s not written)",
		    strerror(r->out.error), lost, lost == 1 ? "" : "s");
		return EXIT_FATAL;
	}
	if (lost > 0)
		diag_error(&r->diag, "output blocked when stopped: %llu row%s not written", lost,
		    lost == 1 ? "" : "s");
	return EXIT_ALL_HANDLED;
}

int
pipeline_run(const struct options *o, int out_fd, FILE *err, volatile sig_atomic_t *stop,
    const sigset_t *wait_mask)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.o = o;
	diag_init(&r.diag, err, NULL);
	FILE *dead = NULL;
	if (o->dead_letter != NULL) {
		dead = fopen(o->dead_letter, "a");
		if (dead == NULL) {
			diag_error(&r.diag, "%s: %s", o->dead_letter, strerror(errno));
			return EXIT_FATAL;
		}
		r.diag.dead_letter = dead;
	}
	if (o->output != NULL && (out_fd = open_output(&r, o->output)) < 0) {
		if (dead != NULL)
			fclose(dead);
		return EXIT_FATAL;
	}
	output_init(&r.out, out_fd, o->unbuffered ? 1 : FLUSH_AT);
	output_signals(&r.out, wait_mask, stop);
	r.out.sync = o->fsync;
	struct kafkainput *kafka = NULL;
	char *checkpoint = NULL;
	if (o->kafka.brokers != NULL && (kafka = open_kafka(&r, dead, stop, wait_mask, &checkpoint)) == NULL) {
		free(checkpoint);
		output_free(&r.out);
		if (o->output != NULL)
			close(out_fd);
		if (dead != NULL)
			fclose(dead);
		return EXIT_FATAL;
	}
	if (o->dedup > 0)
		r.dedup = dedup_new(o->dedup);
	pivot_init(&r.pivot, o);
	if (o->state_dir != NULL && open_state(&r) < 0) {
		pivot_free(&r.pivot);
		dedup_free(r.dedup);
		output_free(&r.out);
		if (dead != NULL)
			fclose(dead);
		if (o->output != NULL)
			close(out_fd);
		return EXIT_FATAL;
	}
	if (kafka != NULL && r.state != NULL)
		kafkainput_set_state(kafka, r.state);
	r.schemas = schema_cache_new(SCHEMA_CACHE_ENTRIES, SCHEMA_CACHE_BYTES);
	jsonarena_init(&r.arena);
	pivot_begin(&r.pivot, &r.out.data);
	output_commit(&r.out, 0);

	r.table_hits = xmalloc((o->tables.n + 1) * sizeof *r.table_hits);
	memset(r.table_hits, 0, (o->tables.n + 1) * sizeof *r.table_hits);
	if (kafka != NULL) {
		run_kafka(&r, kafka);
		if (kafkainput_close(kafka) < 0)
			r.io_failed = 1;
		free(checkpoint);
		r.diag.input = "<kafka>";
	} else {
		run_inputs(&r, stop, wait_mask);
	}
	if (!*stop)
		warn_unmatched_tables(&r);

	int status = finish_output(&r);
	if (status == EXIT_ALL_HANDLED &&
	    (r.io_failed || r.fatal || r.diag.dead_letter_failed || r.state_failed))
		status = EXIT_FATAL;
	else if (status == EXIT_ALL_HANDLED && r.diag.rejected > 0)
		status = EXIT_REJECTED;
	if (!o->quiet && !(r.out.error == EPIPE))
		diag_summary(&r.diag);
	if (dead != NULL && fclose(dead) == EOF && status != EXIT_FATAL) {
		diag_error(&r.diag, "%s: %s", o->dead_letter, strerror(errno));
		status = EXIT_FATAL;
	}
	once_free(&r.warned);
	free(r.table_hits);
	schema_cache_free(r.schemas);
	dedup_free(r.dedup);
	jsonarena_free(&r.arena);
	if (o->output != NULL && close(out_fd) < 0 && status != EXIT_FATAL) {
		diag_error(&r.diag, "%s: %s", o->output, strerror(errno));
		status = EXIT_FATAL;
	}
	stateful_free(r.stateful);
	pivot_free(&r.pivot);
	output_free(&r.out);
	return status;
}
