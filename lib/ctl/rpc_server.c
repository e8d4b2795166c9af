// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// JSON-RPC 2.0 over a UNIX stream socket, NDJSON framed (the contract's
// "Socket protocol"). One thread, one epoll instance, level-triggered,
// non-blocking sockets everywhere: a slow or dead client costs memory up to
// RPC_OUT_MAX and is then dropped, it never makes the loop wait.
//
// Lifetime rule: a client that fails (EPIPE, queue full, refused) is closed
// at once but only freed at the end of rpc_server_poll(), because the same
// epoll batch may still hold events that point at it.
//
// Abuse (rpc_server.h has the numbers): caps per uid with a reserve for root
// decided at accept from SO_PEERCRED; a client's turn is bounded, what is
// left of its input waits (EPOLLIN off) while the others are served; a
// sweep once a second drops clients that stopped reading and closes idle
// ones; a close after an answer lingers, reading and dropping input, so the
// client sees the answer instead of EPIPE.

#define _GNU_SOURCE // accept4, struct ucred

#include "rpc_server.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "fast_scan.h"
#include "textbuf.h"

#define READ_CHUNK (64 * 1024)
#define READS_PER_EVENT 4 // then yield to the other ready fds (level-triggered)
#define ACCEPTS_PER_EVENT 64
#define MAX_EVENTS 64

// epoll's data.ptr points at one of these, first member of each owner.
enum src_kind { SRC_LISTEN, SRC_CLIENT, SRC_WATCH };

struct rpc_watch {
	enum src_kind kind;
	int fd;
	bool dead;
	rpc_fd_cb cb;
	void *arg;
	struct rpc_watch *next;
};

struct rpc_client {
	enum src_kind kind;
	struct rpc_server *srv;
	int fd;
	bool dead;	    // fd closed; on the zombie list until the end of poll
	bool closing;	    // takes no more requests; output flushed, then drained
	bool draining;	    // closing, flushed and shut down: input read and dropped
	bool eof;	    // the peer shut down its side: nothing to drain
	bool backlog;	    // complete lines wait in the input (the turn ran out)
	bool trusted;	    // root or the server's uid: no per-uid cap, no idle close
	uid_t uid;	    // SO_PEERCRED at accept
	uint32_t events;    // what epoll watches now
	uint64_t active_ms; // last complete request (the idle clock)
	uint64_t out_ms;    // last byte sent, or when output began to wait (stall clock)
	uint64_t close_ms;  // when draining began
	size_t drained;
	// input: bytes [0, in_len) not yet consumed, [0, scan) known newline-free
	char *in;
	size_t in_len, in_cap, scan;
	// output: bytes [out_off, out_len) not yet sent
	char *out;
	size_t out_off, out_len, out_cap;
	json_t *topics; // events.subscribe: array of strings, NULL when none
	struct rpc_client *prev, *next;
};

struct rpc_server {
	enum src_kind kind; // SRC_LISTEN: the listening socket's epoll source
	int lfd, epfd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t sock_dev;
	ino_t sock_ino;
	bool has_group;
	gid_t gid;
	uid_t euid;
	bool accept_paused;   // out of fds: stop watching lfd until a client goes
	unsigned int idle_ms; // 0: no idle or stall timeout
	uint64_t next_sweep_ms;
	size_t n_backlog;	   // clients with backlog set
	struct rpc_client **turns; // scratch: the clients whose turn it is
	size_t turns_cap;
	const struct rpc_method_binding *methods;
	size_t n_methods;
	const struct rpc_txn_ops *txn;
	void *ctx;
	struct rpc_client *clients, *zombies;
	size_t n_clients;
	struct rpc_watch *watches;
	// > 0 while a request line is handled: notifications wait in deferred
	// (an array of [topic, message]) so that they follow the answer.
	int busy;
	json_t *deferred;
	struct rpc_server_stats stats;
	// The fast path's per-line state, reused from line to line.
	bool no_fast;
	struct fast_slot *fast_slots;
	size_t fast_cap;
	struct fast_buf fast_recs;
};

// --- small helpers --------------------------------------------------------

// Phases are timed per line, not per request: a few clock reads per batch.
// Thread CPU time, not wall time: the phases then add up to the control
// thread's CPU time however busy the machine is.
static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

// Wall clock, for timeouts and the turn budget.
static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
mono_ms(void)
{
	return mono_ns() / 1000000u;
}

// jansson refuses strings that are not valid UTF-8; our messages can hold a
// truncated multi-byte sequence (snprintf cuts bytes, not characters).
static json_t *
json_string_safe(const char *s)
{
	json_t *j = json_string(s);
	char buf[512];
	size_t i;

	if (j != NULL)
		return j;
	for (i = 0; s[i] != '\0' && i < sizeof(buf) - 1; i++)
		buf[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

static json_t *
error_response(json_t *id, const struct api_error_info *e)
{
	json_t *err = json_object();
	json_t *resp = json_object();

	json_object_set_new(err, "code", json_integer(e->code));
	json_object_set_new(
		err, "message",
		json_string_safe(e->message[0] != '\0' ? e->message : api_error_name(e->code)));
	if (e->field[0] != '\0') {
		json_t *data = json_object();
		json_object_set_new(data, "field", json_string_safe(e->field));
		json_object_set_new(err, "data", data);
	}
	json_object_set_new(resp, "jsonrpc", json_string("2.0"));
	json_object_set(resp, "id", id != NULL ? id : json_null());
	json_object_set_new(resp, "error", err);
	return resp;
}

static json_t *
result_response(json_t *id, json_t *result)
{
	json_t *resp = json_object();

	json_object_set_new(resp, "jsonrpc", json_string("2.0"));
	json_object_set(resp, "id", id != NULL ? id : json_null());
	json_object_set(resp, "result", result != NULL ? result : json_null());
	return resp;
}

// --- client output ------------------------------------------------------------

static void client_kill(struct rpc_client *c);

static void
client_set_events(struct rpc_client *c)
{
	struct epoll_event ev = {0};
	uint32_t want = 0;

	if (c->dead)
		return;
	// Not read while complete lines wait: the input stays bounded and the
	// kernel's socket buffer pushes back on the client.
	if ((!c->closing && !c->backlog) || c->draining)
		want |= EPOLLIN;
	if (c->out_len > c->out_off)
		want |= EPOLLOUT;
	if (want == c->events)
		return;
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
		client_kill(c);
		return;
	}
	c->events = want;
}

// Send what is queued, without blocking. A closing client is closed once
// its queue is empty.
static void
client_flush(struct rpc_client *c)
{
	while (!c->dead && c->out_len > c->out_off) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			client_kill(c);
			return;
		}
		c->out_off += (size_t)n;
		c->out_ms = mono_ms();
	}
	if (c->dead)
		return;
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->closing && !c->draining) {
			// Closing with unread input makes the kernel reset the
			// connection, and a client still writing gets EPIPE before
			// it reads the answer: say we are done, drain a while.
			if (c->eof || shutdown(c->fd, SHUT_WR) < 0) {
				client_kill(c);
				return;
			}
			c->draining = true;
			c->close_ms = mono_ms();
		}
	}
	client_set_events(c);
}

