/*
 * expr.c: the condition language of policy packs: compiler and evaluator.
 *
 * Grammar (docs/policy-language.md has the version for policy staff):
 *
 *   expr    := or
 *   or      := and ("or" and)*
 *   and     := not ("and" not)*
 *   not     := "not" not | cmp
 *   cmp     := sum [("==" | "!=" | "<" | "<=" | ">" | ">=") sum
 *                  | ["not"] "in" "[" literal ("," literal)* "]"]
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := "-" unary | primary
 *   primary := INT | DURATION (30d 2w 6m 1y) | DATE (2026-03-02) | STRING ("Q2")
 *            | "true" | "false" | PATH (applicant.age) | NAME "(" [expr ("," expr)*] ")"
 *            | "(" expr ")"
 *
 * Functions: known(PATH), provided("material"), min(...), max(...),
 * years(DATE, DATE), days(DURATION).
 *
 * Compilation parses into a small tree, checks types (an enum compared with a
 * word outside its vocabulary, a date compared with a number, an unknown path
 * or material: each an error at its column) and emits postfix code with
 * paths resolved to fact indexes.  Evaluation runs that code over a stack of
 * three-valued values (Kleene logic): every value carries the set of unknown
 * facts it hangs on, so a condition that comes out unknown says exactly which
 * facts would settle it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"

#define MAX_STACK 32
#define MAX_OPS 512
#define MAX_ARGS 8
#define MAX_LIST 256

enum tok_kind {
	T_END,
	T_INT,
	T_DUR,
	T_DATE,
	T_STR,
	T_NAME, /* identifier or dotted path */
	T_LPAREN,
	T_RPAREN,
	T_LBRACK,
	T_RBRACK,
	T_COMMA,
	T_EQ,
	T_NE,
	T_LT,
	T_LE,
	T_GT,
	T_GE,
	T_PLUS,
	T_MINUS,
	T_STAR,
	T_SLASH,
	T_AND,
	T_OR,
	T_NOT,
	T_IN,
	T_TRUE,
	T_FALSE,
	T_ERROR,
};

struct tok {
	enum tok_kind kind;
	const char *s;
	uint32_t len;
	int col; /* 0-based offset in the text */
	int32_t ival;
	struct pd_duration dur;
};

enum node_kind { N_FACT, N_INT, N_DUR, N_DATE, N_STR, N_BOOL, N_BIN, N_NOT, N_NEG, N_IN, N_CALL };

struct node {
	enum node_kind kind;
	int col;
	int op; /* N_BIN: token kind; N_IN: 1 when "not in" */
	int fact;
	int32_t ival;
	struct pd_duration dur;
	const char *s;
	uint32_t len;
	struct node *a, *b;
	struct node *args[MAX_ARGS]; /* N_CALL arguments */
	int n_args;
	struct node **list; /* N_IN literals */
	int n_list;
};

struct compiler {
	struct pd_policy_build *b;
	const char *text;
	size_t len;
	size_t pos;
	const char *file;
	int line, column;
	struct tok tok;
	struct pd_arena tmp;
	struct pd_error *err;
	bool failed;
	struct pd_op ops[MAX_OPS];
	int n_ops;
	int depth, max_depth;
	struct pd_factset facts;
	bool uses_mrz;
	int id_fact;
};

static int fail_at(struct compiler *cc, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct compiler *cc, int col, const char *fmt, ...)
{
	if (cc->failed)
		return -1;
	cc->failed = true;
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pd_error_at(cc->err, PD_EPOLICY, cc->file, cc->line, cc->column + col, NULL, "%s in `%.*s`",
	            msg, (int)(cc->len > 120 ? 120 : cc->len), cc->text);
	return -1;
}

/* ---- lexer ---- */

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.';
}

static void next(struct compiler *cc)
{
	const char *t = cc->text;
	while (cc->pos < cc->len && (t[cc->pos] == ' ' || t[cc->pos] == '\t' ||
	                             t[cc->pos] == '\n' || t[cc->pos] == '\r'))
		cc->pos++;
	struct tok *k = &cc->tok;
	memset(k, 0, sizeof(*k));
	k->col = (int)cc->pos;
	k->s = t + cc->pos;
	if (cc->pos >= cc->len) {
		k->kind = T_END;
		return;
	}
	char c = t[cc->pos];
	char d = cc->pos + 1 < cc->len ? t[cc->pos + 1] : '\0';
	size_t start = cc->pos;
	if (c >= '0' && c <= '9') {
		size_t p = cc->pos;
		while (p < cc->len && ((t[p] >= '0' && t[p] <= '9') || t[p] == '-'))
			p++;
		pd_date date;
		if (p - start == 10 && t[start + 4] == '-' && t[start + 7] == '-') {
			if (pd_date_parse(t + start, 10, &date) != 0) {
				k->kind = T_ERROR;
				fail_at(cc, (int)start, "%.10s is not a real date", t + start);
				return;
			}
			k->kind = T_DATE;
			k->ival = date;
			k->len = 10;
			cc->pos = p;
			return;
		}
		p = start;
		long v = 0;
		while (p < cc->len && t[p] >= '0' && t[p] <= '9') {
			v = v * 10 + (t[p] - '0');
			if (v > 100000000) {
				k->kind = T_ERROR;
				fail_at(cc, (int)start, "number too large");
				return;
			}
			p++;
		}
		if (p < cc->len && (t[p] == 'd' || t[p] == 'w' || t[p] == 'm' || t[p] == 'y') &&
		    !(p + 1 < cc->len && is_name_char(t[p + 1]))) {
			if (pd_duration_parse(t + start, p + 1 - start, &k->dur) != 0) {
				k->kind = T_ERROR;
				fail_at(cc, (int)start, "duration too long");
				return;
			}
			k->kind = T_DUR;
			k->len = (uint32_t)(p + 1 - start);
			cc->pos = p + 1;
			return;
		}
		if (p < cc->len && is_name_char(t[p])) {
			k->kind = T_ERROR;
			fail_at(cc, (int)start, "bad number or date");
			return;
		}
		k->kind = T_INT;
		k->ival = (int32_t)v;
		k->len = (uint32_t)(p - start);
		cc->pos = p;
		return;
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		size_t p = cc->pos;
		while (p < cc->len && is_name_char(t[p]))
			p++;
		k->len = (uint32_t)(p - start);
		cc->pos = p;
		static const struct {
			const char *w;
			enum tok_kind k;
		} kw[] = {{"and", T_AND}, {"or", T_OR},     {"not", T_NOT},
		          {"in", T_IN},   {"true", T_TRUE}, {"false", T_FALSE}};
		for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
			if (strlen(kw[i].w) == k->len && memcmp(kw[i].w, k->s, k->len) == 0) {
				k->kind = kw[i].k;
				return;
			}
		k->kind = T_NAME;
		return;
	}
	if (c == '"' || c == '\'') {
		size_t p = cc->pos + 1;
		while (p < cc->len && t[p] != c)
			p++;
		if (p >= cc->len) {
			k->kind = T_ERROR;
			fail_at(cc, (int)start, "unterminated string");
			return;
		}
		k->kind = T_STR;
		k->s = t + start + 1;
		k->len = (uint32_t)(p - start - 1);
		cc->pos = p + 1;
		return;
	}
	static const struct {
		char c1, c2;
		enum tok_kind k;
	} ops[] = {
	    {'=', '=', T_EQ},   {'!', '=', T_NE},   {'<', '=', T_LE},   {'>', '=', T_GE},
	    {'<', 0, T_LT},     {'>', 0, T_GT},     {'(', 0, T_LPAREN}, {')', 0, T_RPAREN},
	    {'[', 0, T_LBRACK}, {']', 0, T_RBRACK}, {',', 0, T_COMMA},  {'+', 0, T_PLUS},
	    {'-', 0, T_MINUS},  {'*', 0, T_STAR},   {'/', 0, T_SLASH},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].c1 == c && (ops[i].c2 == 0 || ops[i].c2 == d)) {
			k->kind = ops[i].k;
			k->len = ops[i].c2 ? 2 : 1;
			cc->pos += k->len;
			return;
		}
	}
	if (c == '=') {
		k->kind = T_ERROR;
		fail_at(cc, (int)start, "`=` is not an operator: write `==`");
		return;
	}
	if (c == '&' || c == '|' || c == '!') {
		k->kind = T_ERROR;
		fail_at(cc, (int)start, "write `and`, `or`, `not` instead of `%c`", c);
		return;
	}
	k->kind = T_ERROR;
	fail_at(cc, (int)start, "unexpected character `%c`", c);
}

