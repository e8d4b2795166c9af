// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// capture.start / capture.stop / capture.list over lib/capture (dp_capture_*):
// the file is a pcap (tcpdump, Wireshark), the filter a BPF expression
// compiled by libpcap. A capture started by a request that ends up rolled
// back is stopped again; a stop takes effect when its request commits.

#include <string.h>

#include <jansson.h>

#include "ctl_priv.h"
#include "dp_api.h"

#define MAX_CAPTURES 64

static const char *
direction_name(unsigned int d)
{
	switch (d) {
	case DP_CAPTURE_OAM:
		return "oam";
	case DP_CAPTURE_RX:
		return "rx";
	case DP_CAPTURE_TX:
		return "tx";
	default:
		return "both";
	}
}

CTL_HANDLER(rpc_capture_start)
{
	struct dp_capture_req req = {.port_idx = -1, .direction = DP_CAPTURE_RX | DP_CAPTURE_TX};
	struct model_err me = {0};
	const char *port, *dir;
	const json_t *v;
	unsigned int id;
	int rc;

	if (ctl_params("capture.start", params, e) < 0 || ctl_txn(call, e) == NULL)
		return -1;
	if ((port = ctl_required_str(params, "port", e)) == NULL)
		return -1;
	if (strcmp(port, "any") != 0 && (req.port_idx = model_port_find(ctl_model, port)) < 0)
		return api_error_set(e, API_ERR_INVALID_PARAMS, "port",
				     "port: unknown port \"%.40s\" (a port name or any)", port);
	if ((dir = json_string_value(json_object_get(params, "direction"))) != NULL) {
		if (strcmp(dir, "rx") == 0)
			req.direction = DP_CAPTURE_RX;
		else if (strcmp(dir, "tx") == 0)
			req.direction = DP_CAPTURE_TX;
		else if (strcmp(dir, "oam") == 0)
			req.direction = DP_CAPTURE_OAM; // RFC 9259 2.1.1's copies
		else if (strcmp(dir, "both") != 0)
			return api_error_set(e, API_ERR_INVALID_PARAMS, "direction",
					     "direction: must be rx, tx, both or oam");
	}
	if ((req.file = ctl_required_str(params, "file", e)) == NULL)
		return -1;
	if (req.file[0] == '\0')
		return api_error_set(e, API_ERR_INVALID_PARAMS, "file", "file: must not be empty");
	req.filter = json_string_value(json_object_get(params, "filter"));
	if ((v = json_object_get(params, "count")) != NULL)
		req.count = (uint64_t)json_integer_value(v);
	if ((v = json_object_get(params, "snaplen")) != NULL) {
		if (json_integer_value(v) < 1 || json_integer_value(v) > 262144)
			return api_error_set(e, API_ERR_INVALID_PARAMS, "snaplen",
					     "snaplen: must be 1 to 262144");
		req.snaplen = (uint32_t)json_integer_value(v);
	}
	rc = dp_capture_start(&req, &id, &me);
	if (rc < 0)
		return ctl_model_error(e, rc, &me);
	if (ctl_note_capture_started(id, e) < 0)
		return -1;
	*result = json_pack("{s:I}", "id", (json_int_t)id);
	return 0;
}

CTL_HANDLER(rpc_capture_stop)
{
	static struct dp_capture_info info[MAX_CAPTURES];
	json_int_t id;
	unsigned int n;
	bool found = false;

	(void)result;
	if (ctl_params("capture.stop", params, e) < 0 || ctl_txn(call, e) == NULL)
		return -1;
	id = json_integer_value(json_object_get(params, "id"));
	n = dp_capture_list(info, MAX_CAPTURES);
	for (unsigned int i = 0; i < n && !found; i++)
		found = (json_int_t)info[i].id == id;
	if (!found || ctl_capture_stop_pending((unsigned int)id))
		return api_error_set(e, API_ERR_NOT_FOUND, "id",
				     "id: no capture %" JSON_INTEGER_FORMAT, id);
	return ctl_defer_capture_stop((unsigned int)id, e);
}

CTL_HANDLER(rpc_capture_list)
{
	static struct dp_capture_info info[MAX_CAPTURES];
	unsigned int n;
	json_t *arr;

	(void)call;
	if (ctl_params("capture.list", params, e) < 0)
		return -1;
	n = dp_capture_list(info, MAX_CAPTURES);
	arr = json_array();
	for (unsigned int i = 0; i < n && i < MAX_CAPTURES; i++) {
		const struct dp_capture_info *c = &info[i];
		const char *port = "any";
		json_t *o;

		if (c->port_idx >= 0 && c->port_idx < MODEL_MAX_PORTS &&
		    ctl_model->ports[c->port_idx].used)
			port = ctl_model->ports[c->port_idx].name;
		o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:b}", "id", (json_int_t)c->id, "port",
			      port, "direction", direction_name(c->direction), "file", c->file,
			      "packets", (json_int_t)c->packets, "dropped", (json_int_t)c->dropped,
			      "running", c->running);
		if (o == NULL)
			continue;
		if (c->filter[0] != '\0')
			json_object_set_new(o, "filter", json_string(c->filter));
		if (c->limit != 0)
			json_object_set_new(o, "count", json_integer((json_int_t)c->limit));
		json_array_append_new(arr, o);
	}
	*result = arr;
	return 0;
}
