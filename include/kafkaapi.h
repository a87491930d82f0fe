#ifndef CDCPIVOT_KAFKAAPI_H
#define CDCPIVOT_KAFKAAPI_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

/* librdkafka, loaded when --brokers asks for it rather than linked: the
 * library and what it links (OpenSSL, SASL, zstd, lz4, zlib) cost every
 * run 5.4 million instructions of relocations before main() (80 % of
 * what a run over one event costs, 6.8 million), and
 * a binary that reads its standard input should run where librdkafka1 is
 * not installed. The functions the consumer calls, typed exactly as
 * rdkafka.h declares them, reached through one struct that the consumer
 * holds: no global state. */

#define KAFKA_API_FUNCTIONS(X)                                                                 \
	X(assign) X(assignment_lost) X(commit) X(committed) X(conf_destroy) X(conf_new)              \
	X(conf_set) X(conf_set_error_cb) X(conf_set_log_cb) X(conf_set_opaque)                     \
	X(conf_set_rebalance_cb) X(consumer_close) X(consumer_poll) X(destroy) X(err2str)          \
	X(error_destroy) X(error_string) X(fatal_error) X(header_get_all) X(incremental_assign)    \
	X(incremental_unassign) X(message_broker_id) X(message_destroy) X(message_errstr)          \
	X(message_headers) X(message_timestamp) X(metadata) X(metadata_destroy) X(new)             \
	X(offsets_store) X(poll_set_consumer) X(rebalance_protocol) X(seek_partitions)             \
	X(subscribe) X(topic_destroy) X(topic_name) X(topic_new) X(topic_partition_list_add)       \
	X(topic_partition_list_del) X(topic_partition_list_destroy) X(topic_partition_list_find)   \
	X(topic_partition_list_new)

struct kafka_api {
#define KAFKA_API_FIELD(f) __typeof__(rd_kafka_##f) *f;
	KAFKA_API_FUNCTIONS(KAFKA_API_FIELD)
#undef KAFKA_API_FIELD
};

/* The soname rdkafka.h's ABI is promised under. */
#define KAFKA_API_LIBRARY "librdkafka.so.1"

/* Loads library (KAFKA_API_LIBRARY; the tests name others) once per
 * process: it then stays, as a linked one would, since unloading OpenSSL
 * with it is not safe. Fills api. Returns 0, or -1 with why in err[0..n):
 * the loader's own message, which names the file it could not open or
 * the function it could not find. */
int kafka_api_load(struct kafka_api *api, const char *library, char *err, size_t n);

#endif
