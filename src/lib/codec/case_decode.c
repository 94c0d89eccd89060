/*
 * case_decode.c: case JSON (format.md §1) into struct pd_case (case.h).
 *
 * Two passes, each bounded by the input's size:
 *   1. pd_json_tokenize() checks the text against RFC 8259 and our limits
 *      (codec.h) and, in the same pass, writes its tokens (json_read.h) into
 *      an array from the arena (room for one a byte, up to the most a text
 *      may hold; only what is written is touched);
 *   2. the schema walk: one table per kind of object (case, application,
 *      applicant, passport, status, sponsor, agent, document), each row a
 *      member name, what it is (fact, object, list, ...) and the fact id or
 *      sub-table.  Each member is looked up in its table (length and first
 *      byte first), checked by its fact's type and stored in its slot.
 *
 * Strings are copied into the arena: the input may be freed once this
 * returns.  "extra" is kept as raw JSON text (also copied), never read.
 *
 * Errors name line:column (1-based; columns count UTF-8 characters, not
 * bytes) and the case path (applicant.birth_date, documents[2].type), and
 * quote the offending value.
 *
 * pd_json_read_object() (codec.h) reads the small objects that are not a
 * case (request bodies, an action's data) with the same first pass and
 * the same scalar readers, against a table of struct pd_field that the
 * caller gives; its errors look exactly like the case's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permitdesk/codec.h"
#include "codec/json_read.h"

/* Longest MRZ line (TD3: 44 characters) and most lines (TD1: 3). */
#define MRZ_LINE_MAX 44
#define MRZ_LINES_MAX 3
/* Longest enum word or date worth decoding for a comparison. */
#define SHORT_MAX 64
/* Room for a quoted value in a message. */
#define GOT_MAX 128

struct walk {
	struct pd_json_src src;
	const struct pd_json_tok *t;
	int n;
	struct pd_arena *arena;
	struct pd_case *c;
	struct pd_error *err;
	struct pd_json_cursor cur; /* moves forward as facts are stored */
	bool escapes;              /* some string has a backslash: look for them */
	const char *prefix;        /* path of the top-level object in errors; NULL: none */
};

/* ---- the schema ---- */

enum member_kind {
	MK_FACT,      /* a fact slot; its type (pd_facts) says how to read it */
	MK_OBJECT,    /* a nested object of facts: sub-table */
	MK_DOCUMENTS, /* documents[] */
	MK_AGENT,     /* agent: null (no agent) or an object (sub-table) */
	MK_EXTRA,     /* any object, kept raw */
	MK_MRZ,       /* applicant.passport.mrz: up to 3 strings */
	MK_DOC_TYPE,  /* documents[].type */
	MK_DOC_DATE,  /* documents[].issued, expires: arg is the offset in pd_document */
	MK_DOC_FLAG,  /* documents[].foreign, ...: arg is the offset in pd_document */
	MK_COUNT_
};

/* How a string is checked beyond being a non-empty string. */
enum string_check { CK_NONE, CK_NATIONALITY, CK_JURISDICTION, CK_MATERIAL, CK_MRZ, CK_COUNT_ };

struct schema;
struct member {
	const char *name;
	uint8_t len;
	uint8_t kind;  /* enum member_kind */
	uint8_t check; /* enum string_check */
	bool required; /* absent (or null) is an error */
	uint16_t arg;  /* fact id, or offset in struct pd_document */
	const struct schema *sub;
};

/*
 * prefix: the case path of the object ("applicant.passport"), or NULL where
 * members are not facts (documents[]).  A member that has no row but whose
 * path is a fact of PD_FACT_MAP is still read as that fact (slowly), so a
 * fact added to case.h is never refused; give it a row to make it fast.
 */
struct schema {
	const struct member *rows;
	int n;
	const char *prefix;
	int required; /* the first `required` rows are required, and no other */
};

#define ROW(name_, kind_, check_, req_, arg_, sub_)                                                \
	{                                                                                          \
		.name = name_, .len = sizeof(name_) - 1, .kind = kind_, .check = check_,           \
		.required = req_, .arg = arg_, .sub = sub_                                         \
	}
#define FACT(name_, id_) ROW(name_, MK_FACT, CK_NONE, false, PD_F_##id_, NULL)
#define SCHEMA(rows_, prefix_, required_)                                                          \
	{                                                                                          \
		rows_, (int)(sizeof(rows_) / sizeof(rows_[0])), prefix_, required_                 \
	}

static const struct member application_rows[] = {
    FACT("document", APP_DOCUMENT),
    FACT("action", APP_ACTION),
    FACT("purpose", APP_PURPOSE),
    FACT("basis", APP_BASIS),
    FACT("visa_type", APP_VISA_TYPE),
    FACT("entries", APP_ENTRIES),
    FACT("requested_days", APP_REQUESTED_DAYS),
    FACT("visa_validity_days", APP_VISA_VALIDITY_DAYS),
    FACT("persons", APP_PERSONS),
    FACT("renewal_reason", APP_RENEWAL_REASON),
    FACT("reissue_reason", APP_REISSUE_REASON),
    FACT("lost_abroad", APP_LOST_ABROAD),
    FACT("transfer", APP_TRANSFER),
    FACT("group", APP_GROUP),
};
static const struct schema application_schema = SCHEMA(application_rows, "application", 0);

static const struct member passport_rows[] = {
    FACT("number", PASSPORT_NUMBER),
    FACT("expiry", PASSPORT_EXPIRY),
    ROW("mrz", MK_MRZ, CK_MRZ, false, 0, NULL),
};
static const struct schema passport_schema = SCHEMA(passport_rows, "applicant.passport", 0);

static const struct member status_rows[] = {
    FACT("document", STATUS_DOCUMENT),     FACT("type", STATUS_TYPE),
    FACT("expiry", STATUS_EXPIRY),         FACT("stay_days", STATUS_STAY_DAYS),
    FACT("entry_date", STATUS_ENTRY_DATE), FACT("entries_remaining", STATUS_ENTRIES_REMAINING),
};
static const struct schema status_schema = SCHEMA(status_rows, "applicant.status", 0);

