/*
 * permitdesk/codec.h: case JSON in, result JSON or text out.
 *
 * The decoder is schema-directed: one pass over the bytes checks RFC 8259
 * strictly (UTF-8, escapes, number syntax, nesting depth, sizes) and writes
 * the tokens, which the decoder walks, storing each member straight into its
 * fact slot and checking real dates, enum words and unknown members.  An error names line:column in
 * the input and the case path (applicant.birth_date, documents[2].type).
 *
 * The writers stream into a struct pd_buf.  Policy texts arrive pre-escaped
 * (struct pd_text's *_json), so a result is mostly memcpy.
 */
#ifndef PERMITDESK_CODEC_H
#define PERMITDESK_CODEC_H

#include "permitdesk/base.h"
#include "permitdesk/case.h"
#include "permitdesk/engine.h"

/* Limits applied before anything else looks at the input. */
#define PD_CASE_MAX_BYTES (1u << 20) /* 1 MiB per case */
#define PD_CASE_MAX_DEPTH 16
#define PD_CASE_MAX_STRING (64u << 10) /* one string, bytes */
#define PD_CASE_MAX_DOCUMENTS 256

/*
 * Decodes one case.  `name` is what errors call the input ("case.json", or
 * "-" for standard input); `line_base` is added to line numbers (a batch
 * passes the line's number - 1).  Strings and documents are allocated from
 * `arena`.  `today` fills a missing "date".
 */
int pd_case_decode(const char *json, size_t len, const char *name, int line_base, pd_date today,
                   struct pd_arena *arena, struct pd_case *out, struct pd_error *err);

/* ---- one call for "check a case" ---- */

/* How pd_check() reads its input. */
struct pd_check_opts {
	const char *name; /* what errors call the input: "case.json", "-", "request body" */
	int line_base;    /* added to line numbers (a batch passes the line's number - 1) */
	pd_date today;    /* fills a missing "date"; PD_DATE_NONE: pd_today() */
	pd_date date;     /* PD_DATE_NONE, or the date to evaluate as of (replaces the case's) */
};

/*
 * Decodes one case and evaluates it with the pack in force: the one entry
 * that every caller (check, check --batch, the workflow, coverage, the HTTP
 * server, the benchmarks) uses.  An error the evaluator finds (an unknown
 * jurisdiction, a date no pack covers, an unknown material) is located at the
 * line:column of the fact it is about, as decoding errors are.  `c` may be
 * NULL; when given it receives the decoded case.  Everything is allocated
 * from `arena`; the result borrows from `pol`.
 */
int pd_check(const struct pd_policy *pol, const char *json, size_t len,
             const struct pd_check_opts *opts, struct pd_arena *arena, struct pd_case *c,
             struct pd_result **out, struct pd_error *err);

/* ---- small JSON objects: request bodies and action data ---- */

/*
 * The one schema-directed reader for small objects other than a case (a
 * login, an action's data, a new user, a documents list): the same strict
 * RFC 8259 validation, limits and locations as the case decoder.  Each field
 * names a member, its type and where it goes in the caller's struct:
 *   PD_FIELD_STRING  const char *  (non-empty UTF-8, at most max_len bytes)
 *   PD_FIELD_WORD    const char *  (as STRING, without escapes or spaces)
 *   PD_FIELD_INT     int64_t       (an integer in [min, max])
 *   PD_FIELD_BOOL    bool
 *   PD_FIELD_DATE    pd_date       (YYYY-MM-DD, a real date)
 *   PD_FIELD_OBJECT  struct pd_json_raw (the member's text, kept as written)
 *   PD_FIELD_ARRAY   struct pd_json_raw
 * Unknown members, members given twice, a missing required member and a
 * wrong type are -PD_EINPUT naming file:line:column and prefix.member.
 * Members that are absent leave the caller's field as it was.
 */
