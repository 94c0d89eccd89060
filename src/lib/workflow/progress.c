/*
 * progress.c: the public progress query (workflow.h,
 * pd_workflow_progress_json): the applicant's receipt number and passport
 * number in, the state of the application in plain words, its decision
 * date, and whether and where the document may be collected out (003 7.2,
 * 10; 000 "check the progress online ... collect").
 *
 * Whoever asks is not logged in, so the answer says nothing that the two
 * numbers do not already give away: no name, no facts, no history, and a
 * wrong pair answers exactly as an unknown receipt does.  The case is found
 * through the store's search (which narrows by the passport number) and the
 * receipt and passport numbers are then compared whole.
 */
#include <string.h>
#include <strings.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define RECEIPT_MAX 64
#define PASSPORT_MAX 32

/* Plain words for each state, in table order (PD_STATE_MAP). */
static const char *const labels[PD_STATE_COUNT][2] = {
    [PD_STATE_DRAFT] = {"Not yet submitted", "尚未提交"},
    [PD_STATE_SUBMITTED] = {"Submitted, waiting to be accepted", "已提交，等待受理"},
    [PD_STATE_AWAITING_SUPPLEMENT] = {"Waiting for the materials asked for in the one-time notice",
                                      "等待按一次性告知补充材料"},
    [PD_STATE_ACCEPTED] = {"Accepted, under examination", "已受理，正在审查"},
    [PD_STATE_IN_REVIEW] = {"Under review", "正在审核"},
    [PD_STATE_APPROVED] = {"Approved; the document is being made", "已批准，正在制证"},
    [PD_STATE_REJECTED] = {"Refused", "不予批准"},
    [PD_STATE_REVOKED] = {"Revoked", "已撤销"},
    [PD_STATE_ISSUED] = {"Ready for collection", "已制证，可以领取"},
    [PD_STATE_COLLECTED] = {"Collected", "已领取"},
};

const char *pd_state_label(enum pd_state s, const char *lang)
{
	if ((unsigned)s >= PD_STATE_COUNT)
		return "";
	return labels[s][lang && strcmp(lang, "zh") == 0 ? 1 : 0];
}

struct find {
	const char *receipt, *passport;
	char id[PD_CASE_ID_LEN + 1];
};

static int match(void *ctx, const struct pd_store_case *c)
{
	struct find *f = ctx;
	if (c->receipt_number && strcmp(c->receipt_number, f->receipt) == 0 && c->passport_number &&
	    strcasecmp(c->passport_number, f->passport) == 0) {
		snprintf(f->id, sizeof(f->id), "%s", c->id);
		return 1;
	}
	return 0;
}

static bool plain(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '<'))
			return false;
	return true;
}

int pd_workflow_progress_json(struct pd_store *store, const struct pd_policy *pol,
                              const char *receipt, const char *passport, bool pretty,
                              struct pd_buf *out, struct pd_error *err)
{
	struct find f = {.receipt = receipt, .passport = passport};
	struct pd_store_case c;
	struct pd_arena a;
	enum pd_state state;
	int rc;

	/* One answer for every way of not matching. */
	if (!plain(receipt, RECEIPT_MAX) || !plain(passport, PASSPORT_MAX))
		return pd_error_set(err, PD_ENOTFOUND,
		                    "no application with this receipt number and passport number");
	pd_arena_init(&a, 16384, 0);
	struct pd_store_case_filter filter = {.due_before = PD_DATE_NONE, .search = passport};
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)))
		goto cleanup;
	rc = pd_store_case_list(store, &filter, match, &f, err);
	if (rc == 1)
		rc = pd_store_case_get(store, f.id, &a, &c, err);
	else if (rc == 0)
		rc = -PD_ENOTFOUND;
	pd_store_rollback(store);
	if (rc == -PD_ENOTFOUND) {
		rc = pd_error_set(err, PD_ENOTFOUND,
		                  "no application with this receipt number and passport number");
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	if (pd_state_parse(c.state, &state) != 0) {
		rc = pd_error_set(err, PD_ESTORE, "case %s has an unknown state", c.number);
		goto cleanup;
	}

	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "receipt");
	pd_jw_string(&w, c.receipt_number);
	pd_jw_key(&w, "state");
	pd_jw_string(&w, c.state);
	pd_jw_key(&w, "status");
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "en");
	pd_jw_string(&w, pd_state_label(state, "en"));
	pd_jw_key(&w, "zh");
	pd_jw_string(&w, pd_state_label(state, "zh"));
	pd_jw_object_end(&w);
	pd_jw_key(&w, "decision_by");
	pd_jw_date(&w, c.decision_by);
	pd_jw_key(&w, "ready_for_collection");
	pd_jw_bool(&w, state == PD_STATE_ISSUED);
	pd_jw_key(&w, "offices");
	pd_jw_array_begin(&w);
	const struct pd_pack *p = pol && c.pack ? pd_policy_pack_find(pol, c.pack) : NULL;
	size_t n = 0;
	const struct pd_office_info *offices = p ? pd_pack_offices(p, &n) : NULL;
	for (size_t i = 0; i < n; i++)
		pd_office_write_json(&w, &offices[i]);
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	if (out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
cleanup:
	pd_arena_free(&a);
	return rc;
}
