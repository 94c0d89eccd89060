/*
 * permitdesk/policy.h: policy packs, loaded once and compiled.
 *
 * A policy directory holds one folder per pack (pack.yaml and rule files) and
 * calendar/cn.yaml.  pd_policy_load() reads every pack, resolves `extends`,
 * compiles every condition into its compact form and checks everything a
 * pack can get wrong: each problem is reported with file:line:column.  The
 * result is immutable and may be shared by any number of threads.
 *
 * The language is documented for policy staff in docs/policy-language.md.
 */
#ifndef PERMITDESK_POLICY_H
#define PERMITDESK_POLICY_H

#include "permitdesk/base.h"
#include "permitdesk/calendar.h"

struct pd_policy;
struct pd_pack;

/* Problems found while loading, all of them (lint wants every one). */
struct pd_diags {
	struct pd_error *items;
	size_t count;
	size_t alloc;
};
void pd_diags_free(struct pd_diags *d);

/*
 * Loads every pack under dir.  On failure returns -PD_EPOLICY, fills err with
 * the first problem and, when diags is not NULL, appends every problem found.
 * Warnings (a rule never reachable, a source not declared ...) go to diags
 * with code 0 and do not fail the load.
 */
int pd_policy_load(const char *dir, struct pd_policy **out, struct pd_diags *diags,
                   struct pd_error *err);
void pd_policy_free(struct pd_policy *pol);

/* The directory to use when none is given: $PERMITDESK_POLICY, else the built-in default. */
const char *pd_policy_default_dir(void);

const struct pd_calendar *pd_policy_calendar(const struct pd_policy *pol);

/* The calendar of the policy directory `dir` (dir/calendar/cn.yaml) alone,
 * without its packs: what pd_policy_load() loads as the policy's calendar,
 * for a front end that must answer while a pack does not load.  Free it with
 * pd_calendar_free(). */
int pd_policy_calendar_load(const char *dir, struct pd_calendar **out, struct pd_error *err);

/*
 * The pack that decides a case of `jurisdiction` made on `date`: the pack
 * version in force that day.  A date before every version of a pack that
 * says who decides earlier cases (pack.yaml `before`) is decided by that
 * jurisdiction's pack in force on the date; *via is then the pack whose
 * `before` sent it there (NULL otherwise).  An unknown jurisdiction or a date
 * no version covers is -PD_EINPUT with a message naming what is known.
 */
int pd_policy_select(const struct pd_policy *pol, const char *jurisdiction, size_t len,
                     pd_date date, const struct pd_pack **out, const struct pd_pack **via,
                     struct pd_error *err);

/* ---- read-only views for front ends (lint, conflicts, coverage, help) ---- */

size_t pd_policy_pack_count(const struct pd_policy *pol);
/* The pack with this id ("tianjin", "national-2004"), or NULL. */
const struct pd_pack *pd_policy_pack_find(const struct pd_policy *pol, const char *id);
const struct pd_pack *pd_policy_pack_at(const struct pd_policy *pol, size_t i);
const char *pd_pack_id(const struct pd_pack *p);
const char *pd_pack_jurisdiction(const struct pd_pack *p);
const char *pd_pack_title(const struct pd_pack *p, const char *lang);
const char *pd_pack_extends(const struct pd_pack *p); /* NULL for a root pack */
const char *pd_pack_version(const struct pd_pack *p); /* hash of its files and its parents' */
void pd_pack_effective(const struct pd_pack *p, pd_date *from,
                       pd_date *to);                /* PD_DATE_NONE: open */
size_t pd_pack_rule_count(const struct pd_pack *p); /* after inheritance */

/* One rule (or one row of a table) as an index entry for coverage reports. */
struct pd_rule_info {
	const char *id;       /* "zhejiang/visa-extension[Q2]" */
	const char *layer;    /* pack that wrote it */
	const char *replaces; /* pack whose rule of the same id it replaced, or NULL */
	const char *source;   /* "003 6.2(7)" */
	const char *file;
	int line;
	const char *en, *zh; /* the rule's text, NULL when it has none */
};
size_t pd_pack_rule_info(const struct pd_pack *p, struct pd_rule_info *out, size_t max);

/* A pack that extends another, over its parent's rules: each of them in force
 * in the pack as it is, replaced by the pack's rule of the same id, or dropped
 * (`drop`), in the parent's order.  For `policy lint`. */
