#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

static const char magic[] = "cdcpivot-offsets 1";

void
checkpoint_init(struct checkpoint *cp)
{
	memset(cp, 0, sizeof *cp);
}

static void
clear(struct checkpoint *cp)
{
	for (size_t i = 0; i < cp->n; i++)
		free(cp->e[i].topic);
	cp->n = 0;
	cp->size = 0;
	cp->last = 0;
}

void
checkpoint_free(struct checkpoint *cp)
{
	clear(cp);
	free(cp->e);
	checkpoint_init(cp);
}

static long
find(struct checkpoint *cp, const char *topic, int32_t partition)
{
	if (cp->last < cp->n && cp->e[cp->last].partition == partition &&
	    strcmp(cp->e[cp->last].topic, topic) == 0)
		return (long)cp->last;
	for (size_t i = 0; i < cp->n; i++)
		if (cp->e[i].partition == partition && strcmp(cp->e[i].topic, topic) == 0) {
			cp->last = i;
			return (long)i;
		}
	return -1;
}

int64_t
checkpoint_get(struct checkpoint *cp, const char *topic, int32_t partition)
{
	long i = find(cp, topic, partition);
	return i < 0 ? -1 : cp->e[i].next;
}

void
checkpoint_set(struct checkpoint *cp, const char *topic, int32_t partition, int64_t next)
{
	long i = find(cp, topic, partition);
	if (i >= 0) {
		cp->e[i].next = next;
		return;
	}
	if (cp->n == cp->cap) {
		cp->cap = cp->cap ? cp->cap * 2 : 16;
		cp->e = xrealloc(cp->e, cp->cap * sizeof *cp->e);
	}
	cp->e[cp->n] = (struct checkpoint_entry){xstrndup(topic, strlen(topic)), partition, next};
	cp->last = cp->n++;
}

void
checkpoint_copy(struct checkpoint *dst, const struct checkpoint *src)
{
	clear(dst);
	for (size_t i = 0; i < src->n; i++)
		checkpoint_set(dst, src->e[i].topic, src->e[i].partition, src->e[i].next);
	dst->size = src->size;
}

/* One "TOPIC<TAB>PARTITION<TAB>NEXT" line, without its "\n". */
static int
parse_entry(struct checkpoint *cp, char *line)
{
	char *tab = strchr(line, '\t');
	if (tab == NULL || tab == line)
		return -1;
	*tab = '\0';
	char *end;
	errno = 0;
	long long part = strtoll(tab + 1, &end, 10);
	if (errno || end == tab + 1 || *end != '\t' || part < 0 || part > INT32_MAX)
		return -1;
	char *num = end + 1;
	long long next = strtoll(num, &end, 10);
	if (errno || end == num || *end != '\0' || next < 0)
		return -1;
	if (find(cp, line, (int32_t)part) >= 0)
		return -1; /* one position per partition */
	checkpoint_set(cp, line, (int32_t)part, next);
	return 0;
}

int
checkpoint_equal(struct checkpoint *a, struct checkpoint *b)
{
	if (a->size != b->size || a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (checkpoint_get(b, a->e[i].topic, a->e[i].partition) != a->e[i].next)
			return 0;
	return 1;
}

static int
parse_size_line(const char *line, const char *word, long long *size)
{
	size_t n = strlen(word);
	char *end;
	if (strncmp(line, word, n) != 0 || line[n] != ' ')
		return -1;
	errno = 0;
	*size = strtoll(line + n + 1, &end, 10);
	return errno || end == line + n + 1 || *end != '\0' || *size < 0 ? -1 : 0;
}

static int
parse(struct checkpoint *cp, struct checkpoint *second, FILE *f, char *why, size_t whylen)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long no = 0;
	int rc = 0;
	struct checkpoint *into = cp;
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		no++;
		if (n == 0 || line[n - 1] != '\n') {
			rc = -1; /* every line of a renamed record is whole */
			break;
		}
		line[n - 1] = '\0';
		if (no == 1)
			rc = strcmp(line, magic) == 0 ? 0 : -1;
		else if (no == 2)
			rc = parse_size_line(line, "size", &cp->size);
		else if (into == cp && strncmp(line, "confirmed ", 10) == 0)
			rc = parse_size_line(line, "confirmed", &second->size), into = second;
		else
			rc = parse_entry(into, line);
	}
	free(line);
	if (rc == 0 && ferror(f))
		return -1;
	if (rc == 0 && no < 2)
		rc = -1;
	if (rc < 0) {
		snprintf(why, whylen, "malformed at line %lu", no);
		errno = EINVAL;
	}
	return rc;
}

