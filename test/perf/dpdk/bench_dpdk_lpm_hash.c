/* SPDX-License-Identifier: BSD-3-Clause
 * sl_lpm against rte_lpm and sl_hash against rte_hash in one process, runs
 * alternating (sl, rte, sl, rte, ...) so that both see the same machine
 * load; the median of BENCH_RUNS runs of each is printed, then the ratio.
 *
 *   lpm_<routes>_<addrs>: lookup_bulk of 32 addresses, routes a BGP-like
 *     prefix-length mix (mostly /24, then /22-/23, /16-/21, a few /8-/15
 *     and /25-/32); addrs "random": hosts inside random routes, 1M of them
 *     in a row (cache misses), "repeated": the same 64 again and again.
 *   lpm_<routes>_random_tbl24_loads: the same loop, bursts and addresses
 *     with only the tbl24 loads, made as sl_lpm_lookup_bulk makes them:
 *     its time if no address needed a tbl8 entry. The gap to _sl is what
 *     the extended ones cost (their tbl8 load waits for the tbl24 miss, and
 *     the next burst's misses overlap it only as far as the loads in flight
 *     reach); _ceiling is DPDK / that.
 *   hash_1m_<hits|misses>: lookup_bulk_data of 32 16-byte keys out of 1M
 *     in the table, random order; misses look up 1M keys not in it.
 * Both hash tables use CRC32C (rte_hash_crc, sl_hash's default).
 */
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>
#include <rte_version.h>

#include "../bench_common.h"
#include "sl_hash.h"
#include "sl_lpm.h"

#define NADDR (1u << 20)
#define BURST 32
#define NKEYS (1u << 20)

static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint8_t bgp_depth(void)
{
	uint32_t r = rnd() % 1000;

	if (r < 600)
		return 24;
	if (r < 750)
		return (uint8_t)(22 + r % 2);
	if (r < 950)
		return (uint8_t)(16 + r % 6);
	if (r < 960)
		return (uint8_t)(8 + r % 8);
	return (uint8_t)(25 + r % 8);
}

struct route { uint32_t ip; uint8_t depth; };

/* One side a function, never inlined into the other's loop: each gets its
 * own code, and callgrind --toggle-collect can count either alone. */
#define LPM_LOOP(lookup_bulk)                                                        \
	do {                                                                         \
		static uint32_t hops[BURST];                                         \
		uint64_t t0 = bench_now_ns(), sum = 0;                               \
		uint32_t rounds = (4 * NADDR) / naddr, r, i, k;                      \
                                                                                     \
		for (r = 0; r < rounds; r++)                                         \
			for (i = 0; i < naddr; i += BURST) {                         \
				lookup_bulk(t, addrs + i, hops, BURST);              \
				for (k = 0; k < BURST; k++)                          \
					sum += hops[k];                              \
			}                                                            \
		if (sum == 1)                                                        \
			printf("#\n");                                               \
		return (double)(bench_now_ns() - t0) / ((double)rounds * naddr);     \
	} while (0)

static __attribute__((noinline)) double run_lpm_sl(struct sl_lpm *t, const uint32_t *addrs,
						   uint32_t naddr)
{
	LPM_LOOP(sl_lpm_lookup_bulk);
}

static __attribute__((noinline)) double run_lpm_dpdk(struct rte_lpm *t, const uint32_t *addrs,
						     uint32_t naddr)
{
	LPM_LOOP(rte_lpm_lookup_bulk);
}

/* hops[k] = the tbl24 entry of ips[k], through sl_lpm's own quad loads. */
static inline void tbl24_loads_only(const struct sl_lpm *t, const uint32_t *ips, uint32_t *hops,
				    unsigned int n)
{
	unsigned int k;

	for (k = 0; k + 16 <= n; k += 16)
		(void)sl_lpm_sixteen_(t->t.tbl24, ips + k, hops + k);
	for (; k < n; k += 4)
		(void)sl_lpm_quad_(t->t.tbl24, ips + k, hops + k);
}

static __attribute__((noinline)) double run_lpm_tbl24_loads(struct sl_lpm *t, const uint32_t *addrs,
							   uint32_t naddr)
{
	LPM_LOOP(tbl24_loads_only);
}

