// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors

// The gobgpd side: peers, the watch stream's paths, and the timers of
// settling, withdraw holds and graceful restart.

#define _GNU_SOURCE
#include "helper.h"

// --- gobgpd ----------------------------------------------------------------------------------

static void
peers_refresh(struct helper *h)
{
	uint8_t *req, *m;
	size_t len, ml;
	char err[256];
	int ok, rc;
	struct gobgp_stream *s;

	h->n_peers = 0;
	if (gobgp_encode_list_peer(&req, &len) < 0)
		return;
	s = gobgp_stream_open(h->gc, GOBGP_METHOD_LIST_PEER, req, len, GOBGP_TIMEOUT_MS, err,
			      sizeof(err));
	free(req);
	if (s == NULL)
		return;
	while ((rc = gobgp_stream_next(s, GOBGP_TIMEOUT_MS, &m, &ml, &ok, err, sizeof(err))) == 1) {
		Apipb__ListPeerResponse *r = apipb__list_peer_response__unpack(NULL, ml, m);
		free(m);
		if (r == NULL)
			continue;
		struct ip_addr a;
		if (r->peer != NULL && r->peer->conf != NULL && h->n_peers < MAX_PEERS &&
		    r->peer->conf->neighbor_address != NULL &&
		    addr_parse(r->peer->conf->neighbor_address, &a) == 0) {
			struct peer *p = &h->peers[h->n_peers++];
			snprintf(p->addr, sizeof(p->addr), "%s", r->peer->conf->neighbor_address);
			p->state = r->peer->state != NULL ? (int)r->peer->state->session_state : 0;
		}
		apipb__list_peer_response__free_unpacked(r, NULL);
	}
	gobgp_stream_close(s);
}

static void
peer_event(struct helper *h, const Apipb__Peer *peer)
{
	const char *addr;
	int state;

	if (peer == NULL || peer->conf == NULL || peer->state == NULL)
		return;
	struct ip_addr a;

	addr = peer->conf->neighbor_address;
	state = (int)peer->state->session_state;
	if (addr == NULL || addr_parse(addr, &a) < 0)
		return;
	for (unsigned int i = 0; i < h->n_peers; i++) {
		if (strcmp(h->peers[i].addr, addr) == 0) {
			if (h->peers[i].state != state)
				lg(LOG_INFO, "peer %s: state %d -> %d", addr, h->peers[i].state,
				   state);
			// A peer that has just come up sends its table after the
			// OPEN exchange: the settle time counts from here, not from
			// our connect to gobgpd, or a session that took longer than
			// the settle time to come up would have the stale paths swept
			// before the peer's table arrives.
			if (h->peers[i].state != state &&
			    state == APIPB__PEER_STATE__SESSION_STATE__ESTABLISHED && !h->settled)
				h->last_table_event = rpc_now_ms();
			h->peers[i].state = state;
			return;
		}
	}
	if (h->n_peers < MAX_PEERS) {
		snprintf(h->peers[h->n_peers].addr, ADDR_STRLEN, "%s", addr);
		h->peers[h->n_peers++].state = state;
	}
}

static bool
peers_established(const struct helper *h)
{
	// No peer configured: nothing to wait for.
	for (unsigned int i = 0; i < h->n_peers; i++)
		if (h->peers[i].state != APIPB__PEER_STATE__SESSION_STATE__ESTABLISHED)
			return false;
	return true;
}

// Whether a local path is one this helper would announce: a SID in one of
// our locators and the RD of one of our VRFs. Only such paths are withdrawn
// as leftovers; paths the operator added to gobgpd by hand are left alone.
static bool
is_our_kind(const struct helper *h, const struct bgp_vpn_path *p)
{
	struct ip_addr sid = {.family = AF_INET6};
	bool in_locator = false, our_rd = false;

	if (!p->has_sid)
		return false;
	memcpy(sid.bytes, p->sid, 16);
	for (unsigned int i = 0; i < h->n_locs && !in_locator; i++)
		in_locator = prefix_contains(&h->locs[i].prefix, &sid);
	for (unsigned int i = 0; i < h->n_vrfs && !our_rd; i++)
		our_rd = h->vrfs[i].has_rd && bgp_rdrt_equal(&h->vrfs[i].rd, &p->rd);
	return in_locator && our_rd;
}

static void
remember_local(struct helper *h, const struct bgp_vpn_path *p)
{
	if (h->n_locals == h->cap_locals) {
		size_t cap = h->cap_locals ? h->cap_locals * 2 : 16;
		struct bgp_vpn_path *n = realloc(h->locals, cap * sizeof(*n));
		if (n == NULL)
			return;
		h->locals = n;
		h->cap_locals = cap;
	}
	h->locals[h->n_locals++] = *p;
}

