// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
//
// DPDK telemetry for srv6d (telemetry.h). A command runs on DPDK's telemetry
// thread: it hands {method, params} to the control thread through one slot
// (a mutex, a condition variable and an eventfd the control socket's epoll
// watches), waits for the JSON result, and converts it to rte_tel_data
// there. DPDK 22.11's telemetry holds flat dicts (names of [A-Za-z0-9_/]) and
// one level of arrays of scalars: nested objects are flattened with "_"
// between the names, lists of objects are offered as a list of names plus a
// per-item command, as DPDK's own /ethdev/list and /ethdev/stats,ID.

#include "telemetry.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_telemetry.h>

#include <jansson.h>

#include "api.h"
#include "rpc_server.h"

#define TEL_WAIT_S 5 // the control thread answers within a poll; this is a stall

// The one request in flight (telemetry clients are served one at a time).
static struct {
	pthread_mutex_t call_mu; // one caller at a time
	pthread_mutex_t mu;	 // the fields below
	pthread_cond_t cv;
	bool pending, done, stopped;
	const char *method;
	json_t *params;
	json_t *result; // NULL when the method failed
} slot = {
	.call_mu = PTHREAD_MUTEX_INITIALIZER,
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.stopped = true,
};
static struct rpc_server *tel_srv;
static int tel_efd = -1;

// Control thread: the eventfd is readable, a request waits.
static void
on_request(void *arg, int fd, uint32_t events)
{
	struct api_error_info e;
	uint64_t n;

	(void)arg;
	(void)events;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&slot.mu);
	if (slot.pending) {
		rpc_server_call(tel_srv, slot.method, slot.params, &slot.result, &e);
		slot.pending = false;
		slot.done = true;
		pthread_cond_broadcast(&slot.cv);
	}
	pthread_mutex_unlock(&slot.mu);
}

// Telemetry thread: METHOD's result from the control thread (a new
// reference), or NULL.
static json_t *
call_control(const char *method, json_t *params)
{
	static const uint64_t one = 1;
	struct timespec deadline;
	json_t *r = NULL;

	pthread_mutex_lock(&slot.call_mu);
	pthread_mutex_lock(&slot.mu);
	if (slot.stopped)
		goto out;
	slot.method = method;
	slot.params = params;
	slot.result = NULL;
	slot.done = false;
	slot.pending = true;
	if (write(tel_efd, &one, sizeof(one)) < 0) {
		slot.pending = false;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += TEL_WAIT_S;
	while (!slot.done) {
		if (pthread_cond_timedwait(&slot.cv, &slot.mu, &deadline) == ETIMEDOUT)
			break;
	}
	if (!slot.done) {
		slot.pending = false; // the control thread will not take it now
	} else {
		r = slot.result;
		slot.result = NULL;
	}
out:
	pthread_mutex_unlock(&slot.mu);
	pthread_mutex_unlock(&slot.call_mu);
	return r;
}

// A telemetry name: [A-Za-z0-9_/], others become '_'.
static void
tel_name(char *out, size_t size, const char *prefix, const char *key)
{
	size_t n = (size_t)snprintf(out, size, "%s%s", prefix, key);

	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++) {
		char c = out[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '/'))
			out[i] = '_';
	}
}

// An array of scalars as a container (integers or strings); NULL otherwise.
static struct rte_tel_data *
scalar_array(const json_t *a)
{
	struct rte_tel_data *c;
	bool ints = true, strs = true;
	size_t i;
	const json_t *v;

	json_array_foreach(a, i, v) {
		ints = ints && json_is_integer(v) && json_integer_value(v) >= 0;
		strs = strs && json_is_string(v);
	}
	if (!ints && !strs)
		return NULL;
	c = rte_tel_data_alloc();
	if (c == NULL)
		return NULL;
	rte_tel_data_start_array(c, ints ? RTE_TEL_U64_VAL : RTE_TEL_STRING_VAL);
	json_array_foreach(a, i, v) {
		if (i >= RTE_TEL_MAX_ARRAY_ENTRIES)
			break;
		if (ints)
			rte_tel_data_add_array_u64(c, (uint64_t)json_integer_value(v));
		else
			rte_tel_data_add_array_string(c, json_string_value(v));
	}
	return c;
}

