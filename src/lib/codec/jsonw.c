/*
 * jsonw.c: a small streaming JSON writer (struct pd_jw) and the string
 * escaper pd_json_escape(), both appending to a struct pd_buf.
 *
 * Output follows RFC 8259.  Strings are escaped as JSON requires and no
 * more: the quotation mark, the reverse solidus and the control characters
 * U+0000..U+001F (the short forms \b \f \n \r \t where they exist, \u00XX
 * otherwise).  UTF-8 is copied as it is, except U+2028 and U+2029, which are
 * written \u2028 and \u2029 so that the output is also a valid JavaScript
 * literal (ECMA-262 before ES2019 did not allow them in strings).
 *
 * The writer keeps no allocation of its own.  Runs of bytes that need no
 * escaping are found eight bytes at a time and copied with one memcpy,
 * integers are written digit by digit, and the buffer grows geometrically,
 * so once it has reached its working size nothing is allocated at all.
 *
 * Separators.  need_comma[depth] says that the current container already
 * holds an element.  A key writes its comma and then clears the flag, so the
 * value that follows it writes none and sets the flag again.  In pretty mode
 * each element of a container starts on its own line, indented by two spaces
 * per level; a value that follows a key stays on the key's line.  The value
 * tells "first element of an array" from "value after a key" by the last
 * byte written ('[' or ' '), which keeps struct pd_jw as small as codec.h
 * declares it.
 */
#include <stdint.h>
#include <string.h>

#include "codec/jsonw.h"
#include "permitdesk/codec.h"

#define JW_MAX_DEPTH ((int)(sizeof(((struct pd_jw *)0)->need_comma) - 1))

/* The pd_jw calls leave the buffer NUL-terminated after each call. */
static inline void put(struct pd_buf *b, const char *s, size_t n)
{
	jw_put(b, s, n);
	jw_terminate(b);
}

static inline void putch(struct pd_buf *b, char c)
{
	jw_putc(b, c);
	jw_terminate(b);
}

static inline int slot(const struct pd_jw *w)
{
	if (w->depth < 0)
		return 0;
	return w->depth > JW_MAX_DEPTH ? JW_MAX_DEPTH : w->depth;
}

static void newline_indent(struct pd_jw *w, int depth)
{
	static const char spaces[] =
	    "                                                                ";
	putch(w->out, '\n');
	size_t n = depth > 0 ? (size_t)depth * 2 : 0;
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		put(w->out, spaces, k);
		n -= k;
	}
}

/* Before a value (or a key): the comma and, in pretty mode, the line break. */
static inline void before_value(struct pd_jw *w)
{
	int s = slot(w);
	if (w->need_comma[s]) {
		putch(w->out, ',');
		if (w->pretty)
			newline_indent(w, w->depth);
	} else if (w->pretty && w->depth > 0 && w->out->len > 0 &&
	           w->out->data[w->out->len - 1] == '[') {
		newline_indent(w, w->depth);
	}
	w->need_comma[s] = true;
}

void pd_jw_init(struct pd_jw *w, struct pd_buf *out, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
}

static void container_begin(struct pd_jw *w, char open)
{
	before_value(w);
	putch(w->out, open);
	if (w->depth >= JW_MAX_DEPTH)
		w->out->failed = true; /* deeper than the writer can track */
	w->depth++;
	w->need_comma[slot(w)] = false;
}

static void container_end(struct pd_jw *w, char close)
{
	bool had = w->need_comma[slot(w)];
	w->need_comma[slot(w)] = false;
	if (w->depth > 0)
		w->depth--;
	if (w->pretty && had)
		newline_indent(w, w->depth);
	putch(w->out, close);
}

void pd_jw_object_begin(struct pd_jw *w)
{
	container_begin(w, '{');
}

void pd_jw_object_end(struct pd_jw *w)
{
	container_end(w, '}');
}

void pd_jw_array_begin(struct pd_jw *w)
{
	container_begin(w, '[');
}

void pd_jw_array_end(struct pd_jw *w)
{
	container_end(w, ']');
}

