/*
 * sqlite.c: the SQLite back end of the store (store.h).
 *
 * Durability and concurrency follow SQLite's own documentation: the database
 * runs in WAL mode (https://sqlite.org/wal.html) with synchronous=FULL, so a
 * transaction whose COMMIT returned is on disk and survives a crash of the
 * process or of the machine; foreign keys are enforced; a writer waits up to
 * BUSY_TIMEOUT_MS for the write lock instead of failing; write transactions
 * start with BEGIN IMMEDIATE so two writers never deadlock upgrading a read
 * lock.  Statements are prepared once per connection.
 *
 * Schema.  The migrations below are applied in order, each in its own
 * transaction, and the database's PRAGMA user_version records how many have
 * run.  They only ever go forward; a database with a higher version than
 * this program knows is refused, so an old program never writes a schema it
 * does not understand.  PRAGMA application_id marks the file as ours.
 *
 * Dates are stored as TEXT "YYYY-MM-DD" (readable with the sqlite3 shell, and
 * ordered as dates when compared as text); instants as INTEGER microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "permitdesk/store.h"

#define BUSY_TIMEOUT_MS 10000
#define APPLICATION_ID 0x70646b31 /* "pdk1" */

/*
 * Migration N (1-based) takes a database from schema version N-1 to N.
 * Append only; never edit a migration that has shipped.
 */
/* clang-format off */
static const char *const migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE users (\n"
	"	name TEXT PRIMARY KEY NOT NULL,\n"
	"	role TEXT NOT NULL,\n"
	"	password_hash TEXT NOT NULL,\n"
	"	created_at INTEGER NOT NULL\n"
	");\n"
	"CREATE TABLE cases (\n"
	"	id TEXT PRIMARY KEY NOT NULL,\n"
	"	number TEXT NOT NULL UNIQUE,\n"
	"	pack TEXT NOT NULL,\n"
	"	pack_version TEXT NOT NULL,\n"
	"	state TEXT NOT NULL,\n"
	"	created_by TEXT NOT NULL REFERENCES users(name),\n"
	"	created_on TEXT NOT NULL,\n"
	"	updated_on TEXT NOT NULL,\n"
	"	verdict TEXT NOT NULL,\n"
	"	assignee TEXT REFERENCES users(name),\n"
	"	receipt_number TEXT UNIQUE,\n"
	"	accepted_on TEXT,\n"
	"	receipt_valid_until TEXT,\n"
	"	decision_by TEXT,\n"
	"	processing_days INTEGER,\n"
	"	receipt_days INTEGER,\n"
	"	paused_days INTEGER NOT NULL DEFAULT 0,\n"
	"	supplement_from TEXT,\n"
	"	supplement_since TEXT,\n"
	"	decided_on TEXT,\n"
	"	collect_method TEXT,\n"
	"	revision INTEGER NOT NULL\n"
	");\n"
	"CREATE INDEX cases_state ON cases(state, decision_by);\n"
	/* The texts apart: most transitions change a few small columns, and a row
	 * without its 10 KB result is rewritten in one page, not four. */
	"CREATE TABLE case_texts (\n"
	"	case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases(id),\n"
	"	case_json TEXT NOT NULL,\n"
	"	result_json TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX cases_created_by ON cases(created_by);\n"
	"CREATE TABLE sequences (\n"
	"	name TEXT NOT NULL,\n"
	"	year INTEGER NOT NULL,\n"
	"	last INTEGER NOT NULL,\n"
	"	PRIMARY KEY (name, year)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE tasks (\n"
	"	case_id TEXT NOT NULL REFERENCES cases(id),\n"
	"	n INTEGER NOT NULL,\n"
	"	kind TEXT NOT NULL,\n"
	"	created_on TEXT NOT NULL,\n"
	"	created_by TEXT NOT NULL REFERENCES users(name),\n"
	"	due TEXT,\n"
	"	outcome TEXT,\n"
	"	completed_on TEXT,\n"
	"	completed_by TEXT REFERENCES users(name),\n"
	"	note TEXT,\n"
	"	PRIMARY KEY (case_id, n)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE notices (\n"
	"	case_id TEXT NOT NULL REFERENCES cases(id),\n"
	"	n INTEGER NOT NULL,\n"
	"	issued_on TEXT NOT NULL,\n"
	"	issued_by TEXT NOT NULL REFERENCES users(name),\n"
	"	materials_json TEXT NOT NULL,\n"
	"	note TEXT,\n"
	"	answered_on TEXT,\n"
	"	PRIMARY KEY (case_id, n)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE decisions (\n"
	"	case_id TEXT NOT NULL REFERENCES cases(id),\n"
	"	n INTEGER NOT NULL,\n"
	"	action TEXT NOT NULL,\n"
	"	decided_on TEXT NOT NULL,\n"
	"	decided_by TEXT NOT NULL REFERENCES users(name),\n"
	"	verdict TEXT NOT NULL,\n"
	"	pack TEXT NOT NULL,\n"
	"	pack_version TEXT NOT NULL,\n"
	"	case_json TEXT NOT NULL,\n"
	"	result_json TEXT NOT NULL,\n"
	"	ground TEXT,\n"
	"	note TEXT,\n"
	"	PRIMARY KEY (case_id, n)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE audit (\n"
	"	seq INTEGER PRIMARY KEY,\n"
	"	case_id TEXT REFERENCES cases(id),\n"
	"	action TEXT NOT NULL,\n"
	"	actor TEXT NOT NULL,\n"
	"	role TEXT NOT NULL,\n"
	"	at TEXT NOT NULL,\n"
	"	recorded_at INTEGER NOT NULL,\n"
	"	from_state TEXT,\n"
	"	to_state TEXT,\n"
	"	note TEXT,\n"
	"	data TEXT,\n"
	"	prev_hash TEXT NOT NULL,\n"
	"	hash TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX audit_case ON audit(case_id, seq);\n"
	"CREATE TABLE audit_head (\n"
	"	id INTEGER PRIMARY KEY CHECK (id = 1),\n"
	"	seq INTEGER NOT NULL,\n"
	"	hash TEXT NOT NULL\n"
	");\n"
	"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');\n",

	/* 2: users that can be disabled, sessions, a stable creation order of
	 * cases, and the applicant's name and passport number beside each case
	 * for searching.  cases.seq copies the rowid, which VACUUM may renumber
	 * (the table has no INTEGER PRIMARY KEY) while a cursor must not move. */
	"ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0\n"
	"	CHECK (disabled IN (0, 1));\n"
	"CREATE TABLE sessions (\n"
	"	token_hash TEXT PRIMARY KEY NOT NULL,\n"
	"	user_name TEXT NOT NULL REFERENCES users(name),\n"
	"	created_at INTEGER NOT NULL,\n"
	"	last_used_at INTEGER NOT NULL,\n"
	"	expires_at INTEGER NOT NULL,\n"
	"	revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX sessions_user ON sessions(user_name);\n"
	"ALTER TABLE cases ADD COLUMN seq INTEGER;\n"
	"ALTER TABLE cases ADD COLUMN applicant_name TEXT;\n"
	"ALTER TABLE cases ADD COLUMN passport_number TEXT;\n"
	"UPDATE cases SET seq = rowid;\n"
	"UPDATE cases SET\n"
	"	applicant_name = (SELECT CASE WHEN json_valid(t.case_json) THEN\n"
	"		CASE WHEN json_type(t.case_json, '$.applicant.name') = 'text'\n"
	"		THEN json_extract(t.case_json, '$.applicant.name') END END\n"
	"		FROM case_texts t WHERE t.case_id = cases.id),\n"
	"	passport_number = (SELECT CASE WHEN json_valid(t.case_json) THEN\n"
	"		CASE WHEN json_type(t.case_json, '$.applicant.passport.number') = 'text'\n"
	"		THEN json_extract(t.case_json, '$.applicant.passport.number') END END\n"
	"		FROM case_texts t WHERE t.case_id = cases.id);\n"
	"CREATE UNIQUE INDEX cases_seq ON cases(seq);\n"
	"CREATE INDEX cases_pack ON cases(pack, seq);\n"
	"CREATE INDEX cases_assignee ON cases(assignee, seq);\n"
	"CREATE INDEX cases_passport ON cases(passport_number COLLATE NOCASE);\n"
	"CREATE INDEX cases_applicant ON cases(applicant_name COLLATE NOCASE);\n",

	/* 3: the postal address of a collection by post */
	"ALTER TABLE cases ADD COLUMN collect_address TEXT;\n",

	/* 4: counter appointments, and the places booked in each slot: the
	 * count is what a booking checks and bumps in one statement */
	"CREATE TABLE appointments (\n"
	"	ref TEXT PRIMARY KEY NOT NULL,\n"
	"	office TEXT NOT NULL,\n"
	"	day TEXT NOT NULL,\n"
	"	start INTEGER NOT NULL,\n"
	"	minutes INTEGER NOT NULL,\n"
	"	passport_number TEXT NOT NULL,\n"
	"	applicant_name TEXT,\n"
	"	case_id TEXT REFERENCES cases(id),\n"
	"	case_json TEXT,\n"
	"	booked_by TEXT REFERENCES users(name),\n"
	"	created_at INTEGER NOT NULL,\n"
	"	updated_at INTEGER NOT NULL,\n"
	"	state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled'))\n"
	");\n"
	"CREATE INDEX appointments_day ON appointments(office, day, start);\n"
	"CREATE TABLE appointment_slots (\n"
	"	office TEXT NOT NULL,\n"
	"	day TEXT NOT NULL,\n"
	"	start INTEGER NOT NULL,\n"
	"	booked INTEGER NOT NULL CHECK (booked >= 0),\n"
	"	PRIMARY KEY (office, day, start)\n"
	") WITHOUT ROWID;\n",
};
/* clang-format on */
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))
_Static_assert(N_MIGRATIONS == PD_STORE_SCHEMA_VERSION, "one migration per schema version");