// Queue data (one complete line) for c. Over RPC_OUT_MAX unsent bytes the
// client is not reading: drop it rather than grow or wait.
static void
client_queue(struct rpc_client *c, const char *data, size_t len)
{
	size_t pending;

	if (c->dead || c->draining)
		return;
	pending = c->out_len - c->out_off;
	if (pending >= RPC_OUT_MAX) {
		client_kill(c);
		return;
	}
	if (pending == 0)
		c->out_ms = mono_ms(); // the stall clock starts
	if (c->out_off > 0 && c->out_off >= pending) {
		memmove(c->out, c->out + c->out_off, pending);
		c->out_off = 0;
		c->out_len = pending;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap != 0 ? c->out_cap : 4096;
		char *p;

		while (cap < c->out_len + len)
			cap *= 2;
		p = realloc(c->out, cap);
		if (p == NULL) {
			client_kill(c);
			return;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	client_flush(c);
}

static void
client_send_json(struct rpc_client *c, json_t *msg)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	size_t len;

	if (s == NULL) {
		// Only when a result cannot be encoded (or out of memory).
		static const char fallback[] =
			"{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
			"-32603,\"message\":\"cannot encode the answer\"}}\n";
		client_queue(c, fallback, sizeof(fallback) - 1);
		return;
	}
	len = strlen(s);
	s[len] = '\n'; // replaces the NUL: json_dumps allocated len + 1 bytes
	client_queue(c, s, len + 1);
	free(s);
}

// An error with id null; data (stolen, may be NULL) becomes error.data.
static void
client_send_error_data(struct rpc_client *c, int code, const char *msg, json_t *data)
{
	struct api_error_info e;
	json_t *resp;

	api_error_set(&e, code, NULL, "%s", msg);
	resp = error_response(NULL, &e);
	if (data != NULL)
		json_object_set_new(json_object_get(resp, "error"), "data", data);
	client_send_json(c, resp);
	json_decref(resp);
}

static void
client_send_error(struct rpc_client *c, int code, const char *msg)
{
	client_send_error_data(c, code, msg, NULL);
}

// Take no more requests, say nothing more; once what is queued has been
// sent, shut down our side and drain (client_flush), then close.
static void
client_close_after_flush(struct rpc_client *c)
{
	if (c->dead)
		return;
	c->closing = true;
	if (c->backlog) { // its waiting lines will not be answered
		c->backlog = false;
		c->srv->n_backlog--;
	}
	client_flush(c);
}

// --- client lifetime ------------------------------------------------------

static void
client_kill(struct rpc_client *c)
{
	struct rpc_server *srv = c->srv;

	if (c->dead)
		return;
	c->dead = true;
	if (c->backlog) {
		c->backlog = false;
		srv->n_backlog--;
	}
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	// unlink from the live list, push on the zombie list (next only)
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = NULL;
	c->next = srv->zombies;
	srv->zombies = c;
	srv->n_clients--;
	if (srv->accept_paused) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = srv};
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->lfd, &ev) == 0)
			srv->accept_paused = false;
	}
}

static void
client_free(struct rpc_client *c)
{
	free(c->in);
	free(c->out);
	json_decref(c->topics);
	free(c);
}

static void
reap(struct rpc_server *srv)
{
	struct rpc_watch **pw = &srv->watches;

	while (srv->zombies != NULL) {
		struct rpc_client *c = srv->zombies;
		srv->zombies = c->next;
		client_free(c);
	}
	while (*pw != NULL) {
		struct rpc_watch *w = *pw;
		if (w->dead) {
			*pw = w->next;
			free(w);
		} else {
			pw = &w->next;
		}
	}
}

// --- peer credentials -------------------------------------------------------

static bool
uid_in_group(uid_t uid, gid_t primary, gid_t gid)
{
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	char buf[16384];
	gid_t groups[256];
	int ng = (int)(sizeof(groups) / sizeof(groups[0]));

	if (primary == gid)
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL)
		return false;
	if (pw.pw_gid == gid)
		return true;
	// Supplementary groups of the peer's user name. getgrouplist() returns
	// -1 when the array is too small but still fills what fits.
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ng) >= 0 ||
	    ng > (int)(sizeof(groups) / sizeof(groups[0]))) {
		int max = ng < (int)(sizeof(groups) / sizeof(groups[0]))
				  ? ng
				  : (int)(sizeof(groups) / sizeof(groups[0]));
		for (int i = 0; i < max; i++) {
			if (groups[i] == gid)
				return true;
		}
	}
	// And the group's member list, for setups where NSS gives no grouplist.
	char name[256];
	snprintf(name, sizeof(name), "%s", pw.pw_name);
	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &grp) != 0 || grp == NULL)
		return false;
	for (char **m = gr.gr_mem; m != NULL && *m != NULL; m++) {
		if (strcmp(*m, name) == 0)
			return true;
	}
	return false;
}

// The peer's supplementary groups as the kernel saw them at connect(), the
// same set that opened the socket file for it: no NSS lookup, which could
// block the loop on a directory service. 1 member, 0 not, -1 unknown.
static int
peer_groups_hold(int fd, gid_t gid)
{
	gid_t small[64], *g = small;
	socklen_t len = sizeof(small);
	int rc = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) < 0) {
		if (errno != ERANGE)
			return -1;
		g = malloc(len);
		if (g == NULL || getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) < 0) {
			free(g);
			return -1;
		}
	}
	for (size_t i = 0; i < len / sizeof(gid_t); i++) {
		if (g[i] == gid) {
			rc = 1;
			break;
		}
	}
	if (g != small)
		free(g);
	return rc;
}

static bool
peer_allowed(const struct rpc_server *srv, int fd, const struct ucred *cr)
{
	int rc;

	// The server's own uid owns the socket file already; refusing it would
	// only break running srv6d unprivileged in tests.
	if (cr->uid == 0 || cr->uid == srv->euid)
		return true;
	if (!srv->has_group)
		return false;
	if (cr->gid == srv->gid)
		return true;
	rc = peer_groups_hold(fd, srv->gid);
	if (rc >= 0)
		return rc == 1;
	return uid_in_group(cr->uid, cr->gid, srv->gid); // kernels before 4.13
}

// --- accept ------------------------------------------------------------------

// Refuse a connection before it holds a slot: one error line, then close.
// Sent at once, before any request is read, so it is in the client's receive
// queue even if its first write fails.
static void
refuse_at_accept(int fd, const char *msg, uid_t uid, unsigned int limit)
{
	char line[320];
	int len = snprintf(line, sizeof(line),
			   "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,"
			   "\"message\":\"%s\",\"data\":{\"uid\":%u,\"limit\":%u}}}\n",
			   API_ERR_INTERNAL, msg, (unsigned int)uid, limit);
	ssize_t n = send(fd, line, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)n;
	shutdown(fd, SHUT_WR);
	close(fd);
}