/* ---- parser ---- */

static struct node *new_node(struct compiler *cc, enum node_kind kind, int col)
{
	struct node *n = pd_arena_zalloc(&cc->tmp, sizeof(*n));
	if (!n) {
		fail_at(cc, col, "out of memory");
		return NULL;
	}
	n->kind = kind;
	n->col = col;
	return n;
}

static struct node *parse_or(struct compiler *cc, int nesting);

static struct node *parse_primary(struct compiler *cc, int nesting)
{
	struct tok t = cc->tok;
	struct node *n = NULL;
	if (nesting > 24) {
		fail_at(cc, t.col, "expression nested too deeply");
		return NULL;
	}
	switch (t.kind) {
	case T_INT:
		n = new_node(cc, N_INT, t.col);
		if (n)
			n->ival = t.ival;
		next(cc);
		return n;
	case T_DUR:
		n = new_node(cc, N_DUR, t.col);
		if (n)
			n->dur = t.dur;
		next(cc);
		return n;
	case T_DATE:
		n = new_node(cc, N_DATE, t.col);
		if (n)
			n->ival = t.ival;
		next(cc);
		return n;
	case T_STR:
		n = new_node(cc, N_STR, t.col);
		if (n) {
			n->s = t.s;
			n->len = t.len;
		}
		next(cc);
		return n;
	case T_TRUE:
	case T_FALSE:
		n = new_node(cc, N_BOOL, t.col);
		if (n)
			n->ival = t.kind == T_TRUE;
		next(cc);
		return n;
	case T_LPAREN:
		next(cc);
		n = parse_or(cc, nesting + 1);
		if (!n)
			return NULL;
		if (cc->tok.kind != T_RPAREN) {
			fail_at(cc, cc->tok.col, "expected `)`");
			return NULL;
		}
		next(cc);
		return n;
	case T_NAME:
		next(cc);
		if (cc->tok.kind == T_LPAREN) {
			n = new_node(cc, N_CALL, t.col);
			if (!n)
				return NULL;
			n->s = t.s;
			n->len = t.len;
			next(cc);
			if (cc->tok.kind != T_RPAREN) {
				for (;;) {
					if (n->n_args == MAX_ARGS) {
						fail_at(cc, cc->tok.col, "too many arguments");
						return NULL;
					}
					struct node *arg = parse_or(cc, nesting + 1);
					if (!arg)
						return NULL;
					n->args[n->n_args++] = arg;
					if (cc->tok.kind == T_COMMA) {
						next(cc);
						continue;
					}
					break;
				}
			}
			if (cc->tok.kind != T_RPAREN) {
				fail_at(cc, cc->tok.col, "expected `)` or `,`");
				return NULL;
			}
			next(cc);
			return n;
		}
		n = new_node(cc, N_FACT, t.col);
		if (!n)
			return NULL;
		n->fact = pd_fact_find(t.s, t.len);
		n->s = t.s;
		n->len = t.len;
		if (n->fact < 0) {
			fail_at(cc, t.col, "unknown fact `%.*s`", (int)t.len, t.s);
			return NULL;
		}
		return n;
	case T_END:
		fail_at(cc, t.col, "unexpected end of expression");
		return NULL;
	case T_ERROR:
		return NULL;
	default:
		fail_at(cc, t.col, "unexpected `%.*s`", (int)(t.len ? t.len : 1), t.s);
		return NULL;
	}
}

static struct node *parse_unary(struct compiler *cc, int nesting)
{
	/* `- - - ...` recurses without reaching a primary: bound it here too. */
	if (nesting > 24) {
		fail_at(cc, cc->tok.col, "expression nested too deeply");
		return NULL;
	}
	if (cc->tok.kind == T_MINUS) {
		int col = cc->tok.col;
		next(cc);
		struct node *a = parse_unary(cc, nesting + 1);
		if (!a)
			return NULL;
		struct node *n = new_node(cc, N_NEG, col);
		if (n)
			n->a = a;
		return n;
	}
	return parse_primary(cc, nesting);
}

static struct node *binary(struct compiler *cc, int op, int col, struct node *a, struct node *b)
{
	struct node *n = new_node(cc, N_BIN, col);
	if (n) {
		n->op = op;
		n->a = a;
		n->b = b;
	}
	return n;
}

static struct node *parse_product(struct compiler *cc, int nesting)
{
	struct node *a = parse_unary(cc, nesting);
	while (a && (cc->tok.kind == T_STAR || cc->tok.kind == T_SLASH)) {
		struct tok t = cc->tok;
		next(cc);
		struct node *b = parse_unary(cc, nesting);
		if (!b)
			return NULL;
		a = binary(cc, t.kind, t.col, a, b);
	}
	return a;
}

static struct node *parse_sum(struct compiler *cc, int nesting)
{
	struct node *a = parse_product(cc, nesting);
	while (a && (cc->tok.kind == T_PLUS || cc->tok.kind == T_MINUS)) {
		struct tok t = cc->tok;
		next(cc);
		struct node *b = parse_product(cc, nesting);
		if (!b)
			return NULL;
		a = binary(cc, t.kind, t.col, a, b);
	}
	return a;
}