// The members of object o into dict d, nested objects flattened under
// PREFIX_; lists of objects left out (their own commands list them).
static void
flatten(struct rte_tel_data *d, const json_t *o, const char *prefix)
{
	const char *k;
	const json_t *v;
	char name[RTE_TEL_MAX_STRING_LEN];
	char num[64];

	json_object_foreach((json_t *)o, k, v) {
		tel_name(name, sizeof(name), prefix, k);
		if (json_is_integer(v)) {
			json_int_t x = json_integer_value(v);
			if (x >= 0)
				rte_tel_data_add_dict_u64(d, name, (uint64_t)x);
			else
				rte_tel_data_add_dict_int(d, name, (int)x);
		} else if (json_is_real(v)) {
			snprintf(num, sizeof(num), "%.9g", json_real_value(v));
			rte_tel_data_add_dict_string(d, name, num);
		} else if (json_is_boolean(v)) {
			rte_tel_data_add_dict_u64(d, name, json_is_true(v) ? 1 : 0);
		} else if (json_is_string(v)) {
			rte_tel_data_add_dict_string(d, name, json_string_value(v));
		} else if (json_is_object(v)) {
			char sub[RTE_TEL_MAX_STRING_LEN + 1]; // name and "_"
			size_t n = strlen(name);
			memcpy(sub, name, n);
			sub[n] = '_';
			sub[n + 1] = '\0';
			flatten(d, v, sub);
		} else if (json_is_array(v)) {
			struct rte_tel_data *c = scalar_array(v);
			if (c != NULL && rte_tel_data_add_dict_container(d, name, c, 0) != 0)
				rte_tel_data_free(c);
		}
	}
}

// The object of list LIST (a JSON array) whose member KEY is VALUE.
static const json_t *
find_item(const json_t *list, const char *key, const char *value)
{
	size_t i;
	const json_t *v;

	json_array_foreach(list, i, v) {
		const char *s = json_string_value(json_object_get(v, key));
		if (s != NULL && strcmp(s, value) == 0)
			return v;
	}
	return NULL;
}

// What each command reads: a method, and how its result is shown.
enum tel_shape {
	TEL_OBJECT, // the result, flattened
	TEL_MEMBER, // one member of the result (an object), flattened
	TEL_NAMES,  // a list: the KEY of each item
	TEL_ITEM,   // a list: the item whose KEY is the parameter, flattened
	TEL_STATS,  // stats.get: totals over the ports, and per worker lcore
};
struct tel_cmd {
	const char *cmd;
	const char *method;
	enum tel_shape shape;
	const char *key; // TEL_MEMBER: the member; TEL_NAMES/TEL_ITEM: the name field
	const char *help;
};
static const struct tel_cmd tel_cmds[] = {
	{"/srv6d/info", "system.info", TEL_OBJECT, NULL,
	 "srv6d's version, lcores, process and control counters. No parameters"},
	{"/srv6d/stats", "stats.get", TEL_STATS, NULL,
	 "srv6d's packet counters: totals over the ports, and per worker lcore "
	 "(lcoreN_...). Drops by reason: /srv6d/drops. No parameters"},
	{"/srv6d/drops", "stats.get", TEL_MEMBER, "drops",
	 "packets dropped, by reason. No parameters"},
	{"/srv6d/ports", "port.list", TEL_NAMES, "name", "srv6d's port names. No parameters"},
	{"/srv6d/port", "port.list", TEL_ITEM, "name",
	 "one srv6d port and its counters. Parameter: port name"},
	{"/srv6d/sids", "sid.list", TEL_NAMES, "sid", "srv6d's local SIDs. No parameters"},
	{"/srv6d/sid", "sid.list", TEL_ITEM, "sid",
	 "one local SID and its counters. Parameter: the SID"},
	{"/srv6d/vrfs", "vrf.list", TEL_NAMES, "name", "srv6d's VRF names. No parameters"},
	{"/srv6d/vrf", "vrf.list", TEL_ITEM, "name", "one VRF and its FIB. Parameter: VRF name"},
	{"/srv6d/sas", "ipsec.sa.list", TEL_NAMES, "id", "IPsec SA ids. No parameters"},
	{"/srv6d/sa", "ipsec.sa.list", TEL_ITEM, "id",
	 "one IPsec SA and its counters (never the key). Parameter: SA id"},
};

static const struct tel_cmd *
tel_find(const char *cmd)
{
	for (size_t i = 0; i < sizeof(tel_cmds) / sizeof(tel_cmds[0]); i++) {
		if (strcmp(tel_cmds[i].cmd, cmd) == 0)
			return &tel_cmds[i];
	}
	return NULL;
}