// Which cap (if any) a new connection from uid would cross.
static bool
over_cap(const struct rpc_server *srv, int fd, uid_t uid, bool trusted)
{
	size_t same = 0, others = 0;
	char msg[160];

	if (srv->n_clients >= RPC_MAX_CLIENTS) {
		refuse_at_accept(fd, "too many connections", uid, RPC_MAX_CLIENTS);
		return true;
	}
	if (trusted)
		return false;
	for (const struct rpc_client *c = srv->clients; c != NULL; c = c->next) {
		if (c->trusted)
			continue;
		others++;
		if (c->uid == uid)
			same++;
	}
	if (same >= RPC_MAX_PER_UID) {
		snprintf(msg, sizeof(msg), "too many connections from uid %u (at most %d per user)",
			 (unsigned int)uid, RPC_MAX_PER_UID);
		refuse_at_accept(fd, msg, uid, RPC_MAX_PER_UID);
		return true;
	}
	if (others >= RPC_MAX_CLIENTS - RPC_ROOT_RESERVE) {
		snprintf(msg, sizeof(msg),
			 "too many connections (at most %d for users other than root)",
			 RPC_MAX_CLIENTS - RPC_ROOT_RESERVE);
		refuse_at_accept(fd, msg, uid, RPC_MAX_CLIENTS - RPC_ROOT_RESERVE);
		return true;
	}
	return false;
}

static void
server_accept(struct rpc_server *srv)
{
	for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
		struct epoll_event ev = {0};
		struct rpc_client *c;
		struct ucred cr;
		socklen_t crlen = sizeof(cr);
		bool trusted;
		int fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				// Level-triggered: the pending connection would wake us
				// in a loop. Listen again when a client goes away.
				if (srv->n_clients > 0 &&
				    epoll_ctl(srv->epfd, EPOLL_CTL_DEL, srv->lfd, NULL) == 0)
					srv->accept_paused = true;
			}
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) < 0) {
			close(fd);
			continue;
		}
		trusted = cr.uid == 0 || cr.uid == srv->euid;
		if (over_cap(srv, fd, cr.uid, trusted))
			continue;
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			close(fd);
			continue;
		}
		c->kind = SRC_CLIENT;
		c->srv = srv;
		c->fd = fd;
		c->uid = cr.uid;
		c->trusted = trusted;
		c->active_ms = mono_ms();
		c->events = EPOLLIN;
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = srv->clients;
		if (srv->clients != NULL)
			srv->clients->prev = c;
		srv->clients = c;
		srv->n_clients++;

		if (!peer_allowed(srv, fd, &cr)) {
			char why[200];

			if (srv->has_group)
				snprintf(why, sizeof(why),
					 "uid %u is neither root nor in the socket group "
					 "(gid %u)",
					 (unsigned int)cr.uid, (unsigned int)srv->gid);
			else
				snprintf(why, sizeof(why),
					 "uid %u is not root and srv6d has no --socket-group",
					 (unsigned int)cr.uid);
			// The message stays "permission denied"; data says why.
			client_send_error_data(
				c, API_ERR_INVALID_REQUEST, "permission denied",
				json_pack("{s:s,s:I}", "reason", why, "uid", (json_int_t)cr.uid));
			client_close_after_flush(c);
		}
	}
}

// --- notifications ------------------------------------------------------------

static bool
client_subscribed(const struct rpc_client *c, const char *topic)
{
	const json_t *t;
	size_t i;

	if (c->topics == NULL)
		return false;
	json_array_foreach(c->topics, i, t) {
		const char *s = json_string_value(t);
		if (s != NULL && (strcmp(s, topic) == 0 || strcmp(s, "*") == 0))
			return true;
	}
	return false;
}

static void
deliver(struct rpc_server *srv, const char *topic, json_t *msg)
{
	struct rpc_client *c, *next;
	char *line = NULL;
	size_t len = 0;

	for (c = srv->clients; c != NULL; c = next) {
		next = c->next; // client_queue may kill c (only c)
		if (c->closing || !client_subscribed(c, topic))
			continue;
		if (line == NULL) {
			line = json_dumps(msg, JSON_COMPACT);
			if (line == NULL)
				return;
			len = strlen(line);
			line[len++] = '\n';
		}
		client_queue(c, line, len);
	}
	free(line);
}

static void
flush_deferred(struct rpc_server *srv)
{
	json_t *list = srv->deferred;
	json_t *item;
	size_t i;

	uint64_t t0;

	if (list == NULL)
		return;
	t0 = now_ns();
	srv->deferred = NULL;
	json_array_foreach(list, i, item) {
		deliver(srv, json_string_value(json_array_get(item, 0)), json_array_get(item, 1));
	}
	json_decref(list);
	srv->stats.notify_ns += now_ns() - t0;
}

bool
rpc_server_has_subscriber(const struct rpc_server *srv, const char *topic)
{
	if (srv == NULL || topic == NULL)
		return false;
	for (const struct rpc_client *c = srv->clients; c != NULL; c = c->next)
		if (!c->closing && client_subscribed(c, topic))
			return true;
	return false;
}

const struct rpc_server_stats *
rpc_server_stats(const struct rpc_server *srv)
{
	return &srv->stats;
}

void
rpc_server_notify(struct rpc_server *srv, const char *topic, json_t *params)
{
	json_t *p, *msg;

	if (srv == NULL || topic == NULL) {
		json_decref(params);
		return;
	}
	p = json_object();
	json_object_set_new(p, "topic", json_string_safe(topic));
	if (json_is_object(params))
		json_object_update_missing(p, params);
	else if (params != NULL)
		json_object_set(p, "data", params);
	json_decref(params);

	msg = json_object();
	json_object_set_new(msg, "jsonrpc", json_string("2.0"));
	json_object_set_new(msg, "method", json_string("event"));
	json_object_set_new(msg, "params", p);

	if (srv->busy > 0) {
		if (srv->deferred == NULL)
			srv->deferred = json_array();
		json_t *item = json_array();
		json_array_append_new(item, json_string_safe(topic));
		json_array_append_new(item, msg);
		json_array_append_new(srv->deferred, item);
		return;
	}
	deliver(srv, topic, msg);
	json_decref(msg);
}

// --- requests --------------------------------------------------------------

// One request of a line (a line is a single request or a batch).
struct slot {
	json_t *id;  // borrowed from the request; JSON null when unknown
	bool answer; // false for a notification (no "id")
	bool builtin_subscribe;
	const char *method;
	rpc_handler_fn fn;
	json_t *params; // borrowed, NULL when absent
	json_t *result; // owned
	json_t *topics; // events.subscribe: the set to install at commit
	struct api_error_info e;
};

static const struct rpc_method_binding *
binding_find(const struct rpc_server *srv, const char *name)
{
	for (size_t i = 0; i < srv->n_methods; i++) {
		if (srv->methods[i].name != NULL && strcmp(srv->methods[i].name, name) == 0)
			return &srv->methods[i];
	}
	return NULL;
}

// The handler of method, or NULL with e filled (-32601).
static rpc_handler_fn
handler_find(const struct rpc_server *srv, const char *method, struct api_error_info *e)
{
	const struct rpc_method_binding *b = binding_find(srv, method);

	if (b == NULL || b->fn == NULL) {
		api_error_set(e, API_ERR_METHOD_NOT_FOUND, NULL, "method not found: %.200s",
			      method);
		return NULL;
	}
	return b->fn;
}