static struct node *parse_cmp(struct compiler *cc, int nesting)
{
	struct node *a = parse_sum(cc, nesting);
	if (!a)
		return NULL;
	enum tok_kind k = cc->tok.kind;
	if (k == T_EQ || k == T_NE || k == T_LT || k == T_LE || k == T_GT || k == T_GE) {
		struct tok t = cc->tok;
		next(cc);
		struct node *b = parse_sum(cc, nesting);
		if (!b)
			return NULL;
		return binary(cc, t.kind, t.col, a, b);
	}
	bool negate = false;
	int col = cc->tok.col;
	if (k == T_NOT) {
		negate = true;
		next(cc);
		if (cc->tok.kind != T_IN) {
			fail_at(cc, cc->tok.col, "expected `in` after `not`");
			return NULL;
		}
	}
	if (cc->tok.kind == T_IN) {
		next(cc);
		if (cc->tok.kind != T_LBRACK) {
			fail_at(cc, cc->tok.col, "expected `[` after `in`");
			return NULL;
		}
		next(cc);
		struct node *n = new_node(cc, N_IN, col);
		if (!n)
			return NULL;
		n->a = a;
		n->op = negate;
		n->list = pd_arena_alloc(&cc->tmp, sizeof(struct node *) * MAX_LIST);
		if (!n->list) {
			fail_at(cc, col, "out of memory");
			return NULL;
		}
		for (;;) {
			if (cc->tok.kind != T_STR && cc->tok.kind != T_INT) {
				fail_at(cc, cc->tok.col, "expected a literal in the list");
				return NULL;
			}
			if (n->n_list == MAX_LIST) {
				fail_at(cc, cc->tok.col, "list longer than %d items", MAX_LIST);
				return NULL;
			}
			struct node *lit = parse_primary(cc, nesting + 1);
			if (!lit)
				return NULL;
			n->list[n->n_list++] = lit;
			if (cc->tok.kind == T_COMMA) {
				next(cc);
				continue;
			}
			break;
		}
		if (cc->tok.kind != T_RBRACK) {
			fail_at(cc, cc->tok.col, "expected `]` or `,`");
			return NULL;
		}
		next(cc);
		return n;
	}
	return a;
}

static struct node *parse_not(struct compiler *cc, int nesting)
{
	/* `not not not ...` recurses without reaching a primary: bound it here too. */
	if (nesting > 24) {
		fail_at(cc, cc->tok.col, "expression nested too deeply");
		return NULL;
	}
	if (cc->tok.kind == T_NOT) {
		int col = cc->tok.col;
		next(cc);
		struct node *a = parse_not(cc, nesting + 1);
		if (!a)
			return NULL;
		struct node *n = new_node(cc, N_NOT, col);
		if (n)
			n->a = a;
		return n;
	}
	return parse_cmp(cc, nesting);
}

static struct node *parse_and(struct compiler *cc, int nesting)
{
	struct node *a = parse_not(cc, nesting);
	while (a && cc->tok.kind == T_AND) {
		int col = cc->tok.col;
		next(cc);
		struct node *b = parse_not(cc, nesting);
		if (!b)
			return NULL;
		a = binary(cc, T_AND, col, a, b);
	}
	return a;
}

static struct node *parse_or(struct compiler *cc, int nesting)
{
	struct node *a = parse_and(cc, nesting);
	while (a && cc->tok.kind == T_OR) {
		int col = cc->tok.col;
		next(cc);
		struct node *b = parse_and(cc, nesting);
		if (!b)
			return NULL;
		a = binary(cc, T_OR, col, a, b);
	}
	return a;
}

/* ---- type checking and emission ---- */

static const char *type_name(int t)
{
	switch (t) {
	case PD_T_BOOL:
		return "a yes/no value";
	case PD_T_INT:
		return "a number";
	case PD_T_DATE:
		return "a date";
	case PD_T_DURATION:
		return "a duration";
	case PD_T_ENUM:
		return "a word from a list";
	case PD_T_STRING:
		return "a text";
	default:
		return "nothing";
	}
}

static int emit_op(struct compiler *cc, int col, struct pd_op op, int pops, int pushes)
{
	if (cc->n_ops == MAX_OPS)
		return fail_at(cc, col, "expression too long");
	cc->ops[cc->n_ops++] = op;
	cc->depth += pushes - pops;
	if (cc->depth > cc->max_depth)
		cc->max_depth = cc->depth;
	if (cc->max_depth > MAX_STACK)
		return fail_at(cc, col, "expression too complex");
	return 0;
}

/* Static type of a node, with the vocabulary for enums. */
struct ty {
	int type;
	int vocab;
};

static int emit(struct compiler *cc, const struct node *n, struct ty *out);

/* Emits n where a number is wanted: durations become days counted from the case date. */
static int emit_int(struct compiler *cc, const struct node *n)
{
	if (n->kind == N_DUR)
		return emit_op(
		    cc, n->col,
		    (struct pd_op){
		        .op = OP_DUR_DAYS, .type = PD_T_INT, .a = n->dur.unit, .imm = n->dur.count},
		    0, 1);
	struct ty t;
	if (emit(cc, n, &t))
		return -1;
	if (t.type != PD_T_INT)
		return fail_at(cc, n->col, "expected a number, found %s", type_name(t.type));
	return 0;
}

static int word_index(struct compiler *cc, int vocab, const struct node *lit)
{
	if (lit->kind != N_STR)
		return fail_at(cc, lit->col, "expected a quoted word of `%s`",
		               pd_vocabs[vocab].name),
		       -1;
	int idx = pd_vocab_find((enum pd_vocab_id)vocab, lit->s, lit->len);
	if (idx < 0) {
		char known[600];
		size_t k = 0;
		for (int i = 0; i < pd_vocabs[vocab].count && k < sizeof(known) - 40; i++)
			k += (size_t)snprintf(known + k, sizeof(known) - k, "%s%s", i ? ", " : "",
			                      pd_vocabs[vocab].words[i]);
		fail_at(cc, lit->col, "\"%.*s\" is not one of: %s", (int)lit->len, lit->s, known);
		return -1;
	}
	return idx;
}

