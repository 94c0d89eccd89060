/*
 * appointments.c: counter appointments (workflow.h, "Appointments").
 *
 * The slots of an office are computed, never stored: its hours
 * (offices.yaml), the official calendar and the settings slot_minutes and
 * slot_capacity say which exist and how many each takes.  The store keeps
 * the appointments and, per slot, how many places are booked; a booking
 * takes a place with pd_store_slot_take(), which checks the capacity and
 * counts in one statement, so two bookings of the last place cannot both
 * succeed on either back end.  Moving takes the new place before it gives
 * the old one back; cancelling gives it back.  Each is one write
 * transaction, run again on -PD_ERETRY (txn.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define REF_CHARS "ABCDEFGHJKLMNPQRSTUVWXYZ23456789" /* no 0/O, 1/I */
#define REF_LEN 11                                   /* "XXXXX-XXXXX" */
#define PASSPORT_MAX 32
#define MAX_SLOT_DAYS 62 /* the most days one slots query covers */

/* ---- the slots of an office ---- */

const struct pd_office_info *pd_policy_office_find(const struct pd_policy *pol, const char *id)
{
	for (size_t i = 0; id && i < pd_policy_pack_count(pol); i++) {
		const struct pd_office_info *o = pd_pack_office_find(pd_policy_pack_at(pol, i), id);
		if (o)
			return o;
	}
	return NULL;
}

bool pd_office_takes_appointments(const struct pd_office_info *o)
{
	return o && o->open >= 0 && o->close > o->open;
}

static int no_hours(const struct pd_office_info *o, struct pd_error *err)
{
	return pd_error_at(err, PD_ESTATE, NULL, 0, 0, "office",
	                   "office %s gives no opening hours (offices.yaml): it takes no "
	                   "appointments",
	                   o->id);
}

/* Why `day` has no slots, or NULL when it has. */
static const char *closed_on(const struct pd_office_info *o, const struct pd_calendar *cal,
                             pd_date day)
{
	bool provisional = false;
	if (!o->working_days_only)
		return NULL;
	bool work = pd_calendar_is_workday(cal, day, &provisional);
	if (provisional)
		return "the official calendar does not cover its year yet";
	if (work)
		return NULL;
	int wd = pd_date_weekday(day);
	return wd >= 6 ? "a weekend day that is not a make-up working day"
	               : "a public holiday (the official calendar)";
}

int pd_office_slots(const struct pd_office_info *o, const struct pd_calendar *cal, int minutes,
                    pd_date from, pd_date to, pd_slot_fn fn, void *ctx, struct pd_error *err)
{
	if (!pd_office_takes_appointments(o))
		return no_hours(o, err);
	if (minutes <= 0)
		return pd_error_set(err, PD_EINTERNAL, "slot length %d", minutes);
	for (pd_date d = from; d <= to; d++) {
		if (closed_on(o, cal, d))
			continue;
		for (int t = o->open; t + minutes <= o->close; t += minutes) {
			int rc = fn(ctx, d, t);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* minutes after midnight (0 to 24:00) as "HH:MM" */
static void hhmm(int minutes, char buf[6])
{
	unsigned m = (unsigned)minutes % (24 * 60 + 1);
	snprintf(buf, 6, "%02u:%02u", (m / 60) % 25, m % 60);
}

int pd_office_slot_check(const struct pd_office_info *o, const struct pd_calendar *cal, int minutes,
                         pd_date day, int start, struct pd_error *err)
{
	char d[11], open[6], close[6], last[6];
	if (!pd_office_takes_appointments(o))
		return no_hours(o, err);
	pd_date_format(day, d);
	const char *why = closed_on(o, cal, day);
	if (why)
		return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "date",
		                   "office %s has no slots on %s: %s", o->id, d, why);
	hhmm(o->open, open);
	hhmm(o->close, close);
	hhmm(o->open + (o->close - o->open - minutes) / minutes * minutes, last);
	if (start < o->open || start + minutes > o->close)
		return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "time",
		                   "outside the office's hours (%s-%s): slots of %d minutes start "
		                   "from %s to %s",
		                   open, close, minutes, open, last);
	if ((start - o->open) % minutes != 0)
		return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "time",
		                   "not the start of a slot: slots of %d minutes start at %s, "
		                   "every %d minutes, to %s",
		                   minutes, open, minutes, last);
	return 0;
}

