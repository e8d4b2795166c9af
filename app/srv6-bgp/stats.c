// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// Counters: the JSON object, the stats socket and `srv6-bgp stats`.

#define _GNU_SOURCE
#include "helper.h"

// --- counters --------------------------------------------------------------------------------

static void
put(json_t *o, const char *key, uint64_t v)
{
	json_object_set_new(o, key, json_integer((json_int_t)v));
}

json_t *
stats_json(const struct helper *h)
{
	const struct bgp_import_stats *is = bgp_import_stats(h->im);
	const struct bgp_export_stats *es = bgp_export_stats(h->ex);
	json_t *o = json_object(), *im = json_object(), *ex = json_object();
	json_t *rej = json_object(), *peers = json_array(), *ses = json_object();

	for (int r = 0; r < BGP_REJECT_MAX; r++)
		put(rej, bgp_reject_name(r), is->rejected[r] + h->c.decode_rejected[r]);
	for (unsigned int i = 0; i < h->n_peers; i++)
		json_array_append_new(
			peers, json_pack("{s:s,s:b}", "address", h->peers[i].addr, "established",
					 h->peers[i].state ==
						 APIPB__PEER_STATE__SESSION_STATE__ESTABLISHED));
	put(im, "updates", is->updates);
	put(im, "withdraws", is->withdraws);
	put(im, "paths", is->paths);
	put(im, "routes", is->routes);
	put(im, "routes_held", is->routes_held);
	put(im, "routes_shadowed", is->routes_shadowed);
	put(im, "route_requests", h->c.route_requests);
	put(im, "route_batches", h->c.route_batches);
	put(im, "route_errors", h->c.route_errors);
	put(im, "stale_swept", h->c.stale_swept);
	put(im, "gr_flushes", h->c.gr_flushes);
	put(im, "withdraws_held", bgp_import_n_held(h->im));
	put(im, "withdraws_kept", h->c.withdraws_kept);
	put(ex, "announced", es->announced);
	put(ex, "adds", es->adds);
	put(ex, "withdraws", es->withdraws);
	put(ex, "errors", h->c.export_errors);
	put(ex, "leftovers_withdrawn", h->c.leftovers_withdrawn);
	put(ses, "srv6d_connects", h->c.srv6d_connects);
	put(ses, "gobgpd_connects", h->c.gobgp_connects);
	put(ses, "gobgpd_losses", h->c.gobgp_losses);
	put(ses, "resyncs", h->c.resyncs);
	put(ses, "sync_end_removed", h->c.sync_end_removed);
	put(ses, "srv6d_events", h->c.events);
	json_object_set_new(o, "version", json_string(SRV6_VERSION));
	json_object_set_new(o, "srv6d_connected", json_boolean(h->sd_up));
	json_object_set_new(o, "gobgpd_connected", json_boolean(h->gobgp_up));
	json_object_set_new(o, "settled", json_boolean(h->settled));
	json_object_set_new(o, "sync_pending", json_boolean(h->sync_open));
	json_object_set_new(o, "peers", peers);
	json_object_set_new(o, "import", im);
	json_object_set_new(o, "export", ex);
	json_object_set_new(o, "rejected", rej);
	json_object_set_new(o, "sessions", ses);
	json_object_set_new(o, "last_error", json_string(h->c.last_error));
	return o;
}

int
stats_listen(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0) {
		close(fd);
		return -1;
	}
	chmod(path, 0660);
	return fd;
}

void
stats_serve(struct helper *h)
{
	int fd;

	while ((fd = accept4(h->stats_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		json_t *j = stats_json(h);
		char *s = json_dumps(j, JSON_COMPACT);
		if (s != NULL) {
			size_t n = strlen(s);
			if (send(fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ||
			    send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				lg(LOG_DEBUG, "stats client went away");
			free(s);
		}
		json_decref(j);
		close(fd);
	}
}

// `srv6-bgp stats`: prints the counters of a running helper.
int
stats_client(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[65536];
	size_t len = 0;
	ssize_t r;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 2;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "srv6-bgp: cannot reach %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while (len < sizeof(buf) - 1 && (r = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	json_t *j = json_loads(buf, 0, NULL);
	if (j == NULL) {
		fputs(buf, stdout);
		return 1;
	}
	char *s = json_dumps(j, JSON_INDENT(2));
	puts(s != NULL ? s : buf);
	free(s);
	json_decref(j);
	return 0;
}
