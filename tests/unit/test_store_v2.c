/*
 * test_store_v2.c: schema version 2 of the store.  A database written by the
 * first schema (made here with its own statements, as a program of that
 * version left it) is migrated at open: users become enabled, cases get
 * their creation order and the applicant's name and passport number from
 * their JSON.  Then every operation the second interface version added:
 * users listed and updated, sessions inserted, read, touched and revoked,
 * and cases filtered by pack, number, search text and cursor, and counted.
 * SQLite by default; PostgreSQL with PERMITDESK_TEST_PG (store_fixture.h),
 * where the first schema is SQLite's and its migration is not tested.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "permitdesk/store.h"
#include "store_fixture.h"

static char dir[] = "/tmp/pd-test-store-v2-XXXXXX";
static char path[512];
static int counter;

/* The first schema exactly as migration 1 wrote it (never to change). */
static const char v1_schema[] =
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
    "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');\n";

static pd_date D(const char *s)
{
	pd_date d;
	assert_int_equal(pd_date_parse(s, strlen(s), &d), 0);
	return d;
}

static const char *fresh(void)
{
	char name[32];
	snprintf(name, sizeof(name), "t%d.db", ++counter);
	pdt_location(path, sizeof(path), dir, name);
	return path;
}

static void raw_exec(const char *file, const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static struct pd_store *open_at(const char *file)
{
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	int rc = pd_store_open(file, PD_STORE_CREATE, &s, &err);
	if (rc)
		fail_msg("open: %s", err.message);
	return s;
}

static void begin(struct pd_store *s)
{
	assert_int_equal(pd_store_begin(s, PD_TXN_WRITE, NULL), 0);
}

static void commit(struct pd_store *s)
{
	struct pd_error err = {0};
	if (pd_store_commit(s, &err))
		fail_msg("commit: %s", err.message);
}

static void add_user(struct pd_store *s, const char *name, const char *role)
{
	struct pd_store_user u = {
	    .name = name, .role = role, .password_hash = "h", .created_at = 1};
	begin(s);
	assert_int_equal(pd_store_user_insert(s, &u, NULL), 0);
	commit(s);
}

static struct pd_store_case a_case(const char *id, const char *number, const char *pack,
                                   const char *json)
{
	struct pd_store_case c = {
	    .id = id,
	    .number = number,
	    .pack = pack,
	    .pack_version = "v1",
	    .state = "draft",
	    .created_by = "ann",
	    .created_on = D("2026-09-01"),
	    .updated_on = D("2026-09-01"),
	    .case_json = json,
	    .result_json = "{}",
	    .verdict = "eligible",
	    .accepted_on = PD_DATE_NONE,
	    .receipt_valid_until = PD_DATE_NONE,
	    .decision_by = PD_DATE_NONE,
	    .processing_days = -1,
	    .receipt_days = -1,
	    .supplement_since = PD_DATE_NONE,
	    .decided_on = PD_DATE_NONE,
	    .revision = 1,
	};
	return c;
}

static void insert(struct pd_store *s, struct pd_store_case c)
{
	struct pd_error err = {0};
	begin(s);
	if (pd_store_case_insert(s, &c, &err))
		fail_msg("insert %s: %s", c.number, err.message);
	commit(s);
}

/* ---- migration ---- */

static void test_migrates_a_version_1_database(void **state)
{
	if (pdt_is_pg())
		skip();
	const char *file = fresh();
	raw_exec(file, v1_schema);
	raw_exec(file, "PRAGMA user_version = 1; PRAGMA application_id = 1885629233;"
	               "INSERT INTO users VALUES ('ann', 'applicant', 'h', 5);"
	               /* inserted out of id order: the creation order is the rowid's */
	               "INSERT INTO cases (id, number, pack, pack_version, state, created_by, "
	               "created_on, updated_on, verdict, revision) VALUES "
	               "('bb', 'tianjin-2026-000001', 'tianjin', 'v', 'draft', 'ann', "
	               "'2026-09-01', '2026-09-01', 'eligible', 1),"
	               "('aa', 'tianjin-2026-000002', 'tianjin', 'v', 'draft', 'ann', "
	               "'2026-09-02', '2026-09-02', 'eligible', 1),"
	               "('cc', 'tianjin-2026-000003', 'tianjin', 'v', 'draft', 'ann', "
	               "'2026-09-03', '2026-09-03', 'eligible', 1);"
	               "INSERT INTO case_texts VALUES "
	               "('bb', '{\"applicant\":{\"name\":\"Maria Lopez\","
	               "\"passport\":{\"number\":\"P1234567\"}}}', '{}'),"
	               "('aa', '{\"applicant\":{\"name\":42}}', '{}'),"
	               "('cc', 'not json at all', '{}');");

	struct pd_store *s = open_at(file);
	int v = 0;
	assert_int_equal(pd_store_schema_version(s, &v, NULL), 0);
	assert_int_equal(v, PD_STORE_SCHEMA_VERSION);
	assert_int_equal(pd_store_check(s, NULL), 0);

	struct pd_arena a;
	struct pd_store_case c;
	struct pd_store_user u;
	pd_arena_init(&a, 4096, 0);
	assert_int_equal(pd_store_case_get(s, "bb", &a, &c, NULL), 0);
	assert_int_equal(c.seq, 1);
	assert_string_equal(c.applicant_name, "Maria Lopez");
	assert_string_equal(c.passport_number, "P1234567");
	assert_int_equal(pd_store_case_get(s, "aa", &a, &c, NULL), 0);
	assert_int_equal(c.seq, 2);
	assert_null(c.applicant_name); /* not a string */
	assert_null(c.passport_number);
	assert_int_equal(pd_store_case_get(s, "cc", &a, &c, NULL), 0);
	assert_int_equal(c.seq, 3);
	assert_null(c.applicant_name); /* not JSON: the store does not judge it */
	assert_int_equal(pd_store_user_get(s, "ann", &a, &u, NULL), 0);
	assert_false(u.disabled);
	assert_int_equal(u.created_at, 5);

	/* a case added after the migration follows the old ones */
	insert(s, a_case("dd", "tianjin-2026-000004", "tianjin", "{}"));
	assert_int_equal(pd_store_case_get(s, "dd", &a, &c, NULL), 0);
	assert_int_equal(c.seq, 4);
	pd_arena_free(&a);
	pd_store_close(s);

	/* opened again: nothing to migrate, same answers */
	s = open_at(file);
	assert_int_equal(pd_store_schema_version(s, &v, NULL), 0);
	assert_int_equal(v, PD_STORE_SCHEMA_VERSION);
	pd_store_close(s);
}

static void test_backend_version_is_4(void **state)
{
	/* version 3 appended audit_list_action; 4 the appointments and slots */
	assert_int_equal(PD_STORE_BACKEND_VERSION, 4);
	struct pd_store_backend *b = NULL;
	struct pd_store *s = NULL;
	assert_int_equal((pdt_is_pg() ? pd_store_pg_open
	                              : pd_store_sqlite_open)(fresh(), PD_STORE_CREATE, &b, NULL),
	                 0);
	b->version = 3; /* built against the interface before */
	assert_int_equal(pd_store_open_backend(b, &s, NULL), -PD_EVERSION);
	b->version = PD_STORE_BACKEND_VERSION;
	assert_int_equal(pd_store_open_backend(b, &s, NULL), 0);
	pd_store_close(s);
}

/* ---- users ---- */

struct names {
	char text[256];
};

static int collect_user(void *ctx, const struct pd_store_user *u)
{
	struct names *n = ctx;
	size_t len = strlen(n->text);
	snprintf(n->text + len, sizeof(n->text) - len, "%s%s:%s%s", len ? " " : "", u->name,
	         u->role, u->disabled ? ":disabled" : "");
	return 0;
}

static void test_user_list_and_update(void **state)
{
	struct pd_store *s = open_at(fresh());
	struct pd_error err = {0};
	struct names n = {""};
	add_user(s, "zed", "officer");
	add_user(s, "ann", "applicant");
	add_user(s, "mia", "admin");
	assert_int_equal(pd_store_user_list(s, collect_user, &n, NULL), 0);
	assert_string_equal(n.text, "ann:applicant mia:admin zed:officer");

	struct pd_store_user u = {.name = "zed",
	                          .role = "officer",
	                          .password_hash = "h2",
	                          .created_at = 1,
	                          .disabled = true};
	assert_int_equal(pd_store_user_update(s, &u, &err), -PD_EINTERNAL); /* no transaction */
	begin(s);
	assert_int_equal(pd_store_user_update(s, &u, NULL), 0);
	commit(s);
	struct pd_arena a;
	struct pd_store_user got;
	pd_arena_init(&a, 1024, 0);
	assert_int_equal(pd_store_user_get(s, "zed", &a, &got, NULL), 0);
	assert_true(got.disabled);
	assert_string_equal(got.password_hash, "h2");
	n.text[0] = '\0';
	assert_int_equal(pd_store_user_list(s, collect_user, &n, NULL), 0);
	assert_string_equal(n.text, "ann:applicant mia:admin zed:officer:disabled");

	u.name = "nobody";
	begin(s);
	assert_int_equal(pd_store_user_update(s, &u, &err), -PD_ENOTFOUND);
	pd_store_rollback(s);
	pd_arena_free(&a);
	pd_store_close(s);
}

/* ---- sessions ---- */

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "2222222222222222222222222222222222222222222222222222222222222222"
#define H3 "3333333333333333333333333333333333333333333333333333333333333333"

static void put_session(struct pd_store *s, const char *hash, const char *user, int64_t at)
{
	struct pd_store_session ss = {hash, user, at, at, at + 100, false};
	begin(s);
	assert_int_equal(pd_store_session_insert(s, &ss, NULL), 0);
	commit(s);
}

static void test_sessions(void **state)
{
	struct pd_store *s = open_at(fresh());
	struct pd_error err = {0};
	struct pd_arena a;
	struct pd_store_session ss;
	pd_arena_init(&a, 1024, 0);
	add_user(s, "ann", "applicant");
	add_user(s, "bob", "officer");
	put_session(s, H1, "ann", 10);
	put_session(s, H2, "ann", 20);
	put_session(s, H3, "bob", 30);

	assert_int_equal(pd_store_session_get(s, H1, &a, &ss, NULL), 0);
	assert_string_equal(ss.token_hash, H1);
	assert_string_equal(ss.user, "ann");
	assert_int_equal(ss.created_at, 10);
	assert_int_equal(ss.last_used_at, 10);
	assert_int_equal(ss.expires_at, 110);
	assert_false(ss.revoked);
	assert_int_equal(pd_store_session_get(s, "ff", &a, &ss, &err), -PD_ENOTFOUND);

	/* same hash twice */
	struct pd_store_session dup = {H1, "bob", 1, 1, 2, false};
	begin(s);
	assert_int_equal(pd_store_session_insert(s, &dup, &err), -PD_ECONFLICT);
	pd_store_rollback(s);
	/* a session of nobody */
	struct pd_store_session orphan = {"44", "nobody", 1, 1, 2, false};
	begin(s);
	assert_int_not_equal(pd_store_session_insert(s, &orphan, &err), 0);
	pd_store_rollback(s);

	/* touch moves forward only */
	assert_int_equal(pd_store_session_touch(s, H1, 50, &err), -PD_EINTERNAL);
	begin(s);
	assert_int_equal(pd_store_session_touch(s, H1, 50, NULL), 0);
	assert_int_equal(pd_store_session_touch(s, H1, 40, NULL), 0);
	assert_int_equal(pd_store_session_touch(s, "ff", 40, NULL), 0);
	commit(s);
	assert_int_equal(pd_store_session_get(s, H1, &a, &ss, NULL), 0);
	assert_int_equal(ss.last_used_at, 50);

	/* revoking one */
	begin(s);
	assert_int_equal(pd_store_session_revoke(s, H1, NULL), 0);
	assert_int_equal(pd_store_session_revoke(s, "ff", NULL), 0);
	assert_int_equal(pd_store_session_touch(s, H1, 60, NULL), 0); /* revoked: not touched */
	commit(s);
	assert_int_equal(pd_store_session_get(s, H1, &a, &ss, NULL), 0);
	assert_true(ss.revoked);
	assert_int_equal(ss.last_used_at, 50);
	assert_int_equal(pd_store_session_get(s, H2, &a, &ss, NULL), 0);
	assert_false(ss.revoked);

	/* revoking a user's: ann's both, bob's none */
	begin(s);
	assert_int_equal(pd_store_session_revoke_user(s, "ann", NULL), 0);
	commit(s);
	assert_int_equal(pd_store_session_get(s, H2, &a, &ss, NULL), 0);
	assert_true(ss.revoked);
	assert_int_equal(pd_store_session_get(s, H3, &a, &ss, NULL), 0);
	assert_false(ss.revoked);
	pd_arena_free(&a);
	pd_store_close(s);
}

/* ---- cases: search, cursor, count ---- */

struct seen {
	char text[512];
	int64_t last;
	int64_t n;
};

static int collect_case(void *ctx, const struct pd_store_case *c)
{
	struct seen *n = ctx;
	size_t len = strlen(n->text);
	snprintf(n->text + len, sizeof(n->text) - len, "%s%s", len ? " " : "", c->id);
	assert_true(c->seq > n->last); /* in creation order */
	n->last = c->seq;
	n->n++;
	assert_null(c->case_json);
	return 0;
}

static const char *list(struct pd_store *s, const struct pd_store_case_filter *f)
{
	static struct seen n;
	memset(&n, 0, sizeof(n));
	struct pd_error err = {0};
	if (pd_store_case_list(s, f, collect_case, &n, &err))
		fail_msg("list: %s", err.message);
	int64_t count = -1;
	assert_int_equal(pd_store_case_count(s, f, &count, NULL), 0);
	if (!f->limit && !f->after) /* the count agrees with the list */
		assert_int_equal(count, n.n);
	return n.text;
}

static struct pd_store *five_cases(void)
{
	struct pd_store *s = open_at(fresh());
	add_user(s, "ann", "applicant");
	insert(s, a_case("c1", "tianjin-2026-000001", "tianjin",
	                 "{\"applicant\":{\"name\":\"Maria LOPEZ Garcia\","
	                 "\"passport\":{\"number\":\"E12345678\"}}}"));
	insert(s, a_case("c2", "shenzhen-2026-000001", "shenzhen",
	                 "{\"applicant\":{\"name\":\"John Smith\","
	                 "\"passport\":{\"number\":\"x99\"}}}"));
	insert(s, a_case("c3", "tianjin-2026-000002", "tianjin",
	                 "{\"applicant\":{\"name\":\"李娜\"}}"));
	insert(s, a_case("c4", "tianjin-2027-000001", "tianjin", "{}"));
	insert(s, a_case("c5", "shenzhen-2026-000002", "shenzhen",
	                 "{\"applicant\":{\"name\":\"Ana Lopes\","
	                 "\"passport\":{\"number\":\"E12345678X\"}}}"));
	return s;
}

static void test_case_filters(void **state)
{
	struct pd_store *s = five_cases();
	struct pd_store_case_filter f = {.due_before = PD_DATE_NONE};

	assert_string_equal(list(s, &f), "c1 c2 c3 c4 c5");
	f.pack = "shenzhen";
	assert_string_equal(list(s, &f), "c2 c5");
	f.pack = NULL;
	f.number = "tianjin-2026-000002";
	assert_string_equal(list(s, &f), "c3");
	f.number = "tianjin-2026-00000"; /* exact only */
	assert_string_equal(list(s, &f), "");
	f.number = NULL;

	/* search: number or its beginning, part of the name, whole passport number */
	f.search = "tianjin-2026";
	assert_string_equal(list(s, &f), "c1 c3");
	f.search = "TIANJIN-2027-000001";
	assert_string_equal(list(s, &f), "c4");
	f.search = "lopez";
	assert_string_equal(list(s, &f), "c1");
	f.search = "lop";
	assert_string_equal(list(s, &f), "c1 c5");
	f.search = "娜";
	assert_string_equal(list(s, &f), "c3");
	f.search = "e12345678";
	assert_string_equal(list(s, &f), "c1"); /* not c5: the passport number is exact */
	f.search = "X99";
	assert_string_equal(list(s, &f), "c2");
	f.search = "2026"; /* not the beginning of a number, not in a name */
	assert_string_equal(list(s, &f), "");
	f.search = "%";
	assert_string_equal(list(s, &f), "");
	f.search = "lop";
	f.pack = "shenzhen";
	assert_string_equal(list(s, &f), "c5");
	pd_store_close(s);
}

static void test_case_cursor_and_count(void **state)
{
	struct pd_store *s = five_cases();
	struct pd_store_case_filter f = {.due_before = PD_DATE_NONE, .limit = 2};
	struct pd_arena a;
	struct pd_store_case c;
	pd_arena_init(&a, 4096, 0);

	assert_string_equal(list(s, &f), "c1 c2");
	assert_int_equal(pd_store_case_get(s, "c2", &a, &c, NULL), 0);
	f.after = c.seq;
	assert_string_equal(list(s, &f), "c3 c4");
	assert_int_equal(pd_store_case_get(s, "c4", &a, &c, NULL), 0);
	f.after = c.seq;
	assert_string_equal(list(s, &f), "c5");
	assert_int_equal(pd_store_case_get(s, "c5", &a, &c, NULL), 0);
	f.after = c.seq;
	assert_string_equal(list(s, &f), "");

	/* the cursor with other conditions */
	f.limit = 0;
	f.after = 1;
	f.pack = "tianjin";
	assert_string_equal(list(s, &f), "c3 c4");

	/* count ignores limit and after; states and due dates as the list */
	int64_t n = -1;
	f.limit = 1;
	assert_int_equal(pd_store_case_count(s, &f, &n, NULL), 0);
	assert_int_equal(n, 3);
	const char *states[] = {"draft", "in_review"};
	struct pd_store_case_filter g = {
	    .states = states, .n_states = 2, .due_before = PD_DATE_NONE};
	assert_int_equal(pd_store_case_count(s, &g, &n, NULL), 0);
	assert_int_equal(n, 5);
	g.n_states = 1;
	g.states = states + 1;
	assert_int_equal(pd_store_case_count(s, &g, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(pd_store_case_count(s, NULL, &n, NULL), 0);
	assert_int_equal(n, 5);
	pd_arena_free(&a);
	pd_store_close(s);
}

static void test_update_refreshes_name_and_passport(void **state)
{
	struct pd_store *s = five_cases();
	struct pd_arena a;
	struct pd_store_case c;
	pd_arena_init(&a, 4096, 0);
	assert_int_equal(pd_store_case_get(s, "c4", &a, &c, NULL), 0);
	int64_t seq = c.seq;
	assert_null(c.applicant_name);
	c.case_json = "{\"applicant\":{\"name\":\"Wang Fang\",\"passport\":{\"number\":\"G7\"}}}";
	c.applicant_name = "ignored";
	c.seq = 99;
	begin(s);
	assert_int_equal(pd_store_case_update(s, &c, NULL), 0);
	commit(s);
	assert_int_equal(pd_store_case_get(s, "c4", &a, &c, NULL), 0);
	assert_string_equal(c.applicant_name, "Wang Fang");
	assert_string_equal(c.passport_number, "G7");
	assert_int_equal(c.seq, seq); /* the store's own */
	struct pd_store_case_filter f = {.due_before = PD_DATE_NONE, .search = "g7"};
	assert_string_equal(list(s, &f), "c4");
	pd_arena_free(&a);
	pd_store_close(s);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrates_a_version_1_database),
	    cmocka_unit_test(test_backend_version_is_4),
	    cmocka_unit_test(test_user_list_and_update),
	    cmocka_unit_test(test_sessions),
	    cmocka_unit_test(test_case_filters),
	    cmocka_unit_test(test_case_cursor_and_count),
	    cmocka_unit_test(test_update_refreshes_name_and_passport),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
