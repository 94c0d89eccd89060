/*
 * pg.c: the PostgreSQL back end of the store (store.h), on libpq.
 *
 * Several server processes, on several machines, share one database.  What
 * SQLite gets from one write lock per file (BEGIN IMMEDIATE) this back end
 * gets from row locks taken where a transaction reads what it will write
 * (PostgreSQL's documentation, "Explicit Locking", chapter 13.3):
 *
 *   - a write transaction runs at READ COMMITTED; a case or user read inside
 *     it is read with SELECT ... FOR NO KEY UPDATE, so two transitions of one
 *     case take turns and the second sees what the first wrote (the weaker
 *     NO KEY lock still lets other transactions insert rows that refer to the
 *     case, as foreign keys take KEY SHARE);
 *   - numbers (case and receipt numbers, the cases' creation order) come from
 *     rows of `sequences` bumped with INSERT ... ON CONFLICT DO UPDATE ...
 *     RETURNING, which locks the counter's row until commit, so numbers have
 *     no gaps and no duplicates and the creation order is the commit order;
 *   - the audit head is read with SELECT ... FOR UPDATE inside a write
 *     transaction, so every server appends to one chain.
 * Locks are always taken in the order case or user, counters, audit head
 * (the workflow reads the case first and appends the audit entry last), so
 * writers queue rather than deadlock.  Should PostgreSQL still report a
 * deadlock or a serialization failure (40P01, 40001), or the connection be
 * lost before COMMIT, the operation fails with -PD_ERETRY: nothing was
 * written, and the workflow runs the whole transaction again
 * (workflow/txn.c).  A connection lost during COMMIT leaves the outcome
 * unknown; that is -PD_ESTORE saying so, never replayed.  A lost connection
 * is reconnected at the next pd_store_begin().
 *
 * Read transactions are REPEATABLE READ, READ ONLY: one snapshot, no locks.
 *
 * Schema.  The same tables as sqlite.c, numbered migrations in PostgreSQL's
 * dialect, forward only, each applied in one transaction under an advisory
 * lock (so servers starting together migrate once); `permitdesk_schema`
 * records the version.  Dates are TEXT "YYYY-MM-DD" and instants BIGINT
 * microseconds, as in SQLite, so both back ends read back the same values;
 * applicant name and passport number are taken from the case JSON with jsonb
 * operators by permitdesk_json_text(), which gives NULL for a text that is
 * not JSON as SQLite's json_valid() does.
 *
 * Statements are prepared once per connection (and again after a reconnect);
 * a case list, whose conditions vary, is sent with its parameters each time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "permitdesk/store.h"

#ifdef PD_HAVE_PQ

#include <libpq-fe.h>

#define CONNECT_TIMEOUT_S "10"
/* pg_advisory_xact_lock key of the migrations: "pdk1", as SQLite's application_id. */
#define MIGRATION_LOCK "1885629233"
#define MAX_PARAMS 26

/*
 * Migration N (1-based) takes a database from schema version N-1 to N: the
 * same steps as sqlite.c's.  Append only; never edit a migration that has
 * shipped.
 */
/* clang-format off */
static const char *const migrations[] = {
	/* 1: the first schema */
	"CREATE TABLE users (\n"
	"	name TEXT PRIMARY KEY NOT NULL,\n"
	"	role TEXT NOT NULL,\n"
	"	password_hash TEXT NOT NULL,\n"
	"	created_at BIGINT NOT NULL\n"
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
	"	revision BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX cases_state ON cases(state, decision_by);\n"
	"CREATE TABLE case_texts (\n"
	"	case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases(id),\n"
	"	case_json TEXT NOT NULL,\n"
	"	result_json TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX cases_created_by ON cases(created_by);\n"
	"CREATE TABLE sequences (\n"
	"	name TEXT NOT NULL,\n"
	"	year INTEGER NOT NULL,\n"
	"	last BIGINT NOT NULL,\n"
	"	PRIMARY KEY (name, year)\n"
	");\n"
	"CREATE TABLE tasks (\n"
	"	case_id TEXT NOT NULL REFERENCES cases(id),\n"
	"	n BIGINT NOT NULL,\n"
	"	kind TEXT NOT NULL,\n"
	"	created_on TEXT NOT NULL,\n"
	"	created_by TEXT NOT NULL REFERENCES users(name),\n"
	"	due TEXT,\n"
	"	outcome TEXT,\n"
	"	completed_on TEXT,\n"
	"	completed_by TEXT REFERENCES users(name),\n"
	"	note TEXT,\n"
	"	PRIMARY KEY (case_id, n)\n"
	");\n"
	"CREATE TABLE notices (\n"
	"	case_id TEXT NOT NULL REFERENCES cases(id),\n"
	"	n BIGINT NOT NULL,\n"
	"	issued_on TEXT NOT NULL,\n"
	"	issued_by TEXT NOT NULL REFERENCES users(name),\n"
	"	materials_json TEXT NOT NULL,\n"
	"	note TEXT,\n"
	"	answered_on TEXT,\n"
	"	PRIMARY KEY (case_id, n)\n"
	");\n"
	"CREATE TABLE decisions (\n"
	"	case_id TEXT NOT NULL REFERENCES cases(id),\n"
	"	n BIGINT NOT NULL,\n"
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
	");\n"
	"CREATE TABLE audit (\n"
	"	seq BIGINT PRIMARY KEY,\n"
	"	case_id TEXT REFERENCES cases(id),\n"
	"	action TEXT NOT NULL,\n"
	"	actor TEXT NOT NULL,\n"
	"	role TEXT NOT NULL,\n"
	"	at TEXT NOT NULL,\n"
	"	recorded_at BIGINT NOT NULL,\n"
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
	"	seq BIGINT NOT NULL,\n"
	"	hash TEXT NOT NULL\n"
	");\n"
	"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');\n",

	/* 2: users that can be disabled, sessions, a stable creation order of
	 * cases, and the applicant's name and passport number beside each case.
	 * The creation order of existing cases is their creation date and
	 * number; new ones take the counter ('', 0) of `sequences`, which no
	 * pack can name. */
	"CREATE FUNCTION permitdesk_json_text(doc TEXT, path TEXT[]) RETURNS TEXT\n"
	"LANGUAGE plpgsql IMMUTABLE AS $$\n"
	"DECLARE j JSONB;\n"
	"BEGIN\n"
	"	BEGIN\n"
	"		j := doc::jsonb;\n"
	"	EXCEPTION WHEN others THEN\n"
	"		RETURN NULL;\n"
	"	END;\n"
	"	IF jsonb_typeof(j #> path) = 'string' THEN\n"
	"		RETURN j #>> path;\n"
	"	END IF;\n"
	"	RETURN NULL;\n"
	"END $$;\n"
	"ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;\n"
	"CREATE TABLE sessions (\n"
	"	token_hash TEXT PRIMARY KEY NOT NULL,\n"
	"	user_name TEXT NOT NULL REFERENCES users(name),\n"
	"	created_at BIGINT NOT NULL,\n"
	"	last_used_at BIGINT NOT NULL,\n"
	"	expires_at BIGINT NOT NULL,\n"
	"	revoked BOOLEAN NOT NULL DEFAULT FALSE\n"
	");\n"
	"CREATE INDEX sessions_user ON sessions(user_name);\n"
	"ALTER TABLE cases ADD COLUMN seq BIGINT;\n"
	"ALTER TABLE cases ADD COLUMN applicant_name TEXT;\n"
	"ALTER TABLE cases ADD COLUMN passport_number TEXT;\n"
	"UPDATE cases SET seq = o.n FROM (SELECT id, row_number() OVER\n"
	"	(ORDER BY created_on, number) AS n FROM cases) o WHERE o.id = cases.id;\n"
	"INSERT INTO sequences (name, year, last) SELECT '', 0, COALESCE(MAX(seq), 0) FROM cases;\n"
	"UPDATE cases SET\n"
	"	applicant_name = permitdesk_json_text(t.case_json, '{applicant,name}'),\n"
	"	passport_number = permitdesk_json_text(t.case_json, '{applicant,passport,number}')\n"
	"	FROM case_texts t WHERE t.case_id = cases.id;\n"
	"CREATE UNIQUE INDEX cases_seq ON cases(seq);\n"
	"CREATE INDEX cases_pack ON cases(pack, seq);\n"
	"CREATE INDEX cases_assignee ON cases(assignee, seq);\n"
	"CREATE INDEX cases_passport ON cases(lower(passport_number));\n"
	"CREATE INDEX cases_applicant ON cases(lower(applicant_name));\n",

	/* 3: the postal address of a collection by post */
	"ALTER TABLE cases ADD COLUMN collect_address TEXT;\n",

	/* 4: counter appointments, and the places booked in each slot */
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
	"	created_at BIGINT NOT NULL,\n"
	"	updated_at BIGINT NOT NULL,\n"
	"	state TEXT NOT NULL CHECK (state IN ('booked', 'cancelled'))\n"
	");\n"
	"CREATE INDEX appointments_day ON appointments(office, day, start);\n"
	"CREATE TABLE appointment_slots (\n"
	"	office TEXT NOT NULL,\n"
	"	day TEXT NOT NULL,\n"
	"	start INTEGER NOT NULL,\n"
	"	booked INTEGER NOT NULL CHECK (booked >= 0),\n"
	"	PRIMARY KEY (office, day, start)\n"
	");\n",
};
/* clang-format on */
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))
_Static_assert(N_MIGRATIONS == PD_STORE_SCHEMA_VERSION, "one migration per schema version");