static int emit_compare(struct compiler *cc, const struct node *n, struct ty *out)
{
	static const uint8_t opcode[] = {[T_EQ] = OP_EQ, [T_NE] = OP_NE, [T_LT] = OP_LT,
	                                 [T_LE] = OP_LE, [T_GT] = OP_GT, [T_GE] = OP_GE};
	const struct node *a = n->a, *b = n->b;
	bool ordering = n->op != T_EQ && n->op != T_NE;
	out->type = PD_T_BOOL;
	out->vocab = -1;

	/* An enum against a quoted word: the word becomes its index, checked now. */
	if (a->kind == N_STR && b->kind != N_STR) {
		const struct node *tmp = a;
		a = b;
		b = tmp;
		if (ordering)
			return fail_at(cc, n->col, "put the fact on the left of `<`, `>`");
	}
	if (a->kind == N_FACT && pd_facts[a->fact].type == PD_T_ENUM && b->kind == N_STR) {
		if (ordering)
			return fail_at(cc, n->col,
			               "words cannot be ordered; use `==`, `!=` or `in`");
		int idx = word_index(cc, pd_facts[a->fact].vocab, b);
		if (idx < 0)
			return -1;
		/* Fused: the most common condition of all is one fact against one word. */
		cc->facts.w[a->fact / 64] |= (uint64_t)1 << (a->fact % 64);
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_FACT_EQ,
		                              .type = PD_T_BOOL,
		                              .a = (uint16_t)a->fact,
		                              .imm = idx,
		                              .len = n->op == T_NE},
		               0, 1);
	}

	/* Numbers against durations: the duration counts days from the case date. */
	if (a->kind == N_DUR || b->kind == N_DUR) {
		if (emit_int(cc, a) || emit_int(cc, b))
			return -1;
		return emit_op(cc, n->col, (struct pd_op){.op = opcode[n->op], .type = PD_T_BOOL},
		               2, 1);
	}

	struct ty ta, tb;
	if (emit(cc, a, &ta) || emit(cc, b, &tb))
		return -1;
	if (ta.type != tb.type || (ta.type == PD_T_ENUM && ta.vocab != tb.vocab))
		return fail_at(cc, n->col, "cannot compare %s with %s", type_name(ta.type),
		               type_name(tb.type));
	if (ordering && ta.type != PD_T_INT && ta.type != PD_T_DATE)
		return fail_at(cc, n->col, "%s cannot be ordered", type_name(ta.type));
	return emit_op(cc, n->col, (struct pd_op){.op = opcode[n->op], .type = PD_T_BOOL}, 2, 1);
}

static int emit_in(struct compiler *cc, const struct node *n, struct ty *out)
{
	struct ty ta;
	out->type = PD_T_BOOL;
	out->vocab = -1;
	if (n->a->kind == N_FACT && pd_facts[n->a->fact].type == PD_T_ENUM) {
		/* Fused: a fact in a list of words. */
		int vocab = pd_facts[n->a->fact].vocab;
		uint64_t mask = 0;
		for (int i = 0; i < n->n_list; i++) {
			int idx = word_index(cc, vocab, n->list[i]);
			if (idx < 0)
				return -1;
			mask |= (uint64_t)1 << idx;
		}
		cc->facts.w[n->a->fact / 64] |= (uint64_t)1 << (n->a->fact % 64);
		if (emit_op(cc, n->col,
		            (struct pd_op){.op = OP_FACT_IN,
		                           .type = PD_T_BOOL,
		                           .a = (uint16_t)n->a->fact,
		                           .mask = mask},
		            0, 1))
			return -1;
		if (n->op) /* not in */
			return emit_op(cc, n->col, (struct pd_op){.op = OP_NOT, .type = PD_T_BOOL},
			               1, 1);
		return 0;
	}
	if (emit(cc, n->a, &ta))
		return -1;
	if (ta.type == PD_T_ENUM) {
		uint64_t mask = 0;
		for (int i = 0; i < n->n_list; i++) {
			int idx = word_index(cc, ta.vocab, n->list[i]);
			if (idx < 0)
				return -1;
			mask |= (uint64_t)1 << idx;
		}
		if (emit_op(cc, n->col,
		            (struct pd_op){.op = OP_IN_ENUM, .type = PD_T_BOOL, .mask = mask}, 1,
		            1))
			return -1;
	} else if (ta.type == PD_T_STRING) {
		const char **strs =
		    pd_arena_alloc(cc->b->arena, sizeof(char *) * (size_t)n->n_list);
		if (!strs)
			return fail_at(cc, n->col, "out of memory");
		for (int i = 0; i < n->n_list; i++) {
			if (n->list[i]->kind != N_STR)
				return fail_at(cc, n->list[i]->col, "expected a quoted text");
			strs[i] = pd_arena_strndup(cc->b->arena, n->list[i]->s, n->list[i]->len);
			if (!strs[i])
				return fail_at(cc, n->col, "out of memory");
		}
		if (emit_op(cc, n->col,
		            (struct pd_op){.op = OP_IN_STR,
		                           .type = PD_T_BOOL,
		                           .a = (uint16_t)n->n_list,
		                           .strs = strs},
		            1, 1))
			return -1;
	} else {
		return fail_at(cc, n->col, "`in` needs a word or a text on its left, not %s",
		               type_name(ta.type));
	}
	if (n->op) /* not in */
		return emit_op(cc, n->col, (struct pd_op){.op = OP_NOT, .type = PD_T_BOOL}, 1, 1);
	return 0;
}

static int emit_arith(struct compiler *cc, const struct node *n, struct ty *out)
{
	const struct node *a = n->a, *b = n->b;
	out->vocab = -1;
	if (n->op == T_STAR || n->op == T_SLASH) {
		if (emit_int(cc, a) || emit_int(cc, b))
			return -1;
		out->type = PD_T_INT;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = n->op == T_STAR ? OP_MUL_INT : OP_DIV_INT,
		                              .type = PD_T_INT},
		               2, 1);
	}
	bool plus = n->op == T_PLUS;
	if (a->kind == N_DUR)
		return fail_at(cc, a->col, "put the date first: `date + 30d`");
	struct ty ta;
	if (emit(cc, a, &ta))
		return -1;
	if (ta.type == PD_T_DATE) {
		if (b->kind == N_DUR) {
			out->type = PD_T_DATE;
			return emit_op(
			    cc, n->col,
			    (struct pd_op){.op = plus ? OP_DATE_ADD_DUR : OP_DATE_SUB_DUR,
			                   .type = PD_T_DATE,
			                   .a = b->dur.unit,
			                   .imm = b->dur.count},
			    1, 1);
		}
		struct ty tb;
		if (emit(cc, b, &tb))
			return -1;
		if (tb.type == PD_T_INT) {
			out->type = PD_T_DATE;
			return emit_op(
			    cc, n->col,
			    (struct pd_op){.op = plus ? OP_DATE_ADD_DAYS : OP_DATE_SUB_DAYS,
			                   .type = PD_T_DATE},
			    2, 1);
		}
		if (tb.type == PD_T_DATE && !plus) {
			out->type = PD_T_INT;
			return emit_op(cc, n->col,
			               (struct pd_op){.op = OP_DATE_DIFF, .type = PD_T_INT}, 2, 1);
		}
		return fail_at(cc, n->col, "cannot %s %s %s a date", plus ? "add" : "subtract",
		               type_name(tb.type), plus ? "to" : "from");
	}
	if (ta.type != PD_T_INT)
		return fail_at(cc, a->col, "arithmetic needs numbers or dates, not %s",
		               type_name(ta.type));
	if (emit_int(cc, b))
		return -1;
	out->type = PD_T_INT;
	return emit_op(cc, n->col,
	               (struct pd_op){.op = plus ? OP_ADD_INT : OP_SUB_INT, .type = PD_T_INT}, 2,
	               1);
}

static bool name_is(const struct node *n, const char *name)
{
	return strlen(name) == n->len && memcmp(name, n->s, n->len) == 0;
}

