/*
 * test_http.c: the HTTP server's route table and dispatcher, driven in
 * process through pd_http_handle() (no socket): the checks every route gets
 * before its handler runs (404, 405 with Allow, 413, 415, 400, 401, 403), the
 * login limiter, cookies and their origin check, logout, the result of
 * POST /check against the library's own writer, and a reload that fails.
 * The same server over real sockets is tested by tests/api/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "http_int.h"
#include "permitdesk/codec.h"
#include "permitdesk/http.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

struct fixture {
	char dir[64];
	char db[96];
	struct pd_http_server *srv;
	char token[PD_SESSION_TOKEN_LEN + 1]; /* an officer's */
};

static void add_user(const char *db, const char *name, enum pd_role role, const char *pw)
{
	struct pd_store *s;
	struct pd_error err;
	assert_int_equal(pd_store_open(db, PD_STORE_CREATE, &s, &err), 0);
	assert_int_equal(pd_user_add(s, NULL, name, role, pw, strlen(pw), PD_DATE_NONE, &err), 0);
	pd_store_close(s);
}

struct call {
	struct pd_http_header headers[6];
	size_t n;
	struct pd_http_response resp;
};

static void header(struct call *c, const char *name, const char *value)
{
	c->headers[c->n++] = (struct pd_http_header){name, value};
}

static int send_req(struct fixture *f, struct call *c, const char *method, const char *path,
                    const char *query, const char *body, size_t len)
{
	struct pd_http_request req = {
	    .method = method,
	    .path = path,
	    .query = query,
	    .headers = c->headers,
	    .n_headers = c->n,
	    .body = body,
	    .body_len = body ? (len ? len : strlen(body)) : 0,
	    .client = "192.0.2.1",
	};
	pd_http_response_init(&c->resp);
	pd_http_handle(f->srv, &req, &c->resp);
	pd_buf_putc(&c->resp.body, '\0');
	c->resp.body.len--;
	return c->resp.status;
}

static const char *body_of(struct call *c)
{
	return c->resp.body.data ? c->resp.body.data : "";
}

static void done(struct call *c)
{
	pd_http_response_free(&c->resp);
	memset(c, 0, sizeof(*c));
}

