/*
 * error.c: the error table (PD_ERROR_MAP in base.h) and struct pd_error.
 */
#include <stdio.h>
#include <string.h>

#include "permitdesk/base.h"

struct error_row {
	const char *code;
	int http;
	int exit_code;
	const char *message;
};

static const struct error_row error_rows[PD_E_COUNT_] = {[PD_OK] = {"ok", 200, 0, "success"},
#define PD_X_ROW(name, code, http, exitc, msg) [PD_E##name] = {code, http, exitc, msg},
                                                         PD_ERROR_MAP(PD_X_ROW)
#undef PD_X_ROW
};

static const struct error_row *row_of(int code)
{
	if (code < 0)
		code = -code;
	if (code >= PD_E_COUNT_)
		code = PD_EINTERNAL;
	return &error_rows[code];
}

const char *pd_strerror(int code)
{
	return row_of(code)->message;
}

const char *pd_error_code(int code)
{
	return row_of(code)->code;
}

int pd_error_http_status(int code)
{
	return row_of(code)->http;
}

int pd_error_exit_code(int code)
{
	return row_of(code)->exit_code;
}

int pd_error_setv(struct pd_error *err, int code, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (err) {
		err->code = code;
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
	}
	return -code;
}

int pd_error_set(struct pd_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = pd_error_setv(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

int pd_error_at(struct pd_error *err, int code, const char *file, int line, int column,
                const char *path, const char *fmt, ...)
{
	if (err) {
		snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
		snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
		err->line = line;
		err->column = column;
	}
	va_list ap;
	va_start(ap, fmt);
	int rc = pd_error_setv(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

void pd_error_clear(struct pd_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

size_t pd_error_format(const struct pd_error *err, char *buf, size_t size)
{
	size_t n = 0;
	int w;
#define PUT(...)                                                                                   \
	do {                                                                                       \
		w = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__);                       \
		if (w > 0)                                                                         \
			n += (size_t)w;                                                            \
	} while (0)
	if (size)
		buf[0] = '\0';
	if (err->file[0]) {
		PUT("%s:", err->file);
		if (err->line > 0) {
			PUT("%d:", err->line);
			if (err->column > 0)
				PUT("%d:", err->column);
		}
		PUT(" ");
	}
	if (err->path[0])
		PUT("%s: ", err->path);
	PUT("%s", err->message[0] ? err->message : pd_strerror(err->code));
#undef PUT
	return n;
}
