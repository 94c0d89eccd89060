/*
 * act_json.c: what one action did, as JSON (workflow.h,
 * pd_act_result_write_json): the one writer the command line and the HTTP
 * API share.
 */
#include "permitdesk/codec.h"
#include "permitdesk/workflow.h"

/* The member that names what the action made or closed, or NULL. */
static const char *item_name(enum pd_action a)
{
	switch (a) {
	case PD_ACTION_REQUEST_SUPPLEMENT:
	case PD_ACTION_RESUBMIT:
		return "notice";
	case PD_ACTION_ADD_TASK:
	case PD_ACTION_COMPLETE_TASK:
		return "task";
	case PD_ACTION_APPROVE:
	case PD_ACTION_REJECT:
	case PD_ACTION_REVOKE:
		return "decision";
	default:
		return NULL;
	}
}

int pd_act_result_write_json(enum pd_action action, const struct pd_act_result *res,
                             const unsigned *allowed, bool pretty, struct pd_buf *out)
{
	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "id");
	pd_jw_string(&w, res->id);
	pd_jw_key(&w, "number");
	pd_jw_string(&w, res->number);
	pd_jw_key(&w, "action");
	pd_jw_string(&w, pd_action_name(action));
	pd_jw_key(&w, "from");
	pd_jw_string(&w, pd_state_name(res->from));
	pd_jw_key(&w, "state");
	pd_jw_string(&w, pd_state_name(res->to));
	pd_jw_key(&w, "verdict");
	pd_jw_string(&w, pd_verdict_name(res->verdict));
	pd_jw_key(&w, "audit_seq");
	pd_jw_int(&w, res->audit_seq);
	if (item_name(action) && res->item) {
		pd_jw_key(&w, item_name(action));
		pd_jw_int(&w, res->item);
	}
	pd_jw_key(&w, "receipt");
	if (res->receipt_number[0])
		pd_jw_string(&w, res->receipt_number);
	else
		pd_jw_null(&w);
	pd_jw_key(&w, "receipt_valid_until");
	pd_jw_date(&w, res->receipt_valid_until);
	pd_jw_key(&w, "decision_by");
	pd_jw_date(&w, res->decision_by);
	if (allowed) {
		pd_jw_key(&w, "allowed_actions");
		pd_jw_array_begin(&w);
		for (int a = 0; a < PD_ACTION_COUNT; a++)
			if (*allowed & (1u << a))
				pd_jw_string(&w, pd_action_name((enum pd_action)a));
		pd_jw_array_end(&w);
	}
	pd_jw_object_end(&w);
	return out->failed ? -PD_ENOMEM : 0;
}