static int login(struct fixture *f, const char *user, const char *pw, char *token)
{
	struct call c = {0};
	char body[256];
	snprintf(body, sizeof(body), "{\"user\":\"%s\",\"password\":\"%s\"}", user, pw);
	header(&c, "Content-Type", "application/json");
	int status = send_req(f, &c, "POST", "/api/v1/sessions", NULL, body, 0);
	if (status == 201 && token) {
		const char *t = strstr(body_of(&c), "\"token\":\"");
		assert_non_null(t);
		memcpy(token, t + 9, PD_SESSION_TOKEN_LEN);
		token[PD_SESSION_TOKEN_LEN] = '\0';
	}
	done(&c);
	return status;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pd_error err;
	snprintf(f->dir, sizeof(f->dir), "/tmp/pd_http_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/desk.db", f->dir);
	add_user(f->db, "olga", PD_ROLE_OFFICER, "officer-pass");
	add_user(f->db, "ann", PD_ROLE_APPLICANT, "applicant-pass");
	add_user(f->db, "root", PD_ROLE_ADMIN, "admin-pass-1");
	struct pd_http_config cfg = {.db = f->db, .policy_dir = PD_TEST_POLICY_DIR};
	pd_error_clear(&err);
	assert_int_equal(pd_http_start(&cfg, &f->srv, &err), 0);
	assert_int_equal(login(f, "olga", "officer-pass", f->token), 201);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];
	pd_http_stop(f->srv, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void bearer(struct call *c, struct fixture *f, char *buf)
{
	sprintf(buf, "Bearer %s", f->token);
	header(c, "Authorization", buf);
}

/* Every (method, pattern) once; patterns are absolute. */
static void test_route_table(void **state)
{
	(void)state;
	assert_true(http_n_routes > 20);
	for (size_t i = 0; i < http_n_routes; i++) {
		assert_non_null(http_routes[i].handler);
		assert_int_equal(http_routes[i].pattern[0], '/');
		for (size_t j = i + 1; j < http_n_routes; j++)
			assert_false(strcmp(http_routes[i].method, http_routes[j].method) == 0 &&
			             strcmp(http_routes[i].pattern, http_routes[j].pattern) == 0);
	}
}

static void test_unknown_route_and_method(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/nothing", NULL, NULL, 0), 404);
	assert_string_equal(body_of(&c),
	                    "{\"error\":{\"code\":\"not_found\",\"message\":\"no route "
	                    "/api/v1/nothing\"}}\n");
	done(&c);
	assert_int_equal(send_req(f, &c, "DELETE", "/api/v1/cases", NULL, NULL, 0), 405);
	assert_string_equal(pd_http_response_header(&c.resp, "Allow"), "POST, GET");
	assert_non_null(strstr(body_of(&c), "\"code\":\"method_not_allowed\""));
	done(&c);
	/* A parameter is one whole segment. */
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/policy//rules", NULL, NULL, 0), 404);
	done(&c);
}

static void test_body_checks(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	static char big[PD_HTTP_BODY_MAX + 2];
	memset(big, ' ', sizeof(big) - 1);
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/check", NULL, big, sizeof(big) - 1), 413);
	assert_non_null(strstr(body_of(&c), "\"code\":\"too_large\""));
	done(&c);
	header(&c, "Content-Type", "text/plain");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/check", NULL, "{}", 0), 415);
	done(&c);
	/* No case is an invalid case; no login is an invalid request. */
	header(&c, "Content-Type", "application/json; charset=utf-8");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/check", NULL, NULL, 0), 400);
	assert_non_null(strstr(body_of(&c), "\"code\":\"invalid_case\""));
	done(&c);
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/sessions", NULL, NULL, 0), 400);
	assert_non_null(strstr(body_of(&c), "\"code\":\"invalid_request\""));
	done(&c);
	/* A query parameter the route does not take is refused, by name. */
	assert_int_equal(
	    send_req(f, &c, "GET", "/api/v1/calendar/workday", "date=2026-10-10&dat=1", NULL, 0),
	    400);
	assert_non_null(strstr(body_of(&c), "\"path\":\"dat\""));
	done(&c);
	assert_int_equal(
	    send_req(f, &c, "GET", "/api/v1/calendar/workday", "date=2026-10-10&pretty=1", NULL, 0),
	    200);
	done(&c);
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/health", NULL, "{}", 0), 400);
	done(&c);
	/* A bad case names where. */
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/check", NULL,
	                          "{\"jurisdiction\": \"zhejiang\",\n \"date\": \"2026-13-01\"}",
	                          0),
	                 400);
	assert_non_null(strstr(body_of(&c), "\"code\":\"invalid_case\""));
	assert_non_null(strstr(body_of(&c), "\"path\":\"date\",\"line\":2,\"column\":10"));
	done(&c);
}

/* POST /check writes what the library writes for the same case. */
static void test_check_matches_library(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	struct pd_buf in, want;
	struct pd_error err;
	struct pd_policy *pol;
	struct pd_arena arena;
	struct pd_result *res;
	pd_buf_init(&in, 0);
	pd_buf_init(&want, 0);
	pd_arena_init(&arena, 1 << 16, 0);
	assert_int_equal(
	    pd_buf_read_file(&in, PD_TEST_DATA_DIR "/../examples/zhejiang-q2-extension.json", &err),
	    0);
	assert_int_equal(pd_policy_load(PD_TEST_POLICY_DIR, &pol, NULL, &err), 0);
	struct pd_check_opts o = {.name = "x", .today = PD_DATE_NONE, .date = PD_DATE_NONE};
	assert_int_equal(pd_check(pol, in.data, in.len, &o, &arena, NULL, &res, &err), 0);
	assert_int_equal(pd_result_write_json(res, false, &want), 0);
	pd_buf_putc(&want, '\n');
	pd_buf_putc(&want, '\0');

	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/check", NULL, in.data, in.len), 200);
	assert_string_equal(body_of(&c), want.data);
	done(&c);

	header(&c, "Content-Type", "application/json");
	assert_int_equal(
	    send_req(f, &c, "POST", "/api/v1/check", "format=text&lang=zh", in.data, in.len), 200);
	assert_string_equal(c.resp.content_type, "text/plain; charset=utf-8");
	done(&c);
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/check", "lang=fr", in.data, in.len), 400);
	assert_non_null(strstr(body_of(&c), "\"path\":\"lang\""));
	done(&c);

	pd_policy_free(pol);
	pd_arena_free(&arena);
	pd_buf_free(&in);
	pd_buf_free(&want);
}

