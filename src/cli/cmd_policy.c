/*
 * cmd_policy.c: `permitdesk policy lint|list|conflicts`.
 *
 * lint loads every pack and prints every problem the loader found, one per
 * line as file:line:column: error|warning: message, then the calendar's
 * consistency check (errors) and, from 1 December while the next year is not
 * covered, a warning naming the year and the file; then, for each pack that
 * extends another, its overlay of the parent's rules (replaced, dropped, in
 * force); exit 78 when any error.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "permitdesk/codec.h"
#include "permitdesk/engine.h"
#include "permitdesk/policy.h"

/* What each pack that extends another does to its parent's rules: the rules in
 * force there as written in the parent, each replacement (pack rule -> parent
 * rule) and each rule dropped. */
static void overlays(const struct pd_policy *pol)
{
	for (size_t i = 0; i < pd_policy_pack_count(pol); i++) {
		const struct pd_pack *p = pd_policy_pack_at(pol, i);
		size_t n = pd_pack_overlay(p, NULL, 0);
		if (!n)
			continue;
		struct pd_overlay_entry *e = calloc(n, sizeof(*e));
		if (!e)
			return;
		pd_pack_overlay(p, e, n);
		size_t count[3] = {0}, restating = 0;
		for (size_t k = 0; k < n; k++) {
			count[e[k].kind]++;
			restating += e[k].restates;
		}
		printf("overlay %s on %s: %zu rules in force as written there, %zu replaced (%zu "
		       "restating the same decision on %s's own clause), %zu dropped\n",
		       pd_pack_id(p), pd_pack_extends(p), count[PD_OVERLAY_IN_FORCE],
		       count[PD_OVERLAY_REPLACED], restating, pd_pack_id(p),
		       count[PD_OVERLAY_DROPPED]);
		for (size_t k = 0; k < n; k++) {
			if (e[k].kind == PD_OVERLAY_REPLACED)
				printf("  replaces: %s -> %s (%s:%d)%s\n", e[k].rule,
				       e[k].parent_rule, e[k].file, e[k].line,
				       e[k].restates ? ": the same condition and effects" : "");
			else if (e[k].kind == PD_OVERLAY_DROPPED)
				printf("  dropped: %s\n", e[k].parent_rule);
		}
		for (size_t k = 0; k < n; k++)
			if (e[k].kind == PD_OVERLAY_IN_FORCE)
				printf("  in force: %s\n", e[k].parent_rule);
		free(e);
	}
}

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
	/* The calendar's consistency check, and whether the next year is due. */
	const struct pd_calendar *cal = pol ? pd_policy_calendar(pol) : NULL;
	for (size_t i = 0; i < pd_calendar_problem_count(cal); i++) {
		const struct pd_error *e = pd_calendar_problem(cal, i);
		printf("%s:%d:%d: error: %s\n", e->file, e->line, e->column, e->message);
		errors++;
		rc = rc ? rc : -PD_EPOLICY;
	}
	char due[600];
	if (cal && pd_calendar_coverage_warning(cal, pd_today(), NULL, due, sizeof(due))) {
		printf("%s: warning: %s\n", pd_calendar_path(cal), due);
		warnings++;
	}
	if (rc && errors == 0) {
		/* A failure before any pack was read (no such directory ...). */
		pd_diags_free(&diags);
		return cli_fail(&err);
	}
	if (pol) {
		overlays(pol);
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
	printf("%-14s %-12s %-14s %-10s %-10s %-16s %s\n", "pack", "jurisdiction", "extends",
	       "from", "to", "version", "title");
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
	printf(zh ? "共 %zu 处来源冲突及其处理\n"
	          : "%zu conflicts between sources and how each is resolved\n",
	       shown);
	pd_policy_free(pol);
	return EXIT_OK;
}

/* ---- coverage ---- */

struct cov_rule {
	char *id;
	const char *layer, *source, *file;
	int line;
	const char *jurisdiction;
	int applied,
	    not_applied; /* golden cases where it applied / where its pack decided and it did not */
	bool seen_this_case;
};

struct cov {
	struct cov_rule *rules;
	size_t n_rules;
	struct pd_clause_info *clauses;
	int *clause_hits;
	size_t n_clauses;
	const char **sources;
	size_t n_sources;
	int cases;
	int case_errors;
};

struct cite_ctx {
	struct cov *cv;
	bool mark;
};

