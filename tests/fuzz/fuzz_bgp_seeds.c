// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Seed inputs of fuzz_bgp, written into the folder given as argument: the
// paths a GoBGP peer passes on for SRv6 L3VPN routes (VPNv4 and VPNv6, the
// three RD and RT shapes, the End.DT4/DT6/DT46/DX4/DX6 behaviours, SID
// structures with and without transposition, withdraws, local paths, SIDs
// that are ours or unreachable), framed as fuzz_bgp reads them: byte 0 the
// message kind, then a WatchEventResponse, a ListPathResponse or a Path.
// The Path messages are built by lib/gobgp's own encoder (what srv6-bgp
// sends gobgpd, which hands the same attributes back on its watch stream)
// with the neighbour and withdraw flag set as gobgpd does.

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp_vpn.h"
#include "gobgp.pb-c.h"
#include "gobgp_codec.h"

static const char *outdir;
static unsigned int n_written;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_bgp_seeds: %s\n", what);
	exit(1);
}

static void
write_seed(uint8_t kind, const uint8_t *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%03u", outdir, n_written++);
	f = fopen(path, "wb");
	if (f == NULL || fputc(kind, f) == EOF || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

struct spec {
	uint8_t family;
	const char *prefix;
	const char *rd;
	const char *rts[3];
	const char *sid;
	uint16_t behavior;
	bool structure, transpose;
	const char *peer; // NULL: a local path
	bool withdraw;
};

static const struct spec specs[] = {
	{AF_INET,
	 "172.16.20.0/24",
	 "65000:1",
	 {"65000:1"},
	 "2001:db8:b:1::",
	 BGP_BEH_END_DT4,
	 true,
	 true,
	 "2001:db8:0:12::2",
	 false},
	{AF_INET6,
	 "2001:db8:20::/48",
	 "10.0.0.1:5",
	 {"10.0.0.1:5", "65000:2"},
	 "2001:db8:b:2::",
	 BGP_BEH_END_DT6,
	 true,
	 false,
	 "2001:db8:0:12::2",
	 false},
	{AF_INET,
	 "192.168.0.0/16",
	 "4200000000:7",
	 {"4200000000:7"},
	 "2001:db8:b:3::",
	 BGP_BEH_END_DT46,
	 false,
	 false,
	 "10.255.0.2",
	 false},
	{AF_INET,
	 "10.0.0.0/8",
	 "65000:1",
	 {"65000:1"},
	 "2001:db8:b:4::",
	 BGP_BEH_END_DX4,
	 true,
	 true,
	 "2001:db8:0:12::3",
	 false},
	{AF_INET6,
	 "2001:db8:30::/64",
	 "65000:2",
	 {"65000:2"},
	 "2001:db8:b:5::",
	 BGP_BEH_END_DX6,
	 true,
	 true,
	 "2001:db8:0:12::3",
	 false},
	{AF_INET,
	 "172.16.21.0/24",
	 "65000:1",
	 {"65000:1"},
	 "2001:db8:a:1::",
	 BGP_BEH_END_DT4,
	 true,
	 true,
	 "2001:db8:0:12::2",
	 false}, // our own locator
	{AF_INET,
	 "172.16.22.0/24",
	 "65000:1",
	 {"65000:1"},
	 "2001:db8:dead:1::",
	 BGP_BEH_END_DT4,
	 true,
	 true,
	 "2001:db8:0:12::2",
	 false}, // unreachable SID
	{AF_INET,
	 "172.16.23.0/24",
	 "65000:9",
	 {"65000:9"},
	 "2001:db8:b:6::",
	 BGP_BEH_END_DT4,
	 true,
	 true,
	 "2001:db8:0:12::2",
	 false}, // no VRF imports it
	{AF_INET6,
	 "2001:db8:20::/48",
	 "65000:1",
	 {"65000:1"},
	 "2001:db8:b:1::",
	 BGP_BEH_END_DT4,
	 true,
	 true,
	 "2001:db8:0:12::2",
	 false}, // behaviour of the other family
	{AF_INET,
	 "172.16.20.0/24",
	 "65000:1",
	 {"65000:1"},
	 "2001:db8:b:1::",
	 BGP_BEH_END_DT4,
	 true,
	 true,
	 "2001:db8:0:12::2",
	 true}, // withdraw
	{AF_INET,
	 "172.16.24.0/24",
	 "65000:1",
	 {"65000:1"},
	 "2001:db8:aa:1::",
	 BGP_BEH_END_DT4,
	 true,
	 false,
	 NULL,
	 false}, // local
};

static void
path_of(const struct spec *s, struct bgp_vpn_path *p)
{
	uint8_t sid[16];
	const char *why;

	memset(p, 0, sizeof(*p));
	p->family = s->family;
	if (prefix_parse(s->prefix, true, &p->prefix) < 0 ||
	    bgp_rdrt_parse(s->rd, &p->rd, &why) < 0)
		die(s->prefix);
	for (int i = 0; i < 3 && s->rts[i] != NULL; i++)
		if (bgp_rdrt_parse(s->rts[i], &p->rts[p->n_rts++], &why) < 0)
			die(s->rts[i]);
	if (addr_parse("2001:db8:0:12::2", &p->nexthop) < 0 ||
	    inet_pton(AF_INET6, s->sid, sid) != 1)
		die(s->sid);
	p->has_sid = true;
	p->behavior = s->behavior;
	p->has_structure = s->structure;
	p->st = (struct bgp_sid_structure){.block_len = 32, .node_len = 16, .func_len = 16};
	if (s->transpose) {
		p->st.tpos_len = 16;
		p->st.tpos_off = 48;
	}
	if (bgp_sid_transpose(sid, &p->st, s->transpose, p->sid, &p->label, &why) < 0)
		die(why);
	p->has_label = true;
}

// The Path of spec s, as gobgpd passes it on (unpacked from our encoder's
// AddPathRequest, with its neighbour and withdraw flag).
static Apipb__AddPathRequest *
request_of(const struct spec *s)
{
	struct bgp_vpn_path p;
	Apipb__AddPathRequest *req;
	uint8_t *buf;
	size_t len;

	path_of(s, &p);
	if (gobgp_encode_add_path(&p, &buf, &len) < 0)
		die("encode");
	req = apipb__add_path_request__unpack(NULL, len, buf);
	free(buf);
	if (req == NULL || req->path == NULL)
		die("unpack");
	req->path->neighbor_ip = (char *)(s->peer ? s->peer : "<nil>");
	req->path->is_withdraw = s->withdraw;
	return req;
}

static void
emit(uint8_t kind, const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(n ? n : 1);

	if (buf == NULL)
		die("out of memory");
	protobuf_c_message_pack(m, buf);
	write_seed(kind, buf, n);
	free(buf);
}

int
main(int argc, char **argv)
{
	const size_t n = sizeof(specs) / sizeof(specs[0]);
	Apipb__AddPathRequest *reqs[sizeof(specs) / sizeof(specs[0])];
	Apipb__Path *paths[sizeof(specs) / sizeof(specs[0])];

	if (argc != 2)
		die("usage: fuzz_bgp_seeds OUTDIR");
	outdir = argv[1];
	for (size_t i = 0; i < n; i++) {
		reqs[i] = request_of(&specs[i]);
		paths[i] = reqs[i]->path;
	}
	// Each path alone, and in a table event, and in a destination.
	for (size_t i = 0; i < n; i++) {
		Apipb__WatchEventResponse__TableEvent te =
			APIPB__WATCH_EVENT_RESPONSE__TABLE_EVENT__INIT;
		Apipb__WatchEventResponse w = APIPB__WATCH_EVENT_RESPONSE__INIT;

		emit(2, &paths[i]->base);
		te.n_paths = 1;
		te.paths = &paths[i];
		w.event_case = APIPB__WATCH_EVENT_RESPONSE__EVENT_TABLE;
		w.table = &te;
		emit(0, &w.base);
	}
	{
		// All of them in one table event (with held withdraws: bit 2),
		// and one destination with the two paths of 172.16.20.0/24.
		Apipb__WatchEventResponse__TableEvent te =
			APIPB__WATCH_EVENT_RESPONSE__TABLE_EVENT__INIT;
		Apipb__WatchEventResponse w = APIPB__WATCH_EVENT_RESPONSE__INIT;
		Apipb__Destination d = APIPB__DESTINATION__INIT;
		Apipb__ListPathResponse lr = APIPB__LIST_PATH_RESPONSE__INIT;
		Apipb__Path *two[2] = {paths[0], paths[9]};

		te.n_paths = n;
		te.paths = paths;
		w.event_case = APIPB__WATCH_EVENT_RESPONSE__EVENT_TABLE;
		w.table = &te;
		emit(0, &w.base);
		emit(4, &w.base);
		d.prefix = (char *)"172.16.20.0/24";
		d.n_paths = 2;
		d.paths = two;
		lr.destination = &d;
		emit(1, &lr.base);
	}
	for (size_t i = 0; i < n; i++) {
		reqs[i]->path->neighbor_ip = NULL; // not ours to free
		apipb__add_path_request__free_unpacked(reqs[i], NULL);
	}
	printf("fuzz_bgp_seeds: %u seeds in %s\n", n_written, outdir);
	return 0;
}
