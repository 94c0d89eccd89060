/*
 * json_read.c: strict JSON validation and the small helpers of the case
 * decoder (see json_read.h).
 *
 * The grammar is RFC 8259 (JSON) with UTF-8 as RFC 3629 defines it: no
 * overlong forms, no encoded surrogates, nothing above U+10FFFF.  Escaped
 * surrogates must come in high-low pairs.  The validator is one loop over a
 * small explicit stack (one frame per open container, at most max_depth), so
 * a deeply nested input costs neither recursion nor more than one step per
 * byte before it is rejected; a long string is rejected as soon as it passes
 * its limit.
 *
 * Columns count UTF-8 characters (a tab or a Chinese character is one
 * column); lines are counted by "\n".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "codec/json_read.h"

/* Frames for open containers; pd_json_validate() clamps max_depth to this. */
#define SCAN_MAX_FRAMES 64

int pd_json_fail(const struct pd_json_src *src, struct pd_error *err, int code, size_t pos,
                 const char *path, const char *fmt, ...)
{
	if (code < 0)
		code = -code;
	if (!err)
		return -code;
	int line, column;
	pd_json_locate(src->s, pos, &line, &column);
	snprintf(err->file, sizeof(err->file), "%s", src->name ? src->name : "");
	snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
	err->line = line + src->line_base;
	err->column = column;
	va_list ap;
	va_start(ap, fmt);
	int rc = pd_error_setv(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

void pd_json_locate(const char *s, size_t pos, int *line, int *column)
{
	struct pd_json_cursor c;
	pd_json_cursor_init(&c, s, false);
	pd_json_cursor_seek(&c, pos);
	*line = c.line;
	*column = c.column;
}

void pd_json_cursor_init(struct pd_json_cursor *c, const char *s, bool plain)
{
	c->s = s;
	c->pos = 0;
	c->line = 1;
	c->column = 1;
	c->plain = plain;
}

/* Word-at-a-time byte tests (8 bytes of a uint64_t at once). */
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)
static inline uint64_t load8(const unsigned char *s)
{
	uint64_t v;
	memcpy(&v, s, 8);
	return v;
}
/* Nonzero when some byte of v is zero (exact as a yes/no). */
static inline uint64_t has_zero(uint64_t v)
{
	return (v - ONES) & ~v & HIGHS;
}
/* Nonzero when some byte of v is below n (n <= 128). */
static inline uint64_t has_less(uint64_t v, unsigned n)
{
	return (v - ONES * n) & ~v & HIGHS;
}

void pd_json_cursor_seek(struct pd_json_cursor *c, size_t pos)
{
	if (c->plain) {
		c->pos = pos;
		c->column = (int)pos + 1;
		return;
	}
	if (pos < c->pos)
		pd_json_cursor_init(c, c->s, false);
	const unsigned char *s = (const unsigned char *)c->s;
	size_t p = c->pos;
	int line = c->line, column = c->column;
	while (p < pos) {
		if (p + 8 <= pos) {
			uint64_t v = load8(s + p);
			if (!has_zero(v ^ (ONES * '\n'))) {
				/* continuation bytes 10xxxxxx do not start a character */
				uint64_t cont = v & ~(v << 1) & HIGHS;
				column += 8 - (int)(((cont >> 7) * ONES) >> 56);
				p += 8;
				continue;
			}
		}
		if (s[p] == '\n') {
			line++;
			column = 1;
		} else if ((s[p] & 0xC0) != 0x80) {
			column++;
		}
		p++;
	}
	c->pos = p;
	c->line = line;
	c->column = column;
}

/* ---- UTF-8 ---- */

/*
 * Length of the valid UTF-8 sequence at s (avail > 0 bytes readable), or 0
 * when it is invalid; then *bad is how many bytes, from s, show the fault.
 */
static size_t utf8_seq(const unsigned char *s, size_t avail, size_t *bad)
{
	unsigned c = s[0];
	unsigned lo = 0x80, hi = 0xBF;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (size_t k = 1; k < n; k++) {
		if (k >= avail) {
			*bad = k;
			return 0;
		}
		unsigned b = s[k];
		if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) {
			*bad = k + 1;
			return 0;
		}
	}
	return n;
}

