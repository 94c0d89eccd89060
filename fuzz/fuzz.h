/*
 * fuzz.h: what the fuzz harnesses share.  Each fuzz_<name>.c defines
 * LLVMFuzzerTestOneInput(); linked with -fsanitize=fuzzer it is a libFuzzer
 * target, linked with replay.c it is a program that runs every file of its
 * corpus once (libgit2's standalone replayers), which CTest runs in every
 * build.
 *
 * A harness checks what must hold whatever the input (valid UTF-8 output, a
 * verdict consistent with its failures ...) and calls fuzz_fail() when it
 * does not: abort() turns a wrong answer into a crash the fuzzer keeps.
 */
#ifndef PD_FUZZ_H
#define PD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_fail(...)                                                                             \
	do {                                                                                       \
		fprintf(stderr, "fuzz: " __VA_ARGS__);                                             \
		fputc('\n', stderr);                                                               \
		abort();                                                                           \
	} while (0)

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail("%s:%d: %s", __FILE__, __LINE__, #cond);                         \
	} while (0)

#endif
