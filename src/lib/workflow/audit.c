/*
 * audit.c: the audit trail as a hash chain.
 *
 * Every entry's hash is BLAKE2b-256 (RFC 7693; libsodium crypto_generichash)
 * over a domain tag, each field of the entry and the previous entry's hash.
 * Each field is written as a 4-byte big-endian length followed by its bytes
 * (a NULL field as the length 0xFFFFFFFF and no bytes), so no two different
 * entries encode alike.  Numbers are written in decimal and dates as
 * YYYY-MM-DD, exactly as a reader of the table sees them.
 *
 * The chain makes any change evident: a changed entry no longer matches its
 * hash; a deleted one leaves a gap and breaks the link of the next; an
 * inserted one does not link, or, appended at the end, does not match the
 * head the store keeps beside the trail.  Someone able to rewrite the whole
 * tail and the head alike is not detected by the chain alone: keep the head
 * hash that `audit verify` prints somewhere else as well.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define AUDIT_DOMAIN "permitdesk audit entry v1"

const struct pd_actor wf_operator = {"operator", PD_ROLE_ADMIN};

/* Zero except in unit tests, which move time to see sessions end
 * (wf_clock_shift_us); atomic because a server's threads all read it. */
static _Atomic int64_t clock_shift_us;

int64_t wf_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 + clock_shift_us;
}

void wf_clock_shift_us(int64_t us)
{
	clock_shift_us += us;
}

int wf_sodium(struct pd_error *err)
{
	if (sodium_init() < 0)
		return pd_error_set(err, PD_EINTERNAL, "libsodium could not start");
	return 0;
}

static void put_field(crypto_generichash_state *st, const char *s, size_t len, bool null)
{
	unsigned char n[4];
	uint32_t v = null ? 0xffffffffu : (uint32_t)len;
	n[0] = (unsigned char)(v >> 24);
	n[1] = (unsigned char)(v >> 16);
	n[2] = (unsigned char)(v >> 8);
	n[3] = (unsigned char)v;
	crypto_generichash_update(st, n, 4);
	if (!null && len)
		crypto_generichash_update(st, (const unsigned char *)s, len);
}

static void put_str(crypto_generichash_state *st, const char *s)
{
	put_field(st, s, s ? strlen(s) : 0, s == NULL);
}

static void put_int(crypto_generichash_state *st, long long v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", v);
	put_field(st, buf, (size_t)n, false);
}

static void put_date(crypto_generichash_state *st, pd_date d)
{
	char buf[11];
	if (d == PD_DATE_NONE) {
		put_field(st, NULL, 0, true);
		return;
	}
	pd_date_format(d, buf);
	put_field(st, buf, 10, false);
}

