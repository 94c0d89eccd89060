/*
 * cli.h: the command table of the permitdesk executable and helpers shared
 * by its subcommands.  Every subcommand lives in its own cmd_<name>.c and is
 * one row of the table in main.c; usage and help are printed from the table.
 */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "permitdesk/base.h"

/* Exit codes (sysexits.h). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 64,
	EXIT_DATAERR = 65,
	EXIT_NOINPUT = 66,
	EXIT_SOFTWARE = 70,
	EXIT_IOERR = 74,
	EXIT_TEMPFAIL = 75,
	EXIT_NOPERM = 77,
	EXIT_CONFIG = 78,
};

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const char *synopsis;              /* "check [--policy DIR] ... FILE|-" */
	const char *summary;               /* one line */
	const char *help;                  /* the rest of `permitdesk help NAME` */
};

/* The command table (main.c), for the generated documents. */
const struct cli_command *cli_commands(size_t *n);
/* docgen.c: the manual page permitdesk(1) (roff) and the bash completion script, from the
 * command table; EXIT_OK or EXIT_IOERR. */
int cli_print_man(FILE *out);
int cli_print_completion_bash(FILE *out);

/* Prints "permitdesk: <formatted error>" on stderr and returns the exit code for it. */
int cli_fail(const struct pd_error *err);
/* Prints a usage error for `cmd` and returns 64. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An option of a command: its name and the offset of its field in the
 * command's options struct, a const char * (the value that follows) or, for
 * a flag, a bool. */
struct cli_opt {
	const char *name;
	size_t field;
	bool flag;
};
/* Parses argv[1..] of `cmd`: each option of table[n] into the struct at o,
 * the other words into args[max_args] in order (*n_args of them).  0, or 64
 * with the usage for an unknown option, a value missing or a word too many. */
int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *table, size_t n,
              void *o, const char **args, size_t max_args, size_t *n_args);
/* Prints `permitdesk help NAME` text. */
int cli_help(const char *name, FILE *out);
/* True when argv[i] is --help or -h. */
bool cli_is_help(const char *arg);

/* auth.c: who acts.  The longest password line read, with its line ending. */
#define CLI_PASSWORD_MAX 1100
struct pd_store;
struct pd_actor;
/* Reads the first line of `in` without its line ending; -1 when longer than size. */
int cli_read_line(FILE *in, char *buf, size_t size, size_t *len);
/* Proves that the caller is `as`: a session token (token, else PERMITDESK_TOKEN)
 * or the user's password (at the terminal without echo, else the first line of
 * standard input).  *out is the user as stored; -PD_EAUTH when not proven. */
int cli_prove(struct pd_store *store, const char *as, const char *token, struct pd_actor *out,
              struct pd_error *err);

/* Subcommands. */
int cmd_check(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_facts(int argc, char **argv);
int cmd_offices(int argc, char **argv);
int cmd_appointments(int argc, char **argv);
int cmd_print(int argc, char **argv);
int cmd_config(int argc, char **argv);

#endif
