/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice packet buffers.
 *
 * An mbuf is one object of a pktmbuf pool (an sl_mempool):
 *
 *   | struct sl_mbuf (128 B) | private area (priv_size) | buffer (buf_len) |
 *                                                       ^ buf_addr / buf_iova
 *   buffer = headroom (data_off, SL_PKTMBUF_HEADROOM at alloc) + data + tailroom
 *
 * Cache line 0 holds everything rx/tx and alloc/free touch; line 1 holds
 * what is constant per mbuf (buf_len, priv_size) and the rarely used
 * fields. buf_addr, buf_iova, buf_len, priv_size and pool are written once
 * when the pool is created, so an alloc only resets the rest of line 0.
 *
 * An mbuf in its pool always has refcnt == 1, nb_segs == 1 and next ==
 * NULL (free restores them), so drivers that take mbufs from the mempool
 * directly may rely on that and only rewrite what they change.
 *
 * Chains: the first segment's pkt_len and nb_segs describe the packet; each
 * segment's data_len its own part. A segment whose refcnt is > 1 is shared
 * (see sl_pktmbuf_clone) and must not be written to.
 */
#ifndef SL_MBUF_H
#define SL_MBUF_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sl_common.h"
#include "sl_mempool.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_PKTMBUF_HEADROOM 128
/* Bytes after the headroom in a default mbuf: a 1518-byte frame fits. */
#define SL_MBUF_DEFAULT_DATAROOM 2048
/* What to pass as data_room_size: like DPDK, data_room_size is the whole
 * buffer, headroom included. */
#define SL_MBUF_DEFAULT_BUF_SIZE (SL_MBUF_DEFAULT_DATAROOM + SL_PKTMBUF_HEADROOM)
/* priv_size must be a multiple of this so the buffer stays 8-byte aligned. */
#define SL_MBUF_PRIV_ALIGN 8
#define SL_MBUF_PORT_INVALID UINT16_MAX
#define SL_MBUF_MAX_NB_SEGS UINT16_MAX

/* ---- ol_flags ---------------------------------------------------------
 * RX bits are set by drivers, TX bits are requests to drivers. A driver
 * that cannot honour a TX request reports it in its dev_info (ethdev). */
#define SL_MBUF_F_RX_VLAN		(1ull << 0)	/* vlan_tci holds the tag */
#define SL_MBUF_F_RX_VLAN_STRIPPED	(1ull << 1)	/* and it was removed from the data */
#define SL_MBUF_F_RX_RSS_HASH		(1ull << 2)	/* hash holds the NIC's RSS hash */
#define SL_MBUF_F_RX_IP_CKSUM_GOOD	(1ull << 3)
#define SL_MBUF_F_RX_IP_CKSUM_BAD	(1ull << 4)
#define SL_MBUF_F_RX_L4_CKSUM_GOOD	(1ull << 5)
#define SL_MBUF_F_RX_L4_CKSUM_BAD	(1ull << 6)
#define SL_MBUF_F_RX_TIMESTAMP		(1ull << 7)	/* timestamp is valid */
/* virtio: the device left the L4 checksum for the receiver (partial
 * checksum of a locally generated packet); the data is intact. */
#define SL_MBUF_F_RX_L4_CKSUM_NONE	(1ull << 8)

#define SL_MBUF_F_TX_VLAN		(1ull << 40)	/* insert vlan_tci */
#define SL_MBUF_F_TX_IP_CKSUM		(1ull << 41)	/* fill the IPv4 header checksum */
#define SL_MBUF_F_TX_TCP_CKSUM		(1ull << 42)	/* fill the TCP checksum */
#define SL_MBUF_F_TX_UDP_CKSUM		(1ull << 43)	/* fill the UDP checksum */
#define SL_MBUF_F_TX_IPV4		(1ull << 44)	/* the L3 header is IPv4 */
#define SL_MBUF_F_TX_IPV6		(1ull << 45)	/* the L3 header is IPv6 */
#define SL_MBUF_F_TX_TCP_SEG		(1ull << 46)	/* TSO: cut into tso_segsz payloads */
#define SL_MBUF_F_TX_L4_MASK		(SL_MBUF_F_TX_TCP_CKSUM | SL_MBUF_F_TX_UDP_CKSUM)

/* This mbuf's buffer belongs to another (direct) mbuf: see sl_pktmbuf_clone. */
#define SL_MBUF_F_INDIRECT		(1ull << 62)