// Params of a method in the api catalogue, checked against it: 0 or -1.
static int
params_check(const char *method, const json_t *params, struct api_error_info *e)
{
	const struct api_method *m = api_method_find(method);

	if (m != NULL && api_check_object(params, m->params, m->n_params, NULL, e) < 0)
		return -1;
	return 0;
}

// A handler's failure as an error: the one it filled in, else its errno,
// else "internal error" (-1 without a reason).
static void
error_from_rc(struct api_error_info *e, int rc)
{
	if (e->code != 0)
		return;
	if (rc < -1)
		api_error_set(e, api_errno_to_code(rc), NULL, "%s", strerror(-rc));
	else
		api_error_set(e, API_ERR_INTERNAL, NULL, "internal error");
}

// Check the JSON-RPC envelope, find the method, validate params against
// the catalogue. Returns 0 or -1 with s->e filled. Runs before any txn.
static int
slot_prepare(struct rpc_server *srv, json_t *req, struct slot *s)
{
	json_t *v;

	s->id = json_null();
	s->answer = true; // invalid requests are answered even without an id
	if (!json_is_object(req))
		return api_error_set(&s->e, API_ERR_INVALID_REQUEST, NULL,
				     "request must be an object");
	v = json_object_get(req, "id");
	if (v != NULL) {
		if (!json_is_string(v) && !json_is_number(v) && !json_is_null(v))
			return api_error_set(&s->e, API_ERR_INVALID_REQUEST, NULL,
					     "id must be a string, a number or null");
		s->id = v;
	}
	v = json_object_get(req, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
		return api_error_set(&s->e, API_ERR_INVALID_REQUEST, NULL,
				     "jsonrpc must be \"2.0\"");
	v = json_object_get(req, "method");
	if (!json_is_string(v))
		return api_error_set(&s->e, API_ERR_INVALID_REQUEST, NULL,
				     "method must be a string");
	s->method = json_string_value(v);
	v = json_object_get(req, "params");
	if (v != NULL && !json_is_null(v) && !json_is_object(v) && !json_is_array(v))
		return api_error_set(&s->e, API_ERR_INVALID_REQUEST, NULL,
				     "params must be an object");
	// From here on the request is well formed: a notification stays silent.
	s->answer = json_object_get(req, "id") != NULL;
	if (json_is_array(v))
		return api_error_set(&s->e, API_ERR_INVALID_PARAMS, "params",
				     "params: expected an object (named parameters)");
	s->params = json_is_object(v) ? v : NULL;

	if (strcmp(s->method, "events.subscribe") == 0)
		s->builtin_subscribe = true;
	else if ((s->fn = handler_find(srv, s->method, &s->e)) == NULL)
		return -1;
	return params_check(s->method, s->params, &s->e);
}

// events.subscribe {topics: [...]}: replaces the client's topic set; the
// set takes effect when the line commits.
static int
subscribe_prepare(struct slot *s)
{
	json_t *topics = json_object_get(s->params, "topics");
	json_t *set, *t;
	size_t i, j;

	if (api_check_array(topics, API_T_STRING, "topics", &s->e) < 0)
		return -1;
	set = json_array();
	json_array_foreach(topics, i, t) {
		bool dup = false;

		if (json_string_length(t) == 0) {
			json_decref(set);
			return api_error_set(&s->e, API_ERR_INVALID_PARAMS, "topics",
					     "topics[%zu]: empty topic", i);
		}
		for (j = 0; j < json_array_size(set) && !dup; j++)
			dup = json_equal(json_array_get(set, j), t);
		if (!dup)
			json_array_append(set, t);
	}
	s->topics = set;
	s->result = json_pack("{s:O}", "topics", set);
	return 0;
}

static void
slot_run(struct rpc_server *srv, struct rpc_client *c, void *txn, struct slot *s, int *failed)
{
	struct rpc_call call = {.srv = srv, .client = c, .txn = txn, .method = s->method};
	json_t *result = NULL;
	int rc;

	if (s->builtin_subscribe) {
		if (subscribe_prepare(s) < 0)
			*failed = 1;
		return;
	}
	rc = s->fn(&call, s->params, &result, &s->e);
	if (rc != 0) {
		json_decref(result);
		error_from_rc(&s->e, rc);
		*failed = 1;
		return;
	}
	s->result = result;
}

// A JSON value's compact text, appended; integers without a jansson dump.
static int
text_json(struct textbuf *t, const json_t *v)
{
	char num[32], *s;
	int rc;

	if (v == NULL || json_is_null(v))
		return textbuf_add(t, "null", 4);
	if (json_is_integer(v)) {
		int len =
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return textbuf_add(t, num, (size_t)len);
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		return -1;
	rc = textbuf_add(t, s, strlen(s));
	free(s);
	return rc;
}

// A batch's answer written as text, the same bytes json_dumps would give
// ({"jsonrpc":"2.0","id":..,"result":..} in that order, compact): a batch of
// route.add then costs no jansson tree per answer. -1 when something cannot
// be encoded: the caller takes the jansson path, which has the fallbacks.
static int
send_batch_text(struct rpc_client *c, const struct slot *slots, size_t n)
{
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":";
	struct textbuf t = {0};
	bool any = false;
	int rc = textbuf_add(&t, "[", 1);

	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct slot *s = &slots[i];

		if (!s->answer)
			continue;
		if (any)
			rc = textbuf_add(&t, ",", 1);
		any = true;
		if (rc == 0 && s->e.code != 0) {
			json_t *resp = error_response(s->id, &s->e);
			rc = text_json(&t, resp);
			json_decref(resp);
			continue;
		}
		if (rc == 0)
			rc = textbuf_add(&t, head, sizeof(head) - 1);
		if (rc == 0)
			rc = text_json(&t, s->id);
		if (rc == 0)
			rc = textbuf_add(&t, ",\"result\":", 10);
		if (rc == 0)
			rc = text_json(&t, s->result);
		if (rc == 0)
			rc = textbuf_add(&t, "}", 1);
	}
	if (rc == 0)
		rc = textbuf_add(&t, "]\n", 2);
	if (rc == 0 && any)
		client_queue(c, t.p, t.len);
	free(t.p);
	return rc;
}

// Apply one line: a single request (batch false) or a batch of n.
static void
run_line(struct rpc_client *c, json_t **reqs, size_t n, bool batch)
{
	struct rpc_server *srv = c->srv;
	struct api_error_info ce;
	struct slot *slots;
	size_t i, bad = n;
	void *txn = NULL;
	int failed = 0;
	json_t *out;
	uint64_t t0 = now_ns(), t1;

	srv->stats.lines++;
	srv->stats.requests += n;
	slots = calloc(n, sizeof(*slots));
	if (slots == NULL) {
		client_send_error(c, API_ERR_INTERNAL, "out of memory");
		return;
	}
	for (i = 0; i < n && bad == n; i++) {
		if (slot_prepare(srv, reqs[i], &slots[i]) < 0)
			bad = i;
	}
	// Fill in the ids and answer flags of the slots after the bad one too.
	for (; i < n; i++) {
		struct api_error_info tmp;
		memset(&tmp, 0, sizeof(tmp));
		slot_prepare(srv, reqs[i], &slots[i]);
		slots[i].e = tmp;
	}
	t1 = now_ns();
	srv->stats.prepare_ns += t1 - t0;
	t0 = t1;

	if (bad == n && srv->txn != NULL && srv->txn->begin != NULL) {
		txn = srv->txn->begin(srv->ctx);
		if (txn == NULL) {
			for (i = 0; i < n; i++)
				api_error_set(&slots[i].e, API_ERR_INTERNAL, NULL,
					      "cannot start a transaction: %s", strerror(errno));
			bad = n + 1; // every slot carries its own error
		}
	}
	if (bad == n) {
		for (i = 0; i < n && !failed; i++) {
			slot_run(srv, c, txn, &slots[i], &failed);
			if (failed)
				bad = i;
		}
		t1 = now_ns();
		srv->stats.handlers_ns += t1 - t0;
		t0 = t1;
		if (failed) {
			if (srv->txn != NULL && srv->txn->abort != NULL)
				srv->txn->abort(srv->ctx, txn);
		} else if (srv->txn != NULL && srv->txn->commit != NULL) {
			memset(&ce, 0, sizeof(ce));
			if (srv->txn->commit(srv->ctx, txn, &ce) != 0) {
				if (ce.code == 0)
					api_error_set(&ce, API_ERR_INTERNAL, NULL, "commit failed");
				for (i = 0; i < n; i++) {
					json_decref(slots[i].result);
					slots[i].result = NULL;
					slots[i].e = ce;
				}
				bad = n + 1;
			}
		}
		t1 = now_ns();
		srv->stats.commit_ns += t1 - t0;
		t0 = t1;
	}
	if (bad < n) {
		// The contract: the failing request says why, every other one gets 1006.
		for (i = 0; i < n; i++) {
			if (i == bad)
				continue;
			json_decref(slots[i].result);
			slots[i].result = NULL;
			api_error_set(&slots[i].e, API_ERR_ROLLED_BACK, NULL, "rolled back");
		}
	} else if (bad == n) {
		for (i = 0; i < n; i++) {
			if (slots[i].topics == NULL)
				continue;
			json_decref(c->topics);
			c->topics = slots[i].topics;
			slots[i].topics = NULL;
		}
	}

	if (batch && send_batch_text(c, slots, n) == 0) {
		for (i = 0; i < n; i++) {
			json_decref(slots[i].result);
			json_decref(slots[i].topics);
		}
		free(slots);
		srv->stats.respond_ns += now_ns() - t0;
		return;
	}
	out = batch ? json_array() : NULL;
	for (i = 0; i < n; i++) {
		struct slot *s = &slots[i];
		json_t *resp;

		if (s->answer) {
			resp = s->e.code != 0 ? error_response(s->id, &s->e)
					      : result_response(s->id, s->result);
			if (batch)
				json_array_append_new(out, resp);
			else
				out = resp;
		}
		json_decref(s->result);
		json_decref(s->topics);
	}
	// A batch of notifications only gets no answer at all (JSON-RPC 2.0 §6).
	if (out != NULL && (!batch || json_array_size(out) > 0))
		client_send_json(c, out);
	json_decref(out);
	free(slots);
	srv->stats.respond_ns += now_ns() - t0;
}

// --- the fast path -----------------------------------------------------------
//
// A line made only of requests whose method has a fast path (rpc_server.h),
// in the exact shape {"jsonrpc":"2.0","id":..,"method":..,"params":{..}}
// (any key order, but method before params; id optional), is read straight
// from the text and staged without a JSON tree. Whatever else happens (a
// shape or value it does not take, a request that would fail, a txn that
// cannot begin) it returns -1 before answering, with nothing staged: the
// caller then runs the line the general way, which answers as it always has.
// Only a commit failure is answered here, as run_line answers it.

enum fast_id { FAST_ID_NONE, FAST_ID_NULL, FAST_ID_INT, FAST_ID_STR };

struct fast_slot {
	const struct rpc_method_binding *b;
	size_t rec; // offset in fast_recs
	enum fast_id id_kind;
	long long id_int;
	const char *id_str; // in the line, FAST_ID_STR: plain ASCII, no escapes
	size_t id_len;
};

void
rpc_server_set_fast(struct rpc_server *srv, bool on)
{
	if (srv != NULL)
		srv->no_fast = !on;
}

enum { FK_JSONRPC = 1, FK_ID = 2, FK_METHOD = 4, FK_PARAMS = 8 };

static int
fast_request(struct rpc_server *srv, struct fast_scan *s, struct fast_slot *sl)
{
	unsigned int seen = 0, bit;
	const char *k, *v;
	size_t kn, vn;
	char name[64];

	sl->b = NULL;
	sl->id_kind = FAST_ID_NONE;
	if (!fs_char(s, '{') || fs_char(s, '}'))
		return -1;
	do {
		if (!fs_key(s, &k, &kn))
			return -1;
		if (fs_is(k, kn, "jsonrpc"))
			bit = FK_JSONRPC;
		else if (fs_is(k, kn, "id"))
			bit = FK_ID;
		else if (fs_is(k, kn, "method"))
			bit = FK_METHOD;
		else if (fs_is(k, kn, "params"))
			bit = FK_PARAMS;
		else
			return -1; // the general path ignores it; we do not guess
		if (seen & bit)
			return -1; // jansson refuses duplicates: let it say so
		seen |= bit;
		switch (bit) {
		case FK_JSONRPC:
			if (!fs_str(s, &v, &vn) || !fs_is(v, vn, "2.0"))
				return -1;
			break;
		case FK_ID:
			fs_ws(s);
			if (s->p < s->end && *s->p == '"') {
				if (!fs_str(s, &sl->id_str, &sl->id_len))
					return -1;
				sl->id_kind = FAST_ID_STR;
			} else if (s->p < s->end && *s->p == 'n') {
				if (!fs_null(s))
					return -1;
				sl->id_kind = FAST_ID_NULL;
			} else {
				if (!fs_int(s, &sl->id_int))
					return -1;
				sl->id_kind = FAST_ID_INT;
			}
			break;
		case FK_METHOD:
			if (!fs_str(s, &v, &vn) || !fs_cstr(v, vn, name, sizeof(name)) ||
			    strcmp(name, "events.subscribe") == 0)
				return -1;
			sl->b = binding_find(srv, name);
			if (sl->b == NULL || sl->b->fn == NULL || sl->b->fast_parse == NULL ||
			    sl->b->fast_run == NULL)
				return -1;
			break;
		default: // FK_PARAMS: its parser depends on the method, read before
			if (sl->b == NULL || sl->b->fast_parse(s, &srv->fast_recs, &sl->rec) < 0)
				return -1;
			break;
		}
	} while (fs_char(s, ','));
	if (!fs_char(s, '}') ||
	    (seen & (FK_JSONRPC | FK_METHOD | FK_PARAMS)) != (FK_JSONRPC | FK_METHOD | FK_PARAMS))
		return -1;
	return 0;
}

static json_t *
fast_id_json(const struct fast_slot *sl)
{
	switch (sl->id_kind) {
	case FAST_ID_INT:
		return json_integer((json_int_t)sl->id_int);
	case FAST_ID_STR:
		return json_stringn(sl->id_str, sl->id_len);
	default:
		return json_null();
	}
}

// The answers, as run_line writes them: {"jsonrpc":"2.0","id":..,"result":null}
// each, or the commit's error ce for each; in [...] for a batch.
static int
fast_answer(struct rpc_client *c, const struct fast_slot *slots, size_t n, bool batch,
	    const struct api_error_info *ce)
{
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":";
	static const char tail[] = ",\"result\":null}";
	struct textbuf t = {0};
	bool any = false;
	int rc = batch ? textbuf_add(&t, "[", 1) : 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct fast_slot *sl = &slots[i];
		char num[32];
		int len;

		if (sl->id_kind == FAST_ID_NONE)
			continue;
		if (any)
			rc = textbuf_add(&t, ",", 1);
		any = true;
		if (rc == 0 && ce != NULL) {
			json_t *id = fast_id_json(sl);
			json_t *resp = error_response(id, ce);
			rc = text_json(&t, resp);
			json_decref(resp);
			json_decref(id);
			continue;
		}
		if (rc == 0)
			rc = textbuf_add(&t, head, sizeof(head) - 1);
		if (rc != 0)
			break;
		switch (sl->id_kind) {
		case FAST_ID_INT:
			len = snprintf(num, sizeof(num), "%lld", sl->id_int);
			rc = textbuf_add(&t, num, (size_t)len);
			break;
		case FAST_ID_STR:
			rc = textbuf_add(&t, "\"", 1);
			if (rc == 0)
				rc = textbuf_add(&t, sl->id_str, sl->id_len);
			if (rc == 0)
				rc = textbuf_add(&t, "\"", 1);
			break;
		default:
			rc = textbuf_add(&t, "null", 4);
			break;
		}
		if (rc == 0)
			rc = textbuf_add(&t, tail, sizeof(tail) - 1);
	}
	if (rc == 0 && batch)
		rc = textbuf_add(&t, "]", 1);
	if (rc == 0)
		rc = textbuf_add(&t, "\n", 1);
	if (rc == 0 && any)
		client_queue(c, t.p, t.len);
	free(t.p);
	return rc;
}