static void bench_lpm(uint32_t nroutes)
{
	struct sl_lpm_config scfg = { .max_rules = nroutes, .number_tbl8s = 1 << 16 };
	struct rte_lpm_config rcfg = { .max_rules = nroutes, .number_tbl8s = 1 << 16 };
	struct route *routes = malloc(nroutes * sizeof(*routes));
	uint32_t *addrs = malloc(NADDR * sizeof(uint32_t));
	struct sl_lpm *sl = sl_lpm_create("bench", 0, &scfg);
	struct rte_lpm *rte = rte_lpm_create("bench", 0, &rcfg);
	unsigned int runs = bench_runs(), i, p;

	if (!routes || !addrs || !sl || !rte) {
		fprintf(stderr, "bench_dpdk_lpm_hash: cannot create the LPM tables\n");
		exit(1);
	}
	for (i = 0; i < nroutes; i++) {
		uint8_t d = bgp_depth();
		uint32_t ip = (rnd() << 8 ^ rnd()) & (uint32_t)(UINT64_C(0xffffffff) << (32 - d));

		routes[i] = (struct route){ ip, d };
		if (sl_lpm_add(sl, ip, d, i & 0xffff) != 0 || rte_lpm_add(rte, ip, d, i & 0xffff) != 0) {
			fprintf(stderr, "bench_dpdk_lpm_hash: add failed\n");
			exit(1);
		}
	}
	for (p = 0; p < 2; p++) {
		uint32_t naddr = p == 0 ? NADDR : 64;
		double vs[BENCH_MAX_RUNS], vr[BENCH_MAX_RUNS], vf[BENCH_MAX_RUNS], ms, mr, mf;
		char name[64];

		for (i = 0; i < naddr; i++) {
			const struct route *r = &routes[rnd() % nroutes];

			addrs[i] = r->ip | (rnd() & ~(uint32_t)(UINT64_C(0xffffffff) << (32 - r->depth)));
		}
		for (i = 0; i < runs; i++) {
			vs[i] = run_lpm_sl(sl, addrs, naddr);
			vr[i] = run_lpm_dpdk(rte, addrs, naddr);
			if (p == 0)
				vf[i] = run_lpm_tbl24_loads(sl, addrs, naddr);
		}
		ms = bench_median(vs, runs);
		mr = bench_median(vr, runs);
		snprintf(name, sizeof(name), "lpm_%u_%s_sl", nroutes, p ? "repeated" : "random");
		bench_print(name, ms, "ns/lookup");
		snprintf(name, sizeof(name), "lpm_%u_%s_dpdk", nroutes, p ? "repeated" : "random");
		bench_print(name, mr, "ns/lookup");
		snprintf(name, sizeof(name), "lpm_%u_%s_speedup", nroutes, p ? "repeated" : "random");
		bench_print(name, mr / ms, "x");
		if (p == 0) {
			mf = bench_median(vf, runs);
			snprintf(name, sizeof(name), "lpm_%u_random_tbl24_loads", nroutes);
			bench_print(name, mf, "ns/lookup");
			snprintf(name, sizeof(name), "lpm_%u_random_ceiling", nroutes);
			bench_print(name, mr / mf, "x");
		}
	}
	sl_lpm_free(sl);
	rte_lpm_free(rte);
	free(routes);
	free(addrs);
}

#define HASH_LOOP(lookup_bulk_data)                                                  \
	do {                                                                         \
		static void *data[BURST];                                            \
		uint64_t t0 = bench_now_ns(), hits = 0, mask;                        \
		uint32_t i;                                                          \
                                                                                     \
		for (i = 0; i < NKEYS; i += BURST) {                                 \
			lookup_bulk_data(t, keys + i, BURST, &mask, data);           \
			hits += (uint64_t)__builtin_popcountll(mask);                \
		}                                                                    \
		if (hits == 1)                                                       \
			printf("#\n");                                               \
		return (double)(bench_now_ns() - t0) / NKEYS;                        \
	} while (0)

static __attribute__((noinline)) double run_hash_sl(struct sl_hash *t, const void **keys)
{
	HASH_LOOP(sl_hash_lookup_bulk_data);
}

