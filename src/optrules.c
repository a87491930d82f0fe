#include "optrules.h"

#include <stdio.h>
#include <string.h>

#include "columns.h"

static int
in_list(const struct namelist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return 1;
	return 0;
}

/* Output columns must have distinct names: a header, a JSON object or a
 * CREATE TABLE with one name twice cannot be read back. */
static int
check_column_names(const struct options *o, char *err, size_t errlen)
{
	for (size_t i = 0; i < o->ids.n; i++) {
		const char *id = o->ids.names[i];
		const char *clash = NULL;
		for (size_t k = 0; k < COLUMNS_TAIL && clash == NULL; k++)
			if (strcmp(id, columns_tail_names[k]) == 0)
				clash = "a column cdcpivot adds";
		if (clash == NULL && in_list(&o->meta, id))
			clash = "a --meta column";
		if (clash == NULL && o->with_table && strcmp(id, columns_table_name) == 0)
			clash = "the --with-table column";
		if (clash != NULL) {
			snprintf(err, errlen, "--id: column '%s' has the name of %s", id, clash);
			return -1;
		}
	}
	if (o->with_table && in_list(&o->meta, columns_table_name)) {
		snprintf(err, errlen, "--meta: column 'table' has the name of the --with-table column");
		return -1;
	}
	return 0;
}

/* --upsert's conflict key must identify one change of one field, so the
 * rows need the change's position: without it, a second change of a
 * field would be taken for a replay of the first and dropped. */
static int
check_upsert(const struct options *o, char *err, size_t errlen)
{
	if (!o->upsert || in_list(&o->meta, "lsn") ||
	    (in_list(&o->meta, "topic") && in_list(&o->meta, "partition") && in_list(&o->meta, "offset")))
		return 0;
	snprintf(err, errlen,
	    "--upsert needs the position of each change in --meta: lsn (PostgreSQL), or topic,partition,offset (--brokers, kcat -J)");
	return -1;
}

/* --brokers and --topic go together; the other Kafka options need them,
 * and files cannot be read at the same time. */
static int
check_kafka(const struct options *o, char *err, size_t errlen)
{
	const struct kafka_options *k = &o->kafka;
	const char *lone = k->group ? "--group" : k->exit_at_end ? "--exit-at-end" : k->nprops ? "-X" : NULL;
	if (k->brokers == NULL && (k->topics.n > 0 || lone != NULL)) {
		snprintf(err, errlen, "%s needs --brokers", k->topics.n > 0 ? "--topic" : lone);
		return -1;
	}
	if (k->brokers != NULL && k->topics.n == 0) {
		snprintf(err, errlen, "--brokers needs --topic");
		return -1;
	}
	if (k->brokers != NULL && o->nfiles > 0) {
		snprintf(err, errlen, "--brokers reads Kafka: no file operands ('%s')", o->files[0]);
		return -1;
	}
	return 0;
}

int
optrules_check(const struct options *o, char *err, size_t errlen)
{
	if (check_kafka(o, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < o->fields.n; i++) {
		for (size_t j = 0; j < o->ids.n; j++) {
			if (strcmp(o->fields.names[i], o->ids.names[j]) == 0) {
				snprintf(err, errlen, "column '%s' is both in --id and in --fields",
				    o->fields.names[i]);
				return -1;
			}
		}
	}
	if (check_column_names(o, err, errlen) < 0)
		return -1;
	if ((o->upsert || o->ddl) && o->format != FORMAT_SQL) {
		snprintf(err, errlen, "%s applies to --format sql only", o->upsert ? "--upsert" : "--ddl");
		return -1;
	}
	if (o->ddl && o->ids.n == 0) {
		snprintf(err, errlen, "--ddl needs --id, so that the table's columns are known");
		return -1;
	}
	if (o->fsync && o->output == NULL) {
		snprintf(err, errlen, "--fsync needs --output");
		return -1;
	}
	if (o->header && (o->format == FORMAT_JSONL || o->format == FORMAT_SQL)) {
		snprintf(err, errlen, "--header applies to csv and tsv only");
		return -1;
	}
	return check_upsert(o, err, errlen);
}
