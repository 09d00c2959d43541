/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for net_pcap on files: byte-exact rx_pcap -> tx_pcap round
 * trip (chained mbufs included), end of file, infinite_rx replay, an empty
 * pool that loses nothing, truncated files, wrong link types, missing and
 * malformed files. The pcap files are written here byte by byte (not with
 * libpcap), so the driver is checked against the format itself.
 *
 * Each test runs in its own process (Check's fork mode) with a fresh EAL
 * (--no-huge, one lcore, no PCI) and a fresh temporary directory. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sl_eal.h"
#include "sl_ethdev_driver.h"
#include "sl_mbuf.h"
#include "sl_test.h"

#define LINKTYPE_ETHERNET 1
#define LINKTYPE_LINUX_SLL 113
#define MAX_FRAME 9100

static char tmpdir[64];

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* ---- fixture ------------------------------------------------------------------ */

static void setup(void)
{
	char *argv[] = { "test_pcap", "--no-huge", "--no-pci", "-l", "0", "--log-level", "notice",
			 NULL };
	int ret;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sl_test_pcap.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ret = sl_eal_init(7, argv);
	ck_assert_msg(ret >= 0, "sl_eal_init: %d", ret);
}

static void teardown(void)
{
	char cmd[128];

	sl_eal_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- pcap files, by hand ---------------------------------------------------- */

struct frame {
	uint32_t sec, usec;
	uint32_t len;
	uint8_t data[MAX_FRAME];
};

/* Frame i: a recognisable Ethernet frame of len bytes. */
static void frame_make(struct frame *f, unsigned i, uint32_t len)
{
	f->sec = 1700000000u + i;
	f->usec = (i * 7919u) % 1000000u;
	f->len = len;
	for (uint32_t b = 0; b < len; b++)
		f->data[b] = (uint8_t)(b * 31u + i * 17u + (b >> 8));
	f->data[12] = 0x88;	/* IEEE local experimental EtherType */
	f->data[13] = 0xb5;
	memcpy(&f->data[14], &i, sizeof(i));
}

static void put32(FILE *fp, uint32_t v)
{
	ck_assert_int_eq(fwrite(&v, 4, 1, fp), 1);
}

static void put16(FILE *fp, uint16_t v)
{
	ck_assert_int_eq(fwrite(&v, 2, 1, fp), 1);
}

/* A classic microsecond pcap file; with cut_last > 0 the last record
 * loses that many bytes of its data (a capture killed mid-write). */
static void pcap_write(const char *path, uint32_t linktype, const struct frame *frames,
		       unsigned n, uint32_t cut_last)
{
	FILE *fp = fopen(path, "wb");

	ck_assert_ptr_nonnull(fp);
	put32(fp, 0xa1b2c3d4);
	put16(fp, 2);
	put16(fp, 4);
	put32(fp, 0);		/* thiszone */
	put32(fp, 0);		/* sigfigs */
	put32(fp, 65535);	/* snaplen */
	put32(fp, linktype);
	for (unsigned i = 0; i < n; i++) {
		const struct frame *f = &frames[i];
		uint32_t len = f->len;

		put32(fp, f->sec);
		put32(fp, f->usec);
		put32(fp, len);
		put32(fp, len);
		if (i == n - 1 && cut_last > 0)
			len -= cut_last;
		ck_assert_int_eq(fwrite(f->data, 1, len, fp), len);
	}
	ck_assert_int_eq(fclose(fp), 0);
}

static long file_read(const char *path, uint8_t **buf)
{
	FILE *fp = fopen(path, "rb");
	long len;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	*buf = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(*buf);
	ck_assert_int_eq(fread(*buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	return len;
}

static void files_equal(const char *a, const char *b)
{
	uint8_t *da, *db;
	long la = file_read(a, &da), lb = file_read(b, &db);

	ck_assert_msg(la == lb, "%s is %ld bytes, %s %ld", a, la, b, lb);
	for (long i = 0; i < la; i++)
		ck_assert_msg(da[i] == db[i], "%s and %s differ at byte %ld", a, b, i);
	free(da);
	free(db);
}

/* ---- port helpers --------------------------------------------------------------- */

static uint16_t port_create(const char *name, const char *args)
{
	uint16_t port;

	ck_assert_int_eq(sl_vdev_create(name, args), 0);
	ck_assert_int_eq(sl_eth_dev_get_port_by_name(name, &port), 0);
	return port;
}

static void port_up(uint16_t port, struct sl_mempool *mp)
{
	ck_assert_int_eq(sl_eth_dev_configure(port, 1, 1, NULL), 0);
	ck_assert_int_eq(sl_eth_rx_queue_setup(port, 0, 64, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_int_eq(sl_eth_tx_queue_setup(port, 0, 64, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_start(port), 0);
}

static void port_down(uint16_t port)
{
	ck_assert_int_eq(sl_eth_dev_stop(port), 0);
	ck_assert_int_eq(sl_eth_dev_close(port), 0);
}

static struct sl_mempool *pool_create(const char *name, unsigned n, unsigned cache,
				      uint16_t data_room)
{
	struct sl_mempool *mp = sl_pktmbuf_pool_create(name, n, cache, 0,
						      (uint16_t)(data_room + SL_PKTMBUF_HEADROOM),
						      SL_SOCKET_ID_ANY);

	ck_assert_msg(mp != NULL, "pool %s: errno %d", name, errno);
	return mp;
}

/* The mbuf holds exactly frame f (any number of segments). */
static void mbuf_is_frame(const struct sl_mbuf *m, const struct frame *f, unsigned idx)
{
	static uint8_t flat[MAX_FRAME];
	const uint8_t *d;
	const char *why = NULL;

	ck_assert_msg(m->pkt_len == f->len, "packet %u: %u bytes, expected %u", idx, m->pkt_len,
		      f->len);
	ck_assert_msg(sl_pktmbuf_check(m, &why) == 0, "packet %u: bad chain: %s", idx, why);
	d = sl_pktmbuf_read(m, 0, m->pkt_len, flat);
	ck_assert_ptr_nonnull(d);
	ck_assert_msg(memcmp(d, f->data, f->len) == 0, "packet %u: data differs", idx);
}

static struct frame *frames_alloc(unsigned n)
{
	struct frame *f = calloc(n, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	return f;
}

/* ---- tests ------------------------------------------------------------------------ */

/* Every size 60..1514 in steps, a jumbo frame that needs a chain of 2 KiB
 * mbufs, and a tiny runt: rx_pcap -> tx_pcap on one port reproduces the
 * input file byte for byte, timestamps included. */
START_TEST(test_round_trip_byte_exact)
{
	enum { N = 64 };
	struct frame *frames = frames_alloc(N);
	struct sl_mbuf *pkts[N + 8];
	char in[128], out[128], args[300];
	struct sl_mempool *mp = pool_create("rt", 511, 32, 2048);
	struct sl_eth_stats st;
	uint64_t bytes = 0;
	unsigned got = 0, chained = 0;
	uint16_t port, n;

	for (unsigned i = 0; i < N; i++)
		frame_make(&frames[i], i, 60 + i * (1514 - 60) / (N - 3));
	frame_make(&frames[N - 2], N - 2, 9000);
	frame_make(&frames[N - 1], N - 1, 20);
	for (unsigned i = 0; i < N; i++)
		bytes += frames[i].len;
	path_in(in, sizeof(in), "in.pcap");
	path_in(out, sizeof(out), "out.pcap");
	pcap_write(in, LINKTYPE_ETHERNET, frames, N, 0);
	snprintf(args, sizeof(args), "rx_pcap=%s,tx_pcap=%s", in, out);
	port = port_create("net_pcap_rt", args);
	port_up(port, mp);

	/* bursts of 7 so that the file is read across many calls */
	while ((n = sl_eth_rx_burst(port, 0, pkts, 7)) > 0) {
		for (uint16_t i = 0; i < n; i++) {
			mbuf_is_frame(pkts[i], &frames[got + i], got + i);
			ck_assert(pkts[i]->ol_flags & SL_MBUF_F_RX_TIMESTAMP);
			ck_assert_int_eq(pkts[i]->port, port);
			if (pkts[i]->nb_segs > 1)
				chained++;
		}
		ck_assert_int_eq(sl_eth_tx_burst(port, 0, pkts, n), n);
		got += n;
		ck_assert_int_le(got, N);
	}
	ck_assert_int_eq(got, N);
	ck_assert_int_eq(chained, 1);	/* the 9000-byte frame */
	/* end of file stays the end */
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts, 32), 0);
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts, 32), 0);

	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.ipackets, N);
	ck_assert_uint_eq(st.opackets, N);
	ck_assert_uint_eq(st.ibytes, bytes);
	ck_assert_uint_eq(st.obytes, bytes);
	ck_assert_uint_eq(st.ierrors, 0);

	/* stop flushes the file */
	ck_assert_int_eq(sl_eth_dev_stop(port), 0);
	files_equal(in, out);
	ck_assert_int_eq(sl_eth_dev_close(port), 0);
	files_equal(in, out);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
	free(frames);
}
END_TEST

/* Frames much larger than the mbufs (256-byte data room): chains of many
 * segments on RX, flattened again by TX. */
START_TEST(test_small_mbufs_chain)
{
	enum { N = 5 };
	struct frame *frames = frames_alloc(N);
	struct sl_mbuf *pkts[N];
	char in[128], out[128], args[300];
	struct sl_mempool *mp = pool_create("small", 255, 0, 256);
	uint16_t port, n;

	for (unsigned i = 0; i < N; i++)
		frame_make(&frames[i], i, 100 + i * 1000);
	path_in(in, sizeof(in), "in.pcap");
	path_in(out, sizeof(out), "out.pcap");
	pcap_write(in, LINKTYPE_ETHERNET, frames, N, 0);
	snprintf(args, sizeof(args), "rx_pcap=%s,tx_pcap=%s", in, out);
	port = port_create("net_pcap_small", args);
	port_up(port, mp);
	n = sl_eth_rx_burst(port, 0, pkts, N);
	ck_assert_int_eq(n, N);
	for (unsigned i = 0; i < N; i++) {
		mbuf_is_frame(pkts[i], &frames[i], i);
		ck_assert_int_eq(pkts[i]->nb_segs, (frames[i].len + 255) / 256);
	}
	ck_assert_int_eq(sl_eth_tx_burst(port, 0, pkts, n), n);
	port_down(port);
	files_equal(in, out);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
	free(frames);
}
END_TEST

/* An empty pool costs time, not frames: the record waits for the next
 * burst and is counted in rx_nombuf. */
START_TEST(test_empty_pool_loses_nothing)
{
	enum { N = 20, POOL = 8 };
	struct frame *frames = frames_alloc(N);
	struct sl_mbuf *pkts[32];
	char in[128], args[200];
	struct sl_mempool *mp = pool_create("tiny", POOL, 0, 2048);
	struct sl_eth_stats st;
	unsigned got = 0;
	uint16_t port;

	for (unsigned i = 0; i < N; i++)
		frame_make(&frames[i], i, 64 + i);
	path_in(in, sizeof(in), "in.pcap");
	pcap_write(in, LINKTYPE_ETHERNET, frames, N, 0);
	snprintf(args, sizeof(args), "rx_pcap=%s", in);
	port = port_create("net_pcap_tiny", args);
	port_up(port, mp);
	while (got < N) {
		uint16_t n = sl_eth_rx_burst(port, 0, pkts, 32);

		ck_assert_msg(n > 0, "stalled after %u of %u frames", got, N);
		ck_assert_int_le(n, POOL);
		for (uint16_t i = 0; i < n; i++)
			mbuf_is_frame(pkts[i], &frames[got + i], got + i);
		got += n;
		sl_pktmbuf_free_bulk(pkts, n);
	}
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts, 32), 0);
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.ipackets, N);
	ck_assert_uint_ge(st.rx_nombuf, 1);
	port_down(port);
	sl_mempool_free(mp);
	free(frames);
}
END_TEST