static int emit_call(struct compiler *cc, const struct node *n, struct ty *out)
{
	out->vocab = -1;
	if (name_is(n, "known")) {
		if (n->n_args != 1 || n->args[0]->kind != N_FACT)
			return fail_at(cc, n->col, "known() takes one fact path");
		out->type = PD_T_BOOL;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_KNOWN,
		                              .type = PD_T_BOOL,
		                              .a = (uint16_t)n->args[0]->fact},
		               0, 1);
	}
	if (name_is(n, "provided")) {
		if (n->n_args != 1 || n->args[0]->kind != N_STR)
			return fail_at(cc, n->col, "provided() takes one quoted material id");
		const struct node *m = n->args[0];
		int mi = cc->b->pack ? pd_pack_find_material(cc->b->pack, m->s, m->len) : -1;
		if (cc->b->pack && mi < 0)
			return fail_at(cc, m->col, "unknown material \"%.*s\"", (int)m->len, m->s);
		/* An alternative is provided when any of its options is. */
		const struct pd_pmaterial *pm = mi >= 0 ? &cc->b->pack->materials[mi] : NULL;
		const char **opts = NULL;
		uint16_t n_opts = pm && pm->options ? pm->n_options : 0;
		if (n_opts) {
			opts = pd_arena_alloc(cc->b->arena, sizeof(char *) * n_opts);
			if (!opts)
				return fail_at(cc, m->col, "out of memory");
			for (uint16_t k = 0; k < n_opts; k++)
				opts[k] = cc->b->pack->materials[pm->options[k]].id;
		}
		out->type = PD_T_BOOL;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_PROVIDED,
		                              .type = PD_T_BOOL,
		                              .a = n_opts,
		                              .str = pd_arena_strndup(cc->b->arena, m->s, m->len),
		                              .len = m->len,
		                              .strs = opts},
		               0, 1);
	}
	if (name_is(n, "min") || name_is(n, "max")) {
		if (n->n_args < 1)
			return fail_at(cc, n->col, "%.*s() needs at least one value", (int)n->len,
			               n->s);
		int type = -1;
		for (int i = 0; i < n->n_args; i++) {
			struct ty t;
			if (n->args[i]->kind == N_DUR) {
				if (emit_int(cc, n->args[i]))
					return -1;
				t.type = PD_T_INT;
			} else if (emit(cc, n->args[i], &t)) {
				return -1;
			}
			if (t.type != PD_T_INT && t.type != PD_T_DATE)
				return fail_at(cc, n->args[i]->col, "expected a number or a date");
			if (type >= 0 && t.type != type)
				return fail_at(cc, n->args[i]->col, "mixes numbers and dates");
			type = t.type;
		}
		out->type = type;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = name_is(n, "min") ? OP_MIN : OP_MAX,
		                              .type = (uint8_t)type,
		                              .a = (uint16_t)n->n_args},
		               n->n_args, 1);
	}
	if (name_is(n, "years")) {
		if (n->n_args != 2)
			return fail_at(cc, n->col, "years(from, to) takes two dates");
		for (int i = 0; i < 2; i++) {
			struct ty t;
			if (emit(cc, n->args[i], &t))
				return -1;
			if (t.type != PD_T_DATE)
				return fail_at(cc, n->args[i]->col, "expected a date");
		}
		out->type = PD_T_INT;
		return emit_op(cc, n->col, (struct pd_op){.op = OP_YEARS, .type = PD_T_INT}, 2, 1);
	}
	if (name_is(n, "days")) {
		if (n->n_args != 1 || n->args[0]->kind != N_DUR)
			return fail_at(cc, n->col, "days() takes one duration such as 6m");
		out->type = PD_T_INT;
		return emit_int(cc, n->args[0]);
	}
	if (name_is(n, "mrz_given") || name_is(n, "mrz_valid") || name_is(n, "mrz_matches")) {
		if (n->n_args != 0)
			return fail_at(cc, n->col, "%.*s() takes no arguments", (int)n->len, n->s);
		enum pd_opcode opc = name_is(n, "mrz_given")   ? OP_MRZ_GIVEN
		                     : name_is(n, "mrz_valid") ? OP_MRZ_VALID
		                                               : OP_MRZ_MATCHES;
		if (opc != OP_MRZ_GIVEN)
			cc->uses_mrz = true;
		out->type = PD_T_BOOL;
		return emit_op(cc, n->col, (struct pd_op){.op = opc, .type = PD_T_BOOL}, 0, 1);
	}
	if (name_is(n, "id_valid") || name_is(n, "id_kind")) {
		if (n->n_args != 1 || n->args[0]->kind != N_FACT ||
		    pd_facts[n->args[0]->fact].type != PD_T_STRING)
			return fail_at(cc, n->col,
			               "%.*s() takes one text fact such as sponsor.id_number",
			               (int)n->len, n->s);
		int fact = n->args[0]->fact;
		if (cc->id_fact >= 0 && cc->id_fact != fact)
			return fail_at(cc, n->col, "one condition checks one identity number");
		cc->id_fact = fact;
		cc->facts.w[fact / 64] |= (uint64_t)1 << (fact % 64);
		bool valid = name_is(n, "id_valid");
		out->type = valid ? PD_T_BOOL : PD_T_STRING;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = valid ? OP_ID_VALID : OP_ID_KIND,
		                              .type = (uint8_t)out->type,
		                              .a = (uint16_t)fact},
		               0, 1);
	}
	return fail_at(cc, n->col,
	               "unknown function `%.*s` (known: known, provided, min, max, years, days, "
	               "mrz_given, mrz_valid, mrz_matches, id_valid, id_kind)",
	               (int)n->len, n->s);
}

