/* SPDX-License-Identifier: BSD-3-Clause
 * e1000 chip access: quiesce, EEPROM, station address, PHY, link and the
 * statistics counters (8254x SDM chapter 13), and the register sequences
 * of a start both chips share. Nothing here knows about ports or the
 * driver's queue objects. */
#include <errno.h>

#include "sl_eal.h"
#include "e1000_hw.h"
#include "e1000e_regs.h"

/* SDM 13.4.4: an EERD read completes in microseconds; a device without
 * EERD (82544GC) never sets DONE. */
#define EERD_POLL_US 5
#define EERD_POLL_TRIES 2000
#define MDIC_POLL_US 10
#define MDIC_POLL_TRIES 1000

const struct e1000_eerd_layout e1000_eerd_8254x = {
	.start = E1000_EERD_START,
	.done = E1000_EERD_DONE,
	.addr_shift = E1000_EERD_ADDR_SHIFT,
	.data_shift = E1000_EERD_DATA_SHIFT,
};

const struct e1000_eerd_layout e1000_eerd_82574 = {
	.start = E1000E_EERD_START,
	.done = E1000E_EERD_DONE,
	.addr_shift = E1000E_EERD_ADDR_SHIFT,
	.data_shift = E1000E_EERD_DATA_SHIFT,
};

void e1000_hw_irq_mask(volatile uint8_t *hw)
{
	e1000_write(hw, E1000_IMC, E1000_IMC_ALL);
	(void)e1000_read(hw, E1000_ICR);
}

/* The state a stopped port and a kernel driver about to take over
 * expect. */
void e1000_hw_quiesce(volatile uint8_t *hw, unsigned nb_queues)
{
	static const uint32_t ring_regs[] = {
		E1000_RDLEN, E1000_RDBAL, E1000_RDBAH, E1000_RDH, E1000_RDT,
		E1000_TDLEN, E1000_TDBAL, E1000_TDBAH, E1000_TDH, E1000_TDT,
	};
	unsigned q, i;

	e1000_write(hw, E1000_IMC, E1000_IMC_ALL);
	e1000_write(hw, E1000_RCTL, 0);
	e1000_write(hw, E1000_TCTL, 0);
	(void)e1000_read(hw, E1000_ICR);
	for (q = 0; q < nb_queues; q++)
		for (i = 0; i < SL_DIM(ring_regs); i++)
			e1000_write(hw, E1000_QUEUE_REG(ring_regs[i], q), 0);
}

int e1000_eeprom_read(volatile uint8_t *hw, const struct e1000_eerd_layout *eerd, uint16_t word,
		      uint16_t *value)
{
	int i;

	e1000_write(hw, E1000_EERD, ((uint32_t)word << eerd->addr_shift) | eerd->start);
	for (i = 0; i < EERD_POLL_TRIES; i++) {
		uint32_t v = e1000_read(hw, E1000_EERD);

		if (v & eerd->done) {
			*value = (uint16_t)(v >> eerd->data_shift);
			return 0;
		}
		sl_delay_us(EERD_POLL_US);
	}
	return -ETIMEDOUT;
}

int e1000_mac_addr_read(volatile uint8_t *hw, const struct e1000_eerd_layout *eerd,
			struct sl_ether_addr *mac)
{
	uint16_t w[3];
	unsigned i;

	for (i = 0; i < 3; i++)
		if (e1000_eeprom_read(hw, eerd, (uint16_t)(E1000_EEPROM_MAC_WORD0 + i), &w[i]) < 0)
			break;
	if (i == 3) {
		for (i = 0; i < 3; i++) {
			mac->addr_bytes[2 * i] = (uint8_t)w[i];
			mac->addr_bytes[2 * i + 1] = (uint8_t)(w[i] >> 8);
		}
		if (sl_is_valid_assigned_ether_addr(mac))
			return 0;
	}
	if (e1000_read(hw, E1000_RAH(0)) & E1000_RAH_AV) {
		uint32_t ral = e1000_read(hw, E1000_RAL(0));
		uint32_t rah = e1000_read(hw, E1000_RAH(0));

		for (i = 0; i < 4; i++)
			mac->addr_bytes[i] = (uint8_t)(ral >> (8 * i));
		mac->addr_bytes[4] = (uint8_t)rah;
		mac->addr_bytes[5] = (uint8_t)(rah >> 8);
		if (sl_is_valid_assigned_ether_addr(mac))
			return 0;
	}
	return -ENOENT;
}

