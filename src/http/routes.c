/*
 * routes.c: the table of every route of the HTTP API (docs/api.md) and
 * their handlers.
 *
 * Read the table top to bottom: method, path pattern, handler, who may call
 * it (anyone, or a session whose role holds a capability the library
 * defines), the body it takes and how a bad body is called.  The dispatcher
 * (dispatch.c) checks all of that before a handler runs, so a handler only
 * reads its parameters, calls the library and writes what the library
 * returns.  Handlers decide nothing: whether an action is allowed, which
 * cases a user sees and what a case's result is are the library's answers.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_int.h"
#include "permitdesk/paper.h"

#define MAX_LIST 500
#define DEFAULT_LIST 50
#define MAX_CALENDAR_DAYS 3660

/* ---- small helpers ---- */

static struct pd_buf *out(struct hreq *r)
{
	return &r->resp->body;
}

static void iso_time(int64_t us, char buf[32])
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int bad_arg(struct pd_error *err, const char *name, const char *fmt, const char *value)
{
	pd_error_clear(err);
	snprintf(err->path, sizeof(err->path), "%s", name);
	return pd_error_set(err, PD_EREQUEST, fmt, value ? value : "");
}

static int date_arg(struct hreq *r, const char *name, bool required, pd_date *d,
                    struct pd_error *err)
{
	const char *v = hreq_arg(r, name);
	*d = PD_DATE_NONE;
	if (!v) {
		if (required)
			return bad_arg(err, name, "the query parameter is required%s", "");
		return 0;
	}
	if (pd_date_parse(v, strlen(v), d) != 0)
		return bad_arg(err, name, "expected a date YYYY-MM-DD, got \"%.40s\"", v);
	return 0;
}

static int int_arg(struct hreq *r, const char *name, long min, long max, long def, long *n,
                   struct pd_error *err)
{
	const char *v = hreq_arg(r, name);
	*n = def;
	if (!v)
		return def == LONG_MIN ? bad_arg(err, name, "the query parameter is required%s", "")
		                       : 0;
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < min || x > max) {
		char msg[96];
		snprintf(msg, sizeof(msg),
		         "expected a whole number from %ld to %ld, got \"%%.40s\"", min, max);
		return bad_arg(err, name, msg, v);
	}
	*n = x;
	return 0;
}

static int bool_arg(struct hreq *r, const char *name, bool *b, struct pd_error *err)
{
	const char *v = hreq_arg(r, name);
	*b = false;
	if (!v)
		return 0;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*b = true;
	else if (strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
		return bad_arg(err, name, "expected true or false, got \"%.40s\"", v);
	return 0;
}

/* One of `words` (NULL-terminated), or NULL when absent. */
static int word_arg(struct hreq *r, const char *name, const char *const *words, const char **w,
                    struct pd_error *err)
{
	const char *v = hreq_arg(r, name);
	*w = NULL;
	if (!v)
		return 0;
	for (size_t i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0) {
			*w = words[i];
			return 0;
		}
	char msg[160] = "expected one of";
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, "%s %s", i ? "," : "", words[i]);
	}
	size_t n = strlen(msg);
	snprintf(msg + n, sizeof(msg) - n, ", got \"%%.40s\"");
	return bad_arg(err, name, msg, v);
}

static void workflow(struct hreq *r, struct pd_store *store, struct pd_workflow *wf)
{
	pd_workflow_init(wf, store, r->gen->pol);
}

static int finish_json(struct hreq *r, int status)
{
	if (out(r)->len == 0 || out(r)->data[out(r)->len - 1] != '\n')
		pd_buf_putc(out(r), '\n');
	hreq_json(r, status);
	return 0;
}

/* ---- public ---- */

static int h_health(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	int version, rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_store_schema_version(store, &version, err))) {
		char why[sizeof(err->message)];
		snprintf(why, sizeof(why), "%s", err->message); /* not formatted into itself */
		return pd_error_set(err, PD_EUNAVAILABLE, "the store does not answer: %s", why);
	}
	pd_buf_printf(out(r), "{\"status\":\"ok\",\"store\":\"%s\"", pd_store_backend_name(store));
	/* Still 200: the next year's calendar missing is for the operator to act on. */
	char due[600];
	int year = pd_calendar_coverage_warning(pd_policy_calendar(r->gen->pol), pd_today(),
	                                        "calendar/cn.yaml of the policy directory", due,
	                                        sizeof(due));
	if (year) {
		pd_buf_printf(out(r),
		              ",\"warnings\":[{\"code\":\"calendar_year_missing\",\"year\":%d,"
		              "\"message\":",
		              year);
		pd_json_escape(out(r), due, strlen(due));
		pd_buf_puts(out(r), "}]");
	}
	pd_buf_putc(out(r), '}');
	return finish_json(r, 200);
}

static int h_metrics(struct hreq *r, struct pd_error *err)
{
	int rc = metrics_write(r->srv, out(r), err);
	if (rc)
		return rc;
	r->resp->status = 200;
	r->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}