// 0: the line is answered; -1: nothing was done, take the general path.
static int
fast_line(struct rpc_client *c, const char *buf, size_t len)
{
	struct rpc_server *srv = c->srv;
	struct fast_scan s = {buf, buf + len};
	struct api_error_info ce;
	void *txn = NULL;
	bool batch, failed = false;
	size_t n = 0, i;
	uint64_t t0 = now_ns(), t1;

	srv->fast_recs.len = 0;
	fs_ws(&s);
	batch = s.p < s.end && *s.p == '[';
	if (batch && (!fs_char(&s, '[') || fs_char(&s, ']')))
		goto not_fast; // an empty batch is an error to report
	do {
		if (n == srv->fast_cap) {
			size_t cap = srv->fast_cap != 0 ? srv->fast_cap * 2 : 256;
			struct fast_slot *p = realloc(srv->fast_slots, cap * sizeof(*p));
			if (p == NULL)
				goto not_fast;
			srv->fast_slots = p;
			srv->fast_cap = cap;
		}
		if (fast_request(srv, &s, &srv->fast_slots[n]) < 0)
			goto not_fast;
		n++;
	} while (batch && fs_char(&s, ','));
	if (batch && !fs_char(&s, ']'))
		goto not_fast;
	fs_ws(&s);
	if (s.p != s.end)
		goto not_fast;
	t1 = now_ns();
	srv->stats.decode_ns += t1 - t0;
	t0 = t1;

	if (srv->txn != NULL && srv->txn->begin != NULL &&
	    (txn = srv->txn->begin(srv->ctx)) == NULL)
		return -1;
	srv->busy++;
	for (i = 0; i < n; i++) {
		const struct fast_slot *sl = &srv->fast_slots[i];
		struct rpc_call call = {.srv = srv, .client = c, .txn = txn, .method = sl->b->name};

		if (sl->b->fast_run(&call, srv->fast_recs.p + sl->rec) < 0)
			break;
	}
	t1 = now_ns();
	srv->stats.handlers_ns += t1 - t0;
	t0 = t1;
	if (i < n) {
		if (srv->txn != NULL && srv->txn->abort != NULL)
			srv->txn->abort(srv->ctx, txn);
		srv->stats.commit_ns += now_ns() - t0;
		srv->busy--; // nothing was committed: no event waits
		return -1;
	}
	srv->stats.lines++;
	srv->stats.requests += n;
	srv->stats.fast_lines++;
	if (srv->txn != NULL && srv->txn->commit != NULL) {
		memset(&ce, 0, sizeof(ce));
		if (srv->txn->commit(srv->ctx, txn, &ce) != 0) {
			if (ce.code == 0)
				api_error_set(&ce, API_ERR_INTERNAL, NULL, "commit failed");
			failed = true;
		}
	}
	t1 = now_ns();
	srv->stats.commit_ns += t1 - t0;
	if (fast_answer(c, srv->fast_slots, n, batch, failed ? &ce : NULL) < 0)
		client_send_error(c, API_ERR_INTERNAL, "out of memory");
	srv->stats.respond_ns += now_ns() - t1;
	if (--srv->busy == 0)
		flush_deferred(srv);
	return 0;

not_fast:
	srv->stats.decode_ns += now_ns() - t0;
	return -1;
}