/* clang-format off */
/* The columns of a case, in the order of the parameters $1..$23 (as in
 * sqlite.c: 9 and 10 are the texts) and of the result columns 0..28 (27 accepted_by,
 * 28 collect_address, schema 3, written by the update only). */
#define CASE_COLS_INSERT                                                                           \
	"id, number, pack, pack_version, state, created_by, created_on, updated_on, verdict, "     \
	"assignee, receipt_number, accepted_on, receipt_valid_until, decision_by, "                \
	"processing_days, receipt_days, paused_days, supplement_from, supplement_since, "          \
	"decided_on, collect_method, revision, seq, applicant_name, passport_number"
#define CASE_NAME "permitdesk_json_text($9, '{applicant,name}')"
#define CASE_PASSPORT "permitdesk_json_text($9, '{applicant,passport,number}')"
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
	ACCEPTED_BY("c.id") ", c.collect_address "                                                 \
	"FROM cases c JOIN case_texts t ON t.case_id = c.id WHERE c.id = $1"
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
/* ASCII letters to lower case and nothing else, as SQLite's lower() and NOCASE. */
#define ALOWER(x) "translate(" x ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

/*
 * Every statement the back end runs, prepared on each connection.  A name
 * taken by another row, a case or receipt number taken: ON CONFLICT DO
 * NOTHING and a count of 0 rows, so the caller gets -PD_ECONFLICT and the
 * transaction is not aborted by the error (as in SQLite).
 */
#define STMT_MAP(X)                                                                                \
	X(BEGIN_READ, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")                          \
	X(BEGIN_WRITE, "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE")                         \
	X(COMMIT, "COMMIT")                                                                        \
	X(ROLLBACK, "ROLLBACK")                                                                    \
	X(SCHEMA_VERSION, "SELECT version FROM permitdesk_schema WHERE id = 1")                    \
	X(USER_INSERT, "INSERT INTO users (" USER_COLS ") VALUES ($1, $2, $3, $4, $5) "            \
		       "ON CONFLICT DO NOTHING")                                                   \
	X(USER_GET, "SELECT " USER_COLS " FROM users WHERE name = $1")                            \
	X(USER_GET_LOCK, "SELECT " USER_COLS " FROM users WHERE name = $1 FOR NO KEY UPDATE")     \
	X(USER_LIST, "SELECT " USER_COLS " FROM users ORDER BY name COLLATE \"C\"")               \
	X(USER_UPDATE, "UPDATE users SET disabled = $2, password_hash = $3 WHERE name = $1")      \
	X(SESSION_INSERT, "INSERT INTO sessions (" SESSION_COLS ") VALUES ($1, $2, $3, $4, $5, $6) " \
			  "ON CONFLICT DO NOTHING")                                                \
	X(SESSION_GET, "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = $1")             \
	X(SESSION_TOUCH, "UPDATE sessions SET last_used_at = $2 "                                  \
			 "WHERE token_hash = $1 AND NOT revoked AND last_used_at < $2")            \
	X(SESSION_REVOKE, "UPDATE sessions SET revoked = TRUE WHERE token_hash = $1")              \
	X(SESSION_REVOKE_USER, "UPDATE sessions SET revoked = TRUE "                               \
			       "WHERE user_name = $1 AND NOT revoked")                             \
	X(CASE_INSERT, "WITH n AS (INSERT INTO sequences (name, year, last) VALUES ('', 0, 1) "    \
		       "ON CONFLICT (name, year) DO UPDATE SET last = sequences.last + 1 "         \
		       "RETURNING last), "                                                         \
		       "c AS (INSERT INTO cases (" CASE_COLS_INSERT ") SELECT $1, $2, $3, $4, "    \
		       "$5, $6, $7, $8, $11, $12, $13, $14, $15, $16, $17::integer, "              \
		       "$18::integer, $19::integer, $20, $21, $22, $23, 1, n.last, " CASE_NAME     \
		       ", " CASE_PASSPORT " FROM n ON CONFLICT DO NOTHING RETURNING id) "          \
		       "INSERT INTO case_texts (case_id, case_json, result_json) "                 \
		       "SELECT id, $9, $10 FROM c")                                                \
	X(CASE_GET, CASE_SELECT)                                                                   \
	X(CASE_GET_LOCK, CASE_SELECT " FOR NO KEY UPDATE OF c")                                    \
	/* own numbering: $1 id, $2..$18, $21 the mutable columns, $19 case_json, $20 revision */ \
	X(CASE_UPDATE, "UPDATE cases SET pack = $2, pack_version = $3, state = $4, "               \
		       "updated_on = $5, verdict = $6, assignee = $7, receipt_number = $8, "       \
		       "accepted_on = $9, receipt_valid_until = $10, decision_by = $11, "          \
		       "processing_days = $12, receipt_days = $13, paused_days = $14, "            \
		       "supplement_from = $15, supplement_since = $16, decided_on = $17, "         \
		       "collect_method = $18, collect_address = $21, "                             \
		       "applicant_name = permitdesk_json_text($19, '{applicant,name}'), "          \
		       "passport_number = permitdesk_json_text($19, '{applicant,passport,number}'), " \
		       "revision = $20 + 1 WHERE id = $1 AND revision = $20")                      \
	/* written only when they changed: most transitions leave them alone */                    \
	X(TEXTS_UPDATE, "UPDATE case_texts SET case_json = $2, result_json = $3 "                  \
			"WHERE case_id = $1 AND (case_json IS DISTINCT FROM $2 "                   \
			"OR result_json IS DISTINCT FROM $3)")                                     \
	X(SEQ_NEXT, "INSERT INTO sequences (name, year, last) VALUES ($1, $2, 1) "                 \
		    "ON CONFLICT (name, year) DO UPDATE SET last = sequences.last + 1 "            \
		    "RETURNING last")                                                              \
	X(TASK_INSERT, "INSERT INTO tasks (" TASK_COLS ") SELECT $1, "                             \
		       "COALESCE(MAX(n), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9 "                  \
		       "FROM tasks WHERE case_id = $1 RETURNING n")                                \
	X(TASK_UPDATE, "UPDATE tasks SET outcome = $3, completed_on = $4, completed_by = $5, "    \
		       "note = $6 WHERE case_id = $1 AND n = $2")                                  \
	X(TASK_LIST, "SELECT " TASK_COLS " FROM tasks WHERE case_id = $1 ORDER BY n")              \
	X(NOTICE_INSERT, "INSERT INTO notices (" NOTICE_COLS ") SELECT $1, "                       \
			 "COALESCE(MAX(n), 0) + 1, $2, $3, $4, $5, $6 "                            \
			 "FROM notices WHERE case_id = $1 RETURNING n")                            \
	X(NOTICE_UPDATE, "UPDATE notices SET answered_on = $3 WHERE case_id = $1 AND n = $2")     \
	X(NOTICE_LIST, "SELECT " NOTICE_COLS " FROM notices WHERE case_id = $1 ORDER BY n")        \
	X(DECISION_INSERT, "INSERT INTO decisions (" DECISION_COLS ") SELECT $1, "                 \
			   "COALESCE(MAX(n), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 "    \
			   "FROM decisions WHERE case_id = $1 RETURNING n")                        \
	X(DECISION_LIST, "SELECT " DECISION_COLS " FROM decisions WHERE case_id = $1 ORDER BY n")  \
	X(AUDIT_HEAD, "SELECT seq, hash FROM audit_head WHERE id = 1")                             \
	X(AUDIT_HEAD_LOCK, "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")             \
	X(AUDIT_INSERT, "INSERT INTO audit (" AUDIT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, "  \
			"$8, $9, $10, $11, $12, $13)")                                             \
	X(AUDIT_HEAD_SET, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3")   \
	X(AUDIT_LIST_ALL, "SELECT " AUDIT_COLS " FROM audit ORDER BY seq")                         \
	X(AUDIT_LIST_CASE, "SELECT " AUDIT_COLS " FROM audit WHERE case_id = $1 ORDER BY seq")     \
	X(AUDIT_LIST_ACTION, "SELECT " AUDIT_COLS " FROM audit WHERE case_id IS NULL "             \
			     "AND action = $1 ORDER BY seq")                                       \
	X(APPT_INSERT, "INSERT INTO appointments (" APPT_COLS ") VALUES ($1, $2, $3, "             \
		       "$4::integer, $5::integer, $6, $7, $8, $9, $10, $11, $12, $13) "            \
		       "ON CONFLICT DO NOTHING")                                                   \
	X(APPT_GET, "SELECT " APPT_COLS " FROM appointments WHERE ref = $1")                      \
	X(APPT_GET_LOCK, "SELECT " APPT_COLS " FROM appointments WHERE ref = $1 "                 \
			 "FOR NO KEY UPDATE")                                                      \
	X(APPT_UPDATE, "UPDATE appointments SET day = $2, start = $3::integer, "                  \
		       "minutes = $4::integer, updated_at = $5, state = $6 WHERE ref = $1")        \
	X(APPT_LIST, "SELECT " APPT_COLS " FROM appointments WHERE office = $1 AND day >= $2 "    \
		     "AND day <= $3 AND state = 'booked' ORDER BY day, start, created_at, ref")    \
	/* the check and the count in one statement: the conflicting row is locked,  */          \
	/* and the condition is read again on its latest version (READ COMMITTED)    */          \
	X(SLOT_TAKE, "INSERT INTO appointment_slots (office, day, start, booked) "                 \
		     "VALUES ($1, $2, $3::integer, 1) ON CONFLICT (office, day, start) "           \
		     "DO UPDATE SET booked = appointment_slots.booked + 1 "                        \
		     "WHERE appointment_slots.booked < $4::integer RETURNING booked")              \
	X(SLOT_RELEASE, "UPDATE appointment_slots SET booked = booked - 1 "                        \
			"WHERE office = $1 AND day = $2 AND start = $3::integer AND booked > 0")   \
	X(SLOT_LIST, "SELECT day, start, booked FROM appointment_slots WHERE office = $1 "         \
		     "AND day >= $2 AND day <= $3 AND booked > 0 ORDER BY day, start")

