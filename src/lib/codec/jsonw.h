/*
 * jsonw.h: inline appenders shared by the JSON writers (jsonw.c,
 * result_json.c).  Internal to the codec part.
 *
 * The fast path copies into the room the buffer already has, without
 * writing the terminating NUL; the slow path is pd_buf_append(), which grows
 * the buffer geometrically (or fails and sets b->failed) and writes the NUL.
 * A writer that used the fast path ends with jw_terminate().  After a failed
 * append later small appends may still land in the room left, so a writer
 * checks b->failed once at the end and then throws its output away.
 */
#ifndef PD_CODEC_JSONW_H
#define PD_CODEC_JSONW_H

#include <string.h>

#include "permitdesk/base.h"

static inline void jw_put(struct pd_buf *b, const char *s, size_t n)
{
	if (b->len + n < b->alloc) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		return;
	}
	pd_buf_append(b, s, n);
}

static inline void jw_putc(struct pd_buf *b, char c)
{
	if (b->len + 1 < b->alloc) {
		b->data[b->len++] = c;
		return;
	}
	pd_buf_append(b, &c, 1);
}

/* A string literal: its length is known when compiling, so the copy is a few moves. */
#define JW_LIT(b, lit) jw_put((b), "" lit, sizeof(lit) - 1)

static inline void jw_terminate(struct pd_buf *b)
{
	if (b->data && b->len < b->alloc)
		b->data[b->len] = '\0';
}

/* Decimal digits of v, written by hand (no snprintf on the hot path). */
static inline void jw_put_int(struct pd_buf *b, long long v)
{
	char tmp[24];
	char *end = tmp + sizeof(tmp);
	char *p = end;
	/* Negate in unsigned arithmetic: LLONG_MIN has no positive counterpart. */
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	jw_put(b, p, (size_t)(end - p));
}

/* "YYYY-MM-DD" with its quotes, or null for PD_DATE_NONE. */
static inline void jw_put_date(struct pd_buf *b, pd_date d)
{
	if (d == PD_DATE_NONE) {
		JW_LIT(b, "null");
		return;
	}
	char lit[13];
	lit[0] = '"';
	pd_date_format(d, lit + 1);
	lit[11] = '"';
	jw_put(b, lit, 12);
}

#endif
