/*
 * server.c: the HTTP server's life (start, reload, stop) and its glue to
 * libmicrohttpd.
 *
 * libmicrohttpd runs `threads` threads, each with its own epoll loop
 * (MHD_USE_EPOLL_INTERNAL_THREAD with a thread pool), and calls on_request()
 * several times per request: once when the headers are in, once per piece of
 * body, and once more when the body is complete.  The body is gathered here,
 * counted against the cap as it arrives (a body over the cap is read and
 * dropped, then answered 413 at its end, so that a client still sending sees
 * the answer; a declared length over DRAIN_MAX is answered 413 at once).  The
 * complete request then goes through pd_http_handle() (dispatch.c), the same
 * path the tests drive without a socket.
 *
 * libmicrohttpd's own timeout counts from the last byte received, so a client
 * that trickles a byte a second is never idle.  The reaper, a thread of this
 * file, bounds each phase of a connection from its start instead: waiting for
 * a request (idle_timeout_s since the connection opened or its last answer),
 * and reading one (request_timeout_s from its request line until it is
 * dispatched; a body piece arriving after that also closes the connection).
 * A connection past its bound is shut down (shutdown(2), never close: the
 * descriptor stays libmicrohttpd's), which libmicrohttpd sees as the client
 * leaving.  A request being answered is never cut.
 *
 * The policy in force is a reference-counted generation: each request takes
 * a reference for its whole life, a reload swaps the pointer under a mutex
 * and the old generation is freed by whoever drops the last reference.  A
 * store connection is opened per thread on first use (pthread key) and
 * closed when the thread ends.
 *
 * Stopping: MHD_quiesce_daemon() stops accepting, the requests in flight
 * (counted from their first line to the end of their response) are waited
 * for, then the threads stop.  Every write a request made was committed
 * before its response was queued, so nothing acknowledged is lost.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_int.h"
#include "permitdesk/paper.h"

#define MAX_REQUEST_HEADERS 64
/* A declared body over the cap but under this is read and dropped before the
 * 413 (so the client, still sending, receives it); a larger one is answered at
 * once and the connection closed. */
#define DRAIN_MAX ((unsigned long long)64 << 20)

int64_t server_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the policy in force ---- */

struct generation *server_policy_acquire(struct pd_http_server *srv)
{
	pthread_mutex_lock(&srv->gen_lock);
	struct generation *g = srv->gen;
	atomic_fetch_add(&g->refs, 1);
	pthread_mutex_unlock(&srv->gen_lock);
	return g;
}

void server_policy_release(struct generation *g)
{
	if (g && atomic_fetch_sub(&g->refs, 1) == 1) {
		pd_policy_free(g->pol);
		free(g);
	}
}

static int load_generation(const char *dir, struct generation **out, struct pd_error *err)
{
	int64_t t0 = mono_us();
	struct generation *g = calloc(1, sizeof(*g));
	if (!g)
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	int rc = pd_policy_load(dir, &g->pol, NULL, err);
	if (rc) {
		free(g);
		return rc;
	}
	atomic_init(&g->refs, 1);
	g->loaded_at_us = server_now_us();
	g->load_seconds = (double)(mono_us() - t0) / 1e6;
	*out = g;
	return 0;
}

int pd_http_reload(struct pd_http_server *srv, struct pd_error *err)
{
	struct generation *g;
	pthread_mutex_lock(&srv->reload_lock);
	int rc = load_generation(srv->policy_dir, &g, err);
	if (rc == 0) {
		pthread_mutex_lock(&srv->gen_lock);
		struct generation *old = srv->gen;
		srv->gen = g;
		pthread_mutex_unlock(&srv->gen_lock);
		server_policy_release(old);
	}
	pthread_mutex_unlock(&srv->reload_lock);
	return rc;
}

/* ---- a store connection per thread ---- */

static void close_store(void *p)
{
	pd_store_close(p);
}

int server_store(struct pd_http_server *srv, struct pd_store **out, struct pd_error *err)
{
	struct pd_store *s = pthread_getspecific(srv->store_key);
	if (!s) {
		int rc = pd_store_open(srv->db, PD_STORE_CREATE, &s, err);
		if (rc)
			return rc;
		if (pthread_setspecific(srv->store_key, s) != 0) {
			pd_store_close(s);
			return pd_error_set(err, PD_ENOMEM, "out of memory");
		}
	}
	*out = s;
	return 0;
}

