/*
 * facts_json.c: the fact table of a case (PD_FACT_MAP, case.h) as JSON for
 * front ends, so that a form asks the library what a case may hold instead
 * of keeping its own list of questions and labels (GET /api/v1/facts,
 * `permitdesk facts`).
 *
 *   {"facts": [{"path": "application.action", "type": "enum", "derived": false,
 *               "values": [{"value": "issuance", "en": "Issuance", "zh": "签发"}, ...],
 *               "en": "What is applied for ...", "zh": "申请事项..."}, ...]}
 *
 * Facts come in table order; "values" is written for enumerated facts only.
 * A derived fact (PD_FF_DERIVED: applicant.age, agent.present) is computed
 * from others and never sent in a case; it is listed all the same because
 * rules and questions name it.
 *
 * Materials (documents[].type) are not here: their ids and texts belong to
 * the policy packs, and this view is the same whatever pack decides.
 */
#include "permitdesk/codec.h"

static const char *const type_words[] = {
    [PD_T_BOOL] = "boolean", [PD_T_INT] = "integer",   [PD_T_DATE] = "date",
    [PD_T_ENUM] = "enum",    [PD_T_STRING] = "string",
};

static void put_values(struct pd_jw *w, enum pd_vocab_id vocab)
{
	const struct pd_vocab *v = &pd_vocabs[vocab];
	pd_jw_key(w, "values");
	pd_jw_array_begin(w);
	for (int i = 0; i < v->count; i++) {
		pd_jw_object_begin(w);
		pd_jw_key(w, "value");
		pd_jw_string(w, v->words[i]);
		pd_jw_key(w, "en");
		pd_jw_string(w, pd_vocab_label(vocab, i, "en"));
		pd_jw_key(w, "zh");
		pd_jw_string(w, pd_vocab_label(vocab, i, "zh"));
		pd_jw_object_end(w);
	}
	pd_jw_array_end(w);
}

int pd_facts_write_json(struct pd_buf *out, bool pretty)
{
	size_t start = out->len;
	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "facts");
	pd_jw_array_begin(&w);
	for (int f = 0; f < PD_FACT_COUNT; f++) {
		const struct pd_fact_def *d = &pd_facts[f];
		pd_jw_object_begin(&w);
		pd_jw_key(&w, "path");
		pd_jw_string(&w, d->path);
		pd_jw_key(&w, "type");
		pd_jw_string(&w, type_words[d->type]);
		pd_jw_key(&w, "derived");
		pd_jw_bool(&w, (d->flags & PD_FF_DERIVED) != 0);
		if (d->type == PD_T_ENUM && d->vocab >= 0)
			put_values(&w, (enum pd_vocab_id)d->vocab);
		pd_jw_key(&w, "en");
		pd_jw_string(&w, d->en);
		pd_jw_key(&w, "zh");
		pd_jw_string(&w, d->zh);
		pd_jw_object_end(&w);
	}
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	if (out->failed) {
		out->len = start;
		if (out->data && start < out->alloc)
			out->data[start] = '\0';
		return PD_FAIL(PD_ENOMEM);
	}
	return 0;
}
