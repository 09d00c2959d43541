/* SPDX-License-Identifier: BSD-3-Clause
 * Intel 8254x (82540EM, 82545EM, 82544GC) registers and legacy descriptors,
 * with the names of the "PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual" (8254x SDM, rev. 4.0), chapter 13 for
 * registers and 3.2.3 / 3.3.3 for descriptors. Offsets are bytes into BAR0
 * (memory-mapped, 128 KiB), all accesses 32-bit. */
#ifndef E1000_REGS_H
#define E1000_REGS_H

#include <stdint.h>

#include "sl_common.h"

/* ---- PCI ids ----------------------------------------------------------- */
#define E1000_VENDOR_INTEL 0x8086
#define E1000_DEV_ID_82540EM 0x100e	/* QEMU "e1000" */
#define E1000_DEV_ID_82545EM_COPPER 0x100f	/* QEMU "e1000-82545em" */
#define E1000_DEV_ID_82544EI_COPPER 0x1008
#define E1000_DEV_ID_82544GC_COPPER 0x100c	/* QEMU "e1000-82544gc" */

/* ---- general (SDM 13.4.1 ..) ------------------------------------------- */
#define E1000_CTRL 0x00000	/* Device Control */
#define E1000_STATUS 0x00008	/* Device Status (RO) */
#define E1000_EECD 0x00010	/* EEPROM/Flash Control */
#define E1000_EERD 0x00014	/* EEPROM Read (not on 82544GC) */
#define E1000_CTRL_EXT 0x00018
#define E1000_MDIC 0x00020	/* MDI Control: PHY register access */
#define E1000_FCAL 0x00028
#define E1000_FCAH 0x0002c
#define E1000_FCT 0x00030
#define E1000_VET 0x00038
#define E1000_ICR 0x000c0	/* Interrupt Cause Read (clear on read) */
#define E1000_ITR 0x000c4	/* Interrupt Throttling */
#define E1000_ICS 0x000c8
#define E1000_IMS 0x000d0	/* Interrupt Mask Set/Read */
#define E1000_IMC 0x000d8	/* Interrupt Mask Clear */
#define E1000_RCTL 0x00100	/* Receive Control */
#define E1000_FCTTV 0x00170
#define E1000_TCTL 0x00400	/* Transmit Control */
#define E1000_TIPG 0x00410	/* Transmit Inter-Packet Gap */
#define E1000_LEDCTL 0x00e00
#define E1000_PBA 0x01000	/* Packet Buffer Allocation */

/* ---- receive (SDM 13.4.22 ..) ------------------------------------------ */
#define E1000_RDBAL 0x02800	/* RX Descriptor Base Address Low (16-byte aligned) */
#define E1000_RDBAH 0x02804
#define E1000_RDLEN 0x02808	/* bytes, multiple of 128 */
#define E1000_RDH 0x02810	/* head: next descriptor the device fills */
#define E1000_RDT 0x02818	/* tail: one past the last descriptor software gave */
#define E1000_RDTR 0x02820	/* RX delay timer */
#define E1000_RXDCTL 0x02828
#define E1000_RADV 0x0282c
#define E1000_RXCSUM 0x05000
#define E1000_MTA 0x05200	/* Multicast Table Array, 128 x 32 bits */
#define E1000_MTA_ENTRIES 128
#define E1000_RAL(n) (0x05400 + 8 * (n))	/* Receive Address Low */
#define E1000_RAH(n) (0x05404 + 8 * (n))	/* Receive Address High */
#define E1000_VFTA 0x05600

/* ---- transmit (SDM 13.4.33 ..) ----------------------------------------- */
#define E1000_TDBAL 0x03800
#define E1000_TDBAH 0x03804
#define E1000_TDLEN 0x03808
#define E1000_TDH 0x03810
#define E1000_TDT 0x03818
#define E1000_TIDV 0x03820
#define E1000_TXDCTL 0x03828
#define E1000_TADV 0x0382c

/* Chips with more than one queue (the 82574: two) have queue n's ring
 * registers (RDBAL..RDT, TDBAL..TDT) at queue 0's offset + 0x100 n; the
 * 8254x has queue 0 only. */
