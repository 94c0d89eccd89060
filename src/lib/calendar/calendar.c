/*
 * calendar.c: the official working-day calendar (calendar.h).
 *
 * The data is policy/calendar/cn.yaml, copied year by year from the State
 * Council General Office's notices on holiday arrangements (国务院办公厅关于
 * XXXX年部分节假日安排的通知); the file's header comment documents its format.
 * A working day is Monday to Friday outside the holiday periods, or a make-up
 * working day (调休上班); spec/format.md: "N working days from a date end on
 * the N-th working day after it", the date itself not counted.
 *
 * Loading.  The file is read with libfyaml's event parser into a small tree
 * that keeps the line and column of every node, then checked against the
 * schema: every problem is reported as file:line:column with one message.
 *
 * Lookups.  From the first to the last covered year the calendar keeps one
 * bit per day (working day or not), the number of working days before each
 * 64-day word (a rank index) and the day of each working day (a select
 * index).  With W(d), the number of working days up to and including d
 * counted from the first covered day (negative before it, closed forms of
 * "Monday to Friday" outside the covered span):
 *   is_workday(d)      one bit;
 *   count(from, to)    W(to) - W(from);
 *   add(from, n)       the first day d with W(d) = W(from) + n: one select
 *                      lookup inside the span, a division outside it.
 * All three are O(1).  Years inside the span that the file does not list
 * count weekends only and are marked as not covered.  The calendar never
 * changes after loading and needs no lock.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "permitdesk/calendar.h"

/* Years a file may list: from the founding of the PRC to a bound that keeps the tables small. */
#define CAL_MIN_YEAR 1949
#define CAL_MAX_YEAR 2199
#define CAL_MAX_DEPTH 16
#define CAL_MAX_FILE (4u << 20)

struct pd_calendar {
	struct pd_arena arena;     /* everything below lives in it */
	int first, last;           /* first and last covered year; 0 when none */
	pd_date start, end;        /* [1 January of first, 1 January of last + 1) */
	int64_t total;             /* working days in [start, end) */
	bool has_gaps;             /* some year between first and last is not covered */
	uint64_t *bits;            /* bit i: day start + i is a working day */
	int32_t *rank;             /* working days before word i of bits */
	int32_t *select;           /* offset from start of the k-th working day (k from 0) */
	const char **sources;      /* per year from first: the notice, NULL when not covered */
	const char *path;          /* the file it was loaded from */
	struct pd_error *problems; /* the consistency check's findings (malloc'd) */
	size_t n_problems;
};

/* ---- Monday to Friday in closed form -------------------------------------------------------- */

/* 1970-01-05, a Monday. */
#define MONDAY0 4

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Mondays to Fridays in [MONDAY0, d), negative when d < MONDAY0. */
static int64_t weekdays_before(int64_t d)
{
	int64_t x = d - MONDAY0;
	int64_t q = floor_div(x, 7);
	int64_t r = x - 7 * q;
	return 5 * q + (r < 5 ? r : 5);
}

/* The day on which weekdays_before(day + 1) first reaches t: the t-th weekday from MONDAY0. */
static int64_t nth_weekday(int64_t t)
{
	int64_t q = floor_div(t - 1, 5);
	return MONDAY0 + 7 * q + (t - 1 - 5 * q);
}

static bool is_weekday(int64_t d)
{
	int64_t r = d - MONDAY0 - 7 * floor_div(d - MONDAY0, 7);
	return r < 5;
}

/* ---- lookups -------------------------------------------------------------------------------- */

static bool bit_at(const struct pd_calendar *cal, int64_t off)
{
	return (cal->bits[off >> 6] >> (off & 63)) & 1u;
}

/* Working days in [cal->start, d], negative for days before the span (see the file comment). */
static int64_t work_index(const struct pd_calendar *cal, int64_t d)
{
	if (d < cal->start)
		return weekdays_before(d + 1) - weekdays_before(cal->start);
	if (d >= cal->end)
		return cal->total + weekdays_before(d + 1) - weekdays_before(cal->end);
	int64_t off = d - cal->start;
	uint64_t word = cal->bits[off >> 6];
	unsigned shift = (unsigned)(off & 63);
	uint64_t mask = shift == 63 ? ~(uint64_t)0 : (((uint64_t)1 << (shift + 1)) - 1);
	return cal->rank[off >> 6] + __builtin_popcountll(word & mask);
}

/* The first day d with work_index(d) == t. */
static int64_t day_of_index(const struct pd_calendar *cal, int64_t t)
{
	if (t <= 0)
		return nth_weekday(t + weekdays_before(cal->start));
	if (t <= cal->total)
		return cal->start + cal->select[t - 1];
	return nth_weekday(t - cal->total + weekdays_before(cal->end));
}

static int year_of(int64_t d)
{
	int y, m, dd;
	if (d < INT32_MIN + 1 || d > INT32_MAX)
		return d < 0 ? INT_MIN : INT_MAX;
	pd_date_to_ymd((pd_date)d, &y, &m, &dd);
	return y;
}

bool pd_calendar_covers(const struct pd_calendar *cal, int year)
{
	return cal && cal->first && year >= cal->first && year <= cal->last &&
	       cal->sources[year - cal->first];
}

/* Does [a, b] (a <= b) touch a day of a year that is not covered? */
static bool touches_uncovered(const struct pd_calendar *cal, int64_t a, int64_t b)
{
	if (a < cal->start || b >= cal->end)
		return true;
	if (!cal->has_gaps)
		return false;
	int last = year_of(b);
	for (int y = year_of(a); y <= last; y++)
		if (!cal->sources[y - cal->first])
			return true;
	return false;
}