/* ---- quoting values for messages ---- */

static void put(char *out, size_t size, size_t *n, const char *s, size_t len)
{
	if (*n + len + 1 > size)
		return;
	memcpy(out + *n, s, len);
	*n += len;
}

void pd_json_quote(const char *raw, size_t len, bool is_string, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t n = 0, i = 0;
	if (size == 0)
		return;
	if (is_string)
		put(out, size, &n, "\"", 1);
	while (i < len) {
		if (i >= PD_JSON_QUOTE_MAX) {
			put(out, size, &n, "\xE2\x80\xA6", 3); /* … */
			break;
		}
		unsigned c = s[i];
		size_t bad, k = c >= 0x80 ? utf8_seq(s + i, len - i, &bad) : 1;
		char esc[8];
		if (c < 0x20 || c == 0x7F) {
			snprintf(esc, sizeof(esc), "\\u%04X", c);
			put(out, size, &n, esc, 6);
			i++;
		} else if (k == 0) {
			snprintf(esc, sizeof(esc), "\\x%02X", c);
			put(out, size, &n, esc, 4);
			i++;
		} else {
			put(out, size, &n, raw + i, k);
			i += k;
		}
	}
	if (is_string)
		put(out, size, &n, "\"", 1);
	out[n] = '\0';
}

/* ---- escapes and numbers ---- */

static int hex4(const unsigned char *s)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int c = s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t pd_json_unescape(const char *raw, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t i = 0, n = 0;
	while (i < len) {
		const unsigned char *bs = memchr(s + i, '\\', len - i);
		size_t plain = bs ? (size_t)(bs - (s + i)) : len - i;
		memmove(out + n, s + i, plain);
		n += plain;
		i += plain;
		if (i >= len)
			break;
		char e = (char)s[i + 1];
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *hit = e != 'u' ? strchr(from, e) : NULL;
		if (hit) {
			out[n++] = to[hit - from];
			i += 2;
			continue;
		}
		/* \uXXXX, a high surrogate always followed by \uXXXX low (validated) */
		unsigned cp = (unsigned)hex4(s + i + 2);
		i += 6;
		if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 <= len) {
			unsigned low = (unsigned)hex4(s + i + 2);
			cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
			i += 6;
		}
		n += utf8_put(out + n, cp);
	}
	return n;
}

enum pd_json_int pd_json_int64(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < len && s[i] == '-') {
		neg = true;
		i++;
	}
	if (i == len)
		return PD_JSON_INT_NOT_INTEGER;
	/* Accumulated negative: -INT64_MIN does not fit, INT64_MIN does. */
	int64_t v = 0;
	bool over = false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return PD_JSON_INT_NOT_INTEGER;
		int d = s[i] - '0';
		if (v < (INT64_MIN + d) / 10)
			over = true;
		else
			v = v * 10 - d;
	}
	if (over || (!neg && v == INT64_MIN))
		return PD_JSON_INT_RANGE;
	*out = neg ? v : -v;
	return PD_JSON_INT_OK;
}

enum pd_json_int pd_json_int32(const char *s, size_t len, int32_t *out)
{
	int64_t v;
	enum pd_json_int rc = pd_json_int64(s, len, &v);
	if (rc == PD_JSON_INT_RANGE || (rc == PD_JSON_INT_OK && (v < INT32_MIN || v > INT32_MAX)))
		return PD_JSON_INT_RANGE;
	if (rc == PD_JSON_INT_OK)
		*out = (int32_t)v;
	return rc;
}

/* ---- the validator ---- */

struct frame {
	char close;     /* '}' or ']' */
	bool has_key;   /* objects: a member name has been read */
	uint32_t index; /* arrays: the element being read */
	size_t key;     /* objects: offset and length of the last member name (raw) */
	size_t key_len;
	int tok;     /* the container's token */
	int key_tok; /* objects: the last member name's token */
};