/* clang-format off */
/* The columns of a case, in the order of the parameters ?1..?25 and of the
 * result columns 0..28 (?25 and 28: collect_address, schema 3, written by the
 * update only); case_json and result_json (9 and 10) live in case_texts.
 * seq, applicant_name and passport_number (24..26) are the store's own: the
 * next number of the creation order, and two members of case_json (?9);
 * accepted_by (27) is read from the audit trail. */
#define CASE_COLS_INSERT                                                                           \
	"id, number, pack, pack_version, state, created_by, created_on, updated_on, verdict, "     \
	"assignee, receipt_number, accepted_on, receipt_valid_until, decision_by, "                \
	"processing_days, receipt_days, paused_days, supplement_from, supplement_since, "          \
	"decided_on, collect_method, revision, seq, applicant_name, passport_number"
/* A string member of the case JSON ?9; NULL when absent, not a string, or
 * the text is not JSON (the store does not judge the case). */
#define CASE_TEXT_AT(path)                                                                         \
	"CASE WHEN json_valid(?9) THEN CASE WHEN json_type(?9, '" path "') = 'text' "              \
	"THEN json_extract(?9, '" path "') END END"
#define CASE_NAME CASE_TEXT_AT("$.applicant.name")
#define CASE_PASSPORT CASE_TEXT_AT("$.applicant.passport.number")
/* The actor of a case's "accept" entry: who accepted it, as the trail says. */
#define ACCEPTED_BY(id)                                                                            \
	"(SELECT a.actor FROM audit a WHERE a.case_id = " id " AND a.action = 'accept' "           \
	"ORDER BY a.seq DESC LIMIT 1) "
#define CASE_SELECT                                                                                \
	"SELECT c.id, c.number, c.pack, c.pack_version, c.state, c.created_by, c.created_on, "     \
	"c.updated_on, t.case_json, t.result_json, c.verdict, c.assignee, c.receipt_number, "      \
	"c.accepted_on, c.receipt_valid_until, c.decision_by, c.processing_days, "                \
	"c.receipt_days, c.paused_days, c.supplement_from, c.supplement_since, c.decided_on, "     \
	"c.collect_method, c.revision, c.seq, c.applicant_name, c.passport_number, "              \
	ACCEPTED_BY("c.id") ", c.collect_address FROM cases c "                                    \
	"JOIN case_texts t ON t.case_id = c.id"
/* Lists leave the texts out (NULL): a list never needs them. */
#define CASE_LIST_SELECT                                                                           \
	"SELECT id, number, pack, pack_version, state, created_by, created_on, updated_on, NULL, " \
	"NULL, verdict, assignee, receipt_number, accepted_on, receipt_valid_until, decision_by, " \
	"processing_days, receipt_days, paused_days, supplement_from, supplement_since, "          \
	"decided_on, collect_method, revision, seq, applicant_name, passport_number, "             \
	ACCEPTED_BY("cases.id") ", collect_address FROM cases"
#define CASE_COUNT_SELECT "SELECT count(*) FROM cases"
#define TASK_COLS                                                                                  \
	"case_id, n, kind, created_on, created_by, due, outcome, completed_on, completed_by, note"
#define NOTICE_COLS "case_id, n, issued_on, issued_by, materials_json, note, answered_on"
#define DECISION_COLS                                                                              \
	"case_id, n, action, decided_on, decided_by, verdict, pack, pack_version, case_json, "     \
	"result_json, ground, note"
#define USER_COLS "name, role, password_hash, created_at, disabled"
#define SESSION_COLS "token_hash, user_name, created_at, last_used_at, expires_at, revoked"
#define APPT_COLS                                                                                  \
	"ref, office, day, start, minutes, passport_number, applicant_name, case_id, case_json, "  \
	"booked_by, created_at, updated_at, state"
#define AUDIT_COLS                                                                                 \
	"seq, case_id, action, actor, role, at, recorded_at, from_state, to_state, note, data, "   \
	"prev_hash, hash"