static int emit(struct compiler *cc, const struct node *n, struct ty *out)
{
	out->vocab = -1;
	switch (n->kind) {
	case N_FACT: {
		const struct pd_fact_def *f = &pd_facts[n->fact];
		out->type = f->type;
		out->vocab = f->vocab;
		/* A derived fact is asked for through the fact it comes from. */
		int why = n->fact;
		if (n->fact == PD_F_APPLICANT_AGE)
			why = PD_F_APPLICANT_BIRTH_DATE;
		cc->facts.w[n->fact / 64] |= (uint64_t)1 << (n->fact % 64);
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_FACT,
		                              .type = (uint8_t)f->type,
		                              .a = (uint16_t)n->fact,
		                              .imm = why},
		               0, 1);
	}
	case N_INT:
		out->type = PD_T_INT;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_CONST, .type = PD_T_INT, .imm = n->ival}, 0,
		               1);
	case N_DATE:
		out->type = PD_T_DATE;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_CONST, .type = PD_T_DATE, .imm = n->ival}, 0,
		               1);
	case N_BOOL:
		out->type = PD_T_BOOL;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_CONST, .type = PD_T_BOOL, .imm = n->ival}, 0,
		               1);
	case N_DUR:
		return fail_at(cc, n->col,
		               "a duration alone has no value here; compare it with a "
		               "number of days or add it to a date");
	case N_STR:
		out->type = PD_T_STRING;
		return emit_op(cc, n->col,
		               (struct pd_op){.op = OP_CONST,
		                              .type = PD_T_STRING,
		                              .str = pd_arena_strndup(cc->b->arena, n->s, n->len),
		                              .len = n->len},
		               0, 1);
	case N_NOT: {
		struct ty t;
		if (emit(cc, n->a, &t))
			return -1;
		if (t.type != PD_T_BOOL)
			return fail_at(cc, n->col, "`not` needs a yes/no value, not %s",
			               type_name(t.type));
		out->type = PD_T_BOOL;
		return emit_op(cc, n->col, (struct pd_op){.op = OP_NOT, .type = PD_T_BOOL}, 1, 1);
	}
	case N_NEG:
		if (emit_int(cc, n->a))
			return -1;
		out->type = PD_T_INT;
		return emit_op(cc, n->col, (struct pd_op){.op = OP_NEG, .type = PD_T_INT}, 1, 1);
	case N_IN:
		return emit_in(cc, n, out);
	case N_CALL:
		return emit_call(cc, n, out);
	case N_BIN:
		switch (n->op) {
		case T_AND:
		case T_OR: {
			struct ty ta, tb;
			if (emit(cc, n->a, &ta))
				return -1;
			if (ta.type != PD_T_BOOL)
				return fail_at(cc, n->a->col, "`%s` needs yes/no values, not %s",
				               n->op == T_AND ? "and" : "or", type_name(ta.type));
			/* Short circuit: a known false (and) or true (or) decides alone. */
			int jump = cc->n_ops;
			if (emit_op(cc, n->col,
			            (struct pd_op){.op = n->op == T_AND ? OP_JFALSE : OP_JTRUE,
			                           .type = PD_T_BOOL},
			            0, 0))
				return -1;
			if (emit(cc, n->b, &tb))
				return -1;
			if (tb.type != PD_T_BOOL)
				return fail_at(cc, n->b->col, "`%s` needs yes/no values, not %s",
				               n->op == T_AND ? "and" : "or", type_name(tb.type));
			out->type = PD_T_BOOL;
			if (emit_op(cc, n->col,
			            (struct pd_op){.op = n->op == T_AND ? OP_AND : OP_OR,
			                           .type = PD_T_BOOL},
			            2, 1))
				return -1;
			cc->ops[jump].imm = cc->n_ops;
			return 0;
		}
		case T_EQ:
		case T_NE:
		case T_LT:
		case T_LE:
		case T_GT:
		case T_GE:
			return emit_compare(cc, n, out);
		default:
			return emit_arith(cc, n, out);
		}
	}
	return fail_at(cc, n->col, "internal: unknown node");
}

static bool is_word_test(const struct pd_op *op)
{
	return (op->op == OP_FACT_EQ && op->len == 0 && op->imm >= 0 && op->imm < 64) ||
	       op->op == OP_FACT_IN;
}

/* Does a false value at `pos` reach the end of the code through JFALSE jumps alone? */
static bool false_reaches_end(const struct compiler *cc, int pos)
{
	for (int guard = 0; guard < MAX_OPS && pos < cc->n_ops; guard++) {
		if (cc->ops[pos].op != OP_JFALSE)
			return false;
		pos = cc->ops[pos].imm;
	}
	return pos == cc->n_ops;
}

static uint64_t word_mask(const struct pd_op *op)
{
	return op->op == OP_FACT_EQ ? (uint64_t)1 << op->imm : op->mask;
}

int pd_expr_compile(struct pd_policy_build *b, const char *text, size_t len, const char *file,
                    int line, int column, struct pd_expr *out, struct pd_error *err)
{
	struct compiler *cc = calloc(1, sizeof(*cc));
	if (!cc)
		return pd_error_at(err, PD_ENOMEM, file, line, column, NULL, "out of memory");
	int rc = -1;
	cc->b = b;
	cc->text = text;
	cc->len = len;
	cc->file = file;
	cc->line = line;
	cc->column = column;
	cc->err = err;
	cc->id_fact = -1;
	pd_arena_init(&cc->tmp, 8192, 1 << 20);

	next(cc);
	struct node *root = cc->failed ? NULL : parse_or(cc, 0);
	if (!root)
		goto cleanup;
	if (cc->tok.kind != T_END) {
		fail_at(cc, cc->tok.col, "unexpected `%.*s` after the expression",
		        (int)(cc->tok.len ? cc->tok.len : 1), cc->tok.s);
		goto cleanup;
	}
	struct ty t;
	if (emit(cc, root, &t))
		goto cleanup;
	struct pd_op *ops = pd_arena_alloc(b->arena, sizeof(struct pd_op) * (size_t)cc->n_ops);
	const char *copy = pd_arena_strndup(b->arena, text, len);
	if (!ops || !copy) {
		fail_at(cc, 0, "out of memory");
		goto cleanup;
	}
	memcpy(ops, cc->ops, sizeof(struct pd_op) * (size_t)cc->n_ops);
	/* Guards: the leading conjuncts that are word tests (see policy_int.h).  A
	 * test is a conjunct of the whole condition only if a false from it reaches
	 * the end through short-circuit jumps alone (`(a and b) or c` has none). */
	uint8_t n_guards = 0;
	bool complete = false;
	struct pd_expr guards_tmp;
	memset(&guards_tmp, 0, sizeof(guards_tmp));
	if (cc->n_ops >= 1 && is_word_test(&cc->ops[0]) && false_reaches_end(cc, 1)) {
		guards_tmp.guards[n_guards].fact = (int16_t)cc->ops[0].a;
		guards_tmp.guards[n_guards++].mask = word_mask(&cc->ops[0]);
		int i = 1;
		while (n_guards < 4 && i + 2 < cc->n_ops && cc->ops[i].op == OP_JFALSE &&
		       is_word_test(&cc->ops[i + 1]) && cc->ops[i + 2].op == OP_AND &&
		       false_reaches_end(cc, i + 3)) {
			guards_tmp.guards[n_guards].fact = (int16_t)cc->ops[i + 1].a;
			guards_tmp.guards[n_guards++].mask = word_mask(&cc->ops[i + 1]);
			i += 3;
		}
		complete = i == cc->n_ops;
	}
	*out = (struct pd_expr){.ops = ops,
	                        .n_ops = (uint16_t)cc->n_ops,
	                        .type = (uint8_t)t.type,
	                        .text = copy,
	                        .file = file,
	                        .line = line,
	                        .column = column,
	                        .facts = cc->facts,
	                        .uses_mrz = cc->uses_mrz,
	                        .id_fact = (int16_t)cc->id_fact,
	                        .n_guards = n_guards,
	                        .complete = complete};
	memcpy(out->guards, guards_tmp.guards, sizeof(out->guards));
	rc = 0;
cleanup:
	pd_arena_free(&cc->tmp);
	free(cc);
	return rc == 0 ? 0 : PD_FAIL(PD_EPOLICY);
}

/* ---- evaluation ---- */

static inline void why_union(struct pd_factset *dst, const struct pd_factset *a)
{
	for (int i = 0; i < PD_FACTSET_WORDS; i++)
		dst->w[i] |= a->w[i];
}

