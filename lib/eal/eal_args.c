/* SPDX-License-Identifier: BSD-3-Clause
 * EAL command line: options up to "--" or the first non-option. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eal_private.h"
#include "sl_parse.h"

enum {
	OPT_NO_HUGE = 256,
	OPT_NO_PCI,
	OPT_LOG_LEVEL,
	OPT_VDEV,
	OPT_IOVA_MODE,
	OPT_FILE_PREFIX,
	OPT_NO_TELEMETRY,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "no-huge", no_argument, NULL, OPT_NO_HUGE },
	{ "no-pci", no_argument, NULL, OPT_NO_PCI },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "vdev", required_argument, NULL, OPT_VDEV },
	{ "iova-mode", required_argument, NULL, OPT_IOVA_MODE },
	{ "file-prefix", required_argument, NULL, OPT_FILE_PREFIX },
	{ "no-telemetry", no_argument, NULL, OPT_NO_TELEMETRY },
	{ "allow", required_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 },
};

/* '+': stop at the first non-option instead of permuting argv (the
 * application's own arguments follow); ':': report a missing argument as
 * ':' so we can say which option lacks it. */
static const char short_options[] = "+:l:m:a:h";

void sl_eal_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [application options]\n"
	       "EAL options:\n"
	       "  -l CORELIST         CPUs to run lcores on, list and ranges; the first is the\n"
	       "                      main lcore (default: every CPU this process may use)\n"
	       "                        e.g. -l 0-3,6\n"
	       "  -a, --allow BDF     use only this PCI device (repeatable; default: every\n"
	       "                      device bound to vfio-pci or uio_pci_generic)\n"
	       "                        e.g. -a 0000:00:03.0\n"
	       "  --vdev ARGS         add a virtual device (repeatable)\n"
	       "                        e.g. --vdev 'net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap'\n"
	       "  --no-huge           locked 4 KiB pages instead of hugepages (tests, no root)\n"
	       "                        e.g. --no-huge -m 64\n"
	       "  -m MB               reserve this much DMA memory at start (megabytes, or\n"
	       "                      with a unit: 512M, 2G); also the limit\n"
	       "                      (without it: hugepages grow as needed, --no-huge up\n"
	       "                      to half of RAM)\n"
	       "                        e.g. -m 512, -m 2G\n"
	       "  --iova-mode MODE    addresses devices see: auto (the default: pa when a\n"
	       "                      device has no IOMMU, i.e. is on uio_pci_generic, else\n"
	       "                      va), va (allocated inside the IOMMU's ranges) or pa\n"
	       "                      (host physical: root, warns)\n"
	       "                        e.g. --iova-mode va\n"
	       "  --log-level LEVEL   emerg alert crit err warning notice info debug, or 1-8\n"
	       "                        e.g. --log-level debug\n"
	       "  --no-pci            do not scan or probe PCI devices\n"
	       "                        e.g. --no-pci --vdev net_null0\n"
	       "  --file-prefix NAME  name of the runtime directory (/var/run/dpdk/NAME for\n"
	       "                      root) holding the telemetry socket (default: rte)\n"
	       "                        e.g. --file-prefix app1\n"
	       "  --no-telemetry      do not serve telemetry (nor live capture)\n"
	       "  -h, --help          print this text (sl_eal_init then returns -EINTR)\n",
	       prog != NULL ? prog : "app");
	fflush(stdout);
}

static int push_string(char ***arr, unsigned *n, const char *s)
{
	char **grown = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (grown == NULL)
		return -ENOMEM;
	*arr = grown;
	grown[*n] = strdup(s);
	if (grown[*n] == NULL)
		return -ENOMEM;
	(*n)++;
	return 0;
}

void eal_config_free(struct eal_config *cfg)
{
	for (unsigned i = 0; i < cfg->nb_vdevs; i++)
		free(cfg->vdevs[i]);
	for (unsigned i = 0; i < cfg->nb_pci_allow; i++)
		free(cfg->pci_allow[i]);
	free(cfg->vdevs);
	free(cfg->pci_allow);
	free(cfg->file_prefix);
	memset(cfg, 0, sizeof(*cfg));
}

static int parse_cpu_number(const char **p, int *cpu)
{
	uint64_t v;

	if (sl_parse_uint_prefix(p, 0, &v) < 0 || v > INT_MAX)
		return -1;
	*cpu = (int)v;
	return 0;
}

/* "0-2,5" -> lcores 0,1,2,3 on cpus 0,1,2,5, in the order written. Every CPU
 * must be in the affinity mask we were started with: a CPU outside it could
 * not be pinned to, and taskset/cgroups decided that for a reason. */
