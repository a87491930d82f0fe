#include "kafkaapi.h"

#include <dlfcn.h>
#include <stdio.h>

/* RTLD_NOW: a function missing from an old librdkafka is reported here,
 * at start, not by a crash at its first call. A second dlopen of a
 * loaded library returns the same handle, so consumers opened one after
 * another (the tests open dozens) share one copy. */
int
kafka_api_load(struct kafka_api *api, const char *library, char *err, size_t n)
{
	void *lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
	if (lib == NULL) {
		snprintf(err, n, "cannot load librdkafka: %s", dlerror());
		return -1;
	}
	/* POSIX's way of storing dlsym's object pointer into a function
	 * pointer, which ISO C does not convert. */
#define KAFKA_API_RESOLVE(f)                                                                   \
	if ((*(void **)&api->f = dlsym(lib, "rd_kafka_" #f)) == NULL) {                              \
		snprintf(err, n, "cannot load librdkafka: %s", dlerror());                               \
		return -1;                                                                               \
	}
	KAFKA_API_FUNCTIONS(KAFKA_API_RESOLVE)
#undef KAFKA_API_RESOLVE
	return 0;
}
