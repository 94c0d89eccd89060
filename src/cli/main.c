/*
 * main.c: the permitdesk executable.  Looks the subcommand up in one table
 * and runs it; `permitdesk help [COMMAND]` and every `--help` print from the
 * same table.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);

static const struct cli_command commands[] = {
    {"check", cmd_check,
     "check [--policy DIR] [--format json|text|pdf] [--view full|summary|trace] [--lang en|zh]\n"
     "       [--pretty] FILE|-\n"
     "       permitdesk check --batch [--jobs N] [--view full|summary|trace] [--lang en|zh]\n"
     "       [--policy DIR] FILE.jsonl|-",
     "evaluate a case: verdict, materials, limits, fee, dates, with sources",
     "Reads one case (format.md §1) and prints its result (§2) as JSON, or with\n"
     "--format text a checklist in Chinese and English (--lang picks one), with\n"
     "--format pdf the same checklist as an A4 PDF on standard output.\n"
     "--view summary: ids, statuses, figures, dates and the failing or unknown\n"
     "findings, no prose; --view trace: the same with every finding's rule and\n"
     "outcome; --lang keeps one language's texts, in JSON as in text.\n"
     "--batch reads one case per line and writes exactly one line per line, same\n"
     "order; a bad line (empty, blank, over 1 MiB, refused) yields {\"error\":{...}}\n"
     "with its line number on its line, and the exit code is 65.  --jobs N checks\n"
     "on N threads.  A case's \"extra\" is echoed in its result.\n"
     "Exit codes: 0 evaluated (whatever the verdict), 64 usage, 65 bad case,\n"
     "66 file missing, 78 policy error."},
    {"calendar", cmd_calendar,
     "calendar add DATE N | calendar is-workday DATE [--policy DIR]\n"
     "       permitdesk calendar check [--policy DIR] [FILE]",
     "official working days (holidays and make-up working days)",
     "add DATE N        prints the date N working days after DATE (DATE not counted)\n"
     "is-workday DATE   prints yes or no (exit 0 either way)\n"
     "check [FILE]      checks each year of the calendar (FILE, default the policy's\n"
     "                  calendar/cn.yaml) against the statutory holidays: each one\n"
     "                  once, periods long enough, weekdays off less make-up days\n"
     "                  equal to the statutory days; errors as file:line:column; a\n"
     "                  warning from 1 December while next year is missing\n"
     "A date in a year the calendar does not cover counts weekends only, and a\n"
     "warning on standard error says the answer is provisional.\n"
     "Exit codes: 0 answered (check: no error), 64 usage, 65 bad DATE or N, 66 file\n"
     "missing, 78 a calendar file that does not load or fails the check."},
    {"policy", cmd_policy,
     "policy lint [DIR] | policy list [DIR] | policy conflicts [--lang zh] [DIR]\n"
     "       permitdesk policy coverage [--cases DIR] [--strict] [DIR]",
     "check and inspect policy packs",
     "lint [DIR]    loads every pack and reports every problem as file:line:column\n"
     "list [DIR]    lists the packs, what they extend, when they are in force\n"
     "conflicts     where the sources disagree and the choice each pack makes\n"
     "coverage      every clause of each source's index (clauses.yaml) with the rules that\n"
     "              cite it or the reason it is informational; with --cases, every rule with\n"
     "              the golden cases where it applies and where it does not; --strict exits\n"
     "              65 when a clause is missing or a rule is not exercised both ways"},
    {"validate", cmd_validate,
     "validate [--pretty] [--today DATE] mrz LINE...|TEXT|-\n"
     "       permitdesk validate [--pretty] [--today DATE] id NUMBER",
     "check a machine readable zone or an identity number",
     "mrz LINE...   an ICAO 9303 zone (TD1, TD2, TD3, MRV-A, MRV-B): its lines as\n"
     "              arguments, as one text, or - for standard input\n"
     "id NUMBER     a resident identity number (GB 11643), a permanent residence\n"
     "              number (2017 or 2023 card), or a mainland travel permit number\n"
     "Prints the fields as JSON with \"valid\", each failed check by name, and notes\n"
     "(\"expired\" is a note, judged against --today or PERMITDESK_TODAY).\n"
     "Exit codes: 0 checked (valid or not), 64 usage, 65 not even the shape of a\n"
     "zone or a number (the verdict is printed all the same)."},
    {"case", cmd_case,
     "case new --db FILE --as USER [--token T] [--policy DIR] [--at DATE --reason TEXT]\n"
     "                           [--note TEXT] CASE.json|-\n"
     "       permitdesk case act --db FILE --as USER [--token T] [--policy DIR]\n"
     "                           [--at DATE --reason TEXT] [--note TEXT] [--data JSON|@FILE]\n"
     "                           ID ACTION\n"
     "       permitdesk case show --db FILE [--as USER [--token T]] [--pretty] ID\n"
     "       permitdesk case documents --db FILE --as USER [--token T] [--policy DIR]\n"
     "                                 [--at DATE --reason TEXT] ID BODY.json|-\n"
     "       permitdesk case list --db FILE [--state S] [--overdue] [--as-of DATE]\n"
     "                            [--as USER [--token T]]\n"
     "                            [--pack P] [--assignee U] [--search TEXT] [--limit N]\n"
     "                            [--after CURSOR]\n"
     "       permitdesk case replay --db FILE [--policy DIR] ID",
     "the case workflow: file, accept, review, decide, issue; JSON out",
     "new    stores a case (state draft) with its evaluation; prints {id, number, state}\n"
     "act    one action: submit, accept, request_supplement, resubmit, assign, add_task,\n"
     "       complete_task, approve, reject, revoke, issue, collect.  --data gives what an\n"
     "       action needs, e.g. {\"kind\":\"interview\"} for add_task, {\"task\":1,\n"
     "       \"outcome\":\"missed\"} for complete_task, {\"ground\":\"missed_interview\"}\n"
     "       for revoke, {\"method\":\"post\"} for collect, {\"to\":USER} for assign,\n"
     "       {\"case\":{...}} for resubmit; any action's data may hold a \"note\" (--note\n"
     "       wins).  --at DATE: when it took effect (default today); a date before today\n"
     "       needs --reason (or data \"reason\") and a role the setting backdate_roles\n"
     "       allows, within backdate_days (permitdesk config list).  A supervisor sets the\n"
     "       separation of duties aside with data {\"override\": REASON}, audited.\n"
     "--as USER is proven: the user's password is the first line of standard input\n"
     "(asked without echo at a terminal; with \"-\" as input the rest is the input),\n"
     "or --token TOKEN (or PERMITDESK_TOKEN), a session of POST /api/v1/sessions.\n"
     "documents  replaces what the applicant brought: BODY is {\"documents\":[...],\n"
     "       \"note\"?}; the case is evaluated again and the change audited\n"
     "show   everything about a case: facts, latest result, receipt, deadlines, notices,\n"
     "       tasks, decisions and history\n"
     "list   cases, by state, or --overdue: decision date passed as of --as-of (today);\n"
     "       --search matches a case number, an applicant's name or a passport number;\n"
     "       --limit and --after page through them (\"next\" is the cursor of the next page)\n"
     "replay evaluates the facts of each decision again with today's policy and compares\n"
     "show and list with --as see what USER may see (an applicant their own cases);\n"
     "without --as they are the operator's (whoever can read the database file).\n"
     "Exit codes: 0 done, 64 usage, 65 not allowed from the case's state, or bad data\n"
     "(nothing is changed), 66 no such database or case, 74 the database cannot be\n"
     "written, 75 busy (try again), 77 not proven, or refused for the role, the\n"
     "ownership or the separation of duties."},
    {"user", cmd_user,
     "user add --db FILE NAME --role ROLE [--as ADMIN [--token T]]\n"
     "       permitdesk user list --db FILE [--pretty]\n"
     "       permitdesk user disable|enable --db FILE NAME --as ADMIN [--token T]\n"
     "       permitdesk user password --db FILE NAME --as USER [--token T]",
     "users: add, list, disable, enable, set a password",
     "add       a user: applicant, agent, officer, reviewer, supervisor or admin; creates\n"
     "          the database when it does not exist\n"
     "list      every user with role, disabled and created_at\n"
     "disable   the user can no longer log in or act; their sessions end (enable: again)\n"
     "password  a new password; the user's sessions end\n"
     "Until the store has an admin, the operator (whoever can write the database file)\n"
     "adds and administers users without --as, the first admin among them; then every\n"
     "change needs --as: an admin's, or one's own for a password.  Standard input holds\n"
     "the proof of --as (its password, unless --token) on its first line, then the new\n"
     "password (at least 8 bytes, stored as an argon2id hash).  Changes are audited.\n"
     "Exit codes: 0 done, 64 usage, 65 bad name, role or password, 66 no such user,\n"
     "77 not proven or not an admin."},
    {"audit", cmd_audit,
     "audit verify --db FILE [--checkpoint CP.json] [--audit-key PATH]\n"
     "       permitdesk audit checkpoint --db FILE [--audit-key PATH] [--pretty]",
     "check the audit trail's keyed hash chain; sign its head",
     "verify      prints {\"ok\", \"entries\", \"head\", \"first_bad\"}: every entry's keyed\n"
     "            hash and link, the recorded head, and each case's columns the trail\n"
     "            records; with --checkpoint, the trail must extend that checkpoint\n"
     "checkpoint  prints the chain head signed (Ed25519) with the audit key: keep it\n"
     "            outside the database (a register, another machine)\n"
     "The audit key is a file outside the database, made on first write with mode\n"
     "0600: --audit-key, else PERMITDESK_AUDIT_KEY, else FILE.key beside an SQLite\n"
     "file (PostgreSQL needs one given).  Back it up with the database.\n"
     "Exit codes: 0 intact, 65 naming the first entry or column changed, inserted or\n"
     "deleted, or a checkpoint the trail does not extend, 66 no such database or\n"
     "file, 78 an audit key that cannot be used."},
    {"facts", cmd_facts, "facts [--pretty]",
     "every fact a case may hold: type, allowed words with labels, question text",
     "Prints {\"facts\": [...]} as JSON (the same as GET /api/v1/facts): each fact's\n"
     "case path, type, whether it is derived (computed, never sent), the words an\n"
     "enumerated fact takes with English and Chinese labels, and its question."},
    {"appointments", cmd_appointments,
     "appointments --db FILE [--as USER [--token T]] [--policy DIR] [--format text|json]\n"
     "                    [--lang en|zh] [--pretty] OFFICE DATE",
     "an office's appointments of a day, each with its checklist (officers)",
     "Prints the officer's day view of OFFICE (an office id of `permitdesk offices`)\n"
     "on DATE: each booked appointment's time, reference, passport number and name,\n"
     "the case or pre-check answers attached, the verdict and what to bring with\n"
     "each material's status, in English and Chinese (--lang picks one); --format\n"
     "json prints the same JSON as GET /api/v1/offices/OFFICE/appointments?date=DATE.\n"
     "Read-only.  As `case list`: --as USER is proven (--token, PERMITDESK_TOKEN or\n"
     "the password on standard input) and must be an officer, reviewer or supervisor\n"
     "(the capability appointments); without --as it is the operator's, whoever can\n"
     "read the database (--db, or PERMITDESK_DB).\n"
     "Exit codes: 0 printed, 64 usage, 65 a bad date, 66 no such office or\n"
     "database, 75 busy, 77 not proven or not permitted, 78 policy error."},
    {"offices", cmd_offices,
     "offices [--policy DIR] [--format json|text] [--lang en|zh] [--pretty] [PACK]",
     "where to apply: each pack's offices with address, hours, telephone, source",
     "Prints {\"packs\": [{\"pack\", \"jurisdiction\", \"offices\": [...]}]} (the same\n"
     "as GET /api/v1/offices), for every pack or for PACK; --format text lists them\n"
     "for people, in Chinese and English (--lang picks one).  Each office is as its\n"
     "pack's offices.yaml describes it, with the clause that says so.\n"
     "Exit codes: 0 printed, 64 usage, 66 no such pack, 78 policy error."},
    {"print", cmd_print,
     "print receipt|notice|decision --db FILE [--base-url URL] [--as USER [--token T]] CASE",
     "a case's paper as an A4 PDF: receipt, one-time notice, decision notice",
     "Writes the PDF to standard output.  receipt: the acceptance receipt with a QR\n"
     "code of URL/progress?receipt=R (--base-url, or PERMITDESK_BASE_URL); notice: the\n"
     "one-time notice of every material, what to bring back, by when and where;\n"
     "decision: the decision with its ground, the rules not met and their citations.\n"
     "Each paper is in English and Chinese, with the fonts embedded.  CASE is the\n"
     "case's id or number; with --as (proven as for `case`) only a case USER may see.\n"
     "Exit codes: 0 printed, 64 usage, 65 no such paper yet (no receipt before the\n"
     "case is accepted, no decision notice before a decision), 66 no such database\n"
     "or case."},
    {"config", cmd_config,
     "config list --db FILE [--pretty]\n"
     "       permitdesk config set --db FILE --as ADMIN [--token T] NAME VALUE",
     "the deployment's settings: separation of duties, back-dating",
     "list  every setting with its value, default and help (as JSON)\n"
     "set   an admin changes one (proven as --as always is); audited as config_set\n"
     "Settings: separation_of_duties (on|off, default on), backdate_roles (roles\n"
     "separated by commas, or none; default officer,supervisor), backdate_days (0 to\n"
     "3650, default 7).  `config list` prints what each one does.\n"
     "Exit codes: 0 done, 64 usage, 65 no such setting or a bad value, 66 no such\n"
     "database, 77 not proven or not an admin."},
    {"serve", cmd_serve,
     "serve [--listen ADDR:PORT] [--db FILE] [--policy DIR] [--threads N]\n"
     "       [--request-timeout S] [--idle-timeout S] [--public-url URL] [--secure-cookie]\n"
     "       [--quiet]",
     "run the HTTP API (docs/api.md)",
     "Serves the API on --listen (default 127.0.0.1:8080; port 0 picks a free one) and\n"
     "prints \"listening on http://ADDR:PORT\" when it answers; one line per request\n"
     "goes to standard error (--quiet: none).  --db (or PERMITDESK_DB; default\n"
     "permitdesk.db here) is created on first start with a user 'admin' whose\n"
     "password is printed once.  --threads: worker threads (default: one per core).\n"
     "--request-timeout: seconds a request body may take to arrive (30);\n"
     "--idle-timeout: seconds an idle connection is kept (30).  --secure-cookie marks\n"
     "the session cookie Secure (behind TLS).  --public-url: the address people reach\n"
     "the desk at, for the QR code on receipts (default: the request's Host).\n"
     "SIGHUP reloads the policy (a broken pack is refused; the old one keeps serving);\n"
     "SIGTERM or SIGINT stops after the requests in flight.\n"
     "Exit codes: 0 stopped, 64 usage, 78 policy or configuration error (address in\n"
     "use, policy that does not load), 70 internal error."},
    {"help", cmd_help, "help [COMMAND] | help --man | help --completion bash",
     "show help for a command",
     "--man                the manual page permitdesk(1), as roff, from this table\n"
     "--completion bash    the bash completion script, from this table\n"
     "The build writes both from the program it built and `cmake --install`\n"
     "installs them (share/man/man1, share/bash-completion/completions)."},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct cli_command *cli_commands(size_t *n)
{
	*n = N_COMMANDS;
	return commands;
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage_all(FILE *out)
{
	fprintf(out, "usage: permitdesk COMMAND [OPTIONS]\n\n"
	             "The service desk for foreigners' residence permits and in-country visas.\n\n"
	             "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`permitdesk help COMMAND` or `permitdesk COMMAND --help` for more.\n");
}

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cli_help(const char *name, FILE *out)
{
	const struct cli_command *c = find_command(name);
	if (!c) {
		fprintf(stderr, "permitdesk: unknown command '%s'\n", name);
		usage_all(stderr);
		return EXIT_USAGE;
	}
	fprintf(out, "usage: permitdesk %s\n\n%s\n", c->synopsis, c->summary);
	if (c->help[0])
		fprintf(out, "\n%s\n", c->help);
	return EXIT_OK;
}

int cli_fail(const struct pd_error *err)
{
	char msg[1200];
	pd_error_format(err, msg, sizeof(msg));
	fprintf(stderr, "permitdesk: %s\n", msg);
	return pd_error_exit_code(err->code);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "permitdesk %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	const struct cli_command *c = find_command(cmd);
	if (c)
		fprintf(stderr, "usage: permitdesk %s\n", c->synopsis);
	return EXIT_USAGE;
}

int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *table, size_t n,
              void *o, const char **args, size_t max_args, size_t *n_args)
{
	*n_args = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t j = 0;
		while (j < n && strcmp(a, table[j].name) != 0)
			j++;
		if (j < n) {
			if (table[j].flag) {
				*(bool *)((char *)o + table[j].field) = true;
				continue;
			}
			if (i + 1 >= argc)
				return cli_usage(cmd, "%s needs a value", a);
			*(const char **)((char *)o + table[j].field) = argv[++i];
		} else if (a[0] == '-' && a[1] == '-') {
			return cli_usage(cmd, "unknown option '%s'", a);
		} else if (*n_args < max_args) {
			args[(*n_args)++] = a;
		} else {
			return cli_usage(cmd, "unexpected argument '%s'", a);
		}
	}
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--man") == 0 && argc == 2)
		return cli_print_man(stdout);
	if (strcmp(argv[1], "--completion") == 0) {
		if (argc != 3 || strcmp(argv[2], "bash") != 0)
			return cli_usage("help", "--completion takes one shell: bash");
		return cli_print_completion_bash(stdout);
	}
	if (argc > 2)
		return cli_usage("help", "unexpected argument '%s'", argv[2]);
	return cli_help(argv[1], stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stderr);
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[1])) {
		usage_all(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("permitdesk %s\n", PD_CLI_VERSION);
		return EXIT_OK;
	}
	const struct cli_command *c = find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "permitdesk: unknown command '%s'\n", argv[1]);
		usage_all(stderr);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (cli_is_help(argv[i]))
			return cli_help(c->name, stdout);
	return c->run(argc - 1, argv + 1);
}
