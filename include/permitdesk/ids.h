/*
 * permitdesk/ids.h: identity documents.
 *
 * Machine readable zones (ICAO Doc 9303, eighth edition, 2021):
 *   TD1    3 lines of 30  identity cards                      Part 5
 *   TD2    2 lines of 36  identity cards, travel documents    Part 6
 *   TD3    2 lines of 44  passports                           Part 4
 *   MRV-A  2 lines of 44  visas, full size                    Part 7
 *   MRV-B  2 lines of 36  visas, smaller                      Part 7
 * Character set, check digits, names, dates and codes follow Part 3.
 *
 * Chinese identity numbers:
 *   prc_resident_id               GB 11643-1999, 18 characters, ISO 7064 MOD 11-2
 *   prc_resident_id_15            GB 11643-1989, 15 digits, no check character
 *   hk_macao_residence_permit     GB 11643 number with address code 810000 or 820000
 *   taiwan_residence_permit       GB 11643 number with address code 830000
 *   permanent_residence_2017      Foreigner's Permanent Residence ID Card (2017), 15 characters
 *   permanent_residence_2023      the 2023 card, 18 digits beginning with 9, MOD 11-2
 *   hk_macao_travel_permit        Mainland Travel Permit for HK and Macao Residents
 *   taiwan_travel_permit          Mainland Travel Permit for Taiwan Residents
 * docs/ids.md cites the standard or notice behind each and says what cannot be checked.
 *
 * Both parsers are pure: no allocation, no clock.  "Today" is an argument, so
 * an expiry or a birth date is judged against the date the caller chooses.
 * They never fail on bad content: every problem becomes a failed check in the
 * result (a named check, with a position and a one-line message), `valid` is
 * true when none failed, and notes carry what is worth saying but is not a
 * failure (a specimen that expired long ago still has correct check digits).
 * They return -PD_EINPUT only when a pointer argument is missing.
 */
#ifndef PERMITDESK_IDS_H
#define PERMITDESK_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "permitdesk/base.h"

/* ---- countries ---------------------------------------------------------- */

enum pd_country_kind {
	PD_COUNTRY_ISO = 0, /* ISO 3166-1 */
	PD_COUNTRY_ICAO,    /* a code Doc 9303 Part 3 adds: D, XXA, UNO, UTO ... */
};

struct pd_country {
	const char *code;   /* alpha-3, or the ICAO code ("D", "XXA") */
	const char *alpha2; /* ISO alpha-2, "" for ICAO codes */
	uint16_t numeric;   /* ISO numeric (840), 0 for ICAO codes */
	uint8_t kind;       /* enum pd_country_kind */
	const char *name;   /* English short name (UTF-8) */
};

/* By code, exactly as in an MRZ field: "DEU", "D", "D<<" (trailing fillers
 * ignored).  NULL when unknown. */
const struct pd_country *pd_country_find(const char *code, size_t len);
/* By ISO 3166-1 numeric code (the 2023 permanent residence number); NULL when unknown. */
const struct pd_country *pd_country_by_numeric(int numeric);

/* ---- ICAO 9303 check digits --------------------------------------------- */

/* The 7-3-1 check digit of s[0..len) (Part 3, 4.9): 0..9, or -1 when a
 * character is outside A-Z 0-9 <. */
int pd_mrz_check_digit(const char *s, size_t len);

/* ---- machine readable zones --------------------------------------------- */

enum pd_mrz_format {
	PD_MRZ_UNKNOWN = 0,
	PD_MRZ_TD1,
	PD_MRZ_TD2,
	PD_MRZ_TD3,
	PD_MRZ_MRVA,
	PD_MRZ_MRVB,
};
const char *pd_mrz_format_name(enum pd_mrz_format f); /* "TD3", "MRV-A"; NULL for unknown */

/*
 * X(NAME, "name") -- the checks, in the order they are reported.  The names
 * are what `permitdesk validate mrz` prints and what the engine quotes.
 */
/* clang-format off */
#define PD_MRZ_CHECK_MAP(X)                                                                        \
	X(FORMAT, "format")                               /* no format has this many lines */      \
	X(LENGTH, "length")                               /* a line of the wrong length */         \
	X(CHARACTERS, "characters")                       /* outside A-Z 0-9 < */                  \
	X(DOCUMENT_CODE, "document_code")                 /* P / A C I / V as the format needs */  \
	X(ISSUING_STATE, "issuing_state")                 /* not an ISO 3166 or ICAO code */       \
	X(NAME, "name")                                   /* empty primary identifier, digits */   \
	X(FILLER, "filler")                               /* letters after the end of a field */   \
	X(DOCUMENT_NUMBER, "document_number")             /* empty */                              \
	X(DOCUMENT_NUMBER_CHECK, "document_number_check") /* check digit */                        \
	X(NATIONALITY, "nationality")                     /* not an ISO 3166 or ICAO code */       \
	X(BIRTH_DATE, "birth_date")                       /* not a date */                         \
	X(BIRTH_DATE_CHECK, "birth_date_check")                                                    \
	X(SEX, "sex")                                     /* not M, F or < */                      \
	X(EXPIRY_DATE, "expiry_date")                     /* not a date */                         \
	X(EXPIRY_DATE_CHECK, "expiry_date_check")                                                  \
	X(OPTIONAL_DATA_CHECK, "optional_data_check")     /* TD3 personal number */                \
	X(COMPOSITE_CHECK, "composite_check")             /* TD1, TD2, TD3 */

