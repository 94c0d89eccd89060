/*
 * result_text.c: struct pd_result as a readable checklist, in English,
 * Chinese, or both (`permitdesk check --format text`).
 *
 * The same facts as the JSON of format.md §2, in the order a counter officer
 * or an applicant reads them, the decision and its reason first: the verdict
 * in words and what it means; for an ineligible result, Why / 原因 (the
 * conditions not met); for an undecided one, Questions / 待确认事项; then
 * jurisdiction, date and policy; then the sections Materials / 所需材料,
 * Questions (when not shown first), Limits / 最长期限, Fee / 费用,
 * Deposit / 保证金, Dates / 日期, Representation / 代办, Findings / 审查要点
 * (Other findings / 其他审查要点 after a Why), Notices / 注意事项 and Where
 * to apply / 在哪里申请 (the pack's offices).  Each text once: Findings
 * leave out the reasons shown first, the rules whose notice is printed, and
 * the texts the fee, deposit and representation sections print.  A section
 * with nothing to show is left out.
 *
 * One item per line, nothing wrapped.  With both languages a short line is an
 * "English / 中文" pair ("Apply by / 申请截止日: 2026-03-20"); an item with
 * prose is an English line followed by its Chinese line, indented under the
 * English text.  Sources stand in brackets at the end of a line.
 *
 * Materials carry a mark: [x] provided, [ ] missing, [!] present but not
 * acceptable (expired, needs notarization, legalization or translation,
 * invalid), followed by the status in words.  Findings carry their outcome
 * ([pass] [fail] [?] [info]; [通过] [不通过] [待定] [说明]).
 */
#include <string.h>

#include "permitdesk/codec.h"

enum { LANG_BOTH, LANG_EN, LANG_ZH };

struct tw {
	struct pd_buf *b;
	int lang;
};

/* ---- small output helpers ---- */

/*
 * Appends s with control characters (a newline in a computed detail, an
 * escape sequence in a string from the input) turned into spaces: one item
 * stays on one line and nothing reaches a terminal as a command.
 */
static void put(struct tw *t, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != 0x7f)
			continue;
		pd_buf_append(t->b, run, (size_t)(p - run));
		pd_buf_putc(t->b, ' ');
		run = p + 1;
	}
	pd_buf_append(t->b, run, strlen(run));
}

static void putn(struct tw *t, const char *s, size_t n)
{
	pd_buf_append(t->b, s, n);
}

static void nl(struct tw *t)
{
	pd_buf_putc(t->b, '\n');
}

static void spaces(struct tw *t, size_t n)
{
	static const char sp[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		putn(t, sp, k);
		n -= k;
	}
}

/* Decimal digits of v into dst (at least 21 bytes), NUL-terminated; returns the length. */
static size_t fmt_int(char *dst, long long v)
{
	char tmp[24];
	char *end = tmp + sizeof(tmp);
	char *p = end;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	size_t n = (size_t)(end - p);
	memcpy(dst, p, n);
	dst[n] = '\0';
	return n;
}

/* A short value built on the stack: "180 days", "人民币160元". */
struct sval {
	char s[160];
	size_t n;
};

static void sv_puts(struct sval *v, const char *s)
{
	size_t k = strlen(s);
	if (k > sizeof(v->s) - 1 - v->n)
		k = sizeof(v->s) - 1 - v->n;
	memcpy(v->s + v->n, s, k);
	v->n += k;
	v->s[v->n] = '\0';
}

static void sv_int(struct sval *v, long long x)
{
	char d[24];
	fmt_int(d, x);
	sv_puts(v, d);
}

static void sv_date(struct sval *v, pd_date d)
{
	char s[11];
	pd_date_format(d, s);
	sv_puts(v, s);
}

static void sv_init(struct sval *v)
{
	v->n = 0;
	v->s[0] = '\0';
}

/* ---- languages ---- */

static bool wants(const struct tw *t, bool zh)
{
	return t->lang == LANG_BOTH || t->lang == (zh ? LANG_ZH : LANG_EN);
}

/* The Chinese line of a pair is a continuation: no prefix, no source. */
static bool continuation(const struct tw *t, bool zh)
{
	return zh && t->lang == LANG_BOTH;
}

static const char *text_of(const struct pd_text *x, bool zh)
{
	if (!x)
		return NULL;
	return zh ? x->zh : x->en;
}

/* Starts an item line: its prefix ("  3. [ ] "), or as many spaces under it. */
static void line_begin(struct tw *t, bool zh, const char *prefix)
{
	if (continuation(t, zh))
		spaces(t, strlen(prefix));
	else
		put(t, prefix);
}

