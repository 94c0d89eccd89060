/*
 * mrz.c: machine readable zones, parsed and checked.
 *
 * References: ICAO Doc 9303, eighth edition (2021).
 *   Part 3   character set (A-Z 0-9 <), check digits (4.9: weights 7 3 1,
 *            A=10 .. Z=35, < = 0, modulus 10), names (primary identifier,
 *            "<<", secondary identifier, "<" between components, fillers
 *            to the end), dates YYMMDD, sex F / M / <, codes (section 5).
 *   Part 4   TD3 passports, 2 x 44; the check digit of an unused personal
 *            number field may be < (or 0).
 *   Part 5   TD1, 3 x 30; a document number longer than nine characters
 *            continues in the optional data after a < in position 15.
 *   Part 6   TD2, 2 x 36; the same for a long number, through position 10.
 *   Part 7   machine readable visas MRV-A (2 x 44) and MRV-B (2 x 36), which
 *            have no composite check digit.
 *
 * Each format is one row of `layouts`: where each field lies and which spans
 * the composite check digit covers.  One walk over a row reads and checks
 * every field; nothing here is specific to a format except that table.
 *
 * Century of a two-digit year: a date of birth is the latest that is not
 * after `today`; an expiry date the latest that is at most 50 years after
 * today.  A person over 100 years old is therefore read as a child: the zone
 * cannot tell, and docs/ids.md says so.
 */
#include <stdio.h>
#include <string.h>

#include "permitdesk/ids.h"

/* ---- names of checks, notes, formats ------------------------------------ */

/* clang-format off */
static const char *const check_names[PD_MRZ_CHECK_COUNT] = {
#define PD_X_NAME(name, str) str,
	PD_MRZ_CHECK_MAP(PD_X_NAME)
#undef PD_X_NAME
};

static const char *const note_names[PD_MRZ_NOTE_COUNT] = {
#define PD_X_NAME(name, str) str,
	PD_MRZ_NOTE_MAP(PD_X_NAME)
#undef PD_X_NAME
};
/* clang-format on */

const char *pd_mrz_check_name(enum pd_mrz_check c)
{
	return (unsigned)c < PD_MRZ_CHECK_COUNT ? check_names[c] : "unknown";
}

const char *pd_mrz_note_name(enum pd_mrz_note n)
{
	return (unsigned)n < PD_MRZ_NOTE_COUNT ? note_names[n] : "unknown";
}

const char *pd_mrz_format_name(enum pd_mrz_format f)
{
	switch (f) {
	case PD_MRZ_TD1:
		return "TD1";
	case PD_MRZ_TD2:
		return "TD2";
	case PD_MRZ_TD3:
		return "TD3";
	case PD_MRZ_MRVA:
		return "MRV-A";
	case PD_MRZ_MRVB:
		return "MRV-B";
	default:
		return NULL;
	}
}

/* ---- check digits (Part 3, 4.9) ------------------------------------------ */

static int char_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c == '<')
		return 0;
	return -1;
}

int pd_mrz_check_digit(const char *s, size_t len)
{
	static const int weights[3] = {7, 3, 1};
	int sum = 0;

	for (size_t i = 0; i < len; i++) {
		int v = char_value(s[i]);
		if (v < 0)
			return -1;
		sum = (sum + v * weights[i % 3]) % 10;
	}
	return sum;
}

/* ---- layouts ------------------------------------------------------------ */

/* A run of characters: 0-based line and column, length (0: absent, as every
 * member a row leaves out). */
struct span {
	uint8_t line, col, len;
};

struct layout {
	enum pd_mrz_format format;
	uint8_t n_lines, line_len;
	const char *first; /* allowed first characters of the document code */
	bool long_number;  /* a number over 9 characters may continue in `optional` */
	struct span code, state, name;
	struct span number, number_cd;
	struct span nationality, birth, birth_cd, sex, expiry, expiry_cd;
	struct span optional, optional_cd, optional2;
	struct span composite;
	struct span composite_over[4];
};

/* clang-format off */
#define S(l, c, n) {(l), (c), (n)}