static bool
blank(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r')
			return false;
	}
	return true;
}

static void
handle_line(struct rpc_client *c, const char *buf, size_t len)
{
	struct rpc_server *srv = c->srv;
	json_error_t jerr;
	json_t *req;
	char msg[256];

	uint64_t t0;

	if (blank(buf, len))
		return;
	c->active_ms = mono_ms();
	if (!srv->no_fast && fast_line(c, buf, len) == 0)
		return;
	t0 = now_ns();
	req = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	srv->stats.decode_ns += now_ns() - t0;
	if (req == NULL) {
		char why[sizeof(jerr.text)];

		if (json_error_code(&jerr) == json_error_stack_overflow)
			snprintf(why, sizeof(why), "nesting deeper than %d levels (the limit)",
				 JSON_PARSER_MAX_DEPTH);
		else
			api_json_error_text(jerr.text, why, sizeof(why));
		snprintf(msg, sizeof(msg), "parse error at byte %d: %s", jerr.position, why);
		client_send_error(c, API_ERR_PARSE, msg);
		return;
	}
	srv->busy++;
	if (json_is_object(req)) {
		run_line(c, &req, 1, false);
	} else if (json_is_array(req)) {
		size_t n = json_array_size(req);

		if (n == 0) {
			client_send_error(c, API_ERR_INVALID_REQUEST, "empty batch");
		} else {
			json_t **reqs = malloc(n * sizeof(*reqs));
			if (reqs == NULL) {
				client_send_error(c, API_ERR_INTERNAL, "out of memory");
			} else {
				for (size_t i = 0; i < n; i++)
					reqs[i] = json_array_get(req, i);
				run_line(c, reqs, n, true);
				free(reqs);
			}
		}
	} else {
		client_send_error(c, API_ERR_INVALID_REQUEST,
				  "request must be an object or an array");
	}
	t0 = now_ns();
	json_decref(req);
	srv->stats.decode_ns += now_ns() - t0;
	if (--srv->busy == 0)
		flush_deferred(srv);
}

