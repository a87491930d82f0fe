/* envelope.h: one input line -> change event, skipped record or rejected
 * line. Every line is copied into a buffer of exactly its length (no NUL
 * after it), so a read past the end shows up under ASan and valgrind. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "check_suites.h"
#include "check_util.h"
#include "envelope.h"
#include "jsonarena.h"
#include "jsonval.h"
#include "schemacache.h"

/* ---- Debezium building blocks -------------------------------------------- */

/* Debezium 1.x PostgreSQL source block. */
#define SRC_PG1                                                                                   \
	"{\"version\":\"1.9.7.Final\",\"connector\":\"postgresql\",\"name\":\"dbserver1\","         \
	"\"ts_ms\":1600000000123,\"snapshot\":\"false\",\"db\":\"postgres\",\"sequence\":"          \
	"\"[\\\"24023128\\\",\\\"24023128\\\"]\",\"schema\":\"inventory\",\"table\":\"customers\"," \
	"\"txId\":555,\"lsn\":24023128,\"xmin\":null}"
/* Debezium 1.x MySQL source block. */
#define SRC_MY1                                                                                   \
	"{\"version\":\"1.9.7.Final\",\"connector\":\"mysql\",\"name\":\"dbserver1\","              \
	"\"ts_ms\":1600000000000,\"snapshot\":\"false\",\"db\":\"inventory\",\"sequence\":null,"    \
	"\"table\":\"customers\",\"server_id\":223344,\"gtid\":null,\"file\":\"mysql-bin.000003\"," \
	"\"pos\":1234,\"row\":0,\"thread\":7,\"query\":null}"
/* Debezium 2.x PostgreSQL source block (ts_us and ts_ns next to ts_ms). */
#define SRC_PG2                                                                                   \
	"{\"version\":\"2.7.3.Final\",\"connector\":\"postgresql\",\"name\":\"bankserver1\","       \
	"\"ts_ms\":1600000000123,\"ts_us\":1600000000123456,\"ts_ns\":1600000000123456789,"         \
	"\"snapshot\":\"false\",\"db\":\"data_engineer\",\"sequence\":\"[null,\\\"24023500\\\"]\"," \
	"\"schema\":\"bank\",\"table\":\"holding\",\"txId\":501,\"lsn\":24023500,\"xmin\":null}"
/* Debezium 0.9 PostgreSQL source block (ts_usec). */
#define SRC_PG09                                                                                  \
	"{\"name\":\"dbserver1\",\"db\":\"postgres\",\"ts_usec\":1600000000123456,\"txId\":555,"    \
	"\"lsn\":24023128,\"snapshot\":false,\"last_snapshot_record\":null}"

#define ROW1 "{\"id\":1,\"name\":\"a\",\"qty\":5}"
#define ROW2 "{\"id\":1,\"name\":\"b\",\"qty\":6}"

#define VSCHEMA                                                                                   \
	"{\"type\":\"struct\",\"fields\":[],\"optional\":false,"                                     \
	"\"name\":\"dbserver1.inventory.customers.Envelope\"}"
#define KSCHEMA                                                                                   \
	"{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"}]," \
	"\"optional\":false,\"name\":\"dbserver1.inventory.customers.Key\"}"

#define EV_C "{\"before\":null,\"after\":" ROW1 ",\"source\":" SRC_PG2 ",\"op\":\"c\",\"ts_ms\":1600000000150}"
#define EV_U "{\"before\":" ROW1 ",\"after\":" ROW2 ",\"source\":" SRC_PG2 ",\"op\":\"u\",\"ts_ms\":1600000000150}"
#define EV_D "{\"before\":" ROW2 ",\"after\":null,\"source\":" SRC_PG2 ",\"op\":\"d\",\"ts_ms\":1600000000150}"

/* Bits of what a case expects to be set. */
enum {
	B = 1,      /* env->before */
	A = 2,      /* env->after */
	S = 4,      /* env->source */
	SCH = 8,    /* env->schema */
	REC = 16,   /* env->record */
};

#define CHANGE(op, bits) ENVELOPE_CHANGE, 0, op, NULL, NULL, bits
#define SKIP(why) ENVELOPE_SKIP, why, 0, NULL, NULL, 0
#define REJECT(s1, s2) ENVELOPE_REJECT, 0, 0, s1, s2, 0

