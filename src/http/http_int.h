/*
 * http/http_int.h: what the files of the HTTP server share: the server's
 * state, one request as the handlers see it, the route table's row, the
 * login limiter and the metrics.
 */
#ifndef PD_HTTP_INT_H
#define PD_HTTP_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "permitdesk/codec.h"
#include "permitdesk/http.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

/* ---- the policy in force: replaced whole on reload ------------------------ */

struct generation {
	struct pd_policy *pol;
	atomic_int refs;      /* the server's own reference plus one per request */
	int64_t loaded_at_us; /* wall clock, microseconds since 1970 */
	double load_seconds;  /* how long loading took */
};

/* ---- failed-login limiter ------------------------------------------------- */

#define LIMITER_SLOTS 1024

struct limiter_slot {
	char key[80];  /* "u:NAME" or "a:ADDRESS"; "" when free */
	int64_t since; /* start of the window, seconds */
	unsigned failures;
};
struct limiter {
	pthread_mutex_t lock;
	struct limiter_slot slots[LIMITER_SLOTS];
};

/* Seconds until `key` may try again (0: now), given at most `max` failures per window. */
unsigned limiter_wait(struct limiter *l, const char *key, unsigned max, unsigned window_s,
                      int64_t now_s);
void limiter_fail(struct limiter *l, const char *key, unsigned window_s, int64_t now_s);
void limiter_clear(struct limiter *l, const char *key);

/* ---- metrics (Prometheus text format) ------------------------------------- */

#define METRIC_BUCKETS 12
#define METRIC_STATUSES 16 /* distinct statuses counted per route and method */

struct route_metrics {
	atomic_llong buckets[METRIC_BUCKETS]; /* cumulative on output, not here */
	atomic_llong count;
	atomic_llong sum_us;
	struct {
		atomic_int status; /* 0: free */
		atomic_llong n;
	} by_status[METRIC_STATUSES];
};

struct metrics {
	struct route_metrics *routes; /* one per route row, plus one for "unmatched" */
	size_t n_routes;
	atomic_llong in_flight;
	atomic_llong checks[4]; /* by enum pd_verdict */
};

int metrics_init(struct metrics *m, size_t n_routes);
void metrics_free(struct metrics *m);
void metrics_observe(struct metrics *m, size_t route, int status, int64_t duration_us);

/* ---- the server ------------------------------------------------------------ */

struct conn_track;

struct pd_http_server {
	struct pd_http_config cfg;
	char *db;
	char *policy_dir;
	char *public_url;
	struct MHD_Daemon *daemon;
	unsigned port;

	pthread_mutex_t gen_lock;
	struct generation *gen;
	pthread_mutex_t reload_lock; /* one reload at a time */

	pthread_key_t store_key; /* each thread's store connection */
	bool store_key_made;

	atomic_long active; /* requests begun and not yet answered (socket only) */

	/* Connections and where each is, for the reaper (server.c). */
	pthread_mutex_t conns_lock;
	struct conn_track *conns;
	pthread_t reaper;
	bool reaper_running;
	atomic_bool stopping;
	struct limiter limiter;
	struct metrics metrics;
	int64_t started_at_us;
};

struct generation *server_policy_acquire(struct pd_http_server *srv);
void server_policy_release(struct generation *g);
/* This thread's store connection, opened on first use. */
int server_store(struct pd_http_server *srv, struct pd_store **out, struct pd_error *err);
int64_t server_now_us(void);

/* ---- one request ------------------------------------------------------------ */

#define ROUTE_PARAMS 3

struct route;

struct hreq {
	struct pd_http_server *srv;
	const struct pd_http_request *req;
	struct pd_http_response *resp;
	const struct route *route;
	struct generation *gen; /* the policy this request runs on */
	const char *params[ROUTE_PARAMS];
	char param_buf[512]; /* decoded path parameters */
	bool authed;
	bool via_cookie;
	const char *token; /* the session token as presented (arena) */
	size_t token_len;
	struct pd_session session;
	struct pd_arena arena;
	bool pretty;
};

/* Who may call a route. */
enum route_auth {
	AUTH_PUBLIC,  /* anyone */
	AUTH_SESSION, /* a logged-in user; route->cap, when set, is asked of the library */
};

/* What body a route takes. */
enum route_body {
	BODY_NONE,     /* a body is refused (400) */
	BODY_OPTIONAL, /* JSON, or nothing */
	BODY_JSON,     /* JSON, required */
};

/* How a 400 on this route's body is called: a case ("invalid_case") or
 * anything else ("invalid_request"). */
enum route_input {
	INPUT_REQUEST,
	INPUT_CASE,
};

typedef int (*route_fn)(struct hreq *r, struct pd_error *err);

struct route {
	const char *method;
	const char *pattern; /* "/api/v1/cases/{ref}/actions/{action}" */
	route_fn handler;
	enum route_auth auth;
	int cap; /* enum pd_cap, or -1: none beyond the session */
	enum route_body body;
	enum route_input input;
	const char *query; /* the query parameters it takes, space-separated
	                      ("pretty" is taken everywhere); others are a 400 */
};

extern const struct route http_routes[];
extern const size_t http_n_routes;

/* ---- helpers for handlers --------------------------------------------------- */

/* A query argument, percent-decoded (arena), or NULL when absent. */
const char *hreq_arg(struct hreq *r, const char *name);
/* A request header (case-insensitive name), or NULL. */
const char *hreq_header(const struct hreq *r, const char *name);
/* This thread's store. */
int hreq_store(struct hreq *r, struct pd_store **out, struct pd_error *err);
/* Sets status and content type; the body is r->resp->body. */
void hreq_json(struct hreq *r, int status);
int hreq_add_header(struct hreq *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The session of the request, when it presents one (Authorization: Bearer,
 * or the pd_session cookie).  0 with r->authed false when it presents none;
 * -PD_EAUTH for a token that is not (or no longer) a session. */
int auth_identify(struct hreq *r, struct pd_error *err);
/* A cookie-authenticated request that changes something must come from the
 * server's own origin: -PD_EFORBIDDEN otherwise. */
int auth_csrf_check(const struct hreq *r, struct pd_error *err);

/* The embedded documents served as they are. */
extern const char pd_http_openapi_json[];
extern const size_t pd_http_openapi_json_len;
extern const char pd_http_case_schema_json[];
extern const size_t pd_http_case_schema_json_len;
extern const char pd_http_result_schema_json[];
extern const size_t pd_http_result_schema_json_len;

/* GET /metrics */
int metrics_write(struct pd_http_server *srv, struct pd_buf *out, struct pd_error *err);

#endif
