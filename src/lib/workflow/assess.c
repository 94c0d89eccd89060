/*
 * assess.c: the workflow's assessor over a loaded policy: checks the case
 * (pd_check, codec.h: decode, evaluate, locate errors) and keeps what the
 * workflow stores: the verdict, the pack and its version, the processing and
 * receipt days, the whole result as JSON and its materials list, which is the
 * one-time notice of what to supplement (003 6.3 2; format.md §2
 * "materials").
 */
#include <string.h>

#include "permitdesk/codec.h"
#include "permitdesk/workflow.h"

#define RESULT_MAX_BYTES ((size_t)8 << 20)

static const char *to_arena(struct pd_arena *a, const struct pd_buf *b)
{
	return pd_arena_strndup(a, b->data ? b->data : "", b->len);
}

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