static const struct {
	const char *name;
	const char *line;
	size_t len; /* 0: strlen(line) */
	enum envelope_kind kind;
	enum envelope_skip skip;
	char op;
	const char *snip1, *snip2; /* the reason contains both */
	unsigned bits;
	const char *key; /* env->key as compact JSON, NULL: no key */
} cases[] = {
	/* ---- change events, schemas off and on, Debezium 1.x and 2.x ---- */
	{"c 2.x", EV_C, 0, CHANGE('c', A | S), NULL},
	{"u 2.x", EV_U, 0, CHANGE('u', A | B | S), NULL},
	{"d 2.x", EV_D, 0, CHANGE('d', B | S), NULL},
	{"r snapshot 1.x pg",
	    "{\"before\":null,\"after\":" ROW1 ",\"source\":" SRC_PG1 ",\"op\":\"r\",\"ts_ms\":1,\"transaction\":null}",
	    0, CHANGE('r', A | S), NULL},
	{"u 1.x mysql",
	    "{\"before\":" ROW1 ",\"after\":" ROW2 ",\"source\":" SRC_MY1 ",\"op\":\"u\",\"ts_ms\":1,\"transaction\":null}",
	    0, CHANGE('u', A | B | S), NULL},
	{"d 0.9 pg", "{\"before\":" ROW1 ",\"after\":null,\"source\":" SRC_PG09 ",\"op\":\"d\",\"ts_ms\":1}", 0,
	    CHANGE('d', B | S), NULL},
	{"c schemas on", "{\"schema\":" VSCHEMA ",\"payload\":" EV_C "}", 0, CHANGE('c', A | S | SCH), NULL},
	{"u schemas on", "{\"schema\":" VSCHEMA ",\"payload\":" EV_U "}", 0, CHANGE('u', A | B | S | SCH), NULL},
	{"d schemas on", "{\"schema\":" VSCHEMA ",\"payload\":" EV_D "}", 0, CHANGE('d', B | S | SCH), NULL},
	{"payload first, schema last", "{\"payload\":" EV_U ",\"schema\":" VSCHEMA "}", 0,
	    CHANGE('u', A | B | S | SCH), NULL},
	{"schema null, payload event", "{\"schema\":null,\"payload\":" EV_C "}", 0, CHANGE('c', A | S), NULL},
	{"no source block", "{\"op\":\"c\",\"after\":{\"id\":1}}", 0, CHANGE('c', A), NULL},
	{"source not an object", "{\"op\":\"c\",\"after\":{\"id\":1},\"source\":\"x\"}", 0, CHANGE('c', A), NULL},
	{"u with before null", "{\"before\":null,\"after\":" ROW2 ",\"source\":" SRC_PG2 ",\"op\":\"u\"}", 0,
	    CHANGE('u', A | S), NULL},
	{"u with before absent", "{\"after\":" ROW2 ",\"op\":\"u\"}", 0, CHANGE('u', A), NULL},
	{"d with after absent", "{\"before\":" ROW2 ",\"op\":\"d\"}", 0, CHANGE('d', B), NULL},
	{"c with a before image", "{\"before\":" ROW1 ",\"after\":" ROW2 ",\"op\":\"c\"}", 0, CHANGE('c', A | B),
	    NULL},
	{"empty after object", "{\"op\":\"c\",\"after\":{}}", 0, CHANGE('c', A), NULL},
	{"leading blanks", "  \t {\"op\":\"c\",\"after\":{\"id\":1}}", 0, CHANGE('c', A), NULL},
	{"trailing CR", "{\"op\":\"c\",\"after\":{\"id\":1}}\r", 0, CHANGE('c', A), NULL},
	{"trailing blanks and CR", "{\"op\":\"c\",\"after\":{\"id\":1}}  \r", 0, CHANGE('c', A), NULL},
	{"payload wrapper without schema", "{\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}}}", 0,
	    CHANGE('c', A), NULL},

	/* ---- ops that are skipped ---- */
	{"op t", "{\"op\":\"t\",\"ts_ms\":1,\"source\":" SRC_PG2 "}", 0, SKIP(SKIP_TRUNCATE), NULL},
	{"op t schemas on", "{\"schema\":" VSCHEMA ",\"payload\":{\"op\":\"t\",\"source\":" SRC_PG2 "}}", 0,
	    SKIP(SKIP_TRUNCATE), NULL},
	{"op m", "{\"op\":\"m\",\"ts_ms\":1,\"source\":" SRC_PG2 ",\"message\":{\"prefix\":\"x\",\"content\":\"eA==\"}}",
	    0, SKIP(SKIP_MESSAGE), NULL},

	/* ---- tombstones ---- */
	{"empty line", "", 0, SKIP(SKIP_TOMBSTONE), NULL},
	{"blank line", "   ", 0, SKIP(SKIP_TOMBSTONE), NULL},
	{"tab only", "\t", 0, SKIP(SKIP_TOMBSTONE), NULL},
	{"null", "null", 0, SKIP(SKIP_TOMBSTONE), NULL},
	{"indented null", "  null", 0, SKIP(SKIP_TOMBSTONE), NULL},
	{"schema null payload null", "{\"schema\":null,\"payload\":null}", 0, SKIP(SKIP_TOMBSTONE), NULL},
	{"key TAB null", "{\"id\":1}\tnull", 0, SKIP(SKIP_TOMBSTONE), "{\"id\":1}"},
	{"key TAB empty", "{\"id\":1}\t", 0, SKIP(SKIP_TOMBSTONE), "{\"id\":1}"},
	{"CreateTime key null", "CreateTime:1600000000000\t{\"id\":1}\tnull", 0, SKIP(SKIP_TOMBSTONE),
	    "{\"id\":1}"},
	{"null TAB null", "null\tnull", 0, SKIP(SKIP_TOMBSTONE), NULL},

	/* ---- heartbeats and transaction metadata ---- */
	{"heartbeat schemas off", "{\"ts_ms\":1600000000999}", 0, SKIP(SKIP_HEARTBEAT), NULL},
	{"heartbeat schemas on",
	    "{\"schema\":{\"type\":\"struct\",\"name\":\"io.debezium.connector.common.Heartbeat\","
	    "\"fields\":[{\"type\":\"int64\",\"field\":\"ts_ms\"}]},\"payload\":{\"ts_ms\":1600000000999}}",
	    0, SKIP(SKIP_HEARTBEAT), NULL},
	{"heartbeat by schema name only",
	    "{\"schema\":{\"type\":\"struct\",\"name\":\"io.debezium.connector.common.Heartbeat\"},"
	    "\"payload\":{\"ts_ms\":1,\"server\":\"x\"}}",
	    0, SKIP(SKIP_HEARTBEAT), NULL},
	{"tx BEGIN",
	    "{\"status\":\"BEGIN\",\"id\":\"571:53195829\",\"ts_ms\":1600000000100,\"event_count\":null,"
	    "\"data_collections\":null}",
	    0, SKIP(SKIP_TXMETA), NULL},
	{"tx END",
	    "{\"status\":\"END\",\"id\":\"571:53195829\",\"ts_ms\":1600000000100,\"event_count\":2,"
	    "\"data_collections\":[{\"data_collection\":\"bank.holding\",\"event_count\":2}]}",
	    0, SKIP(SKIP_TXMETA), NULL},
	{"tx BEGIN schemas on",
	    "{\"schema\":{\"type\":\"struct\",\"name\":\"io.debezium.connector.common.TransactionMetadataValue\"},"
	    "\"payload\":{\"status\":\"BEGIN\",\"id\":\"571:53195829\",\"ts_ms\":1,\"event_count\":null}}",
	    0, SKIP(SKIP_TXMETA), NULL},

	/* ---- console banners and text that is data in the wrong shape ---- */
	{"banner zookeeper", "Using ZOOKEEPER_CONNECT=zookeeper:2181", 0, SKIP(SKIP_BANNER), NULL},
	{"banner processed", "Processed a total of 3 messages", 0, SKIP(SKIP_BANNER), NULL},
	{"pretty-printed member", "  \"before\": null,", 0, REJECT("not a whole JSON object on one line", "jq -c"),
	    NULL},
	{"pretty-printed close", "}", 0, REJECT("not a whole JSON object on one line", NULL), NULL},
	{"pretty-printed close comma", "  },", 0, REJECT("not a whole JSON object on one line", NULL), NULL},
	{"pretty-printed array", "[", 0, REJECT("not a whole JSON object on one line", NULL), NULL},
	{"top-level array", "[1,2]", 0, REJECT("a JSON array, not an object", NULL), NULL},
	{"top-level number", "42", 0, REJECT("a JSON number, not an object", NULL), NULL},
	{"array fragment", "  [1,", 0, REJECT("not a whole JSON object on one line", NULL), NULL},
	{"escaped NUL", "{\"op\":\"c\",\"after\":{\"v\":\"a\\u0000b\"}}", 0, REJECT("escaped NUL", "column 26"), NULL},
	{"escaped backslash then u0000", "{\"op\":\"c\",\"after\":{\"v\":\"a\\\\u0000b\"}}", 0, CHANGE('c', A), NULL},
	{"kcat record with Payload", "{\"topic\":\"t\",\"partition\":0,\"Payload\":\"x\"}", 0, REJECT("not a Debezium change event", NULL), NULL},
	{"log prefix", "2024-01-01 12:00:00 INFO Received message {\"op\":\"c\",\"after\":{\"id\":1}}", 0,
	    REJECT("text before the JSON object", "column 43"), NULL},
	{"log prefix empty object", "value={}", 0, REJECT("text before the JSON object", "column 7"), NULL},

	/* ---- key<TAB>value ---- */
	{"key TAB value", "{\"id\":1}\t" EV_U, 0, CHANGE('u', A | B | S), "{\"id\":1}"},
	{"key space TAB value", "{\"id\":1} \t" EV_U, 0, CHANGE('u', A | B | S), "{\"id\":1}"},
	{"composite key", "{\"holding_id\":1,\"user_id\":2}\t" EV_C, 0, CHANGE('c', A | S),
	    "{\"holding_id\":1,\"user_id\":2}"},
	{"schema-wrapped key", "{\"schema\":" KSCHEMA ",\"payload\":{\"id\":1}}\t" EV_D, 0, CHANGE('d', B | S),
	    "{\"id\":1}"},
	{"schema-wrapped key and value",
	    "{\"schema\":" KSCHEMA ",\"payload\":{\"id\":1001}}\t{\"schema\":" VSCHEMA ",\"payload\":" EV_U "}",
	    0, CHANGE('u', A | B | S | SCH), "{\"id\":1001}"},
	{"key not an object", "null\t" EV_C, 0, CHANGE('c', A | S), NULL},
	{"key is a string", "\"k1\"\t" EV_C, 0, CHANGE('c', A | S), NULL},
	{"key bigint kept", "{\"id\":9007199254740993}\t" EV_C, 0, CHANGE('c', A | S),
	    "{\"id\":9007199254740993}"},
	{"value with leading blanks", "{\"id\":1}\t  " EV_C, 0, CHANGE('c', A | S), "{\"id\":1}"},
	{"key TAB value CR", "{\"id\":1}\t" EV_C "\r", 0, CHANGE('c', A | S), "{\"id\":1}"},
	{"CreateTime key value", "CreateTime:1600000000000\t{\"holding_id\":1,\"user_id\":2}\t" EV_D, 0,
	    CHANGE('d', B | S), "{\"holding_id\":1,\"user_id\":2}"},
	{"CreateTime schema-wrapped key", "CreateTime:1\t{\"schema\":" KSCHEMA ",\"payload\":{\"id\":3}}\t" EV_C,
	    0, CHANGE('c', A | S), "{\"id\":3}"},
	{"key TAB heartbeat", "{\"serverName\":\"dbserver1\"}\t{\"ts_ms\":1}", 0, SKIP(SKIP_HEARTBEAT),
	    "{\"serverName\":\"dbserver1\"}"},
	{"key TAB not JSON", "{\"id\":1}\tvalue", 0, REJECT("value after the key is not a JSON object", NULL),
	    "{\"id\":1}"},
	{"key TAB invalid value", "{\"id\":1}\t{\"op\":\"c\",}", 0, REJECT("invalid JSON", "column 20"),
	    "{\"id\":1}"},
	{"key TAB blanks invalid value", "{\"id\":1}\t  {\"op\":\"c\",}", 0, REJECT("invalid JSON", "column 22"),
	    "{\"id\":1}"},
	{"key TAB value trailing", "{\"id\":1}\t{\"op\":\"c\",\"after\":{}} x", 0,
	    REJECT("trailing characters", "column 32"), "{\"id\":1}"},

	/* ---- kcat -J ---- */
	{"kcat record",
	    "{\"topic\":\"bankserver1.bank.holding\",\"partition\":0,\"offset\":7,\"tstype\":\"create\","
	    "\"ts\":1600000000200,\"broker\":1,\"key\":\"{\\\"holding_id\\\":9}\",\"payload\":"
	    "\"{\\\"before\\\":null,\\\"after\\\":{\\\"holding_id\\\":9},\\\"op\\\":\\\"c\\\","
	    "\\\"source\\\":{\\\"ts_ms\\\":1}}\"}",
	    0, CHANGE('c', A | S | REC), "{\"holding_id\":9}"},
	{"kcat schema-wrapped key and value",
	    "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"key\":\"{\\\"schema\\\":{},\\\"payload\\\":{\\\"id\\\":4}}\","
	    "\"payload\":\"{\\\"schema\\\":{},\\\"payload\\\":{\\\"op\\\":\\\"d\\\",\\\"before\\\":{\\\"id\\\":4}}}\"}",
	    0, CHANGE('d', B | SCH | REC), "{\"id\":4}"},
	{"kcat key null", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"{\\\"op\\\":\\\"c\\\",\\\"after\\\":{\\\"id\\\":1}}\"}",
	    0, CHANGE('c', A | REC), NULL},
	{"kcat payload object", "{\"topic\":\"t\",\"partition\":0,\"key\":\"{\\\"id\\\":1}\",\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}}}",
	    0, CHANGE('c', A | REC), "{\"id\":1}"},
	{"kcat payload null", "{\"topic\":\"t\",\"partition\":0,\"offset\":8,\"key\":\"{\\\"holding_id\\\":9}\",\"payload\":null}",
	    0, SKIP(SKIP_TOMBSTONE), "{\"holding_id\":9}"},
	{"kcat payload string null", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"null\"}", 0,
	    SKIP(SKIP_TOMBSTONE), NULL},
	{"kcat payload empty string", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"\"}", 0,
	    SKIP(SKIP_TOMBSTONE), NULL},
	{"kcat payload heartbeat", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"{\\\"ts_ms\\\":5}\"}", 0,
	    SKIP(SKIP_HEARTBEAT), NULL},
	{"kcat payload number", "{\"topic\":\"t\",\"partition\":0,\"key\":\"{\\\"id\\\":1}\",\"payload\":5}", 0,
	    REJECT("kcat record \"payload\" is a number, not a string", NULL), "{\"id\":1}"},
	{"kcat payload array", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":[1]}", 0,
	    REJECT("kcat record \"payload\" is an array", NULL), NULL},
	{"kcat payload text", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"hello\"}", 0,
	    REJECT("kcat payload: not a JSON object", NULL), NULL},
	{"kcat payload invalid", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"{\\\"op\\\":\\\"c\\\",}\"}", 0,
	    REJECT("kcat payload: invalid JSON", "column 11"), NULL},
	{"kcat payload trailing", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"{} x\"}", 0,
	    REJECT("kcat payload: trailing characters", "column 4"), NULL},

	/* ---- malformed lines ---- */
	{"NUL byte", "{\"op\":\"c\",\0\"after\":{}}", 22, REJECT("NUL byte at column 11", NULL), NULL},
	{"NUL byte first", "\0{}", 3, REJECT("NUL byte at column 1", NULL), NULL},
	{"NUL byte after blanks", "  \0", 3, REJECT("NUL byte at column 3", NULL), NULL},
	{"invalid: trailing comma", "{\"op\":\"c\",\"after\":{\"id\":1},\"before\":null,}", 0,
	    REJECT("invalid JSON", "column 42"), NULL},
	{"invalid: missing comma after blanks", "  {\"op\":\"c\" \"after\":{}}", 0, REJECT("invalid JSON", "column 13"),
	    NULL},
	{"invalid: truncated", "{\"op\":\"c\",\"after\":{\"id\":1}", 0, REJECT("invalid JSON", NULL), NULL},
	{"trailing garbage", "{\"op\":\"c\",\"after\":{\"id\":1}} x", 0,
	    REJECT("trailing characters after the JSON value", "column 29"), NULL},
	{"two objects", "{\"op\":\"c\",\"after\":{}}{\"op\":\"c\",\"after\":{}}", 0,
	    REJECT("trailing characters", "column 22"), NULL},
	{"payload a number", "{\"schema\":{},\"payload\":5}", 0, REJECT("\"payload\" is a number, not an object", NULL),
	    NULL},
	{"payload a string", "{\"schema\":" VSCHEMA ",\"payload\":\"x\"}", 0,
	    REJECT("\"payload\" is a string, not an object", NULL), NULL},
	{"payload an array", "{\"schema\":null,\"payload\":[]}", 0, REJECT("\"payload\" is an array, not an object", NULL),
	    NULL},
	{"after a string", "{\"op\":\"c\",\"after\":\"{\\\"id\\\":1}\"}", 0,
	    REJECT("\"after\" is a string, not an object or null", NULL), NULL},
	{"after an array", "{\"op\":\"c\",\"after\":[1]}", 0, REJECT("\"after\" is an array, not an object or null", NULL),
	    NULL},
	{"before a string", "{\"op\":\"u\",\"before\":\"x\",\"after\":{\"id\":1}}", 0,
	    REJECT("\"before\" is a string, not an object or null", NULL), NULL},
	{"before an array", "{\"op\":\"d\",\"before\":[]}", 0, REJECT("\"before\" is an array, not an object or null", NULL),
	    NULL},
	{"c with after null", "{\"before\":null,\"after\":null,\"op\":\"c\"}", 0,
	    REJECT("op \"c\" event without a row image", "\"after\" is null or missing"), NULL},
	{"r with after absent", "{\"op\":\"r\"}", 0, REJECT("op \"r\" event without a row image", "\"after\""), NULL},
	{"u with after null", "{\"before\":" ROW1 ",\"after\":null,\"op\":\"u\"}", 0,
	    REJECT("op \"u\" event without a row image", "\"after\" is null or missing"), NULL},
	{"d with before null", "{\"before\":null,\"after\":" ROW1 ",\"op\":\"d\"}", 0,
	    REJECT("op \"d\" event without a row image", "\"before\" is null or missing"), NULL},
	{"unknown op", "{\"op\":\"x\",\"after\":{}}", 0, REJECT("unknown op \"x\"", NULL), NULL},
	{"unknown op word", "{\"op\":\"create\",\"after\":{}}", 0, REJECT("unknown op \"create\"", NULL), NULL},
	{"unknown op empty", "{\"op\":\"\",\"after\":{}}", 0, REJECT("unknown op \"\"", NULL), NULL},
	{"unknown op upper", "{\"op\":\"C\",\"after\":{}}", 0, REJECT("unknown op \"C\"", NULL), NULL},
	{"unknown op long", "{\"op\":\"abcdefghijklmnopqrstuvwxyz0123456789\",\"after\":{}}", 0,
	    REJECT("unknown op \"abcdefghijklmnopqrst\"...", NULL), NULL},
	{"op a number", "{\"op\":5,\"after\":{}}", 0, REJECT("\"op\" is a number, not a string", NULL), NULL},
	{"op null", "{\"op\":null,\"after\":{}}", 0, REJECT("\"op\" is null, not a string", NULL), NULL},
	{"op an array", "{\"op\":[\"c\"],\"after\":{}}", 0, REJECT("\"op\" is an array, not a string", NULL), NULL},
	{"ExtractNewRecordState", "{\"id\":1,\"name\":\"a\",\"__op\":\"u\",\"__deleted\":\"false\"}", 0,
	    REJECT("no \"op\" field", "\"__op\""), NULL},
	{"before/after without op", "{\"before\":null,\"after\":{\"id\":1}}", 0,
	    REJECT("not a change event: no \"op\" field", NULL), NULL},
	{"record key alone", "{\"id\":1}", 0, REJECT("not a Debezium change event", "a record key?"), NULL},
	{"empty object", "{}", 0, REJECT("not a Debezium change event", NULL), NULL},
};

