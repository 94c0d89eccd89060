/*
 * arena.c: bump allocation in chunks, dropped in one call; and struct pd_buf,
 * a growable byte buffer with a hard cap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permitdesk/base.h"

struct pd_arena_chunk {
	struct pd_arena_chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	_Alignas(16) unsigned char data[];
};

void pd_arena_init(struct pd_arena *a, size_t chunk_size, size_t limit)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 16384;
	a->limit = limit;
	a->used = 0;
}

void *pd_arena_alloc(struct pd_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (size == 0)
		size = 16;
	struct pd_arena_chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t want = size > a->chunk_size ? size : a->chunk_size;
		if (a->limit && a->used + want > a->limit)
			return NULL;
		c = malloc(sizeof(*c) + want);
		if (!c)
			return NULL;
		c->size = want;
		c->used = 0;
		/* Keep the roomier chunk in front: a big one-off does not waste the current one. */
		if (a->head && want == size && a->head->size - a->head->used > 0) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		a->used += want;
	}
	void *p = c->data + c->used;
	c->used += size;
	return p;
}

void *pd_arena_zalloc(struct pd_arena *a, size_t size)
{
	void *p = pd_arena_alloc(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

char *pd_arena_strndup(struct pd_arena *a, const char *s, size_t len)
{
	char *p = pd_arena_alloc(a, len + 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

char *pd_arena_printf(struct pd_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = pd_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void pd_arena_reset(struct pd_arena *a)
{
	if (!a->head)
		return;
	/* Keep the largest chunk. */
	struct pd_arena_chunk *keep = a->head;
	for (struct pd_arena_chunk *c = a->head->next; c; c = c->next)
		if (c->size > keep->size)
			keep = c;
	struct pd_arena_chunk *c = a->head;
	while (c) {
		struct pd_arena_chunk *next = c->next;
		if (c != keep)
			free(c);
		c = next;
	}
	keep->next = NULL;
	keep->used = 0;
	a->head = keep;
	a->used = keep->size;
}

void pd_arena_free(struct pd_arena *a)
{
	struct pd_arena_chunk *c = a->head;
	while (c) {
		struct pd_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->used = 0;
}

/* ---- pd_buf ---- */

void pd_buf_init(struct pd_buf *b, size_t cap)
{
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : (size_t)1 << 31;
	b->failed = false;
}

static int buf_grow(struct pd_buf *b, size_t extra)
{
	if (b->failed)
		return PD_FAIL(PD_ENOMEM);
	if (b->len + extra + 1 > b->cap) {
		b->failed = true;
		return PD_FAIL(PD_ETOOBIG);
	}
	if (b->len + extra + 1 <= b->alloc)
		return 0;
	size_t n = b->alloc ? b->alloc : 256;
	while (n < b->len + extra + 1)
		n *= 2;
	if (n > b->cap)
		n = b->cap;
	char *p = realloc(b->data, n);
	if (!p) {
		b->failed = true;
		return PD_FAIL(PD_ENOMEM);
	}
	b->data = p;
	b->alloc = n;
	return 0;
}

int pd_buf_append(struct pd_buf *b, const void *data, size_t len)
{
	int rc = buf_grow(b, len);
	if (rc)
		return rc;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int pd_buf_puts(struct pd_buf *b, const char *s)
{
	return pd_buf_append(b, s, strlen(s));
}

int pd_buf_putc(struct pd_buf *b, char c)
{
	if (b->len + 2 <= b->alloc && !b->failed) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return 0;
	}
	return pd_buf_append(b, &c, 1);
}

int pd_buf_printf(struct pd_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return PD_FAIL(PD_EINTERNAL);
	int rc = buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void pd_buf_reset(struct pd_buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

void pd_buf_free(struct pd_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
	b->failed = false;
}

int pd_buf_read_file(struct pd_buf *b, const char *path, struct pd_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		int code = errno == ENOENT || errno == ENOTDIR ? PD_ENOTFOUND : PD_EIO;
		return pd_error_at(err, code, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
	}
	char chunk[65536];
	size_t n;
	int rc = 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = pd_buf_append(b, chunk, n);
		if (rc) {
			pd_error_at(err, -rc, path, 0, 0, NULL,
			            rc == PD_FAIL(PD_ETOOBIG) ? "file larger than %zu bytes"
			                                      : "out of memory reading %zu bytes",
			            b->cap);
			break;
		}
	}
	if (!rc && ferror(f))
		rc = pd_error_at(err, PD_EIO, path, 0, 0, NULL, "read error: %s", strerror(errno));
	if (f != stdin)
		fclose(f);
	if (!rc && !b->data)
		rc = pd_buf_append(b, "", 0);
	return rc;
}
