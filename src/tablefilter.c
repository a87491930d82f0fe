#include "tablefilter.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
tablefilter_init(struct tablefilter *f, const struct namelist *patterns)
{
	f->patterns = patterns;
	f->hits = xmalloc((patterns->n + 1) * sizeof *f->hits);
	memset(f->hits, 0, (patterns->n + 1) * sizeof *f->hits);
}

void
tablefilter_free(struct tablefilter *f)
{
	free(f->hits);
	f->hits = NULL;
}

int
tablefilter_wanted(struct tablefilter *f, const struct envelope *env)
{
	if (f->patterns->n == 0)
		return 1;
	if (env->table_len == 0)
		return 0;
	for (size_t i = 0; i < f->patterns->n; i++)
		if (fnmatch(f->patterns->names[i], env->table, 0) == 0) {
			f->hits[i]++;
			return 1;
		}
	return 0;
}

size_t
tablefilter_unmatched(const struct tablefilter *f, size_t i)
{
	while (i < f->patterns->n && f->hits[i] != 0)
		i++;
	return i;
}
