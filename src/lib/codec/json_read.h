/*
 * codec/json_read.h: reading JSON strictly, shared by the case decoder.
 *
 * pd_json_tokenize() is a single iterative pass over the bytes that checks
 * the whole grammar of RFC 8259 plus our limits (nesting depth, string
 * length, number of values) and, as it goes, writes the tokens the decoders
 * walk: one for each value and member name, in the order they begin, with
 * their extent, their number of children and their parent (the layout of
 * jsmn's tokens in strict mode with parent links, which the decoders used
 * before, after a validating pass of their own).
 *
 * The other helpers turn a byte offset into line:column (columns count UTF-8
 * characters, not bytes), quote an offending value for a message, and decode
 * string escapes of text that pd_json_validate() accepted.
 */
#ifndef PD_CODEC_JSON_READ_H
#define PD_CODEC_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "permitdesk/base.h"

/* Most values (jsmn tokens) one input may hold; more is PD_ETOOBIG. */
#define PD_JSON_MAX_TOKENS 65536u
/* Bytes of an offending value quoted in a message before an ellipsis. */
#define PD_JSON_QUOTE_MAX 40u

/* One input text and how errors name it. */
struct pd_json_src {
	const char *s;
	size_t len;
	const char *name; /* err->file; NULL for none */
	int line_base;    /* added to every line number */
};

/*
 * Fills err (when not NULL) with code, the location of byte offset pos in
 * src, path (NULL for none) and the formatted message; returns -code.
 */