enum pd_field_type {
	PD_FIELD_STRING,
	PD_FIELD_WORD,
	PD_FIELD_INT,
	PD_FIELD_BOOL,
	PD_FIELD_DATE,
	PD_FIELD_OBJECT,
	PD_FIELD_ARRAY,
};
struct pd_field {
	const char *name;
	enum pd_field_type type;
	bool required;
	size_t offset;    /* offsetof() in the caller's struct */
	size_t max_len;   /* STRING, WORD: most bytes; 0 for PD_CASE_MAX_STRING */
	int64_t min, max; /* INT: the range allowed */
};
struct pd_json_raw {
	const char *json; /* points into the input (not copied) */
	size_t len;
	int line, column; /* where it starts */
};
/* `name` is what errors call the input; `prefix` the path of the object
 * ("data", "" for none).  Strings are copied to the arena. */
int pd_json_read_object(const char *json, size_t len, const char *name, int line_base,
                        const char *prefix, const struct pd_field *fields, size_t n_fields,
                        struct pd_arena *arena, void *out, struct pd_error *err);

/*
 * Sets one member of the JSON object `json` (valid as pd_json_read_object()
 * reads it) without touching the rest of the text: the value of `path`
 * ("documents"; "dates.decision_by" for a member of a nested object) is
 * replaced by `value`, a JSON text copied as given, or, when the object has
 * no such member, the member is added after its last one.  The new text
 * (NUL-terminated) is allocated from `arena`; *line and *column (may be
 * NULL) get where the value begins in it.  An object on the way that is
 * missing is -PD_ENOTFOUND.
 */
int pd_json_set_member(const char *json, size_t len, const char *path, const char *value,
                       size_t value_len, struct pd_arena *arena, char **out, size_t *out_len,
                       int *line, int *column, struct pd_error *err);

/* ---- reference data for front ends ---- */

/* {"facts": [{"path", "type", "derived", "values": [{"value", "en", "zh"}]?,
 *  "en", "zh"}]}: every fact a case may hold, with its question text and the
 * labels of its allowed values (GET /api/v1/facts). */
int pd_facts_write_json(struct pd_buf *out, bool pretty);

/* Packs in force and their views (GET /api/v1/policy...; `permitdesk policy`).
 *   policy:    {"packs": [{"id", "jurisdiction", "title": {"en","zh"}, "extends",
 *               "version", "effective": {"from","to"}, "rules"}], "calendar":
 *               {"first_year", "last_year"}}
 *   rules:     {"pack", "version", "rules": [{"id", "layer", "replaces", "source",
 *               "file", "line", "en", "zh"}]}
 *   conflicts: {"pack", "conflicts": [{"id", "topic": {"en","zh"}, "sources",
 *               "choice": {"en","zh"}, "layer"}]}
 *   clauses:   {"pack", "clauses": [{"source", "clause", "informational", "rules":
 *               [rule ids citing it]}]} */
int pd_policy_write_json(const struct pd_policy *pol, bool pretty, struct pd_buf *out);
int pd_pack_rules_write_json(const struct pd_pack *p, bool pretty, struct pd_buf *out);
int pd_pack_conflicts_write_json(const struct pd_pack *p, bool pretty, struct pd_buf *out);
int pd_pack_clauses_write_json(const struct pd_pack *p, bool pretty, struct pd_buf *out);

/* ---- a small streaming JSON writer ---- */

struct pd_jw {
	struct pd_buf *out;
	int depth;
	bool need_comma[32];
	bool pretty;
};
void pd_jw_init(struct pd_jw *w, struct pd_buf *out, bool pretty);
void pd_jw_object_begin(struct pd_jw *w);
void pd_jw_object_end(struct pd_jw *w);
void pd_jw_array_begin(struct pd_jw *w);
void pd_jw_array_end(struct pd_jw *w);
void pd_jw_key(struct pd_jw *w, const char *key); /* key must need no escaping */
void pd_jw_string(struct pd_jw *w, const char *s);
void pd_jw_stringn(struct pd_jw *w, const char *s, size_t len);
void pd_jw_raw(struct pd_jw *w, const char *json); /* an already-encoded value */
void pd_jw_int(struct pd_jw *w, long long v);
void pd_jw_bool(struct pd_jw *w, bool v);
void pd_jw_null(struct pd_jw *w);
void pd_jw_date(struct pd_jw *w, pd_date d); /* "YYYY-MM-DD", or null for PD_DATE_NONE */
/* Appends s as a JSON string literal (with quotes) to b. */
int pd_json_escape(struct pd_buf *b, const char *s, size_t len);

