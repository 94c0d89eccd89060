/*
 * cmd_audit.c: `permitdesk audit verify --db FILE`: walks the audit trail's
 * hash chain (workflow.h, pd_audit_verify) and prints the report as JSON:
 * {"ok", "entries", "head", "first_bad": {"seq", "reason"} | null}.  Keep the
 * head hash somewhere else too: a later run that prints a different one for
 * the same entries means the trail was rewritten.
 *
 * Exit codes: 0 the trail is intact, 65 it is not (the first bad entry is
 * named on standard error too), 66 no such database, 64 usage.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

static int run_verify(int argc, char **argv)
{
	const char *db = NULL;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_audit_report r;
	struct pd_buf out;
	int code = EXIT_OK;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else
			return cli_usage("audit", "unexpected '%s'", argv[i]);
	}
	if (!db)
		return cli_usage("audit", "audit verify needs --db FILE");
	pd_buf_init(&out, 0);
	if (pd_store_open(db, PD_STORE_READONLY, &store, &err) ||
	    pd_audit_verify(store, &r, &err) || pd_audit_report_json(&r, &out)) {
		code = cli_fail(&err);
		goto cleanup;
	}
	printf("%s\n", out.data);
	if (!r.ok) {
		pd_error_set(&err, PD_EINPUT, "%s: audit trail broken at entry %lld: %s", db,
		             (long long)r.first_bad, r.reason);
		code = cli_fail(&err);
	}
cleanup:
	pd_store_close(store);
	pd_buf_free(&out);
	return code;
}

int cmd_audit(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return run_verify(argc, argv);
	return cli_usage("audit", "audit verify --db FILE");
}
