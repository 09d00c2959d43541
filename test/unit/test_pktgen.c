/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests for sl-pktgen's pure logic (app/pktgen): frame builder,
 * flow variation, frame sizes, sequence accounting, latency histogram,
 * rate scheduler and option value parsers. No EAL, no ports.
 *
 * Checksums are verified with an independent computation written here
 * from RFC 791/768/1071 (big-endian words over the real header bytes),
 * not with the builder's own partial-sum helpers. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_flow.h"
#include "pg_frame.h"
#include "pg_latency.h"
#include "pg_opts.h"
#include "pg_rate.h"
#include "pg_seq.h"
#include "pg_size.h"

/* ---- independent checksum ------------------------------------------------------ */

static uint32_t be_word_sum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold_be(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Checks a built frame of size bytes: header fields and both checksums. */
static void check_frame(const uint8_t *f, uint32_t size, bool vlan, const struct pg_flow_tuple *ft)
{
	unsigned l3 = vlan ? 18 : 14;
	const uint8_t *ip = f + l3, *udp = ip + 20;
	uint16_t udp_len = (uint16_t)(size - l3 - 20);
	uint8_t pseudo[12];
	uint32_t sum;

	ck_assert_uint_eq(rd16(f + l3 - 2), 0x0800);
	ck_assert_uint_eq(ip[0], 0x45);
	ck_assert_uint_eq(rd16(ip + 2), size - l3);
	ck_assert_uint_eq(ip[9], 17);
	ck_assert_uint_eq(rd32(ip + 12), ft->src_ip);
	ck_assert_uint_eq(rd32(ip + 16), ft->dst_ip);
	/* RFC 1071: the sum over a header including its checksum is all ones. */
	ck_assert_uint_eq(fold_be(be_word_sum(ip, 20)), 0xffff);

	ck_assert_uint_eq(rd16(udp), ft->src_port);
	ck_assert_uint_eq(rd16(udp + 2), ft->dst_port);
	ck_assert_uint_eq(rd16(udp + 4), udp_len);
	ck_assert_uint_ne(rd16(udp + 6), 0);	/* we always send a checksum */
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pseudo[10] = (uint8_t)(udp_len >> 8);
	pseudo[11] = (uint8_t)udp_len;
	sum = be_word_sum(pseudo, 12) + be_word_sum(udp, udp_len);
	ck_assert_uint_eq(fold_be(sum), 0xffff);
}

static void spec_default(struct pg_frame_spec *s)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 }, src[6] = { 0x02, 0, 0, 0, 0, 0x01 };

	memset(s, 0, sizeof(*s));
	memcpy(s->dst_mac, dst, 6);
	memcpy(s->src_mac, src, 6);
	s->ttl = 64;
	s->src_ip = 0x0a000001;
	s->dst_ip = 0x0a000002;
	s->src_port = 1024;
	s->dst_port = 4000;
	s->sig_port = 3;
	s->sig_stream = 7;
	s->sig_queue = 2;
}

/* What the TX loop does: template over a zeroed buffer, then finish. */
static void build(const struct pg_template *t, uint8_t *buf, uint32_t size,
		  const struct pg_flow_tuple *ft, uint32_t seq, uint64_t tsc)
{
	memcpy(buf, t->bytes, PG_TEMPLATE_SPAN);
	pg_frame_finish(t, buf, size, ft, seq, tsc);
}

/* ---- frame builder ------------------------------------------------------------ */

START_TEST(frame_checksums_sizes)
{
	struct pg_frame_spec spec;
	struct pg_template t;
	static uint8_t buf[PG_MAX_FRAME + 64];
	static const uint32_t sizes[] = { 60, 61, 64, 65, 127, 128, 511, 1000, 1514, 1518, 9014, PG_MAX_FRAME };
	uint64_t rng = 12345;

	spec_default(&spec);
	pg_template_init(&t, &spec);
	ck_assert_uint_eq(t.l3_off, 14);
	ck_assert_uint_eq(t.sig_off, 42);
	ck_assert_uint_eq(t.hdr_len, 56);
	for (size_t i = 0; i < SL_DIM(sizes); i++) {
		for (int k = 0; k < 50; k++) {
			struct pg_flow_tuple ft = { pg_rand32(&rng), pg_rand32(&rng),
						    (uint16_t)pg_rand32(&rng), (uint16_t)pg_rand32(&rng) };
			uint32_t seq = pg_rand32(&rng);
			uint64_t tsc = ((uint64_t)pg_rand32(&rng) << 32 | pg_rand32(&rng));
			struct pg_sig sig;

			memset(buf, 0, sizes[i] + 64);
			build(&t, buf, sizes[i], &ft, seq, tsc);
			check_frame(buf, sizes[i], false, &ft);
			ck_assert(pg_sig_parse(buf, sizes[i], &sig));
			ck_assert_uint_eq(sig.port, 3);
			ck_assert_uint_eq(sig.stream, 7);
			ck_assert_uint_eq(sig.queue, 2);
			ck_assert_uint_eq(sig.seq, seq);
			ck_assert_uint_eq(sig.tsc, tsc & PG_TSC_MASK);
			/* padding after the signature stays zero */
			for (uint32_t b = t.hdr_len; b < sizes[i]; b++)
				ck_assert_uint_eq(buf[b], 0);
		}
	}
}
END_TEST

