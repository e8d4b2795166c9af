// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Host interfaces: a port with "host_if" gets a kernel TAP interface of that
// name, with the port's MAC, MTU and addresses, so that the kernel's
// sockets (a BGP speaker, SSH, SNMP) can use the port's addresses. Workers
// punt what is addressed to us and that srv6d itself does not serve (not an
// echo, not ARP/ND) with DP_PUNT_HOST; the control thread writes it to the
// TAP. ARP and ND reach the kernel as copies (srv6d still answers and
// learns), so the kernel resolves its own neighbours. What the kernel sends
// on the TAP goes out of the port through the control TX ring. Everything
// here runs on the control thread; the only datapath state is host_on[].

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

RTE_LOG_REGISTER_SUFFIX(dp_logtype_host, host, INFO);
#define LOG(level, ...) rte_log(RTE_LOG_##level, dp_logtype_host, "host: " __VA_ARGS__)

#define HOST_MAX_FRAME 9216
#define HOST_READ_BURST 64

struct host_if {
	int fd; // -1: none
	int ifindex;
	uint8_t n_addrs; // the addresses the kernel has, as we set them
	struct ip_prefix addrs[MODEL_MAX_ADDRS];
	uint64_t to_kernel, from_kernel, errors;
};

static struct host_if hosts[RTE_MAX_ETHPORTS];
static bool hosts_ready;

static void
hosts_init(void)
{
	if (hosts_ready)
		return;
	for (unsigned int i = 0; i < RTE_MAX_ETHPORTS; i++)
		hosts[i].fd = -1;
	hosts_ready = true;
}

static int
ifreq_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (s < 0)
		return -errno;
	rc = ioctl(s, req, ifr) < 0 ? -errno : 0;
	close(s);
	return rc;
}

// The kernel must neither probe (DAD) nor configure itself (RA, SLAAC) on
// the TAP: its addresses are the port's, managed by srv6d.
static void
ipv6_sysctls(const char *ifname)
{
	static const char *const keys[] = {"accept_dad", "accept_ra", "autoconf",
					   "router_solicitations"};
	char path[128];

	for (size_t i = 0; i < RTE_DIM(keys); i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, keys[i]);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, "0", 1) != 1)
			LOG(NOTICE, "%s: cannot write %s\n", ifname, path);
		close(fd);
	}
}

static struct ifreq *
ifreq_named(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", name);
	return ifr;
}

int
dp_host_open(const struct model_port *p, const uint8_t mac[6], struct model_err *e)
{
	const char *what = "cannot open /dev/net/tun";
	struct ifreq ifr;
	struct host_if *h;
	int fd, rc;

	hosts_init();
	if (p->port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	h = &hosts[p->port_id];
	if (h->fd >= 0)
		return 0;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	what = "cannot set up the interface";
	ifreq_named(&ifr, p->host_if)->ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		goto fail;
	}
	ifreq_named(&ifr, p->host_if)->ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if ((rc = ifreq_ioctl(SIOCSIFHWADDR, &ifr)) < 0)
		goto fail;
	ifreq_named(&ifr, p->host_if)->ifr_mtu = p->mtu ? p->mtu : 1500;
	if ((rc = ifreq_ioctl(SIOCSIFMTU, &ifr)) < 0)
		goto fail;
	ipv6_sysctls(p->host_if); // before it is up: no DAD, RS or SLAAC
	if ((rc = ifreq_ioctl(SIOCGIFINDEX, ifreq_named(&ifr, p->host_if))) < 0)
		goto fail;
	h->ifindex = ifr.ifr_ifindex;
	ifreq_named(&ifr, p->host_if)->ifr_flags = IFF_UP | IFF_RUNNING;
	if ((rc = ifreq_ioctl(SIOCSIFFLAGS, &ifr)) < 0)
		goto fail;
	h->fd = fd;
	h->n_addrs = 0;
	__atomic_store_n(&dp_g.host_on[p->port_id], 1, __ATOMIC_RELEASE);
	LOG(INFO, "%s: host interface %s (ifindex %d)\n", p->name, p->host_if, h->ifindex);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (e != NULL) {
		snprintf(e->field, sizeof(e->field), "host_if");
		snprintf(e->msg, sizeof(e->msg), "%s %s: %s", what, p->host_if, strerror(-rc));
	}
	return rc;
}

// One RTM_NEWADDR / RTM_DELADDR, acknowledged. 0 or -errno.
static int
netlink_addr(int ifindex, const struct ip_prefix *a, bool add)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		char attrs[64];
	} req;
	char buf[512];
	unsigned int alen = a->addr.family == AF_INET ? 4 : 16;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int s, rc = 0;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	req.nh.nlmsg_seq = 1;
	req.ifa.ifa_family = a->addr.family;
	req.ifa.ifa_prefixlen = a->len;
	req.ifa.ifa_flags = a->addr.family == AF_INET6 ? IFA_F_NODAD : 0;
	req.ifa.ifa_index = (unsigned int)ifindex;
	size_t off = NLMSG_ALIGN(sizeof(req.nh) + sizeof(req.ifa));
	unsigned short types[2] = {IFA_LOCAL, IFA_ADDRESS};
	for (int i = 0; i < 2; i++) {
		struct rtattr *rta = (struct rtattr *)((char *)&req + off);
		rta->rta_type = types[i];
		rta->rta_len = (unsigned short)RTA_LENGTH(alen);
		memcpy(RTA_DATA(rta), a->addr.bytes, alen);
		off += RTA_ALIGN(rta->rta_len);
	}
	req.nh.nlmsg_len = (uint32_t)off;
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		return -errno;
	if (sendto(s, &req, off, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
	} else {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
		if (n < 0)
			rc = -errno;
		else if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
			 nh->nlmsg_type == NLMSG_ERROR)
			rc = ((const struct nlmsgerr *)NLMSG_DATA(nh))->error;
	}
	close(s);
	return rc;
}

