#include "db/column.h"

#include <stddef.h>

#include "base/util.h"

char *column_copy(sqlite3_stmt *statement, int column)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	if (text == NULL)
		return NULL;
	return xstrndup((const char *)text,
			(size_t)sqlite3_column_bytes(statement, column));
}
