// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// srv6d: EAL init, arguments, the startup configuration applied as one
// transaction, workers launched on every non-main lcore, and the control loop
// (JSON-RPC socket + datapath housekeeping) on the main lcore until SIGTERM or
// SIGINT, after which workers drain, ports stop and the process exits 0.

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_version.h>

#include "config.h"
#include "ctl.h"
#include "dp_api.h"
#include "model.h"
#include "pdump.h"
#include "rpc_server.h"
#include "srv6_build_config.h"
#include "telemetry.h"

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: srv6d [EAL options] -- --config FILE [--socket PATH] "
		"[--socket-group GROUP] [--socket-idle-timeout SECONDS]\n"
		"  --config FILE        startup configuration (JSON, see doc/api.md)\n"
		"  --socket PATH        control socket (default %s)\n"
		"  --socket-group NAME  group allowed on the socket besides root\n"
		"  --socket-idle-timeout SECONDS\n"
		"                       close a client that is idle (not root, no events\n"
		"                       subscription) or does not read for that long\n"
		"                       (default %u, 0: never)\n"
		"  --version            print the version and exit\n",
		SRV6_DEFAULT_SOCKET, RPC_IDLE_TIMEOUT_MS / 1000u);
}

// Up to RPC_MAX_CLIENTS clients, each an fd, besides DPDK's: the usual soft
// limit of 1024 would refuse them with EMFILE first.
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= 4096)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		fprintf(stderr, "srv6d: cannot raise the open files limit: %s\n", strerror(errno));
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"socket-group", required_argument, NULL, 'g'},
		{"socket-idle-timeout", required_argument, NULL, 'i'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config_path = NULL, *socket_path = SRV6_DEFAULT_SOCKET, *group = NULL;
	static struct model model;
	struct model_err e = {0};
	struct rpc_server *srv;
	struct sigaction sa;
	unsigned long idle_s = RPC_IDLE_TIMEOUT_MS / 1000u;
	bool pdump;
	char *end;
	int rc, opt;

	argv = srv6d_eal_argv(&argc, argv);
	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "srv6d: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= rc;
	argv += rc;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 's':
			socket_path = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'i':
			errno = 0;
			idle_s = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' ||
			    idle_s > 86400) {
				fprintf(stderr,
					"srv6d: --socket-idle-timeout: seconds, 0 to 86400\n");
				rte_eal_cleanup();
				return 2;
			}
			break;
		case 'V':
			printf("srv6d %s (%s)\n", SRV6_VERSION, rte_version());
			rte_eal_cleanup();
			return 0;
		case 'h':
			usage(stdout);
			rte_eal_cleanup();
			return 0;
		default:
			usage(stderr);
			rte_eal_cleanup();
			return 2;
		}
	}
	if (config_path == NULL || optind != argc) {
		usage(stderr);
		rte_eal_cleanup();
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();

	if (model_init(&model) < 0 ||
	    dp_init(&model, &(struct dp_init_conf){.socket_path = socket_path}) < 0) {
		fprintf(stderr, "srv6d: cannot initialise the datapath (memory or lcores)\n");
		rte_eal_cleanup();
		return 1;
	}
	// One line naming the key and the reason, exit status 2 (the contract).
	rc = config_load(&model, config_path, &e);
	if (rc < 0) {
		if (e.field[0] != '\0')
			fprintf(stderr, "srv6d: %s: %s: %s\n", config_path, e.field, e.msg);
		else
			fprintf(stderr, "srv6d: %s: %s\n", config_path, e.msg);
		dp_stop();
		rte_eal_cleanup();
		return 2;
	}
	struct ctl_conf cc = {
		.model = &model,
		.config_path = config_path,
		.socket_path = socket_path,
		.socket_group = group,
		.dpdk_version = rte_version(),
		.start_time = time(NULL),
	};
	srv = ctl_server_create(&cc);
	if (srv == NULL && errno == ENOENT && group != NULL) {
		fprintf(stderr, "srv6d: --socket-group %s: no such group\n", group);
		dp_stop();
		rte_eal_cleanup();
		return 2;
	}
	if (srv == NULL) {
		fprintf(stderr, "srv6d: cannot serve the control socket %s: %s\n", socket_path,
			strerror(errno));
		dp_stop();
		rte_eal_cleanup();
		return 1;
	}
	rc = dp_start();
	if (rc < 0) {
		fprintf(stderr, "srv6d: cannot start the ports or workers: %s\n", strerror(-rc));
		rpc_server_destroy(srv);
		dp_stop();
		rte_eal_cleanup();
		return 1;
	}
	rpc_server_set_idle_timeout(srv, (unsigned int)idle_s * 1000u);
	rc = srv6d_telemetry_init(srv);
	if (rc < 0)
		fprintf(stderr, "srv6d: DPDK telemetry commands not registered: %s\n",
			strerror(-rc));
	// dpdk-dumpcap attaches to running ports: after dp_start().
	pdump = srv6d_pdump_init();
	printf("srv6d %s: %u worker lcores, control socket %s\n", SRV6_VERSION,
	       rte_lcore_count() - 1, socket_path);
	fflush(stdout);

	while (!stop_requested) {
		rpc_server_poll(srv, 1);
		dp_ctl_poll(now_ms());
	}

	srv6d_telemetry_stop();
	dp_stop();
	// After dp_stop(): a capture's callbacks count in rte_pdump's statistics
	// memzone until the workers have stopped.
	if (pdump)
		srv6d_pdump_fini();
	rpc_server_destroy(srv);
	rte_eal_cleanup();
	return 0;
}
