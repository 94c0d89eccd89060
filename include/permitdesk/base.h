/*
 * permitdesk/base.h: errors, civil dates, durations and arenas.
 *
 * Errors.  Every function that can fail returns int: 0 on success, a negative
 * enum pd_err on failure, and fills the struct pd_error the caller passed (or
 * ignores it when the caller passed NULL).  The list of errors is written once,
 * in PD_ERROR_MAP, and the enum, the messages, the HTTP statuses and the exit
 * codes of sysexits.h are all generated from it.
 *
 * Dates.  A date is an int32 day number: days since 1970-01-01 in the
 * proleptic Gregorian calendar.  No struct tm, no time zone.  "Today" is read
 * through pd_today(), which honours PERMITDESK_TODAY=YYYY-MM-DD so that tests
 * can fix the clock.
 *
 * Arenas.  Evaluation and decoding allocate from a struct pd_arena that is
 * reset or freed in one call; nothing taken from it is freed one by one.
 */
#ifndef PERMITDESK_BASE_H
#define PERMITDESK_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * X(NAME, code string, HTTP status, exit code, message)
 * The code string is what the HTTP API puts in {"error":{"code":...}}.
 * Never reuse or renumber a retired entry: append.
 */
#define PD_ERROR_MAP(X)                                                                            \
	X(NOMEM, "out_of_memory", 500, 70, "out of memory")                                        \
	X(USAGE, "usage", 400, 64, "usage error")                                                  \
	X(INPUT, "invalid_case", 400, 65, "invalid input")                                         \
	X(NOTFOUND, "not_found", 404, 66, "not found")                                             \
	X(POLICY, "policy_error", 500, 78, "policy error")                                         \
	X(CONFIG, "config_error", 500, 78, "configuration error")                                  \
	X(IO, "io_error", 500, 74, "input/output error")                                           \
	X(INTERNAL, "internal", 500, 70, "internal error")                                         \
	X(TOOBIG, "too_large", 413, 65, "input too large")                                         \
	X(STATE, "invalid_transition", 409, 65, "not allowed in the current state")                \
	X(FORBIDDEN, "forbidden", 403, 77, "not allowed for this role")                            \
	X(AUTH, "unauthorized", 401, 77, "authentication required")                                \
	X(CONFLICT, "conflict", 409, 65, "conflicting change")                                     \
	X(STORE, "store_error", 503, 70, "storage error")                                          \
	X(VERSION, "version_mismatch", 500, 78, "incompatible version")                            \
	X(UNSUPPORTED, "unsupported", 415, 65, "unsupported media type")                           \
	X(RATE, "rate_limited", 429, 75, "too many requests")                                      \
	X(REQUEST, "invalid_request", 400, 64, "invalid request")                                  \
	X(METHOD, "method_not_allowed", 405, 64, "method not allowed")                             \
	X(TIMEOUT, "timeout", 408, 75, "request timed out")                                        \
	X(UNAVAILABLE, "unavailable", 503, 75, "temporarily unavailable")                          \
	X(RETRY, "retry", 503, 75, "conflicting transactions; try again")

/* clang-format off */
enum pd_err {
	PD_OK = 0,
#define PD_X_ENUM(name, code, http, exitc, msg) PD_E##name,
	PD_ERROR_MAP(PD_X_ENUM)
#undef PD_X_ENUM
	PD_E_COUNT_
};
/* clang-format on */
/* Functions return -PD_Exxx.  These help read that. */
#define PD_FAIL(e) (-(int)(e))

struct pd_error {
	int code;          /* enum pd_err (positive), 0 when no error */
	int line;          /* 1-based, 0 when unknown */
	int column;        /* 1-based, 0 when unknown */
	char file[256];    /* input or policy file, "" when none */
	char path[192];    /* case path (applicant.birth_date, documents[2].type), "" when none */
	char message[512]; /* one line, impersonal, no trailing period */
};

const char *pd_strerror(int code);   /* "invalid input"; accepts code or -code */
const char *pd_error_code(int code); /* "invalid_case" */
int pd_error_http_status(int code);
int pd_error_exit_code(int code);