static void
expect_key(const struct envelope *env, const char *want, const char *name)
{
	if (want == NULL) {
		ck_assert_msg(env->key == NULL, "%s: unexpected key", name);
		return;
	}
	ck_assert_msg(env->key != NULL, "%s: no key, want %s", name, want);
	struct buf b;
	buf_init(&b);
	jsonval_write_json(&b, env->key);
	ck_assert_str_eq(buf_cstr(&b), want);
	buf_free(&b);
}

static const char *const kind_names[] = {"CHANGE", "SKIP", "REJECT", "FATAL"};

START_TEST(classify)
{
	const char *name = cases[_i].name;
	size_t len = cases[_i].len ? cases[_i].len : strlen(cases[_i].line);
	char *line = malloc(len ? len : 1);
	memcpy(line, cases[_i].line, len);

	struct envelope env;
	memset(&env, 0xa5, sizeof env); /* envelope_parse must not rely on a zeroed struct */
	envelope_parse(&env, line, len);

	ck_assert_msg(env.kind == cases[_i].kind, "%s: kind %s (reason \"%s\"), want %s", name,
	    env.kind <= ENVELOPE_FATAL ? kind_names[env.kind] : "?",
	    env.kind == ENVELOPE_REJECT ? env.reason : "", kind_names[cases[_i].kind]);
	switch (cases[_i].kind) {
	case ENVELOPE_CHANGE: {
		unsigned bits = cases[_i].bits;
		ck_assert_msg(env.op == cases[_i].op, "%s: op '%c'", name, env.op);
		ck_assert_msg((env.before != NULL) == ((bits & B) != 0), "%s: before", name);
		ck_assert_msg((env.after != NULL) == ((bits & A) != 0), "%s: after", name);
		ck_assert_msg((env.source != NULL) == ((bits & S) != 0), "%s: source", name);
		ck_assert_msg((env.schema != NULL) == ((bits & SCH) != 0), "%s: schema", name);
		ck_assert_msg((env.record != NULL) == ((bits & REC) != 0), "%s: record", name);
		if (env.before != NULL)
			ck_assert(cJSON_IsObject(env.before));
		if (env.after != NULL)
			ck_assert(cJSON_IsObject(env.after));
		if (env.source != NULL)
			ck_assert(cJSON_IsObject(env.source));
		if (env.schema != NULL)
			ck_assert(cJSON_IsObject(env.schema));
		/* payload is the event itself, unwrapped from schema/payload */
		ck_assert_ptr_nonnull(env.payload);
		const cJSON *op = cJSON_GetObjectItemCaseSensitive(env.payload, "op");
		ck_assert_msg(cJSON_IsString(op) && op->valuestring[0] == cases[_i].op &&
		        op->valuestring[1] == '\0',
		    "%s: payload is not the event", name);
		break;
	}
	case ENVELOPE_SKIP:
		ck_assert_msg(env.skip == cases[_i].skip, "%s: skip %s, want %s", name,
		    env.skip < SKIP_KINDS ? envelope_skip_names[env.skip] : "?",
		    envelope_skip_names[cases[_i].skip]);
		break;
	case ENVELOPE_REJECT:
		ck_assert_msg(memchr(env.reason, '\0', sizeof env.reason) != NULL, "%s: reason", name);
		ck_assert_msg(env.reason[0] != '\0', "%s: empty reason", name);
		ck_assert_msg(strstr(env.reason, cases[_i].snip1) != NULL, "%s: reason \"%s\" lacks \"%s\"",
		    name, env.reason, cases[_i].snip1);
		if (cases[_i].snip2 != NULL)
			ck_assert_msg(strstr(env.reason, cases[_i].snip2) != NULL,
			    "%s: reason \"%s\" lacks \"%s\"", name, env.reason, cases[_i].snip2);
		break;
	case ENVELOPE_FATAL: /* no table case expects one: see oom_is_fatal */
		break;
	}
	expect_key(&env, cases[_i].key, name);
	envelope_clear(&env);
	for (size_t i = 0; i < sizeof env.trees / sizeof env.trees[0]; i++)
		ck_assert_ptr_null(env.trees[i]);
	envelope_clear(&env); /* twice is harmless */
	free(line);
}
END_TEST

