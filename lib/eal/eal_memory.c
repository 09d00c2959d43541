/* SPDX-License-Identifier: BSD-3-Clause
 * DMA memory: segments of hugepages (memfd, or a file in a mounted
 * hugetlbfs) or locked 4 KiB pages, bound to a NUMA node before first touch,
 * carved into blocks first-fit; IOVAs chosen in one place (assign_iova). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "eal_private.h"

#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

#define MB (1024 * 1024)
/* Segment growth step for --no-huge: large enough that a mempool chunk
 * (up to 2 MiB) and its neighbours share a segment, small enough to stay
 * inside the usual 8 MiB RLIMIT_MEMLOCK of an unprivileged user. */
#define NOHUGE_GRANULE ((size_t)4 * MB)
#define MAX_MEM_CALLBACKS 16
#define BLOCK_NAME_LEN 32

/* A piece of a segment, free or in use; a segment's extents tile it in
 * address order. */
struct extent {
	struct extent *next;
	size_t off;
	size_t len;
	int used;
	char name[BLOCK_NAME_LEN];
};

struct eal_seg {
	struct sl_memseg ms;		/* what walkers and callbacks see */
	sl_iova_t *iovas;		/* per-page IOVAs when !ms.iova_contig */
	int iova_from_allocator;	/* ms.iova must go back to the allocator */
	int reserved;			/* made at init (-m): kept until cleanup */
	size_t used;
	struct extent *extents;
};

struct mem_callback {
	char name[64];
	sl_mem_event_cb_t cb;
	void *arg;
};

static struct {
	/* Recursive: an event callback may call sl_mem_virt2iova or
	 * sl_memseg_walk on the segment being announced. */
	pthread_mutex_t lock;
	int initialized;
	int no_huge;
	enum sl_iova_mode iova_mode;	/* as given on the command line */
	int pagemap_ok;			/* /proc/self/pagemap shows PFNs (root) */
	int multi_node;
	size_t page_sz;
	size_t granule;
	size_t cap;			/* -m, 0: not given */
	size_t limit;			/* growth limit: -m, or the --no-huge default */
	struct eal_seg **segs;		/* sorted by va */
	unsigned nb_segs;
	unsigned cap_segs;
	size_t reserved_bytes;
	size_t used_bytes;
	unsigned file_counter;
	struct mem_callback cbs[MAX_MEM_CALLBACKS];
	unsigned nb_cbs;
	sl_iova_alloc_t iova_alloc;
	sl_iova_free_t iova_free;
	void *iova_arg;
} mem = {
	.lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP,
};

/* ---- small helpers ------------------------------------------------------ */

static size_t default_hugepage_size(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Hugepagesize: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return (size_t)kb * 1024;
}

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
static int have_capability(unsigned cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (cap >= 32 * _LINUX_CAPABILITY_U32S_3 || syscall(SYS_capget, &hdr, data) < 0)
		return 0;
	return (data[cap / 32].effective >> (cap % 32)) & 1;
}

/* MemAvailable from /proc/meminfo in bytes, 0 if unknown. */
static size_t mem_available_bytes(void)
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

static int node_exists(int node)
{
	if (node < 0 || node >= SL_MAX_NUMA_NODES)
		return 0;
	if (numa_available() < 0)
		return node == 0;
	return node <= numa_max_node() && numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)node);
}

/* Physical address of the page holding va, from /proc/self/pagemap
 * (Documentation/admin-guide/mm/pagemap.rst: bit 63 present, bits 0-54
 * PFN; the PFN reads as 0 without CAP_SYS_ADMIN). SL_BAD_IOVA if unknown. */
static sl_iova_t pagemap_pa(int fd, const void *va)
{
	size_t small_page = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t entry, pfn;
	off_t off = (off_t)((uintptr_t)va / small_page * sizeof(entry));

	if (pread(fd, &entry, sizeof(entry), off) != (ssize_t)sizeof(entry))
		return SL_BAD_IOVA;
	pfn = entry & ((1ull << 55) - 1);
	if (!(entry & (1ull << 63)) || pfn == 0)
		return SL_BAD_IOVA;
	return pfn * small_page + ((uintptr_t)va & (small_page - 1));
}

static int pagemap_works(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	volatile char *probe;
	sl_iova_t pa;

	if (fd < 0)
		return 0;
	probe = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (probe == MAP_FAILED) {
		close(fd);
		return 0;
	}
	probe[0] = 1;
	pa = pagemap_pa(fd, (const void *)probe);
	munmap((void *)probe, pg);
	close(fd);
	return pa != SL_BAD_IOVA;
}

