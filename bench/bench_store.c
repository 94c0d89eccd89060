/*
 * bench_store.c: durable workflow transitions per second on the SQLite store.
 *
 * A transition is what `permitdesk case act` does in the library: one write
 * transaction (BEGIN IMMEDIATE) that reads the case, checks the actor and
 * the transition table, writes the case, a task, notice or decision where
 * the action makes one, and an audit entry chained by BLAKE2b, then COMMIT
 * with synchronous=FULL (an fsync of the WAL).  Cases go through their whole
 * life: create, submit, accept, assign, add_task, complete_task, approve,
 * issue, collect (9 transitions each).  Evaluation is a stand-in that
 * returns at once, so this measures the store and the workflow, not the
 * policy engine (bench_eval does).
 *
 * Runs once with one writer and once with W writer processes (default 4) on
 * one database, each with its own connection, for N transitions per writer.
 *
 *   bench_store [N] [W] [BYTES] [DIR]
 *
 * Defaults: 4500 transitions per writer, 4 writers, results of 11,000 bytes
 * (the average size of a result of `check`; each decision stores one, and so
 * does each evaluation that changes it), a directory under /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "permitdesk/calendar.h"
#include "permitdesk/codec.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

static struct pd_calendar *cal;
static char *result_json; /* a result of realistic size: 11 KB, as check writes on average */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int assess(void *ctx, const char *name, const char *json, size_t len, pd_date today,
                  pd_date date, struct pd_arena *arena, struct pd_assessment *out,
                  struct pd_error *err)
{
	memset(out, 0, sizeof(*out));
	out->verdict = PD_VERDICT_ELIGIBLE;
	out->pack = "tianjin";
	out->version = "bench";
	out->date = date != PD_DATE_NONE ? date : today;
	out->processing_days = 5;
	out->receipt_days = 15;
	out->result_json = result_json;
	out->materials_json = "[]";
	return 0;
}

/* n transitions; returns 0 or exits on error. */
static int writer(const char *db, long n)
{
	static const struct {
		const char *user;
		enum pd_action action;
		const char *data;
	} steps[] = {
	    {"ann", PD_ACTION_SUBMIT, NULL},
	    {"olga", PD_ACTION_ACCEPT, NULL},
	    {"rita", PD_ACTION_ASSIGN, NULL},
	    {"rita", PD_ACTION_ADD_TASK, "{\"kind\":\"interview\"}"},
	    {"rita", PD_ACTION_COMPLETE_TASK, "{\"task\":1,\"outcome\":\"passed\"}"},
	    {"rita", PD_ACTION_APPROVE, NULL},
	    {"olga", PD_ACTION_ISSUE, NULL},
	    {"olga", PD_ACTION_COLLECT, "{\"method\":\"post\"}"},
	};
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	struct pd_actor ann, olga, rita;
	if (pd_store_open(db, 0, &s, &err) || pd_workflow_actor(s, "ann", &ann, &err) ||
	    pd_workflow_actor(s, "olga", &olga, &err) ||
	    pd_workflow_actor(s, "rita", &rita, &err)) {
		fprintf(stderr, "bench_store: %s\n", err.message);
		exit(1);
	}
	struct pd_workflow wf = {s, cal, assess, NULL, NULL};
	const char *json = "{\"jurisdiction\":\"tianjin\"}";
	pd_date day = pd_date_from_ymd(2026, 9, 28);
	long done = 0;
	while (done < n) {
		struct pd_case_ref ref;
		if (pd_workflow_create(&wf, &ann, "case.json", json, strlen(json), day, NULL, &ref,
		                       &err)) {
			fprintf(stderr, "bench_store: create: %s\n", err.message);
			exit(1);
		}
		done++;
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && done < n; i++, done++) {
			const struct pd_actor *a = steps[i].user[0] == 'a'   ? &ann
			                           : steps[i].user[0] == 'o' ? &olga
			                                                     : &rita;
			struct pd_act act = {.action = steps[i].action,
			                     .data = steps[i].data,
			                     .data_len = steps[i].data ? strlen(steps[i].data) : 0,
			                     .at = day};
			struct pd_act_result res;
			if (pd_workflow_act(&wf, a, ref.id, &act, &res, &err)) {
				fprintf(stderr, "bench_store: %s: %s\n", pd_action_name(act.action),
				        err.message);
				exit(1);
			}
		}
	}
	pd_store_close(s);
	return 0;
}

/* What the disk allows: 4 KB appended and fdatasync()ed, as a commit of one
 * WAL frame does.  A durable single writer cannot beat this rate. */