static void
refuse_oversize(struct rpc_client *c)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "request larger than %d bytes", RPC_LINE_MAX);
	client_send_error(c, API_ERR_INVALID_REQUEST, msg);
	c->in_len = c->scan = 0;
	client_close_after_flush(c);
}

static void
set_backlog(struct rpc_client *c, bool on)
{
	if (c->backlog == on)
		return;
	c->backlog = on;
	if (on)
		c->srv->n_backlog++;
	else
		c->srv->n_backlog--;
	client_set_events(c);
}

// Answer the complete lines in the input buffer, one turn's worth: at most
// RPC_TURN_LINES lines or RPC_TURN_NS of wall time (at least one line). What
// is left waits for the client's next turn (backlog); the partial tail stays.
static void
process_input(struct rpc_client *c)
{
	size_t start = 0;
	unsigned int lines = 0;
	uint64_t t0 = mono_ns();

	while (!c->dead && !c->closing) {
		char *nl;
		size_t len;

		if (lines > 0 && (lines >= RPC_TURN_LINES || mono_ns() - t0 >= RPC_TURN_NS))
			break;
		nl = memchr(c->in + c->scan, '\n', c->in_len - c->scan);
		if (nl == NULL) {
			c->scan = c->in_len;
			if (c->in_len - start > RPC_LINE_MAX)
				refuse_oversize(c);
			break;
		}
		len = (size_t)(nl - (c->in + start));
		c->scan = (size_t)(nl - c->in) + 1;
		if (len > RPC_LINE_MAX) {
			refuse_oversize(c);
			break;
		}
		handle_line(c, c->in + start, len);
		lines++;
		start = c->scan;
	}
	if (c->dead)
		return;
	if (c->closing) {
		c->in_len = c->scan = 0;
		set_backlog(c, false);
		return;
	}
	if (start > 0) {
		memmove(c->in, c->in + start, c->in_len - start);
		c->in_len -= start;
		c->scan -= start;
	}
	// Bytes not yet scanned may hold more lines.
	set_backlog(c, c->scan < c->in_len);
}

static void
client_on_read(struct rpc_client *c)
{
	bool eof = false;

	for (int i = 0; i < READS_PER_EVENT && !c->dead && !c->closing && !c->backlog; i++) {
		ssize_t n;

		if (c->in_cap - c->in_len < READ_CHUNK) {
			// bounded: without backlog the input holds at most RPC_LINE_MAX
			// bytes of a partial line before this read
			size_t cap = c->in_len + READ_CHUNK;
			char *p = realloc(c->in, cap);
			if (p == NULL) {
				client_kill(c);
				return;
			}
			c->in = p;
			c->in_cap = cap;
		}
		n = recv(c->fd, c->in + c->in_len, READ_CHUNK, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			client_kill(c);
			return;
		}
		if (n == 0) {
			eof = true;
			break;
		}
		c->in_len += (size_t)n;
		process_input(c);
	}
	if (!eof || c->dead)
		return;
	// The peer shut down its side: a last line without "\n" still counts,
	// and what we owe it is sent before closing.
	c->eof = true;
	if (!c->closing && c->in_len > 0) {
		if (c->in_len > RPC_LINE_MAX)
			refuse_oversize(c);
		else
			handle_line(c, c->in, c->in_len);
	}
	c->in_len = c->scan = 0;
	client_close_after_flush(c);
}

// A closing client after its answer: read and drop until EOF, RPC_DRAIN_MAX
// bytes or RPC_LINGER_MS (the sweep).
static void
client_drain(struct rpc_client *c)
{
	static char sink[READ_CHUNK];

	for (int i = 0; i < READS_PER_EVENT && !c->dead; i++) {
		ssize_t n = recv(c->fd, sink, sizeof(sink), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_kill(c);
			return;
		}
		c->drained += (size_t)n;
		if (c->drained > RPC_DRAIN_MAX) {
			client_kill(c);
			return;
		}
	}
}

// Once a second: drop clients that stopped reading, close idle ones, end
// lingering closes. Only the client looked at can be closed here, so the
// next pointer stays valid.
static void
sweep(struct rpc_server *srv, uint64_t now)
{
	struct rpc_client *c, *next;

	for (c = srv->clients; c != NULL; c = next) {
		next = c->next;
		if (c->dead)
			continue;
		if (c->draining) {
			if (now - c->close_ms >= RPC_LINGER_MS)
				client_kill(c);
			continue;
		}
		if (srv->idle_ms == 0)
			continue;
		if (c->out_len > c->out_off) {
			if (now - c->out_ms >= srv->idle_ms)
				client_kill(c); // it does not read: nothing more can reach it
			continue;
		}
		if (c->trusted || c->closing || c->backlog || json_array_size(c->topics) > 0 ||
		    now - c->active_ms < srv->idle_ms)
			continue;
		char msg[96];
		snprintf(msg, sizeof(msg), "idle: no complete request in %u s, connection closed",
			 srv->idle_ms / 1000u);
		client_send_error(c, API_ERR_INVALID_REQUEST, msg);
		client_close_after_flush(c);
	}
}

// The clients with lines waiting get one more turn each. Collected first:
// a turn may drop other clients (an event queue over RPC_OUT_MAX), which
// stay allocated until reap() but leave the list.
static void
run_backlog(struct rpc_server *srv)
{
	size_t n = 0;

	if (srv->turns_cap < srv->n_backlog) {
		struct rpc_client **p = realloc(srv->turns, srv->n_backlog * sizeof(*p));
		if (p == NULL)
			return;
		srv->turns = p;
		srv->turns_cap = srv->n_backlog;
	}
	for (struct rpc_client *c = srv->clients; c != NULL && n < srv->turns_cap; c = c->next)
		if (c->backlog)
			srv->turns[n++] = c;
	for (size_t i = 0; i < n; i++)
		if (!srv->turns[i]->dead && srv->turns[i]->backlog)
			process_input(srv->turns[i]);
}

// --- server ---------------------------------------------------------------