struct scan {
	const struct pd_json_src *src;
	struct pd_error *err;
	const unsigned char *s;
	size_t len;
	size_t p;
	size_t ntok;
	struct pd_json_tok *toks; /* NULL: count only */
	bool in_key;              /* the string being read is a member name */
	size_t max_string;
	bool escapes, wide, newline; /* a backslash, a byte >= 0x80, a newline seen */
	unsigned depth, max_depth;
	struct frame stack[SCAN_MAX_FRAMES];
};

/* Bytes that end a plain run inside a string: quote, backslash, controls, non-ASCII. */
static inline bool str_special(unsigned c)
{
	return c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
}

/* Bytes that may appear in a number or a bare word (for messages). */
static bool word_byte(unsigned c)
{
	if (c <= 0x20 || c >= 0x7F)
		return false;
	return c != ',' && c != ']' && c != '}' && c != ':' && c != '[' && c != '{' && c != '"';
}

/* Skips JSON whitespace, noting newlines. */
static inline void scan_ws(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t p = sc->p, len = sc->len;
	while (p < len && s[p] <= ' ' &&
	       (s[p] == ' ' || s[p] == '\n' || s[p] == '\r' || s[p] == '\t')) {
		sc->newline |= s[p] == '\n';
		p++;
	}
	sc->p = p;
}

