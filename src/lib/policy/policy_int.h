/*
 * policy_int.h: the compiled form of a policy, shared by the policy loader
 * and the engine.  Nothing here is public API.
 *
 * A struct pd_policy owns everything below in one arena; it is immutable
 * after pd_policy_load() returns.
 */
#ifndef PD_POLICY_INT_H
#define PD_POLICY_INT_H

#include "permitdesk/case.h"
#include "permitdesk/engine.h"
#include "permitdesk/ids.h"
#include "permitdesk/policy.h"

/* ---- expressions ------------------------------------------------------- */

enum pd_opcode {
	OP_FACT,  /* push facts[a] */
	OP_CONST, /* push the constant (type, imm, str) */
	OP_EQ,    /* pop b, a; push a == b */
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_IN_ENUM, /* pop a (enum); push (mask >> a) & 1 */
	OP_IN_STR,  /* pop a (string); push a in strs[0..n) */
	OP_AND,
	OP_OR,
	OP_NOT,
	OP_ADD_INT,
	OP_SUB_INT,
	OP_MUL_INT,
	OP_DIV_INT,
	OP_NEG,
	OP_DATE_ADD_DAYS, /* date + int */
	OP_DATE_SUB_DAYS, /* date - int */
	OP_DATE_ADD_DUR,  /* date + duration (imm: count, a: unit) */
	OP_DATE_SUB_DUR,
	OP_DATE_DIFF, /* date - date: int days */
	OP_DUR_DAYS,  /* push the duration (imm, a: unit) in days counted from the case date */
	OP_KNOWN,     /* push known(facts[a]) (always known) */
	OP_PROVIDED,  /* push: a document of material `str` (or of one of its a options, strs) is in
	                 documents[] */
	OP_MIN,       /* pop n values, push the smallest (a: n) */
	OP_MAX,
	OP_YEARS,       /* pop b, a (dates): whole years from a to b */
	OP_FACT_EQ,     /* push facts[a] == imm (imm2: 1 for !=), for enum/bool/int facts */
	OP_FACT_IN,     /* push (mask >> facts[a]) & 1, for enum facts */
	OP_MRZ_GIVEN,   /* push: the case gives applicant.passport.mrz */
	OP_MRZ_VALID,   /* push: the MRZ passes every ICAO 9303 check (unknown without one) */
	OP_MRZ_MATCHES, /* push: the MRZ agrees with the passport number, expiry, birth date,
	                   nationality */
	OP_ID_VALID,    /* push: the identity number in facts[a] passes its checks */
	OP_ID_KIND,     /* push: the kind of the identity number in facts[a] (a text) */
	OP_JFALSE,      /* top known false: jump to imm (short-circuit `and`) */
	OP_JTRUE,       /* top known true: jump to imm (short-circuit `or`) */
};

struct pd_op {
	uint8_t op;
	uint8_t type;    /* result type */
	uint16_t a;      /* fact index, count, unit */
	int32_t imm;     /* constant value */
	uint64_t mask;   /* OP_IN_ENUM */
	const char *str; /* OP_CONST string, OP_PROVIDED material id */
	uint32_t len;
	const char *const *strs; /* OP_IN_STR */
};

struct pd_expr;

/* A figure that changes on a date: `value` is in force from `from` until the
 * next dated value's `from`. */
struct pd_dated_value {
	pd_date from;
	const struct pd_expr *value;
};

struct pd_expr {
	/* A list of dated values (n_dated > 0): no code of its own; the value in
	 * force on the case's date is evaluated. */
	const struct pd_dated_value *dated;
	uint8_t n_dated;
	const struct pd_op *ops;
	uint16_t n_ops;
	uint8_t type;     /* enum pd_type of the result */
	const char *text; /* source text, for messages */
	const char *file;
	int line, column;
	struct pd_factset facts; /* every fact it reads */
	bool uses_mrz;           /* reads mrz_valid() or mrz_matches() */
	int16_t id_fact;         /* fact read by id_valid()/id_kind(), or -1 */
	/* Word tests that are conjuncts of the whole condition (`fact == "w" and
	 * fact in [...] and ...`), checked before running the code: a known fact
	 * outside its mask makes the condition false; when every conjunct is such a
	 * test (`complete`) and all are known, it is true without running anything. */
	uint8_t n_guards;
	bool complete;
	struct {
		int16_t fact;
		uint64_t mask;
	} guards[4];
};