/* infinite_rx replays the file in order, forever, wrapping mid-burst. */
START_TEST(test_infinite_rx)
{
	enum { N = 3, ROUNDS = 50, BURST = 7 };
	struct frame *frames = frames_alloc(N);
	struct sl_mbuf *pkts[BURST];
	char in[128], args[200];
	struct sl_mempool *mp = pool_create("inf", 255, 0, 2048);
	struct sl_eth_stats st;
	unsigned got = 0;
	uint16_t port;

	for (unsigned i = 0; i < N; i++)
		frame_make(&frames[i], i, 60 + 100 * i);
	path_in(in, sizeof(in), "in.pcap");
	pcap_write(in, LINKTYPE_ETHERNET, frames, N, 0);
	/* the file is read at probe: deleting it now must not matter */
	snprintf(args, sizeof(args), "rx_pcap=%s,infinite_rx=1", in);
	port = port_create("net_pcap_inf", args);
	ck_assert_int_eq(unlink(in), 0);
	port_up(port, mp);
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint16_t n = sl_eth_rx_burst(port, 0, pkts, BURST);

		ck_assert_int_eq(n, BURST);
		for (uint16_t i = 0; i < n; i++)
			mbuf_is_frame(pkts[i], &frames[(got + i) % N], got + i);
		got += n;
		sl_pktmbuf_free_bulk(pkts, n);
	}
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.ipackets, ROUNDS * BURST);
	port_down(port);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	sl_mempool_free(mp);
	free(frames);
}
END_TEST

