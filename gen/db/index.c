/*
 * index.c — fills kb.db from the site model, afresh or in place.
 */
#include "db/index.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "db/search.h"
#include "base/util.h"

#define STRINGIFY_TOKEN(token) #token
#define STRINGIFY(macro) STRINGIFY_TOKEN(macro)

/* What an open index holds beside its connection: the search writer
 * (statements prepared once, rows queued for writing in rowid order).
 * The functions of index.h take the connection, so the states are found
 * by it in a short list (one entry per open index, usually one). */
struct index_state {
	sqlite3 *db;
	struct search_writer *writer;
	bool fresh; /* created by index_open: build-only settings to undo */
	struct index_state *next;
};

static struct index_state *open_states;
static pthread_mutex_t open_states_lock = PTHREAD_MUTEX_INITIALIZER;

static void state_add(struct index_state *state)
{
	pthread_mutex_lock(&open_states_lock);
	state->next = open_states;
	open_states = state;
	pthread_mutex_unlock(&open_states_lock);
}

/* The state of db, or NULL for a connection index_open* did not give. */
static struct index_state *state_of(sqlite3 *db)
{
	struct index_state *state;

	pthread_mutex_lock(&open_states_lock);
	for (state = open_states; state != NULL && state->db != db;
	     state = state->next)
		;
	pthread_mutex_unlock(&open_states_lock);
	return state;
}

/* Unlinks and frees db's state (finalizing the writer's statements). */
static void state_remove(sqlite3 *db)
{
	struct index_state **link, *state = NULL;

	pthread_mutex_lock(&open_states_lock);
	for (link = &open_states; *link != NULL; link = &(*link)->next) {
		if ((*link)->db == db) {
			state = *link;
			*link = state->next;
			break;
		}
	}
	pthread_mutex_unlock(&open_states_lock);
	if (state != NULL)
		search_writer_free(state->writer);
	free(state);
}

/* Gives db its writer and state. 0, or -1 (sqlite3_errmsg says why). */
static int state_create(sqlite3 *db, bool fresh)
{
	struct index_state *state = xcalloc(1, sizeof *state);

	state->db = db;
	state->fresh = fresh;
	if (search_writer_open(db, &state->writer) != SEARCH_OK) {
		free(state);
		return -1;
	}
	state_add(state);
	return 0;
}

static struct search_writer *writer_of(sqlite3 *db)
{
	struct index_state *state = state_of(db);

	return state ? state->writer : NULL;
}

struct part_list {
	struct index_part *items;
	size_t count, capacity;
};

static void collect_part(void *user, const struct markdown_heading *heading,
			 const char *text, size_t length)
{
	struct part_list *list = user;

	list->items = xgrow(list->items, &list->capacity, list->count + 1,
			    sizeof *list->items);
	list->items[list->count].heading = heading;
	list->items[list->count++].text = xstrndup(text, length);
}

void index_parts_make(const struct article *article, cmark_node *document,
		      struct index_part **out, size_t *count)
{
	struct part_list list = {0};

	markdown_each_section(document, &article->headings, collect_part,
			      &list);
	*out = list.items;
	*count = list.count;
}

void index_parts_free(struct index_part *parts, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(parts[i].text);
	free(parts);
}

static char *joined_tags(const struct article *article)
{
	struct buf tags = {0};

	for (size_t i = 0; i < article->meta.tags.count; i++) {
		if (i)
			buf_addc(&tags, ' ');
		buf_adds(&tags, article->meta.tags.items[i]);
	}
	return buf_detach(&tags);
}

/* The tags of an article's first row: its tags, its front matter's
 * keywords, then its description (else its summary). A writer's
 * description sums the article up in a customer's words (配信エラーが出て
 * いないのに届かない) where the body may say it otherwise (表示されない),
 * and keywords are the words a writer expects to be searched for, so
 * they are searched, at the tags' weight, once per article. The caller
 * frees the result. */