static double fsync_rate(const char *db)
{
	char path[600], page[4096];
	snprintf(path, sizeof(path), "%s.calibrate", db);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	memset(page, 'x', sizeof(page));
	int n = 0;
	double t0 = now();
	while (now() - t0 < 1.0) {
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page) || fdatasync(fd) != 0) {
			perror(path);
			exit(1);
		}
		n++;
	}
	double rate = n / (now() - t0);
	close(fd);
	unlink(path);
	return rate;
}

static void fresh_db(const char *db)
{
	char path[600];
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	static const char *const users[][2] = {
	    {"ann", "applicant"}, {"olga", "officer"}, {"rita", "reviewer"}};
	for (size_t i = 0; i < 3; i++) {
		static const char *const ext[] = {"", "-wal", "-shm"};
		snprintf(path, sizeof(path), "%s%s", db, ext[i]);
		unlink(path);
	}
	if (pd_store_open(db, PD_STORE_CREATE, &s, &err) || pd_store_begin(s, PD_TXN_WRITE, &err)) {
		fprintf(stderr, "bench_store: %s\n", err.message);
		exit(1);
	}
	for (size_t i = 0; i < 3; i++) {
		struct pd_store_user u = {
		    .name = users[i][0], .role = users[i][1], .password_hash = "$argon2id$bench"};
		if (pd_store_user_insert(s, &u, &err)) {
			fprintf(stderr, "bench_store: %s\n", err.message);
			exit(1);
		}
	}
	if (pd_store_commit(s, &err)) {
		fprintf(stderr, "bench_store: %s\n", err.message);
		exit(1);
	}
	pd_store_close(s);
}

static void verify(const char *db, long expect)
{
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	struct pd_audit_report r;
	if (pd_store_open(db, 0, &s, &err) || pd_audit_verify(s, &r, &err)) {
		fprintf(stderr, "bench_store: %s\n", err.message);
		exit(1);
	}
	printf("   audit: %s, %lld entries (expected %ld)\n", r.ok ? "verified" : r.reason,
	       (long long)r.entries, expect);
	pd_store_close(s);
}

static void run(const char *db, long n, int writers)
{
	fresh_db(db);
	double t0 = now();
	fflush(stdout);
	for (int w = 0; w < writers; w++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			exit(1);
		}
		if (pid == 0)
			_exit(writer(db, n));
	}
	int failed = 0;
	for (int w = 0; w < writers; w++) {
		int status;
		while (wait(&status) < 0 && errno == EINTR)
			;
		failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	double secs = now() - t0;
	if (failed) {
		fprintf(stderr, "bench_store: a writer failed\n");
		exit(1);
	}
	long total = n * writers;
	printf("== %d writer%s: %ld durable transitions in %.2f s: %.0f transitions/s\n", writers,
	       writers == 1 ? "" : "s", total, secs, (double)total / secs);
	verify(db, total);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 4500;
	int writers = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 4;
	long bytes = argc > 3 ? strtol(argv[3], NULL, 10) : 11000;
	char dir[256] = "/tmp/pd-bench-store-XXXXXX", db[300];
	struct pd_error err = {0};
	bool own_dir = argc <= 4;

	if (n < 1 || writers < 1 || writers > 64 || bytes < 0 || bytes > (1L << 24)) {
		fprintf(stderr, "usage: bench_store [N] [WRITERS] [BYTES] [DIR]\n");
		return 64;
	}
	if (own_dir && !mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/bench.db", own_dir ? dir : argv[4]);
	if (pd_policy_calendar_load(PD_BENCH_POLICY_DIR, &cal, &err)) {
		fprintf(stderr, "bench_store: %s\n", err.message);
		return 1;
	}
	/* {"verdict":"eligible","findings":[{"rule":"tianjin/rule-0","en":"xxx..."}, ...]} */
	struct pd_buf rb;
	pd_buf_init(&rb, 0);
	pd_buf_puts(&rb, "{\"verdict\":\"eligible\",\"findings\":[");
	for (int i = 0; rb.len < (size_t)bytes; i++)
		pd_buf_printf(&rb,
		              "%s{\"rule\":\"tianjin/rule-%d\",\"outcome\":\"pass\",\"en\":"
		              "\"%0200d\"}",
		              i ? "," : "", i, i);
	pd_buf_puts(&rb, "]}");
	result_json = rb.data;
	printf("database %s (WAL, synchronous=FULL); %ld transitions per writer; results of %zu "
	       "bytes\n",
	       db, n, rb.len);
	printf("== the disk: %.0f fdatasync/s (4 KB appends, 1 s)\n", fsync_rate(db));
	run(db, n, 1);
	run(db, n, writers);
	printf("== the disk: %.0f fdatasync/s (after)\n", fsync_rate(db));
	pd_calendar_free(cal);
	pd_buf_free(&rb);
	if (own_dir) {
		char path[600];
		static const char *const ext[] = {"", "-wal", "-shm"};
		for (size_t i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "%s%s", db, ext[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return 0;
}