static void test_sessions_and_cookies(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	char auth[96], cookie[96], token[PD_SESSION_TOKEN_LEN + 1];

	assert_int_equal(send_req(f, &c, "GET", "/api/v1/me", NULL, NULL, 0), 401);
	done(&c);
	bearer(&c, f, auth);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/me", NULL, NULL, 0), 200);
	assert_non_null(strstr(body_of(&c), "\"user\":\"olga\",\"role\":\"officer\""));
	done(&c);

	/* The cookie works for reads, and for changes only from our own origin. */
	assert_int_equal(login(f, "ann", "applicant-pass", token), 201);
	snprintf(cookie, sizeof(cookie), "theme=dark; pd_session=%s", token);
	header(&c, "Cookie", cookie);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/me", NULL, NULL, 0), 200);
	done(&c);
	header(&c, "Cookie", cookie);
	header(&c, "Content-Type", "application/json");
	header(&c, "Host", "desk.example:8080");
	header(&c, "Origin", "http://evil.example");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/cases", NULL, "{}", 0), 403);
	done(&c);
	header(&c, "Cookie", cookie);
	header(&c, "Host", "desk.example:8080");
	header(&c, "Origin", "http://desk.example:8080");
	assert_int_equal(send_req(f, &c, "DELETE", "/api/v1/sessions", NULL, NULL, 0), 204);
	assert_non_null(strstr(pd_http_response_header(&c.resp, "Set-Cookie"), "Max-Age=0"));
	done(&c);
	header(&c, "Cookie", cookie);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/me", NULL, NULL, 0), 401);
	done(&c);
	/* A malformed Authorization is refused, not ignored. */
	header(&c, "Authorization", "Basic b2xnYTpvZmZpY2VyLXBhc3M=");
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/me", NULL, NULL, 0), 401);
	done(&c);
}

static void test_login_limits(void **state)
{
	struct fixture *f = *state;
	struct call c = {0}, d = {0};
	/* Unknown user and wrong password: the same answer. */
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/sessions", NULL,
	                          "{\"user\":\"nobody\",\"password\":\"whatever-1\"}", 0),
	                 401);
	header(&d, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &d, "POST", "/api/v1/sessions", NULL,
	                          "{\"user\":\"root\",\"password\":\"whatever-1\"}", 0),
	                 401);
	assert_string_equal(body_of(&c), body_of(&d));
	done(&c);
	done(&d);
	for (int i = 1; i < 5; i++)
		assert_int_equal(login(f, "root", "wrong-password", NULL), 401);
	/* The sixth try, even with the right password, waits. */
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/sessions", NULL,
	                          "{\"user\":\"root\",\"password\":\"admin-pass-1\"}", 0),
	                 429);
	const char *retry = pd_http_response_header(&c.resp, "Retry-After");
	assert_non_null(retry);
	assert_true(atoi(retry) > 0 && atoi(retry) <= 900);
	done(&c);
	/* Another user from the same address is not locked out by root's tries. */
	assert_int_equal(login(f, "olga", "officer-pass", NULL), 201);
	/* A bad login body is invalid_request, with where. */
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/sessions", NULL, "{\"user\":\"x\"}", 0),
	                 400);
	assert_non_null(strstr(body_of(&c), "\"code\":\"invalid_request\""));
	done(&c);
}