static const struct member applicant_rows[] = {
    FACT("name", APPLICANT_NAME),
    FACT("birth_date", APPLICANT_BIRTH_DATE),
    ROW("nationality", MK_FACT, CK_NATIONALITY, false, PD_F_APPLICANT_NATIONALITY, NULL),
    ROW("passport", MK_OBJECT, CK_NONE, false, 0, &passport_schema),
    ROW("status", MK_OBJECT, CK_NONE, false, 0, &status_schema),
    FACT("first_entry", APPLICANT_FIRST_ENTRY),
    FACT("good_record", APPLICANT_GOOD_RECORD),
    FACT("mobility_impaired", APPLICANT_MOBILITY_IMPAIRED),
    FACT("high_level_talent", APPLICANT_HIGH_LEVEL_TALENT),
    FACT("investor", APPLICANT_INVESTOR),
    FACT("reciprocal_fee_country", APPLICANT_RECIPROCAL_FEE),
    FACT("married", APPLICANT_MARRIED),
    FACT("dependent_adult", APPLICANT_DEPENDENT_ADULT),
    FACT("address_matches_permit", APPLICANT_ADDRESS_MATCHES),
    FACT("address_change_reported", APPLICANT_ADDRESS_CHANGE_REPORTED),
};
static const struct schema applicant_schema = SCHEMA(applicant_rows, "applicant", 0);

static const struct member sponsor_rows[] = {
    FACT("category", SPONSOR_CATEGORY),
    FACT("relationship", SPONSOR_RELATIONSHIP),
    FACT("local_residence_months", SPONSOR_LOCAL_MONTHS),
    FACT("id_number", SPONSOR_ID_NUMBER),
    FACT("residence_permit_kind", SPONSOR_PERMIT_KIND),
    FACT("individual", SPONSOR_INDIVIDUAL),
    FACT("unit_registered", SPONSOR_UNIT_REGISTERED),
    FACT("guarantees_expenses", SPONSOR_GUARANTEES),
};
static const struct schema sponsor_schema = SCHEMA(sponsor_rows, "sponsor", 0);

static const struct member agent_rows[] = {
    FACT("relation", AGENT_RELATION),
};
static const struct schema agent_schema = SCHEMA(agent_rows, "agent", 0);

#define DOC_OFF(field) ((uint16_t)offsetof(struct pd_document, field))
static const struct member document_rows[] = {
    ROW("type", MK_DOC_TYPE, CK_MATERIAL, true, 0, NULL),
    ROW("issued", MK_DOC_DATE, CK_NONE, false, DOC_OFF(issued), NULL),
    ROW("expires", MK_DOC_DATE, CK_NONE, false, DOC_OFF(expires), NULL),
    ROW("foreign", MK_DOC_FLAG, CK_NONE, false, DOC_OFF(foreign), NULL),
    ROW("notarized", MK_DOC_FLAG, CK_NONE, false, DOC_OFF(notarized), NULL),
    ROW("legalized", MK_DOC_FLAG, CK_NONE, false, DOC_OFF(legalized), NULL),
    ROW("translated", MK_DOC_FLAG, CK_NONE, false, DOC_OFF(translated), NULL),
};
static const struct schema document_schema = SCHEMA(document_rows, NULL, 1);

static const struct member case_rows[] = {
    ROW("jurisdiction", MK_FACT, CK_JURISDICTION, true, PD_F_JURISDICTION, NULL),
    FACT("date", DATE),
    ROW("application", MK_OBJECT, CK_NONE, false, 0, &application_schema),
    ROW("applicant", MK_OBJECT, CK_NONE, false, 0, &applicant_schema),
    ROW("sponsor", MK_OBJECT, CK_NONE, false, 0, &sponsor_schema),
    ROW("documents", MK_DOCUMENTS, CK_NONE, false, 0, &document_schema),
    ROW("agent", MK_AGENT, CK_NONE, false, 0, &agent_schema),
    ROW("extra", MK_EXTRA, CK_NONE, false, 0, NULL),
};
static const struct schema case_schema = SCHEMA(case_rows, "", 1);

/* ---- string checks ---- */

static bool ok_any(const char *s, size_t len)
{
	return len > 0;
}