static char *described_tags(const char *tags, const struct article *article)
{
	const char *description = site_description(article);
	struct buf joined = {0};

	buf_adds(&joined, tags);
	for (size_t i = 0; i < article->meta.keywords.count; i++) {
		if (joined.length > 0)
			buf_addc(&joined, i == 0 ? '\n' : ' ');
		buf_adds(&joined, article->meta.keywords.items[i]);
	}
	if (*description != '\0') {
		if (joined.length > 0)
			buf_addc(&joined, '\n');
		buf_adds(&joined, description);
	}
	return buf_detach(&joined);
}

/* Reports a failed write: the search status when it says more than
 * SQLite's last message, and the row a flush of the queue stopped at
 * (queued rows are written later than they are added). */
static int write_failed(sqlite3 *db, const char *what, int status)
{
	struct search_writer *writer = writer_of(db);
	const char *row = writer ? search_writer_failed_row(writer) : NULL;

	diag_error("kb.db", 0, 0, "cannot %s: %s%s%s%s", what,
		   status == SEARCH_DATABASE ? sqlite3_errmsg(db)
					     : search_strerror(status),
		   row ? " (writing " : "", row ? row : "", row ? ")" : "");
	return -1;
}

void index_expect_articles(sqlite3 *db, size_t count)
{
	struct search_writer *writer = writer_of(db);

	if (writer != NULL)
		search_writer_expect(writer, count);
}

int index_add_article(sqlite3 *db, const struct site *site,
		      const struct article *article,
		      const struct index_part *parts, size_t count)
{
	struct search_writer *writer = writer_of(db);
	char *url = site_url(site, article->url_path);
	char *tags = joined_tags(article);
	char *first_tags = described_tags(tags, article);
	char *what = NULL;
	struct search_article meta = {
		.url = url,
		.title = article->meta.title,
		.section = article->section ? article->section->title : "",
		.description = site_description(article),
		.updated = article->updated,
	};
	int status = writer ? SEARCH_OK : SEARCH_DATABASE;
	int rc = 0;

	for (size_t i = 0; status == SEARCH_OK && i < count; i++) {
		struct search_row row = {
			.url = url,
			.anchor = parts[i].heading ? parts[i].heading->id : NULL,
			.kind = "article",
			.title = article->meta.title,
			.heading = parts[i].heading ? parts[i].heading->text : NULL,
			.tags = i == 0 ? first_tags : tags,
			.body = parts[i].text,
		};
		status = search_writer_add_row(writer, &row);
	}
	if (status == SEARCH_OK)
		status = search_writer_add_article(writer, &meta);
	if (status != SEARCH_OK) {
		what = xasprintf("add %s to the search index", article->source);
		rc = write_failed(db, what, status);
	}
	free(what);
	free(first_tags);
	free(tags);
	free(url);
	return rc;
}

static int fail(sqlite3 *db, const char *path)
{
	diag_error(path, 0, 0, "cannot write the search index: %s",
		   db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

/*
 * How a full build fills the FTS5 index. By default FTS5 writes a segment
 * per megabyte of pending index data and merges segments as they pile up
 * (automerge), which rewrites each byte several times and grows faster
 * than the corpus. Instead: no merging while building, and a pending-data
 * limit FTS5 never reaches, so that each writer queue (at most
 * SEARCH_WRITER_QUEUE_BYTES of text, written in rowid order) becomes one
 * segment, written once. The build tells the writer how many articles
 * come (index_expect_articles), so the last queues shrink and little is
 * left to write once the last page is rendered. Larger queues would make
 * fewer segments but hold more memory and leave a full queue to write
 * after the last page. Past 16 segments FTS5 still merges (crisismerge),
 * so a huge site keeps a bounded count. An 'optimize' into one segment
 * would cost more than writing them, for little gain in query time. The
 * settings are stored in search_config, so index_close deletes them: an
 * update in place runs with FTS5's defaults, and a full build's kb.db
 * holds what an updated one holds.
 */
static const char fresh_settings_sql[] =
	"INSERT INTO search(search, rank) VALUES('automerge', 0);"
	"INSERT INTO search(search, rank) VALUES('hashsize', 1073741824);";
static const char fresh_finish_sql[] =
	"DELETE FROM search_config WHERE k IN ('automerge', 'hashsize');";

int index_open(const char *path, sqlite3 **db)
{
	*db = NULL;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK)
		goto failed;
	/* the file is rebuilt from scratch each time, in a staging folder
	 * that a failed build throws away: no journal needed */
	if (sqlite3_exec(*db, "PRAGMA page_size = " STRINGIFY(INDEX_PAGE_SIZE)
			 "; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			 "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    search_schema_create(*db) != SEARCH_OK ||
	    sqlite3_exec(*db, "PRAGMA user_version = "
			 STRINGIFY(INDEX_SCHEMA_VERSION), NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_exec(*db, fresh_settings_sql, NULL, NULL, NULL) !=
		    SQLITE_OK ||
	    state_create(*db, true) != 0)
		goto failed;
	return 0;
failed:
	fail(*db, path);
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}

/* kb.db's user_version: 1 with *version, 0 when the file is not a
 * database, -1 on another error. */
static int read_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *statement = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement,
				    NULL);
	int found = -1;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(statement, 0);
		found = 1;
	} else if (rc == SQLITE_NOTADB) {
		found = 0;
	}
	sqlite3_finalize(statement);
	return found;
}