/* A file whose last record is cut short: the complete records arrive,
 * then RX ends, with a warning naming the file. infinite_rx replays the
 * complete records only. */
START_TEST(test_truncated_file)
{
	enum { N = 6 };
	struct frame *frames = frames_alloc(N);
	struct sl_mbuf *pkts[32];
	char in[128], args[200];
	struct sl_mempool *mp = pool_create("trunc", 255, 0, 2048);
	const char *log;
	uint16_t port, n;

	for (unsigned i = 0; i < N; i++)
		frame_make(&frames[i], i, 200);
	path_in(in, sizeof(in), "cut.pcap");
	pcap_write(in, LINKTYPE_ETHERNET, frames, N, 50);
	snprintf(args, sizeof(args), "rx_pcap=%s", in);
	port = port_create("net_pcap_cut", args);
	port_up(port, mp);
	sl_test_capture_begin(false);
	n = sl_eth_rx_burst(port, 0, pkts, 32);
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts + n, 32), 0);
	log = sl_test_capture_end();
	ck_assert_int_eq(n, N - 1);
	for (unsigned i = 0; i < n; i++)
		mbuf_is_frame(pkts[i], &frames[i], i);
	sl_pktmbuf_free_bulk(pkts, n);
	ck_assert_logged(log, "cut.pcap");
	ck_assert_logged(log, "truncated");
	port_down(port);

	sl_test_capture_begin(false);
	snprintf(args, sizeof(args), "rx_pcap=%s,infinite_rx=1", in);
	port = port_create("net_pcap_cut_inf", args);
	log = sl_test_capture_end();
	ck_assert_logged(log, "cut.pcap");
	port_up(port, mp);
	n = sl_eth_rx_burst(port, 0, pkts, 2 * (N - 1));
	ck_assert_int_eq(n, 2 * (N - 1));
	for (unsigned i = 0; i < n; i++)
		mbuf_is_frame(pkts[i], &frames[i % (N - 1)], i);
	sl_pktmbuf_free_bulk(pkts, n);
	port_down(port);
	sl_mempool_free(mp);
	free(frames);
}
END_TEST