/* ---- small readers ---- */

/* "HH:MM" (24 hours) to minutes after midnight; -1 when it is not one. */
static int parse_time(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* A passport number as compared: ASCII letters in capitals, without spaces. */
static int passport_norm(const char *in, char out[PASSPORT_MAX + 1])
{
	size_t n = 0;
	for (; in && *in; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == ' ')
			continue;
		if (!isalnum(c) || n == PASSPORT_MAX)
			return -1;
		out[n++] = (char)toupper(c);
	}
	out[n] = '\0';
	return n ? 0 : -1;
}

static int bad_passport(struct pd_error *err)
{
	return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "passport",
	                   "expected a passport number: 1 to %d letters and digits", PASSPORT_MAX);
}

/* A reference as typed: capitals, the dash where it belongs. */
static bool ref_norm(const char *in, char out[REF_LEN + 1])
{
	size_t n = 0;
	for (; in && *in && n < REF_LEN; in++) {
		char c = (char)toupper((unsigned char)*in);
		if (n == 5 && c != '-')
			out[n++] = '-';
		if (n != 5 && !strchr(REF_CHARS, c))
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == REF_LEN && !(in && *in);
}

static void new_ref(char out[REF_LEN + 1])
{
	unsigned char raw[10];
	randombytes_buf(raw, sizeof(raw));
	for (int i = 0, n = 0; i < 10; i++) {
		if (n == 5)
			out[n++] = '-';
		out[n++] = REF_CHARS[raw[i] % 32];
	}
	out[REF_LEN] = '\0';
}

/* Tomorrow to booking_days ahead: a slot in that window may be booked. */
static int check_window(const struct pd_settings *set, pd_date day, struct pd_error *err)
{
	char d[11], last[11];
	pd_date today = pd_today();
	pd_date_format(day, d);
	pd_date_format(today + set->booking_days, last);
	if (day <= today)
		return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "date",
		                   "%s is not after today: appointments are booked from tomorrow",
		                   d);
	if (day > today + set->booking_days)
		return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "date",
		                   "%s is too far ahead: appointments are booked up to %s "
		                   "(setting booking_days)",
		                   d, last);
	return 0;
}

/* ---- writing an appointment ---- */

struct appt_out {
	struct pd_store *store;
	const struct pd_policy *pol;
	struct pd_arena *arena;
	bool officer; /* the day view: the passport number and the checklist */
	struct pd_error *err;
};

static void key_text2(struct pd_jw *w, const char *k, const char *en, const char *zh)
{
	pd_jw_key(w, k);
	pd_jw_object_begin(w);
	wf_key_str(w, "en", en);
	wf_key_str(w, "zh", zh);
	pd_jw_object_end(w);
}

/* The case or answers attached, evaluated now; NULL when nothing is
 * attached or no pack can evaluate the answers any more. */
static const struct pd_result *evaluate(const struct appt_out *o, const char *json)
{
	struct pd_result *res = NULL;
	struct pd_error ignored = {0};
	struct pd_check_opts opts = {
	    .name = "appointment", .today = PD_DATE_NONE, .date = PD_DATE_NONE};
	if (!json ||
	    pd_check(o->pol, json, strlen(json), &opts, o->arena, NULL, &res, &ignored) != 0)
		return NULL;
	return res;
}

/* The case attached (c), if any, and the JSON to evaluate: the case's, else
 * the answers attached. */
static int attached(const struct appt_out *o, const struct pd_store_appointment *a,
                    struct pd_store_case *c, const char **json)
{
	*json = a->case_json;
	if (!a->case_id)
		return 0;
	int rc = pd_store_case_get(o->store, a->case_id, o->arena, c, o->err);
	if (!rc)
		*json = c->case_json;
	return rc;
}

/* The materials of the case or answers attached: what to bring, each with
 * its status as the pre-check found it. */
