/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice mbuf: pool creation (every mbuf initialised once), indirect
 * mbufs (clone/detach), reads across segments, chain checks. The fast path
 * (alloc, free, data edits) is in sl_mbuf.h. */
#include <errno.h>
#include <string.h>

#include "sl_log.h"
#include "sl_mbuf.h"

/* The 8 bytes at offset 16 of a fresh mbuf, in memory order. */
static uint64_t rearm_data_for(uint16_t buf_len)
{
	struct {
		/* cppcheck-suppress unusedStructMember ; read through memcpy below */
		uint16_t data_off, refcnt, nb_segs, port;
	} fields = {
		.data_off = (uint16_t)SL_MIN((unsigned)SL_PKTMBUF_HEADROOM, (unsigned)buf_len),
		.refcnt = 1,
		.nb_segs = 1,
		.port = SL_MBUF_PORT_INVALID,
	};
	uint64_t v;

	SL_STATIC_ASSERT(sizeof(fields) == sizeof(v), "rearm block is 8 bytes");
	memcpy(&v, &fields, sizeof(v));
	return v;
}

struct pktmbuf_init_arg {
	uint16_t priv_size;
	uint16_t buf_len;
	uint64_t rearm_data;
};

/* Everything that never changes while the mbuf lives in this pool. */
static void pktmbuf_init(struct sl_mempool *mp, void *arg, void *obj, unsigned idx)
{
	const struct pktmbuf_init_arg *a = arg;
	struct sl_mbuf *m = obj;
	size_t buf_off = sizeof(struct sl_mbuf) + a->priv_size;

	(void)idx;
	m->buf_addr = (char *)m + buf_off;
	m->buf_iova = sl_mempool_virt2iova(m) + buf_off;
	m->buf_len = a->buf_len;
	m->priv_size = a->priv_size;
	m->pool = mp;
	memcpy((char *)m + offsetof(struct sl_mbuf, data_off), &a->rearm_data,
	       sizeof(a->rearm_data));
	m->next = NULL;
}

struct sl_mempool *sl_pktmbuf_pool_create(const char *name, unsigned n, unsigned cache_size,
					  uint16_t priv_size, uint16_t data_room_size, int socket)
{
	struct pktmbuf_init_arg arg;
	struct sl_pktmbuf_pool_priv *priv;
	struct sl_mempool *mp;

	if (priv_size % SL_MBUF_PRIV_ALIGN != 0) {
		SL_LOG(ERR, MBUF, "pktmbuf pool %s: priv_size %u must be a multiple of %d (use %u)",
		       name ? name : "(null)", priv_size, SL_MBUF_PRIV_ALIGN,
		       (unsigned)SL_ALIGN_CEIL((unsigned)priv_size, (unsigned)SL_MBUF_PRIV_ALIGN));
		errno = EINVAL;
		return NULL;
	}
	arg.priv_size = priv_size;
	arg.buf_len = data_room_size;
	arg.rearm_data = rearm_data_for(data_room_size);
	mp = sl_mempool_create_ex(name, n, (unsigned)sizeof(struct sl_mbuf) + priv_size + data_room_size,
				  cache_size, sizeof(struct sl_pktmbuf_pool_priv), socket, 0,
				  pktmbuf_init, &arg);
	if (mp == NULL)
		return NULL;
	priv = sl_pktmbuf_pool_priv(mp);
	priv->rearm_data = arg.rearm_data;
	priv->data_room_size = data_room_size;
	priv->mbuf_priv_size = priv_size;
	return mp;
}

/* Attaches mi (fresh, direct, refcnt 1) to m's data buffer. */
static void pktmbuf_attach(struct sl_mbuf *mi, struct sl_mbuf *m)
{
	struct sl_mbuf *direct = (m->ol_flags & SL_MBUF_F_INDIRECT) ? m->direct : m;

	sl_pktmbuf_refcnt_update(direct, 1);
	mi->direct = direct;
	mi->buf_addr = m->buf_addr;
	mi->buf_iova = m->buf_iova;
	mi->buf_len = m->buf_len;
	mi->data_off = m->data_off;
	mi->data_len = m->data_len;
	mi->pkt_len = m->data_len;
	mi->nb_segs = 1;
	mi->next = NULL;
	mi->port = m->port;
	mi->vlan_tci = m->vlan_tci;
	mi->packet_type = m->packet_type;
	mi->hash = m->hash;
	mi->tx_offload = m->tx_offload;
	mi->timestamp = m->timestamp;
	mi->ol_flags = m->ol_flags | SL_MBUF_F_INDIRECT;
}