/* Only the file header, no records: probe works, RX is empty at once;
 * with infinite_rx there is nothing to replay, which is an error. */
START_TEST(test_empty_file)
{
	struct sl_mbuf *pkts[4];
	char in[128], args[200];
	struct sl_mempool *mp = pool_create("empty", 63, 0, 2048);
	const char *log;
	uint16_t port;
	int ret;

	path_in(in, sizeof(in), "empty.pcap");
	pcap_write(in, LINKTYPE_ETHERNET, NULL, 0, 0);
	snprintf(args, sizeof(args), "rx_pcap=%s", in);
	port = port_create("net_pcap_empty", args);
	port_up(port, mp);
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts, 4), 0);
	port_down(port);

	snprintf(args, sizeof(args), "rx_pcap=%s,infinite_rx=1", in);
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_empty_inf", args);
	log = sl_test_capture_end();
	ck_assert_int_lt(ret, 0);
	ck_assert_logged(log, "empty.pcap");
	ck_assert_logged(log, "infinite_rx");
	ck_assert_int_eq(sl_eth_dev_count_avail(), 0);
	sl_mempool_free(mp);
}
END_TEST

START_TEST(test_wrong_link_type)
{
	struct frame *frames = frames_alloc(1);
	char in[128], args[200];
	const char *log;
	int ret;

	frame_make(&frames[0], 0, 100);
	path_in(in, sizeof(in), "sll.pcap");
	pcap_write(in, LINKTYPE_LINUX_SLL, frames, 1, 0);
	snprintf(args, sizeof(args), "rx_pcap=%s", in);
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_sll", args);
	log = sl_test_capture_end();
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_logged(log, "sll.pcap");
	ck_assert_logged(log, "not Ethernet");
	ck_assert_logged(log, "LINUX_SLL");
	ck_assert_int_eq(sl_eth_dev_count_avail(), 0);
	free(frames);
}
END_TEST