void e1000_mac_addr_write(volatile uint8_t *hw, const struct sl_ether_addr *mac)
{
	const uint8_t *b = mac->addr_bytes;

	e1000_write(hw, E1000_RAL(0),
		    (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
			    ((uint32_t)b[3] << 24));
	e1000_write(hw, E1000_RAH(0), (uint32_t)b[4] | ((uint32_t)b[5] << 8) | E1000_RAH_AV);
}

void e1000_hw_mac_setup(volatile uint8_t *hw, const struct sl_ether_addr *mac)
{
	uint32_t ctrl = e1000_read(hw, E1000_CTRL);
	unsigned i;

	ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_FRCSPD |
		  E1000_CTRL_FRCDPLX | E1000_CTRL_VME | E1000_CTRL_RST);
	ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
	e1000_write(hw, E1000_CTRL, ctrl);
	e1000_mac_addr_write(hw, mac);
	for (i = 1; i < 16; i++) {
		e1000_write(hw, E1000_RAL(i), 0);
		e1000_write(hw, E1000_RAH(i), 0);
	}
	for (i = 0; i < E1000_MTA_ENTRIES; i++)
		e1000_write(hw, E1000_MTA + 4 * i, 0);
	e1000_write(hw, E1000_ITR, 0);
}

/* RX and TX rings have the same register block: BAL, BAH, LEN, head and
 * tail at the same distances from BAL. */
SL_STATIC_ASSERT(E1000_TDBAH - E1000_TDBAL == E1000_RDBAH - E1000_RDBAL &&
			 E1000_TDLEN - E1000_TDBAL == E1000_RDLEN - E1000_RDBAL &&
			 E1000_TDH - E1000_TDBAL == E1000_RDH - E1000_RDBAL &&
			 E1000_TDT - E1000_TDBAL == E1000_RDT - E1000_RDBAL,
		 "RX and TX ring registers alike");

/* Both descriptor formats (legacy, extended) are 16 bytes. */
static void ring_setup(volatile uint8_t *hw, uint32_t bal, uint16_t q, uint64_t iova,
		       uint16_t nb_desc, uint32_t tail)
{
	bal = E1000_QUEUE_REG(bal, q);
	e1000_write(hw, bal, (uint32_t)iova);
	e1000_write(hw, bal + (E1000_RDBAH - E1000_RDBAL), (uint32_t)(iova >> 32));
	e1000_write(hw, bal + (E1000_RDLEN - E1000_RDBAL), (uint32_t)nb_desc * 16u);
	e1000_write(hw, bal + (E1000_RDH - E1000_RDBAL), 0);
	e1000_write(hw, bal + (E1000_RDT - E1000_RDBAL), tail);
}

void e1000_hw_rx_ring_setup(volatile uint8_t *hw, uint16_t q, uint64_t iova, uint16_t nb_desc)
{
	ring_setup(hw, E1000_RDBAL, q, iova, nb_desc, nb_desc - 1u);
}

void e1000_hw_tx_ring_setup(volatile uint8_t *hw, uint16_t q, uint64_t iova, uint16_t nb_desc)
{
	ring_setup(hw, E1000_TDBAL, q, iova, nb_desc, 0);
}

void e1000_hw_tx_enable(volatile uint8_t *hw, uint32_t ipgt)
{
	e1000_write(hw, E1000_TIDV, 0);
	e1000_write(hw, E1000_TADV, 0);
	e1000_write(hw, E1000_TIPG,
		    ipgt | (E1000_TIPG_IPGR1_DEFAULT << E1000_TIPG_IPGR1_SHIFT) |
			    (E1000_TIPG_IPGR2_DEFAULT << E1000_TIPG_IPGR2_SHIFT));
	e1000_write(hw, E1000_TCTL,
		    E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_RTLC |
			    (E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT) |
			    (E1000_TCTL_COLD_FULL_DUPLEX << E1000_TCTL_COLD_SHIFT));
}

