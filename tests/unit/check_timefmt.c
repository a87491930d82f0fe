/* Placeholder until the timefmt suite is written; replaced, not kept. */
#include "check_suites.h"

Suite *
timefmt_suite(void)
{
	return suite_create("timefmt");
}