/* Every statement the back end runs, prepared once at open. */
#define STMT_MAP(X)                                                                                \
	X(BEGIN_READ, "BEGIN")                                                                     \
	X(BEGIN_WRITE, "BEGIN IMMEDIATE")                                                          \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(USER_INSERT, "INSERT INTO users (name, role, password_hash, created_at, disabled) "      \
		       "VALUES (?1, ?2, ?3, ?4, ?5)")                                              \
	X(USER_GET, "SELECT " USER_COLS " FROM users WHERE name = ?1")                            \
	X(USER_LIST, "SELECT " USER_COLS " FROM users ORDER BY name")                             \
	X(USER_UPDATE, "UPDATE users SET disabled = ?5, password_hash = ?3 WHERE name = ?1")      \
	X(SESSION_INSERT, "INSERT INTO sessions (" SESSION_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)") \
	X(SESSION_GET, "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = ?1")             \
	X(SESSION_TOUCH, "UPDATE sessions SET last_used_at = ?2 "                                  \
			 "WHERE token_hash = ?1 AND revoked = 0 AND last_used_at < ?2")            \
	X(SESSION_REVOKE, "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1")                 \
	X(SESSION_REVOKE_USER, "UPDATE sessions SET revoked = 1 "                                  \
			       "WHERE user_name = ?1 AND revoked = 0")                             \
	X(CASE_INSERT, "INSERT INTO cases (" CASE_COLS_INSERT ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, " \
		       "?7, ?8, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, " \
		       "1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM cases), " CASE_NAME ", "         \
		       CASE_PASSPORT ")")                                                          \
	X(TEXTS_INSERT, "INSERT INTO case_texts (case_id, case_json, result_json) "                \
			"VALUES (?1, ?9, ?10)")                                                    \
	X(CASE_GET, CASE_SELECT " WHERE c.id = ?1")                                                \
	X(CASE_UPDATE, "UPDATE cases SET pack = ?3, pack_version = ?4, state = ?5, "               \
		       "updated_on = ?8, verdict = ?11, "                                          \
		       "assignee = ?12, receipt_number = ?13, accepted_on = ?14, "                 \
		       "receipt_valid_until = ?15, decision_by = ?16, processing_days = ?17, "     \
		       "receipt_days = ?18, paused_days = ?19, supplement_from = ?20, "            \
		       "supplement_since = ?21, decided_on = ?22, collect_method = ?23, "          \
		       "collect_address = ?25, "                                                   \
		       "applicant_name = " CASE_NAME ", passport_number = " CASE_PASSPORT ", "     \
		       "revision = ?24 + 1 WHERE id = ?1 AND revision = ?24")                      \
	/* written only when they changed: most transitions leave them alone */                    \
	X(TEXTS_UPDATE, "UPDATE case_texts SET case_json = ?9, result_json = ?10 "                 \
			"WHERE case_id = ?1 AND (case_json IS NOT ?9 OR result_json IS NOT ?10)")  \
	X(SEQ_NEXT, "INSERT INTO sequences (name, year, last) VALUES (?1, ?2, 1) "                 \
		    "ON CONFLICT (name, year) DO UPDATE SET last = last + 1 RETURNING last")       \
	X(TASK_INSERT, "INSERT INTO tasks (" TASK_COLS ") VALUES (?1, "                            \
		       "(SELECT COALESCE(MAX(n), 0) + 1 FROM tasks WHERE case_id = ?1), "          \
		       "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING n")                             \
	X(TASK_UPDATE, "UPDATE tasks SET outcome = ?7, completed_on = ?8, completed_by = ?9, "    \
		       "note = ?10 WHERE case_id = ?1 AND n = ?2")                                 \
	X(TASK_LIST, "SELECT " TASK_COLS " FROM tasks WHERE case_id = ?1 ORDER BY n")              \
	X(NOTICE_INSERT, "INSERT INTO notices (" NOTICE_COLS ") VALUES (?1, "                      \
			 "(SELECT COALESCE(MAX(n), 0) + 1 FROM notices WHERE case_id = ?1), "      \
			 "?3, ?4, ?5, ?6, ?7) RETURNING n")                                        \
	X(NOTICE_UPDATE, "UPDATE notices SET answered_on = ?7 WHERE case_id = ?1 AND n = ?2")     \
	X(NOTICE_LIST, "SELECT " NOTICE_COLS " FROM notices WHERE case_id = ?1 ORDER BY n")        \
	X(DECISION_INSERT, "INSERT INTO decisions (" DECISION_COLS ") VALUES (?1, "                \
			   "(SELECT COALESCE(MAX(n), 0) + 1 FROM decisions WHERE case_id = ?1), "  \
			   "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING n")               \
	X(DECISION_LIST, "SELECT " DECISION_COLS " FROM decisions WHERE case_id = ?1 ORDER BY n")  \
	X(AUDIT_HEAD, "SELECT seq, hash FROM audit_head WHERE id = 1")                             \
	X(AUDIT_INSERT, "INSERT INTO audit (" AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "  \
			"?8, ?9, ?10, ?11, ?12, ?13)")                                             \
	X(AUDIT_HEAD_SET, "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1 AND seq = ?3")   \
	X(AUDIT_LIST_ALL, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq")                         \
	X(AUDIT_LIST_CASE, "SELECT " AUDIT_COLS " FROM audit WHERE case_id = ?1 ORDER BY seq")     \
	X(AUDIT_LIST_ACTION, "SELECT " AUDIT_COLS " FROM audit WHERE case_id IS NULL "             \
			     "AND action = ?1 ORDER BY seq")                                       \
	X(APPT_INSERT, "INSERT INTO appointments (" APPT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "  \
		       "?7, ?8, ?9, ?10, ?11, ?12, ?13)")                                          \
	X(APPT_GET, "SELECT " APPT_COLS " FROM appointments WHERE ref = ?1")                      \
	X(APPT_UPDATE, "UPDATE appointments SET day = ?3, start = ?4, minutes = ?5, "             \
		       "updated_at = ?12, state = ?13 WHERE ref = ?1")                             \
	X(APPT_LIST, "SELECT " APPT_COLS " FROM appointments WHERE office = ?1 AND day >= ?2 "    \
		     "AND day <= ?3 AND state = 'booked' ORDER BY day, start, created_at, ref")    \
	/* the check and the count in one statement: no room between them */                      \
	X(SLOT_TAKE, "INSERT INTO appointment_slots (office, day, start, booked) "                 \
		     "VALUES (?1, ?2, ?3, 1) ON CONFLICT (office, day, start) "                    \
		     "DO UPDATE SET booked = booked + 1 WHERE booked < ?4 RETURNING booked")       \
	X(SLOT_RELEASE, "UPDATE appointment_slots SET booked = booked - 1 "                        \
			"WHERE office = ?1 AND day = ?2 AND start = ?3 AND booked > 0")            \
	X(SLOT_LIST, "SELECT day, start, booked FROM appointment_slots WHERE office = ?1 "         \
		     "AND day >= ?2 AND day <= ?3 AND booked > 0 ORDER BY day, start")

/* clang-format on */

/* clang-format off */
enum stmt_id {
#define X_ENUM(name, sql) ST_##name,
	STMT_MAP(X_ENUM)
#undef X_ENUM
	ST_COUNT
};
/* clang-format on */

static const char *const stmt_sql[ST_COUNT] = {
#define X_SQL(name, sql) [ST_##name] = sql,
    STMT_MAP(X_SQL)
#undef X_SQL
};

struct sqlite_store {
	struct pd_store_backend base; /* first: the table is the handle */
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_COUNT];
	int64_t busy_since_ms; /* when the current wait for a lock began */
	uint32_t jitter;       /* state of the sleeps' jitter */
};

static struct sqlite_store *self_of(struct pd_store_backend *b)
{
	return (struct sqlite_store *)b;
}

/* ---- errors ---- */

/* Maps the connection's last error to a pd error naming the database. */
static int db_fail(struct sqlite_store *s, int src, const char *what, struct pd_error *err)
{
	int primary = src & 0xff;
	int code = PD_ESTORE;
	if (src == SQLITE_CONSTRAINT_UNIQUE || src == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = PD_ECONFLICT;
	else if (primary == SQLITE_NOMEM)
		code = PD_ENOMEM;
	else if (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ||
	         primary == SQLITE_READONLY)
		code = PD_EIO;
	else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
		code = PD_EUNAVAILABLE; /* the lock was held past the busy timeout: try again */
	return pd_error_set(err, code, "%s: %s: %s", s->path, what,
	                    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(src));
}

/* Runs a statement that returns no rows (or whose rows are ignored). */
static int run(struct sqlite_store *s, sqlite3_stmt *st, const char *what, struct pd_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	int result = rc == SQLITE_DONE ? 0 : db_fail(s, sqlite3_extended_errcode(s->db), what, err);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

static void done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* ---- binding and reading columns ---- */

static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static int bind_date(sqlite3_stmt *st, int i, pd_date d)
{
	if (d == PD_DATE_NONE)
		return sqlite3_bind_null(st, i);
	char buf[11];
	pd_date_format(d, buf);
	return sqlite3_bind_text(st, i, buf, 10, SQLITE_TRANSIENT);
}

/* processing_days and receipt_days: -1 is stored as NULL. */
static int bind_days(sqlite3_stmt *st, int i, int32_t v)
{
	return v < 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_int(st, i, v);
}

/* A text column copied to the arena; *oom is set when the arena is out of memory. */
static const char *col_text(sqlite3_stmt *st, int i, struct pd_arena *a, bool *oom)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t)
		return NULL;
	int n = sqlite3_column_bytes(st, i);
	const char *copy = pd_arena_strndup(a, (const char *)t, (size_t)n);
	if (!copy)
		*oom = true;
	return copy;
}

static pd_date col_date(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	pd_date d;
	if (!t || pd_date_parse((const char *)t, (size_t)sqlite3_column_bytes(st, i), &d) != 0)
		return PD_DATE_NONE;
	return d;
}

static int32_t col_days(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

static int nomem(struct sqlite_store *s, struct pd_error *err)
{
	return pd_error_set(err, PD_ENOMEM, "%s: out of memory reading a row", s->path);
}

/*
 * Waiting for the write lock.  SQLite's own busy timeout sleeps up to 100 ms
 * between tries, so under contention a waiting writer sleeps through dozens
 * of other commits and may starve.  Here the sleep is short (0.1 ms, growing
 * to 2 ms) with jitter, so writers take turns at about the rate commits end;
 * after BUSY_TIMEOUT_MS in all the operation fails with SQLITE_BUSY.
 */
static int busy_wait(void *ctx, int tries)
{
	struct sqlite_store *s = ctx;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	if (tries == 0)
		s->busy_since_ms = now_ms;
	else if (now_ms - s->busy_since_ms >= BUSY_TIMEOUT_MS)
		return 0;
	long us = 100L << (tries < 5 ? tries : 5); /* 100 us, doubling, at most 2 ms */
	if (us > 2000)
		us = 2000;
	s->jitter = s->jitter * 1103515245u + 12345u;
	us += (long)(s->jitter >> 16) % (us / 2 + 1);
	struct timespec ts = {0, us * 1000};
	nanosleep(&ts, NULL);
	return 1;
}

/* ---- open, migrate, close ---- */

static int exec_sql(struct sqlite_store *s, const char *sql, const char *what, struct pd_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		pd_error_set(err, PD_ESTORE, "%s: %s: %s", s->path, what,
		             msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return -PD_ESTORE;
	}
	return 0;
}

static int pragma_int(struct sqlite_store *s, const char *sql, int *out, struct pd_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(st, 0);
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK) {
		int ext = sqlite3_extended_errcode(s->db);
		sqlite3_finalize(st);
		if ((ext & 0xff) == SQLITE_NOTADB)
			return pd_error_set(err, PD_ESTORE, "%s: not a permitdesk database",
			                    s->path);
		return db_fail(s, ext, "reading the schema version", err);
	}
	sqlite3_finalize(st);
	return 0;
}