static const struct layout layouts[] = {
	/* Part 5: TD1.  Line 1: code, state, number and its check digit, optional
	 * data; line 2: birth, sex, expiry, nationality, optional data, composite;
	 * line 3: the name. */
	{.format = PD_MRZ_TD1, .n_lines = 3, .line_len = 30, .first = "ACI", .long_number = true,
	 .code = S(0, 0, 2), .state = S(0, 2, 3), .name = S(2, 0, 30),
	 .number = S(0, 5, 9), .number_cd = S(0, 14, 1), .optional = S(0, 15, 15),
	 .birth = S(1, 0, 6), .birth_cd = S(1, 6, 1), .sex = S(1, 7, 1),
	 .expiry = S(1, 8, 6), .expiry_cd = S(1, 14, 1), .nationality = S(1, 15, 3),
	 .optional2 = S(1, 18, 11), .composite = S(1, 29, 1),
	 .composite_over = {S(0, 5, 25), S(1, 0, 7), S(1, 8, 7), S(1, 18, 11)}},
	/* Part 6: TD2. */
	{.format = PD_MRZ_TD2, .n_lines = 2, .line_len = 36, .first = "ACI", .long_number = true,
	 .code = S(0, 0, 2), .state = S(0, 2, 3), .name = S(0, 5, 31),
	 .number = S(1, 0, 9), .number_cd = S(1, 9, 1), .nationality = S(1, 10, 3),
	 .birth = S(1, 13, 6), .birth_cd = S(1, 19, 1), .sex = S(1, 20, 1),
	 .expiry = S(1, 21, 6), .expiry_cd = S(1, 27, 1),
	 .optional = S(1, 28, 7), .composite = S(1, 35, 1),
	 .composite_over = {S(1, 0, 10), S(1, 13, 7), S(1, 21, 14)}},
	/* Part 4: TD3, the personal number with its own check digit. */
	{.format = PD_MRZ_TD3, .n_lines = 2, .line_len = 44, .first = "P",
	 .code = S(0, 0, 2), .state = S(0, 2, 3), .name = S(0, 5, 39),
	 .number = S(1, 0, 9), .number_cd = S(1, 9, 1), .nationality = S(1, 10, 3),
	 .birth = S(1, 13, 6), .birth_cd = S(1, 19, 1), .sex = S(1, 20, 1),
	 .expiry = S(1, 21, 6), .expiry_cd = S(1, 27, 1),
	 .optional = S(1, 28, 14), .optional_cd = S(1, 42, 1), .composite = S(1, 43, 1),
	 .composite_over = {S(1, 0, 10), S(1, 13, 7), S(1, 21, 22)}},
	/* Part 7: MRV-A, no composite check digit. */
	{.format = PD_MRZ_MRVA, .n_lines = 2, .line_len = 44, .first = "V",
	 .code = S(0, 0, 2), .state = S(0, 2, 3), .name = S(0, 5, 39),
	 .number = S(1, 0, 9), .number_cd = S(1, 9, 1), .nationality = S(1, 10, 3),
	 .birth = S(1, 13, 6), .birth_cd = S(1, 19, 1), .sex = S(1, 20, 1),
	 .expiry = S(1, 21, 6), .expiry_cd = S(1, 27, 1), .optional = S(1, 28, 16)},
	/* Part 7: MRV-B. */
	{.format = PD_MRZ_MRVB, .n_lines = 2, .line_len = 36, .first = "V",
	 .code = S(0, 0, 2), .state = S(0, 2, 3), .name = S(0, 5, 31),
	 .number = S(1, 0, 9), .number_cd = S(1, 9, 1), .nationality = S(1, 10, 3),
	 .birth = S(1, 13, 6), .birth_cd = S(1, 19, 1), .sex = S(1, 20, 1),
	 .expiry = S(1, 21, 6), .expiry_cd = S(1, 27, 1), .optional = S(1, 28, 8)},
};

#undef S
/* clang-format on */

static const struct layout *layout_of(enum pd_mrz_format f)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].format == f)
			return &layouts[i];
	return NULL;
}

/* ---- the parse ---------------------------------------------------------- */