/* The same buffer reused across frames of different sizes (as TX mbufs
 * are) still gives right checksums: nothing is written past the span. */
START_TEST(frame_buffer_reuse)
{
	struct pg_frame_spec spec;
	struct pg_template t;
	static uint8_t buf[2048];
	uint64_t rng = 99;

	spec_default(&spec);
	pg_template_init(&t, &spec);
	memset(buf, 0, sizeof(buf));
	for (int k = 0; k < 2000; k++) {
		uint32_t size = 60 + pg_rand32(&rng) % (1514 - 60 + 1);
		struct pg_flow_tuple ft = { pg_rand32(&rng), pg_rand32(&rng), (uint16_t)k, 9 };

		build(&t, buf, size, &ft, (uint32_t)k, (uint64_t)k * 977);
		check_frame(buf, size, false, &ft);
	}
}
END_TEST

START_TEST(frame_vlan)
{
	struct pg_frame_spec spec;
	struct pg_template t;
	uint8_t buf[2048];
	struct pg_flow_tuple ft = { 0xc0a80101, 0xc0a80202, 5000, 6000 };
	struct pg_sig sig;

	spec_default(&spec);
	spec.vlan = true;
	spec.vlan_tci = (uint16_t)(5 << 13 | 100);
	pg_template_init(&t, &spec);
	ck_assert_uint_eq(t.l3_off, 18);
	ck_assert_uint_eq(t.hdr_len, 60);	/* a 60-byte tagged frame fits the signature */
	memset(buf, 0, sizeof(buf));
	build(&t, buf, 60, &ft, 0xfffffffe, PG_TSC_MASK);
	ck_assert_uint_eq(rd16(buf + 12), 0x8100);
	ck_assert_uint_eq(rd16(buf + 14), 5 << 13 | 100);
	check_frame(buf, 60, true, &ft);
	ck_assert(pg_sig_parse(buf, 60, &sig));
	ck_assert_uint_eq(sig.seq, 0xfffffffe);
	ck_assert_uint_eq(sig.tsc, PG_TSC_MASK);
	build(&t, buf, 1518, &ft, 1, 2);
	check_frame(buf, 1518, true, &ft);
	/* MACs as given */
	ck_assert_uint_eq(buf[5], 0x02);
	ck_assert_uint_eq(buf[11], 0x01);
}
END_TEST

START_TEST(frame_zero_udp_checksum_sent_as_ones)
{
	struct pg_frame_spec spec;
	struct pg_template t;
	uint8_t buf[128];
	struct pg_flow_tuple ft = { 0x0a000001, 0x0a000002, 1, 2 };
	bool seen = false;

	/* Search a sequence number whose UDP sum comes out as 0: it must
	 * go out as 0xffff (RFC 768), and still verify. */
	spec_default(&spec);
	pg_template_init(&t, &spec);
	for (uint32_t seq = 0; seq < 200000 && !seen; seq++) {
		memset(buf, 0, sizeof(buf));
		build(&t, buf, 60, &ft, seq, 0);
		if (rd16(buf + 40) == 0xffff) {
			seen = true;
			check_frame(buf, 60, false, &ft);
		}
		ck_assert_uint_ne(rd16(buf + 40), 0);
	}
	ck_assert(seen);
}
END_TEST

START_TEST(sig_parse_rejects)
{
	struct pg_frame_spec spec;
	struct pg_template t;
	uint8_t buf[128], copy[128];
	struct pg_flow_tuple ft = { 1, 2, 3, 4 };
	struct pg_sig sig;

	spec_default(&spec);
	pg_template_init(&t, &spec);
	memset(buf, 0, sizeof(buf));
	build(&t, buf, 60, &ft, 5, 6);
	ck_assert(pg_sig_parse(buf, 60, &sig));
	ck_assert(!pg_sig_parse(buf, 55, &sig));	/* too short for the signature */
	memcpy(copy, buf, sizeof(buf));
	copy[42] ^= 1;					/* magic */
	ck_assert(!pg_sig_parse(copy, 60, &sig));
	memcpy(copy, buf, sizeof(buf));
	copy[23] = 6;					/* TCP */
	ck_assert(!pg_sig_parse(copy, 60, &sig));
	memcpy(copy, buf, sizeof(buf));
	copy[14] = 0x46;				/* IP options */
	ck_assert(!pg_sig_parse(copy, 60, &sig));
	memcpy(copy, buf, sizeof(buf));
	copy[12] = 0x86;				/* IPv6 */
	copy[13] = 0xdd;
	ck_assert(!pg_sig_parse(copy, 60, &sig));
}
END_TEST