enum stmt_id {
#define X_ENUM(name, sql) ST_##name,
	STMT_MAP(X_ENUM)
#undef X_ENUM
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
#define X_SQL(name, sql) [ST_##name] = sql,
    STMT_MAP(X_SQL)
#undef X_SQL
};

static const char *const stmt_name[ST_COUNT] = {
#define X_NAME(name, sql) [ST_##name] = "pd_" #name,
    STMT_MAP(X_NAME)
#undef X_NAME
};
/* clang-format on */

struct pg_store {
	struct pd_store_backend base; /* first: the table is the handle */
	PGconn *conn;
	char *where; /* the location without its password, for messages */
	int txn;     /* -1 none, else enum pd_txn */
};

static struct pg_store *self_of(struct pd_store_backend *b)
{
	return (struct pg_store *)b;
}

/* ---- parameters: every value is sent as text ---- */

struct params {
	const char *v[MAX_PARAMS + 1]; /* 1-based, as $1 .. $n */
	char num[MAX_PARAMS + 1][24];
	int n;
};

static void p_at(struct params *p, int i)
{
	if (i > p->n)
		p->n = i;
}

static void p_text(struct params *p, int i, const char *v)
{
	p->v[i] = v;
	p_at(p, i);
}

static void p_int(struct params *p, int i, int64_t v)
{
	snprintf(p->num[i], sizeof(p->num[i]), "%lld", (long long)v);
	p->v[i] = p->num[i];
	p_at(p, i);
}

static void p_bool(struct params *p, int i, bool v)
{
	p->v[i] = v ? "t" : "f";
	p_at(p, i);
}

static void p_date(struct params *p, int i, pd_date d)
{
	if (d == PD_DATE_NONE) {
		p->v[i] = NULL;
	} else {
		pd_date_format(d, p->num[i]);
		p->v[i] = p->num[i];
	}
	p_at(p, i);
}

/* processing_days and receipt_days: -1 is stored as NULL. */
static void p_days(struct params *p, int i, int32_t v)
{
	if (v < 0) {
		p->v[i] = NULL;
		p_at(p, i);
	} else {
		p_int(p, i, v);
	}
}

/* ---- reading columns ---- */

static const char *col_text(PGresult *r, int row, int i, struct pd_arena *a, bool *oom)
{
	if (PQgetisnull(r, row, i))
		return NULL;
	const char *copy =
	    pd_arena_strndup(a, PQgetvalue(r, row, i), (size_t)PQgetlength(r, row, i));
	if (!copy)
		*oom = true;
	return copy;
}

static int64_t col_int(PGresult *r, int row, int i)
{
	return PQgetisnull(r, row, i) ? 0 : strtoll(PQgetvalue(r, row, i), NULL, 10);
}

static bool col_bool(PGresult *r, int row, int i)
{
	return !PQgetisnull(r, row, i) && PQgetvalue(r, row, i)[0] == 't';
}

static pd_date col_date(PGresult *r, int row, int i)
{
	pd_date d;
	if (PQgetisnull(r, row, i) ||
	    pd_date_parse(PQgetvalue(r, row, i), (size_t)PQgetlength(r, row, i), &d) != 0)
		return PD_DATE_NONE;
	return d;
}

static int32_t col_days(PGresult *r, int row, int i)
{
	return PQgetisnull(r, row, i) ? -1 : (int32_t)col_int(r, row, i);
}

static void col_hash(PGresult *r, int row, int i, char out[PD_STORE_HASH_HEX])
{
	snprintf(out, PD_STORE_HASH_HEX, "%s", PQgetisnull(r, row, i) ? "" : PQgetvalue(r, row, i));
}

static int nomem(struct pg_store *s, struct pd_error *err)
{
	return pd_error_set(err, PD_ENOMEM, "%s: out of memory reading a row", s->where);
}

/* ---- errors ---- */

/* The message of a failed result or of the connection, on one line. */
static void one_line(const char *msg, char *out, size_t size)
{
	snprintf(out, size, "%s", msg && msg[0] ? msg : "unknown error");
	char *w = out;
	for (const char *p = out; *p; p++) {
		if (*p == '\t' || (*p == '\n' && !p[1]))
			continue;
		*w++ = *p == '\n' ? ' ' : *p;
	}
	*w = '\0';
}

/*
 * Maps a failed statement to a pd error naming the database.  What the
 * workflow may simply run again is -PD_ERETRY: a deadlock, a serialization
 * failure, or the connection lost inside a write transaction (whose changes
 * the server then rolls back).
 */
static int db_fail(struct pg_store *s, PGresult *r, const char *what, struct pd_error *err)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[300];
	int code = PD_ESTORE;
	one_line(primary ? primary : PQerrorMessage(s->conn), msg, sizeof(msg));
	if (PQstatus(s->conn) != CONNECTION_OK) {
		code = s->txn == PD_TXN_WRITE ? PD_ERETRY : PD_EUNAVAILABLE;
		return pd_error_set(err, code, "%s: %s: connection lost: %s", s->where, what, msg);
	}
	if (!state)
		state = "";
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		code = PD_ERETRY;
	else if (strcmp(state, "23505") == 0)
		code = PD_ECONFLICT;
	else if (strcmp(state, "25006") == 0)
		return pd_error_set(err, PD_ECONFIG,
		                    "%s: %s: the database is read-only (a replica?): %s", s->where,
		                    what, msg);
	else if (strncmp(state, "08", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	         strncmp(state, "57P", 3) == 0)
		code = PD_EUNAVAILABLE;
	return pd_error_set(err, code, "%s: %s: %s", s->where, what, msg);
}

/* Runs prepared statement `id` with p's values; *out gets the result (to
 * PQclear) when it succeeded. */
static int exec(struct pg_store *s, enum stmt_id id, const struct params *p, PGresult **out,
                const char *what, struct pd_error *err)
{
	*out = NULL;
	PGresult *r = PQexecPrepared(s->conn, stmt_name[id], p ? p->n : 0, p ? p->v + 1 : NULL,
	                             NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		*out = r;
		return 0;
	}
	int rc = db_fail(s, r, what, err);
	PQclear(r);
	return rc;
}

/* Runs a statement whose rows are not read; *changed gets the rows it touched. */
static int run(struct pg_store *s, enum stmt_id id, const struct params *p, int64_t *changed,
               const char *what, struct pd_error *err)
{
	PGresult *r = NULL;
	int rc = exec(s, id, p, &r, what, err);
	if (!rc && changed)
		*changed = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return rc;
}

/* SQL text run as it is (migrations, the checks); several statements allowed. */
static int exec_sql(struct pg_store *s, const char *sql, const char *what, struct pd_error *err)
{
	PGresult *r = PQexec(s->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : db_fail(s, r, what, err);
	PQclear(r);
	return rc;
}

/* ---- connecting, migrating, closing ---- */

/* The location for messages: "postgresql://user:secret@host/db" loses ":secret". */
static char *redact(const char *location)
{
	char *w = strdup(location);
	if (!w)
		return NULL;
	char *auth = strstr(w, "://");
	if (!auth)
		return w;
	auth += 3;
	char *at = strchr(auth, '@');
	char *slash = strchr(auth, '/');
	if (!at || (slash && slash < at))
		return w;
	char *colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon)
		memmove(colon, at, strlen(at) + 1);
	return w;
}

static int prepare_all(struct pg_store *s, struct pd_error *err)
{
	for (int i = 0; i < ST_COUNT; i++) {
		PGresult *r = PQprepare(s->conn, stmt_name[i], stmt_sql[i], 0, NULL);
		int rc = PQresultStatus(r) == PGRES_COMMAND_OK
		             ? 0
		             : db_fail(s, r, "preparing statements", err);
		PQclear(r);
		if (rc)
			return rc;
	}
	return 0;
}

