/*
 * bench_paper.c: acceptance receipts rendered per second on one core.
 *
 * A Tianjin reunion case (tests/cases/tianjin/reunion-issuance-nonlocal-
 * apostille.json, with the real packs) is filed, submitted and accepted in a
 * fresh SQLite store; its case view (pd_workflow_case_json) is read once, and
 * then the receipt is laid out N times from that view (pd_paper_case_pdf:
 * reading the view, the layout, the QR code, the embedded font subset and the
 * whole PDF written into memory), in one thread.  The first receipt is not
 * timed: it warms fontconfig's and pango's caches, as a server's first
 * request does.  The target is 200 receipts a second.  It prints both the
 * thread's CPU time and the wall time: on a machine shared with other work
 * the two differ, and receipts per second of CPU is the figure for one core.
 *
 *   bench_paper [N] [CASE.json] [OUT.pdf]
 *
 * Defaults: N = 400, the case above (found from the build's source tree).
 * With OUT.pdf, the last receipt is also written there, to look at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "permitdesk/paper.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

static double clock_s(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const struct pd_error *err)
{
	char msg[1200];
	pd_error_format(err, msg, sizeof(msg));
	fprintf(stderr, "bench_paper: %s: %s\n", what, msg);
	return 1;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 400;
	const char *case_path =
	    argc > 2 && argv[2][0] ? argv[2]
	                           : PD_BENCH_POLICY_DIR
	        "/../tests/cases/tianjin/reunion-issuance-nonlocal-apostille.json";
	if (n < 1)
		n = 1;
	/* The case is filed, submitted and accepted on one fixed day, taken as
	 * today so that no back-dating is asked for: every run prints the same
	 * receipt. */
	setenv("PERMITDESK_TODAY", "2026-05-11", 1);
	struct pd_error err;
	pd_error_clear(&err);
	struct pd_policy *pol = NULL;
	struct pd_store *store = NULL;
	struct pd_buf json, view, pdf;
	pd_buf_init(&json, 0);
	pd_buf_init(&view, 0);
	pd_buf_init(&pdf, 0);
	char db[] = "/tmp/pd-bench-paper.XXXXXX";
	int fd = mkstemp(db);
	if (fd < 0) {
		perror("bench_paper: mkstemp");
		return 1;
	}
	close(fd);
	unlink(db);
	int rc = 1;
	if (pd_policy_load(PD_BENCH_POLICY_DIR, &pol, NULL, &err) ||
	    pd_buf_read_file(&json, case_path, &err) ||
	    pd_store_open(db, PD_STORE_CREATE, &store, &err) ||
	    pd_user_add(store, NULL, "olga", PD_ROLE_OFFICER, "bench password", 14, PD_DATE_NONE,
	                &err) ||
	    pd_user_add(store, NULL, "vera", PD_ROLE_OFFICER, "bench password", 14, PD_DATE_NONE,
	                &err)) {
		fail("setting up", &err);
		goto cleanup;
	}
	struct pd_workflow wf;
	pd_workflow_init(&wf, store, pol);
	struct pd_actor olga, vera; /* one files, the other accepts (separation of duties) */
	struct pd_case_ref ref;
	pd_date day = pd_date_from_ymd(2026, 5, 11);
	struct pd_act_result res;
	struct pd_act submit = {.action = PD_ACTION_SUBMIT, .at = day};
	struct pd_act accept = {.action = PD_ACTION_ACCEPT, .at = day};
	if (pd_workflow_actor(store, "olga", &olga, &err) ||
	    pd_workflow_actor(store, "vera", &vera, &err) ||
	    pd_workflow_create(&wf, &olga, "case.json", json.data, json.len, day, NULL, &ref,
	                       &err) ||
	    pd_workflow_act(&wf, &olga, ref.id, &submit, &res, &err) ||
	    pd_workflow_act(&wf, &vera, ref.id, &accept, &res, &err) ||
	    pd_workflow_case_json(store, ref.id, false, &view, &err)) {
		fail("filing the case", &err);
		goto cleanup;
	}
	struct pd_paper_opts opts = {.base_url = "https://desk.example.cn"};
	if (pd_paper_case_pdf(PD_PAPER_RECEIPT, view.data, view.len, &opts, &pdf, &err)) {
		fail("the first receipt", &err);
		goto cleanup;
	}
	size_t bytes = pdf.len;
	double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	for (int i = 0; i < n; i++) {
		pdf.len = 0;
		if (pd_paper_case_pdf(PD_PAPER_RECEIPT, view.data, view.len, &opts, &pdf, &err)) {
			fail("a receipt", &err);
			goto cleanup;
		}
	}
	double s = clock_s(CLOCK_MONOTONIC) - t0, cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	/* On a shared machine the thread waits for a core part of the time: the
	 * CPU time is what the receipts cost, the wall time what this run got. */
	printf("paper: %d receipts in %.3f s (%.3f s of CPU): %.0f receipts/s of CPU on one core "
	       "(%.0f/s of wall time), %.2f ms of CPU each, %zu bytes each\n",
	       n, s, cpu, n / cpu, n / s, 1000 * cpu / n, bytes);
	if (argc > 3) {
		FILE *o = fopen(argv[3], "wb");
		if (!o || fwrite(pdf.data, 1, pdf.len, o) != pdf.len || fclose(o) != 0) {
			perror(argv[3]);
			goto cleanup;
		}
	}
	rc = 0;
cleanup:
	pd_buf_free(&json);
	pd_buf_free(&view);
	pd_buf_free(&pdf);
	pd_store_close(store);
	pd_policy_free(pol);
	pd_paper_cleanup();
	unlink(db);
	return rc;
}