#define E1000_QUEUE_STRIDE 0x100
#define E1000_QUEUE_REG(reg, n) ((reg) + E1000_QUEUE_STRIDE * (n))

/* ---- statistics (SDM 13.7): 32-bit, clear on read on the silicon ------- */
#define E1000_CRCERRS 0x04000	/* CRC errors */
#define E1000_ALGNERRC 0x04004	/* alignment errors */
#define E1000_SYMERRS 0x04008	/* symbol errors */
#define E1000_RXERRC 0x0400c	/* RX errors */
#define E1000_MPC 0x04010	/* missed packets: no room in the RX FIFO/ring */
#define E1000_SCC 0x04014
#define E1000_ECOL 0x04018	/* excessive collisions (TX dropped) */
#define E1000_MCC 0x0401c
#define E1000_LATECOL 0x04020	/* late collisions (TX dropped) */
#define E1000_COLC 0x04028
#define E1000_DC 0x04030
#define E1000_TNCRS 0x04034
#define E1000_SEC 0x04038
#define E1000_CEXTERR 0x0403c
#define E1000_RLEC 0x04040	/* receive length errors */
#define E1000_XONRXC 0x04048
#define E1000_XONTXC 0x0404c
#define E1000_XOFFRXC 0x04050
#define E1000_XOFFTXC 0x04054
#define E1000_FCRUC 0x04058
#define E1000_PRC64 0x0405c
#define E1000_PRC127 0x04060
#define E1000_PRC255 0x04064
#define E1000_PRC511 0x04068
#define E1000_PRC1023 0x0406c
#define E1000_PRC1522 0x04070
#define E1000_GPRC 0x04074	/* good packets received */
#define E1000_BPRC 0x04078
#define E1000_MPRC 0x0407c
#define E1000_GPTC 0x04080	/* good packets transmitted */
#define E1000_GORCL 0x04088	/* good octets received, DA..FCS; read L then H */
#define E1000_GORCH 0x0408c
#define E1000_GOTCL 0x04090	/* good octets transmitted */
#define E1000_GOTCH 0x04094
#define E1000_RNBC 0x040a0	/* receive no buffers */
#define E1000_RUC 0x040a4	/* receive undersize */
#define E1000_RFC 0x040a8	/* receive fragment */
#define E1000_ROC 0x040ac	/* receive oversize */
#define E1000_RJC 0x040b0	/* receive jabber */
#define E1000_TORL 0x040c0	/* total octets received */
#define E1000_TORH 0x040c4
#define E1000_TOTL 0x040c8	/* total octets transmitted */
#define E1000_TOTH 0x040cc
#define E1000_TPR 0x040d0	/* total packets received */
#define E1000_TPT 0x040d4	/* total packets transmitted */
#define E1000_PTC64 0x040d8
#define E1000_PTC1522 0x040ec
#define E1000_MPTC 0x040f0
#define E1000_BPTC 0x040f4
#define E1000_TSCTC 0x040f8
#define E1000_TSCTFC 0x040fc

/* ---- CTRL (SDM 13.4.1) --------------------------------------------------- */
#define E1000_CTRL_FD (1u << 0)		/* full duplex */
#define E1000_CTRL_LRST (1u << 3)	/* link reset */
#define E1000_CTRL_ASDE (1u << 5)	/* auto-speed detection */
#define E1000_CTRL_SLU (1u << 6)	/* set link up */
#define E1000_CTRL_ILOS (1u << 7)	/* invert loss-of-signal */
#define E1000_CTRL_SPEED_MASK (3u << 8)
#define E1000_CTRL_FRCSPD (1u << 11)
#define E1000_CTRL_FRCDPLX (1u << 12)
#define E1000_CTRL_RST (1u << 26)	/* device reset (QEMU: ignored) */
#define E1000_CTRL_RFCE (1u << 27)
#define E1000_CTRL_TFCE (1u << 28)
#define E1000_CTRL_VME (1u << 30)	/* VLAN mode */
#define E1000_CTRL_PHY_RST (1u << 31)

/* ---- STATUS (SDM 13.4.2) ------------------------------------------------- */
#define E1000_STATUS_FD (1u << 0)
#define E1000_STATUS_LU (1u << 1)	/* link up */
#define E1000_STATUS_SPEED_SHIFT 6
#define E1000_STATUS_SPEED_MASK (3u << 6)	/* 00: 10, 01: 100, 1x: 1000 Mb/s */

