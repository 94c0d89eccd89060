/*
 * offices_json.c: where to apply (offices.yaml, policy.h's struct
 * pd_office_info) as JSON and as text.
 *
 *   pd_office_write_json()        one office; the one definition of its shape,
 *                                 used by the policy loader to render each
 *                                 office once (results copy that text)
 *   pd_pack_offices_write_json()  {"packs": [{"pack", "jurisdiction",
 *                                 "offices"}]} for every pack or one
 *                                 (GET /api/v1/offices, `permitdesk offices`);
 *                                 _if() keeps only the offices a filter keeps
 *   pd_office_write_text()        one office for people, bilingual or not, as
 *                                 the "Where to apply" block of a checklist
 *                                 and `permitdesk offices --format text` show it
 *   pd_pack_offices_write_text()  every pack's offices, or one pack's
 *
 * Members an office's source does not give are null in JSON ("supervision",
 * "website" and "guidance" are left out) and left out of the text: nothing
 * is guessed.  On failure the partial output is taken back.
 */
#include <stdio.h>
#include <string.h>

#include "permitdesk/codec.h"

static int finish(struct pd_buf *out, size_t start)
{
	if (!out->failed)
		return 0;
	out->len = start;
	if (out->data && start < out->alloc)
		out->data[start] = '\0';
	return PD_FAIL(PD_ENOMEM);
}

static void key_string(struct pd_jw *w, const char *key, const char *s)
{
	pd_jw_key(w, key);
	pd_jw_string(w, s); /* null for NULL */
}

/* "key": {"en", "zh"} (the language kept: `lang` NULL for both), or null
 * when the office has neither. */
static void key_text(struct pd_jw *w, const char *key, const char *en, const char *zh,
                     const char *lang)
{
	pd_jw_key(w, key);
	if (!en && !zh) {
		pd_jw_null(w);
		return;
	}
	pd_jw_object_begin(w);
	if (!lang || lang[0] == 'e')
		key_string(w, "en", en);
	if (!lang || lang[0] == 'z')
		key_string(w, "zh", zh);
	pd_jw_object_end(w);
}

/* "HH:MM", or null when not given. */
static void key_clock(struct pd_jw *w, const char *key, int minutes)
{
	pd_jw_key(w, key);
	if (minutes < 0) {
		pd_jw_null(w);
		return;
	}
	char s[8];
	snprintf(s, sizeof(s), "%02d:%02d", minutes / 60 % 24, minutes % 60);
	pd_jw_string(w, s);
}

void pd_office_write_json_lang(struct pd_jw *w, const struct pd_office_info *o, const char *lang)
{
	bool en = !lang || lang[0] == 'e', zh = !lang || lang[0] == 'z';
	pd_jw_object_begin(w);
	key_string(w, "id", o->id);
	key_text(w, "name", o->name_en, o->name_zh, lang);
	key_text(w, "address", o->address_en, o->address_zh, lang);
	key_string(w, "telephone", o->telephone);
	if (o->supervision)
		key_string(w, "supervision", o->supervision);
	pd_jw_key(w, "hours");
	if (!o->hours_en && !o->hours_zh && o->open < 0) {
		pd_jw_null(w);
	} else {
		pd_jw_object_begin(w);
		if (en)
			key_string(w, "en", o->hours_en);
		if (zh)
			key_string(w, "zh", o->hours_zh);
		key_string(w, "days", o->working_days_only ? "working_days" : NULL);
		key_clock(w, "open", o->open);
		key_clock(w, "close", o->close);
		pd_jw_object_end(w);
	}
	if (o->website)
		key_string(w, "website", o->website);
	if (o->guidance_en || o->guidance_zh)
		key_text(w, "guidance", o->guidance_en, o->guidance_zh, lang);
	key_string(w, "source", o->source);
	pd_jw_object_end(w);
}

void pd_office_write_json(struct pd_jw *w, const struct pd_office_info *o)
{
	pd_office_write_json_lang(w, o, NULL);
}

static void write_pack(struct pd_jw *w, const struct pd_pack *p,
                       bool (*keep)(const struct pd_office_info *))
{
	size_t n = 0;
	const struct pd_office_info *offices = pd_pack_offices(p, &n);
	pd_jw_object_begin(w);
	key_string(w, "pack", pd_pack_id(p));
	key_string(w, "jurisdiction", pd_pack_jurisdiction(p));
	pd_jw_key(w, "offices");
	pd_jw_array_begin(w);
	for (size_t i = 0; i < n; i++)
		if (!keep || keep(&offices[i]))
			pd_office_write_json(w, &offices[i]);
	pd_jw_array_end(w);
	pd_jw_object_end(w);
}

int pd_pack_offices_write_json(const struct pd_policy *pol, const struct pd_pack *p, bool pretty,
                               struct pd_buf *out)
{
	return pd_pack_offices_write_json_if(pol, p, NULL, pretty, out);
}