static void scan_path(const struct scan *sc, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < sc->depth; i++) {
		const struct frame *f = &sc->stack[i];
		int w;
		if (f->close == '}') {
			if (!f->has_key)
				break;
			w = snprintf(buf + n, size - n, "%s%.*s", n ? "." : "", (int)f->key_len,
			             (const char *)sc->s + f->key);
		} else {
			w = snprintf(buf + n, size - n, "[%u]", f->index);
		}
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

static int scan_fail(struct scan *sc, int code, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int scan_fail(struct scan *sc, int code, size_t pos, const char *fmt, ...)
{
	char path[192], msg[512];
	scan_path(sc, path, sizeof(path));
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pd_json_fail(sc->src, sc->err, code, pos, path, "%s", msg);
}

/* Fails on invalid UTF-8 at pos (a byte >= 0x80); returns 0 when it is valid. */
static int check_utf8_at(struct scan *sc, size_t pos, size_t *seqlen)
{
	size_t bad = 1;
	size_t n = utf8_seq(sc->s + pos, sc->len - pos, &bad);
	if (n) {
		*seqlen = n;
		return 0;
	}
	if (bad == 1)
		return scan_fail(sc, PD_EINPUT, pos, "invalid UTF-8 byte 0x%02X", sc->s[pos]);
	char bytes[32];
	size_t m = 0;
	for (size_t k = 0; k < bad && k < 4; k++)
		m += (size_t)snprintf(bytes + m, sizeof(bytes) - m, "%s0x%02X", k ? " " : "",
		                      sc->s[pos + k]);
	return scan_fail(sc, PD_EINPUT, pos, "invalid UTF-8 sequence %s", bytes);
}

/* "expected <what>, got <the character at p>" (or the UTF-8 error there). */
static int fail_expected(struct scan *sc, const char *what)
{
	size_t p = sc->p;
	if (p >= sc->len)
		return scan_fail(sc, PD_EINPUT, p, "expected %s, got end of input", what);
	unsigned c = sc->s[p];
	if (c >= 0x80) {
		size_t n;
		int rc = check_utf8_at(sc, p, &n);
		if (rc)
			return rc;
		return scan_fail(sc, PD_EINPUT, p, "expected %s, got '%.*s'", what, (int)n,
		                 (const char *)sc->s + p);
	}
	if (c < 0x20 || c == 0x7F)
		return scan_fail(sc, PD_EINPUT, p, "expected %s, got U+%04X", what, c);
	return scan_fail(sc, PD_EINPUT, p, "expected %s, got '%c'", what, (int)c);
}

/*
 * One more token, of type, from start to end (see struct pd_json_tok), under
 * the innermost open container: its child, or the child of its last member
 * name.  Counted, and written when there is an array to write it to.
 */
static inline int add_token(struct scan *sc, int type, size_t start, size_t end)
{
	if (++sc->ntok > PD_JSON_MAX_TOKENS)
		return scan_fail(sc, PD_ETOOBIG, start - (type == PD_JTOK_STRING),
		                 "more than %u JSON values", PD_JSON_MAX_TOKENS);
	if (!sc->toks)
		return 0;
	int parent = -1;
	if (sc->depth) {
		struct frame *f = &sc->stack[sc->depth - 1];
		parent = f->close == '}' && !sc->in_key ? f->key_tok : f->tok;
		sc->toks[parent].size++;
	}
	sc->toks[sc->ntok - 1] = (struct pd_json_tok){
	    .type = type, .start = (int)start, .end = (int)end, .parent = parent};
	return 0;
}

/*
 * Plain ASCII from q on: the first byte at or after q that is not, or limit
 * when there is none before it.  Eight bytes at a time: the borrow of
 * has_zero()/has_less() can only flag bytes above a byte truly flagged, so
 * the lowest flag in the word is exact.
 */
static inline size_t scan_plain(const unsigned char *s, size_t q, size_t limit)
{
	while (q + 8 <= limit) {
		uint64_t v = load8(s + q);
		uint64_t m = (v & HIGHS) | has_less(v, 0x20) | has_zero(v ^ (ONES * '"')) |
		             has_zero(v ^ (ONES * '\\'));
		if (m)
			return q + ((unsigned)__builtin_ctzll(m) >> 3);
		q += 8;
	}
	while (q < limit && !str_special(s[q]))
		q++;
	return q;
}

/* The rest of the string that began at start, from q (not plain ASCII) on. */
static int scan_string_rest(struct scan *sc, size_t start, size_t q, size_t limit)
{
	const unsigned char *s = sc->s;
	size_t len = sc->len;
	for (;; q = scan_plain(s, q, limit)) {
		if (q >= limit) {
			if (limit < len)
				return scan_fail(sc, PD_ETOOBIG, start,
				                 "string longer than %zu bytes", sc->max_string);
			return scan_fail(sc, PD_EINPUT, start, "unterminated string");
		}
		unsigned c = s[q];
		if (c == '"') {
			sc->p = q + 1;
			return add_token(sc, PD_JTOK_STRING, start + 1, q);
		}
		if (c >= 0x80) {
			size_t n;
			sc->wide = true;
			int rc = check_utf8_at(sc, q, &n);
			if (rc)
				return rc;
			q += n;
			continue;
		}
		if (c < 0x20)
			return scan_fail(sc, PD_EINPUT, q,
			                 "unescaped control character U+%04X in a string", c);
		/* a backslash */
		sc->escapes = true;
		if (q + 1 >= len)
			return scan_fail(sc, PD_EINPUT, start, "unterminated string");
		unsigned e = s[q + 1];
		switch (e) {
		case '"':
		case '\\':
		case '/':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
			q += 2;
			continue;
		case 'u':
			break;
		default:
			if (e > 0x20 && e < 0x7F)
				return scan_fail(sc, PD_EINPUT, q,
				                 "invalid escape \\%c in a string", (int)e);
			return scan_fail(sc, PD_EINPUT, q, "invalid escape in a string");
		}
		int cp = q + 6 <= len ? hex4(s + q + 2) : -1;
		if (cp < 0)
			return scan_fail(sc, PD_EINPUT, q,
			                 "invalid escape in a string: \\u needs 4 hex digits");
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return scan_fail(sc, PD_EINPUT, q, "lone surrogate \\u%04X in a string",
			                 cp);
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			int low = q + 12 <= len && s[q + 6] == '\\' && s[q + 7] == 'u'
			              ? hex4(s + q + 8)
			              : -1;
			if (low < 0xDC00 || low > 0xDFFF)
				return scan_fail(sc, PD_EINPUT, q,
				                 "lone surrogate \\u%04X in a string", cp);
			q += 12;
		} else {
			q += 6;
		}
	}
}

/* A string at sc->p (on its opening quote); leaves sc->p after the closing quote. */
static inline int scan_string(struct scan *sc)
{
	size_t start = sc->p, q = start + 1;
	/* Room for max_string bytes of content and the closing quote. */
	size_t limit = sc->len - q > sc->max_string ? q + sc->max_string + 1 : sc->len;
	q = scan_plain(sc->s, q, limit);
	if (q < limit && sc->s[q] == '"') {
		sc->p = q + 1;
		return add_token(sc, PD_JTOK_STRING, start + 1, q);
	}
	return scan_string_rest(sc, start, q, limit);
}

/* A number or a bare word at sc->p. */
static int scan_primitive(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t start = sc->p, end = start;
	while (end < sc->len && word_byte(s[end]))
		end++;
	const char *w = (const char *)s + start;
	size_t n = end - start;
	char shown[128];
	unsigned c = s[start];
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		if (!((n == 4 && memcmp(w, "true", 4) == 0) ||
		      (n == 5 && memcmp(w, "false", 5) == 0) ||
		      (n == 4 && memcmp(w, "null", 4) == 0))) {
			pd_json_quote(w, n, false, shown, sizeof(shown));
			return scan_fail(sc, PD_EINPUT, start, "expected a value, got %s", shown);
		}
		sc->p = end;
		return add_token(sc, PD_JTOK_PRIMITIVE, start, end);
	}
	/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	size_t i = 0;
	bool ok = true, leading_zero = false;
	if (i < n && w[i] == '-')
		i++;
	if (i < n && w[i] == '0') {
		i++;
		leading_zero = i < n && w[i] >= '0' && w[i] <= '9';
	} else if (i < n && w[i] >= '1' && w[i] <= '9') {
		while (i < n && w[i] >= '0' && w[i] <= '9')
			i++;
	} else {
		ok = false;
	}
	if (ok && i < n && w[i] == '.') {
		size_t d = ++i;
		while (i < n && w[i] >= '0' && w[i] <= '9')
			i++;
		ok = i > d;
	}
	if (ok && i < n && (w[i] == 'e' || w[i] == 'E')) {
		i++;
		if (i < n && (w[i] == '+' || w[i] == '-'))
			i++;
		size_t d = i;
		while (i < n && w[i] >= '0' && w[i] <= '9')
			i++;
		ok = i > d;
	}
	if (!ok || leading_zero || i != n) {
		pd_json_quote(w, n, false, shown, sizeof(shown));
		return scan_fail(sc, PD_EINPUT, start, "invalid number %s%s", shown,
		                 leading_zero ? ": leading zeros are not allowed" : "");
	}
	sc->p = end;
	return add_token(sc, PD_JTOK_PRIMITIVE, start, end);
}

