/*
 * cmd_validate.c: `permitdesk validate mrz LINE...` and `permitdesk validate
 * id NUMBER` (spec/interfaces.md): the identity-document checks of ids.h
 * from the command line, printed as JSON (docs/ids.md lists the members).
 *
 *   validate mrz LINE LINE [LINE]   the lines of a zone, one argument each
 *   validate mrz TEXT               one argument holding the zone, its lines
 *                                   separated by newlines or run together
 *   validate mrz -                  the zone read from standard input
 *   validate id NUMBER              an identity or travel permit number
 * Options: --pretty (indented JSON), --today YYYY-MM-DD (the day against
 * which expiry and birth dates are judged; default PERMITDESK_TODAY or the
 * clock).
 *
 * Exit codes (sysexits.h): 0 a verdict was printed, valid or not; 65 the
 * input does not even have the shape of what was asked for (a zone of the
 * wrong number of lines or line lengths, a number of a length or form no
 * kind has) -- the verdict is printed all the same, naming the check
 * "format" or "length"; 64 usage; 66 standard input unreadable.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/codec.h"
#include "permitdesk/ids.h"

#define MAX_STDIN (64u << 10)

struct validate_opts {
	bool pretty;
	pd_date today;
	char *pos[8];
	int npos;
};

static int run_mrz(struct validate_opts *o);
static int run_id(struct validate_opts *o);

static const struct validate_action {
	const char *name;
	int min_args, max_args;
	int (*run)(struct validate_opts *o);
	const char *usage;
} actions[] = {
    {"mrz", 1, 3, run_mrz, "mrz: give the zone's lines (2 or 3), one text, or -"},
    {"id", 1, 1, run_id, "id: give one number"},
};
#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

static int print_json(struct pd_buf *b)
{
	if (b->failed) {
		struct pd_error err = {0};
		pd_error_set(&err, PD_ENOMEM, "out of memory writing the verdict");
		return cli_fail(&err);
	}
	fwrite(b->data, 1, b->len, stdout);
	fputc('\n', stdout);
	return EXIT_OK;
}

static int run_mrz(struct validate_opts *o)
{
	struct pd_mrz m;
	struct pd_buf b, in;
	struct pd_error err = {0};
	int rc;

	pd_buf_init(&b, 1u << 20);
	pd_buf_init(&in, MAX_STDIN);
	if (o->npos == 1 && strcmp(o->pos[0], "-") == 0) {
		if ((rc = pd_buf_read_file(&in, "-", &err)) != 0) {
			rc = cli_fail(&err);
			goto cleanup;
		}
		pd_mrz_parse_text(in.data, in.len, o->today, &m, NULL);
	} else if (o->npos == 1) {
		pd_mrz_parse_text(o->pos[0], strlen(o->pos[0]), o->today, &m, NULL);
	} else {
		pd_mrz_parse((const char *const *)o->pos, (size_t)o->npos, o->today, &m, NULL);
	}
	pd_mrz_write_json(&m, o->pretty, &b);
	rc = print_json(&b);
	if (rc == EXIT_OK && (m.failed & ((1u << PD_MRZ_FORMAT) | (1u << PD_MRZ_LENGTH))))
		rc = EXIT_DATAERR;
cleanup:
	pd_buf_free(&in);
	pd_buf_free(&b);
	return rc;
}

static int run_id(struct validate_opts *o)
{
	struct pd_id id;
	struct pd_buf b;
	int rc;

	pd_buf_init(&b, 1u << 16);
	pd_id_parse(o->pos[0], strlen(o->pos[0]), o->today, &id, NULL);
	pd_id_write_json(&id, o->pretty, &b);
	rc = print_json(&b);
	if (rc == EXIT_OK && (id.failed & ((1u << PD_ID_LENGTH) | (1u << PD_ID_FORMAT))))
		rc = EXIT_DATAERR;
	pd_buf_free(&b);
	return rc;
}

static int add_positional(struct validate_opts *o, char *arg)
{
	if (o->npos == (int)(sizeof(o->pos) / sizeof(o->pos[0])))
		return cli_usage("validate", "too many arguments");
	o->pos[o->npos++] = arg;
	return 0;
}

int cmd_validate(int argc, char **argv)
{
	struct validate_opts o = {.today = PD_DATE_NONE};
	const char *today = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--pretty") == 0) {
			o.pretty = true;
		} else if (strcmp(a, "--today") == 0) {
			if (i + 1 >= argc)
				return cli_usage("validate", "--today needs a date YYYY-MM-DD");
			today = argv[++i];
		} else if (strncmp(a, "--today=", 8) == 0) {
			today = a + 8;
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				if ((rc = add_positional(&o, argv[i])) != 0)
					return rc;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage("validate", "unknown option '%s'", a);
		} else if ((rc = add_positional(&o, a)) != 0) {
			return rc;
		}
	}
	if (today) {
		if (pd_date_parse(today, strlen(today), &o.today) != 0)
			return cli_usage("validate",
			                 "--today: expected a date YYYY-MM-DD, got \"%.40s\"",
			                 today);
	} else {
		o.today = pd_today();
	}
	if (o.npos == 0)
		return cli_usage("validate", "missing what to validate: mrz or id");

	const struct validate_action *act = NULL;
	for (size_t i = 0; i < N_ACTIONS; i++)
		if (strcmp(actions[i].name, o.pos[0]) == 0)
			act = &actions[i];
	if (!act)
		return cli_usage("validate", "unknown kind '%s' (mrz or id)", o.pos[0]);
	int nargs = o.npos - 1;
	if (nargs < act->min_args || nargs > act->max_args)
		return cli_usage("validate", "%s", act->usage);
	/* Shift the action's name off. */
	for (int i = 1; i < o.npos; i++)
		o.pos[i - 1] = o.pos[i];
	o.npos--;
	return act->run(&o);
}
