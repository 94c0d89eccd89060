/*
 * documents.c: pd_workflow_set_documents() (workflow.h): what the applicant
 * brought to the counter, added or corrected, without retyping the case.
 *
 * The body {"documents": [...], "note"?: "..."} is read with
 * pd_json_read_object().  Inside one write transaction the stored case's
 * "documents" member is replaced by the array as written (the text is
 * spliced at the member's token offsets, pd_json_set_member(), so every
 * other byte of the case stays as the applicant filed it; a case without
 * documents gets the member), the new case is decoded and evaluated
 * (wf_assess, which also keeps the case's deadlines in the result), and
 * the case and one audit entry ("documents", the state unchanged, data
 * {"documents": n}) are written.  Any failure rolls everything back.
 *
 * A bad document is an error of the body: the decoder and the engine
 * locate it in the spliced case, and since the array's bytes are the same
 * in both texts, its line:column there is moved to where the array stands in
 * the body (documents[2].type at the body's line:column).
 *
 * Who: a role that holds PD_CAP_CASE_DOCUMENTS (pd_role_can) and may read
 * the case (pd_workflow_may_read).  When: while the case is not decided.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define DATA_OUT_MAX ((size_t)4 << 10)
/* What errors call the body (pd_error.file). */
#define BODY_NAME "body"

struct body {
	struct pd_json_raw documents;
	const char *note;
};

static const struct pd_field body_fields[] = {
    {.name = "documents",
     .type = PD_FIELD_ARRAY,
     .required = true,
     .offset = offsetof(struct body, documents)},
    {.name = "note",
     .type = PD_FIELD_STRING,
     .offset = offsetof(struct body, note),
     .max_len = WF_NOTE_MAX},
};

/* States in which the documents may still change: the case is not decided. */
static bool open_state(enum pd_state s)
{
	return s == PD_STATE_DRAFT || s == PD_STATE_SUBMITTED ||
	       s == PD_STATE_AWAITING_SUPPLEMENT || s == PD_STATE_ACCEPTED ||
	       s == PD_STATE_IN_REVIEW;
}

static const char *article(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

/*
 * An error about documents[...] located in the spliced case, whose array
 * starts at line:column, is moved to the same place in the body, whose
 * array starts at docs->line:column.  Other errors are the stored case's.
 */
static void to_body(struct pd_error *err, int line, int column, const struct pd_json_raw *docs)
{
	if (!err || strncmp(err->path, "documents", 9) != 0 || err->line < line ||
	    (err->line == line && err->column < column))
		return;
	if (err->line == line)
		err->column = docs->column + (err->column - column);
	err->line = docs->line + (err->line - line);
	snprintf(err->file, sizeof(err->file), "%s", BODY_NAME);
}

static int set_documents_once(const struct pd_workflow *wf, const struct pd_actor *actor,
                              const char *case_id, const char *documents_json, size_t len,
                              pd_date at, struct pd_act_result *out, struct pd_error *err)
{
	struct pd_arena arena;
	struct pd_buf data;
	struct pd_jw w;
	struct body b = {.note = NULL};
	struct pd_store_case c;
	struct pd_case decoded;
	struct pd_assessment as;
	enum pd_state state;
	char *json;
	size_t json_len;
	struct pd_settings s;
	int line = 0, column = 0, backdated = 0, rc;

	memset(out, 0, sizeof(*out));
	out->receipt_valid_until = out->decision_by = PD_DATE_NONE;
	pd_arena_init(&arena, 16384, 0);
	pd_buf_init(&data, DATA_OUT_MAX);
	if (at == PD_DATE_NONE)
		at = pd_today();
	if (!pd_role_can(actor->role, PD_CAP_CASE_DOCUMENTS)) {
		const char *role = pd_role_name(actor->role);
		rc =
		    pd_error_set(err, PD_EFORBIDDEN, "%s %s may not change the documents of a case",
		                 article(role), role);
		goto cleanup;
	}
	if ((rc = wf_check_at(at, PD_DATE_NONE, err)) ||
	    (rc = pd_json_read_object(documents_json, len, BODY_NAME, 0, "", body_fields,
	                              sizeof(body_fields) / sizeof(body_fields[0]), &arena, &b,
	                              err)))
		goto cleanup;

	if ((rc = pd_store_begin(wf->store, PD_TXN_WRITE, err)) ||
	    (rc = pd_store_case_get(wf->store, case_id, &arena, &c, err)))
		goto cleanup;
	if (pd_state_parse(c.state, &state) != 0) {
		rc = pd_error_set(err, PD_ESTORE, "case %s has an unknown state '%s'", c.number,
		                  c.state);
		goto cleanup;
	}
	if (!pd_workflow_may_read(actor, &c)) {
		rc = pd_error_set(err, PD_EFORBIDDEN, "case %s was not filed by %s", c.number,
		                  actor->name);
		goto cleanup;
	}
	if (!open_state(state)) {
		rc =
		    pd_error_set(err, PD_ESTATE, "cannot change the documents of case %s: it is %s",
		                 c.number, c.state);
		goto cleanup;
	}
	if ((rc = wf_check_at(at, c.updated_on, err)) ||
	    (rc = pd_settings_read(wf->store, &s, err)) ||
	    (rc = wf_check_backdate(&s, actor, at, wf->reason, &backdated, err)))
		goto cleanup;

	/* The new case: the stored one with the body's array as its documents. */
	if ((rc = pd_json_set_member(c.case_json, strlen(c.case_json), "documents",
	                             b.documents.json, b.documents.len, &arena, &json, &json_len,
	                             &line, &column, err)))
		goto cleanup;
	if ((rc = pd_case_decode(json, json_len, "case", 0, at, &arena, &decoded, err)) ||
	    (rc = wf_assess(wf, &c, "case", json, json_len, at, &arena, &as, err))) {
		to_body(err, line, column, &b.documents);
		goto cleanup;
	}
	c.case_json = json;
	c.updated_on = at;

	pd_jw_init(&w, &data, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "documents");
	pd_jw_int(&w, (long long)decoded.n_documents);
	wf_key_backdated(&w, wf->reason, backdated);
	pd_jw_object_end(&w);
	if (data.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}
	struct wf_entry e = {
	    .case_id = c.id,
	    .action = "documents",
	    .actor = actor,
	    .at = at,
	    .from_state = c.state,
	    .to_state = c.state,
	    .note = b.note,
	    .data = data.data,
	};
	if ((rc = pd_store_case_update(wf->store, &c, err)) ||
	    (rc = wf_audit_append(wf->store, &e, &out->audit_seq, err)) ||
	    (rc = pd_store_commit(wf->store, err)))
		goto cleanup;
	wf_act_result(&c, state, state, out);
cleanup:
	pd_store_rollback(wf->store);
	if (rc)
		out->audit_seq = 0;
	pd_buf_free(&data);
	pd_arena_free(&arena);
	return rc;
}

int pd_workflow_set_documents(const struct pd_workflow *wf, const struct pd_actor *actor,
                              const char *case_id, const char *documents_json, size_t len,
                              pd_date at, struct pd_act_result *out, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = set_documents_once(wf, actor, case_id, documents_json, len, at, out, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}