/* " [source]" at the end of the first line of an item. */
static void source_end(struct tw *t, bool zh, const char *source)
{
	if (!source || !source[0] || continuation(t, zh))
		return;
	put(t, " [");
	put(t, source);
	put(t, "]");
}

static void heading(struct tw *t, const char *en, const char *zh)
{
	nl(t);
	if (t->lang != LANG_ZH)
		put(t, en);
	if (t->lang == LANG_BOTH)
		put(t, " / ");
	if (t->lang != LANG_EN)
		put(t, zh);
	nl(t);
}

/*
 * "  Label: value [source]", "  标签：值", or "  Label / 标签: value / 值" with both
 * languages (one value when both are the same).
 */
static void kv(struct tw *t, const char *indent, const char *label_en, const char *label_zh,
               const char *value_en, const char *value_zh, const char *source)
{
	put(t, indent);
	switch (t->lang) {
	case LANG_EN:
		put(t, label_en);
		put(t, ": ");
		put(t, value_en);
		break;
	case LANG_ZH:
		put(t, label_zh);
		put(t, "：");
		put(t, value_zh);
		break;
	default:
		put(t, label_en);
		put(t, " / ");
		put(t, label_zh);
		put(t, ": ");
		put(t, value_en);
		if (strcmp(value_en, value_zh) != 0) {
			put(t, " / ");
			put(t, value_zh);
		}
		break;
	}
	source_end(t, false, source);
	nl(t);
}

/* The policy text of a section, one line per language (English falls in for missing Chinese). */
static void prose(struct tw *t, const char *indent, const struct pd_text *x)
{
	for (int k = 0; k < 2; k++) {
		bool zh = k == 1;
		if (!wants(t, zh))
			continue;
		const char *s = text_of(x, zh);
		if (!s && zh && t->lang == LANG_ZH)
			s = text_of(x, false);
		if (!s || !s[0])
			continue;
		put(t, indent);
		put(t, s);
		nl(t);
	}
}

/* ---- words ---- */

static const char *const verdict_en[] = {"Eligible", "Incomplete", "More information needed",
                                         "Ineligible"};
static const char *const verdict_zh[] = {"符合条件", "材料不全", "待补充信息", "不符合条件"};
static const char *const verdict_note_en[] = {
    "All conditions are met and every required material is acceptable.",
    ("Eligible on the facts given; supply the materials marked [ ] or [!] below. "
     "This list of materials is complete."),
    "Nothing fails so far; the answers to the questions below are needed to decide.",
    "A condition is not met; why:",
};
static const char *const verdict_note_zh[] = {
    "符合办理条件，所需材料齐全。",
    "按所填情况符合条件，请补齐下列标注 [ ] 或 [!] 的材料。以下材料清单为一次性告知。",
    "目前未发现不符合条件之处，需回答下列待确认事项后方可判断。",
    "不符合办理条件，原因如下：",
};

static const char *const mstatus_en[] = {
    "provided",           "missing",           "expired", "needs notarization",
    "needs legalization", "needs translation", "invalid"};
static const char *const mstatus_zh[] = {"已提供", "缺少",   "已过期", "需公证",
                                         "需认证", "需翻译", "无效"};

static const char *const outcome_en[] = {"[pass] ", "[fail] ", "[?] ", "[info] "};
static const char *const outcome_zh[] = {"[通过] ", "[不通过] ", "[待定] ", "[说明] "};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- sections ---- */

/* What the result is about: jurisdiction, date, policy (after the verdict). */
static void write_about(struct tw *t, const struct pd_result *r)
{
	nl(t);
	char date[11] = "";
	if (r->date != PD_DATE_NONE)
		pd_date_format(r->date, date);
	const char *jur = r->jurisdiction ? r->jurisdiction : "";
	kv(t, "", "Jurisdiction", "管辖地", jur, jur, NULL);
	kv(t, "", "Date", "申请日期", date, date, NULL);

	struct sval pen, pzh;
	sv_init(&pen);
	sv_init(&pzh);
	sv_puts(&pen, r->pack ? r->pack : "");
	sv_puts(&pzh, r->pack ? r->pack : "");
	if (r->version && r->version[0]) {
		sv_puts(&pen, ", version ");
		sv_puts(&pen, r->version);
		sv_puts(&pzh, "，版本 ");
		sv_puts(&pzh, r->version);
	}
	if (t->lang == LANG_BOTH) {
		/* One value for both: the version is not translated. */
		kv(t, "", "Policy", "政策", pen.s, pen.s, NULL);
	} else {
		kv(t, "", "Policy", "政策", pen.s, pzh.s, NULL);
	}
}