enum pd_mrz_check {
#define PD_X_MRZ_CHECK(name, str) PD_MRZ_##name,
	PD_MRZ_CHECK_MAP(PD_X_MRZ_CHECK)
#undef PD_X_MRZ_CHECK
	PD_MRZ_CHECK_COUNT
};
const char *pd_mrz_check_name(enum pd_mrz_check c);

/* Notes: true, worth saying, not failures. */
#define PD_MRZ_NOTE_MAP(X)                                                                         \
	X(EXPIRED, "expired")                     /* expiry date before today */                   \
	X(BIRTH_DATE_UNKNOWN, "birth_date_unknown") /* date of birth (partly) fillers */           \
	X(NAME_TRUNCATED, "name_truncated")       /* the name fills its field: may be cut */       \
	X(LONG_DOCUMENT_NUMBER, "long_document_number") /* more than 9 characters (TD1, TD2) */

enum pd_mrz_note {
#define PD_X_MRZ_NOTE(name, str) PD_MRZ_NOTE_##name,
	PD_MRZ_NOTE_MAP(PD_X_MRZ_NOTE)
#undef PD_X_MRZ_NOTE
	PD_MRZ_NOTE_COUNT
};
/* clang-format on */
const char *pd_mrz_note_name(enum pd_mrz_note n);

struct pd_id_problem {
	uint8_t check;     /* enum pd_mrz_check or enum pd_id_check */
	uint8_t line;      /* 1-based; 0 when it concerns the whole input */
	uint8_t column;    /* 1-based; 0 when it concerns a whole line */
	char message[125]; /* one line, no trailing period */
	/* The same in Chinese, as much said (identity numbers; empty where only
	 * the English is written, the machine readable zone's). */
	char message_zh[192];
};

#define PD_MRZ_MAX_LINES 3
#define PD_MRZ_MAX_LINE 44
#define PD_MRZ_MAX_PROBLEMS 24

struct pd_mrz {
	enum pd_mrz_format format; /* PD_MRZ_UNKNOWN when the shape fits no format */
	bool valid;                /* no check failed */
	bool parsed;               /* the fields below were read (the shape was right) */

	/* Fields, fillers removed.  Strings are NUL-terminated and "" when empty. */
	char document_code[3];    /* "P", "PO", "I", "AC", "V" */
	char issuing_state[4];    /* "UTO", "D" */
	char primary[40];         /* "ERIKSSON" (a filler inside a component becomes a space) */
	char secondary[40];       /* "ANNA MARIA" */
	char document_number[32]; /* whole number, long TD1/TD2 numbers included */
	char nationality[4];
	char sex;            /* 'M', 'F', 'X' (unspecified, '<' in the zone), or 0 */
	pd_date birth_date;  /* PD_DATE_NONE when unknown or not a date */
	pd_date expiry_date; /* PD_DATE_NONE when not a date */
	char birth_raw[7];   /* the six characters as written ("7408<<") */
	char expiry_raw[7];
	char optional_data[32];  /* TD3 personal number; TD1 line 1; TD2, MRV */
	char optional_data2[12]; /* TD1 line 2 */

	uint32_t failed; /* bit (1u << enum pd_mrz_check) per failed check */
	uint32_t notes;  /* bit (1u << enum pd_mrz_note) per note */
	struct pd_id_problem problems[PD_MRZ_MAX_PROBLEMS]; /* in check order, then position */
	size_t n_problems;
};

/*
 * Parses and checks a machine readable zone given as its lines (each
 * NUL-terminated, without line breaks).  The format is chosen by the number
 * of lines and their lengths (3 x 30 TD1; 2 x 36 TD2, or MRV-B when the zone
 * begins with V; 2 x 44 TD3, or MRV-A when it begins with V).  Two-digit
 * years are given their century against `today`: a date of birth is the
 * latest that is not after today, an expiry date the latest not more than 50
 * years after today.  Returns 0 (the verdict is in out), or -PD_EINPUT when
 * lines or out is NULL.
 */
int pd_mrz_parse(const char *const *lines, size_t n_lines, pd_date today, struct pd_mrz *out,
                 struct pd_error *err);

/*
 * The same for a zone as one text: lines separated by "\n" (or "\r\n"), or
 * written without separators as 90, 72 or 88 characters.  len bytes, not
 * NUL-terminated.  Surrounding blank lines are ignored.
 */
int pd_mrz_parse_text(const char *text, size_t len, pd_date today, struct pd_mrz *out,
                      struct pd_error *err);

/* ---- Chinese identity numbers ------------------------------------------ */