/* ---- EERD (SDM 13.4.4; 82540EM layout) ------------------------------------ */
#define E1000_EERD_START (1u << 0)
#define E1000_EERD_DONE (1u << 4)
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16
/* EEPROM words 0-2: the Ethernet address, little-endian byte pairs. */
#define E1000_EEPROM_MAC_WORD0 0

/* ---- MDIC (SDM 13.4.7): PHY register access ----------------------------- */
#define E1000_MDIC_DATA_MASK 0xffffu
#define E1000_MDIC_REG_SHIFT 16
#define E1000_MDIC_PHY_SHIFT 21
#define E1000_MDIC_OP_WRITE (1u << 26)
#define E1000_MDIC_OP_READ (2u << 26)
#define E1000_MDIC_READY (1u << 28)
#define E1000_MDIC_ERROR (1u << 30)
#define E1000_PHY_ADDR 1		/* the internal PHY's MDIO address */
#define E1000_PHY_CTRL 0		/* PHY Control (IEEE 802.3 clause 22 BMCR) */
#define E1000_PHY_CTRL_LOOPBACK (1u << 14)
#define E1000_PHY_CTRL_AUTONEG_EN (1u << 12)
#define E1000_PHY_CTRL_FULL_DUPLEX (1u << 8)
#define E1000_PHY_CTRL_SPEED_1000 (1u << 6)

/* ---- interrupts (SDM 13.4.17 ..) ----------------------------------------- */
#define E1000_IMC_ALL 0xffffffffu
/* ICR / IMS / IMC bits */
#define E1000_ICR_LSC (1u << 2)		/* link status change */
#define E1000_ICR_RXDMT0 (1u << 4)	/* RX descriptors below the minimum threshold */
#define E1000_ICR_RXO (1u << 6)		/* receiver overrun */
#define E1000_ICR_RXT0 (1u << 7)	/* receiver timer: a frame written back */

/* ---- RCTL (SDM 13.4.22) --------------------------------------------------- */
#define E1000_RCTL_EN (1u << 1)		/* receiver enable */
#define E1000_RCTL_SBP (1u << 2)	/* store bad packets */
#define E1000_RCTL_UPE (1u << 3)	/* unicast promiscuous */
#define E1000_RCTL_MPE (1u << 4)	/* multicast promiscuous */
#define E1000_RCTL_LPE (1u << 5)	/* long packet enable (> 1522 bytes) */
#define E1000_RCTL_LBM_MAC (1u << 6)	/* loopback mode 01: MAC loopback */
#define E1000_RCTL_LBM_MASK (3u << 6)
#define E1000_RCTL_RDMTS_HALF (0u << 8)	/* RX descriptor minimum threshold */
#define E1000_RCTL_MO_SHIFT 12		/* multicast offset */
#define E1000_RCTL_BAM (1u << 15)	/* broadcast accept */
#define E1000_RCTL_BSIZE_2048 (0u << 16)	/* with BSEX = 0 */
#define E1000_RCTL_BSIZE_1024 (1u << 16)
#define E1000_RCTL_BSIZE_512 (2u << 16)
#define E1000_RCTL_BSIZE_256 (3u << 16)
#define E1000_RCTL_BSIZE_16384 (1u << 16)	/* with BSEX = 1 */
#define E1000_RCTL_BSIZE_8192 (2u << 16)
#define E1000_RCTL_BSIZE_4096 (3u << 16)
#define E1000_RCTL_VFE (1u << 18)	/* VLAN filter enable */
#define E1000_RCTL_DPF (1u << 22)	/* discard pause frames */
#define E1000_RCTL_BSEX (1u << 25)	/* buffer size extension (x16) */
#define E1000_RCTL_SECRC (1u << 26)	/* strip Ethernet CRC */

/* ---- RXCSUM (SDM 13.4.23) ------------------------------------------------- */
#define E1000_RXCSUM_IPOFLD (1u << 8)	/* IP checksum offload */
#define E1000_RXCSUM_TUOFLD (1u << 9)	/* TCP/UDP checksum offload */