static int write_bring(struct pd_jw *w, const struct appt_out *o, const char *json)
{
	const struct pd_result *res = evaluate(o, json);
	if (!res) {
		pd_jw_key(w, "verdict");
		pd_jw_null(w);
		pd_jw_key(w, "bring");
		pd_jw_array_begin(w);
		pd_jw_array_end(w);
		return 0;
	}
	pd_jw_key(w, "verdict");
	pd_jw_string(w, pd_verdict_name(res->verdict));
	pd_jw_key(w, "bring");
	pd_jw_array_begin(w);
	for (size_t i = 0; i < res->n_materials; i++) {
		const struct pd_material *m = &res->materials[i];
		pd_jw_object_begin(w);
		wf_key_str(w, "id", m->id);
		wf_key_str(w, "status", pd_mstatus_name(m->status));
		key_text2(w, "text", m->text ? m->text->en : NULL, m->text ? m->text->zh : NULL);
		pd_jw_object_end(w);
	}
	pd_jw_array_end(w);
	return 0;
}

static int write_appointment(struct pd_jw *w, const struct appt_out *o,
                             const struct pd_store_appointment *a)
{
	char t[6], end[6];
	const struct pd_office_info *off = pd_policy_office_find(o->pol, a->office);
	struct pd_store_case c = {0};
	const char *json;
	int rc;

	if ((rc = attached(o, a, &c, &json)))
		return rc;
	hhmm(a->start, t);
	hhmm(a->start + a->minutes, end);
	pd_jw_object_begin(w);
	wf_key_str(w, "reference", a->ref);
	pd_jw_key(w, "office");
	pd_jw_object_begin(w);
	wf_key_str(w, "id", a->office);
	if (off) {
		key_text2(w, "name", off->name_en, off->name_zh);
		key_text2(w, "address", off->address_en, off->address_zh);
		wf_key_str(w, "telephone", off->telephone);
	}
	pd_jw_object_end(w);
	pd_jw_key(w, "date");
	pd_jw_date(w, a->day);
	wf_key_str(w, "time", t);
	wf_key_str(w, "end", end);
	pd_jw_key(w, "minutes");
	pd_jw_int(w, a->minutes);
	wf_key_str(w, "state", a->state);
	wf_key_str(w, "applicant_name", a->applicant_name);
	if (o->officer)
		wf_key_str(w, "passport_number", a->passport_number);
	pd_jw_key(w, "case");
	if (a->case_id) {
		pd_jw_object_begin(w);
		wf_key_str(w, "id", c.id);
		wf_key_str(w, "number", c.number);
		wf_key_str(w, "state", c.state);
		pd_jw_object_end(w);
	} else {
		pd_jw_null(w);
	}
	pd_jw_key(w, "answers");
	pd_jw_bool(w, a->case_json != NULL);
	rc = write_bring(w, o, json);
	pd_jw_object_end(w);
	return rc;
}

