/*
 * permitdesk/calendar.h: the official working-day calendar of the PRC.
 *
 * A working day is Monday to Friday unless it is an official holiday, or any
 * day that is an official make-up working day (调休上班).  The holidays and
 * make-up days of each year come from the State Council General Office's
 * notice for that year, kept as data in policy/calendar/cn.yaml.  For a year
 * the file does not cover, only weekends are counted and every answer that
 * touched such a year is marked provisional.
 *
 * A loaded calendar is immutable and may be shared between threads.
 */
#ifndef PERMITDESK_CALENDAR_H
#define PERMITDESK_CALENDAR_H

#include "permitdesk/base.h"

struct pd_calendar;

/* Loads a calendar YAML file.  Errors name file:line:column. */
int pd_calendar_load(const char *path, struct pd_calendar **out, struct pd_error *err);
void pd_calendar_free(struct pd_calendar *cal);

/* Is the year covered by an official notice in the file? */
bool pd_calendar_covers(const struct pd_calendar *cal, int year);
/* First and last covered year (0 when none). */
void pd_calendar_range(const struct pd_calendar *cal, int *first, int *last);

/* Working day?  *provisional (may be NULL) is set true when the year is not covered. */
bool pd_calendar_is_workday(const struct pd_calendar *cal, pd_date day, bool *provisional);

/* `day` when it is a working day, else the nearest working day before it
 * (dir < 0) or after it (dir > 0): where a deadline on a day the offices do
 * not work moves.  *provisional (may be NULL) is set true when any day looked
 * at lies in a year the calendar does not cover.  PD_DATE_NONE gives itself. */
pd_date pd_calendar_workday_near(const struct pd_calendar *cal, pd_date day, int dir,
                                 bool *provisional);

/* The n-th working day after `from` (`from` itself is not counted; n >= 0;
 * n == 0 gives `from`).  *provisional (may be NULL) is set true when any day
 * counted lies in a year the calendar does not cover. */
pd_date pd_calendar_add(const struct pd_calendar *cal, pd_date from, int n, bool *provisional);

/* A deadline: the date `days` + `paused` working days after `from` (`from`
 * not counted; paused < 0 counts as 0), or PD_DATE_NONE when days < 0 (no
 * time is given), `from` is PD_DATE_NONE or cal is NULL.  The one place a
 * decision date or a receipt's validity is counted: the engine counts from
 * the case's date with nothing paused, the workflow from the acceptance date
 * with the working days spent waiting for supplements.  *provisional as for
 * pd_calendar_add(). */
pd_date pd_calendar_deadline(const struct pd_calendar *cal, pd_date from, int32_t days,
                             int32_t paused, bool *provisional);

/* Working days strictly after `from` up to and including `to` (0 when to <= from). */
int pd_calendar_count(const struct pd_calendar *cal, pd_date from, pd_date to, bool *provisional);

/* The source (notice) that covers a year, or NULL. */
const char *pd_calendar_source(const struct pd_calendar *cal, int year);

/* The file the calendar was loaded from. */
const char *pd_calendar_path(const struct pd_calendar *cal);

/*
 * The consistency check of every covered year against the statutory holidays
 * the file declares (its `statutory:` list, from the national regulation on
 * public holidays): each statutory holiday in exactly one holiday period (a
 * period may combine several, "国庆节、中秋节"), no other name, each period at
 * least as long as the statutory days it holds, the weekdays off less the
 * make-up working days equal to the statutory days of the year, the notice
 * published before its year.  The loader refuses what cannot be a calendar;
 * these are the slips that can (a holiday forgotten, a make-up day left out).
 * Each finding names file:line:column, code PD_EPOLICY.  `permitdesk calendar
 * check` and `permitdesk policy lint` report them as errors.
 */
size_t pd_calendar_problem_count(const struct pd_calendar *cal);
const struct pd_error *pd_calendar_problem(const struct pd_calendar *cal, size_t i);

/* From this day of December the next year's notice is due (docs/operations.md). */
#define PD_CALENDAR_DUE_DAY 1

/* The year whose notice is missing as of `today`: today's own year when the
 * file does not cover it, else from 1 December the next year when it does not
 * cover that; 0 when nothing is missing. */
int pd_calendar_missing_year(const struct pd_calendar *cal, pd_date today);

/* The warning to show while pd_calendar_missing_year() is not 0 (the year, the
 * file to edit: `file`, or the calendar's path when NULL, what follows),
 * written into buf; returns that year, 0 (and "") when nothing is missing. */
int pd_calendar_coverage_warning(const struct pd_calendar *cal, pd_date today, const char *file,
                                 char *buf, size_t size);

/* Days from `today` (counted) to the last day of the last year covered without
 * a gap from today's year; 0 when today's year is not covered. */
int pd_calendar_days_covered(const struct pd_calendar *cal, pd_date today);

#endif