/* ---- flows -------------------------------------------------------------------- */

START_TEST(flow_inc_wraps_independently)
{
	struct pg_flow_spec fs = {
		.src_ip = { 100, 102 }, .dst_ip = { 7, 7 }, .src_port = { 65534, 65535 },
		.dst_port = { 10, 13 }, .mode = PG_FLOW_INC,
	};
	struct pg_flow fl;
	struct pg_flow_tuple ft;

	pg_flow_init(&fl, &fs, 1, 0);
	for (unsigned i = 0; i < 24; i++) {
		pg_flow_next(&fl, &ft);
		ck_assert_uint_eq(ft.src_ip, 100 + i % 3);
		ck_assert_uint_eq(ft.dst_ip, 7);
		ck_assert_uint_eq(ft.src_port, 65534 + i % 2);
		ck_assert_uint_eq(ft.dst_port, 10 + i % 4);
	}
	/* an offset starts further along (per-queue start) */
	pg_flow_init(&fl, &fs, 1, 5);
	pg_flow_next(&fl, &ft);
	ck_assert_uint_eq(ft.src_ip, 100 + 5 % 3);
	ck_assert_uint_eq(ft.dst_port, 10 + 5 % 4);
}
END_TEST

START_TEST(flow_full_ip_range_wraps)
{
	struct pg_flow_spec fs = {
		.src_ip = { 0xfffffffe, 0xffffffff }, .dst_ip = { 0, 0xffffffff },
		.src_port = { 0, 0 }, .dst_port = { 0, 0 }, .mode = PG_FLOW_INC,
	};
	struct pg_flow fl;
	struct pg_flow_tuple ft;

	pg_flow_init(&fl, &fs, 1, 0);
	pg_flow_next(&fl, &ft);
	ck_assert_uint_eq(ft.src_ip, 0xfffffffe);
	pg_flow_next(&fl, &ft);
	ck_assert_uint_eq(ft.src_ip, 0xffffffff);
	pg_flow_next(&fl, &ft);
	ck_assert_uint_eq(ft.src_ip, 0xfffffffe);
	ck_assert_uint_eq(ft.dst_ip, 2);
}
END_TEST

START_TEST(flow_random_in_range_and_uniform)
{
	struct pg_flow_spec fs = {
		.src_ip = { 1000, 1009 }, .dst_ip = { 0, 0xffffffff }, .src_port = { 5, 5 },
		.dst_port = { 100, 103 }, .mode = PG_FLOW_RANDOM,
	};
	struct pg_flow fl;
	struct pg_flow_tuple ft;
	unsigned hist[10] = { 0 }, ports[4] = { 0 };
	const unsigned n = 100000;
	struct pg_frame_spec spec;
	struct pg_template t;
	uint8_t buf[128];

	spec_default(&spec);
	pg_template_init(&t, &spec);
	pg_flow_init(&fl, &fs, 42, 0);
	for (unsigned i = 0; i < n; i++) {
		pg_flow_next(&fl, &ft);
		ck_assert(ft.src_ip >= 1000 && ft.src_ip <= 1009);
		ck_assert_uint_eq(ft.src_port, 5);
		ck_assert(ft.dst_port >= 100 && ft.dst_port <= 103);
		hist[ft.src_ip - 1000]++;
		ports[ft.dst_port - 100]++;
		if (i < 1000) {
			memset(buf, 0, sizeof(buf));
			build(&t, buf, 60, &ft, i, i);
			check_frame(buf, 60, false, &ft);
		}
	}
	/* each value within 5% of its share (chance of failure is negligible
	 * at 10000 draws per value) */
	for (int i = 0; i < 10; i++)
		ck_assert(fabs((double)hist[i] - n / 10.0) < n / 10.0 * 0.05);
	for (int i = 0; i < 4; i++)
		ck_assert(fabs((double)ports[i] - n / 4.0) < n / 4.0 * 0.05);
}
END_TEST

/* ---- sizes --------------------------------------------------------------------- */

START_TEST(size_fixed_step_random)
{
	struct pg_size_spec sp = { .mode = PG_SIZE_STEP, .min = 60, .max = 80, .step = 7 };
	struct pg_sizer s;
	static const uint32_t want[] = { 60, 67, 74, 60, 67, 74, 60 };
	unsigned hist[21] = { 0 };

	ck_assert_int_eq(pg_sizer_init(&s, &sp, 1), 0);
	for (size_t i = 0; i < SL_DIM(want); i++)
		ck_assert_uint_eq(pg_size_next(&s), want[i]);
	pg_sizer_free(&s);

	sp = (struct pg_size_spec){ .mode = PG_SIZE_FIXED, .min = 128, .max = 128 };
	ck_assert_int_eq(pg_sizer_init(&s, &sp, 1), 0);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_eq(pg_size_next(&s), 128);
	pg_sizer_free(&s);

	sp = (struct pg_size_spec){ .mode = PG_SIZE_RANDOM, .min = 60, .max = 80 };
	ck_assert_int_eq(pg_sizer_init(&s, &sp, 7), 0);
	for (int i = 0; i < 210000; i++) {
		uint32_t v = pg_size_next(&s);

		ck_assert(v >= 60 && v <= 80);
		hist[v - 60]++;
	}
	for (int i = 0; i < 21; i++)
		ck_assert(fabs((double)hist[i] - 10000.0) < 600.0);
	ck_assert_uint_eq(pg_size_spec_max(&sp), 80);
	ck_assert(fabs(pg_size_spec_mean(&sp) - 70.0) < 1e-9);
	pg_sizer_free(&s);
}
END_TEST

