/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice EAL: command line, pinned lcore threads, TSC time, DMA memory. */
#ifndef SL_EAL_H
#define SL_EAL_H

#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "sl_common.h"
#include "sl_log.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- init / cleanup -------------------------------------------------- */

/* Parses the EAL options (everything up to "--" or the first non-option),
 * starts the worker lcores and sets up memory. Returns the number of argv
 * entries consumed (the "--" included, argv[0] not counted) so that the
 * caller continues with argv += ret, argc -= ret; as in DPDK the program
 * name is copied into argv[ret], so the application's argv[0] stays the
 * program name. Or -errno after logging one line that says what to do:
 * -EINVAL for a bad option, -ENOMEM when the memory cannot be reserved,
 * -EALREADY when already initialized. -h/--help prints the usage on stdout
 * and returns -EINTR without initializing anything: the application should
 * then exit with status 0. getopt's state is reset (optind = 0) on return,
 * so the application's own getopt scan starts afresh. */
int sl_eal_init(int argc, char **argv);
/* Stops the workers, unmaps DMA, releases devices and hugepages. A new
 * sl_eal_init may follow. */
void sl_eal_cleanup(void);
/* The EAL usage text (what -h prints). */
void sl_eal_usage(const char *prog);

/* Subsystems above the EAL (pci bus, vdev bus, ethdev) register here from
 * constructors; sl_eal_init calls init hooks after memory is up, lowest
 * order first, and sl_eal_cleanup calls fini hooks in reverse. An init hook
 * returning < 0 fails sl_eal_init (after the fini of the hooks already run). */
enum { SL_EAL_HOOK_PCI = 10, SL_EAL_HOOK_VDEV = 20, SL_EAL_HOOK_ETHDEV = 30,
       SL_EAL_HOOK_TELEMETRY = 40 };
int sl_eal_register_hook(const char *name, int order, int (*init)(void), void (*fini)(void));

/* A bus says which IOVA mode the devices it is about to probe need; called
 * by sl_eal_init before memory is set up, only when --iova-mode is auto
 * (the default). Answers: SL_IOVA_MODE_PA when a device has no IOMMU
 * (uio_pci_generic), SL_IOVA_MODE_VA when every device is behind one,
 * SL_IOVA_MODE_DC when the bus has none to probe. what names the reason
 * for the log line ("0000:00:03.0 on uio_pci_generic"); it may be left
 * empty. */
typedef enum sl_iova_mode (*sl_eal_iova_query_t)(char *what, size_t what_size);
int sl_eal_register_iova_query(const char *name, sl_eal_iova_query_t query);

/* ---- lcores ---------------------------------------------------------- */

/* Index of the calling lcore (0 .. sl_lcore_count()-1 are dense ids in the
 * order of -l), or SL_LCORE_ID_ANY for a thread that is not an lcore. */
extern __thread unsigned sl_per_lcore_id;
static inline unsigned sl_lcore_id(void) { return sl_per_lcore_id; }
unsigned sl_lcore_count(void);
unsigned sl_get_main_lcore(void);
/* CPU the lcore is pinned to, and its NUMA node. */
int sl_lcore_to_cpu(unsigned lcore);
int sl_lcore_to_socket(unsigned lcore);
/* NUMA node of the calling lcore (0 for foreign threads). */
int sl_socket_id(void);
/* Next enabled lcore after i (skipping main if skip_main), or >= SL_MAX_LCORE. */
unsigned sl_get_next_lcore(unsigned i, int skip_main);
#define SL_LCORE_FOREACH_WORKER(i)                                  \
	for ((i) = sl_get_next_lcore(UINT32_MAX, 1); (i) < SL_MAX_LCORE; \
	     (i) = sl_get_next_lcore((i), 1))

/* Runs fn(arg) on a worker lcore; -EBUSY if it is still running a job,
 * -EINVAL for the main lcore or an unknown lcore. Idle workers sleep. */