static void test_roles_asked_of_library(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	char auth[96];
	/* An officer may not administer users. */
	bearer(&c, f, auth);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/users", NULL, NULL, 0), 403);
	done(&c);
	/* A case the officer files carries the actions the library allows. */
	struct pd_buf in;
	struct pd_error err;
	pd_buf_init(&in, 0);
	assert_int_equal(
	    pd_buf_read_file(&in, PD_TEST_DATA_DIR "/../examples/zhejiang-q2-extension.json", &err),
	    0);
	bearer(&c, f, auth);
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/cases", NULL, in.data, in.len), 201);
	assert_non_null(strstr(body_of(&c), "\"allowed_actions\":[\"submit\"]"));
	const char *loc = pd_http_response_header(&c.resp, "Location");
	assert_non_null(loc);
	char path[128];
	snprintf(path, sizeof(path), "%s", loc);
	done(&c);
	/* Submitted by olga, who filed it: her role may accept from here, but the
	 * separation of duties withholds it, and the view says why. */
	char sub[160];
	snprintf(sub, sizeof(sub), "%s/actions/submit", path);
	bearer(&c, f, auth);
	assert_int_equal(send_req(f, &c, "POST", sub, NULL, NULL, 0), 200);
	done(&c);
	bearer(&c, f, auth);
	assert_int_equal(send_req(f, &c, "GET", path, NULL, NULL, 0), 200);
	assert_non_null(strstr(body_of(&c), "\"allowed_actions\":[\"request_supplement\"]"));
	assert_non_null(strstr(body_of(&c), "\"withheld_actions\":[{\"action\":\"accept\","
	                                    "\"reason\":\"separation of duties: olga filed"));
	done(&c);
	/* The applicant did not file it: it does not exist for her. */
	char token[PD_SESSION_TOKEN_LEN + 1], ann[96];
	assert_int_equal(login(f, "ann", "applicant-pass", token), 201);
	snprintf(ann, sizeof(ann), "Bearer %s", token);
	header(&c, "Authorization", ann);
	assert_int_equal(send_req(f, &c, "GET", path, NULL, NULL, 0), 404);
	done(&c);
	pd_buf_free(&in);
}

/* The public progress query: the receipt and the passport number, nothing
 * else; a wrong pair and an unknown receipt answer alike; limited per address. */
/* A case ann files and submits and olga accepts: its path (Location) in loc,
 * its receipt number in receipt, ann's and olga's Authorization headers. */
struct accepted {
	char loc[128], receipt[64], ann[96], olga[96];
};

static void file_and_accept(struct fixture *f, struct accepted *a)
{
	struct call c = {0};
	struct pd_buf in;
	struct pd_error err;
	char token[PD_SESSION_TOKEN_LEN + 1], path[192];
	pd_buf_init(&in, 0);
	assert_int_equal(
	    pd_buf_read_file(&in, PD_TEST_DATA_DIR "/../examples/zhejiang-q2-extension.json", &err),
	    0);
	assert_int_equal(login(f, "ann", "applicant-pass", token), 201);
	snprintf(a->ann, sizeof(a->ann), "Bearer %s", token);
	snprintf(a->olga, sizeof(a->olga), "Bearer %s", f->token);
	header(&c, "Authorization", a->ann);
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/cases", NULL, in.data, in.len), 201);
	snprintf(a->loc, sizeof(a->loc), "%s", pd_http_response_header(&c.resp, "Location"));
	done(&c);
	pd_buf_free(&in);
	snprintf(path, sizeof(path), "%s/receipt.pdf", a->loc);
	header(&c, "Authorization", a->ann);
	assert_int_equal(send_req(f, &c, "GET", path, NULL, NULL, 0), 409); /* none yet */
	done(&c);
	snprintf(path, sizeof(path), "%s/actions/submit", a->loc);
	header(&c, "Authorization", a->ann);
	assert_int_equal(send_req(f, &c, "POST", path, NULL, NULL, 0), 200);
	done(&c);
	snprintf(path, sizeof(path), "%s/actions/accept", a->loc);
	header(&c, "Authorization", a->olga);
	assert_int_equal(send_req(f, &c, "POST", path, NULL, NULL, 0), 200);
	const char *rn = strstr(body_of(&c), "\"receipt\":\"");
	assert_non_null(rn);
	snprintf(a->receipt, sizeof(a->receipt), "%.*s", (int)strcspn(rn + 11, "\""), rn + 11);
	done(&c);
}

