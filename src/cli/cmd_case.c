/*
 * cmd_case.c: `permitdesk case new|act|documents|show|list|replay`, the case
 * workflow (workflow.h) for operators and scripts.  All output is JSON.
 *
 *   case new  --db FILE --as USER [--token T] [--policy DIR] [--at DATE --reason TEXT]
 *             [--note TEXT] CASE.json|-
 *   case act  --db FILE --as USER [--token T] [--policy DIR] [--at DATE --reason TEXT]
 *             [--note TEXT] [--data JSON|@FILE] ID ACTION
 *             (the data of every action may hold "note"; --note wins over it)
 *   case documents --db FILE --as USER [--token T] [--policy DIR] [--at DATE --reason TEXT]
 *             ID BODY.json|-
 *             (BODY: {"documents": [...], "note"?: "..."}, the case's new documents)
 *   case show --db FILE [--as USER [--token T]] [--pretty] ID
 *   case list --db FILE [--state S] [--overdue] [--as-of DATE] [--as USER [--token T]]
 *             [--pretty] [--pack P] [--assignee USER] [--search TEXT] [--limit N]
 *             [--after CURSOR]
 *   case replay --db FILE [--policy DIR] [--pretty] ID
 *
 * --as USER is proven (auth.c): --token, PERMITDESK_TOKEN, or the user's
 * password, the first line of standard input (at a terminal, asked without
 * echo); when the input file is "-", the rest of standard input is the input.
 * show and list with --as see what the user may see through the API (an
 * applicant their own cases; a case they may not see is "no case", as a
 * missing one); without --as they are the operator's, whoever can read the
 * database file.  show, list and replay open the database read-only.
 *
 * The library checks every transition and role; this file only parses, calls
 * and prints.  Exit codes (sysexits.h): 0 done, 64 usage, 65 an action the
 * case's state does not allow, or bad data, 66 the database, case or input
 * file missing, 74 an I/O error (a read-only database asked to write), 75 the
 * database busy, 77 not proven, or refused for the role, ownership or the
 * separation of duties, 78 a policy or database of another version, 70
 * internal errors.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/codec.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

#define CASE_FILE_MAX ((size_t)PD_CASE_MAX_BYTES)
#define DATA_FILE_MAX ((size_t)2 << 20)

enum sub { SUB_NEW, SUB_ACT, SUB_DOCUMENTS, SUB_SHOW, SUB_LIST, SUB_REPLAY, SUB_COUNT };
#define IN(x) (1u << SUB_##x)

struct case_opts {
	const char *db, *as, *token, *policy, *note, *data, *at, *reason, *state, *as_of;
	const char *pack, *assignee, *search, *limit, *after;
	bool overdue, pretty;
	const char *args[2];
	int n_args;
};

/* The options of every subcommand: name, the field it fills (or a flag), where allowed. */
struct opt_row {
	const char *name;
	size_t field;  /* offsetof(struct case_opts, ...) */
	bool flag;     /* takes no value */
	unsigned subs; /* IN(...) */
};

#define F(x) offsetof(struct case_opts, x)
static const struct opt_row opts[] = {
    {"--db", F(db), false, IN(NEW) | IN(ACT) | IN(DOCUMENTS) | IN(SHOW) | IN(LIST) | IN(REPLAY)},
    {"--as", F(as), false, IN(NEW) | IN(ACT) | IN(DOCUMENTS) | IN(SHOW) | IN(LIST)},
    {"--token", F(token), false, IN(NEW) | IN(ACT) | IN(DOCUMENTS) | IN(SHOW) | IN(LIST)},
    {"--policy", F(policy), false, IN(NEW) | IN(ACT) | IN(DOCUMENTS) | IN(REPLAY)},
    {"--at", F(at), false, IN(NEW) | IN(ACT) | IN(DOCUMENTS)},
    {"--reason", F(reason), false, IN(NEW) | IN(ACT) | IN(DOCUMENTS)},
    {"--note", F(note), false, IN(NEW) | IN(ACT)},
    {"--data", F(data), false, IN(ACT)},
    {"--state", F(state), false, IN(LIST)},
    {"--as-of", F(as_of), false, IN(LIST)},
    {"--overdue", F(overdue), true, IN(LIST)},
    {"--pack", F(pack), false, IN(LIST)},
    {"--assignee", F(assignee), false, IN(LIST)},
    {"--search", F(search), false, IN(LIST)},
    {"--limit", F(limit), false, IN(LIST)},
    {"--after", F(after), false, IN(LIST)},
    {"--pretty", F(pretty), true,
     IN(NEW) | IN(ACT) | IN(DOCUMENTS) | IN(SHOW) | IN(LIST) | IN(REPLAY)},
};
#undef F