static int migrate(struct sqlite_store *s, struct pd_error *err)
{
	int version = 0, app = 0, objects = 0, rc;
	if ((rc = pragma_int(s, "PRAGMA user_version", &version, err)) ||
	    (rc = pragma_int(s, "PRAGMA application_id", &app, err)) ||
	    (rc = pragma_int(s, "SELECT count(*) FROM sqlite_master", &objects, err)))
		return rc;
	if (app != APPLICATION_ID && (app != 0 || version != 0 || objects != 0))
		return pd_error_set(err, PD_ESTORE, "%s: not a permitdesk database", s->path);
	if (version > PD_STORE_SCHEMA_VERSION)
		return pd_error_set(err, PD_EVERSION,
		                    "%s: database schema version %d is newer than this program "
		                    "supports (%d); use a newer permitdesk",
		                    s->path, version, PD_STORE_SCHEMA_VERSION);
	while (version < PD_STORE_SCHEMA_VERSION) {
		if ((rc = exec_sql(s, "BEGIN IMMEDIATE", "migration", err)))
			return rc;
		/* Another process may have migrated while we waited for the lock. */
		if ((rc = pragma_int(s, "PRAGMA user_version", &version, err)))
			goto rollback;
		if (version >= PD_STORE_SCHEMA_VERSION) {
			exec_sql(s, "ROLLBACK", "migration", NULL);
			break;
		}
		char set[96];
		snprintf(set, sizeof(set), "PRAGMA user_version = %d; PRAGMA application_id = %d;",
		         version + 1, APPLICATION_ID);
		if ((rc = exec_sql(s, migrations[version], "migration", err)) ||
		    (rc = exec_sql(s, set, "migration", err)) ||
		    (rc = exec_sql(s, "COMMIT", "migration", err)))
			goto rollback;
		version++;
	}
	return 0;
rollback:
	exec_sql(s, "ROLLBACK", "migration", NULL);
	return rc;
}

static void sqlite_close(struct pd_store_backend *b)
{
	struct sqlite_store *s = self_of(b);
	if (!s)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

/* ---- the operations ---- */

static int sqlite_schema_version(struct pd_store_backend *b, int *version, struct pd_error *err)
{
	return pragma_int(self_of(b), "PRAGMA user_version", version, err);
}

static int sqlite_check(struct pd_store_backend *b, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, rc, "integrity check", err);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "integrity check", err);
		sqlite3_finalize(st);
		return rc;
	}
	const char *first = (const char *)sqlite3_column_text(st, 0);
	if (!first || strcmp(first, "ok") != 0) {
		rc = pd_error_set(err, PD_ESTORE, "%s: integrity check: %s", s->path,
		                  first ? first : "no answer");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	rc = sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(s, rc, "foreign key check", err);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = pd_error_set(err, PD_ESTORE, "%s: foreign key check: table %s row %lld",
		                  s->path, (const char *)sqlite3_column_text(st, 0),
		                  (long long)sqlite3_column_int64(st, 1));
	} else if (rc != SQLITE_DONE) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "foreign key check", err);
	} else {
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_begin(struct pd_store_backend *b, enum pd_txn kind, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	return run(s, s->st[kind == PD_TXN_WRITE ? ST_BEGIN_WRITE : ST_BEGIN_READ],
	           "begin transaction", err);
}

static int sqlite_commit(struct pd_store_backend *b, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	return run(s, s->st[ST_COMMIT], "commit", err);
}

static void sqlite_rollback(struct pd_store_backend *b)
{
	struct sqlite_store *s = self_of(b);
	if (!sqlite3_get_autocommit(s->db))
		run(s, s->st[ST_ROLLBACK], "rollback", NULL);
}

/* users */

static void bind_user(sqlite3_stmt *st, const struct pd_store_user *u)
{
	bind_text(st, 1, u->name);
	bind_text(st, 2, u->role);
	bind_text(st, 3, u->password_hash);
	sqlite3_bind_int64(st, 4, u->created_at);
	sqlite3_bind_int(st, 5, u->disabled ? 1 : 0);
}

static void read_user(sqlite3_stmt *st, struct pd_arena *a, struct pd_store_user *out, bool *oom)
{
	memset(out, 0, sizeof(*out));
	out->name = col_text(st, 0, a, oom);
	out->role = col_text(st, 1, a, oom);
	out->password_hash = col_text(st, 2, a, oom);
	out->created_at = sqlite3_column_int64(st, 3);
	out->disabled = sqlite3_column_int(st, 4) != 0;
}

static int sqlite_user_insert(struct pd_store_backend *b, const struct pd_store_user *u,
                              struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_USER_INSERT];
	bind_user(st, u);
	int rc = run(s, st, "adding a user", err);
	if (rc == -PD_ECONFLICT)
		return pd_error_set(err, PD_ECONFLICT, "user '%s' exists", u->name);
	return rc;
}

static int sqlite_user_get(struct pd_store_backend *b, const char *name, struct pd_arena *a,
                           struct pd_store_user *out, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_USER_GET];
	bind_text(st, 1, name);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		done(st);
		return pd_error_set(err, PD_ENOTFOUND, "no user '%s'", name);
	}
	if (rc != SQLITE_ROW) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "reading a user", err);
		done(st);
		return rc;
	}
	bool oom = false;
	read_user(st, a, out, &oom);
	rc = oom ? nomem(s, err) : 0;
	done(st);
	return rc;
}

static int sqlite_user_list(struct pd_store_backend *b, pd_store_user_fn fn, void *ctx,
                            struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_USER_LIST];
	struct pd_arena a;
	int rc = 0, step;
	pd_arena_init(&a, 4096, 0);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bool oom = false;
		struct pd_store_user u;
		pd_arena_reset(&a);
		read_user(st, &a, &u, &oom);
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &u)))
			goto cleanup;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "listing users", err);
cleanup:
	done(st);
	pd_arena_free(&a);
	return rc;
}

static int sqlite_user_update(struct pd_store_backend *b, const struct pd_store_user *u,
                              struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_USER_UPDATE];
	bind_user(st, u);
	int rc = run(s, st, "updating a user", err);
	if (!rc && sqlite3_changes(s->db) != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "no user '%s'", u->name);
	return rc;
}

/* sessions */

static int sqlite_session_insert(struct pd_store_backend *b, const struct pd_store_session *ss,
                                 struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SESSION_INSERT];
	bind_text(st, 1, ss->token_hash);
	bind_text(st, 2, ss->user);
	sqlite3_bind_int64(st, 3, ss->created_at);
	sqlite3_bind_int64(st, 4, ss->last_used_at);
	sqlite3_bind_int64(st, 5, ss->expires_at);
	sqlite3_bind_int(st, 6, ss->revoked ? 1 : 0);
	return run(s, st, "adding a session", err);
}

static int sqlite_session_get(struct pd_store_backend *b, const char *token_hash,
                              struct pd_arena *a, struct pd_store_session *out,
                              struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SESSION_GET];
	bind_text(st, 1, token_hash);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		done(st);
		return pd_error_set(err, PD_ENOTFOUND, "no such session");
	}
	if (rc != SQLITE_ROW) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "reading a session", err);
		done(st);
		return rc;
	}
	bool oom = false;
	memset(out, 0, sizeof(*out));
	out->token_hash = col_text(st, 0, a, &oom);
	out->user = col_text(st, 1, a, &oom);
	out->created_at = sqlite3_column_int64(st, 2);
	out->last_used_at = sqlite3_column_int64(st, 3);
	out->expires_at = sqlite3_column_int64(st, 4);
	out->revoked = sqlite3_column_int(st, 5) != 0;
	rc = oom ? nomem(s, err) : 0;
	done(st);
	return rc;
}

static int sqlite_session_touch(struct pd_store_backend *b, const char *token_hash, int64_t at,
                                struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SESSION_TOUCH];
	bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, at);
	return run(s, st, "recording a session's use", err);
}

static int sqlite_session_revoke(struct pd_store_backend *b, const char *token_hash,
                                 struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SESSION_REVOKE];
	bind_text(st, 1, token_hash);
	return run(s, st, "ending a session", err);
}

static int sqlite_session_revoke_user(struct pd_store_backend *b, const char *user,
                                      struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SESSION_REVOKE_USER];
	bind_text(st, 1, user);
	return run(s, st, "ending a user's sessions", err);
}

/* cases */

