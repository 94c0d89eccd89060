/*
 * cmd_calendar.c: `permitdesk calendar add DATE N`, `permitdesk calendar
 * is-workday DATE` and `permitdesk calendar check [FILE]`, the official
 * working-day calendar (calendar.h) from the command line (spec/interfaces.md).
 *
 * check loads FILE (default: the policy directory's calendar) and prints the
 * consistency check's findings (pd_calendar_problem) as file:line:column:
 * error: message, then a warning when the year of today, or from 1 December
 * the next year, is not covered (pd_calendar_coverage_warning), then a
 * summary; exit 78 when the file does not load or the check finds an error,
 * 0 otherwise (a warning alone exits 0).
 *
 * Only the calendar of the policy directory is loaded
 * (pd_policy_calendar_load; DIR from --policy, else pd_policy_default_dir()),
 * not the policy packs: the calendar answers even while a pack does not load.  An answer that
 * counted a day of a year the file does not cover is printed all the same, with a warning on
 * standard error that it is provisional.
 *
 * Exit codes (sysexits.h): 0 answered (is-workday: "yes" or "no" alike),
 * 64 usage, 65 a bad DATE or N, 66 the calendar file missing, 78 a calendar
 * file that does not load.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/calendar.h"
#include "permitdesk/policy.h"

/* More working days than anyone asks for (about 400 years); keeps the answer a real date. */
#define MAX_WORKING_DAYS 100000

struct calendar_action {
	const char *name;
	int min_args, max_args; /* positional arguments after the action */
	int (*run)(const struct pd_calendar *cal, char **args);
	const char *missing; /* what the first missing argument is called */
};

static int run_add(const struct pd_calendar *cal, char **args);
static int run_is_workday(const struct pd_calendar *cal, char **args);
static int run_check(const struct pd_calendar *cal, char **args);

static const struct calendar_action actions[] = {
    {"add", 2, 2, run_add, "DATE"},
    {"is-workday", 1, 1, run_is_workday, "DATE"},
    {"check", 0, 1, run_check, "FILE"},
};
#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

/* "2024 to 2026", or "2019, 2024 to 2026" when years are missing between. */
static void print_covered(const struct pd_calendar *cal, FILE *out)
{
	int first, last;
	const char *sep = "";
	pd_calendar_range(cal, &first, &last);
	for (int y = first; first && y <= last; y++) {
		if (!pd_calendar_covers(cal, y))
			continue;
		int end = y;
		while (end < last && pd_calendar_covers(cal, end + 1))
			end++;
		if (end > y)
			fprintf(out, "%s%d to %d", sep, y, end);
		else
			fprintf(out, "%s%d", sep, y);
		sep = ", ";
		y = end;
	}
	if (!first)
		fprintf(out, "no year");
}

static void warn_provisional(const struct pd_calendar *cal)
{
	fprintf(stderr, "permitdesk: warning: provisional: the official calendar covers ");
	print_covered(cal, stderr);
	fprintf(stderr, "; in other years only Saturdays and Sundays were taken as rest days\n");
}

static int parse_date_arg(const char *name, const char *s, pd_date *out)
{
	if (pd_date_parse(s, strlen(s), out) == 0)
		return 0;
	struct pd_error err = {0};
	pd_error_at(&err, PD_EINPUT, NULL, 0, 0, name, "expected a date YYYY-MM-DD, got \"%.40s\"",
	            s);
	return cli_fail(&err);
}

static int parse_count_arg(const char *name, const char *s, int *out)
{
	size_t len = strlen(s);
	long v = 0;
	bool ok = len > 0 && len <= 6;
	for (size_t i = 0; ok && i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			ok = false;
		else
			v = v * 10 + (s[i] - '0');
	}
	if (ok && v <= MAX_WORKING_DAYS) {
		*out = (int)v;
		return 0;
	}
	struct pd_error err = {0};
	pd_error_at(&err, PD_EINPUT, NULL, 0, 0, name,
	            "expected a number of working days from 0 to %d, got \"%.40s\"",
	            MAX_WORKING_DAYS, s);
	return cli_fail(&err);
}

