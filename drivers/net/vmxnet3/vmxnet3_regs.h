/* SPDX-License-Identifier: BSD-3-Clause
 * VMware vmxnet3 (15ad:07b0): registers, commands and the layouts of the
 * memory the driver shares with the device, written from the device's
 * interface description (names in comments are the interface's). All
 * little-endian; bitfields are spelled as masks on 32-bit words so that
 * nothing depends on a compiler's bitfield order. Not installed. */
#ifndef VMXNET3_REGS_H
#define VMXNET3_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "sl_common.h"

#define VMXNET3_VENDOR_VMWARE 0x15ad
#define VMXNET3_DEV_ID 0x07b0

/* BAR0 ("PT"): per-queue doorbells, 8 bytes apart */
#define VMXNET3_BAR0_MIN_LEN 0x1000
#define VMXNET3_REG_IMR(i) (0x000 + 8 * (i))	 /* interrupt i masked (1) */
#define VMXNET3_REG_TXPROD(q) (0x600 + 8 * (q)) /* TX queue q producer index */
#define VMXNET3_REG_RXPROD(q) (0x800 + 8 * (q)) /* RX queue q ring 0 producer */
#define VMXNET3_REG_RXPROD2(q) (0xa00 + 8 * (q)) /* RX queue q ring 1 producer */

/* BAR1 ("VD"): control */
#define VMXNET3_BAR1_MIN_LEN 0x48
#define VMXNET3_REG_VRRS 0x00 /* revision report (read) / select (write) */
#define VMXNET3_REG_UVRS 0x08 /* UPT version report / select */
#define VMXNET3_REG_DSAL 0x10 /* driver shared area, low 32 bits */
#define VMXNET3_REG_DSAH 0x18 /* high 32 bits */
#define VMXNET3_REG_CMD 0x20  /* command; reading returns its result */
#define VMXNET3_REG_MACL 0x28 /* MAC bytes 0..3 */
#define VMXNET3_REG_MACH 0x30 /* MAC bytes 4..5 */
#define VMXNET3_REG_ICR 0x38  /* interrupt cause (INTx) */
#define VMXNET3_REG_ECR 0x40  /* event cause: write 1s to acknowledge */

#define VMXNET3_REVISION_1 0x1 /* VRRS/UVRS bit 0: revision 1 */

/* commands written to CMD */
#define VMXNET3_CMD_ACTIVATE_DEV 0xcafe0000u /* result 0: active */
#define VMXNET3_CMD_QUIESCE_DEV 0xcafe0001u
#define VMXNET3_CMD_RESET_DEV 0xcafe0002u
#define VMXNET3_CMD_UPDATE_RX_MODE 0xcafe0003u
#define VMXNET3_CMD_UPDATE_MAC_FILTERS 0xcafe0004u
#define VMXNET3_CMD_UPDATE_VLAN_FILTERS 0xcafe0005u
#define VMXNET3_CMD_GET_QUEUE_STATUS 0xf00d0000u
#define VMXNET3_CMD_GET_STATS 0xf00d0001u /* queue descriptors' stats written */
#define VMXNET3_CMD_GET_LINK 0xf00d0002u  /* bit 0 up, bits 31:16 Mb/s */
#define VMXNET3_CMD_GET_PERM_MAC_LO 0xf00d0003u
#define VMXNET3_CMD_GET_PERM_MAC_HI 0xf00d0004u

#define VMXNET3_LINK_UP_BIT 0x1u
#define VMXNET3_LINK_SPEED_SHIFT 16

/* event causes (shared area ecr, REG_ECR) */
#define VMXNET3_ECR_RQERR (1u << 0)
#define VMXNET3_ECR_TQERR (1u << 1)
#define VMXNET3_ECR_LINK (1u << 2)
#define VMXNET3_ECR_DIC (1u << 3)
#define VMXNET3_ECR_DEBUG (1u << 4)

/* ---- descriptors (16 bytes each) ---- */

/* TX descriptor (Vmxnet3_TxDesc): word 2 and word 3 */
#define VMXNET3_TXD_LEN_MASK 0x3fffu	/* 0 means 16384 */
#define VMXNET3_TXD_GEN (1u << 14)
#define VMXNET3_TXD_EOP (1u << 12)	/* word 3 */
#define VMXNET3_TXD_CQ (1u << 13)	/* word 3: completion requested */
#define VMXNET3_TX_MAX_BUF 16383u	/* what a non-zero len can say */
#define VMXNET3_MAX_TXD_PER_PKT 16