/* The first lines: the verdict in words and what it means. */
static void write_verdict(struct tw *t, const struct pd_result *r)
{
	unsigned v = (unsigned)r->verdict < COUNT(verdict_en) ? (unsigned)r->verdict : 2;
	kv(t, "", "Verdict", "结论", verdict_en[v], verdict_zh[v], NULL);
	if (wants(t, false)) {
		put(t, verdict_note_en[v]);
		nl(t);
	}
	if (wants(t, true)) {
		put(t, verdict_note_zh[v]);
		nl(t);
	}
}

static bool needs_attention(enum pd_mstatus s)
{
	return s != PD_MAT_PROVIDED && s != PD_MAT_MISSING;
}

/* " (if: label; label)" / "（视情况：标签；标签）" for a conditional material. */
static void conditional_labels(struct tw *t, bool zh, const struct pd_factset *fs)
{
	bool first = true;
	for (int i = 0; i < PD_FACTSET_WORDS; i++) {
		uint64_t bits = fs->w[i];
		while (bits) {
			int f = i * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			if (f >= PD_FACT_COUNT)
				continue;
			if (first)
				put(t, zh ? "（视情况：" : " (if: ");
			else
				put(t, zh ? "；" : "; ");
			put(t, zh ? pd_facts[f].zh : pd_facts[f].en);
			first = false;
		}
	}
	if (!first)
		put(t, zh ? "）" : ")");
}

/* The options of an alternative, one line each under the item ("or: ..." / "或：..."),
 * the one that satisfies it marked [x], one not acceptable with its status and why. */
static void write_options(struct tw *t, const struct pd_material *m)
{
	for (size_t i = 0; i < m->n_options; i++) {
		const struct pd_material_option *o = &m->options[i];
		unsigned st =
		    (unsigned)o->status < COUNT(mstatus_en) ? (unsigned)o->status : PD_MAT_INVALID;
		const char *prefix = st == PD_MAT_PROVIDED  ? "       [x] "
		                     : st == PD_MAT_MISSING ? "       [ ] "
		                                            : "       [!] ";
		for (int k = 0; k < 2; k++) {
			bool zh = k == 1;
			if (!wants(t, zh))
				continue;
			const char *name = text_of(o->text, zh);
			line_begin(t, zh, prefix);
			put(t, i ? (zh ? "或：" : "or: ") : (zh ? "可为：" : "either: "));
			put(t, name ? name : o->id);
			if (needs_attention(st)) {
				put(t, " — ");
				put(t, zh ? mstatus_zh[st] : mstatus_en[st]);
				const char *detail = zh ? o->detail_zh : o->detail_en;
				if (detail) {
					put(t, zh ? "：" : ": ");
					put(t, detail);
				}
			}
			nl(t);
		}
	}
}

static void write_materials(struct tw *t, const struct pd_result *r)
{
	if (r->n_materials == 0)
		return;
	heading(t, "Materials", "所需材料");
	for (size_t i = 0; i < r->n_materials; i++) {
		const struct pd_material *m = &r->materials[i];
		unsigned st =
		    (unsigned)m->status < COUNT(mstatus_en) ? (unsigned)m->status : PD_MAT_INVALID;
		char prefix[48];
		size_t n = 0;
		memcpy(prefix, "  ", 2);
		n = 2 + fmt_int(prefix + 2, (long long)i + 1);
		const char *mark = st == PD_MAT_PROVIDED  ? ". [x] "
		                   : st == PD_MAT_MISSING ? ". [ ] "
		                                          : ". [!] ";
		memcpy(prefix + n, mark, strlen(mark) + 1);

		for (int k = 0; k < 2; k++) {
			bool zh = k == 1;
			if (!wants(t, zh))
				continue;
			const char *name = text_of(m->text, zh);
			const char *detail = zh ? m->detail_zh : m->detail_en;
			if (continuation(t, zh) && !name && !detail)
				continue;
			if (!name)
				name = text_of(m->text, false);
			if (!name)
				name = m->id;
			line_begin(t, zh, prefix);
			put(t, name);
			if (needs_attention(st)) {
				put(t, " — ");
				put(t, zh ? mstatus_zh[st] : mstatus_en[st]);
			}
			if (detail) {
				put(t, needs_attention(st) ? (zh ? "：" : ": ") : " — ");
				put(t, detail);
			}
			conditional_labels(t, zh, &m->conditional);
			source_end(t, zh, m->origin.source);
			nl(t);
		}
		write_options(t, m);
	}
}

