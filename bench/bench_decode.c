/*
 * bench_decode.c: how many cases per second pd_case_decode() reads.
 *
 * Decodes one typical case (about 620 bytes, one line as in a batch file)
 * a million times, resetting the arena after each, and prints cases/s and
 * the time per case.  The batch target (100,000 cases/s end to end,
 * evaluation and output included) leaves the decoder well under 3 µs.
 *
 * Usage: bench_decode [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "permitdesk/codec.h"

static const char case_json[] =
    "{\"jurisdiction\":\"shenzhen\",\"date\":\"2026-03-02\",\"application\":{\"document\":"
    "\"residence_permit\",\"action\":\"extension\",\"purpose\":\"family_reunion\","
    "\"requested_days\":730},\"applicant\":{\"name\":\"Anna Maria Eriksson\",\"birth_date\":"
    "\"1990-08-12\",\"nationality\":\"SWE\",\"passport\":{\"number\":\"L898902C3\",\"expiry\":"
    "\"2031-04-15\"},\"status\":{\"type\":\"family_reunion\",\"expiry\":\"2026-03-20\"},"
    "\"good_record\":true},\"sponsor\":{\"category\":\"citizen_local\",\"relationship\":"
    "\"spouse\"},\"documents\":[{\"type\":\"passport\"},{\"type\":\"application_form\"},"
    "{\"type\":\"photo\",\"issued\":\"2026-02-20\"},{\"type\":\"kinship_proof\",\"foreign\":"
    "true,\"notarized\":true,\"legalized\":true,\"translated\":true}],\"agent\":null}";

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long iterations = 1000000;
	if (argc > 1) {
		char *end;
		iterations = strtol(argv[1], &end, 10);
		if (*end || iterations <= 0) {
			fprintf(stderr, "usage: bench_decode [ITERATIONS]\n");
			return 64;
		}
	}
	struct pd_arena arena;
	struct pd_case c;
	struct pd_error err;
	size_t len = sizeof(case_json) - 1;
	pd_date today = pd_date_from_ymd(2026, 3, 2);
	int rc = 0;
	pd_arena_init(&arena, 0, 0);
	pd_error_clear(&err);

	double t0 = now_seconds();
	for (long i = 0; i < iterations && !rc; i++) {
		rc = pd_case_decode(case_json, len, "bench", 0, today, &arena, &c, &err);
		pd_arena_reset(&arena);
	}
	double dt = now_seconds() - t0;
	pd_arena_free(&arena);
	if (rc) {
		char msg[1200];
		pd_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "bench_decode: %s\n", msg);
		return 1;
	}
	printf("decode: %ld cases of %zu bytes in %.3f s: %.0f cases/s, %.3f us/case\n", iterations,
	       len, dt, (double)iterations / dt, dt * 1e6 / (double)iterations);
	return 0;
}
