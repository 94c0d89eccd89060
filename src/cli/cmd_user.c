/*
 * cmd_user.c: `permitdesk user add --db FILE NAME --role ROLE`: adds a user to
 * the store (workflow.h), creating the database when it does not exist yet,
 * which is how a new office starts.  The password is the first line of
 * standard input, so it never shows in a process list or a shell history.
 * The change is recorded in the audit trail as made by the "operator", the
 * one who holds the database file.
 *
 * Prints {"user": NAME, "role": ROLE}.  Exit codes: 0 added, 64 usage,
 * 65 a bad name, role or password, or a name that exists, 78 a database of
 * a newer version.
 */
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
	if (!fgets(buf, (int)size, stdin)) {
		buf[0] = '\0';
		*len = 0;
		return 0;
	}
	size_t n = strlen(buf);
	if (n && buf[n - 1] != '\n' && !feof(stdin))
		return -1; /* longer than the buffer */
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	*len = n;
	return 0;
}

static int run_add(int argc, char **argv)
{
	const char *db = NULL, *role_word = NULL, *name = NULL;
	char password[PASSWORD_LINE_MAX];
	size_t len = 0;
	enum pd_role role;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_buf out;
	struct pd_jw w;
	int code = EXIT_OK;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--role") == 0) {
			if (i + 1 >= argc)
				return cli_usage("user", "%s needs a value", argv[i]);
			if (strcmp(argv[i], "--db") == 0)
				db = argv[++i];
			else
				role_word = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return cli_usage("user", "unknown option '%s'", argv[i]);
		} else if (!name) {
			name = argv[i];
		} else {
			return cli_usage("user", "one user name only");
		}
	}
	if (!db || !name || !role_word)
		return cli_usage("user", "user add needs --db FILE, NAME and --role ROLE");
	if (pd_role_parse(role_word, &role) != 0)
		return cli_usage("user",
		                 "unknown role '%s': applicant, agent, officer, reviewer, "
		                 "supervisor or admin",
		                 role_word);
	if (read_password(password, sizeof(password), &len) != 0) {
		pd_error_set(&err, PD_EINPUT, "password longer than %d bytes",
		             PASSWORD_LINE_MAX - 2);
		return cli_fail(&err);
	}
	pd_buf_init(&out, 0);
	if (pd_store_open(db, PD_STORE_CREATE, &store, &err) ||
	    pd_user_add(store, NULL, name, role, password, len, PD_DATE_NONE, &err)) {
		code = cli_fail(&err);
		goto cleanup;
	}
	pd_jw_init(&w, &out, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "user");
	pd_jw_string(&w, name);
	pd_jw_key(&w, "role");
	pd_jw_string(&w, pd_role_name(role));
	pd_jw_object_end(&w);
	printf("%s\n", out.data);
cleanup:
	sodium_memzero(password, sizeof(password));
	pd_store_close(store);
	pd_buf_free(&out);
	return code;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("user", "missing what to do: add");
	if (strcmp(argv[1], "add") == 0)
		return run_add(argc, argv);
	return cli_usage("user", "unknown subcommand '%s'", argv[1]);
}