struct vmxnet3_tx_desc {
	uint64_t addr;
	uint32_t len_gen;	/* len 13:0, gen 14, dtype 16, ext1 17, msscof 31:18 */
	uint32_t flags;		/* hlen 9:0, om 11:10, eop 12, cq 13, ti 15, tci 31:16 */
};

/* TX completion (Vmxnet3_TxCompDesc) */
#define VMXNET3_TCD_TXIDX_MASK 0xfffu	/* word 0: index of the EOP descriptor */
#define VMXNET3_TCD_GEN (1u << 31)	/* word 3 */

struct vmxnet3_tx_comp_desc {
	uint32_t txd_idx;
	uint32_t ext2;
	uint32_t ext3;
	uint32_t type_gen;
};

/* RX descriptor (Vmxnet3_RxDesc): word 2 */
#define VMXNET3_RXD_LEN_MASK 0x3fffu
#define VMXNET3_RXD_BTYPE_BODY (1u << 14) /* 0: head buffer (ring 0) */
#define VMXNET3_RXD_GEN (1u << 31)
#define VMXNET3_RX_MAX_BUF 16383u
#define VMXNET3_RX_MIN_BUF 128u

struct vmxnet3_rx_desc {
	uint64_t addr;
	uint32_t len_btype_gen;
	uint32_t ext1;
};

/* RX completion (Vmxnet3_RxCompDesc) */
#define VMXNET3_RCD_RXDIDX_MASK 0xfffu	/* word 0 */
#define VMXNET3_RCD_EOP (1u << 14)
#define VMXNET3_RCD_SOP (1u << 15)
#define VMXNET3_RCD_RQID_SHIFT 16
#define VMXNET3_RCD_RQID_MASK 0x3ffu
#define VMXNET3_RCD_LEN_MASK 0x3fffu	/* word 2 */
#define VMXNET3_RCD_ERR (1u << 14)
#define VMXNET3_RCD_GEN (1u << 31)	/* word 3 */

struct vmxnet3_rx_comp_desc {
	uint32_t idx_flags;	/* rxdIdx 11:0, eop 14, sop 15, rqID 25:16, rssType, cnc */
	uint32_t rss_hash;
	uint32_t len_err;	/* len 13:0, err 14, ts 15, tci 31:16 */
	uint32_t csum_gen;	/* csum, tuc udp tcp ipc v6 v4 frg fcs, type 30:24, gen 31 */
};

#define VMXNET3_RING_ALIGN 512		/* ring base addresses */
#define VMXNET3_RING_SIZE_ALIGN 32	/* ring sizes are multiples of this */
#define VMXNET3_RING_MAX 4096		/* 12-bit descriptor indexes */
#define VMXNET3_RING_MIN 32

/* ---- the driver shared area (Vmxnet3_DriverShared) ---- */

#define VMXNET3_REV1_MAGIC 0xbabefee1u
#define VMXNET3_GOS_BITS_64 2u
#define VMXNET3_GOS_TYPE_LINUX (1u << 2)	/* chained RX ("compound") frames */
#define VMXNET3_IC_DISABLE_ALL 0x1u
#define VMXNET3_MAX_INTRS 25
#define VMXNET3_IML_ADAPTIVE 8
#define VMXNET3_VFT_WORDS 128			/* one bit per VLAN id */

#define VMXNET3_RXM_UCAST 0x01u
#define VMXNET3_RXM_MCAST 0x02u
#define VMXNET3_RXM_BCAST 0x04u
#define VMXNET3_RXM_ALL_MULTI 0x08u
#define VMXNET3_RXM_PROMISC 0x10u

#define VMXNET3_MIN_MTU 60
#define VMXNET3_MAX_MTU 9000
#define VMXNET3_MAX_TX_QUEUES 8		/* what QEMU's model accepts */

