/*
 * audit.c: the audit trail as a hash chain, keyed, with signed checkpoints.
 *
 * Every entry's hash is BLAKE2b-256 (RFC 7693; libsodium crypto_generichash)
 * over a domain tag, each field of the entry and the previous entry's hash.
 * Each field is written as a 4-byte big-endian length followed by its bytes
 * (a NULL field as the length 0xFFFFFFFF and no bytes), so no two different
 * entries encode alike.  Numbers are written in decimal and dates as
 * YYYY-MM-DD, exactly as a reader of the table sees them.
 *
 * Two schemes.  v1 ("permitdesk audit entry v1") is unkeyed: whoever can
 * write the database can recompute every hash after a change and move the
 * head.  v2 ("permitdesk audit entry v2") keys the hash with a key kept
 * outside the database (audit_key.c): without the key file nobody can make
 * an entry that verifies.  The key file says from which entry on the trail
 * is keyed; entries before it were written before the key existed and keep
 * verifying as v1 (a trail is never rewritten to migrate it).
 *
 * Checkpoints.  pd_audit_checkpoint_json() signs the chain head (entry number
 * and hash) with the Ed25519 key derived from the same secret; kept
 * elsewhere, a checkpoint proves later that the trail still extends it,
 * even against someone who had the key and rewrote the trail after.
 *
 * Verification also compares each case's columns that the trail records
 * (state, creator, dates, receipt, deadlines, assignee, decision, collection
 * and its postal address) with what its entries say, and names the column
 * that differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "codec/json_read.h"
#include "permitdesk/codec.h"
#include "workflow_int.h"

#define AUDIT_DOMAIN "permitdesk audit entry v1"
#define AUDIT_DOMAIN_KEYED "permitdesk audit entry v2"
#define CHECKPOINT_DOMAIN "permitdesk audit checkpoint v1"

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

/* v1 when key is NULL, else v2 keyed with it. */
static void entry_hash(const struct pd_store_audit *e, const unsigned char *key,
                       char out[PD_STORE_HASH_HEX])
{
	crypto_generichash_state st;
	unsigned char h[32];
	crypto_generichash_init(&st, key, key ? 32 : 0, sizeof(h));
	put_str(&st, key ? AUDIT_DOMAIN_KEYED : AUDIT_DOMAIN);
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

void pd_audit_hash(const struct pd_store_audit *e, char out[PD_STORE_HASH_HEX])
{
	entry_hash(e, NULL, out);
}

/* The hash entry e must carry under key k (v1 before k->from or without k). */
static void hash_under(const struct pd_store_audit *e, const struct wf_key *k,
                       char out[PD_STORE_HASH_HEX])
{
	entry_hash(e, k->have && e->seq >= k->from ? k->mac : NULL, out);
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
	struct wf_key k;
	if ((rc = wf_audit_key(store, true, e.seq, &k, err)))
		return rc;
	hash_under(&e, &k, e.hash);
	wf_key_wipe(&k);
	if ((rc = pd_store_audit_append(store, &e, err)))
		return rc;
	if (seq)
		*seq = e.seq;
	return 0;
}

/* ---- verification ---- */

static const char *copy(struct pd_arena *a, const char *s)
{
	return s ? pd_arena_strndup(a, s, strlen(s)) : NULL;
}

/* What stopped the walk at an entry, for naming the column that changed. */
enum bad_kind { BAD_OTHER = 0, BAD_GAP, BAD_PREV, BAD_HASH };

struct walk {
	struct pd_audit_report *r;
	const struct wf_key *key;
	int64_t expect;               /* next sequence number */
	char prev[PD_STORE_HASH_HEX]; /* hash of the entry before */
	int64_t want_seq;             /* a checkpoint's entry, 0 none */
	char want_hash[PD_STORE_HASH_HEX];
	bool want_found;
	enum bad_kind kind;            /* why the walk stopped */
	struct pd_store_audit suspect; /* the entry it stopped at (strings in a) */
	struct pd_arena *a;
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

/* Keeps a copy of the entry the walk stops at. */
static void suspect(struct walk *w, const struct pd_store_audit *e, enum bad_kind kind)
{
	struct pd_store_audit *s = &w->suspect;
	*s = *e;
	s->case_id = copy(w->a, e->case_id);
	s->action = copy(w->a, e->action);
	s->actor = copy(w->a, e->actor);
	s->role = copy(w->a, e->role);
	s->from_state = copy(w->a, e->from_state);
	s->to_state = copy(w->a, e->to_state);
	s->note = copy(w->a, e->note);
	s->data = copy(w->a, e->data);
	w->kind = kind;
}

static int check_entry(void *ctx, const struct pd_store_audit *e)
{
	struct walk *w = ctx;
	char h[PD_STORE_HASH_HEX];
	w->r->entries++;
	if (e->seq > w->expect) {
		suspect(w, e, BAD_GAP);
		return bad(w->r, w->expect,
		           "entry %lld is missing (the trail goes from %lld to %lld)",
		           (long long)w->expect, (long long)w->expect - 1, (long long)e->seq);
	}
	if (e->seq < w->expect)
		return bad(w->r, e->seq, "entry %lld is out of sequence", (long long)e->seq);
	if (strcmp(e->prev_hash, w->prev) != 0) {
		suspect(w, e, BAD_PREV);
		return bad(w->r, e->seq,
		           "entry %lld does not follow entry %lld (previous hash differs: its "
		           "prev_hash column, or entry %lld, was changed)",
		           (long long)e->seq, (long long)e->seq - 1, (long long)e->seq - 1);
	}
	hash_under(e, w->key, h);
	if (strcmp(h, e->hash) != 0) {
		bool keyed = w->key->have && e->seq >= w->key->from;
		char other[PD_STORE_HASH_HEX];
		/* an entry that matches the other scheme was rewritten by someone
		 * without the key (or the key file is not this trail's) */
		entry_hash(e, keyed ? NULL : (w->key->have ? w->key->mac : NULL), other);
		if (keyed && strcmp(other, e->hash) == 0)
			return bad(
			    w->r, e->seq,
			    "entry %lld was changed (its hash does not match its contents): it "
			    "was rehashed without the audit key",
			    (long long)e->seq);
		suspect(w, e, BAD_HASH);
		return bad(
		    w->r, e->seq, "entry %lld was changed (its hash does not match its contents%s)",
		    (long long)e->seq,
		    keyed ? ", or the audit key file is not the one it was written with"
		    : w->key->have
		        ? ""
		        : "; or it was written with an audit key and the key file is missing");
	}
	if (w->want_seq == e->seq) {
		w->want_found = true;
		if (strcmp(w->want_hash, e->hash) != 0)
			return bad(
			    w->r, e->seq,
			    "entry %lld is not the one the checkpoint signed (its hash differs): "
			    "the trail was rewritten after the checkpoint",
			    (long long)e->seq);
	}
	memcpy(w->prev, e->hash, sizeof(w->prev));
	w->expect++;
	return 0;
}

/* What a case's entries say about the columns of its row they record. */
struct case_facts {
	struct pd_arena *a;
	bool found;
	int64_t last_seq;
	const char *last_state; /* to_state of the last entry */
	pd_date last_at;
	const char *created_by;
	pd_date created_on;
	const char *accepted_by;
	pd_date accepted_on;
	const char *receipt;
	const char *decision_by; /* latest from accept or resubmit data */
	const char *assignee;
	pd_date decided_on;
	const char *collect_method;
	const char *collect_address;
	int64_t seq_of[8]; /* entry that said each of the above, by index below */
};
enum { F_CREATED, F_ACCEPTED, F_RECEIPT, F_DECISION_BY, F_ASSIGNEE, F_DECIDED, F_COLLECT };

static int gather(void *ctx, const struct pd_store_audit *e)
{
	struct case_facts *f = ctx;
	const struct pd_json_node *data = NULL;
	f->found = true;
	f->last_seq = e->seq;
	f->last_state = copy(f->a, e->to_state);
	f->last_at = e->at;
	if (e->data)
		pd_json_parse(e->data, strlen(e->data), "data", f->a, &data, NULL);
	if (strcmp(e->action, "create") == 0) {
		f->created_by = copy(f->a, e->actor);
		f->created_on = e->at;
		f->seq_of[F_CREATED] = e->seq;
	} else if (strcmp(e->action, "accept") == 0) {
		f->accepted_by = copy(f->a, e->actor);
		f->accepted_on = e->at;
		f->receipt = pd_json_member_str(data, "receipt");
		f->seq_of[F_ACCEPTED] = f->seq_of[F_RECEIPT] = e->seq;
	} else if (strcmp(e->action, "assign") == 0) {
		f->assignee = pd_json_member_str(data, "to");
		f->seq_of[F_ASSIGNEE] = e->seq;
	} else if (strcmp(e->action, "approve") == 0 || strcmp(e->action, "reject") == 0 ||
	           strcmp(e->action, "revoke") == 0) {
		f->decided_on = e->at;
		f->seq_of[F_DECIDED] = e->seq;
	} else if (strcmp(e->action, "collect") == 0) {
		f->collect_method = pd_json_member_str(data, "method");
		f->collect_address = pd_json_member_str(data, "address");
		f->seq_of[F_COLLECT] = e->seq;
	}
	const char *by = pd_json_member_str(data, "decision_by");
	if (by) {
		f->decision_by = by;
		f->seq_of[F_DECISION_BY] = e->seq;
	}
	return 0;
}

struct case_walk {
	struct pd_store *store;
	struct pd_audit_report *r;
	struct pd_error *err;
};

static bool differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0);
}