/* Sets code and message (printf format); keeps file/line/column/path as they are. */
int pd_error_set(struct pd_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pd_error_setv(struct pd_error *err, int code, const char *fmt, va_list ap);
/* Sets location too.  file or path may be NULL. */
int pd_error_at(struct pd_error *err, int code, const char *file, int line, int column,
                const char *path, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void pd_error_clear(struct pd_error *err);
/* "file:line:column: path: message" with the parts that are known. */
size_t pd_error_format(const struct pd_error *err, char *buf, size_t size);

/* ---- civil dates ------------------------------------------------------- */

typedef int32_t pd_date;
#define PD_DATE_NONE INT32_MIN

pd_date pd_date_from_ymd(int y, int m, int d); /* no validation */
void pd_date_to_ymd(pd_date date, int *y, int *m, int *d);
bool pd_date_valid_ymd(int y, int m, int d);
int pd_days_in_month(int y, int m);
int pd_date_weekday(pd_date date); /* 1 Monday .. 7 Sunday (ISO 8601) */
/* Parses exactly "YYYY-MM-DD" (len bytes, not NUL-terminated); -1 if not a real date. */
int pd_date_parse(const char *s, size_t len, pd_date *out);
/* Writes "YYYY-MM-DD" and a NUL into buf[11]. */
void pd_date_format(pd_date date, char buf[11]);
/* Whole years reached on `on` by someone born on `birth` (29 February birthdays
 * are reached on 1 March in common years). */
int pd_age_years(pd_date birth, pd_date on);
/* Adds months, clamping to the end of the month (2026-01-31 + 1 month = 2026-02-28). */
pd_date pd_date_add_months(pd_date date, int months);
/* Today, from PERMITDESK_TODAY or the UTC+8 (China Standard Time) wall clock. */
pd_date pd_today(void);

/* ---- durations ---------------------------------------------------------- */

/* A duration as written in policy: 30d, 2w, 6m, 1y. */
enum pd_dur_unit { PD_DUR_DAYS, PD_DUR_MONTHS };
struct pd_duration {
	int32_t count;
	enum pd_dur_unit unit; /* weeks become days, years become months */
};
/* Parses "30d", "2w", "6m", "1y" (len bytes); -1 when not a duration. */
int pd_duration_parse(const char *s, size_t len, struct pd_duration *out);
pd_date pd_date_add_duration(pd_date date, struct pd_duration dur, int sign);
/* Length in days of `dur` counted forward from `from`. */
int32_t pd_duration_days(struct pd_duration dur, pd_date from);

/* ---- arenas ------------------------------------------------------------- */

struct pd_arena_chunk;
struct pd_arena {
	struct pd_arena_chunk *head;
	size_t chunk_size;
	size_t limit; /* 0: unlimited; else total bytes allowed */
	size_t used;
};

void pd_arena_init(struct pd_arena *a, size_t chunk_size, size_t limit);
void *pd_arena_alloc(struct pd_arena *a, size_t size); /* 16-byte aligned, NULL when over */
void *pd_arena_zalloc(struct pd_arena *a, size_t size);
char *pd_arena_strndup(struct pd_arena *a, const char *s, size_t len);
char *pd_arena_printf(struct pd_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Keeps the first chunk, drops the rest: the next case reuses the memory. */
void pd_arena_reset(struct pd_arena *a);
void pd_arena_free(struct pd_arena *a);

/* ---- growable buffer ---------------------------------------------------- */

/* A byte buffer with a hard cap (curl's dynbuf): appends past `cap` fail. */
struct pd_buf {
	char *data;
	size_t len;
	size_t alloc;
	size_t cap;
	bool failed; /* an append failed: out of memory or over cap */
};

void pd_buf_init(struct pd_buf *b, size_t cap);
int pd_buf_append(struct pd_buf *b, const void *data, size_t len);
int pd_buf_puts(struct pd_buf *b, const char *s);
int pd_buf_putc(struct pd_buf *b, char c);
int pd_buf_printf(struct pd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pd_buf_reset(struct pd_buf *b);
void pd_buf_free(struct pd_buf *b);
/* Reads a whole file (or standard input for "-") into b; -PD_ENOTFOUND when missing. */
int pd_buf_read_file(struct pd_buf *b, const char *path, struct pd_error *err);

/* ---- UTF-8 -------------------------------------------------------------- */

/* Returns the byte offset of the first invalid UTF-8 sequence, or len when valid. */
size_t pd_utf8_check(const char *s, size_t len);

/* The 1-based number of the first line that starts with c, or 0 when none does.
 * The YAML loaders refuse lines starting with '%' (directives, which policy
 * files never need) before libfyaml sees them: libfyaml 0.7 can loop for ever
 * on a malformed directive. */
int pd_first_line_starting_with(const char *s, size_t len, char c);

#endif