/* The row images are the event's own objects, with number literals intact. */
START_TEST(images_keep_literals)
{
	static const char line[] = "{\"id\":1}\t{\"before\":{\"id\":1,\"big\":9007199254740993,\"p\":1.50},"
	                           "\"after\":{\"id\":1,\"big\":9007199254740992,\"p\":1.5},\"op\":\"u\"}";
	struct envelope env;
	envelope_parse(&env, line, sizeof line - 1);
	ck_assert_int_eq(env.kind, ENVELOPE_CHANGE);
	struct buf b;
	buf_init(&b);
	jsonval_write_json(&b, env.before);
	buf_putc(&b, '|');
	jsonval_write_json(&b, env.after);
	ck_assert_str_eq(buf_cstr(&b), "{\"id\":1,\"big\":9007199254740993,\"p\":1.50}|"
	                                 "{\"id\":1,\"big\":9007199254740992,\"p\":1.5}");
	buf_free(&b);
	envelope_clear(&env);
}
END_TEST

/* An envelope is reused line after line. */
START_TEST(reuse)
{
	static const char *const lines[] = {
		"{\"id\":1}\t" EV_U,
		"null",
		"{\"op\":\"x\"}",
		EV_C,
	};
	struct envelope env;
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
			envelope_parse(&env, lines[i], strlen(lines[i]));
			envelope_clear(&env);
		}
	}
	envelope_parse(&env, EV_C, strlen(EV_C));
	ck_assert_int_eq(env.kind, ENVELOPE_CHANGE);
	ck_assert_ptr_null(env.key);
	ck_assert_ptr_null(env.before);
	ck_assert_ptr_null(env.schema);
	ck_assert_str_eq(env.reason, "");
	envelope_clear(&env);
}
END_TEST

