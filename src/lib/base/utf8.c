/*
 * utf8.c: UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most
 * U+10FFFF), and a line scan the YAML loaders use before parsing.
 */
#include "permitdesk/base.h"

size_t pd_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		if (i + n >= len)
			return i; /* truncated sequence */
		unsigned c1 = s[i + 1];
		if (c1 < lo || c1 > hi)
			return i;
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return i;
		i += n + 1;
	}
	return len;
}

int pd_first_line_starting_with(const char *s, size_t len, char c)
{
	int line = 1;
	for (size_t i = 0; i < len; i++) {
		if ((i == 0 || s[i - 1] == '\n') && s[i] == c)
			return line;
		if (s[i] == '\n')
			line++;
	}
	return 0;
}