int pd_json_fail(const struct pd_json_src *src, struct pd_error *err, int code, size_t pos,
                 const char *path, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Line (1-based, without line_base) and column (1-based, in UTF-8
 * characters) of byte offset pos.  Everything before pos must be valid UTF-8. */
void pd_json_locate(const char *s, size_t pos, int *line, int *column);

/* A forward-only pd_json_locate for many increasing offsets: O(input) in all.
 * plain: the text has neither newlines nor non-ASCII bytes (pd_json_validate
 * says so), and the column is just the offset plus one. */
struct pd_json_cursor {
	const char *s;
	size_t pos;
	int line, column;
	bool plain;
};
void pd_json_cursor_init(struct pd_json_cursor *c, const char *s, bool plain);
/* Moves to pos (restarting from the beginning if pos is behind). */
void pd_json_cursor_seek(struct pd_json_cursor *c, size_t pos);

/* What pd_json_validate() learnt about a valid text. */
struct pd_json_info {
	size_t ntokens; /* tokens: values plus member names */
	bool escapes;   /* some string holds a backslash escape */
	bool plain;     /* no newline and no byte >= 0x80 anywhere */
};

enum pd_json_tok_type {
	PD_JTOK_OBJECT = 1,
	PD_JTOK_ARRAY = 2,
	PD_JTOK_STRING = 3,
	PD_JTOK_PRIMITIVE = 4, /* a number, true, false or null */
};

/*
 * A value or a member name.  start and end are byte offsets: a string's
 * content (after its opening quote, to its closing one), a primitive as
 * written, a container from its opening bracket to just after its closing
 * one.  size: an object's members, an array's elements, 1 for a member name
 * (its value), 0 otherwise.  parent: the token of the object (for a member
 * name), of the member name (for a member's value), of the array (for an
 * element); -1 for the top-level object.
 */
struct pd_json_tok {
	int type; /* enum pd_json_tok_type */
	int start, end;
	int size;
	int parent;
};

/* Room for the tokens of any text of len bytes: every token begins at a byte
 * of its own, and a valid text has at most PD_JSON_MAX_TOKENS. */
static inline size_t pd_json_tokens_room(size_t len)
{
	return len < PD_JSON_MAX_TOKENS ? (len ? len : 1) : PD_JSON_MAX_TOKENS;
}

/*
 * Checks that src is one JSON object (RFC 8259) and nothing else but
 * whitespace: valid UTF-8, strings with valid escapes and no control
 * characters or lone surrogates (escaped or encoded), numbers in the JSON
 * grammar, at most max_depth nested containers, strings of at most
 * max_string bytes, at most PD_JSON_MAX_TOKENS values.  Iterative, one pass,
 * no allocation.  On success *info says how many tokens the text makes and
 * what it holds.  On failure err says where and why; the path is the generic
 * one (a.b[2].c) as far as the text was read.
 */
int pd_json_validate(const struct pd_json_src *src, unsigned max_depth, size_t max_string,
                     struct pd_json_info *info, struct pd_error *err);

/*
 * pd_json_validate(), writing the tokens into toks as it reads them, in the
 * same pass; toks has room for pd_json_tokens_room(src->len).  The errors
 * are pd_json_validate()'s, byte for byte.
 */
int pd_json_tokenize(const struct pd_json_src *src, unsigned max_depth, size_t max_string,
                     struct pd_json_tok *toks, struct pd_json_info *info, struct pd_error *err);

/*
 * Writes a value for a message into out (NUL-terminated, at most size-1
 * bytes): a string as "…" (raw, as written, at most PD_JSON_QUOTE_MAX bytes
 * then an ellipsis, never cutting a UTF-8 character, non-printables
 * escaped); anything else as written, shortened the same way.
 */
void pd_json_quote(const char *raw, size_t len, bool is_string, char *out, size_t size);

/*
 * Decodes the escapes of a string's raw content (between the quotes) that
 * pd_json_validate() accepted, into out, which must have room for len bytes
 * (decoding never lengthens).  Returns the decoded length; the result holds
 * a NUL byte only where the text said \u0000.
 */
size_t pd_json_unescape(const char *raw, size_t len, char *out);

/* Integer value of a JSON number token. */
enum pd_json_int {
	PD_JSON_INT_OK,
	PD_JSON_INT_NOT_INTEGER, /* a fraction or an exponent */
	PD_JSON_INT_RANGE,       /* outside the type */
};
enum pd_json_int pd_json_int32(const char *s, size_t len, int32_t *out);
enum pd_json_int pd_json_int64(const char *s, size_t len, int64_t *out);

/*
 * A whole JSON text as a tree, for reading back what the library wrote (a
 * stored result, a case view): pd_json_parse() validates it as every reader
 * does (RFC 8259, at most PD_JSON_DOM_MAX_DEPTH levels, strings of at most
 * PD_CASE_MAX_STRING bytes) and builds the nodes from jsmn's tokens in the
 * one file that includes jsmn (case_decode.c).  Everything is allocated from
 * the arena.  Strings are decoded and NUL-terminated; numbers, true, false
 * and null are kept as written in `str`.  Children of an object carry their
 * member name in `key`.
 */
#define PD_JSON_DOM_MAX_DEPTH 32

enum pd_json_kind {
	PD_JSON_NULL,
	PD_JSON_BOOL,
	PD_JSON_NUMBER,
	PD_JSON_STRING,
	PD_JSON_ARRAY,
	PD_JSON_OBJECT,
};

struct pd_json_node {
	enum pd_json_kind kind;
	const char *key; /* member name within an object, else NULL */
	const char *str; /* string (decoded), number, true, false, null */
	size_t len;
	size_t count;                     /* array, object: children */
	const struct pd_json_node *child; /* first child */
	const struct pd_json_node *next;  /* next sibling */
};

int pd_json_parse(const char *json, size_t len, const char *name, struct pd_arena *arena,
                  const struct pd_json_node **out, struct pd_error *err);
/* Member `key` of an object (NULL when obj is not an object or has none). */
const struct pd_json_node *pd_json_member(const struct pd_json_node *obj, const char *key);
/* Member `key` when it is a string, else NULL. */
const char *pd_json_member_str(const struct pd_json_node *obj, const char *key);

#endif
