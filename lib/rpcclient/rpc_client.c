// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "rpc_client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

long
rpc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void
rpc_conn_init(struct rpc_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

bool
rpc_conn_is_open(const struct rpc_conn *c)
{
	return c->fd >= 0;
}

int
rpc_conn_open(struct rpc_conn *c, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	rpc_conn_close(c);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	c->fd = fd;
	return 0;
}

void
rpc_conn_close(struct rpc_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	rpc_conn_init(c);
}

// 1 ready, 0 deadline passed, -EINTR, -errno.
static int
wait_fd(int fd, short events, long deadline)
{
	struct pollfd p = {.fd = fd, .events = events};
	int ms = -1, rc;

	if (deadline == RPC_NOWAIT) {
		ms = 0;
	} else if (deadline != RPC_FOREVER) {
		long left = deadline - rpc_now_ms();
		if (left <= 0)
			return 0;
		ms = (int)left;
	}
	rc = poll(&p, 1, ms);
	return rc < 0 ? -errno : rc;
}

static int
send_all(struct rpc_conn *c, const char *p, size_t n, long deadline)
{
	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int rc = wait_fd(c->fd, POLLOUT, deadline);
			if (rc == 0)
				return -ETIMEDOUT;
			if (rc < 0 && rc != -EINTR)
				return rc;
			continue;
		}
		return w < 0 ? -errno : -EPIPE;
	}
	return 0;
}

int
rpc_conn_send(struct rpc_conn *c, const json_t *msg, long deadline)
{
	char *s;
	int rc;

	if (c->fd < 0)
		return -ENOTCONN;
	s = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		return -ENOMEM;
	rc = send_all(c, s, strlen(s), deadline);
	if (rc == 0)
		rc = send_all(c, "\n", 1, deadline);
	free(s);
	return rc;
}

int
rpc_conn_recv(struct rpc_conn *c, json_t **out, long deadline)
{
	*out = NULL;
	if (c->fd < 0)
		return -ENOTCONN;
	for (;;) {
		char *nl = c->len > 0 ? memchr(c->buf, '\n', c->len) : NULL;
		ssize_t n;
		int rc;

		if (nl != NULL) {
			size_t l = (size_t)(nl - c->buf);
			*out = json_loadb(c->buf, l, JSON_DECODE_ANY, NULL);
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return *out != NULL ? 0 : -EBADMSG;
		}
		if (c->cap - c->len < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 131072;
			char *p = realloc(c->buf, cap);
			if (p == NULL)
				return -ENOMEM;
			c->buf = p;
			c->cap = cap;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, MSG_DONTWAIT);
		if (n > 0) {
			c->len += (size_t)n;
			continue;
		}
		if (n == 0)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		rc = wait_fd(c->fd, POLLIN, deadline);
		if (rc == 0)
			return -ETIMEDOUT;
		if (rc < 0)
			return rc;
	}
}
