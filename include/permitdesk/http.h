/*
 * permitdesk/http.h: the HTTP API server (`permitdesk serve`), docs/api.md.
 *
 * The server is a thin front end over libpermitdesk: one table of routes
 * (method, path pattern, handler, who may call it, what body it takes), one
 * dispatcher that checks method, authentication, capability, body size and
 * content type before any handler runs, and handlers that parse, call the
 * library and write what it returns.  No rule and no role decision lives here:
 * roles are asked of the library (pd_role_can, pd_workflow_allowed_actions).
 *
 * Threads.  libmicrohttpd runs an epoll loop on each of `threads` threads;
 * each thread opens its own store connection the first time it needs one.
 * The policy is shared by every thread and replaced whole on reload: a
 * request keeps the policy it started with until it ends.
 *
 * The same dispatcher answers requests that come without a socket
 * (pd_http_handle), which is how the unit tests drive the real route table.
 */
#ifndef PERMITDESK_HTTP_H
#define PERMITDESK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "permitdesk/base.h"

#define PD_HTTP_BODY_MAX ((size_t)1 << 20) /* 1 MiB */

struct pd_http_config {
	const char *listen;         /* "ADDR:PORT" ("127.0.0.1:8080"); port 0 picks a free one */
	const char *db;             /* store location (store.h) */
	const char *policy_dir;     /* NULL: pd_policy_default_dir() */
	int threads;                /* 0: one per core */
	size_t body_max;            /* 0: PD_HTTP_BODY_MAX */
	unsigned connection_max;    /* 0: 1024 */
	unsigned per_ip_max;        /* 0: 256 */
	unsigned idle_timeout_s;    /* a connection with nothing to say; 0: 30 */
	unsigned request_timeout_s; /* from the first byte of a body to its last; 0: 30 */
	unsigned login_user_max;    /* failed logins per user name in a window; 0: 5 */
	unsigned login_addr_max;    /* failed logins per client address in a window; 0: 20 */
	unsigned login_window_s;    /* 0: 900 */
	unsigned progress_max; /* public progress queries per client address in a window; 0: 30 */
	unsigned progress_window_s; /* 0: 600 */
	bool secure_cookie;         /* mark the session cookie Secure (behind TLS) */
	const char *public_url;     /* the address people reach the desk at (QR codes on
	                               receipts); NULL: the request's Host */
	FILE *log;                  /* one line per request; NULL: none */
};

struct pd_http_server;

/*
 * Loads the policy, opens the store once to check it (and to migrate it),
 * and, unless listen is NULL, starts listening.  A server started with
 * listen NULL answers only pd_http_handle() (tests).  The caller frees it
 * with pd_http_stop().
 */
int pd_http_start(const struct pd_http_config *cfg, struct pd_http_server **out,
                  struct pd_error *err);
/* The port the server listens on (useful after "ADDR:0"), 0 when none. */
unsigned pd_http_port(const struct pd_http_server *srv);
/*
 * Loads the policy directory again.  On success new requests see the new
 * packs while requests in flight finish on the old ones; on failure the old
 * policy keeps serving and err says why (file:line:column).
 */
int pd_http_reload(struct pd_http_server *srv, struct pd_error *err);
/*
 * Stops accepting connections, waits up to grace_s seconds for the requests
 * in flight to finish, stops and frees everything.  Accepts NULL.
 */
void pd_http_stop(struct pd_http_server *srv, unsigned grace_s);

/* ---- requests without a socket ------------------------------------------ */

struct pd_http_header {
	const char *name, *value;
};

struct pd_http_request {
	const char *method;
	const char *path;  /* without the query */
	const char *query; /* "a=1&b=2" (percent-encoded) or NULL */
	const struct pd_http_header *headers;
	size_t n_headers;
	const char *body;
	size_t body_len;
	const char *client; /* client address, "127.0.0.1" */
};

#define PD_HTTP_MAX_HEADERS 8

struct pd_http_response {
	int status;
	const char *content_type; /* static string */
	struct pd_buf body;
	struct {
		char name[32];
		char value[256];
	} headers[PD_HTTP_MAX_HEADERS];
	size_t n_headers;
};

void pd_http_response_init(struct pd_http_response *resp);
void pd_http_response_free(struct pd_http_response *resp);
/* The value of a response header, or NULL. */
const char *pd_http_response_header(const struct pd_http_response *resp, const char *name);

/* Answers one request through the route table, exactly as over a socket. */
void pd_http_handle(struct pd_http_server *srv, const struct pd_http_request *req,
                    struct pd_http_response *resp);

#endif
