/* SPDX-License-Identifier: BSD-3-Clause
 * DMA memory diagnostics: what the machine has (free hugepages per node,
 * RAM, RLIMIT_MEMLOCK, capabilities) and the messages that say what to
 * change when a segment cannot be had. */
#include <dirent.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "eal_memory.h"

static long read_long_file(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Whether the calling thread has capability cap in its effective set (no
 * libcap: the raw capget of capabilities(7), version 3 = 64 bits). Root
 * has all of them unless they were dropped, which is the point of asking. */
int eal_have_capability(unsigned cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (cap >= 32 * _LINUX_CAPABILITY_U32S_3 || syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

/* MemAvailable from /proc/meminfo in bytes, 0 if unknown. */
size_t eal_mem_available_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb > SIZE_MAX / 1024 ? SIZE_MAX : (size_t)kb * 1024;
}

/* Appends "N x SIZE" for every page size under dir, e.g. "10 x 2048kB". */
static size_t describe_dir(const char *dir, char *buf, size_t used, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int first = 1;

	if (d == NULL)
		return used;
	while ((de = readdir(d)) != NULL) {
		char path[384];

		if (strncmp(de->d_name, "hugepages-", 10) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/free_hugepages", dir, de->d_name);
		used += (size_t)snprintf(buf + used, used < cap ? cap - used : 0, "%s%ld x %s",
					 first ? "" : ", ", read_long_file(path), de->d_name + 10);
		if (used >= cap)
			used = cap - 1;
		first = 0;
	}
	closedir(d);
	return used;
}

/* How many pages of each size are free on which node, for the message:
 * "node0: 10 x 2048kB, 0 x 1048576kB; node1: ...". */
static void describe_free_hugepages(char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int node = 0; node < SL_MAX_NUMA_NODES; node++) {
		char dir[96];

		snprintf(dir, sizeof(dir), "/sys/devices/system/node/node%d/hugepages", node);
		if (access(dir, R_OK) != 0)
			continue;
		used += (size_t)snprintf(buf + used, used < cap ? cap - used : 0, "%snode%d: ",
					 used ? "; " : "", node);
		if (used >= cap)
			used = cap - 1;
		used = describe_dir(dir, buf, used, cap);
	}
	if (used == 0)
		used = describe_dir("/sys/kernel/mm/hugepages", buf, used, cap);
	if (used == 0)
		snprintf(buf, cap, "none (this kernel has no hugetlb support)");
}

void eal_log_no_hugepages(size_t need, int socket, const char *what)
{
	char node_dir[128], nr_path[192], free_path[192], free_desc[512];
	size_t page_kb = eal_mem.page_sz / 1024;
	size_t pages = (need + eal_mem.page_sz - 1) / eal_mem.page_sz;
	long nr, nfree;
	const char *cmd_path;

	snprintf(node_dir, sizeof(node_dir), "/sys/devices/system/node/node%d/hugepages/hugepages-%zukB",
		 socket, page_kb);
	snprintf(nr_path, sizeof(nr_path), "%s/nr_hugepages", node_dir);
	snprintf(free_path, sizeof(free_path), "%s/free_hugepages", node_dir);
	nr = read_long_file(nr_path);
	nfree = read_long_file(free_path);
	cmd_path = nr_path;
	if (nr < 0) {
		/* No per-node sysfs: the system-wide knobs. */
		snprintf(free_path, sizeof(free_path), "/sys/kernel/mm/hugepages/hugepages-%zukB/free_hugepages",
			 page_kb);
		nr = read_long_file("/proc/sys/vm/nr_hugepages");
		nfree = read_long_file(free_path);
		cmd_path = "/proc/sys/vm/nr_hugepages";
	}
	if (nr < 0)
		nr = 0;
	if (nfree < 0)
		nfree = 0;
	describe_free_hugepages(free_desc, sizeof(free_desc));
	SL_LOG(ERR, EAL,
	       "not enough hugepages for %s: need %zu MB (%zu x %zukB pages) on node %d, free: %s; "
	       "reserve more with 'echo %ld > %s' (or /proc/sys/vm/nr_hugepages), or run with "
	       "--no-huge",
	       what, (need + MB - 1) / MB, pages, page_kb, socket, free_desc,
	       nr + (long)pages - ((size_t)nfree < pages ? nfree : (long)pages), cmd_path);
}

void eal_log_memlock_failure(size_t len, int err)
{
	struct rlimit rl;
	char limit[48];

	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(limit, sizeof(limit), "%llu kB", (unsigned long long)rl.rlim_cur / 1024);
	else
		snprintf(limit, sizeof(limit), "unlimited");
	SL_LOG(ERR, EAL,
	       "cannot lock %zu MB of --no-huge memory (%s): RLIMIT_MEMLOCK is %s and locking "
	       "beyond it needs CAP_IPC_LOCK; raise it with 'ulimit -l unlimited' "
	       "(LimitMEMLOCK=infinity for a service), give the program CAP_IPC_LOCK, use a "
	       "smaller -m, or run as root",
	       (len + MB - 1) / MB, strerror(err), limit);
}
