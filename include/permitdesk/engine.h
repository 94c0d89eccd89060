/*
 * permitdesk/engine.h: a case in, a result out (format.md §2).
 *
 * pd_evaluate() picks the pack in force for the case's jurisdiction and date,
 * evaluates every rule over three-valued facts (true, false, unknown) and
 * merges their effects into a struct pd_result allocated from the caller's
 * arena.  Everything in a result is either in that arena or borrowed from the
 * policy, which must outlive it.  The engine never allocates from the heap
 * while evaluating, so a batch run resets one arena per case.
 */
#ifndef PERMITDESK_ENGINE_H
#define PERMITDESK_ENGINE_H

#include "permitdesk/base.h"
#include "permitdesk/case.h"
#include "permitdesk/policy.h"

enum pd_verdict {
	PD_VERDICT_ELIGIBLE = 0,
	PD_VERDICT_INCOMPLETE,
	PD_VERDICT_UNKNOWN,
	PD_VERDICT_INELIGIBLE,
};
const char *pd_verdict_name(enum pd_verdict v);

enum pd_outcome { PD_OUTCOME_PASS = 0, PD_OUTCOME_FAIL, PD_OUTCOME_UNKNOWN, PD_OUTCOME_INFO };
const char *pd_outcome_name(enum pd_outcome o);

enum pd_mstatus {
	PD_MAT_PROVIDED = 0,
	PD_MAT_MISSING,
	PD_MAT_EXPIRED,
	PD_MAT_NEEDS_NOTARIZATION,
	PD_MAT_NEEDS_LEGALIZATION,
	PD_MAT_NEEDS_TRANSLATION,
	PD_MAT_INVALID,
};
const char *pd_mstatus_name(enum pd_mstatus s);

/* Bilingual text.  *_json are the same strings as JSON string literals
 * (quotes included), escaped once when the policy was compiled, with their
 * lengths (0: not stored, the writer measures). */
struct pd_text {
	const char *en, *zh;
	const char *en_json, *zh_json;
	uint32_t en_json_len, zh_json_len;
};

/* Where a figure or line came from. */
struct pd_origin {
	const char *rule;     /* full rule id, "national/visa-extension[Q2]" */
	const char *source;   /* "003 6.2(7)"; never needs JSON escaping */
	const char *layer;    /* pack that wrote the rule */
	const char *replaces; /* pack whose rule it replaced, or NULL */
};

struct pd_finding {
	struct pd_origin origin;
	enum pd_outcome outcome;
	const struct pd_text *text;
	const char *detail_en, *detail_zh; /* computed detail, arena, may be NULL */
	struct pd_factset unknown;         /* facts it hangs on when outcome is unknown */
};

/* What the engine checks on a document of one material type, as the pack's
 * material and the requirements that asked for it say (the strictest win). */
struct pd_material_checks {
	bool has_max_age; /* issued no longer than max_age before the date */
	struct pd_duration max_age;
	bool has_valid_for; /* valid at least valid_for after the date */
	struct pd_duration valid_for;
	bool notarized; /* notarized wherever it was issued */
	/* When issued abroad: notarized, legalized, translated. */
	bool foreign_notarized, foreign_legalized, foreign_translated;
};

/* One option of an alternative ("a lease contract or a property certificate"),
 * checked with its own constraints. */
struct pd_material_option {
	const char *id;
	enum pd_mstatus status;
	const struct pd_text *text;
	const char *detail_en, *detail_zh; /* why not acceptable (arena, may be NULL) */
	struct pd_material_checks checks;  /* what a document of this option is checked for */
};

struct pd_material {
	const char *id;
	enum pd_mstatus status;
	const struct pd_text *text;        /* what the material is */
	struct pd_origin origin;           /* the requirement that asked for it */
	struct pd_factset conditional;     /* non-empty: required only if these facts turn out so */
	const char *detail_en, *detail_zh; /* why not acceptable (arena, may be NULL) */
	/* An alternative: satisfied by any one of its options (in the pack's order);
	 * its status is the best of theirs.  satisfied_by: the option that is
	 * provided, or NULL. */
	const struct pd_material_option *options;
	size_t n_options;
	const char *satisfied_by;
	struct pd_material_checks checks; /* what a document of this type is checked for */
};

struct pd_notice {
	const char *id;
	const struct pd_text *text;
	struct pd_origin origin;
};

struct pd_result {
	enum pd_verdict verdict;
	const char *jurisdiction;
	pd_date date;
	const char *pack;
	const char *version;

	struct pd_finding *findings;
	size_t n_findings;
	struct pd_material *materials;
	size_t n_materials;
	int *questions; /* enum pd_fact_id, in table order */
	size_t n_questions;

	struct {
		int32_t max_days; /* -1: no cap applies */
		struct pd_origin max_days_origin;
		int32_t max_visa_validity_days; /* -1: none */
		struct pd_origin max_visa_validity_origin;
		pd_date valid_until_max; /* PD_DATE_NONE: none */
		struct pd_origin valid_until_origin;
	} limits;

	struct {
		bool present; /* a fee rule applied */
		bool known;   /* false: fee is null (the pack cannot tell) */
		int32_t cny;  /* for every person: per_person_cny times persons */
		/* A fee charged per person (fee: {per_person: true}): the figure for one
		 * (per_person_known false: null) and the persons counted
		 * (application.persons; absent: 1). */
		bool per_person;
		bool per_person_known;
		int32_t per_person_cny;
		int32_t persons;
		/* A figure that changes on a date (a list of dated values): dated, and
		 * the first day of the value used. */
		bool dated;
		pd_date since;
		const struct pd_text *text;
		struct pd_origin origin;
	} fee;

	struct {
		bool present;
		int32_t cny;
		int32_t frozen_days;
		const struct pd_text *text;
		struct pd_origin origin;
	} deposit;

	struct {
		pd_date apply_by; /* PD_DATE_NONE when no rule gives one */
		struct pd_origin apply_by_origin;
		pd_date decision_by;
		struct pd_origin decision_origin;
		int32_t processing_days;
		pd_date receipt_valid_until;
		struct pd_origin receipt_origin;
		int32_t receipt_days;
		bool provisional; /* a date counted through a year the calendar does not cover */
	} dates;

	struct {
		bool present;
		int8_t agent_allowed;      /* 1, 0, or -1 unknown */
		int8_t in_person_required; /* 1, 0, or -1 unknown */
		const struct pd_text *text;
		struct pd_origin origin;
	} representation;

	struct pd_notice *notices;
	size_t n_notices;

	/* Where to apply: the pack's offices (offices.yaml), borrowed from the policy. */
	const struct pd_office_info *offices;
	size_t n_offices;

	/* The case's "extra" as its raw JSON text (borrowed from the case), or NULL:
	 * never read by rules, echoed by the JSON writers. */
	const char *extra;
	size_t extra_len;
};

/* Evaluates one case.  Input problems the decoder could not see (an unknown
 * jurisdiction, a date no pack covers, an unknown material in documents[]) are
 * -PD_EINPUT with the case path in err. */
int pd_evaluate(const struct pd_policy *pol, const struct pd_case *c, struct pd_arena *arena,
                struct pd_result **out, struct pd_error *err);

#endif
