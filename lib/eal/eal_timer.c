/* SPDX-License-Identifier: BSD-3-Clause
 * TSC frequency: read from the CPU or hypervisor when it says, otherwise
 * measured against CLOCK_MONOTONIC_RAW. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "eal_private.h"

#define NS_PER_S 1000000000ull

static uint64_t tsc_hz;
static pthread_once_t tsc_once = PTHREAD_ONCE_INIT;

uint64_t sl_tsc_fallback(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* A (tsc, ns) pair taken as close together as we can: of a few tries keep
 * the one whose two TSC reads bracket the clock read most tightly, so a
 * preemption or an interrupt between them does not skew the result. */
static void sample_pair(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best_gap = UINT64_MAX;

	for (int i = 0; i < 5; i++) {
		uint64_t t0 = sl_tsc();
		uint64_t n = raw_ns();
		uint64_t t1 = sl_tsc();

		if (t1 - t0 < best_gap) {
			best_gap = t1 - t0;
			*tsc = t0 + (t1 - t0) / 2;
			*ns = n;
		}
	}
}

static uint64_t measure_hz(unsigned ms)
{
	struct timespec req = { .tv_sec = 0, .tv_nsec = (long)ms * 1000000L };
	uint64_t tsc0 = 0, ns0 = 0, tsc1 = 0, ns1 = 0;

	sample_pair(&tsc0, &ns0);
	/* A sleep that runs long (a busy machine) only lengthens the window;
	 * both ends are timestamped, so the ratio stays right. */
	while (nanosleep(&req, &req) != 0)
		;
	sample_pair(&tsc1, &ns1);
	if (ns1 <= ns0)
		return 0;
	return (uint64_t)((double)(tsc1 - tsc0) * (double)NS_PER_S / (double)(ns1 - ns0));
}

#if defined(__x86_64__) || defined(__i386__)
/* What the processor or the hypervisor says the TSC runs at, or 0.
 * Intel SDM vol. 2 CPUID leaf 15h: TSC = crystal * EBX / EAX; when ECX (the
 * crystal) is 0 the TSC runs at the base frequency of leaf 16h. KVM and
 * VMware publish the (guest) TSC rate in kHz at leaf 40000010h EAX. */
static uint64_t cpuid_hz(int *exact)
{
	unsigned a, b, c, d, max = __get_cpuid_max(0, NULL);

	*exact = 0;
	if (max >= 0x15) {
		__cpuid(0x15, a, b, c, d);
		if (a != 0 && b != 0 && c != 0) {
			*exact = 1;
			return (uint64_t)c * b / a;
		}
		if (a != 0 && b != 0 && max >= 0x16) {
			__cpuid(0x16, a, b, c, d);
			if ((a & 0xffff) != 0)
				return (uint64_t)(a & 0xffff) * 1000000ull;
		}
	}
	__cpuid(0x40000000, a, b, c, d);
	if (a >= 0x40000010) {
		__cpuid(0x40000010, a, b, c, d);
		if (a != 0)
			return (uint64_t)a * 1000;
	}
	return 0;
}
#else
static uint64_t cpuid_hz(int *exact)
{
	*exact = 0;
	return 0;
}
#endif

static uint64_t sysfs_hz(void)
{
	/* Some kernels export the calibrated rate here. */
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/tsc_freq_khz", "r");
	unsigned long long khz = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &khz) != 1)
		khz = 0;
	fclose(f);
	return (uint64_t)khz * 1000;
}

static void calibrate(void)
{
#if defined(__x86_64__) || defined(__i386__)
	int exact;
	uint64_t hz = cpuid_hz(&exact);

	if (hz == 0)
		hz = sysfs_hz();
	if (hz != 0 && !exact) {
		/* Base-frequency leaves are nominal and hypervisors can scale
		 * the guest TSC: believe them only if a quick measurement
		 * agrees to 2 %. */
		uint64_t quick = measure_hz(10);

		if (quick == 0 || (hz > quick ? hz - quick : quick - hz) > quick / 50)
			hz = 0;
	}
	if (hz == 0)
		hz = measure_hz(60);
	if (hz == 0)
		hz = measure_hz(60);
	__atomic_store_n(&tsc_hz, hz, __ATOMIC_RELEASE);
	SL_LOG(DEBUG, EAL, "TSC runs at %" PRIu64 " Hz%s", hz, exact ? " (from CPUID 0x15)" : "");
#else
	/* sl_tsc() is sl_tsc_fallback(): nanoseconds. */
	__atomic_store_n(&tsc_hz, NS_PER_S, __ATOMIC_RELEASE);
#endif
}

void eal_timer_init(void)
{
	pthread_once(&tsc_once, calibrate);
}

uint64_t sl_tsc_hz(void)
{
	uint64_t hz = __atomic_load_n(&tsc_hz, __ATOMIC_ACQUIRE);

	if (sl_likely(hz != 0))
		return hz;
	eal_timer_init();
	return __atomic_load_n(&tsc_hz, __ATOMIC_ACQUIRE);
}

void sl_delay_us(unsigned us)
{
	uint64_t start = sl_tsc();
	uint64_t ticks = (uint64_t)((unsigned __int128)sl_tsc_hz() * us / 1000000);

	while (sl_tsc() - start < ticks)
		sl_pause();
}