START_TEST(skip_names)
{
	ck_assert_str_eq(envelope_skip_names[SKIP_TOMBSTONE], "tombstone");
	ck_assert_str_eq(envelope_skip_names[SKIP_BANNER], "banner");
	ck_assert_str_eq(envelope_skip_names[SKIP_HEARTBEAT], "heartbeat");
	ck_assert_str_eq(envelope_skip_names[SKIP_TXMETA], "transaction");
	ck_assert_str_eq(envelope_skip_names[SKIP_TRUNCATE], "truncate");
	ck_assert_str_eq(envelope_skip_names[SKIP_MESSAGE], "message");
}
END_TEST

/* ---- commit time ---------------------------------------------------------- */

#define TS_EVENT(src, top) "{\"op\":\"c\",\"after\":{\"id\":1}" src top "}"

static const struct {
	const char *name;
	const char *line;
	int has_ts;
	int64_t ts_ms;
} ts_cases[] = {
	{"2.x source ts_ms wins", TS_EVENT(",\"source\":" SRC_PG2, ",\"ts_ms\":1600000000150"), 1, 1600000000123},
	{"1.x source ts_ms", TS_EVENT(",\"source\":" SRC_MY1, ",\"ts_ms\":1600000000150"), 1, 1600000000000},
	{"source ts_ms before ts_us",
	    TS_EVENT(",\"source\":{\"ts_us\":1600000000999999,\"ts_ms\":1600000000123}", ""), 1, 1600000000123},
	{"source ts_us", TS_EVENT(",\"source\":{\"ts_us\":1600000000123456}", ",\"ts_ms\":1600000000150"), 1,
	    1600000000123},
	{"source ts_ns", TS_EVENT(",\"source\":{\"ts_ns\":1600000000123456789}", ",\"ts_ms\":1600000000150"), 1,
	    1600000000123},
	{"source ts_us before ts_ns",
	    TS_EVENT(",\"source\":{\"ts_ns\":1600000000999999999,\"ts_us\":1600000000123456}", ""), 1,
	    1600000000123},
	{"0.9 source ts_usec", TS_EVENT(",\"source\":" SRC_PG09, ",\"ts_ms\":1600000000150"), 1, 1600000000123},
	{"source ts_ms null falls back", TS_EVENT(",\"source\":{\"ts_ms\":null,\"ts_us\":1600000000123456}", ""), 1,
	    1600000000123},
	{"source ts_ms fractional falls back",
	    TS_EVENT(",\"source\":{\"ts_ms\":1.5}", ",\"ts_ms\":1600000000150"), 1, 1600000000150},
	{"source ts_ms as digit string", TS_EVENT(",\"source\":{\"ts_ms\":\"1600000000123\"}", ""), 1,
	    1600000000123},
	{"source without time: envelope ts_ms",
	    TS_EVENT(",\"source\":{\"name\":\"x\"}", ",\"ts_ms\":1600000000150"), 1, 1600000000150},
	{"no source: envelope ts_ms", TS_EVENT("", ",\"ts_ms\":1600000000150"), 1, 1600000000150},
	{"source a string: envelope ts_ms", TS_EVENT(",\"source\":\"x\"", ",\"ts_ms\":1600000000150"), 1,
	    1600000000150},
	{"envelope ts_us", TS_EVENT(",\"source\":{}", ",\"ts_us\":1600000000150999"), 1, 1600000000150},
	{"none", TS_EVENT(",\"source\":{\"name\":\"x\"}", ""), 0, 0},
	{"none, ts_ms null", TS_EVENT(",\"source\":{\"ts_ms\":null}", ",\"ts_ms\":null"), 0, 0},
	/* as a double this would be ...124000000 ns */
	{"ts_ns exact, not via double", TS_EVENT(",\"source\":{\"ts_ns\":1600000000123999999}", ""), 1,
	    1600000000123},
	/* source.ts_ms 0 (snapshot reads from some readers) is "unknown":
	 * the envelope's time is used, as when it is absent; a 0 with no
	 * other time is still a time. */
	{"zero source, envelope time", TS_EVENT(",\"source\":{\"ts_ms\":0}", ",\"ts_ms\":5"), 1, 5},
	{"zero source, zero envelope", TS_EVENT(",\"source\":{\"ts_ms\":0}", ",\"ts_ms\":0"), 1, 0},
	{"zero source only", TS_EVENT(",\"source\":{\"ts_ms\":0}", ""), 1, 0},
	{"zero source ts_ms, source ts_us", TS_EVENT(",\"source\":{\"ts_ms\":0,\"ts_us\":7000}", ",\"ts_ms\":5"), 1, 7},
	{"negative ts_ms", TS_EVENT(",\"source\":{\"ts_ms\":-5}", ""), 1, -5},
	{"ts_us -1 floors", TS_EVENT(",\"source\":{\"ts_us\":-1}", ""), 1, -1},
	{"ts_us -999 floors", TS_EVENT(",\"source\":{\"ts_us\":-999}", ""), 1, -1},
	{"ts_us -1000 exact", TS_EVENT(",\"source\":{\"ts_us\":-1000}", ""), 1, -1},
	{"ts_us -1001 floors", TS_EVENT(",\"source\":{\"ts_us\":-1001}", ""), 1, -2},
	{"ts_us 999 truncates", TS_EVENT(",\"source\":{\"ts_us\":999}", ""), 1, 0},
	{"ts_ns -1 floors", TS_EVENT(",\"source\":{\"ts_ns\":-1}", ""), 1, -1},
	{"ts_usec -1500 floors", TS_EVENT(",\"source\":{\"ts_usec\":-1500}", ""), 1, -2},
	{"schemas on", "{\"schema\":{},\"payload\":" TS_EVENT(",\"source\":{\"ts_ms\":7}", ",\"ts_ms\":9") "}", 1, 7},
	{"kcat payload", "{\"topic\":\"t\",\"partition\":0,\"key\":null,\"payload\":\"{\\\"op\\\":\\\"c\\\","
	                 "\\\"after\\\":{},\\\"source\\\":{\\\"ts_us\\\":-1}}\"}",
	    1, -1},
	{"kcat record ts is not the commit time",
	    "{\"topic\":\"t\",\"partition\":0,\"ts\":1600000000200,\"key\":null,\"payload\":\"{\\\"op\\\":\\\"c\\\","
	    "\\\"after\\\":{}}\"}",
	    0, 0},
};

