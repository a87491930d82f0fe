#ifndef CDCPIVOT_RECORD_H
#define CDCPIVOT_RECORD_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* One input record as the pipeline handles it, whichever source it came
 * from: a line of a file or stdin (linereader.h), or a Kafka record read
 * by cdcpivot itself (kafkainput.h). Valid until the source's next call. */
struct record {
	const char *p;        /* the line without "\n", or the record value;
	                         NULL for a Kafka record without a value */
	size_t len;
	unsigned long no;     /* line number, or the record's offset */
	int oversize;         /* longer than --max-line-bytes: p dropped, len 0 */
	const cJSON *meta;    /* Kafka: the record's fields as kcat -J prints
	                         them (see envelope_parse_record), else NULL */
	const char *where;    /* Kafka: "topic[partition]" for messages, else NULL */
};

#endif