static bool date_differs(pd_date col, const char *text)
{
	char d[11];
	if (!text)
		return col != PD_DATE_NONE;
	if (col == PD_DATE_NONE)
		return true;
	pd_date_format(col, d);
	return strcmp(d, text) != 0;
}

/* "case N: its COLUMN is 'x' but audit entry S says 'y'" */
static int column_bad(struct pd_audit_report *r, const char *number, const char *column,
                      const char *is, int64_t seq, const char *says)
{
	snprintf(r->column, sizeof(r->column), "%s", column);
	return bad(r, seq, "case %s: its %s column is '%s' but audit entry %lld says '%s'", number,
	           column, is ? is : "null", (long long)seq, says ? says : "null");
}

static int check_case(void *ctx, const struct pd_store_case *c)
{
	struct case_walk *cw = ctx;
	struct pd_arena a;
	struct case_facts f = {.a = &a};
	char d1[11], d2[11];
	int rc;

	pd_arena_init(&a, 4096, 0);
	rc = pd_store_audit_list(cw->store, c->id, gather, &f, cw->err);
	if (rc)
		goto cleanup;
	if (!f.found) {
		rc = bad(cw->r, 0, "case %s has no audit entry", c->number);
		goto cleanup;
	}
#define DATE_TEXT(d, buf) ((d) == PD_DATE_NONE ? NULL : (pd_date_format((d), (buf)), (buf)))
	if (differ(c->state, f.last_state)) {
		snprintf(cw->r->column, sizeof(cw->r->column), "state");
		rc =
		    bad(cw->r, f.last_seq,
		        "case %s is '%s' but its last audit entry (%lld) leaves it '%s'", c->number,
		        c->state, (long long)f.last_seq, f.last_state ? f.last_state : "");
	} else if (differ(c->created_by, f.created_by))
		rc = column_bad(cw->r, c->number, "created_by", c->created_by, f.seq_of[F_CREATED],
		                f.created_by);
	else if (c->created_on != f.created_on)
		rc = column_bad(cw->r, c->number, "created_on", DATE_TEXT(c->created_on, d1),
		                f.seq_of[F_CREATED], DATE_TEXT(f.created_on, d2));
	else if (c->updated_on != f.last_at)
		rc = column_bad(cw->r, c->number, "updated_on", DATE_TEXT(c->updated_on, d1),
		                f.last_seq, DATE_TEXT(f.last_at, d2));
	else if (f.seq_of[F_ACCEPTED] && c->accepted_on != f.accepted_on)
		rc = column_bad(cw->r, c->number, "accepted_on", DATE_TEXT(c->accepted_on, d1),
		                f.seq_of[F_ACCEPTED], DATE_TEXT(f.accepted_on, d2));
	else if (f.seq_of[F_RECEIPT] && differ(c->receipt_number, f.receipt))
		rc = column_bad(cw->r, c->number, "receipt_number", c->receipt_number,
		                f.seq_of[F_RECEIPT], f.receipt);
	else if (f.seq_of[F_DECISION_BY] && date_differs(c->decision_by, f.decision_by))
		rc = column_bad(cw->r, c->number, "decision_by", DATE_TEXT(c->decision_by, d1),
		                f.seq_of[F_DECISION_BY], f.decision_by);
	else if (f.seq_of[F_ASSIGNEE] && differ(c->assignee, f.assignee))
		rc = column_bad(cw->r, c->number, "assignee", c->assignee, f.seq_of[F_ASSIGNEE],
		                f.assignee);
	else if (f.seq_of[F_DECIDED] && c->decided_on != f.decided_on)
		rc = column_bad(cw->r, c->number, "decided_on", DATE_TEXT(c->decided_on, d1),
		                f.seq_of[F_DECIDED], DATE_TEXT(f.decided_on, d2));
	else if (f.seq_of[F_COLLECT] && differ(c->collect_method, f.collect_method))
		rc = column_bad(cw->r, c->number, "collect_method", c->collect_method,
		                f.seq_of[F_COLLECT], f.collect_method);
	else if (f.seq_of[F_COLLECT] && differ(c->collect_address, f.collect_address))
		rc = column_bad(cw->r, c->number, "collect_address", c->collect_address,
		                f.seq_of[F_COLLECT], f.collect_address);
#undef DATE_TEXT
cleanup:
	pd_arena_free(&a);
	return rc;
}

