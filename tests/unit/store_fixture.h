/*
 * store_fixture.h: where the store and workflow suites keep their store, so
 * that the same programs run against every back end.
 *
 * Without PERMITDESK_TEST_PG each store is a new SQLite file in the suite's
 * temporary folder.  With PERMITDESK_TEST_PG=postgresql://... (as
 * tests/pg/with-postgres.sh sets it) each store is a new schema in that
 * database, named after the process and a counter, and the location is the
 * URL with search_path set to it: as empty as a new file, and as cheap.
 *
 * pdt_sql() runs one statement on a store behind its back (to make a database
 * newer than the program, or to read what the store keeps) and gives the
 * first row's columns joined by '|', NULL as "NULL".
 */
#ifndef PD_TEST_STORE_FIXTURE_H
#define PD_TEST_STORE_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "permitdesk/store.h"
#ifdef PD_HAVE_PQ
#include <libpq-fe.h>
#endif

static inline const char *pdt_pg(void)
{
	const char *url = getenv("PERMITDESK_TEST_PG");
	return url && url[0] ? url : NULL;
}

static inline bool pdt_is_pg(void)
{
	return pdt_pg() != NULL;
}

/* Writes the location of a new, empty store named `name` in `dir` to out. */
static inline void pdt_location(char *out, size_t size, const char *dir, const char *name)
{
	const char *url = pdt_pg();
	if (!url) {
		snprintf(out, size, "%s/%s", dir, name);
		return;
	}
#ifdef PD_HAVE_PQ
	/* PostgreSQL has no default audit key path: one key file for the whole
	 * suite (every trail here starts at entry 1, so one key fits them all) */
	if (!getenv("PERMITDESK_AUDIT_KEY")) {
		char key[600];
		snprintf(key, sizeof(key), "%s/pg-audit.key", dir);
		setenv("PERMITDESK_AUDIT_KEY", key, 1);
	}
	static int counter;
	char schema[64], sql[128];
	snprintf(schema, sizeof(schema), "t%ld_%d", (long)getpid(), ++counter);
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "store_fixture: %s: %s", url, PQerrorMessage(c));
		abort();
	}
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", schema);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "store_fixture: %s: %s", sql, PQerrorMessage(c));
		abort();
	}
	PQclear(r);
	PQfinish(c);
	snprintf(out, size, "%s%soptions=-csearch_path%%3D%s", url, strchr(url, '?') ? "&" : "?",
	         schema);
#else
	fprintf(stderr, "store_fixture: PERMITDESK_TEST_PG is set but this build has no libpq\n");
	abort();
#endif
}

/* Runs `sql` on the store at `loc`; the first row, if any, goes to out.
 * 0, or -1 with the database's message in out. */
static inline int pdt_sql(const char *loc, const char *sql, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	if (!pdt_is_pg()) {
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		int rc = -1;
		const char *file = strncmp(loc, "sqlite:", 7) == 0 ? loc + 7 : loc;
		if (sqlite3_open(file, &db) != SQLITE_OK ||
		    sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			snprintf(out, size, "%s", sqlite3_errmsg(db));
			goto done;
		}
		int step = sqlite3_step(st);
		for (int i = 0; step == SQLITE_ROW && i < sqlite3_column_count(st); i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s",
			                      i ? "|" : "", v ? (const char *)v : "NULL");
		}
		if (step == SQLITE_ROW || step == SQLITE_DONE)
			rc = 0;
		else
			snprintf(out, size, "%s", sqlite3_errmsg(db));
	done:
		sqlite3_finalize(st);
		sqlite3_close(db);
		return rc;
	}
#ifdef PD_HAVE_PQ
	PGconn *c = PQconnectdb(loc);
	PGresult *r = PQexec(c, sql);
	int rc = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
		for (int i = 0; i < PQnfields(r); i++)
			n +=
			    (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s", i ? "|" : "",
			                     PQgetisnull(r, 0, i) ? "NULL" : PQgetvalue(r, 0, i));
	} else if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		snprintf(out, size, "%s", PQerrorMessage(c));
		rc = -1;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
#else
	return -1;
#endif
}

/*
 * A second connection to a store, behind its back: pdt_raw_each() calls fn
 * with every value of every row `sql` returns (NULL for NULL), row by row.
 * PDT_TABLES_SQL lists the store's tables by name.
 */
struct pdt_raw {
	sqlite3 *lite;
#ifdef PD_HAVE_PQ
	PGconn *pg;
#endif
};
typedef void (*pdt_value_fn)(void *ctx, const char *v, size_t len);
#define PDT_TABLES_SQL                                                                             \
	(pdt_is_pg() ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "      \
	               "ORDER BY tablename COLLATE \"C\""                                          \
	             : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")

static inline int pdt_raw_open(const char *loc, struct pdt_raw *raw)
{
	memset(raw, 0, sizeof(*raw));
#ifdef PD_HAVE_PQ
	if (pdt_is_pg()) {
		raw->pg = PQconnectdb(loc);
		return PQstatus(raw->pg) == CONNECTION_OK ? 0 : -1;
	}
#endif
	return sqlite3_open_v2(loc, &raw->lite, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK ? 0 : -1;
}

static inline void pdt_raw_close(struct pdt_raw *raw)
{
	sqlite3_close(raw->lite);
#ifdef PD_HAVE_PQ
	PQfinish(raw->pg);
#endif
}

static inline int pdt_raw_each(struct pdt_raw *raw, const char *sql, pdt_value_fn fn, void *ctx)
{
#ifdef PD_HAVE_PQ
	if (raw->pg) {
		PGresult *r = PQexec(raw->pg, sql);
		int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
		for (int i = 0; !rc && i < PQntuples(r); i++)
			for (int j = 0; j < PQnfields(r); j++)
				fn(ctx, PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j),
				   (size_t)PQgetlength(r, i, j));
		PQclear(r);
		return rc;
	}
#endif
	sqlite3_stmt *st = NULL;
	int step;
	if (sqlite3_prepare_v2(raw->lite, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		for (int j = 0; j < sqlite3_column_count(st); j++)
			fn(ctx, (const char *)sqlite3_column_text(st, j),
			   (size_t)sqlite3_column_bytes(st, j));
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : -1;
}

/* Adds users (name, role pairs) straight into the store, in one transaction
 * and without hashing a password (argon2id for each would make a suite slow;
 * pd_user_add has tests of its own).  0, or -1 with err set. */
static inline int pdt_insert_users(struct pd_store *store, const char *const (*users)[2], size_t n,
                                   struct pd_error *err)
{
	if (pd_store_begin(store, PD_TXN_WRITE, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct pd_store_user u = {
		    .name = users[i][0], .role = users[i][1], .password_hash = "$argon2id$none"};
		if (pd_store_user_insert(store, &u, err))
			return -1;
	}
	return pd_store_commit(store, err) ? -1 : 0;
}

#endif