START_TEST(commit_time)
{
	const char *text = ts_cases[_i].line;
	size_t len = strlen(text);
	char *line = malloc(len);
	memcpy(line, text, len);
	struct envelope env;
	envelope_parse(&env, line, len);
	ck_assert_msg(env.kind == ENVELOPE_CHANGE, "%s: not a change (%s)", ts_cases[_i].name, env.reason);
	ck_assert_msg(env.has_ts == ts_cases[_i].has_ts, "%s: has_ts %d", ts_cases[_i].name, env.has_ts);
	if (ts_cases[_i].has_ts)
		ck_assert_int_eq(env.ts_ms, ts_cases[_i].ts_ms);
	envelope_clear(&env);
	free(line);
}
END_TEST

/* ---- out of memory ------------------------------------------------------ */

/* Address-space limits only work on a plain build in a forked test:
 * AddressSanitizer reserves terabytes up front, and valgrind runs the
 * suites unforked (CK_FORK=no), where the limit would stay. */
static int
can_limit_memory(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return 0;
#endif
#endif
	const char *fork = getenv("CK_FORK");
	return (fork == NULL || strcmp(fork, "no") != 0) && getenv("CDCPIVOT_WRAPPER") == NULL;
}

/* The process's virtual size now, from /proc/self/statm (pages). */
static size_t
vm_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	if (f != NULL) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return (size_t)pages * 4096;
}

/* A change event whose one array holds n elements: some 100 bytes of
 * parsed tree per 2 bytes of text. */