struct ctx {
	struct pd_mrz *m;
	const struct layout *lay;
	const char *line[PD_MRZ_MAX_LINES];
	pd_date today;
};

static void problem(struct pd_mrz *m, enum pd_mrz_check check, int line, int column,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem(struct pd_mrz *m, enum pd_mrz_check check, int line, int column,
                    const char *fmt, ...)
{
	m->failed |= 1u << check;
	if (m->n_problems >= PD_MRZ_MAX_PROBLEMS)
		return;
	struct pd_id_problem *p = &m->problems[m->n_problems++];
	p->check = (uint8_t)check;
	p->line = (uint8_t)line;
	p->column = (uint8_t)(column > 255 ? 255 : column);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
}

static void note(struct pd_mrz *m, enum pd_mrz_note n)
{
	m->notes |= 1u << n;
}

/* Problems in check order, then by position: insertion sort, stable. */
static void sort_problems(struct pd_mrz *m)
{
	for (size_t i = 1; i < m->n_problems; i++) {
		struct pd_id_problem p = m->problems[i];
		size_t j = i;
		while (j > 0) {
			const struct pd_id_problem *q = &m->problems[j - 1];
			if (q->check < p.check ||
			    (q->check == p.check &&
			     (q->line < p.line || (q->line == p.line && q->column <= p.column))))
				break;
			m->problems[j] = *q;
			j--;
		}
		m->problems[j] = p;
	}
}

static const char *at(const struct ctx *c, struct span s)
{
	return c->line[s.line] + s.col;
}

static bool is_mrz_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '<';
}

static bool all_fillers(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '<')
			return false;
	return true;
}