static void write_questions(struct tw *t, const struct pd_result *r)
{
	if (r->n_questions == 0)
		return;
	heading(t, "Questions", "待确认事项");
	for (size_t i = 0; i < r->n_questions; i++) {
		int q = r->questions[i];
		if (q < 0 || q >= PD_FACT_COUNT)
			continue;
		for (int k = 0; k < 2; k++) {
			bool zh = k == 1;
			if (!wants(t, zh))
				continue;
			line_begin(t, zh, "  - ");
			put(t, zh ? pd_facts[q].zh : pd_facts[q].en);
			source_end(t, zh, pd_facts[q].path);
			nl(t);
		}
	}
}

/* "180 days" / "180天" */
static void days_value(struct sval *en, struct sval *zh, int32_t days, bool working)
{
	sv_init(en);
	sv_init(zh);
	sv_int(en, days);
	sv_puts(en, working ? (days == 1 ? " working day" : " working days")
	                    : (days == 1 ? " day" : " days"));
	sv_int(zh, days);
	sv_puts(zh, working ? "个工作日" : "天");
}

static void write_limits(struct tw *t, const struct pd_result *r)
{
	bool have_max = r->limits.max_days >= 0;
	bool have_visa = r->limits.max_visa_validity_days >= 0;
	bool have_until = r->limits.valid_until_max != PD_DATE_NONE;
	if (!have_max && !have_visa && !have_until)
		return;
	heading(t, "Limits", "最长期限");
	struct sval en, zh;
	if (have_max) {
		days_value(&en, &zh, r->limits.max_days, false);
		kv(t, "  ", "Longest stay or validity", "最长停留期或有效期", en.s, zh.s,
		   r->limits.max_days_origin.source);
	}
	if (have_visa) {
		days_value(&en, &zh, r->limits.max_visa_validity_days, false);
		kv(t, "  ", "Longest visa validity", "签证最长有效期", en.s, zh.s,
		   r->limits.max_visa_validity_origin.source);
	}
	if (have_until) {
		sv_init(&en);
		sv_date(&en, r->limits.valid_until_max);
		kv(t, "  ", "Valid until at most", "有效期最迟至", en.s, en.s,
		   r->limits.valid_until_origin.source);
	}
}

static void write_fee(struct tw *t, const struct pd_result *r)
{
	if (!r->fee.present)
		return;
	heading(t, "Fee", "费用");
	struct sval en, zh;
	sv_init(&en);
	sv_init(&zh);
	if (r->fee.known) {
		sv_puts(&en, "CNY ");
		sv_int(&en, r->fee.cny);
		sv_puts(&zh, "人民币");
		sv_int(&zh, r->fee.cny);
		sv_puts(&zh, "元");
		if (r->fee.per_person) {
			sv_puts(&en, r->fee.persons == 1 ? " (per person, 1 person)" : " (");
			sv_puts(&zh, "（每人");
			sv_int(&zh, r->fee.per_person_cny);
			sv_puts(&zh, "元，共");
			sv_int(&zh, r->fee.persons);
			sv_puts(&zh, "人）");
			if (r->fee.persons != 1) {
				sv_int(&en, r->fee.persons);
				sv_puts(&en, " persons at CNY ");
				sv_int(&en, r->fee.per_person_cny);
				sv_puts(&en, " each)");
			}
		}
	} else {
		sv_puts(&en, "to be confirmed");
		sv_puts(&zh, "待定");
	}
	if (r->fee.dated) {
		char day[11];
		pd_date_format(r->fee.since, day);
		sv_puts(&en, " (the figure in force from ");
		sv_puts(&en, day);
		sv_puts(&en, ")");
		sv_puts(&zh, "（");
		sv_puts(&zh, day);
		sv_puts(&zh, "起执行的标准）");
	}
	kv(t, "  ", "Amount", "金额", en.s, zh.s, r->fee.origin.source);
	prose(t, "  ", r->fee.text);
}