/* A member name and its colon; leaves sc->p on the value. */
static int scan_member_name(struct scan *sc)
{
	struct frame *f = &sc->stack[sc->depth - 1];
	if (sc->p >= sc->len || sc->s[sc->p] != '"')
		return fail_expected(sc, "a member name in double quotes");
	size_t start = sc->p;
	sc->in_key = true;
	int rc = scan_string(sc);
	sc->in_key = false;
	if (rc)
		return rc;
	f->key_tok = (int)sc->ntok - 1;
	f->has_key = true;
	f->key = start + 1;
	f->key_len = sc->p - 1 - f->key;
	scan_ws(sc);
	if (sc->p >= sc->len || sc->s[sc->p] != ':')
		return fail_expected(sc, "':' after the member name");
	sc->p++;
	scan_ws(sc);
	return 0;
}

static int fail_top(struct scan *sc)
{
	const unsigned char *s = sc->s + sc->p;
	size_t left = sc->len - sc->p;
	const char *what = NULL;
	if (left >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		what = "a byte order mark (U+FEFF)";
	else if (s[0] == '[')
		what = "an array";
	else if (s[0] == '"')
		what = "a string";
	else if (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
		what = "a number";
	else if (left >= 4 && memcmp(s, "true", 4) == 0)
		what = "true";
	else if (left >= 5 && memcmp(s, "false", 5) == 0)
		what = "false";
	else if (left >= 4 && memcmp(s, "null", 4) == 0)
		what = "null";
	if (what)
		return scan_fail(sc, PD_EINPUT, sc->p,
		                 "expected an object at the top level, got %s", what);
	return fail_expected(sc, "an object at the top level");
}

int pd_json_validate(const struct pd_json_src *src, unsigned max_depth, size_t max_string,
                     struct pd_json_info *info, struct pd_error *err)
{
	return pd_json_tokenize(src, max_depth, max_string, NULL, info, err);
}

int pd_json_tokenize(const struct pd_json_src *src, unsigned max_depth, size_t max_string,
                     struct pd_json_tok *toks, struct pd_json_info *info, struct pd_error *err)
{
	struct scan sc; /* not zeroed as a whole: the stack is written before it is read */
	sc.src = src;
	sc.err = err;
	sc.s = (const unsigned char *)src->s;
	sc.len = src->len;
	sc.p = 0;
	sc.ntok = 0;
	sc.toks = toks;
	sc.in_key = false;
	sc.max_string = max_string;
	sc.escapes = sc.wide = sc.newline = false;
	sc.depth = 0;
	sc.max_depth = max_depth < SCAN_MAX_FRAMES ? max_depth : SCAN_MAX_FRAMES;
	int rc;
	scan_ws(&sc);
	if (sc.p >= sc.len)
		return scan_fail(&sc, PD_EINPUT, sc.p, "empty input");
	if (sc.s[sc.p] != '{')
		return fail_top(&sc);

	bool value = true; /* expecting a value at sc.p; else after one */
	for (;;) {
		if (value) {
			if (sc.p >= sc.len)
				return fail_expected(&sc, "a value");
			unsigned c = sc.s[sc.p];
			if (c == '{' || c == '[') {
				if (sc.depth >= sc.max_depth)
					return scan_fail(&sc, PD_EINPUT, sc.p,
					                 "nesting deeper than %u levels",
					                 sc.max_depth);
				if ((rc = add_token(&sc, c == '{' ? PD_JTOK_OBJECT : PD_JTOK_ARRAY,
				                    sc.p, sc.p)))
					return rc;
				sc.stack[sc.depth++] = (struct frame){
				    .close = c == '{' ? '}' : ']',
				    .tok = (int)sc.ntok - 1,
				};
				sc.p++;
				scan_ws(&sc);
				if (sc.p < sc.len && sc.s[sc.p] == (c == '{' ? '}' : ']')) {
					sc.depth--;
					sc.p++;
					if (toks)
						toks[sc.ntok - 1].end = (int)sc.p;
					value = false;
				} else if (c == '{' && (rc = scan_member_name(&sc))) {
					return rc;
				}
				continue;
			}
			if (c == '"')
				rc = scan_string(&sc);
			else if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') ||
			         (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
				rc = scan_primitive(&sc);
			else
				rc = fail_expected(&sc, "a value");
			if (rc)
				return rc;
			value = false;
			continue;
		}
		/* after a value */
		if (sc.depth == 0) {
			scan_ws(&sc);
			if (sc.p < sc.len)
				return fail_expected(&sc,
				                     "end of input after the top-level object");
			break;
		}
		struct frame *f = &sc.stack[sc.depth - 1];
		scan_ws(&sc);
		unsigned c = sc.p < sc.len ? sc.s[sc.p] : 0;
		if (sc.p < sc.len && c == ',') {
			size_t comma = sc.p;
			sc.p++;
			scan_ws(&sc);
			if (sc.p < sc.len && sc.s[sc.p] == (unsigned char)f->close)
				return scan_fail(&sc, PD_EINPUT, comma,
				                 "trailing comma before '%c'", f->close);
			if (f->close == '}') {
				if ((rc = scan_member_name(&sc)))
					return rc;
			} else {
				f->index++;
			}
			value = true;
			continue;
		}
		if (sc.p < sc.len && c == (unsigned char)f->close) {
			sc.depth--;
			sc.p++;
			if (toks)
				toks[f->tok].end = (int)sc.p;
			continue;
		}
		return fail_expected(&sc, f->close == '}' ? "',' or '}' after an object member"
		                                          : "',' or ']' after an array element");
	}
	info->ntokens = sc.ntok;
	info->escapes = sc.escapes;
	info->plain = !sc.wide && !sc.newline;
	return 0;
}
