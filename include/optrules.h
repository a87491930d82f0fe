#ifndef CDCPIVOT_OPTRULES_H
#define CDCPIVOT_OPTRULES_H

#include <stddef.h>

#include "options.h"

/* The rules between options, checked once every option is known: what
 * needs what (--fsync needs --output, --ddl needs --id, --upsert a change
 * position in --meta, --brokers a --topic and no files), what applies to
 * which format, and that no two output columns share a name. Returns 0, or
 * -1 with a one-line message for the usage error in err. */
int optrules_check(const struct options *o, char *err, size_t errlen);

#endif
