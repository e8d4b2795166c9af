// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

#include "sd_link.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

void
sd_link_init(struct sd_link *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->next_id = 1;
}

bool
sd_link_is_open(const struct sd_link *l)
{
	return l->fd >= 0;
}

int
sd_link_open(struct sd_link *l, const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	sd_link_close(l);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	l->fd = fd;
	l->len = 0;
	return 0;
}

void
sd_link_close(struct sd_link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->len = 0;
}

static int
wait_fd(int fd, short ev, long deadline)
{
	struct pollfd p = {.fd = fd, .events = ev};
	long left = deadline - now_ms();
	int rc;

	if (left < 0)
		left = 0;
	rc = poll(&p, 1, (int)left);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	return rc;
}

static int
send_all(struct sd_link *l, const char *p, size_t n, long deadline)
{
	while (n > 0) {
		ssize_t w = send(l->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int rc = wait_fd(l->fd, POLLOUT, deadline);
			if (rc < 0)
				return rc;
			if (rc == 0 && now_ms() >= deadline)
				return -ETIMEDOUT;
			continue;
		}
		return w < 0 ? -errno : -EPIPE;
	}
	return 0;
}

int
sd_send(struct sd_link *l, json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	int rc;

	if (s == NULL)
		return -ENOMEM;
	size_t n = strlen(s);
	rc = send_all(l, s, n, now_ms() + 5000);
	if (rc == 0)
		rc = send_all(l, "\n", 1, now_ms() + 5000);
	free(s);
	if (rc < 0)
		sd_link_close(l);
	return rc;
}

// Reads into the buffer once; 1 when bytes came, 0 when none (EAGAIN), -errno.
static int
fill(struct sd_link *l)
{
	if (l->cap - l->len < 65536) {
		size_t cap = l->cap ? l->cap * 2 : 131072;
		char *nb = realloc(l->buf, cap);
		if (nb == NULL)
			return -ENOMEM;
		l->buf = nb;
		l->cap = cap;
	}
	ssize_t r = recv(l->fd, l->buf + l->len, l->cap - l->len - 1, 0);
	if (r > 0) {
		l->len += (size_t)r;
		return 1;
	}
	if (r == 0)
		return -ECONNRESET;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -errno;
}

// The next complete line as JSON, or NULL (none yet; a line that is not JSON
// is skipped).
static json_t *
next_line(struct sd_link *l)
{
	while (true) {
		char *nl = memchr(l->buf, '\n', l->len);
		json_t *j;
		if (nl == NULL)
			return NULL;
		size_t n = (size_t)(nl - l->buf);
		j = json_loadb(l->buf, n, 0, NULL);
		memmove(l->buf, nl + 1, l->len - n - 1);
		l->len -= n + 1;
		if (j != NULL)
			return j;
	}
}

static json_t *
read_response(struct sd_link *l, long deadline)
{
	while (true) {
		json_t *j = l->buf != NULL ? next_line(l) : NULL;
		if (j != NULL) {
			// Not subscribed on this link: skip notifications anyway.
			if (json_is_object(j) && json_object_get(j, "method") != NULL) {
				json_decref(j);
				continue;
			}
			return j;
		}
		int rc = fill(l);
		if (rc < 0) {
			sd_link_close(l);
			return NULL;
		}
		if (rc == 0) {
			rc = wait_fd(l->fd, POLLIN, deadline);
			if (rc < 0 || (rc == 0 && now_ms() >= deadline)) {
				// A late answer would be read as the next one's: start over.
				sd_link_close(l);
				return NULL;
			}
		}
	}
}

json_t *
sd_call(struct sd_link *l, const char *method, json_t *params, int timeout_ms)
{
	json_t *req;

	if (l->fd < 0) {
		json_decref(params);
		return NULL;
	}
	req = json_pack("{s:s,s:I,s:s}", "jsonrpc", "2.0", "id", (json_int_t)l->next_id++, "method",
			method);
	if (params != NULL)
		json_object_set_new(req, "params", params);
	int rc = sd_send(l, req);
	json_decref(req);
	if (rc < 0)
		return NULL;
	return read_response(l, now_ms() + timeout_ms);
}

json_t *
sd_batch(struct sd_link *l, json_t *requests, int timeout_ms)
{
	size_t i;
	json_t *r;

	if (l->fd < 0)
		return NULL;
	json_array_foreach(requests, i, r) {
		json_object_set_new(r, "jsonrpc", json_string("2.0"));
		json_object_set_new(r, "id", json_integer((json_int_t)l->next_id++));
	}
	if (sd_send(l, requests) < 0)
		return NULL;
	json_t *resp = read_response(l, now_ms() + timeout_ms);
	if (resp != NULL && !json_is_array(resp)) {
		// A batch-level error (e.g. -32600): one answer for every request.
		json_t *arr = json_array();
		for (i = 0; i < json_array_size(requests); i++)
			json_array_append(arr, resp);
		json_decref(resp);
		resp = arr;
	}
	return resp;
}

int
sd_read_ready(struct sd_link *l, void (*fn)(void *ctx, json_t *msg), void *ctx)
{
	while (l->fd >= 0) {
		json_t *j = l->buf != NULL ? next_line(l) : NULL;
		if (j != NULL) {
			fn(ctx, j);
			json_decref(j);
			continue;
		}
		int rc = fill(l);
		if (rc < 0) {
			sd_link_close(l);
			return rc;
		}
		if (rc == 0)
			return 0;
	}
	return -ENOTCONN;
}

json_t *
sd_result(json_t *resp, long *code, const char **message)
{
	json_t *err;

	if (resp == NULL) {
		if (code != NULL)
			*code = 0;
		if (message != NULL)
			*message = "no answer from srv6d";
		return NULL;
	}
	err = json_object_get(resp, "error");
	if (err != NULL) {
		if (code != NULL)
			*code = (long)json_integer_value(json_object_get(err, "code"));
		if (message != NULL) {
			*message = json_string_value(json_object_get(err, "message"));
			if (*message == NULL)
				*message = "error";
		}
		return NULL;
	}
	return json_object_get(resp, "result");
}
