/*
 * prc_id.c: Chinese identity numbers, classified and checked.
 *
 * References (docs/ids.md has the full citations and what each implies):
 *   GB 11643-1999 "Citizen identification number": six-digit address code
 *     (GB/T 2260), eight-digit date of birth (GB/T 7408), three-digit
 *     sequence (odd for men, even for women), check character by
 *     ISO 7064:1983 MOD 11-2 (weights 2^(i-1) mod 11, 10 written X).
 *   GB 11643-1989: the earlier fifteen digits (two-digit year, no check).
 *   Measures for the Application and Issuance of Residence Permits for Hong
 *     Kong, Macao and Taiwan Residents (General Office of the State Council,
 *     2018): a citizen identification number with address code 810000
 *     (Hong Kong), 820000 (Macao) or 830000 (Taiwan).
 *   National Immigration Administration, machine-readable information rules
 *     of the 2023 Foreigner's Permanent Residence ID Card (in issue from
 *     1 December 2023): 18 characters, first 9, place of acceptance (2),
 *     nationality as a numeric code (3), date of birth (8), sequence (3),
 *     MOD 11-2 check character as in GB 11643; the 2017 card's number is
 *     3 Latin letters and 12 digits.
 *   Mainland Travel Permits: for Hong Kong and Macao residents H or M and
 *     8 digits, printed with a two-digit issue count; for Taiwan residents
 *     8 digits.
 *
 * The kind is chosen from the length and the first character alone (`shapes`
 * below); everything after that is a check of that kind, so a mistyped check
 * character reads as "check_digit", not as "unknown kind".
 */
#include <stdio.h>
#include <string.h>

#include "permitdesk/ids.h"

/* clang-format off */
static const char *const check_names[PD_ID_CHECK_COUNT] = {
#define PD_X_NAME(name, str) str,
	PD_ID_CHECK_MAP(PD_X_NAME)
#undef PD_X_NAME
};

static const char *const note_names[PD_ID_NOTE_COUNT] = {
#define PD_X_NAME(name, str) str,
	PD_ID_NOTE_MAP(PD_X_NAME)
#undef PD_X_NAME
};
/* clang-format on */

const char *pd_id_check_name(enum pd_id_check c)
{
	return (unsigned)c < PD_ID_CHECK_COUNT ? check_names[c] : "unknown";
}

const char *pd_id_note_name(enum pd_id_note n)
{
	return (unsigned)n < PD_ID_NOTE_COUNT ? note_names[n] : "unknown";
}

const char *pd_id_kind_name(enum pd_id_kind k)
{
	switch (k) {
	case PD_ID_PRC_RESIDENT:
		return "prc_resident_id";
	case PD_ID_PRC_RESIDENT_15:
		return "prc_resident_id_15";
	case PD_ID_HK_MACAO_RESIDENCE_PERMIT:
		return "hk_macao_residence_permit";
	case PD_ID_TAIWAN_RESIDENCE_PERMIT:
		return "taiwan_residence_permit";
	case PD_ID_PERMANENT_RESIDENCE_2017:
		return "permanent_residence_2017";
	case PD_ID_PERMANENT_RESIDENCE_2023:
		return "permanent_residence_2023";
	case PD_ID_HK_MACAO_TRAVEL_PERMIT:
		return "hk_macao_travel_permit";
	case PD_ID_TAIWAN_TRAVEL_PERMIT:
		return "taiwan_travel_permit";
	default:
		return NULL;
	}
}

/* ---- provinces (GB/T 2260) ----------------------------------------------- */

enum province_use {
	MAINLAND, /* address codes of citizens; places of acceptance for foreigners */
	HMT,      /* only as 810000, 820000, 830000 on residence permits (2018) */
	NOT_USED, /* 71 Taiwan is in GB/T 2260 but no number is issued under it */
};