static int parse_lcore_list(struct eal_config *cfg, const char *arg, const cpu_set_t *allowed)
{
	cpu_set_t seen;
	const char *p = arg;

	CPU_ZERO(&seen);
	cfg->nb_lcores = 0;
	while (*p != '\0') {
		int first, last;

		if (parse_cpu_number(&p, &first) < 0)
			goto garbage;
		last = first;
		if (*p == '-') {
			p++;
			if (parse_cpu_number(&p, &last) < 0 || last < first)
				goto garbage;
		}
		if (*p == ',') {
			p++;
			if (*p == '\0')	/* "0," : a list cut short */
				goto garbage;
		} else if (*p != '\0') {
			goto garbage;
		}
		for (int cpu = first; cpu <= last; cpu++) {
			if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, allowed)) {
				SL_LOG(ERR, EAL,
				       "-l %s: cpu %d is not available to this process (offline, or "
				       "outside its taskset/cgroup cpus): pick cpus from `taskset -pc $$`",
				       arg, cpu);
				return -EINVAL;
			}
			if (CPU_ISSET(cpu, &seen)) {
				SL_LOG(ERR, EAL, "-l %s: cpu %d is listed twice: list each cpu once",
				       arg, cpu);
				return -EINVAL;
			}
			if (cfg->nb_lcores >= SL_MAX_LCORE) {
				SL_LOG(ERR, EAL, "-l %s: more than %d lcores: list fewer cpus", arg,
				       SL_MAX_LCORE);
				return -EINVAL;
			}
			CPU_SET(cpu, &seen);
			cfg->lcore_cpu[cfg->nb_lcores++] = cpu;
		}
	}
	if (cfg->nb_lcores == 0)
		goto garbage;
	return 0;
garbage:
	SL_LOG(ERR, EAL,
	       "-l '%s' is not a cpu list: use numbers and ranges like -l 0-3,6 (see -h)", arg);
	return -EINVAL;
}

/* -m 512 is in megabytes; -m 512M, -m 2G or -m 65536K say their unit (and
 * must come to whole megabytes). */
static int parse_mem_mb(struct eal_config *cfg, const char *arg)
{
	const uint64_t max_mb = SIZE_MAX >> 21;
	size_t n = arg != NULL ? strlen(arg) : 0;
	bool unit = n > 0 && !isdigit((unsigned char)arg[n - 1]);
	uint64_t v;

	if (sl_parse_uint(arg, unit ? SL_PARSE_SIZE : 0, 1, unit ? max_mb << 20 : max_mb, &v) < 0 ||
	    (unit && (v & ((1u << 20) - 1)) != 0)) {
		SL_LOG(ERR, EAL,
		       "-m '%s' is not a memory size: give megabytes in 1..%" PRIu64
		       ", or whole megabytes with K, M or G, e.g. -m 512 or -m 2G (see -h)",
		       arg, max_mb);
		return -EINVAL;
	}
	cfg->mem_bytes = (size_t)(unit ? v : v << 20);
	return 0;
}

static void default_lcores(struct eal_config *cfg, const cpu_set_t *allowed)
{
	cfg->nb_lcores = 0;
	for (int cpu = 0; cpu < CPU_SETSIZE && cfg->nb_lcores < SL_MAX_LCORE; cpu++)
		if (CPU_ISSET(cpu, allowed))
			cfg->lcore_cpu[cfg->nb_lcores++] = cpu;
}

/* "--no-huge=1": glibc reports it like an unknown option. */
static int takes_no_argument(const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (strncmp(arg, "--", 2) != 0 || eq == NULL)
		return 0;
	for (const struct option *o = long_options; o->name != NULL; o++)
		if (o->has_arg == no_argument && strlen(o->name) == (size_t)(eq - arg - 2) &&
		    strncmp(o->name, arg + 2, (size_t)(eq - arg - 2)) == 0)
			return 1;
	return 0;
}

static int parse_iova_mode(struct eal_config *cfg, const char *arg)
{
	if (strcmp(arg, "auto") == 0)
		cfg->iova_mode = SL_IOVA_MODE_DC;
	else if (strcmp(arg, "va") == 0)
		cfg->iova_mode = SL_IOVA_MODE_VA;
	else if (strcmp(arg, "pa") == 0)
		cfg->iova_mode = SL_IOVA_MODE_PA;
	else {
		SL_LOG(ERR, EAL, "--iova-mode '%s' is not a mode: use auto, va or pa (see -h)", arg);
		return -EINVAL;
	}
	return 0;
}

