/*
 * fuzz_case_decode.c: the case JSON decoder (pd_case_decode, codec.h) on any
 * bytes.  The decoder must either succeed or report an input error with a
 * message and a position inside the input; the arena is dropped every run,
 * so a leak shows as one.
 */
#include <string.h>

#include "fuzz.h"
#include "permitdesk/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const pd_date today = pd_date_from_ymd(2025, 6, 30);
	struct pd_arena arena;
	struct pd_case c;
	struct pd_error err;
	char msg[1200];

	pd_error_clear(&err);
	pd_arena_init(&arena, 1u << 12, 8u << 20);
	int rc = pd_case_decode((const char *)data, size, "fuzz.json", 0, today, &arena, &c, &err);
	if (rc != 0) {
		fuzz_assert(rc < 0);
		fuzz_assert(err.code != 0);
		fuzz_assert(err.message[0] != '\0');
		fuzz_assert(err.line >= 0 && err.column >= 0);
		pd_error_format(&err, msg, sizeof(msg));
	} else {
		/* What a decoded case says of itself must hold. */
		fuzz_assert(c.n_documents <= PD_CASE_MAX_DOCUMENTS);
		for (size_t i = 0; i < c.n_mrz; i++)
			fuzz_assert(c.mrz[i] != NULL);
	}
	pd_arena_free(&arena);
	return 0;
}