START_TEST(test_missing_and_bad_files)
{
	char in[128], args[300];
	const char *log;
	FILE *fp;
	int ret;

	/* missing: the file name and libpcap's reason */
	path_in(in, sizeof(in), "no-such.pcap");
	snprintf(args, sizeof(args), "rx_pcap=%s", in);
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_missing", args);
	log = sl_test_capture_end();
	ck_assert_int_lt(ret, 0);
	ck_assert_logged(log, "no-such.pcap");
	ck_assert_logged(log, "No such file or directory");

	/* not a pcap file at all */
	path_in(in, sizeof(in), "garbage.pcap");
	fp = fopen(in, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("this is not a capture file, just some text that is long enough\n", fp);
	fclose(fp);
	snprintf(args, sizeof(args), "rx_pcap=%s", in);
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_garbage", args);
	log = sl_test_capture_end();
	ck_assert_int_lt(ret, 0);
	ck_assert_logged(log, "garbage.pcap");

	/* tx_pcap in a directory that does not exist */
	snprintf(args, sizeof(args), "tx_pcap=%s/no/such/dir/out.pcap", tmpdir);
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_baddir", args);
	log = sl_test_capture_end();
	ck_assert_int_lt(ret, 0);
	ck_assert_logged(log, "out.pcap");

	/* nothing to do, unknown key, infinite_rx on an interface */
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_noargs", "");
	log = sl_test_capture_end();
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_logged(log, "rx_pcap=FILE");
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_badkey", "rx_pcapp=x.pcap");
	log = sl_test_capture_end();
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_logged(log, "rx_pcapp");
	sl_test_capture_begin(false);
	ret = sl_vdev_create("net_pcap_infif", "rx_iface=lo,infinite_rx=1");
	log = sl_test_capture_end();
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_logged(log, "infinite_rx");
	ck_assert_int_eq(sl_eth_dev_count_avail(), 0);
}
END_TEST

/* A port with only a TX file has an RX queue that never receives; one with
 * only an RX file has a TX queue that frees and counts (a sink). Two
 * rx_pcap give two RX queues, each reading its own file. */
START_TEST(test_queues_and_sinks)
{
	struct frame *frames = frames_alloc(4);
	struct sl_mbuf *pkts[8];
	char a[128], b[128], out[128], args[400];
	struct sl_mempool *mp = pool_create("q", 255, 0, 2048);
	struct sl_eth_dev_info info;
	struct sl_eth_stats st;
	uint16_t port;

	for (unsigned i = 0; i < 4; i++)
		frame_make(&frames[i], i, 100 + i);
	path_in(a, sizeof(a), "a.pcap");
	path_in(b, sizeof(b), "b.pcap");
	path_in(out, sizeof(out), "out.pcap");
	pcap_write(a, LINKTYPE_ETHERNET, frames, 2, 0);
	pcap_write(b, LINKTYPE_ETHERNET, frames + 2, 2, 0);

	snprintf(args, sizeof(args), "rx_pcap=%s,rx_pcap=%s", a, b);
	port = port_create("net_pcap_two", args);
	ck_assert_int_eq(sl_eth_dev_info_get(port, &info), 0);
	ck_assert_int_eq(info.max_rx_queues, 2);
	ck_assert_int_eq(info.max_tx_queues, 1);
	ck_assert_int_eq(sl_eth_dev_configure(port, 2, 1, NULL), 0);
	ck_assert_int_eq(sl_eth_rx_queue_setup(port, 0, 64, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_int_eq(sl_eth_rx_queue_setup(port, 1, 64, SL_SOCKET_ID_ANY, NULL, mp), 0);
	ck_assert_int_eq(sl_eth_tx_queue_setup(port, 0, 64, SL_SOCKET_ID_ANY, NULL), 0);
	ck_assert_int_eq(sl_eth_dev_start(port), 0);
	ck_assert_int_eq(sl_eth_rx_burst(port, 1, pkts, 8), 2);
	mbuf_is_frame(pkts[0], &frames[2], 2);
	mbuf_is_frame(pkts[1], &frames[3], 3);
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts + 2, 8), 2);
	mbuf_is_frame(pkts[2], &frames[0], 0);
	ck_assert_int_eq(sl_eth_tx_burst(port, 0, pkts, 4), 4);	/* sink */
	ck_assert_int_eq(sl_eth_stats_get(port, &st), 0);
	ck_assert_uint_eq(st.opackets, 4);
	ck_assert_uint_eq(st.q_ipackets[0], 2);
	ck_assert_uint_eq(st.q_ipackets[1], 2);
	ck_assert_uint_eq(sl_mempool_in_use_count(mp), 0);
	port_down(port);

	snprintf(args, sizeof(args), "tx_pcap=%s", out);
	port = port_create("net_pcap_txonly", args);
	port_up(port, mp);
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts, 8), 0);
	port_down(port);
	sl_mempool_free(mp);
	free(frames);
}
END_TEST

