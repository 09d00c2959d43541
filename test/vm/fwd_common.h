/* SPDX-License-Identifier: BSD-3-Clause
 * What the test forwarders share (e1000/fwd_min.c, virtio/virtio_fwd.c,
 * faults/faultfwd.c, each compiled with fwd_common.c): EAL start and
 * option parsing from a table, port set-up, sending with the drops freed
 * and counted, the stop-file/timeout clock, and the ports' counters as
 * JSON members. Each forwarder keeps what makes it a test of its own.
 */
#ifndef FWD_COMMON_H
#define FWD_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_eal.h"
#include "sl_ethdev.h"
#include "sl_mbuf.h"

/* ---- options ---------------------------------------------------------------- */

enum fwd_opt_type {
	FWD_OPT_UINT,	/* unsigned *, within [min, max] */
	FWD_OPT_U64,	/* uint64_t *, within [min, max] */
	FWD_OPT_STRING,	/* const char ** */
	FWD_OPT_FLAG,	/* int *, set to 1 */
};

struct fwd_opt {
	const char *name;	/* the long option, without "--" */
	enum fwd_opt_type type;
	void *value;
	const char *arg;	/* what the usage line calls its argument ("N", "FILE") */
	uint64_t min, max;
};

#define FWD_UINT(name, ptr, arg, min, max) { name, FWD_OPT_UINT, ptr, arg, min, max }
#define FWD_U64(name, ptr, arg, min, max) { name, FWD_OPT_U64, ptr, arg, min, max }
#define FWD_STRING(name, ptr, arg) { name, FWD_OPT_STRING, ptr, arg, 0, 0 }
#define FWD_FLAG(name, ptr) { name, FWD_OPT_FLAG, ptr, NULL, 0, 0 }

/* sl_eal_init, then the app options after "--" by the table (the values
 * keep their defaults when not given). 0: go on; otherwise the exit
 * status: 1 when the EAL failed (it said why), 2 for a bad option (one
 * line naming it, then the usage; the EAL is cleaned up). */
int fwd_init(const char *prog, int argc, char **argv, const struct fwd_opt *opts,
	     unsigned nb_opts);

/* The ports the EAL found, when their number is within [min, max] (and
 * even with pairs); otherwise 0, after one line saying what was needed. */
uint16_t fwd_ports_available(const char *prog, uint16_t min, uint16_t max, bool pairs);

/* ---- ports --------------------------------------------------------------------- */

struct fwd_port_conf {
	uint16_t nb_queues;		/* RX and TX queues each */
	uint16_t nb_rxd, nb_txd;	/* descriptors per queue */
	const struct sl_eth_conf *conf;	/* NULL: the defaults */
	bool promisc;
};

/* Configure, queues, promiscuous mode before start (e1000 programs its
 * filter in start's one RCTL write, and QEMU's model pauses receive for a
 * second after each such write), start. 0, or -errno after one line. */
int fwd_port_setup(const char *prog, uint16_t port, struct sl_mempool *mp,
		   const struct fwd_port_conf *c);

/* Stops and closes ports 0..nb_ports-1. */
void fwd_ports_close(uint16_t nb_ports);

struct fwd_counts {
	uint64_t tx;		/* frames the port took */
	uint64_t tx_dropped;	/* frames it did not take: freed here */
};

/* tx_burst of n frames; what the queue does not take is freed and
 * counted, never retried (a forwarder under back-pressure drops). */
static inline uint16_t fwd_send(uint16_t port, uint16_t queue, struct sl_mbuf **pkts, uint16_t n,
				struct fwd_counts *c)
{
	uint16_t sent = sl_eth_tx_burst(port, queue, pkts, n);

	c->tx += sent;
	if (sent < n) {
		c->tx_dropped += n - sent;
		sl_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	return sent;
}

/* ---- control: files the host creates, time ------------------------------------- */

/* The forwarding loop looks at files and time once per period, not per
 * burst (access() is a system call). */
struct fwd_clock {
	uint64_t period;
	uint64_t next;
	uint64_t deadline;
};

void fwd_clock_start(struct fwd_clock *c, unsigned period_ms, unsigned timeout_s);

/* true once per period */
static inline bool fwd_clock_tick(struct fwd_clock *c)
{
	uint64_t now = sl_tsc();

	if (now < c->next)
		return false;
	c->next = now + c->period;
	return true;
}

static inline bool fwd_clock_expired(const struct fwd_clock *c)
{
	return sl_tsc() >= c->deadline;
}

bool fwd_file_exists(const char *path);	/* false for NULL */
void fwd_touch(const char *path);	/* nothing for NULL */

/* ---- statistics ------------------------------------------------------------------ */

/* A port as the stats file shows it; taken before the port stops (stop
 * takes the link down). */
struct fwd_port_state {
	uint16_t port;
	char name[64];
	char mac[SL_ETHER_ADDR_FMT_SIZE];
	struct sl_eth_link link;
	uint16_t mtu;
	int promisc;
	struct sl_eth_stats st;
};

void fwd_port_state_get(uint16_t port, struct fwd_port_state *s);

/* The port's members, without braces: "port", "name", "mac", "link",
 * "speed", "mtu", "promisc" and the counters of struct sl_eth_stats
 * (queue 0's for q_ipackets/q_opackets). */
void fwd_json_port(FILE *f, const struct fwd_port_state *s);

/* "ports": [{...}, ...] with fwd_json_port's members of ports
 * 0..nb_ports-1 as they are now. */
void fwd_json_ports(FILE *f, uint16_t nb_ports);

/* The stats file is written under path.tmp and renamed by
 * fwd_json_close: the host never reads half a file over 9p. NULL path:
 * stdout. NULL (after one line) when the file cannot be created. */
FILE *fwd_json_open(const char *prog, const char *path);
void fwd_json_close(const char *prog, FILE *f, const char *path);

#endif /* FWD_COMMON_H */