static void on_cite(const char *source, const char *clause, void *ctx)
{
	struct cov *cv = ((struct cite_ctx *)ctx)->cv;
	for (size_t i = 0; i < cv->n_clauses; i++)
		if (strcmp(cv->clauses[i].source, source) == 0 &&
		    pd_clause_covers(clause, cv->clauses[i].clause))
			cv->clause_hits[i]++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every .json case below dir that is not an expectation, sorted. */
static void collect_cases(const char *dir, char ***files, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			collect_cases(path, files, n, cap);
			continue;
		}
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0 ||
		    (l > 14 && strcmp(e->d_name + l - 14, ".expected.json") == 0))
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*files = realloc(*files, sizeof(char *) * *cap);
		}
		(*files)[(*n)++] = strdup(path);
	}
	closedir(d);
}

static void run_cases(const struct pd_policy *pol, struct cov *cv, const char *dir)
{
	char **files = NULL;
	size_t n = 0, cap = 0;
	collect_cases(dir, &files, &n, &cap);
	if (n)
		qsort(files, n, sizeof(char *), cmp_str);
	struct pd_arena arena;
	pd_arena_init(&arena, 1 << 16, 64u << 20);
	for (size_t i = 0; i < n; i++) {
		struct pd_buf in;
		pd_buf_init(&in, 1u << 20);
		struct pd_error err;
		pd_error_clear(&err);
		const struct pd_check_opts opts = {
		    .name = files[i], .today = PD_DATE_NONE, .date = PD_DATE_NONE};
		struct pd_result *r;
		pd_arena_reset(&arena);
		if (pd_buf_read_file(&in, files[i], &err) == 0 &&
		    pd_check(pol, in.data, in.len, &opts, &arena, NULL, &r, &err) == 0) {
			cv->cases++;
			for (size_t k = 0; k < cv->n_rules; k++)
				cv->rules[k].seen_this_case = false;
			for (size_t f = 0; f < r->n_findings; f++) {
				if (r->findings[f].outcome == PD_OUTCOME_UNKNOWN)
					continue;
				for (size_t k = 0; k < cv->n_rules; k++)
					if (strcmp(cv->rules[k].id, r->findings[f].origin.rule) ==
					    0)
						cv->rules[k].seen_this_case = true;
			}
			/* The layers that decided: the pack and every pack it extends. */
			const char *chain[16];
			int n_chain = 0;
			const char *id = r->pack;
			while (id && n_chain < 16) {
				chain[n_chain++] = id;
				const char *parent = NULL;
				for (size_t p = 0; p < pd_policy_pack_count(pol); p++) {
					const struct pd_pack *pk = pd_policy_pack_at(pol, p);
					if (strcmp(pd_pack_id(pk), id) == 0)
						parent = pd_pack_extends(pk);
				}
				id = parent;
			}
			for (size_t k = 0; k < cv->n_rules; k++) {
				struct cov_rule *cr = &cv->rules[k];
				bool considered = false;
				for (int j = 0; j < n_chain && !considered; j++)
					considered = strcmp(cr->layer, chain[j]) == 0;
				if (cr->seen_this_case)
					cr->applied++;
				else if (considered)
					cr->not_applied++;
			}
		} else {
			cv->case_errors++;
		}
		pd_buf_free(&in);
		free(files[i]);
	}
	free(files);
	pd_arena_free(&arena);
}

