/*
 * fuzz_id.c: the identity-number parser (src/lib/ids/prc_id.c) on any
 * bytes, then the JSON verdict.  Checks that the verdict agrees with its
 * failures, that a valid GB 11643 number has the MOD 11-2 check character
 * and a real date of birth, and that the JSON is valid UTF-8.
 */
#include <string.h>

#include "fuzz.h"
#include "permitdesk/codec.h"
#include "permitdesk/ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const pd_date today = pd_date_from_ymd(2025, 6, 30);
	struct pd_id id;
	struct pd_buf b;

	fuzz_assert(pd_id_parse((const char *)data, size, today, &id, NULL) == 0);
	fuzz_assert(id.valid == (id.failed == 0));
	fuzz_assert(id.n_problems <= PD_ID_MAX_PROBLEMS);
	fuzz_assert(id.valid ? id.n_problems == 0 : id.n_problems > 0);
	fuzz_assert(!id.valid || id.kind != PD_ID_UNKNOWN);
	for (size_t i = 0; i < id.n_problems; i++) {
		fuzz_assert(id.problems[i].check < PD_ID_CHECK_COUNT);
		fuzz_assert(id.failed & (1u << id.problems[i].check));
		fuzz_assert(id.problems[i].column <= size);
	}
	if (id.valid &&
	    (id.kind == PD_ID_PRC_RESIDENT || id.kind == PD_ID_PERMANENT_RESIDENCE_2023 ||
	     id.kind == PD_ID_HK_MACAO_RESIDENCE_PERMIT ||
	     id.kind == PD_ID_TAIWAN_RESIDENCE_PERMIT)) {
		fuzz_assert(size == 18);
		fuzz_assert(pd_id_mod11_2(id.number) == id.number[17]);
		fuzz_assert(id.birth_date != PD_DATE_NONE && id.birth_date <= today);
	}

	pd_buf_init(&b, 1u << 16);
	fuzz_assert(pd_id_write_json(&id, false, &b) == 0);
	fuzz_assert(pd_utf8_check(b.data, b.len) == b.len);
	pd_buf_free(&b);
	return 0;
}