/* ---- connection phases and the reaper ---- */

struct conn_track {
	MHD_socket fd;
	int64_t since_us;   /* monotonic: connection opened, or its last answer ended */
	int64_t request_us; /* monotonic: the current request's line arrived */
	bool in_request;    /* a request line has arrived and its answer has not ended */
	bool dispatched;    /* the request is complete and being answered */
	bool shut;
	struct conn_track *prev, *next;
};

static struct conn_track *track_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct pd_http_server *srv = cls;
	struct conn_track *t = *socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
		    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		t = ci ? calloc(1, sizeof(*t)) : NULL;
		if (t) {
			t->fd = ci->connect_fd;
			t->since_us = mono_us();
			pthread_mutex_lock(&srv->conns_lock);
			t->next = srv->conns;
			if (srv->conns)
				srv->conns->prev = t;
			srv->conns = t;
			pthread_mutex_unlock(&srv->conns_lock);
		}
		*socket_context = t;
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&srv->conns_lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		srv->conns = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&srv->conns_lock);
	free(t);
	*socket_context = NULL;
}

enum phase { PHASE_REQUEST_LINE, PHASE_DISPATCHED, PHASE_ANSWERED };

static void track_phase(struct pd_http_server *srv, struct MHD_Connection *c, enum phase phase)
{
	struct conn_track *t = track_of(c);
	if (!t)
		return;
	pthread_mutex_lock(&srv->conns_lock);
	int64_t now = mono_us();
	switch (phase) {
	case PHASE_REQUEST_LINE:
		t->in_request = true;
		t->dispatched = false;
		t->request_us = now;
		break;
	case PHASE_DISPATCHED:
		t->dispatched = true;
		break;
	case PHASE_ANSWERED:
		t->in_request = false;
		t->dispatched = false;
		t->since_us = now;
		break;
	}
	pthread_mutex_unlock(&srv->conns_lock);
}

static void *reaper(void *arg)
{
	struct pd_http_server *srv = arg;
	int64_t idle = (int64_t)srv->cfg.idle_timeout_s * 1000000;
	int64_t request = (int64_t)srv->cfg.request_timeout_s * 1000000;
	while (!atomic_load(&srv->stopping)) {
		struct timespec ts = {0, 200 * 1000000};
		nanosleep(&ts, NULL);
		int64_t now = mono_us();
		pthread_mutex_lock(&srv->conns_lock);
		for (struct conn_track *t = srv->conns; t; t = t->next) {
			bool late = t->in_request ? !t->dispatched && now - t->request_us > request
			                          : now - t->since_us > idle;
			if (late && !t->shut) {
				shutdown(t->fd, SHUT_RDWR);
				t->shut = true;
			}
		}
		pthread_mutex_unlock(&srv->conns_lock);
	}
	return NULL;
}

/* ---- libmicrohttpd glue ---- */

struct conn_req {
	struct pd_http_server *srv;
	char *uri; /* as sent: path and query */
	struct pd_buf body;
	bool started, too_big;
	int64_t started_us; /* monotonic */
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct pd_http_server *srv = cls;
	struct conn_req *cr = calloc(1, sizeof(*cr));
	if (!cr)
		return NULL;
	cr->srv = srv;
	cr->uri = strdup(uri ? uri : "/");
	pd_buf_init(&cr->body, srv->cfg.body_max + 1); /* the cap counts a NUL */
	cr->started_us = mono_us();
	track_phase(srv, c, PHASE_REQUEST_LINE);
	return cr;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct pd_http_server *srv = cls;
	struct conn_req *cr = *req_cls;
	if (!cr)
		return;
	if (cr->started)
		atomic_fetch_sub(&srv->active, 1);
	track_phase(srv, c, PHASE_ANSWERED);
	pd_buf_free(&cr->body);
	free(cr->uri);
	free(cr);
	*req_cls = NULL;
}

struct header_list {
	struct pd_http_header items[MAX_REQUEST_HEADERS];
	size_t n;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
	struct header_list *h = cls;
	if (h->n < MAX_REQUEST_HEADERS)
		h->items[h->n++] = (struct pd_http_header){key, value ? value : ""};
	return MHD_YES;
}