uint32_t e1000_rctl_bsize(uint32_t room, uint16_t *buf_len)
{
	/* index i: 256 << i bytes */
	static const uint32_t bits[] = {
		E1000_RCTL_BSIZE_256, E1000_RCTL_BSIZE_512, E1000_RCTL_BSIZE_1024,
		E1000_RCTL_BSIZE_2048, E1000_RCTL_BSEX | E1000_RCTL_BSIZE_4096,
		E1000_RCTL_BSEX | E1000_RCTL_BSIZE_8192, E1000_RCTL_BSEX | E1000_RCTL_BSIZE_16384,
	};
	int i;

	for (i = (int)SL_DIM(bits) - 1; i >= 0; i--) {
		if ((256u << i) <= room) {
			/* buf_len is 16 bits: 16384 fits */
			*buf_len = (uint16_t)(256u << i);
			return bits[i];
		}
	}
	*buf_len = 0;
	return 0;
}

int e1000_phy_write(volatile uint8_t *hw, uint32_t reg, uint16_t value)
{
	int i;

	e1000_write(hw, E1000_MDIC,
		    value | (reg << E1000_MDIC_REG_SHIFT) |
			    ((uint32_t)E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT) | E1000_MDIC_OP_WRITE);
	for (i = 0; i < MDIC_POLL_TRIES; i++) {
		uint32_t v = e1000_read(hw, E1000_MDIC);

		if (v & E1000_MDIC_READY)
			return (v & E1000_MDIC_ERROR) ? -EIO : 0;
		sl_delay_us(MDIC_POLL_US);
	}
	return -ETIMEDOUT;
}

void e1000_link_read(const volatile uint8_t *hw, struct sl_eth_link *link)
{
	uint32_t status = e1000_read(hw, E1000_STATUS);

	link->val64 = 0;
	link->link_autoneg = SL_ETH_LINK_AUTONEG;
	if (!(status & E1000_STATUS_LU))
		return;
	link->link_status = SL_ETH_LINK_UP;
	link->link_duplex = (status & E1000_STATUS_FD) ? SL_ETH_LINK_FULL_DUPLEX
						       : SL_ETH_LINK_HALF_DUPLEX;
	switch ((status & E1000_STATUS_SPEED_MASK) >> E1000_STATUS_SPEED_SHIFT) {
	case 0:
		link->link_speed = SL_ETH_SPEED_NUM_10M;
		break;
	case 1:
		link->link_speed = SL_ETH_SPEED_NUM_100M;
		break;
	default:
		link->link_speed = SL_ETH_SPEED_NUM_1G;
	}
}

/* ---- statistics ---------------------------------------------------------- */

static const uint32_t e1000_counter_regs[E1000_CNT_NB32] = {
	[E1000_CNT_CRCERRS] = E1000_CRCERRS,
	[E1000_CNT_ALGNERRC] = E1000_ALGNERRC,
	[E1000_CNT_SYMERRS] = E1000_SYMERRS,
	[E1000_CNT_RXERRC] = E1000_RXERRC,
	[E1000_CNT_MPC] = E1000_MPC,
	[E1000_CNT_ECOL] = E1000_ECOL,
	[E1000_CNT_LATECOL] = E1000_LATECOL,
	[E1000_CNT_RLEC] = E1000_RLEC,
	[E1000_CNT_RUC] = E1000_RUC,
	[E1000_CNT_ROC] = E1000_ROC,
	[E1000_CNT_GPRC] = E1000_GPRC,
	[E1000_CNT_GPTC] = E1000_GPTC,
	[E1000_CNT_TPR] = E1000_TPR,
	[E1000_CNT_TPT] = E1000_TPT,
};