void pd_jw_key(struct pd_jw *w, const char *key)
{
	int s = slot(w);
	if (w->need_comma[s])
		putch(w->out, ',');
	if (w->pretty)
		newline_indent(w, w->depth);
	w->need_comma[s] = false;
	size_t n = strlen(key);
	struct pd_buf *b = w->out;
	if (!b->failed && b->len + n + 4 < b->alloc) {
		char *p = b->data + b->len;
		*p++ = '"';
		memcpy(p, key, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
		if (w->pretty)
			*p++ = ' ';
		b->len = (size_t)(p - b->data);
		b->data[b->len] = '\0';
	} else {
		putch(b, '"');
		put(b, key, n);
		put(b, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
	}
	/* The value that follows writes no comma; it sets the flag again. */
}

void pd_jw_string(struct pd_jw *w, const char *s)
{
	if (!s) {
		pd_jw_null(w);
		return;
	}
	before_value(w);
	pd_json_escape(w->out, s, strlen(s));
}

void pd_jw_stringn(struct pd_jw *w, const char *s, size_t len)
{
	before_value(w);
	pd_json_escape(w->out, s ? s : "", s ? len : 0);
}

void pd_jw_raw(struct pd_jw *w, const char *json)
{
	before_value(w);
	put(w->out, json, strlen(json));
}

void pd_jw_int(struct pd_jw *w, long long v)
{
	before_value(w);
	jw_put_int(w->out, v);
	jw_terminate(w->out);
}

void pd_jw_bool(struct pd_jw *w, bool v)
{
	before_value(w);
	if (v)
		put(w->out, "true", 4);
	else
		put(w->out, "false", 5);
}

void pd_jw_null(struct pd_jw *w)
{
	before_value(w);
	put(w->out, "null", 4);
}

void pd_jw_date(struct pd_jw *w, pd_date d)
{
	before_value(w);
	jw_put_date(w->out, d);
	jw_terminate(w->out);
}

/*
 * Bytes that end a run of plain bytes: 1 for the ones JSON escapes, 2 for
 * 0xE2, the lead byte of U+2028 and U+2029 (checked further).
 */
/* clang-format off */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
	['"'] = 1,
	['\\'] = 1,
	[0xE2] = 2,
};
/* clang-format on */

/*
 * Eight bytes at a time (SWAR, as in Hacker's Delight 6-1): nonzero when x
 * holds a byte below 0x20, '"', '\\' or 0xE2.  Each test is exact about
 * whether such a byte exists, which is all the scan needs.
 */
static inline uint64_t special8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t quote = x ^ (ones * '"');
	uint64_t bslash = x ^ (ones * '\\');
	uint64_t e2 = x ^ (ones * 0xE2);
	uint64_t r = (x - ones * 0x20) & ~x;
	r |= (quote - ones) & ~quote;
	r |= (bslash - ones) & ~bslash;
	r |= (e2 - ones) & ~e2;
	return r & high;
}

/* The first byte at or after p that may need escaping, or end. */
static inline const unsigned char *scan_plain(const unsigned char *p, const unsigned char *end)
{
	for (;;) {
		while (end - p >= 8) {
			uint64_t x;
			memcpy(&x, p, 8);
			if (special8(x))
				break;
			p += 8;
		}
		const unsigned char *stop = end - p >= 8 ? p + 8 : end;
		while (p < stop && !special[*p])
			p++;
		if (p < stop || p == end)
			return p;
	}
}

int pd_json_escape(struct pd_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;

	jw_putc(b, '"');
	while (p < end) {
		const unsigned char *run = p;
		p = scan_plain(p, end);
		if (p > run)
			jw_put(b, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		unsigned char c = *p;
		if (special[c] == 2) {
			if (end - p >= 3 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
				jw_put(b, p[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
				p += 3;
			} else {
				jw_putc(b, (char)c);
				p++;
			}
			continue;
		}
		char esc[6] = {'\\', 0, 0, 0, 0, 0};
		size_t n = 2;
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
			break;
		}
		jw_put(b, esc, n);
		p++;
	}
	jw_putc(b, '"');
	jw_terminate(b);
	return b->failed ? PD_FAIL(PD_ENOMEM) : 0;
}