static void bind_case(sqlite3_stmt *st, const struct pd_store_case *c)
{
	bind_text(st, 1, c->id);
	bind_text(st, 2, c->number);
	bind_text(st, 3, c->pack);
	bind_text(st, 4, c->pack_version);
	bind_text(st, 5, c->state);
	bind_text(st, 6, c->created_by);
	bind_date(st, 7, c->created_on);
	bind_date(st, 8, c->updated_on);
	bind_text(st, 9, c->case_json);
	bind_text(st, 10, c->result_json);
	bind_text(st, 11, c->verdict);
	bind_text(st, 12, c->assignee);
	bind_text(st, 13, c->receipt_number);
	bind_date(st, 14, c->accepted_on);
	bind_date(st, 15, c->receipt_valid_until);
	bind_date(st, 16, c->decision_by);
	bind_days(st, 17, c->processing_days);
	bind_days(st, 18, c->receipt_days);
	sqlite3_bind_int(st, 19, c->paused_days);
	bind_text(st, 20, c->supplement_from);
	bind_date(st, 21, c->supplement_since);
	bind_date(st, 22, c->decided_on);
	bind_text(st, 23, c->collect_method);
	bind_text(st, 25, c->collect_address);
}

static int read_case(struct sqlite_store *s, sqlite3_stmt *st, struct pd_arena *a,
                     struct pd_store_case *c, struct pd_error *err)
{
	bool oom = false;
	memset(c, 0, sizeof(*c));
	c->id = col_text(st, 0, a, &oom);
	c->number = col_text(st, 1, a, &oom);
	c->pack = col_text(st, 2, a, &oom);
	c->pack_version = col_text(st, 3, a, &oom);
	c->state = col_text(st, 4, a, &oom);
	c->created_by = col_text(st, 5, a, &oom);
	c->created_on = col_date(st, 6);
	c->updated_on = col_date(st, 7);
	c->case_json = col_text(st, 8, a, &oom);
	c->result_json = col_text(st, 9, a, &oom);
	c->verdict = col_text(st, 10, a, &oom);
	c->assignee = col_text(st, 11, a, &oom);
	c->receipt_number = col_text(st, 12, a, &oom);
	c->accepted_on = col_date(st, 13);
	c->receipt_valid_until = col_date(st, 14);
	c->decision_by = col_date(st, 15);
	c->processing_days = col_days(st, 16);
	c->receipt_days = col_days(st, 17);
	c->paused_days = sqlite3_column_int(st, 18);
	c->supplement_from = col_text(st, 19, a, &oom);
	c->supplement_since = col_date(st, 20);
	c->decided_on = col_date(st, 21);
	c->collect_method = col_text(st, 22, a, &oom);
	c->revision = sqlite3_column_int64(st, 23);
	c->seq = sqlite3_column_int64(st, 24);
	c->applicant_name = col_text(st, 25, a, &oom);
	c->passport_number = col_text(st, 26, a, &oom);
	c->accepted_by = col_text(st, 27, a, &oom);
	c->collect_address = col_text(st, 28, a, &oom);
	return oom ? nomem(s, err) : 0;
}

static int sqlite_case_insert(struct pd_store_backend *b, const struct pd_store_case *c,
                              struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_CASE_INSERT];
	bind_case(st, c);
	int rc = run(s, st, "adding a case", err);
	if (rc == -PD_ECONFLICT)
		return pd_error_set(err, PD_ECONFLICT, "case %s (%s) exists", c->id, c->number);
	if (rc)
		return rc;
	st = s->st[ST_TEXTS_INSERT];
	bind_case(st, c);
	return run(s, st, "adding a case", err);
}

static int sqlite_case_get(struct pd_store_backend *b, const char *id, struct pd_arena *a,
                           struct pd_store_case *out, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_CASE_GET];
	bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		done(st);
		return pd_error_set(err, PD_ENOTFOUND, "no case '%s'", id);
	}
	if (rc != SQLITE_ROW) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "reading a case", err);
		done(st);
		return rc;
	}
	rc = read_case(s, st, a, out, err);
	done(st);
	return rc;
}

static int sqlite_case_update(struct pd_store_backend *b, const struct pd_store_case *c,
                              struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_CASE_UPDATE];
	bind_case(st, c);
	sqlite3_bind_int64(st, 24, c->revision);
	int rc = run(s, st, "updating a case", err);
	if (rc)
		return rc;
	if (sqlite3_changes(s->db) != 1)
		return pd_error_set(err, PD_ECONFLICT, "case %s changed meanwhile (revision %lld)",
		                    c->id, (long long)c->revision);
	st = s->st[ST_TEXTS_UPDATE];
	bind_case(st, c);
	return run(s, st, "updating a case", err);
}

/*
 * The WHERE clause of a case filter: the conditions of the members it sets,
 * from the table below, each binding its values in the order written.
 * case_list and case_count share it; they are prepared per call, since which
 * conditions apply varies (and each shape can then use its own index).
 */
enum filter_cond {
	FC_STATES,
	FC_DUE,
	FC_CREATED_BY,
	FC_ASSIGNEE,
	FC_PACK,
	FC_NUMBER,
	FC_SEARCH,
	FC_AFTER,
	FC_COUNT
};
static const char *const filter_sql[FC_COUNT] = {
    [FC_STATES] = " AND state IN (SELECT value FROM json_each(?))",
    [FC_DUE] = " AND decision_by IS NOT NULL AND decision_by < ?",
    [FC_CREATED_BY] = " AND created_by = ?",
    [FC_ASSIGNEE] = " AND assignee = ?",
    [FC_PACK] = " AND pack = ?",
    [FC_NUMBER] = " AND number = ?",
    /* a case number or its beginning, a part of the name, or the passport
     * number, ignoring the case of ASCII letters */
    [FC_SEARCH] = " AND (lower(substr(number, 1, length(:search))) = lower(:search)"
                  " OR instr(lower(applicant_name), lower(:search)) > 0"
                  " OR passport_number = :search COLLATE NOCASE)",
    [FC_AFTER] = " AND seq > ?",
};

static bool filter_has(const struct pd_store_case_filter *f, enum filter_cond k)
{
	switch (k) {
	case FC_STATES:
		return f->states != NULL;
	case FC_DUE:
		return f->due_before != PD_DATE_NONE;
	case FC_CREATED_BY:
		return f->created_by != NULL;
	case FC_ASSIGNEE:
		return f->assignee != NULL;
	case FC_PACK:
		return f->pack != NULL;
	case FC_NUMBER:
		return f->number != NULL;
	case FC_SEARCH:
		return f->search != NULL;
	case FC_AFTER:
		return f->after > 0;
	case FC_COUNT:
		break;
	}
	return false;
}

/* The states as a JSON array of strings for json_each(). */
static void states_json(const struct pd_store_case_filter *f, struct pd_buf *out)
{
	pd_buf_puts(out, "[");
	for (size_t i = 0; i < f->n_states; i++) {
		pd_buf_puts(out, i ? ",\"" : "\"");
		for (const char *p = f->states[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				pd_buf_puts(out, "\\");
			if ((unsigned char)*p < 0x20)
				pd_buf_printf(out, "\\u%04x", (unsigned)(unsigned char)*p);
			else
				pd_buf_printf(out, "%c", *p);
		}
		pd_buf_puts(out, "\"");
	}
	pd_buf_puts(out, "]");
}

/* Prepares `select` with the filter's conditions (and order and limit when
 * `list`), its values bound. */
static int prepare_filter(struct sqlite_store *s, const char *select,
                          const struct pd_store_case_filter *f, bool list, sqlite3_stmt **out,
                          const char *what, struct pd_error *err)
{
	struct pd_buf sql, states;
	int rc = 0;
	*out = NULL;
	pd_buf_init(&sql, 1 << 16);
	pd_buf_init(&states, 1 << 16);
	pd_buf_puts(&sql, select);
	pd_buf_puts(&sql, " WHERE 1");
	for (int k = 0; k < FC_COUNT; k++)
		if (filter_has(f, (enum filter_cond)k))
			pd_buf_puts(&sql, filter_sql[k]);
	if (list)
		pd_buf_puts(&sql, " ORDER BY seq");
	if (list && f->limit)
		pd_buf_printf(&sql, " LIMIT %zu", f->limit);
	if (f->states)
		states_json(f, &states);
	if (sql.failed || states.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (sqlite3_prepare_v2(s->db, sql.data, -1, out, NULL) != SQLITE_OK) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), what, err);
		goto cleanup;
	}
	/* A named parameter (:search) takes the next number where it first
	 * appears, so the values are bound in the order of the conditions. */
	int i = 1;
	if (f->states)
		sqlite3_bind_text(*out, i++, states.data, -1, SQLITE_TRANSIENT);
	if (f->due_before != PD_DATE_NONE)
		bind_date(*out, i++, f->due_before);
	if (f->created_by)
		bind_text(*out, i++, f->created_by);
	if (f->assignee)
		bind_text(*out, i++, f->assignee);
	if (f->pack)
		bind_text(*out, i++, f->pack);
	if (f->number)
		bind_text(*out, i++, f->number);
	if (f->search)
		bind_text(*out, i++, f->search);
	if (f->after > 0)
		sqlite3_bind_int64(*out, i++, f->after);