static void test_progress(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	struct accepted a;
	char q[160];
	file_and_accept(f, &a);
	const char *receipt = a.receipt;

	snprintf(q, sizeof(q), "receipt=%s&passport=l898902c3", receipt);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/progress", q, NULL, 0), 200);
	assert_non_null(strstr(body_of(&c), "\"state\":\"accepted\""));
	assert_non_null(strstr(body_of(&c), "\"ready_for_collection\":false"));
	assert_null(strstr(body_of(&c), "Eriksson")); /* no name, no facts */
	assert_null(strstr(body_of(&c), "\"facts\""));
	done(&c);
	/* A wrong passport and an unknown receipt: one answer. */
	char wrong[512], unknown[512];
	snprintf(q, sizeof(q), "receipt=%s&passport=X0000000", receipt);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/progress", q, NULL, 0), 404);
	snprintf(wrong, sizeof(wrong), "%s", body_of(&c));
	done(&c);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/progress",
	                          "receipt=zhejiang-2026-R999999&passport=L898902C3", NULL, 0),
	                 404);
	snprintf(unknown, sizeof(unknown), "%s", body_of(&c));
	done(&c);
	assert_string_equal(wrong, unknown);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/progress", "receipt=x", NULL, 0), 400);
	done(&c);
	/* Every query counts: the 31st from one address within the window waits. */
	for (int i = 4; i < 30; i++) {
		assert_int_equal(send_req(f, &c, "GET", "/api/v1/progress", q, NULL, 0), 404);
		done(&c);
	}
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/progress", q, NULL, 0), 429);
	assert_non_null(pd_http_response_header(&c.resp, "Retry-After"));
	done(&c);
}

/* A text answer of 1 KiB or more goes gzipped to a client that takes gzip,
 * and inflates to exactly what others get. */
static void test_gzip(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/facts", NULL, NULL, 0), 200);
	assert_null(pd_http_response_header(&c.resp, "Content-Encoding"));
	assert_string_equal(pd_http_response_header(&c.resp, "Vary"), "Accept-Encoding");
	size_t plain_len = c.resp.body.len;
	char *plain = malloc(plain_len);
	memcpy(plain, c.resp.body.data, plain_len);
	done(&c);

	header(&c, "Accept-Encoding", "br, gzip;q=0.8");
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/facts", NULL, NULL, 0), 200);
	assert_string_equal(pd_http_response_header(&c.resp, "Content-Encoding"), "gzip");
	assert_true(c.resp.body.len < plain_len / 2);
	char *back = malloc(plain_len + 1);
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)c.resp.body.data;
	zs.avail_in = (uInt)c.resp.body.len;
	zs.next_out = (Bytef *)back;
	zs.avail_out = (uInt)plain_len + 1;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, plain_len);
	assert_memory_equal(back, plain, plain_len);
	inflateEnd(&zs);
	done(&c);

	/* Refused (q=0), and small answers, go as they are. */
	header(&c, "Accept-Encoding", "gzip;q=0");
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/facts", NULL, NULL, 0), 200);
	assert_null(pd_http_response_header(&c.resp, "Content-Encoding"));
	done(&c);
	header(&c, "Accept-Encoding", "gzip");
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/health", NULL, NULL, 0), 200);
	assert_null(pd_http_response_header(&c.resp, "Content-Encoding"));
	done(&c);
	free(plain);
	free(back);
}

/* From 1 December, while the calendar lacks the next year, GET /health warns
 * (still 200) and /metrics says which year and how many days are left. */