static char *
big_event(size_t n, size_t *len)
{
	static const char head[] = "{\"op\":\"c\",\"after\":{\"id\":2,\"a\":[";
	static const char tail[] = "1]},\"source\":{\"ts_ms\":1}}";
	*len = sizeof head - 1 + 2 * n + sizeof tail - 1;
	char *p = malloc(*len);
	ck_assert_ptr_nonnull(p);
	memcpy(p, head, sizeof head - 1);
	for (size_t i = 0; i < n; i++)
		memcpy(p + sizeof head - 1 + 2 * i, "1,", 2);
	memcpy(p + sizeof head - 1 + 2 * n, tail, sizeof tail - 1);
	return p;
}

/* Memory running out while cJSON builds the tree is ENVELOPE_FATAL, not
 * "invalid JSON near column N"; the next line, after the arena's reset,
 * parses again. */
START_TEST(oom_is_fatal)
{
	if (!can_limit_memory())
		return;
	size_t len;
	char *line = big_event(5000000, &len); /* 10 MB of text, ~500 MB of tree */
	struct rlimit rl = {vm_bytes() + 150u * 1024 * 1024, RLIM_INFINITY};
	rl.rlim_max = rl.rlim_cur;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	struct jsonarena a;
	jsonarena_init(&a);
	jsonarena_enter(&a);
	struct envelope env;
	envelope_parse(&env, line, len);
	ck_assert_msg(env.kind == ENVELOPE_FATAL, "kind %d, reason \"%s\"", env.kind, env.reason);
	ck_assert_str_eq(env.reason, "out of memory parsing a line of 10000056 bytes");
	envelope_clear(&env);
	jsonarena_reset(&a);
	static const char small[] = "{\"op\":\"c\",\"after\":{\"id\":3}}";
	envelope_parse(&env, small, sizeof small - 1);
	ck_assert_int_eq(env.kind, ENVELOPE_CHANGE);
	envelope_clear(&env);
	jsonarena_leave();
	jsonarena_free(&a);
	free(line);
}
END_TEST

/* The program: the rows of the events before are written, the message
 * says out of memory with the line number, the run stops there (the line
 * after is not read) and exits 2. */
START_TEST(oom_stops_the_run)
{
	if (!can_limit_memory())
		return;
	static const char first[] = "{\"op\":\"c\",\"after\":{\"id\":1,\"v\":\"x\"},\"source\":{\"ts_ms\":1}}\n";
	static const char last[] = "{\"op\":\"c\",\"after\":{\"id\":3,\"v\":\"y\"},\"source\":{\"ts_ms\":1}}\n";
	size_t blen;
	char *big = big_event(5000000, &blen);
	size_t n = sizeof first - 1 + blen + 1 + sizeof last - 1;
	char *in = malloc(n);
	ck_assert_ptr_nonnull(in);
	memcpy(in, first, sizeof first - 1);
	memcpy(in + sizeof first - 1, big, blen);
	in[sizeof first - 1 + blen] = '\n';
	memcpy(in + sizeof first + blen, last, sizeof last - 1);
	/* The limit is inherited by the program; 200 MB is ample for it
	 * otherwise (it runs in 3 MB) and for this runner. */
	struct rlimit rl = {vm_bytes() + 200u * 1024 * 1024, 0};
	rl.rlim_max = rl.rlim_cur;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	static const char *const argv[] = {NULL};
	static const char *const env[] = {"SOURCE_DATE_EPOCH=1600300000", NULL};
	struct run_result r;
	run_cdcpivot(argv, in, n, env, NULL, &r);
	assert_text_eq("stdout", r.out, r.out_len,
	    "1,v,,x,1970-01-01 00:00:00.001,,,2020-09-16 23:46:40.000,c\n");
	assert_text_eq("stderr", r.err, r.err_len,
	    "cdcpivot: <stdin>:2: out of memory parsing a line of 10000056 bytes\n"
	    "cdcpivot: summary: 1 events, 1 rows, 0 skipped, 0 rejected\n");
	ck_assert_int_eq(r.status, 2);
	run_free(&r);
	free(in);
	free(big);
}
END_TEST

/* A record read from Kafka itself is classified as kcat -J's line for it
 * would be: fields in env->record, ids from the key, the same rejections. */
START_TEST(kafka_record)
{
	cJSON *meta = cJSON_Parse("{\"topic\":\"t\",\"partition\":2,\"offset\":77,\"tstype\":\"create\","
	                          "\"ts\":1,\"broker\":1,\"key\":\"{\\\"id\\\":5}\"}");
	ck_assert_ptr_nonnull(meta);
	static const char value[] = "{\"op\":\"c\",\"after\":{\"id\":5,\"v\":1}}";
	struct envelope env;
	envelope_parse_record(&env, NULL, meta, value, strlen(value));
	ck_assert_int_eq(env.kind, ENVELOPE_CHANGE);
	ck_assert_int_eq(env.op, 'c');
	ck_assert_ptr_nonnull(env.record);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(env.record, "topic")->valuestring, "t");
	ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(env.record, "offset")->valuedouble, 77);
	ck_assert_ptr_nonnull(env.key);
	ck_assert_ptr_nonnull(cJSON_GetObjectItemCaseSensitive(env.key, "id"));
	envelope_clear(&env);

	envelope_parse_record(&env, NULL, meta, NULL, 0);
	ck_assert_int_eq(env.kind, ENVELOPE_SKIP);
	ck_assert_int_eq(env.skip, SKIP_TOMBSTONE);
	envelope_clear(&env);

	envelope_parse_record(&env, NULL, meta, "hello", 5);
	ck_assert_int_eq(env.kind, ENVELOPE_REJECT);
	ck_assert_str_eq(env.reason, "record value: not a JSON object");
	envelope_clear(&env);

	envelope_parse_record(&env, NULL, meta, "{\"op\":\0}", 8);
	ck_assert_int_eq(env.kind, ENVELOPE_REJECT);
	ck_assert_ptr_nonnull(strstr(env.reason, "NUL byte at column 7"));
	envelope_clear(&env);

	envelope_parse_record(&env, NULL, meta, "{\"op\":\"c\xff\"}", 10);
	ck_assert_int_eq(env.kind, ENVELOPE_REJECT);
	ck_assert_ptr_nonnull(strstr(env.reason, "invalid UTF-8"));
	envelope_clear(&env);
	cJSON_Delete(meta);
}
END_TEST

/* ---- the schema's end, with a schema cache --------------------------------- */

