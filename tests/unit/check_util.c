#include "check_util.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

const char *
cdcpivot_path(void)
{
	const char *p = getenv("CDCPIVOT");
	return p != NULL && p[0] != '\0' ? p : "./cdcpivot";
}

char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	size_t k;
	while ((k = fread(p + n, 1, cap - n - 1, f)) > 0) {
		n += k;
		if (cap - n - 1 == 0)
			p = realloc(p, cap *= 2);
	}
	fclose(f);
	p[n] = '\0';
	if (len != NULL)
		*len = n;
	return p;
}

static void
append(char **p, size_t *len, size_t *cap, const char *data, size_t n)
{
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 4096;
		*p = realloc(*p, *cap);
	}
	memcpy(*p + *len, data, n);
	*len += n;
	(*p)[*len] = '\0';
}

/* The child's side of spawn_cdcpivot(): its descriptors, environment
 * and limits, then exec. Never returns. */
static void
child_exec(const struct spawn *s, const char *const *args, int in[2], int out[2], int err[2])
{
	int i = in[0], o = out[1];
	if (s->stdin_path != NULL && (i = open(s->stdin_path, O_RDONLY)) < 0)
		_exit(127);
	if (s->stdout_path != NULL &&
	    (o = open(s->stdout_path, O_WRONLY | O_CREAT | (s->stdout_append ? O_APPEND : O_TRUNC),
	         0644)) < 0)
		_exit(127);
	dup2(i, 0), dup2(o, 1), dup2(err[1], 2);
	close(in[0]), close(in[1]), close(out[0]), close(out[1]), close(err[0]), close(err[1]);
	if (i != in[0])
		close(i);
	if (o != out[1])
		close(o);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	setenv("TZ", "UTC", 1);
	setenv("LC_ALL", "C", 1);
	for (size_t k = 0; s->env != NULL && s->env[k] != NULL; k++) {
		char *kv = strdup(s->env[k]), *eq = strchr(kv, '=');
		if (eq != NULL) {
			*eq = '\0';
			setenv(kv, eq + 1, 1);
		}
	}
	if (s->fsize) {
		struct rlimit rl = {s->fsize, s->fsize};
		setrlimit(RLIMIT_FSIZE, &rl);
	}
	if (s->as) {
		struct rlimit rl = {s->as, s->as};
		setrlimit(RLIMIT_AS, &rl);
	}
	execvp(args[0], (char *const *)args);
	_exit(127);
}

void
spawn_cdcpivot(const struct spawn *s, struct child *c)
{
	int in[2], out[2], err[2];
	ck_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);

	/* argv: wrapper words, binary, arguments. */
	const char *args[128];
	size_t na = 0;
	char *wrapper = NULL;
	const char *w = getenv("CDCPIVOT_WRAPPER");
	if (w != NULL && w[0] != '\0') {
		wrapper = strdup(w);
		for (char *tok = strtok(wrapper, " "); tok && na < 32; tok = strtok(NULL, " "))
			args[na++] = tok;
	}
	args[na++] = cdcpivot_path();
	for (size_t i = 0; s->argv[i] != NULL && na < 126; i++)
		args[na++] = s->argv[i];
	args[na] = NULL;

	c->pid = fork();
	ck_assert(c->pid >= 0);
	if (c->pid == 0)
		child_exec(s, args, in, out, err);
	free(wrapper);
	close(in[0]), close(out[1]), close(err[1]);
	c->in = in[1], c->out = out[0], c->err = err[0];
	if (s->stdin_path != NULL) {
		close(c->in);
		c->in = -1;
	}
	if (s->stdout_path != NULL) {
		close(c->out);
		c->out = -1;
	}
}

