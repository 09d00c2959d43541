/* SPDX-License-Identifier: BSD-3-Clause
 * Intel 82574L registers and descriptors that the 8254x does not have,
 * with the names of the "Intel 82574 GbE Controller Family Datasheet"
 * (rev. 3.x), section 10.2 for registers and 7.1.4 / 7.2 for descriptors.
 * Everything the two families share (CTRL, STATUS, RCTL, TCTL, queue 0's
 * ring registers, RAL/RAH, MTA, statistics, the legacy TX descriptor) is
 * in e1000_regs.h. BAR0 is 128 KiB of memory-mapped registers, 32-bit
 * accesses.
 *
 * What QEMU 7.2's model (hw/net/e1000e_core.c, e1000x_common.c) does with
 * them, where the driver depends on it:
 *  - CTRL.RST only reloads the station address from the EEPROM (set_ctrl);
 *    every other register keeps its value. The driver never relies on it
 *    and programs each register it uses. CTRL_EXT is stored as written
 *    (ASDCHK and EE_RST self-clear); its bits matter for interrupts only.
 *  - RX descriptors: legacy unless RFCTL.EXTEN; with EXTEN, RCTL.DTYP 00
 *    gives the one-buffer extended descriptor (16 bytes), DTYP 01 packet
 *    split. The buffer size comes from RCTL.BSIZE/BSEX as on the 8254x.
 *  - RSS runs only with MRQC[1:0] = 01, extended descriptors and
 *    RXCSUM.PCSD (e1000e_rss_enabled). Hash types: IPv4 with TCP, IPv4,
 *    IPv6 with TCP, IPv6 (no UDP on this chip). The hash is Toeplitz over
 *    source and destination address (and ports for TCP) with the 40-byte
 *    key of RSSRK, key byte i at BAR0 + RSSRK + i. The queue is bit 7 of
 *    byte (hash & 127) of RETA (128 one-byte entries at BAR0 + RETA).
 *    Frames of other types, or no hash type enabled, go to queue 0.
 *  - Extended write-back: dword 0 the RSS type (bits 3:0) and queue (bits
 *    8+), dword 1 the RSS hash (with PCSD; else IP id and checksum),
 *    dword 2 status (bits 19:0, packet type in 19:16) and errors (31:20),
 *    dword 3 length and VLAN tag. A descriptor that is not the frame's
 *    last gets only DD and its length.
 *  - RX checksums are checked in software whenever RXCSUM.IPOFLD/TUOFLD
 *    are on (reset value: both on), PCSD or not: IPCS (IPv4 only), TCPCS
 *    (and UDPCS for UDP), IPE/TCPE when wrong. Not when the backend
 *    passes a virtio-net header (a tap with vnet_hdr) flagged DATA_VALID
 *    or NEEDS_CSUM: then IPCS/TCPCS are set without a check.
 *  - TX checksum offload: the model reads context descriptors but not
 *    their offsets; it parses each frame itself (net_tx_pkt) and inserts
 *    the checksums the first data descriptor's POPTS ask for (IXSM: IPv4
 *    header, TXSM: TCP or UDP over IPv4 or IPv6, the pseudo-header its
 *    own, the field's content ignored). The driver writes contexts as the
 *    datasheet wants them all the same (7.2.10.2).
 *  - TX queue n only transmits while TARC(n).ENABLE (bit 10) is set (reset
 *    value: set); a TDT write transmits synchronously, and DD is written
 *    back only for descriptors with RS (or every one with IVAR bit 31).
 *  - Statistics: GPRC, GPTC, TPR, TPT, RUC, ROC clear on read, the high
 *    halves of GORC/GOTC/TOR/TOT clear both halves, CRCERRS..MPC, RNBC and
 *    RLEC keep running (e1000_hw.c learns which kind each one is).
 *  - MSI-X has five vectors routed by IVAR (RXQ0, RXQ1, TXQ0, TXQ1 and
 *    other in 4-bit fields, bit 3 of each = valid). With MSI-X on, a
 *    frame on queue n raises ICR.RXQn (not RXT0); LSC and the other
 *    non-queue causes raise ICR.OTHER too. A cause fires its vector when
 *    it newly appears in IMS & ICR; EIAC bits are cleared from ICR when
 *    the message goes out and, with CTRL_EXT.IAME off, from IMS too (one
 *    shot: the driver arms again). EITR(n) = 0: no throttling.
 */
#ifndef E1000E_REGS_H
#define E1000E_REGS_H

#include <stdint.h>

#include "sl_common.h"
#include "e1000_regs.h"

#define E1000_DEV_ID_82574L 0x10d3	/* QEMU "e1000e" */

/* ---- general (datasheet 10.2.2) ------------------------------------------ */
#define E1000E_CTRL_EXT_DRV_LOAD (1u << 28)	/* a driver owns the device (for firmware) */
#define E1000E_IVAR 0x000e4			/* MSI-X interrupt vector allocation */
#define E1000E_IVAR_VALID 0x8u			/* in each 4-bit field */
#define E1000E_IVAR_RXQ_SHIFT(q) (4u * (q))	/* RXQ0 3:0, RXQ1 7:4 */
#define E1000E_IVAR_OTHER_SHIFT 16u		/* other causes 19:16 */
#define E1000E_EIAC 0x000dc			/* extended interrupt auto clear */
#define E1000E_EITR(n) (0x000e8 + 4u * (n))	/* per-vector throttling */
#define E1000E_ICR_RXQ(q) (1u << (20 + (q)))	/* MSI-X: queue q wrote back */
#define E1000E_ICR_OTHER (1u << 24)		/* MSI-X: a non-queue cause */