static int finish(struct pd_buf *out, int rc, struct pd_error *err)
{
	if (!rc && out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
	return rc;
}

/* ---- the slots of an office, with their free places ---- */

struct booked_list {
	pd_date day[4096];
	int start[4096];
	int booked[4096];
	size_t n, next;
};

static int keep_booked(void *ctx, pd_date day, int32_t start, int32_t booked)
{
	struct booked_list *b = ctx;
	if (b->n < sizeof(b->day) / sizeof(b->day[0])) {
		b->day[b->n] = day;
		b->start[b->n] = start;
		b->booked[b->n++] = booked;
	}
	return 0;
}

struct slot_walk {
	struct pd_jw *w;
	struct booked_list *b;
	int minutes, capacity;
};

static int write_slot(void *ctx, pd_date day, int start)
{
	struct slot_walk *s = ctx;
	struct booked_list *b = s->b;
	char t[6], end[6];
	int booked = 0;
	/* both lists are in order of day and start */
	while (b->next < b->n &&
	       (b->day[b->next] < day || (b->day[b->next] == day && b->start[b->next] < start)))
		b->next++;
	if (b->next < b->n && b->day[b->next] == day && b->start[b->next] == start)
		booked = b->booked[b->next];
	hhmm(start, t);
	hhmm(start + s->minutes, end);
	pd_jw_object_begin(s->w);
	pd_jw_key(s->w, "date");
	pd_jw_date(s->w, day);
	wf_key_str(s->w, "time", t);
	wf_key_str(s->w, "end", end);
	pd_jw_key(s->w, "free");
	pd_jw_int(s->w, booked >= s->capacity ? 0 : s->capacity - booked);
	pd_jw_object_end(s->w);
	return 0;
}

static int find_office(const struct pd_policy *pol, const char *id, const struct pd_office_info **o,
                       struct pd_error *err)
{
	*o = pd_policy_office_find(pol, id);
	if (!*o)
		return pd_error_at(err, PD_ENOTFOUND, NULL, 0, 0, "office", "no office '%.64s'",
		                   id ? id : "");
	return 0;
}

int pd_appointment_slots_json(struct pd_store *store, const struct pd_policy *pol,
                              const char *office, pd_date from, pd_date to, bool pretty,
                              struct pd_buf *out, struct pd_error *err)
{
	const struct pd_office_info *o;
	struct pd_settings set;
	struct booked_list *b = NULL;
	struct pd_jw w;
	int rc;

	if ((rc = find_office(pol, office, &o, err)))
		return rc;
	if (from == PD_DATE_NONE)
		from = pd_today() + 1;
	if (to == PD_DATE_NONE)
		to = from + 13;
	if (to < from || to - from >= MAX_SLOT_DAYS)
		return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "to",
		                   "expected a date from 'from' to %d days after it",
		                   MAX_SLOT_DAYS - 1);
	if (!(b = calloc(1, sizeof(*b))))
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)) ||
	    (rc = pd_settings_read(store, &set, err)) ||
	    (rc = pd_store_slot_list(store, office, from, to, keep_booked, b, err)))
		goto cleanup;
	/* the slots bookable now: from tomorrow to booking_days ahead */
	pd_date first = from > pd_today() ? from : pd_today() + 1;
	pd_date last = to < pd_today() + set.booking_days ? to : pd_today() + set.booking_days;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	wf_key_str(&w, "office", o->id);
	pd_jw_key(&w, "from");
	pd_jw_date(&w, from);
	pd_jw_key(&w, "to");
	pd_jw_date(&w, to);
	pd_jw_key(&w, "minutes");
	pd_jw_int(&w, set.slot_minutes);
	pd_jw_key(&w, "capacity");
	pd_jw_int(&w, set.slot_capacity);
	pd_jw_key(&w, "slots");
	pd_jw_array_begin(&w);
	struct slot_walk s = {&w, b, set.slot_minutes, set.slot_capacity};
	if (first <= last && (rc = pd_office_slots(o, pd_policy_calendar(pol), set.slot_minutes,
	                                           first, last, write_slot, &s, err)))
		goto cleanup;
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	rc = finish(out, 0, err);
cleanup:
	pd_store_rollback(store);
	free(b);
	return rc;
}

/* ---- booking ---- */

struct booking {
	const char *office;
	pd_date date;
	const char *time;
	const char *passport;
	const char *name;
	const char *case_ref;
	struct pd_json_raw answers;
};

#define BFIELD(n, t, m, len, req)                                                                  \
	{                                                                                          \
		.name = n, .type = t, .required = req, .offset = offsetof(struct booking, m),      \
		.max_len = len                                                                     \
	}
static const struct pd_field book_fields[] = {
    BFIELD("office", PD_FIELD_WORD, office, 128, true),
    BFIELD("date", PD_FIELD_DATE, date, 0, true),
    BFIELD("time", PD_FIELD_WORD, time, 8, true),
    BFIELD("passport", PD_FIELD_STRING, passport, 64, true),
    BFIELD("name", PD_FIELD_STRING, name, 400, false),
    BFIELD("case", PD_FIELD_WORD, case_ref, 128, false),
    BFIELD("answers", PD_FIELD_OBJECT, answers, 0, false),
};
static const struct pd_field move_fields[] = {
    BFIELD("passport", PD_FIELD_STRING, passport, 64, true),
    BFIELD("date", PD_FIELD_DATE, date, 0, true),
    BFIELD("time", PD_FIELD_WORD, time, 8, true),
};
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static int read_time(const char *text, int *start, struct pd_error *err)
{
	if ((*start = parse_time(text)) < 0)
		return pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "time",
		                   "expected a time HH:MM, got '%.16s'", text ? text : "");
	return 0;
}

/* The case a booking names, when its passport number is the one given. */
static int attach_case(struct pd_store *store, const char *ref, const char *passport,
                       struct pd_arena *a, const char **id, struct pd_error *err)
{
	char found[PD_CASE_ID_LEN + 1], pp[PASSPORT_MAX + 1];
	struct pd_store_case c;
	int rc = pd_workflow_resolve(store, NULL, ref, found, err);
	if (!rc)
		rc = pd_store_case_get(store, found, a, &c, err);
	if (rc == -PD_ENOTFOUND ||
	    (!rc && (!c.passport_number || passport_norm(c.passport_number, pp) != 0 ||
	             strcmp(pp, passport) != 0)))
		return pd_error_at(err, PD_ENOTFOUND, NULL, 0, 0, "case",
		                   "no case '%.64s' with this passport number", ref);
	if (!rc)
		*id = pd_arena_strndup(a, found, strlen(found));
	return rc;
}