/* A tri-valued value, as the evaluator sees it. */
struct pd_eval_value {
	bool known;
	uint8_t type;
	int32_t i;
	const char *s;
	uint32_t len;
	struct pd_factset why; /* unknown facts this value hangs on */
};

/* Identity documents checked once per case, when a condition first asks. */
struct pd_ids_cache {
	bool mrz_done;
	int mrz_rc;
	struct pd_mrz mrz;
	uint8_t mismatch; /* MRZ_MISMATCH_* bits */
	int id_fact;      /* -1: not parsed yet */
	int id_rc;
	struct pd_id id;
};
#define MRZ_MISMATCH_NUMBER 1u
#define MRZ_MISMATCH_EXPIRY 2u
#define MRZ_MISMATCH_BIRTH 4u
#define MRZ_MISMATCH_NATIONALITY 8u

struct pd_eval_lazy {
	struct pd_arena *arena;
	struct pd_ids_cache *ids;
};

struct pd_eval_ctx {
	const struct pd_case *c;
	pd_date date;
	struct pd_eval_lazy *lazy; /* NULL: identity checks answer unknown */
};

/* The identity-document cache of ctx, parsing what is asked for; NULL without one. */
struct pd_ids_cache *pd_eval_mrz(const struct pd_eval_ctx *ctx);
struct pd_ids_cache *pd_eval_id(const struct pd_eval_ctx *ctx, int fact);

/* Compiles `text` (len bytes) found at file:line:column.  Type errors, unknown
 * paths, unknown enum words and unknown materials (when `materials` is given)
 * are reported with the column of the offending token. */
struct pd_policy_build;
int pd_expr_compile(struct pd_policy_build *b, const char *text, size_t len, const char *file,
                    int line, int column, struct pd_expr *out, struct pd_error *err);
/* The dated value of e in force on `date`, or NULL (e is not dated, or the date
 * comes before its first value). */
const struct pd_dated_value *pd_expr_dated(const struct pd_expr *e, pd_date date);
/* Evaluates; never fails (division by zero gives unknown; a dated figure on a
 * date before its first value is unknown, hanging on no fact). */
void pd_expr_eval(const struct pd_expr *e, const struct pd_eval_ctx *ctx,
                  struct pd_eval_value *out);

/* ---- packs ------------------------------------------------------------- */

/* An option of an alternative material, as written (where, for messages). */
struct pd_option_ref {
	const char *id;
	int line, column;
};

struct pd_pmaterial {
	const char *id;
	size_t id_len;
	struct pd_text text;
	bool has_max_age;
	struct pd_duration max_age;
	/* What a foreign-issued one needs: 1 yes, 0 no. */
	int8_t foreign_notarized, foreign_legalized, foreign_translated;
	int8_t notarized;   /* must be notarized wherever issued */
	bool has_valid_for; /* must stay valid this long after the application */
	struct pd_duration valid_for;
	/* An item satisfied by any one of other materials ("a lease or a property
	 * certificate"): their indexes, each checked with its own constraints. */
	const int16_t *options;
	uint8_t n_options;
	const struct pd_option_ref *option_refs; /* as written: resolved once the pack's
	                                            materials are all in */
	const char *layer;
	const char *file;
	int line;
};

struct pd_requirement {
	int material; /* index into pack->materials */
	bool has_max_age;
	struct pd_duration max_age;
	/* -1: as the material says.  notarized: wherever issued; legalized and
	 * translated: when issued abroad. */
	int8_t notarized, legalized, translated;
	bool has_valid_for;
	struct pd_duration valid_for;
	/* For an alternative: constraints on one option only (material: the option). */
	const struct pd_requirement *option_reqs;
	uint8_t n_option_reqs;
};

struct pd_pnotice {
	const char *id;
	struct pd_text text;
};

enum pd_agent_effect { AGENT_NONE = 0, AGENT_ALLOW, AGENT_IN_PERSON, AGENT_IN_PERSON_ALWAYS };