cleanup:
	pd_buf_free(&sql);
	pd_buf_free(&states);
	return rc;
}

static int sqlite_case_list(struct pd_store_backend *b, const struct pd_store_case_filter *f,
                            pd_store_case_fn fn, void *ctx, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	struct pd_arena a;
	sqlite3_stmt *st = NULL;
	int rc, step;
	pd_arena_init(&a, 16384, 0);
	if ((rc = prepare_filter(s, CASE_LIST_SELECT, f, true, &st, "listing cases", err)))
		goto cleanup;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct pd_store_case c;
		pd_arena_reset(&a);
		if ((rc = read_case(s, st, &a, &c, err)))
			goto cleanup;
		if ((rc = fn(ctx, &c)))
			goto cleanup;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "listing cases", err);
cleanup:
	sqlite3_finalize(st);
	pd_arena_free(&a);
	return rc;
}

static int sqlite_case_count(struct pd_store_backend *b, const struct pd_store_case_filter *f,
                             int64_t *out, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	struct pd_store_case_filter all = *f; /* every page: no cursor (nor limit) */
	sqlite3_stmt *st = NULL;
	int rc;
	*out = 0;
	all.after = 0;
	if ((rc = prepare_filter(s, CASE_COUNT_SELECT, &all, false, &st, "counting cases", err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "counting cases", err);
	sqlite3_finalize(st);
	return rc;
}

static int sqlite_sequence_next(struct pd_store_backend *b, const char *name, int year,
                                int64_t *out, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SEQ_NEXT];
	bind_text(st, 1, name);
	sqlite3_bind_int(st, 2, year);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "next number", err);
		done(st);
		return rc;
	}
	*out = sqlite3_column_int64(st, 0);
	return run(s, st, "next number", err); /* steps to the end, resets */
}

/* Inserts with "... RETURNING n" and reads n. */
static int insert_numbered(struct sqlite_store *s, sqlite3_stmt *st, int64_t *n, const char *what,
                           struct pd_error *err)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), what, err);
		done(st);
		return rc;
	}
	if (n)
		*n = sqlite3_column_int64(st, 0);
	return run(s, st, what, err);
}

/* tasks */

static void bind_task(sqlite3_stmt *st, const struct pd_store_task *t)
{
	bind_text(st, 1, t->case_id);
	sqlite3_bind_int64(st, 2, t->n);
	bind_text(st, 3, t->kind);
	bind_date(st, 4, t->created_on);
	bind_text(st, 5, t->created_by);
	bind_date(st, 6, t->due);
	bind_text(st, 7, t->outcome);
	bind_date(st, 8, t->completed_on);
	bind_text(st, 9, t->completed_by);
	bind_text(st, 10, t->note);
}

static int sqlite_task_insert(struct pd_store_backend *b, const struct pd_store_task *t, int64_t *n,
                              struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_TASK_INSERT];
	bind_task(st, t);
	return insert_numbered(s, st, n, "adding a task", err);
}

static int sqlite_task_update(struct pd_store_backend *b, const struct pd_store_task *t,
                              struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_TASK_UPDATE];
	bind_task(st, t);
	int rc = run(s, st, "updating a task", err);
	if (!rc && sqlite3_changes(s->db) != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "case %s has no task %lld", t->case_id,
		                  (long long)t->n);
	return rc;
}

static int sqlite_task_list(struct pd_store_backend *b, const char *case_id, pd_store_task_fn fn,
                            void *ctx, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_TASK_LIST];
	struct pd_arena a;
	int rc = 0, step;
	pd_arena_init(&a, 4096, 0);
	bind_text(st, 1, case_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_task t = {
		    .case_id = col_text(st, 0, &a, &oom),
		    .n = sqlite3_column_int64(st, 1),
		    .kind = col_text(st, 2, &a, &oom),
		    .created_on = col_date(st, 3),
		    .created_by = col_text(st, 4, &a, &oom),
		    .due = col_date(st, 5),
		    .outcome = col_text(st, 6, &a, &oom),
		    .completed_on = col_date(st, 7),
		    .completed_by = col_text(st, 8, &a, &oom),
		    .note = col_text(st, 9, &a, &oom),
		};
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &t)))
			goto cleanup;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "listing tasks", err);
cleanup:
	done(st);
	pd_arena_free(&a);
	return rc;
}

/* notices */

static void bind_notice(sqlite3_stmt *st, const struct pd_store_notice *nt)
{
	bind_text(st, 1, nt->case_id);
	sqlite3_bind_int64(st, 2, nt->n);
	bind_date(st, 3, nt->issued_on);
	bind_text(st, 4, nt->issued_by);
	bind_text(st, 5, nt->materials_json);
	bind_text(st, 6, nt->note);
	bind_date(st, 7, nt->answered_on);
}

static int sqlite_notice_insert(struct pd_store_backend *b, const struct pd_store_notice *nt,
                                int64_t *n, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_NOTICE_INSERT];
	bind_notice(st, nt);
	return insert_numbered(s, st, n, "adding a notice", err);
}

static int sqlite_notice_update(struct pd_store_backend *b, const struct pd_store_notice *nt,
                                struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_NOTICE_UPDATE];
	bind_notice(st, nt);
	int rc = run(s, st, "updating a notice", err);
	if (!rc && sqlite3_changes(s->db) != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "case %s has no notice %lld", nt->case_id,
		                  (long long)nt->n);
	return rc;
}

static int sqlite_notice_list(struct pd_store_backend *b, const char *case_id,
                              pd_store_notice_fn fn, void *ctx, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_NOTICE_LIST];
	struct pd_arena a;
	int rc = 0, step;
	pd_arena_init(&a, 4096, 0);
	bind_text(st, 1, case_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_notice nt = {
		    .case_id = col_text(st, 0, &a, &oom),
		    .n = sqlite3_column_int64(st, 1),
		    .issued_on = col_date(st, 2),
		    .issued_by = col_text(st, 3, &a, &oom),
		    .materials_json = col_text(st, 4, &a, &oom),
		    .note = col_text(st, 5, &a, &oom),
		    .answered_on = col_date(st, 6),
		};
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &nt)))
			goto cleanup;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "listing notices", err);
cleanup:
	done(st);
	pd_arena_free(&a);
	return rc;
}

/* decisions */

static int sqlite_decision_insert(struct pd_store_backend *b, const struct pd_store_decision *d,
                                  int64_t *n, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_DECISION_INSERT];
	bind_text(st, 1, d->case_id);
	bind_text(st, 3, d->action);
	bind_date(st, 4, d->decided_on);
	bind_text(st, 5, d->decided_by);
	bind_text(st, 6, d->verdict);
	bind_text(st, 7, d->pack);
	bind_text(st, 8, d->pack_version);
	bind_text(st, 9, d->case_json);
	bind_text(st, 10, d->result_json);
	bind_text(st, 11, d->ground);
	bind_text(st, 12, d->note);
	return insert_numbered(s, st, n, "adding a decision", err);
}

static int sqlite_decision_list(struct pd_store_backend *b, const char *case_id,
                                pd_store_decision_fn fn, void *ctx, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_DECISION_LIST];
	struct pd_arena a;
	int rc = 0, step;
	pd_arena_init(&a, 16384, 0);
	bind_text(st, 1, case_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_decision d = {
		    .case_id = col_text(st, 0, &a, &oom),
		    .n = sqlite3_column_int64(st, 1),
		    .action = col_text(st, 2, &a, &oom),
		    .decided_on = col_date(st, 3),
		    .decided_by = col_text(st, 4, &a, &oom),
		    .verdict = col_text(st, 5, &a, &oom),
		    .pack = col_text(st, 6, &a, &oom),
		    .pack_version = col_text(st, 7, &a, &oom),
		    .case_json = col_text(st, 8, &a, &oom),
		    .result_json = col_text(st, 9, &a, &oom),
		    .ground = col_text(st, 10, &a, &oom),
		    .note = col_text(st, 11, &a, &oom),
		};
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &d)))
			goto cleanup;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "listing decisions", err);