static bool ok_nationality(const char *s, size_t len)
{
	if (len != 3)
		return false;
	for (size_t i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

static bool ok_jurisdiction(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static bool ok_material(const char *s, size_t len)
{
	if (len == 0 || s[0] < 'a' || s[0] > 'z')
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

static bool ok_mrz(const char *s, size_t len)
{
	return len <= MRZ_LINE_MAX;
}

static const struct string_rule {
	const char *expected; /* for "expected %s, got %s" */
	bool (*ok)(const char *s, size_t len);
} string_rules[CK_COUNT_] = {
    [CK_NONE] = {"a non-empty string", ok_any},
    [CK_NATIONALITY] = {"a 3-letter ISO 3166-1 code in capitals", ok_nationality},
    [CK_JURISDICTION] = {"a policy pack name (a-z, 0-9, _ and -)", ok_jurisdiction},
    [CK_MATERIAL] = {"a material id (a-z, then a-z, 0-9 or _)", ok_material},
    [CK_MRZ] = {"an MRZ line of at most 44 characters", ok_mrz},
};

/* ---- tokens ---- */

static const char *tok_raw(const struct walk *w, int i)
{
	return w->src.s + w->t[i].start;
}

static size_t tok_len(const struct walk *w, int i)
{
	return (size_t)(w->t[i].end - w->t[i].start);
}

/* Where a value begins: a string at its opening quote. */
static size_t tok_pos(const struct walk *w, int i)
{
	return (size_t)(w->t[i].start - (w->t[i].type == PD_JTOK_STRING));
}

static bool tok_null(const struct walk *w, int i)
{
	return w->t[i].type == PD_JTOK_PRIMITIVE && w->src.s[w->t[i].start] == 'n';
}

/* The token after i's subtree. */
static int skip(const struct walk *w, int i)
{
	if (w->t[i].type != PD_JTOK_OBJECT && w->t[i].type != PD_JTOK_ARRAY)
		return i + 1;
	int end = w->t[i].end, j = i + 1;
	while (j < w->n && w->t[j].start < end)
		j++;
	return j;
}

/* The value of token i as a message shows it. */
static const char *got(const struct walk *w, int i, char buf[GOT_MAX])
{
	switch (w->t[i].type) {
	case PD_JTOK_OBJECT:
		return "an object";
	case PD_JTOK_ARRAY:
		return "an array";
	default:
		pd_json_quote(tok_raw(w, i), tok_len(w, i), w->t[i].type == PD_JTOK_STRING, buf,
		              GOT_MAX);
		return buf;
	}
}

/* Appends token i's path (a.b[2].c) to buf; member names as written. */
static void tok_path(const struct walk *w, int i, char *buf, size_t size)
{
	int chain[2 * PD_CASE_MAX_DEPTH + 2];
	int n = 0;
	while (i >= 0 && n < (int)(sizeof(chain) / sizeof(chain[0]))) {
		int p = w->t[i].parent;
		if (p < 0)
			break;
		if (w->t[p].type == PD_JTOK_OBJECT || w->t[p].type == PD_JTOK_ARRAY)
			chain[n++] = i; /* a member name, or an array element */
		i = p;
	}
	size_t len = strlen(buf);
	while (n-- > 0 && len < size) {
		int k = chain[n], p = w->t[k].parent;
		int wr;
		if (w->t[p].type == PD_JTOK_OBJECT) {
			wr = snprintf(buf + len, size - len, "%s%.*s", len ? "." : "",
			              (int)tok_len(w, k), tok_raw(w, k));
		} else {
			int idx = 0;
			for (int j = p + 1; j < k; j = skip(w, j))
				idx++;
			wr = snprintf(buf + len, size - len, "[%d]", idx);
		}
		if (wr < 0)
			break;
		len += (size_t)wr;
	}
}

static int fail_at(struct walk *w, int tok, const char *suffix, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* An error at token tok, whose path is tok's (plus ".suffix" when given). */
static int fail_at(struct walk *w, int tok, const char *suffix, int code, const char *fmt, ...)
{
	char path[192], msg[512];
	snprintf(path, sizeof(path), "%s", w->prefix ? w->prefix : "");
	tok_path(w, tok, path, sizeof(path));
	if (suffix) {
		size_t len = strlen(path);
		snprintf(path + len, sizeof(path) - len, "%s%s", len ? "." : "", suffix);
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pd_json_fail(&w->src, w->err, code, tok_pos(w, tok), path, "%s", msg);
}

static int fail_type(struct walk *w, int tok, const char *expected)
{
	char buf[GOT_MAX];
	return fail_at(w, tok, NULL, PD_EINPUT, "expected %s, got %s", expected, got(w, tok, buf));
}

static void mark(struct walk *w, int tok, int *line, int *column)
{
	pd_json_cursor_seek(&w->cur, tok_pos(w, tok));
	*line = w->cur.line + w->src.line_base;
	*column = w->cur.column;
}

/* ---- scalar readers ---- */

/* The first len bytes of the NUL-terminated name a are b's (a may be shorter). */
static inline bool same(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i] || !a[i])
			return false;
	return true;
}

/* A short string's decoded bytes (dates, enum words) into buf; false when too long to match. */
static bool short_string(const struct walk *w, int tok, char buf[SHORT_MAX], const char **s,
                         size_t *len)
{
	const char *raw = tok_raw(w, tok);
	size_t rlen = tok_len(w, tok);
	if (!w->escapes || !memchr(raw, '\\', rlen)) {
		*s = raw;
		*len = rlen;
		return true;
	}
	if (rlen > SHORT_MAX)
		return false;
	*s = buf;
	*len = pd_json_unescape(raw, rlen, buf);
	return true;
}

static int read_bool(struct walk *w, int tok, int *out)
{
	char c = w->t[tok].type == PD_JTOK_PRIMITIVE ? *tok_raw(w, tok) : 0;
	if (c != 't' && c != 'f')
		return fail_type(w, tok, "true or false");
	*out = c == 't';
	return 0;
}

static int read_int(struct walk *w, int tok, int32_t *out)
{
	char c = w->t[tok].type == PD_JTOK_PRIMITIVE ? *tok_raw(w, tok) : 0;
	int32_t v = -1;
	if ((c == '-' || (c >= '0' && c <= '9')) &&
	    pd_json_int32(tok_raw(w, tok), tok_len(w, tok), &v) == PD_JSON_INT_OK && v >= 0) {
		*out = v;
		return 0;
	}
	return fail_type(w, tok, "an integer from 0 to 2147483647");
}

static int read_date(struct walk *w, int tok, pd_date *out)
{
	char buf[SHORT_MAX];
	const char *s;
	size_t len;
	if (w->t[tok].type == PD_JTOK_STRING && short_string(w, tok, buf, &s, &len) &&
	    pd_date_parse(s, len, out) == 0)
		return 0;
	return fail_type(w, tok, "a date YYYY-MM-DD");
}

static int read_enum(struct walk *w, int tok, int vocab, int32_t *out)
{
	const struct pd_vocab *v = &pd_vocabs[vocab];
	char buf[SHORT_MAX];
	const char *s;
	size_t len;
	if (w->t[tok].type == PD_JTOK_STRING && short_string(w, tok, buf, &s, &len) && len > 0) {
		for (int i = 0; i < v->count; i++) {
			const char *word = v->words[i];
			if (word[0] == s[0] && same(word, s, len) && word[len] == '\0') {
				*out = i;
				return 0;
			}
		}
	}
	char list[400];
	size_t n = 0;
	for (int i = 0; i < v->count && n < sizeof(list); i++) {
		int wr = snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "", v->words[i]);
		if (wr < 0)
			break;
		n += (size_t)wr;
	}
	char gbuf[GOT_MAX];
	return fail_at(w, tok, NULL, PD_EINPUT, "expected one of %s; got %s", list,
	               got(w, tok, gbuf));
}

/* String token tok decoded and copied NUL-terminated into the arena. */
static int copy_string(struct walk *w, int tok, char **out, size_t *out_len)
{
	const char *raw = tok_raw(w, tok);
	size_t rlen = tok_len(w, tok);
	char *s = pd_arena_alloc(w->arena, rlen + 1);
	if (!s)
		return fail_at(w, tok, NULL, PD_ENOMEM, "out of memory");
	size_t len = rlen;
	if (w->escapes && memchr(raw, '\\', rlen)) {
		len = pd_json_unescape(raw, rlen, s);
		if (memchr(s, '\0', len))
			return fail_at(w, tok, NULL, PD_EINPUT,
			               "\\u0000 is not allowed in a string");
	} else {
		memcpy(s, raw, rlen);
	}
	s[len] = '\0';
	*out = s;
	*out_len = len;
	return 0;
}

/* A string, checked, copied NUL-terminated into the arena. */
static int read_string(struct walk *w, int tok, int check, const char **out, size_t *out_len)
{
	const struct string_rule *rule = &string_rules[check];
	char *s = NULL; /* set by copy_string() when it returns 0; GCC's -O3 cannot tell */
	size_t len = 0;
	if (w->t[tok].type != PD_JTOK_STRING)
		return fail_type(w, tok, rule->expected);
	int rc = copy_string(w, tok, &s, &len);
	if (rc)
		return rc;
	if (!rule->ok(s, len))
		return fail_type(w, tok, rule->expected);
	*out = s;
	*out_len = len;
	return 0;
}

/* ---- members ---- */

typedef int (*member_fn)(struct walk *w, int val, const struct member *m, void *target);

static int walk_object(struct walk *w, int obj, const struct schema *sch, void *target);

static int do_fact(struct walk *w, int val, const struct member *m, void *target)
{
	int f = m->arg;
	struct pd_value *v = &w->c->facts[f];
	int rc = 0;
	if (tok_null(w, val) && !m->required)
		return 0; /* unknown */
	switch (pd_facts[f].type) {
	case PD_T_BOOL: {
		int b = 0;
		rc = read_bool(w, val, &b);
		v->i = b;
		break;
	}
	case PD_T_INT:
		rc = read_int(w, val, &v->i);
		if (!rc && v->i < 1 && (pd_facts[f].flags & PD_FF_AT_LEAST_ONE))
			rc = fail_type(w, val, "an integer from 1 to 2147483647");
		break;
	case PD_T_DATE:
		rc = read_date(w, val, &v->i);
		break;
	case PD_T_ENUM:
		rc = read_enum(w, val, pd_facts[f].vocab, &v->i);
		break;
	case PD_T_STRING: {
		const char *s = NULL;
		size_t len = 0;
		rc = read_string(w, val, m->check, &s, &len);
		v->s = s;
		v->len = (uint32_t)len;
		break;
	}
	default:
		rc = fail_at(w, val, NULL, PD_EINTERNAL, "fact of no readable type");
	}
	if (rc)
		return rc;
	v->known = true;
	mark(w, val, &w->c->fact_line[f], &w->c->fact_column[f]);
	return 0;
}

static int do_object(struct walk *w, int val, const struct member *m, void *target)
{
	if (tok_null(w, val))
		return 0;
	if (w->t[val].type != PD_JTOK_OBJECT)
		return fail_type(w, val, "an object");
	return walk_object(w, val, m->sub, target);
}

static int do_agent(struct walk *w, int val, const struct member *m, void *target)
{
	struct pd_case *c = w->c;
	if (!tok_null(w, val) && w->t[val].type != PD_JTOK_OBJECT)
		return fail_type(w, val, "an object or null");
	c->agent_given = true;
	c->facts[PD_F_AGENT_PRESENT].i = !tok_null(w, val);
	mark(w, val, &c->fact_line[PD_F_AGENT_PRESENT], &c->fact_column[PD_F_AGENT_PRESENT]);
	return tok_null(w, val) ? 0 : walk_object(w, val, m->sub, target);
}

static int do_documents(struct walk *w, int val, const struct member *m, void *target)
{
	struct pd_case *c = w->c;
	if (tok_null(w, val))
		return 0;
	if (w->t[val].type != PD_JTOK_ARRAY)
		return fail_type(w, val, "an array of documents");
	int n = w->t[val].size, el = val + 1;
	if (n > PD_CASE_MAX_DOCUMENTS) {
		for (int k = 0; k < PD_CASE_MAX_DOCUMENTS; k++)
			el = skip(w, el);
		return fail_at(w, el, NULL, PD_EINPUT, "more than %d documents",
		               PD_CASE_MAX_DOCUMENTS);
	}
	struct pd_document *docs = NULL;
	if (n > 0 && !(docs = pd_arena_alloc(w->arena, (size_t)n * sizeof(*docs))))
		return fail_at(w, val, NULL, PD_ENOMEM, "out of memory");
	for (int k = 0; k < n; k++, el = skip(w, el)) {
		if (w->t[el].type != PD_JTOK_OBJECT)
			return fail_type(w, el, "an object");
		struct pd_document *d = &docs[k];
		*d = (struct pd_document){
		    .issued = PD_DATE_NONE,
		    .expires = PD_DATE_NONE,
		    .foreign = -1,
		    .notarized = -1,
		    .legalized = -1,
		    .translated = -1,
		};
		mark(w, el, &d->line, &d->column);
		int rc = walk_object(w, el, m->sub, d);
		if (rc)
			return rc;
	}
	c->documents = docs;
	c->n_documents = (size_t)n;
	c->documents_given = true;
	return 0;
}

static int do_doc_type(struct walk *w, int val, const struct member *m, void *target)
{
	struct pd_document *d = target;
	size_t len;
	return read_string(w, val, m->check, &d->type, &len);
}

static int do_doc_date(struct walk *w, int val, const struct member *m, void *target)
{
	pd_date *slot = (pd_date *)((char *)target + m->arg);
	if (tok_null(w, val))
		return 0; /* stays PD_DATE_NONE */
	return read_date(w, val, slot);
}

static int do_doc_flag(struct walk *w, int val, const struct member *m, void *target)
{
	int8_t *slot = (int8_t *)((char *)target + m->arg);
	int b = 0;
	if (tok_null(w, val))
		return 0; /* stays -1 */
	int rc = read_bool(w, val, &b);
	*slot = (int8_t)b;
	return rc;
}

static int do_mrz(struct walk *w, int val, const struct member *m, void *target)
{
	struct pd_case *c = w->c;
	if (tok_null(w, val))
		return 0;
	if (w->t[val].type != PD_JTOK_ARRAY)
		return fail_type(w, val, "an array of MRZ lines");
	int n = w->t[val].size, el = val + 1;
	if (n > MRZ_LINES_MAX) {
		for (int k = 0; k < MRZ_LINES_MAX; k++)
			el = skip(w, el);
		return fail_at(w, el, NULL, PD_EINPUT, "more than %d MRZ lines", MRZ_LINES_MAX);
	}
	const char **lines = NULL;
	if (n > 0 && !(lines = pd_arena_alloc(w->arena, (size_t)n * sizeof(*lines))))
		return fail_at(w, val, NULL, PD_ENOMEM, "out of memory");
	for (int k = 0; k < n; k++, el = skip(w, el)) {
		size_t len;
		int rc = read_string(w, el, m->check, &lines[k], &len);
		if (rc)
			return rc;
	}
	c->mrz = lines;
	c->n_mrz = (size_t)n;
	return 0;
}

/* ---- extra: any object, with no duplicate names at any level ---- */

struct name {
	const char *s;
	size_t len;
	int tok;
};

static int name_cmp(const void *a, const void *b)
{
	const struct name *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	int d = memcmp(x->s, y->s, x->len);
	if (d)
		return d;
	return x->tok < y->tok ? -1 : x->tok > y->tok;
}

/* The duplicate member name of object obj that comes first in the text, or -1. */
static int find_duplicate(struct walk *w, int obj, int *dup)
{
	int n = w->t[obj].size;
	*dup = -1;
	if (n < 2)
		return 0;
	struct name *names = pd_arena_alloc(w->arena, (size_t)n * sizeof(*names));
	if (!names)
		return fail_at(w, obj, NULL, PD_ENOMEM, "out of memory");
	int key = obj + 1;
	for (int k = 0; k < n; k++, key = skip(w, key + 1)) {
		const char *raw = tok_raw(w, key);
		size_t len = tok_len(w, key);
		names[k] = (struct name){raw, len, key};
		if (memchr(raw, '\\', len)) {
			char *s = pd_arena_alloc(w->arena, len);
			if (!s)
				return fail_at(w, obj, NULL, PD_ENOMEM, "out of memory");
			names[k].s = s;
			names[k].len = pd_json_unescape(raw, len, s);
		}
	}
	qsort(names, (size_t)n, sizeof(*names), name_cmp);
	for (int k = 1; k < n; k++)
		if (names[k].len == names[k - 1].len &&
		    memcmp(names[k].s, names[k - 1].s, names[k].len) == 0 &&
		    (*dup < 0 || names[k].tok < *dup))
			*dup = names[k].tok;
	return 0;
}

static int do_extra(struct walk *w, int val, const struct member *m, void *target)
{
	struct pd_case *c = w->c;
	if (tok_null(w, val))
		return 0;
	if (w->t[val].type != PD_JTOK_OBJECT)
		return fail_type(w, val, "an object");
	int end = skip(w, val);
	for (int j = val; j < end; j++) {
		if (w->t[j].type != PD_JTOK_OBJECT || w->t[j].size < 2)
			continue;
		int dup, rc = find_duplicate(w, j, &dup);
		if (rc)
			return rc;
		if (dup >= 0)
			return fail_at(w, dup, NULL, PD_EINPUT, "duplicate field");
	}
	char *raw = pd_arena_strndup(w->arena, tok_raw(w, val), tok_len(w, val));
	if (!raw)
		return fail_at(w, val, NULL, PD_ENOMEM, "out of memory");
	c->extra = raw;
	c->extra_len = tok_len(w, val);
	return 0;
}

static const member_fn member_fns[MK_COUNT_] = {
    [MK_FACT] = do_fact,         [MK_OBJECT] = do_object,     [MK_DOCUMENTS] = do_documents,
    [MK_AGENT] = do_agent,       [MK_EXTRA] = do_extra,       [MK_MRZ] = do_mrz,
    [MK_DOC_TYPE] = do_doc_type, [MK_DOC_DATE] = do_doc_date, [MK_DOC_FLAG] = do_doc_flag,
};

/* The row for member name token key, or -1.  Members mostly come in the
 * order of the rows, so the search starts at the row after the last one found. */
static int find_member(const struct walk *w, const struct schema *sch, int key, int from)
{
	const char *s = tok_raw(w, key);
	size_t len = tok_len(w, key);
	char buf[SHORT_MAX];
	if (w->escapes && memchr(s, '\\', len)) {
		if (len > sizeof(buf))
			return -1;
		len = pd_json_unescape(s, len, buf);
		s = buf;
	}
	if (len == 0)
		return -1;
	for (int k = 0, i = from; k < sch->n; k++, i = i + 1 < sch->n ? i + 1 : 0) {
		const struct member *m = &sch->rows[i];
		if (m->len == len && m->name[0] == s[0] && memcmp(m->name, s, len) == 0)
			return i;
	}
	return -1;
}

/* The fact that member name token key of an object of sch stands for when it has no row, or -1. */
static int find_fact(const struct walk *w, const struct schema *sch, int key)
{
	char path[192];
	size_t len = tok_len(w, key);
	if (!sch->prefix || memchr(tok_raw(w, key), '\\', len))
		return -1;
	int n = snprintf(path, sizeof(path), "%s%s%.*s", sch->prefix, sch->prefix[0] ? "." : "",
	                 (int)len, tok_raw(w, key));
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	int id = pd_fact_find(path, (size_t)n);
	return id >= 0 && !(pd_facts[id].flags & PD_FF_DERIVED) ? id : -1;
}

/*
 * Reads the members of object token obj by the rows of sch into target (the
 * case, or a document).  Unknown and repeated names are errors, so are
 * required rows that are absent.
 */
static int walk_object(struct walk *w, int obj, const struct schema *sch, void *target)
{
	_Static_assert(sizeof(applicant_rows) / sizeof(applicant_rows[0]) <= 64, "seen is 64 bits");
	uint64_t seen = 0;
	struct pd_factset seen_facts = {{0}}; /* members read through find_fact() */
	int n = w->t[obj].size, key = obj + 1, next_row = 0;
	for (int k = 0; k < n; k++) {
		int val = key + 1;
		int row = find_member(w, sch, key, next_row);
		const struct member *m;
		struct member fallback;
		if (row >= 0) {
			if (seen & (UINT64_C(1) << row))
				return fail_at(w, key, NULL, PD_EINPUT, "duplicate field");
			seen |= UINT64_C(1) << row;
			m = &sch->rows[row];
			next_row = row + 1 < sch->n ? row + 1 : 0;
		} else {
			int id = find_fact(w, sch, key);
			if (id < 0)
				return fail_at(w, key, NULL, PD_EINPUT, "unknown field");
			uint64_t bit = UINT64_C(1) << (id % 64);
			if (seen_facts.w[id / 64] & bit)
				return fail_at(w, key, NULL, PD_EINPUT, "duplicate field");
			seen_facts.w[id / 64] |= bit;
			fallback = (struct member){.kind = MK_FACT, .arg = (uint16_t)id};
			m = &fallback;
		}
		int rc = member_fns[m->kind](w, val, m, target);
		if (rc)
			return rc;
		key = skip(w, val);
	}
	uint64_t required = (UINT64_C(1) << sch->required) - 1;
	if ((seen & required) != required) {
		for (int i = 0; i < sch->required; i++)
			if (!(seen & (UINT64_C(1) << i)))
				return fail_at(w, obj, sch->rows[i].name, PD_EINPUT,
				               "missing required field");
	}
	return 0;
}

/*
 * Step 1 for any text: validates w->src with the limits given and, in the
 * same pass, writes its tokens into an array from w->arena.
 */
static int tokenize(struct walk *w, unsigned max_depth, struct pd_error *err)
{
	size_t room = pd_json_tokens_room(w->src.len);
	struct pd_json_tok *tokens = pd_arena_alloc(w->arena, room * sizeof(*tokens));
	if (!tokens)
		return pd_error_at(err, PD_ENOMEM, w->src.name, 0, 0, NULL,
		                   "out of memory for %zu JSON tokens", room);
	struct pd_json_info info;
	int rc = pd_json_tokenize(&w->src, max_depth, PD_CASE_MAX_STRING, tokens, &info, err);
	if (rc)
		return rc;
	w->t = tokens;
	w->n = (int)info.ntokens;
	w->escapes = info.escapes;
	pd_json_cursor_init(&w->cur, w->src.s, info.plain);
	return 0;
}

int pd_case_decode(const char *json, size_t len, const char *name, int line_base, pd_date today,
                   struct pd_arena *arena, struct pd_case *out, struct pd_error *err)
{
	struct walk w = {
	    .src = {json, len, name, line_base},
	    .arena = arena,
	    .c = out,
	    .err = err,
	};
	int rc;
	pd_case_init(out);
	if (len > PD_CASE_MAX_BYTES)
		return pd_error_at(err, PD_ETOOBIG, name, 1 + line_base, 0, NULL,
		                   "case larger than %u bytes", PD_CASE_MAX_BYTES);
	if ((rc = tokenize(&w, PD_CASE_MAX_DEPTH, err)))
		return rc;
	rc = walk_object(&w, 0, &case_schema, out);
	if (rc)
		return rc;
	if (!out->facts[PD_F_DATE].known && today != PD_DATE_NONE) {
		out->facts[PD_F_DATE].known = true;
		out->facts[PD_F_DATE].i = today;
	}
	/* No one applies before being born: a birth date after the case's date is
	 * a typing error, not an age. */
	const struct pd_value *born = &out->facts[PD_F_APPLICANT_BIRTH_DATE],
	                      *on = &out->facts[PD_F_DATE];
	if (born->known && on->known && born->i > on->i) {
		char b[11], d[11];
		pd_date_format(born->i, b);
		pd_date_format(on->i, d);
		return pd_error_at(err, PD_EINPUT, name, out->fact_line[PD_F_APPLICANT_BIRTH_DATE],
		                   out->fact_column[PD_F_APPLICANT_BIRTH_DATE],
		                   "applicant.birth_date",
		                   "birth date %s is after the case's date %s", b, d);
	}
	pd_case_derive(out);
	return 0;
}

/* ---- small objects: pd_json_read_object() ---- */

/* A small object may carry a whole case (the data of resubmit: {"case": {...}}). */
#define OBJECT_MAX_BYTES ((size_t)2 * PD_CASE_MAX_BYTES)
#define OBJECT_MAX_DEPTH (PD_CASE_MAX_DEPTH + 1)
/* Bits of the `seen` mask. */
#define OBJECT_MAX_FIELDS 64

/* The field named by member name token key, or -1. */
static int find_field(const struct walk *w, const struct pd_field *fields, size_t n, int key)
{
	const char *s = tok_raw(w, key);
	size_t len = tok_len(w, key);
	char buf[SHORT_MAX];
	if (w->escapes && memchr(s, '\\', len)) {
		if (len > sizeof(buf))
			return -1;
		len = pd_json_unescape(s, len, buf);
		s = buf;
	}
	for (size_t i = 0; i < n; i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, s, len) == 0)
			return (int)i;
	return -1;
}

static int unknown_field(struct walk *w, int key, const struct pd_field *fields, size_t n)
{
	char list[400];
	size_t used = 0;
	list[0] = '\0';
	for (size_t i = 0; i < n && used < sizeof(list); i++) {
		int wr = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
		                  fields[i].name);
		if (wr < 0)
			break;
		used += (size_t)wr;
	}
	if (n == 0)
		return fail_at(w, key, NULL, PD_EINPUT, "unknown field; this object has none");
	return fail_at(w, key, NULL, PD_EINPUT, "unknown field; expected one of %s", list);
}

static int read_field_string(struct walk *w, int val, const struct pd_field *f, void *slot)
{
	size_t max = f->max_len ? f->max_len : PD_CASE_MAX_STRING;
	bool word = f->type == PD_FIELD_WORD;
	const char *expected = word ? "a word (no spaces or escapes)" : "a non-empty string";
	char buf[GOT_MAX];
	char *s;
	size_t len;
	int rc;

	if (w->t[val].type != PD_JTOK_STRING || tok_len(w, val) == 0)
		return fail_type(w, val, expected);
	if (word && (memchr(tok_raw(w, val), '\\', tok_len(w, val)) ||
	             memchr(tok_raw(w, val), ' ', tok_len(w, val))))
		return fail_type(w, val, expected);
	if ((rc = copy_string(w, val, &s, &len)))
		return rc;
	if (len > max)
		return fail_at(w, val, NULL, PD_EINPUT, "expected %s of at most %zu bytes, got %s",
		               word ? "a word" : "a string", max, got(w, val, buf));
	*(const char **)slot = s;
	return 0;
}

static int read_field_int(struct walk *w, int val, const struct pd_field *f, void *slot)
{
	char c = w->t[val].type == PD_JTOK_PRIMITIVE ? *tok_raw(w, val) : 0;
	int64_t v = 0;
	if ((c == '-' || (c >= '0' && c <= '9')) &&
	    pd_json_int64(tok_raw(w, val), tok_len(w, val), &v) == PD_JSON_INT_OK && v >= f->min &&
	    v <= f->max) {
		*(int64_t *)slot = v;
		return 0;
	}
	char expected[80];
	snprintf(expected, sizeof(expected), "an integer from %lld to %lld", (long long)f->min,
	         (long long)f->max);
	return fail_type(w, val, expected);
}

static int read_field_raw(struct walk *w, int val, const struct pd_field *f, void *slot)
{
	bool object = f->type == PD_FIELD_OBJECT;
	if (w->t[val].type != (object ? PD_JTOK_OBJECT : PD_JTOK_ARRAY))
		return fail_type(w, val, object ? "an object" : "an array");
	struct pd_json_raw *raw = slot;
	raw->json = tok_raw(w, val);
	raw->len = tok_len(w, val);
	mark(w, val, &raw->line, &raw->column);
	return 0;
}

static int read_field(struct walk *w, int val, const struct pd_field *f, void *slot)
{
	switch (f->type) {
	case PD_FIELD_STRING:
	case PD_FIELD_WORD:
		return read_field_string(w, val, f, slot);
	case PD_FIELD_INT:
		return read_field_int(w, val, f, slot);
	case PD_FIELD_BOOL: {
		int b = 0;
		int rc = read_bool(w, val, &b);
		if (!rc)
			*(bool *)slot = b;
		return rc;
	}
	case PD_FIELD_DATE:
		return read_date(w, val, slot);
	case PD_FIELD_OBJECT:
	case PD_FIELD_ARRAY:
		return read_field_raw(w, val, f, slot);
	}
	return fail_at(w, val, NULL, PD_EINTERNAL, "field of no readable type");
}

int pd_json_read_object(const char *json, size_t len, const char *name, int line_base,
                        const char *prefix, const struct pd_field *fields, size_t n_fields,
                        struct pd_arena *arena, void *out, struct pd_error *err)
{
	struct walk w = {
	    .src = {json, len, name, line_base},
	    .arena = arena,
	    .err = err,
	    .prefix = prefix,
	};
	uint64_t seen = 0;
	int rc;

	if (n_fields > OBJECT_MAX_FIELDS)
		return pd_error_at(err, PD_EINTERNAL, name, 0, 0, prefix,
		                   "more than %d fields in one object", OBJECT_MAX_FIELDS);
	if (len > OBJECT_MAX_BYTES)
		return pd_error_at(err, PD_ETOOBIG, name, 1 + line_base, 0, prefix,
		                   "larger than %zu bytes", OBJECT_MAX_BYTES);
	if ((rc = tokenize(&w, OBJECT_MAX_DEPTH, err))) {
		/* The validator names paths inside the text: put them under prefix. */
		if (err && prefix && prefix[0]) {
			char path[2 * sizeof(err->path)];
			snprintf(path, sizeof(path), "%s%s%s", prefix, err->path[0] ? "." : "",
			         err->path);
			path[sizeof(err->path) - 1] = '\0';
			memcpy(err->path, path, sizeof(err->path));
		}
		return rc;
	}
	int n = w.t[0].size, key = 1;
	for (int k = 0; k < n; k++, key = skip(&w, key + 1)) {
		int val = key + 1;
		int i = find_field(&w, fields, n_fields, key);
		if (i < 0)
			return unknown_field(&w, key, fields, n_fields);
		if (seen & (UINT64_C(1) << i))
			return fail_at(&w, key, NULL, PD_EINPUT, "duplicate field");
		seen |= UINT64_C(1) << i;
		const struct pd_field *f = &fields[i];
		if (tok_null(&w, val) && !f->required)
			continue; /* null is absent, as in a case */
		if ((rc = read_field(&w, val, f, (char *)out + f->offset)))
			return rc;
	}
	for (size_t i = 0; i < n_fields; i++)
		if (fields[i].required && !(seen & (UINT64_C(1) << i)))
			return fail_at(&w, 0, fields[i].name, PD_EINPUT, "missing required field");
	return 0;
}

/* ---- changing one member: pd_json_set_member() ---- */

/* The value token of member `name` (len bytes) of object token obj, or -1. */
static int member_value(const struct walk *w, int obj, const char *name, size_t len)
{
	int key = obj + 1;
	for (int k = 0; k < w->t[obj].size; k++, key = skip(w, key + 1)) {
		const char *s = tok_raw(w, key);
		size_t klen = tok_len(w, key);
		char buf[SHORT_MAX];
		if (w->escapes && memchr(s, '\\', klen)) {
			if (klen > sizeof(buf))
				continue;
			klen = pd_json_unescape(s, klen, buf);
			s = buf;
		}
		if (klen == len && memcmp(s, name, len) == 0)
			return key + 1;
	}
	return -1;
}

int pd_json_set_member(const char *json, size_t len, const char *path, const char *value,
                       size_t value_len, struct pd_arena *arena, char **out, size_t *out_len,
                       int *line, int *column, struct pd_error *err)
{
	struct walk w = {.src = {json, len, NULL, 0}, .arena = arena, .err = err};
	int rc, obj = 0;

	if (len > OBJECT_MAX_BYTES)
		return pd_error_at(err, PD_ETOOBIG, NULL, 0, 0, path, "larger than %zu bytes",
		                   OBJECT_MAX_BYTES);
	if ((rc = tokenize(&w, OBJECT_MAX_DEPTH, err)))
		return rc;
	/* Down the names before the last dot, each an object. */
	const char *name = path, *dot;
	while ((dot = strchr(name, '.'))) {
		obj = member_value(&w, obj, name, (size_t)(dot - name));
		if (obj < 0 || w.t[obj].type != PD_JTOK_OBJECT)
			return pd_error_at(err, PD_ENOTFOUND, NULL, 0, 0, path,
			                   "no object %.*s to set a member in", (int)(dot - path),
			                   path);
		name = dot + 1;
	}
	/* Replace the value, or add the member after the object's last one. */
	int val = member_value(&w, obj, name, strlen(name));
	size_t cut, resume;
	const char *sep = "";
	if (val >= 0) {
		cut = tok_pos(&w, val);
		resume = (size_t)w.t[val].end + (w.t[val].type == PD_JTOK_STRING);
	} else if (w.t[obj].size > 0) {
		int last = obj + 1;
		for (int k = 1; k < w.t[obj].size; k++)
			last = skip(&w, last + 1);
		val = last + 1;
		cut = resume = (size_t)w.t[val].end + (w.t[val].type == PD_JTOK_STRING);
		sep = ",";
	} else {
		cut = resume = (size_t)w.t[obj].start + 1;
	}
	char *key = NULL;
	if (sep[0] || cut == resume) {
		struct pd_buf k;
		pd_buf_init(&k, 0);
		pd_buf_puts(&k, sep);
		pd_json_escape(&k, name, strlen(name));
		pd_buf_putc(&k, ':');
		key = k.failed ? NULL : pd_arena_strndup(arena, k.data, k.len);
		pd_buf_free(&k);
		if (!key)
			return pd_error_set(err, PD_ENOMEM, "out of memory");
	}
	size_t klen = key ? strlen(key) : 0, n = cut + klen + value_len + (len - resume);
	char *s = pd_arena_alloc(arena, n + 1);
	if (!s)
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	memcpy(s, json, cut);
	memcpy(s + cut, key ? key : "", klen);
	memcpy(s + cut + klen, value, value_len);
	memcpy(s + cut + klen + value_len, json + resume, len - resume);
	s[n] = '\0';
	if (line && column) {
		pd_json_locate(s, cut + klen, line, column);
	}
	*out = s;
	*out_len = n;
	return 0;
}

/* ---- a whole text as a tree: pd_json_parse() ---- */

/* Node of token i and its descendants; *next gets the token after them.
 * Depth is bounded by the validation (PD_JSON_DOM_MAX_DEPTH). */
static struct pd_json_node *dom_node(const struct walk *w, int i, int *next)
{
	struct pd_json_node *n = pd_arena_zalloc(w->arena, sizeof(*n));
	if (!n)
		return NULL;
	const struct pd_json_tok *t = &w->t[i];
	const char *raw = tok_raw(w, i);
	size_t len = tok_len(w, i);
	switch (t->type) {
	case PD_JTOK_OBJECT:
	case PD_JTOK_ARRAY: {
		n->kind = t->type == PD_JTOK_OBJECT ? PD_JSON_OBJECT : PD_JSON_ARRAY;
		const struct pd_json_node **tail = &n->child;
		int k = i + 1;
		for (int c = 0; c < t->size; c++) {
			const char *key = NULL;
			if (t->type == PD_JTOK_OBJECT) {
				char *kb = pd_arena_alloc(w->arena, tok_len(w, k) + 1);
				if (!kb)
					return NULL;
				size_t kl = pd_json_unescape(tok_raw(w, k), tok_len(w, k), kb);
				kb[kl] = '\0';
				key = kb;
				k++;
			}
			struct pd_json_node *child = dom_node(w, k, &k);
			if (!child)
				return NULL;
			child->key = key;
			*tail = child;
			tail = &child->next;
			n->count++;
		}
		*next = k;
		return n;
	}
	case PD_JTOK_STRING: {
		char *s = pd_arena_alloc(w->arena, len + 1);
		if (!s)
			return NULL;
		n->len = pd_json_unescape(raw, len, s);
		s[n->len] = '\0';
		n->kind = PD_JSON_STRING;
		n->str = s;
		break;
	}
	default: /* a primitive: null, true, false or a number, kept as written */
		n->kind = raw[0] == 'n'                    ? PD_JSON_NULL
		          : raw[0] == 't' || raw[0] == 'f' ? PD_JSON_BOOL
		                                           : PD_JSON_NUMBER;
		n->str = pd_arena_strndup(w->arena, raw, len);
		n->len = len;
		if (!n->str)
			return NULL;
		break;
	}
	*next = i + 1;
	return n;
}

int pd_json_parse(const char *json, size_t len, const char *name, struct pd_arena *arena,
                  const struct pd_json_node **out, struct pd_error *err)
{
	struct walk w = {.src = {json, len, name, 0}, .arena = arena, .err = err};
	int rc;
	if (len > OBJECT_MAX_BYTES)
		return pd_error_at(err, PD_ETOOBIG, name, 1, 0, NULL, "larger than %zu bytes",
		                   OBJECT_MAX_BYTES);
	if ((rc = tokenize(&w, PD_JSON_DOM_MAX_DEPTH, err)))
		return rc;
	int next = 0;
	const struct pd_json_node *root = dom_node(&w, 0, &next);
	if (!root)
		return pd_error_at(err, PD_ENOMEM, name, 0, 0, NULL, "out of memory reading JSON");
	*out = root;
	return 0;
}

const struct pd_json_node *pd_json_member(const struct pd_json_node *obj, const char *key)
{
	if (!obj || obj->kind != PD_JSON_OBJECT)
		return NULL;
	for (const struct pd_json_node *c = obj->child; c; c = c->next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

const char *pd_json_member_str(const struct pd_json_node *obj, const char *key)
{
	const struct pd_json_node *n = pd_json_member(obj, key);
	return n && n->kind == PD_JSON_STRING ? n->str : NULL;
}