/* Why a connection could not be made, as a pd error: a database, role or
 * password that is wrong is configuration (78), a server that does not
 * answer is temporary (75). */
static int connect_fail(struct pg_store *s, struct pd_error *err)
{
	char msg[400];
	one_line(PQerrorMessage(s->conn), msg, sizeof(msg));
	int code = PD_EUNAVAILABLE;
	if (strstr(msg, "database \"") && strstr(msg, "does not exist"))
		code = PD_ENOTFOUND;
	else if (strstr(msg, "authentication") || strstr(msg, "does not exist") ||
	         strstr(msg, "password") || strstr(msg, "no pg_hba.conf entry") ||
	         strstr(msg, "permission denied"))
		code = PD_ECONFIG;
	return pd_error_at(err, code, s->where, 0, 0, NULL, "cannot connect: %s", msg);
}

/* Reconnects a connection that was lost and prepares the statements again. */
static int reconnect(struct pg_store *s, struct pd_error *err)
{
	PQreset(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK)
		return connect_fail(s, err);
	return prepare_all(s, err);
}

/* The schema version, 0 when the database has none of our tables; a
 * database with tables of ours but no version is not ours. */
static int read_version(struct pg_store *s, int *version, struct pd_error *err)
{
	PGresult *r = PQexec(s->conn, "SELECT to_regclass('permitdesk_schema') IS NOT NULL, "
	                              "to_regclass('cases') IS NOT NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		int rc = db_fail(s, r, "reading the schema version", err);
		PQclear(r);
		return rc;
	}
	bool ours = col_bool(r, 0, 0), cases = col_bool(r, 0, 1);
	PQclear(r);
	*version = 0;
	if (!ours)
		return cases
		           ? pd_error_set(err, PD_ESTORE, "%s: not a permitdesk database", s->where)
		           : 0;
	r = PQexec(s->conn, "SELECT version FROM permitdesk_schema WHERE id = 1");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		int rc =
		    PQresultStatus(r) == PGRES_TUPLES_OK
		        ? pd_error_set(err, PD_ESTORE, "%s: not a permitdesk database", s->where)
		        : db_fail(s, r, "reading the schema version", err);
		PQclear(r);
		return rc;
	}
	*version = (int)col_int(r, 0, 0);
	PQclear(r);
	return 0;
}

static int newer(struct pg_store *s, int version, struct pd_error *err)
{
	return pd_error_set(err, PD_EVERSION,
	                    "%s: database schema version %d is newer than this program "
	                    "supports (%d); use a newer permitdesk",
	                    s->where, version, PD_STORE_SCHEMA_VERSION);
}

/*
 * Brings the schema to PD_STORE_SCHEMA_VERSION.  Nothing is written when it
 * is there already (so a read-only replica opens); else one transaction under
 * an advisory lock re-reads the version, since another server may have
 * migrated while this one waited, and applies what is missing.
 */
static int migrate(struct pg_store *s, unsigned flags, struct pd_error *err)
{
	int version = 0, rc;
	if ((rc = read_version(s, &version, err)))
		return rc;
	if (version > PD_STORE_SCHEMA_VERSION)
		return newer(s, version, err);
	if (version == PD_STORE_SCHEMA_VERSION)
		return 0;
	if (version == 0 && !(flags & PD_STORE_CREATE))
		return pd_error_at(err, PD_ENOTFOUND, s->where, 0, 0, NULL,
		                   "no such database: it has no permitdesk tables");
	if ((rc = exec_sql(s, "BEGIN; SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")",
	                   "migration", err)) ||
	    (rc = read_version(s, &version, err)))
		goto rollback;
	if (version > PD_STORE_SCHEMA_VERSION) {
		rc = newer(s, version, err);
		goto rollback;
	}
	if (version == 0 &&
	    (rc = exec_sql(s,
	                   "CREATE TABLE permitdesk_schema (id INTEGER PRIMARY KEY CHECK (id = 1), "
	                   "version INTEGER NOT NULL); "
	                   "INSERT INTO permitdesk_schema (id, version) VALUES (1, 0)",
	                   "migration", err)))
		goto rollback;
	for (; version < PD_STORE_SCHEMA_VERSION; version++) {
		char set[96];
		snprintf(set, sizeof(set), "UPDATE permitdesk_schema SET version = %d",
		         version + 1);
		if ((rc = exec_sql(s, migrations[version], "migration", err)) ||
		    (rc = exec_sql(s, set, "migration", err)))
			goto rollback;
	}
	PGresult *r = PQexec(s->conn, "COMMIT");
	rc = PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0
	         ? 0
	         : db_fail(s, r, "migration", err);
	PQclear(r);
	return rc;
rollback:
	PQclear(PQexec(s->conn, "ROLLBACK"));
	return rc;
}

static void pg_close(struct pd_store_backend *b)
{
	struct pg_store *s = self_of(b);
	if (!s)
		return;
	PQfinish(s->conn);
	free(s->where);
	free(s);
}

/* ---- the operations ---- */

static int pg_schema_version(struct pd_store_backend *b, int *version, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	PGresult *r = NULL;
	int rc = exec(s, ST_SCHEMA_VERSION, NULL, &r, "reading the schema version", err);
	if (!rc)
		*version = PQntuples(r) == 1 ? (int)col_int(r, 0, 0) : 0;
	PQclear(r);
	return rc;
}

/*
 * PostgreSQL keeps its own pages and foreign keys sound; what it cannot know
 * are the store's own invariants: the audit head is the last entry, the trail
 * has no gaps, and the creation-order counter is past every case.
 */
static int pg_check(struct pd_store_backend *b, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	PGresult *r = PQexec(
	    s->conn, "SELECT (SELECT seq FROM audit_head WHERE id = 1), "
	             "(SELECT COALESCE(MAX(seq), 0) FROM audit), (SELECT count(*) FROM audit), "
	             "(SELECT COALESCE(MAX(seq), 0) FROM cases), "
	             "(SELECT COALESCE(MAX(last), 0) FROM sequences WHERE name = '' AND year = 0), "
	             "(SELECT count(*) FROM cases c LEFT JOIN case_texts t ON t.case_id = c.id "
	             "WHERE t.case_id IS NULL)");
	int rc = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = db_fail(s, r, "checking", err);
	} else if (col_int(r, 0, 0) != col_int(r, 0, 1) || col_int(r, 0, 1) != col_int(r, 0, 2)) {
		rc = pd_error_set(err, PD_ESTORE,
		                  "%s: check: audit head %lld, last entry %lld, %lld entries",
		                  s->where, (long long)col_int(r, 0, 0),
		                  (long long)col_int(r, 0, 1), (long long)col_int(r, 0, 2));
	} else if (col_int(r, 0, 3) > col_int(r, 0, 4)) {
		rc = pd_error_set(err, PD_ESTORE, "%s: check: case %lld is past the counter %lld",
		                  s->where, (long long)col_int(r, 0, 3),
		                  (long long)col_int(r, 0, 4));
	} else if (col_int(r, 0, 5) != 0) {
		rc = pd_error_set(err, PD_ESTORE, "%s: check: %lld cases without their texts",
		                  s->where, (long long)col_int(r, 0, 5));
	}
	PQclear(r);
	return rc;
}

/*
 * Begins a transaction, reconnecting first when the connection was lost
 * (also when that shows only now, as BEGIN fails on it).
 */
static int pg_begin(struct pd_store_backend *b, enum pd_txn kind, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	enum stmt_id id = kind == PD_TXN_WRITE ? ST_BEGIN_WRITE : ST_BEGIN_READ;
	int rc;
	if (PQstatus(s->conn) != CONNECTION_OK && (rc = reconnect(s, err)))
		return rc;
	rc = run(s, id, NULL, NULL, "begin transaction", err);
	if (rc && PQstatus(s->conn) != CONNECTION_OK) {
		if ((rc = reconnect(s, err)))
			return rc;
		rc = run(s, id, NULL, NULL, "begin transaction", err);
	}
	if (!rc)
		s->txn = (int)kind;
	return rc;
}

/*
 * COMMIT.  An answer "ROLLBACK" (the transaction had failed) wrote nothing;
 * no answer, because the connection broke, means the outcome is unknown.
 */
static int pg_commit(struct pd_store_backend *b, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	PGresult *r = PQexecPrepared(s->conn, stmt_name[ST_COMMIT], 0, NULL, NULL, NULL, 0);
	int rc = 0;
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
			rc = pd_error_set(
			    err, PD_ESTORE,
			    "%s: commit: the transaction had failed and was rolled back", s->where);
	} else if (PQstatus(s->conn) != CONNECTION_OK) {
		char msg[300];
		one_line(PQerrorMessage(s->conn), msg, sizeof(msg));
		rc = pd_error_set(err, PD_ESTORE,
		                  "%s: commit: connection lost, the outcome is unknown (the change "
		                  "may or may not have been stored): %s",
		                  s->where, msg);
	} else {
		rc = db_fail(s, r, "commit", err);
	}
	PQclear(r);
	s->txn = -1;
	return rc;
}