static int book_once(struct pd_store *store, const struct pd_policy *pol, const struct pd_actor *by,
                     const struct booking *bk, const char *answers, int start, const char *passport,
                     struct pd_arena *arena, struct pd_buf *out, bool pretty, struct pd_error *err)
{
	const struct pd_office_info *o = pd_policy_office_find(pol, bk->office);
	struct pd_settings set;
	char ref[REF_LEN + 1];
	bool taken = false;
	struct pd_jw w;
	int rc;

	out->len = 0;
	new_ref(ref);
	struct pd_store_appointment a = {
	    .ref = ref,
	    .office = o->id,
	    .day = bk->date,
	    .start = start,
	    .passport_number = passport,
	    .applicant_name = bk->name,
	    .case_json = answers,
	    .booked_by = by ? by->name : NULL,
	    .created_at = wf_now_us(),
	    .state = "booked",
	};
	a.updated_at = a.created_at;
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	    (rc = pd_settings_read(store, &set, err)))
		goto cleanup;
	a.minutes = set.slot_minutes;
	if ((rc = check_window(&set, bk->date, err)) ||
	    (rc = pd_office_slot_check(o, pd_policy_calendar(pol), set.slot_minutes, bk->date,
	                               start, err)))
		goto cleanup;
	if (bk->case_ref &&
	    (rc = attach_case(store, bk->case_ref, passport, arena, &a.case_id, err)))
		goto cleanup;
	if ((rc =
	         pd_store_slot_take(store, o->id, bk->date, start, set.slot_capacity, &taken, err)))
		goto cleanup;
	if (!taken) {
		char d[11];
		pd_date_format(bk->date, d);
		rc = pd_error_at(err, PD_ECONFLICT, NULL, 0, 0, "time",
		                 "the slot %s %s at office %s is full (%d places)", d, bk->time,
		                 o->id, set.slot_capacity);
		goto cleanup;
	}
	if ((rc = pd_store_appointment_insert(store, &a, err)))
		goto cleanup;
	struct appt_out ao = {store, pol, arena, false, err};
	pd_jw_init(&w, out, pretty);
	if ((rc = write_appointment(&w, &ao, &a)) || (rc = finish(out, 0, err)) ||
	    (rc = pd_store_commit(store, err)))
		goto cleanup;
cleanup:
	pd_store_rollback(store);
	return rc;
}

int pd_appointment_book(struct pd_store *store, const struct pd_policy *pol,
                        const struct pd_actor *by, const char *body, size_t len, bool pretty,
                        struct pd_buf *out, struct pd_error *err)
{
	struct booking bk = {.date = PD_DATE_NONE};
	struct pd_arena arena;
	char passport[PASSPORT_MAX + 1];
	const struct pd_office_info *o;
	const char *answers = NULL;
	int start, rc, attempt = 0;

	pd_arena_init(&arena, 16384, 0);
	if ((rc = wf_sodium(err)) ||
	    (rc = pd_json_read_object(body, len, "request body", 0, "", book_fields,
	                              NFIELDS(book_fields), &arena, &bk, err)) ||
	    (rc = find_office(pol, bk.office, &o, err)) || (rc = read_time(bk.time, &start, err)))
		goto cleanup;
	if (passport_norm(bk.passport, passport) != 0) {
		rc = bad_passport(err);
		goto cleanup;
	}
	if (bk.case_ref && bk.answers.json) {
		rc = pd_error_at(err, PD_EREQUEST, NULL, 0, 0, "answers",
		                 "give a case or a pre-check's answers, not both");
		goto cleanup;
	}
	if (bk.answers.json) {
		/* the answers must be a case the policy can evaluate: errors name
		 * their place in the body */
		struct pd_result *res;
		struct pd_check_opts opts = {.name = "request body",
		                             .line_base = bk.answers.line - 1,
		                             .today = PD_DATE_NONE,
		                             .date = PD_DATE_NONE};
		if ((rc = pd_check(pol, bk.answers.json, bk.answers.len, &opts, &arena, NULL, &res,
		                   err)))
			goto cleanup;
		if (!(answers = pd_arena_strndup(&arena, bk.answers.json, bk.answers.len))) {
			rc = pd_error_set(err, PD_ENOMEM, "out of memory");
			goto cleanup;
		}
	}
	do
		rc = book_once(store, pol, by, &bk, answers, start, passport, &arena, out, pretty,
		               err);
	while (wf_txn_again(rc, &attempt, err));
cleanup:
	pd_arena_free(&arena);
	return rc;
}

