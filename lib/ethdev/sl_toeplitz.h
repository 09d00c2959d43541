/* SPDX-License-Identifier: BSD-3-Clause
 * The Toeplitz hash of receive-side scaling, as NICs compute it with their
 * RSS key (Microsoft's "RSS Hashing Functions"; the 82574 datasheet's RSS
 * hash): for software that predicts on which queue a flow arrives, or
 * checks the hash a NIC delivered (SL_MBUF_F_RX_RSS_HASH). Not needed on
 * the fast path of a port with RSS: the NIC has done it.
 *
 * The input is the flow's fields in network order, concatenated:
 *   IPv4 with TCP: source address, destination address, source port,
 *   destination port (12 bytes); IPv4 alone: the two addresses (8 bytes);
 *   IPv6 likewise with 16-byte addresses (36 or 32 bytes).
 * The queue is then the NIC's redirection table entry at the hash's low
 * bits (for example hash & 127 with a 128-entry table).
 */
#ifndef SL_TOEPLITZ_H
#define SL_TOEPLITZ_H

#include <stdint.h>

/* For every set bit i of data (most significant bit of data[0] first),
 * the 32 key bits starting at bit i are XORed into the hash. key must
 * hold len + 4 bytes for every input bit to meet key bits of its own
 * (the usual 40-byte key covers IPv6 with ports); key bits past key_len
 * count as zero. */
static inline uint32_t sl_toeplitz_hash(const uint8_t *key, unsigned key_len, const uint8_t *data,
					unsigned len)
{
	/* key bits [8i, 8i + 64) while data[i] is looked at */
	uint64_t window = 0;
	uint32_t hash = 0;
	unsigned i, bit;

	for (i = 0; i < 8; i++)
		window = window << 8 | (i < key_len ? key[i] : 0u);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			if (data[i] & (0x80u >> bit))
				hash ^= (uint32_t)(window >> (32 - bit));
		}
		window = window << 8 | (i + 8 < key_len ? key[i + 8] : 0u);
	}
	return hash;
}

#endif /* SL_TOEPLITZ_H */