static int report_bad_option(int opt, char **argv)
{
	const char *word = argv[optind - 1];

	if (opt == ':')
		SL_LOG(ERR, EAL, "option %s needs an argument (see -h for usage)", word);
	else if (takes_no_argument(word))
		SL_LOG(ERR, EAL, "EAL option %s takes no argument (see -h for usage)", word);
	else if (optopt != 0 && optopt < 256 && word[1] != '-')
		SL_LOG(ERR, EAL, "unknown EAL option -%c (see -h for usage; application "
				 "options go after --)", optopt);
	else
		SL_LOG(ERR, EAL, "unknown or ambiguous EAL option %s (see -h for usage; "
				 "application options go after --)", word);
	return -EINVAL;
}

/* One option getopt returned; the lcore list is kept for after the scan,
 * when every option is known. */
static int apply_option(struct eal_config *cfg, int opt, char **argv, const char **lcore_arg)
{
	switch (opt) {
	case 'l':
		*lcore_arg = optarg;
		return 0;
	case 'm':
		return parse_mem_mb(cfg, optarg);
	case 'a':
		if (optarg[0] == '\0') {
			SL_LOG(ERR, EAL, "-a needs a PCI address, e.g. -a 0000:00:03.0 (see -h)");
			return -EINVAL;
		}
		return push_string(&cfg->pci_allow, &cfg->nb_pci_allow, optarg);
	case 'h':
		cfg->help = 1;
		return 0;
	case OPT_NO_HUGE:
		cfg->no_huge = 1;
		return 0;
	case OPT_NO_PCI:
		cfg->no_pci = 1;
		return 0;
	case OPT_NO_TELEMETRY:
		cfg->no_telemetry = 1;
		return 0;
	case OPT_LOG_LEVEL:
		cfg->log_level = sl_log_level_parse(optarg);
		if (cfg->log_level >= 0)
			return 0;
		SL_LOG(ERR, EAL,
		       "--log-level '%s' is not a level: use one of emerg alert crit err "
		       "warning notice info debug, or 1-8 (see -h)",
		       optarg);
		return -EINVAL;
	case OPT_VDEV:
		if (optarg[0] == '\0' || optarg[0] == ',') {
			SL_LOG(ERR, EAL, "--vdev needs a device name first, e.g. --vdev net_null0 (see -h)");
			return -EINVAL;
		}
		return push_string(&cfg->vdevs, &cfg->nb_vdevs, optarg);
	case OPT_IOVA_MODE:
		return parse_iova_mode(cfg, optarg);
	case OPT_FILE_PREFIX:
		if (optarg[0] == '\0' || strchr(optarg, '/') != NULL || strcmp(optarg, ".") == 0 ||
		    strcmp(optarg, "..") == 0) {
			SL_LOG(ERR, EAL, "--file-prefix '%s': give a plain name without '/', e.g. "
			       "--file-prefix app1", optarg);
			return -EINVAL;
		}
		free(cfg->file_prefix);
		cfg->file_prefix = strdup(optarg);
		return cfg->file_prefix == NULL ? -ENOMEM : 0;
	default: /* ':' or '?' */
		return report_bad_option(opt, argv);
	}
}

int eal_parse_args(struct eal_config *cfg, int argc, char **argv)
{
	const char *prog = (argc > 0 && argv != NULL && argv[0] != NULL) ? argv[0] : "app";
	const char *lcore_arg = NULL;
	cpu_set_t allowed;
	int opt, ret = 0, consumed;

	cfg->log_level = -1;
	cfg->iova_mode = SL_IOVA_MODE_DC;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0) {
		ret = -errno;
		SL_LOG(ERR, EAL, "cannot read this process's cpu affinity: %s", strerror(errno));
		return ret;
	}
	if (argc <= 1 || argv == NULL) {
		default_lcores(cfg, &allowed);
		return 0;
	}

	/* optind = 0 makes glibc forget every earlier scan (a second
	 * sl_eal_init, or the application's own getopt before us). */
	optind = 0;
	opterr = 0;
	while (ret == 0 && (opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1)
		ret = apply_option(cfg, opt, argv, &lcore_arg);
	/* optind now points past "--" (getopt consumed it) or at the first
	 * non-option. As in DPDK, the program name is copied into the last
	 * consumed slot so that after argv += ret the application's argv[0] is
	 * still the program name. */
	consumed = optind - 1;
	optind = 0;
	if (ret == -ENOMEM)
		SL_LOG(ERR, EAL, "out of memory while parsing the command line");
	if (ret < 0)
		return ret;
	if (cfg->help) {
		sl_eal_usage(prog);
		return -EINTR;
	}
	if (lcore_arg != NULL)
		ret = parse_lcore_list(cfg, lcore_arg, &allowed);
	else
		default_lcores(cfg, &allowed);
	if (ret < 0)
		return ret;
	if (consumed > 0)
		argv[consumed] = argv[0];
	return consumed;
}
