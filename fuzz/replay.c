/*
 * replay.c: runs a fuzz harness over files, without libFuzzer.
 *
 *   replay_<name> PATH...    every regular file of each directory (in name
 *                            order), or each file, once
 *
 * CTest runs each harness's seed corpus and regressions this way in every
 * build, so that the ASan build checks them for leaks and undefined
 * behaviour too.  Exit 0 when every input ran, 1 when a path was unreadable.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	size_t cap = 1u << 16, len = 0;
	unsigned char *buf = malloc(cap);
	int rc = 0;
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap)
			break;
		unsigned char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		rc = -1;
	} else {
		/* An exact-size copy, so that ASan sees any read past the input. */
		unsigned char *exact = malloc(len ? len : 1);
		if (!exact) {
			rc = -1;
		} else {
			memcpy(exact, buf, len);
			LLVMFuzzerTestOneInput(exact, len);
			free(exact);
		}
	}
	free(buf);
	fclose(f);
	return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	int failed = 0;
	size_t ran = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: not found\n", argv[i]);
			failed = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			failed |= run_file(argv[i]) != 0;
			ran++;
			continue;
		}
		struct dirent **list = NULL;
		int n = scandir(argv[i], &list, NULL, by_name);
		if (n < 0) {
			fprintf(stderr, "replay: cannot list %s\n", argv[i]);
			failed = 1;
			continue;
		}
		for (int k = 0; k < n; k++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], list[k]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				failed |= run_file(path) != 0;
				ran++;
			}
			free(list[k]);
		}
		free(list);
	}
	printf("replayed %zu input%s\n", ran, ran == 1 ? "" : "s");
	return failed;
}