static inline void set_unknown2(struct pd_eval_value *r, const struct pd_eval_value *a,
                                const struct pd_eval_value *b)
{
	struct pd_factset why = {{0}};
	if (!a->known)
		why_union(&why, &a->why);
	if (!b->known)
		why_union(&why, &b->why);
	r->known = false;
	r->why = why;
}

static int compare(const struct pd_eval_value *a, const struct pd_eval_value *b)
{
	if (a->type == PD_T_STRING) {
		uint32_t n = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->s, b->s, n);
		if (c)
			return c;
		return a->len < b->len ? -1 : a->len > b->len;
	}
	return a->i < b->i ? -1 : a->i > b->i;
}

const struct pd_dated_value *pd_expr_dated(const struct pd_expr *e, pd_date date)
{
	const struct pd_dated_value *in_force = NULL;
	for (uint8_t i = 0; e && i < e->n_dated && e->dated[i].from <= date; i++)
		in_force = &e->dated[i];
	return in_force;
}

void pd_expr_eval(const struct pd_expr *e, const struct pd_eval_ctx *ctx, struct pd_eval_value *out)
{
	if (e->n_dated) {
		const struct pd_dated_value *d = pd_expr_dated(e, ctx->date);
		if (d) {
			pd_expr_eval(d->value, ctx, out);
		} else {
			memset(out, 0, sizeof(*out));
			out->type = e->type;
		}
		return;
	}
	struct pd_eval_value st[MAX_STACK];
	int sp = 0;
	const struct pd_case *c = ctx->c;
	for (const struct pd_op *op = e->ops, *end = e->ops + e->n_ops; op < end; op++) {
		struct pd_eval_value *a, *b;
		switch ((enum pd_opcode)op->op) {
		case OP_FACT_EQ:
		case OP_FACT_IN: {
			const struct pd_value *v = &c->facts[op->a];
			a = &st[sp++];
			a->type = PD_T_BOOL;
			a->known = v->known;
			if (!v->known) {
				memset(&a->why, 0, sizeof(a->why));
				a->why.w[op->a / 64] = (uint64_t)1 << (op->a % 64);
			} else if (op->op == OP_FACT_EQ) {
				a->i = (v->i == op->imm) != (op->len != 0);
			} else {
				a->i = v->i >= 0 && v->i < 64 && ((op->mask >> v->i) & 1);
			}
			break;
		}
		case OP_MRZ_GIVEN:
			a = &st[sp++];
			a->type = PD_T_BOOL;
			a->known = true;
			a->i = c->n_mrz > 0;
			break;
		case OP_MRZ_VALID:
		case OP_MRZ_MATCHES: {
			struct pd_ids_cache *ids = c->n_mrz ? pd_eval_mrz(ctx) : NULL;
			a = &st[sp++];
			a->type = PD_T_BOOL;
			a->known = ids != NULL && (op->op == OP_MRZ_VALID || ids->mrz.parsed);
			if (!a->known)
				memset(&a->why, 0, sizeof(a->why));
			else if (op->op == OP_MRZ_VALID)
				a->i = ids->mrz.valid;
			else
				a->i = ids->mismatch == 0;
			break;
		}
		case OP_ID_VALID:
		case OP_ID_KIND: {
			const struct pd_value *v = &c->facts[op->a];
			struct pd_ids_cache *ids = v->known ? pd_eval_id(ctx, op->a) : NULL;
			a = &st[sp++];
			a->type = op->type;
			a->known = ids != NULL;
			if (!a->known) {
				memset(&a->why, 0, sizeof(a->why));
				if (!v->known)
					a->why.w[op->a / 64] = (uint64_t)1 << (op->a % 64);
			} else if (op->op == OP_ID_VALID) {
				a->i = ids->id.valid;
			} else {
				const char *k = pd_id_kind_name(ids->id.kind);
				a->s = k ? k : "unknown";
				a->len = (uint32_t)strlen(a->s);
			}
			break;
		}
		case OP_JFALSE:
			a = &st[sp - 1];
			if (a->known && !a->i) {
				a->type = PD_T_BOOL;
				op = e->ops + op->imm - 1;
			}
			break;
		case OP_JTRUE:
			a = &st[sp - 1];
			if (a->known && a->i) {
				a->type = PD_T_BOOL;
				op = e->ops + op->imm - 1;
			}
			break;
		case OP_FACT: {
			const struct pd_value *v = &c->facts[op->a];
			a = &st[sp++];
			a->type = op->type;
			a->known = v->known;
			a->i = v->i;
			a->s = v->s;
			a->len = v->len;
			if (!v->known) {
				memset(&a->why, 0, sizeof(a->why));
				a->why.w[op->imm / 64] = (uint64_t)1 << (op->imm % 64);
			}
			break;
		}
		case OP_CONST:
			a = &st[sp++];
			a->type = op->type;
			a->known = true;
			a->i = op->imm;
			a->s = op->str;
			a->len = op->len;
			break;
		case OP_EQ:
		case OP_NE:
		case OP_LT:
		case OP_LE:
		case OP_GT:
		case OP_GE: {
			b = &st[--sp];
			a = &st[sp - 1];
			if (!a->known || !b->known) {
				set_unknown2(a, a, b);
			} else {
				int cmp = compare(a, b);
				bool r = false;
				switch (op->op) {
				case OP_EQ:
					r = cmp == 0;
					break;
				case OP_NE:
					r = cmp != 0;
					break;
				case OP_LT:
					r = cmp < 0;
					break;
				case OP_LE:
					r = cmp <= 0;
					break;
				case OP_GT:
					r = cmp > 0;
					break;
				default:
					r = cmp >= 0;
					break;
				}
				a->i = r;
			}
			a->type = PD_T_BOOL;
			break;
		}
		case OP_IN_ENUM:
			a = &st[sp - 1];
			if (a->known)
				a->i = (a->i >= 0 && a->i < 64) ? (int32_t)((op->mask >> a->i) & 1)
				                                : 0;
			a->type = PD_T_BOOL;
			break;
		case OP_IN_STR:
			a = &st[sp - 1];
			if (a->known) {
				bool found = false;
				for (int i = 0; i < op->a && !found; i++)
					found = strlen(op->strs[i]) == a->len &&
					        memcmp(op->strs[i], a->s, a->len) == 0;
				a->i = found;
			}
			a->type = PD_T_BOOL;
			break;
		case OP_AND:
		case OP_OR: {
			b = &st[--sp];
			a = &st[sp - 1];
			int32_t decisive = op->op == OP_AND ? 0 : 1;
			if ((a->known && a->i == decisive) || (b->known && b->i == decisive)) {
				a->known = true;
				a->i = decisive;
			} else if (a->known && b->known) {
				a->i = !decisive;
			} else {
				set_unknown2(a, a, b);
			}
			break;
		}
		case OP_NOT:
			a = &st[sp - 1];
			if (a->known)
				a->i = !a->i;
			break;
		case OP_ADD_INT:
		case OP_SUB_INT:
		case OP_MUL_INT:
		case OP_DIV_INT:
		case OP_DATE_ADD_DAYS:
		case OP_DATE_SUB_DAYS:
		case OP_DATE_DIFF: {
			b = &st[--sp];
			a = &st[sp - 1];
			if (!a->known || !b->known) {
				set_unknown2(a, a, b);
			} else {
				int64_t x = a->i, y = b->i, r = 0;
				bool ok = true;
				switch (op->op) {
				case OP_ADD_INT:
				case OP_DATE_ADD_DAYS:
					r = x + y;
					break;
				case OP_SUB_INT:
				case OP_DATE_SUB_DAYS:
				case OP_DATE_DIFF:
					r = x - y;
					break;
				case OP_MUL_INT:
					r = x * y;
					break;
				default: /* division rounds down (towards minus infinity) */
					ok = y != 0;
					if (ok) {
						r = x / y;
						if (x % y != 0 && ((x < 0) != (y < 0)))
							r--;
					}
					break;
				}
				if (!ok || r > INT32_MAX / 2 || r < INT32_MIN / 2) {
					a->known = false;
					memset(&a->why, 0, sizeof(a->why));
				} else {
					a->i = (int32_t)r;
				}
			}
			a->type = op->type;
			break;
		}
		case OP_NEG:
			a = &st[sp - 1];
			if (a->known && a->i == INT32_MIN) {
				a->known = false; /* no such number; cases never hold one */
				memset(&a->why, 0, sizeof(a->why));
			} else if (a->known) {
				a->i = -a->i;
			}
			break;
		case OP_DATE_ADD_DUR:
		case OP_DATE_SUB_DUR:
			a = &st[sp - 1];
			if (a->known)
				a->i = pd_date_add_duration(
				    a->i, (struct pd_duration){op->imm, (enum pd_dur_unit)op->a},
				    op->op == OP_DATE_ADD_DUR ? 1 : -1);
			break;
		case OP_DUR_DAYS:
			a = &st[sp++];
			a->type = PD_T_INT;
			a->known = true;
			a->i = pd_duration_days(
			    (struct pd_duration){op->imm, (enum pd_dur_unit)op->a}, ctx->date);
			break;
		case OP_KNOWN:
			a = &st[sp++];
			a->type = PD_T_BOOL;
			a->known = true;
			a->i = c->facts[op->a].known;
			break;
		case OP_PROVIDED: {
			a = &st[sp++];
			a->type = PD_T_BOOL;
			a->known = true;
			a->i = 0;
			for (size_t i = 0; i < c->n_documents && !a->i; i++) {
				const char *t = c->documents[i].type;
				a->i = strcmp(t, op->str) == 0;
				for (uint16_t k = 0; k < op->a && !a->i; k++)
					a->i = strcmp(t, op->strs[k]) == 0;
			}
			break;
		}
		case OP_MIN:
		case OP_MAX: {
			int n = op->a;
			struct pd_eval_value *base = &st[sp - n];
			struct pd_eval_value r = base[0];
			bool all_known = true;
			struct pd_factset why = {{0}};
			for (int i = 0; i < n; i++) {
				if (!base[i].known) {
					all_known = false;
					why_union(&why, &base[i].why);
				} else if (i > 0 &&
				           (op->op == OP_MIN ? base[i].i < r.i : base[i].i > r.i)) {
					r.i = base[i].i;
				}
				if (i == 0 && !base[0].known)
					r.i = 0;
			}
			if (!all_known) {
				r.known = false;
				r.why = why;
			} else {
				/* Recompute over all (the first may have been unknown). */
				r.i = base[0].i;
				for (int i = 1; i < n; i++)
					if (op->op == OP_MIN ? base[i].i < r.i : base[i].i > r.i)
						r.i = base[i].i;
				r.known = true;
			}
			r.type = op->type;
			sp -= n;
			st[sp++] = r;
			break;
		}
		case OP_YEARS:
			b = &st[--sp];
			a = &st[sp - 1];
			if (!a->known || !b->known)
				set_unknown2(a, a, b);
			else
				a->i = pd_age_years(a->i, b->i);
			a->type = PD_T_INT;
			break;
		}
	}
	*out = st[0];
}

