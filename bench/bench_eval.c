/*
 * bench_eval.c: evaluation alone.  Decodes a set of cases once (from a JSONL
 * file made by gen_cases), then evaluates them over and over with one arena
 * reset per case, and prints cases per second on one core.
 *
 *   bench_eval CASES.jsonl [ROUNDS] [POLICY_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "permitdesk/codec.h"
#include "permitdesk/engine.h"
#include "permitdesk/policy.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_eval CASES.jsonl [ROUNDS] [POLICY_DIR] [DISTINCT]\n");
		return 64;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 20;
	const char *dir = argc > 3 && argv[3][0] ? argv[3] : PD_BENCH_POLICY_DIR;
	size_t distinct = argc > 4 ? (size_t)atol(argv[4]) : 500;
	if (distinct == 0)
		distinct = 500;
	struct pd_error err;
	pd_error_clear(&err);
	double t0 = now();
	struct pd_policy *pol;
	if (pd_policy_load(dir, &pol, NULL, &err)) {
		char msg[1024];
		pd_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return 78;
	}
	double t_load = now() - t0;

	FILE *f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 66;
	}
	struct pd_arena cases_arena;
	pd_arena_init(&cases_arena, 1 << 20, 0);
	size_t cap = 1024, n = 0;
	struct pd_case *cases = malloc(sizeof(*cases) * cap);
	char *line = NULL;
	size_t lcap = 0;
	ssize_t len;
	while ((len = getline(&line, &lcap, f)) > 0 && n < distinct) {
		if (n == cap) {
			cap *= 2;
			cases = realloc(cases, sizeof(*cases) * cap);
		}
		if (pd_case_decode(line, (size_t)len, "bench", 0, pd_today(), &cases_arena,
		                   &cases[n], &err) == 0)
			n++;
	}
	free(line);
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "no cases decoded\n");
		return 65;
	}

	struct pd_arena arena;
	pd_arena_init(&arena, 1 << 16, 0);
	size_t verdicts[4] = {0};
	double t1 = now();
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			struct pd_result *res;
			pd_arena_reset(&arena);
			if (pd_evaluate(pol, &cases[i], &arena, &res, &err) == 0)
				verdicts[res->verdict]++;
		}
	double dt = now() - t1;
	double total = (double)n * rounds;
	printf("policy load and compile: %.2f ms\n", t_load * 1e3);
	printf("evaluated %.0f cases (%zu distinct) in %.3f s: %.0f cases/s on one core\n", total,
	       n, dt, total / dt);
	printf("verdicts: eligible %zu, incomplete %zu, unknown %zu, ineligible %zu\n", verdicts[0],
	       verdicts[1], verdicts[2], verdicts[3]);
	pd_arena_free(&arena);
	pd_arena_free(&cases_arena);
	free(cases);
	pd_policy_free(pol);
	return 0;
}
