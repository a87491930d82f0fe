/* Placeholder until the options suite is written; replaced, not kept. */
#include "check_suites.h"

Suite *
options_suite(void)
{
	return suite_create("options");
}