cleanup:
	done(st);
	pd_arena_free(&a);
	return rc;
}

/* audit */

static int sqlite_audit_head(struct pd_store_backend *b, int64_t *seq, char hash[PD_STORE_HASH_HEX],
                             struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_AUDIT_HEAD];
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE
		         ? pd_error_set(err, PD_ESTORE, "%s: the audit head is missing", s->path)
		         : db_fail(s, sqlite3_extended_errcode(s->db), "reading the audit head",
		                   err);
		done(st);
		return rc;
	}
	*seq = sqlite3_column_int64(st, 0);
	const char *h = (const char *)sqlite3_column_text(st, 1);
	snprintf(hash, PD_STORE_HASH_HEX, "%s", h ? h : "");
	done(st);
	return 0;
}

static int sqlite_audit_append(struct pd_store_backend *b, const struct pd_store_audit *e,
                               struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	/* The head moves first: when e does not follow it, nothing is written. */
	sqlite3_stmt *st = s->st[ST_AUDIT_HEAD_SET];
	sqlite3_bind_int64(st, 1, e->seq);
	bind_text(st, 2, e->hash);
	sqlite3_bind_int64(st, 3, e->seq - 1);
	int rc = run(s, st, "moving the audit head", err);
	if (rc)
		return rc;
	if (sqlite3_changes(s->db) != 1)
		return pd_error_set(err, PD_ECONFLICT, "audit entry %lld does not follow the head",
		                    (long long)e->seq);
	st = s->st[ST_AUDIT_INSERT];
	sqlite3_bind_int64(st, 1, e->seq);
	bind_text(st, 2, e->case_id);
	bind_text(st, 3, e->action);
	bind_text(st, 4, e->actor);
	bind_text(st, 5, e->role);
	bind_date(st, 6, e->at);
	sqlite3_bind_int64(st, 7, e->recorded_at);
	bind_text(st, 8, e->from_state);
	bind_text(st, 9, e->to_state);
	bind_text(st, 10, e->note);
	bind_text(st, 11, e->data);
	bind_text(st, 12, e->prev_hash);
	bind_text(st, 13, e->hash);
	return run(s, st, "appending to the audit trail", err);
}

/* Walks the entries statement st yields (its parameters bound). */
static int audit_walk(struct sqlite_store *s, sqlite3_stmt *st, pd_store_audit_fn fn, void *ctx,
                      struct pd_error *err)
{
	struct pd_arena a;
	int rc = 0, step;
	pd_arena_init(&a, 4096, 0);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_audit e = {
		    .seq = sqlite3_column_int64(st, 0),
		    .case_id = col_text(st, 1, &a, &oom),
		    .action = col_text(st, 2, &a, &oom),
		    .actor = col_text(st, 3, &a, &oom),
		    .role = col_text(st, 4, &a, &oom),
		    .at = col_date(st, 5),
		    .recorded_at = sqlite3_column_int64(st, 6),
		    .from_state = col_text(st, 7, &a, &oom),
		    .to_state = col_text(st, 8, &a, &oom),
		    .note = col_text(st, 9, &a, &oom),
		    .data = col_text(st, 10, &a, &oom),
		};
		const char *ph = (const char *)sqlite3_column_text(st, 11);
		const char *h = (const char *)sqlite3_column_text(st, 12);
		snprintf(e.prev_hash, sizeof(e.prev_hash), "%s", ph ? ph : "");
		snprintf(e.hash, sizeof(e.hash), "%s", h ? h : "");
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &e)))
			goto cleanup;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "reading the audit trail", err);
cleanup:
	done(st);
	pd_arena_free(&a);
	return rc;
}

static int sqlite_audit_list(struct pd_store_backend *b, const char *case_id, pd_store_audit_fn fn,
                             void *ctx, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[case_id ? ST_AUDIT_LIST_CASE : ST_AUDIT_LIST_ALL];
	if (case_id)
		bind_text(st, 1, case_id);
	return audit_walk(s, st, fn, ctx, err);
}

static int sqlite_audit_list_action(struct pd_store_backend *b, const char *action,
                                    pd_store_audit_fn fn, void *ctx, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_AUDIT_LIST_ACTION];
	bind_text(st, 1, action);
	return audit_walk(s, st, fn, ctx, err);
}

/* appointments */

static void bind_appointment(sqlite3_stmt *st, const struct pd_store_appointment *a)
{
	bind_text(st, 1, a->ref);
	bind_text(st, 2, a->office);
	bind_date(st, 3, a->day);
	sqlite3_bind_int(st, 4, a->start);
	sqlite3_bind_int(st, 5, a->minutes);
	bind_text(st, 6, a->passport_number);
	bind_text(st, 7, a->applicant_name);
	bind_text(st, 8, a->case_id);
	bind_text(st, 9, a->case_json);
	bind_text(st, 10, a->booked_by);
	sqlite3_bind_int64(st, 11, a->created_at);
	sqlite3_bind_int64(st, 12, a->updated_at);
	bind_text(st, 13, a->state);
}

static void read_appointment(sqlite3_stmt *st, struct pd_arena *a, struct pd_store_appointment *o,
                             bool *oom)
{
	*o = (struct pd_store_appointment){
	    .ref = col_text(st, 0, a, oom),
	    .office = col_text(st, 1, a, oom),
	    .day = col_date(st, 2),
	    .start = sqlite3_column_int(st, 3),
	    .minutes = sqlite3_column_int(st, 4),
	    .passport_number = col_text(st, 5, a, oom),
	    .applicant_name = col_text(st, 6, a, oom),
	    .case_id = col_text(st, 7, a, oom),
	    .case_json = col_text(st, 8, a, oom),
	    .booked_by = col_text(st, 9, a, oom),
	    .created_at = sqlite3_column_int64(st, 10),
	    .updated_at = sqlite3_column_int64(st, 11),
	    .state = col_text(st, 12, a, oom),
	};
}

static int sqlite_appointment_insert(struct pd_store_backend *b,
                                     const struct pd_store_appointment *a, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_APPT_INSERT];
	bind_appointment(st, a);
	return run(s, st, "adding an appointment", err);
}

static int sqlite_appointment_get(struct pd_store_backend *b, const char *ref,
                                  struct pd_arena *arena, struct pd_store_appointment *out,
                                  struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_APPT_GET];
	bool oom = false;
	bind_text(st, 1, ref);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_appointment(st, arena, out, &oom);
		rc = oom ? nomem(s, err) : 0;
	} else if (rc == SQLITE_DONE) {
		rc = pd_error_set(err, PD_ENOTFOUND, "no appointment '%.40s'", ref);
	} else {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "reading an appointment", err);
	}
	done(st);
	return rc;
}

static int sqlite_appointment_update(struct pd_store_backend *b,
                                     const struct pd_store_appointment *a, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_APPT_UPDATE];
	bind_appointment(st, a);
	int rc = run(s, st, "updating an appointment", err);
	if (!rc && sqlite3_changes(s->db) != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "no appointment '%.40s'", a->ref);
	return rc;
}

static void bind_range(sqlite3_stmt *st, const char *office, pd_date from, pd_date to)
{
	bind_text(st, 1, office);
	bind_date(st, 2, from);
	bind_date(st, 3, to);
}

static int sqlite_appointment_list(struct pd_store_backend *b, const char *office, pd_date from,
                                   pd_date to, pd_store_appointment_fn fn, void *ctx,
                                   struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_APPT_LIST];
	struct pd_arena a;
	int rc = 0, step;
	pd_arena_init(&a, 8192, 0);
	bind_range(st, office, from, to);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct pd_store_appointment o;
		bool oom = false;
		pd_arena_reset(&a);
		read_appointment(st, &a, &o, &oom);
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &o)))
			goto cleanup;
	}
	if (step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "listing appointments", err);
cleanup:
	done(st);
	pd_arena_free(&a);
	return rc;
}

static int sqlite_slot_take(struct pd_store_backend *b, const char *office, pd_date day,
                            int32_t start, int32_t capacity, bool *taken, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SLOT_TAKE];
	bind_text(st, 1, office);
	bind_date(st, 2, day);
	sqlite3_bind_int(st, 3, start);
	sqlite3_bind_int(st, 4, capacity);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "booking a slot", err);
		done(st);
		return rc;
	}
	if (rc == SQLITE_DONE) { /* no row: the slot was full, nothing changed */
		done(st);
		return 0;
	}
	*taken = true;
	return run(s, st, "booking a slot", err); /* steps to the end, resets */
}

