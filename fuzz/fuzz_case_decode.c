/*
 * fuzz_case_decode.c: the case JSON decoder (pd_case_decode, codec.h) on any
 * bytes.  The decoder must either succeed or report an input error with a
 * message and a position inside the input; the arena is dropped every run,
 * so a leak shows as one.
 *
 * The tokens pd_json_tokenize() writes while it validates are checked
 * against jsmn's (strict mode, parent links) for every text it accepts:
 * type, extent, number of children and parent of every token.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include <stdlib.h>
#include <string.h>

#include "codec/json_read.h"
#include "fuzz.h"
#include "permitdesk/codec.h"

/* The tokens of an accepted text are jsmn's. */
static void same_tokens_as_jsmn(const uint8_t *data, size_t size)
{
	struct pd_json_src src = {(const char *)data, size, "fuzz.json", 0};
	struct pd_json_tok *toks = malloc(pd_json_tokens_room(size) * sizeof(*toks));
	jsmntok_t *ref = malloc(pd_json_tokens_room(size) * sizeof(*ref));
	struct pd_json_info info;
	if (!toks || !ref ||
	    pd_json_tokenize(&src, PD_CASE_MAX_DEPTH, PD_CASE_MAX_STRING, toks, &info, NULL) != 0)
		goto done;
	jsmn_parser parser;
	jsmn_init(&parser);
	int n = jsmn_parse(&parser, src.s, size, ref, (unsigned)pd_json_tokens_room(size));
	fuzz_assert(n == (int)info.ntokens);
	for (int i = 0; i < n; i++) {
		static const int types[] = {[JSMN_OBJECT] = PD_JTOK_OBJECT,
		                            [JSMN_ARRAY] = PD_JTOK_ARRAY,
		                            [JSMN_STRING] = PD_JTOK_STRING,
		                            [JSMN_PRIMITIVE] = PD_JTOK_PRIMITIVE};
		fuzz_assert(toks[i].type == types[ref[i].type]);
		fuzz_assert(toks[i].start == ref[i].start && toks[i].end == ref[i].end);
		fuzz_assert(toks[i].size == ref[i].size && toks[i].parent == ref[i].parent);
	}
done:
	free(toks);
	free(ref);
}

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
	same_tokens_as_jsmn(data, size);
	return 0;
}