struct sub_row {
	const char *name;
	int nargs;
	const char *args; /* for messages */
	bool needs_as;
};

static const struct sub_row subs[SUB_COUNT] = {
    [SUB_NEW] = {"new", 1, "CASE.json", true},
    [SUB_ACT] = {"act", 2, "ID ACTION", true},
    [SUB_DOCUMENTS] = {"documents", 2, "ID BODY.json", true},
    [SUB_SHOW] = {"show", 1, "ID", false},
    [SUB_LIST] = {"list", 0, "", false},
    [SUB_REPLAY] = {"replay", 1, "ID", false},
};

static int parse(int argc, char **argv, enum sub sub, struct case_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_row *row = NULL;
		for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if (strcmp(a, opts[k].name) == 0)
				row = &opts[k];
		if (row) {
			if (!(row->subs & (1u << sub)))
				return cli_usage("case", "case %s takes no %s", subs[sub].name, a);
			if (row->flag) {
				*(bool *)((char *)o + row->field) = true;
				continue;
			}
			if (i + 1 >= argc)
				return cli_usage("case", "%s needs a value", a);
			*(const char **)((char *)o + row->field) = argv[++i];
		} else if (a[0] == '-' && a[1] == '-') {
			return cli_usage("case", "unknown option '%s'", a);
		} else if (o->n_args < subs[sub].nargs) {
			o->args[o->n_args++] = a;
		} else {
			return cli_usage("case", "case %s: too many arguments", subs[sub].name);
		}
	}
	if (o->n_args < subs[sub].nargs)
		return cli_usage("case", "case %s needs %s", subs[sub].name, subs[sub].args);
	if (!o->db)
		return cli_usage("case", "case %s needs --db FILE", subs[sub].name);
	if (subs[sub].needs_as && !o->as)
		return cli_usage("case", "case %s needs --as USER", subs[sub].name);
	if (o->token && !o->as)
		return cli_usage("case", "--token proves --as USER: give both");
	return 0;
}

static int parse_date(const char *what, const char *s, pd_date *out)
{
	*out = PD_DATE_NONE;
	if (!s)
		return 0;
	if (pd_date_parse(s, strlen(s), out) == 0)
		return 0;
	struct pd_error err = {0};
	pd_error_at(&err, PD_EINPUT, NULL, 0, 0, what, "expected a date YYYY-MM-DD, got \"%.40s\"",
	            s);
	return cli_fail(&err);
}

static int print_buf(struct pd_buf *b)
{
	fwrite(b->data, 1, b->len, stdout);
	fputc('\n', stdout);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_IOERR;
}

/*
 * What a subcommand works with: the store, the actor (when --as), and for the
 * workflow the policy, whose official calendar counts the deadlines
 * (pd_workflow_init): one calendar, loaded with the packs.
 */
struct desk {
	struct pd_store *store;
	struct pd_actor actor;
	struct pd_policy *pol;
	struct pd_workflow wf;
};

static int open_desk(const struct case_opts *o, bool workflow, bool readonly, struct desk *s,
                     struct pd_error *err)
{
	int rc;
	memset(s, 0, sizeof(*s));
	if ((rc = pd_store_open(o->db, readonly ? PD_STORE_READONLY : 0, &s->store, err)))
		return rc;
	if (o->as && (rc = cli_prove(s->store, o->as, o->token, &s->actor, err)))
		return rc;
	s->wf.store = s->store;
	if (!workflow)
		return 0;
	if ((rc = pd_policy_load(o->policy ? o->policy : pd_policy_default_dir(), &s->pol, NULL,
	                         err)))
		return rc;
	pd_workflow_init(&s->wf, s->store, s->pol);
	return 0;
}

static void close_desk(struct desk *s)
{
	pd_store_close(s->store);
	pd_policy_free(s->pol);
}

