/* SPDX-License-Identifier: BSD-3-Clause
 * e1000e_rss: the RSS phase of the e1000e guest test. One port, two RX
 * queues, mq_mode RSS over IPv4 and IPv4/TCP with the key the host gives;
 * every frame received is recorded, in arrival order per queue, as
 *
 *     QUEUE HASH FLAGS TAIL
 *
 * (HASH the mbuf's RSS hash in hex, FLAGS its ol_flags in hex, TAIL the
 * frame's last 6 bytes in hex: the host puts flow and sequence number
 * there) and written to --log when the stop file appears.
 *
 *   e1000e_rss EAL-OPTIONS -- --key HEX80 --ready FILE --stop FILE --log FILE
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd_common.h"

#define PROG "e1000e_rss"
#define BURST 32
#define NB_QUEUES 2u
#define MAX_RECORDS 65536

struct record {
	uint16_t queue;
	uint32_t hash;
	uint64_t flags;
	uint8_t tail[6];
};

static int parse_key(const char *hex, uint8_t *key, unsigned len)
{
	unsigned i;

	if (hex == NULL || strlen(hex) != 2 * len) {
		fprintf(stderr, PROG ": --key needs %u hex digits\n", 2 * len);
		return -1;
	}
	for (i = 0; i < len; i++) {
		char byte[3] = { hex[2 * i], hex[2 * i + 1], 0 };

		key[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return 0;
}

static void record(struct record *r, uint16_t q, const struct sl_mbuf *m)
{
	const void *tail = m->pkt_len >= 6 ? sl_pktmbuf_read(m, m->pkt_len - 6, 6, r->tail) : NULL;

	r->queue = q;
	r->hash = m->hash;
	r->flags = m->ol_flags;
	if (tail == NULL)
		memset(r->tail, 0, sizeof(r->tail));
	else if (tail != r->tail)
		memcpy(r->tail, tail, sizeof(r->tail));
}

/* Under path.tmp, renamed when complete: the host never reads half a
 * file over 9p. */
static int write_log(const char *path, const struct record *recs, unsigned n)
{
	char tmp[4096];
	FILE *f;
	unsigned i, j;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		perror(tmp);
		return -1;
	}
	for (i = 0; i < n; i++) {
		fprintf(f, "%u %08" PRIx32 " %" PRIx64 " ", recs[i].queue, recs[i].hash,
			recs[i].flags);
		for (j = 0; j < 6; j++)
			fprintf(f, "%02x", recs[i].tail[j]);
		fputc('\n', f);
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *key_hex = NULL, *ready = NULL, *stop = NULL, *log = NULL;
	unsigned timeout = 600;
	const struct fwd_opt opts[] = {
		FWD_STRING("key", &key_hex, "HEX80"),
		FWD_STRING("ready", &ready, "FILE"),
		FWD_STRING("stop", &stop, "FILE"),
		FWD_STRING("log", &log, "FILE"),
		FWD_UINT("timeout", &timeout, "S", 0, 1u << 24),
	};
	uint8_t key[40];
	struct sl_eth_conf conf;
	struct fwd_port_conf pconf = { .nb_queues = NB_QUEUES, .conf = &conf, .promisc = true };
	struct record *recs;
	struct sl_mbuf *pkts[BURST];
	struct sl_mempool *mp;
	struct fwd_clock clock;
	unsigned n = 0, dropped = 0;
	int ret;

	ret = fwd_init(PROG, argc, argv, opts, SL_DIM(opts));
	if (ret != 0)
		return ret;
	recs = calloc(MAX_RECORDS, sizeof(*recs));
	if (recs == NULL || parse_key(key_hex, key, sizeof(key)) < 0 ||
	    fwd_ports_available(PROG, 1, 1, false) == 0)
		goto fail;
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = SL_ETH_MQ_RX_RSS;
	conf.rxmode.offloads = SL_ETH_RX_OFFLOAD_CHECKSUM | SL_ETH_RX_OFFLOAD_RSS_HASH;
	conf.rx_adv_conf.rss_conf.rss_key = key;
	conf.rx_adv_conf.rss_conf.rss_key_len = sizeof(key);
	conf.rx_adv_conf.rss_conf.rss_hf = SL_ETH_RSS_IPV4 | SL_ETH_RSS_NONFRAG_IPV4_TCP;
	mp = sl_pktmbuf_pool_create("rss_pool", 4095, 256, 0, 2048 + SL_PKTMBUF_HEADROOM,
				    SL_SOCKET_ID_ANY);
	if (mp == NULL || fwd_port_setup(PROG, 0, mp, &pconf) < 0)
		goto fail;
	fwd_touch(ready);
	printf(PROG ": receiving on %u queues\n", NB_QUEUES);
	fflush(stdout);
	fwd_clock_start(&clock, 50, timeout);
	for (;;) {
		for (uint16_t q = 0; q < NB_QUEUES; q++) {
			uint16_t got = sl_eth_rx_burst(0, q, pkts, BURST), i;

			for (i = 0; i < got; i++) {
				if (n < MAX_RECORDS)
					record(&recs[n++], q, pkts[i]);
				else
					dropped++;
			}
			sl_pktmbuf_free_bulk(pkts, got);
		}
		if (fwd_clock_tick(&clock) && (fwd_file_exists(stop) || fwd_clock_expired(&clock)))
			break;
	}
	printf(PROG ": %u frames recorded, %u beyond the record table\n", n, dropped);
	ret = write_log(log, recs, n) < 0 || dropped > 0;
	fwd_ports_close(1);
	sl_eal_cleanup();
	free(recs);
	return ret;
fail:
	sl_eal_cleanup();
	free(recs);
	return 1;
}