/* ---- RAH ------------------------------------------------------------------ */
#define E1000_RAH_AV (1u << 31)		/* address valid */

/* ---- TCTL (SDM 13.4.33) --------------------------------------------------- */
#define E1000_TCTL_EN (1u << 1)
#define E1000_TCTL_PSP (1u << 3)	/* pad short packets to 64 bytes */
#define E1000_TCTL_CT_SHIFT 4		/* collision threshold */
#define E1000_TCTL_COLD_SHIFT 12	/* collision distance */
#define E1000_TCTL_RTLC (1u << 24)	/* retransmit on late collision */
/* SDM 13.4.33: CT 0x0f (16 attempts, IEEE 802.3), COLD 0x40 for full
 * duplex (512 bit times). */
#define E1000_TCTL_CT_DEFAULT 0x0fu
#define E1000_TCTL_COLD_FULL_DUPLEX 0x40u

/* ---- TIPG (SDM 13.4.34): the recommended values for copper 8254x ------- */
#define E1000_TIPG_IPGT_COPPER 10u
#define E1000_TIPG_IPGR1_SHIFT 10
#define E1000_TIPG_IPGR1_DEFAULT 8u
#define E1000_TIPG_IPGR2_SHIFT 20
#define E1000_TIPG_IPGR2_DEFAULT 6u

/* ---- legacy receive descriptor (SDM 3.2.3) --------------------------------- */
struct e1000_rx_desc {
	uint64_t buffer_addr;	/* IOVA of the receive buffer */
	uint16_t length;	/* bytes written into this buffer */
	uint16_t csum;		/* packet checksum */
	uint8_t status;
	uint8_t errors;
	uint16_t special;	/* VLAN tag */
};
SL_STATIC_ASSERT(sizeof(struct e1000_rx_desc) == 16, "legacy RX descriptor is 16 bytes");

#define E1000_RXD_STAT_DD (1u << 0)	/* descriptor done */
#define E1000_RXD_STAT_EOP (1u << 1)	/* end of packet */
#define E1000_RXD_STAT_IXSM (1u << 2)	/* ignore checksum indication */
#define E1000_RXD_STAT_VP (1u << 3)	/* 802.1Q tagged (VLAN stripped) */
#define E1000_RXD_STAT_TCPCS (1u << 5)	/* TCP/UDP checksum computed */
#define E1000_RXD_STAT_IPCS (1u << 6)	/* IPv4 checksum computed */
#define E1000_RXD_ERR_CE (1u << 0)	/* CRC or alignment error */
#define E1000_RXD_ERR_SE (1u << 1)	/* symbol error */
#define E1000_RXD_ERR_SEQ (1u << 2)	/* sequence error */
#define E1000_RXD_ERR_CXE (1u << 4)	/* carrier extension error */
#define E1000_RXD_ERR_TCPE (1u << 5)	/* TCP/UDP checksum error */
#define E1000_RXD_ERR_IPE (1u << 6)	/* IPv4 checksum error */
#define E1000_RXD_ERR_RXE (1u << 7)	/* RX data error */
/* Errors that make a frame unusable (checksum errors only flag it). */
#define E1000_RXD_ERR_FRAME \
	(E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | E1000_RXD_ERR_CXE | \
	 E1000_RXD_ERR_RXE)

/* ---- legacy transmit descriptor (SDM 3.3.3) --------------------------------- */
struct e1000_tx_desc {
	uint64_t buffer_addr;
	/* length (bits 0-15), CSO (16-23), CMD (24-31) */
	uint32_t lower;
	/* STA (bits 0-3), CSS (8-15), special (16-31) */
	uint32_t upper;
};
SL_STATIC_ASSERT(sizeof(struct e1000_tx_desc) == 16, "legacy TX descriptor is 16 bytes");

#define E1000_TXD_CMD_SHIFT 24
#define E1000_TXD_CMD_EOP (1u << 24)	/* end of packet */
#define E1000_TXD_CMD_IFCS (1u << 25)	/* insert FCS */
#define E1000_TXD_CMD_IC (1u << 26)	/* insert checksum */
#define E1000_TXD_CMD_RS (1u << 27)	/* report status: write back DD */
#define E1000_TXD_CMD_DEXT (1u << 29)	/* extended descriptor (0: legacy) */
#define E1000_TXD_CMD_VLE (1u << 30)
#define E1000_TXD_CMD_IDE (1u << 31)
#define E1000_TXD_STAT_DD (1u << 0)	/* in 'upper' */
#define E1000_TXD_STAT_EC (1u << 1)	/* excess collisions */
#define E1000_TXD_STAT_LC (1u << 2)	/* late collision */