static int
mkdir_parents(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	p = strrchr(buf, '/');
	if (p == NULL || p == buf)
		return 0;
	*p = '\0';
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

// A socket file left by a dead daemon is removed; a live one is not ours.
static int
remove_stale(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc == 0 || errno == EAGAIN) {
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

static int
lookup_group(const char *name, gid_t *gid)
{
	struct group gr, *grp = NULL;
	char buf[16384];
	int rc = getgrnam_r(name, &gr, buf, sizeof(buf), &grp);

	if (rc != 0)
		return -rc;
	if (grp == NULL)
		return -ENOENT;
	*gid = gr.gr_gid;
	return 0;
}

struct rpc_server *
rpc_server_create(const struct rpc_server_conf *conf)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct epoll_event ev = {0};
	struct rpc_server *srv;
	struct stat st;
	int rc;

	if (conf == NULL || conf->path == NULL || conf->path[0] == '\0' ||
	    (conf->n_methods > 0 && conf->methods == NULL)) {
		errno = EINVAL;
		return NULL;
	}
	if (strlen(conf->path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (srv == NULL)
		return NULL;
	srv->kind = SRC_LISTEN;
	srv->lfd = srv->epfd = -1;
	srv->euid = geteuid();
	srv->idle_ms = RPC_IDLE_TIMEOUT_MS;
	srv->methods = conf->methods;
	srv->n_methods = conf->n_methods;
	srv->txn = conf->txn;
	srv->ctx = conf->ctx;
	snprintf(srv->path, sizeof(srv->path), "%s", conf->path);
	memcpy(sa.sun_path, srv->path, sizeof(srv->path));

	if (conf->group != NULL) {
		rc = lookup_group(conf->group, &srv->gid);
		if (rc < 0)
			goto fail;
		srv->has_group = true;
	}
	rc = mkdir_parents(srv->path);
	if (rc < 0)
		goto fail;
	rc = remove_stale(srv->path);
	if (rc < 0)
		goto fail;

	srv->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->lfd < 0)
		goto fail_errno;
	if (bind(srv->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail_errno;
	// Bound with the process umask; tighten before listen() accepts anyone.
	// Peer credentials are checked anyway, the mode is the first fence.
	if (chmod(srv->path, 0660) < 0)
		goto fail_unlink;
	if (srv->has_group && chown(srv->path, (uid_t)-1, srv->gid) < 0)
		goto fail_unlink;
	if (lstat(srv->path, &st) < 0)
		goto fail_unlink;
	srv->sock_dev = st.st_dev;
	srv->sock_ino = st.st_ino;
	// A burst of clients waits in the kernel's queue, not refused there.
	if (listen(srv->lfd, SOMAXCONN) < 0)
		goto fail_unlink;

	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0)
		goto fail_unlink;
	ev.events = EPOLLIN;
	ev.data.ptr = srv;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->lfd, &ev) < 0)
		goto fail_unlink;
	return srv;

fail_unlink:
	rc = -errno;
	unlink(srv->path);
	goto fail;
fail_errno:
	rc = -errno;
fail:
	if (srv->lfd >= 0)
		close(srv->lfd);
	if (srv->epfd >= 0)
		close(srv->epfd);
	free(srv);
	errno = -rc;
	return NULL;
}

int
rpc_server_poll(struct rpc_server *srv, int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	uint64_t now;
	int n;

	if (srv == NULL)
		return -EINVAL;
	// Lines waiting: look at the sockets without sleeping, then serve them.
	n = epoll_wait(srv->epfd, evs, MAX_EVENTS, srv->n_backlog > 0 ? 0 : timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;

	for (int i = 0; i < n; i++) {
		enum src_kind *kind = evs[i].data.ptr;
		uint32_t e = evs[i].events;

		if (*kind == SRC_LISTEN) {
			server_accept(srv);
		} else if (*kind == SRC_WATCH) {
			struct rpc_watch *w = (struct rpc_watch *)kind;
			if (!w->dead)
				w->cb(w->arg, w->fd, e);
		} else {
			struct rpc_client *c = (struct rpc_client *)kind;

			if (c->dead)
				continue;
			if (c->draining && (e & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				client_drain(c);
			else if (!c->closing && (e & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				client_on_read(c);
			if (!c->dead && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
				client_flush(c);
		}
	}
	if (srv->n_backlog > 0)
		run_backlog(srv);
	now = mono_ms();
	if (now >= srv->next_sweep_ms) {
		srv->next_sweep_ms = now + 1000;
		sweep(srv, now);
	}
	reap(srv);
	return 0;
}

void
rpc_server_destroy(struct rpc_server *srv)
{
	struct stat st;

	if (srv == NULL)
		return;
	while (srv->clients != NULL)
		client_kill(srv->clients);
	for (struct rpc_watch *w = srv->watches; w != NULL; w = w->next)
		w->dead = true;
	reap(srv);
	json_decref(srv->deferred);
	free(srv->fast_slots);
	free(srv->fast_recs.p);
	free(srv->turns);
	close(srv->lfd);
	close(srv->epfd);
	// Only our own socket: another instance may have replaced it since.
	if (lstat(srv->path, &st) == 0 && st.st_dev == srv->sock_dev && st.st_ino == srv->sock_ino)
		unlink(srv->path);
	free(srv);
}

void
rpc_server_set_idle_timeout(struct rpc_server *srv, unsigned int ms)
{
	if (srv != NULL)
		srv->idle_ms = ms;
}

void *
rpc_server_ctx(const struct rpc_server *srv)
{
	return srv != NULL ? srv->ctx : NULL;
}

size_t
rpc_server_n_clients(const struct rpc_server *srv)
{
	return srv != NULL ? srv->n_clients : 0;
}

int
rpc_server_fd(const struct rpc_server *srv)
{
	return srv != NULL ? srv->epfd : -1;
}

int
rpc_server_call(struct rpc_server *srv, const char *method, json_t *params, json_t **result,
		struct api_error_info *e)
{
	struct rpc_call call = {.srv = srv, .client = NULL, .txn = NULL, .method = method};
	rpc_handler_fn fn;
	int rc;

	*result = NULL;
	memset(e, 0, sizeof(*e));
	if ((fn = handler_find(srv, method, e)) == NULL || params_check(method, params, e) < 0)
		return -1;
	if (srv->txn != NULL && srv->txn->begin != NULL &&
	    (call.txn = srv->txn->begin(srv->ctx)) == NULL)
		return api_error_set(e, API_ERR_INTERNAL, NULL, "cannot begin a transaction");
	rc = fn(&call, params, result, e);
	if (srv->txn != NULL && srv->txn->abort != NULL)
		srv->txn->abort(srv->ctx, call.txn);
	if (rc != 0) {
		error_from_rc(e, rc);
		json_decref(*result);
		*result = NULL;
		return -1;
	}
	return 0;
}

int
rpc_server_watch_fd(struct rpc_server *srv, int fd, rpc_fd_cb cb, void *arg)
{
	struct epoll_event ev = {0};
	struct rpc_watch *w;

	if (srv == NULL || fd < 0 || cb == NULL)
		return -EINVAL;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->kind = SRC_WATCH;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	ev.events = EPOLLIN;
	ev.data.ptr = w;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int rc = -errno;
		free(w);
		return rc;
	}
	w->next = srv->watches;
	srv->watches = w;
	return 0;
}

int
rpc_server_unwatch_fd(struct rpc_server *srv, int fd)
{
	if (srv == NULL)
		return -EINVAL;
	for (struct rpc_watch *w = srv->watches; w != NULL; w = w->next) {
		if (!w->dead && w->fd == fd) {
			// freed at the end of the current (or next) poll
			w->dead = true;
			epoll_ctl(srv->epfd, EPOLL_CTL_DEL, fd, NULL);
			return 0;
		}
	}
	return -ENOENT;
}
