/* SPDX-License-Identifier: BSD-3-Clause
 * Helpers shared by the EAL unit tests (test_eal.c, test_eal_memory.c). */
#ifndef EAL_TEST_UTIL_H
#define EAL_TEST_UTIL_H

#include <check.h>
#include <stdlib.h>

#include "sl_eal.h"
#include "sl_test.h"

/* sl_eal_init rewrites argv, so each call gets a fresh copy. */
static char *args[64];
static int nb_args;

static inline int eal_init_list(const char *const *list)
{
	nb_args = 0;
	args[nb_args++] = (char *)"test_eal";
	for (; *list != NULL; list++) {
		ck_assert_int_lt(nb_args, 62);
		args[nb_args++] = (char *)*list;
	}
	args[nb_args] = NULL;
	return sl_eal_init(nb_args, args);
}

#define EAL_INIT(...) eal_init_list((const char *const[]){ __VA_ARGS__, NULL })

/* Same, with stderr and stdout captured into sl_test_captured. */
#define EAL_INIT_CAPTURED(ret, ...)             \
	do {                                    \
		sl_test_capture_begin(true);    \
		(ret) = EAL_INIT(__VA_ARGS__);  \
		(void)sl_test_capture_end();    \
	} while (0)

/* A test binary's main: each test inits and cleans up the EAL in its own
 * process. */
static inline int eal_test_run_forked(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* EAL_TEST_UTIL_H */
