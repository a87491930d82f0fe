/* Which store holds --state: durable random get+put at 1M keys with LMDB,
 * SQLite and RocksDB, the way cdcpivot uses it (look a row image up, write
 * the new one, make a batch durable after each output flush).
 *
 *   statestore lmdb|sqlite|rocksdb DIR [KEYS] [OPS] [BATCH]
 *
 * Phases: load KEYS keys (10000 per commit); OPS random get+put on them, a
 * durable commit (fsync) every BATCH ops, as after each output flush; 2000
 * get+put with a durable commit each, as with --unbuffered. Prints one line
 * per phase and the process's RSS (anonymous and file-backed) and the size
 * on disk. Never part of make check. */
#define _GNU_SOURCE
#include <dirent.h>
#include <lmdb.h>
#include <rocksdb/c.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum { VALUE_LEN = 200, KEY_MAX = 64 };

struct store {
	const char *name;
	void (*open)(struct store *, const char *dir);
	int (*get)(struct store *, const char *k, size_t kl, char *v, size_t *vl);
	void (*put)(struct store *, const char *k, size_t kl, const char *v, size_t vl);
	void (*commit)(struct store *); /* durable */
	void (*close)(struct store *);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	sqlite3 *db;
	sqlite3_stmt *sget, *sput;
	rocksdb_t *rdb;
	rocksdb_writebatch_t *wb;
	rocksdb_readoptions_t *ro;
	rocksdb_writeoptions_t *wo;
	rocksdb_options_t *opts;
};

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "statestore: %s: %s\n", what, why);
	exit(1);
}

/* LMDB: one write transaction per batch; reads see it. */
static void
lm_open(struct store *s, const char *dir)
{
	int rc = mdb_env_create(&s->env);
	if (rc == 0)
		rc = mdb_env_set_mapsize(s->env, (size_t)16 << 30);
	if (rc == 0)
		rc = mdb_env_open(s->env, dir, 0, 0644);
	if (rc == 0)
		rc = mdb_txn_begin(s->env, NULL, 0, &s->txn);
	if (rc == 0)
		rc = mdb_dbi_open(s->txn, NULL, 0, &s->dbi);
	if (rc != 0)
		die("lmdb", mdb_strerror(rc));
}

static int
lm_get(struct store *s, const char *k, size_t kl, char *v, size_t *vl)
{
	MDB_val key = {kl, (void *)k}, val;
	int rc = mdb_get(s->txn, s->dbi, &key, &val);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		die("lmdb get", mdb_strerror(rc));
	memcpy(v, val.mv_data, val.mv_size);
	*vl = val.mv_size;
	return 1;
}

static void
lm_put(struct store *s, const char *k, size_t kl, const char *v, size_t vl)
{
	MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
	int rc = mdb_put(s->txn, s->dbi, &key, &val, 0);
	if (rc != 0)
		die("lmdb put", mdb_strerror(rc));
}

static void
lm_commit(struct store *s)
{
	int rc = mdb_txn_commit(s->txn);
	if (rc == 0)
		rc = mdb_txn_begin(s->env, NULL, 0, &s->txn);
	if (rc != 0)
		die("lmdb commit", mdb_strerror(rc));
}

static void
lm_close(struct store *s)
{
	mdb_txn_abort(s->txn);
	mdb_env_close(s->env);
}

/* SQLite: WAL, synchronous=FULL (fsync at every commit), 8 MiB cache. */
static void
sq_exec(struct store *s, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK)
		die(sql, err ? err : "?");
}

static void
sq_open(struct store *s, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/state.sqlite", dir);
	if (sqlite3_open(path, &s->db) != SQLITE_OK)
		die("sqlite", sqlite3_errmsg(s->db));
	sq_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-8192;"
	           "CREATE TABLE IF NOT EXISTS kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;"
	           "BEGIN");
	if (sqlite3_prepare_v2(s->db, "SELECT v FROM kv WHERE k=?", -1, &s->sget, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO kv VALUES(?,?)", -1, &s->sput, NULL) !=
	        SQLITE_OK)
		die("sqlite prepare", sqlite3_errmsg(s->db));
}