/* ---- naming the column that changed ----
 *
 * The walk stops at the first bad entry.  A keyed hash cannot be inverted,
 * but the values a column may have held are few: another entry's value in
 * that column (case ids, actions, actors, roles, states), no value, a date
 * near the one it shows, a recorded time off by whole microseconds, seconds,
 * hours or days.  The entry is hashed again with each in turn: when one
 * gives the hash the entry carries, that column was changed, and from what
 * is known for certain.  A changed hash column shows as contents that the
 * next entry (or the recorded head) still follows; a changed seq as an entry
 * that hashes as the missing one; a changed prev_hash as an entry that
 * hashes with the previous entry's hash. */

#define SEEN_SLOTS 4096 /* distinct values kept per column */
#define SEEN_CAP 512    /* distinct note and data values of the case kept */

struct seen {
	const char *v[SEEN_SLOTS]; /* open addressing; NULL empty */
	size_t n;
};

static void seen_add(struct pd_arena *a, struct seen *s, const char *v)
{
	if (!v || s->n >= SEEN_SLOTS / 2)
		return;
	uint32_t h = 2166136261u;
	for (const char *p = v; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (size_t i = h % SEEN_SLOTS;; i = (i + 1) % SEEN_SLOTS) {
		if (!s->v[i]) {
			s->v[i] = copy(a, v);
			s->n += s->v[i] != NULL;
			return;
		}
		if (strcmp(s->v[i], v) == 0)
			return;
	}
}

enum { C_CASE_ID, C_ACTION, C_ACTOR, C_ROLE, C_FROM, C_TO, C_NOTE, C_DATA, C_STRINGS };
static const char *const string_column[C_STRINGS] = {"case_id",    "action",   "actor", "role",
                                                     "from_state", "to_state", "note",  "data"};

static const char **string_field(struct pd_store_audit *e, int c)
{
	switch (c) {
	case C_CASE_ID:
		return &e->case_id;
	case C_ACTION:
		return &e->action;
	case C_ACTOR:
		return &e->actor;
	case C_ROLE:
		return &e->role;
	case C_FROM:
		return &e->from_state;
	case C_TO:
		return &e->to_state;
	case C_NOTE:
		return &e->note;
	default:
		return &e->data;
	}
}

struct survey {
	struct walk *w;
	struct seen *seen; /* C_STRINGS sets */
	bool have_next;
	char next_prev[PD_STORE_HASH_HEX]; /* prev_hash of the entry after the suspect */
	int64_t moved;                     /* BAD_GAP: the entry that hashes as the missing one */
};

static bool hashes_as(const struct walk *w, const struct pd_store_audit *e)
{
	char h[PD_STORE_HASH_HEX];
	hash_under(e, w->key, h);
	return strcmp(h, e->hash) == 0;
}

static int survey_entry(void *ctx, const struct pd_store_audit *e)
{
	struct survey *sv = ctx;
	struct walk *w = sv->w;
	const struct pd_store_audit *s = &w->suspect;
	for (int c = 0; c < C_STRINGS; c++) {
		struct pd_store_audit tmp = *e;
		if ((c != C_NOTE && c != C_DATA) ||
		    (e->case_id && s->case_id && strcmp(e->case_id, s->case_id) == 0 &&
		     sv->seen[c].n < SEEN_CAP))
			seen_add(w->a, &sv->seen[c], *string_field(&tmp, c));
	}
	if (e->seq == s->seq + 1) {
		sv->have_next = true;
		memcpy(sv->next_prev, e->prev_hash, sizeof(sv->next_prev));
	}
	if (w->kind == BAD_GAP && !sv->moved && e->seq != w->expect &&
	    strcmp(e->prev_hash, w->prev) == 0) {
		struct pd_store_audit x = *e;
		x.seq = w->expect;
		if (hashes_as(w, &x))
			sv->moved = e->seq;
	}
	return 0;
}

static int survey_user(void *ctx, const struct pd_store_user *u)
{
	struct survey *sv = ctx;
	seen_add(sv->w->a, &sv->seen[C_ACTOR], u->name);
	return 0;
}

/* Appends ": ..." to the reason and names the column. */
static void vchanged(struct pd_audit_report *r, const char *column, const char *fmt, va_list ap)
{
	size_t n = strlen(r->reason);
	snprintf(r->column, sizeof(r->column), "%s", column);
	if (n < sizeof(r->reason))
		vsnprintf(r->reason + n, sizeof(r->reason) - n, fmt, ap);
}

static void changed(struct pd_audit_report *r, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void changed(struct pd_audit_report *r, const char *column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vchanged(r, column, fmt, ap);
	va_end(ap);
}

/* changed() for an entry whose hash does not match: a column found proves
 * the key right, so the reason says only what changed. */
static void found(struct pd_audit_report *r, int64_t seq, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void found(struct pd_audit_report *r, int64_t seq, const char *column, const char *fmt, ...)
{
	va_list ap;
	snprintf(r->reason, sizeof(r->reason), "entry %lld was changed", (long long)seq);
	va_start(ap, fmt);
	vchanged(r, column, fmt, ap);
	va_end(ap);
}

static const char *shown(const char *v)
{
	return v ? v : "null";
}

/* The recorded time's candidates: off by 1..1000 µs, 1..3600 s, 1..48 h, 1..1000 days. */
static bool recorded_at_was(const struct walk *w, struct pd_store_audit *t, int64_t *was)
{
	static const struct {
		int64_t unit, count;
	} steps[] = {{1, 1000}, {1000000, 3600}, {3600000000, 48}, {86400000000, 1000}};
	int64_t now = t->recorded_at;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		for (int64_t k = 1; k <= steps[i].count; k++)
			for (int sign = -1; sign <= 1; sign += 2) {
				t->recorded_at = now + sign * k * steps[i].unit;
				if (hashes_as(w, t)) {
					*was = t->recorded_at;
					t->recorded_at = now;
					return true;
				}
			}
	t->recorded_at = now;
	return false;
}

static void name_column(const struct walk *w, struct survey *sv, int64_t head_seq,
                        const char *head_hash)
{
	struct pd_audit_report *r = w->r;
	struct pd_store_audit t = w->suspect;
	char h[PD_STORE_HASH_HEX];

	if (w->kind == BAD_GAP) {
		t.seq = w->expect;
		if (strcmp(t.prev_hash, w->prev) == 0 && hashes_as(w, &t))
			changed(r, "seq",
			        ": its seq column was changed (entry %lld hashes as entry %lld)",
			        (long long)w->suspect.seq, (long long)w->expect);
		else if (sv->moved)
			changed(r, "seq",
			        ": its seq column was changed (entry %lld hashes as entry %lld)",
			        (long long)sv->moved, (long long)w->expect);
		return;
	}
	if (w->kind == BAD_PREV) {
		memcpy(t.prev_hash, w->prev, sizeof(t.prev_hash));
		if (hashes_as(w, &t))
			changed(r, "prev_hash", ": its prev_hash column was changed");
		return;
	}
	/* BAD_HASH: the hash column itself, when the contents are what the next
	 * entry (or the head) follows */
	hash_under(&t, w->key, h);
	if ((sv->have_next && strcmp(h, sv->next_prev) == 0) ||
	    (!sv->have_next && t.seq == head_seq && strcmp(h, head_hash) == 0)) {
		found(r, t.seq, "hash",
		      ": its hash column was changed (its contents are the ones the chain "
		      "follows)");
		return;
	}
	for (int c = 0; c < C_STRINGS; c++) {
		const char **f = string_field(&t, c);
		const char *now = *f;
		if (now) { /* the column may have been empty */
			*f = NULL;
			if (hashes_as(w, &t)) {
				found(r, t.seq, string_column[c],
				      ": its %s column was changed from null to '%s'",
				      string_column[c], now);
				return;
			}
		}
		for (size_t i = 0; i < SEEN_SLOTS; i++) {
			const char *v = sv->seen[c].v[i];
			if (!v || (now && strcmp(v, now) == 0))
				continue;
			*f = v;
			if (hashes_as(w, &t)) {
				found(r, t.seq, string_column[c],
				      ": its %s column was changed from '%s' to '%s'",
				      string_column[c], v, shown(now));
				return;
			}
		}
		*f = now;
	}
	pd_date at = t.at;
	for (int k = 0; k <= 2 * 3660; k++) {
		t.at = k == 0 ? PD_DATE_NONE : at + (k % 2 ? 1 : -1) * ((k + 1) / 2);
		if (t.at != at && hashes_as(w, &t)) {
			char was[11] = "null", is[11] = "null";
			if (t.at != PD_DATE_NONE)
				pd_date_format(t.at, was);
			if (at != PD_DATE_NONE)
				pd_date_format(at, is);
			found(r, t.seq, "at", ": its at column was changed from '%s' to '%s'", was,
			      is);
			return;
		}
	}
	t.at = at;
	int64_t was;
	if (recorded_at_was(w, &t, &was)) {
		found(r, t.seq, "recorded_at",
		      ": its recorded_at column was changed from %lld to %lld", (long long)was,
		      (long long)t.recorded_at);
		return;
	}
	changed(r, "",
	        ": no one column's earlier value was found (a note, data or recorded_at "
	        "value no other entry holds, or several columns)");
}

/* After the walk stopped at a bad entry: a second read of the trail to name
 * the column.  0, or negative when the store failed. */
static int diagnose(struct pd_store *store, struct walk *w, int64_t head_seq, const char *head_hash,
                    struct pd_error *err)
{
	struct survey sv = {.w = w};
	sv.seen = pd_arena_alloc(w->a, sizeof(struct seen) * C_STRINGS);
	if (!sv.seen)
		return pd_error_set(err, PD_ENOMEM, "out of memory verifying the audit trail");
	memset(sv.seen, 0, sizeof(struct seen) * C_STRINGS);
	/* the words a column may hold, besides what other entries hold */
	static const char *const other_actions[] = {"create",       "documents",    "config_set",
	                                            "user_add",     "user_disable", "user_enable",
	                                            "user_password"};
	for (size_t i = 0; i < sizeof(other_actions) / sizeof(other_actions[0]); i++)
		seen_add(w->a, &sv.seen[C_ACTION], other_actions[i]);
	for (int i = 0; i < PD_ACTION_COUNT; i++)
		seen_add(w->a, &sv.seen[C_ACTION], pd_action_name((enum pd_action)i));
	for (int i = 0; i < PD_ROLE_COUNT; i++)
		seen_add(w->a, &sv.seen[C_ROLE], pd_role_name((enum pd_role)i));
	for (int i = 0; i < PD_STATE_COUNT; i++) {
		seen_add(w->a, &sv.seen[C_FROM], pd_state_name((enum pd_state)i));
		seen_add(w->a, &sv.seen[C_TO], pd_state_name((enum pd_state)i));
	}
	int rc = pd_store_user_list(store, survey_user, &sv, err);
	if (rc >= 0)
		rc = pd_store_audit_list(store, NULL, survey_entry, &sv, err);
	if (rc < 0)
		return rc;
	name_column(w, &sv, head_seq, head_hash);
	return 0;
}

/* The walk of verify(): sequence, chain, hashes, head, then the cases. */
static int walk_trail(struct pd_store *store, struct walk *w, const char *cp_hash,
                      int64_t *head_seq, char head_hash[PD_STORE_HASH_HEX], struct pd_error *err)
{
	struct pd_audit_report *r = w->r;
	int64_t cp_seq = w->want_seq;
	int rc;

	if (cp_hash)
		snprintf(w->want_hash, sizeof(w->want_hash), "%s", cp_hash);
	if ((rc = pd_store_audit_head(store, head_seq, head_hash, err)))
		return rc;
	rc = pd_store_audit_list(store, NULL, check_entry, w, err);
	if (rc < 0)
		return rc;
	rc = 0;
	if (!r->ok && w->kind != BAD_OTHER)
		return diagnose(store, w, *head_seq, head_hash, err);
	if (r->ok) {
		int64_t last = w->expect - 1;
		snprintf(r->head, sizeof(r->head), "%s", w->prev);
		r->head_seq = last;
		if (*head_seq < last)
			bad(r, *head_seq + 1,
			    "entry %lld is not in the chain (the recorded head is entry %lld)",
			    (long long)(*head_seq + 1), (long long)*head_seq);
		else if (*head_seq > last)
			bad(r, last + 1, "entry %lld is missing (the recorded head is entry %lld)",
			    (long long)(last + 1), (long long)*head_seq);
		else if (strcmp(head_hash, w->prev) != 0)
			bad(r, last, "entry %lld does not match the recorded head",
			    (long long)last);
		else if (cp_seq && !w->want_found)
			bad(r, last + 1,
			    "the trail ends at entry %lld, before entry %lld that the checkpoint "
			    "signed: "
			    "entries were removed",
			    (long long)last, (long long)cp_seq);
	}
	if (r->ok) {
		struct case_walk cw = {store, r, err};
		rc = pd_store_case_list(store, NULL, check_case, &cw, err);
		if (rc > 0)
			rc = 0;
	}
	return rc;
}

/* The whole check; cp (may be NULL) a checkpoint whose entry must be in the chain. */
static int verify(struct pd_store *store, const struct wf_key *k, int64_t cp_seq,
                  const char *cp_hash, struct pd_audit_report *r, struct pd_error *err)
{
	struct pd_arena a;
	struct walk w = {.r = r, .key = k, .expect = 1, .want_seq = cp_seq, .a = &a};
	int64_t head_seq = 0;
	char head_hash[PD_STORE_HASH_HEX];
	int rc;

	pd_arena_init(&a, 4096, 0);
	rc = walk_trail(store, &w, cp_hash, &head_seq, head_hash, err);
	pd_arena_free(&a);
	return rc;
}

int pd_audit_verify(struct pd_store *store, struct pd_audit_report *r, struct pd_error *err)
{
	return pd_audit_verify_checkpoint(store, NULL, 0, r, err);
}

/* The message a checkpoint signs. */
static void checkpoint_message(int64_t seq, const char *hash, int64_t made_at, char *buf,
                               size_t size)
{
	snprintf(buf, size, CHECKPOINT_DOMAIN "\n%lld\n%s\n%lld\n", (long long)seq, hash,
	         (long long)made_at);
}

struct checkpoint {
	int64_t seq, made_at;
	const char *head, *public_key, *signature;
};

static int read_checkpoint(const char *json, size_t len, struct pd_arena *a, struct checkpoint *cp,
                           struct pd_error *err)
{
	const struct pd_json_node *root = NULL;
	int rc = pd_json_parse(json, len, "checkpoint", a, &root, err);
	if (rc)
		return rc;
	const struct pd_json_node *seq = pd_json_member(root, "head_seq");
	const struct pd_json_node *made = pd_json_member(root, "made_at_us");
	cp->head = pd_json_member_str(root, "head");
	cp->public_key = pd_json_member_str(root, "public_key");
	cp->signature = pd_json_member_str(root, "signature");
	if (!seq || seq->kind != PD_JSON_NUMBER || !made || made->kind != PD_JSON_NUMBER ||
	    !cp->head || !cp->public_key || !cp->signature)
		return pd_error_set(
		    err, PD_EINPUT,
		    "checkpoint: not a checkpoint of `permitdesk audit checkpoint`");
	cp->seq = strtoll(seq->str, NULL, 10);
	cp->made_at = strtoll(made->str, NULL, 10);
	return 0;
}

int pd_audit_verify_checkpoint(struct pd_store *store, const char *checkpoint_json, size_t len,
                               struct pd_audit_report *r, struct pd_error *err)
{
	struct wf_key k;
	struct pd_arena a;
	struct checkpoint cp = {0};
	int rc;

	memset(r, 0, sizeof(*r));
	r->ok = true;
	pd_arena_init(&a, 4096, 0);
	if ((rc = wf_audit_key(store, false, 0, &k, err)))
		goto cleanup;
	if (checkpoint_json) {
		unsigned char pk[32], sig[crypto_sign_BYTES];
		char msg[256];
		if ((rc = read_checkpoint(checkpoint_json, len, &a, &cp, err)))
			goto cleanup;
		checkpoint_message(cp.seq, cp.head, cp.made_at, msg, sizeof(msg));
		if (sodium_hex2bin(pk, sizeof(pk), cp.public_key, strlen(cp.public_key), NULL, NULL,
		                   NULL) != 0 ||
		    sodium_hex2bin(sig, sizeof(sig), cp.signature, strlen(cp.signature), NULL, NULL,
		                   NULL) != 0 ||
		    crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) !=
		        0) {
			bad(r, cp.seq,
			    "the checkpoint's signature does not match its contents: it was "
			    "changed");
			goto cleanup;
		}
		if (!k.have || sodium_memcmp(pk, k.pk, sizeof(pk)) != 0) {
			bad(r, cp.seq,
			    "the checkpoint was signed with another key than this trail's audit "
			    "key%s",
			    k.have ? "" : " (there is no audit key file)");
			goto cleanup;
		}
	}
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)))
		goto cleanup;
	rc = verify(store, &k, cp.seq, cp.head, r, err);
	pd_store_rollback(store);