/* ---- one appointment, by its reference and passport number ---- */

static int not_found(struct pd_error *err)
{
	return pd_error_at(err, PD_ENOTFOUND, NULL, 0, 0, "reference",
	                   "no appointment with this reference and passport number");
}

/* Reads the appointment `ref` when `passport` is its passport number. */
static int find(struct pd_store *store, const char *ref, const char *passport, struct pd_arena *a,
                struct pd_store_appointment *out, struct pd_error *err)
{
	char r[REF_LEN + 1], pp[PASSPORT_MAX + 1];
	if (passport_norm(passport, pp) != 0)
		return bad_passport(err);
	if (!ref_norm(ref, r))
		return not_found(err);
	int rc = pd_store_appointment_get(store, r, a, out, err);
	if (rc == -PD_ENOTFOUND || (!rc && strcmp(out->passport_number, pp) != 0))
		return not_found(err);
	return rc;
}

int pd_appointment_json(struct pd_store *store, const struct pd_policy *pol, const char *ref,
                        const char *passport, bool pretty, struct pd_buf *out, struct pd_error *err)
{
	struct pd_arena arena;
	struct pd_store_appointment a;
	struct pd_jw w;
	int rc;
	pd_arena_init(&arena, 16384, 0);
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)) ||
	    (rc = find(store, ref, passport, &arena, &a, err)))
		goto cleanup;
	struct appt_out ao = {store, pol, &arena, false, err};
	pd_jw_init(&w, out, pretty);
	rc = finish(out, write_appointment(&w, &ao, &a), err);
cleanup:
	pd_store_rollback(store);
	pd_arena_free(&arena);
	return rc;
}

/* Moving or cancelling: only a booked appointment, before its day. */
static int changeable(const struct pd_store_appointment *a, struct pd_error *err)
{
	char d[11];
	if (strcmp(a->state, "booked") != 0)
		return pd_error_at(err, PD_ESTATE, NULL, 0, 0, "reference",
		                   "the appointment %s is %s", a->ref, a->state);
	if (a->day <= pd_today()) {
		pd_date_format(a->day, d);
		return pd_error_at(err, PD_ESTATE, NULL, 0, 0, "reference",
		                   "the appointment %s is on %s: it can be changed until the day "
		                   "before",
		                   a->ref, d);
	}
	return 0;
}

struct change {
	const char *ref;
	const char *passport;
	pd_date day; /* PD_DATE_NONE: cancel */
	int start;
	const char *time;
};