void e1000_hw_stats_init(struct e1000_hw_stats *s)
{
	unsigned i;

	*s = (struct e1000_hw_stats){ .gorc = 0 };
	for (i = 0; i < E1000_CNT_NB32; i++)
		s->cnt[i].reg = e1000_counter_regs[i];
}

/* Adds what happened since the last read to c->total. A counter that is
 * non-zero and reads lower right after is clearing on read (the silicon);
 * one that does not drop is running (QEMU's CRCERRS..MPC, RNBC, RLEC). A
 * clearing counter only gains in the microseconds between the two reads
 * what it gained since the previous poll, so the test holds in practice. */
static void counter_update(volatile uint8_t *hw, struct e1000_counter *c)
{
	uint32_t v = e1000_read(hw, c->reg), v2;

	switch (c->mode) {
	case E1000_CNT_CLEARS:
		c->total += v;
		return;
	case E1000_CNT_RUNNING:
		c->total += (uint32_t)(v - c->last);
		c->last = v;
		return;
	default:
		if (v == 0)
			return;
		v2 = e1000_read(hw, c->reg);
		if (v2 < v) {
			c->mode = E1000_CNT_CLEARS;
			c->total += (uint64_t)v + v2;
		} else {
			c->mode = E1000_CNT_RUNNING;
			c->total += v2 - c->last;
			c->last = v2;
		}
	}
}

static uint64_t read_counter64(volatile uint8_t *hw, uint32_t reg_low)
{
	/* Low first: reading the high half clears both (SDM 13.7). */
	uint64_t low = e1000_read(hw, reg_low);

	return low | ((uint64_t)e1000_read(hw, reg_low + 4) << 32);
}

void e1000_hw_stats_update(volatile uint8_t *hw, struct e1000_hw_stats *s)
{
	unsigned i;

	for (i = 0; i < E1000_CNT_NB32; i++)
		counter_update(hw, &s->cnt[i]);
	s->gorc += read_counter64(hw, E1000_GORCL);
	s->gotc += read_counter64(hw, E1000_GOTCL);
	/* QEMU 7.2 sets GPRC/GORC (GPTC/GOTC) equal to TPR/TOR (TPT/TOT)
	 * after each frame instead of counting them separately; reading the
	 * totals as well (TPR/TPT above) clears them in the same pass so the
	 * copies stay deltas. */
	(void)read_counter64(hw, E1000_TORL);
	(void)read_counter64(hw, E1000_TOTL);
}

void e1000_hw_stats_clear(volatile uint8_t *hw, struct e1000_hw_stats *s)
{
	unsigned i;

	e1000_hw_stats_update(hw, s);
	for (i = 0; i < E1000_CNT_NB32; i++)
		s->cnt[i].total = 0;
	s->gorc = s->gotc = 0;
}

void e1000_hw_stats_get(volatile uint8_t *hw, struct e1000_hw_stats *s, struct sl_eth_stats *st)
{
	const struct e1000_counter *c = s->cnt;
	uint64_t fcs;

	e1000_hw_stats_update(hw, s);
	st->ipackets = c[E1000_CNT_GPRC].total;
	st->opackets = c[E1000_CNT_GPTC].total;
	/* The octet counters include the 4-byte FCS of every frame; the
	 * application sees frames without it. */
	fcs = (uint64_t)SL_ETHER_CRC_LEN * st->ipackets;
	st->ibytes = s->gorc > fcs ? s->gorc - fcs : 0;
	fcs = (uint64_t)SL_ETHER_CRC_LEN * st->opackets;
	st->obytes = s->gotc > fcs ? s->gotc - fcs : 0;
	st->imissed = c[E1000_CNT_MPC].total;
	st->ierrors = c[E1000_CNT_CRCERRS].total + c[E1000_CNT_ALGNERRC].total +
		      c[E1000_CNT_SYMERRS].total + c[E1000_CNT_RXERRC].total +
		      c[E1000_CNT_RLEC].total + c[E1000_CNT_RUC].total + c[E1000_CNT_ROC].total;
	st->oerrors = c[E1000_CNT_ECOL].total + c[E1000_CNT_LATECOL].total;
}