int index_open_update(const char *path, sqlite3 **db)
{
	int rc, version = -1, found;

	*db = NULL;
	rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_CANTOPEN || rc == SQLITE_NOTADB)
		goto rebuild;
	if (rc != SQLITE_OK)
		goto failed;
	sqlite3_busy_timeout(*db, INDEX_BUSY_TIMEOUT_MS);
	found = read_version(*db, &version);
	if (found == 0 || (found == 1 && version != INDEX_SCHEMA_VERSION))
		goto rebuild;
	/* The file is the build's own copy (gen/build/build.c
	 * update_index): one killed is thrown away with the staging folder,
	 * so the rollback journal is kept in memory, only to undo a failed
	 * update. No fsync: the full build that wrote kb.db did not sync it
	 * (nor any page of the site), and syncing here would wait for the
	 * whole fresh file to reach the disk. */
	if (found < 0 || search_register(*db) != SEARCH_OK ||
	    sqlite3_exec(*db, "PRAGMA journal_mode=MEMORY; "
			 "PRAGMA synchronous=OFF; BEGIN IMMEDIATE", NULL,
			 NULL, NULL) != SQLITE_OK)
		goto failed;
	if (state_create(*db, false) != 0) {
		fail(*db, path);
		sqlite3_exec(*db, "ROLLBACK", NULL, NULL, NULL);
		goto closed;
	}
	return 0;
rebuild:
	sqlite3_close(*db);
	*db = NULL;
	return INDEX_REBUILD;
failed:
	fail(*db, path);
closed:
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}

int index_add_node(sqlite3 *db, const char *url, const char *title,
		   const char *tree_title, const char *body)
{
	struct search_writer *writer = writer_of(db);
	struct search_row row = {
		.url = url,
		.kind = "node",
		.title = title,
		.tags = tree_title,
		.body = body,
	};
	int status = writer ? search_writer_add_row(writer, &row)
			    : SEARCH_DATABASE;

	if (status == SEARCH_OK)
		return 0;
	return write_failed(db, "add a wizard node to the search index",
			    status);
}

int index_remove_article(sqlite3 *db, const char *url)
{
	struct search_writer *writer = writer_of(db);
	int status = writer ? search_writer_remove(writer, url, "article")
			    : SEARCH_DATABASE;

	if (status == SEARCH_OK)
		status = search_writer_remove_article(writer, url);
	if (status == SEARCH_OK)
		return 0;
	return write_failed(db, "remove an article from the search index",
			    status);
}

int index_remove_nodes(sqlite3 *db, const char *url_prefix)
{
	struct search_writer *writer = writer_of(db);
	int status = writer ? search_writer_remove_prefix(writer, url_prefix,
							  "node")
			    : SEARCH_DATABASE;

	if (status == SEARCH_OK)
		return 0;
	return write_failed(db, "remove wizard nodes from the search index",
			    status);
}