static int run_new(const struct case_opts *o)
{
	struct desk s;
	struct pd_error err = {0};
	struct pd_buf in, out;
	struct pd_jw w;
	struct pd_case_ref ref;
	pd_date at;
	int rc, code = EXIT_OK;

	pd_buf_init(&in, CASE_FILE_MAX);
	pd_buf_init(&out, 0);
	if ((code = parse_date("at", o->at, &at)))
		return code;
	/* the proof first: it is the first line of standard input */
	if ((rc = open_desk(o, true, false, &s, &err))) {
		code = cli_fail(&err);
		close_desk(&s);
		goto cleanup;
	}
	if ((rc = pd_buf_read_file(&in, o->args[0], &err))) {
		if (rc == -PD_ETOOBIG)
			err.code = PD_EINPUT;
		code = cli_fail(&err);
		close_desk(&s);
		goto cleanup;
	}
	s.wf.reason = o->reason;
	if ((rc = pd_workflow_create(&s.wf, &s.actor, o->args[0], in.data, in.len, at, o->note,
	                             &ref, &err))) {
		code = cli_fail(&err);
		close_desk(&s);
		goto cleanup;
	}
	close_desk(&s);
	pd_jw_init(&w, &out, o->pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "id");
	pd_jw_string(&w, ref.id);
	pd_jw_key(&w, "number");
	pd_jw_string(&w, ref.number);
	pd_jw_key(&w, "state");
	pd_jw_string(&w, pd_state_name(ref.state));
	pd_jw_object_end(&w);
	code = print_buf(&out);
cleanup:
	pd_buf_free(&in);
	pd_buf_free(&out);
	return code;
}

static int run_act(const struct case_opts *o)
{
	struct desk s;
	struct pd_error err = {0};
	struct pd_buf data, out;
	struct pd_act act = {0};
	struct pd_act_result res;
	int rc, code = EXIT_OK;

	pd_buf_init(&data, DATA_FILE_MAX);
	pd_buf_init(&out, 0);
	if (pd_action_parse(o->args[1], &act.action) != 0) {
		char known[256];
		size_t n = 0;
		known[0] = '\0';
		for (int i = 0; i < PD_ACTION_COUNT && n < sizeof(known); i++) {
			int k = snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
			                 pd_action_name((enum pd_action)i));
			if (k > 0)
				n += (size_t)k;
		}
		return cli_usage("case", "unknown action '%s'; actions: %s", o->args[1], known);
	}
	if ((code = parse_date("at", o->at, &act.at)))
		return code;
	act.note = o->note;
	if (o->data && o->data[0] == '@') {
		if ((rc = pd_buf_read_file(&data, o->data + 1, &err))) {
			if (rc == -PD_ETOOBIG)
				err.code = PD_EINPUT;
			code = cli_fail(&err);
			goto cleanup;
		}
		act.data = data.data;
		act.data_len = data.len;
	} else if (o->data) {
		act.data = o->data;
		act.data_len = strlen(o->data);
	}
	act.reason = o->reason;
	if ((rc = open_desk(o, true, false, &s, &err)) ||
	    (rc = pd_workflow_act(&s.wf, &s.actor, o->args[0], &act, &res, &err))) {
		code = cli_fail(&err);
		close_desk(&s);
		goto cleanup;
	}
	close_desk(&s);
	pd_act_result_write_json(act.action, &res, NULL, o->pretty, &out);
	code = print_buf(&out);
cleanup:
	pd_buf_free(&data);
	pd_buf_free(&out);
	return code;
}

