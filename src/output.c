#include "output.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void
output_init(struct output *o, int fd, size_t flush_at)
{
	o->fd = fd;
	buf_init(&o->data);
	o->committed = 0;
	o->flush_at = flush_at;
	o->error = 0;
	o->sync = 0;
}

void
output_free(struct output *o)
{
	buf_free(&o->data);
}

int
output_flush(struct output *o)
{
	if (o->error)
		return -1;
	size_t done = 0;
	while (done < o->committed) {
		ssize_t n = write(o->fd, o->data.p + done, o->committed - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->error = errno;
			return -1;
		}
		done += (size_t)n;
	}
	if (done == 0)
		return 0;
	/* --fsync: a row reported written survives a crash of the machine. */
	if (o->sync && fsync(o->fd) < 0 && errno != EINVAL) {
		o->error = errno;
		return -1;
	}
	memmove(o->data.p, o->data.p + done, o->data.len - done);
	o->data.len -= done;
	o->committed = 0;
	return 0;
}

int
output_commit(struct output *o)
{
	o->committed = o->data.len;
	if (o->committed >= o->flush_at)
		return output_flush(o);
	return o->error ? -1 : 0;
}

void
output_rollback(struct output *o)
{
	o->data.len = o->committed;
}