/* clang-format off */
static const struct province_row {
	struct pd_province p;
	uint8_t use;
} provinces[] = {
	{{"11", "Beijing", "北京市"}, MAINLAND},
	{{"12", "Tianjin", "天津市"}, MAINLAND},
	{{"13", "Hebei", "河北省"}, MAINLAND},
	{{"14", "Shanxi", "山西省"}, MAINLAND},
	{{"15", "Inner Mongolia", "内蒙古自治区"}, MAINLAND},
	{{"21", "Liaoning", "辽宁省"}, MAINLAND},
	{{"22", "Jilin", "吉林省"}, MAINLAND},
	{{"23", "Heilongjiang", "黑龙江省"}, MAINLAND},
	{{"31", "Shanghai", "上海市"}, MAINLAND},
	{{"32", "Jiangsu", "江苏省"}, MAINLAND},
	{{"33", "Zhejiang", "浙江省"}, MAINLAND},
	{{"34", "Anhui", "安徽省"}, MAINLAND},
	{{"35", "Fujian", "福建省"}, MAINLAND},
	{{"36", "Jiangxi", "江西省"}, MAINLAND},
	{{"37", "Shandong", "山东省"}, MAINLAND},
	{{"41", "Henan", "河南省"}, MAINLAND},
	{{"42", "Hubei", "湖北省"}, MAINLAND},
	{{"43", "Hunan", "湖南省"}, MAINLAND},
	{{"44", "Guangdong", "广东省"}, MAINLAND},
	{{"45", "Guangxi", "广西壮族自治区"}, MAINLAND},
	{{"46", "Hainan", "海南省"}, MAINLAND},
	{{"50", "Chongqing", "重庆市"}, MAINLAND},
	{{"51", "Sichuan", "四川省"}, MAINLAND},
	{{"52", "Guizhou", "贵州省"}, MAINLAND},
	{{"53", "Yunnan", "云南省"}, MAINLAND},
	{{"54", "Xizang", "西藏自治区"}, MAINLAND},
	{{"61", "Shaanxi", "陕西省"}, MAINLAND},
	{{"62", "Gansu", "甘肃省"}, MAINLAND},
	{{"63", "Qinghai", "青海省"}, MAINLAND},
	{{"64", "Ningxia", "宁夏回族自治区"}, MAINLAND},
	{{"65", "Xinjiang", "新疆维吾尔自治区"}, MAINLAND},
	{{"71", "Taiwan", "台湾省"}, NOT_USED},
	{{"81", "Hong Kong", "香港特别行政区"}, HMT},
	{{"82", "Macao", "澳门特别行政区"}, HMT},
	{{"83", "Taiwan", "台湾地区"}, HMT},
};
/* clang-format on */