static int run_add(const struct pd_calendar *cal, char **args)
{
	pd_date from = 0;
	int n = 0, rc;
	if ((rc = parse_date_arg("DATE", args[0], &from)) ||
	    (rc = parse_count_arg("N", args[1], &n)))
		return rc;
	bool provisional = false;
	pd_date to = pd_calendar_add(cal, from, n, &provisional);
	int y, m, d;
	pd_date_to_ymd(to, &y, &m, &d);
	if (to == PD_DATE_NONE || y > 9999) {
		struct pd_error err = {0};
		pd_error_at(&err, PD_EINPUT, NULL, 0, 0, "N", "the answer falls after 9999-12-31");
		return cli_fail(&err);
	}
	char buf[11];
	pd_date_format(to, buf);
	printf("%s\n", buf);
	if (provisional)
		warn_provisional(cal);
	return EXIT_OK;
}

static int run_is_workday(const struct pd_calendar *cal, char **args)
{
	pd_date day = 0;
	int rc = parse_date_arg("DATE", args[0], &day);
	if (rc)
		return rc;
	bool provisional = false;
	bool work = pd_calendar_is_workday(cal, day, &provisional);
	printf("%s\n", work ? "yes" : "no");
	if (provisional)
		warn_provisional(cal);
	return EXIT_OK;
}

/* "2024 to 2026: 3 years, 0 errors, 1 warning" after the findings. */
static int run_check(const struct pd_calendar *cal, char **args)
{
	size_t errors = pd_calendar_problem_count(cal);
	for (size_t i = 0; i < errors; i++) {
		const struct pd_error *e = pd_calendar_problem(cal, i);
		printf("%s:%d:%d: error: %s\n", e->file, e->line, e->column, e->message);
	}
	char warning[600];
	int missing = pd_calendar_coverage_warning(cal, pd_today(), NULL, warning, sizeof(warning));
	if (missing)
		printf("%s: warning: %s\n", pd_calendar_path(cal), warning);
	int first, last, years = 0;
	pd_calendar_range(cal, &first, &last);
	for (int y = first; first && y <= last; y++)
		years += pd_calendar_covers(cal, y);
	print_covered(cal, stdout);
	printf(": %d year%s, %zu error%s, %d warning%s\n", years, years == 1 ? "" : "s", errors,
	       errors == 1 ? "" : "s", missing ? 1 : 0, missing ? "" : "s");
	return errors ? EXIT_CONFIG : EXIT_OK;
}

int cmd_calendar(int argc, char **argv)
{
	const char *dir = NULL;
	char *pos[4];
	int npos = 0, rc;
	struct pd_calendar *cal = NULL;
	struct pd_error err = {0};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--policy") == 0) {
			if (i + 1 >= argc)
				return cli_usage("calendar", "--policy needs a directory");
			dir = argv[++i];
		} else if (strncmp(a, "--policy=", 9) == 0) {
			dir = a + 9;
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++) {
				if (npos == (int)(sizeof(pos) / sizeof(pos[0])))
					return cli_usage("calendar", "too many arguments");
				pos[npos++] = argv[i];
			}
		} else if (a[0] == '-' && a[1] == '-') {
			return cli_usage("calendar", "unknown option '%s'", a);
		} else {
			if (npos == (int)(sizeof(pos) / sizeof(pos[0])))
				return cli_usage("calendar", "too many arguments");
			pos[npos++] = argv[i];
		}
	}
	if (npos == 0)
		return cli_usage("calendar", "missing action: add, is-workday or check");
	const struct calendar_action *act = NULL;
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (strcmp(actions[i].name, pos[0]) == 0)
			act = &actions[i];
	if (!act)
		return cli_usage("calendar", "unknown action '%s' (add, is-workday or check)",
		                 pos[0]);
	if (npos - 1 < act->min_args)
		return cli_usage("calendar", "%s: missing %s", act->name,
		                 npos == 1 ? act->missing : "N");
	if (npos - 1 > act->max_args)
		return cli_usage("calendar", "%s: unexpected argument '%s'", act->name,
		                 pos[act->max_args + 1]);

	if (act->run == run_check && npos == 2) {
		if (dir)
			return cli_usage("calendar", "check: FILE or --policy, not both");
		rc = pd_calendar_load(pos[1], &cal, &err);
	} else {
		if (!dir)
			dir = pd_policy_default_dir();
		rc = pd_policy_calendar_load(dir, &cal, &err);
	}
	if (rc != 0)
		return cli_fail(&err);
	rc = act->run(cal, pos + 1);
	pd_calendar_free(cal);
	return rc;
}
