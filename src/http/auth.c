/*
 * auth.c: who is asking, and the failed-login limiter.
 *
 * A request presents a session token either as "Authorization: Bearer
 * TOKEN" (scripts) or as the pd_session cookie set at login (browsers).  The
 * library decides whether the token is a live session (pd_session_check);
 * this file only finds the token.  A browser sends its cookie with requests
 * that other sites make it send, so a cookie-authenticated request that
 * changes something must show that it comes from the server's own pages:
 * Sec-Fetch-Site: same-origin, or an Origin equal to this server's.  A bearer
 * token is never sent by a browser on its own, so it needs neither.
 *
 * Failed logins are counted per user name and per client address in fixed
 * windows; past the limit the login route answers 429 with Retry-After until
 * the window ends.  The counts live in memory, in a table of fixed size: a
 * flood of distinct names evicts the oldest windows, never grows memory.
 */
#include <string.h>
#include <strings.h>

#include "http_int.h"

static int token_from(struct hreq *r, const char *s, size_t len)
{
	r->token = pd_arena_strndup(&r->arena, s, len);
	r->token_len = len;
	return r->token ? 0 : -PD_ENOMEM;
}

int auth_identify(struct hreq *r, struct pd_error *err)
{
	const char *authz = hreq_header(r, "Authorization");
	r->authed = false;
	r->via_cookie = false;
	r->token = NULL;
	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7) != 0)
			return pd_error_set(err, PD_EAUTH, "Authorization must be 'Bearer TOKEN'");
		const char *t = authz + 7;
		while (*t == ' ')
			t++;
		size_t len = strcspn(t, " ");
		if (len == 0 || token_from(r, t, len))
			return pd_error_set(err, PD_EAUTH, "Authorization must be 'Bearer TOKEN'");
	} else {
		const char *cookie = hreq_header(r, "Cookie");
		for (const char *c = cookie; c && *c;) {
			while (*c == ' ' || *c == ';')
				c++;
			size_t len = strcspn(c, ";");
			if (len > 11 && memcmp(c, "pd_session=", 11) == 0) {
				if (token_from(r, c + 11, len - 11))
					return pd_error_set(err, PD_ENOMEM, "out of memory");
				r->via_cookie = true;
				break;
			}
			c += len;
		}
	}
	if (!r->token)
		return 0;
	struct pd_store *store;
	int rc = hreq_store(r, &store, err);
	if (rc)
		return rc;
	rc = pd_session_check(store, r->token, r->token_len, &r->session, err);
	if (rc == 0)
		r->authed = true;
	return rc;
}

int auth_csrf_check(const struct hreq *r, struct pd_error *err)
{
	const char *site = hreq_header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") == 0)
		return 0;
	const char *origin = hreq_header(r, "Origin");
	const char *host = hreq_header(r, "Host");
	if (origin && host) {
		/* Our origin: our scheme (https only behind TLS, as --secure-cookie
		 * says), our host and port. */
		const char *scheme = r->srv->cfg.secure_cookie ? "https://" : "http://";
		size_t sl = strlen(scheme);
		if (strncasecmp(origin, scheme, sl) == 0 && strcasecmp(origin + sl, host) == 0)
			return 0;
	}
	return pd_error_set(err, PD_EFORBIDDEN,
	                    "a request that changes something with the session cookie must come "
	                    "from this server's own pages (Origin or Sec-Fetch-Site)");
}

/* ---- the limiter ---- */

#define PROBE 8

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The slot of key, or NULL; with `make`, a free, expired or the oldest slot
 * of its probe run, taken for key. */
static struct limiter_slot *find(struct limiter *l, const char *key, bool make, unsigned window_s,
                                 int64_t now_s)
{
	uint32_t h = hash(key);
	struct limiter_slot *dead = NULL, *oldest = NULL;
	for (unsigned i = 0; i < PROBE; i++) {
		struct limiter_slot *s = &l->slots[(h + i) % LIMITER_SLOTS];
		if (strcmp(s->key, key) == 0)
			return s;
		if (s->key[0] == '\0' || s->since + (int64_t)window_s <= now_s) {
			if (!dead)
				dead = s;
		} else if (!oldest || s->since < oldest->since) {
			oldest = s;
		}
	}
	struct limiter_slot *spare = dead ? dead : oldest;
	if (!make)
		return NULL;
	snprintf(spare->key, sizeof(spare->key), "%s", key);
	spare->since = now_s;
	spare->failures = 0;
	return spare;
}

unsigned limiter_wait(struct limiter *l, const char *key, unsigned max, unsigned window_s,
                      int64_t now_s)
{
	unsigned wait = 0;
	pthread_mutex_lock(&l->lock);
	struct limiter_slot *s = find(l, key, false, window_s, now_s);
	if (s && s->since + (int64_t)window_s > now_s && s->failures >= max)
		wait = (unsigned)(s->since + (int64_t)window_s - now_s);
	pthread_mutex_unlock(&l->lock);
	return wait;
}

void limiter_fail(struct limiter *l, const char *key, unsigned window_s, int64_t now_s)
{
	pthread_mutex_lock(&l->lock);
	struct limiter_slot *s = find(l, key, true, window_s, now_s);
	if (s->since + (int64_t)window_s <= now_s) {
		s->since = now_s;
		s->failures = 0;
	}
	s->failures++;
	pthread_mutex_unlock(&l->lock);
}

void limiter_clear(struct limiter *l, const char *key)
{
	pthread_mutex_lock(&l->lock);
	struct limiter_slot *s = find(l, key, false, 0, 0);
	if (s)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&l->lock);
}