static int change_once(struct pd_store *store, const struct pd_policy *pol, const struct change *ch,
                       bool pretty, struct pd_buf *out, struct pd_error *err)
{
	struct pd_arena arena;
	struct pd_store_appointment a;
	struct pd_settings set;
	bool taken = false;
	struct pd_jw w;
	int rc;

	out->len = 0;
	pd_arena_init(&arena, 16384, 0);
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	    (rc = find(store, ch->ref, ch->passport, &arena, &a, err)) ||
	    (rc = changeable(&a, err)) || (rc = pd_settings_read(store, &set, err)))
		goto cleanup;
	const struct pd_office_info *o = pd_policy_office_find(pol, a.office);
	pd_date old_day = a.day;
	int32_t old_start = a.start;
	if (ch->day == PD_DATE_NONE) {
		a.state = "cancelled";
	} else if (ch->day != a.day || ch->start != a.start) {
		if (!o) {
			rc =
			    pd_error_at(err, PD_ESTATE, NULL, 0, 0, "reference",
			                "office %s is no longer in the policy: the appointment can "
			                "only be cancelled",
			                a.office);
			goto cleanup;
		}
		if ((rc = check_window(&set, ch->day, err)) ||
		    (rc = pd_office_slot_check(o, pd_policy_calendar(pol), set.slot_minutes,
		                               ch->day, ch->start, err)) ||
		    (rc = pd_store_slot_take(store, a.office, ch->day, ch->start, set.slot_capacity,
		                             &taken, err)))
			goto cleanup;
		if (!taken) {
			char d[11];
			pd_date_format(ch->day, d);
			rc = pd_error_at(err, PD_ECONFLICT, NULL, 0, 0, "time",
			                 "the slot %s %s at office %s is full (%d places)", d,
			                 ch->time, a.office, set.slot_capacity);
			goto cleanup;
		}
		a.day = ch->day;
		a.start = ch->start;
		a.minutes = set.slot_minutes;
	} else {
		old_day = PD_DATE_NONE; /* the same slot: nothing to give back */
	}
	a.updated_at = wf_now_us();
	if ((old_day != PD_DATE_NONE &&
	     (rc = pd_store_slot_release(store, a.office, old_day, old_start, err))) ||
	    (rc = pd_store_appointment_update(store, &a, err)))
		goto cleanup;
	struct appt_out ao = {store, pol, &arena, false, err};
	pd_jw_init(&w, out, pretty);
	if ((rc = write_appointment(&w, &ao, &a)) || (rc = finish(out, 0, err)))
		goto cleanup;
	rc = pd_store_commit(store, err);
cleanup:
	pd_store_rollback(store);
	pd_arena_free(&arena);
	return rc;
}