static int serve_doc(struct hreq *r, const char *doc, size_t len)
{
	pd_buf_append(out(r), doc, len);
	hreq_json(r, 200);
	return 0;
}

static int h_openapi(struct hreq *r, struct pd_error *err)
{
	return serve_doc(r, pd_http_openapi_json, pd_http_openapi_json_len);
}

static int h_case_schema(struct hreq *r, struct pd_error *err)
{
	return serve_doc(r, pd_http_case_schema_json, pd_http_case_schema_json_len);
}

static int h_result_schema(struct hreq *r, struct pd_error *err)
{
	return serve_doc(r, pd_http_result_schema_json, pd_http_result_schema_json_len);
}

static const char *const formats[] = {"json", "text", "pdf", NULL};
static const char *const langs[] = {"en", "zh", NULL};
static const char *const views[] = {"full", "summary", "trace", NULL};

/* POST /check: exactly what `permitdesk check` prints for the same case. */
static int h_check(struct hreq *r, struct pd_error *err)
{
	const char *format, *lang, *view;
	struct pd_result *res;
	int rc;
	if ((rc = word_arg(r, "format", formats, &format, err)) ||
	    (rc = word_arg(r, "lang", langs, &lang, err)) ||
	    (rc = word_arg(r, "view", views, &view, err)))
		return rc;
	struct pd_check_opts o = {
	    .name = "request body", .today = PD_DATE_NONE, .date = PD_DATE_NONE};
	if ((rc = pd_check(r->gen->pol, r->req->body, r->req->body_len, &o, &r->arena, NULL, &res,
	                   err)))
		return rc;
	if ((unsigned)res->verdict < 4)
		atomic_fetch_add(&r->srv->metrics.checks[res->verdict], 1);
	if (format && strcmp(format, "pdf") == 0) { /* the pre-check checklist (paper.h) */
		if ((rc = pd_paper_result_pdf(res, out(r), err)))
			return rc;
		r->resp->status = 200;
		r->resp->content_type = "application/pdf";
		return 0;
	}
	if (format && strcmp(format, "text") == 0) {
		if ((rc = pd_result_write_text(res, lang, out(r))))
			return pd_error_set(err, rc == -PD_ENOMEM ? PD_ENOMEM : -rc,
			                    "writing the result");
		if (out(r)->len == 0 || out(r)->data[out(r)->len - 1] != '\n')
			pd_buf_putc(out(r), '\n');
		r->resp->status = 200;
		r->resp->content_type = "text/plain; charset=utf-8";
		return 0;
	}
	struct pd_result_opts ro = {.lang = lang, .pretty = r->pretty};
	if (view && (rc = pd_result_view_parse(view, &ro.view)))
		return pd_error_set(err, PD_EREQUEST, "view: %s", view);
	if ((rc = pd_result_write_json_view(res, &ro, out(r))))
		return pd_error_set(err, -rc, "writing the result");
	return finish_json(r, 200);
}

static int h_facts(struct hreq *r, struct pd_error *err)
{
	int rc = pd_facts_write_json(out(r), r->pretty);
	if (rc)
		return pd_error_set(err, -rc, "writing the facts");
	return finish_json(r, 200);
}

static int h_calendar_add(struct hreq *r, struct pd_error *err)
{
	pd_date from;
	long n;
	bool provisional = false;
	char a[11], b[11];
	int rc;
	if ((rc = date_arg(r, "date", true, &from, err)) ||
	    (rc = int_arg(r, "n", 0, MAX_CALENDAR_DAYS, LONG_MIN, &n, err)))
		return rc;
	pd_date d = pd_calendar_add(pd_policy_calendar(r->gen->pol), from, (int)n, &provisional);
	pd_date_format(from, a);
	pd_date_format(d, b);
	pd_buf_printf(out(r), "{\"from\":\"%s\",\"n\":%ld,\"date\":\"%s\",\"provisional\":%s}", a,
	              n, b, provisional ? "true" : "false");
	return finish_json(r, 200);
}

static int h_calendar_workday(struct hreq *r, struct pd_error *err)
{
	pd_date d;
	bool provisional = false;
	char a[11];
	int rc;
	if ((rc = date_arg(r, "date", true, &d, err)))
		return rc;
	bool yes = pd_calendar_is_workday(pd_policy_calendar(r->gen->pol), d, &provisional);
	pd_date_format(d, a);
	pd_buf_printf(out(r), "{\"date\":\"%s\",\"workday\":%s,\"provisional\":%s}", a,
	              yes ? "true" : "false", provisional ? "true" : "false");
	return finish_json(r, 200);
}

static int h_policy(struct hreq *r, struct pd_error *err)
{
	int rc = pd_policy_write_json(r->gen->pol, r->pretty, out(r));
	if (rc)
		return pd_error_set(err, -rc, "writing the policy");
	return finish_json(r, 200);
}

