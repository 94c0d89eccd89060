/*
 * papers.c: what each paper says (paper.h), read from the case view JSON the
 * workflow writes, or from a result (which is written as JSON and read back
 * the same way, so that every paper has one source of data).  The JSON is
 * read with the codec's tree reader (pd_json_parse, over the tokens of
 * the case decoder).  The page itself is layout.c's.
 *
 * The papers state only what the case, its result and its pack say: the
 * offices are the result's "offices", the legal texts its findings and
 * notices with their citations.  The words here are labels: field names,
 * and the statuses, verdicts and decisions in English and Chinese.
 */
#include <stdio.h>
#include <string.h>

#include "codec/json_read.h"
#include "paper_int.h"
#include "permitdesk/case.h"
#include "permitdesk/codec.h"
#include "permitdesk/paper.h"

static const char *const paper_words[] = {
#define PD_X_PAPER(name, word) word,
    PD_PAPER_MAP(PD_X_PAPER)
#undef PD_X_PAPER
};

const char *pd_paper_name(enum pd_paper p)
{
	return (unsigned)p < PD_PAPER_COUNT ? paper_words[p] : "?";
}

int pd_paper_parse(const char *word, enum pd_paper *out)
{
	for (int i = 0; i < PD_PAPER_COUNT; i++)
		if (word && strcmp(word, paper_words[i]) == 0) {
			*out = (enum pd_paper)i;
			return 0;
		}
	return -1;
}

/* ---- labels ---- */

struct label3 {
	const char *word, *en, *zh;
};

static const struct label3 status_labels[] = {
    {"provided", "provided", "已提供"},
    {"missing", "missing", "缺少"},
    {"expired", "expired", "已过期"},
    {"needs_notarization", "needs notarization", "需公证"},
    {"needs_legalization", "needs legalization", "需认证"},
    {"needs_translation", "needs translation", "需翻译"},
    {"invalid", "invalid", "无效"},
};

static const struct label3 verdict_labels[] = {
    {"eligible", "Eligible", "符合条件"},
    {"incomplete", "Incomplete: materials to bring", "材料不全"},
    {"unknown", "More information needed", "待补充信息"},
    {"ineligible", "Not eligible", "不符合条件"},
};

static const struct label3 decision_labels[] = {
    {"approve", "Approval", "准予许可"},
    {"reject", "Refusal", "不予许可"},
    {"revoke", "Revocation", "撤销"},
};

static const struct label3 collect_labels[] = {
    {"in_person", "in person, with the receipt of acceptance", "凭受理回执本人领取"},
    {"post", "by post", "邮寄送达"},
};

static const struct label3 ground_labels[] = {
    {"failed_verification", "the verification did not pass", "核查未通过"},
    {"unreachable_telephone", "a telephone could not be reached", "联系电话无法接通"},
    {"missed_interview", "the interview was missed", "未按时接受面谈"},
};

/* The label of a word in a table, or the word itself when the table lacks it. */
static const char *label_of(const struct label3 *t, size_t n, const char *word, bool zh)
{
	for (size_t i = 0; word && i < n; i++)
		if (strcmp(t[i].word, word) == 0)
			return zh ? t[i].zh : t[i].en;
	return word;
}
#define LABEL(table, word, zh) label_of((table), sizeof(table) / sizeof((table)[0]), (word), (zh))

/* ---- reading the view ---- */

static const struct pd_json_node *at(const struct pd_json_node *n, const char *path)
{
	char key[64];
	while (n && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		n = pd_json_member(n, key);
		path += len + (dot ? 1 : 0);
	}
	return n;
}

/* A string (or a number, as written) at path, else NULL. */
static const char *str_at(const struct pd_json_node *n, const char *path)
{
	n = at(n, path);
	return n && (n->kind == PD_JSON_STRING || n->kind == PD_JSON_NUMBER) ? n->str : NULL;
}

static const struct pd_json_node *last_of(const struct pd_json_node *array)
{
	const struct pd_json_node *last = NULL;
	for (const struct pd_json_node *c = array ? array->child : NULL; c; c = c->next)
		last = c;
	return last;
}