static enum MHD_Result respond(struct MHD_Connection *c, struct conn_req *cr, const char *method,
                               size_t body_len, const char *body)
{
	struct pd_http_server *srv = cr->srv;
	struct header_list headers = {.n = 0};
	char client[INET6_ADDRSTRLEN] = "";
	char *query = strchr(cr->uri, '?');
	if (query)
		*query++ = '\0';

	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &headers);
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			          &((const struct sockaddr_in *)(const void *)sa)->sin_addr, client,
			          sizeof(client));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			          client, sizeof(client));
	}

	struct pd_http_request req = {
	    .method = method,
	    .path = cr->uri,
	    .query = query,
	    .headers = headers.items,
	    .n_headers = headers.n,
	    .body = body,
	    .body_len = body_len,
	    .client = client,
	};
	struct pd_http_response resp;
	track_phase(srv, c, PHASE_DISPATCHED);
	pd_http_response_init(&resp);
	pd_http_handle(srv, &req, &resp);

	/* The body is handed over, not copied: libmicrohttpd frees it. */
	struct MHD_Response *r;
	if (resp.body.data) {
		r = MHD_create_response_from_buffer_with_free_callback(resp.body.len,
		                                                       resp.body.data, free);
		if (r)
			resp.body.data = NULL;
	} else {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	enum MHD_Result ok = MHD_NO;
	if (r) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp.content_type);
		MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
		if (strncmp(req.path, "/api/", 5) == 0)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		for (size_t i = 0; i < resp.n_headers; i++)
			MHD_add_response_header(r, resp.headers[i].name, resp.headers[i].value);
		ok = MHD_queue_response(c, (unsigned)resp.status, r);
		MHD_destroy_response(r);
	}
	pd_http_response_free(&resp);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
	struct pd_http_server *srv = cls;
	struct conn_req *cr = *req_cls;
	if (!cr)
		return MHD_NO; /* out of memory in on_uri */

	if (!cr->started) {
		cr->started = true;
		atomic_fetch_add(&srv->active, 1);
		const char *cl =
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno || *end || n > DRAIN_MAX)
				/* Answer now; the body is never read. */
				return respond(c, cr, method, srv->cfg.body_max + 1, NULL);
			if (n > srv->cfg.body_max) {
				/* Read and drop the body, then answer 413: a client still
				 * sending when the connection closes would lose the answer. */
				cr->too_big = true;
				pd_buf_free(&cr->body);
			}
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (mono_us() - cr->started_us > (int64_t)srv->cfg.request_timeout_s * 1000000)
			return MHD_NO; /* too slow: close the connection */
		if (!cr->too_big && pd_buf_append(&cr->body, upload_data, *upload_data_size)) {
			cr->too_big = true;
			pd_buf_free(&cr->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cr->too_big)
		return respond(c, cr, method, srv->cfg.body_max + 1, NULL);
	return respond(c, cr, method, cr->body.len, cr->body.data);
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6,
                        struct pd_error *err)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host))
		return pd_error_set(err, PD_EUSAGE, "--listen is ADDR:PORT, not '%s'", listen);
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 0 || port > 65535)
		return pd_error_set(err, PD_EUSAGE, "--listen: bad port in '%s'", listen);
	memset(ss, 0, sizeof(*ss));
	size_t hl = strlen(host);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return pd_error_set(err, PD_EUSAGE, "--listen: bad address in '%s'",
			                    listen);
		*v6 = true;
		return 0;
	}
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	struct sockaddr_in *a = (struct sockaddr_in *)(void *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return pd_error_set(err, PD_EUSAGE,
		                    "--listen: '%s' is not an IPv4 address or [IPv6] address",
		                    host);
	*v6 = false;
	return 0;
}

static void defaults(struct pd_http_config *c)
{
	if (c->threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		c->threads = n > 0 ? (int)(n > 64 ? 64 : n) : 2;
	}
	if (!c->body_max)
		c->body_max = PD_HTTP_BODY_MAX;
	if (!c->connection_max)
		c->connection_max = 1024;
	if (!c->per_ip_max)
		c->per_ip_max = 256;
	if (!c->idle_timeout_s)
		c->idle_timeout_s = 30;
	if (!c->request_timeout_s)
		c->request_timeout_s = 30;
	if (!c->login_user_max)
		c->login_user_max = 5;
	if (!c->login_addr_max)
		c->login_addr_max = 20;
	if (!c->login_window_s)
		c->login_window_s = 900;
	if (!c->progress_max)
		c->progress_max = 30;
	if (!c->progress_window_s)
		c->progress_window_s = 600;
}

