#!/bin/sh
# tools/kbdb-dump.sh DB — prints a canonical text dump of kb.db's logical
# content, so that two databases can be compared with diff or cmp: an
# incremental build (kb.db updated in place) must print exactly what a
# clean build of the same site prints, although the files' bytes differ.
#
# One line per row, its values separated by '|', each written by SQLite's
# quote() (so NULL, '' and numbers stay apart) with backslash, newline and
# carriage return then escaped as \\, \n, \r. Printed, in this order:
#   - user_version;
#   - every ordinary table (sqlite_* and the FTS5 shadow tables search_*
#     aside, search_rows and search_config included), by name, each row
#     with every column, rows sorted by all their columns;
#   - the search table: every row by rowid with its rowid and all columns;
#   - the search index itself, through fts5vocab: every (term, rowid,
#     column, offset) instance, sorted, so that a stale or missing index
#     entry shows even when the rows are equal. It does not depend on how
#     the index is split into segments, nor on deletions awaiting a merge.
#
# Needs the sqlite3 shell and the kb tokenizer extension: KBTOK, or
# build/kbtok(.so) beside this script's repository. Exit 0 after a dump,
# 2 on a usage error, 1 when sqlite3 fails.
set -eu
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
	echo "usage: tools/kbdb-dump.sh DB (an existing kb.db)" >&2
	exit 2
fi
db=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
kbtok=${KBTOK:-$repo/build/kbtok}
command -v sqlite3 >/dev/null 2>&1 || {
	echo "kbdb-dump.sh: the sqlite3 shell is missing" >&2
	exit 1
}
[ -f "$kbtok" ] || [ -f "$kbtok.so" ] || {
	echo "kbdb-dump.sh: no tokenizer extension at $kbtok(.so); make builds it" >&2
	exit 1
}

sql=$(mktemp)
trap 'rm -f "$sql"' EXIT

# q EXPRESSION: the SQL for a value written as described above.
q() {
	printf "replace(replace(replace(quote(%s), '\\\\', '\\\\\\\\'), char(10), '\\\\n'), char(13), '\\\\r')" "$1"
}

# One SELECT per ordinary table, generated from the schema: each row as
# its columns' values joined by '|', sorted by all columns.
tables=$(sqlite3 -readonly -batch -noheader "file:$db?mode=ro" \
	"SELECT name FROM sqlite_schema WHERE type = 'table'
	 AND name NOT LIKE 'sqlite_%'
	 AND name NOT IN ('search', 'search_data', 'search_idx',
	                  'search_content', 'search_docsize')
	 ORDER BY name")
{
	echo ".load '$kbtok'"
	echo ".mode list"
	echo ".headers off"
	echo "SELECT 'user_version ' || user_version FROM pragma_user_version;"
	for table in $tables; do
		names=$(sqlite3 -readonly -batch -noheader "file:$db?mode=ro" \
			"SELECT name FROM pragma_table_info('$table') ORDER BY cid")
		columns="" order=""
		for name in $names; do
			columns="$columns${columns:+ || '|' || }$(q "\"$name\"")"
			order="$order${order:+, }\"$name\""
		done
		echo "SELECT '== table $table';"
		printf "%s\n" "SELECT $columns FROM \"$table\" ORDER BY $order;"
	done
	echo "SELECT '== search';"
	columns="rowid"
	for name in title heading tags body url anchor kind; do
		columns="$columns || '|' || $(q "$name")"
	done
	printf "%s\n" "SELECT $columns FROM search ORDER BY rowid;"
	echo "SELECT '== search index';"
	echo "CREATE VIRTUAL TABLE temp.search_instances"
	echo "  USING fts5vocab(main, search, instance);"
	printf "%s\n" "SELECT $(q term) || '|' || doc || '|' || col || '|' || offset"
	echo "  FROM temp.search_instances ORDER BY term, doc, col, offset;"
} >"$sql"
# (printf, not echo: some shells' echo would turn the \n above into a
# newline.) Read-only: the dump never changes kb.db (fts5vocab lives in
# temp).
exec sqlite3 -readonly -batch -bail "file:$db?mode=ro" <"$sql"
