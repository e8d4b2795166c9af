// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#define _GNU_SOURCE
// srv6-bgp: connects a GoBGP speaker (gobgpd, gRPC API) to srv6d (JSON-RPC
// socket of the API contract).
//
//   import  gobgpd's best VPNv4/VPNv6 paths -> route.add/route.del, owner "bgp"
//   export  srv6d's VRF prefixes + a SID from sid.alloc -> AddPath/DeletePath
//
// One main loop (poll) owns all state; a watcher thread only reads gobgpd's
// WatchEvent stream into a queue. Restarts of either side resync without a
// forwarding gap: srv6d gets route.sync_begin, every learnt route again, then
// route.sync_end once gobgpd's table has settled; a gobgpd restart marks the
// learnt paths stale and sweeps only those not learnt again.

#include "helper.h"

static volatile sig_atomic_t stop_requested, dump_requested;

// --- main --------------------------------------------------------------------------------------

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump_requested = 1;
	else
		stop_requested = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: srv6-bgp [--socket PATH] [--gobgp HOST:PORT] [--locator NAME]\n"
		"                [--vrf-sid per-vrf|per-af] [--nexthop ADDR] [--transpose]\n"
		"                [--stats-socket PATH] [--gr-time S] [--settle MS] [--batch N]\n"
		"                [--withdraw-hold MS] [--ipsec-sa PREFIX=ID ...] [-v]\n"
		"       srv6-bgp stats [--stats-socket PATH]\n"
		"\n"
		"  --socket PATH        srv6d's control socket (default %s)\n"
		"  --gobgp HOST:PORT    gobgpd's gRPC API (default 127.0.0.1:50051)\n"
		"  --locator NAME       the locator SIDs are allocated from (default: the first)\n"
		"  --vrf-sid MODE       per-vrf: one End.DT46 per VRF (default); per-af: End.DT4\n"
		"                       and End.DT6 per VRF (for peers without End.DT46)\n"
		"  --nexthop ADDR       BGP next hop announced (default: srv6d's encap source)\n"
		"  --transpose          carry the SID's function bits in the label (RFC 9252 4)\n"
		"  --stats-socket PATH  where the counters are served (default: srv6-bgp.sock\n"
		"                       next to srv6d's socket)\n"
		"  --gr-time S          keep learnt routes this long without gobgpd (default 120)\n"
		"  --settle MS          quiet time before stale paths are swept (default 2000)\n"
		"  --batch N            routes per srv6d batch (default 256)\n"
		"  --withdraw-hold MS   delay before a withdraw is applied, so that gobgpd's\n"
		"                       withdraws on its own shutdown keep the routes (300)\n"
		"  --ipsec-sa PREFIX=ID routes learnt with a SID inside PREFIX (a remote PE's\n"
		"                       locator) go through srv6d's outbound IPsec SA ID;\n"
		"                       repeat for each peer (the longest prefix wins)\n",
		SRV6_DEFAULT_SOCKET);
}

static char *
default_stats_socket(const char *socket_path)
{
	const char *slash = strrchr(socket_path, '/');
	size_t dir = slash != NULL ? (size_t)(slash - socket_path + 1) : 0;
	char *s = malloc(dir + sizeof("srv6-bgp.sock"));

	if (s != NULL) {
		memcpy(s, socket_path, dir);
		memcpy(s + dir, "srv6-bgp.sock", sizeof("srv6-bgp.sock"));
	}
	return s;
}