static void pg_rollback(struct pd_store_backend *b)
{
	struct pg_store *s = self_of(b);
	s->txn = -1;
	if (PQstatus(s->conn) == CONNECTION_OK && PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		PQclear(PQexecPrepared(s->conn, stmt_name[ST_ROLLBACK], 0, NULL, NULL, NULL, 0));
}

/* users */

static void read_user(PGresult *r, int row, struct pd_arena *a, struct pd_store_user *out,
                      bool *oom)
{
	memset(out, 0, sizeof(*out));
	out->name = col_text(r, row, 0, a, oom);
	out->role = col_text(r, row, 1, a, oom);
	out->password_hash = col_text(r, row, 2, a, oom);
	out->created_at = col_int(r, row, 3);
	out->disabled = col_bool(r, row, 4);
}

static int pg_user_insert(struct pd_store_backend *b, const struct pd_store_user *u,
                          struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, u->name);
	p_text(&p, 2, u->role);
	p_text(&p, 3, u->password_hash);
	p_int(&p, 4, u->created_at);
	p_bool(&p, 5, u->disabled);
	int rc = run(s, ST_USER_INSERT, &p, &n, "adding a user", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ECONFLICT, "user '%s' exists", u->name);
	return rc;
}

static int pg_user_get(struct pd_store_backend *b, const char *name, struct pd_arena *a,
                       struct pd_store_user *out, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	PGresult *r = NULL;
	p_text(&p, 1, name);
	int rc = exec(s, s->txn == PD_TXN_WRITE ? ST_USER_GET_LOCK : ST_USER_GET, &p, &r,
	              "reading a user", err);
	if (rc)
		return rc;
	if (PQntuples(r) == 0) {
		rc = pd_error_set(err, PD_ENOTFOUND, "no user '%s'", name);
	} else {
		bool oom = false;
		read_user(r, 0, a, out, &oom);
		rc = oom ? nomem(s, err) : 0;
	}
	PQclear(r);
	return rc;
}

static int pg_user_list(struct pd_store_backend *b, pd_store_user_fn fn, void *ctx,
                        struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct pd_arena a;
	PGresult *r = NULL;
	int rc;
	pd_arena_init(&a, 4096, 0);
	if ((rc = exec(s, ST_USER_LIST, NULL, &r, "listing users", err)))
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		bool oom = false;
		struct pd_store_user u;
		pd_arena_reset(&a);
		read_user(r, i, &a, &u, &oom);
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &u)))
			goto cleanup;
	}
cleanup:
	PQclear(r);
	pd_arena_free(&a);
	return rc;
}

static int pg_user_update(struct pd_store_backend *b, const struct pd_store_user *u,
                          struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, u->name);
	p_bool(&p, 2, u->disabled);
	p_text(&p, 3, u->password_hash);
	int rc = run(s, ST_USER_UPDATE, &p, &n, "updating a user", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "no user '%s'", u->name);
	return rc;
}

/* sessions */

static int pg_session_insert(struct pd_store_backend *b, const struct pd_store_session *ss,
                             struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, ss->token_hash);
	p_text(&p, 2, ss->user);
	p_int(&p, 3, ss->created_at);
	p_int(&p, 4, ss->last_used_at);
	p_int(&p, 5, ss->expires_at);
	p_bool(&p, 6, ss->revoked);
	int rc = run(s, ST_SESSION_INSERT, &p, &n, "adding a session", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ECONFLICT, "%s: adding a session: the token hash exists",
		                  s->where);
	return rc;
}

static int pg_session_get(struct pd_store_backend *b, const char *token_hash, struct pd_arena *a,
                          struct pd_store_session *out, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	PGresult *r = NULL;
	p_text(&p, 1, token_hash);
	int rc = exec(s, ST_SESSION_GET, &p, &r, "reading a session", err);
	if (rc)
		return rc;
	if (PQntuples(r) == 0) {
		rc = pd_error_set(err, PD_ENOTFOUND, "no such session");
	} else {
		bool oom = false;
		memset(out, 0, sizeof(*out));
		out->token_hash = col_text(r, 0, 0, a, &oom);
		out->user = col_text(r, 0, 1, a, &oom);
		out->created_at = col_int(r, 0, 2);
		out->last_used_at = col_int(r, 0, 3);
		out->expires_at = col_int(r, 0, 4);
		out->revoked = col_bool(r, 0, 5);
		rc = oom ? nomem(s, err) : 0;
	}
	PQclear(r);
	return rc;
}

static int pg_session_touch(struct pd_store_backend *b, const char *token_hash, int64_t at,
                            struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	p_text(&p, 1, token_hash);
	p_int(&p, 2, at);
	return run(s, ST_SESSION_TOUCH, &p, NULL, "recording a session's use", err);
}

static int pg_session_revoke(struct pd_store_backend *b, const char *token_hash,
                             struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	p_text(&p, 1, token_hash);
	return run(s, ST_SESSION_REVOKE, &p, NULL, "ending a session", err);
}

static int pg_session_revoke_user(struct pd_store_backend *b, const char *user,
                                  struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	p_text(&p, 1, user);
	return run(s, ST_SESSION_REVOKE_USER, &p, NULL, "ending a user's sessions", err);
}

/* cases */

static void bind_case(struct params *p, const struct pd_store_case *c)
{
	p_text(p, 1, c->id);
	p_text(p, 2, c->number);
	p_text(p, 3, c->pack);
	p_text(p, 4, c->pack_version);
	p_text(p, 5, c->state);
	p_text(p, 6, c->created_by);
	p_date(p, 7, c->created_on);
	p_date(p, 8, c->updated_on);
	p_text(p, 9, c->case_json);
	p_text(p, 10, c->result_json);
	p_text(p, 11, c->verdict);
	p_text(p, 12, c->assignee);
	p_text(p, 13, c->receipt_number);
	p_date(p, 14, c->accepted_on);
	p_date(p, 15, c->receipt_valid_until);
	p_date(p, 16, c->decision_by);
	p_days(p, 17, c->processing_days);
	p_days(p, 18, c->receipt_days);
	p_int(p, 19, c->paused_days);
	p_text(p, 20, c->supplement_from);
	p_date(p, 21, c->supplement_since);
	p_date(p, 22, c->decided_on);
	p_text(p, 23, c->collect_method);
}

static int read_case(struct pg_store *s, PGresult *r, int row, struct pd_arena *a,
                     struct pd_store_case *c, struct pd_error *err)
{
	bool oom = false;
	memset(c, 0, sizeof(*c));
	c->id = col_text(r, row, 0, a, &oom);
	c->number = col_text(r, row, 1, a, &oom);
	c->pack = col_text(r, row, 2, a, &oom);
	c->pack_version = col_text(r, row, 3, a, &oom);
	c->state = col_text(r, row, 4, a, &oom);
	c->created_by = col_text(r, row, 5, a, &oom);
	c->created_on = col_date(r, row, 6);
	c->updated_on = col_date(r, row, 7);
	c->case_json = col_text(r, row, 8, a, &oom);
	c->result_json = col_text(r, row, 9, a, &oom);
	c->verdict = col_text(r, row, 10, a, &oom);
	c->assignee = col_text(r, row, 11, a, &oom);
	c->receipt_number = col_text(r, row, 12, a, &oom);
	c->accepted_on = col_date(r, row, 13);
	c->receipt_valid_until = col_date(r, row, 14);
	c->decision_by = col_date(r, row, 15);
	c->processing_days = col_days(r, row, 16);
	c->receipt_days = col_days(r, row, 17);
	c->paused_days = (int32_t)col_int(r, row, 18);
	c->supplement_from = col_text(r, row, 19, a, &oom);
	c->supplement_since = col_date(r, row, 20);
	c->decided_on = col_date(r, row, 21);
	c->collect_method = col_text(r, row, 22, a, &oom);
	c->revision = col_int(r, row, 23);
	c->seq = col_int(r, row, 24);
	c->applicant_name = col_text(r, row, 25, a, &oom);
	c->passport_number = col_text(r, row, 26, a, &oom);
	c->accepted_by = col_text(r, row, 27, a, &oom);
	c->collect_address = col_text(r, row, 28, a, &oom);
	return oom ? nomem(s, err) : 0;
}

static int pg_case_insert(struct pd_store_backend *b, const struct pd_store_case *c,
                          struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	bind_case(&p, c);
	int rc = run(s, ST_CASE_INSERT, &p, &n, "adding a case", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ECONFLICT, "case %s (%s) exists", c->id, c->number);
	return rc;
}

static int pg_case_get(struct pd_store_backend *b, const char *id, struct pd_arena *a,
                       struct pd_store_case *out, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	PGresult *r = NULL;
	p_text(&p, 1, id);
	int rc = exec(s, s->txn == PD_TXN_WRITE ? ST_CASE_GET_LOCK : ST_CASE_GET, &p, &r,
	              "reading a case", err);
	if (rc)
		return rc;
	rc = PQntuples(r) == 0 ? pd_error_set(err, PD_ENOTFOUND, "no case '%s'", id)
	                       : read_case(s, r, 0, a, out, err);
	PQclear(r);
	return rc;
}

