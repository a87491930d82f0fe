#include "statepart.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct mark {
	unsigned long long seq;
	int64_t next;
};

struct part {
	char *topic;
	int32_t partition;
	int held;
	struct mark *q; /* in seq order */
	size_t qlen, qcap;
};

struct statepart {
	struct part *p;
	size_t n, cap;
	size_t last; /* the partition of the last progress: records come in runs */
	size_t pending;
};

struct statepart *
statepart_new(void)
{
	struct statepart *p = xmalloc(sizeof *p);
	memset(p, 0, sizeof *p);
	return p;
}

void
statepart_free(struct statepart *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->p[i].topic);
		free(p->p[i].q);
	}
	free(p->p);
	free(p);
}

static struct part *
find(const struct statepart *p, const char *topic, int32_t partition)
{
	if (p->last < p->n && p->p[p->last].partition == partition && strcmp(p->p[p->last].topic, topic) == 0)
		return &p->p[p->last];
	for (size_t i = 0; i < p->n; i++)
		if (p->p[i].partition == partition && strcmp(p->p[i].topic, topic) == 0)
			return &p->p[i];
	return NULL;
}

static struct part *
get(struct statepart *p, const char *topic, int32_t partition)
{
	struct part *t = find(p, topic, partition);
	if (t == NULL) {
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 8;
			p->p = xrealloc(p->p, p->cap * sizeof *p->p);
		}
		t = &p->p[p->n++];
		memset(t, 0, sizeof *t);
		t->topic = xstrndup(topic, strlen(topic));
		t->partition = partition;
	}
	p->last = (size_t)(t - p->p);
	return t;
}

void
statepart_progress(struct statepart *p, unsigned long long seq, const char *topic, int32_t partition,
    int64_t next)
{
	struct part *t = get(p, topic, partition);
	if (t->qlen > 0 && t->q[t->qlen - 1].seq == seq) {
		t->q[t->qlen - 1].next = next; /* the same output event */
		return;
	}
	if (t->qlen == t->qcap) {
		t->qcap = t->qcap ? t->qcap * 2 : 64;
		t->q = xrealloc(t->q, t->qcap * sizeof *t->q);
	}
	t->q[t->qlen++] = (struct mark){seq, next};
	p->pending++;
}

void
statepart_hold(struct statepart *p, const char *topic, int32_t partition)
{
	struct part *t = get(p, topic, partition);
	t->held = 1;
	p->pending -= t->qlen; /* progress of an earlier holding: not this one's */
	t->qlen = 0;
}

void
statepart_release(struct statepart *p, const char *topic, int32_t partition)
{
	struct part *t = find(p, topic, partition);
	if (t != NULL)
		t->held = 0;
}

int
statepart_held(const struct statepart *p, const char *topic, int32_t partition)
{
	const struct part *t = find(p, topic, partition);
	return t != NULL && t->held;
}

const char *
statepart_ready(const struct statepart *p, size_t i, unsigned long long written, int32_t *partition,
    int64_t *next)
{
	if (i >= p->n)
		return NULL;
	const struct part *t = &p->p[i];
	*partition = t->partition;
	*next = -1;
	for (size_t k = 0; k < t->qlen && t->q[k].seq <= written; k++)
		*next = t->q[k].next;
	return t->topic;
}

void
statepart_forget(struct statepart *p, unsigned long long written)
{
	for (size_t i = 0; i < p->n; i++) {
		struct part *t = &p->p[i];
		size_t k = 0;
		while (k < t->qlen && t->q[k].seq <= written)
			k++;
		if (k == 0)
			continue; /* nothing to forget (q may be NULL) */
		memmove(t->q, t->q + k, (t->qlen - k) * sizeof *t->q);
		t->qlen -= k;
		p->pending -= k;
	}
}

size_t
statepart_pending(const struct statepart *p)
{
	return p->pending;
}