/* Copies s[0..n) without trailing fillers into dst[size]. */
static void copy_trimmed(char *dst, size_t size, const char *s, size_t n)
{
	while (n > 0 && s[n - 1] == '<')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A character for a message: printable ASCII as it is, other bytes as \xNN. */
static const char *show(char ch, char buf[8])
{
	unsigned char u = (unsigned char)ch;
	if (u >= 0x20 && u < 0x7f)
		snprintf(buf, 8, "'%c'", ch);
	else
		snprintf(buf, 8, "\\x%02X", u);
	return buf;
}

/* The Chinese message of the problem just added for `check`, when it was kept
 * (the check's Chinese name is the reader's; this gives the values). */
static void problem_zh(struct pd_mrz *m, enum pd_mrz_check check, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem_zh(struct pd_mrz *m, enum pd_mrz_check check, const char *fmt, ...)
{
	if (m->n_problems == 0 || m->problems[m->n_problems - 1].check != check)
		return;
	struct pd_id_problem *p = &m->problems[m->n_problems - 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message_zh, sizeof(p->message_zh), fmt, ap);
	va_end(ap);
}

/* Compares a check digit written at `cd` with the one computed over data. */
static void check_digit(struct ctx *c, enum pd_mrz_check check, const char *what, const char *data,
                        size_t len, int line, int col, char written, bool filler_if_empty)
{
	int want = pd_mrz_check_digit(data, len);
	char buf[8];

	if (want < 0)
		return; /* a character outside the set: already a "characters" failure */
	if (written == '<' && filler_if_empty && all_fillers(data, len))
		return;
	if (written < '0' || written > '9') {
		problem(c->m, check, line + 1, col + 1, "%s check digit is %s, expected %d", what,
		        show(written, buf), want);
		problem_zh(c->m, check, "校验位为%s，应为%d", buf, want);
		return;
	}
	if (written - '0' != want) {
		problem(c->m, check, line + 1, col + 1, "%s check digit is %c, expected %d", what,
		        written, want);
		problem_zh(c->m, check, "校验位为%c，应为%d", written, want);
	}
}

static void read_code(struct ctx *c)
{
	const char *s = at(c, c->lay->code);
	char buf[8];

	copy_trimmed(c->m->document_code, sizeof(c->m->document_code), s, 2);
	if (!strchr(c->lay->first, s[0]) || s[0] == '\0') {
		if (c->lay->first[1] == '\0')
			problem(c->m, PD_MRZ_DOCUMENT_CODE, c->lay->code.line + 1, 1,
			        "document code begins with %s, expected '%s' for %s",
			        show(s[0], buf), c->lay->first, pd_mrz_format_name(c->lay->format));
		else
			problem(c->m, PD_MRZ_DOCUMENT_CODE, c->lay->code.line + 1, 1,
			        "document code begins with %s, expected A, C or I for %s",
			        show(s[0], buf), pd_mrz_format_name(c->lay->format));
	} else if (!((s[1] >= 'A' && s[1] <= 'Z') || s[1] == '<')) {
		problem(c->m, PD_MRZ_DOCUMENT_CODE, c->lay->code.line + 1, 2,
		        "second character of the document code is %s, expected a letter or <",
		        show(s[1], buf));
	}
}

/* Issuing state or nationality: a letter code, fillers only at the end. */
static void read_country(struct ctx *c, struct span sp, enum pd_mrz_check check, char *dst,
                         const char *what)
{
	const char *s = at(c, sp);
	copy_trimmed(dst, 4, s, sp.len);
	if (!pd_country_find(s, sp.len))
		problem(c->m, check, sp.line + 1, sp.col + 1,
		        "%s '%.3s' is not an ISO 3166-1 or ICAO code", what, s);
}

static void copy_component(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = s[i] == '<' ? ' ' : s[i];
	dst[n] = '\0';
}

/* Part 3: PRIMARY<<SECONDARY<COMPONENTS<<<<, fillers to the end. */
static void read_name(struct ctx *c)
{
	struct span sp = c->lay->name;
	const char *s = at(c, sp);
	size_t n = sp.len;
	struct pd_mrz *m = c->m;
	char buf[8];

	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '<')) {
			if (is_mrz_char(s[i]))
				problem(m, PD_MRZ_NAME, sp.line + 1, (int)(sp.col + i + 1),
				        "name contains %s: only letters and < are allowed",
				        show(s[i], buf));
			return;
		}
	}
	if (s[n - 1] != '<')
		note(m, PD_MRZ_NOTE_NAME_TRUNCATED);
	while (n > 0 && s[n - 1] == '<')
		n--;
	if (n == 0 || s[0] == '<') {
		problem(m, PD_MRZ_NAME, sp.line + 1, sp.col + 1,
		        "name does not begin with a primary identifier");
		return;
	}
	size_t sep = 0;
	while (sep + 1 < n && !(s[sep] == '<' && s[sep + 1] == '<'))
		sep++;
	if (sep + 1 >= n) { /* one identifier only */
		copy_component(m->primary, sizeof(m->primary), s, n);
		return;
	}
	copy_component(m->primary, sizeof(m->primary), s, sep);
	const char *sec = s + sep + 2;
	size_t sec_n = n - sep - 2;
	for (size_t i = 0; i < sec_n; i++) {
		if (sec[i] == '<' && (i == 0 || sec[i - 1] == '<')) {
			problem(m, PD_MRZ_FILLER, sp.line + 1, (int)(sp.col + sep + 2 + i + 1),
			        "name continues after the fillers that end it");
			return;
		}
	}
	copy_component(m->secondary, sizeof(m->secondary), sec, sec_n);
}

/* Fillers only at the end of a field (document number). */
static bool fillers_trail(struct ctx *c, struct span sp, const char *what)
{
	const char *s = at(c, sp);
	for (size_t i = 0; i + 1 < sp.len; i++) {
		if (s[i] == '<' && s[i + 1] != '<') {
			problem(c->m, PD_MRZ_FILLER, sp.line + 1, (int)(sp.col + i + 2),
			        "%s continues after a filler", what);
			return false;
		}
	}
	return true;
}

/*
 * The document number and its check digit.  A number of more than nine
 * characters (TD1, TD2) has < where its check digit would be; its remaining
 * characters, then its check digit, then a filler open the optional data.
 * Returns how many characters of the optional data the number took.
 */
