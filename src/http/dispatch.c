/*
 * dispatch.c: one request through the route table (routes.c).
 *
 * Every check that is not a handler's own business happens here, once, in
 * this order, before any handler runs (Redis's processCommand()):
 *   1. the path matches a row's pattern, else 404; the method matches one of
 *      the rows with that pattern, else 405 with Allow;
 *   2. the body: too large (413), present where the route takes none (400),
 *      not application/json (415), missing where the route needs one (400);
 *   3. the session, where the route needs one: none or a dead token (401);
 *      a cookie without the server's own origin on a change (403); a role
 *      without the route's capability, asked of the library (403).
 * Then the handler runs; an error it returns is written as the JSON error
 * object with the status of PD_ERROR_MAP.  One line is logged and the
 * metrics are counted for every request, whatever its outcome.
 */
#include <ctype.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <zlib.h>

#include "http_int.h"

void pd_http_response_init(struct pd_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	pd_buf_init(&resp->body, 64u << 20);
}

void pd_http_response_free(struct pd_http_response *resp)
{
	if (resp)
		pd_buf_free(&resp->body);
}

const char *pd_http_response_header(const struct pd_http_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->n_headers; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

int hreq_add_header(struct hreq *r, const char *name, const char *fmt, ...)
{
	struct pd_http_response *resp = r->resp;
	if (resp->n_headers >= PD_HTTP_MAX_HEADERS)
		return -PD_EINTERNAL;
	va_list ap;
	va_start(ap, fmt);
	snprintf(resp->headers[resp->n_headers].name, sizeof(resp->headers[0].name), "%s", name);
	vsnprintf(resp->headers[resp->n_headers].value, sizeof(resp->headers[0].value), fmt, ap);
	va_end(ap);
	resp->n_headers++;
	return 0;
}

void hreq_json(struct hreq *r, int status)
{
	r->resp->status = status;
	r->resp->content_type = "application/json; charset=utf-8";
}

const char *hreq_header(const struct hreq *r, const char *name)
{
	for (size_t i = 0; i < r->req->n_headers; i++)
		if (r->req->headers[i].name && strcasecmp(r->req->headers[i].name, name) == 0)
			return r->req->headers[i].value;
	return NULL;
}

int hreq_store(struct hreq *r, struct pd_store **out, struct pd_error *err)
{
	return server_store(r->srv, out, err);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decodes s[0..len) into out (room for len + 1); '+' is a space in a
 * query.  Returns the length, or -1 for a bad escape or a NUL byte. */
static long pct_decode(const char *s, size_t len, bool plus, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			out[n++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus) {
			out[n++] = ' ';
		} else {
			out[n++] = c;
		}
	}
	out[n] = '\0';
	return (long)n;
}

const char *hreq_arg(struct hreq *r, const char *name)
{
	const char *q = r->req->query;
	size_t nlen = strlen(name);
	while (q && *q) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);
		const char *eq = memchr(q, '=', len);
		size_t klen = eq ? (size_t)(eq - q) : len;
		if (klen == nlen && memcmp(q, name, nlen) == 0) {
			const char *v = eq ? eq + 1 : q + len;
			size_t vlen = eq ? len - klen - 1 : 0;
			char *out = pd_arena_alloc(&r->arena, vlen + 1);
			if (!out || pct_decode(v, vlen, true, out) < 0)
				return "";
			return out;
		}
		q = amp ? amp + 1 : NULL;
	}
	return NULL;
}

/* Does path match pattern?  {name} matches one non-empty segment, decoded
 * into r->param_buf; {*name} at the end matches the rest of a path outside
 * /api/ (the web desk's files), undecoded. */
