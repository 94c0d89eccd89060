/*
 * json.c: the verdicts of pd_mrz_parse() and pd_id_parse() as JSON, written
 * with the streaming writer of codec.h.  This is what `permitdesk validate`
 * prints; docs/ids.md documents every member.
 *
 *   {"valid": false, "format": "TD3",
 *    "fields": {"document_code": "P", ...},
 *    "failed": [{"check": "composite_check", "line": 2, "column": 44,
 *                "message": "composite check digit is 1, expected 0"}],
 *    "notes": ["expired"]}
 *
 * Members are always present: a field the input does not have is "" or
 * null, and "fields" is null when the shape of the input was wrong.
 */
#include <string.h>

#include "permitdesk/codec.h"
#include "permitdesk/ids.h"

/* A field copied from the input: any byte outside printable ASCII (the
 * parsers have already failed "characters" for it) is written '?', so that
 * the output is valid UTF-8 whatever the input was. */
static void key_string(struct pd_jw *w, const char *key, const char *value)
{
	char buf[160];
	size_t n = 0;

	for (; value[n] && n + 1 < sizeof(buf); n++) {
		unsigned char u = (unsigned char)value[n];
		buf[n] = u >= 0x20 && u < 0x7f ? (char)u : '?';
	}
	pd_jw_key(w, key);
	pd_jw_stringn(w, buf, n);
}

/* Text from the tables (UTF-8). */
static void key_text(struct pd_jw *w, const char *key, const char *value)
{
	pd_jw_key(w, key);
	if (value)
		pd_jw_string(w, value);
	else
		pd_jw_null(w);
}

static void key_char(struct pd_jw *w, const char *key, char ch)
{
	pd_jw_key(w, key);
	if (ch)
		pd_jw_stringn(w, &ch, 1);
	else
		pd_jw_null(w);
}

static void write_problems(struct pd_jw *w, const struct pd_id_problem *p, size_t n,
                           const char *(*name)(int))
{
	pd_jw_key(w, "failed");
	pd_jw_array_begin(w);
	for (size_t i = 0; i < n; i++) {
		pd_jw_object_begin(w);
		key_string(w, "check", name(p[i].check));
		if (p[i].line) {
			pd_jw_key(w, "line");
			pd_jw_int(w, p[i].line);
		}
		if (p[i].column) {
			pd_jw_key(w, "column");
			pd_jw_int(w, p[i].column);
		}
		key_string(w, "message", p[i].message);
		pd_jw_object_end(w);
	}
	pd_jw_array_end(w);
}

static const char *mrz_check(int c)
{
	return pd_mrz_check_name((enum pd_mrz_check)c);
}

static const char *id_check(int c)
{
	return pd_id_check_name((enum pd_id_check)c);
}

int pd_mrz_write_json(const struct pd_mrz *m, bool pretty, struct pd_buf *out)
{
	struct pd_jw w;
	const char *fmt = pd_mrz_format_name(m->format);

	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "valid");
	pd_jw_bool(&w, m->valid);
	pd_jw_key(&w, "format");
	if (fmt)
		pd_jw_string(&w, fmt);
	else
		pd_jw_null(&w);
	pd_jw_key(&w, "fields");
	if (m->parsed) {
		const struct pd_country *st =
		    pd_country_find(m->issuing_state, strlen(m->issuing_state));
		const struct pd_country *nat =
		    pd_country_find(m->nationality, strlen(m->nationality));
		pd_jw_object_begin(&w);
		key_string(&w, "document_code", m->document_code);
		key_string(&w, "issuing_state", m->issuing_state);
		key_text(&w, "issuing_state_name", st ? st->name : NULL);
		key_string(&w, "primary_identifier", m->primary);
		key_string(&w, "secondary_identifier", m->secondary);
		key_string(&w, "document_number", m->document_number);
		key_string(&w, "nationality", m->nationality);
		key_text(&w, "nationality_name", nat ? nat->name : NULL);
		pd_jw_key(&w, "birth_date");
		pd_jw_date(&w, m->birth_date);
		key_string(&w, "birth_date_raw", m->birth_raw);
		key_char(&w, "sex", m->sex);
		pd_jw_key(&w, "expiry_date");
		pd_jw_date(&w, m->expiry_date);
		key_string(&w, "expiry_date_raw", m->expiry_raw);
		key_string(&w, "optional_data", m->optional_data);
		if (m->format == PD_MRZ_TD1)
			key_string(&w, "optional_data_2", m->optional_data2);
		pd_jw_object_end(&w);
	} else {
		pd_jw_null(&w);
	}
	write_problems(&w, m->problems, m->n_problems, mrz_check);
	pd_jw_key(&w, "notes");
	pd_jw_array_begin(&w);
	for (int i = 0; i < PD_MRZ_NOTE_COUNT; i++)
		if (m->notes & (1u << i))
			pd_jw_string(&w, pd_mrz_note_name((enum pd_mrz_note)i));
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	return out->failed ? PD_FAIL(PD_ENOMEM) : 0;
}

int pd_id_write_json(const struct pd_id *id, bool pretty, struct pd_buf *out)
{
	struct pd_jw w;
	const char *kind = pd_id_kind_name(id->kind);

	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "valid");
	pd_jw_bool(&w, id->valid);
	pd_jw_key(&w, "kind");
	if (kind)
		pd_jw_string(&w, kind);
	else
		pd_jw_null(&w);
	key_string(&w, "number", id->number);
	pd_jw_key(&w, "fields");
	if (kind) {
		pd_jw_object_begin(&w);
		if (id->region[0])
			key_string(&w, "region", id->region);
		if (id->province[0]) {
			key_string(&w, "province", id->province);
			key_text(&w, "province_en", id->province_en);
			key_text(&w, "province_zh", id->province_zh);
		}
		if (id->nationality[0] || id->nationality_numeric) {
			key_string(&w, "nationality", id->nationality);
			const struct pd_country *k =
			    pd_country_find(id->nationality, strlen(id->nationality));
			key_text(&w, "nationality_name", k ? k->name : NULL);
			if (id->nationality_numeric) {
				pd_jw_key(&w, "nationality_numeric");
				pd_jw_int(&w, id->nationality_numeric);
			}
		}
		if (id->kind != PD_ID_HK_MACAO_TRAVEL_PERMIT &&
		    id->kind != PD_ID_TAIWAN_TRAVEL_PERMIT) {
			pd_jw_key(&w, "birth_date");
			pd_jw_date(&w, id->birth_date);
			key_string(&w, "sequence", id->sequence);
			key_char(&w, "sex", id->sex);
			key_char(&w, "check_character", id->check_character);
		} else {
			key_string(&w, "permit_number", id->permit_number);
			pd_jw_key(&w, "issue_count");
			if (id->issue_count >= 0)
				pd_jw_int(&w, id->issue_count);
			else
				pd_jw_null(&w);
		}
		pd_jw_object_end(&w);
	} else {
		pd_jw_null(&w);
	}
	write_problems(&w, id->problems, id->n_problems, id_check);
	pd_jw_key(&w, "notes");
	pd_jw_array_begin(&w);
	for (int i = 0; i < PD_ID_NOTE_COUNT; i++)
		if (id->notes & (1u << i))
			pd_jw_string(&w, pd_id_note_name((enum pd_id_note)i));
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	return out->failed ? PD_FAIL(PD_ENOMEM) : 0;
}