static int sqlite_slot_release(struct pd_store_backend *b, const char *office, pd_date day,
                               int32_t start, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SLOT_RELEASE];
	bind_text(st, 1, office);
	bind_date(st, 2, day);
	sqlite3_bind_int(st, 3, start);
	return run(s, st, "giving a slot back", err);
}

static int sqlite_slot_list(struct pd_store_backend *b, const char *office, pd_date from,
                            pd_date to, pd_store_slot_fn fn, void *ctx, struct pd_error *err)
{
	struct sqlite_store *s = self_of(b);
	sqlite3_stmt *st = s->st[ST_SLOT_LIST];
	int rc = 0, step;
	bind_range(st, office, from, to);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = fn(ctx, col_date(st, 0), sqlite3_column_int(st, 1),
		             sqlite3_column_int(st, 2))))
			break;
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "listing slots", err);
	done(st);
	return rc;
}

static const struct pd_store_backend sqlite_backend = {
    .version = PD_STORE_BACKEND_VERSION,
    .name = "sqlite",
    .close = sqlite_close,
    .schema_version = sqlite_schema_version,
    .check = sqlite_check,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .user_insert = sqlite_user_insert,
    .user_get = sqlite_user_get,
    .case_insert = sqlite_case_insert,
    .case_get = sqlite_case_get,
    .case_update = sqlite_case_update,
    .case_list = sqlite_case_list,
    .sequence_next = sqlite_sequence_next,
    .task_insert = sqlite_task_insert,
    .task_update = sqlite_task_update,
    .task_list = sqlite_task_list,
    .notice_insert = sqlite_notice_insert,
    .notice_update = sqlite_notice_update,
    .notice_list = sqlite_notice_list,
    .decision_insert = sqlite_decision_insert,
    .decision_list = sqlite_decision_list,
    .audit_head = sqlite_audit_head,
    .audit_append = sqlite_audit_append,
    .audit_list = sqlite_audit_list,
    .user_list = sqlite_user_list,
    .user_update = sqlite_user_update,
    .session_insert = sqlite_session_insert,
    .session_get = sqlite_session_get,
    .session_touch = sqlite_session_touch,
    .session_revoke = sqlite_session_revoke,
    .session_revoke_user = sqlite_session_revoke_user,
    .case_count = sqlite_case_count,
    .audit_list_action = sqlite_audit_list_action,
    .appointment_insert = sqlite_appointment_insert,
    .appointment_get = sqlite_appointment_get,
    .appointment_update = sqlite_appointment_update,
    .appointment_list = sqlite_appointment_list,
    .slot_take = sqlite_slot_take,
    .slot_release = sqlite_slot_release,
    .slot_list = sqlite_slot_list,
};

/* A file to be written: the file itself and its folder (where SQLite keeps
 * the -wal and -shm files) must be writable, else -PD_EIO saying which. */
static int writable(const char *path, struct pd_error *err)
{
	/* A mode without any write bit says "read-only" even to root, who may
	 * write anything: it is obeyed. */
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat sb;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
	if (access(path, W_OK) != 0 || (stat(path, &sb) == 0 && !(sb.st_mode & 0222)))
		return pd_error_at(err, PD_EIO, path, 0, 0, NULL,
		                   "the database file is read-only: nothing written");
	if (access(dir, W_OK) != 0 || (stat(dir, &sb) == 0 && !(sb.st_mode & 0222)))
		return pd_error_at(err, PD_EIO, path, 0, 0, NULL,
		                   "the database's folder is read-only (SQLite keeps its -wal and "
		                   "-shm files there): nothing written");
	return 0;
}

/* Opens path read-only as an immutable file (a URI with immutable=1). */
static int open_immutable(struct sqlite_store *s, const char *path, int oflags,
                          struct pd_error *err)
{
	struct pd_buf uri;
	pd_buf_init(&uri, 0);
	pd_buf_puts(&uri, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			pd_buf_printf(&uri, "%%%02X", (unsigned char)*p);
		else
			pd_buf_putc(&uri, *p);
	}
	pd_buf_puts(&uri, "?immutable=1");
	int rc = 0;
	if (uri.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
	} else {
		int src = sqlite3_open_v2(uri.data, &s->db, oflags | SQLITE_OPEN_URI, NULL);
		if (src != SQLITE_OK)
			rc = db_fail(s, src, "cannot open", err);
		else
			sqlite3_extended_result_codes(s->db, 1);
	}
	pd_buf_free(&uri);
	return rc;
}

/* Read-only: the schema must be the one this program reads, since nothing
 * may migrate it. */
static int check_version(struct sqlite_store *s, struct pd_error *err)
{
	int version = 0, app = 0, rc;
	if ((rc = pragma_int(s, "PRAGMA user_version", &version, err)) ||
	    (rc = pragma_int(s, "PRAGMA application_id", &app, err)))
		return rc;
	if (app != APPLICATION_ID)
		return pd_error_set(err, PD_ESTORE, "%s: not a permitdesk database", s->path);
	if (version > PD_STORE_SCHEMA_VERSION)
		return pd_error_set(err, PD_EVERSION,
		                    "%s: database schema version %d is newer than this program "
		                    "supports (%d); use a newer permitdesk",
		                    s->path, version, PD_STORE_SCHEMA_VERSION);
	if (version < PD_STORE_SCHEMA_VERSION)
		return pd_error_set(
		    err, PD_EVERSION,
		    "%s: database schema version %d must be migrated to %d, which a "
		    "read-only command cannot do: run a command that writes once",
		    s->path, version, PD_STORE_SCHEMA_VERSION);
	return 0;
}

int pd_store_sqlite_open(const char *location, unsigned flags, struct pd_store_backend **out,
                         struct pd_error *err)
{
	*out = NULL;
	const char *path = strncmp(location, "sqlite:", 7) == 0 ? location + 7 : location;
	if (!path[0])
		return pd_error_set(err, PD_EUSAGE, "no database file given");
	struct stat sb;
	bool readonly = (flags & PD_STORE_READONLY) != 0;
	if (stat(path, &sb) != 0) {
		if (!(flags & PD_STORE_CREATE) || readonly) {
			int code = errno == ENOENT || errno == ENOTDIR ? PD_ENOTFOUND : PD_EIO;
			return pd_error_at(err, code, path, 0, 0, NULL, "no such database: %s",
			                   strerror(errno));
		}
		/* A new file is its owner's alone; SQLite gives -wal and -shm its mode. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return pd_error_at(err, PD_EIO, path, 0, 0, NULL, "cannot create: %s",
			                   strerror(errno));
		if (fd >= 0)
			close(fd);
	} else if (S_ISDIR(sb.st_mode)) {
		return pd_error_at(err, PD_EIO, path, 0, 0, NULL, "is a directory, not a database");
	} else if (!readonly) {
		int rc = writable(path, err);
		if (rc)
			return rc;
	}

	struct sqlite_store *s = calloc(1, sizeof(*s));
	int rc = 0;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	}
	s->base = sqlite_backend;
	s->jitter = (uint32_t)getpid() * 2654435761u;

	int oflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
	             (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
	if ((flags & PD_STORE_CREATE) && !readonly)
		oflags |= SQLITE_OPEN_CREATE;
	int src = sqlite3_open_v2(path, &s->db, oflags, NULL);
	if (src != SQLITE_OK) {
		rc = db_fail(s, src, "cannot open", err);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, s);

	int app = 0;
	if (readonly && pragma_int(s, "PRAGMA application_id", &app, NULL) != 0) {
		/* A WAL database needs its -shm file; in a folder that cannot be
		 * written it cannot be made, and nobody can be writing: read the
		 * file as immutable (https://sqlite.org/uri.html#uriimmutable). */
		sqlite3_close(s->db);
		s->db = NULL;
		if ((rc = open_immutable(s, path, oflags, err)))
			goto fail;
	}
	if ((rc = pragma_int(s, "PRAGMA application_id", &app, err)))
		goto fail;
	if (readonly) {
		if ((rc = check_version(s, err)))
			goto fail;
		goto prepare;
	}
	/* WAL before anything writes; synchronous and foreign keys are per connection. */
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
		rc = db_fail(s, sqlite3_extended_errcode(s->db), "cannot switch to WAL mode", err);
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if ((rc = exec_sql(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", "settings",
	                   err)) ||
	    (rc = migrate(s, err)))
		goto fail;
prepare:
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
		                       NULL) != SQLITE_OK) {
			rc = db_fail(s, sqlite3_extended_errcode(s->db), "preparing statements",
			             err);
			goto fail;
		}
	}
	*out = &s->base;
	return 0;
fail:
	sqlite_close(&s->base);
	return rc;
}
