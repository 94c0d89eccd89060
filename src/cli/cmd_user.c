/*
 * cmd_user.c: `permitdesk user add|list|disable|enable|password`: the users of
 * the store (workflow.h).
 *
 *   user add --db FILE NAME --role ROLE [--as ADMIN [--token T]]
 *                                         adds a user, creating the database
 *                                         when it does not exist yet, which is
 *                                         how a new office starts
 *   user list --db FILE [--pretty]        {"users": [{user, role, disabled,
 *                                         created_at}]}
 *   user disable --db FILE NAME --as ADMIN  the user can no longer log in or act;
 *   user enable --db FILE NAME --as ADMIN   their sessions end
 *   user password --db FILE NAME --as USER  a new password (an admin's, or one's
 *                                         own); their sessions end
 *
 * Who may.  Until the store has an admin, the operator (whoever can write the
 * database file) adds and administers users without --as: that is how an
 * office starts, its first admin among them.  Once an admin exists, every
 * change needs --as with its proof (auth.c): an admin's, or for a password
 * one's own; the audit trail records who.  `user list` is a read: the
 * operator's.
 *
 * Passwords are lines of standard input, so they never show in a process list
 * or a shell history: first the proof of --as (unless --token), then the new
 * user's or the new password.  add, disable, enable and password print
 * {"user": NAME, ...}.  Exit codes: 0 done, 64 usage, 65 a bad name, role or
 * password, or a name that exists, 66 no such database or user, 77 not
 * proven or not an admin, 78 a database of a newer version.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "permitdesk/codec.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

#define PASSWORD_LINE_MAX 1100

/* Reads the first line of standard input into buf, without its line ending. */
static int read_password(char *buf, size_t size, size_t *len)
{
	return cli_read_line(stdin, buf, size, len);
}

enum sub { SUB_ADD, SUB_LIST, SUB_DISABLE, SUB_ENABLE, SUB_PASSWORD, SUB_COUNT };
#define IN(x) (1u << SUB_##x)

struct user_opts {
	const char *db, *role, *name, *as, *token;
	bool pretty;
};

/* The options of every subcommand: name, the field it fills (or a flag), where allowed. */
struct opt_row {
	const char *name;
	size_t field; /* offsetof(struct user_opts, ...) */
	bool flag;    /* takes no value */
	unsigned subs;
};

#define F(x) offsetof(struct user_opts, x)
static const struct opt_row opts[] = {
    {"--db", F(db), false, IN(ADD) | IN(LIST) | IN(DISABLE) | IN(ENABLE) | IN(PASSWORD)},
    {"--role", F(role), false, IN(ADD)},
    {"--as", F(as), false, IN(ADD) | IN(DISABLE) | IN(ENABLE) | IN(PASSWORD)},
    {"--token", F(token), false, IN(ADD) | IN(DISABLE) | IN(ENABLE) | IN(PASSWORD)},
    {"--pretty", F(pretty), true, IN(LIST)},
};
#undef F

struct sub_row {
	const char *name;
	bool needs_name;
	int (*run)(const struct user_opts *o);
};

static int parse(int argc, char **argv, const struct sub_row *sub, enum sub k, struct user_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_row *row = NULL;
		for (size_t j = 0; j < sizeof(opts) / sizeof(opts[0]); j++)
			if (strcmp(a, opts[j].name) == 0)
				row = &opts[j];
		if (row && !(row->subs & (1u << k)))
			return cli_usage("user", "user %s takes no %s", sub->name, a);
		if (row && row->flag) {
			*(bool *)((char *)o + row->field) = true;
		} else if (row) {
			if (i + 1 >= argc)
				return cli_usage("user", "%s needs a value", a);
			*(const char **)((char *)o + row->field) = argv[++i];
		} else if (a[0] == '-' && a[1] == '-') {
			return cli_usage("user", "unknown option '%s'", a);
		} else if (sub->needs_name && !o->name) {
			o->name = a;
		} else {
			return cli_usage("user", "unexpected argument '%s'", a);
		}
	}
	if (!o->db)
		return cli_usage("user", "user %s needs --db FILE", sub->name);
	if (sub->needs_name && !o->name)
		return cli_usage("user", "user %s needs a user NAME", sub->name);
	return 0;
}

/* Prints {"user": name, key: value} (key NULL: no second member). */
static void print_user(const char *name, const char *key, const char *value, bool flag,
                       bool flag_value)
{
	struct pd_buf out;
	struct pd_jw w;
	pd_buf_init(&out, 0);
	pd_jw_init(&w, &out, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "user");
	pd_jw_string(&w, name);
	if (key) {
		pd_jw_key(&w, key);
		if (flag)
			pd_jw_bool(&w, flag_value);
		else
			pd_jw_string(&w, value);
	}
	pd_jw_object_end(&w);
	printf("%s\n", out.data);
	pd_buf_free(&out);
}

static int read_password_or_fail(char *buf, size_t size, size_t *len)
{
	struct pd_error err = {0};
	if (read_password(buf, size, len) == 0)
		return 0;
	pd_error_set(&err, PD_EINPUT, "password longer than %d bytes", PASSWORD_LINE_MAX - 2);
	return cli_fail(&err);
}

