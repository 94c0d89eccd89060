/*
 * fuzz_mrz.c: the MRZ parser (src/lib/ids/mrz.c) on any bytes, as one text
 * (pd_mrz_parse_text) and as lines (pd_mrz_parse, split at newlines), then
 * the JSON verdict.  Checks that the verdict agrees with its failures, that
 * positions lie inside the input, and that the JSON is valid UTF-8.
 */
#include <string.h>

#include "fuzz.h"
#include "permitdesk/codec.h"
#include "permitdesk/ids.h"

static void check(const struct pd_mrz *m)
{
	fuzz_assert(m->valid == (m->failed == 0));
	fuzz_assert(m->n_problems <= PD_MRZ_MAX_PROBLEMS);
	fuzz_assert(m->valid ? m->n_problems == 0 : m->n_problems > 0);
	fuzz_assert(!m->valid || m->parsed);
	for (size_t i = 0; i < m->n_problems; i++) {
		fuzz_assert(m->problems[i].check < PD_MRZ_CHECK_COUNT);
		fuzz_assert(m->failed & (1u << m->problems[i].check));
		fuzz_assert(m->problems[i].line <= PD_MRZ_MAX_LINES);
		fuzz_assert(m->problems[i].column <= PD_MRZ_MAX_LINE);
		fuzz_assert(memchr(m->problems[i].message, '\0', sizeof(m->problems[i].message)));
	}
	if (m->valid) {
		fuzz_assert(m->expiry_date != PD_DATE_NONE);
		fuzz_assert(m->document_number[0] != '\0');
	}

	struct pd_buf b;
	pd_buf_init(&b, 1u << 20);
	fuzz_assert(pd_mrz_write_json(m, m->valid, &b) == 0);
	fuzz_assert(pd_utf8_check(b.data, b.len) == b.len);
	pd_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const pd_date today = pd_date_from_ymd(2025, 6, 30);
	struct pd_mrz m;

	fuzz_assert(pd_mrz_parse_text((const char *)data, size, today, &m, NULL) == 0);
	check(&m);

	/* The same bytes as up to four NUL-terminated lines. */
	char *copy = malloc(size + 1);
	const char *lines[4];
	size_t n = 0;
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; n < 4;) {
		lines[n++] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	fuzz_assert(pd_mrz_parse(lines, n, today, &m, NULL) == 0);
	check(&m);
	free(copy);
	return 0;
}