enum pd_id_kind {
	PD_ID_UNKNOWN = 0,
	PD_ID_PRC_RESIDENT,
	PD_ID_PRC_RESIDENT_15,
	PD_ID_HK_MACAO_RESIDENCE_PERMIT,
	PD_ID_TAIWAN_RESIDENCE_PERMIT,
	PD_ID_PERMANENT_RESIDENCE_2017,
	PD_ID_PERMANENT_RESIDENCE_2023,
	PD_ID_HK_MACAO_TRAVEL_PERMIT,
	PD_ID_TAIWAN_TRAVEL_PERMIT,
};
const char *pd_id_kind_name(enum pd_id_kind k); /* "prc_resident_id"; NULL for unknown */

/* clang-format off */
#define PD_ID_CHECK_MAP(X)                                                                         \
	X(LENGTH, "length")           /* no kind of number has this length */                     \
	X(FORMAT, "format")           /* the length fits, the leading characters fit no kind */   \
	X(CHARACTERS, "characters")   /* a character not allowed at its position */               \
	X(REGION, "region")           /* address code or place of acceptance unknown */          \
	X(NATIONALITY, "nationality") /* nationality code unknown (permanent residence) */        \
	X(BIRTH_DATE, "birth_date")   /* not a real date, or after today */                       \
	X(CHECK_DIGIT, "check_digit") /* ISO 7064 MOD 11-2, or ICAO 7-3-1 for the 2017 card */

enum pd_id_check {
#define PD_X_ID_CHECK(name, str) PD_ID_##name,
	PD_ID_CHECK_MAP(PD_X_ID_CHECK)
#undef PD_X_ID_CHECK
	PD_ID_CHECK_COUNT
};
const char *pd_id_check_name(enum pd_id_check c);

#define PD_ID_NOTE_MAP(X)                                                                          \
	X(UPPERCASED, "uppercased") /* lower-case letters were read as capitals */                \
	X(NO_CHECK_CHARACTER, "no_check_character") /* this kind has none: less is checked */

enum pd_id_note {
#define PD_X_ID_NOTE(name, str) PD_ID_NOTE_##name,
	PD_ID_NOTE_MAP(PD_X_ID_NOTE)
#undef PD_X_ID_NOTE
	PD_ID_NOTE_COUNT
};
/* clang-format on */
const char *pd_id_note_name(enum pd_id_note n);

#define PD_ID_MAX_LEN 24
#define PD_ID_MAX_PROBLEMS 8

struct pd_id {
	enum pd_id_kind kind; /* PD_ID_UNKNOWN when length or format fits no kind */
	bool valid;
	char number[PD_ID_MAX_LEN + 1]; /* the input, upper-cased; cut at PD_ID_MAX_LEN */

	/* Fields; "" / 0 / PD_DATE_NONE / -1 when the kind has none. */
	char region[7];          /* address code "110105"; place of acceptance "1100" or "11" */
	char province[3];        /* "11" */
	const char *province_en; /* "Beijing", or NULL when unknown */
	const char *province_zh; /* "北京市" */
	char nationality[4];     /* alpha-3 (the 2023 card's numeric code mapped) */
	int nationality_numeric; /* ISO numeric (2023 card), else 0 */
	pd_date birth_date;
	char sex;               /* 'M' / 'F' from the parity of the sequence, or 0 */
	char sequence[4];       /* "002" */
	char check_character;   /* as written, or 0 */
	char permit_number[10]; /* travel permits: "H12345678", "12345678" */
	int issue_count;        /* HK/Macao permit: the two trailing digits, else -1 */

	uint32_t failed; /* bit (1u << enum pd_id_check) per failed check */
	uint32_t notes;  /* bit (1u << enum pd_id_note) */
	struct pd_id_problem problems[PD_ID_MAX_PROBLEMS];
	size_t n_problems;
};

/*
 * Classifies and checks an identity number (len bytes, not NUL-terminated;
 * surrounding blanks are not removed).  The kind is chosen from the length
 * and the leading characters alone, so that a wrong check character is
 * reported as that and not as "unknown kind".  Lower-case letters are read as
 * capitals and noted.  Returns 0 (the verdict is in out), or -PD_EINPUT when
 * s or out is NULL.
 */
int pd_id_parse(const char *s, size_t len, pd_date today, struct pd_id *out, struct pd_error *err);

/* The ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') of 17 digits, or 0
 * when one of them is not a digit. */
char pd_id_mod11_2(const char digits[17]);

/* Province-level divisions (GB/T 2260) with the special codes 81, 82, 83. */
struct pd_province {
	char code[3];
	const char *en;
	const char *zh;
};
const struct pd_province *pd_province_find(const char code[2]);

/* ---- JSON (the writer of codec.h) --------------------------------------- */

/*
 * {"valid":…, "format":"TD3", "fields":{…}, "failed":[{"check","line","column",
 * "message"}…], "notes":[…]} -- what `permitdesk validate mrz` prints.
 * docs/ids.md lists every member.  Appends to out; -PD_ENOMEM when it fails.
 */
int pd_mrz_write_json(const struct pd_mrz *m, bool pretty, struct pd_buf *out);
/* {"valid", "kind":"prc_resident_id", "number", "fields":{...}, "failed":[...], "notes":[...]} */
int pd_id_write_json(const struct pd_id *id, bool pretty, struct pd_buf *out);

#endif
