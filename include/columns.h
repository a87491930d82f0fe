#ifndef CDCPIVOT_COLUMNS_H
#define CDCPIVOT_COLUMNS_H

#include <stddef.h>

/* The columns cdcpivot adds to every row, after the id columns and before
 * the --meta columns, in order. Shared by the row layout (pivot), the
 * option checks (a user column may not take one of these names) and the
 * tests. */
enum {
	COL_CHANGE_FIELD,
	COL_OLD_VALUE,
	COL_NEW_VALUE,
	COL_CREATED,
	COL_UPDATED,
	COL_DELETED,
	COL_INSERTED,
	COL_CRUD_TYPE,
	COLUMNS_TAIL /* how many */
};

extern const char *const columns_tail_names[COLUMNS_TAIL];

/* The leading column of --with-table. */
extern const char columns_table_name[];

#endif