/* Packets that did not come from a file (no RX timestamp) are written with
 * the current time; the file reads back through an rx_pcap port. */
START_TEST(test_tx_generated_packets)
{
	struct sl_mbuf *pkts[3];
	char out[128], args[200];
	struct sl_mempool *mp = pool_create("gen", 63, 0, 2048);
	struct frame *frames = frames_alloc(3);
	uint16_t port;

	path_in(out, sizeof(out), "gen.pcap");
	snprintf(args, sizeof(args), "tx_pcap=%s", out);
	port = port_create("net_pcap_gen", args);
	port_up(port, mp);
	ck_assert_int_eq(sl_pktmbuf_alloc_bulk(mp, pkts, 3), 0);
	for (unsigned i = 0; i < 3; i++) {
		frame_make(&frames[i], i, 64 * (i + 1));
		memcpy(sl_pktmbuf_append(pkts[i], frames[i].len), frames[i].data, frames[i].len);
	}
	ck_assert_int_eq(sl_eth_tx_burst(port, 0, pkts, 3), 3);
	port_down(port);

	snprintf(args, sizeof(args), "rx_pcap=%s", out);
	port = port_create("net_pcap_gen_rx", args);
	port_up(port, mp);
	ck_assert_int_eq(sl_eth_rx_burst(port, 0, pkts, 3), 3);
	for (unsigned i = 0; i < 3; i++) {
		mbuf_is_frame(pkts[i], &frames[i], i);
		/* "now", give or take: after 2023-11 */
		ck_assert_uint_gt(pkts[i]->timestamp, 1700000000ull * 1000000000ull);
	}
	sl_pktmbuf_free_bulk(pkts, 3);
	port_down(port);
	sl_mempool_free(mp);
	free(frames);
}
END_TEST

static Suite *pcap_suite(void)
{
	Suite *s = suite_create("pcap");
	TCase *tc = tcase_create("files");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip_byte_exact);
	tcase_add_test(tc, test_small_mbufs_chain);
	tcase_add_test(tc, test_empty_pool_loses_nothing);
	tcase_add_test(tc, test_infinite_rx);
	tcase_add_test(tc, test_truncated_file);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_wrong_link_type);
	tcase_add_test(tc, test_missing_and_bad_files);
	tcase_add_test(tc, test_queues_and_sinks);
	tcase_add_test(tc, test_tx_generated_packets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pcap_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