static int
sq_get(struct store *s, const char *k, size_t kl, char *v, size_t *vl)
{
	sqlite3_bind_blob(s->sget, 1, k, (int)kl, SQLITE_STATIC);
	int rc = sqlite3_step(s->sget), found = 0;
	if (rc == SQLITE_ROW) {
		*vl = (size_t)sqlite3_column_bytes(s->sget, 0);
		memcpy(v, sqlite3_column_blob(s->sget, 0), *vl);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		die("sqlite get", sqlite3_errmsg(s->db));
	}
	sqlite3_reset(s->sget);
	return found;
}

static void
sq_put(struct store *s, const char *k, size_t kl, const char *v, size_t vl)
{
	sqlite3_bind_blob(s->sput, 1, k, (int)kl, SQLITE_STATIC);
	sqlite3_bind_blob(s->sput, 2, v, (int)vl, SQLITE_STATIC);
	if (sqlite3_step(s->sput) != SQLITE_DONE)
		die("sqlite put", sqlite3_errmsg(s->db));
	sqlite3_reset(s->sput);
}

static void
sq_commit(struct store *s)
{
	sq_exec(s, "COMMIT; BEGIN");
}

static void
sq_close(struct store *s)
{
	sqlite3_finalize(s->sget);
	sqlite3_finalize(s->sput);
	sq_exec(s, "COMMIT");
	sqlite3_close(s->db);
}

/* RocksDB: a write batch per commit, written with sync=true (WAL fsync);
 * 8 MiB block cache, 8 MiB memtables. */
static void
rk_open(struct store *s, const char *dir)
{
	char *err = NULL;
	s->opts = rocksdb_options_create();
	rocksdb_options_set_create_if_missing(s->opts, 1);
	rocksdb_options_set_write_buffer_size(s->opts, 8 << 20);
	rocksdb_block_based_table_options_t *t = rocksdb_block_based_options_create();
	rocksdb_block_based_options_set_block_cache(t, rocksdb_cache_create_lru(8 << 20));
	rocksdb_block_based_options_set_filter_policy(t, rocksdb_filterpolicy_create_bloom(10));
	rocksdb_options_set_block_based_table_factory(s->opts, t);
	s->rdb = rocksdb_open(s->opts, dir, &err);
	if (err != NULL)
		die("rocksdb", err);
	s->wb = rocksdb_writebatch_create();
	s->ro = rocksdb_readoptions_create();
	s->wo = rocksdb_writeoptions_create();
	rocksdb_writeoptions_set_sync(s->wo, 1);
}

static int
rk_get(struct store *s, const char *k, size_t kl, char *v, size_t *vl)
{
	/* Not the pending batch: cdcpivot keeps pending images in memory
	 * in front of any store, so the benchmark reads the store only. */
	char *err = NULL;
	size_t n;
	char *p = rocksdb_get(s->rdb, s->ro, k, kl, &n, &err);
	if (err != NULL)
		die("rocksdb get", err);
	if (p == NULL)
		return 0;
	memcpy(v, p, n);
	*vl = n;
	rocksdb_free(p);
	return 1;
}

static void
rk_put(struct store *s, const char *k, size_t kl, const char *v, size_t vl)
{
	rocksdb_writebatch_put(s->wb, k, kl, v, vl);
}

static void
rk_commit(struct store *s)
{
	char *err = NULL;
	rocksdb_write(s->rdb, s->wo, s->wb, &err);
	if (err != NULL)
		die("rocksdb write", err);
	rocksdb_writebatch_clear(s->wb);
}

static void
rk_close(struct store *s)
{
	rk_commit(s);
	rocksdb_writebatch_destroy(s->wb);
	rocksdb_readoptions_destroy(s->ro);
	rocksdb_writeoptions_destroy(s->wo);
	rocksdb_close(s->rdb);
	rocksdb_options_destroy(s->opts);
}

static double
now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t
make_key(char *k, uint64_t i)
{
	/* table name, NUL, then the key as the record key's JSON. */
	return (size_t)snprintf(k, KEY_MAX, "public.customers%c{\"id\":%llu}", 0,
	    (unsigned long long)i);
}