static size_t read_number(struct ctx *c)
{
	const struct layout *lay = c->lay;
	struct pd_mrz *m = c->m;
	const char *s = at(c, lay->number);
	char cd = *at(c, lay->number_cd);

	if (!fillers_trail(c, lay->number, "document number"))
		return 0;
	copy_trimmed(m->document_number, sizeof(m->document_number), s, lay->number.len);
	if (m->document_number[0] == '\0') {
		problem(m, PD_MRZ_DOCUMENT_NUMBER, lay->number.line + 1, lay->number.col + 1,
		        "document number is empty");
		return 0;
	}
	if (!(lay->long_number && cd == '<' && s[lay->number.len - 1] != '<')) {
		check_digit(c, PD_MRZ_DOCUMENT_NUMBER_CHECK, "document number", s, lay->number.len,
		            lay->number_cd.line, lay->number_cd.col, cd, false);
		return 0;
	}

	/* Long number: the rest, then its check digit, in the optional data. */
	const char *opt = at(c, lay->optional);
	size_t ext = 0;
	while (ext < lay->optional.len && opt[ext] != '<')
		ext++;
	note(m, PD_MRZ_NOTE_LONG_DOCUMENT_NUMBER);
	if (ext < 2) {
		problem(m, PD_MRZ_DOCUMENT_NUMBER_CHECK, lay->number_cd.line + 1,
		        lay->number_cd.col + 1,
		        "document number check digit is '<' and the optional data holds no "
		        "continuation of the number");
		return 0;
	}
	char whole[32];
	size_t n = lay->number.len + ext - 1;
	if (n >= sizeof(whole))
		n = sizeof(whole) - 1;
	memcpy(whole, s, lay->number.len);
	memcpy(whole + lay->number.len, opt, n - lay->number.len);
	whole[n] = '\0';
	memcpy(m->document_number, whole, n + 1);
	check_digit(c, PD_MRZ_DOCUMENT_NUMBER_CHECK, "document number", whole, n,
	            lay->optional.line, (int)(lay->optional.col + ext - 1), opt[ext - 1], false);
	return ext < lay->optional.len ? ext + 1 : ext;
}

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Is (y, m, d) after (ty, tm, td)?  No validation: a month 13 compares too. */
static bool after(int y, int mo, int d, int ty, int tm, int td)
{
	if (y != ty)
		return y > ty;
	if (mo != tm)
		return mo > tm;
	return d > td;
}

/*
 * YYMMDD.  Returns 0 with *out set, 1 when (partly) unknown in a form Part 3
 * allows for a date of birth (<<<<<<, YY<<<<, YYMM<<), -1 when not a date.
 */
static int read_date(const char *s, pd_date today, bool birth, pd_date *out)
{
	int yy = two_digits(s), mm = two_digits(s + 2), dd = two_digits(s + 4);
	int ty, tm, td, y;

	*out = PD_DATE_NONE;
	if (birth) {
		if (all_fillers(s, 6) || (yy >= 0 && all_fillers(s + 2, 4)) ||
		    (yy >= 0 && mm >= 1 && mm <= 12 && all_fillers(s + 4, 2)))
			return 1;
	}
	if (yy < 0 || mm < 0 || dd < 0)
		return -1;
	pd_date_to_ymd(today, &ty, &tm, &td);
	y = ty / 100 * 100 + yy;
	if (birth) {
		if (after(y, mm, dd, ty, tm, td))
			y -= 100;
	} else {
		if (y > ty + 50)
			y -= 100;
		else if (y + 100 <= ty + 50)
			y += 100;
	}
	if (!pd_date_valid_ymd(y, mm, dd))
		return -1;
	*out = pd_date_from_ymd(y, mm, dd);
	return 0;
}