static void test_health_calendar_due(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	const char *before = getenv("PERMITDESK_TODAY");
	char *saved = before ? strdup(before) : NULL;

	setenv("PERMITDESK_TODAY", "2026-11-30", 1);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/health", NULL, NULL, 0), 200);
	assert_string_equal(body_of(&c), "{\"status\":\"ok\",\"store\":\"sqlite\"}\n");
	done(&c);
	assert_int_equal(send_req(f, &c, "GET", "/metrics", NULL, NULL, 0), 200);
	assert_non_null(strstr(body_of(&c), "\npermitdesk_calendar_year_missing 0\n"));
	assert_non_null(strstr(body_of(&c), "\npermitdesk_calendar_covered_days 32\n"));
	assert_non_null(strstr(body_of(&c), "\npermitdesk_calendar_last_year 2026\n"));
	done(&c);

	setenv("PERMITDESK_TODAY", "2026-12-01", 1);
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/health", NULL, NULL, 0), 200);
	const char *b = body_of(&c);
	assert_non_null(strstr(b, "{\"status\":\"ok\",\"store\":\"sqlite\",\"warnings\":[{\"code\":"
	                          "\"calendar_year_missing\",\"year\":2027,\"message\":\"the "
	                          "official calendar does not cover 2027: copy the State "
	                          "Council's notice on the 2027 holidays into calendar/cn.yaml of "
	                          "the policy directory"));
	assert_null(strstr(b, f->dir)); /* no path of the server's */
	done(&c);
	assert_int_equal(send_req(f, &c, "GET", "/metrics", NULL, NULL, 0), 200);
	assert_non_null(strstr(body_of(&c), "\npermitdesk_calendar_year_missing 2027\n"));
	assert_non_null(strstr(body_of(&c), "\npermitdesk_calendar_covered_days 31\n"));
	done(&c);

	setenv("PERMITDESK_TODAY", "2027-01-04", 1);
	assert_int_equal(send_req(f, &c, "GET", "/metrics", NULL, NULL, 0), 200);
	assert_non_null(strstr(body_of(&c), "\npermitdesk_calendar_year_missing 2027\n"));
	assert_non_null(strstr(body_of(&c), "\npermitdesk_calendar_covered_days 0\n"));
	done(&c);

	if (saved)
		setenv("PERMITDESK_TODAY", saved, 1);
	else
		unsetenv("PERMITDESK_TODAY");
	free(saved);
}

/* The web desk's files: pages with a strict CSP, revalidated by ETag. */
static void test_web_desk(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	char etag[64];
	assert_int_equal(send_req(f, &c, "GET", "/", NULL, NULL, 0), 200);
	assert_string_equal(c.resp.content_type, "text/html; charset=utf-8");
	const char *csp = pd_http_response_header(&c.resp, "Content-Security-Policy");
	assert_non_null(csp);
	assert_non_null(strstr(csp, "script-src 'self'"));
	assert_null(strstr(csp, "unsafe-inline"));
	assert_non_null(pd_http_response_header(&c.resp, "ETag"));
	snprintf(etag, sizeof(etag), "%s", pd_http_response_header(&c.resp, "ETag"));
	done(&c);
	/* The same page by its name, and again only if it changed. */
	header(&c, "If-None-Match", etag);
	assert_int_equal(send_req(f, &c, "GET", "/index.html", NULL, NULL, 0), 304);
	assert_int_equal(c.resp.body.len, 0);
	done(&c);
	/* A page without its .html. */
	assert_int_equal(send_req(f, &c, "GET", "/officer", NULL, NULL, 0), 200);
	assert_string_equal(c.resp.content_type, "text/html; charset=utf-8");
	done(&c);
	assert_int_equal(send_req(f, &c, "GET", "/no-such-page", NULL, NULL, 0), 404);
	done(&c);
	assert_int_equal(send_req(f, &c, "POST", "/index.html", NULL, NULL, 0), 405);
	assert_string_equal(pd_http_response_header(&c.resp, "Allow"), "GET");
	done(&c);
	/* /api/ is never a page. */
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/index.html", NULL, NULL, 0), 404);
	assert_non_null(strstr(body_of(&c), "\"code\":\"not_found\""));
	done(&c);
}