static int pg_case_update(struct pd_store_backend *b, const struct pd_store_case *c,
                          struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, c->id);
	p_text(&p, 2, c->pack);
	p_text(&p, 3, c->pack_version);
	p_text(&p, 4, c->state);
	p_date(&p, 5, c->updated_on);
	p_text(&p, 6, c->verdict);
	p_text(&p, 7, c->assignee);
	p_text(&p, 8, c->receipt_number);
	p_date(&p, 9, c->accepted_on);
	p_date(&p, 10, c->receipt_valid_until);
	p_date(&p, 11, c->decision_by);
	p_days(&p, 12, c->processing_days);
	p_days(&p, 13, c->receipt_days);
	p_int(&p, 14, c->paused_days);
	p_text(&p, 15, c->supplement_from);
	p_date(&p, 16, c->supplement_since);
	p_date(&p, 17, c->decided_on);
	p_text(&p, 18, c->collect_method);
	p_text(&p, 19, c->case_json);
	p_int(&p, 20, c->revision);
	p_text(&p, 21, c->collect_address);
	int rc = run(s, ST_CASE_UPDATE, &p, &n, "updating a case", err);
	if (rc)
		return rc;
	if (n != 1)
		return pd_error_set(err, PD_ECONFLICT, "case %s changed meanwhile (revision %lld)",
		                    c->id, (long long)c->revision);
	struct params t = {0};
	p_text(&t, 1, c->id);
	p_text(&t, 2, c->case_json);
	p_text(&t, 3, c->result_json);
	return run(s, ST_TEXTS_UPDATE, &t, NULL, "updating a case", err);
}

/*
 * The WHERE clause of a case filter, as in sqlite.c: the conditions of the
 * members it sets, each with the number of the parameter it binds ($%d).
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
    [FC_STATES] = " AND state = ANY($%d::text[])",
    [FC_DUE] = " AND decision_by IS NOT NULL AND decision_by < $%d",
    [FC_CREATED_BY] = " AND created_by = $%d",
    [FC_ASSIGNEE] = " AND assignee = $%d",
    [FC_PACK] = " AND pack = $%d",
    [FC_NUMBER] = " AND number = $%d",
    /* a case number or its beginning, a part of the name, or the passport
     * number, ignoring the case of ASCII letters */
    [FC_SEARCH] = " AND (" ALOWER("left(number, length($%1$d::text))") " = " ALOWER("$%1$d::text") " OR strpos(" ALOWER(
        "applicant_name") ", " ALOWER("$%1$d::text") ") > 0 OR " ALOWER("passport_number") " ="
                                                                                           " " ALOWER(
                                                                                               "$%"
                                                                                               "1$"
                                                                                               "d::"
                                                                                               "tex"
                                                                                               "t") ")",
    [FC_AFTER] = " AND seq > $%d",
};

/* The states as an array literal {"a","b"}. */
static void states_array(const struct pd_store_case_filter *f, struct pd_buf *out)
{
	pd_buf_puts(out, "{");
	for (size_t i = 0; i < f->n_states; i++) {
		pd_buf_puts(out, i ? ",\"" : "\"");
		for (const char *c = f->states[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				pd_buf_putc(out, '\\');
			pd_buf_putc(out, *c);
		}
		pd_buf_puts(out, "\"");
	}
	pd_buf_puts(out, "}");
}

/* Runs `select` with the filter's conditions (and order and limit when `list`). */
static int exec_filter(struct pg_store *s, const char *select, const struct pd_store_case_filter *f,
                       bool list, PGresult **out, const char *what, struct pd_error *err)
{
	struct pd_buf sql, states;
	struct params p = {0};
	int rc = 0, i = 0;
	*out = NULL;
	pd_buf_init(&sql, 1 << 16);
	pd_buf_init(&states, 1 << 16);
	pd_buf_puts(&sql, select);
	pd_buf_puts(&sql, " WHERE TRUE");
	if (f->states) {
		states_array(f, &states);
		p_text(&p, ++i, states.data);
		pd_buf_printf(&sql, filter_sql[FC_STATES], i);
	}
	if (f->due_before != PD_DATE_NONE) {
		p_date(&p, ++i, f->due_before);
		pd_buf_printf(&sql, filter_sql[FC_DUE], i);
	}
	if (f->created_by) {
		p_text(&p, ++i, f->created_by);
		pd_buf_printf(&sql, filter_sql[FC_CREATED_BY], i);
	}
	if (f->assignee) {
		p_text(&p, ++i, f->assignee);
		pd_buf_printf(&sql, filter_sql[FC_ASSIGNEE], i);
	}
	if (f->pack) {
		p_text(&p, ++i, f->pack);
		pd_buf_printf(&sql, filter_sql[FC_PACK], i);
	}
	if (f->number) {
		p_text(&p, ++i, f->number);
		pd_buf_printf(&sql, filter_sql[FC_NUMBER], i);
	}
	if (f->search) {
		p_text(&p, ++i, f->search);
		pd_buf_printf(&sql, filter_sql[FC_SEARCH], i);
	}
	if (f->after > 0) {
		p_int(&p, ++i, f->after);
		pd_buf_printf(&sql, filter_sql[FC_AFTER], i);
	}
	if (list)
		pd_buf_puts(&sql, " ORDER BY seq");
	if (list && f->limit)
		pd_buf_printf(&sql, " LIMIT %zu", f->limit);
	if (sql.failed || states.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}
	PGresult *r = PQexecParams(s->conn, sql.data, p.n, NULL, p.v + 1, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		*out = r;
	} else {
		rc = db_fail(s, r, what, err);
		PQclear(r);
	}
cleanup:
	pd_buf_free(&sql);
	pd_buf_free(&states);
	return rc;
}

static int pg_case_list(struct pd_store_backend *b, const struct pd_store_case_filter *f,
                        pd_store_case_fn fn, void *ctx, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct pd_arena a;
	PGresult *r = NULL;
	int rc;
	pd_arena_init(&a, 16384, 0);
	if ((rc = exec_filter(s, CASE_LIST_SELECT, f, true, &r, "listing cases", err)))
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pd_store_case c;
		pd_arena_reset(&a);
		if ((rc = read_case(s, r, i, &a, &c, err)) || (rc = fn(ctx, &c)))
			goto cleanup;
	}
cleanup:
	PQclear(r);
	pd_arena_free(&a);
	return rc;
}

static int pg_case_count(struct pd_store_backend *b, const struct pd_store_case_filter *f,
                         int64_t *out, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct pd_store_case_filter all = *f; /* every page: no cursor (nor limit) */
	PGresult *r = NULL;
	*out = 0;
	all.after = 0;
	int rc = exec_filter(s, CASE_COUNT_SELECT, &all, false, &r, "counting cases", err);
	if (!rc)
		*out = col_int(r, 0, 0);
	PQclear(r);
	return rc;
}

/* Runs an insert or counter "... RETURNING n" and reads n. */
static int returning(struct pg_store *s, enum stmt_id id, const struct params *p, int64_t *n,
                     const char *what, struct pd_error *err)
{
	PGresult *r = NULL;
	int rc = exec(s, id, p, &r, what, err);
	if (rc)
		return rc;
	if (PQntuples(r) != 1)
		rc = pd_error_set(err, PD_ESTORE, "%s: %s: no row returned", s->where, what);
	else if (n)
		*n = col_int(r, 0, 0);
	PQclear(r);
	return rc;
}

static int pg_sequence_next(struct pd_store_backend *b, const char *name, int year, int64_t *out,
                            struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	p_text(&p, 1, name);
	p_int(&p, 2, year);
	return returning(s, ST_SEQ_NEXT, &p, out, "next number", err);
}

/* tasks */

static int pg_task_insert(struct pd_store_backend *b, const struct pd_store_task *t, int64_t *n,
                          struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	p_text(&p, 1, t->case_id);
	p_text(&p, 2, t->kind);
	p_date(&p, 3, t->created_on);
	p_text(&p, 4, t->created_by);
	p_date(&p, 5, t->due);
	p_text(&p, 6, t->outcome);
	p_date(&p, 7, t->completed_on);
	p_text(&p, 8, t->completed_by);
	p_text(&p, 9, t->note);
	return returning(s, ST_TASK_INSERT, &p, n, "adding a task", err);
}

static int pg_task_update(struct pd_store_backend *b, const struct pd_store_task *t,
                          struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, t->case_id);
	p_int(&p, 2, t->n);
	p_text(&p, 3, t->outcome);
	p_date(&p, 4, t->completed_on);
	p_text(&p, 5, t->completed_by);
	p_text(&p, 6, t->note);
	int rc = run(s, ST_TASK_UPDATE, &p, &n, "updating a task", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "case %s has no task %lld", t->case_id,
		                  (long long)t->n);
	return rc;
}

