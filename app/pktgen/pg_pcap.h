/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen pcap files: captures to replay (read whole into memory at
 * start, so the TX loop never touches libpcap) and the RX capture
 * (--rx-pcap: frames copied into a preallocated buffer by the RX lcores,
 * written to the file by the main lcore at the end).
 */
#ifndef PG_PCAP_H
#define PG_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "sl_common.h"

/* A capture to replay: frame i is data[i] (len[i] bytes), captured ts_ns[i]
 * nanoseconds after frame 0. */
struct pg_capture {
	char *path;
	uint32_t nb;
	uint32_t max_len;
	uint32_t min_len;
	uint64_t total_bytes;
	const uint8_t **data;
	uint32_t *len;
	uint64_t *ts_ns;
	uint8_t *blob;
};

/* 0, or -errno with a one-line reason in err: missing or unreadable file,
 * not a pcap, not Ethernet, truncated records (frames cut by the snaplen
 * cannot be replayed faithfully), no frames. */
int pg_capture_load(const char *path, struct pg_capture **out, char *err, size_t errlen);
void pg_capture_free(struct pg_capture *cap);

struct pg_rxcap_rec {
	uint64_t tsc;
	uint32_t len;		/* on the wire (no FCS) */
	uint32_t caplen;
	uint16_t port;
};

struct pg_rxcap {
	uint64_t max;		/* frames */
	uint32_t snaplen;
	uint64_t next;		/* slots handed out (atomic) */
	uint8_t *buf;		/* max * snaplen */
	struct pg_rxcap_rec *rec;
};

int pg_rxcap_init(struct pg_rxcap *c, uint64_t max, uint32_t snaplen);
void pg_rxcap_free(struct pg_rxcap *c);
/* Writes the frames captured so far in slot order; timestamps are wall
 * time from (tsc0, wall0) and hz. 0 or -errno after a log line. */
int pg_rxcap_write(const struct pg_rxcap *c, const char *path, uint64_t tsc0,
		   const struct timespec *wall0, uint64_t hz);
static inline uint64_t pg_rxcap_count(const struct pg_rxcap *c)
{
	uint64_t n = __atomic_load_n(&c->next, __ATOMIC_ACQUIRE);

	return n < c->max ? n : c->max;
}

/* Copies one frame (avail contiguous bytes at data, len on the wire) in if
 * a slot is left: false once the capture is full. Several RX lcores may
 * add at once (a slot is claimed atomically). */
static inline bool pg_rxcap_add(struct pg_rxcap *c, const uint8_t *data, uint32_t avail,
				uint32_t len, uint16_t port, uint64_t tsc)
{
	uint64_t slot = __atomic_fetch_add(&c->next, 1, __ATOMIC_RELAXED);
	struct pg_rxcap_rec *r;
	uint32_t caplen;

	if (slot >= c->max)
		return false;
	r = &c->rec[slot];
	caplen = avail < c->snaplen ? avail : c->snaplen;
	memcpy(c->buf + slot * c->snaplen, data, caplen);
	r->tsc = tsc;
	r->len = len;
	r->caplen = caplen;
	r->port = port;
	return true;
}

#endif /* PG_PCAP_H */