/* ---- identity documents, checked once per case ---- */

static struct pd_ids_cache *ids_cache(const struct pd_eval_ctx *ctx)
{
	if (!ctx->lazy || !ctx->lazy->arena)
		return NULL;
	if (!ctx->lazy->ids) {
		struct pd_ids_cache *ids = pd_arena_zalloc(ctx->lazy->arena, sizeof(*ids));
		if (!ids)
			return NULL;
		ids->id_fact = -1;
		ctx->lazy->ids = ids;
	}
	return ctx->lazy->ids;
}

static bool same_text_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i], y = b[i];
		if (x >= 'a' && x <= 'z')
			x = (char)(x - 32);
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 32);
		if (x != y)
			return false;
	}
	return true;
}

struct pd_ids_cache *pd_eval_mrz(const struct pd_eval_ctx *ctx)
{
	struct pd_ids_cache *ids = ids_cache(ctx);
	if (!ids || ids->mrz_done)
		return ids;
	const struct pd_case *c = ctx->c;
	struct pd_error err;
	pd_error_clear(&err);
	ids->mrz_done = true;
	ids->mrz_rc = pd_mrz_parse(c->mrz, c->n_mrz, ctx->date, &ids->mrz, &err);
	if (ids->mrz.parsed) {
		const struct pd_value *num = &c->facts[PD_F_PASSPORT_NUMBER];
		const struct pd_value *exp = &c->facts[PD_F_PASSPORT_EXPIRY];
		const struct pd_value *birth = &c->facts[PD_F_APPLICANT_BIRTH_DATE];
		const struct pd_value *nat = &c->facts[PD_F_APPLICANT_NATIONALITY];
		const struct pd_mrz *m = &ids->mrz;
		if (num->known && !same_text_nocase(num->s, num->len, m->document_number,
		                                    strlen(m->document_number)))
			ids->mismatch |= MRZ_MISMATCH_NUMBER;
		if (exp->known && m->expiry_date != PD_DATE_NONE && exp->i != m->expiry_date)
			ids->mismatch |= MRZ_MISMATCH_EXPIRY;
		if (birth->known && m->birth_date != PD_DATE_NONE && birth->i != m->birth_date)
			ids->mismatch |= MRZ_MISMATCH_BIRTH;
		if (nat->known &&
		    !same_text_nocase(nat->s, nat->len, m->nationality, strlen(m->nationality)))
			ids->mismatch |= MRZ_MISMATCH_NATIONALITY;
	}
	return ids;
}

struct pd_ids_cache *pd_eval_id(const struct pd_eval_ctx *ctx, int fact)
{
	struct pd_ids_cache *ids = ids_cache(ctx);
	if (!ids)
		return NULL;
	if (ids->id_fact != fact) {
		const struct pd_value *v = &ctx->c->facts[fact];
		struct pd_error err;
		pd_error_clear(&err);
		ids->id_fact = fact;
		ids->id_rc = pd_id_parse(v->s, v->len, ctx->date, &ids->id, &err);
	}
	return ids;
}