void pd_calendar_range(const struct pd_calendar *cal, int *first, int *last)
{
	if (first)
		*first = cal ? cal->first : 0;
	if (last)
		*last = cal ? cal->last : 0;
}

bool pd_calendar_is_workday(const struct pd_calendar *cal, pd_date day, bool *provisional)
{
	int64_t d = day;
	bool work, prov;
	if (d >= cal->start && d < cal->end) {
		work = bit_at(cal, d - cal->start);
		prov = cal->has_gaps && !pd_calendar_covers(cal, year_of(d));
	} else {
		work = is_weekday(d);
		prov = true;
	}
	if (provisional)
		*provisional = prov;
	return work;
}

pd_date pd_calendar_workday_near(const struct pd_calendar *cal, pd_date day, int dir,
                                 bool *provisional)
{
	bool prov = false, any = false;
	/* No official rest runs longer than a few weeks; a year bounds the walk. */
	for (int i = 0; i < 366 && day != PD_DATE_NONE && cal; i++) {
		bool work = pd_calendar_is_workday(cal, day, &prov);
		any = any || prov;
		if (work || dir == 0)
			break;
		day += dir < 0 ? -1 : 1;
	}
	if (provisional)
		*provisional = any;
	return day;
}

/* n <= 0 gives `from`; a day past the range of pd_date (absurd n) gives PD_DATE_NONE. */
pd_date pd_calendar_add(const struct pd_calendar *cal, pd_date from, int n, bool *provisional)
{
	if (n <= 0) {
		if (provisional)
			*provisional = false;
		return from;
	}
	int64_t d = day_of_index(cal, work_index(cal, from) + n);
	if (provisional)
		*provisional = touches_uncovered(cal, (int64_t)from + 1, d);
	if (d < INT32_MIN + 1 || d > INT32_MAX)
		return PD_DATE_NONE;
	return (pd_date)d;
}

pd_date pd_calendar_deadline(const struct pd_calendar *cal, pd_date from, int32_t days,
                             int32_t paused, bool *provisional)
{
	if (days < 0 || from == PD_DATE_NONE || !cal)
		return PD_DATE_NONE;
	return pd_calendar_add(cal, from, days + (paused > 0 ? paused : 0), provisional);
}

int pd_calendar_count(const struct pd_calendar *cal, pd_date from, pd_date to, bool *provisional)
{
	if (to <= from) {
		if (provisional)
			*provisional = false;
		return 0;
	}
	if (provisional)
		*provisional = touches_uncovered(cal, (int64_t)from + 1, to);
	int64_t n = work_index(cal, to) - work_index(cal, from);
	return n > INT_MAX ? INT_MAX : (int)n;
}

const char *pd_calendar_source(const struct pd_calendar *cal, int year)
{
	return pd_calendar_covers(cal, year) ? cal->sources[year - cal->first] : NULL;
}

const char *pd_calendar_path(const struct pd_calendar *cal)
{
	return cal && cal->path ? cal->path : "";
}

size_t pd_calendar_problem_count(const struct pd_calendar *cal)
{
	return cal ? cal->n_problems : 0;
}

const struct pd_error *pd_calendar_problem(const struct pd_calendar *cal, size_t i)
{
	return cal && i < cal->n_problems ? &cal->problems[i] : NULL;
}

int pd_calendar_missing_year(const struct pd_calendar *cal, pd_date today)
{
	int y, m, d;
	pd_date_to_ymd(today, &y, &m, &d);
	if (!pd_calendar_covers(cal, y))
		return y;
	if (m == 12 && d >= PD_CALENDAR_DUE_DAY && !pd_calendar_covers(cal, y + 1))
		return y + 1;
	return 0;
}

int pd_calendar_coverage_warning(const struct pd_calendar *cal, pd_date today, const char *file,
                                 char *buf, size_t size)
{
	int year = pd_calendar_missing_year(cal, today);
	if (size)
		buf[0] = '\0';
	if (!year)
		return 0;
	snprintf(buf, size,
	         "the official calendar does not cover %d: copy the State Council's notice on "
	         "the %d holidays into %s (docs/internals/calendar.md, \"How to add a year\"); "
	         "until then every working day counted in %d is provisional",
	         year, year, file ? file : pd_calendar_path(cal), year);
	return year;
}

int pd_calendar_days_covered(const struct pd_calendar *cal, pd_date today)
{
	int y, m, d;
	pd_date_to_ymd(today, &y, &m, &d);
	if (!pd_calendar_covers(cal, y))
		return 0;
	while (pd_calendar_covers(cal, y + 1))
		y++;
	return (int)(pd_date_from_ymd(y + 1, 1, 1) - today);
}

void pd_calendar_free(struct pd_calendar *cal)
{
	if (!cal)
		return;
	free(cal->problems);
	pd_arena_free(&cal->arena);
	free(cal);
}

/* ---- a YAML tree that remembers where each node was ----------------------------------------- */

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

struct ynode {
	enum ynode_kind kind;
	int line, column; /* 1-based */
	const char *text; /* scalars: NUL-terminated copy */
	size_t len;
	struct ynode *head; /* children; a mapping alternates key, value */
	struct ynode *tail;
	struct ynode *next;
	size_t count;
};

struct loader {
	const char *file;
	struct pd_error *err;
	struct pd_arena tmp; /* the tree and the per-year tables */
	struct fy_diag *diag;
	struct fy_parser *parser;
};

