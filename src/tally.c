#include "tally.h"

unsigned long long
tally_skipped(const struct tally *t)
{
	unsigned long long n = t->other_table + t->duplicate;
	for (int k = 0; k < SKIP_KINDS; k++)
		n += t->skipped[k];
	return n;
}

unsigned long long
tally_seen(const struct tally *t)
{
	return t->events + t->rejected + tally_skipped(t);
}