int sl_eal_remote_launch(int (*fn)(void *), void *arg, unsigned lcore);
/* On every worker, and on the calling (main) lcore too when call_main. */
int sl_eal_mp_remote_launch(int (*fn)(void *), void *arg, int call_main);
/* Waits for the lcore's job; returns the return value of the last job run
 * there (0 if none; for the main lcore, that of the last
 * sl_eal_mp_remote_launch with call_main). Launch and wait from one thread
 * (normally the main lcore). */
int sl_eal_wait_lcore(unsigned lcore);
void sl_eal_mp_wait_lcore(void);

/* ---- time ------------------------------------------------------------ */

static inline uint64_t sl_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	extern uint64_t sl_tsc_fallback(void);
	return sl_tsc_fallback();
#endif
}
/* TSC ticks per second, calibrated at init (or on first use). */
uint64_t sl_tsc_hz(void);
void sl_delay_us(unsigned us);

/* ---- command-line state the later modules read ----------------------- */

enum sl_iova_mode {
	SL_IOVA_MODE_DC = 0,	/* auto: chosen by sl_eal_init from the devices (never
				 * what sl_eal_iova_mode returns after init) */
	SL_IOVA_MODE_PA,	/* physical addresses (no IOMMU) */
	SL_IOVA_MODE_VA,	/* IOVAs handed out by the EAL's IOVA allocator */
};

unsigned sl_eal_vdev_count(void);
const char *sl_eal_vdev_get(unsigned i);	/* "net_pcap0,rx_pcap=a.pcap" */
unsigned sl_eal_pci_allow_count(void);
const char *sl_eal_pci_allow_get(unsigned i);	/* as given to -a */
int sl_eal_no_pci(void);
int sl_eal_no_huge(void);
enum sl_iova_mode sl_eal_iova_mode(void);
/* --file-prefix, "rte" when not given: names the runtime directory
 * (/var/run/dpdk/<prefix>, or $XDG_RUNTIME_DIR/dpdk/<prefix> for others
 * than root) where the telemetry socket lives. */
const char *sl_eal_file_prefix(void);
int sl_eal_no_telemetry(void);

/* ---- DMA memory ------------------------------------------------------ */

/* Zeroed block of DMA-able memory from hugepage (or --no-huge locked 4 KiB)
 * segments on the given NUMA node (SL_SOCKET_ID_ANY: the caller's). align is
 * a power of two (0 means cache line). The block is IOVA-contiguous.
 * NULL on failure, after one log line that says what to do. */
void *sl_dma_zalloc(const char *name, size_t size, size_t align, int socket);
void sl_dma_free(void *va);
/* IOVA of any byte inside a DMA block; SL_BAD_IOVA if va is not EAL memory. */
sl_iova_t sl_mem_virt2iova(const void *va);

/* Zeroed memory for a large lookup table (hash buckets, LPM levels) that
 * is read at random: 2 MiB aligned and, where the kernel allows it
 * (transparent_hugepage "madvise" or "always"), on 2 MiB pages, so that a
 * lookup misses the TLB far less often. Not DMA memory; needs no
 * sl_eal_init. NULL when out of memory. sl_table_free takes the same size. */
void *sl_table_zalloc(size_t bytes);
void sl_table_free(void *p, size_t bytes);

/* A memory segment: one contiguous VA range from one memfd/hugetlbfs file,
 * of pages of page_sz. iova is the IOVA of va when iova_contig, else
 * per-page IOVAs are in iovas[] (PA mode on 4 KiB pages). */
struct sl_memseg {
	void *va;
	size_t len;
	size_t page_sz;
	int socket;
	int iova_contig;
	sl_iova_t iova;
	const sl_iova_t *iovas;	/* len / page_sz entries when !iova_contig */
};

/* Calls fn for every segment; stops and returns fn's value if non-zero. */
int sl_memseg_walk(int (*fn)(const struct sl_memseg *ms, void *arg), void *arg);

/* Segment events, for the VFIO layer (DMA map on create, unmap on free).
 * A callback registered late is called at once for existing segments with
 * SL_MEM_EVENT_ALLOC. A failing ALLOC callback makes the allocation fail. */