int pd_http_start(const struct pd_http_config *cfg, struct pd_http_server **out,
                  struct pd_error *err)
{
	struct pd_http_server *srv = calloc(1, sizeof(*srv));
	struct pd_store *store;
	int rc;

	*out = NULL;
	if (!srv)
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	srv->cfg = *cfg;
	defaults(&srv->cfg);
	srv->db = strdup(cfg->db ? cfg->db : "permitdesk.db");
	srv->public_url = cfg->public_url ? strdup(cfg->public_url) : NULL;
	srv->cfg.public_url = srv->public_url;
	srv->policy_dir = strdup(cfg->policy_dir ? cfg->policy_dir : pd_policy_default_dir());
	srv->started_at_us = server_now_us();
	pthread_mutex_init(&srv->gen_lock, NULL);
	pthread_mutex_init(&srv->reload_lock, NULL);
	pthread_mutex_init(&srv->limiter.lock, NULL);
	pthread_mutex_init(&srv->conns_lock, NULL);
	if (!srv->db || !srv->policy_dir || (cfg->public_url && !srv->public_url) ||
	    metrics_init(&srv->metrics, http_n_routes) ||
	    pthread_key_create(&srv->store_key, close_store) != 0) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto fail;
	}
	srv->store_key_made = true;
	if ((rc = load_generation(srv->policy_dir, &srv->gen, err)))
		goto fail;
	/* Open (create, migrate) the store now, so that a bad database stops the
	 * start rather than the first request. */
	if ((rc = server_store(srv, &store, err)))
		goto fail;

	if (cfg->listen) {
		struct sockaddr_storage ss;
		bool v6 = false;
		if ((rc = parse_listen(cfg->listen, &ss, &v6, err)))
			goto fail;
		unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC;
		if (v6)
			flags |= MHD_USE_IPv6;
		srv->daemon = MHD_start_daemon(
		    flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &ss,
		    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->cfg.threads,
		    MHD_OPTION_CONNECTION_LIMIT, srv->cfg.connection_max,
		    MHD_OPTION_PER_IP_CONNECTION_LIMIT, srv->cfg.per_ip_max,
		    MHD_OPTION_CONNECTION_TIMEOUT, srv->cfg.idle_timeout_s,
		    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_URI_LOG_CALLBACK,
		    on_uri, srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024, MHD_OPTION_END);
		if (!srv->daemon) {
			rc = pd_error_set(err, PD_ECONFIG, "cannot listen on %s: %s", cfg->listen,
			                  strerror(errno ? errno : EADDRINUSE));
			goto fail;
		}
		const union MHD_DaemonInfo *di =
		    MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
		srv->port = di ? di->port : 0;
		if (pthread_create(&srv->reaper, NULL, reaper, srv) != 0) {
			rc = pd_error_set(err, PD_ENOMEM, "cannot start a thread");
			goto fail;
		}
		srv->reaper_running = true;
	}
	*out = srv;
	return 0;
fail:
	pd_http_stop(srv, 0);
	return rc;
}

unsigned pd_http_port(const struct pd_http_server *srv)
{
	return srv ? srv->port : 0;
}

void pd_http_stop(struct pd_http_server *srv, unsigned grace_s)
{
	if (!srv)
		return;
	if (srv->daemon) {
		MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
		int64_t until = mono_us() + (int64_t)grace_s * 1000000;
		while (atomic_load(&srv->active) > 0 && mono_us() < until) {
			struct timespec ts = {0, 10 * 1000000};
			nanosleep(&ts, NULL);
		}
		atomic_store(&srv->stopping, true);
		if (srv->reaper_running)
			pthread_join(srv->reaper, NULL);
		MHD_stop_daemon(srv->daemon);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	if (srv->store_key_made) {
		close_store(pthread_getspecific(srv->store_key));
		pthread_setspecific(srv->store_key, NULL);
		pthread_key_delete(srv->store_key);
	}
	server_policy_release(srv->gen);
	metrics_free(&srv->metrics);
	/* Every thread that made papers has stopped: drop the font caches. */
	pd_paper_cleanup();
	pthread_mutex_destroy(&srv->gen_lock);
	pthread_mutex_destroy(&srv->reload_lock);
	pthread_mutex_destroy(&srv->limiter.lock);
	pthread_mutex_destroy(&srv->conns_lock);
	free(srv->db);
	free(srv->policy_dir);
	free(srv->public_url);
	free(srv);
}