int
checkpoint_load2(struct checkpoint *cp, struct checkpoint *confirmed, const char *path, char *why,
    size_t whylen)
{
	clear(cp);
	clear(confirmed);
	snprintf(why, whylen, "cannot be read");
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	confirmed->size = -1;
	int rc = parse(cp, confirmed, f, why, whylen);
	int saved = errno;
	fclose(f);
	if (rc < 0) {
		clear(cp);
		clear(confirmed);
		errno = saved;
		return -1;
	}
	if (confirmed->size < 0)
		checkpoint_copy(confirmed, cp);
	return 1;
}

int
checkpoint_load(struct checkpoint *cp, const char *path, char *why, size_t whylen)
{
	struct checkpoint second;
	checkpoint_init(&second);
	int rc = checkpoint_load2(cp, &second, path, why, whylen);
	checkpoint_free(&second);
	return rc;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* fsync(2) of the directory holding path, so that a rename in it is kept. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrndup(".", 1) : xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static void
put_entries(struct buf *b, const struct checkpoint *cp)
{
	char tmp[64];
	for (size_t i = 0; i < cp->n; i++) {
		buf_append(b, cp->e[i].topic, strlen(cp->e[i].topic));
		int k = snprintf(tmp, sizeof tmp, "\t%" PRId32 "\t%" PRId64 "\n", cp->e[i].partition, cp->e[i].next);
		buf_append(b, tmp, (size_t)k);
	}
}

static int save(const struct checkpoint *cp, const struct checkpoint *second, const char *path, int sync);

int
checkpoint_save(const struct checkpoint *cp, const char *path, int sync)
{
	return save(cp, NULL, path, sync);
}

int
checkpoint_save2(struct checkpoint *cp, struct checkpoint *confirmed, const char *path, int sync)
{
	return save(cp, checkpoint_equal(cp, confirmed) ? NULL : confirmed, path, sync);
}

static int
save(const struct checkpoint *cp, const struct checkpoint *second, const char *path, int sync)
{
	struct buf b;
	buf_init(&b);
	char tmp[64];
	buf_append(&b, magic, strlen(magic));
	int k = snprintf(tmp, sizeof tmp, "\nsize %lld\n", cp->size);
	buf_append(&b, tmp, (size_t)k);
	put_entries(&b, cp);
	if (second != NULL) {
		k = snprintf(tmp, sizeof tmp, "confirmed %lld\n", second->size);
		buf_append(&b, tmp, (size_t)k);
		put_entries(&b, second);
	}
	size_t plen = strlen(path);
	char *tpath = xmalloc(plen + 5);
	memcpy(tpath, path, plen);
	memcpy(tpath + plen, ".tmp", 5);
	int rc = -1;
	int fd = open(tpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		rc = write_all(fd, b.p, b.len);
		if (rc == 0 && sync)
			rc = fsync(fd);
		if (close(fd) < 0)
			rc = -1;
		if (rc == 0)
			rc = rename(tpath, path);
		if (rc == 0 && sync)
			rc = sync_dir(path);
		if (rc < 0) {
			int saved = errno;
			unlink(tpath);
			errno = saved;
		}
	}
	free(tpath);
	buf_free(&b);
	return rc;
}
