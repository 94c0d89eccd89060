/*
 * cmd_config.c: `permitdesk config list|set`, the deployment's settings
 * (workflow.h, "settings"; the one table of them is settings.c's).
 *
 *   config list --db FILE [--pretty]
 *       {"settings": [{"setting", "value", "default", "help"}]}: a read, the
 *       operator's; the database is opened read-only
 *   config set --db FILE --as ADMIN [--token T] NAME VALUE
 *       an admin's change, proven as every --as is (auth.c), audited
 *
 * Exit codes: 0 done, 64 usage, 65 no such setting or a bad value, 66 no such
 * database, 77 not proven or not an admin.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

static int run_list(int argc, char **argv)
{
	const char *db = NULL;
	bool pretty = false;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_buf out;
	int code = EXIT_OK;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--pretty") == 0)
			pretty = true;
		else
			return cli_usage("config", "unexpected '%s'", argv[i]);
	}
	if (!db)
		return cli_usage("config", "config list needs --db FILE");
	pd_buf_init(&out, 0);
	if (pd_store_open(db, PD_STORE_READONLY, &store, &err) ||
	    pd_settings_json(store, pretty, &out, &err))
		code = cli_fail(&err);
	else
		printf("%s\n", out.data);
	pd_store_close(store);
	pd_buf_free(&out);
	return code;
}

static int run_set(int argc, char **argv)
{
	const char *db = NULL, *as = NULL, *token = NULL, *args[2] = {NULL, NULL};
	int n = 0, code = EXIT_OK;
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_actor actor;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--as") == 0 && i + 1 < argc)
			as = argv[++i];
		else if (strcmp(argv[i], "--token") == 0 && i + 1 < argc)
			token = argv[++i];
		else if (argv[i][0] != '-' && n < 2)
			args[n++] = argv[i];
		else
			return cli_usage("config", "unexpected '%s'", argv[i]);
	}
	if (!db || !as || n != 2)
		return cli_usage("config", "config set needs --db FILE --as ADMIN NAME VALUE");
	if (pd_store_open(db, 0, &store, &err) || cli_prove(store, as, token, &actor, &err) ||
	    pd_setting_set(store, &actor, args[0], args[1], &err))
		code = cli_fail(&err);
	else
		printf("{\"setting\":\"%s\",\"value\":\"%s\"}\n", args[0], args[1]);
	pd_store_close(store);
	return code;
}

int cmd_config(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return run_list(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "set") == 0)
		return run_set(argc, argv);
	return cli_usage("config",
	                 "config list --db FILE | config set --db FILE --as ADMIN NAME VALUE");
}
