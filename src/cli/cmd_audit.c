/*
 * cmd_audit.c: `permitdesk audit verify|checkpoint`: the audit trail
 * (workflow.h, "Audit").
 *
 *   audit verify --db FILE [--checkpoint CP.json] [--audit-key PATH]
 *       walks the keyed hash chain and each case's recorded columns
 *       (pd_audit_verify) and prints {"ok", "entries", "head", "first_bad":
 *       {"seq", "reason"} | null}; with --checkpoint the trail must also
 *       extend that signed checkpoint (pd_audit_verify_checkpoint)
 *   audit checkpoint --db FILE [--audit-key PATH] [--pretty]
 *       prints the chain head signed with the audit key: keep it elsewhere
 *
 * The audit key's path is --audit-key, else PERMITDESK_AUDIT_KEY, else for
 * SQLite the database file's name with ".key" (store.h).  Both open the
 * database read-only (checkpoint creates the key file when there is none).
 *
 * Exit codes: 0 the trail is intact, 65 it is not (the first bad entry is
 * named on standard error too) or a checkpoint that is not one, 66 no such
 * database or checkpoint file, 78 an audit key file that cannot be used, 64
 * usage.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

struct audit_opts {
	const char *db, *checkpoint, *key;
	bool pretty;
};

static int parse(int argc, char **argv, bool verify, struct audit_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			o->db = argv[++i];
		else if (strcmp(argv[i], "--audit-key") == 0 && i + 1 < argc)
			o->key = argv[++i];
		else if (verify && strcmp(argv[i], "--checkpoint") == 0 && i + 1 < argc)
			o->checkpoint = argv[++i];
		else if (!verify && strcmp(argv[i], "--pretty") == 0)
			o->pretty = true;
		else
			return cli_usage("audit", "unexpected '%s'", argv[i]);
	}
	if (!o->db)
		return cli_usage("audit", "audit %s needs --db FILE", argv[1]);
	return 0;
}

static int open_store(const struct audit_opts *o, struct pd_store **store, struct pd_error *err)
{
	int rc = pd_store_open(o->db, PD_STORE_READONLY, store, err);
	if (!rc && o->key)
		rc = pd_store_set_audit_key_path(*store, o->key, err);
	return rc;
}

static int run_verify(int argc, char **argv)
{
	struct audit_opts o;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_audit_report r;
	struct pd_buf out, cp;
	int code;

	if ((code = parse(argc, argv, true, &o)))
		return code;
	pd_buf_init(&out, 0);
	pd_buf_init(&cp, (size_t)1 << 20);
	if ((o.checkpoint && pd_buf_read_file(&cp, o.checkpoint, &err)) ||
	    open_store(&o, &store, &err) ||
	    pd_audit_verify_checkpoint(store, o.checkpoint ? cp.data : NULL, cp.len, &r, &err) ||
	    pd_audit_report_json(&r, &out)) {
		code = cli_fail(&err);
		goto cleanup;
	}
	printf("%s\n", out.data);
	if (!r.ok) {
		pd_error_set(&err, PD_EINPUT, "%s: audit trail broken at entry %lld: %s", o.db,
		             (long long)r.first_bad, r.reason);
		code = cli_fail(&err);
	}
cleanup:
	pd_store_close(store);
	pd_buf_free(&out);
	pd_buf_free(&cp);
	return code;
}

static int run_checkpoint(int argc, char **argv)
{
	struct audit_opts o;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_buf out;
	int code;

	if ((code = parse(argc, argv, false, &o)))
		return code;
	pd_buf_init(&out, 0);
	if (open_store(&o, &store, &err) || pd_audit_checkpoint_json(store, o.pretty, &out, &err))
		code = cli_fail(&err);
	else
		printf("%s\n", out.data);
	pd_store_close(store);
	pd_buf_free(&out);
	return code;
}

int cmd_audit(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return run_verify(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "checkpoint") == 0)
		return run_checkpoint(argc, argv);
	return cli_usage("audit", "audit verify|checkpoint --db FILE");
}