/*
 * The build's segments, one per level. A full build leaves its segments
 * (one per writer queue, see above) side by side at FTS5's level 0. An
 * update in place runs with FTS5's defaults (automerge 4, crisismerge 16)
 * and adds a few small segments to level 0 each time, so after a few
 * edits FTS5's crisis merge would rewrite all of level 0, the build's
 * segments included, making one small edit cost as much as the whole
 * index. Automerge would do the same work in steps, for the same reason.
 *
 * So once the build has committed, its segments are moved one per level
 * into levels 1 to n and level 0 is left empty: the updates' segments
 * then merge among themselves at level 0, and their merges reach a
 * level's build segment only when that level holds four segments
 * (automerge) or when a merge's output is larger than it (FTS5 then
 * moves the smaller segment down to be merged). The newest segment goes
 * to level 1, the oldest to the top. That keeps FTS5's reading order,
 * level 0 first, then each level from its newest segment to its oldest,
 * exactly as it was, which matters: where a row has an entry in two
 * segments, the one read first wins, and a full build does write some
 * rowids twice (a row that a colliding row displaces within its cluster,
 * see search_writer_flush, is deleted and written again, the deletion
 * landing in a later segment than the row). The build's last queues are
 * its smallest (search_writer_expect), so this order is also, but for a
 * few pages, smallest at level 1 and largest at the top.
 *
 * A build big enough for FTS5 to crisis-merge while writing it has
 * segments at level 1 too, which an edit's merges would soon reach.
 * Those are spread the same way, all segments one per level in reading
 * order.
 *
 * This depends on FTS5's on-disk structure record (row 10 of
 * search_data; see "Structure Records" in SQLite's fts5_index.c), so the
 * record is checked before use: it must be the legacy (V1) form, byte
 * for byte what FTS5 writes, with no merge under way and at most 63
 * segments (FTS5 allows 64 levels). Anything else (a V2 record of a
 * newer SQLite, say) is left as it is: the index still works, it just
 * merges as before. The configuration cookie is incremented, as FTS5
 * does whenever it changes the configuration, so that no reader keeps
 * what it read before.
 */
#define STRUCTURE_ROWID 10
#define STRUCTURE_MAX_LEVELS 64 /* FTS5_MAX_LEVEL */
#define STRUCTURE_MAX_SEGMENT_ID 65535
#define STRUCTURE_MAX_PAGE 2147483647
#define STRUCTURE_MAX_COOKIE 2147483647

struct structure_segment {
	uint64_t id, first_page, last_page, level;
};

/* A V1 structure record with no merge under way. */
struct structure {
	uint32_t cookie;
	uint64_t level_count, write_counter;
	/* in FTS5's reading order: level 0 first, each level's newest
	 * segment first */
	struct structure_segment *segments;
	size_t segment_count;
};

/* Reads one SQLite varint (big-endian groups of 7 bits, the high bit
 * saying another byte follows; a ninth byte gives 8 bits) at *at. */
static bool varint_read(const unsigned char *record, size_t length,
			size_t *at, uint64_t *value)
{
	uint64_t result = 0;

	for (int byte_index = 0; byte_index < 9; byte_index++) {
		unsigned char byte;

		if (*at >= length)
			return false;
		byte = record[(*at)++];
		if (byte_index == 8) {
			result = (result << 8) | byte;
			break;
		}
		result = (result << 7) | (byte & 0x7f);
		if ((byte & 0x80) == 0)
			break;
	}
	*value = result;
	return true;
}

/* Appends value as SQLite writes a varint: the fewest bytes. */
static void varint_write(struct buf *out, uint64_t value)
{
	unsigned char bytes[9];
	size_t count = 0;

	if (value >> 56 != 0) {
		bytes[8] = (unsigned char)value;
		value >>= 8;
		for (int i = 7; i >= 0; i--, value >>= 7)
			bytes[i] = (unsigned char)(0x80 | (value & 0x7f));
		buf_add(out, (const char *)bytes, 9);
		return;
	}
	do {
		bytes[8 - count++] = (unsigned char)(value & 0x7f);
		value >>= 7;
	} while (value != 0);
	for (size_t i = 1; i < count; i++)
		bytes[8 - i] |= 0x80;
	buf_add(out, (const char *)&bytes[9 - count], count);
}

