/* SPDX-License-Identifier: BSD-3-Clause
 * sl-pktgen pcap files through libpcap. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "sl_log.h"
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

int pg_capture_load(const char *path, struct pg_capture **out, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pg_capture *cap;
	struct pcap_pkthdr *hdr;
	const u_char *bytes;
	size_t blob_cap = 0, blob_len = 0, len_cap = 0, ts_cap = 0;
	size_t *offsets = NULL, off_cap = 0;
	uint64_t ts0 = 0;
	pcap_t *pc;
	int ret = 0, r;

	errbuf[0] = '\0';
	pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (pc == NULL) {
		snprintf(err, errlen, "cannot read pcap '%s': %s", path, errbuf);
		return -EINVAL;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		snprintf(err, errlen, "pcap '%s' has link type %s, only Ethernet (EN10MB) can be replayed",
			 path, pcap_datalink_val_to_name(pcap_datalink(pc)) ?
			 pcap_datalink_val_to_name(pcap_datalink(pc)) : "unknown");
		pcap_close(pc);
		return -EINVAL;
	}
	cap = calloc(1, sizeof(*cap));
	if (cap == NULL || (cap->path = strdup(path)) == NULL) {
		free(cap);
		pcap_close(pc);
		snprintf(err, errlen, "out of memory loading '%s'", path);
		return -ENOMEM;
	}
	cap->min_len = UINT32_MAX;
	while ((r = pcap_next_ex(pc, &hdr, &bytes)) == 1) {
		uint64_t ts = (uint64_t)hdr->ts.tv_sec * 1000000000u + (uint64_t)hdr->ts.tv_usec;
		uint32_t n = cap->nb;

		if (hdr->caplen == 0) {
			/* nothing to send (and a 0-byte memcpy into a still
			 * NULL blob; found by test/fuzz) */
			snprintf(err, errlen, "pcap '%s': frame %u is empty (0 bytes); remove it from the capture",
				 path, n + 1);
			ret = -EINVAL;
			break;
		}
		if (hdr->caplen < hdr->len) {
			snprintf(err, errlen, "pcap '%s': frame %u was cut to %u of its %u bytes by the capture's snaplen; recapture with a larger snaplen (-s 0)",
				 path, n + 1, hdr->caplen, hdr->len);
			ret = -EINVAL;
			break;
		}
		if (n == 0)
			ts0 = ts;
		if (grow((void **)&offsets, &off_cap, n + 1, sizeof(*offsets)) ||
		    grow((void **)&cap->len, &len_cap, n + 1, sizeof(*cap->len)) ||
		    grow((void **)&cap->ts_ns, &ts_cap, n + 1, sizeof(*cap->ts_ns)) ||
		    grow((void **)&cap->blob, &blob_cap, blob_len + hdr->caplen, 1)) {
			snprintf(err, errlen, "out of memory loading '%s' (%u frames)", path, n);
			ret = -ENOMEM;
			break;
		}
		memcpy(cap->blob + blob_len, bytes, hdr->caplen);
		offsets[n] = blob_len;
		blob_len += hdr->caplen;
		cap->len[n] = hdr->caplen;
		/* Out-of-order timestamps (merged captures) replay back to back. */
		cap->ts_ns[n] = ts > ts0 ? ts - ts0 : 0;
		if (n > 0 && cap->ts_ns[n] < cap->ts_ns[n - 1])
			cap->ts_ns[n] = cap->ts_ns[n - 1];
		if (hdr->caplen > cap->max_len)
			cap->max_len = hdr->caplen;
		if (hdr->caplen < cap->min_len)
			cap->min_len = hdr->caplen;
		cap->total_bytes += hdr->caplen;
		cap->nb = n + 1;
	}
	if (ret == 0 && r == -1) {
		snprintf(err, errlen, "pcap '%s': read error after %u frames: %s", path, cap->nb,
			 pcap_geterr(pc));
		ret = -EIO;
	}
	pcap_close(pc);
	if (ret == 0 && cap->nb == 0) {
		snprintf(err, errlen, "pcap '%s' holds no frames", path);
		ret = -EINVAL;
	}
	if (ret == 0) {
		cap->data = malloc(cap->nb * sizeof(*cap->data));
		if (cap->data == NULL) {
			snprintf(err, errlen, "out of memory loading '%s'", path);
			ret = -ENOMEM;
		}
	}
	if (ret < 0) {
		free(offsets);
		pg_capture_free(cap);
		return ret;
	}
	for (uint32_t i = 0; i < cap->nb; i++)
		cap->data[i] = cap->blob + offsets[i];
	free(offsets);
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
	int fd;

	pc = pcap_open_dead(DLT_EN10MB, (int)c->snaplen);
	if (pc == NULL) {
		SL_LOG(ERR, PKTGEN, "--rx-pcap: libpcap could not open a writer");
		return -ENOMEM;
	}
	/* 0644 at most: pcap_dump_open would create it world-writable under
	 * umask 000; the dumper owns the stream (pcap_dump_close closes it) */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	d = out != NULL ? pcap_dump_fopen(pc, out) : NULL;
	if (d == NULL) {
		SL_LOG(ERR, PKTGEN, "--rx-pcap %s: %s; check the directory exists and is writable",
		       path, out == NULL ? strerror(errno) : pcap_geterr(pc));
		if (out != NULL)
			fclose(out);
		else if (fd >= 0)
			close(fd);
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
