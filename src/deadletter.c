#include "deadletter.h"

int
deadletter_open(struct deadletter *dl, const char *path)
{
	dl->f = NULL;
	dl->failed = 0;
	if (path == NULL)
		return 0;
	dl->f = fopen(path, "a");
	return dl->f != NULL ? 0 : -1;
}

int
deadletter_keep(struct deadletter *dl, const char *line, size_t len)
{
	if (dl->f == NULL || dl->failed)
		return 0;
	/* Whole line or nothing would need a rename dance; one fwrite and a
	 * flush keep the file replayable while we run. */
	if (fwrite(line, 1, len, dl->f) != len || putc('\n', dl->f) == EOF || fflush(dl->f) == EOF) {
		dl->failed = 1;
		return -1;
	}
	return 0;
}

int
deadletter_close(struct deadletter *dl)
{
	if (dl->f == NULL)
		return 0;
	int rc = fclose(dl->f) == EOF ? -1 : 0;
	dl->f = NULL;
	return rc;
}