static void write_deposit(struct tw *t, const struct pd_result *r)
{
	if (!r->deposit.present)
		return;
	heading(t, "Deposit", "保证金");
	struct sval en, zh;
	sv_init(&en);
	sv_init(&zh);
	sv_puts(&en, "CNY ");
	sv_int(&en, r->deposit.cny);
	sv_puts(&zh, "人民币");
	sv_int(&zh, r->deposit.cny);
	sv_puts(&zh, "元");
	kv(t, "  ", "Amount", "金额", en.s, zh.s, r->deposit.origin.source);
	if (r->deposit.frozen_days >= 0) {
		days_value(&en, &zh, r->deposit.frozen_days, false);
		kv(t, "  ", "Frozen for", "冻结期限", en.s, zh.s, NULL);
	}
	prose(t, "  ", r->deposit.text);
}

/* "2026-03-16 (10 working days)" / "2026-03-16（10个工作日）" */
static void date_line(struct tw *t, const char *label_en, const char *label_zh, pd_date d,
                      int32_t working_days, const char *source)
{
	struct sval en, zh;
	sv_init(&en);
	sv_init(&zh);
	sv_date(&en, d);
	sv_date(&zh, d);
	if (working_days >= 0) {
		struct sval den, dzh;
		days_value(&den, &dzh, working_days, true);
		sv_puts(&en, " (");
		sv_puts(&en, den.s);
		if (t->lang == LANG_BOTH) {
			/* "2026-03-16 (10 working days / 10个工作日)": the date once. */
			sv_puts(&en, " / ");
			sv_puts(&en, dzh.s);
		}
		sv_puts(&en, ")");
		sv_puts(&zh, "（");
		sv_puts(&zh, dzh.s);
		sv_puts(&zh, "）");
		if (t->lang == LANG_BOTH)
			zh = en;
	}
	kv(t, "  ", label_en, label_zh, en.s, zh.s, source);
}

static void write_dates(struct tw *t, const struct pd_result *r)
{
	bool have_apply = r->dates.apply_by != PD_DATE_NONE;
	bool have_decision = r->dates.decision_by != PD_DATE_NONE;
	bool have_receipt = r->dates.receipt_valid_until != PD_DATE_NONE;
	if (!have_apply && !have_decision && !have_receipt && !r->dates.provisional)
		return;
	heading(t, "Dates", "日期");
	if (have_apply)
		date_line(t, "Apply by", "申请截止日", r->dates.apply_by, -1,
		          r->dates.apply_by_origin.source);
	if (have_decision)
		date_line(t, "Decision by", "审批办结日", r->dates.decision_by,
		          r->dates.processing_days, r->dates.decision_origin.source);
	if (have_receipt)
		date_line(t, "Receipt valid until", "受理回执有效期至",
		          r->dates.receipt_valid_until, r->dates.receipt_days,
		          r->dates.receipt_origin.source);
	if (r->dates.provisional) {
		static const struct pd_text provisional = {
		    .en = "Provisional: counted through a year whose official holidays are not "
		          "yet published; check again when they are.",
		    .zh = "暂定：计算涉及尚未公布节假日安排的年份，公布后请重新核对。",
		};
		prose(t, "  ", &provisional);
	}
}

static void tristate_value(int8_t v, const char *yes_zh, const char *no_zh, const char **en,
                           const char **zh)
{
	if (v > 0) {
		*en = "yes";
		*zh = yes_zh;
	} else if (v == 0) {
		*en = "no";
		*zh = no_zh;
	} else {
		*en = "not decided";
		*zh = "待定";
	}
}

static void write_representation(struct tw *t, const struct pd_result *r)
{
	if (!r->representation.present)
		return;
	heading(t, "Representation", "代办");
	const char *en, *zh;
	tristate_value(r->representation.agent_allowed, "可以", "不可以", &en, &zh);
	kv(t, "  ", "Agent may apply", "可否由他人代办", en, zh, r->representation.origin.source);
	tristate_value(r->representation.in_person_required, "是", "否", &en, &zh);
	kv(t, "  ", "Applicant must appear in person", "是否须本人到场", en, zh, NULL);
	prose(t, "  ", r->representation.text);
}

/* A finding shown as the reason for the verdict: a failed condition of an
 * ineligible result. */
static bool is_reason(const struct pd_result *r, const struct pd_finding *f)
{
	return r->verdict == PD_VERDICT_INELIGIBLE && f->outcome == PD_OUTCOME_FAIL;
}

/* An informational finding printed elsewhere already: the rule that gave a
 * notice (the notice is printed, once), or the text of the fee, the deposit
 * or the representation, printed in its section. */