void sl_pktmbuf_detach_(struct sl_mbuf *m)
{
	struct sl_mbuf *direct = m->direct;
	size_t buf_off = sizeof(struct sl_mbuf) + m->priv_size;

	m->buf_addr = (char *)m + buf_off;
	m->buf_iova = sl_mempool_virt2iova(m) + buf_off;
	m->buf_len = sl_pktmbuf_data_room_size(m->pool);
	m->data_off = (uint16_t)SL_MIN((unsigned)SL_PKTMBUF_HEADROOM, (unsigned)m->buf_len);
	m->ol_flags &= ~SL_MBUF_F_INDIRECT;
	m->direct = NULL;
	/* The direct mbuf goes back to its pool with the last reference,
	 * whoever drops it (it may have been freed already by its owner). */
	sl_pktmbuf_free_seg(direct);
}

struct sl_mbuf *sl_pktmbuf_clone(struct sl_mbuf *m, struct sl_mempool *pool)
{
	struct sl_mbuf *head = NULL, *prev = NULL;

	if (m == NULL || pool == NULL) {
		errno = EINVAL;
		return NULL;
	}
	for (struct sl_mbuf *seg = m; seg != NULL; seg = seg->next) {
		struct sl_mbuf *mi = sl_pktmbuf_alloc(pool);

		if (mi == NULL) {
			sl_pktmbuf_free(head);
			errno = ENOENT;
			return NULL;
		}
		pktmbuf_attach(mi, seg);
		if (prev == NULL)
			head = mi;
		else
			prev->next = mi;
		prev = mi;
	}
	head->nb_segs = m->nb_segs;
	head->pkt_len = m->pkt_len;
	return head;
}

const void *sl_pktmbuf_read_slow_(const struct sl_mbuf *m, uint32_t off, uint32_t len, void *buf)
{
	char *dst = buf;

	if ((uint64_t)off + len > m->pkt_len)
		return NULL;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (len > 0 && m != NULL) {
		uint32_t chunk = SL_MIN(len, (uint32_t)m->data_len - off);

		memcpy(dst, sl_pktmbuf_mtod_offset(m, const char *, off), chunk);
		dst += chunk;
		len -= chunk;
		off = 0;
		m = m->next;
	}
	/* pkt_len claimed more than the segments hold */
	return len == 0 ? buf : NULL;
}

int sl_pktmbuf_check(const struct sl_mbuf *m, const char **reason)
{
	const char *why = NULL;
	uint64_t total = 0;
	unsigned segs = 0;

	if (m == NULL) {
		why = "NULL mbuf";
		goto bad;
	}
	for (const struct sl_mbuf *s = m; s != NULL; s = s->next) {
		if (s->pool == NULL) {
			why = "segment without a pool";
			goto bad;
		}
		if ((unsigned)s->data_off + s->data_len > s->buf_len) {
			why = "segment data runs past the end of its buffer";
			goto bad;
		}
		if (sl_pktmbuf_refcnt_read(s) == 0) {
			why = "segment with refcnt 0 (already freed)";
			goto bad;
		}
		total += s->data_len;
		if (++segs > SL_MBUF_MAX_NB_SEGS) {
			why = "chain too long (loop?)";
			goto bad;
		}
	}
	if (segs != m->nb_segs) {
		why = "nb_segs differs from the number of segments";
		goto bad;
	}
	if (total != m->pkt_len) {
		why = "pkt_len differs from the sum of data_len";
		goto bad;
	}
	return 0;
bad:
	if (reason != NULL)
		*reason = why;
	return -EINVAL;
}
