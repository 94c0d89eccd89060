/*
 * cmd_offices.c: `permitdesk offices [--policy DIR] [--format json|text]
 * [--lang en|zh] [--pretty] [PACK]`: where to apply, as the packs' offices.yaml
 * say (pd_pack_offices_write_json, the same JSON as GET /api/v1/offices), for
 * every pack or for one.
 *
 * Exit codes (sysexits.h): 0 printed, 64 usage, 66 no such pack, 78 policy
 * error.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/codec.h"
#include "permitdesk/policy.h"

struct offices_opts {
	const char *policy, *format, *lang, *pack;
	bool pretty;
};

static const struct cli_opt opts[] = {
    {"--policy", offsetof(struct offices_opts, policy), false},
    {"--format", offsetof(struct offices_opts, format), false},
    {"--lang", offsetof(struct offices_opts, lang), false},
    {"--pretty", offsetof(struct offices_opts, pretty), true},
};

static int parse(int argc, char **argv, struct offices_opts *o)
{
	size_t n;
	memset(o, 0, sizeof(*o));
	o->format = "json";
	int rc = cli_parse("offices", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), o, &o->pack,
	                   1, &n);
	if (rc)
		return rc;
	if (strcmp(o->format, "json") != 0 && strcmp(o->format, "text") != 0)
		return cli_usage("offices", "--format takes json or text, not '%s'", o->format);
	if (o->lang && strcmp(o->lang, "en") != 0 && strcmp(o->lang, "zh") != 0)
		return cli_usage("offices", "--lang takes en or zh, not '%s'", o->lang);
	return 0;
}

int cmd_offices(int argc, char **argv)
{
	struct offices_opts o;
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	struct pd_error err;
	pd_error_clear(&err);
	struct pd_policy *pol = NULL;
	if (pd_policy_load(o.policy ? o.policy : pd_policy_default_dir(), &pol, NULL, &err) != 0)
		return cli_fail(&err);
	const struct pd_pack *p = NULL;
	if (o.pack && !(p = pd_policy_pack_find(pol, o.pack))) {
		pd_error_set(&err, PD_ENOTFOUND, "no pack '%.64s'", o.pack);
		pd_policy_free(pol);
		return cli_fail(&err);
	}
	struct pd_buf out;
	pd_buf_init(&out, 0);
	if (strcmp(o.format, "text") == 0)
		rc = pd_pack_offices_write_text(pol, p, o.lang, &out);
	else
		rc = pd_pack_offices_write_json(pol, p, o.pretty, &out);
	if (rc == 0) {
		fwrite(out.data, 1, out.len, stdout);
		if (strcmp(o.format, "json") == 0)
			fputc('\n', stdout);
	} else {
		pd_error_set(&err, -rc, "writing the offices");
	}
	pd_buf_free(&out);
	pd_policy_free(pol);
	return rc ? cli_fail(&err) : EXIT_OK;
}
