/* SPDX-License-Identifier: BSD-3-Clause
 * net_pcap internals shared by pcap_ethdev.c (control path) and
 * pcap_rxtx.c (bursts).
 *
 * A port has up to PCAP_MAX_QUEUES sources (rx_pcap=FILE, rx_iface=IF or
 * iface=IF, repeatable: one per RX queue) and as many sinks (tx_pcap=FILE,
 * tx_iface=IF or iface=IF: one per TX queue). The libpcap handles belong
 * to the port (opened at probe, so a bad file fails sl_eal_init, closed at
 * close); a queue object points at its source or sink and carries the
 * counters that only its polling lcore writes.
 */
#ifndef PCAP_PRIVATE_H
#define PCAP_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <net/if.h>

#include <pcap/pcap.h>

#include "sl_ethdev_driver.h"

#define PCAP_DRIVER_NAME "net_pcap"
#define PCAP_MAX_QUEUES 16
/* Longest frame written to a tx_pcap file in full; longer ones are cut
 * (caplen = this, len = the real length), the pcap way. */
#define PCAP_SNAPLEN 65535
/* Longest frame received from a live interface or accepted for TX. */
#define PCAP_MAX_FRAME 65535
/* Kernel ring sizes of live handles: RX holds a few thousand MTU frames;
 * a TX handle receives nothing (see sink_open) and needs little. */
#define PCAP_LIVE_RX_BUFFER (16 << 20)
#define PCAP_LIVE_TX_BUFFER (256 << 10)

enum pcap_kind { PCAP_KIND_NONE = 0, PCAP_KIND_FILE, PCAP_KIND_IFACE };

/* One recorded frame of an infinite_rx replay (data lives in frames_data). */
struct pcap_replay_frame {
	uint64_t ts_ns;
	uint32_t off;
	uint32_t len;
};

struct pcap_source {
	enum pcap_kind kind;
	char *name;		/* file name or interface name */
	pcap_t *pcap;
	bool nsec;		/* timestamps are in ns (else us) */
	/* infinite_rx: the whole file in memory, replayed in a loop */
	struct pcap_replay_frame *frames;
	uint32_t nb_frames;
	uint8_t *frames_data;
	/* pcap_stats() drops at the last stats reset (live capture) */
	uint64_t drop_base;
};

struct pcap_sink {
	enum pcap_kind kind;
	char *name;
	pcap_t *pcap;		/* a dead handle (file) or a live one (iface) */
	pcap_dumper_t *dumper;	/* file only */
};

struct pcap_rx_queue {
	struct sl_mempool *mp;
	struct pcap_source *src;
	uint16_t port_id;
	bool infinite;
	bool eof;		/* file exhausted: every burst returns 0 */
	bool warned_cut;	/* a cut record was reported (once per queue) */
	uint32_t replay_next;	/* infinite_rx: next frame to hand out */
	/* a record read while the pool was empty, handed out next time
	 * (libpcap keeps its buffer until the next pcap_next_ex) */
	struct pcap_pkthdr *pending_hdr;
	const uint8_t *pending_data;
	struct sl_eth_queue_counters cnt;
} __sl_cache_aligned;

struct pcap_tx_queue {
	struct pcap_sink *sink;
	uint8_t *linear;	/* PCAP_MAX_FRAME bytes for chained mbufs */
	struct sl_eth_queue_counters cnt;
} __sl_cache_aligned;

struct pcap_port {
	struct pcap_source src[PCAP_MAX_QUEUES];
	struct pcap_sink sink[PCAP_MAX_QUEUES];
	unsigned nb_src;
	unsigned nb_sink;
	bool infinite_rx;
	char ifname[IFNAMSIZ];	/* the interface whose MAC/link we report, if any */
};

uint16_t pcap_rx_burst(void *rxq, struct sl_mbuf **pkts, uint16_t nb_pkts);
uint16_t pcap_tx_burst(void *txq, struct sl_mbuf **pkts, uint16_t nb_pkts);

/* Copies len bytes into m (fresh from mp, data_len 0), chaining more mbufs
 * from mp when they do not fit: 0, or -ENOBUFS with m's extra segments
 * freed again (m itself stays the caller's). */
int pcap_copy_to_mbuf(struct sl_mempool *mp, struct sl_mbuf *m, const uint8_t *data, uint32_t len);

#endif /* PCAP_PRIVATE_H */
