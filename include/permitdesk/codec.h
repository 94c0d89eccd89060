/*
 * permitdesk/codec.h: case JSON in, result JSON or text out.
 *
 * The decoder is schema-directed: it walks jsmn's tokens (strict mode) and
 * stores each member straight into its fact slot, checking what jsmn does
 * not: UTF-8, escapes, number syntax, real dates, enum words, unknown
 * members, nesting depth and sizes.  An error names line:column in the input
 * and the case path (applicant.birth_date, documents[2].type).
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

/* ---- results ---- */

/* The result as JSON (format.md §2), one line unless pretty. */
int pd_result_write_json(const struct pd_result *r, bool pretty, struct pd_buf *out);
/* A readable checklist; lang "en", "zh", or NULL for both languages side by side. */
int pd_result_write_text(const struct pd_result *r, const char *lang, struct pd_buf *out);
/* {"error":{"code":"invalid_case","message":"…","path":"…","line":N,"column":N}} */
int pd_error_write_json(const struct pd_error *err, struct pd_buf *out);

#endif
