/*
 * bench_jsmn.c: the floor a batch check is measured against (issue 9): jsmn's
 * bare tokenising of every line of a JSON-lines input, and writing given
 * output bytes, with nothing checked, decoded, evaluated or formatted.
 *
 *   bench_jsmn CASES.jsonl RESULTS.jsonl > OUT
 *
 * Each line of CASES.jsonl is tokenised by jsmn (strict mode, parent links,
 * as the case decoder used it) into a token array sized for the line, then
 * the next line of RESULTS.jsonl (the output of `permitdesk check --batch`
 * over the same cases) is written to standard output through a 1 MiB
 * buffer, so that the floor writes exactly the bytes the check writes.  It
 * prints to standard error the lines read and the tokens made (so that the
 * tokenising is not optimised away).  `permitdesk check --batch` within
 * twice this time is the target.
 */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_jsmn CASES.jsonl RESULTS.jsonl > OUT\n");
		return 64;
	}
	FILE *in = fopen(argv[1], "rb"), *res = fopen(argv[2], "rb");
	if (!in || !res) {
		perror(in ? argv[2] : argv[1]);
		return 66;
	}
	static char obuf[1u << 20];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	char *line = NULL, *rline = NULL;
	size_t cap = 0, rcap = 0, tcap = 0;
	jsmntok_t *toks = NULL;
	long long lines = 0, tokens = 0, bad = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, in)) > 0) {
		if ((size_t)n > tcap) {
			free(toks);
			tcap = (size_t)n;
			toks = malloc(tcap * sizeof(*toks));
			if (!toks) {
				perror("bench_jsmn");
				return 70;
			}
		}
		jsmn_parser p;
		jsmn_init(&p);
		int got = jsmn_parse(&p, line, (size_t)n, toks, (unsigned)tcap);
		if (got < 0)
			bad++;
		else
			tokens += got;
		lines++;
		ssize_t r = getline(&rline, &rcap, res);
		if (r > 0 && fwrite(rline, 1, (size_t)r, stdout) != (size_t)r) {
			perror("bench_jsmn: writing");
			return 74;
		}
	}
	if (fflush(stdout) != 0) {
		perror("bench_jsmn: writing");
		return 74;
	}
	fprintf(stderr, "bench_jsmn: %lld lines, %lld tokens, %lld not tokenised\n", lines, tokens,
	        bad);
	free(line);
	free(rline);
	free(toks);
	fclose(in);
	fclose(res);
	return 0;
}
