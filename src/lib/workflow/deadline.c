/*
 * deadline.c: the dates a case must keep, counted in official working days
 * (calendar.h): the decision date from the pack's processing days and the
 * receipt's validity from its receipt days (001 Reminders 3, 003 6.3 2-3),
 * both from the acceptance date, which itself is not counted (format.md §2).
 * Working days spent waiting for a supplement after acceptance are added, so
 * that waiting does not eat into the office's time.
 *
 * The counting itself is pd_calendar_deadline(), which the engine uses for
 * the dates of a result too: a case accepted on the date it is evaluated as
 * of, with nothing paused, has the result's dates.  wf_assess() (assess.c)
 * writes the case's dates into every result stored after acceptance, so the
 * two never disagree once a supplement has paused the clock.
 */
#include "workflow_int.h"

pd_date pd_workflow_deadline(const struct pd_calendar *cal, pd_date from, int32_t days,
                             int32_t paused, bool *provisional)
{
	return pd_calendar_deadline(cal, from, days, paused, provisional);
}

void wf_deadlines(const struct pd_workflow *wf, struct pd_store_case *c, bool *provisional)
{
	c->decision_by = pd_calendar_deadline(wf->calendar, c->accepted_on, c->processing_days,
	                                      c->paused_days, provisional);
	c->receipt_valid_until = pd_calendar_deadline(wf->calendar, c->accepted_on, c->receipt_days,
	                                              c->paused_days, provisional);
}