static int pack_view(struct hreq *r, struct pd_error *err,
                     int (*write)(const struct pd_pack *, bool, struct pd_buf *))
{
	const struct pd_pack *p = pd_policy_pack_find(r->gen->pol, r->params[0]);
	if (!p) {
		pd_error_clear(err);
		return pd_error_set(err, PD_ENOTFOUND, "no pack '%.64s'", r->params[0]);
	}
	int rc = write(p, r->pretty, out(r));
	if (rc)
		return pd_error_set(err, -rc, "writing the pack");
	return finish_json(r, 200);
}

static int h_pack_rules(struct hreq *r, struct pd_error *err)
{
	return pack_view(r, err, pd_pack_rules_write_json);
}

static int h_pack_conflicts(struct hreq *r, struct pd_error *err)
{
	return pack_view(r, err, pd_pack_conflicts_write_json);
}

static int h_pack_clauses(struct hreq *r, struct pd_error *err)
{
	return pack_view(r, err, pd_pack_clauses_write_json);
}

/* GET /offices[?pack=][&appointments=true]: where to apply, for every pack
 * or one; with appointments=true only the offices that take appointments. */
static int h_offices(struct hreq *r, struct pd_error *err)
{
	const char *id = hreq_arg(r, "pack");
	const struct pd_pack *p = NULL;
	bool bookable = false;
	int rc = bool_arg(r, "appointments", &bookable, err);
	if (rc)
		return rc;
	if (id && !(p = pd_policy_pack_find(r->gen->pol, id))) {
		pd_error_clear(err);
		snprintf(err->path, sizeof(err->path), "pack");
		return pd_error_set(err, PD_ENOTFOUND, "no pack '%.64s'", id);
	}
	rc = pd_pack_offices_write_json_if(
	    r->gen->pol, p, bookable ? pd_office_takes_appointments : NULL, r->pretty, out(r));
	if (rc)
		return pd_error_set(err, -rc, "writing the offices");
	return finish_json(r, 200);
}

/* GET /progress?receipt=R&passport=P: the public progress query.  Every
 * query counts against its address, found or not, so receipt numbers cannot
 * be tried in bulk; a wrong pair and an unknown receipt answer alike. */
static int h_progress(struct hreq *r, struct pd_error *err)
{
	const struct pd_http_config *cfg = &r->srv->cfg;
	struct pd_store *store;
	char key[80];
	int64_t now = server_now_us() / 1000000;
	int rc;
	snprintf(key, sizeof(key), "p:%.70s", r->req->client ? r->req->client : "");
	unsigned wait =
	    limiter_wait(&r->srv->limiter, key, cfg->progress_max, cfg->progress_window_s, now);
	if (wait) {
		hreq_add_header(r, "Retry-After", "%u", wait);
		return pd_error_set(err, PD_ERATE,
		                    "too many progress queries; try again in %u seconds", wait);
	}
	limiter_fail(&r->srv->limiter, key, cfg->progress_window_s, now);
	const char *receipt = hreq_arg(r, "receipt"), *passport = hreq_arg(r, "passport");
	if (!receipt || !passport) {
		pd_error_clear(err);
		snprintf(err->path, sizeof(err->path), "%s", receipt ? "passport" : "receipt");
		return pd_error_set(err, PD_EREQUEST,
		                    "both the receipt number and the passport number are required");
	}
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_workflow_progress_json(store, r->gen->pol, receipt, passport, r->pretty,
	                                    out(r), err)))
		return rc;
	return finish_json(r, 200);
}

/* ---- appointments ---- */

/* The appointment routes that take a reference count against the address as
 * the progress query does: references cannot be tried in bulk. */
static int appointment_limit(struct hreq *r, struct pd_error *err)
{
	const struct pd_http_config *cfg = &r->srv->cfg;
	char key[80];
	int64_t now = server_now_us() / 1000000;
	snprintf(key, sizeof(key), "b:%.70s",
	         r->req->client ? r->req->client : ""); /* its own count */
	unsigned wait =
	    limiter_wait(&r->srv->limiter, key, cfg->progress_max, cfg->progress_window_s, now);
	if (wait) {
		hreq_add_header(r, "Retry-After", "%u", wait);
		return pd_error_set(err, PD_ERATE,
		                    "too many appointment queries; try again in %u seconds", wait);
	}
	limiter_fail(&r->srv->limiter, key, cfg->progress_window_s, now);
	return 0;
}

static int passport_arg(struct hreq *r, const char **passport, struct pd_error *err)
{
	if (!(*passport = hreq_arg(r, "passport")))
		return bad_arg(err, "passport", "the query parameter is required%s", "");
	return 0;
}

/* GET /offices/{id}/slots?from=&to=: the slots with their free places. */
static int h_slots(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	pd_date from, to;
	int rc;
	if ((rc = date_arg(r, "from", false, &from, err)) ||
	    (rc = date_arg(r, "to", false, &to, err)) || (rc = hreq_store(r, &store, err)) ||
	    (rc = pd_appointment_slots_json(store, r->gen->pol, r->params[0], from, to, r->pretty,
	                                    out(r), err)))
		return rc;
	return finish_json(r, 200);
}

/* POST /appointments: books; the answer's reference and the passport number
 * read, move and cancel it. */