static bool printed_elsewhere(const struct pd_result *r, const struct pd_finding *f)
{
	if (f->outcome != PD_OUTCOME_INFO)
		return false;
	if (f->text && (f->text == r->fee.text || f->text == r->deposit.text ||
	                f->text == r->representation.text))
		return true;
	for (size_t i = 0; i < r->n_notices && f->origin.rule; i++)
		if (r->notices[i].origin.rule &&
		    strcmp(r->notices[i].origin.rule, f->origin.rule) == 0)
			return true;
	return false;
}

/* The findings `reasons` selects (the reasons for the verdict, or the others),
 * under their heading; none, no heading. */
static void write_findings(struct tw *t, const struct pd_result *r, bool reasons,
                           const char *head_en, const char *head_zh)
{
	bool any = false;
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct pd_finding *f = &r->findings[i];
		if (is_reason(r, f) != reasons || (!reasons && printed_elsewhere(r, f)))
			continue;
		if (!any)
			heading(t, head_en, head_zh);
		any = true;
		unsigned o = (unsigned)f->outcome < COUNT(outcome_en) ? (unsigned)f->outcome
		                                                      : PD_OUTCOME_UNKNOWN;
		char prefix[32] = "  ";
		const char *mark = t->lang == LANG_ZH ? outcome_zh[o] : outcome_en[o];
		memcpy(prefix + 2, mark, strlen(mark) + 1);
		for (int k = 0; k < 2; k++) {
			bool zh = k == 1;
			if (!wants(t, zh))
				continue;
			const char *s = text_of(f->text, zh);
			const char *detail = zh ? f->detail_zh : f->detail_en;
			if (continuation(t, zh) && !s && !detail)
				continue;
			if (!s)
				s = text_of(f->text, false);
			if (!s)
				s = f->origin.rule;
			line_begin(t, zh, prefix);
			put(t, s);
			if (detail) {
				put(t, " — ");
				put(t, detail);
			}
			source_end(t, zh, f->origin.source);
			nl(t);
		}
	}
}

static void write_notices(struct tw *t, const struct pd_result *r)
{
	if (r->n_notices == 0)
		return;
	heading(t, "Notices", "注意事项");
	for (size_t i = 0; i < r->n_notices; i++) {
		const struct pd_notice *n = &r->notices[i];
		for (int k = 0; k < 2; k++) {
			bool zh = k == 1;
			if (!wants(t, zh))
				continue;
			const char *s = text_of(n->text, zh);
			if (continuation(t, zh) && !s)
				continue;
			if (!s)
				s = text_of(n->text, false);
			if (!s)
				s = n->id;
			line_begin(t, zh, "  - ");
			put(t, s);
			source_end(t, zh, n->origin.source);
			nl(t);
		}
	}
}

/* Where to apply: each office of the pack, as pd_office_write_text() lays it out. */
static void write_offices(struct tw *t, const struct pd_result *r, const char *lang)
{
	if (r->n_offices == 0)
		return;
	heading(t, "Where to apply", "在哪里申请");
	for (size_t i = 0; i < r->n_offices; i++)
		if (pd_office_write_text(&r->offices[i], lang, "  ", t->b) != 0)
			t->b->failed = true;
}

int pd_result_write_text(const struct pd_result *r, const char *lang, struct pd_buf *out)
{
	struct tw t = {.b = out, .lang = LANG_BOTH};
	if (lang && strcmp(lang, "en") == 0)
		t.lang = LANG_EN;
	else if (lang && strcmp(lang, "zh") == 0)
		t.lang = LANG_ZH;
	else if (lang)
		return PD_FAIL(PD_EUSAGE);

	size_t start = out->len;
	/* The decision and why first: an ineligible result's failed conditions; an
	 * undecided one's questions; an incomplete one's materials. */
	bool ineligible = r->verdict == PD_VERDICT_INELIGIBLE;
	write_verdict(&t, r);
	write_findings(&t, r, true, "Why", "原因");
	if (r->verdict == PD_VERDICT_UNKNOWN)
		write_questions(&t, r);
	write_about(&t, r);
	write_materials(&t, r);
	if (r->verdict != PD_VERDICT_UNKNOWN)
		write_questions(&t, r);
	write_limits(&t, r);
	write_fee(&t, r);
	write_deposit(&t, r);
	write_dates(&t, r);
	write_representation(&t, r);
	write_findings(&t, r, false, ineligible ? "Other findings" : "Findings",
	               ineligible ? "其他审查要点" : "审查要点");
	write_notices(&t, r);
	write_offices(&t, r, lang);

	if (out->failed) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return PD_FAIL(PD_ENOMEM);
	}
	return 0;
}