static __attribute__((noinline)) double run_hash_dpdk(struct rte_hash *t, const void **keys)
{
	HASH_LOOP(rte_hash_lookup_bulk_data);
}

static void bench_hash(void)
{
	/* room for 2M: at 1M in 1M slots an insert can fail (~98 % load) */
	struct sl_hash_parameters sp = { .name = "bench", .entries = 2 * NKEYS, .key_len = 16 };
	struct rte_hash_parameters rp = { .name = "bench", .entries = 2 * NKEYS, .key_len = 16,
					  .hash_func = rte_hash_crc, .socket_id = 0 };
	uint64_t (*keys)[2] = malloc(2 * (size_t)NKEYS * 16);
	const void **order = malloc(NKEYS * sizeof(void *));
	struct sl_hash *sl = sl_hash_create(&sp);
	struct rte_hash *rte = rte_hash_create(&rp);
	unsigned int runs = bench_runs(), i, p;

	if (!keys || !order || !sl || !rte) {
		fprintf(stderr, "bench_dpdk_lpm_hash: cannot create the hash tables\n");
		exit(1);
	}
	for (i = 0; i < 2 * NKEYS; i++) {
		keys[i][0] = (uint64_t)rnd() << 32 | rnd();
		keys[i][1] = i;
	}
	for (i = 0; i < NKEYS; i++)
		if (sl_hash_add_key_data(sl, keys[i], (void *)(uintptr_t)i) != 0 ||
		    rte_hash_add_key_data(rte, keys[i], (void *)(uintptr_t)i) != 0) {
			fprintf(stderr, "bench_dpdk_lpm_hash: hash add %u failed\n", i);
			exit(1);
		}
	for (p = 0; p < 2; p++) {
		double vs[BENCH_MAX_RUNS], vr[BENCH_MAX_RUNS], ms, mr;
		char name[64];

		for (i = 0; i < NKEYS; i++)
			order[i] = keys[(p ? NKEYS : 0) + rnd() % NKEYS];
		for (i = 0; i < runs; i++) {
			vs[i] = run_hash_sl(sl, order);
			vr[i] = run_hash_dpdk(rte, order);
		}
		ms = bench_median(vs, runs);
		mr = bench_median(vr, runs);
		snprintf(name, sizeof(name), "hash_1m_%s_sl", p ? "misses" : "hits");
		bench_print(name, ms, "ns/lookup");
		snprintf(name, sizeof(name), "hash_1m_%s_dpdk", p ? "misses" : "hits");
		bench_print(name, mr, "ns/lookup");
		snprintf(name, sizeof(name), "hash_1m_%s_speedup", p ? "misses" : "hits");
		bench_print(name, mr / ms, "x");
	}
	sl_hash_free(sl);
	rte_hash_free(rte);
	free(keys);
	free(order);
}

int main(void)
{
	/* rte_lpm and rte_hash allocate from the EAL's memory: on hugepages,
	 * as DPDK applications run, when 768 MiB of them are free (the
	 * tables take ~300 MB); Sluice's tables are on 2 MiB pages either
	 * way (sl_table_zalloc), so 4 KiB pages would cost DPDK TLB misses
	 * that are not the algorithm's. */
	int huge = bench_hugepages_usable(384);
	char *argv[] = { "bench_dpdk_lpm_hash", "-l", "0", "--no-pci",
			 "--no-telemetry", "--log-level=1", "-m", "768",
			 "--file-prefix=sl_bench_dpdk_lpm_hash", huge ? NULL : "--no-huge", NULL };
	int argc = huge ? 9 : 10;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "bench_dpdk_lpm_hash: rte_eal_init failed: %s\n",
			rte_strerror(rte_errno));
		return 77;
	}
	printf("# %s, DPDK's memory: %s\n", rte_version(),
	       huge ? "2 MiB hugepages" : "--no-huge 4 KiB pages (reserve 384 free 2 MiB pages for a fair run)");
	if (bench_selected("lpm_1000"))
		bench_lpm(1000);
	if (bench_selected("lpm_500000"))
		bench_lpm(500000);
	if (bench_selected("hash"))
		bench_hash();
	rte_eal_cleanup();
	return 0;
}