/* The papers of a case: a receipt once accepted, for whoever may read it. */
static void test_case_papers(void **state)
{
	struct fixture *f = *state;
	struct call c = {0};
	struct accepted a;
	char path[192];
	file_and_accept(f, &a);
	const char *loc = a.loc, *ann = a.ann, *olga = a.olga;
	/* Accepted: the receipt is there for the applicant (before, 409). */
	snprintf(path, sizeof(path), "%s/receipt.pdf", loc);
	header(&c, "Authorization", ann);
	header(&c, "Host", "desk.example");
	assert_int_equal(send_req(f, &c, "GET", path, NULL, NULL, 0), 200);
	assert_string_equal(c.resp.content_type, "application/pdf");
	assert_true(c.resp.body.len > 1000);
	assert_memory_equal(c.resp.body.data, "%PDF-", 5);
	done(&c);
	snprintf(path, sizeof(path), "%s/decision.pdf", loc);
	header(&c, "Authorization", olga);
	assert_int_equal(send_req(f, &c, "GET", path, NULL, NULL, 0), 409);
	done(&c);
	/* Not logged in: 401; the pre-check checklist is public. */
	snprintf(path, sizeof(path), "%s/notice.pdf", loc);
	assert_int_equal(send_req(f, &c, "GET", path, NULL, NULL, 0), 401);
	done(&c);
	struct pd_buf in;
	struct pd_error err;
	pd_buf_init(&in, 0);
	assert_int_equal(
	    pd_buf_read_file(&in, PD_TEST_DATA_DIR "/../examples/zhejiang-q2-extension.json", &err),
	    0);
	header(&c, "Content-Type", "application/json");
	assert_int_equal(send_req(f, &c, "POST", "/api/v1/check", "format=pdf", in.data, in.len),
	                 200);
	assert_string_equal(c.resp.content_type, "application/pdf");
	assert_memory_equal(c.resp.body.data, "%PDF-", 5);
	done(&c);
	pd_buf_free(&in);
}

static void test_reload_refuses_broken_pack(void **state)
{
	struct fixture *f = *state;
	struct pd_error err;
	char cmd[512];
	/* Serve a copy of the policy, then break it and reload. */
	struct pd_http_server *srv;
	char dir[128];
	snprintf(dir, sizeof(dir), "%s/policy", f->dir);
	snprintf(cmd, sizeof(cmd), "cp -r '%s' '%s'", PD_TEST_POLICY_DIR, dir);
	assert_int_equal(system(cmd), 0);
	struct pd_http_config cfg = {.db = f->db, .policy_dir = dir};
	assert_int_equal(pd_http_start(&cfg, &srv, &err), 0);
	snprintf(cmd, sizeof(cmd), "printf 'id: [unclosed\\n' > '%s/zhejiang/pack.yaml'", dir);
	assert_int_equal(system(cmd), 0);
	pd_error_clear(&err);
	assert_int_not_equal(pd_http_reload(srv, &err), 0);
	assert_non_null(strstr(err.file, "zhejiang/pack.yaml"));
	assert_true(err.line > 0);
	struct pd_fixture_swap {
		struct pd_http_server *srv;
	} swap = {f->srv};
	f->srv = srv;
	struct call c = {0};
	assert_int_equal(send_req(f, &c, "GET", "/api/v1/policy/zhejiang/rules", NULL, NULL, 0),
	                 200);
	done(&c);
	f->srv = swap.srv;
	pd_http_stop(srv, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_route_table),
	    cmocka_unit_test_setup_teardown(test_unknown_route_and_method, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_body_checks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_check_matches_library, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sessions_and_cookies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_login_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roles_asked_of_library, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gzip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_health_calendar_due, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_web_desk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_case_papers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reload_refuses_broken_pack, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