static int h_book(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_appointment_book(store, r->gen->pol, r->authed ? &r->session.actor : NULL,
	                              r->req->body, r->req->body_len, r->pretty, out(r), err)))
		return rc;
	return finish_json(r, 201);
}

static int h_appointment_get(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	const char *passport;
	int rc;
	if ((rc = appointment_limit(r, err)) || (rc = passport_arg(r, &passport, err)) ||
	    (rc = hreq_store(r, &store, err)) ||
	    (rc = pd_appointment_json(store, r->gen->pol, r->params[0], passport, r->pretty, out(r),
	                              err)))
		return rc;
	return finish_json(r, 200);
}

static int h_appointment_move(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	int rc;
	if ((rc = appointment_limit(r, err)) || (rc = hreq_store(r, &store, err)) ||
	    (rc = pd_appointment_move(store, r->gen->pol, r->params[0], r->req->body,
	                              r->req->body_len, r->pretty, out(r), err)))
		return rc;
	return finish_json(r, 200);
}

static int h_appointment_cancel(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	const char *passport;
	int rc;
	if ((rc = appointment_limit(r, err)) || (rc = passport_arg(r, &passport, err)) ||
	    (rc = hreq_store(r, &store, err)) ||
	    (rc = pd_appointment_cancel(store, r->gen->pol, r->params[0], passport, r->pretty,
	                                out(r), err)))
		return rc;
	return finish_json(r, 200);
}

/* GET /offices/{id}/appointments?date=: the officer's day view. */
static int h_office_day(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	pd_date day;
	int rc;
	if ((rc = date_arg(r, "date", true, &day, err)) || (rc = hreq_store(r, &store, err)) ||
	    (rc = pd_appointment_day_json(store, r->gen->pol, r->params[0], day, r->pretty, out(r),
	                                  err)))
		return rc;
	return finish_json(r, 200);
}

/* ---- sessions ---- */

struct login {
	const char *user;
	const char *password;
};

static const struct pd_field login_fields[] = {
    {"user", PD_FIELD_STRING, true, offsetof(struct login, user), PD_USER_NAME_MAX + 1, 0, 0},
    {"password", PD_FIELD_STRING, true, offsetof(struct login, password), 1024, 0, 0},
};

static void session_cookie(struct hreq *r, const char *token, long max_age)
{
	hreq_add_header(r, "Set-Cookie",
	                "pd_session=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%ld%s", token,
	                max_age, r->srv->cfg.secure_cookie ? "; Secure" : "");
}

static int h_login(struct hreq *r, struct pd_error *err)
{
	struct login in = {0};
	struct pd_store *store;
	struct pd_session s;
	char ukey[80], akey[80], expires[32];
	int rc;

	if ((rc = pd_json_read_object(r->req->body, r->req->body_len, "request body", 0, "",
	                              login_fields, sizeof(login_fields) / sizeof(login_fields[0]),
	                              &r->arena, &in, err)))
		return rc;
	const struct pd_http_config *cfg = &r->srv->cfg;
	int64_t now = server_now_us() / 1000000;
	snprintf(ukey, sizeof(ukey), "u:%.70s", in.user);
	snprintf(akey, sizeof(akey), "a:%.70s", r->req->client ? r->req->client : "");
	unsigned wait =
	    limiter_wait(&r->srv->limiter, ukey, cfg->login_user_max, cfg->login_window_s, now);
	unsigned wait_a =
	    limiter_wait(&r->srv->limiter, akey, cfg->login_addr_max, cfg->login_window_s, now);
	if (wait_a > wait)
		wait = wait_a;
	if (wait) {
		hreq_add_header(r, "Retry-After", "%u", wait);
		return pd_error_set(err, PD_ERATE,
		                    "too many failed logins; try again in %u seconds", wait);
	}
	if ((rc = hreq_store(r, &store, err)))
		return rc;
	rc = pd_session_login(store, in.user, in.password, strlen(in.password), &s, err);
	if (rc == -PD_EAUTH) {
		limiter_fail(&r->srv->limiter, ukey, cfg->login_window_s, now);
		limiter_fail(&r->srv->limiter, akey, cfg->login_window_s, now);
	}
	if (rc)
		return rc;
	limiter_clear(&r->srv->limiter, ukey);
	iso_time(s.expires_at, expires);
	struct pd_jw w;
	pd_jw_init(&w, out(r), r->pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "token");
	pd_jw_string(&w, s.token);
	pd_jw_key(&w, "user");
	pd_jw_string(&w, s.actor.name);
	pd_jw_key(&w, "role");
	pd_jw_string(&w, pd_role_name(s.actor.role));
	pd_jw_key(&w, "expires_at");
	pd_jw_string(&w, expires);
	pd_jw_object_end(&w);
	session_cookie(r, s.token, (long)((s.expires_at - server_now_us()) / 1000000));
	return finish_json(r, 201);
}

static int h_logout(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_session_logout(store, r->token, r->token_len, err)))
		return rc;
	session_cookie(r, "", 0);
	r->resp->status = 204;
	return 0;
}