/* "Visa, extension, Q2" from the application facts, in one language. */
static void applied_for(const struct pd_json_node *facts, bool zh, char *buf, size_t size)
{
	static const struct {
		const char *path;
		enum pd_vocab_id vocab;
	} parts[] = {
	    {"application.document", PD_VOCAB_DOCUMENT},
	    {"application.action", PD_VOCAB_ACTION},
	    {"application.purpose", PD_VOCAB_PURPOSE},
	    {"application.visa_type", PD_VOCAB_VISA_TYPE},
	};
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const char *w = str_at(facts, parts[i].path);
		int k = w ? pd_vocab_find(parts[i].vocab, w, strlen(w)) : -1;
		if (k < 0)
			continue;
		const char *label = pd_vocab_label(parts[i].vocab, k, zh ? "zh" : "en");
		if (n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			                      n ? (zh ? "，" : ", ") : "", label);
	}
}

/* ---- blocks shared by the papers ---- */

static void field_text(struct flow *f, const char *label_en, const char *label_zh,
                       const struct pd_json_node *text)
{
	flow_field(f, label_en, label_zh, str_at(text, "en"), str_at(text, "zh"));
}

/* The applicant, passport and application of a case's facts. */
static void applicant_block(struct flow *f, const struct pd_json_node *facts)
{
	flow_field(f, "Applicant", "申请人", str_at(facts, "applicant.name"), NULL);
	const char *passport = str_at(facts, "applicant.passport.number");
	flow_field(f, "Passport number", "护照号码", passport ? passport : "not given",
	           passport ? NULL : "未提供");
	char en[256], zh[256];
	applied_for(facts, false, en, sizeof(en));
	applied_for(facts, true, zh, sizeof(zh));
	flow_field(f, "Applied for", "申请事项", en[0] ? en : "not given", zh[0] ? zh : "未提供");
}

/* Where to apply or to come back: each office of the result. */
static void offices_block(struct flow *f, const struct pd_json_node *result, const char *en,
                          const char *zh)
{
	flow_heading(f, en, zh);
	const struct pd_json_node *offices = pd_json_member(result, "offices");
	if (!offices || offices->count == 0) {
		flow_text(
		    f, 0, 0,
		    "The policy names no office for this case: ask at the counter that accepted "
		    "it.",
		    10, false, 0);
		flow_text(f, 0, 0, "政策未列明受理机构：请向受理窗口咨询。", 10, false, 0);
		return;
	}
	for (const struct pd_json_node *o = offices->child; o; o = o->next) {
		char source[200];
		snprintf(source, sizeof(source), "[%s]",
		         str_at(o, "source") ? str_at(o, "source") : "");
		field_text(f, "Office", "受理机构", pd_json_member(o, "name"));
		field_text(f, "Address", "地址", pd_json_member(o, "address"));
		field_text(f, "Hours", "办公时间", pd_json_member(o, "hours"));
		flow_field(f, "Telephone", "电话", str_at(o, "telephone"), NULL);
		flow_field(f, "Supervision telephone", "监督电话", str_at(o, "supervision"), NULL);
		flow_field(f, "Website", "网站", str_at(o, "website"), NULL);
		field_text(f, "How to apply", "办理须知", pd_json_member(o, "guidance"));
		flow_field(f, "Source", "依据", source, NULL);
		flow_space(f, 4);
	}
}

/* "Needed only if: question; … / 视情况：问题；…" for a material that hangs on
 * unknown facts (its "conditional" fact paths), with the facts' questions. */
static void conditional_line(struct flow *f, const struct pd_json_node *paths)
{
	char en[1024] = "", zh[1024] = "";
	size_t ne = 0, nz = 0;
	for (const struct pd_json_node *p = paths ? paths->child : NULL; p; p = p->next) {
		int k = p->str ? pd_fact_find(p->str, p->len) : -1;
		const char *q_en = k >= 0 ? pd_facts[k].en : p->str,
		           *q_zh = k >= 0 ? pd_facts[k].zh : p->str;
		if (!q_en || ne >= sizeof(en) || nz >= sizeof(zh))
			break;
		ne += (size_t)snprintf(en + ne, sizeof(en) - ne, "%s%s", ne ? "; " : "", q_en);
		nz += (size_t)snprintf(zh + nz, sizeof(zh) - nz, "%s%s", nz ? "；" : "", q_zh);
	}
	if (!ne)
		return;
	char line[2200];
	snprintf(line, sizeof(line), "Needed only if it applies: %s / 视情况需要：%s", en, zh);
	flow_text(f, 16, 0, line, 9, false, 0.3);
}