/* ---- packet_type (filled by drivers that parse headers) --------------- */
#define SL_PTYPE_UNKNOWN	0x0000u
#define SL_PTYPE_L2_ETHER	0x0001u
#define SL_PTYPE_L2_ETHER_VLAN	0x0002u
#define SL_PTYPE_L2_ETHER_QINQ	0x0003u	/* two tags */
#define SL_PTYPE_L2_ETHER_ARP	0x0004u
#define SL_PTYPE_L2_MASK	0x000fu
#define SL_PTYPE_L3_IPV4	0x0010u
#define SL_PTYPE_L3_IPV6	0x0020u
#define SL_PTYPE_L3_IPV4_EXT	0x0030u	/* with options */
#define SL_PTYPE_L3_IPV6_EXT	0x0040u	/* with extension headers */
#define SL_PTYPE_L3_MASK	0x00f0u
#define SL_PTYPE_L4_TCP		0x0100u
#define SL_PTYPE_L4_UDP		0x0200u
#define SL_PTYPE_L4_ICMP	0x0300u
#define SL_PTYPE_L4_FRAG	0x0400u
#define SL_PTYPE_L4_MASK	0x0f00u

struct sl_mbuf {
	/* ---- cache line 0: rx/tx/alloc/free ---- */
	void *buf_addr;			/* 0: start of the buffer (not of the data) */
	sl_iova_t buf_iova;		/* 8: IOVA of buf_addr */
	uint16_t data_off;		/* 16: data starts at buf_addr + data_off */
	uint16_t refcnt;		/* 18: atomic only while > 1 */
	uint16_t nb_segs;		/* 20: segments in the chain (first segment) */
	uint16_t port;			/* 22: input port, SL_MBUF_PORT_INVALID if none */
	uint64_t ol_flags;		/* 24: SL_MBUF_F_* */
	uint32_t pkt_len;		/* 32: whole packet (first segment) */
	uint16_t data_len;		/* 36: this segment */
	uint16_t vlan_tci;		/* 38: valid with RX_VLAN / TX_VLAN */
	uint32_t packet_type;		/* 40: SL_PTYPE_* */
	uint32_t hash;			/* 44: RSS hash, valid with RX_RSS_HASH */
	struct sl_mempool *pool;	/* 48: pool this mbuf returns to */
	struct sl_mbuf *next;		/* 56: next segment or NULL */

	/* ---- cache line 1: constant per mbuf, rarely used ---- */
	uint16_t buf_len;		/* 64: bytes at buf_addr */
	uint16_t priv_size;		/* 66: bytes between this struct and the buffer */
	uint32_t reserved0_;		/* 68 */
	uint64_t timestamp;		/* 72: valid with RX_TIMESTAMP */
	uint64_t udata64;		/* 80: the application's */
	/* 88: TX offload request, valid only with the matching ol_flags. */
	union {
		uint64_t tx_offload;
		struct {
			uint64_t l2_len : 7;	/* L2 header bytes (VLAN tag included) */
			uint64_t l3_len : 9;	/* L3 header bytes */
			uint64_t l4_len : 8;	/* L4 header bytes */
			uint64_t tso_segsz : 16;
			uint64_t tx_offload_reserved_ : 24;
		};
	};
	struct sl_mbuf *direct;		/* 96: for an indirect mbuf, whose buffer it uses */
	uint64_t reserved1_[3];		/* 104 */
} __sl_cache_aligned;

SL_STATIC_ASSERT(offsetof(struct sl_mbuf, buf_addr) == 0, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, buf_iova) == 8, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, data_off) == 16, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, refcnt) == 18, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, nb_segs) == 20, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, port) == 22, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, ol_flags) == 24, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, pkt_len) == 32, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, data_len) == 36, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, vlan_tci) == 38, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, packet_type) == 40, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, hash) == 44, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, pool) == 48, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, next) == 56, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, buf_len) == SL_CACHE_LINE_SIZE, "mbuf layout");
SL_STATIC_ASSERT(offsetof(struct sl_mbuf, tx_offload) == 88, "mbuf layout");
SL_STATIC_ASSERT(sizeof(struct sl_mbuf) == 2 * SL_CACHE_LINE_SIZE, "mbuf is two cache lines");

/* Pool-private data of a pktmbuf pool (sl_mempool_get_priv). */
struct sl_pktmbuf_pool_priv {
	/* data_off, refcnt, nb_segs, port of a freshly allocated mbuf, as the
	 * 8 bytes at offset 16: one store rearms them. */
	uint64_t rearm_data;
	uint16_t data_room_size;	/* buf_len of every mbuf */
	uint16_t mbuf_priv_size;
	uint32_t reserved_;
};