static int run_documents(const struct case_opts *o)
{
	struct desk s;
	struct pd_error err = {0};
	struct pd_buf body, out;
	struct pd_jw w;
	struct pd_act_result res;
	pd_date at;
	int rc, code;

	if ((code = parse_date("at", o->at, &at)))
		return code;
	pd_buf_init(&body, DATA_FILE_MAX);
	pd_buf_init(&out, 0);
	if ((rc = open_desk(o, true, false, &s, &err))) {
		code = cli_fail(&err);
		close_desk(&s);
		goto cleanup;
	}
	if ((rc = pd_buf_read_file(&body, o->args[1], &err))) {
		if (rc == -PD_ETOOBIG)
			err.code = PD_EINPUT;
		code = cli_fail(&err);
		close_desk(&s);
		goto cleanup;
	}
	s.wf.reason = o->reason;
	if ((rc = pd_workflow_set_documents(&s.wf, &s.actor, o->args[0], body.data, body.len, at,
	                                    &res, &err))) {
		code = cli_fail(&err);
		close_desk(&s);
		goto cleanup;
	}
	close_desk(&s);
	pd_jw_init(&w, &out, o->pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "id");
	pd_jw_string(&w, res.id);
	pd_jw_key(&w, "number");
	pd_jw_string(&w, res.number);
	pd_jw_key(&w, "state");
	pd_jw_string(&w, pd_state_name(res.to));
	pd_jw_key(&w, "verdict");
	pd_jw_string(&w, pd_verdict_name(res.verdict));
	pd_jw_key(&w, "audit_seq");
	pd_jw_int(&w, res.audit_seq);
	pd_jw_object_end(&w);
	code = print_buf(&out);
cleanup:
	pd_buf_free(&body);
	pd_buf_free(&out);
	return code;
}

static int run_show(const struct case_opts *o)
{
	struct desk s;
	struct pd_error err = {0};
	struct pd_buf out;
	int code;
	pd_buf_init(&out, 0);
	if (open_desk(o, false, true, &s, &err) ||
	    (o->as
	         ? pd_workflow_case_view_json(s.store, &s.actor, o->args[0], o->pretty, &out, &err)
	         : pd_workflow_case_json(s.store, o->args[0], o->pretty, &out, &err)))
		code = cli_fail(&err);
	else
		code = print_buf(&out);
	close_desk(&s);
	pd_buf_free(&out);
	return code;
}

static int run_list(const struct case_opts *o)
{
	struct desk s;
	struct pd_error err = {0};
	struct pd_buf out;
	struct pd_case_query q = {.state = o->state,
	                          .overdue = o->overdue,
	                          .pack = o->pack,
	                          .assignee = o->assignee,
	                          .search = o->search,
	                          .after = o->after};
	int code;
	if ((code = parse_date("as-of", o->as_of, &q.as_of)))
		return code;
	for (const char *p = o->limit; p && *p; p++) {
		if (*p < '0' || *p > '9' || q.limit > 1000000)
			return cli_usage("case", "--limit needs a number of cases, got '%s'",
			                 o->limit);
		q.limit = q.limit * 10 + (size_t)(*p - '0');
	}
	if (o->limit && (!o->limit[0] || q.limit == 0))
		return cli_usage("case", "--limit needs a number of cases, got '%s'", o->limit);
	pd_buf_init(&out, 0);
	if (open_desk(o, false, true, &s, &err)) {
		code = cli_fail(&err);
	} else {
		q.visible_to = o->as ? &s.actor : NULL;
		if (pd_workflow_list_json(s.store, &q, o->pretty, &out, &err))
			code = cli_fail(&err);
		else
			code = print_buf(&out);
	}
	close_desk(&s);
	pd_buf_free(&out);
	return code;
}

static int run_replay(const struct case_opts *o)
{
	struct desk s;
	struct pd_error err = {0};
	struct pd_buf out;
	int code;
	pd_buf_init(&out, 0);
	if (open_desk(o, true, true, &s, &err) ||
	    pd_workflow_replay_json(&s.wf, o->args[0], o->pretty, &out, &err))
		code = cli_fail(&err);
	else
		code = print_buf(&out);
	close_desk(&s);
	pd_buf_free(&out);
	return code;
}

int cmd_case(int argc, char **argv)
{
	static int (*const run[SUB_COUNT])(const struct case_opts *) = {
	    [SUB_NEW] = run_new,   [SUB_ACT] = run_act,   [SUB_DOCUMENTS] = run_documents,
	    [SUB_SHOW] = run_show, [SUB_LIST] = run_list, [SUB_REPLAY] = run_replay,
	};
	struct case_opts o;
	if (argc < 2)
		return cli_usage("case",
		                 "missing what to do: new, act, documents, show, list or replay");
	for (int sub = 0; sub < SUB_COUNT; sub++) {
		if (strcmp(argv[1], subs[sub].name) != 0)
			continue;
		int code = parse(argc, argv, (enum sub)sub, &o);
		return code ? code : run[sub](&o);
	}
	return cli_usage(
	    "case", "unknown subcommand '%s': new, act, documents, show, list or replay", argv[1]);
}