struct vmxnet3_driver_shared {
	uint32_t magic;
	uint32_t pad;
	/* devRead.misc (Vmxnet3_MiscConf) */
	uint32_t drv_version;
	uint32_t gos;			/* gosBits 1:0, gosType 5:2 */
	uint32_t vmxnet3_rev_spt;
	uint32_t upt_ver_spt;
	uint64_t upt_features;
	uint64_t dd_pa;
	uint64_t queue_desc_pa;
	uint32_t dd_len;
	uint32_t queue_desc_len;
	uint32_t mtu;
	uint16_t max_num_rx_sg;
	uint8_t num_tx_queues;
	uint8_t num_rx_queues;
	uint32_t misc_reserved[4];
	/* devRead.intrConf */
	uint8_t auto_mask;
	uint8_t num_intrs;
	uint8_t event_intr_idx;
	uint8_t mod_levels[VMXNET3_MAX_INTRS];
	uint32_t intr_ctrl;
	uint32_t intr_reserved[2];
	/* devRead.rxFilterConf */
	uint32_t rx_mode;
	uint16_t mf_table_len;
	uint16_t pad1;
	uint64_t mf_table_pa;
	uint32_t vf_table[VMXNET3_VFT_WORDS];
	/* devRead.rssConfDesc, pmConfDesc, pluginConfDesc */
	uint64_t conf_desc[6];
	uint32_t ecr;			/* written by the device */
	uint32_t reserved[5];
};

SL_STATIC_ASSERT(offsetof(struct vmxnet3_driver_shared, queue_desc_pa) == 40, "misc layout");
SL_STATIC_ASSERT(offsetof(struct vmxnet3_driver_shared, mtu) == 56, "misc layout");
SL_STATIC_ASSERT(offsetof(struct vmxnet3_driver_shared, auto_mask) == 80, "intrConf layout");
SL_STATIC_ASSERT(offsetof(struct vmxnet3_driver_shared, rx_mode) == 120, "rxFilterConf layout");
SL_STATIC_ASSERT(offsetof(struct vmxnet3_driver_shared, ecr) == 696, "ecr");
SL_STATIC_ASSERT(sizeof(struct vmxnet3_driver_shared) == 720, "DriverShared size");

/* UPT1_TxStats, UPT1_RxStats */
struct vmxnet3_tx_stats {
	uint64_t tso_pkts, tso_bytes, ucast_pkts, ucast_bytes, mcast_pkts, mcast_bytes;
	uint64_t bcast_pkts, bcast_bytes, pkts_error, pkts_discard;
};

struct vmxnet3_rx_stats {
	uint64_t lro_pkts, lro_bytes, ucast_pkts, ucast_bytes, mcast_pkts, mcast_bytes;
	uint64_t bcast_pkts, bcast_bytes, pkts_out_of_buf, pkts_error;
};

/* Vmxnet3_TxQueueDesc: 256 bytes */
struct vmxnet3_tx_queue_desc {
	uint32_t tx_num_deferred;	/* ctrl */
	uint32_t tx_threshold;
	uint64_t ctrl_reserved;
	uint64_t tx_ring_pa;		/* conf */
	uint64_t data_ring_pa;
	uint64_t comp_ring_pa;
	uint64_t dd_pa;
	uint64_t conf_reserved;
	uint32_t tx_ring_size;
	uint32_t data_ring_size;
	uint32_t comp_ring_size;
	uint32_t dd_len;
	uint8_t intr_idx;
	uint8_t conf_pad[7];
	uint8_t stopped;		/* status */
	uint8_t status_pad[3];
	uint32_t error;
	struct vmxnet3_tx_stats stats;
	uint8_t pad[88];
};

/* Vmxnet3_RxQueueDesc: 256 bytes */
struct vmxnet3_rx_queue_desc {
	uint8_t update_rx_prod;		/* ctrl: the device wants RXPROD writes */
	uint8_t ctrl_pad[7];
	uint64_t ctrl_reserved;
	uint64_t rx_ring_pa[2];		/* conf */
	uint64_t comp_ring_pa;
	uint64_t dd_pa;
	uint64_t conf_reserved;
	uint32_t rx_ring_size[2];
	uint32_t comp_ring_size;
	uint32_t dd_len;
	uint8_t intr_idx;
	uint8_t conf_pad[7];
	uint8_t stopped;
	uint8_t status_pad[3];
	uint32_t error;
	struct vmxnet3_rx_stats stats;
	uint8_t pad[88];
};

SL_STATIC_ASSERT(sizeof(struct vmxnet3_tx_queue_desc) == 256, "TxQueueDesc size");
SL_STATIC_ASSERT(sizeof(struct vmxnet3_rx_queue_desc) == 256, "RxQueueDesc size");
SL_STATIC_ASSERT(offsetof(struct vmxnet3_tx_queue_desc, stats) == 88, "TxQueueDesc stats");
SL_STATIC_ASSERT(offsetof(struct vmxnet3_rx_queue_desc, intr_idx) == 72, "RxQueueConf");

#endif /* VMXNET3_REGS_H */
