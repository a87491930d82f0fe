#include "columns.h"

const char *const columns_tail_names[COLUMNS_TAIL] = {
	"change_field", "old_value", "new_value", "datetime_created", "datetime_updated",
	"datetime_deleted", "datetime_inserted", "crud_type",
};

const char columns_table_name[] = "table";
