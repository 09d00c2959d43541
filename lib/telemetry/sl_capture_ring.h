/* SPDX-License-Identifier: BSD-3-Clause
 * The live-capture ring: shared memory that sl-dumpcap creates (a memfd,
 * sealed against shrinking), passes to a running process over its
 * telemetry socket (SCM_RIGHTS with "/capture/start") and reads while the
 * process's lcores fill it. No multi-process EAL and no fixed addresses:
 * both sides address it from their own mapping.
 *
 * Slots of a fixed size in a power-of-two ring; any number of lcores
 * produce (a slot is claimed by compare-and-swap on head), one reader
 * consumes. Each slot's seq says whose turn it is, so a claimed slot that
 * is still being written is never read. A full ring drops the frame and
 * counts it in drops[]: an lcore never waits for the reader.
 *
 * The producer trusts none of this memory beyond the geometry it checked
 * once (struct sl_capture_geom): the other process may scribble on it and
 * only spoil its own capture. */
#ifndef SL_CAPTURE_RING_H
#define SL_CAPTURE_RING_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_CAPTURE_MAGIC 0x31474e52504353ULL	/* "SCPRNG1" */
#define SL_CAPTURE_VERSION 1
#define SL_CAPTURE_MAX_IFACES 16	/* ports one capture may name */
#define SL_CAPTURE_DIR_RX 1
#define SL_CAPTURE_DIR_TX 2

struct sl_capture_ring {
	uint64_t magic;
	uint32_t version;
	uint32_t nb_slots;		/* a power of two */
	uint32_t slot_size;		/* bytes per slot, a multiple of 64 */
	uint32_t snaplen;		/* bytes kept of each frame, <= slot_size - header */
	uint64_t data_offset;		/* slot 0, from the start of the mapping */
	uint64_t drops[SL_CAPTURE_MAX_IFACES] __attribute__((aligned(64)));	/* ring full */
	uint64_t head __attribute__((aligned(64)));	/* next position to claim */
	uint64_t tail __attribute__((aligned(64)));	/* next position to read */
};

struct sl_capture_slot {
	uint64_t seq;		/* pos: free for position pos; pos + 1: holds it */
	uint64_t ts_ns;		/* CLOCK_REALTIME, nanoseconds */
	uint32_t orig_len;	/* the frame's length */
	uint32_t cap_len;	/* bytes in data[] */
	uint16_t iface;		/* index of the port in the capture's port list */
	uint8_t dir;		/* SL_CAPTURE_DIR_RX or _TX */
	uint8_t reserved;
	uint16_t queue;
	uint16_t reserved2;
	uint8_t data[];
};

/* Bytes a ring of nb_slots slots of slot_size takes. */
static inline uint64_t sl_capture_ring_size(uint32_t nb_slots, uint32_t slot_size)
{
	return sizeof(struct sl_capture_ring) + (uint64_t)nb_slots * slot_size;
}

/* The reader lays out a new ring in zeroed memory of that size. */
static inline void sl_capture_ring_init(struct sl_capture_ring *r, uint32_t nb_slots,
					uint32_t slot_size, uint32_t snaplen)
{
	uint8_t *base = (uint8_t *)r + sizeof(*r);

	r->version = SL_CAPTURE_VERSION;
	r->nb_slots = nb_slots;
	r->slot_size = slot_size;
	r->snaplen = snaplen;
	r->data_offset = sizeof(*r);
	for (uint32_t i = 0; i < nb_slots; i++)
		((struct sl_capture_slot *)(base + (uint64_t)i * slot_size))->seq = i;
	__atomic_store_n(&r->magic, SL_CAPTURE_MAGIC, __ATOMIC_RELEASE);
}

/* What the producer checked once and keeps in its own memory. */
struct sl_capture_geom {
	struct sl_capture_ring *ring;
	uint8_t *slots;
	uint32_t mask;
	uint32_t slot_size;
	uint32_t snaplen;
};

static inline struct sl_capture_slot *sl_capture_slot_at(const struct sl_capture_geom *g,
							 uint64_t pos)
{
	return (struct sl_capture_slot *)(g->slots + (uint64_t)(pos & g->mask) * g->slot_size);
}

/* A free slot for the producer to fill, then sl_capture_ring_commit; or
 * NULL when the ring is full (counted against iface). Gives up after a
 * few lost races rather than spin on memory the reader may have spoiled. */
static inline struct sl_capture_slot *sl_capture_ring_claim(const struct sl_capture_geom *g,
							    uint16_t iface, uint64_t *pos_out)
{
	uint64_t pos = __atomic_load_n(&g->ring->head, __ATOMIC_RELAXED);

	for (int tries = 0; tries < 16; tries++) {
		struct sl_capture_slot *s = sl_capture_slot_at(g, pos);
		int64_t diff = (int64_t)(__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) - pos);

		if (diff == 0) {
			if (__atomic_compare_exchange_n(&g->ring->head, &pos, pos + 1, 0,
							__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
				*pos_out = pos;
				return s;
			}
		} else if (diff < 0) {
			break;
		} else {
			pos = __atomic_load_n(&g->ring->head, __ATOMIC_RELAXED);
		}
	}
	__atomic_fetch_add(&g->ring->drops[iface % SL_CAPTURE_MAX_IFACES], 1, __ATOMIC_RELAXED);
	return NULL;
}

static inline void sl_capture_ring_commit(struct sl_capture_slot *s, uint64_t pos)
{
	__atomic_store_n(&s->seq, pos + 1, __ATOMIC_RELEASE);
}

/* The reader: the next filled slot, or NULL. sl_capture_ring_release
 * gives it back once read. */
static inline struct sl_capture_slot *sl_capture_ring_peek(const struct sl_capture_geom *g)
{
	uint64_t pos = g->ring->tail;
	struct sl_capture_slot *s = sl_capture_slot_at(g, pos);

	return __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) == pos + 1 ? s : NULL;
}

static inline void sl_capture_ring_release(const struct sl_capture_geom *g,
					   struct sl_capture_slot *s)
{
	uint64_t pos = g->ring->tail;

	__atomic_store_n(&s->seq, pos + g->mask + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&g->ring->tail, pos + 1, __ATOMIC_RELAXED);
}

#ifdef __cplusplus
}
#endif
#endif /* SL_CAPTURE_RING_H */
