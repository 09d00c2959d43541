/* SPDX-License-Identifier: BSD-3-Clause
 * pcapng blocks (dc_pcapng.h). */
#include <string.h>

#include "dc_pcapng.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_ISB 0x00000005u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define LINKTYPE_ETHERNET 1

#define OPT_END 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define EPB_FLAGS 2
#define ISB_STARTTIME 2
#define ISB_ENDTIME 3
#define ISB_IFRECV 4
#define ISB_IFDROP 5

/* A block is built here, then written with one fwrite. */
struct block {
	uint8_t buf[256 + 65536 + 64];
	uint32_t len;
};

static void put(struct block *b, const void *p, uint32_t n)
{
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void put32(struct block *b, uint32_t v)
{
	put(b, &v, 4);
}

static void pad4(struct block *b)
{
	while (b->len % 4)
		b->buf[b->len++] = 0;
}

static void opt(struct block *b, uint16_t code, const void *val, uint16_t len)
{
	put(b, &code, 2);
	put(b, &len, 2);
	if (len != 0)
		put(b, val, len);
	pad4(b);
}

static void opt_str(struct block *b, uint16_t code, const char *s)
{
	size_t n = strlen(s);

	opt(b, code, s, (uint16_t)(n > 200 ? 200 : n));
}

static void opt_u64(struct block *b, uint16_t code, uint64_t v)
{
	opt(b, code, &v, 8);
}

static void begin(struct block *b, uint32_t type)
{
	b->len = 0;
	put32(b, type);
	put32(b, 0);	/* total length, filled by finish */
}

static int finish(FILE *f, struct block *b, int with_opts)
{
	uint32_t total;

	if (with_opts)
		opt(b, OPT_END, NULL, 0);
	total = b->len + 4;
	memcpy(b->buf + 4, &total, 4);
	put32(b, total);
	return fwrite(b->buf, 1, b->len, f) == b->len ? 0 : -1;
}

static void put_ts(struct block *b, uint64_t ts_ns)
{
	put32(b, (uint32_t)(ts_ns >> 32));
	put32(b, (uint32_t)ts_ns);
}

static struct block blk;

int pcapng_write_shb(FILE *f, const char *app)
{
	uint64_t section_len = UINT64_MAX;	/* not given */
	uint16_t major = 1, minor = 0;

	begin(&blk, BT_SHB);
	put32(&blk, BYTE_ORDER_MAGIC);
	put(&blk, &major, 2);
	put(&blk, &minor, 2);
	put(&blk, &section_len, 8);
	opt_str(&blk, SHB_USERAPPL, app);
	return finish(f, &blk, 1);
}

int pcapng_write_idb(FILE *f, const char *name, const char *descr, uint32_t snaplen)
{
	uint16_t linktype = LINKTYPE_ETHERNET, reserved = 0;
	uint8_t tsresol = 9;	/* 10^-9 s */

	begin(&blk, BT_IDB);
	put(&blk, &linktype, 2);
	put(&blk, &reserved, 2);
	put32(&blk, snaplen);
	opt_str(&blk, IF_NAME, name);
	if (descr != NULL && descr[0] != '\0')
		opt_str(&blk, IF_DESCRIPTION, descr);
	opt(&blk, IF_TSRESOL, &tsresol, 1);
	return finish(f, &blk, 1);
}

int pcapng_write_epb(FILE *f, uint32_t iface, uint64_t ts_ns, const uint8_t *data,
		     uint32_t cap_len, uint32_t orig_len, uint32_t dir)
{
	if (cap_len > 65536)
		cap_len = 65536;
	begin(&blk, BT_EPB);
	put32(&blk, iface);
	put_ts(&blk, ts_ns);
	put32(&blk, cap_len);
	put32(&blk, orig_len);
	put(&blk, data, cap_len);
	pad4(&blk);
	opt(&blk, EPB_FLAGS, &dir, 4);
	return finish(f, &blk, 1);
}

int pcapng_write_isb(FILE *f, uint32_t iface, uint64_t ts_ns, uint64_t start_ns,
		     uint64_t received, uint64_t dropped)
{
	begin(&blk, BT_ISB);
	put32(&blk, iface);
	put_ts(&blk, ts_ns);
	opt(&blk, ISB_STARTTIME, (uint32_t[]){ (uint32_t)(start_ns >> 32), (uint32_t)start_ns }, 8);
	opt(&blk, ISB_ENDTIME, (uint32_t[]){ (uint32_t)(ts_ns >> 32), (uint32_t)ts_ns }, 8);
	opt_u64(&blk, ISB_IFRECV, received);
	opt_u64(&blk, ISB_IFDROP, dropped);
	return finish(f, &blk, 1);
}