cleanup:
	wf_key_wipe(&k);
	pd_arena_free(&a);
	return rc;
}

int pd_audit_checkpoint_json(struct pd_store *store, bool pretty, struct pd_buf *out,
                             struct pd_error *err)
{
	struct pd_audit_report r;
	struct wf_key k = {0};
	unsigned char sig[crypto_sign_BYTES];
	char msg[256], hex[2 * crypto_sign_BYTES + 1];
	struct pd_jw w;
	int rc;

	if ((rc = pd_audit_verify(store, &r, err)))
		return rc;
	if (!r.ok)
		return pd_error_set(err, PD_EINPUT,
		                    "no checkpoint of a broken trail: entry %lld: %s",
		                    (long long)r.first_bad, r.reason);
	/* a trail without a key yet gets one now: entries from the next on are keyed */
	if ((rc = wf_audit_key(store, true, r.head_seq + 1, &k, err)))
		return rc;
	int64_t made_at = wf_now_us();
	checkpoint_message(r.head_seq, r.head, made_at, msg, sizeof(msg));
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), k.sk);
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "checkpoint");
	pd_jw_string(&w, CHECKPOINT_DOMAIN);
	pd_jw_key(&w, "head_seq");
	pd_jw_int(&w, r.head_seq);
	pd_jw_key(&w, "head");
	pd_jw_string(&w, r.head);
	wf_key_instant(&w, "made_at", made_at);
	pd_jw_key(&w, "made_at_us");
	pd_jw_int(&w, made_at);
	sodium_bin2hex(hex, sizeof(hex), k.pk, sizeof(k.pk));
	pd_jw_key(&w, "public_key");
	pd_jw_string(&w, hex);
	sodium_bin2hex(hex, sizeof(hex), sig, sizeof(sig));
	pd_jw_key(&w, "signature");
	pd_jw_string(&w, hex);
	pd_jw_object_end(&w);
	wf_key_wipe(&k);
	return out->failed ? pd_error_set(err, PD_ENOMEM, "out of memory") : 0;
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
		pd_jw_key(&w, "column");
		if (r->column[0])
			pd_jw_string(&w, r->column);
		else
			pd_jw_null(&w);
		pd_jw_object_end(&w);
	}
	pd_jw_object_end(&w);
	return out->failed ? PD_FAIL(PD_ENOMEM) : 0;
}