static void read_dates(struct ctx *c)
{
	const struct layout *lay = c->lay;
	struct pd_mrz *m = c->m;
	const char *b = at(c, lay->birth), *e = at(c, lay->expiry);

	memcpy(m->birth_raw, b, 6);
	m->birth_raw[6] = '\0';
	memcpy(m->expiry_raw, e, 6);
	m->expiry_raw[6] = '\0';

	int r = read_date(b, c->today, true, &m->birth_date);
	if (r < 0)
		problem(m, PD_MRZ_BIRTH_DATE, lay->birth.line + 1, lay->birth.col + 1,
		        "date of birth '%.6s' is not a date YYMMDD", b);
	else if (r > 0)
		note(m, PD_MRZ_NOTE_BIRTH_DATE_UNKNOWN);
	check_digit(c, PD_MRZ_BIRTH_DATE_CHECK, "date of birth", b, 6, lay->birth_cd.line,
	            lay->birth_cd.col, *at(c, lay->birth_cd), false);

	if (read_date(e, c->today, false, &m->expiry_date) != 0)
		problem(m, PD_MRZ_EXPIRY_DATE, lay->expiry.line + 1, lay->expiry.col + 1,
		        "date of expiry '%.6s' is not a date YYMMDD", e);
	else if (m->expiry_date < c->today)
		note(m, PD_MRZ_NOTE_EXPIRED);
	check_digit(c, PD_MRZ_EXPIRY_DATE_CHECK, "date of expiry", e, 6, lay->expiry_cd.line,
	            lay->expiry_cd.col, *at(c, lay->expiry_cd), false);
}

static void read_sex(struct ctx *c)
{
	char ch = *at(c, c->lay->sex), buf[8];
	switch (ch) {
	case 'M':
	case 'F':
		c->m->sex = ch;
		break;
	case '<':
		c->m->sex = 'X';
		break;
	default:
		problem(c->m, PD_MRZ_SEX, c->lay->sex.line + 1, c->lay->sex.col + 1,
		        "sex is %s, expected M, F or <", show(ch, buf));
	}
}

static void read_optional(struct ctx *c, size_t taken)
{
	const struct layout *lay = c->lay;
	struct pd_mrz *m = c->m;
	const char *opt = at(c, lay->optional);

	if (taken < lay->optional.len)
		copy_trimmed(m->optional_data, sizeof(m->optional_data), opt + taken,
		             lay->optional.len - taken);
	if (lay->optional_cd.len)
		check_digit(c, PD_MRZ_OPTIONAL_DATA_CHECK, "optional data", opt, lay->optional.len,
		            lay->optional_cd.line, lay->optional_cd.col, *at(c, lay->optional_cd),
		            true);
	if (lay->optional2.len)
		copy_trimmed(m->optional_data2, sizeof(m->optional_data2), at(c, lay->optional2),
		             lay->optional2.len);
}

static void read_composite(struct ctx *c)
{
	const struct layout *lay = c->lay;
	char data[64];
	size_t n = 0;

	if (!lay->composite.len)
		return;
	for (size_t i = 0; i < 4 && lay->composite_over[i].len; i++) {
		struct span sp = lay->composite_over[i];
		memcpy(data + n, at(c, sp), sp.len);
		n += sp.len;
	}
	check_digit(c, PD_MRZ_COMPOSITE_CHECK, "composite", data, n, lay->composite.line,
	            lay->composite.col, *at(c, lay->composite), false);
}

/* Chooses the format from the shape; reports what does not fit. */
static const struct layout *choose_layout(struct pd_mrz *m, const char *const *lines,
                                          const size_t *lens, size_t n)
{
	size_t want;
	enum pd_mrz_format f;

	if (n == 3) {
		want = 30;
		f = PD_MRZ_TD1;
	} else if (n == 2) {
		if (lens[0] == 44 || (lens[0] != 36 && lens[1] == 44))
			want = 44;
		else if (lens[0] == 36 || lens[1] == 36)
			want = 36;
		else {
			problem(m, PD_MRZ_FORMAT, 0, 0,
			        "lines of %zu and %zu characters: a zone of two lines has 44 (TD3, "
			        "MRV-A) or 36 (TD2, MRV-B) characters in each",
			        lens[0], lens[1]);
			return NULL;
		}
		bool visa = lens[0] > 0 && lines[0][0] == 'V';
		f = want == 44 ? (visa ? PD_MRZ_MRVA : PD_MRZ_TD3)
		               : (visa ? PD_MRZ_MRVB : PD_MRZ_TD2);
	} else {
		problem(m, PD_MRZ_FORMAT, 0, 0,
		        "%zu line%s: a machine readable zone has 2 lines (TD2, TD3, MRV) or 3 "
		        "(TD1)",
		        n, n == 1 ? "" : "s");
		return NULL;
	}
	m->format = f;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		if (lens[i] != want) {
			problem(m, PD_MRZ_LENGTH, (int)i + 1, 0,
			        "line %zu has %zu characters, expected %zu for %s", i + 1, lens[i],
			        want, pd_mrz_format_name(f));
			ok = false;
		}
	}
	return ok ? layout_of(f) : NULL;
}