static void segment_write(struct buf *out,
			  const struct structure_segment *segment)
{
	varint_write(out, segment->id);
	varint_write(out, segment->first_page);
	varint_write(out, segment->last_page);
}

/* The V1 record of structure: as it was read (spread false), or with
 * level 0 empty and the segments one per level in reading order, the
 * first at level 1 (spread true). */
static void structure_write(struct buf *out, const struct structure *structure,
			    uint32_t cookie, bool spread)
{
	size_t count = structure->segment_count, next = 0;
	uint64_t levels = spread ? count + 1 : structure->level_count;
	unsigned char cookie_bytes[4] = {
		(unsigned char)(cookie >> 24), (unsigned char)(cookie >> 16),
		(unsigned char)(cookie >> 8), (unsigned char)cookie};

	buf_add(out, (const char *)cookie_bytes, 4);
	varint_write(out, levels);
	varint_write(out, count);
	varint_write(out, structure->write_counter);
	for (uint64_t level = 0; level < levels; level++) {
		size_t end = next;

		if (spread)
			end = level > 0 ? next + 1 : next;
		else
			while (end < count &&
			       structure->segments[end].level == level)
				end++;
		varint_write(out, 0); /* no merge under way */
		varint_write(out, end - next);
		/* oldest first within a level: the reverse of reading order */
		for (size_t i = end; i > next; i--)
			segment_write(out, &structure->segments[i - 1]);
		next = end;
	}
}

/* Reads a level's count segments (oldest first) into structure's
 * reading order from index *next on. */
static bool level_read(const unsigned char *record, size_t length, size_t *at,
		       uint64_t level, uint64_t count,
		       struct structure *structure, size_t *next)
{
	if (count > structure->segment_count - *next)
		return false;
	for (uint64_t i = 0; i < count; i++) {
		struct structure_segment *segment =
			&structure->segments[*next + count - 1 - i];

		segment->level = level;
		if (!varint_read(record, length, at, &segment->id) ||
		    !varint_read(record, length, at, &segment->first_page) ||
		    !varint_read(record, length, at, &segment->last_page) ||
		    segment->id == 0 ||
		    segment->id > STRUCTURE_MAX_SEGMENT_ID ||
		    segment->first_page == 0 ||
		    segment->last_page < segment->first_page ||
		    segment->last_page > STRUCTURE_MAX_PAGE)
			return false;
	}
	*next += count;
	return true;
}

/* Parses record as a V1 structure record with one or more segments and
 * no merge under way; false for anything else. On success the caller
 * frees structure->segments. */
static bool structure_parse(const unsigned char *record, size_t length,
			    struct structure *structure)
{
	uint64_t segment_count, merging, in_level;
	size_t at = 4, next = 0;
	bool ok;

	memset(structure, 0, sizeof *structure);
	/* a V2 record has 0xFF after the cookie: a level count far beyond
	 * STRUCTURE_MAX_LEVELS */
	if (length < 4 || !varint_read(record, length, &at,
				       &structure->level_count) ||
	    !varint_read(record, length, &at, &segment_count) ||
	    !varint_read(record, length, &at, &structure->write_counter) ||
	    structure->level_count == 0 ||
	    structure->level_count > STRUCTURE_MAX_LEVELS ||
	    segment_count == 0 || segment_count >= STRUCTURE_MAX_LEVELS)
		return false;
	structure->cookie = (uint32_t)record[0] << 24 |
			    (uint32_t)record[1] << 16 |
			    (uint32_t)record[2] << 8 | record[3];
	structure->segment_count = (size_t)segment_count;
	structure->segments = xcalloc(structure->segment_count,
				      sizeof *structure->segments);
	ok = structure->cookie < STRUCTURE_MAX_COOKIE;
	for (uint64_t level = 0; ok && level < structure->level_count;
	     level++)
		ok = varint_read(record, length, &at, &merging) &&
		     varint_read(record, length, &at, &in_level) &&
		     merging == 0 &&
		     level_read(record, length, &at, level, in_level,
				structure, &next);
	if (ok && at == length && next == structure->segment_count) {
		/* and nothing FTS5 would have written otherwise */
		struct buf again = {0};

		structure_write(&again, structure, structure->cookie, false);
		ok = again.length == length &&
		     memcmp(again.data, record, length) == 0;
		buf_free(&again);
	} else {
		ok = false;
	}
	if (!ok) {
		free(structure->segments);
		structure->segments = NULL;
	}
	return ok;
}

