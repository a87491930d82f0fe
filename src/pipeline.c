#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadletter.h"
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
#include "tablefilter.h"
#include "tally.h"
#include "warnings.h"

enum {
	FLUSH_AT = 256 * 1024,
	BIG_LINE = 256 * 1024, /* lines longer than this flush earlier rows first */
	/* Schemas kept: value and key schemas of the tables in one stream.
	 * Each costs its text, its parsed tree and its decoders, about 10
	 * times the text: 1 MiB of text (500 tables of 10 columns with their
	 * key schemas) is about 11 MiB at most. */
	SCHEMA_CACHE_ENTRIES = 4096,
	SCHEMA_CACHE_BYTES = 1024 * 1024,
	STATE_STAGED_MAX = 4096, /* --state changes waiting for the output, */
	STATE_STAGED_BYTES = 16 * 1024 * 1024 /* before it is flushed for them */
};

struct run {
	const struct options *o;
	volatile sig_atomic_t *stop;
	const sigset_t *wait_mask;
	struct diag diag;
	struct tally tally;
	struct deadletter dead;
	int out_fd;             /* --output FILE's descriptor, or the caller's */
	struct output out;
	struct pivot pivot;
	struct warnings *warned;
	struct tablefilter tables;
	struct schema_cache *schemas;
	struct dedup *dedup;    /* --dedup, or NULL */
	struct state *state;    /* --state, or NULL */
	struct stateful *stateful;
	struct kafkainput *kafka; /* --brokers, or NULL */
	char *checkpoint;       /* its FILE.offsets, or NULL */
	struct jsonarena arena; /* the current line's JSON trees */
	int failed;         /* exit status 2: an input could not be read, memory
	                       ran out, a write or close failed */
	/* The input being read. Only run_input needs it, but kept here in
	 * memory: when SIGPIPE ends the run in the middle of a write,
	 * valgrind's leak check does not see a pointer held in a register
	 * and would report the reader as lost. */
	struct linereader *lr;
	int state_failed;   /* the --state store could not be read or written */
	time_t last_stats;  /* CLOCK_MONOTONIC second of the last --stats line */
	unsigned long long stats_seen; /* records counted at that time */
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

/* --stats: the summary line, at most once a second (a slow stream pauses
 * after every event) and only when something new was read. */
static void
stats_line(struct run *r)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	unsigned long long seen = tally_seen(&r->tally);
	if (seen != r->stats_seen && (r->last_stats == 0 || now.tv_sec > r->last_stats)) {
		r->tally.rows = r->out.rows_written;
		diag_summary(&r->diag, &r->tally);
		r->last_stats = now.tv_sec;
		r->stats_seen = seen;
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
	if (r->o->stats)
		stats_line(r);
}

/* A rejected record: its message, its count, and its copy in the
 * dead-letter file (line NULL: an over-long line, never kept). Returns -1
 * when the run must stop (--strict). */
static int
reject(struct run *r, unsigned long no, const char *line, size_t len, const char *reason)
{
	diag_reject(&r->diag, no, reason);
	r->tally.rejected++;
	if (line != NULL && deadletter_keep(&r->dead, line, len) < 0)
		diag_error(&r->diag, "dead-letter file: %s", strerror(errno));
	return r->o->strict ? -1 : 0;
}

/* --state: completes the event from the stored image. Returns 0 when the
 * event gives no rows: a replay of a change the output already holds
 * (counted as a duplicate), or a store failure (*rc = -1, the run stops). */
static int
state_before(struct run *r, struct envelope *env, unsigned long lineno, int *rc)
{
	enum stateful_verdict v = stateful_prepare(r->stateful, env);
	if (v != STATEFUL_ERROR && !stateful_has_position(r->stateful))
		warnings_state_position(r->warned, env, lineno);
	switch (v) {
	case STATEFUL_REPLAY:
		r->tally.duplicate++;
		return 0;
	case STATEFUL_ERROR:
		diag_error(&r->diag, "%s", stateful_error(r->stateful));
		r->state_failed = 1;
		*rc = -1;
		return 0;
	case STATEFUL_MISS:
		if (stateful_needed(r->stateful))
			warnings_state_miss(r->warned, env, lineno);
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

/* A change event: filtered (--table, --dedup, --state), pivoted into the
 * output, and what pivot reports turned into warnings. */
static int
handle_change(struct run *r, const struct record *ln, struct envelope *env, size_t *rows)
{
	if (!tablefilter_wanted(&r->tables, env)) {
		r->tally.other_table++;
		return 0;
	}
	if (r->dedup != NULL && dedup_seen(r->dedup, dedup_identity(r->dedup, env))) {
		r->tally.duplicate++;
		return 0;
	}
	int rc = 0;
	if (r->stateful != NULL && !state_before(r, env, ln->no, &rc))
		return rc;
	struct pivot_report rep;
	*rows = pivot_event(&r->pivot, env, now_ms(r), &r->out.data, &rep);
	if (rep.refused != NULL)
		return reject(r, ln->no, ln->p, ln->len, rep.refused);
	if (r->stateful != NULL) /* the number output_commit gives it */
		stateful_stage(r->stateful, env, r->out.events_committed + 1);
	r->tally.events++;
	warnings_event(r->warned, env, ln->no, &rep);
	return 0;
}

/* Handles one record (a line, or a Kafka record); *rows is how many rows
 * it appended to the output. Returns -1 when the run must stop. */
static int
handle_line(struct run *r, const struct record *ln, size_t *rows)
{
	if (ln->oversize) {
		char why[96];
		snprintf(why, sizeof why, "line longer than --max-line-bytes (%zu bytes), skipped unread",
		    r->o->max_line_bytes);
		return reject(r, ln->no, NULL, 0, why); /* nothing left to keep */
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
		r->tally.skipped[env.skip]++;
		break;
	case ENVELOPE_REJECT:
		rc = reject(r, ln->no, ln->p, ln->len, env.reason);
		break;
	case ENVELOPE_FATAL:
		/* Not a rejected line: the line was not read. Stop, exit 2. */
		diag_error(&r->diag, "%s:%lu: %s", r->diag.input, ln->no, env.reason);
		r->failed = 1;
		rc = -1;
		break;
	case ENVELOPE_CHANGE:
		rc = handle_change(r, ln, &env, rows);
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
run_input(struct run *r, int fd)
{
	struct linereader *lr = r->lr = linereader_new(fd, r->o->max_line_bytes);
	linereader_on_idle(lr, on_idle, r);
	linereader_wait_mask(lr, r->wait_mask);
	int rc = 0;
	struct line ln;
	while (!*r->stop) {
		enum linereader_status st = linereader_next(lr, &ln);
		if (st == LINEREADER_INTR)
			continue;
		if (st == LINEREADER_EOF)
			break;
		if (st == LINEREADER_ERROR) {
			diag_error(&r->diag, "%s: read error: %s", r->diag.input, strerror(errno));
			r->failed = 1;
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
		if (r->dead.failed)
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

/* Reads every input in turn (o->files, or stdin). */
static void
run_files(struct run *r)
{
	const struct options *o = r->o;
	static char *const stdin_only[] = {"-"};
	char *const *files = o->nfiles > 0 ? o->files : stdin_only;
	int nfiles = o->nfiles > 0 ? o->nfiles : 1;
	for (int i = 0; i < nfiles && !*r->stop; i++) {
		int fd = 0;
		if (strcmp(files[i], "-") == 0) {
			r->diag.input = "<stdin>";
		} else {
			r->diag.input = files[i];
			fd = open(files[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				diag_error(&r->diag, "%s: %s", files[i], strerror(errno));
				r->failed = 1;
				continue;
			}
		}
		int rc = run_input(r, fd);
		if (fd != 0)
			close(fd);
		if (rc < 0)
			break;
	}
}

/* --brokers: records from Kafka instead of lines; each one is
 * acknowledged to the input once committed to the output. The input is
 * closed at the end, before the last flush, as it commits what it can. */
static void
run_kafka(struct run *r)
{
	struct record rec;
	int st;
	while ((st = kafkainput_next(r->kafka, &rec)) > 0) {
		r->diag.input = rec.where;
		size_t rows = 0;
		int rc = handle_line(r, &rec, &rows);
		if (r->dead.failed)
			rc = -1;
		if (output_commit(&r->out, rows) < 0 || rc < 0)
			break;
		kafkainput_handled(r->kafka);
	}
	if (st < 0)
		r->failed = 1;
	if (kafkainput_close(r->kafka) < 0)
		r->failed = 1;
	r->kafka = NULL;
	r->diag.input = "<kafka>";
}

/* The Kafka input for --brokers, with --output FILE's checkpoint when
 * FILE is a regular file. Opened before anything is written to FILE, since
 * it may cut FILE back to the checkpoint. Returns -1 on failure. */
/* Whether anything reads a record's headers: only --state does
 * (Debezium's __debezium.oldkey and newkey headers of a key change). */
static int
wants_headers(const struct options *o)
{
	return o->state_dir != NULL;
}

static int
open_kafka(struct run *r)
{
	const struct options *o = r->o;
	if (o->output != NULL && r->out.regular) {
		size_t n = strlen(o->output);
		r->checkpoint = xmalloc(n + sizeof ".offsets");
		memcpy(r->checkpoint, o->output, n);
		memcpy(r->checkpoint + n, ".offsets", sizeof ".offsets");
	}
	struct kafkainput_config cfg = {&o->kafka, r->checkpoint, o->fsync, o->max_line_bytes,
	    r->dead.f, r->stop, r->wait_mask, on_idle, r, o->quiet, wants_headers(o)};
	r->kafka = kafkainput_open(&cfg, &r->out, &r->diag);
	return r->kafka != NULL ? 0 : -1;
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

/* Opens the dead-letter file, the output, the Kafka input and the --state
 * store, in that order (each may fail with a message), and sets up the
 * stages between them. Returns 0, or -1 when the run cannot start; either
 * way run_close() releases what was opened. */
static int
run_open(struct run *r, const struct options *o, int out_fd, FILE *err)
{
	diag_init(&r->diag, err);
	jsonarena_init(&r->arena);
	struct warnings_config wc = {o->unavailable, o->fields.n > 0, o->state_dir};
	r->warned = warnings_new(&r->diag, &wc);
	tablefilter_init(&r->tables, &o->tables);
	r->out_fd = out_fd;
	if (deadletter_open(&r->dead, o->dead_letter) < 0) {
		diag_error(&r->diag, "%s: %s", o->dead_letter, strerror(errno));
		return -1;
	}
	if (o->output != NULL && (r->out_fd = open_output(r, o->output)) < 0)
		return -1;
	output_init(&r->out, r->out_fd, o->unbuffered ? 1 : FLUSH_AT);
	output_signals(&r->out, r->wait_mask, r->stop);
	r->out.sync = o->fsync;
	if (o->kafka.brokers != NULL && open_kafka(r) < 0)
		return -1;
	if (o->dedup > 0)
		r->dedup = dedup_new(o->dedup);
	pivot_init(&r->pivot, o);
	if (o->state_dir != NULL && open_state(r) < 0)
		return -1;
	if (r->kafka != NULL && r->state != NULL)
		kafkainput_set_state(r->kafka, r->state);
	r->schemas = schema_cache_new(SCHEMA_CACHE_ENTRIES, SCHEMA_CACHE_BYTES);
	return 0;
}

/* The end of a run that started: the last rows written, the --state
 * store closed after them, and what could not be written said. */
static void
run_finish(struct run *r)
{
	if (!*r->stop)
		for (size_t i = 0; (i = tablefilter_unmatched(&r->tables, i)) < r->o->tables.n; i++)
			diag_error(&r->diag,
			    "warning: --table '%s' matched no event (patterns match schema.table, such as bank.holding, not the topic name)",
			    r->o->tables.names[i]);
	int write_failed = output_flush(&r->out) < 0;
	if (r->state != NULL) {
		char err[300];
		if (state_close(r->state, r->state_failed ? 0 : output_written(&r->out), err, sizeof err) < 0) {
			diag_error(&r->diag, "--state: %s", err);
			r->state_failed = 1;
		}
		r->state = NULL;
	}
	unsigned long long lost = output_rows_pending(&r->out);
	r->tally.rows = r->out.rows_written;
	if (write_failed && r->out.error != EPIPE) /* EPIPE: the reader left, say nothing */
		diag_error(&r->diag,
		    "write error: %s (the output ends after the last whole event; %llu row%s not written)",
		    strerror(r->out.error), lost, lost == 1 ? "" : "s");
	else if (!write_failed && lost > 0)
		diag_error(&r->diag, "output blocked when stopped: %llu row%s not written", lost,
		    lost == 1 ? "" : "s");
	if (write_failed || r->state_failed || r->dead.failed)
		r->failed = 1;
	if (!r->o->quiet && r->out.error != EPIPE)
		diag_summary(&r->diag, &r->tally);
}

/* Releases everything run_open() opened, whatever happened; a file that
 * cannot be closed is an error, said unless the run already failed. */
static void
run_close(struct run *r)
{
	const struct options *o = r->o;
	if (r->kafka != NULL && kafkainput_close(r->kafka) < 0)
		r->failed = 1;
	free(r->checkpoint);
	if (deadletter_close(&r->dead) < 0 && !r->failed) {
		diag_error(&r->diag, "%s: %s", o->dead_letter, strerror(errno));
		r->failed = 1;
	}
	warnings_free(r->warned);
	tablefilter_free(&r->tables);
	schema_cache_free(r->schemas);
	dedup_free(r->dedup);
	jsonarena_free(&r->arena);
	if (o->output != NULL && r->out_fd >= 0 && close(r->out_fd) < 0 && !r->failed) {
		diag_error(&r->diag, "%s: %s", o->output, strerror(errno));
		r->failed = 1;
	}
	stateful_free(r->stateful);
	pivot_free(&r->pivot);
	output_free(&r->out);
}

/* The exit status, decided here alone (see exitcode.h): a stop signal
 * gives 128 + its number, as a shell reports a process it killed. */
static int
exit_status(const struct run *r)
{
	if (*r->stop)
		return 128 + *r->stop;
	if (r->failed)
		return EXIT_FATAL;
	return r->tally.rejected > 0 ? EXIT_REJECTED : EXIT_ALL_HANDLED;
}

int
pipeline_run(const struct options *o, int out_fd, FILE *err, volatile sig_atomic_t *stop,
    const sigset_t *wait_mask)
{
	struct run r;
	memset(&r, 0, sizeof r);
	r.o = o;
	r.stop = stop;
	r.wait_mask = wait_mask;
	if (run_open(&r, o, out_fd, err) == 0) {
		pivot_begin(&r.pivot, &r.out.data);
		output_commit(&r.out, 0);
		if (r.kafka != NULL)
			run_kafka(&r);
		else
			run_files(&r);
		run_finish(&r);
	} else {
		r.failed = 1;
	}
	run_close(&r);
	return exit_status(&r);
}