/* ---- IOVA: the one place they are chosen -------------------------------- */

/* Physical addresses only when --iova-mode pa asks for them. The default
 * is VA: with VFIO devices the PCI layer installs an allocator whose IOVAs
 * lie inside the IOMMU's apertures and only the pages we mapped are
 * reachable by the device; with virtual ports only, no device DMAs at all
 * and IOVA = VA is as good as any. Physical addresses as a default would
 * need root (pagemap), put host physical layout into every mbuf, and on
 * 4 KiB pages break every block above one page. */
static int use_pa(void)
{
	return mem.iova_mode == SL_IOVA_MODE_PA;
}

static void release_iova(struct eal_seg *s)
{
	if (s->iova_from_allocator && mem.iova_free != NULL)
		mem.iova_free(s->ms.iova, s->ms.len, mem.iova_arg);
	s->iova_from_allocator = 0;
	free(s->iovas);
	s->iovas = NULL;
	s->ms.iovas = NULL;
	s->ms.iova_contig = 1;
	s->ms.iova = SL_BAD_IOVA;
}

static int assign_iova(struct eal_seg *s)
{
	size_t nb_pages = s->ms.len / s->ms.page_sz;
	int fd, contig = 1;

	release_iova(s);
	if (mem.iova_alloc != NULL) {
		/* Aligned to the page size so the IOMMU can map whole large
		 * pages. */
		sl_iova_t iova = mem.iova_alloc(s->ms.len, s->ms.page_sz, mem.iova_arg);

		if (iova == SL_BAD_IOVA)
			return -ENOMEM; /* the allocator said why */
		s->ms.iova = iova;
		s->iova_from_allocator = 1;
		return 0;
	}
	if (!use_pa()) {
		s->ms.iova = (sl_iova_t)(uintptr_t)s->ms.va;
		return 0;
	}
	s->iovas = malloc(nb_pages * sizeof(*s->iovas));
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (s->iovas == NULL || fd < 0) {
		SL_LOG(ERR, EAL, "cannot read physical addresses for --iova-mode pa: %s",
		       fd < 0 ? strerror(errno) : "out of memory");
		if (fd >= 0)
			close(fd);
		free(s->iovas);
		s->iovas = NULL;
		return -ENOMEM;
	}
	for (size_t p = 0; p < nb_pages; p++) {
		s->iovas[p] = pagemap_pa(fd, (char *)s->ms.va + p * s->ms.page_sz);
		if (s->iovas[p] == SL_BAD_IOVA) {
			SL_LOG(ERR, EAL,
			       "no physical address for DMA memory in /proc/self/pagemap: "
			       "--iova-mode pa needs root (CAP_SYS_ADMIN); use --iova-mode va");
			close(fd);
			free(s->iovas);
			s->iovas = NULL;
			return -EPERM;
		}
		if (p > 0 && s->iovas[p] != s->iovas[p - 1] + s->ms.page_sz)
			contig = 0;
	}
	close(fd);
	s->ms.iova = s->iovas[0];
	if (contig) {
		free(s->iovas);
		s->iovas = NULL;
	} else {
		s->ms.iova_contig = 0;
		s->ms.iovas = s->iovas;
	}
	return 0;
}

/* 0 if [off, off + len) of the segment is one IOVA-contiguous range, else
 * the offset of the first page that breaks the run (a block can start
 * there at the earliest). */
static size_t iova_break(const struct eal_seg *s, size_t off, size_t len)
{
	size_t pg = s->ms.page_sz;
	size_t first = off / pg, last = (off + len - 1) / pg;

	if (s->ms.iova_contig)
		return 0;
	for (size_t p = first + 1; p <= last; p++)
		if (s->iovas[p] != s->iovas[p - 1] + pg)
			return p * pg;
	return 0;
}

/* ---- segments ----------------------------------------------------------- */

static struct eal_seg *find_seg(const void *va)
{
	uintptr_t a = (uintptr_t)va;
	unsigned lo = 0, hi = mem.nb_segs;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct eal_seg *s = mem.segs[mid];
		uintptr_t base = (uintptr_t)s->ms.va;

