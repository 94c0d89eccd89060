/*
 * assess.c: the workflow's assessor over a loaded policy: checks the case
 * (pd_check, codec.h: decode, evaluate, locate errors) and keeps what the
 * workflow stores: the verdict, the pack and its version, the processing and
 * receipt days, the whole result as JSON and its materials list, which is the
 * one-time notice of what to supplement (003 6.3 2; format.md §2
 * "materials").
 *
 * wf_assess() is how every change of a case (act.c, documents.c) takes an
 * assessment in: it evaluates as of the case's acceptance date once there
 * is one, keeps the result as the case's latest, and writes the case's
 * decision date and receipt validity into the stored result.  The engine
 * counts those dates from the date it evaluates as of, which for an
 * accepted case is the acceptance date, but it cannot know the working days
 * the case spent waiting for supplements; the workflow does
 * (deadline.c), so its dates are the ones both the case and its result
 * show.
 */
#include <stdio.h>
#include <string.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define RESULT_MAX_BYTES ((size_t)8 << 20)

static const char *to_arena(struct pd_arena *a, const struct pd_buf *b)
{
	return pd_arena_strndup(a, b->data ? b->data : "", b->len);
}

/* "conditional": the unknown facts a material hangs on, as in a result. */
static void write_conditional(struct pd_jw *w, const struct pd_factset *fs)
{
	bool any = false;
	for (int f = 0; f < PD_FACT_COUNT; f++) {
		if (!(fs->w[f / 64] >> (f % 64) & 1))
			continue;
		if (!any) {
			pd_jw_key(w, "conditional");
			pd_jw_array_begin(w);
			any = true;
		}
		pd_jw_string(w, pd_facts[f].path);
	}
	if (any)
		pd_jw_array_end(w);
}

/* The one-time notice: each material as the result gives it, with why it is
 * not acceptable (detail) and what it hangs on (conditional), without its
 * checks. */
static void write_materials(struct pd_jw *w, const struct pd_result *r)
{
	pd_jw_array_begin(w);
	for (size_t i = 0; i < r->n_materials; i++) {
		const struct pd_material *m = &r->materials[i];
		pd_jw_object_begin(w);
		pd_jw_key(w, "id");
		pd_jw_string(w, m->id);
		pd_jw_key(w, "status");
		pd_jw_string(w, pd_mstatus_name(m->status));
		if (m->text && m->text->en_json) {
			pd_jw_key(w, "en");
			pd_jw_raw(w, m->text->en_json);
		}
		if (m->text && m->text->zh_json) {
			pd_jw_key(w, "zh");
			pd_jw_raw(w, m->text->zh_json);
		}
		if (m->origin.source) {
			pd_jw_key(w, "source");
			pd_jw_string(w, m->origin.source);
		}
		write_conditional(w, &m->conditional);
		if (m->detail_en || m->detail_zh) {
			pd_jw_key(w, "detail");
			pd_jw_object_begin(w);
			if (m->detail_en) {
				pd_jw_key(w, "en");
				pd_jw_string(w, m->detail_en);
			}
			if (m->detail_zh) {
				pd_jw_key(w, "zh");
				pd_jw_string(w, m->detail_zh);
			}
			pd_jw_object_end(w);
		}
		pd_jw_object_end(w);
	}
	pd_jw_array_end(w);
}

int pd_workflow_assess_policy(void *ctx, const char *name, const char *case_json, size_t len,
                              pd_date today, pd_date date, struct pd_arena *arena,
                              struct pd_assessment *out, struct pd_error *err)
{
	const struct pd_policy *pol = ctx;
	const struct pd_check_opts opts = {.name = name, .today = today, .date = date};
	struct pd_result *r = NULL;
	struct pd_buf b;
	struct pd_jw w;
	int rc;

	memset(out, 0, sizeof(*out));
	pd_buf_init(&b, RESULT_MAX_BYTES);
	if ((rc = pd_check(pol, case_json, len, &opts, arena, NULL, &r, err)))
		goto cleanup;
	out->verdict = r->verdict;
	out->pack = r->pack;
	out->version = r->version;
	out->date = r->date;
	out->processing_days = r->dates.processing_days;
	out->receipt_days = r->dates.receipt_days;
	if ((rc = pd_result_write_json(r, false, &b)))
		goto nomem;
	out->result_json = to_arena(arena, &b);
	pd_buf_reset(&b);
	pd_jw_init(&w, &b, false);
	write_materials(&w, r);
	if (b.failed)
		goto nomem;
	out->materials_json = to_arena(arena, &b);
	if (!out->result_json || !out->materials_json)
		goto nomem;
cleanup:
	pd_buf_free(&b);
	return rc;
nomem:
	rc = pd_error_set(err, PD_ENOMEM, "out of memory writing the result");
	goto cleanup;
}

/* Sets "dates.<member>" of the stored result to d. */
static int carry_date(struct pd_store_case *c, const char *member, pd_date d,
                      struct pd_arena *arena, struct pd_error *err)
{
	char value[16] = "null";
	if (d != PD_DATE_NONE) {
		char ymd[11];
		pd_date_format(d, ymd);
		snprintf(value, sizeof(value), "\"%s\"", ymd);
	}
	char *json;
	size_t len;
	int rc = pd_json_set_member(c->result_json, strlen(c->result_json), member, value,
	                            strlen(value), arena, &json, &len, NULL, NULL, err);
	if (rc == 0)
		c->result_json = json;
	return rc;
}

int wf_assess(const struct pd_workflow *wf, struct pd_store_case *c, const char *name,
              const char *json, size_t len, pd_date at, struct pd_arena *arena,
              struct pd_assessment *as, struct pd_error *err)
{
	if (!json) {
		json = c->case_json;
		len = strlen(json);
	}
	int rc = wf->assess(wf->assess_ctx, name, json, len, at, c->accepted_on, arena, as, err);
	if (rc)
		return rc;
	c->result_json = as->result_json;
	c->verdict = pd_verdict_name(as->verdict);
	c->pack = as->pack;
	c->pack_version = as->version;
	/* Before the receipt is issued the case has no dates of its own. */
	if (!c->receipt_number || !c->receipt_number[0])
		return 0;
	rc = carry_date(c, "dates.decision_by", c->decision_by, arena, err);
	if (rc == 0)
		rc = carry_date(c, "dates.receipt_valid_until", c->receipt_valid_until, arena, err);
	/* A result without "dates" (an assessor of another kind) has nothing to carry. */
	if (rc == -PD_ENOTFOUND) {
		pd_error_clear(err);
		rc = 0;
	}
	return rc;
}