static int change(struct pd_store *store, const struct pd_policy *pol, const struct change *ch,
                  bool pretty, struct pd_buf *out, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = change_once(store, pol, ch, pretty, out, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}

int pd_appointment_move(struct pd_store *store, const struct pd_policy *pol, const char *ref,
                        const char *body, size_t len, bool pretty, struct pd_buf *out,
                        struct pd_error *err)
{
	struct booking bk = {.date = PD_DATE_NONE};
	struct pd_arena arena;
	int rc;
	pd_arena_init(&arena, 4096, 0);
	struct change ch = {.ref = ref};
	if (!(rc = pd_json_read_object(body, len, "request body", 0, "", move_fields,
	                               NFIELDS(move_fields), &arena, &bk, err)) &&
	    !(rc = read_time(bk.time, &ch.start, err))) {
		ch.passport = bk.passport;
		ch.day = bk.date;
		ch.time = bk.time;
		rc = change(store, pol, &ch, pretty, out, err);
	}
	pd_arena_free(&arena);
	return rc;
}

int pd_appointment_cancel(struct pd_store *store, const struct pd_policy *pol, const char *ref,
                          const char *passport, bool pretty, struct pd_buf *out,
                          struct pd_error *err)
{
	struct change ch = {.ref = ref, .passport = passport, .day = PD_DATE_NONE};
	return change(store, pol, &ch, pretty, out, err);
}

/* ---- the officer's day view ---- */

struct day_walk {
	struct pd_jw *w;     /* JSON, or */
	struct pd_buf *text; /* text */
	const char *lang;    /* the text's language: "en", "zh", NULL both */
	struct appt_out *o;
	size_t n;
};

/* "label_en / label_zh: " in the languages asked for ("label_zh：" in
 * Chinese alone); at the end of its line (`eol`) with no space but a
 * line ending. */
static void label(struct pd_buf *b, const char *lang, const char *en, const char *zh, bool eol)
{
	bool zh_only = lang && lang[0] == 'z';
	pd_buf_printf(b, "%s%s%s%s%s", zh_only ? "" : en, lang ? "" : " / ",
	              lang && !zh_only ? "" : zh, zh_only ? "：" : ":",
	              eol       ? "\n"
	              : zh_only ? ""
	                        : " ");
}

/* A text of the API in the languages asked for, the Chinese under the
 * English at `indent` when both. */
static void text2(struct pd_buf *b, const char *lang, int indent, const char *en, const char *zh)
{
	if (!en)
		en = zh;
	if (!zh)
		zh = en;
	pd_buf_puts(b, lang && lang[0] == 'z' ? zh : en ? en : "");
	if (!lang && zh && en && strcmp(en, zh) != 0)
		pd_buf_printf(b, "\n%*s%s", indent, "", zh);
	pd_buf_putc(b, '\n');
}

static int write_text(struct day_walk *d, const struct pd_store_appointment *a)
{
	struct pd_buf *b = d->text;
	const char *lang = d->lang;
	struct pd_store_case c = {0};
	const char *json;
	char t[6], end[6];
	int rc;

	if ((rc = attached(d->o, a, &c, &json)))
		return rc;
	hhmm(a->start, t);
	hhmm(a->start + a->minutes, end);
	pd_buf_printf(b, "\n%s-%s  %s  %s%s%s\n", t, end, a->ref, a->passport_number,
	              a->applicant_name ? "  " : "", a->applicant_name ? a->applicant_name : "");
	pd_buf_puts(b, "  ");
	label(b, lang, "Attached", "附件", false);
	if (a->case_id)
		pd_buf_printf(b, "%s (%s)\n", c.number, c.state);
	else
		text2(b, lang, 0, a->case_json ? "pre-check answers" : "nothing",
		      a->case_json ? "预检答案" : "无");
	const struct pd_result *res = evaluate(d->o, json);
	if (!res)
		return 0;
	pd_buf_puts(b, "  ");
	label(b, lang, "Verdict", "结论", false);
	pd_buf_printf(b, "%s\n  ", pd_verdict_name(res->verdict));
	label(b, lang, "What to bring", "需要携带的材料", true);
	for (size_t i = 0; i < res->n_materials; i++) {
		const struct pd_material *m = &res->materials[i];
		const char *status = pd_mstatus_name(m->status);
		pd_buf_printf(b, "    [%s] ", status);
		text2(b, lang, (int)strlen(status) + 7, m->text ? m->text->en : NULL,
		      m->text ? m->text->zh : NULL);
	}
	return 0;
}

static int write_one(void *ctx, const struct pd_store_appointment *a)
{
	struct day_walk *d = ctx;
	d->n++;
	return d->w ? write_appointment(d->w, d->o, a) : write_text(d, a);
}

/* Walks the day's appointments of `office` into d (JSON or text). */
static int day_view(struct pd_store *store, const struct pd_policy *pol, const char *office,
                    pd_date day, bool pretty, struct pd_buf *out, struct day_walk *d,
                    struct pd_error *err)
{
	const struct pd_office_info *o;
	struct pd_arena arena;
	struct pd_jw w;
	char date[11];
	int rc;
	if ((rc = find_office(pol, office, &o, err)))
		return rc;
	pd_arena_init(&arena, 65536, 0);
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)))
		goto cleanup;
	struct appt_out ao = {store, pol, &arena, true, err};
	d->o = &ao;
	if (d->text) {
		pd_date_format(day, date);
		text2(out, d->lang, 2, o->name_en, o->name_zh);
		pd_buf_printf(out, "%s\n", date);
	} else {
		d->w = &w;
		pd_jw_init(&w, out, pretty);
		pd_jw_object_begin(&w);
		wf_key_str(&w, "office", o->id);
		pd_jw_key(&w, "date");
		pd_jw_date(&w, day);
		pd_jw_key(&w, "appointments");
		pd_jw_array_begin(&w);
	}
	if ((rc = pd_store_appointment_list(store, o->id, day, day, write_one, d, err)))
		goto cleanup;
	if (d->text) {
		pd_buf_putc(out, '\n');
		label(out, d->lang, "Appointments", "预约", false);
		pd_buf_printf(out, "%zu\n", d->n);
	} else {
		pd_jw_array_end(&w);
		pd_jw_key(&w, "count");
		pd_jw_int(&w, (long long)d->n);
		pd_jw_object_end(&w);
	}
	rc = finish(out, 0, err);
cleanup:
	pd_store_rollback(store);
	pd_arena_free(&arena);
	return rc;
}

int pd_appointment_day_json(struct pd_store *store, const struct pd_policy *pol, const char *office,
                            pd_date day, bool pretty, struct pd_buf *out, struct pd_error *err)
{
	struct day_walk d = {0};
	return day_view(store, pol, office, day, pretty, out, &d, err);
}

int pd_appointment_day_text(struct pd_store *store, const struct pd_policy *pol, const char *office,
                            pd_date day, const char *lang, struct pd_buf *out, struct pd_error *err)
{
	if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0)
		return pd_error_set(err, PD_EUSAGE, "no language '%.16s' (en, zh)", lang);
	struct day_walk d = {.text = out, .lang = lang};
	return day_view(store, pol, office, day, false, out, &d, err);
}
