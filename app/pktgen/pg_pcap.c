/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen pcap files through libpcap. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "sl_log.h"

#include "app_common.h"
#include "pg_pcap.h"

void pg_capture_free(struct pg_capture *cap)
{
	if (cap == NULL)
		return;
	free(cap->path);
	free(cap->data);
	free(cap->len);
	free(cap->ts_ns);
	free(cap->blob);
	free(cap);
}

static int grow(void **p, size_t *cap, size_t need, size_t elt)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elt);
	if (q == NULL)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

/* A capture being read: what its arrays hold room for, and where each
 * frame starts in the blob (data[] points there once the blob stops
 * moving). */
struct capture_loader {
	struct pg_capture *cap;
	size_t *offsets;
	size_t off_cap, len_cap, ts_cap, blob_cap, blob_len;
	uint64_t ts0;
};

/* The file, if libpcap reads it and it is Ethernet: NULL with err set. */
static pcap_t *open_capture(const char *path, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	const char *link;
	pcap_t *pc;

	errbuf[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (pc == NULL) {
		snprintf(err, errlen, "cannot read pcap '%s': %s", path, errbuf);
		return NULL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		link = pcap_datalink_val_to_name(pcap_datalink(pc));
		snprintf(err, errlen, "pcap '%s' has link type %s, only Ethernet (EN10MB) can be replayed",
			 path, link ? link : "unknown");
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

/* One more frame: 0, or -errno with err set. */
static int capture_add(struct capture_loader *l, const struct pcap_pkthdr *hdr,
		       const u_char *bytes, const char *path, char *err, size_t errlen)
{
	struct pg_capture *cap = l->cap;
	uint64_t ts = (uint64_t)hdr->ts.tv_sec * 1000000000u + (uint64_t)hdr->ts.tv_usec;
	uint32_t n = cap->nb;

	if (hdr->caplen == 0) {
		/* nothing to send (and a 0-byte memcpy into a still NULL
		 * blob; found by test/fuzz) */
		snprintf(err, errlen, "pcap '%s': frame %u is empty (0 bytes); remove it from the capture",
			 path, n + 1);
		return -EINVAL;
	}
	if (hdr->caplen < hdr->len) {
		snprintf(err, errlen, "pcap '%s': frame %u was cut to %u of its %u bytes by the capture's snaplen; recapture with a larger snaplen (-s 0)",
			 path, n + 1, hdr->caplen, hdr->len);
		return -EINVAL;
	}
	if (n == 0)
		l->ts0 = ts;
	if (grow((void **)&l->offsets, &l->off_cap, n + 1, sizeof(*l->offsets)) ||
	    grow((void **)&cap->len, &l->len_cap, n + 1, sizeof(*cap->len)) ||
	    grow((void **)&cap->ts_ns, &l->ts_cap, n + 1, sizeof(*cap->ts_ns)) ||
	    grow((void **)&cap->blob, &l->blob_cap, l->blob_len + hdr->caplen, 1)) {
		snprintf(err, errlen, "out of memory loading '%s' (%u frames)", path, n);
		return -ENOMEM;
	}
	memcpy(cap->blob + l->blob_len, bytes, hdr->caplen);
	l->offsets[n] = l->blob_len;
	l->blob_len += hdr->caplen;
	cap->len[n] = hdr->caplen;
	/* Out-of-order timestamps (merged captures) replay back to back. */
	cap->ts_ns[n] = ts > l->ts0 ? ts - l->ts0 : 0;
	if (n > 0 && cap->ts_ns[n] < cap->ts_ns[n - 1])
		cap->ts_ns[n] = cap->ts_ns[n - 1];
	if (hdr->caplen > cap->max_len)
		cap->max_len = hdr->caplen;
	if (hdr->caplen < cap->min_len)
		cap->min_len = hdr->caplen;
	cap->total_bytes += hdr->caplen;
	cap->nb = n + 1;
	return 0;
}

/* Every frame of pc into l: 0, or -errno with err set. */
static int capture_read_all(struct capture_loader *l, pcap_t *pc, const char *path, char *err,
			    size_t errlen)
{
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	int r, ret;

	while ((r = pcap_next_ex(pc, &hdr, &bytes)) == 1) {
		ret = capture_add(l, hdr, bytes, path, err, errlen);
		if (ret < 0)
			return ret;
	}
	if (r == -1) {
		snprintf(err, errlen, "pcap '%s': read error after %u frames: %s", path, l->cap->nb,
			 pcap_geterr(pc));
		return -EIO;
	}
	if (l->cap->nb == 0) {
		snprintf(err, errlen, "pcap '%s' holds no frames", path);
		return -EINVAL;
	}
	return 0;
}

int pg_capture_load(const char *path, struct pg_capture **out, char *err, size_t errlen)
{
	struct capture_loader l = { 0 };
	struct pg_capture *cap;
	pcap_t *pc;
	int ret;

	pc = open_capture(path, err, errlen);
	if (pc == NULL)
		return -EINVAL;
	cap = calloc(1, sizeof(*cap));
	if (cap == NULL || (cap->path = strdup(path)) == NULL) {
		free(cap);
		pcap_close(pc);
		snprintf(err, errlen, "out of memory loading '%s'", path);
		return -ENOMEM;
	}
	cap->min_len = UINT32_MAX;
	l.cap = cap;
	ret = capture_read_all(&l, pc, path, err, errlen);
	pcap_close(pc);
	if (ret == 0) {
		cap->data = malloc(cap->nb * sizeof(*cap->data));
		if (cap->data == NULL) {
			snprintf(err, errlen, "out of memory loading '%s'", path);
			ret = -ENOMEM;
		}
	}
	if (ret < 0) {
		free(l.offsets);
		pg_capture_free(cap);
		return ret;
	}
	for (uint32_t i = 0; i < cap->nb; i++)
		cap->data[i] = cap->blob + l.offsets[i];
	free(l.offsets);
	*out = cap;
	return 0;
}

int pg_rxcap_init(struct pg_rxcap *c, uint64_t max, uint32_t snaplen)
{
	memset(c, 0, sizeof(*c));
	c->max = max;
	c->snaplen = snaplen;
	c->buf = malloc(max * snaplen);
	c->rec = calloc(max, sizeof(*c->rec));
	if (c->buf == NULL || c->rec == NULL) {
		SL_LOG(ERR, PKTGEN, "--rx-pcap-count %llu: no memory for %llu MB of capture buffer; lower the count",
		       (unsigned long long)max, (unsigned long long)(max * snaplen >> 20));
		pg_rxcap_free(c);
		return -ENOMEM;
	}
	return 0;
}

void pg_rxcap_free(struct pg_rxcap *c)
{
	free(c->buf);
	free(c->rec);
	c->buf = NULL;
	c->rec = NULL;
}

int pg_rxcap_write(const struct pg_rxcap *c, const char *path, uint64_t tsc0,
		   const struct timespec *wall0, uint64_t hz)
{
	uint64_t n = pg_rxcap_count(c);
	pcap_dumper_t *d;
	pcap_t *pc;
	FILE *out;

	pc = pcap_open_dead(DLT_EN10MB, (int)c->snaplen);
	if (pc == NULL) {
		SL_LOG(ERR, PKTGEN, "--rx-pcap: libpcap could not open a writer");
		return -ENOMEM;
	}
	/* not pcap_dump_open, which would create it world-writable under
	 * umask 000; the dumper owns the stream (pcap_dump_close closes it) */
	out = app_create_file(path, "wb");
	d = out != NULL ? pcap_dump_fopen(pc, out) : NULL;
	if (d == NULL) {
		SL_LOG(ERR, PKTGEN, "--rx-pcap %s: %s; check the directory exists and is writable",
		       path, out == NULL ? strerror(errno) : pcap_geterr(pc));
		if (out != NULL)
			fclose(out);
		pcap_close(pc);
		return -EIO;
	}
	for (uint64_t i = 0; i < n; i++) {
		const struct pg_rxcap_rec *r = &c->rec[i];
		uint64_t dt = r->tsc > tsc0 ? r->tsc - tsc0 : 0;
		uint64_t ns = (uint64_t)wall0->tv_nsec + (uint64_t)((double)dt * 1e9 / (double)hz);
		struct pcap_pkthdr h;

		h.ts.tv_sec = wall0->tv_sec + (time_t)(ns / 1000000000u);
		h.ts.tv_usec = (suseconds_t)((ns % 1000000000u) / 1000u);
		h.caplen = r->caplen;
		h.len = r->len;
		pcap_dump((u_char *)d, &h, c->buf + i * c->snaplen);
	}
	if (pcap_dump_flush(d) != 0) {
		SL_LOG(ERR, PKTGEN, "--rx-pcap %s: write failed (disk full?)", path);
		pcap_dump_close(d);
		pcap_close(pc);
		return -EIO;
	}
	pcap_dump_close(d);
	pcap_close(pc);
	return 0;
}