// /srv6d/stats: the ports' counters summed, and each worker's main ones
// (lcoreN_rx_packets, ...: 5 per worker, so that 32 workers and the totals
// fit in one telemetry dict of RTE_TEL_MAX_DICT_ENTRIES).
static void
stats_summary(struct rte_tel_data *d, const json_t *st)
{
	static const char *const totals[] = {"rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
					     "drops"};
	static const char *const per_lcore[] = {"rx_packets", "tx_packets", "drops", "bursts",
						"busy_us"};
	const json_t *x;
	size_t i;

	rte_tel_data_start_dict(d);
	for (size_t t = 0; t < sizeof(totals) / sizeof(totals[0]); t++) {
		uint64_t sum = 0;
		json_array_foreach(json_object_get(st, "ports"), i, x)
			sum += (uint64_t)json_integer_value(json_object_get(x, totals[t]));
		rte_tel_data_add_dict_u64(d, totals[t], sum);
	}
	json_array_foreach(json_object_get(st, "lcores"), i, x) {
		json_int_t id = json_integer_value(json_object_get(x, "lcore"));
		for (size_t f = 0; f < sizeof(per_lcore) / sizeof(per_lcore[0]); f++) {
			char name[RTE_TEL_MAX_STRING_LEN];
			snprintf(name, sizeof(name), "lcore%lld_%s", (long long)id, per_lcore[f]);
			rte_tel_data_add_dict_u64(
				d, name,
				(uint64_t)json_integer_value(json_object_get(x, per_lcore[f])));
		}
	}
}

// /srv6d/sid,SID also shows the SID's counters (stats.get {sid}).
static void
sid_counters(struct rte_tel_data *d, const char *sid)
{
	json_t *p = json_pack("{s:s}", "sid", sid);
	json_t *r = p != NULL ? call_control("stats.get", p) : NULL;
	const json_t *s = find_item(json_object_get(r, "sids"), "sid", sid);

	if (s != NULL) {
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)s, k, v) {
			char name[RTE_TEL_MAX_STRING_LEN];
			if (!json_is_integer(v))
				continue;
			tel_name(name, sizeof(name), "counters_", k);
			rte_tel_data_add_dict_u64(d, name, (uint64_t)json_integer_value(v));
		}
	}
	json_decref(r);
	json_decref(p);
}

static int
on_command(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct tel_cmd *c = tel_find(cmd);
	bool has_param = params != NULL && params[0] != '\0';
	const json_t *item;
	json_t *r;
	size_t i;

	if (c == NULL)
		return -EINVAL;
	if (has_param != (c->shape == TEL_ITEM))
		return -EINVAL;
	r = call_control(c->method, NULL);
	if (r == NULL)
		return -EIO;
	switch (c->shape) {
	case TEL_OBJECT:
		rte_tel_data_start_dict(d);
		flatten(d, r, "");
		break;
	case TEL_STATS:
		stats_summary(d, r);
		break;
	case TEL_MEMBER:
		rte_tel_data_start_dict(d);
		flatten(d, json_object_get(r, c->key), "");
		break;
	case TEL_NAMES:
		rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
		json_array_foreach(r, i, item) {
			const char *s = json_string_value(json_object_get(item, c->key));
			if (i >= RTE_TEL_MAX_ARRAY_ENTRIES)
				break;
			if (s != NULL)
				rte_tel_data_add_array_string(d, s);
		}
		break;
	case TEL_ITEM:
		item = find_item(r, c->key, params);
		if (item == NULL) {
			json_decref(r);
			return -ENOENT;
		}
		rte_tel_data_start_dict(d);
		flatten(d, item, "");
		if (strcmp(c->method, "sid.list") == 0)
			sid_counters(d, params);
		break;
	}
	json_decref(r);
	return 0;
}

int
srv6d_telemetry_init(struct rpc_server *srv)
{
	pthread_condattr_t ca;
	int rc;

	tel_srv = srv;
	tel_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (tel_efd < 0)
		return -errno;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&slot.cv, &ca);
	pthread_condattr_destroy(&ca);
	rc = rpc_server_watch_fd(srv, tel_efd, on_request, NULL);
	if (rc < 0) {
		close(tel_efd);
		tel_efd = -1;
		return rc;
	}
	pthread_mutex_lock(&slot.mu);
	slot.stopped = false;
	pthread_mutex_unlock(&slot.mu);
	for (size_t i = 0; i < sizeof(tel_cmds) / sizeof(tel_cmds[0]); i++) {
		rc = rte_telemetry_register_cmd(tel_cmds[i].cmd, on_command, tel_cmds[i].help);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void
srv6d_telemetry_stop(void)
{
	// After this no request reaches the control thread; one in flight is
	// answered first (the control thread holds mu while it serves it).
	pthread_mutex_lock(&slot.mu);
	slot.stopped = true;
	slot.pending = false;
	pthread_mutex_unlock(&slot.mu);
	if (tel_srv != NULL && tel_efd >= 0) {
		rpc_server_unwatch_fd(tel_srv, tel_efd);
		close(tel_efd);
		tel_efd = -1;
	}
}