static int parse_lines(const char *const *lines, const size_t *lens, size_t n, pd_date today,
                       struct pd_mrz *out)
{
	struct ctx c = {.m = out, .today = today};

	memset(out, 0, sizeof(*out));
	out->birth_date = PD_DATE_NONE;
	out->expiry_date = PD_DATE_NONE;

	c.lay = choose_layout(out, lines, lens, n);
	if (!c.lay)
		goto done;
	for (size_t i = 0; i < n; i++) {
		c.line[i] = lines[i];
		for (size_t j = 0; j < lens[i]; j++) {
			char buf[8];
			if (!is_mrz_char(lines[i][j])) {
				problem(out, PD_MRZ_CHARACTERS, (int)i + 1, (int)j + 1,
				        "character %s is not allowed: only A-Z, 0-9 and <",
				        show(lines[i][j], buf));
				break; /* one per line is enough to say it */
			}
		}
	}
	out->parsed = true;
	read_code(&c);
	read_country(&c, c.lay->state, PD_MRZ_ISSUING_STATE, out->issuing_state, "issuing state");
	read_name(&c);
	size_t taken = read_number(&c);
	read_country(&c, c.lay->nationality, PD_MRZ_NATIONALITY, out->nationality, "nationality");
	read_dates(&c);
	read_sex(&c);
	read_optional(&c, taken);
	read_composite(&c);
done:
	sort_problems(out);
	out->valid = out->failed == 0;
	return 0;
}

int pd_mrz_parse(const char *const *lines, size_t n_lines, pd_date today, struct pd_mrz *out,
                 struct pd_error *err)
{
	size_t lens[PD_MRZ_MAX_LINES];

	if (!out || (!lines && n_lines))
		return pd_error_set(err, PD_EINPUT, "no zone to parse");
	for (size_t i = 0; i < n_lines && i < PD_MRZ_MAX_LINES; i++) {
		if (!lines[i])
			return pd_error_set(err, PD_EINPUT, "line %zu of the zone is missing",
			                    i + 1);
		lens[i] = strlen(lines[i]);
	}
	return parse_lines(lines, lens, n_lines, today, out);
}

int pd_mrz_parse_text(const char *text, size_t len, pd_date today, struct pd_mrz *out,
                      struct pd_error *err)
{
	const char *lines[PD_MRZ_MAX_LINES];
	size_t lens[PD_MRZ_MAX_LINES];
	size_t n = 0, start = 0;

	if (!out || (!text && len))
		return pd_error_set(err, PD_EINPUT, "no zone to parse");
	/* Drop blank lines around the zone. */
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	while (start < len && (text[start] == '\n' || text[start] == '\r'))
		start++;
	for (size_t i = start; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		size_t end = i;
		if (end > start && text[end - 1] == '\r')
			end--;
		if (n < PD_MRZ_MAX_LINES) {
			lines[n] = text + start;
			lens[n] = end - start;
		}
		n++;
		start = i + 1;
	}
	if (len == 0)
		n = 0;
	/* One line holding a whole zone without separators. */
	if (n == 1 && (lens[0] == 90 || lens[0] == 72 || lens[0] == 88)) {
		size_t per = lens[0] == 90 ? 30 : lens[0] / 2;
		const char *s = lines[0];
		n = lens[0] / per;
		for (size_t i = 0; i < n; i++) {
			lines[i] = s + i * per;
			lens[i] = per;
		}
	}
	/* More than three lines: only the count matters for the verdict. */
	return parse_lines(lines, lens, n, today, out);
}