static int pg_task_list(struct pd_store_backend *b, const char *case_id, pd_store_task_fn fn,
                        void *ctx, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	struct pd_arena a;
	PGresult *r = NULL;
	int rc;
	pd_arena_init(&a, 4096, 0);
	p_text(&p, 1, case_id);
	if ((rc = exec(s, ST_TASK_LIST, &p, &r, "listing tasks", err)))
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_task t = {
		    .case_id = col_text(r, i, 0, &a, &oom),
		    .n = col_int(r, i, 1),
		    .kind = col_text(r, i, 2, &a, &oom),
		    .created_on = col_date(r, i, 3),
		    .created_by = col_text(r, i, 4, &a, &oom),
		    .due = col_date(r, i, 5),
		    .outcome = col_text(r, i, 6, &a, &oom),
		    .completed_on = col_date(r, i, 7),
		    .completed_by = col_text(r, i, 8, &a, &oom),
		    .note = col_text(r, i, 9, &a, &oom),
		};
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &t)))
			goto cleanup;
	}
cleanup:
	PQclear(r);
	pd_arena_free(&a);
	return rc;
}

/* notices */

static int pg_notice_insert(struct pd_store_backend *b, const struct pd_store_notice *nt,
                            int64_t *n, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	p_text(&p, 1, nt->case_id);
	p_date(&p, 2, nt->issued_on);
	p_text(&p, 3, nt->issued_by);
	p_text(&p, 4, nt->materials_json);
	p_text(&p, 5, nt->note);
	p_date(&p, 6, nt->answered_on);
	return returning(s, ST_NOTICE_INSERT, &p, n, "adding a notice", err);
}

static int pg_notice_update(struct pd_store_backend *b, const struct pd_store_notice *nt,
                            struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, nt->case_id);
	p_int(&p, 2, nt->n);
	p_date(&p, 3, nt->answered_on);
	int rc = run(s, ST_NOTICE_UPDATE, &p, &n, "updating a notice", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "case %s has no notice %lld", nt->case_id,
		                  (long long)nt->n);
	return rc;
}

static int pg_notice_list(struct pd_store_backend *b, const char *case_id, pd_store_notice_fn fn,
                          void *ctx, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	struct pd_arena a;
	PGresult *r = NULL;
	int rc;
	pd_arena_init(&a, 4096, 0);
	p_text(&p, 1, case_id);
	if ((rc = exec(s, ST_NOTICE_LIST, &p, &r, "listing notices", err)))
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_notice nt = {
		    .case_id = col_text(r, i, 0, &a, &oom),
		    .n = col_int(r, i, 1),
		    .issued_on = col_date(r, i, 2),
		    .issued_by = col_text(r, i, 3, &a, &oom),
		    .materials_json = col_text(r, i, 4, &a, &oom),
		    .note = col_text(r, i, 5, &a, &oom),
		    .answered_on = col_date(r, i, 6),
		};
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &nt)))
			goto cleanup;
	}
cleanup:
	PQclear(r);
	pd_arena_free(&a);
	return rc;
}

/* decisions */

static int pg_decision_insert(struct pd_store_backend *b, const struct pd_store_decision *d,
                              int64_t *n, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	p_text(&p, 1, d->case_id);
	p_text(&p, 2, d->action);
	p_date(&p, 3, d->decided_on);
	p_text(&p, 4, d->decided_by);
	p_text(&p, 5, d->verdict);
	p_text(&p, 6, d->pack);
	p_text(&p, 7, d->pack_version);
	p_text(&p, 8, d->case_json);
	p_text(&p, 9, d->result_json);
	p_text(&p, 10, d->ground);
	p_text(&p, 11, d->note);
	return returning(s, ST_DECISION_INSERT, &p, n, "adding a decision", err);
}

static int pg_decision_list(struct pd_store_backend *b, const char *case_id,
                            pd_store_decision_fn fn, void *ctx, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	struct pd_arena a;
	PGresult *r = NULL;
	int rc;
	pd_arena_init(&a, 16384, 0);
	p_text(&p, 1, case_id);
	if ((rc = exec(s, ST_DECISION_LIST, &p, &r, "listing decisions", err)))
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_decision d = {
		    .case_id = col_text(r, i, 0, &a, &oom),
		    .n = col_int(r, i, 1),
		    .action = col_text(r, i, 2, &a, &oom),
		    .decided_on = col_date(r, i, 3),
		    .decided_by = col_text(r, i, 4, &a, &oom),
		    .verdict = col_text(r, i, 5, &a, &oom),
		    .pack = col_text(r, i, 6, &a, &oom),
		    .pack_version = col_text(r, i, 7, &a, &oom),
		    .case_json = col_text(r, i, 8, &a, &oom),
		    .result_json = col_text(r, i, 9, &a, &oom),
		    .ground = col_text(r, i, 10, &a, &oom),
		    .note = col_text(r, i, 11, &a, &oom),
		};
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &d)))
			goto cleanup;
	}
cleanup:
	PQclear(r);
	pd_arena_free(&a);
	return rc;
}

/* audit */

/* Inside a write transaction the head row is locked until the transaction
 * ends: that lock keeps every server's entries in one chain. */
static int pg_audit_head(struct pd_store_backend *b, int64_t *seq, char hash[PD_STORE_HASH_HEX],
                         struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	PGresult *r = NULL;
	int rc = exec(s, s->txn == PD_TXN_WRITE ? ST_AUDIT_HEAD_LOCK : ST_AUDIT_HEAD, NULL, &r,
	              "reading the audit head", err);
	if (rc)
		return rc;
	if (PQntuples(r) != 1) {
		rc = pd_error_set(err, PD_ESTORE, "%s: the audit head is missing", s->where);
	} else {
		*seq = col_int(r, 0, 0);
		col_hash(r, 0, 1, hash);
	}
	PQclear(r);
	return rc;
}

static int pg_audit_append(struct pd_store_backend *b, const struct pd_store_audit *e,
                           struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	/* The head moves first: when e does not follow it, nothing is written. */
	p_int(&p, 1, e->seq);
	p_text(&p, 2, e->hash);
	p_int(&p, 3, e->seq - 1);
	int rc = run(s, ST_AUDIT_HEAD_SET, &p, &n, "moving the audit head", err);
	if (rc)
		return rc;
	if (n != 1)
		return pd_error_set(err, PD_ECONFLICT, "audit entry %lld does not follow the head",
		                    (long long)e->seq);
	struct params q = {0};
	p_int(&q, 1, e->seq);
	p_text(&q, 2, e->case_id);
	p_text(&q, 3, e->action);
	p_text(&q, 4, e->actor);
	p_text(&q, 5, e->role);
	p_date(&q, 6, e->at);
	p_int(&q, 7, e->recorded_at);
	p_text(&q, 8, e->from_state);
	p_text(&q, 9, e->to_state);
	p_text(&q, 10, e->note);
	p_text(&q, 11, e->data);
	p_text(&q, 12, e->prev_hash);
	p_text(&q, 13, e->hash);
	return run(s, ST_AUDIT_INSERT, &q, NULL, "appending to the audit trail", err);
}

/* Runs statement id (with p) and gives each entry it yields to fn. */
static int audit_walk(struct pg_store *s, enum stmt_id id, const struct params *p,
                      pd_store_audit_fn fn, void *ctx, struct pd_error *err)
{
	struct pd_arena a;
	PGresult *r = NULL;
	int rc;
	pd_arena_init(&a, 4096, 0);
	if ((rc = exec(s, id, p, &r, "reading the audit trail", err)))
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		bool oom = false;
		pd_arena_reset(&a);
		struct pd_store_audit e = {
		    .seq = col_int(r, i, 0),
		    .case_id = col_text(r, i, 1, &a, &oom),
		    .action = col_text(r, i, 2, &a, &oom),
		    .actor = col_text(r, i, 3, &a, &oom),
		    .role = col_text(r, i, 4, &a, &oom),
		    .at = col_date(r, i, 5),
		    .recorded_at = col_int(r, i, 6),
		    .from_state = col_text(r, i, 7, &a, &oom),
		    .to_state = col_text(r, i, 8, &a, &oom),
		    .note = col_text(r, i, 9, &a, &oom),
		    .data = col_text(r, i, 10, &a, &oom),
		};
		col_hash(r, i, 11, e.prev_hash);
		col_hash(r, i, 12, e.hash);
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &e)))
			goto cleanup;
	}
cleanup:
	PQclear(r);
	pd_arena_free(&a);
	return rc;
}

static int pg_audit_list(struct pd_store_backend *b, const char *case_id, pd_store_audit_fn fn,
                         void *ctx, struct pd_error *err)
{
	struct params p = {0};
	if (case_id)
		p_text(&p, 1, case_id);
	return audit_walk(self_of(b), case_id ? ST_AUDIT_LIST_CASE : ST_AUDIT_LIST_ALL, &p, fn, ctx,
	                  err);
}

static int pg_audit_list_action(struct pd_store_backend *b, const char *action,
                                pd_store_audit_fn fn, void *ctx, struct pd_error *err)
{
	struct params p = {0};
	p_text(&p, 1, action);
	return audit_walk(self_of(b), ST_AUDIT_LIST_ACTION, &p, fn, ctx, err);
}

/* appointments */

