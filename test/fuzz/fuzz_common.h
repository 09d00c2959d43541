/* SPDX-License-Identifier: BSD-3-Clause
 * Shared by the fuzz targets: turning the fuzzer's bytes into a command
 * line. An input is one argument per line ('\n' separates them), so corpus
 * files read like the command lines they stand for. argv[0] is supplied.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longer command lines add nothing but time. */
#define FUZZ_MAX_ARGS 64
#define FUZZ_MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

struct fuzz_argv {
	char *buf;			/* the input, NUL-terminated pieces */
	int argc;
	char *argv[FUZZ_MAX_ARGS + 2];	/* argv[argc] is NULL */
};

/* 0, or -1 when the input is not a command line we want (too long, NUL
 * bytes inside an argument: a real argv cannot hold those). */
static inline int fuzz_argv_make(struct fuzz_argv *a, const char *prog, const uint8_t *data,
				 size_t size)
{
	char *p;

	a->buf = NULL;
	a->argc = 0;
	if (size > FUZZ_MAX_INPUT || memchr(data, '\0', size) != NULL)
		return -1;
	a->buf = malloc(size + 1);
	if (a->buf == NULL)
		return -1;
	memcpy(a->buf, data, size);
	a->buf[size] = '\0';
	a->argv[a->argc++] = (char *)prog;
	p = a->buf;
	while (size > 0 && *p != '\0') {
		char *nl = strchr(p, '\n');

		if (a->argc > FUZZ_MAX_ARGS) {
			free(a->buf);
			a->buf = NULL;
			return -1;
		}
		a->argv[a->argc++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	a->argv[a->argc] = NULL;
	return 0;
}

static inline void fuzz_argv_free(struct fuzz_argv *a)
{
	free(a->buf);
	a->buf = NULL;
}

#endif /* FUZZ_COMMON_H */