static int h_me(struct hreq *r, struct pd_error *err)
{
	char expires[32];
	struct pd_jw w;
	iso_time(r->session.expires_at, expires);
	pd_jw_init(&w, out(r), r->pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "user");
	pd_jw_string(&w, r->session.actor.name);
	pd_jw_key(&w, "role");
	pd_jw_string(&w, pd_role_name(r->session.actor.role));
	pd_jw_key(&w, "expires_at");
	pd_jw_string(&w, expires);
	pd_jw_key(&w, "capabilities");
	pd_jw_array_begin(&w);
	for (int c = 0; c < PD_CAP_COUNT; c++)
		if (pd_role_can(r->session.actor.role, (enum pd_cap)c))
			pd_jw_string(&w, pd_cap_name((enum pd_cap)c));
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	return finish_json(r, 200);
}

/* ---- cases ---- */

static int case_view(struct hreq *r, struct pd_store *store, const char *ref, int status,
                     struct pd_error *err)
{
	pd_buf_reset(out(r));
	int rc = pd_workflow_case_view_json(store, &r->session.actor, ref, r->pretty, out(r), err);
	return rc ? rc : finish_json(r, status);
}

static int h_case_create(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	struct pd_workflow wf;
	struct pd_case_ref ref;
	int rc;
	if ((rc = hreq_store(r, &store, err)))
		return rc;
	workflow(r, store, &wf);
	if ((rc = pd_workflow_create(&wf, &r->session.actor, "request body", r->req->body,
	                             r->req->body_len, PD_DATE_NONE, NULL, &ref, err)))
		return rc;
	hreq_add_header(r, "Location", "/api/v1/cases/%s", ref.id);
	return case_view(r, store, ref.id, 201, err);
}

static const char *const state_words[] = {
#define PD_X_STATE(name, word) word,
    PD_STATE_MAP(PD_X_STATE)
#undef PD_X_STATE
        NULL};

static int h_case_list(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	struct pd_case_query q = {.as_of = PD_DATE_NONE, .visible_to = &r->session.actor};
	long limit;
	int rc;
	if ((rc = word_arg(r, "state", state_words, &q.state, err)) ||
	    (rc = bool_arg(r, "overdue", &q.overdue, err)) ||
	    (rc = int_arg(r, "limit", 1, MAX_LIST, DEFAULT_LIST, &limit, err)))
		return rc;
	q.limit = (size_t)limit;
	q.assignee = hreq_arg(r, "assignee");
	q.pack = hreq_arg(r, "pack");
	q.search = hreq_arg(r, "q");
	q.after = hreq_arg(r, "after");
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_workflow_list_json(store, &q, r->pretty, out(r), err)))
		return rc;
	return finish_json(r, 200);
}

static int h_case_get(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	int rc = hreq_store(r, &store, err);
	return rc ? rc : case_view(r, store, r->params[0], 200, err);
}

static int h_case_act(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	struct pd_workflow wf;
	struct pd_act act = {.at = PD_DATE_NONE};
	struct pd_act_result res;
	char id[PD_CASE_ID_LEN + 1];
	int rc;

	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_workflow_resolve(store, &r->session.actor, r->params[0], id, err)))
		return rc;
	if (pd_action_parse(r->params[1], &act.action) != 0) {
		char known[256] = "";
		for (int i = 0; i < PD_ACTION_COUNT; i++) {
			size_t n = strlen(known);
			snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
			         pd_action_name((enum pd_action)i));
		}
		return pd_error_set(err, PD_EREQUEST, "unknown action '%.40s'; actions: %s",
		                    r->params[1], known);
	}
	if (r->req->body_len) {
		act.data = r->req->body;
		act.data_len = r->req->body_len;
	}
	workflow(r, store, &wf);
	if ((rc = pd_workflow_act(&wf, &r->session.actor, id, &act, &res, err)))
		return rc;
	/* The action is committed: what may follow is told when it can be read,
	 * and a failure to read it never turns the answer into an error. */
	unsigned allowed = 0;
	struct pd_error ignored;
	bool known =
	    pd_workflow_allowed_actions_now(store, &r->session.actor, id, &allowed, &ignored) == 0;
	if ((rc = pd_act_result_write_json(act.action, &res, known ? &allowed : NULL, r->pretty,
	                                   out(r))))
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	return finish_json(r, 200);
}

static int h_case_documents(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	struct pd_workflow wf;
	struct pd_act_result res;
	char id[PD_CASE_ID_LEN + 1];
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_workflow_resolve(store, &r->session.actor, r->params[0], id, err)))
		return rc;
	workflow(r, store, &wf);
	if ((rc = pd_workflow_set_documents(&wf, &r->session.actor, id, r->req->body,
	                                    r->req->body_len, PD_DATE_NONE, &res, err)))
		return rc;
	return case_view(r, store, id, 200, err);
}