static size_t
make_value(char *v, uint64_t i, uint64_t gen)
{
	int n = snprintf(v, VALUE_LEN + 1, "{\"id\":%llu,\"gen\":%llu,\"name\":\"customer\",\"pad\":\"",
	    (unsigned long long)i, (unsigned long long)gen);
	memset(v + n, 'x', VALUE_LEN - (size_t)n - 2);
	memcpy(v + VALUE_LEN - 2, "\"}", 2);
	return VALUE_LEN;
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long
status_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	size_t fl = strlen(field);
	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, field, fl) == 0 && line[fl] == ':')
			kb = strtol(line + fl + 1, NULL, 10);
	if (f != NULL)
		fclose(f);
	return kb;
}

static long long
dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	long long n = 0;
	struct dirent *e;
	char path[4096];
	struct stat st;
	while (d != NULL && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			n += (long long)st.st_blocks * 512;
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* OPS random get+put, a durable commit every batch ops. */
static double
random_phase(struct store *s, uint64_t keys, uint64_t ops, uint64_t batch, uint64_t gen)
{
	char k[KEY_MAX], v[VALUE_LEN + 1], got[4096];
	uint64_t seed = 0x9E3779B97F4A7C15ull ^ gen;
	double t0 = now_s();
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t id = rnd(&seed) % keys;
		size_t kl = make_key(k, id), gl;
		if (!s->get(s, k, kl, got, &gl))
			die("get", "a loaded key is missing");
		s->put(s, k, kl, v, make_value(v, id, gen));
		if ((i + 1) % batch == 0)
			s->commit(s);
	}
	s->commit(s);
	return now_s() - t0;
}

int
main(int argc, char **argv)
{
	static struct store stores[] = {
		{.name = "lmdb", lm_open, lm_get, lm_put, lm_commit, lm_close},
		{.name = "sqlite", sq_open, sq_get, sq_put, sq_commit, sq_close},
		{.name = "rocksdb", rk_open, rk_get, rk_put, rk_commit, rk_close},
	};
	if (argc < 3) {
		fprintf(stderr, "usage: statestore lmdb|sqlite|rocksdb DIR [KEYS] [OPS] [BATCH]\n");
		return 2;
	}
	struct store *s = NULL;
	for (size_t i = 0; i < sizeof stores / sizeof stores[0]; i++)
		if (strcmp(argv[1], stores[i].name) == 0)
			s = &stores[i];
	if (s == NULL)
		die(argv[1], "unknown store");
	uint64_t keys = argc > 3 ? strtoull(argv[3], NULL, 10) : 1000000;
	uint64_t ops = argc > 4 ? strtoull(argv[4], NULL, 10) : 200000;
	uint64_t batch = argc > 5 ? strtoull(argv[5], NULL, 10) : 500;
	mkdir(argv[2], 0755);
	s->open(s, argv[2]);

	char k[KEY_MAX], v[VALUE_LEN + 1];
	double t0 = now_s();
	for (uint64_t i = 0; i < keys; i++) {
		s->put(s, k, make_key(k, i), v, make_value(v, i, 0));
		if ((i + 1) % 10000 == 0)
			s->commit(s);
	}
	s->commit(s);
	double load = now_s() - t0;
	double rand = random_phase(s, keys, ops, batch, 1);
	double single = random_phase(s, keys, 2000, 1, 2);
	printf("%-8s keys=%llu load=%.0f/s  get+put(batch %llu)=%.0f/s  get+put(commit each)=%.0f/s"
	       "  rss_anon=%ldkB rss_file=%ldkB hwm=%ldkB disk=%.0fMB\n",
	    s->name, (unsigned long long)keys, (double)keys / load, (unsigned long long)batch,
	    (double)ops / rand, 2000.0 / single, status_kb("RssAnon"), status_kb("RssFile"),
	    status_kb("VmHWM"), (double)dir_bytes(argv[2]) / 1e6);
	s->close(s);
	return 0;
}