static int find_admin(void *ctx, const struct pd_store_user *u)
{
	(void)ctx;
	return !u->disabled && strcmp(u->role, "admin") == 0;
}

/*
 * Who makes a change to users: the user of --as, proven; without --as the
 * operator (*by NULL), which only a store without an admin allows.
 */
static int who(struct pd_store *store, const struct user_opts *o, struct pd_actor *actor,
               const struct pd_actor **by, struct pd_error *err)
{
	*by = NULL;
	if (o->as) {
		int rc = cli_prove(store, o->as, o->token, actor, err);
		if (rc == 0)
			*by = actor;
		return rc;
	}
	int rc = pd_store_user_list(store, find_admin, NULL, err);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return pd_error_set(
		    err, PD_EAUTH,
		    "this store has an admin: changes to users need --as ADMIN with "
		    "its password on standard input (or --token)");
	return 0;
}

static int run_add(const struct user_opts *o)
{
	char password[PASSWORD_LINE_MAX];
	size_t len = 0;
	enum pd_role role;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	int code = EXIT_OK;

	if (!o->role)
		return cli_usage("user", "user add needs --role ROLE");
	if (pd_role_parse(o->role, &role) != 0)
		return cli_usage("user",
		                 "unknown role '%s': applicant, agent, officer, reviewer, "
		                 "supervisor or admin",
		                 o->role);
	struct pd_actor actor;
	const struct pd_actor *by = NULL;
	if (pd_store_open(o->db, PD_STORE_CREATE, &store, &err) ||
	    who(store, o, &actor, &by, &err)) {
		code = cli_fail(&err);
		goto cleanup;
	}
	if ((code = read_password_or_fail(password, sizeof(password), &len)))
		goto cleanup;
	if (pd_user_add(store, by, o->name, role, password, len, PD_DATE_NONE, &err))
		code = cli_fail(&err);
	else
		print_user(o->name, "role", pd_role_name(role), false, false);
cleanup:
	sodium_memzero(password, sizeof(password));
	pd_store_close(store);
	return code;
}

static int run_list(const struct user_opts *o)
{
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_buf out;
	int code = EXIT_OK;

	pd_buf_init(&out, 0);
	if (pd_store_open(o->db, PD_STORE_READONLY, &store, &err) ||
	    pd_user_list_json(store, NULL, o->pretty, &out, &err))
		code = cli_fail(&err);
	else
		printf("%s\n", out.data);
	pd_store_close(store);
	pd_buf_free(&out);
	return code;
}

static int set_disabled(const struct user_opts *o, bool disabled)
{
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	int code = EXIT_OK;

	struct pd_actor actor;
	const struct pd_actor *by = NULL;
	if (pd_store_open(o->db, 0, &store, &err) || who(store, o, &actor, &by, &err) ||
	    pd_user_set_disabled(store, by, o->name, disabled, PD_DATE_NONE, &err))
		code = cli_fail(&err);
	else
		print_user(o->name, "disabled", NULL, true, disabled);
	pd_store_close(store);
	return code;
}

static int run_disable(const struct user_opts *o)
{
	return set_disabled(o, true);
}

static int run_enable(const struct user_opts *o)
{
	return set_disabled(o, false);
}

static int run_password(const struct user_opts *o)
{
	char password[PASSWORD_LINE_MAX];
	size_t len = 0;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	int code;

	struct pd_actor actor;
	const struct pd_actor *by = NULL;
	if (pd_store_open(o->db, 0, &store, &err) || who(store, o, &actor, &by, &err)) {
		code = cli_fail(&err);
		goto cleanup;
	}
	if ((code = read_password_or_fail(password, sizeof(password), &len)))
		goto cleanup;
	if (pd_user_set_password(store, by, o->name, password, len, PD_DATE_NONE, &err))
		code = cli_fail(&err);
	else
		print_user(o->name, "password", "changed", false, false);
cleanup:
	sodium_memzero(password, sizeof(password));
	pd_store_close(store);
	return code;
}

static const struct sub_row subs[SUB_COUNT] = {
    [SUB_ADD] = {"add", true, run_add},
    [SUB_LIST] = {"list", false, run_list},
    [SUB_DISABLE] = {"disable", true, run_disable},
    [SUB_ENABLE] = {"enable", true, run_enable},
    [SUB_PASSWORD] = {"password", true, run_password},
};

int cmd_user(int argc, char **argv)
{
	struct user_opts o;
	int rc;
	if (argc < 2)
		return cli_usage("user",
		                 "missing what to do: add, list, disable, enable or password");
	for (int k = 0; k < SUB_COUNT; k++) {
		if (strcmp(argv[1], subs[k].name) != 0)
			continue;
		if ((rc = parse(argc, argv, &subs[k], (enum sub)k, &o)))
			return rc;
		return subs[k].run(&o);
	}
	return cli_usage("user", "unknown subcommand '%s': add, list, disable, enable or password",
	                 argv[1]);
}