static const struct province_row *province_row(const char *code)
{
	for (size_t i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (provinces[i].p.code[0] == code[0] && provinces[i].p.code[1] == code[1])
			return &provinces[i];
	return NULL;
}

const struct pd_province *pd_province_find(const char code[2])
{
	const struct province_row *r = code ? province_row(code) : NULL;
	return r ? &r->p : NULL;
}

/* ---- check characters ---------------------------------------------------- */

char pd_id_mod11_2(const char digits[17])
{
	/* ISO 7064 MOD 11-2: weight of position i (counted from the right, the
	 * check character being 1) is 2^(i-1) mod 11. */
	static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
	int sum = 0;

	for (int i = 0; i < 17; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return 0;
		sum += (digits[i] - '0') * weights[i];
	}
	return check[sum % 11];
}

/* ---- shapes -------------------------------------------------------------- */

struct idctx {
	struct pd_id *id;
	const char *s; /* upper-cased input */
	size_t len;
	pd_date today;
};

typedef void (*id_reader)(struct idctx *c);

static void read_resident(struct idctx *c);
static void read_resident_15(struct idctx *c);
static void read_pr_2017(struct idctx *c);
static void read_pr_2023(struct idctx *c);
static void read_hk_macao_permit(struct idctx *c);
static void read_taiwan_permit(struct idctx *c);

/*
 * One row per shape.  lead: the characters the first position may hold.
 * pattern: per position, D a digit, L a letter, X a digit or X, H the letter
 * H or M.  A number whose length matches no row fails "length"; whose length
 * matches but whose first character fits no row of that length, "format".
 */
static const struct shape {
	enum pd_id_kind kind;
	uint8_t len;
	const char *lead;
	const char *pattern;
	id_reader read;
	const char *what, *what_zh; /* for messages */
	                            /* clang-format off */
} shapes[] = {
	{PD_ID_PRC_RESIDENT, 18, "012345678", "DDDDDDDDDDDDDDDDDX", read_resident,
	 "a resident identity number", "居民身份证号码"},
	{PD_ID_PERMANENT_RESIDENCE_2023, 18, "9", "DDDDDDDDDDDDDDDDDX", read_pr_2023,
	 "a permanent residence number (2023)", "外国人永久居留身份证号码（2023年版）"},
	{PD_ID_PERMANENT_RESIDENCE_2017, 15, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "LLLDDDDDDDDDDDD",
	 read_pr_2017, "a permanent residence number (2017)", "外国人永久居留身份证号码（2017年版）"},
	{PD_ID_PRC_RESIDENT_15, 15, "0123456789", "DDDDDDDDDDDDDDD", read_resident_15,
	 "a fifteen-digit resident identity number", "15位居民身份证号码"},
	{PD_ID_HK_MACAO_TRAVEL_PERMIT, 9, "HM", "HDDDDDDDD", read_hk_macao_permit,
	 "a Hong Kong or Macao travel permit number", "港澳居民来往内地通行证号码"},
	{PD_ID_HK_MACAO_TRAVEL_PERMIT, 11, "HM", "HDDDDDDDDDD", read_hk_macao_permit,
	 "a Hong Kong or Macao travel permit number with its issue count",
	 "含换证次数的港澳居民来往内地通行证号码"},
	{PD_ID_TAIWAN_TRAVEL_PERMIT, 8, "0123456789", "DDDDDDDD", read_taiwan_permit,
	 "a Taiwan travel permit number", "台湾居民来往大陆通行证号码"},
};
/* clang-format on */
#define N_SHAPES (sizeof(shapes) / sizeof(shapes[0]))

/* A problem, its message in English (fmt) and in Chinese (zh, formatted
 * already by zh_msg with the same values). */
static void id_problem(struct pd_id *id, enum pd_id_check check, int column, const char *zh,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void id_problem(struct pd_id *id, enum pd_id_check check, int column, const char *zh,
                       const char *fmt, ...)
{
	id->failed |= 1u << check;
	if (id->n_problems >= PD_ID_MAX_PROBLEMS)
		return;
	struct pd_id_problem *p = &id->problems[id->n_problems++];
	p->check = (uint8_t)check;
	p->line = 0; /* one line: the position is the column alone */
	p->column = (uint8_t)column;
	snprintf(p->message_zh, sizeof(p->message_zh), "%s", zh);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->message, sizeof(p->message), fmt, ap);
	va_end(ap);
}

/* The Chinese message of a problem, into buf (sizeof the message). */
#define ZH_MAX sizeof(((struct pd_id_problem *)0)->message_zh)
static const char *zh_msg(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *zh_msg(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, ZH_MAX, fmt, ap);
	va_end(ap);
	return buf;
}

static bool fits(char ch, char pattern)
{
	switch (pattern) {
	case 'D':
		return ch >= '0' && ch <= '9';
	case 'L':
		return ch >= 'A' && ch <= 'Z';
	case 'X':
		return (ch >= '0' && ch <= '9') || ch == 'X';
	case 'H':
		return ch == 'H' || ch == 'M';
	default:
		return false;
	}
}

static const char *pattern_words(char pattern, bool zh)
{
	switch (pattern) {
	case 'D':
		return zh ? "数字" : "a digit";
	case 'L':
		return zh ? "字母" : "a letter";
	case 'X':
		return zh ? "数字或X" : "a digit or X";
	default:
		return zh ? "H或M" : "H or M";
	}
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static void set_province(struct idctx *c, const struct province_row *r)
{
	memcpy(c->id->province, r->p.code, 3);
	c->id->province_en = r->p.en;
	c->id->province_zh = r->p.zh;
}

/* A province-level code where foreigners' numbers and mainland citizens'
 * numbers are issued (not 71, 81, 82, 83). */
static bool mainland_province(struct idctx *c, int column, const char *what, const char *what_zh)
{
	const struct province_row *r = province_row(c->s + column - 1);
	if (!r || r->use != MAINLAND) {
		char zh[ZH_MAX];
		id_problem(
		    c->id, PD_ID_REGION, column,
		    zh_msg(zh, "%s“%.2s”不是内地省级行政区划代码", what_zh, c->s + column - 1),
		    "%s '%.2s' is not a mainland province code", what, c->s + column - 1);
		return false;
	}
	set_province(c, r);
	return true;
}

/* YYYYMMDD at s: a real date, not after today, not before 1800. */
static void read_birth8(struct idctx *c, int column)
{
	const char *s = c->s + column - 1;
	int y = num(s, 4), m = num(s + 4, 2), d = num(s + 6, 2);

	if (!pd_date_valid_ymd(y, m, d) || y < 1800) {
		char zh[ZH_MAX];
		id_problem(c->id, PD_ID_BIRTH_DATE, column,
		           zh_msg(zh, "出生日期“%.8s”不是有效日期", s),
		           "date of birth '%.8s' is not a date", s);
		return;
	}
	pd_date b = pd_date_from_ymd(y, m, d);
	if (b > c->today) {
		char zh[ZH_MAX];
		id_problem(c->id, PD_ID_BIRTH_DATE, column, zh_msg(zh, "出生日期“%.8s”晚于今天", s),
		           "date of birth '%.8s' is after today", s);
		return;
	}
	c->id->birth_date = b;
}

/* YYMMDD at s, with the century that makes it the latest date not after
 * today (century19: always 19YY, the 1989 standard's numbers). */
static void read_birth6(struct idctx *c, int column, bool century19)
{
	const char *s = c->s + column - 1;
	int ty, tm, td;
	int yy = num(s, 2), m = num(s + 2, 2), d = num(s + 4, 2);

	pd_date_to_ymd(c->today, &ty, &tm, &td);
	int y = century19 ? 1900 + yy : ty / 100 * 100 + yy;
	if (!century19 && (y > ty || (y == ty && (m > tm || (m == tm && d > td)))))
		y -= 100;
	if (!pd_date_valid_ymd(y, m, d)) {
		char zh[ZH_MAX];
		id_problem(c->id, PD_ID_BIRTH_DATE, column,
		           zh_msg(zh, "出生日期“%.6s”不是有效日期", s),
		           "date of birth '%.6s' is not a date", s);
		return;
	}
	pd_date b = pd_date_from_ymd(y, m, d);
	if (b > c->today) {
		char zh[ZH_MAX];
		id_problem(c->id, PD_ID_BIRTH_DATE, column, zh_msg(zh, "出生日期“%.6s”晚于今天", s),
		           "date of birth '%.6s' is after today", s);
		return;
	}
	c->id->birth_date = b;
}

static void read_sequence(struct idctx *c, int column, int n, bool sex)
{
	memcpy(c->id->sequence, c->s + column - 1, (size_t)n);
	c->id->sequence[n] = '\0';
	if (sex)
		c->id->sex = (c->s[column + n - 2] - '0') % 2 ? 'M' : 'F';
}

static void check_mod11_2(struct idctx *c)
{
	char want = pd_id_mod11_2(c->s);
	c->id->check_character = c->s[17];
	char zh[ZH_MAX];
	if (want && want != c->s[17])
		id_problem(c->id, PD_ID_CHECK_DIGIT, 18,
		           zh_msg(zh, "校验码为%c，应为%c", c->s[17], want),
		           "check character is %c, expected %c", c->s[17], want);
}

/* GB 11643-1999; with 81, 82, 83 the residence permits of 2018. */
static void read_resident(struct idctx *c)
{
	struct pd_id *id = c->id;
	const struct province_row *r = province_row(c->s);

	memcpy(id->region, c->s, 6);
	id->region[6] = '\0';
	char zh[ZH_MAX];
	if (!r) {
		id_problem(id, PD_ID_REGION, 1,
		           zh_msg(zh, "地址码“%.6s”：“%.2s”不是省级行政区划代码", c->s, c->s),
		           "address code '%.6s': '%.2s' is not a province code", c->s, c->s);
	} else if (r->use == NOT_USED) {
		id_problem(id, PD_ID_REGION, 1,
		           zh_msg(zh, "地址码“%.6s”：%s下不签发身份证号码", c->s, r->p.code),
		           "address code '%.6s': no identity number is issued under %s", c->s,
		           r->p.code);
	} else if (r->use == HMT) {
		id->kind = r->p.code[1] == '3' ? PD_ID_TAIWAN_RESIDENCE_PERMIT
		                               : PD_ID_HK_MACAO_RESIDENCE_PERMIT;
		set_province(c, r);
		if (memcmp(c->s + 2, "0000", 4) != 0)
			id_problem(id, PD_ID_REGION, 3,
			           zh_msg(zh, "地址码“%.6s”：%s居民的居住证使用%s0000", c->s,
			                  r->p.zh, r->p.code),
			           "address code '%.6s': residence permits of %s use %s0000", c->s,
			           r->p.en, r->p.code);
	} else {
		set_province(c, r);
	}
	read_birth8(c, 7);
	read_sequence(c, 15, 3, true);
	check_mod11_2(c);
}

/* GB 11643-1989: address code, YYMMDD in the 1900s, sequence; no check. */
static void read_resident_15(struct idctx *c)
{
	memcpy(c->id->region, c->s, 6);
	c->id->region[6] = '\0';
	mainland_province(c, 1, "address code", "地址码");
	read_birth6(c, 7, true);
	read_sequence(c, 13, 3, true);
	c->id->notes |= 1u << PD_ID_NOTE_NO_CHECK_CHARACTER;
}

/* The 2017 card: nationality (alpha-3), place of acceptance (4 digits, the
 * first two a province), YYMMDD, a sequence digit, an ICAO 9303 check digit
 * over the first fourteen characters. */
static void read_pr_2017(struct idctx *c)
{
	struct pd_id *id = c->id;
	char zh[ZH_MAX];

	memcpy(id->nationality, c->s, 3);
	id->nationality[3] = '\0';
	if (!pd_country_find(c->s, 3))
		id_problem(id, PD_ID_NATIONALITY, 1,
		           zh_msg(zh, "国籍代码“%.3s”不是ISO 3166-1或ICAO代码", c->s),
		           "nationality '%.3s' is not an ISO 3166-1 or ICAO code", c->s);
	memcpy(id->region, c->s + 3, 4);
	id->region[4] = '\0';
	mainland_province(c, 4, "place of acceptance", "受理地代码");
	read_birth6(c, 8, false);
	read_sequence(c, 14, 1, false);
	id->check_character = c->s[14];
	int want = pd_mrz_check_digit(c->s, 14);
	if (want >= 0 && c->s[14] - '0' != want)
		id_problem(id, PD_ID_CHECK_DIGIT, 15,
		           zh_msg(zh, "校验位为%c，应为%d", c->s[14], want),
		           "check digit is %c, expected %d", c->s[14], want);
}

/* The 2023 card: 9, place of acceptance, numeric nationality, YYYYMMDD,
 * sequence, MOD 11-2. */
static void read_pr_2023(struct idctx *c)
{
	struct pd_id *id = c->id;

	memcpy(id->region, c->s + 1, 2);
	id->region[2] = '\0';
	mainland_province(c, 2, "place of acceptance", "受理地代码");
	id->nationality_numeric = num(c->s + 3, 3);
	const struct pd_country *k = pd_country_by_numeric(id->nationality_numeric);
	if (k)
		snprintf(id->nationality, sizeof(id->nationality), "%s", k->code);
	else {
		char zh[ZH_MAX];
		id_problem(id, PD_ID_NATIONALITY, 4,
		           zh_msg(zh, "国籍代码“%.3s”不是ISO 3166-1数字代码", c->s + 3),
		           "nationality '%.3s' is not an ISO 3166-1 numeric code", c->s + 3);
	}
	read_birth8(c, 7);
	read_sequence(c, 15, 3, true);
	check_mod11_2(c);
}

static void read_hk_macao_permit(struct idctx *c)
{
	struct pd_id *id = c->id;
	const struct province_row *r = province_row(c->s[0] == 'H' ? "81" : "82");

	set_province(c, r);
	memcpy(id->permit_number, c->s, 9);
	id->permit_number[9] = '\0';
	if (c->len == 11)
		id->issue_count = num(c->s + 9, 2);
	id->notes |= 1u << PD_ID_NOTE_NO_CHECK_CHARACTER;
}

static void read_taiwan_permit(struct idctx *c)
{
	memcpy(c->id->permit_number, c->s, 8);
	c->id->permit_number[8] = '\0';
	c->id->notes |= 1u << PD_ID_NOTE_NO_CHECK_CHARACTER;
}

int pd_id_parse(const char *s, size_t len, pd_date today, struct pd_id *out, struct pd_error *err)
{
	char up[PD_ID_MAX_LEN + 1];
	const struct shape *sh = NULL;
	bool length_known = false;
	struct idctx c = {.id = out, .s = up, .len = len, .today = today};

	if (!out || (!s && len))
		return pd_error_set(err, PD_EINPUT, "no number to check");
	memset(out, 0, sizeof(*out));
	out->birth_date = PD_DATE_NONE;
	out->issue_count = -1;

	size_t n = len < PD_ID_MAX_LEN ? len : PD_ID_MAX_LEN;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch >= 'a' && ch <= 'z') {
			ch = (char)(ch - 'a' + 'A');
			out->notes |= 1u << PD_ID_NOTE_UPPERCASED;
		}
		up[i] = ch;
	}
	up[n] = '\0';
	memcpy(out->number, up, n + 1);

	for (size_t i = 0; i < N_SHAPES; i++) {
		if (shapes[i].len != len)
			continue;
		length_known = true;
		if (strchr(shapes[i].lead, up[0]) && up[0] != '\0') {
			sh = &shapes[i];
			break;
		}
	}
	if (!length_known) {
		char zh[ZH_MAX];
		id_problem(out, PD_ID_LENGTH, 0,
		           zh_msg(zh,
		                  "%zu个字符：身份证号码为18位或15位，通行证号码为11位、9位或8位",
		                  len),
		           "%zu characters: identity numbers have 18 or 15, travel permit numbers "
		           "11, 9 or 8",
		           len);
		goto done;
	}
	if (!sh) {
		char buf[8];
		unsigned char u = (unsigned char)up[0];
		if (u >= 0x20 && u < 0x7f)
			snprintf(buf, sizeof(buf), "'%c'", up[0]);
		else
			snprintf(buf, sizeof(buf), "\\x%02X", u);
		char zh[ZH_MAX];
		id_problem(out, PD_ID_FORMAT, 1,
		           zh_msg(zh, "%zu个字符，以%s开头：没有这种形式的号码", len, buf),
		           "%zu characters beginning with %s: no kind of number has this form", len,
		           buf);
		goto done;
	}
	out->kind = sh->kind;
	for (size_t i = 0; i < len; i++) {
		if (!fits(up[i], sh->pattern[i])) {
			char zh[ZH_MAX];
			id_problem(out, PD_ID_CHARACTERS, (int)i + 1,
			           zh_msg(zh, "%s的第%zu个字符应为%s", sh->what_zh, i + 1,
			                  pattern_words(sh->pattern[i], true)),
			           "character %zu of %s must be %s", i + 1, sh->what,
			           pattern_words(sh->pattern[i], false));
			goto done;
		}
	}
	sh->read(&c);
done:
	out->valid = out->failed == 0;
	return 0;
}
