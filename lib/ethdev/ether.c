/* SPDX-License-Identifier: BSD-3-Clause
 * Sluice ethdev: Ethernet address text and link text. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "sl_eal.h"
#include "sl_ether.h"
#include "sl_ethdev.h"

void sl_ether_format_addr(char *buf, uint16_t size, const struct sl_ether_addr *a)
{
	if (buf == NULL || size == 0)
		return;
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", a->addr_bytes[0], a->addr_bytes[1],
		 a->addr_bytes[2], a->addr_bytes[3], a->addr_bytes[4], a->addr_bytes[5]);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sl_ether_unformat_addr(const char *s, struct sl_ether_addr *a)
{
	struct sl_ether_addr out;
	char sep;

	if (s == NULL || a == NULL || strlen(s) != 17)
		return -EINVAL;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -EINVAL;
	for (unsigned i = 0; i < SL_ETHER_ADDR_LEN; i++) {
		const char *p = s + 3 * i;
		int hi = hex_digit(p[0]), lo = hex_digit(p[1]);

		if (hi < 0 || lo < 0 || (i < SL_ETHER_ADDR_LEN - 1 && p[2] != sep))
			return -EINVAL;
		out.addr_bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	*a = out;
	return 0;
}

void sl_eth_random_addr(struct sl_ether_addr *a)
{
	if (getrandom(a->addr_bytes, sizeof(a->addr_bytes), 0) != (ssize_t)sizeof(a->addr_bytes)) {
		/* getrandom cannot fail for 6 bytes once the pool is seeded;
		 * the TSC is a fallback that still differs between calls. */
		uint64_t t = sl_tsc();

		memcpy(a->addr_bytes, &t, sizeof(a->addr_bytes));
	}
	a->addr_bytes[0] &= (uint8_t)~0x01;	/* unicast */
	a->addr_bytes[0] |= 0x02;		/* locally administered */
}

int sl_eth_link_to_str(char *buf, size_t len, const struct sl_eth_link *link)
{
	const char *duplex, *neg;

	if (buf == NULL || len == 0 || link == NULL)
		return -EINVAL;
	duplex = link->link_duplex == SL_ETH_LINK_FULL_DUPLEX ? "full" : "half";
	neg = link->link_autoneg == SL_ETH_LINK_AUTONEG ? "autoneg" : "fixed";
	if (link->link_status == SL_ETH_LINK_DOWN)
		return snprintf(buf, len, "Link down");
	if (link->link_speed == SL_ETH_SPEED_NUM_UNKNOWN)
		return snprintf(buf, len, "Link up at unknown speed %s duplex %s", duplex, neg);
	if (link->link_speed >= 1000 && link->link_speed % 1000 == 0)
		return snprintf(buf, len, "Link up at %u Gbps %s duplex %s", link->link_speed / 1000,
				duplex, neg);
	return snprintf(buf, len, "Link up at %u Mbps %s duplex %s", link->link_speed, duplex, neg);
}