enum pd_overlay_kind { PD_OVERLAY_IN_FORCE = 0, PD_OVERLAY_REPLACED, PD_OVERLAY_DROPPED };
struct pd_overlay_entry {
	enum pd_overlay_kind kind;
	const char *parent_rule; /* "national/reunion-address" */
	const char *rule;        /* PD_OVERLAY_REPLACED: "tianjin/reunion-address"; else NULL */
	const char *file;        /* where the replacement is written */
	int line;
	bool restates; /* the replacement has the same condition and effects: it cites
	                  the pack's own clause for the parent's decision */
};
/* Fills out[0..max) and returns the number of the parent's rules (0 for a root pack). */
size_t pd_pack_overlay(const struct pd_pack *p, struct pd_overlay_entry *out, size_t max);

/* Conflicts a pack records between sources (conflicts.yaml), for `policy conflicts`. */
struct pd_conflict_info {
	const char *id;
	const char *topic_en, *topic_zh;
	const char *sources; /* "000, 001, 002, 003" */
	const char *choice_en, *choice_zh;
	const char *layer; /* pack that made the choice */
};
size_t pd_pack_conflicts(const struct pd_pack *p, struct pd_conflict_info *out, size_t max);

/* The clause index of a source (clauses.yaml): every numbered clause of a seed, either
 * implemented by the rules that cite it or marked informational with a reason. */
struct pd_clause_info {
	const char *source;        /* "003" */
	const char *clause;        /* "6.2(7)" */
	const char *informational; /* the reason no rule implements it, or NULL */
	const char *layer;         /* pack that lists it */
	const char *file;
	int line;
};
size_t pd_pack_clauses(const struct pd_pack *p, struct pd_clause_info *out, size_t max);

/* Where to apply (offices.yaml): an office as its source describes it.  A pack
 * with offices of its own shows only those; one without inherits its parent's.
 * Members a source does not give are NULL (open, close: -1), never guessed. */
struct pd_office_info {
	const char *id;                        /* "tianjin-exit-entry-service-center" */
	const char *name_en, *name_zh;         /* its name, as its source gives it */
	const char *address_en, *address_zh;   /* counters included, as the source writes them */
	const char *telephone;                 /* "12367" */
	const char *supervision;               /* the supervision telephone */
	const char *hours_en, *hours_zh;       /* "9:00-17:00 on weekdays, no break at noon" */
	bool working_days_only;                /* open on official working days only */
	int open, close;                       /* minutes after midnight; -1 when not given */
	const char *website;                   /* "www.sz3e.com" */
	const char *guidance_en, *guidance_zh; /* what the source says of applying there */
	const char *source;                    /* "001 IV, 001 VI" */
	const char *layer;                     /* pack that lists it */
	const char *file;
	int line;
	const char *json; /* the office as one compact JSON object (pd_office_write_json),
	                     escaped once when the pack was compiled */
	size_t json_len;  /* its length */
	const char *json_en, *json_zh; /* the same with one language's texts */
	size_t json_en_len, json_zh_len;
};
/* The pack's offices, in the order offices.yaml lists them; borrowed from the policy. */
const struct pd_office_info *pd_pack_offices(const struct pd_pack *p, size_t *count);
/* The office with this id among the pack's, or NULL. */
const struct pd_office_info *pd_pack_office_find(const struct pd_pack *p, const char *id);

/* Splits a citation ("003 6.2(2), 6.2(6), Regs Art. 21(3)") into (source, clause) pairs,
 * calling fn for each; a range "6.1(1)-(3)" is given as its members.  `sources` are the
 * declared source ids.  Returns the number of pairs. */
size_t pd_citation_each(const char *citation, const char *const *sources, size_t n_sources,
                        void (*fn)(const char *source, const char *clause, void *ctx), void *ctx);
/* True when a cited clause (as pd_citation_each gives it) falls under an index clause of
 * the same source: "6.2(7)" under "6.2", "II(VII)3" under "II(VII)", "6.2" under "6.2". */
bool pd_clause_covers(const char *cited, const char *clause);
/* The declared source ids of a pack (its own and inherited). */
size_t pd_pack_sources(const struct pd_pack *p, const char **out, size_t max);

#endif
