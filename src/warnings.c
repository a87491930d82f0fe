#include "warnings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct warnings {
	struct diag *diag;
	struct warnings_config cfg;
	char *keys[WARNINGS_MAX]; /* "kind:name" of each warning given */
	size_t n;
};

struct warnings *
warnings_new(struct diag *d, const struct warnings_config *cfg)
{
	struct warnings *w = xmalloc(sizeof *w);
	memset(w, 0, sizeof *w);
	w->diag = d;
	w->cfg = *cfg;
	return w;
}

void
warnings_free(struct warnings *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->keys[i]);
	free(w);
}

/* Whether the warning kind:name is given for the first time (and is
 * remembered from now on). */
static int
first(struct warnings *w, const char *kind, const char *name)
{
	size_t kl = strlen(kind), nl = strlen(name);
	for (size_t i = 0; i < w->n; i++)
		if (strncmp(w->keys[i], kind, kl) == 0 && w->keys[i][kl] == ':' &&
		    strcmp(w->keys[i] + kl + 1, name) == 0)
			return 0;
	if (w->n == WARNINGS_MAX)
		return 0; /* past the bound, stay quiet rather than grow */
	char *k = xmalloc(kl + nl + 2);
	memcpy(k, kind, kl);
	k[kl] = ':';
	memcpy(k + kl + 1, name, nl + 1);
	w->keys[w->n++] = k;
	return 1;
}

/* The REPLICA IDENTITY warnings, once per table: "<op> <table> <lack>:
 * old values are unknown<effect> (run ALTER TABLE ...)". */
static void
identity(struct warnings *w, const struct envelope *env, unsigned long lineno, const char *op,
    const char *lack, const char *effect)
{
	const char *t = env->table;
	int named = env->table_len > 0;
	if (!first(w, op, t))
		return;
	if (env->mongodb) /* pre-images: MongoDB 6.0 and Debezium 2.x */
		diag_warn(w->diag, lineno,
		    "%s %s %s: old values are unknown%s (set the connector's capture.mode="
		    "change_streams_update_full_with_pre_image and enable changeStreamPreAndPostImages "
		    "on the collection)",
		    op, named ? t : "the collection", lack, effect);
	else
		diag_warn(w->diag, lineno,
		    "%s %s %s: old values are unknown%s (run ALTER TABLE %s REPLICA IDENTITY FULL)", op,
		    named ? t : "the table", lack, effect, named ? t : "<table>");
}

/* The fields the event did not carry, or carried in a form not kept. */
static void
fields(struct warnings *w, unsigned long lineno, const struct pivot_report *rep)
{
	for (size_t i = 0; i < rep->nold_unknown; i++)
		if (first(w, "old-unknown", rep->old_unknown[i]))
			diag_warn(w->diag, lineno,
			    "field '%s' changed, but its old value was not sent (TOASTed, \"%s\"): printed as NULL",
			    rep->old_unknown[i], w->cfg.unavailable);
	for (size_t i = 0; i < rep->nunavailable; i++)
		if (first(w, "unavailable", rep->unavailable[i]))
			diag_warn(w->diag, lineno,
			    "field '%s' was not sent (unchanged TOASTed value, \"%s\"): not reported as a change",
			    rep->unavailable[i], w->cfg.unavailable);
	for (size_t i = 0; i < rep->nmismatch; i++)
		if (first(w, "mismatch", rep->mismatch[i].name))
			diag_warn(w->diag, lineno,
			    "value of field '%s' does not fit its schema: printed as it arrived",
			    rep->mismatch[i].name);
	for (size_t i = 0; i < rep->nmissing; i++)
		if (first(w, "missing", rep->missing[i]))
			diag_warn(w->diag, lineno, "field '%s' is not in the row", rep->missing[i]);
}

/* --id columns in neither the row nor the key, once per table and column. */
static void
missing_ids(struct warnings *w, const struct envelope *env, unsigned long lineno,
    const struct pivot_report *rep)
{
	if (rep->nmissing_ids == 0)
		return;
	const char *t = env->table;
	char k[512];
	int named = env->table_len > 0;
	for (size_t i = 0; i < rep->nmissing_ids; i++) {
		snprintf(k, sizeof k, "%s\x1f%s", t, rep->missing_ids[i]);
		if (first(w, "missing-id", k))
			diag_warn(w->diag, lineno,
			    "id column '%s' is not in the row or key of %s: printed as NULL",
			    rep->missing_ids[i], named ? t : "the table");
	}
}

void
warnings_event(struct warnings *w, const struct envelope *env, unsigned long lineno,
    const struct pivot_report *rep)
{
	if (rep->notes & DIFF_NOTE_NO_BEFORE)
		identity(w, env, lineno, "update of", "without a before image", " and printed as NULL");
	if (rep->notes & DIFF_NOTE_KEY_ONLY)
		identity(w, env, lineno, "delete from", "carries only the key",
		    w->cfg.with_fields ? " and printed as NULL" : ", no rows without --fields");
	fields(w, lineno, rep);
	missing_ids(w, env, lineno, rep);
}

/* A warning about a table, once per table: "<table>: <what>". */
static void
table_warning(struct warnings *w, const struct envelope *env, unsigned long lineno, const char *kind,
    const char *what)
{
	if (first(w, kind, env->table))
		diag_warn(w->diag, lineno, "%s: %s", env->table_len > 0 ? env->table : "the table", what);
}

void
warnings_state_position(struct warnings *w, const struct envelope *env, unsigned long lineno)
{
	table_warning(w, env, lineno, "state-position",
	    "an event without a position (no lsn, not a kcat -J record): --state cannot tell a replay of it from a new change");
}

void
warnings_state_miss(struct warnings *w, const struct envelope *env, unsigned long lineno)
{
	char what[1024]; /* as long as the message diag_warn keeps */
	snprintf(what, sizeof what,
	    "a row not in --state %s (it starts with the changes it sees; bootstrap it from a snapshot): its old values are unknown (--meta old_source says unknown)",
	    w->cfg.state_dir);
	table_warning(w, env, lineno, "state-miss", what);
}
