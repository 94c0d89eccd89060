/*
 * data.c: reads the data of an action (workflow.h, pd_act.data), a small
 * JSON object, with pd_json_read_object() (codec.h): the same strict reader,
 * limits, locations and messages as a case.
 *
 * Each action accepts its own members and nothing else, as a case refuses
 * unknown fields (format.md §1): a typo must not pass silently.  Every
 * action also accepts "note" (the HTTP API sends the note inside the body)
 * and "reason" (why a change is dated before today); accept, approve, reject
 * and revoke accept "override" (a supervisor's reason to set the separation
 * of duties aside).
 * Word values (kinds, outcomes, grounds, methods, user names) are strings
 * without escapes or spaces; "due" is a date; "task" a positive integer;
 * "case" an object kept as its text.  Whether a member an action needs is
 * present, and whether a word is one of its vocabulary, the action's handler
 * decides (act.c): data may be absent altogether.  Errors name the member
 * as data.<name> with its line:column.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define FIELD(name_, type_, member_, max_len_, min_, max_)                                         \
	{                                                                                          \
		.name = name_, .type = type_, .offset = offsetof(struct wf_data, member_),         \
		.max_len = max_len_, .min = min_, .max = max_                                      \
	}
#define WORD(name_, member_) FIELD(name_, PD_FIELD_WORD, member_, 64, 0, 0)
/* every action: a note, and the reason of a back-dated one */
#define NOTE                                                                                       \
	FIELD("note", PD_FIELD_STRING, note, WF_NOTE_MAX, 0, 0),                                   \
	    FIELD("reason", PD_FIELD_STRING, reason, WF_NOTE_MAX, 0, 0)
/* the actions the separation of duties governs: a supervisor's override */
#define OVERRIDE FIELD("override", PD_FIELD_STRING, override, WF_NOTE_MAX, 0, 0)

static const struct pd_field plain_fields[] = {NOTE};
static const struct pd_field separated_fields[] = {NOTE, OVERRIDE};
static const struct pd_field assign_fields[] = {
    FIELD("to", PD_FIELD_WORD, to, PD_USER_NAME_MAX, 0, 0), NOTE};
static const struct pd_field add_task_fields[] = {WORD("kind", kind),
                                                  FIELD("due", PD_FIELD_DATE, due, 0, 0, 0), NOTE};
static const struct pd_field complete_task_fields[] = {
    FIELD("task", PD_FIELD_INT, task, 0, 1, INT32_MAX), WORD("outcome", outcome), NOTE};
static const struct pd_field revoke_fields[] = {WORD("ground", ground), NOTE, OVERRIDE};
static const struct pd_field resubmit_fields[] = {
    FIELD("case", PD_FIELD_OBJECT, case_json, 0, 0, 0), NOTE};
static const struct pd_field collect_fields[] = {
    WORD("method", method), FIELD("address", PD_FIELD_STRING, address, WF_ADDRESS_MAX, 0, 0), NOTE};

#define FIELDS(a)                                                                                  \
	{                                                                                          \
		a, sizeof(a) / sizeof(a[0])                                                        \
	}
/* The members each action accepts; actions without a row accept only "note"
 * and "reason". */
static const struct {
	const struct pd_field *fields;
	size_t n;
} accepted[PD_ACTION_COUNT] = {
    [PD_ACTION_ACCEPT] = FIELDS(separated_fields),
    [PD_ACTION_APPROVE] = FIELDS(separated_fields),
    [PD_ACTION_REJECT] = FIELDS(separated_fields),
    [PD_ACTION_ASSIGN] = FIELDS(assign_fields),
    [PD_ACTION_ADD_TASK] = FIELDS(add_task_fields),
    [PD_ACTION_COMPLETE_TASK] = FIELDS(complete_task_fields),
    [PD_ACTION_REVOKE] = FIELDS(revoke_fields),
    [PD_ACTION_RESUBMIT] = FIELDS(resubmit_fields),
    [PD_ACTION_COLLECT] = FIELDS(collect_fields),
};

int wf_data_parse(enum pd_action action, const char *json, size_t len, struct pd_arena *arena,
                  struct wf_data *out, struct pd_error *err)
{
	memset(out, 0, sizeof(*out));
	out->due = PD_DATE_NONE;
	if (!json)
		return 0;
	const struct pd_field *fields = plain_fields;
	size_t n = sizeof(plain_fields) / sizeof(plain_fields[0]);
	if ((unsigned)action < PD_ACTION_COUNT && accepted[action].fields) {
		fields = accepted[action].fields;
		n = accepted[action].n;
	}
	return pd_json_read_object(json, len, "data", 0, "data", fields, n, arena, out, err);
}