static int
parse_args(int argc, char **argv, struct opts *o, bool *stats_mode)
{
	static const struct option longs[] = {
		{"socket", required_argument, NULL, 's'},
		{"gobgp", required_argument, NULL, 'g'},
		{"locator", required_argument, NULL, 'l'},
		{"vrf-sid", required_argument, NULL, 'm'},
		{"nexthop", required_argument, NULL, 'n'},
		{"stats-socket", required_argument, NULL, 'S'},
		{"transpose", no_argument, NULL, 't'},
		{"gr-time", required_argument, NULL, 'G'},
		{"settle", required_argument, NULL, 'T'},
		{"batch", required_argument, NULL, 'b'},
		{"withdraw-hold", required_argument, NULL, 'W'},
		{"ipsec-sa", required_argument, NULL, 'I'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;
	struct ip_addr a;

	*o = (struct opts){.socket = SRV6_DEFAULT_SOCKET,
			   .gobgp = "127.0.0.1:50051",
			   .gr_time_s = 120,
			   .settle_ms = 2000,
			   .batch = 256,
			   .withdraw_hold_ms = 300};
	while ((c = getopt_long(argc, argv, "vh", longs, NULL)) != -1) {
		switch (c) {
		case 's':
			o->socket = optarg;
			break;
		case 'g':
			o->gobgp = optarg;
			break;
		case 'l':
			o->locator = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "per-vrf") == 0) {
				o->per_af = false;
			} else if (strcmp(optarg, "per-af") == 0) {
				o->per_af = true;
			} else {
				fprintf(stderr,
					"srv6-bgp: --vrf-sid: per-vrf or per-af, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			if (addr_parse(optarg, &a) < 0) {
				fprintf(stderr, "srv6-bgp: --nexthop: not an address: '%s'\n",
					optarg);
				return 2;
			}
			o->nexthop = optarg;
			break;
		case 'S':
			o->stats_socket = optarg;
			break;
		case 't':
			o->transpose = true;
			break;
		case 'I': {
			char *eq = strchr(optarg, '=');
			struct bgp_ipsec_policy *pol = &o->ipsec[o->n_ipsec];
			if (eq != NULL)
				*eq = '\0';
			if (eq == NULL || prefix_parse(optarg, false, &pol->sids) < 0 ||
			    pol->sids.addr.family != AF_INET6 || eq[1] == '\0' ||
			    strlen(eq + 1) >= sizeof(pol->sa) ||
			    o->n_ipsec == BGP_MAX_IPSEC_POLICY) {
				fprintf(stderr,
					"srv6-bgp: --ipsec-sa: PREFIX=ID with an IPv6 prefix and "
					"an SA "
					"name of 1 to %zu characters, at most %u times\n",
					sizeof(pol->sa) - 1, BGP_MAX_IPSEC_POLICY);
				return 2;
			}
			snprintf(pol->sa, sizeof(pol->sa), "%s", eq + 1);
			o->n_ipsec++;
			break;
		}
		case 'G':
			o->gr_time_s = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->gr_time_s < 0 || o->gr_time_s > 86400) {
				fprintf(stderr, "srv6-bgp: --gr-time: 0 to 86400 seconds\n");
				return 2;
			}
			break;
		case 'T':
			o->settle_ms = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->settle_ms < 0 || o->settle_ms > 600000) {
				fprintf(stderr, "srv6-bgp: --settle: 0 to 600000 ms\n");
				return 2;
			}
			break;
		case 'b':
			o->batch = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->batch < 1 || o->batch > 4096) {
				fprintf(stderr, "srv6-bgp: --batch: 1 to 4096\n");
				return 2;
			}
			break;
		case 'W':
			o->withdraw_hold_ms = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->withdraw_hold_ms < 0 ||
			    o->withdraw_hold_ms > 60000) {
				fprintf(stderr, "srv6-bgp: --withdraw-hold: 0 to 60000 ms\n");
				return 2;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	*stats_mode = false;
	if (optind < argc) {
		if (strcmp(argv[optind], "stats") == 0 && optind + 1 == argc) {
			*stats_mode = true;
		} else {
			fprintf(stderr, "srv6-bgp: unexpected argument '%s'\n", argv[optind]);
			usage(stderr);
			return 2;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct helper *h = calloc(1, sizeof(*h));
	char *stats_path = NULL;
	bool stats_mode, grpc_up = false;
	int rc;

	if (h == NULL)
		return 1;
	h->stats_fd = -1;
	sd_link_init(&h->rpc);
	sd_link_init(&h->ev);
	// Every return below frees what was allocated: the sanitizer build
	// checks for leaks at exit, the one-shot `stats` client included.
	if ((rc = parse_args(argc, argv, &h->o, &stats_mode)) != 0)
		goto out;
	stats_path = h->o.stats_socket != NULL ? strdup(h->o.stats_socket)
					       : default_stats_socket(h->o.socket);
	rc = 1;
	if (stats_path == NULL)
		goto out;
	if (stats_mode) {
		rc = stats_client(stats_path);
		goto out;
	}
	log_verbose = h->o.verbose;

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	h->started = rpc_now_ms();
	h->gobgp_down_at = h->started; // the graceful-restart clock runs until gobgpd is seen
	hmap_init(&h->own, 16);
	h->im = bgp_import_new();
	h->ex = bgp_export_new();
	if (h->im == NULL || h->ex == NULL)
		goto out;
	bgp_import_set_shadow(h->im, own_route_shadows, h);
	for (unsigned int i = 0; i < h->o.n_ipsec; i++)
		bgp_import_ipsec_policy(h->im, &h->o.ipsec[i].sids, h->o.ipsec[i].sa);
	h->stats_fd = stats_listen(stats_path);
	if (h->stats_fd < 0)
		lg(LOG_WARN, "cannot serve counters on %s: %s", stats_path, strerror(errno));
	gobgp_global_init();
	grpc_up = true;
	h->gc = gobgp_client_new(h->o.gobgp);
	if (h->gc == NULL) {
		lg(LOG_ERR, "cannot create a gRPC channel to %s", h->o.gobgp);
		goto out;
	}
	h->watch = watch_start(h->gc);
	if (h->watch == NULL) {
		lg(LOG_ERR, "cannot start the gobgpd watcher");
		goto out;
	}
	lg(LOG_INFO, "srv6-bgp %s: srv6d %s, gobgpd %s, locator %s, SIDs %s%s", SRV6_VERSION,
	   h->o.socket, h->o.gobgp, h->o.locator ? h->o.locator : "(first)",
	   h->o.per_af ? "per-af" : "per-vrf", h->o.transpose ? ", transposed" : "");

	while (!stop_requested) {
		struct pollfd fds[3] = {
			{.fd = watch_fd(h->watch), .events = POLLIN},
			{.fd = sd_link_fd(&h->ev), .events = POLLIN},
			{.fd = h->stats_fd, .events = POLLIN},
		};
		int timeout = 200;

		if (h->export_due > 0) {
			long d = h->export_due - rpc_now_ms();
			timeout = d <= 0 ? 0 : (d < timeout ? (int)d : timeout);
		}
		if (h->import_due > 0) {
			long d = h->import_due - rpc_now_ms();
			timeout = d <= 0 ? 0 : (d < timeout ? (int)d : timeout);
		}
		if (poll(fds, 3, timeout) < 0 && errno != EINTR)
			break;
		if (!h->sd_up && rpc_now_ms() >= h->sd_retry_at)
			sd_connect(h);
		if (h->sd_up && fds[1].revents) {
			if (sd_read_ready(&h->ev, on_sd_event, h) < 0)
				sd_lost(h, "event stream closed");
		}
		if (fds[0].revents)
			on_watch(h);
		if (h->sd_up && h->locators_dirty) {
			h->locators_dirty = false;
			refresh_locators(h);
		}
		if (h->sd_up && h->vrfs_dirty) {
			h->vrfs_dirty = false;
			refresh_vrfs(h);
		}
		if (h->sd_up && h->encap_dirty) {
			h->encap_dirty = false;
			refresh_encap(h);
		}
		if (h->sd_up && h->underlay_dirty) {
			h->underlay_dirty = false;
			bgp_import_recheck(h->im);
		}
		check_timers(h);
		// A burst of BGP updates arrives as many small watch messages: wait
		// up to IMPORT_COALESCE_MS for a full batch, so that srv6d commits
		// (and waits for a grace period) once per batch, not per update.
		if (bgp_import_pending(h->im)) {
			long now = rpc_now_ms();
			if (h->import_due == 0)
				h->import_due = now + IMPORT_COALESCE_MS;
			if (now >= h->import_due ||
			    bgp_import_n_pending(h->im) >= (size_t)h->o.batch) {
				flush_import(h);
				h->import_due = 0;
			}
		}
		maybe_sync_end(h);
		if (h->export_dirty && h->export_due > 0 && rpc_now_ms() >= h->export_due)
			run_export(h);
		else if (h->export_dirty && h->export_due == 0)
			h->export_due = rpc_now_ms() + 100;
		if (fds[2].revents)
			stats_serve(h);
		if (dump_requested) {
			dump_requested = 0;
			json_t *j = stats_json(h);
			char *s = json_dumps(j, JSON_COMPACT);
			lg(LOG_INFO, "counters: %s", s ? s : "?");
			free(s);
			json_decref(j);
		}
	}
	lg(LOG_INFO, "stopping: learnt routes stay in srv6d, announced paths stay in gobgpd; "
		     "the next start resyncs both");
	rc = 0;
out:
	watch_stop(h->watch);
	gobgp_client_free(h->gc);
	if (grpc_up)
		gobgp_global_shutdown();
	sd_link_close(&h->rpc);
	sd_link_close(&h->ev);
	if (h->stats_fd >= 0) {
		close(h->stats_fd);
		unlink(stats_path);
	}
	bgp_import_free(h->im);
	bgp_export_free(h->ex);
	free(h->locals);
	hmap_free(&h->own);
	free(h->own_items);
	free(stats_path);
	free(h);
	return rc;
}