static void read_appointment(PGresult *r, int row, struct pd_arena *a,
                             struct pd_store_appointment *o, bool *oom)
{
	*o = (struct pd_store_appointment){
	    .ref = col_text(r, row, 0, a, oom),
	    .office = col_text(r, row, 1, a, oom),
	    .day = col_date(r, row, 2),
	    .start = (int32_t)col_int(r, row, 3),
	    .minutes = (int32_t)col_int(r, row, 4),
	    .passport_number = col_text(r, row, 5, a, oom),
	    .applicant_name = col_text(r, row, 6, a, oom),
	    .case_id = col_text(r, row, 7, a, oom),
	    .case_json = col_text(r, row, 8, a, oom),
	    .booked_by = col_text(r, row, 9, a, oom),
	    .created_at = col_int(r, row, 10),
	    .updated_at = col_int(r, row, 11),
	    .state = col_text(r, row, 12, a, oom),
	};
}

static int pg_appointment_insert(struct pd_store_backend *b, const struct pd_store_appointment *a,
                                 struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, a->ref);
	p_text(&p, 2, a->office);
	p_date(&p, 3, a->day);
	p_int(&p, 4, a->start);
	p_int(&p, 5, a->minutes);
	p_text(&p, 6, a->passport_number);
	p_text(&p, 7, a->applicant_name);
	p_text(&p, 8, a->case_id);
	p_text(&p, 9, a->case_json);
	p_text(&p, 10, a->booked_by);
	p_int(&p, 11, a->created_at);
	p_int(&p, 12, a->updated_at);
	p_text(&p, 13, a->state);
	int rc = run(s, ST_APPT_INSERT, &p, &n, "adding an appointment", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ECONFLICT, "appointment %s exists", a->ref);
	return rc;
}

static int pg_appointment_get(struct pd_store_backend *b, const char *ref, struct pd_arena *a,
                              struct pd_store_appointment *out, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	PGresult *r = NULL;
	bool oom = false;
	p_text(&p, 1, ref);
	int rc = exec(s, s->txn == PD_TXN_WRITE ? ST_APPT_GET_LOCK : ST_APPT_GET, &p, &r,
	              "reading an appointment", err);
	if (rc)
		return rc;
	if (PQntuples(r) == 0) {
		rc = pd_error_set(err, PD_ENOTFOUND, "no appointment '%.40s'", ref);
	} else {
		read_appointment(r, 0, a, out, &oom);
		rc = oom ? nomem(s, err) : 0;
	}
	PQclear(r);
	return rc;
}

static int pg_appointment_update(struct pd_store_backend *b, const struct pd_store_appointment *a,
                                 struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	int64_t n = 0;
	p_text(&p, 1, a->ref);
	p_date(&p, 2, a->day);
	p_int(&p, 3, a->start);
	p_int(&p, 4, a->minutes);
	p_int(&p, 5, a->updated_at);
	p_text(&p, 6, a->state);
	int rc = run(s, ST_APPT_UPDATE, &p, &n, "updating an appointment", err);
	if (!rc && n != 1)
		rc = pd_error_set(err, PD_ENOTFOUND, "no appointment '%.40s'", a->ref);
	return rc;
}

static void p_range(struct params *p, const char *office, pd_date from, pd_date to)
{
	p_text(p, 1, office);
	p_date(p, 2, from);
	p_date(p, 3, to);
}

static int pg_appointment_list(struct pd_store_backend *b, const char *office, pd_date from,
                               pd_date to, pd_store_appointment_fn fn, void *ctx,
                               struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	struct pd_arena a;
	PGresult *r = NULL;
	int rc;
	pd_arena_init(&a, 8192, 0);
	p_range(&p, office, from, to);
	if ((rc = exec(s, ST_APPT_LIST, &p, &r, "listing appointments", err)))
		goto cleanup;
	for (int i = 0; i < PQntuples(r); i++) {
		struct pd_store_appointment o;
		bool oom = false;
		pd_arena_reset(&a);
		read_appointment(r, i, &a, &o, &oom);
		if ((rc = oom ? nomem(s, err) : 0) || (rc = fn(ctx, &o)))
			goto cleanup;
	}
cleanup:
	PQclear(r);
	pd_arena_free(&a);
	return rc;
}

static int pg_slot_take(struct pd_store_backend *b, const char *office, pd_date day, int32_t start,
                        int32_t capacity, bool *taken, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	PGresult *r = NULL;
	p_range(&p, office, day, day);
	p_int(&p, 3, start);
	p_int(&p, 4, capacity);
	int rc = exec(s, ST_SLOT_TAKE, &p, &r, "booking a slot", err);
	if (rc)
		return rc;
	*taken = PQntuples(r) == 1; /* no row: the slot was full, nothing changed */
	PQclear(r);
	return 0;
}

static int pg_slot_release(struct pd_store_backend *b, const char *office, pd_date day,
                           int32_t start, struct pd_error *err)
{
	struct params p = {0};
	p_range(&p, office, day, day);
	p_int(&p, 3, start);
	return run(self_of(b), ST_SLOT_RELEASE, &p, NULL, "giving a slot back", err);
}

static int pg_slot_list(struct pd_store_backend *b, const char *office, pd_date from, pd_date to,
                        pd_store_slot_fn fn, void *ctx, struct pd_error *err)
{
	struct pg_store *s = self_of(b);
	struct params p = {0};
	PGresult *r = NULL;
	p_range(&p, office, from, to);
	int rc = exec(s, ST_SLOT_LIST, &p, &r, "listing slots", err);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(r) && !rc; i++)
		rc = fn(ctx, col_date(r, i, 0), (int32_t)col_int(r, i, 1),
		        (int32_t)col_int(r, i, 2));
	PQclear(r);
	return rc;
}

static const struct pd_store_backend pg_backend = {
    .version = PD_STORE_BACKEND_VERSION,
    .name = "postgresql",
    .close = pg_close,
    .schema_version = pg_schema_version,
    .check = pg_check,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .user_insert = pg_user_insert,
    .user_get = pg_user_get,
    .case_insert = pg_case_insert,
    .case_get = pg_case_get,
    .case_update = pg_case_update,
    .case_list = pg_case_list,
    .sequence_next = pg_sequence_next,
    .task_insert = pg_task_insert,
    .task_update = pg_task_update,
    .task_list = pg_task_list,
    .notice_insert = pg_notice_insert,
    .notice_update = pg_notice_update,
    .notice_list = pg_notice_list,
    .decision_insert = pg_decision_insert,
    .decision_list = pg_decision_list,
    .audit_head = pg_audit_head,
    .audit_append = pg_audit_append,
    .audit_list = pg_audit_list,
    .user_list = pg_user_list,
    .user_update = pg_user_update,
    .session_insert = pg_session_insert,
    .session_get = pg_session_get,
    .session_touch = pg_session_touch,
    .session_revoke = pg_session_revoke,
    .session_revoke_user = pg_session_revoke_user,
    .case_count = pg_case_count,
    .audit_list_action = pg_audit_list_action,
    .appointment_insert = pg_appointment_insert,
    .appointment_get = pg_appointment_get,
    .appointment_update = pg_appointment_update,
    .appointment_list = pg_appointment_list,
    .slot_take = pg_slot_take,
    .slot_release = pg_slot_release,
    .slot_list = pg_slot_list,
};

int pd_store_pg_open(const char *location, unsigned flags, struct pd_store_backend **out,
                     struct pd_error *err)
{
	*out = NULL;
	char *msg = NULL;
	PQconninfoOption *opts = PQconninfoParse(location, &msg);
	if (!opts) {
		char line[300];
		one_line(msg ? msg : "out of memory", line, sizeof(line));
		PQfreemem(msg);
		return pd_error_set(err, PD_ECONFIG, "not a PostgreSQL connection URL: %s", line);
	}
	PQconninfoFree(opts);

	struct pg_store *s = calloc(1, sizeof(*s));
	if (!s || !(s->where = redact(location))) {
		free(s);
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	}
	s->base = pg_backend;
	s->txn = -1;
	/* Defaults first: what the URL says overrides them. */
	const char *const keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
	const char *const values[] = {CONNECT_TIMEOUT_S, "permitdesk", location, NULL};
	s->conn = PQconnectdbParams(keys, values, 1);
	int rc = 0;
	if (!s->conn) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto fail;
	}
	if (PQstatus(s->conn) != CONNECTION_OK) {
		rc = connect_fail(s, err);
		goto fail;
	}
	if ((rc = exec_sql(s, "SET client_min_messages = warning", "settings", err)) ||
	    ((flags & PD_STORE_READONLY) &&
	     (rc = exec_sql(s, "SET default_transaction_read_only = on", "settings", err))) ||
	    (rc = migrate(s, flags, err)) || (rc = prepare_all(s, err)))
		goto fail;
	*out = &s->base;
	return 0;
fail:
	pg_close(&s->base);
	return rc;
}

#else /* !PD_HAVE_PQ */

int pd_store_pg_open(const char *location, unsigned flags, struct pd_store_backend **out,
                     struct pd_error *err)
{
	(void)flags;
	*out = NULL;
	return pd_error_set(err, PD_ECONFIG, "%s: this build has no PostgreSQL store back end",
	                    location);
}

#endif