/* ---- offices ---- */

/* One office (policy.h) as an object: {"id", "name": {"en","zh"}, "address":
 * {"en","zh"}|null, "telephone", "supervision"?, "hours": {"en","zh","days",
 * "open","close"}|null, "website"?, "guidance"?: {"en","zh"}, "source"}; members
 * the source does not give are null (or, those marked ?, left out).  The one
 * definition of the shape: the policy loader renders each office with it once
 * (pd_office_info.json), which results copy. */
void pd_office_write_json(struct pd_jw *w, const struct pd_office_info *o);
/* The same with one language's texts ("en", "zh"; NULL: both), as results
 * written with a language show it. */
void pd_office_write_json_lang(struct pd_jw *w, const struct pd_office_info *o, const char *lang);
/* {"packs": [{"pack", "jurisdiction", "offices": [...]}]}: where to apply, for
 * every pack (p NULL: GET /api/v1/offices) or one (GET /api/v1/offices?pack=;
 * `permitdesk offices PACK`). */
int pd_pack_offices_write_json(const struct pd_policy *pol, const struct pd_pack *p, bool pretty,
                               struct pd_buf *out);
/* The same with only the offices for which keep(office) is true (keep NULL:
 * all); a pack none of whose offices is kept has an empty "offices". */
int pd_pack_offices_write_json_if(const struct pd_policy *pol, const struct pd_pack *p,
                                  bool (*keep)(const struct pd_office_info *), bool pretty,
                                  struct pd_buf *out);
/* One office for people: its name and source, then address, hours,
 * telephones, website and guidance, each "Label / 标签: value" with the
 * Chinese value under the English (lang "en", "zh": one language).  Lines
 * start with `indent` (at most 60 bytes). */
int pd_office_write_text(const struct pd_office_info *o, const char *lang, const char *indent,
                         struct pd_buf *out);
/* The same as a bilingual list for people (`permitdesk offices --format text`);
 * lang "en", "zh", or NULL for both. */
int pd_pack_offices_write_text(const struct pd_policy *pol, const struct pd_pack *p,
                               const char *lang, struct pd_buf *out);

/* ---- results ---- */

/* The views of a result (format.md §2.5): the whole result; the summary
 * (ids, statuses, figures, dates and the failing or unknown findings; no
 * prose); or the trace, the summary with every finding's rule and outcome
 * (what a reviewer of the rules, or a golden case, checks). */
enum pd_result_view { PD_VIEW_FULL = 0, PD_VIEW_SUMMARY, PD_VIEW_TRACE };
/* "full", "summary" or "trace" into *out; anything else is -PD_EUSAGE. */
int pd_result_view_parse(const char *name, enum pd_result_view *out);

/* How a result is written as JSON. */
struct pd_result_opts {
	enum pd_result_view view;
	const char *lang; /* NULL: both languages; "en" or "zh": that language's texts only */
	bool pretty;      /* one member per line; else one line */
};

/* The result as JSON in a view (format.md §2; o NULL: the full view, both
 * languages, one line).  A lang other than "en" or "zh" is -PD_EUSAGE.  The
 * case's "extra", when it had one, is its last member. */
int pd_result_write_json_view(const struct pd_result *r, const struct pd_result_opts *o,
                              struct pd_buf *out);
/* The full view in both languages, one line unless pretty. */
int pd_result_write_json(const struct pd_result *r, bool pretty, struct pd_buf *out);
/* A readable checklist; lang "en", "zh", or NULL for both languages side by side. */
int pd_result_write_text(const struct pd_result *r, const char *lang, struct pd_buf *out);
/* {"error":{"code":"invalid_case","message":"…","path":"…","line":N,"column":N}} */
int pd_error_write_json(const struct pd_error *err, struct pd_buf *out);

#endif