struct pd_effects {
	const struct pd_expr *check; /* NULL: no check */
	const struct pd_requirement *requires;
	uint16_t n_requires;
	const struct pd_expr *max_days, *valid_until, *visa_validity;
	bool has_fee;
	const struct pd_expr *fee_cny; /* NULL with has_fee: fee null (the pack cannot tell) */
	bool fee_per_person;           /* fee_cny is for one person (application.persons) */
	bool has_deposit;
	const struct pd_expr *deposit_cny, *deposit_frozen;
	int32_t processing; /* -1 none */
	int32_t receipt;    /* -1 none */
	const struct pd_expr *apply_by;
	/* An apply_by on a day the offices do not work: 0 stays, -1 moves to the
	 * last working day before it, +1 to the first working day after it. */
	int8_t apply_by_rest_day;
	uint8_t agent; /* enum pd_agent_effect */
	int invalid;   /* material marked invalid when the check fails, or -1 */
	const struct pd_pnotice *notices;
	uint16_t n_notices;
};

enum pd_table_kind { TABLE_NONE = 0, TABLE_KEYED, TABLE_FIRST };

struct pd_rule {
	const char *id;       /* full id: "national/visa-extension[Q2]" */
	const char *local_id; /* as written: "visa-extension" */
	struct pd_origin origin;
	struct pd_text text;
	const struct pd_expr *when; /* NULL: always */
	struct pd_effects eff;

	/* Tables: a keyed table picks the row whose key is the fact's value; a
	 * first-match table takes the first row whose `when` holds. */
	uint8_t table;
	int key_fact; /* TABLE_KEYED */
	const struct pd_rule *rows;
	uint16_t n_rows;
	int16_t row_by_enum[64]; /* TABLE_KEYED on an enum fact: row index or -1 */
	const char *row_key;     /* for rows: the key as written ("Q2") */

	const char *file;
	int line, column;
};

struct pd_conflict {
	struct pd_conflict_info info;
};

struct pd_pack {
	const char *id;
	const char *jurisdiction;
	const char *title_en, *title_zh;
	const char *extends_id;
	const struct pd_pack *parent;
	pd_date from, to; /* PD_DATE_NONE when open */
	char version[17];
	const char *dir;

	/* After inheritance: the parent's rules (replaced or dropped as the pack
	 * says) followed by the pack's own new rules. */
	const struct pd_rule **rules;
	size_t n_rules;
	struct pd_pmaterial *materials; /* own and inherited, by id */
	size_t n_materials;
	struct pd_conflict *conflicts;
	size_t n_conflicts;
	struct pd_clause_info *clauses; /* this pack's own clause index */
	size_t n_clauses;
	const char **sources; /* declared source prefixes ("003", "Law", "Regs") */
	size_t n_sources;
	/* offices.yaml: the pack's own, or its parent's when it lists none. */
	struct pd_office_info *offices;
	size_t n_offices;
	/* pack.yaml `before`: a case of this jurisdiction dated before `from` is
	 * decided by the pack of jurisdiction before_by in force on its date, and
	 * its result says so with before_text (origin: "<id>/before"). NULL: such
	 * a case is refused. */
	const char *before_by;
	struct pd_text before_text;
	struct pd_origin before_origin;
};

struct pd_policy {
	struct pd_arena arena;
	struct pd_pack **packs;
	size_t n_packs;
	struct pd_calendar *calendar;
	char *dir;
};

int pd_pack_find_material(const struct pd_pack *p, const char *id, size_t len);
/* x (of pack px) and y (of py) have the same condition and effects, rows
 * included; their ids, texts, sources and notes aside. */
bool pd_rule_same(const struct pd_pack *px, const struct pd_rule *x, const struct pd_pack *py,
                  const struct pd_rule *y);
/* x and y (and their rows) cite the same clauses. */
bool pd_rule_same_sources(const struct pd_rule *x, const struct pd_rule *y);

#endif

/* ---- building ----------------------------------------------------------- */

/* State while packs are loaded and compiled. */
struct pd_policy_build {
	struct pd_policy *pol;
	struct pd_arena *arena; /* the policy's arena: everything compiled lives here */
	struct pd_pack *pack;   /* the pack being compiled (its materials, for provided()) */
	struct pd_diags *diags; /* every problem, or NULL */
	struct pd_error *first; /* the first error */
	int n_errors;
};

/* Records a problem (code 0: a warning) at file:line:column. */
void pd_build_report(struct pd_policy_build *b, int code, const char *file, int line, int column,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
