/* SPDX-License-Identifier: BSD-3-Clause
 * Fuzz target: sl-pktgen's options (pg_opts_parse): the command line after
 * "--" and, through --config and --pcap, the files it names.
 *
 * Input: one argument per line; a line "@file" ends the arguments and
 * everything after it becomes the file "f" in the target's own empty
 * directory, so "--config f" fuzzes the stream-file parser and "--pcap f"
 * the capture loader. Arguments holding '/' are skipped: the target reads
 * only that directory (a fuzzed "/dev/zero" or "/dev/stdin" would hang).
 * Because the target changes into that directory at initialisation, give
 * libFuzzer absolute paths (meson and run_fuzz.sh do).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_opts.h"
#include "fuzz_common.h"

static struct pg_opts opts;
/* in memory (/dev/shm) when there is one: every input writes the file */
static char dir_shm[] = "/dev/shm/sl-fuzz-pktgen.XXXXXX";
static char dir_tmp[] = "/tmp/sl-fuzz-pktgen.XXXXXX";
static const char *dir_made;

static void remove_dir(void)
{
	char path[sizeof(dir_shm) + 4];

	if (dir_made != NULL && chdir("/") == 0) {
		snprintf(path, sizeof(path), "%s/f", dir_made);
		unlink(path);
		rmdir(dir_made);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dir_made = mkdtemp(dir_shm);
	if (dir_made == NULL)
		dir_made = mkdtemp(dir_tmp);
	if (dir_made == NULL || chdir(dir_made) < 0) {
		perror("fuzz_pktgen_opts: private directory");
		exit(1);
	}
	atexit(remove_dir);
	return 0;
}

/* The input's file part as "f", or no "f" at all. */
static int write_file(const uint8_t *data, size_t size)
{
	int fd;
	ssize_t n = 0;

	if (data == NULL)
		return unlink("f") == 0 || errno == ENOENT ? 0 : -1;
	fd = open("f", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (size > 0)
		n = write(fd, data, size);
	close(fd);
	return n == (ssize_t)size ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char marker[] = "\n@file\n";
	const uint8_t *file = NULL;
	size_t file_size = 0, args_size = size;
	struct fuzz_argv a, again;
	int ret;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	for (size_t i = 0; i + sizeof(marker) - 1 <= size; i++) {
		if (memcmp(data + i, marker, sizeof(marker) - 1) == 0) {
			args_size = i;
			file = data + i + sizeof(marker) - 1;
			file_size = size - i - (sizeof(marker) - 1);
			break;
		}
	}
	if (write_file(file, file_size) < 0)
		return 0;
	if (fuzz_argv_make(&a, "fuzz_pktgen", data, args_size) < 0)
		return 0;
	for (int i = 1; i < a.argc; i++) {
		if (strchr(a.argv[i], '/') != NULL) {
			fuzz_argv_free(&a);
			return 0;
		}
	}
	ret = pg_opts_parse(&opts, a.argc, a.argv);
	/* Once more from a fresh copy: the same answer, whatever state the
	 * first parse left behind (getopt's, above all). */
	pg_opts_free(&opts);
	if (fuzz_argv_make(&again, "fuzz_pktgen", data, args_size) < 0 ||
	    pg_opts_parse(&opts, again.argc, again.argv) != ret)
		abort();
	if (ret == 0) {
		/* what pg_main does next: a stream per TX port */
		if (opts.tx_queues < 1 || opts.tx_queues > PG_MAX_TXQ || opts.burst < 1 ||
		    opts.burst > PG_MAX_BURST || opts.nb_streams > PG_MAX_STREAMS)
			abort();
		if (!opts.streams_from_config)
			(void)pg_opts_streams_from_ports(&opts, opts.tx_all ? 0x3 : opts.tx_mask);
		for (unsigned i = 0; i < opts.nb_streams; i++)
			if (opts.streams[i].port < 0 || opts.streams[i].port >= PG_MAX_PORTS)
				abort();
	} else if (ret != 1 && ret != -EINVAL) {
		abort();
	}
	pg_opts_free(&opts);
	fuzz_argv_free(&again);
	fuzz_argv_free(&a);
	return 0;
}