static int h_case_audit(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	char id[PD_CASE_ID_LEN + 1];
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_workflow_resolve(store, &r->session.actor, r->params[0], id, err)) ||
	    (rc = pd_workflow_audit_json(store, id, r->pretty, out(r), err)))
		return rc;
	return finish_json(r, 200);
}

static int h_case_notices(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	char id[PD_CASE_ID_LEN + 1];
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_workflow_resolve(store, &r->session.actor, r->params[0], id, err)) ||
	    (rc = pd_workflow_notices_json(store, id, r->pretty, out(r), err)))
		return rc;
	return finish_json(r, 200);
}

/* GET /cases/{ref}/receipt.pdf, notice.pdf, decision.pdf: the papers of a
 * case its viewer may read.  The receipt's QR code opens the public progress
 * page at the server's public address (--public-url, else this request's
 * Host). */
static int case_paper(struct hreq *r, enum pd_paper paper, struct pd_error *err)
{
	struct pd_store *store;
	struct pd_buf view;
	char id[PD_CASE_ID_LEN + 1], base[320];
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_workflow_resolve(store, &r->session.actor, r->params[0], id, err)))
		return rc;
	if (r->srv->cfg.public_url)
		snprintf(base, sizeof(base), "%s", r->srv->cfg.public_url);
	else
		snprintf(base, sizeof(base), "%s%s",
		         r->srv->cfg.secure_cookie ? "https://" : "http://",
		         hreq_header(r, "Host") ? hreq_header(r, "Host") : "localhost");
	struct pd_paper_opts opts = {.base_url = base};
	pd_buf_init(&view, 0);
	rc = pd_workflow_case_json(store, id, false, &view, err);
	if (rc == 0)
		rc = pd_paper_case_pdf(paper, view.data, view.len, &opts, out(r), err);
	pd_buf_free(&view);
	if (rc)
		return rc;
	r->resp->status = 200;
	r->resp->content_type = "application/pdf";
	hreq_add_header(r, "Content-Disposition", "inline; filename=\"%s-%s.pdf\"", id,
	                pd_paper_name(paper));
	return 0;
}

static int h_case_receipt(struct hreq *r, struct pd_error *err)
{
	return case_paper(r, PD_PAPER_RECEIPT, err);
}

static int h_case_notice_pdf(struct hreq *r, struct pd_error *err)
{
	return case_paper(r, PD_PAPER_NOTICE, err);
}

static int h_case_decision_pdf(struct hreq *r, struct pd_error *err)
{
	return case_paper(r, PD_PAPER_DECISION, err);
}

/* ---- users ---- */

struct new_user {
	const char *user, *role, *password;
};

static const struct pd_field new_user_fields[] = {
    {"user", PD_FIELD_STRING, true, offsetof(struct new_user, user), PD_USER_NAME_MAX + 1, 0, 0},
    {"role", PD_FIELD_WORD, true, offsetof(struct new_user, role), 32, 0, 0},
    {"password", PD_FIELD_STRING, true, offsetof(struct new_user, password), 1024, 0, 0},
};

static const struct pd_field password_fields[] = {
    {"password", PD_FIELD_STRING, true, offsetof(struct new_user, password), 1024, 0, 0},
};

static int user_view(struct hreq *r, struct pd_store *store, const char *name, int status,
                     struct pd_error *err)
{
	pd_buf_reset(out(r));
	int rc = pd_user_json(store, &r->session.actor, name, r->pretty, out(r), err);
	return rc ? rc : finish_json(r, status);
}

static int h_users_list(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_user_list_json(store, &r->session.actor, r->pretty, out(r), err)))
		return rc;
	return finish_json(r, 200);
}

static int h_user_create(struct hreq *r, struct pd_error *err)
{
	struct new_user in = {0};
	struct pd_store *store;
	enum pd_role role;
	int rc;
	if ((rc = pd_json_read_object(
	         r->req->body, r->req->body_len, "request body", 0, "", new_user_fields,
	         sizeof(new_user_fields) / sizeof(new_user_fields[0]), &r->arena, &in, err)))
		return rc;
	if (pd_role_parse(in.role, &role) != 0) {
		pd_error_clear(err);
		snprintf(err->path, sizeof(err->path), "role");
		char roles[160] = "";
		for (int i = 0; i < PD_ROLE_COUNT; i++) {
			size_t n = strlen(roles);
			snprintf(roles + n, sizeof(roles) - n, "%s%s", i ? ", " : "",
			         pd_role_name((enum pd_role)i));
		}
		return pd_error_set(err, PD_EREQUEST, "unknown role '%.40s'; roles: %s", in.role,
		                    roles);
	}
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_user_add(store, &r->session.actor, in.user, role, in.password,
	                      strlen(in.password), PD_DATE_NONE, err)))
		return rc;
	hreq_add_header(r, "Location", "/api/v1/users/%s", in.user);
	return user_view(r, store, in.user, 201, err);
}

static int h_user_get(struct hreq *r, struct pd_error *err)
{
	struct pd_store *store;
	int rc = hreq_store(r, &store, err);
	return rc ? rc : user_view(r, store, r->params[0], 200, err);
}