/* Schemas that hold ,"payload": themselves (a parameters map with that
 * key), before or after a '}' that does not close them: the schema is
 * still found whole, on a cache miss and on the hit after it. */
static const char *const ended_schemas[] = {
	VSCHEMA,
	"{\"type\":\"struct\",\"fields\":[],\"optional\":false,\"parameters\":{\"a\":\"1\","
	"\"payload\":\"2\"},\"name\":\"x.Envelope\"}",
	"{\"type\":\"struct\",\"parameters\":{\"a\":\"b\"},\"payload\":\"x\",\"fields\":[],"
	"\"name\":\"y.Envelope\"}",
};

START_TEST(cached_schema_end)
{
	const char *schema = ended_schemas[_i];
	char line[2048];
	int n = snprintf(line, sizeof line, "{\"schema\":%s,\"payload\":" EV_U "}", schema);
	ck_assert(n > 0 && (size_t)n < sizeof line);
	struct schema_cache *cache = schema_cache_new(8, 0);
	struct jsonarena arena;
	jsonarena_init(&arena);
	for (int pass = 0; pass < 2; pass++) {
		jsonarena_reset(&arena);
		jsonarena_enter(&arena);
		struct envelope env;
		envelope_parse_cached(&env, cache, line, (size_t)n);
		ck_assert_msg(env.kind == ENVELOPE_CHANGE, "pass %d: %s", pass, env.reason);
		ck_assert_int_eq(env.op, 'u');
		ck_assert_ptr_nonnull(env.schema_entry);
		ck_assert_uint_eq(env.schema_entry->len, strlen(schema));
		ck_assert_mem_eq(env.schema_entry->bytes, schema, strlen(schema));
		envelope_clear(&env);
		jsonarena_leave();
	}
	jsonarena_free(&arena);
	schema_cache_free(cache);
}
END_TEST

/* ---- NULs behind a cached schema ------------------------------------------ */

/* A NUL (a byte, or the escape cJSON would cut a string at) in the payload
 * or after it, on a line whose schema the cache holds: the fast path scans
 * only what the cache did not vouch for, so these must still be rejected,
 * at the column of the whole line, as without a cache. '#' marks where. */
static const char *const nul_payloads[] = {
	"{\"after\":{\"id\":\"a#b\"},\"op\":\"c\"}}",
	"{\"after\":{\"id\":1},\"op\":\"c\",\"#\":1}}",
	"{\"after\":{\"id\":1},\"op\":\"c\"}}#",
};

/* line with '#' replaced by a NUL byte (esc 0) or by \u0000 (esc 1);
 * returns its length and the column of '#'. */
static size_t
nul_line(char *line, size_t n, const char *payload, int esc, size_t *col)
{
	char text[512];
	int k = snprintf(text, sizeof text, "{\"schema\":" VSCHEMA ",\"payload\":%s", payload);
	ck_assert(k > 0 && (size_t)k < sizeof text);
	const char *mark = strchr(text, '#');
	*col = (size_t)(mark - text) + 1;
	size_t at = (size_t)(mark - text), len = 0;
	memcpy(line, text, at);
	len = at;
	if (esc) {
		memcpy(line + len, "\\u0000", 6);
		len += 6;
	} else {
		line[len++] = '\0';
	}
	size_t tail = strlen(mark + 1);
	ck_assert(len + tail < n);
	memcpy(line + len, mark + 1, tail);
	return len + tail;
}

START_TEST(cached_schema_nul)
{
	struct jsonarena arena;
	jsonarena_init(&arena);
	const char *warm = "{\"schema\":" VSCHEMA ",\"payload\":" EV_U "}";
	for (int esc = 0; esc < 2; esc++) {
		struct schema_cache *cache = schema_cache_new(8, 0);
		for (int pass = 0; pass < 3; pass++) {
			/* passes 0 and 1: the schema is not cached (a rejected line
			 * adds nothing); 2: a good line in between cached it */
			char line[600];
			size_t col;
			size_t n = nul_line(line, sizeof line, nul_payloads[_i], esc, &col);
			char *copy = malloc(n);
			memcpy(copy, line, n);
			struct envelope env, plain;
			jsonarena_reset(&arena);
			jsonarena_enter(&arena);
			if (pass == 2) {
				envelope_parse_cached(&env, cache, warm, strlen(warm));
				ck_assert_int_eq(env.kind, ENVELOPE_CHANGE);
				envelope_clear(&env);
			}
			envelope_parse_cached(&env, cache, copy, n);
			envelope_parse(&plain, copy, n);
			char want[sizeof plain.reason + 32];
			snprintf(want, sizeof want, esc ? "escaped NUL (\\u0000) in a string at column %zu," :
			    "NUL byte at column %zu", col);
			ck_assert_msg(env.kind == ENVELOPE_REJECT, "esc %d pass %d: not rejected", esc, pass);
			ck_assert_msg(strstr(env.reason, want) == env.reason, "esc %d pass %d: %s", esc, pass,
			    env.reason);
			ck_assert_str_eq(env.reason, plain.reason);
			envelope_clear(&env);
			envelope_clear(&plain);
			jsonarena_leave();

			struct envelope rec;
			envelope_parse_record(&rec, cache, NULL, copy, n);
			snprintf(want, sizeof want, "record value: %s", plain.reason);
			ck_assert_int_eq(rec.kind, ENVELOPE_REJECT);
			ck_assert_str_eq(rec.reason, want);
			envelope_clear(&rec);
			free(copy);
		}
		schema_cache_free(cache);
	}
	jsonarena_free(&arena);
}
END_TEST

#define NCASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
envelope_suite(void)
{
	Suite *s = suite_create("envelope");
	TCase *tc;

	tc = tcase_create("classify");
	tcase_add_loop_test(tc, classify, 0, NCASES(cases));
	tcase_add_test(tc, skip_names);
	tcase_add_test(tc, kafka_record);
	tcase_add_loop_test(tc, cached_schema_end, 0, NCASES(ended_schemas));
	tcase_add_loop_test(tc, cached_schema_nul, 0, NCASES(nul_payloads));
	suite_add_tcase(s, tc);

	tc = tcase_create("images");
	tcase_add_test(tc, images_keep_literals);
	tcase_add_test(tc, reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("commit_time");
	tcase_add_loop_test(tc, commit_time, 0, NCASES(ts_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("oom");
	tcase_add_test(tc, oom_is_fatal);
	tcase_add_test(tc, oom_stops_the_run);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	return s;
}