/* A pool of n mbufs with priv_size private bytes each (multiple of
 * SL_MBUF_PRIV_ALIGN) and a buffer of data_room_size bytes, headroom
 * included (SL_MBUF_DEFAULT_BUF_SIZE for 2048 bytes of data). cache_size as
 * for sl_mempool_create (256 is a good value). NULL with errno on failure,
 * after one log line. Free it with sl_mempool_free. */
struct sl_mempool *sl_pktmbuf_pool_create(const char *name, unsigned n, unsigned cache_size,
					  uint16_t priv_size, uint16_t data_room_size, int socket);

static inline struct sl_pktmbuf_pool_priv *sl_pktmbuf_pool_priv(struct sl_mempool *mp)
{
	return (struct sl_pktmbuf_pool_priv *)sl_mempool_get_priv(mp);
}

static inline uint16_t sl_pktmbuf_data_room_size(struct sl_mempool *mp)
{
	return sl_pktmbuf_pool_priv(mp)->data_room_size;
}

static inline uint16_t sl_pktmbuf_priv_size(struct sl_mempool *mp)
{
	return sl_pktmbuf_pool_priv(mp)->mbuf_priv_size;
}

/* ---- data access --------------------------------------------------------- */

#define sl_pktmbuf_mtod_offset(m, t, o) \
	((t)(void *)((char *)(m)->buf_addr + (m)->data_off + (o)))
#define sl_pktmbuf_mtod(m, t) sl_pktmbuf_mtod_offset(m, t, 0)
#define sl_pktmbuf_pkt_len(m) ((m)->pkt_len)
#define sl_pktmbuf_data_len(m) ((m)->data_len)

static inline sl_iova_t sl_pktmbuf_iova_offset(const struct sl_mbuf *m, uint32_t off)
{
	return m->buf_iova + m->data_off + off;
}

static inline sl_iova_t sl_pktmbuf_iova(const struct sl_mbuf *m)
{
	return m->buf_iova + m->data_off;
}

/* The private area right after struct sl_mbuf (priv_size bytes). */
static inline void *sl_mbuf_to_priv(struct sl_mbuf *m)
{
	return (void *)(m + 1);
}

static inline uint16_t sl_pktmbuf_headroom(const struct sl_mbuf *m)
{
	return m->data_off;
}

static inline uint16_t sl_pktmbuf_tailroom(const struct sl_mbuf *m)
{
	return (uint16_t)(m->buf_len - m->data_off - m->data_len);
}

static inline struct sl_mbuf *sl_pktmbuf_lastseg(struct sl_mbuf *m)
{
	while (m->next != NULL)
		m = m->next;
	return m;
}

static inline int sl_pktmbuf_is_contiguous(const struct sl_mbuf *m)
{
	return m->nb_segs == 1;
}

/* ---- refcnt ------------------------------------------------------------ */

static inline uint16_t sl_pktmbuf_refcnt_read(const struct sl_mbuf *m)
{
	return __atomic_load_n(&m->refcnt, __ATOMIC_RELAXED);
}

static inline void sl_pktmbuf_refcnt_set(struct sl_mbuf *m, uint16_t v)
{
	__atomic_store_n(&m->refcnt, v, __ATOMIC_RELAXED);
}

/* Adds v (may be negative) and returns the new count. With refcnt == 1 the
 * caller is the only owner, so no other thread can touch the counter and a
 * plain store is enough; that is the common case of every packet. */
static inline uint16_t sl_pktmbuf_refcnt_update(struct sl_mbuf *m, int16_t v)
{
	if (sl_likely(sl_pktmbuf_refcnt_read(m) == 1)) {
		uint16_t nv = (uint16_t)(1 + v);

		sl_pktmbuf_refcnt_set(m, nv);
		return nv;
	}
	/* acq_rel: the owner dropping the last reference must see every
	 * write other owners made before they dropped theirs. */
	return __atomic_add_fetch(&m->refcnt, (uint16_t)v, __ATOMIC_ACQ_REL);
}

/* ---- alloc ------------------------------------------------------------- */

/* Line 0 of a fresh mbuf: headroom, refcnt 1, one segment, no port, no
 * flags, empty. The compiler merges this into a few wide stores. */
static __sl_always_inline void sl_pktmbuf_rearm_(struct sl_mbuf *m, uint64_t rearm_data)
{
	__builtin_memcpy((char *)m + offsetof(struct sl_mbuf, data_off), &rearm_data,
			 sizeof(rearm_data));
	m->ol_flags = 0;
	m->pkt_len = 0;
	m->data_len = 0;
	m->vlan_tci = 0;
	m->packet_type = 0;
	m->hash = 0;
	m->next = NULL;
}