int
wait_child(pid_t pid)
{
	int st;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	ck_assert(r == pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *
read_all(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	ssize_t k;
	while ((k = read(fd, p + n, cap - n - 1)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			break;
		n += (size_t)k;
		if (cap - n - 1 == 0)
			p = realloc(p, cap *= 2);
	}
	p[n] = '\0';
	if (len != NULL)
		*len = n;
	return p;
}

void
run_cdcpivot(const char *const *argv, const char *stdin_data, size_t stdin_len,
    const char *const *extra_env, const char *stdout_path, struct run_result *r)
{
	struct spawn s = {.argv = argv, .stdout_path = stdout_path, .env = extra_env};
	struct child c;
	spawn_cdcpivot(&s, &c);
	int in[2] = {-1, c.in}, out[2] = {c.out, -1}, err[2] = {c.err, -1};
	pid_t pid = c.pid;
	if (stdout_path != NULL)
		out[0] = open("/dev/null", O_RDONLY); /* at EOF at once */
	memset(r, 0, sizeof *r);
	size_t ocap = 0, ecap = 0, sent = 0;
	append(&r->out, &r->out_len, &ocap, "", 0);
	append(&r->err, &r->err_len, &ecap, "", 0);
	signal(SIGPIPE, SIG_IGN);
	int open_in = 1, open_out = 1, open_err = 1;
	if (stdin_data == NULL || stdin_len == 0) {
		close(in[1]);
		open_in = 0;
	}
	while (open_out || open_err) {
		struct pollfd p[3];
		int np = 0, io = -1, oo = -1, eo = -1;
		if (open_in)
			io = np, p[np++] = (struct pollfd){.fd = in[1], .events = POLLOUT};
		if (open_out)
			oo = np, p[np++] = (struct pollfd){.fd = out[0], .events = POLLIN};
		if (open_err)
			eo = np, p[np++] = (struct pollfd){.fd = err[0], .events = POLLIN};
		if (poll(p, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			ck_abort_msg("poll: %s", strerror(errno));
		}
		if (io >= 0 && p[io].revents) {
			size_t chunk = stdin_len - sent < 65536 ? stdin_len - sent : 65536;
			ssize_t k = write(in[1], stdin_data + sent, chunk);
			if (k > 0)
				sent += (size_t)k;
			if (k < 0 || sent == stdin_len) {
				close(in[1]);
				open_in = 0;
			}
		}
		char tmp[65536];
		if (oo >= 0 && p[oo].revents) {
			ssize_t k = read(out[0], tmp, sizeof tmp);
			if (k > 0)
				append(&r->out, &r->out_len, &ocap, tmp, (size_t)k);
			else
				open_out = 0;
		}
		if (eo >= 0 && p[eo].revents) {
			ssize_t k = read(err[0], tmp, sizeof tmp);
			if (k > 0)
				append(&r->err, &r->err_len, &ecap, tmp, (size_t)k);
			else
				open_err = 0;
		}
	}
	if (open_in)
		close(in[1]);
	close(out[0]), close(err[0]);
	r->status = wait_child(pid);
	signal(SIGPIPE, SIG_DFL);
}

void
run_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof *r);
}

void
expect_diags(const char *err, const char *input, const struct expect_diag *want, size_t n)
{
	const char *p = err;
	size_t i = 0;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[1024];
		snprintf(line, sizeof line, "%.*s", (int)len, p);
		p += len + (nl != NULL);
		if (strncmp(line, "cdcpivot: summary: ", 19) == 0)
			continue;
		ck_assert_msg(i < n, "unexpected diagnostic: %s", line);
		char prefix[256];
		snprintf(prefix, sizeof prefix, "cdcpivot: %s:%lu: ", input, want[i].line);
		ck_assert_msg(strncmp(line, prefix, strlen(prefix)) == 0,
		    "diagnostic %zu: want prefix '%s', got '%s'", i, prefix, line);
		ck_assert_msg(strstr(line, want[i].snippet) != NULL,
		    "diagnostic %zu: want '%s' in '%s'", i, want[i].snippet, line);
		i++;
	}
	ck_assert_msg(i == n, "want %zu diagnostics, got %zu:\n%s", n, i, err);
}

/* Escapes s[0..n) for a failure message. */
static void
show(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			k += (size_t)snprintf(dst + k, cap - k, "\\x%02x", c);
		else
			dst[k++] = (char)c;
	}
	dst[k] = '\0';
}

void
assert_bytes(const char *what, const char *got, size_t glen, const char *want, size_t wlen)
{
	if (glen == wlen && memcmp(got, want, wlen) == 0)
		return;
	char g[600], w[600];
	show(g, sizeof g, got, glen);
	show(w, sizeof w, want, wlen);
	ck_abort_msg("%s:\n  want (%zu bytes): %s\n  got  (%zu bytes): %s", what, wlen, w, glen, g);
}

void
assert_text_eq(const char *what, const char *got, size_t glen, const char *want)
{
	assert_bytes(what, got, glen, want, strlen(want));
}

void
remove_tree(const char *dir)
{
	char cmd[512];
	int n = snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert(n > 0 && (size_t)n < sizeof cmd && strchr(dir, '\'') == NULL);
	ck_assert_int_eq(system(cmd), 0);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && strcmp(s + n - k, suffix) == 0;
}

void
each_input_file(void (*each)(const char *path, void *ctx), void *ctx)
{
	const char *dirs[] = {"tests/golden", "examples"};
	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);
		ck_assert_msg(dir != NULL, "cannot open %s", dirs[d]);
		struct dirent *e;
		while ((e = readdir(dir)) != NULL) {
			if (ends_with(e->d_name, ".in") || ends_with(e->d_name, ".jsonl")) {
				char path[512];
				snprintf(path, sizeof path, "%s/%s", dirs[d], e->d_name);
				each(path, ctx);
			}
		}
		closedir(dir);
	}
}