static bool
has_addr(const struct ip_prefix *list, unsigned int n, const struct ip_prefix *a)
{
	for (unsigned int i = 0; i < n; i++)
		if (list[i].len == a->len && addr_equal(&list[i].addr, &a->addr))
			return true;
	return false;
}

// The kernel's addresses follow the port's (port.set changes them).
static void
sync_addrs(struct host_if *h, const struct model_port *p)
{
	for (unsigned int i = 0; i < h->n_addrs; i++) {
		if (has_addr(p->addrs, p->n_addrs, &h->addrs[i]))
			continue;
		int rc = netlink_addr(h->ifindex, &h->addrs[i], false);
		if (rc < 0 && rc != -EADDRNOTAVAIL)
			LOG(WARNING, "%s: cannot remove an address from %s: %s\n", p->name,
			    p->host_if, strerror(-rc));
	}
	for (unsigned int i = 0; i < p->n_addrs; i++) {
		if (has_addr(h->addrs, h->n_addrs, &p->addrs[i]))
			continue;
		int rc = netlink_addr(h->ifindex, &p->addrs[i], true);
		if (rc < 0)
			LOG(WARNING, "%s: cannot add an address to %s: %s\n", p->name, p->host_if,
			    strerror(-rc));
	}
	h->n_addrs = p->n_addrs;
	memcpy(h->addrs, p->addrs, p->n_addrs * sizeof(p->addrs[0]));
}

// The frame for the kernel: an Ethernet header for our MAC, then the packet
// from its L3 (or ARP) header on.
void
dp_host_deliver(uint16_t port_id, const struct rte_mbuf *m, uint16_t ether_type)
{
	static uint8_t frame[HOST_MAX_FRAME];
	struct host_if *h;
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)frame;
	uint32_t len;

	if (!hosts_ready || port_id >= RTE_MAX_ETHPORTS || (h = &hosts[port_id])->fd < 0)
		return;
	len = m->pkt_len;
	if (len > sizeof(frame) - sizeof(*eh)) {
		h->errors++;
		return;
	}
	dp_port_mac(port_id, eh->dst_addr.addr_bytes);
	// The sender's MAC is not kept past classification; the kernel reads
	// neighbours from ARP/ND payloads, not from the Ethernet source.
	memcpy(eh->src_addr.addr_bytes, eh->dst_addr.addr_bytes, RTE_ETHER_ADDR_LEN);
	eh->src_addr.addr_bytes[0] |= 0x02;
	eh->src_addr.addr_bytes[5] ^= 0x01;
	eh->ether_type = rte_cpu_to_be_16(ether_type);
	const void *data = rte_pktmbuf_read(m, 0, len, frame + sizeof(*eh));
	if (data == NULL) {
		h->errors++;
		return;
	}
	if (data != frame + sizeof(*eh))
		memcpy(frame + sizeof(*eh), data, len);
	if (write(h->fd, frame, sizeof(*eh) + len) < 0)
		h->errors++;
	else
		h->to_kernel++;
}

void
dp_host_poll(void)
{
	static uint8_t frame[HOST_MAX_FRAME];
	struct model *mo = dp_g.model;

	if (!hosts_ready)
		return;
	for (int i = 0; i < MODEL_MAX_PORTS; i++) {
		const struct model_port *p = &mo->ports[i];
		struct host_if *h;

		if (!p->used || p->port_id >= RTE_MAX_ETHPORTS || (h = &hosts[p->port_id])->fd < 0)
			continue;
		if (h->n_addrs != p->n_addrs ||
		    memcmp(h->addrs, p->addrs, p->n_addrs * sizeof(p->addrs[0])) != 0)
			sync_addrs(h, p);
		for (int n = 0; n < HOST_READ_BURST; n++) {
			ssize_t r = read(h->fd, frame, sizeof(frame));
			if (r <= 0)
				break;
			if ((size_t)r < sizeof(struct rte_ether_hdr) ||
			    (size_t)r > (size_t)p->mtu + sizeof(struct rte_ether_hdr) + 4u) {
				h->errors++;
				continue;
			}
			struct rte_mbuf *m = rte_pktmbuf_alloc(dp_g.ctl_pool);
			char *d = m != NULL ? rte_pktmbuf_append(m, (uint16_t)r) : NULL;
			if (d == NULL) {
				rte_pktmbuf_free(m);
				h->errors++;
				continue;
			}
			memcpy(d, frame, (size_t)r);
			dp_ctl_send(p->port_id, m);
			h->from_kernel++;
		}
	}
}

void
dp_host_fini(void)
{
	if (!hosts_ready)
		return;
	for (unsigned int i = 0; i < RTE_MAX_ETHPORTS; i++) {
		__atomic_store_n(&dp_g.host_on[i], 0, __ATOMIC_RELEASE);
		if (hosts[i].fd >= 0)
			close(hosts[i].fd); // the TAP goes with its last descriptor
		hosts[i].fd = -1;
	}
}

void
dp_host_counters(uint16_t port_id, uint64_t *to_kernel, uint64_t *from_kernel, uint64_t *errors)
{
	const struct host_if *h =
		hosts_ready && port_id < RTE_MAX_ETHPORTS ? &hosts[port_id] : NULL;

	*to_kernel = h != NULL ? h->to_kernel : 0;
	*from_kernel = h != NULL ? h->from_kernel : 0;
	*errors = h != NULL ? h->errors : 0;
}