static __sl_always_inline struct sl_mbuf *sl_pktmbuf_alloc(struct sl_mempool *mp)
{
	void *obj;

	if (sl_unlikely(sl_mempool_get(mp, &obj) < 0))
		return NULL;
	sl_pktmbuf_rearm_((struct sl_mbuf *)obj, sl_pktmbuf_pool_priv(mp)->rearm_data);
	return (struct sl_mbuf *)obj;
}

/* n fresh mbufs into m[0..n): 0, or -ENOENT and nothing allocated. */
static __sl_always_inline int sl_pktmbuf_alloc_bulk(struct sl_mempool *mp, struct sl_mbuf **m,
						    unsigned n)
{
	uint64_t rearm;
	unsigned i = 0;

	if (sl_unlikely(sl_mempool_get_bulk(mp, (void **)m, n) < 0))
		return -ENOENT;
	rearm = sl_pktmbuf_pool_priv(mp)->rearm_data;
	for (; i + 4 <= n; i += 4) {
		sl_pktmbuf_rearm_(m[i], rearm);
		sl_pktmbuf_rearm_(m[i + 1], rearm);
		sl_pktmbuf_rearm_(m[i + 2], rearm);
		sl_pktmbuf_rearm_(m[i + 3], rearm);
	}
	for (; i < n; i++)
		sl_pktmbuf_rearm_(m[i], rearm);
	return 0;
}

/* Every field a user may have changed back to a fresh mbuf's, keeping the
 * buffer (and the INDIRECT attachment). */
static inline void sl_pktmbuf_reset(struct sl_mbuf *m)
{
	m->next = NULL;
	m->pkt_len = 0;
	m->data_len = 0;
	m->vlan_tci = 0;
	m->nb_segs = 1;
	m->port = SL_MBUF_PORT_INVALID;
	m->ol_flags &= SL_MBUF_F_INDIRECT;
	m->packet_type = 0;
	m->hash = 0;
	m->tx_offload = 0;
	m->data_off = (uint16_t)SL_MIN((unsigned)SL_PKTMBUF_HEADROOM, (unsigned)m->buf_len);
}

/* ---- free -------------------------------------------------------------- */

/* Gives an indirect mbuf its own buffer back and drops its reference on
 * the direct one (freeing that if it was the last). Not for direct use. */
void sl_pktmbuf_detach_(struct sl_mbuf *m);

/* Drops one reference to a single segment; returns the segment if it is
 * now free (and ready to go back to its pool), NULL if others still hold
 * it. Does not follow next. */