/* ---- TCP/IP context descriptor (SDM 3.3.6) ----------------------------------
 * Tells the device, for the data descriptors that follow on the ring, where
 * the checksums of a packet start (CSS), where they go (CSO) and where
 * they end (CSE, inclusive; TUCSE 0: the end of the packet), all byte
 * offsets from the start of the frame. The device keeps it until the next
 * context descriptor. */
struct e1000_tx_ctx_desc {
	uint8_t ipcss;		/* IP checksum start */
	uint8_t ipcso;		/* IP checksum offset: where it goes */
	uint16_t ipcse;		/* IP checksum end (inclusive) */
	uint8_t tucss;		/* TCP/UDP checksum start */
	uint8_t tucso;		/* TCP/UDP checksum offset */
	uint16_t tucse;		/* TCP/UDP checksum end, 0: end of packet */
	/* PAYLEN (bits 0-19), DTYP (20-23, 0000 context), TUCMD (24-31) */
	uint32_t cmd_and_length;
	uint8_t status;		/* STA (bits 0-3) */
	uint8_t hdr_len;	/* TSO only */
	uint16_t mss;		/* TSO only */
};
SL_STATIC_ASSERT(sizeof(struct e1000_tx_ctx_desc) == 16, "TX context descriptor is 16 bytes");

/* TUCMD in cmd_and_length */
#define E1000_TXD_CMD_TCP (1u << 24)	/* the L4 checksum is TCP's (else UDP's) */
#define E1000_TXD_CMD_IP (1u << 25)	/* the packet is IPv4 (else IPv6) */
#define E1000_TXD_CMD_TSE (1u << 26)	/* TCP segmentation (context and data) */
#define E1000_TXD_PAYLEN_MAX 0xfffffu	/* TSO: payload bytes after HDRLEN */
/* DTYP in cmd_and_length (context) and 'lower' (data): with DEXT, 0000 is
 * a context descriptor and 0001 a data descriptor. */
#define E1000_TXD_DTYP_C (0u << 20)
#define E1000_TXD_DTYP_D (1u << 20)

/* ---- TCP/IP data descriptor (SDM 3.3.7) --------------------------------------
 * The legacy descriptor's layout with DEXT set: length (0-15), DTYP
 * (20-23), DCMD (24-31: EOP, IFCS, TSE, RS, DEXT, VLE, IDE as in the
 * legacy CMD) in 'lower'; STA (0-3), POPTS (8-15), special (16-31) in
 * 'upper'. POPTS is read from the first descriptor of a packet. */
#define E1000_TXD_POPTS_SHIFT 8
#define E1000_TXD_POPTS_IXSM (1u << 8)	/* insert the IP checksum */
#define E1000_TXD_POPTS_TXSM (1u << 9)	/* insert the TCP/UDP checksum */
/* The context offsets are 8 bits: the L4 checksum field must lie within
 * the first 256 bytes of the frame. */
#define E1000_TX_CTX_MAX_OFFSET 255u

/* ---- limits --------------------------------------------------------------- */
/* RDLEN/TDLEN are multiples of 128 bytes: 8 descriptors. */
#define E1000_DESC_ALIGN 8
#define E1000_MIN_RING_DESC 32
#define E1000_MAX_RING_DESC 4096
/* Frame lengths without the FCS. With LPE the 8254x takes frames up to
 * 16 KiB including the FCS (SDM 13.4.22; QEMU drops beyond 16384 - 4);
 * without LPE up to 1518 (1522 with FCS and a VLAN tag). */
#define E1000_MAX_FRAME_LEN (16384 - 4)
#define E1000_MAX_STD_FRAME_LEN 1518
/* Longest packet the driver hands to TX: what it accepts on RX. */
#define E1000_MAX_TX_PKT_LEN E1000_MAX_FRAME_LEN

#endif /* E1000_REGS_H */