void pd_audit_hash(const struct pd_store_audit *e, char out[PD_STORE_HASH_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	put_str(&st, AUDIT_DOMAIN);
	put_int(&st, e->seq);
	put_str(&st, e->case_id);
	put_str(&st, e->action);
	put_str(&st, e->actor);
	put_str(&st, e->role);
	put_date(&st, e->at);
	put_int(&st, e->recorded_at);
	put_str(&st, e->from_state);
	put_str(&st, e->to_state);
	put_str(&st, e->note);
	put_str(&st, e->data);
	put_str(&st, e->prev_hash);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(out, PD_STORE_HASH_HEX, h, sizeof(h));
}

int wf_audit_append(struct pd_store *store, const struct wf_entry *entry, int64_t *seq,
                    struct pd_error *err)
{
	struct pd_store_audit e = {
	    .case_id = entry->case_id,
	    .action = entry->action,
	    .actor = entry->actor->name,
	    .role = pd_role_name(entry->actor->role),
	    .at = entry->at,
	    .recorded_at = wf_now_us(),
	    .from_state = entry->from_state,
	    .to_state = entry->to_state,
	    .note = entry->note,
	    .data = entry->data,
	};
	int64_t head = 0;
	int rc = pd_store_audit_head(store, &head, e.prev_hash, err);
	if (rc)
		return rc;
	e.seq = head + 1;
	pd_audit_hash(&e, e.hash);
	if ((rc = pd_store_audit_append(store, &e, err)))
		return rc;
	if (seq)
		*seq = e.seq;
	return 0;
}

/* ---- verification ---- */

struct walk {
	struct pd_audit_report *r;
	int64_t expect;               /* next sequence number */
	char prev[PD_STORE_HASH_HEX]; /* hash of the entry before */
	char last_state[64];          /* to_state of the last entry of a case */
	bool found;
};

static int bad(struct pd_audit_report *r, int64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct pd_audit_report *r, int64_t seq, const char *fmt, ...)
{
	va_list ap;
	r->ok = false;
	r->first_bad = seq;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	return 1; /* stops the walk */
}

static int check_entry(void *ctx, const struct pd_store_audit *e)
{
	struct walk *w = ctx;
	char h[PD_STORE_HASH_HEX];
	w->r->entries++;
	if (e->seq > w->expect)
		return bad(w->r, w->expect,
		           "entry %lld is missing (the trail goes from %lld to %lld)",
		           (long long)w->expect, (long long)w->expect - 1, (long long)e->seq);
	if (e->seq < w->expect)
		return bad(w->r, e->seq, "entry %lld is out of sequence", (long long)e->seq);
	if (strcmp(e->prev_hash, w->prev) != 0)
		return bad(w->r, e->seq,
		           "entry %lld does not follow entry %lld (previous hash differs)",
		           (long long)e->seq, (long long)e->seq - 1);
	pd_audit_hash(e, h);
	if (strcmp(h, e->hash) != 0)
		return bad(w->r, e->seq,
		           "entry %lld was changed (its hash does not match its contents)",
		           (long long)e->seq);
	memcpy(w->prev, e->hash, sizeof(w->prev));
	w->expect++;
	return 0;
}

static int last_of_case(void *ctx, const struct pd_store_audit *e)
{
	struct walk *w = ctx;
	snprintf(w->last_state, sizeof(w->last_state), "%s", e->to_state ? e->to_state : "");
	w->expect = e->seq;
	w->found = true;
	return 0;
}

struct case_walk {
	struct pd_store *store;
	struct walk *w;
	struct pd_error *err;
};

static int check_case(void *ctx, const struct pd_store_case *c)
{
	struct case_walk *cw = ctx;
	struct walk *w = cw->w;
	w->found = false;
	int rc = pd_store_audit_list(cw->store, c->id, last_of_case, w, cw->err);
	if (rc)
		return rc;
	if (!w->found)
		return bad(w->r, 0, "case %s has no audit entry", c->number);
	if (strcmp(w->last_state, c->state) != 0)
		return bad(w->r, w->expect,
		           "case %s is '%s' but its last audit entry (%lld) leaves it '%s'",
		           c->number, c->state, (long long)w->expect, w->last_state);
	return 0;
}

int pd_audit_verify(struct pd_store *store, struct pd_audit_report *r, struct pd_error *err)
{
	struct walk w = {.r = r, .expect = 1};
	int64_t head_seq = 0;
	char head_hash[PD_STORE_HASH_HEX];
	int rc;

	memset(r, 0, sizeof(*r));
	r->ok = true;
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)))
		return rc;
	if ((rc = pd_store_audit_head(store, &head_seq, head_hash, err)))
		goto cleanup;
	rc = pd_store_audit_list(store, NULL, check_entry, &w, err);
	if (rc < 0)
		goto cleanup;
	rc = 0;
	if (r->ok) {
		int64_t last = w.expect - 1;
		snprintf(r->head, sizeof(r->head), "%s", w.prev);
		if (head_seq < last)
			bad(r, head_seq + 1,
			    "entry %lld is not in the chain (the recorded head is entry %lld)",
			    (long long)(head_seq + 1), (long long)head_seq);
		else if (head_seq > last)
			bad(r, last + 1, "entry %lld is missing (the recorded head is entry %lld)",
			    (long long)(last + 1), (long long)head_seq);
		else if (strcmp(head_hash, w.prev) != 0)
			bad(r, last, "entry %lld does not match the recorded head",
			    (long long)last);
	}
	if (r->ok) {
		struct case_walk cw = {store, &w, err};
		rc = pd_store_case_list(store, NULL, check_case, &cw, err);
		if (rc > 0)
			rc = 0;
	}
cleanup:
	pd_store_rollback(store);
	return rc;
}

int pd_audit_report_json(const struct pd_audit_report *r, struct pd_buf *out)
{
	struct pd_jw w;
	pd_jw_init(&w, out, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "ok");
	pd_jw_bool(&w, r->ok);
	pd_jw_key(&w, "entries");
	pd_jw_int(&w, r->entries);
	pd_jw_key(&w, "head");
	if (r->ok)
		pd_jw_string(&w, r->head);
	else
		pd_jw_null(&w);
	pd_jw_key(&w, "first_bad");
	if (r->ok) {
		pd_jw_null(&w);
	} else {
		pd_jw_object_begin(&w);
		pd_jw_key(&w, "seq");
		pd_jw_int(&w, r->first_bad);
		pd_jw_key(&w, "reason");
		pd_jw_string(&w, r->reason);
		pd_jw_object_end(&w);
	}
	pd_jw_object_end(&w);
	return out->failed ? PD_FAIL(PD_ENOMEM) : 0;
}