enum sl_mem_event { SL_MEM_EVENT_ALLOC, SL_MEM_EVENT_FREE };
typedef int (*sl_mem_event_cb_t)(enum sl_mem_event ev, const struct sl_memseg *ms, void *arg);
int sl_mem_event_callback_register(const char *name, sl_mem_event_cb_t cb, void *arg);
int sl_mem_event_callback_unregister(const char *name);

/* The one place IOVAs are chosen. The default policy is IOVA = VA, and
 * the VFIO layer installs an allocator that hands out IOVA ranges inside the
 * IOMMU's apertures: devices reach only the memory Sluice mapped for them,
 * through the IOMMU. Physical addresses (pagemap, root only) are used only
 * when --iova-mode pa is given, with a warning; with only virtual ports no
 * device DMAs and the policy does not matter. The allocator returns SL_BAD_IOVA
 * when no range is free. Installing (or resetting with NULL) re-assigns the
 * IOVAs of existing segments through the new policy (the old ones go back
 * through the old free function): do it before anyone captured IOVAs, i.e.
 * from an init hook. Later segments get one contiguous range each from it.
 * sl_eal_cleanup resets to the default policy. Event callbacks and the
 * allocator are called with the EAL memory lock held (a recursive lock:
 * they may call sl_mem_virt2iova and sl_memseg_walk). */
typedef sl_iova_t (*sl_iova_alloc_t)(size_t len, size_t align, void *arg);
typedef void (*sl_iova_free_t)(sl_iova_t iova, size_t len, void *arg);
void sl_mem_set_iova_allocator(sl_iova_alloc_t alloc, sl_iova_free_t free, void *arg);

/* Bytes of DMA memory reserved (segments) and in use (blocks). */
size_t sl_mem_reserved_bytes(void);
size_t sl_mem_used_bytes(void);

/* ---- interrupts -------------------------------------------------------- */

/* Runs on the EAL interrupt thread (a control thread on CPUs no lcore is
 * pinned to) when fd is readable; it must consume what made it readable. */
typedef void (*sl_intr_cb_t)(int fd, void *arg);
/* 0, -EEXIST (fd registered already), -ENOSPC, -errno after a log line. */
int sl_eal_intr_callback_register(int fd, sl_intr_cb_t cb, void *arg);
/* Removes the source; returns once its callback is not running (from the
 * callback itself: at once). 0 or -ENOENT. */
int sl_eal_intr_callback_unregister(int fd, sl_intr_cb_t cb, const void *arg);

/* A control thread: on the CPUs no lcore is pinned to (all of the
 * process's CPUs when every one is), named name (at most 15 characters).
 * 0 or -errno. */
int sl_eal_ctrl_thread_create(pthread_t *thread, const char *name, void *(*fn)(void *), void *arg);

/* An application says how busy its lcores are (busy: cycles that did
 * work, total: cycles it has run; both TSC cycles since it started), for
 * telemetry's /eal/lcore/info. Called from a control thread: it must only
 * read what the lcore writes. 0 on success, -EINVAL when the lcore does
 * not report. */
struct sl_lcore_usage {
	uint64_t total_cycles;
	uint64_t busy_cycles;
};
typedef int (*sl_lcore_usage_cb_t)(unsigned lcore_id, struct sl_lcore_usage *usage);
void sl_lcore_register_usage_cb(sl_lcore_usage_cb_t cb);
/* -ENOTSUP when no callback is registered, else the callback's answer. */
int sl_lcore_usage_get(unsigned lcore_id, struct sl_lcore_usage *usage);

/* An lcore's sleep: until one of the eventfds (at most SL_EAL_WAIT_MAX_FDS,
 * e.g. sl_eth_dev_rx_intr_fd of each queue it owns) is signalled or
 * timeout_ms passes (-1: no limit). Resets every signalled fd. Returns how
 * many were, 0 on timeout or a signal, -errno. */
#define SL_EAL_WAIT_MAX_FDS 64
int sl_eal_wait_fds(const int *fds, unsigned nb, int timeout_ms);

#ifdef __cplusplus
}
#endif
#endif /* SL_EAL_H */