START_TEST(size_imix_exact_proportions)
{
	struct pg_size_spec sp;
	struct pg_sizer s;
	char err[256];
	unsigned c60 = 0, c590 = 0, c1514 = 0;
	uint32_t prev = 0;

	ck_assert_int_eq(pg_parse_size("imix", &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(sp.mode, PG_SIZE_IMIX);
	ck_assert_int_eq(pg_sizer_init(&s, &sp, 1), 0);
	ck_assert_uint_eq(s.table_len, 12);
	for (int i = 0; i < 12 * 100; i++) {
		uint32_t v = pg_size_next(&s);

		c60 += v == 60;
		c590 += v == 590;
		c1514 += v == 1514;
		ck_assert(!(v == 1514 && prev == 1514));
		ck_assert(!(v == 590 && prev == 590));	/* weight 4 of 12: spread out */
		prev = v;
	}
	ck_assert_uint_eq(c60, 700);
	ck_assert_uint_eq(c590, 400);
	ck_assert_uint_eq(c1514, 100);
	ck_assert_uint_eq(pg_size_spec_max(&sp), 1514);
	ck_assert_uint_eq(pg_size_spec_min(&sp), 60);
	ck_assert(fabs(pg_size_spec_mean(&sp) - (60.0 * 7 + 590 * 4 + 1514) / 12) < 1e-9);
	pg_sizer_free(&s);

	ck_assert_int_eq(pg_parse_imix("100:1,200:3", &sp, err, sizeof(err)), 0);
	ck_assert_int_eq(pg_sizer_init(&s, &sp, 1), 0);
	c60 = 0;
	for (int i = 0; i < 400; i++)
		c60 += pg_size_next(&s) == 200;
	ck_assert_uint_eq(c60, 300);
	pg_sizer_free(&s);
}
END_TEST

/* ---- sequence accounting --------------------------------------------------------- */

START_TEST(seq_in_order_and_gaps)
{
	static struct pg_seq s;

	pg_seq_init(&s, true, 0);
	for (uint64_t i = 0; i < 1000; i++)
		ck_assert_int_eq(pg_seq_update(&s, i), PG_SEQ_NEW);
	ck_assert_uint_eq(s.received, 1000);
	ck_assert_uint_eq(pg_seq_gaps(&s), 0);
	/* 1000..1004 lost */
	ck_assert_int_eq(pg_seq_update(&s, 1005), PG_SEQ_NEW);
	ck_assert_uint_eq(pg_seq_gaps(&s), 5);
	/* 1002 arrives late: gap closes by one, counted as reordered */
	ck_assert_int_eq(pg_seq_update(&s, 1002), PG_SEQ_LATE);
	ck_assert_uint_eq(pg_seq_gaps(&s), 4);
	ck_assert_uint_eq(s.late, 1);
	/* the same late frame again, and the newest again: duplicates */
	ck_assert_int_eq(pg_seq_update(&s, 1002), PG_SEQ_DUP);
	ck_assert_int_eq(pg_seq_update(&s, 1005), PG_SEQ_DUP);
	ck_assert_int_eq(pg_seq_update(&s, 10), PG_SEQ_DUP);
	ck_assert_uint_eq(s.dups, 3);
	ck_assert_uint_eq(s.received, 1002);
	/* anchored at 0: frames lost before the first arrival count */
	pg_seq_init(&s, true, 0);
	pg_seq_update(&s, 3);
	ck_assert_uint_eq(pg_seq_gaps(&s), 3);
}
END_TEST

START_TEST(seq_swap_and_window)
{
	static struct pg_seq s;

	pg_seq_init(&s, true, 0);
	/* 0 1 3 2 4: one reorder, no loss */
	ck_assert_int_eq(pg_seq_update(&s, 0), PG_SEQ_NEW);
	ck_assert_int_eq(pg_seq_update(&s, 1), PG_SEQ_NEW);
	ck_assert_int_eq(pg_seq_update(&s, 3), PG_SEQ_NEW);
	ck_assert_int_eq(pg_seq_update(&s, 2), PG_SEQ_LATE);
	ck_assert_int_eq(pg_seq_update(&s, 4), PG_SEQ_NEW);
	ck_assert_uint_eq(pg_seq_gaps(&s), 0);
	ck_assert_uint_eq(s.late, 1);
	ck_assert_uint_eq(s.dups, 0);
	/* A jump far beyond the window clears it: old positions must not
	 * look like duplicates. */
	ck_assert_int_eq(pg_seq_update(&s, 5 + 3 * PG_SEQ_WINDOW), PG_SEQ_NEW);
	ck_assert_int_eq(pg_seq_update(&s, 5 + 3 * PG_SEQ_WINDOW - 1), PG_SEQ_LATE);
	/* A late frame exactly at the window's edge is still tracked... */
	ck_assert_int_eq(pg_seq_update(&s, 6 + 2 * PG_SEQ_WINDOW), PG_SEQ_LATE);
	ck_assert_int_eq(pg_seq_update(&s, 6 + 2 * PG_SEQ_WINDOW), PG_SEQ_DUP);
	/* ...one further is too old to tell. */
	ck_assert_int_eq(pg_seq_update(&s, 5 + 2 * PG_SEQ_WINDOW), PG_SEQ_LATE);
	ck_assert_uint_eq(s.too_old, 1);
	/* A gap of a bit more than a word clears exactly its positions. */
	pg_seq_init(&s, true, 0);
	for (uint64_t i = 0; i < PG_SEQ_WINDOW; i++)
		pg_seq_update(&s, i);
	ck_assert_int_eq(pg_seq_update(&s, PG_SEQ_WINDOW + 100), PG_SEQ_NEW);
	for (uint64_t i = PG_SEQ_WINDOW; i < PG_SEQ_WINDOW + 100; i++)
		ck_assert_int_eq(pg_seq_update(&s, i), PG_SEQ_LATE);
	ck_assert_int_eq(pg_seq_update(&s, 101), PG_SEQ_DUP);	/* still in the window */
	ck_assert_uint_eq(pg_seq_gaps(&s), 0);
}
END_TEST

START_TEST(seq_extend_32bit_wrap)
{
	static struct pg_seq s;
	uint64_t base = UINT64_C(0xfffffff0);

	pg_seq_init(&s, true, 0);
	for (uint64_t i = 0; i < 40; i++) {
		uint64_t full = pg_seq_extend(&s, (uint32_t)(base + i));

		if (i == 0) {
			ck_assert_uint_eq(full, base);
			/* jump to near the wrap (a gap, like a long outage) */
		}
		ck_assert_uint_eq(full, base + i);
		pg_seq_update(&s, full);
	}
	ck_assert_uint_eq(s.next, base + 40);
	/* a late frame from before the wrap */
	ck_assert_uint_eq(pg_seq_extend(&s, 0xfffffff5), UINT64_C(0xfffffff5));
	/* unanchored: the first frame sets the base, no loss before it */
	pg_seq_init(&s, false, 0);
	pg_seq_update(&s, 5000);
	pg_seq_update(&s, 5002);
	ck_assert_uint_eq(s.base, 5000);
	ck_assert_uint_eq(pg_seq_gaps(&s), 1);
	pg_seq_update(&s, 4999);	/* earlier than the first: base moves */
	ck_assert_uint_eq(s.base, 4999);
	ck_assert_uint_eq(pg_seq_gaps(&s), 1);
}
END_TEST

static double rel_err(double got, double want)
{
	return fabs(got - want) / want;
}

/* ---- latency ----------------------------------------------------------------------- */

START_TEST(lat_buckets_cover_values)
{
	/* every value lands in a bucket whose bounds hold it; bounds are
	 * contiguous and a bucket is at most 1/64 of its value wide */
	for (unsigned i = 0; i + 1 < PG_LAT_BUCKETS; i++) {
		ck_assert_uint_eq(pg_lat_bucket_hi(i) + 1, pg_lat_bucket_lo(i + 1));
		if (i >= PG_LAT_LINEAR)
			ck_assert(pg_lat_bucket_hi(i) - pg_lat_bucket_lo(i) + 1 <= pg_lat_bucket_lo(i) / 64);
	}
	for (uint64_t v = 0; v < 100000; v++) {
		unsigned b = pg_lat_bucket(v);

		ck_assert(pg_lat_bucket_lo(b) <= v && v <= pg_lat_bucket_hi(b));
	}
	for (unsigned e = 7; e < 63; e++) {
		uint64_t v = UINT64_C(1) << e;
		uint64_t probes[] = { v, v + 1, v + v / 3, 2 * v - 1 };

		for (int k = 0; k < 4; k++) {
			unsigned b = pg_lat_bucket(probes[k]);

			ck_assert_uint_lt(b, PG_LAT_BUCKETS);
			ck_assert(pg_lat_bucket_lo(b) <= probes[k] && probes[k] <= pg_lat_bucket_hi(b));
		}
	}
	ck_assert_uint_eq(pg_lat_bucket(UINT64_MAX), PG_LAT_BUCKETS - 1);
}
END_TEST


START_TEST(lat_percentiles)
{
	static struct pg_lat h, h2, m;

	/* 1..100000 ns, each once */
	pg_lat_init(&h);
	for (uint64_t v = 1; v <= 100000; v++)
		pg_lat_record(&h, v);
	ck_assert_uint_eq(h.count, 100000);
	ck_assert_uint_eq(h.min, 1);
	ck_assert_uint_eq(h.max, 100000);
	ck_assert(fabs(pg_lat_mean(&h) - 50000.5) < 1e-6);
	ck_assert(rel_err((double)pg_lat_percentile(&h, 0.5), 50000) < 0.01);
	ck_assert(rel_err((double)pg_lat_percentile(&h, 0.99), 99000) < 0.01);
	ck_assert(rel_err((double)pg_lat_percentile(&h, 0.999), 99900) < 0.01);
	ck_assert_uint_eq(pg_lat_percentile(&h, 1.0), 100000);	/* clamped to max */
	/* small values are exact */
	pg_lat_init(&h2);
	for (int i = 0; i < 90; i++)
		pg_lat_record(&h2, 50);
	for (int i = 0; i < 10; i++)
		pg_lat_record(&h2, 120);
	ck_assert_uint_eq(pg_lat_percentile(&h2, 0.5), 50);
	ck_assert_uint_eq(pg_lat_percentile(&h2, 0.9), 50);
	ck_assert_uint_eq(pg_lat_percentile(&h2, 0.91), 120);
	/* jitter: alternating 1000/3000 differs by 2000 every step */
	pg_lat_init(&h2);
	for (int i = 0; i < 100; i++)
		pg_lat_record(&h2, i & 1 ? 3000 : 1000);
	ck_assert(fabs(pg_lat_jitter(&h2) - 2000.0) < 1e-9);
	ck_assert_uint_eq(h2.jitter_n, 99);
	/* merge: counts and extremes add up */
	pg_lat_init(&m);
	pg_lat_merge(&m, &h);
	pg_lat_merge(&m, &h2);
	ck_assert_uint_eq(m.count, 100100);
	ck_assert_uint_eq(m.min, 1);
	ck_assert_uint_eq(m.max, 100000);
	ck_assert_uint_eq(m.jitter_n, 99999 + 99);
	/* empty */
	pg_lat_init(&h2);
	ck_assert_uint_eq(pg_lat_percentile(&h2, 0.99), 0);
	/* one huge outlier goes to the last bucket; p100 is the exact max */
	pg_lat_record(&h2, 10);
	pg_lat_record(&h2, UINT64_C(1) << 50);
	ck_assert_uint_eq(pg_lat_percentile(&h2, 1.0), UINT64_C(1) << 50);
}
END_TEST

/* ---- rate scheduler --------------------------------------------------------------- */

/* Drives the scheduler as the TX loop does with a fake clock that advances
 * step ticks per poll; returns frames emitted in each window of win ticks
 * into counts[] (nwin windows). */
static uint64_t drive(struct pg_rate *r, uint64_t t0, uint64_t step, uint64_t total,
		      uint32_t len, unsigned burst, uint64_t win, uint64_t *counts, unsigned nwin)
{
	uint64_t sent = 0;

	for (uint64_t now = t0; now < t0 + total; now += step) {
		unsigned n = 0;

		pg_rate_poll(r, now);
		while (n < burst && pg_rate_due(r, now)) {
			pg_rate_charge(r, len);
			n++;
		}
		sent += n;
		if (counts && (now - t0) / win < nwin)
			counts[(now - t0) / win] += n;
	}
	return sent;
}

START_TEST(rate_pps_exact_per_interval)
{
	struct pg_rate_spec sp = { PG_RATE_PPS, 1e6 };
	struct pg_rate r;
	uint64_t counts[100] = { 0 }, hz = 1000000000;	/* 1 GHz fake clock */

	/* 1 Mpps polled every 1 us for 100 ms: 1000 per 1 ms window */
	pg_rate_init(&r, &sp, hz, 0, 0);
	ck_assert_uint_eq(drive(&r, 0, 1000, 100000000, 60, 32, 1000000, counts, 100), 100000);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(counts[i], 1000);
	/* Slow polls (every 50 us) make bursts of 50, the same 1000 per ms;
	 * the last poll is at 99.95 ms, by when 99951 frames were due (one
	 * at time 0). */
	pg_rate_init(&r, &sp, hz, 5, 0);
	memset(counts, 0, sizeof(counts));
	ck_assert_uint_eq(drive(&r, 5, 50000, 100000000, 60, 64, 1000000, counts, 100), 99951);
	ck_assert_uint_eq(counts[0], 951);
	for (int i = 1; i < 100; i++)
		ck_assert_uint_eq(counts[i], 1000);
	/* 20 kpps on a 2.6 GHz clock polled irregularly: within one frame */
	sp.value = 20000;
	pg_rate_init(&r, &sp, 2600000000u, 0, 0);
	ck_assert(llabs((long long)drive(&r, 0, 1777, 2600000000u, 60, 32, 1, NULL, 0) - 20000) <= 1);
}
END_TEST

START_TEST(rate_bits_l1_l2)
{
	struct pg_rate_spec sp = { PG_RATE_BPS_L2, 1e9 };
	struct pg_rate r;
	uint64_t hz = 3000000000u, sent;

	/* 1 Gbit/s L2 with 60-byte frames: 64 bytes with FCS = 512 bits,
	 * 1953125 frames per second */
	pg_rate_init(&r, &sp, hz, 0, 0);
	sent = drive(&r, 0, 3000, hz, 60, 64, 1, NULL, 0);
	ck_assert(rel_err((double)sent, 1953125) < 1e-5);
	/* 10 Gbit/s on the wire: 84 bytes per minimum frame, 14.88 Mpps */
	sp = (struct pg_rate_spec){ PG_RATE_BPS_L1, 10e9 };
	pg_rate_init(&r, &sp, hz, 0, 0);
	sent = drive(&r, 0, 3000, hz / 10, 60, 256, 1, NULL, 0);
	ck_assert(rel_err((double)sent, 1488095) < 1e-5);
	/* 1518-byte frames at 1 Gbit/s L1: 1538 bytes on the wire */
	sp = (struct pg_rate_spec){ PG_RATE_BPS_L1, 1e9 };
	pg_rate_init(&r, &sp, hz, 0, 0);
	sent = drive(&r, 0, 3000, hz, 1514, 64, 1, NULL, 0);
	ck_assert(rel_err((double)sent, 81274) < 1e-4);
}
END_TEST

START_TEST(rate_stall_catch_up_bounded)
{
	struct pg_rate_spec sp = { PG_RATE_PPS, 1e6 };
	struct pg_rate r;
	uint64_t hz = 1000000000, sent;

	/* max lag 10 ms: after a 1 s stall at most 10 ms of frames follow
	 * at once, then the rate resumes */
	pg_rate_init(&r, &sp, hz, 0, hz / 100);
	sent = drive(&r, 0, 1000, hz / 10, 60, 1000000, 1, NULL, 0);
	ck_assert_uint_eq(sent, 100000);
	sent = drive(&r, hz + hz / 10, 1000, 1000, 60, 1000000, 1, NULL, 0);
	ck_assert(sent >= 10000 && sent <= 10001);
	/* a short stall (under max lag) is caught up in full */
	pg_rate_init(&r, &sp, hz, 0, hz / 100);
	sent = drive(&r, 0, 1000, hz / 10, 60, 1000000, 1, NULL, 0);
	sent += drive(&r, hz / 10 + hz / 200, 1000, hz / 10, 60, 1000000, 1, NULL, 0);
	ck_assert(llabs((long long)sent - 205000) <= 2);
}
END_TEST

START_TEST(rate_long_run_rebase)
{
	struct pg_rate_spec sp = { PG_RATE_PPS, 1000 };
	struct pg_rate r;
	uint64_t hz = 1000000000, t0 = UINT64_C(1) << 45, sent;

	/* 2^41 ticks (~37 min at 1 GHz) stepping 1 ms: the deadline rebases
	 * on the way and the count stays exact. */
	pg_rate_init(&r, &sp, hz, t0, 0);
	sent = drive(&r, t0, 1000000, UINT64_C(1) << 41, 60, 32, 1, NULL, 0);
	ck_assert(llabs((long long)sent - (long long)((UINT64_C(1) << 41) / 1000000)) <= 1);
	ck_assert(r.base > t0);
}
END_TEST

/* ---- option values ----------------------------------------------------------------- */

START_TEST(parse_values)
{
	struct pg_rate_spec r;
	struct pg_size_spec sz;
	struct pg_range rg;
	struct pg_faults f;
	uint32_t mask;
	bool all;
	char err[256];

	ck_assert_int_eq(pg_parse_rate("20kpps", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.kind, PG_RATE_PPS);
	ck_assert(fabs(r.value - 20000) < 1e-9);
	ck_assert_int_eq(pg_parse_rate("1.5Mpps", &r, err, sizeof(err)), 0);
	ck_assert(fabs(r.value - 1.5e6) < 1e-6);
	ck_assert_int_eq(pg_parse_rate("100Mbps", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.kind, PG_RATE_BPS_L2);
	ck_assert_int_eq(pg_parse_rate("1Gbps/l1", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.kind, PG_RATE_BPS_L1);
	ck_assert(fabs(r.value - 1e9) < 1e-3);
	ck_assert_int_eq(pg_parse_rate("50%", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.kind, PG_RATE_PERCENT);
	ck_assert_int_eq(pg_parse_rate("max", &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.kind, PG_RATE_UNLIMITED);
	ck_assert_int_eq(pg_parse_rate("-5kpps", &r, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "negative"));
	ck_assert_int_eq(pg_parse_rate("0pps", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_rate("10", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_rate("10furlongs", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_rate("150%", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_rate("10kpps/l1", &r, err, sizeof(err)), -EINVAL);
	/* The number rule of sl_parse.h: strtod's leniencies are gone. */
	ck_assert_int_eq(pg_parse_rate(" 5kpps", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_rate("1e3pps", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_rate(".5Mpps", &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_rate("0x10pps", &r, err, sizeof(err)), -EINVAL);

	ck_assert_int_eq(pg_parse_size("64", &sz, err, sizeof(err)), 0);
	ck_assert_int_eq(sz.mode, PG_SIZE_FIXED);
	ck_assert_int_eq(pg_parse_size("60-1514/random", &sz, err, sizeof(err)), 0);
	ck_assert_int_eq(sz.mode, PG_SIZE_RANDOM);
	ck_assert_int_eq(pg_parse_size("64-128/16", &sz, err, sizeof(err)), 0);
	ck_assert_uint_eq(sz.step, 16);
	ck_assert_int_eq(pg_parse_size("59", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "below 60"));
	ck_assert_int_eq(pg_parse_size("128-64", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "reversed"));
	ck_assert_int_eq(pg_parse_size("-64", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_imix("60:0", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_size(" 64", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_size("64 ", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_size("0x40", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_imix("60: 7", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_imix("60:99999999999999999999", &sz, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_port_range(" 1000", &rg, err, sizeof(err)), -EINVAL);

	ck_assert_int_eq(pg_parse_ip_range("10.0.0.1-10.0.0.9", &rg, err, sizeof(err)), 0);
	ck_assert_uint_eq(rg.min, 0x0a000001);
	ck_assert_uint_eq(rg.max, 0x0a000009);
	ck_assert_int_eq(pg_parse_ip_range("10.1.0.0/16", &rg, err, sizeof(err)), 0);
	ck_assert_uint_eq(rg.min, 0x0a010000);
	ck_assert_uint_eq(rg.max, 0x0a01ffff);
	ck_assert_int_eq(pg_parse_ip_range("10.0.0.9-10.0.0.1", &rg, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_ip_range("10.0.0.256", &rg, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_port_range("1000-2000", &rg, err, sizeof(err)), 0);
	ck_assert_int_eq(pg_parse_port_range("2000-1000", &rg, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_port_range("70000", &rg, err, sizeof(err)), -EINVAL);

	ck_assert_int_eq(pg_parse_ports("0,2-3", &mask, &all, err, sizeof(err)), 0);
	ck_assert_uint_eq(mask, 0xd);
	ck_assert(!all);
	ck_assert_int_eq(pg_parse_ports("all", &mask, &all, err, sizeof(err)), 0);
	ck_assert(all);
	ck_assert_int_eq(pg_parse_ports("none", &mask, &all, err, sizeof(err)), 0);
	ck_assert_uint_eq(mask, 0);
	ck_assert_int_eq(pg_parse_ports("3-1", &mask, &all, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(pg_parse_ports("40", &mask, &all, err, sizeof(err)), -EINVAL);

	ck_assert_int_eq(pg_parse_faults("drop=1,2;dup=3;reorder=9", &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.nb_drop, 2);
	ck_assert_uint_eq(f.dup[0], 3);
	ck_assert_uint_eq(f.reorder[0], 9);
	ck_assert_int_eq(pg_parse_faults("lose=1", &f, err, sizeof(err)), -EINVAL);
}
END_TEST

static Suite *pktgen_suite(void)
{
	Suite *s = suite_create("pktgen");
	TCase *tc;

	tc = tcase_create("frame");
	tcase_add_test(tc, frame_checksums_sizes);
	tcase_add_test(tc, frame_buffer_reuse);
	tcase_add_test(tc, frame_vlan);
	tcase_add_test(tc, frame_zero_udp_checksum_sent_as_ones);
	tcase_add_test(tc, sig_parse_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("flow_size");
	tcase_add_test(tc, flow_inc_wraps_independently);
	tcase_add_test(tc, flow_full_ip_range_wraps);
	tcase_add_test(tc, flow_random_in_range_and_uniform);
	tcase_add_test(tc, size_fixed_step_random);
	tcase_add_test(tc, size_imix_exact_proportions);
	suite_add_tcase(s, tc);

	tc = tcase_create("seq");
	tcase_add_test(tc, seq_in_order_and_gaps);
	tcase_add_test(tc, seq_swap_and_window);
	tcase_add_test(tc, seq_extend_32bit_wrap);
	suite_add_tcase(s, tc);

	tc = tcase_create("latency");
	tcase_add_test(tc, lat_buckets_cover_values);
	tcase_add_test(tc, lat_percentiles);
	suite_add_tcase(s, tc);

	tc = tcase_create("rate");
	tcase_add_test(tc, rate_pps_exact_per_interval);
	tcase_add_test(tc, rate_bits_l1_l2);
	tcase_add_test(tc, rate_stall_catch_up_bounded);
	tcase_add_test(tc, rate_long_run_rebase);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_test(tc, parse_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pktgen_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
