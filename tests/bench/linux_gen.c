/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The srv6d authors
 *
 * linux_gen: the generator of tests/bench/linux_fwd.sh. Sends one frame (read
 * from a file) over an AF_PACKET socket in a loop, 64 frames per sendmmsg(),
 * with the qdisc bypassed, until SECONDS have passed or COUNT frames are sent.
 *
 * Why not trafgen: its TX_RING path gives up ("Flushing TX_RING failed") on
 * the first EAGAIN, which comes as soon as the frames queued toward the router
 * (RPS backlogs) hold more than the socket's send buffer, and a child network
 * namespace cannot raise net.core.wmem_default. Here the send buffer is forced
 * large (SO_SNDBUFFORCE), a full one blocks the sender instead of ending it, a
 * frame dropped at the router's backlog (ENOBUFS) is counted and the loop goes
 * on, and each frame is a linear skb, as a NIC driver hands up.
 *
 * Usage: linux_gen IFACE FRAME_FILE SECONDS [COUNT [GAP_US]]
 *        COUNT 0 = no limit; GAP_US > 0 sends one frame at a time (checks)
 * Prints "sent N dropped D seconds S" on exit (D: the calls refused with
 * ENOBUFS; the sending veth's tx_dropped counter is the exact figure).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static unsigned char frame[2048];
	struct mmsghdr msg[BATCH];
	struct iovec iov;
	struct sockaddr_ll ll;
	unsigned long long sent = 0, dropped = 0, count;
	double t0, secs, end;
	long gap_us;
	size_t len;
	int fd, one = 1, sndbuf = 8 << 20;
	FILE *f;

	if (argc < 4) {
		fprintf(stderr, "usage: %s IFACE FRAME_FILE SECONDS [COUNT [GAP_US]]\n", argv[0]);
		return 2;
	}
	secs = atof(argv[3]);
	count = argc > 4 ? strtoull(argv[4], NULL, 10) : 0;
	gap_us = argc > 5 ? atol(argv[5]) : 0;
	f = fopen(argv[2], "rb");
	if (f == NULL) {
		perror(argv[2]);
		return 1;
	}
	len = fread(frame, 1, sizeof(frame), f);
	fclose(f);
	if (len < ETH_HLEN) {
		fprintf(stderr, "%s: no frame\n", argv[2]);
		return 1;
	}

	/* protocol 0: this socket sends only, nothing is queued to it */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("socket(AF_PACKET)");
		return 1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		perror("PACKET_QDISC_BYPASS (going on through the qdisc)");
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0)
		perror("SO_SNDBUFFORCE (going on with the default send buffer)");
	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (ll.sll_ifindex == 0) {
		perror(argv[1]);
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		perror("bind");
		return 1;
	}

	iov.iov_base = frame;
	iov.iov_len = len;
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < BATCH; i++) {
		msg[i].msg_hdr.msg_iov = &iov;
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	t0 = now();
	end = t0 + secs;
	while (!stop && (count == 0 || sent + dropped < count)) {
		unsigned int n = gap_us > 0 ? 1 : BATCH;
		int r;

		if (count && count - sent - dropped < n)
			n = (unsigned int)(count - sent - dropped);
		r = sendmmsg(fd, msg, n, 0);
		if (r > 0) {
			sent += (unsigned int)r;
		} else if (r < 0 && errno == ENOBUFS) {
			/* dropped at the peer's backlog; a drop after the first frame
			 * of a batch only shortens r: the veth's tx_dropped counts all */
			dropped++;
		} else if (r < 0 && errno != EINTR) {
			perror("sendmmsg");
			break;
		}
		if (gap_us > 0)
			usleep((useconds_t)gap_us);
		/* the clock once per batch: cheap next to 64 sends */
		if (now() >= end)
			break;
	}
	printf("sent %llu dropped %llu seconds %.3f\n", sent, dropped, now() - t0);
	close(fd);
	return 0;
}