static int set_disabled(struct hreq *r, bool disabled, struct pd_error *err)
{
	struct pd_store *store;
	int rc;
	if ((rc = hreq_store(r, &store, err)) ||
	    (rc = pd_user_set_disabled(store, &r->session.actor, r->params[0], disabled,
	                               PD_DATE_NONE, err)))
		return rc;
	return user_view(r, store, r->params[0], 200, err);
}

static int h_user_disable(struct hreq *r, struct pd_error *err)
{
	return set_disabled(r, true, err);
}

static int h_user_enable(struct hreq *r, struct pd_error *err)
{
	return set_disabled(r, false, err);
}

static int h_user_password(struct hreq *r, struct pd_error *err)
{
	struct new_user in = {0};
	struct pd_store *store;
	int rc;
	if ((rc = pd_json_read_object(r->req->body, r->req->body_len, "request body", 0, "",
	                              password_fields, 1, &r->arena, &in, err)) ||
	    (rc = hreq_store(r, &store, err)) ||
	    (rc = pd_user_set_password(store, &r->session.actor, r->params[0], in.password,
	                               strlen(in.password), PD_DATE_NONE, err)))
		return rc;
	r->resp->status = 204;
	return 0;
}

/* ---- the web desk: web/, embedded at build time ---- */

struct pd_web_file {
	const char *path;
	const char *data;
	size_t len;
};
extern const struct pd_web_file pd_web_files[];
extern const size_t pd_web_n_files;

static const struct {
	const char *ext, *type;
} content_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".woff2", "font/woff2"},
};

static const struct pd_web_file *web_file(const char *path)
{
	for (size_t i = 0; i < pd_web_n_files; i++)
		if (strcmp(pd_web_files[i].path, path) == 0)
			return &pd_web_files[i];
	return NULL;
}

/*
 * GET /{*file}: a file of the web desk.  "/" is /index.html, and a path
 * without an extension is its .html page (/officer is /officer.html).  Pages
 * get a strict Content-Security-Policy: scripts, styles and everything else
 * from this server only, no inline script, no framing.  Files are
 * revalidated (no-cache) against a weak ETag of their bytes.
 */
static int h_static(struct hreq *r, struct pd_error *err)
{
	char path[256];
	const char *want = r->params[0] ? r->params[0] : ""; /* the path after its first '/' */
	snprintf(path, sizeof(path), "/%s", want[0] ? want : "index.html");
	const struct pd_web_file *f = web_file(path);
	const char *slash = strrchr(path, '/');
	if (!f && slash && !strchr(slash, '.') && strlen(path) + 6 < sizeof(path)) {
		strcat(path, ".html");
		f = web_file(path);
	}
	if (!f)
		return pd_error_set(err, PD_ENOTFOUND, "no page /%.200s", want);
	const char *type = "application/octet-stream";
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(content_types) / sizeof(content_types[0]); i++)
		if (strcmp(dot, content_types[i].ext) == 0)
			type = content_types[i].type;
	uint64_t h = 14695981039346656037ull; /* FNV-1a 64 of the bytes */
	for (size_t i = 0; i < f->len; i++)
		h = (h ^ (uint8_t)f->data[i]) * 1099511628211ull;
	/* Weak: the same page may be sent gzipped or not (dispatch.c). */
	char etag[32];
	snprintf(etag, sizeof(etag), "W/\"%016llx\"", (unsigned long long)h);
	hreq_add_header(r, "ETag", "%s", etag);
	hreq_add_header(r, "Cache-Control", "no-cache");
	if (strcmp(type, "text/html; charset=utf-8") == 0) {
		hreq_add_header(r, "Content-Security-Policy",
		                "default-src 'self'; script-src 'self'; style-src 'self'; "
		                "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
		                "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
		hreq_add_header(r, "X-Frame-Options", "DENY");
		hreq_add_header(r, "Referrer-Policy", "no-referrer");
	}
	r->resp->content_type = type;
	const char *inm = hreq_header(r, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		r->resp->status = 304;
		return 0;
	}
	pd_buf_append(out(r), f->data, f->len);
	r->resp->status = 200;
	return 0;
}

/* ---- the table ---- */

#define API "/api/v1"
#define NOCAP (-1)

