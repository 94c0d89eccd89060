/*
 * cmd_serve.c: `permitdesk serve`, the HTTP API (docs/api.md).
 *
 *   serve [--listen ADDR:PORT] [--db FILE] [--policy DIR] [--threads N]
 *         [--request-timeout S] [--idle-timeout S] [--secure-cookie] [--quiet]
 *
 * Starts the server (http.h), prints "listening on http://ADDR:PORT" on
 * standard output when it answers, and then waits for signals in this thread
 * alone (every other thread has them blocked): SIGHUP reloads the policy
 * (a pack that fails to load is refused, logged with file:line:column, and
 * the old policy keeps serving); SIGTERM and SIGINT stop accepting, let the
 * requests in flight finish, close the store and exit 0.
 *
 * A database that does not exist yet is created, with one user "admin"
 * whose password is made here, printed once on standard error and never
 * stored but as its argon2id hash: the way in for whoever started it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "cli.h"
#include "permitdesk/http.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

#define GRACE_SECONDS 30

struct serve_opts {
	const char *listen, *db, *policy, *public_url;
	long threads, request_timeout, idle_timeout;
	bool secure_cookie, quiet;
};

struct opt_row {
	const char *name;
	size_t field;
	enum { O_STR, O_NUM, O_FLAG } kind;
	long min, max;
};

#define F(x) offsetof(struct serve_opts, x)
static const struct opt_row options[] = {
    {"--listen", F(listen), O_STR, 0, 0},
    {"--db", F(db), O_STR, 0, 0},
    {"--policy", F(policy), O_STR, 0, 0},
    {"--public-url", F(public_url), O_STR, 0, 0},
    {"--threads", F(threads), O_NUM, 1, 64},
    {"--request-timeout", F(request_timeout), O_NUM, 1, 3600},
    {"--idle-timeout", F(idle_timeout), O_NUM, 1, 3600},
    {"--secure-cookie", F(secure_cookie), O_FLAG, 0, 0},
    {"--quiet", F(quiet), O_FLAG, 0, 0},
};
#undef F

static int parse(int argc, char **argv, struct serve_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 1; i < argc; i++) {
		const struct opt_row *row = NULL;
		for (size_t k = 0; k < sizeof(options) / sizeof(options[0]); k++)
			if (strcmp(argv[i], options[k].name) == 0)
				row = &options[k];
		if (!row)
			return cli_usage("serve", "unknown argument '%s'", argv[i]);
		char *field = (char *)o + row->field;
		if (row->kind == O_FLAG) {
			*(bool *)(void *)field = true;
			continue;
		}
		if (i + 1 >= argc)
			return cli_usage("serve", "%s needs a value", row->name);
		const char *v = argv[++i];
		if (row->kind == O_STR) {
			*(const char **)(void *)field = v;
			continue;
		}
		char *end;
		long n = strtol(v, &end, 10);
		if (!*v || *end || n < row->min || n > row->max)
			return cli_usage("serve", "%s is a number from %ld to %ld", row->name,
			                 row->min, row->max);
		*(long *)(void *)field = n;
	}
	if (!o->listen)
		o->listen = "127.0.0.1:8080";
	if (!o->db)
		o->db = getenv("PERMITDESK_DB");
	if (!o->db || !o->db[0])
		o->db = "permitdesk.db";
	if (!o->policy)
		o->policy = pd_policy_default_dir();
	return 0;
}

static int any_user(void *ctx, const struct pd_store_user *u)
{
	(void)ctx;
	(void)u;
	return 1;
}

/* Creates the database (or its tables) when missing, and when it has no user
 * at all, its first admin, printing the password once.  Servers starting
 * together on one PostgreSQL: one adds the admin, the others find it taken. */
static int bootstrap(const char *db, struct pd_error *err)
{
	struct pd_store *store = NULL;
	unsigned char raw[12];
	char password[sizeof(raw) * 2];
	int rc;

	if (sodium_init() < 0)
		return pd_error_set(err, PD_EINTERNAL, "libsodium cannot start");
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(password, sizeof(password), raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if ((rc = pd_store_open(db, PD_STORE_CREATE, &store, err)) == 0 &&
	    (rc = pd_store_user_list(store, any_user, NULL, err)) == 0 &&
	    (rc = pd_user_add(store, NULL, "admin", PD_ROLE_ADMIN, password, strlen(password),
	                      PD_DATE_NONE, err)) == 0)
		fprintf(stderr,
		        "permitdesk: created %s with the user 'admin', password: %s\n"
		        "permitdesk: this password is shown once; change it after logging in\n",
		        db, password);
	pd_store_close(store);
	sodium_memzero(password, sizeof(password));
	return rc == 1 || rc == -PD_ECONFLICT ? 0 : rc;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts o;
	struct pd_error err;
	struct pd_http_server *srv = NULL;
	sigset_t set;
	int rc, sig;

	if ((rc = parse(argc, argv, &o)))
		return rc;
	pd_error_clear(&err);

	/* Signals go to this thread alone: block them before any thread starts. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((rc = bootstrap(o.db, &err)))
		return cli_fail(&err);

	struct pd_http_config cfg = {
	    .listen = o.listen,
	    .db = o.db,
	    .policy_dir = o.policy,
	    .threads = (int)o.threads,
	    .request_timeout_s = (unsigned)o.request_timeout,
	    .idle_timeout_s = (unsigned)o.idle_timeout,
	    .secure_cookie = o.secure_cookie,
	    .public_url = o.public_url,
	    .log = o.quiet ? NULL : stderr,
	};
	if ((rc = pd_http_start(&cfg, &srv, &err)))
		return cli_fail(&err);
	char host[128];
	snprintf(host, sizeof(host), "%s", o.listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	printf("listening on http://%s:%u\n", host, pd_http_port(srv));
	fflush(stdout);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			pd_error_clear(&err);
			if (pd_http_reload(srv, &err) == 0) {
				fprintf(stderr, "permitdesk: policy reloaded from %s\n", o.policy);
			} else {
				char msg[1200];
				pd_error_format(&err, msg, sizeof(msg));
				fprintf(stderr,
				        "permitdesk: policy reload refused, the old policy keeps "
				        "serving: %s\n",
				        msg);
			}
			continue;
		}
		fprintf(stderr, "permitdesk: stopping (signal %d): finishing requests in flight\n",
		        sig);
		break;
	}
	pd_http_stop(srv, GRACE_SECONDS);
	fprintf(stderr, "permitdesk: stopped\n");
	return EXIT_OK;
}