static void
on_path(struct helper *h, const Apipb__Path *pp)
{
	struct bgp_vpn_path p;
	enum bgp_reject reason;
	char buf[128];
	int rc = gobgp_path_decode(pp, &p, &reason);

	if (rc == 0)
		return; // not VPN
	if (rc < 0) {
		h->c.decode_rejected[reason]++;
		lg(LOG_WARN, "path %s refused: %s (%s)", path_str(&p, buf, sizeof(buf)),
		   bgp_reject_name(reason), bgp_reject_text(reason));
		if (p.prefix.addr.family != 0)
			bgp_import_remove(h->im, &p); // the speaker replaced what it had
		return;
	}
	if (p.peer.family == 0) {
		// A local path: ours, one left by an earlier run, or the operator's.
		if (!p.withdraw && is_our_kind(h, &p))
			remember_local(h, &p);
		return;
	}
	if (p.withdraw) {
		// gobgpd, when it stops, withdraws every path of its peers on the
		// watch stream just before closing it: a withdraw waits
		// withdraw_hold_ms, and is dropped if the stream goes down by then
		// (the path stays, stale, as graceful restart wants).
		if (h->o.withdraw_hold_ms == 0 ||
		    bgp_import_hold_withdraw(h->im, &p, (uint64_t)rpc_now_ms()) < 0)
			bgp_import_apply(h->im, &p, &reason);
		lg(LOG_DEBUG, "withdraw %s", path_str(&p, buf, sizeof(buf)));
		return;
	}
	if (bgp_import_apply(h->im, &p, &reason) < 0)
		lg(LOG_WARN, "path %s refused: %s (%s)", path_str(&p, buf, sizeof(buf)),
		   bgp_reject_name(reason), bgp_reject_text(reason));
	else
		lg(LOG_DEBUG, "update %s", path_str(&p, buf, sizeof(buf)));
}

static void
on_watch_message(struct helper *h, const struct watch_item *it)
{
	Apipb__WatchEventResponse *r = apipb__watch_event_response__unpack(NULL, it->len, it->data);

	if (r == NULL) {
		set_error(h, "unreadable WatchEvent message (%zu bytes)", it->len);
		return;
	}
	if (r->event_case == APIPB__WATCH_EVENT_RESPONSE__EVENT_TABLE && r->table != NULL) {
		for (size_t i = 0; i < r->table->n_paths; i++)
			on_path(h, r->table->paths[i]);
		h->last_table_event = rpc_now_ms();
	} else if (r->event_case == APIPB__WATCH_EVENT_RESPONSE__EVENT_PEER && r->peer != NULL) {
		peer_event(h, r->peer->peer);
	}
	apipb__watch_event_response__free_unpacked(r, NULL);
}

void
on_watch(struct helper *h)
{
	struct watch_item *it = watch_take(h->watch);

	while (it != NULL) {
		struct watch_item *next = it->next;
		switch (it->kind) {
		case WATCH_UP:
			h->gobgp_up = true;
			h->settled = false;
			h->gobgp_up_at = h->last_table_event = rpc_now_ms();
			h->c.gobgp_connects++;
			h->n_locals = 0;
			bgp_import_mark_stale(h->im);
			bgp_export_forget(h->ex);
			h->export_done_since_up = false;
			h->export_dirty = true;
			h->export_due = rpc_now_ms();
			peers_refresh(h);
			lg(LOG_INFO,
			   "connected to gobgpd at %s (%u peers); %zu learnt paths "
			   "kept as stale until its table settles",
			   h->o.gobgp, h->n_peers, bgp_import_n_stale(h->im));
			break;
		case WATCH_DOWN:
			if (h->gobgp_up || h->c.gobgp_connects == 0) {
				h->c.gobgp_losses += h->gobgp_up;
				set_error(h,
					  "gobgpd at %s unreachable (%s): learnt routes kept for "
					  "%d s",
					  h->o.gobgp, it->text, h->o.gr_time_s);
			}
			if (h->gobgp_up)
				h->gobgp_down_at = rpc_now_ms();
			h->gobgp_up = false;
			size_t kept = bgp_import_drop_held(h->im);
			if (kept > 0) {
				lg(LOG_INFO, "%zu withdraws came as gobgpd went away: paths kept",
				   kept);
				h->c.withdraws_kept += kept;
			}
			break;
		case WATCH_MESSAGE:
			on_watch_message(h, it);
			break;
		}
		free(it);
		it = next;
	}
}

// After a (re)connect to gobgpd: once every peer is established and the
// table has been quiet for settle_ms, paths not learnt again are swept.
// With gobgpd gone for the graceful-restart time, everything learnt goes.
void
check_timers(struct helper *h)
{
	long now = rpc_now_ms();

	if (h->gobgp_up && bgp_import_n_held(h->im) > 0)
		bgp_import_apply_held(h->im, (uint64_t)now, (uint64_t)h->o.withdraw_hold_ms);
	if (h->gobgp_up && !h->settled) {
		bool quiet = bgp_import_n_held(h->im) == 0 &&
			     now - h->last_table_event >= h->o.settle_ms &&
			     now - h->gobgp_up_at >= h->o.settle_ms;
		bool gr_over = now - h->gobgp_up_at >= (long)h->o.gr_time_s * 1000;
		if ((quiet && peers_established(h)) || gr_over) {
			size_t n = bgp_import_sweep_stale(h->im);
			h->c.stale_swept += n;
			h->settled = true;
			// gobgpd's dump is in: local paths of ours this run does not
			// announce are leftovers (the export ran before the dump came)
			if (h->export_done_since_up && !h->export_dirty)
				check_leftovers(h);
			lg(LOG_INFO,
			   "gobgpd table settled after %ld ms: %zu stale paths removed, "
			   "%" PRIu64 " paths, %" PRIu64 " routes",
			   now - h->gobgp_up_at, n, bgp_import_stats(h->im)->paths,
			   bgp_import_stats(h->im)->routes);
		}
	}
	if (!h->gobgp_up && now - h->gobgp_down_at >= (long)h->o.gr_time_s * 1000) {
		if (bgp_import_stats(h->im)->paths > 0) {
			h->c.gr_flushes++;
			lg(LOG_WARN, "gobgpd gone for %d s: flushing %" PRIu64 " learnt paths",
			   h->o.gr_time_s, bgp_import_stats(h->im)->paths);
			bgp_import_flush(h->im);
		}
		h->settled = true;
	}
}