/* EERD on the 82574 (10.2.2.5): another layout than the 8254x's. */
#define E1000E_EERD_START (1u << 0)
#define E1000E_EERD_DONE (1u << 1)
#define E1000E_EERD_ADDR_SHIFT 2
#define E1000E_EERD_DATA_SHIFT 16

/* ---- queue registers: queue n at the queue 0 offset + 0x100 * n --------- */
#define E1000E_RDBAL(n) E1000_QUEUE_REG(E1000_RDBAL, n)
#define E1000E_RDBAH(n) E1000_QUEUE_REG(E1000_RDBAH, n)
#define E1000E_RDLEN(n) E1000_QUEUE_REG(E1000_RDLEN, n)
#define E1000E_RDH(n) E1000_QUEUE_REG(E1000_RDH, n)
#define E1000E_RDT(n) E1000_QUEUE_REG(E1000_RDT, n)
#define E1000E_TDBAL(n) E1000_QUEUE_REG(E1000_TDBAL, n)
#define E1000E_TDBAH(n) E1000_QUEUE_REG(E1000_TDBAH, n)
#define E1000E_TDLEN(n) E1000_QUEUE_REG(E1000_TDLEN, n)
#define E1000E_TDH(n) E1000_QUEUE_REG(E1000_TDH, n)
#define E1000E_TDT(n) E1000_QUEUE_REG(E1000_TDT, n)
#define E1000E_TARC(n) E1000_QUEUE_REG(0x03840, n)	/* TX arbitration count */
#define E1000E_TARC_ENABLE (1u << 10)
#define E1000E_NB_QUEUES 2

/* ---- receive filtering and RSS (10.2.5) ------------------------------------ */
#define E1000E_RFCTL 0x05008		/* Receive Filter Control */
#define E1000E_RFCTL_EXTEN (1u << 15)	/* extended RX descriptors */
#define E1000E_RXCSUM_PCSD (1u << 13)	/* packet checksum off: dword 1 holds the RSS hash */
#define E1000E_MRQC 0x05818		/* Multiple Receive Queues Command */
#define E1000E_MRQC_RSS (1u << 0)	/* MRQE = 01: RSS */
#define E1000E_MRQC_TCPIPV4 (1u << 16)	/* hash fields enabled per type */
#define E1000E_MRQC_IPV4 (1u << 17)
#define E1000E_MRQC_TCPIPV6 (1u << 18)
#define E1000E_MRQC_IPV6EX (1u << 19)
#define E1000E_MRQC_IPV6 (1u << 20)
#define E1000E_RETA 0x05c00		/* redirection table: 128 one-byte entries */
#define E1000E_RETA_ENTRIES 128
#define E1000E_RETA_QUEUE_SHIFT 7	/* an entry's queue bit */
#define E1000E_RSSRK 0x05c80		/* RSS random key: 40 bytes */
#define E1000E_RSS_KEY_LEN 40

/* RCTL.DTYP (bits 11:10): 00 one buffer per descriptor. */
#define E1000E_RCTL_DTYP_MASK (3u << 10)

/* ---- extended receive descriptor (7.1.4.2) ---------------------------------- */
union e1000e_rx_desc {
	struct {
		uint64_t buffer_addr;
		uint64_t reserved;	/* dword 2 holds DD on write-back: cleared */
	} read;
	struct {
		uint32_t mrq;		/* RSS type (3:0) and queue */
		uint32_t rss_hash;	/* with RXCSUM.PCSD; else IP id and checksum */
		uint32_t status_error;	/* status (19:0), errors (31:20) */
		uint16_t length;
		uint16_t vlan;
	} wb;
};
SL_STATIC_ASSERT(sizeof(union e1000e_rx_desc) == 16, "extended RX descriptor is 16 bytes");

#define E1000E_RXD_STAT_DD (1u << 0)
#define E1000E_RXD_STAT_EOP (1u << 1)
#define E1000E_RXD_STAT_VP (1u << 3)
#define E1000E_RXD_STAT_UDPCS (1u << 4)
#define E1000E_RXD_STAT_TCPCS (1u << 5)	/* TCP or UDP checksum checked */
#define E1000E_RXD_STAT_IPCS (1u << 6)	/* IPv4 header checksum checked */
#define E1000E_RXD_ERR_CE (1u << 24)	/* CRC error */
#define E1000E_RXD_ERR_SE (1u << 25)	/* symbol error */
#define E1000E_RXD_ERR_SEQ (1u << 26)	/* sequence error */
#define E1000E_RXD_ERR_CXE (1u << 28)	/* carrier extension error */
#define E1000E_RXD_ERR_TCPE (1u << 29)	/* TCP/UDP checksum error */
#define E1000E_RXD_ERR_IPE (1u << 30)	/* IPv4 checksum error */
#define E1000E_RXD_ERR_RXE (1u << 31)	/* RX data error */
#define E1000E_RXD_ERR_FRAME \
	(E1000E_RXD_ERR_CE | E1000E_RXD_ERR_SE | E1000E_RXD_ERR_SEQ | E1000E_RXD_ERR_CXE | \
	 E1000E_RXD_ERR_RXE)
#define E1000E_MRQ_RSS_TYPE_MASK 0xfu	/* 0: no hash computed */

/* ---- limits ------------------------------------------------------------------- */
/* The longest frame the 82574 takes with RCTL.LPE, FCS and a VLAN tag
 * included: 9234 bytes, what Intel's drivers allow it (max_hw_frame_size).
 * QEMU's model accepts up to 16 KiB, the chip's FIFO does not. */
#define E1000E_MAX_FRAME_LEN (9234 - 4)	/* without the FCS */
#define E1000E_TIPG_IPGT 8u		/* 10.2.6.3: IPGT 8 for the 82574 */

#endif /* E1000E_REGS_H */