static int coverage(const char *dir, const char *cases_dir, bool strict)
{
	struct pd_policy *pol = NULL;
	int rc = load(dir, &pol);
	if (rc)
		return rc;
	struct cov cv = {0};
	size_t n_packs = pd_policy_pack_count(pol);
	size_t max_rules = 0, max_clauses = 0;
	for (size_t i = 0; i < n_packs; i++) {
		const struct pd_pack *p = pd_policy_pack_at(pol, i);
		max_rules += pd_pack_rule_info(p, NULL, 0);
		max_clauses += pd_pack_clauses(p, NULL, 0);
	}
	cv.rules = calloc(max_rules + 1, sizeof(*cv.rules));
	cv.clauses = calloc(max_clauses + 1, sizeof(*cv.clauses));
	cv.clause_hits = calloc(max_clauses + 1, sizeof(int));
	struct pd_rule_info *info = calloc(max_rules + 1, sizeof(*info));
	const char *srcs[256];
	size_t n_srcs = 0;
	for (size_t i = 0; i < n_packs; i++) {
		const struct pd_pack *p = pd_policy_pack_at(pol, i);
		size_t n = pd_pack_rule_info(p, info, max_rules);
		for (size_t k = 0; k < n; k++) {
			if (strcmp(info[k].layer, pd_pack_id(p)) != 0)
				continue; /* inherited: counted where it was written */
			struct cov_rule *cr = &cv.rules[cv.n_rules++];
			cr->id = strdup(info[k].id);
			cr->layer = info[k].layer;
			cr->source = info[k].source;
			cr->file = info[k].file;
			cr->line = info[k].line;
			cr->jurisdiction = pd_pack_jurisdiction(p);
		}
		cv.n_clauses +=
		    pd_pack_clauses(p, cv.clauses + cv.n_clauses, max_clauses - cv.n_clauses);
		const char *ps[64];
		size_t m = pd_pack_sources(p, ps, 64);
		for (size_t k = 0; k < m && k < 64; k++) {
			bool dup = false;
			for (size_t j = 0; j < n_srcs; j++)
				dup = dup || strcmp(srcs[j], ps[k]) == 0;
			if (!dup && n_srcs < 256)
				srcs[n_srcs++] = ps[k];
		}
	}
	/* Rules of one pack may be used by cases of the packs that extend it. */
	for (size_t k = 0; k < cv.n_rules; k++) {
		struct cite_ctx ctx = {&cv, true};
		if (cv.rules[k].source)
			pd_citation_each(cv.rules[k].source, srcs, n_srcs, on_cite, &ctx);
	}
	if (cases_dir)
		run_cases(pol, &cv, cases_dir);

	int missing_clauses = 0, marked_but_cited = 0, unexercised = 0;
	printf("Clauses\n");
	for (size_t i = 0; i < cv.n_clauses; i++) {
		const struct pd_clause_info *c = &cv.clauses[i];
		const char *state;
		if (cv.clause_hits[i] && c->informational) {
			state = "implemented (also marked informational)";
			marked_but_cited++;
		} else if (cv.clause_hits[i]) {
			state = "implemented";
		} else if (c->informational) {
			state = "informational";
		} else {
			state = "MISSING";
			missing_clauses++;
		}
		printf("  %-4s %-12s %-13s", c->source, c->clause, state);
		if (cv.clause_hits[i]) {
			printf(" by");
			int shown = 0;
			for (size_t k = 0; k < cv.n_rules && shown < 6; k++) {
				struct cov ck = cv;
				int before = 0;
				(void)ck;
				/* List the rules whose citations cover this clause. */
				struct pd_clause_info one = *c;
				struct cov single = {
				    .clauses = &one, .clause_hits = &before, .n_clauses = 1};
				struct cite_ctx ctx = {&single, true};
				if (cv.rules[k].source)
					pd_citation_each(cv.rules[k].source, srcs, n_srcs, on_cite,
					                 &ctx);
				if (before) {
					printf(" %s", cv.rules[k].id);
					shown++;
				}
			}
			if (shown == 6)
				printf(" ...");
		} else if (c->informational) {
			printf(" (%s)", c->informational);
		}
		printf("\n");
	}
	if (cases_dir) {
		printf("\nRules (golden cases where each applies / does not)\n");
		for (size_t k = 0; k < cv.n_rules; k++) {
			struct cov_rule *cr = &cv.rules[k];
			bool bad = cr->applied == 0 || cr->not_applied == 0;
			if (bad)
				unexercised++;
			printf("  %-52s %4d / %-4d%s\n", cr->id, cr->applied, cr->not_applied,
			       cr->applied == 0       ? "  NEVER APPLIES"
			       : cr->not_applied == 0 ? "  NEVER SEEN NOT TO APPLY"
			                              : "");
		}
		printf("\n%d golden cases evaluated", cv.cases);
		if (cv.case_errors)
			printf(" (%d refused as input errors)", cv.case_errors);
		printf("\n");
	}
	printf("%zu clauses: %d missing, %d marked informational though cited; %zu rules",
	       cv.n_clauses, missing_clauses, marked_but_cited, cv.n_rules);
	if (cases_dir)
		printf(", %d not exercised both ways", unexercised);
	printf("\n");
	for (size_t k = 0; k < cv.n_rules; k++)
		free(cv.rules[k].id);
	free(cv.rules);
	free(cv.clauses);
	free(cv.clause_hits);
	free(info);
	pd_policy_free(pol);
	if (strict && (missing_clauses || unexercised))
		return EXIT_DATAERR;
	return EXIT_OK;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage("policy", "missing subcommand (lint, list, conflicts, coverage)");
	const char *dir = NULL, *lang = NULL, *cases = NULL;
	bool strict = false;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			cases = argv[++i];
		else if (strcmp(argv[i], "--strict") == 0)
			strict = true;
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
	if (strcmp(argv[1], "coverage") == 0)
		return coverage(dir, cases, strict);
	return cli_usage("policy", "unknown subcommand '%s' (lint, list, conflicts, coverage)",
	                 argv[1]);
}