		if (a < base)
			hi = mid;
		else if (a >= base + s->ms.len)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

static int table_insert(struct eal_seg *s)
{
	unsigned i;

	if (mem.nb_segs == mem.cap_segs) {
		unsigned n = mem.cap_segs ? mem.cap_segs * 2 : 16;
		struct eal_seg **grown = realloc(mem.segs, n * sizeof(*grown));

		if (grown == NULL)
			return -ENOMEM;
		mem.segs = grown;
		mem.cap_segs = n;
	}
	for (i = mem.nb_segs; i > 0 && mem.segs[i - 1]->ms.va > s->ms.va; i--)
		mem.segs[i] = mem.segs[i - 1];
	mem.segs[i] = s;
	mem.nb_segs++;
	return 0;
}

static void table_remove(const struct eal_seg *s)
{
	unsigned i;

	for (i = 0; i < mem.nb_segs && mem.segs[i] != s; i++)
		;
	if (i == mem.nb_segs)
		return;
	memmove(&mem.segs[i], &mem.segs[i + 1], (mem.nb_segs - i - 1) * sizeof(mem.segs[0]));
	mem.nb_segs--;
}

static void notify_free(struct eal_seg *s, unsigned nb_cbs)
{
	while (nb_cbs-- > 0)
		mem.cbs[nb_cbs].cb(SL_MEM_EVENT_FREE, &s->ms, mem.cbs[nb_cbs].arg);
}

static void seg_unmap(struct eal_seg *s)
{
	struct extent *e, *next;

	release_iova(s);
	if (s->ms.va != NULL)
		munmap(s->ms.va, s->ms.len);
	for (e = s->extents; e != NULL; e = next) {
		next = e->next;
		free(e);
	}
	free(s);
}

static void seg_destroy(struct eal_seg *s)
{
	notify_free(s, mem.nb_cbs);
	table_remove(s);
	mem.reserved_bytes -= s->ms.len;
	mem.used_bytes -= s->used;
	seg_unmap(s);
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

static void log_no_hugepages(size_t need, int socket, const char *what)
{
	char node_dir[128], nr_path[192], free_path[192], free_desc[512];
	size_t page_kb = mem.page_sz / 1024;
	size_t pages = (need + mem.page_sz - 1) / mem.page_sz;
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

static void log_memlock_failure(size_t len, int err)
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

/* A hugetlbfs mount for our page size, from /proc/mounts. */
static int find_hugetlbfs(char *dir, size_t cap)
{
	FILE *f = fopen("/proc/mounts", "r");
	char line[512], mnt[256], type[64], opts[256];
	size_t def = default_hugepage_size();
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		const char *ps;
		size_t sz = def;

		if (sscanf(line, "%*s %255s %63s %255s", mnt, type, opts) != 3 ||
		    strcmp(type, "hugetlbfs") != 0)
			continue;
		ps = strstr(opts, "pagesize=");
		if (ps != NULL) {
			char unit = 0;
			unsigned long v = 0;

			if (sscanf(ps + 9, "%lu%c", &v, &unit) >= 1) {
				sz = v;
				if (unit == 'K' || unit == 'k')
					sz <<= 10;
				else if (unit == 'M' || unit == 'm')
					sz <<= 20;
				else if (unit == 'G' || unit == 'g')
					sz <<= 30;
			}
		}
		if (sz == mem.page_sz && access(mnt, W_OK) == 0) {
			snprintf(dir, cap, "%s", mnt);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static int open_backing_file(void)
{
	unsigned shift = (unsigned)__builtin_ctzll(mem.page_sz);
	const char *env = getenv(EAL_ENV_HUGETLBFS_ONLY);
	char dir[256], path[320];
	int fd;

	if (mem.no_huge)
		return memfd_create("sluice-dma", MFD_CLOEXEC);
	if (env == NULL || strcmp(env, "1") != 0) {
		/* A memfd has no name in any filesystem: nothing to clean up
		 * after a crash. */
		fd = memfd_create("sluice-dma", MFD_CLOEXEC | MFD_HUGETLB | (shift << MFD_HUGE_SHIFT));
		if (fd >= 0 || (errno != EINVAL && errno != ENOSYS))
			return fd;
	}
	if (!find_hugetlbfs(dir, sizeof(dir))) {
		SL_LOG(ERR, EAL,
		       "no way to get hugepages: memfd_create(MFD_HUGETLB) %s and no hugetlbfs for "
		       "%zukB pages is mounted writable for this user; mount one (mount -t hugetlbfs "
		       "-o uid=$(id -u) nodev /dev/hugepages) or run with --no-huge",
		       env != NULL && strcmp(env, "1") == 0 ? "is off (" EAL_ENV_HUGETLBFS_ONLY "=1)"
							    : "is not supported",
		       mem.page_sz / 1024);
		errno = ENOTSUP;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/sluice-%d-%u", dir, (int)getpid(), mem.file_counter++);
	fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		SL_LOG(ERR, EAL, "cannot create %s: %s", path, strerror(errno));
		errno = ENOTSUP;
		return -1;
	}
	/* Gone from the directory at once: the open file keeps the pages,
	 * and a crash leaves nothing behind. */
	unlink(path);
	return fd;
}

static int bind_to_node(void *va, size_t len, int socket)
{
	unsigned long mask[(SL_MAX_NUMA_NODES + 63) / 64 + 1] = { 0 };

	if (!mem.multi_node)
		return 0;
	mask[socket / 64] |= 1ul << (socket % 64);
	/* Before the first touch: pages are placed at fault/fallocate time
	 * by the (shared) policy of the file. */
	if (mbind(va, len, MPOL_BIND, mask, sizeof(mask) * 8, 0) < 0) {
		SL_LOG(ERR, EAL, "cannot bind DMA memory to NUMA node %d: %s", socket, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Maps a new segment of len bytes (a page multiple) on socket, assigns its
 * IOVA and announces it. what: the reason, for messages ("-m 512"). */
static int seg_create(size_t len, int socket, int reserved, const char *what, struct eal_seg **out)
{
	struct eal_seg *s;
	unsigned nb_cbs;
	int fd, ret, err;

	if (mem.limit != 0 && mem.reserved_bytes + len > mem.limit) {
		if (mem.cap != 0)
			SL_LOG(ERR, EAL,
			       "DMA memory limit reached for %s: -m %zu MB (%zu MB in use); give a "
			       "larger -m",
			       what, mem.cap / MB, (mem.used_bytes + MB - 1) / MB);
		else
			SL_LOG(ERR, EAL,
			       "DMA memory limit reached for %s: --no-huge stops at half of RAM, "
			       "%zu MB (%zu MB in use); give -m to set the limit",
			       what, mem.limit / MB, (mem.used_bytes + MB - 1) / MB);
		return -ENOMEM;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->ms.len = len;
	s->ms.page_sz = mem.page_sz;
	s->ms.socket = socket;
	s->ms.iova_contig = 1;
	s->ms.iova = SL_BAD_IOVA;
	s->reserved = reserved;

	fd = open_backing_file();
	if (fd < 0) {
		err = errno;
		if (err != ENOTSUP)
			SL_LOG(ERR, EAL, "memfd_create for DMA memory failed: %s", strerror(err));
		free(s);
		return -err;
	}
	if (ftruncate(fd, (off_t)len) < 0) {
		err = errno;
		SL_LOG(ERR, EAL, "cannot size a %zu MB DMA segment: %s", len / MB, strerror(err));
		close(fd);
		free(s);
		return -err;
	}
	/* MAP_SHARED: no copy-on-write after fork(), which would move the
	 * parent's next write to a fresh page while a device keeps DMAing
	 * to the old one. */
	s->ms.va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (s->ms.va == MAP_FAILED) {
		err = errno;
		s->ms.va = NULL;
		close(fd);
		free(s);
		if (!mem.no_huge && err == ENOMEM) {
			/* hugetlb reserves the pages at mmap of a shared mapping. */
			log_no_hugepages(len, socket, what);
			return -ENOMEM;
		}
		SL_LOG(ERR, EAL, "cannot map %zu MB of DMA memory: %s", len / MB, strerror(err));
		return -err;
	}
	ret = bind_to_node(s->ms.va, len, socket);
	if (ret < 0) {
		close(fd);
		seg_unmap(s);
		return ret;
	}
	/* fallocate takes the pages now and fails cleanly (ENOSPC/ENOMEM)
	 * when there are not enough; a plain touch would SIGBUS instead. */
	if (fallocate(fd, 0, 0, (off_t)len) < 0) {
		err = errno;
		close(fd);
		seg_unmap(s);
		if (!mem.no_huge && (err == ENOSPC || err == ENOMEM)) {
			log_no_hugepages(len, socket, what);
			return -ENOMEM;
		}
		SL_LOG(ERR, EAL, "cannot allocate %zu MB of %s memory: %s", (len + MB - 1) / MB,
		       mem.no_huge ? "--no-huge" : "hugepage", strerror(err));
		return -ENOMEM;
	}
	/* The mapping keeps the file alive: no fd per segment. */
	close(fd);
	if (mem.no_huge) {
		/* Locked so the pages neither swap nor move while a device
		 * DMAs to them; also maps every page now. The raw system call:
		 * sanitizer runtimes replace mlock() with a no-op. */
		if (syscall(SYS_mlock, s->ms.va, len) < 0) {
			err = errno;
			seg_unmap(s);
			log_memlock_failure(len, err);
			return -ENOMEM;
		}
	} else {
		/* Map every page now (pagemap needs them present, and the
		 * fast path must never take a fault). */
		for (size_t off = 0; off < len; off += mem.page_sz)
			(void)*(volatile char *)((char *)s->ms.va + off);
	}
	s->extents = calloc(1, sizeof(*s->extents));
	if (s->extents == NULL) {
		seg_unmap(s);
		return -ENOMEM;
	}
	s->extents->len = len;
	ret = assign_iova(s);
	if (ret == 0)
		ret = table_insert(s);
	if (ret < 0) {
		seg_unmap(s);
		return ret;
	}
	mem.reserved_bytes += len;
	for (nb_cbs = 0; nb_cbs < mem.nb_cbs; nb_cbs++) {
		ret = mem.cbs[nb_cbs].cb(SL_MEM_EVENT_ALLOC, &s->ms, mem.cbs[nb_cbs].arg);
		if (ret < 0) {
			SL_LOG(ERR, EAL, "new DMA segment refused by %s: %s", mem.cbs[nb_cbs].name,
			       strerror(-ret));
			notify_free(s, nb_cbs);
			table_remove(s);
			mem.reserved_bytes -= len;
			seg_unmap(s);
			return ret;
		}
	}
	SL_LOG(DEBUG, EAL, "segment %p: %zu kB of %zu kB pages on node %d, IOVA 0x%" PRIx64 "%s",
	       s->ms.va, len / 1024, mem.page_sz / 1024, socket, s->ms.iova,
	       s->ms.iova_contig ? "" : " (per page)");
	*out = s;
	return 0;
}

/* ---- blocks -------------------------------------------------------------- */

/* First fit inside one segment; NULL if nothing fits. */
static void *seg_carve(struct eal_seg *s, size_t size, size_t align, const char *name, int *oom)
{
	uintptr_t base = (uintptr_t)s->ms.va;
	struct extent *e, *prev = NULL;
	size_t start = 0;

	for (e = s->extents; e != NULL; prev = e, e = e->next) {
		if (e->used || e->len < size)
			continue;
		start = SL_ALIGN_CEIL(base + e->off, align) - base;
		while (start + size <= e->off + e->len) {
			size_t brk = iova_break(s, start, size);

			if (brk == 0)
				goto found;
			start = SL_ALIGN_CEIL(base + brk, align) - base;
		}
	}
	return NULL;

found:
	if (start > e->off) {
		struct extent *pad = calloc(1, sizeof(*pad));

		if (pad == NULL) {
			*oom = 1;
			return NULL;
		}
		pad->off = e->off;
		pad->len = start - e->off;
		pad->next = e;
		if (prev != NULL)
			prev->next = pad;
		else
			s->extents = pad;
		e->off = start;
		e->len -= pad->len;
	}
	if (e->len > size) {
		struct extent *rest = calloc(1, sizeof(*rest));

		if (rest == NULL) {
			*oom = 1; /* the pad stays: a free extent like any other */
			return NULL;
		}
		rest->off = e->off + size;
		rest->len = e->len - size;
		rest->next = e->next;
		e->next = rest;
		e->len = size;
	}
	e->used = 1;
	snprintf(e->name, sizeof(e->name), "%s", name != NULL ? name : "");
	s->used += size;
	mem.used_bytes += size;
	return (void *)(base + e->off);
}

void *sl_dma_zalloc(const char *name, size_t size, size_t align, int socket)
{
	struct eal_seg *s;
	void *va = NULL;
	char what[128];
	size_t len;
	int oom = 0;

	if (align == 0)
		align = SL_CACHE_LINE_SIZE;
	if (size == 0 || !sl_is_power_of_2(align) || size > SIZE_MAX / 2 || align > SIZE_MAX / 4) {
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): bad size %zu or alignment %zu (a power of two)",
		       name ? name : "", size, align);
		return NULL;
	}
	if (align < SL_CACHE_LINE_SIZE)
		align = SL_CACHE_LINE_SIZE;
	/* Whole cache lines: no two blocks share one (false sharing between
	 * lcores, or a device writing a line the CPU is using). */
	size = SL_ALIGN_CEIL(size, (size_t)SL_CACHE_LINE_SIZE);
	if (socket == SL_SOCKET_ID_ANY)
		socket = sl_socket_id();
	if (!node_exists(socket)) {
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): NUMA node %d does not exist here; use "
				 "SL_SOCKET_ID_ANY or a node from 'numactl -H'",
		       name ? name : "", socket);
		return NULL;
	}

	pthread_mutex_lock(&mem.lock);
	if (!mem.initialized) {
		pthread_mutex_unlock(&mem.lock);
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): call sl_eal_init first", name ? name : "");
		return NULL;
	}
	/* Physical pages are contiguous only by luck: refuse what would work
	 * on some runs and not on others. */
	if (mem.iova_alloc == NULL && use_pa() && size > mem.page_sz) {
		pthread_mutex_unlock(&mem.lock);
		SL_LOG(ERR, EAL,
		       "sl_dma_zalloc(%s): %zu kB cannot be IOVA-contiguous with physical addresses "
		       "on %zu kB pages: use hugepages (larger ones) or --iova-mode va",
		       name ? name : "", (size + 1023) / 1024, mem.page_sz / 1024);
		return NULL;
	}
	for (unsigned i = 0; va == NULL && !oom && i < mem.nb_segs; i++)
		if (mem.segs[i]->ms.socket == socket)
			va = seg_carve(mem.segs[i], size, align, name, &oom);
	/* With -m everything was reserved at init on the main lcore's node:
	 * any segment beats failing. */
	for (unsigned i = 0; mem.cap != 0 && va == NULL && !oom && i < mem.nb_segs; i++)
		if (mem.segs[i]->ms.socket != socket)
			va = seg_carve(mem.segs[i], size, align, name, &oom);
	if (va == NULL && !oom) {
		snprintf(what, sizeof(what), "a %zu kB block (%s)", (size + 1023) / 1024,
			 name ? name : "");
		len = size + (align > mem.page_sz ? align : 0);
		len = SL_ALIGN_CEIL(SL_MAX(len, mem.granule), mem.page_sz);
		if (seg_create(len, socket, 0, what, &s) == 0) {
			va = seg_carve(s, size, align, name, &oom);
			if (va == NULL && s->used == 0)
				seg_destroy(s);
		}
	}
	pthread_mutex_unlock(&mem.lock);
	if (oom)
		SL_LOG(ERR, EAL, "sl_dma_zalloc(%s): out of heap memory for bookkeeping",
		       name ? name : "");
	return va;
}

void sl_dma_free(void *va)
{
	struct eal_seg *s;
	struct extent *e, *prev = NULL;
	size_t off;

	if (va == NULL)
		return;
	pthread_mutex_lock(&mem.lock);
	s = find_seg(va);
	if (s != NULL) {
		off = (uintptr_t)va - (uintptr_t)s->ms.va;
		for (e = s->extents; e != NULL && e->off < off; prev = e, e = e->next)
			;
		if (e == NULL || e->off != off || !e->used)
			s = NULL;
	}
	if (s == NULL) {
		pthread_mutex_unlock(&mem.lock);
		SL_LOG(ERR, EAL, "sl_dma_free(%p): not a block from sl_dma_zalloc (freed twice?)", va);
		return;
	}
	/* Free memory is kept zeroed, so sl_dma_zalloc never clears. */
	memset(va, 0, e->len);
	e->used = 0;
	e->name[0] = '\0';
	s->used -= e->len;
	mem.used_bytes -= e->len;
	if (e->next != NULL && !e->next->used) {
		struct extent *n = e->next;

		e->len += n->len;
		e->next = n->next;
		free(n);
	}
	if (prev != NULL && !prev->used) {
		prev->len += e->len;
		prev->next = e->next;
		free(e);
	}
	if (s->used == 0 && !s->reserved)
		seg_destroy(s);
	pthread_mutex_unlock(&mem.lock);
}

sl_iova_t sl_mem_virt2iova(const void *va)
{
	struct eal_seg *s;
	sl_iova_t iova = SL_BAD_IOVA;

	pthread_mutex_lock(&mem.lock);
	s = find_seg(va);
	if (s != NULL) {
		size_t off = (uintptr_t)va - (uintptr_t)s->ms.va;

		if (s->ms.iova_contig)
			iova = s->ms.iova == SL_BAD_IOVA ? SL_BAD_IOVA : s->ms.iova + off;
		else
			iova = s->iovas[off / s->ms.page_sz] + off % s->ms.page_sz;
	}
	pthread_mutex_unlock(&mem.lock);
	return iova;
}

int sl_memseg_walk(int (*fn)(const struct sl_memseg *ms, void *arg), void *arg)
{
	int ret = 0;

	pthread_mutex_lock(&mem.lock);
	for (unsigned i = 0; ret == 0 && i < mem.nb_segs; i++)
		ret = fn(&mem.segs[i]->ms, arg);
	pthread_mutex_unlock(&mem.lock);
	return ret;
}

size_t sl_mem_reserved_bytes(void)
{
	size_t n;

	pthread_mutex_lock(&mem.lock);
	n = mem.reserved_bytes;
	pthread_mutex_unlock(&mem.lock);
	return n;
}

size_t sl_mem_used_bytes(void)
{
	size_t n;

	pthread_mutex_lock(&mem.lock);
	n = mem.used_bytes;
	pthread_mutex_unlock(&mem.lock);
	return n;
}

/* ---- events and the IOVA allocator hook ---------------------------------- */

int sl_mem_event_callback_register(const char *name, sl_mem_event_cb_t cb, void *arg)
{
	struct mem_callback *c;
	int ret = 0;

	if (name == NULL || cb == NULL || strlen(name) >= sizeof(c->name)) {
		SL_LOG(ERR, EAL, "memory event callback: a name (under 64 chars) and a function are "
				 "needed");
		return -EINVAL;
	}
	pthread_mutex_lock(&mem.lock);
	for (unsigned i = 0; i < mem.nb_cbs; i++) {
		if (strcmp(mem.cbs[i].name, name) == 0) {
			pthread_mutex_unlock(&mem.lock);
			SL_LOG(ERR, EAL, "memory event callback %s is already registered", name);
			return -EEXIST;
		}
	}
	if (mem.nb_cbs == MAX_MEM_CALLBACKS) {
		pthread_mutex_unlock(&mem.lock);
		SL_LOG(ERR, EAL, "more than %d memory event callbacks", MAX_MEM_CALLBACKS);
		return -ENOSPC;
	}
	c = &mem.cbs[mem.nb_cbs];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->cb = cb;
	c->arg = arg;
	/* The segments that already exist, as if they had just appeared; on
	 * failure the ones announced are taken back and nothing stays
	 * registered. */
	for (unsigned i = 0; i < mem.nb_segs; i++) {
		ret = cb(SL_MEM_EVENT_ALLOC, &mem.segs[i]->ms, arg);
		if (ret < 0) {
			while (i-- > 0)
				cb(SL_MEM_EVENT_FREE, &mem.segs[i]->ms, arg);
			break;
		}
	}
	if (ret == 0)
		mem.nb_cbs++;
	pthread_mutex_unlock(&mem.lock);
	return ret < 0 ? ret : 0;
}

int sl_mem_event_callback_unregister(const char *name)
{
	int ret = -ENOENT;

	if (name == NULL)
		return -EINVAL;
	pthread_mutex_lock(&mem.lock);
	for (unsigned i = 0; i < mem.nb_cbs; i++) {
		if (strcmp(mem.cbs[i].name, name) == 0) {
			memmove(&mem.cbs[i], &mem.cbs[i + 1], (mem.nb_cbs - i - 1) * sizeof(mem.cbs[0]));
			mem.nb_cbs--;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&mem.lock);
	return ret;
}

void sl_mem_set_iova_allocator(sl_iova_alloc_t alloc, sl_iova_free_t free_fn, void *arg)
{
	pthread_mutex_lock(&mem.lock);
	/* Existing segments move to the new policy. Nobody may have captured
	 * their IOVAs yet: this is meant for init hooks, before pools exist. */
	for (unsigned i = 0; i < mem.nb_segs; i++)
		release_iova(mem.segs[i]);
	mem.iova_alloc = alloc;
	mem.iova_free = alloc != NULL ? free_fn : NULL;
	mem.iova_arg = arg;
	for (unsigned i = 0; i < mem.nb_segs; i++)
		if (assign_iova(mem.segs[i]) < 0)
			SL_LOG(ERR, EAL, "segment %p (%zu kB) has no IOVA now: devices cannot reach it",
			       mem.segs[i]->ms.va, mem.segs[i]->ms.len / 1024);
	pthread_mutex_unlock(&mem.lock);
}

/* ---- init / fini --------------------------------------------------------- */

int eal_memory_init(const struct eal_config *cfg, int socket)
{
	struct eal_seg *s;
	char what[64];
	int ret;

	pthread_mutex_lock(&mem.lock);
	mem.no_huge = cfg->no_huge;
	mem.iova_mode = cfg->iova_mode;
	mem.cap = cfg->mem_bytes;
	mem.limit = 0;
	/* pagemap is only read for --iova-mode pa (see use_pa). */
	mem.pagemap_ok = mem.iova_mode == SL_IOVA_MODE_PA && pagemap_works();
	mem.multi_node = numa_available() >= 0 && numa_num_configured_nodes() > 1;
	if (mem.no_huge) {
		mem.page_sz = (size_t)sysconf(_SC_PAGESIZE);
		mem.granule = NOHUGE_GRANULE;
	} else {
		mem.page_sz = default_hugepage_size();
		mem.granule = mem.page_sz;
		if (mem.page_sz == 0) {
			pthread_mutex_unlock(&mem.lock);
			SL_LOG(ERR, EAL, "this kernel has no hugepage support (no Hugepagesize in "
					 "/proc/meminfo): run with --no-huge");
			return -ENOTSUP;
		}
	}
	if (mem.iova_mode == SL_IOVA_MODE_PA && !mem.pagemap_ok) {
		pthread_mutex_unlock(&mem.lock);
		SL_LOG(ERR, EAL, "--iova-mode pa needs physical addresses from /proc/self/pagemap, "
				 "which only root (CAP_SYS_ADMIN) can read: run as root or use "
				 "--iova-mode va");
		return -EPERM;
	}
	if (mem.iova_mode == SL_IOVA_MODE_PA)
		SL_LOG(WARNING, EAL, "--iova-mode pa: DMA addresses are host physical addresses; the "
				     "default (va: IOMMU-allocated IOVAs) needs no pagemap access and "
				     "keeps the physical layout out of every packet buffer");
	if (mem.no_huge && mem.cap != 0) {
		/* fallocate of a memfd has no limit but RAM: a -m beyond what
		 * the machine has would summon the OOM killer, not an error. */
		size_t avail = mem_available_bytes();
		struct rlimit rl;

		if (avail != 0 && mem.cap > avail) {
			pthread_mutex_unlock(&mem.lock);
			SL_LOG(ERR, EAL, "--no-huge -m %zu: only %zu MB of RAM are available "
					 "(MemAvailable in /proc/meminfo): give a smaller -m",
			       mem.cap / MB, avail / MB);
			return -ENOMEM;
		}
		/* Without CAP_IPC_LOCK mlock stops at RLIMIT_MEMLOCK: say so
		 * before the pages are allocated rather than after. */
		if (!have_capability(CAP_IPC_LOCK) && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
		    rl.rlim_cur != RLIM_INFINITY && mem.cap > rl.rlim_cur) {
			pthread_mutex_unlock(&mem.lock);
			log_memlock_failure(mem.cap, ENOMEM);
			return -ENOMEM;
		}
	}
	if (mem.cap == 0 && mem.no_huge) {
		/* Hugepages are bounded by nr_hugepages; locked 4 KiB pages
		 * only by RAM (root ignores RLIMIT_MEMLOCK): a runaway
		 * allocation must fail, not summon the OOM killer. */
		long pages = sysconf(_SC_PHYS_PAGES);

		if (pages > 0)
			mem.limit = SL_ALIGN_FLOOR((size_t)pages * (size_t)sysconf(_SC_PAGESIZE) / 2,
						   mem.page_sz);
	}
	if (mem.cap != 0) {
		mem.cap = SL_ALIGN_CEIL(mem.cap, mem.page_sz);
		mem.limit = mem.cap;
		snprintf(what, sizeof(what), "-m %zu", cfg->mem_bytes / MB);
	} else {
		snprintf(what, sizeof(what), "the first DMA segment");
	}
	mem.initialized = 1;
	/* Reserve now, so a machine without (enough) hugepages or locked
	 * memory fails here with the remedy, not at the first pool. */
	ret = seg_create(mem.cap != 0 ? mem.cap : mem.granule, socket, 1, what, &s);
	if (ret < 0)
		mem.initialized = 0;
	pthread_mutex_unlock(&mem.lock);
	return ret;
}

void eal_memory_fini(void)
{
	size_t leaked = 0;

	pthread_mutex_lock(&mem.lock);
	while (mem.nb_segs > 0) {
		leaked += mem.segs[mem.nb_segs - 1]->used;
		seg_destroy(mem.segs[mem.nb_segs - 1]);
	}
	if (leaked != 0)
		SL_LOG(DEBUG, EAL, "cleanup released %zu kB of DMA blocks still in use", leaked / 1024);
	free(mem.segs);
	mem.segs = NULL;
	mem.cap_segs = 0;
	mem.reserved_bytes = 0;
	mem.used_bytes = 0;
	/* The allocator belonged to this run's VFIO container. */
	mem.iova_alloc = NULL;
	mem.iova_free = NULL;
	mem.iova_arg = NULL;
	mem.initialized = 0;
	pthread_mutex_unlock(&mem.lock);
}
