/*
 * names.c: the words a result uses for verdicts, finding outcomes and
 * material statuses, exactly as format.md §2 spells them.  An out-of-range
 * value (a programming error) names itself "unknown" or "invalid" rather
 * than crash a writer.
 */
#include "permitdesk/engine.h"

const char *pd_verdict_name(enum pd_verdict v)
{
	static const char *const names[] = {
	    [PD_VERDICT_ELIGIBLE] = "eligible",
	    [PD_VERDICT_INCOMPLETE] = "incomplete",
	    [PD_VERDICT_UNKNOWN] = "unknown",
	    [PD_VERDICT_INELIGIBLE] = "ineligible",
	};
	if ((unsigned)v >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[v];
}

const char *pd_outcome_name(enum pd_outcome o)
{
	static const char *const names[] = {
	    [PD_OUTCOME_PASS] = "pass",
	    [PD_OUTCOME_FAIL] = "fail",
	    [PD_OUTCOME_UNKNOWN] = "unknown",
	    [PD_OUTCOME_INFO] = "info",
	};
	if ((unsigned)o >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[o];
}

const char *pd_mstatus_name(enum pd_mstatus s)
{
	static const char *const names[] = {
	    [PD_MAT_PROVIDED] = "provided",
	    [PD_MAT_MISSING] = "missing",
	    [PD_MAT_EXPIRED] = "expired",
	    [PD_MAT_NEEDS_NOTARIZATION] = "needs_notarization",
	    [PD_MAT_NEEDS_LEGALIZATION] = "needs_legalization",
	    [PD_MAT_NEEDS_TRANSLATION] = "needs_translation",
	    [PD_MAT_INVALID] = "invalid",
	};
	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "invalid";
	return names[s];
}