/* One item of a list: "n. English [source]" then the Chinese, then what it
 * hangs on (conditional), then why (its detail, or `why` when it has none). */
static void item_why(struct flow *f, int n, const char *mark_en, const char *mark_zh,
                     const struct pd_json_node *x, const struct pd_json_node *why)
{
	char head[2048];
	const char *source = str_at(x, "source");
	snprintf(head, sizeof(head), "%d. %s%s%s%s%s%s%s", n, mark_en ? "[" : "",
	         mark_en ? mark_en : "", mark_en ? "] " : "",
	         str_at(x, "en") ? str_at(x, "en") : str_at(x, "id"), source ? "  [" : "",
	         source ? source : "", source ? "]" : "");
	flow_text(f, 0, 0, head, 10, false, 0);
	if (str_at(x, "zh")) {
		char zh[2048];
		snprintf(zh, sizeof(zh), "%s%s%s", mark_zh ? "【" : "", mark_zh ? mark_zh : "",
		         mark_zh ? "】" : "");
		size_t k = strlen(zh);
		snprintf(zh + k, sizeof(zh) - k, "%s", str_at(x, "zh"));
		flow_text(f, 16, 0, zh, 10, false, 0);
	}
	conditional_line(f, pd_json_member(x, "conditional"));
	const struct pd_json_node *d = pd_json_member(x, "detail");
	if (!d)
		d = why;
	if (d) {
		char line[2048];
		snprintf(line, sizeof(line), "Why: %s / 原因：%s",
		         str_at(d, "en") ? str_at(d, "en") : "",
		         str_at(d, "zh") ? str_at(d, "zh") : "");
		flow_text(f, 16, 0, line, 9, false, 0.3);
	}
	flow_space(f, 4);
}

static void item(struct flow *f, int n, const char *mark_en, const char *mark_zh,
                 const struct pd_json_node *x)
{
	item_why(f, n, mark_en, mark_zh, x, NULL);
}

/*
 * Why a material of a one-time notice is not acceptable: its own detail, or,
 * for a notice stored without details, the detail the latest result gives
 * the same material in the same status.
 */
static const struct pd_json_node *detail_of(const struct pd_json_node *m,
                                            const struct pd_json_node *result)
{
	const struct pd_json_node *d = pd_json_member(m, "detail");
	const struct pd_json_node *all = pd_json_member(result, "materials");
	const char *id = str_at(m, "id"), *st = str_at(m, "status");
	for (const struct pd_json_node *r = all ? all->child : NULL; !d && r && id && st;
	     r = r->next)
		if (str_at(r, "id") && strcmp(str_at(r, "id"), id) == 0 && str_at(r, "status") &&
		    strcmp(str_at(r, "status"), st) == 0)
			d = pd_json_member(r, "detail");
	return d;
}

static void materials_block(struct flow *f, const struct pd_json_node *materials,
                            const struct pd_json_node *result)
{
	flow_heading(f, "Materials", "材料");
	int n = 0;
	for (const struct pd_json_node *m = materials ? materials->child : NULL; m; m = m->next) {
		const char *st = str_at(m, "status");
		item_why(f, ++n, LABEL(status_labels, st, false), LABEL(status_labels, st, true), m,
		         detail_of(m, result));
	}
	if (!n)
		flow_text(f, 0, 0, "No material is required. / 无须提交材料。", 10, false, 0);
}

/* ---- the papers ---- */

struct paper_ctx {
	const struct pd_json_node *view;
	const struct pd_json_node *facts;
	const struct pd_json_node *result;
	const struct pd_paper_opts *opts;
	struct pd_error *err;
};