/* clang-format off */
const struct route http_routes[] = {
    /* method   pattern                                 handler           who           capability              body           a bad body is  query parameters */
    {"GET",    API "/health",                           h_health,         AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    "/metrics",                              h_metrics,        AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/openapi.json",                     h_openapi,        AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/case.schema.json",                 h_case_schema,    AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/result.schema.json",               h_result_schema,  AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"POST",   API "/check",                            h_check,          AUTH_PUBLIC,  NOCAP,                  BODY_JSON,     INPUT_CASE, "format lang view"},
    {"GET",    API "/facts",                            h_facts,          AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/calendar/add",                     h_calendar_add,   AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, "date n"},
    {"GET",    API "/calendar/workday",                 h_calendar_workday, AUTH_PUBLIC, NOCAP,                 BODY_NONE,     INPUT_REQUEST, "date"},
    {"GET",    API "/policy",                           h_policy,         AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/policy/{pack}/rules",              h_pack_rules,     AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/policy/{pack}/conflicts",          h_pack_conflicts, AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/policy/{pack}/clauses",            h_pack_clauses,   AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/offices",                          h_offices,        AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, "pack appointments"},
    {"GET",    API "/progress",                         h_progress,       AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, "receipt passport"},
    {"GET",    API "/offices/{id}/slots",               h_slots,          AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, "from to"},
    {"POST",   API "/appointments",                     h_book,           AUTH_PUBLIC,  NOCAP,                  BODY_JSON,     INPUT_REQUEST, NULL},
    {"GET",    API "/appointments/{ref}",               h_appointment_get, AUTH_PUBLIC, NOCAP,                  BODY_NONE,     INPUT_REQUEST, "passport"},
    {"PATCH",  API "/appointments/{ref}",               h_appointment_move, AUTH_PUBLIC, NOCAP,                 BODY_JSON,     INPUT_REQUEST, NULL},
    {"DELETE", API "/appointments/{ref}",               h_appointment_cancel, AUTH_PUBLIC, NOCAP,               BODY_NONE,     INPUT_REQUEST, "passport"},
    {"GET",    API "/offices/{id}/appointments",        h_office_day,     AUTH_SESSION, PD_CAP_APPOINTMENTS,    BODY_NONE,     INPUT_REQUEST, "date"},

    {"POST",   API "/sessions",                         h_login,          AUTH_PUBLIC,  NOCAP,                  BODY_JSON,     INPUT_REQUEST, NULL},
    {"DELETE", API "/sessions",                         h_logout,         AUTH_SESSION, NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/me",                               h_me,             AUTH_SESSION, NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},

    {"POST",   API "/cases",                            h_case_create,    AUTH_SESSION, PD_CAP_CASE_CREATE,     BODY_JSON,     INPUT_CASE, NULL},
    {"GET",    API "/cases",                            h_case_list,      AUTH_SESSION, PD_CAP_CASE_READ,       BODY_NONE,     INPUT_REQUEST, "state overdue assignee pack q limit after"},
    {"GET",    API "/cases/{ref}",                      h_case_get,       AUTH_SESSION, PD_CAP_CASE_READ,       BODY_NONE,     INPUT_REQUEST, NULL},
    {"POST",   API "/cases/{ref}/actions/{action}",     h_case_act,       AUTH_SESSION, PD_CAP_CASE_READ,       BODY_OPTIONAL, INPUT_REQUEST, NULL},
    {"POST",   API "/cases/{ref}/documents",            h_case_documents, AUTH_SESSION, PD_CAP_CASE_DOCUMENTS,  BODY_JSON,     INPUT_CASE, NULL},
    {"GET",    API "/cases/{ref}/audit",                h_case_audit,     AUTH_SESSION, PD_CAP_AUDIT_READ,      BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/cases/{ref}/notices",              h_case_notices,   AUTH_SESSION, PD_CAP_CASE_READ,       BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/cases/{ref}/receipt.pdf",          h_case_receipt,   AUTH_SESSION, PD_CAP_CASE_READ,       BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/cases/{ref}/notice.pdf",           h_case_notice_pdf, AUTH_SESSION, PD_CAP_CASE_READ,      BODY_NONE,     INPUT_REQUEST, NULL},
    {"GET",    API "/cases/{ref}/decision.pdf",         h_case_decision_pdf, AUTH_SESSION, PD_CAP_CASE_READ,    BODY_NONE,     INPUT_REQUEST, NULL},

    {"GET",    API "/users",                            h_users_list,     AUTH_SESSION, PD_CAP_USERS,           BODY_NONE,     INPUT_REQUEST, NULL},
    {"POST",   API "/users",                            h_user_create,    AUTH_SESSION, PD_CAP_USERS,           BODY_JSON,     INPUT_REQUEST, NULL},
    {"GET",    API "/users/{name}",                     h_user_get,       AUTH_SESSION, NOCAP,                  BODY_NONE,     INPUT_REQUEST, NULL},
    {"POST",   API "/users/{name}/disable",             h_user_disable,   AUTH_SESSION, PD_CAP_USERS,           BODY_NONE,     INPUT_REQUEST, NULL},
    {"POST",   API "/users/{name}/enable",              h_user_enable,    AUTH_SESSION, PD_CAP_USERS,           BODY_NONE,     INPUT_REQUEST, NULL},
    {"POST",   API "/users/{name}/password",            h_user_password,  AUTH_SESSION, NOCAP,                  BODY_JSON,     INPUT_REQUEST, NULL},

    /* Last: every other path outside /api/ is a file of the web desk. */
    {"GET",    "/{*file}",                              h_static,         AUTH_PUBLIC,  NOCAP,                  BODY_NONE,     INPUT_REQUEST, "*"},
};
/* clang-format on */
const size_t http_n_routes = sizeof(http_routes) / sizeof(http_routes[0]);