static __sl_always_inline struct sl_mbuf *sl_pktmbuf_prefree_seg(struct sl_mbuf *m)
{
	if (sl_likely(sl_pktmbuf_refcnt_read(m) == 1)) {
		/* sole owner: no atomic operation needed */
	} else if (__atomic_sub_fetch(&m->refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
		sl_pktmbuf_refcnt_set(m, 1);
	} else {
		return NULL;
	}
	if (sl_unlikely(m->ol_flags & SL_MBUF_F_INDIRECT))
		sl_pktmbuf_detach_(m);
	if (m->next != NULL) {
		m->next = NULL;
		m->nb_segs = 1;
	}
	return m;
}

/* Frees one segment only (not the rest of its chain). */
static __sl_always_inline void sl_pktmbuf_free_seg(struct sl_mbuf *m)
{
	m = sl_pktmbuf_prefree_seg(m);
	if (sl_likely(m != NULL))
		sl_mempool_put(m->pool, m);
}

/* Frees a packet: every segment of the chain. NULL is a no-op. */
static inline void sl_pktmbuf_free(struct sl_mbuf *m)
{
	while (m != NULL) {
		struct sl_mbuf *next = m->next;

		sl_pktmbuf_free_seg(m);
		m = next;
	}
}

/* Frees n packets (chains too; NULL entries are skipped), returning the
 * segments to their pools in batches of consecutive same-pool segments. */
static inline void sl_pktmbuf_free_bulk(struct sl_mbuf **pkts, unsigned n)
{
	enum { BATCH = 64 };
	void *batch[BATCH];
	struct sl_mempool *pool = NULL;
	unsigned nb = 0;

	for (unsigned i = 0; i < n; i++) {
		struct sl_mbuf *m = pkts[i];

		while (m != NULL) {
			struct sl_mbuf *next = m->next;

			m = sl_pktmbuf_prefree_seg(m);
			if (sl_likely(m != NULL)) {
				if (sl_unlikely(m->pool != pool || nb == BATCH)) {
					if (nb > 0)
						sl_mempool_put_bulk(pool, batch, nb);
					pool = m->pool;
					nb = 0;
				}
				batch[nb++] = m;
			}
			m = next;
		}
	}
	if (nb > 0)
		sl_mempool_put_bulk(pool, batch, nb);
}

/* ---- data edits (return NULL / -1 and change nothing on failure) -------- */

/* Grows the packet at its end (last segment): pointer to the new bytes, or
 * NULL if the last segment has fewer than len bytes of tailroom. */
static inline char *sl_pktmbuf_append(struct sl_mbuf *m, uint32_t len)
{
	struct sl_mbuf *last = sl_pktmbuf_lastseg(m);
	char *tail;

	if (sl_unlikely(len > sl_pktmbuf_tailroom(last)))
		return NULL;
	tail = (char *)last->buf_addr + last->data_off + last->data_len;
	last->data_len = (uint16_t)(last->data_len + len);
	m->pkt_len += len;
	return tail;
}

/* Grows the packet at its start: pointer to the new first byte, or NULL if
 * the headroom is smaller than len. */
static inline char *sl_pktmbuf_prepend(struct sl_mbuf *m, uint32_t len)
{
	if (sl_unlikely(len > sl_pktmbuf_headroom(m)))
		return NULL;
	m->data_off = (uint16_t)(m->data_off - len);
	m->data_len = (uint16_t)(m->data_len + len);
	m->pkt_len += len;
	return (char *)m->buf_addr + m->data_off;
}

/* Drops len bytes from the start of the first segment: pointer to the new
 * first byte, or NULL if the first segment holds fewer than len bytes. */
static inline char *sl_pktmbuf_adj(struct sl_mbuf *m, uint32_t len)
{
	if (sl_unlikely(len > m->data_len))
		return NULL;
	m->data_off = (uint16_t)(m->data_off + len);
	m->data_len = (uint16_t)(m->data_len - len);
	m->pkt_len -= len;
	return (char *)m->buf_addr + m->data_off;
}

/* Drops len bytes from the end of the last segment: 0, or -1 if it holds
 * fewer than len bytes. */
static inline int sl_pktmbuf_trim(struct sl_mbuf *m, uint32_t len)
{
	struct sl_mbuf *last = sl_pktmbuf_lastseg(m);

	if (sl_unlikely(len > last->data_len))
		return -1;
	last->data_len = (uint16_t)(last->data_len - len);
	m->pkt_len -= len;
	return 0;
}

/* Appends the chain tail to the chain head (tail must not be used as a
 * packet afterwards): 0, or -EOVERFLOW if the chain would exceed
 * SL_MBUF_MAX_NB_SEGS segments or 4 GiB. */
static inline int sl_pktmbuf_chain(struct sl_mbuf *head, struct sl_mbuf *tail)
{
	if (sl_unlikely((unsigned)head->nb_segs + tail->nb_segs > SL_MBUF_MAX_NB_SEGS ||
			(uint64_t)head->pkt_len + tail->pkt_len > UINT32_MAX))
		return -EOVERFLOW;
	sl_pktmbuf_lastseg(head)->next = tail;
	head->nb_segs = (uint16_t)(head->nb_segs + tail->nb_segs);
	head->pkt_len += tail->pkt_len;
	tail->pkt_len = tail->data_len;
	return 0;
}

const void *sl_pktmbuf_read_slow_(const struct sl_mbuf *m, uint32_t off, uint32_t len, void *buf);

/* len bytes of the packet from offset off: a pointer into the first segment
 * when they all lie there, else a copy into buf (len bytes) and buf; NULL
 * if off + len exceeds pkt_len. */
static inline const void *sl_pktmbuf_read(const struct sl_mbuf *m, uint32_t off, uint32_t len,
					  void *buf)
{
	if (sl_likely((uint64_t)off + len <= m->data_len))
		return sl_pktmbuf_mtod_offset(m, const char *, off);
	return sl_pktmbuf_read_slow_(m, off, len, buf);
}

/* An indirect copy of every segment of m: new mbufs from pool that share
 * m's data buffers (each direct segment's refcnt goes up by one). Neither
 * copy may then write the data. NULL (errno ENOENT) if pool runs out. */
struct sl_mbuf *sl_pktmbuf_clone(struct sl_mbuf *m, struct sl_mempool *pool);

/* Checks a packet's chain (nb_segs, pkt_len == sum of data_len, data
 * inside each buffer): 0 or -EINVAL with *reason set. */
int sl_pktmbuf_check(const struct sl_mbuf *m, const char **reason);

#ifdef __cplusplus
}
#endif
#endif /* SL_MBUF_H */
