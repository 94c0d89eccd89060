/*
 * cmd_policy.c: `permitdesk policy lint|list|conflicts`.
 *
 * lint loads every pack and prints every problem the loader found, one per
 * line as file:line:column: error|warning: message; exit 78 when any error.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/policy.h"

static int lint(const char *dir)
{
	struct pd_policy *pol = NULL;
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	int rc = pd_policy_load(dir, &pol, &diags, &err);
	size_t errors = 0, warnings = 0;
	for (size_t i = 0; i < diags.count; i++) {
		struct pd_error *e = &diags.items[i];
		char where[400] = "";
		if (e->line)
			snprintf(where, sizeof(where), "%s:%d:%d: ", e->file, e->line, e->column);
		else if (e->file[0])
			snprintf(where, sizeof(where), "%s: ", e->file);
		printf("%s%s: %s\n", where, e->code ? "error" : "warning", e->message);
		if (e->code)
			errors++;
		else
			warnings++;
	}
	if (rc && errors == 0) {
		/* A failure before any pack was read (no such directory ...). */
		pd_diags_free(&diags);
		return cli_fail(&err);
	}
	if (pol) {
		size_t rules = 0;
		for (size_t i = 0; i < pd_policy_pack_count(pol); i++)
			rules += pd_pack_rule_info(pd_policy_pack_at(pol, i), NULL, 0);
		printf("%zu packs, %zu rules and rows: %zu errors, %zu warnings\n",
		       pd_policy_pack_count(pol), rules, errors, warnings);
	} else {
		printf("%zu errors, %zu warnings\n", errors, warnings);
	}
	pd_diags_free(&diags);
	pd_policy_free(pol);
	return rc ? EXIT_CONFIG : EXIT_OK;
}

static int load(const char *dir, struct pd_policy **pol)
{
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_policy_load(dir, pol, NULL, &err) != 0)
		return cli_fail(&err);
	return 0;
}

static void print_date(pd_date d)
{
	char buf[11];
	if (d == PD_DATE_NONE) {
		printf("%-10s", "-");
		return;
	}
	pd_date_format(d, buf);
	printf("%s", buf);
}

static int list(const char *dir)
{
	struct pd_policy *pol = NULL;
	int rc = load(dir, &pol);
	if (rc)
		return rc;
	printf("%-14s %-12s %-14s %-10s %-10s %-16s %s\n", "pack", "jurisdiction", "extends", "from",
	       "to", "version", "title");
	for (size_t i = 0; i < pd_policy_pack_count(pol); i++) {
		const struct pd_pack *p = pd_policy_pack_at(pol, i);
		pd_date from, to;
		pd_pack_effective(p, &from, &to);
		printf("%-14s %-12s %-14s ", pd_pack_id(p), pd_pack_jurisdiction(p),
		       pd_pack_extends(p) ? pd_pack_extends(p) : "-");
		print_date(from);
		printf(" ");
		print_date(to);
		printf(" %-16s %s / %s\n", pd_pack_version(p), pd_pack_title(p, "en"),
		       pd_pack_title(p, "zh"));
	}
	pd_policy_free(pol);
	return EXIT_OK;
}

static int conflicts(const char *dir, const char *lang)
{
	struct pd_policy *pol = NULL;
	int rc = load(dir, &pol);
	if (rc)
		return rc;
	bool zh = lang && strcmp(lang, "zh") == 0;
	size_t shown = 0;
	for (size_t i = 0; i < pd_policy_pack_count(pol); i++) {
		const struct pd_pack *p = pd_policy_pack_at(pol, i);
		struct pd_conflict_info info[128];
		size_t n = pd_pack_conflicts(p, info, 128);
		for (size_t k = 0; k < n && k < 128; k++) {
			/* Each choice once: where it was made. */
			if (strcmp(info[k].layer, pd_pack_id(p)) != 0)
				continue;
			printf("%s [%s] (%s: %s)\n  %s\n  -> %s\n\n", info[k].id, pd_pack_id(p),
			       zh ? "来源" : "sources", info[k].sources,
			       zh ? info[k].topic_zh : info[k].topic_en,
			       zh ? info[k].choice_zh : info[k].choice_en);
			shown++;
		}
	}
	printf(zh ? "共 %zu 处来源冲突及其处理\n" : "%zu conflicts between sources and how each is resolved\n",
	       shown);
	pd_policy_free(pol);
	return EXIT_OK;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("policy", "missing subcommand (lint, list, conflicts)");
	const char *dir = NULL, *lang = NULL;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (argv[i][0] == '-')
			return cli_usage("policy", "unknown option '%s'", argv[i]);
		else if (!dir)
			dir = argv[i];
		else
			return cli_usage("policy", "unexpected argument '%s'", argv[i]);
	}
	if (!dir)
		dir = pd_policy_default_dir();
	if (strcmp(argv[1], "lint") == 0)
		return lint(dir);
	if (strcmp(argv[1], "list") == 0)
		return list(dir);
	if (strcmp(argv[1], "conflicts") == 0)
		return conflicts(dir, lang);
	return cli_usage("policy", "unknown subcommand '%s' (lint, list, conflicts)", argv[1]);
}
