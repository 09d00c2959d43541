/* SPDX-License-Identifier: BSD-3-Clause
 * The pcapng blocks sl-dumpcap writes (draft-ietf-opsawg-pcapng): a
 * section header, an interface description per port (nanosecond
 * timestamps: if_tsresol 9), an enhanced packet block per frame with its
 * direction in epb_flags, and interface statistics with the drops at the
 * end. Host byte order, which the section header announces. */
#ifndef DC_PCAPNG_H
#define DC_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#define PCAPNG_DIR_IN 1		/* epb_flags direction bits */
#define PCAPNG_DIR_OUT 2

/* Each returns 0, or -1 when the write failed (errno set). */
int pcapng_write_shb(FILE *f, const char *app);
int pcapng_write_idb(FILE *f, const char *name, const char *descr, uint32_t snaplen);
int pcapng_write_epb(FILE *f, uint32_t iface, uint64_t ts_ns, const uint8_t *data,
		     uint32_t cap_len, uint32_t orig_len, uint32_t dir);
int pcapng_write_isb(FILE *f, uint32_t iface, uint64_t ts_ns, uint64_t start_ns,
		     uint64_t received, uint64_t dropped);

#endif /* DC_PCAPNG_H */