static int fail_at(struct loader *ld, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct loader *ld, const struct ynode *n, const char *fmt, ...)
{
	char msg[sizeof(ld->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pd_error_at(ld->err, PD_EPOLICY, ld->file, n ? n->line : 0, n ? n->column : 0, NULL,
	                   "%s", msg);
}

static int nomem(struct loader *ld)
{
	return pd_error_at(ld->err, PD_ENOMEM, ld->file, 0, 0, NULL, "out of memory");
}

/* The parser stopped: report libfyaml's first error with its position. */
static int syntax_error(struct loader *ld)
{
	void *it = NULL;
	struct fy_diag_error *e;
	while ((e = fy_diag_errors_iterate(ld->diag, &it)) != NULL) {
		if (e->type < FYET_ERROR)
			continue;
		return pd_error_at(ld->err, PD_EPOLICY, ld->file, e->line, e->column, NULL,
		                   "YAML: %s", e->msg ? e->msg : "syntax error");
	}
	return pd_error_at(ld->err, PD_EPOLICY, ld->file, 0, 0, NULL, "YAML: syntax error");
}

static struct ynode *new_node(struct loader *ld, enum ynode_kind kind, struct fy_event *ev)
{
	struct ynode *n = pd_arena_zalloc(&ld->tmp, sizeof(*n));
	if (!n)
		return NULL;
	const struct fy_mark *m = fy_event_start_mark(ev);
	n->kind = kind;
	n->line = m ? m->line + 1 : 0;
	n->column = m ? m->column + 1 : 0;
	return n;
}

/* Reads the node that starts with ev (which it frees) into *out. */
static int read_node(struct loader *ld, struct fy_event *ev, int depth, struct ynode **out)
{
	int rc = 0;
	struct ynode *n = NULL;
	struct fy_event *child_ev = NULL;
	enum fy_event_type end = FYET_NONE;

	switch (ev->type) {
	case FYET_SCALAR: {
		size_t len = 0;
		const char *text = fy_token_get_text(ev->scalar.value, &len);
		n = new_node(ld, YN_SCALAR, ev);
		if (!n || !(n->text = pd_arena_strndup(&ld->tmp, text ? text : "", len))) {
			rc = nomem(ld);
			goto cleanup;
		}
		n->len = len;
		*out = n;
		goto cleanup;
	}
	case FYET_MAPPING_START:
		n = new_node(ld, YN_MAP, ev);
		end = FYET_MAPPING_END;
		break;
	case FYET_SEQUENCE_START:
		n = new_node(ld, YN_SEQ, ev);
		end = FYET_SEQUENCE_END;
		break;
	case FYET_ALIAS: {
		struct ynode where = {0};
		const struct fy_mark *m = fy_event_start_mark(ev);
		where.line = m ? m->line + 1 : 0;
		where.column = m ? m->column + 1 : 0;
		rc = fail_at(ld, &where, "YAML aliases are not allowed here");
		goto cleanup;
	}
	default:
		rc = pd_error_at(ld->err, PD_EPOLICY, ld->file, 0, 0, NULL,
		                 "YAML: unexpected event");
		goto cleanup;
	}
	if (!n) {
		rc = nomem(ld);
		goto cleanup;
	}
	if (depth >= CAL_MAX_DEPTH) {
		rc = fail_at(ld, n, "nested too deeply");
		goto cleanup;
	}
	for (;;) {
		child_ev = fy_parser_parse(ld->parser);
		if (!child_ev) {
			rc = syntax_error(ld);
			goto cleanup;
		}
		if (child_ev->type == end)
			break;
		struct ynode *child = NULL;
		struct fy_event *e = child_ev;
		child_ev = NULL;
		rc = read_node(ld, e, depth + 1, &child);
		if (rc)
			goto cleanup;
		if (n->tail)
			n->tail->next = child;
		else
			n->head = child;
		n->tail = child;
		n->count++;
	}
	*out = n;
cleanup:
	if (child_ev)
		fy_parser_event_free(ld->parser, child_ev);
	fy_parser_event_free(ld->parser, ev);
	return rc;
}

/* Parses the whole text into *root (NULL for an empty stream). */
static int read_tree(struct loader *ld, const char *text, size_t len, struct ynode **root)
{
	int rc = 0;
	struct fy_event *ev = NULL;
	struct fy_diag_cfg dcfg;

	*root = NULL;
	int directive = pd_first_line_starting_with(text, len, '%');
	if (directive)
		return pd_error_at(
		    ld->err, PD_EPOLICY, ld->file, directive, 1, NULL,
		    "YAML directives (lines starting with %%) are not used in the calendar");
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.colorize = false;
	ld->diag = fy_diag_create(&dcfg);
	if (!ld->diag)
		return nomem(ld);
	fy_diag_set_collect_errors(ld->diag, true);
	struct fy_parse_cfg pcfg = {.flags = FYPCF_QUIET, .diag = ld->diag};
	ld->parser = fy_parser_create(&pcfg);
	if (!ld->parser || fy_parser_set_string(ld->parser, text, len) != 0)
		return nomem(ld);

	int docs = 0;
	while ((ev = fy_parser_parse(ld->parser)) != NULL) {
		enum fy_event_type type = ev->type;
		if (type == FYET_STREAM_START || type == FYET_DOCUMENT_END) {
			fy_parser_event_free(ld->parser, ev);
			ev = NULL;
			continue;
		}
		if (type == FYET_STREAM_END) {
			fy_parser_event_free(ld->parser, ev);
			ev = NULL;
			return 0;
		}
		if (type == FYET_DOCUMENT_START) {
			if (++docs > 1) {
				struct ynode where = {0};
				const struct fy_mark *m = fy_event_start_mark(ev);
				where.line = m ? m->line + 1 : 0;
				where.column = m ? m->column + 1 : 0;
				rc = fail_at(ld, &where,
				             "a second YAML document; the file holds one");
				goto cleanup;
			}
			fy_parser_event_free(ld->parser, ev);
			ev = NULL;
			continue;
		}
		struct fy_event *e = ev;
		ev = NULL;
		rc = read_node(ld, e, 0, root);
		if (rc)
			goto cleanup;
	}
	rc = syntax_error(ld);
cleanup:
	if (ev)
		fy_parser_event_free(ld->parser, ev);
	return rc;
}

/* ---- schema --------------------------------------------------------------------------------- */

struct field {
	const char *name;
	bool required;
	struct ynode *key;
	struct ynode *value;
};

static const char *kind_name(enum ynode_kind k)
{
	return k == YN_MAP ? "a mapping" : k == YN_SEQ ? "a sequence" : "a scalar";
}

static int expect_kind(struct loader *ld, const struct ynode *n, enum ynode_kind kind)
{
	if (n->kind == kind)
		return 0;
	return fail_at(ld, n, "expected %s, got %s", kind_name(kind), kind_name(n->kind));
}

/* Matches the keys of mapping `map` against `fields`: unknown, repeated, missing keys fail. */
static int get_fields(struct loader *ld, const struct ynode *map, struct field *fields, size_t nf)
{
	int rc = expect_kind(ld, map, YN_MAP);
	if (rc)
		return rc;
	for (const struct ynode *k = map->head; k; k = k->next->next) {
		if (k->kind != YN_SCALAR)
			return fail_at(ld, k, "expected a key, got %s", kind_name(k->kind));
		struct field *f = NULL;
		for (size_t i = 0; i < nf; i++)
			if (strlen(fields[i].name) == k->len &&
			    memcmp(fields[i].name, k->text, k->len) == 0)
				f = &fields[i];
		if (!f) {
			char expected[256];
			size_t used = 0;
			expected[0] = '\0';
			for (size_t i = 0; i < nf && used < sizeof(expected); i++) {
				int w = snprintf(expected + used, sizeof(expected) - used, "%s%s",
				                 i ? ", " : "", fields[i].name);
				if (w > 0)
					used += (size_t)w;
			}
			return fail_at(ld, k, "unknown key \"%.60s\" (expected %s)", k->text,
			               expected);
		}
		if (f->key)
			return fail_at(ld, k, "key \"%s\" given twice (first at line %d)", f->name,
			               f->key->line);
		f->key = (struct ynode *)k;
		f->value = k->next;
	}
	for (size_t i = 0; i < nf; i++)
		if (fields[i].required && !fields[i].key)
			return fail_at(ld, map, "missing key \"%s\"", fields[i].name);
	return 0;
}

static int get_text(struct loader *ld, const struct ynode *n, const char **out)
{
	int rc = expect_kind(ld, n, YN_SCALAR);
	if (rc)
		return rc;
	if (n->len == 0)
		return fail_at(ld, n, "expected a text, got an empty value");
	*out = n->text;
	return 0;
}

static int get_date(struct loader *ld, const struct ynode *n, pd_date *out)
{
	int rc = expect_kind(ld, n, YN_SCALAR);
	if (rc)
		return rc;
	if (pd_date_parse(n->text, n->len, out) != 0)
		return fail_at(ld, n, "expected a date YYYY-MM-DD, got \"%.40s\"", n->text);
	return 0;
}

static int get_year(struct loader *ld, const struct ynode *n, int *out)
{
	int rc = expect_kind(ld, n, YN_SCALAR);
	if (rc)
		return rc;
	int y = 0;
	bool ok = n->len == 4;
	for (size_t i = 0; ok && i < n->len; i++) {
		if (n->text[i] < '0' || n->text[i] > '9')
			ok = false;
		else
			y = y * 10 + (n->text[i] - '0');
	}
	if (!ok || y < CAL_MIN_YEAR || y > CAL_MAX_YEAR)
		return fail_at(ld, n, "expected a year from %d to %d, got \"%.40s\"", CAL_MIN_YEAR,
		               CAL_MAX_YEAR, n->text);
	*out = y;
	return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM" (a notice whose exact day is not recorded). */
static int get_published(struct loader *ld, const struct ynode *n)
{
	int rc = expect_kind(ld, n, YN_SCALAR);
	if (rc)
		return rc;
	pd_date d;
	if (pd_date_parse(n->text, n->len, &d) == 0)
		return 0;
	if (n->len == 7) {
		char full[11];
		memcpy(full, n->text, 7);
		memcpy(full + 7, "-01", 4);
		if (pd_date_parse(full, 10, &d) == 0)
			return 0;
	}
	return fail_at(ld, n, "expected a date YYYY-MM-DD or a month YYYY-MM, got \"%.40s\"",
	               n->text);
}

/* What the file says about one day of a year. */
enum day_kind { DAY_PLAIN, DAY_HOLIDAY, DAY_MAKEUP };
struct day_mark {
	uint8_t kind;
	const char *owner; /* English name of the holiday that set it */
};

/* One holiday period of a year, kept for the consistency check. */
struct holiday_in {
	const struct ynode *en_node, *zh_node, *to_node;
	const char *en, *zh;
	pd_date from, to;
	struct holiday_in *next;
};

struct year_in {
	int year;
	int line; /* of its `year:` value */
	const struct ynode *year_node, *holidays_key, *published;
	const char *source;
	struct holiday_in *holidays, *last_holiday;
	int n_make_up;
	struct day_mark days[366];
};

/* The statutory holidays of one version of the national regulation. */
#define CAL_MAX_STATUTORY 16
struct statutory_in {
	pd_date in_force_from;
	const struct ynode *node;
	const char *source;
	struct {
		const char *en, *zh;
		int days;
	} items[CAL_MAX_STATUTORY];
	int n;
	int total; /* days off in a year */
};

static const char *const weekday_names[8] = {"",         "Monday", "Tuesday",  "Wednesday",
                                             "Thursday", "Friday", "Saturday", "Sunday"};

static int check_in_year(struct loader *ld, const struct ynode *n, pd_date d, int year)
{
	int y, m, dd;
	pd_date_to_ymd(d, &y, &m, &dd);
	if (y == year)
		return 0;
	char buf[11];
	pd_date_format(d, buf);
	return fail_at(ld, n, "%s is outside the year %d", buf, year);
}

static int read_holiday(struct loader *ld, const struct ynode *node, struct year_in *yi)
{
	struct field f[] = {
	    {"en", true, NULL, NULL},
	    {"zh", true, NULL, NULL},
	    {"from", true, NULL, NULL},
	    {"to", true, NULL, NULL},
	    {"make_up_days", false, NULL, NULL},
	};
	/* Set by the readers below before any use; initialised because at -O3 GCC
	 * cannot see that through the chain of || (-Werror=maybe-uninitialized). */
	const char *en = NULL, *zh = NULL;
	pd_date from = PD_DATE_NONE, to = PD_DATE_NONE;
	pd_date jan1 = pd_date_from_ymd(yi->year, 1, 1);
	char a[11], b[11];
	int rc;

	if ((rc = get_fields(ld, node, f, sizeof(f) / sizeof(f[0]))) ||
	    (rc = get_text(ld, f[0].value, &en)) || (rc = get_text(ld, f[1].value, &zh)) ||
	    (rc = get_date(ld, f[2].value, &from)) ||
	    (rc = check_in_year(ld, f[2].value, from, yi->year)) ||
	    (rc = get_date(ld, f[3].value, &to)) ||
	    (rc = check_in_year(ld, f[3].value, to, yi->year)))
		return rc;
	struct holiday_in *h = pd_arena_zalloc(&ld->tmp, sizeof(*h));
	if (!h)
		return nomem(ld);
	*h = (struct holiday_in){.en_node = f[0].value,
	                         .zh_node = f[1].value,
	                         .to_node = f[3].value,
	                         .en = en,
	                         .zh = zh,
	                         .from = from,
	                         .to = to};
	if (yi->last_holiday)
		yi->last_holiday->next = h;
	else
		yi->holidays = h;
	yi->last_holiday = h;
	if (to < from) {
		pd_date_format(from, a);
		pd_date_format(to, b);
		return fail_at(ld, f[3].value, "\"%s\" ends on %s, before it starts on %s", en, b,
		               a);
	}
	for (pd_date d = from; d <= to; d++) {
		struct day_mark *dm = &yi->days[d - jan1];
		pd_date_format(d, a);
		if (dm->kind == DAY_HOLIDAY)
			return fail_at(ld, f[2].value, "\"%s\" overlaps \"%s\" on %s", en,
			               dm->owner, a);
		if (dm->kind == DAY_MAKEUP)
			return fail_at(ld, f[2].value,
			               "\"%s\" includes %s, a make-up working day of \"%s\"", en, a,
			               dm->owner);
		dm->kind = DAY_HOLIDAY;
		dm->owner = en;
	}
	if (!f[4].value)
		return 0;
	if ((rc = expect_kind(ld, f[4].value, YN_SEQ)))
		return rc;
	for (const struct ynode *n = f[4].value->head; n; n = n->next) {
		pd_date d;
		if ((rc = get_date(ld, n, &d)) || (rc = check_in_year(ld, n, d, yi->year)))
			return rc;
		int wd = pd_date_weekday(d);
		pd_date_format(d, a);
		if (wd < 6)
			return fail_at(ld, n,
			               "make-up working day %s is a %s, not a Saturday or Sunday",
			               a, weekday_names[wd]);
		struct day_mark *dm = &yi->days[d - jan1];
		if (dm->kind == DAY_HOLIDAY)
			return fail_at(ld, n, "make-up working day %s falls in the holiday \"%s\"",
			               a, dm->owner);
		if (dm->kind == DAY_MAKEUP)
			return fail_at(ld, n, "make-up working day %s is listed twice", a);
		dm->kind = DAY_MAKEUP;
		dm->owner = en;
		yi->n_make_up++;
	}
	return 0;
}

/* A source (title, number, published) as one line into *out; *published its date's node. */
static int read_source(struct loader *ld, const struct ynode *node, const char **out,
                       const struct ynode **published)
{
	struct field f[] = {
	    {"title", true, NULL, NULL},
	    {"number", false, NULL, NULL},
	    {"published", true, NULL, NULL},
	};
	const char *title = NULL, *number = NULL; /* as in read_holiday() */
	int rc;
	if ((rc = get_fields(ld, node, f, sizeof(f) / sizeof(f[0]))) ||
	    (rc = get_text(ld, f[0].value, &title)) ||
	    (f[1].value && (rc = get_text(ld, f[1].value, &number))) ||
	    (rc = get_published(ld, f[2].value)))
		return rc;
	if (number)
		*out = pd_arena_printf(&ld->tmp, "《%s》(%s, %s)", title, number, f[2].value->text);
	else
		*out = pd_arena_printf(&ld->tmp, "《%s》(%s)", title, f[2].value->text);
	*published = f[2].value;
	return *out ? 0 : nomem(ld);
}

static int get_days(struct loader *ld, const struct ynode *n, int *out)
{
	int rc = expect_kind(ld, n, YN_SCALAR);
	if (rc)
		return rc;
	if (n->len != 1 || n->text[0] < '1' || n->text[0] > '9')
		return fail_at(ld, n, "expected a number of days from 1 to 9, got \"%.40s\"",
		               n->text);
	*out = n->text[0] - '0';
	return 0;
}

/* The separator of holidays combined in one period's Chinese name: 国庆节、中秋节. */
static const char combine_zh[] = "、";

static int read_statutory_holiday(struct loader *ld, const struct ynode *node,
                                  struct statutory_in *st)
{
	struct field f[] = {
	    {"en", true, NULL, NULL},
	    {"zh", true, NULL, NULL},
	    {"days", true, NULL, NULL},
	};
	const char *en = NULL, *zh = NULL; /* as in read_holiday() */
	int days = 0, rc;
	if ((rc = get_fields(ld, node, f, sizeof(f) / sizeof(f[0]))) ||
	    (rc = get_text(ld, f[0].value, &en)) || (rc = get_text(ld, f[1].value, &zh)) ||
	    (rc = get_days(ld, f[2].value, &days)))
		return rc;
	if (strstr(zh, combine_zh))
		return fail_at(ld, f[1].value, "a statutory holiday's name holds no \"%s\"",
		               combine_zh);
	for (int i = 0; i < st->n; i++)
		if (strcmp(st->items[i].en, en) == 0 || strcmp(st->items[i].zh, zh) == 0)
			return fail_at(ld, node, "\"%s\" (%s) is listed twice", en, zh);
	if (st->n == CAL_MAX_STATUTORY)
		return fail_at(ld, node, "more than %d statutory holidays", CAL_MAX_STATUTORY);
	st->items[st->n].en = en;
	st->items[st->n].zh = zh;
	st->items[st->n].days = days;
	st->n++;
	st->total += days;
	return 0;
}

/* One version of the national regulation: in force from a date, its holidays. */
static int read_statutory(struct loader *ld, const struct ynode *node, struct statutory_in **seen,
                          size_t nseen, struct statutory_in **out)
{
	struct field f[] = {
	    {"in_force_from", true, NULL, NULL},
	    {"source", true, NULL, NULL},
	    {"holidays", true, NULL, NULL},
	};
	const struct ynode *published = NULL;
	int rc;
	struct statutory_in *st = pd_arena_zalloc(&ld->tmp, sizeof(*st));
	if (!st)
		return nomem(ld);
	st->node = node;
	if ((rc = get_fields(ld, node, f, sizeof(f) / sizeof(f[0]))) ||
	    (rc = get_date(ld, f[0].value, &st->in_force_from)))
		return rc;
	for (size_t i = 0; i < nseen; i++)
		if (seen[i]->in_force_from == st->in_force_from)
			return fail_at(ld, f[0].value,
			               "two versions in force from the same day (first at line %d)",
			               seen[i]->node->line);
	if ((rc = read_source(ld, f[1].value, &st->source, &published)) ||
	    (rc = expect_kind(ld, f[2].value, YN_SEQ)))
		return rc;
	for (const struct ynode *h = f[2].value->head; h; h = h->next)
		if ((rc = read_statutory_holiday(ld, h, st)))
			return rc;
	if (st->n == 0)
		return fail_at(ld, f[2].value, "no statutory holidays listed");
	*out = st;
	return 0;
}

static int read_year(struct loader *ld, const struct ynode *node, struct year_in **seen,
                     size_t nseen, struct year_in **out)
{
	struct field f[] = {
	    {"year", true, NULL, NULL},
	    {"source", true, NULL, NULL},
	    {"holidays", true, NULL, NULL},
	};
	int rc;
	struct year_in *yi = pd_arena_zalloc(&ld->tmp, sizeof(*yi));
	if (!yi)
		return nomem(ld);
	if ((rc = get_fields(ld, node, f, sizeof(f) / sizeof(f[0]))) ||
	    (rc = get_year(ld, f[0].value, &yi->year)))
		return rc;
	yi->line = f[0].value->line;
	for (size_t i = 0; i < nseen; i++)
		if (seen[i]->year == yi->year)
			return fail_at(ld, f[0].value, "year %d is listed twice (first at line %d)",
			               yi->year, seen[i]->line);
	yi->year_node = f[0].value;
	yi->holidays_key = f[2].key;
	if ((rc = read_source(ld, f[1].value, &yi->source, &yi->published)) ||
	    (rc = expect_kind(ld, f[2].value, YN_SEQ)))
		return rc;
	for (const struct ynode *h = f[2].value->head; h; h = h->next)
		if ((rc = read_holiday(ld, h, yi)))
			return rc;
	*out = yi;
	return 0;
}

/* ---- the consistency check ------------------------------------------------------------------ */

struct problems {
	const char *file;
	struct pd_error *items;
	size_t n, alloc;
	bool nomem;
};

static void problem_at(struct problems *pr, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem_at(struct problems *pr, const struct ynode *n, const char *fmt, ...)
{
	if (pr->n == pr->alloc) {
		size_t alloc = pr->alloc ? 2 * pr->alloc : 8;
		struct pd_error *p = realloc(pr->items, alloc * sizeof(*p));
		if (!p) {
			pr->nomem = true;
			return;
		}
		pr->items = p;
		pr->alloc = alloc;
	}
	char msg[sizeof(pr->items->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct pd_error *e = &pr->items[pr->n++];
	pd_error_clear(e);
	pd_error_at(e, PD_EPOLICY, pr->file, n ? n->line : 0, n ? n->column : 0, NULL, "%s", msg);
}

/* The version of the regulation in force on 1 January of `year`, or NULL. */
static const struct statutory_in *law_of_year(struct statutory_in *const *st, size_t nst, int year)
{
	pd_date jan1 = pd_date_from_ymd(year, 1, 1);
	const struct statutory_in *law = NULL;
	for (size_t i = 0; i < nst; i++)
		if (st[i]->in_force_from <= jan1 &&
		    (!law || st[i]->in_force_from > law->in_force_from))
			law = st[i];
	return law;
}

/* "A", "A and B", "A, B and C" (last_sep " and "), or "A, B, C" (last_sep ", "): the names of
 * law's holidays idx[0..n) (all of them when idx is NULL), English or Chinese. */
static void join_names(const struct statutory_in *law, const int *idx, int n, bool zh,
                       const char *last_sep, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && used < size; i++) {
		int k = idx ? idx[i] : i;
		const char *sep = i == 0 ? "" : i == n - 1 ? last_sep : ", ";
		int w = snprintf(buf + used, size - used, "%s%s", sep,
		                 zh ? law->items[k].zh : law->items[k].en);
		if (w > 0)
			used += (size_t)w;
	}
}

/* The statutory holidays a period's Chinese name holds (国庆节、中秋节 holds two), by index
 * into law; -1 (with a problem) when a part names none. */
static int period_holidays(struct problems *pr, const struct statutory_in *law,
                           const struct holiday_in *h, int *idx)
{
	int n = 0;
	for (const char *p = h->zh;;) {
		const char *sep = strstr(p, combine_zh);
		size_t len = sep ? (size_t)(sep - p) : strlen(p);
		int k = -1;
		for (int i = 0; i < law->n; i++)
			if (strlen(law->items[i].zh) == len &&
			    memcmp(law->items[i].zh, p, len) == 0)
				k = i;
		if (k < 0) {
			char names[400];
			join_names(law, NULL, law->n, true, ", ", names, sizeof(names));
			problem_at(
			    pr, h->zh_node,
			    "\"%.*s\" is not a statutory holiday (%s; holidays combined in one "
			    "period are joined with \"%s\")",
			    (int)len, p, names, combine_zh);
			return -1;
		}
		if (n == CAL_MAX_STATUTORY)
			return n;
		idx[n++] = k;
		if (!sep)
			return n;
		p = sep + strlen(combine_zh);
	}
}

static void check_year(struct problems *pr, const struct year_in *yi,
                       struct statutory_in *const *st, size_t nst)
{
	const struct statutory_in *law = law_of_year(st, nst, yi->year);
	if (!law) {
		problem_at(pr, yi->year_node,
		           "no version of the statutory holidays (\"statutory\") is in force on 1 "
		           "January %d to check the year against",
		           yi->year);
		return;
	}
	int published = atoi(yi->published->text);
	if (published >= yi->year)
		problem_at(pr, yi->published,
		           "the notice for %d is dated %s: a year's notice is published before the "
		           "year begins",
		           yi->year, yi->published->text);

	const struct holiday_in *seen[CAL_MAX_STATUTORY] = {0};
	int weekdays_off = 0;
	for (const struct holiday_in *h = yi->holidays; h; h = h->next) {
		for (pd_date d = h->from; d <= h->to; d++)
			weekdays_off += is_weekday(d);
		int idx[CAL_MAX_STATUTORY];
		int n = period_holidays(pr, law, h, idx);
		if (n < 0)
			continue;
		char want[256];
		join_names(law, idx, n, false, " and ", want, sizeof(want));
		if (strcmp(want, h->en) != 0)
			problem_at(pr, h->en_node, "\"%s\" does not match \"%s\": expected \"%s\"",
			           h->en, h->zh, want);
		int need = 0;
		for (int i = 0; i < n; i++) {
			const struct holiday_in *first = seen[idx[i]];
			if (first)
				problem_at(
				    pr, h->zh_node,
				    "%s (%s) is in two holiday periods of %d (first at line %d)",
				    law->items[idx[i]].zh, law->items[idx[i]].en, yi->year,
				    first->zh_node->line);
			else
				seen[idx[i]] = h;
			need += law->items[idx[i]].days;
		}
		int len = (int)(h->to - h->from) + 1;
		if (len < need)
			problem_at(pr, h->to_node,
			           "\"%s\" is %d day%s off, fewer than its %d statutory day%s",
			           h->en, len, len == 1 ? "" : "s", need, need == 1 ? "" : "s");
	}
	for (int i = 0; i < law->n; i++)
		if (!seen[i])
			problem_at(
			    pr, yi->holidays_key,
			    "%d lacks %s (%s): each statutory holiday is in one holiday period",
			    yi->year, law->items[i].zh, law->items[i].en);
	int net = weekdays_off - yi->n_make_up;
	if (net != law->total)
		problem_at(pr, yi->year_node,
		           "%d: %d weekdays off less %d make-up working days leaves %d days off, "
		           "but the statutory holidays of %s give %d: a holiday's dates or a "
		           "make-up day differ from the notice",
		           yi->year, weekdays_off, yi->n_make_up, net, law->source, law->total);
}

/* Fills cal->problems: every year against the regulation in force. */
static int check_years(struct loader *ld, struct pd_calendar *cal, const struct ynode *root,
                       struct year_in **years, size_t n, struct statutory_in *const *st, size_t nst,
                       bool has_statutory)
{
	struct problems pr = {.file = ld->file};
	if (!has_statutory)
		problem_at(
		    &pr, root,
		    "no \"statutory\" list: the years cannot be checked against the statutory "
		    "holidays");
	else
		for (size_t i = 0; i < n; i++)
			check_year(&pr, years[i], st, nst);
	if (pr.nomem) {
		free(pr.items);
		return nomem(ld);
	}
	cal->problems = pr.items;
	cal->n_problems = pr.n;
	return 0;
}

/* ---- building the tables -------------------------------------------------------------------- */

static int build(struct loader *ld, struct pd_calendar *cal, struct year_in **years, size_t n)
{
	if (n == 0)
		return 0;
	int first = years[0]->year, last = years[0]->year;
	for (size_t i = 1; i < n; i++) {
		if (years[i]->year < first)
			first = years[i]->year;
		if (years[i]->year > last)
			last = years[i]->year;
	}
	size_t nyears = (size_t)(last - first + 1);
	cal->first = first;
	cal->last = last;
	cal->start = pd_date_from_ymd(first, 1, 1);
	cal->end = pd_date_from_ymd(last + 1, 1, 1);
	cal->has_gaps = nyears != n;

	size_t ndays = (size_t)(cal->end - cal->start);
	size_t nwords = ndays / 64 + 1;
	cal->bits = pd_arena_zalloc(&cal->arena, nwords * sizeof(*cal->bits));
	cal->rank = pd_arena_zalloc(&cal->arena, nwords * sizeof(*cal->rank));
	cal->select = pd_arena_alloc(&cal->arena, ndays * sizeof(*cal->select));
	cal->sources = pd_arena_zalloc(&cal->arena, nyears * sizeof(*cal->sources));
	struct year_in **by_year = pd_arena_zalloc(&ld->tmp, nyears * sizeof(*by_year));
	if (!cal->bits || !cal->rank || !cal->select || !cal->sources || !by_year)
		return nomem(ld);
	for (size_t i = 0; i < n; i++) {
		struct year_in *yi = years[i];
		by_year[yi->year - first] = yi;
		size_t len = strlen(yi->source);
		char *s = pd_arena_strndup(&cal->arena, yi->source, len);
		if (!s)
			return nomem(ld);
		cal->sources[yi->year - first] = s;
	}

	int64_t count = 0;
	for (size_t yx = 0; yx < nyears; yx++) {
		int year = first + (int)yx;
		pd_date jan1 = pd_date_from_ymd(year, 1, 1);
		pd_date next = pd_date_from_ymd(year + 1, 1, 1);
		const struct year_in *yi = by_year[yx];
		for (pd_date d = jan1; d < next; d++) {
			size_t off = (size_t)(d - cal->start);
			if (off % 64 == 0)
				cal->rank[off / 64] = (int32_t)count;
			bool work = is_weekday(d);
			if (yi && yi->days[d - jan1].kind == DAY_HOLIDAY)
				work = false;
			else if (yi && yi->days[d - jan1].kind == DAY_MAKEUP)
				work = true;
			if (work) {
				cal->bits[off / 64] |= (uint64_t)1 << (off % 64);
				cal->select[count++] = (int32_t)off;
			}
		}
	}
	if (ndays % 64 == 0)
		cal->rank[ndays / 64] = (int32_t)count;
	cal->total = count;
	return 0;
}

int pd_calendar_load(const char *path, struct pd_calendar **out, struct pd_error *err)
{
	int rc = 0;
	struct pd_buf buf;
	struct loader ld = {.file = path, .err = err};
	struct pd_calendar *cal = NULL;
	struct year_in **years = NULL;
	struct statutory_in **statutory = NULL;
	struct ynode *root = NULL;

	*out = NULL;
	pd_buf_init(&buf, CAL_MAX_FILE);
	pd_arena_init(&ld.tmp, 65536, 0);
	rc = pd_buf_read_file(&buf, path, err);
	if (rc)
		goto cleanup;
	if ((rc = read_tree(&ld, buf.data, buf.len, &root)))
		goto cleanup;
	if (!root) {
		struct ynode where = {.line = 1, .column = 1};
		rc = fail_at(&ld, &where, "empty file: expected a mapping with the key \"years\"");
		goto cleanup;
	}

	struct field top[] = {{"years", true, NULL, NULL}, {"statutory", false, NULL, NULL}};
	if ((rc = get_fields(&ld, root, top, 2)) || (rc = expect_kind(&ld, top[0].value, YN_SEQ)) ||
	    (top[1].value && (rc = expect_kind(&ld, top[1].value, YN_SEQ))))
		goto cleanup;
	size_t n = 0, nst = 0;
	years = calloc(top[0].value->count + 1, sizeof(*years));
	statutory = calloc(top[1].value ? top[1].value->count + 1 : 1, sizeof(*statutory));
	cal = calloc(1, sizeof(*cal));
	if (!years || !statutory || !cal) {
		rc = nomem(&ld);
		goto cleanup;
	}
	pd_arena_init(&cal->arena, 16384, 0);
	for (const struct ynode *st = top[1].value ? top[1].value->head : NULL; st; st = st->next) {
		if ((rc = read_statutory(&ld, st, statutory, nst, &statutory[nst])))
			goto cleanup;
		nst++;
	}
	for (const struct ynode *y = top[0].value->head; y; y = y->next) {
		if ((rc = read_year(&ld, y, years, n, &years[n])))
			goto cleanup;
		n++;
	}
	if ((rc = build(&ld, cal, years, n)) ||
	    (rc = check_years(&ld, cal, root, years, n, statutory, nst, top[1].value != NULL)))
		goto cleanup;
	if (!(cal->path = pd_arena_strndup(&cal->arena, path, strlen(path)))) {
		rc = nomem(&ld);
		goto cleanup;
	}
	*out = cal;
	cal = NULL;
cleanup:
	if (ld.parser)
		fy_parser_destroy(ld.parser);
	if (ld.diag)
		fy_diag_destroy(ld.diag);
	pd_calendar_free(cal);
	free(years);
	free(statutory);
	pd_arena_free(&ld.tmp);
	pd_buf_free(&buf);
	return rc;
}
