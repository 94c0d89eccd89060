/*
 * cmd_print.c: `permitdesk print receipt|notice|decision --db FILE
 * [--base-url URL] CASE`: one of a case's papers (paper.h) as an A4 PDF on
 * standard output.  CASE is the case's id or number.
 *
 * Without --as the command line acts as the operator of the database, who may
 * read every case (pd_workflow_resolve without a viewer); with --as USER
 * (proven as every --as is, auth.c: the password on standard input or
 * --token) it prints only a case that USER may see, as the HTTP server
 * resolves the case for the user who asks, with the same functions.  The
 * database is opened read-only.  The receipt's QR code
 * opens <base URL>/progress?receipt=R: --base-url, else PERMITDESK_BASE_URL.
 *
 * Exit codes (sysexits.h): 0 printed, 64 usage, 65 the case has no such
 * paper yet (no receipt before acceptance, no decision notice before a
 * decision), 66 no such database or case, 70 the PDF could not be made.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "permitdesk/paper.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

struct print_opts {
	const char *db, *base_url, *paper, *ref, *as, *token;
};

static const struct cli_opt opts[] = {
    {"--db", offsetof(struct print_opts, db), false},
    {"--base-url", offsetof(struct print_opts, base_url), false},
    {"--as", offsetof(struct print_opts, as), false},
    {"--token", offsetof(struct print_opts, token), false},
};

static int parse(int argc, char **argv, struct print_opts *o)
{
	const char *args[2] = {NULL, NULL};
	size_t n;
	memset(o, 0, sizeof(*o));
	int rc =
	    cli_parse("print", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), o, args, 2, &n);
	if (rc)
		return rc;
	o->paper = args[0];
	o->ref = args[1];
	enum pd_paper p;
	if (!o->paper || pd_paper_parse(o->paper, &p) != 0 || p == PD_PAPER_CHECKLIST)
		return cli_usage("print", "which paper: receipt, notice or decision");
	if (!o->db)
		return cli_usage("print", "needs --db FILE");
	if (!o->ref)
		return cli_usage("print", "needs the CASE (its id or number)");
	if (!o->base_url)
		o->base_url = getenv("PERMITDESK_BASE_URL");
	if (p == PD_PAPER_RECEIPT && (!o->base_url || !o->base_url[0]))
		return cli_usage("print",
		                 "a receipt needs --base-url URL (or PERMITDESK_BASE_URL)");
	return 0;
}

int cmd_print(int argc, char **argv)
{
	struct print_opts o;
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	enum pd_paper paper = PD_PAPER_RECEIPT;
	pd_paper_parse(o.paper, &paper);
	struct pd_error err;
	pd_error_clear(&err);
	struct pd_store *store = NULL;
	struct pd_buf view, pdf;
	pd_buf_init(&view, 0);
	pd_buf_init(&pdf, 0);
	char id[PD_CASE_ID_LEN + 1];
	struct pd_paper_opts popts = {.base_url = o.base_url};
	struct pd_actor actor;
	if ((rc = pd_store_open(o.db, PD_STORE_READONLY, &store, &err)) ||
	    (o.as && (rc = cli_prove(store, o.as, o.token, &actor, &err))) ||
	    (rc = pd_workflow_resolve(store, o.as ? &actor : NULL, o.ref, id, &err)) ||
	    (rc = pd_workflow_case_json(store, id, false, &view, &err)) ||
	    (rc = pd_paper_case_pdf(paper, view.data, view.len, &popts, &pdf, &err)))
		goto cleanup;
	if (fwrite(pdf.data, 1, pdf.len, stdout) != pdf.len || fflush(stdout) != 0)
		rc = pd_error_set(&err, PD_EIO, "cannot write the PDF to standard output");
cleanup:
	pd_buf_free(&view);
	pd_buf_free(&pdf);
	pd_store_close(store);
	pd_paper_cleanup();
	return rc ? cli_fail(&err) : EXIT_OK;
}
