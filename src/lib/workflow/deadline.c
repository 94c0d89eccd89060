/*
 * deadline.c: the dates a case must keep, counted in official working days
 * (calendar.h): the decision date from the pack's processing days and the
 * receipt's validity from its receipt days (001 Reminders 3, 003 6.3 2-3),
 * both from the acceptance date, which itself is not counted (format.md §2).
 * Working days spent waiting for a supplement after acceptance are added, so
 * that waiting does not eat into the office's time.
 */
#include "permitdesk/workflow.h"

pd_date pd_workflow_deadline(const struct pd_calendar *cal, pd_date from, int32_t days,
                             int32_t paused, bool *provisional)
{
	if (days < 0 || from == PD_DATE_NONE || !cal)
		return PD_DATE_NONE;
	return pd_calendar_add(cal, from, days + (paused > 0 ? paused : 0), provisional);
}