int pd_pack_offices_write_json_if(const struct pd_policy *pol, const struct pd_pack *p,
                                  bool (*keep)(const struct pd_office_info *), bool pretty,
                                  struct pd_buf *out)
{
	size_t start = out->len;
	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "packs");
	pd_jw_array_begin(&w);
	if (p) {
		write_pack(&w, p, keep);
	} else {
		for (size_t i = 0; i < pd_policy_pack_count(pol); i++)
			write_pack(&w, pd_policy_pack_at(pol, i), keep);
	}
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	return finish(out, start);
}

/* ---- text ---- */

enum { LANG_BOTH, LANG_EN, LANG_ZH };

static int lang_of(const char *lang)
{
	if (!lang)
		return LANG_BOTH;
	if (strcmp(lang, "en") == 0)
		return LANG_EN;
	if (strcmp(lang, "zh") == 0)
		return LANG_ZH;
	return -1;
}

/* Appends s with control characters turned into spaces: one item, one line. */
static void put(struct pd_buf *b, const char *s)
{
	for (const char *p = s; p && *p; p++) {
		unsigned char c = (unsigned char)*p;
		pd_buf_putc(b, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
}

static void spaces(struct pd_buf *b, size_t n)
{
	while (n-- > 0)
		pd_buf_putc(b, ' ');
}

/* Display columns of a UTF-8 label: CJK characters take two. */
static size_t columns(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		n += *p >= 0xe0 ? 2 : 1;
	}
	return n;
}

/*
 * `indent``label`: value, in the languages asked for.  Both: "Address / 地址: "
 * then the English value and, under it, the Chinese one.  A value the office
 * lacks in one language is shown in the other.
 */
static void item(struct pd_buf *b, int lang, const char *indent, const char *label_en,
                 const char *label_zh, const char *en, const char *zh)
{
	if (!en && !zh)
		return;
	if (!en)
		en = zh;
	if (!zh)
		zh = en;
	put(b, indent);
	size_t width = strlen(indent);
	if (lang != LANG_ZH) {
		put(b, label_en);
		width += columns(label_en);
	}
	if (lang == LANG_BOTH) {
		put(b, " / ");
		width += 3;
	}
	if (lang != LANG_EN) {
		put(b, label_zh);
		width += columns(label_zh);
	}
	put(b, lang == LANG_ZH ? "：" : ": ");
	width += 2;
	put(b, lang == LANG_ZH ? zh : en);
	pd_buf_putc(b, '\n');
	if (lang == LANG_BOTH && strcmp(en, zh) != 0) {
		spaces(b, width);
		put(b, zh);
		pd_buf_putc(b, '\n');
	}
}

int pd_office_write_text(const struct pd_office_info *o, const char *lang, const char *indent,
                         struct pd_buf *out)
{
	int l = lang_of(lang);
	if (l < 0)
		return PD_FAIL(PD_EUSAGE);
	size_t start = out->len;
	char more[64];
	snprintf(more, sizeof(more), "%s  ", indent);
	for (int k = 0; k < 2; k++) {
		bool zh = k == 1;
		if (l == (zh ? LANG_EN : LANG_ZH))
			continue;
		put(out, zh && l == LANG_BOTH ? more : indent);
		put(out, zh ? o->name_zh : o->name_en);
		if (!zh || l == LANG_ZH) {
			put(out, " [");
			put(out, o->source);
			put(out, "]");
		}
		pd_buf_putc(out, '\n');
	}
	item(out, l, more, "Address", "地址", o->address_en, o->address_zh);
	item(out, l, more, "Hours", "办公时间", o->hours_en, o->hours_zh);
	item(out, l, more, "Telephone", "电话", o->telephone, NULL);
	item(out, l, more, "Supervision telephone", "监督电话", o->supervision, NULL);
	item(out, l, more, "Website", "网站", o->website, NULL);
	item(out, l, more, "How to apply", "办理须知", o->guidance_en, o->guidance_zh);
	return finish(out, start);
}

int pd_pack_offices_write_text(const struct pd_policy *pol, const struct pd_pack *p,
                               const char *lang, struct pd_buf *out)
{
	int l = lang_of(lang);
	if (l < 0)
		return PD_FAIL(PD_EUSAGE);
	size_t start = out->len;
	size_t count = p ? 1 : pd_policy_pack_count(pol);
	for (size_t i = 0; i < count; i++) {
		const struct pd_pack *pk = p ? p : pd_policy_pack_at(pol, i);
		size_t n = 0;
		const struct pd_office_info *offices = pd_pack_offices(pk, &n);
		if (i)
			pd_buf_putc(out, '\n');
		if (l != LANG_ZH)
			put(out, pd_pack_title(pk, "en"));
		if (l == LANG_BOTH)
			put(out, " / ");
		if (l != LANG_EN)
			put(out, pd_pack_title(pk, "zh"));
		put(out, " (");
		put(out, pd_pack_id(pk));
		put(out, ")");
		pd_buf_putc(out, '\n');
		if (n == 0) {
			put(out, l == LANG_ZH ? "  （本政策包未列明受理机构）"
			         : l == LANG_EN
			             ? "  (the pack names no office)"
			             : "  (the pack names no office / 本政策包未列明受理机构)");
			pd_buf_putc(out, '\n');
		}
		for (size_t j = 0; j < n; j++)
			pd_office_write_text(&offices[j], lang, "  ", out);
	}
	return finish(out, start);
}