static bool match(const char *pattern, const char *path, struct hreq *r)
{
	size_t used = 0;
	int np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (p[0] == '{' && p[1] == '*') {
			size_t rest = strlen(s);
			if (strncmp(path, "/api/", 5) == 0 || rest + 1 > sizeof(r->param_buf))
				return false;
			memcpy(r->param_buf, s, rest + 1);
			r->params[np] = r->param_buf;
			return true;
		}
		if (*p == '{') {
			const char *close = strchr(p, '}');
			const char *slash = strchr(s, '/');
			size_t seg = slash ? (size_t)(slash - s) : strlen(s);
			if (!close || seg == 0 || np >= ROUTE_PARAMS ||
			    used + seg + 1 > sizeof(r->param_buf))
				return false;
			long n = pct_decode(s, seg, false, r->param_buf + used);
			if (n <= 0 || memchr(r->param_buf + used, '/', (size_t)n))
				return false;
			r->params[np++] = r->param_buf + used;
			used += (size_t)n + 1;
			p = close + 1;
			s += seg;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (p[0] == '{' && p[1] == '*' && *s == '\0') { /* "/" for "/{*file}" */
		r->param_buf[0] = '\0';
		r->params[np] = r->param_buf;
		return true;
	}
	return *p == '\0' && *s == '\0';
}

static bool is_json(const char *ct)
{
	static const char want[] = "application/json";
	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	if (strncasecmp(ct, want, sizeof(want) - 1) != 0)
		return false;
	ct += sizeof(want) - 1;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static void write_error(struct hreq *r, struct pd_error *err)
{
	int code = err->code ? err->code : PD_EINTERNAL;
	if (code == PD_EINPUT && r->route && r->route->input == INPUT_REQUEST)
		code = PD_EREQUEST;
	err->code = code;
	err->file[0] = '\0'; /* the request body has no file name worth giving */
	pd_buf_reset(&r->resp->body);
	r->resp->body.failed = false;
	/* Headers the failing step set stay: Allow (405), Retry-After (429). */
	pd_error_write_json(err, &r->resp->body);
	pd_buf_putc(&r->resp->body, '\n');
	hreq_json(r, pd_error_http_status(code));
	/* The store away or busy (503): a client may try again shortly. */
	if (r->resp->status == 503 && !pd_http_response_header(r->resp, "Retry-After"))
		hreq_add_header(r, "Retry-After", "1");
}

static void log_line(struct hreq *r, size_t route, int64_t us)
{
	FILE *f = r->srv->cfg.log;
	if (!f)
		return;
	time_t now = time(NULL);
	struct tm tm;
	char when[32];
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	const char *pattern = route < http_n_routes ? http_routes[route].pattern : "-";
	/* The path, never the query (it may carry a passport number), and never
	 * a token or a password. */
	fprintf(f, "%s %s %s %s %d %.3fms %s %s\n", when, r->req->client ? r->req->client : "-",
	        r->req->method, r->req->path, r->resp->status, (double)us / 1000.0, pattern,
	        r->authed ? r->session.actor.name : "-");
}

static void allow_header(struct hreq *r, const char *path)
{
	char allow[128] = "";
	size_t n = 0;
	for (size_t i = 0; i < http_n_routes; i++) {
		struct hreq probe = {.srv = r->srv}; /* match() only fills its parameters */
		if (!match(http_routes[i].pattern, path, &probe))
			continue;
		if (strstr(allow, http_routes[i].method))
			continue;
		int k = snprintf(allow + n, sizeof(allow) - n, "%s%s", n ? ", " : "",
		                 http_routes[i].method);
		if (k > 0 && (size_t)k < sizeof(allow) - n)
			n += (size_t)k;
	}
	hreq_add_header(r, "Allow", "%s", allow);
}

/* Every query parameter is one the route takes (a typo must not be ignored). */
static int check_query(struct hreq *r, const struct route *rt, struct pd_error *err)
{
	const char *q = r->req->query;
	if (rt->query && strcmp(rt->query, "*") == 0)
		return 0; /* pages read their own parameters in the browser */
	while (q && *q) {
		size_t len = strcspn(q, "&");
		size_t klen = strcspn(q, "=&");
		bool known = klen == 6 && memcmp(q, "pretty", 6) == 0;
		for (const char *w = rt->query; w && *w && !known;) {
			size_t wl = strcspn(w, " ");
			known = wl == klen && memcmp(w, q, klen) == 0;
			w += wl;
			while (*w == ' ')
				w++;
		}
		if (!known && len > 0) {
			pd_error_clear(err);
			snprintf(err->path, sizeof(err->path), "%.*s", (int)(klen < 64 ? klen : 64),
			         q);
			return pd_error_set(err, PD_EREQUEST,
			                    "unknown query parameter; %s takes: %s", rt->pattern,
			                    rt->query && rt->query[0] ? rt->query : "none");
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return 0;
}

static int run(struct hreq *r, size_t *route_index, struct pd_error *err)
{
	const struct pd_http_request *req = r->req;
	bool path_known = false;
	size_t chosen = http_n_routes;

	for (size_t i = 0; i < http_n_routes; i++) {
		if (!match(http_routes[i].pattern, req->path, r))
			continue;
		path_known = true;
		if (strcmp(http_routes[i].method, req->method) == 0 ||
		    (strcmp(req->method, "HEAD") == 0 &&
		     strcmp(http_routes[i].method, "GET") == 0)) {
			chosen = i;
			break;
		}
	}
	if (chosen == http_n_routes) {
		memset(r->params, 0, sizeof(r->params));
		if (!path_known)
			return pd_error_set(err, PD_ENOTFOUND, "no route %s", req->path);
		int rc = pd_error_set(err, PD_EMETHOD, "%s is not allowed on %s", req->method,
		                      req->path);
		allow_header(r, req->path);
		return rc;
	}
	*route_index = chosen;
	const struct route *rt = &http_routes[chosen];
	int rc;
	r->route = rt;

	/* The body. */
	size_t max = r->srv->cfg.body_max;
	if (req->body_len > max)
		return pd_error_set(err, PD_ETOOBIG, "the body is larger than %zu bytes", max);
	if (req->body_len > 0) {
		if (rt->body == BODY_NONE)
			return pd_error_set(err, PD_EREQUEST, "%s %s takes no body", rt->method,
			                    rt->pattern);
		if (!is_json(hreq_header(r, "Content-Type")))
			return pd_error_set(err, PD_EUNSUPPORTED,
			                    "the body must be application/json");
	} else if (rt->body == BODY_JSON) {
		return pd_error_set(err, PD_EINPUT, "a JSON body is required");
	}
	if ((rc = check_query(r, rt, err)))
		return rc;

	/* Who asks. */
	rc = auth_identify(r, err);
	if (rt->auth == AUTH_SESSION) {
		if (rc)
			return rc;
		if (!r->authed)
			return pd_error_set(err, PD_EAUTH, "log in first (POST /api/v1/sessions)");
		if (r->via_cookie && strcmp(req->method, "GET") != 0 &&
		    strcmp(req->method, "HEAD") != 0 && (rc = auth_csrf_check(r, err)))
			return rc;
		if (rt->cap >= 0 && !pd_role_can(r->session.actor.role, (enum pd_cap)rt->cap))
			return pd_error_set(err, PD_EFORBIDDEN, "a %s may not %s %s",
			                    pd_role_name(r->session.actor.role), rt->method,
			                    rt->pattern);
	} else {
		/* A public route answers the same with or without a session. */
		pd_error_clear(err);
	}

	r->pretty = false;
	const char *pretty = hreq_arg(r, "pretty");
	if (pretty) {
		if (strcmp(pretty, "1") == 0 || strcmp(pretty, "true") == 0) {
			r->pretty = true;
		} else if (strcmp(pretty, "0") != 0 && strcmp(pretty, "false") != 0) {
			pd_error_clear(err);
			snprintf(err->path, sizeof(err->path), "pretty");
			return pd_error_set(err, PD_EREQUEST, "expected 1, true, 0 or false");
		}
	}

	r->gen = server_policy_acquire(r->srv);
	rc = rt->handler(r, err);
	if (rc == 0 && r->resp->body.failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory writing the response");
	return rc;
}

/* Does the client take gzip?  (A token "gzip" in Accept-Encoding, not
 * refused with q=0.) */
static bool takes_gzip(const struct hreq *r)
{
	const char *ae = hreq_header(r, "Accept-Encoding");
	for (const char *p = ae; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t len = strcspn(p, ",");
		if (len >= 4 && strncasecmp(p, "gzip", 4) == 0 &&
		    (len == 4 || p[4] == ';' || p[4] == ' ')) {
			const char *q = memchr(p, ';', len);
			return !(q && strstr(q, "q=0") && !strstr(q, "q=0."));
		}
		p += len;
	}
	return false;
}

static bool compressible(const char *type)
{
	return type &&
	       (strncmp(type, "text/", 5) == 0 || strncmp(type, "application/json", 16) == 0 ||
	        strncmp(type, "image/svg+xml", 13) == 0 ||
	        strncmp(type, "application/manifest+json", 25) == 0);
}

/*
 * A text answer of 1 KiB or more goes gzipped to a client that takes gzip
 * (a phone on a slow line gets the pre-check's facts in a fifth of the
 * bytes).  On any failure the answer goes as it is.
 */
static void maybe_gzip(struct hreq *r)
{
	struct pd_http_response *resp = r->resp;
	if (resp->status != 200 || resp->body.len < 1024 || !compressible(resp->content_type))
		return;
	hreq_add_header(r, "Vary", "Accept-Encoding");
	if (!takes_gzip(r))
		return;
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	uLong bound = deflateBound(&zs, (uLong)resp->body.len);
	char *gz = malloc(bound);
	if (gz) {
		zs.next_in = (Bytef *)resp->body.data;
		zs.avail_in = (uInt)resp->body.len;
		zs.next_out = (Bytef *)gz;
		zs.avail_out = (uInt)bound;
		if (deflate(&zs, Z_FINISH) == Z_STREAM_END &&
		    hreq_add_header(r, "Content-Encoding", "gzip") == 0) {
			pd_buf_reset(&resp->body);
			pd_buf_append(&resp->body, gz, zs.total_out);
		}
		free(gz);
	}
	deflateEnd(&zs);
}

void pd_http_handle(struct pd_http_server *srv, const struct pd_http_request *req,
                    struct pd_http_response *resp)
{
	int64_t t0 = server_now_us();
	struct hreq r = {.srv = srv, .req = req, .resp = resp};
	struct pd_error err;
	size_t route = http_n_routes;

	atomic_fetch_add(&srv->metrics.in_flight, 1);
	pd_arena_init(&r.arena, 16384, 256u << 20);
	pd_error_clear(&err);
	resp->status = 0;
	resp->n_headers = 0;
	pd_buf_reset(&resp->body);

	if (run(&r, &route, &err) != 0)
		write_error(&r, &err);
	else
		maybe_gzip(&r);
	if (!resp->content_type)
		resp->content_type = "application/json; charset=utf-8";

	if (r.gen)
		server_policy_release(r.gen);
	int64_t us = server_now_us() - t0;
	metrics_observe(&srv->metrics, route, resp->status, us);
	log_line(&r, route, us);
	pd_arena_free(&r.arena);
	atomic_fetch_sub(&srv->metrics.in_flight, 1);
}
