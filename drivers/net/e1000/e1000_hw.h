/* SPDX-License-Identifier: BSD-3-Clause
 * e1000 chip access: register accessors, quiesce, EEPROM (EERD), station
 * address (RAL0/RAH0), PHY (MDIC), link (STATUS) and the statistics
 * counters, and the register sequences a start shares. Everything here
 * takes the BAR0 mapping, so both drivers (the 8254x's and the 82574's)
 * use it with their own adapters. Not installed. */
#ifndef E1000_HW_H
#define E1000_HW_H

#include <stdint.h>

#include "sl_ethdev.h"
#include "sl_io.h"
#include "e1000_regs.h"

static inline uint32_t e1000_read(const volatile uint8_t *hw, uint32_t reg)
{
	return sl_read32(hw + reg);
}

static inline void e1000_write(volatile uint8_t *hw, uint32_t reg, uint32_t value)
{
	sl_write32(value, hw + reg);
}

/* RX and TX off, interrupts masked and acknowledged, no ring addresses
 * left in the device for queues 0 .. nb_queues - 1. */
void e1000_hw_quiesce(volatile uint8_t *hw, unsigned nb_queues);
/* Interrupts masked and acknowledged (the drivers poll). */
void e1000_hw_irq_mask(volatile uint8_t *hw);

/* Where a chip's EERD keeps its fields: the 8254x's (SDM 13.4.4) and the
 * 82574's (datasheet 10.2.2.5) differ. */
struct e1000_eerd_layout {
	uint32_t start;
	uint32_t done;
	uint8_t addr_shift;
	uint8_t data_shift;
};
extern const struct e1000_eerd_layout e1000_eerd_8254x;
extern const struct e1000_eerd_layout e1000_eerd_82574;

/* One 16-bit EEPROM word through EERD: 0, or -ETIMEDOUT (a device
 * without EERD, like the 82544GC, never completes). */
int e1000_eeprom_read(volatile uint8_t *hw, const struct e1000_eerd_layout *eerd, uint16_t word,
		      uint16_t *value);

/* The station address from EEPROM words 0-2 (SDM 5.6.1), else from what
 * the device loaded into RAL0/RAH0: 0, or -ENOENT when neither holds a
 * valid assigned address (mac is then undefined). */
int e1000_mac_addr_read(volatile uint8_t *hw, const struct e1000_eerd_layout *eerd,
			struct sl_ether_addr *mac);
/* Receive address 0 (RAL0/RAH0), marked valid. */
void e1000_mac_addr_write(volatile uint8_t *hw, const struct sl_ether_addr *mac);

/* What a start programs before the queues: link up with autonegotiated
 * speed (CTRL), mac the only unicast address, no multicast table, no
 * interrupt throttling. */
void e1000_hw_mac_setup(volatile uint8_t *hw, const struct sl_ether_addr *mac);

/* Queue q's descriptor ring: base, length, head 0 and the tail: RX gives
 * the device every descriptor but one (RDT = nb_desc - 1, see e1000_rx.c),
 * TX none yet (TDT = 0). */
void e1000_hw_rx_ring_setup(volatile uint8_t *hw, uint16_t q, uint64_t iova, uint16_t nb_desc);
void e1000_hw_tx_ring_setup(volatile uint8_t *hw, uint16_t q, uint64_t iova, uint16_t nb_desc);
/* Transmit on (TCTL) with inter-packet gap ipgt, no TX interrupt delays. */
void e1000_hw_tx_enable(volatile uint8_t *hw, uint32_t ipgt);

/* RCTL.BSIZE/BSEX for the largest buffer (256 .. 16384 bytes, powers of
 * two) that room holds, its size in *buf_len; 0 there when none fits. */
uint32_t e1000_rctl_bsize(uint32_t room, uint16_t *buf_len);

/* A register of the internal PHY through MDIC: 0, -EIO or -ETIMEDOUT. */
int e1000_phy_write(volatile uint8_t *hw, uint32_t reg, uint16_t value);

/* Link status, speed and duplex as STATUS reports them (autoneg on). */
void e1000_link_read(const volatile uint8_t *hw, struct sl_eth_link *link);

/* A device counter accumulated into 64 bits. QEMU's model (7.2,
 * hw/net/e1000.c) clears some counters on read like the silicon and
 * keeps others (CRCERRS..MPC, RNBC, RLEC) running, so each counter learns
 * which kind it is the first time it reads non-zero. */
struct e1000_counter {
	uint32_t reg;
	uint8_t mode;			/* E1000_CNT_UNKNOWN / _CLEARS / _RUNNING */
	uint32_t last;			/* last raw value of a running counter */
	uint64_t total;
};
enum { E1000_CNT_UNKNOWN = 0, E1000_CNT_CLEARS, E1000_CNT_RUNNING };

enum e1000_cnt_index {
	E1000_CNT_CRCERRS,
	E1000_CNT_ALGNERRC,
	E1000_CNT_SYMERRS,
	E1000_CNT_RXERRC,
	E1000_CNT_MPC,
	E1000_CNT_ECOL,
	E1000_CNT_LATECOL,
	E1000_CNT_RLEC,
	E1000_CNT_RUC,
	E1000_CNT_ROC,
	E1000_CNT_GPRC,
	E1000_CNT_GPTC,
	E1000_CNT_TPR,
	E1000_CNT_TPT,
	E1000_CNT_NB32,
};

/* The statistics registers a port reports, accumulated since the last
 * e1000_hw_stats_clear. */
struct e1000_hw_stats {
	struct e1000_counter cnt[E1000_CNT_NB32];
	/* 64-bit counters (clear on read of the high half everywhere) */
	uint64_t gorc, gotc;
};

/* Names the registers behind s->cnt; everything else zero. */
void e1000_hw_stats_init(struct e1000_hw_stats *s);
/* Reads every counter register into s. */
void e1000_hw_stats_update(volatile uint8_t *hw, struct e1000_hw_stats *s);
/* Reads the registers, then forgets what they held. */
void e1000_hw_stats_clear(volatile uint8_t *hw, struct e1000_hw_stats *s);
/* Updates s and sets the port totals of st from it (packets, bytes
 * without FCS, missed, errors); the queue counters are the caller's. */
void e1000_hw_stats_get(volatile uint8_t *hw, struct e1000_hw_stats *s, struct sl_eth_stats *st);

#endif /* E1000_HW_H */