bool index_spread_structure(const unsigned char *record, size_t length,
			    unsigned char **out, size_t *out_length)
{
	struct structure structure;
	struct buf spread = {0};
	bool changed;

	*out = NULL;
	*out_length = 0;
	if (!structure_parse(record, length, &structure))
		return false;
	structure_write(&spread, &structure, structure.cookie, true);
	changed = spread.length != length ||
		  memcmp(spread.data, record, length) != 0;
	buf_reset(&spread);
	if (changed)
		structure_write(&spread, &structure, structure.cookie + 1,
				true);
	free(structure.segments);
	if (!changed) {
		buf_free(&spread);
		return false;
	}
	*out_length = spread.length;
	*out = (unsigned char *)buf_detach(&spread);
	return true;
}

/* Spreads the segments of db's committed index, one per level (see
 * above); a record of another form is left as it is. No FTS5 call
 * follows on this connection, so nothing FTS5 keeps in memory can write
 * the old record back. 0, or -1 when SQLite fails (sqlite3_errmsg says
 * why). */
static int spread_segments(sqlite3 *db)
{
	sqlite3_stmt *statement = NULL;
	unsigned char *spread = NULL;
	size_t length = 0;
	int step, rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT block FROM search_data WHERE id = "
			       STRINGIFY(STRUCTURE_ROWID), -1, &statement,
			       NULL) != SQLITE_OK)
		goto out;
	step = sqlite3_step(statement);
	if (step == SQLITE_ROW &&
	    sqlite3_column_type(statement, 0) == SQLITE_BLOB)
		index_spread_structure(sqlite3_column_blob(statement, 0),
				       (size_t)sqlite3_column_bytes(statement,
								    0),
				       &spread, &length);
	else if (step != SQLITE_ROW && step != SQLITE_DONE)
		goto out;
	sqlite3_finalize(statement);
	statement = NULL;
	if (spread != NULL &&
	    (sqlite3_prepare_v2(db, "UPDATE search_data SET block = ?1 "
				"WHERE id = " STRINGIFY(STRUCTURE_ROWID), -1,
				&statement, NULL) != SQLITE_OK ||
	     sqlite3_bind_blob(statement, 1, spread, (int)length,
			       SQLITE_STATIC) != SQLITE_OK ||
	     sqlite3_step(statement) != SQLITE_DONE))
		goto out;
	rc = 0;
out:
	sqlite3_finalize(statement);
	free(spread);
	return rc;
}

/* Writes what is queued; after a full build, drops the build's settings.
 * 0, or -1 after a diagnostic. */
static int finish_writing(sqlite3 *db, struct index_state *state)
{
	int status = state ? search_writer_flush(state->writer)
			   : SEARCH_DATABASE;

	if (status == SEARCH_OK && state->fresh &&
	    sqlite3_exec(db, fresh_finish_sql, NULL, NULL, NULL) != SQLITE_OK)
		status = SEARCH_DATABASE;
	if (status != SEARCH_OK)
		return write_failed(db, "write the search index", status);
	return 0;
}

int index_close(sqlite3 *db, const char *path, int commit)
{
	struct index_state *state;
	bool fresh;
	int rc = 0;

	if (db == NULL)
		return 0;
	state = state_of(db);
	fresh = state != NULL && state->fresh;
	if (commit && finish_writing(db, state) != 0) {
		commit = 0;
		rc = -1;
	}
	state_remove(db);
	if (sqlite3_exec(db, commit ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = fail(db, path);
	else if (commit && fresh && spread_segments(db) != 0)
		rc = fail(db, path);
	if (sqlite3_close(db) != SQLITE_OK)
		rc = -1;
	return rc;
}