static int receipt(struct flow *f, const struct paper_ctx *p)
{
	const char *r = str_at(p->view, "receipt.number");
	char url[1024];
	const char *base = p->opts->base_url;
	size_t bl = strlen(base);
	if (bl && base[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof(url), "%.*s/progress?receipt=%s", (int)bl, base, r);
	int rc = flow_qr(f, url, 118);
	if (rc)
		return pd_error_set(p->err, -rc, "out of memory drawing the QR code");
	flow_title(f, "Receipt of acceptance", "受理回执");
	flow_field(f, "Receipt number", "回执编号", r, NULL);
	flow_field(f, "Case number", "案件编号", str_at(p->view, "number"), NULL);
	applicant_block(f, p->facts);
	flow_field(f, "Accepted on", "受理日期", str_at(p->view, "receipt.accepted_on"), NULL);
	flow_field(f, "Valid until", "回执有效期至", str_at(p->view, "receipt.valid_until"), NULL);
	const char *by = str_at(p->view, "deadlines.decision_by");
	flow_field(f, "Decision by", "审批办结日", by ? by : "not given", by ? NULL : "未定");
	flow_field(f, "Progress", "办理进度", url, NULL);
	offices_block(f, p->result, "Where to collect and ask", "领取及咨询地点");
	return 0;
}

static int notice(struct flow *f, const struct paper_ctx *p)
{
	/* The one-time notice given (the last), else the materials of the latest result. */
	const struct pd_json_node *given = last_of(pd_json_member(p->view, "notices"));
	const struct pd_json_node *materials =
	    given ? pd_json_member(given, "materials") : pd_json_member(p->result, "materials");
	flow_title(f, "One-time notice of materials", "一次性告知书");
	flow_field(f, "Case number", "案件编号", str_at(p->view, "number"), NULL);
	flow_field(f, "Receipt number", "回执编号", str_at(p->view, "receipt.number"), NULL);
	applicant_block(f, p->facts);
	const char *issued = given ? str_at(given, "issued_on") : str_at(p->result, "date");
	flow_field(f, "Issued on", "告知日期", issued, NULL);
	materials_block(f, materials, p->result);

	flow_heading(f, "What to bring back", "需补正的材料");
	int n = 0;
	for (const struct pd_json_node *m = materials ? materials->child : NULL; m; m = m->next) {
		const char *st = str_at(m, "status");
		if (st && strcmp(st, "provided") == 0)
			continue;
		item_why(f, ++n, LABEL(status_labels, st, false), LABEL(status_labels, st, true), m,
		         detail_of(m, p->result));
	}
	if (!n)
		flow_text(f, 0, 0, "Nothing: every material is acceptable. / 无：材料齐全。", 10,
		          false, 0);
	const char *until = str_at(p->view, "receipt.valid_until");
	flow_space(f, 4);
	flow_field(f, "Bring them by", "补正截止日期",
	           until ? until : "before the application is accepted", until ? NULL : "受理之前");
	offices_block(f, p->result, "Where to bring them", "补正地点");
	return 0;
}

static int decision(struct flow *f, const struct paper_ctx *p)
{
	const struct pd_json_node *d = last_of(pd_json_member(p->view, "decisions"));
	const struct pd_json_node *result = pd_json_member(d, "result");
	const struct pd_json_node *facts = pd_json_member(d, "facts");
	const char *action = str_at(d, "action");
	flow_title(f, "Decision notice", "决定书");
	flow_field(f, "Decision", "决定", LABEL(decision_labels, action, false),
	           LABEL(decision_labels, action, true));
	flow_field(f, "Decided on", "决定日期", str_at(d, "decided_on"), NULL);
	flow_field(f, "Case number", "案件编号", str_at(p->view, "number"), NULL);
	flow_field(f, "Receipt number", "回执编号", str_at(p->view, "receipt.number"), NULL);
	applicant_block(f, facts ? facts : p->facts);
	const char *verdict = str_at(result, "verdict");
	flow_field(f, "Assessment", "审查结论", LABEL(verdict_labels, verdict, false),
	           LABEL(verdict_labels, verdict, true));
	const char *ground = str_at(d, "ground");
	flow_field(f, "Ground", "事由", LABEL(ground_labels, ground, false),
	           LABEL(ground_labels, ground, true));
	const char *method = str_at(p->view, "collect_method");
	if (method)
		flow_field(f, "Collection", "领取方式", LABEL(collect_labels, method, false),
		           LABEL(collect_labels, method, true));
	flow_field(f, "Postal address", "邮寄地址", str_at(p->view, "collect_address"), NULL);

	int n = 0;
	const struct pd_json_node *findings = pd_json_member(result, "findings");
	for (const struct pd_json_node *x = findings ? findings->child : NULL; x; x = x->next) {
		const char *o = str_at(x, "outcome");
		if (!o || strcmp(o, "fail") != 0)
			continue;
		if (!n)
			flow_heading(f, "Why: the rules not met", "理由：不符合的规定");
		item(f, ++n, NULL, NULL, x);
	}
	const struct pd_json_node *notices = pd_json_member(result, "notices");
	if (notices && notices->count) {
		flow_heading(f, "Your rights and what follows", "权利与须知");
		int k = 0;
		for (const struct pd_json_node *x = notices->child; x; x = x->next)
			item(f, ++k, NULL, NULL, x);
	}
	offices_block(f, result ? result : p->result, "Where to ask", "咨询地点");
	return 0;
}

static int checklist(struct flow *f, const struct paper_ctx *p)
{
	const struct pd_json_node *r = p->result;
	flow_title(f, "Pre-check checklist", "预审清单");
	flow_field(f, "Jurisdiction", "管辖地", str_at(r, "jurisdiction"), NULL);
	flow_field(f, "Date", "日期", str_at(r, "date"), NULL);
	flow_field(f, "Policy", "政策", str_at(r, "policy.pack"), NULL);
	const char *verdict = str_at(r, "verdict");
	flow_field(f, "Verdict", "结论", LABEL(verdict_labels, verdict, false),
	           LABEL(verdict_labels, verdict, true));
	flow_field(f, "Apply by", "申请截止日", str_at(r, "dates.apply_by"), NULL);
	flow_field(f, "Decision by", "审批办结日", str_at(r, "dates.decision_by"), NULL);
	const char *fee = str_at(r, "fee.cny");
	if (fee) {
		char en[96], zh[96];
		const char *each = str_at(r, "fee.per_person"), *persons = str_at(r, "fee.persons");
		if (each && persons && strcmp(persons, "1") != 0) {
			snprintf(en, sizeof(en), "CNY %s (%s persons at CNY %s)", fee, persons,
			         each);
			snprintf(zh, sizeof(zh), "人民币%s元（%s人，每人%s元）", fee, persons,
			         each);
		} else {
			snprintf(en, sizeof(en), "CNY %s", fee);
			snprintf(zh, sizeof(zh), "人民币%s元", fee);
		}
		flow_field(f, "Fee", "费用", en, zh);
	}
	materials_block(f, pd_json_member(r, "materials"), r);
	const struct pd_json_node *q = pd_json_member(r, "questions");
	if (q && q->count) {
		flow_heading(f, "Questions", "待确认事项");
		int n = 0;
		for (const struct pd_json_node *x = q->child; x; x = x->next)
			item(f, ++n, NULL, NULL, x);
	}
	const struct pd_json_node *notices = pd_json_member(r, "notices");
	if (notices && notices->count) {
		flow_heading(f, "Notices", "注意事项");
		int n = 0;
		for (const struct pd_json_node *x = notices->child; x; x = x->next)
			item(f, ++n, NULL, NULL, x);
	}
	offices_block(f, r, "Where to apply", "在哪里申请");
	return 0;
}

static const struct {
	int (*write)(struct flow *f, const struct paper_ctx *p);
	const char *en, *zh;
} papers[PD_PAPER_COUNT] = {
    [PD_PAPER_RECEIPT] = {receipt, "Receipt of acceptance", "受理回执"},
    [PD_PAPER_NOTICE] = {notice, "One-time notice", "一次性告知书"},
    [PD_PAPER_DECISION] = {decision, "Decision notice", "决定书"},
    [PD_PAPER_CHECKLIST] = {checklist, "Pre-check checklist", "预审清单"},
};

/* Lays out one paper; on failure out is as it was. */
static int render(enum pd_paper paper, const struct paper_ctx *p, const char *number,
                  struct pd_buf *out)
{
	char footer[512], title[256];
	snprintf(footer, sizeof(footer), "permitdesk · %s / %s · %s", papers[paper].en,
	         papers[paper].zh, number ? number : "");
	snprintf(title, sizeof(title), "%s %s", papers[paper].en, number ? number : "");
	size_t start = out->len;
	struct flow f;
	int rc = flow_begin(&f, out, footer, title);
	if (!rc)
		rc = papers[paper].write(&f, p);
	int end = flow_end(&f);
	if (!rc && end)
		rc = pd_error_set(p->err, -end, "cannot write the %s PDF", pd_paper_name(paper));
	if (rc) {
		out->len = start;
		out->failed = false;
	}
	return rc;
}

int pd_paper_case_pdf(enum pd_paper paper, const char *case_view, size_t len,
                      const struct pd_paper_opts *opts, struct pd_buf *out, struct pd_error *err)
{
	static const struct pd_paper_opts none = {0};
	if (!opts)
		opts = &none;
	if ((unsigned)paper >= PD_PAPER_COUNT || paper == PD_PAPER_CHECKLIST)
		return pd_error_set(err, PD_EUSAGE,
		                    "a case prints a receipt, a notice or a decision");
	if (paper == PD_PAPER_RECEIPT && (!opts->base_url || !opts->base_url[0]))
		return pd_error_set(err, PD_EUSAGE,
		                    "the receipt needs the base URL of the progress page");
	struct pd_arena arena;
	pd_arena_init(&arena, 64u << 10, 64u << 20);
	const struct pd_json_node *view = NULL;
	int rc = pd_json_parse(case_view, len, "case view", &arena, &view, err);
	if (rc)
		goto cleanup;
	struct paper_ctx p = {
	    .view = view,
	    .facts = pd_json_member(view, "facts"),
	    .result = pd_json_member(view, "result"),
	    .opts = opts,
	    .err = err,
	};
	const char *number = str_at(view, "number");
	if (!number || !p.facts) {
		rc = pd_error_set(err, PD_EINPUT, "not a case view: no number or facts");
		goto cleanup;
	}
	const char *state = str_at(view, "state");
	if (paper == PD_PAPER_RECEIPT && !str_at(view, "receipt.number")) {
		rc = pd_error_set(err, PD_ESTATE, "case %s has no receipt: it is %s, not accepted",
		                  number, state ? state : "?");
		goto cleanup;
	}
	if (paper == PD_PAPER_DECISION && !last_of(pd_json_member(view, "decisions"))) {
		rc = pd_error_set(err, PD_ESTATE, "case %s has no decision: it is %s", number,
		                  state ? state : "?");
		goto cleanup;
	}
	const char *r = str_at(view, "receipt.number");
	rc = render(paper, &p, paper == PD_PAPER_RECEIPT && r ? r : number, out);
cleanup:
	pd_arena_free(&arena);
	return rc;
}

int pd_paper_result_pdf(const struct pd_result *r, struct pd_buf *out, struct pd_error *err)
{
	struct pd_buf json;
	pd_buf_init(&json, 0);
	struct pd_arena arena;
	pd_arena_init(&arena, 64u << 10, 64u << 20);
	const struct pd_json_node *root = NULL;
	int rc = pd_result_write_json(r, false, &json);
	if (rc) {
		rc = pd_error_set(err, -rc, "out of memory writing the result");
		goto cleanup;
	}
	if ((rc = pd_json_parse(json.data, json.len, "result", &arena, &root, err)))
		goto cleanup;
	struct paper_ctx p = {.result = root, .err = err};
	rc = render(PD_PAPER_CHECKLIST, &p, str_at(root, "jurisdiction"), out);
cleanup:
	pd_arena_free(&arena);
	pd_buf_free(&json);
	return rc;
}
