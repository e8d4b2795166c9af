// SPDX-License-Identifier: BSD-3-Clause
// Copyright (c) 2026 The srv6d authors
#pragma once

// GoBGP API messages (apipb, protobuf) <-> struct bgp_vpn_path.
//
// GoBGP 3.x carries a path's NLRI and attributes as google.protobuf.Any
// values: type URL "type.googleapis.com/apipb.<Message>" and the packed
// message. Decoding checks every Any's type and contents; what does not
// parse is a rejected path with a reason, never a crash.

#include <stddef.h>
#include <stdint.h>

#include "bgp_vpn.h"
#include "gobgp.pb-c.h"

// Decodes one path. Returns 1 for a VPNv4/VPNv6 path (out filled), 0 for
// another family (ignored), -1 when it is a VPN path that cannot be used
// (*reason says why; out holds what could be read: family, prefix, RD).
int gobgp_path_decode(const Apipb__Path *pp, struct bgp_vpn_path *out, enum bgp_reject *reason);

// Packed request messages (malloc'd, caller frees). 0 or -ENOMEM/-EINVAL.
// AddPathRequest / DeletePathRequest on the global table for an export path.
int gobgp_encode_add_path(const struct bgp_vpn_path *p, uint8_t **buf, size_t *len);
int gobgp_encode_delete_path(const struct bgp_vpn_path *p, uint8_t **buf, size_t *len);
// WatchEventRequest: best paths of the global table, starting with a dump
// of the current ones, and peer state events when peers.
int gobgp_encode_watch(bool peers, uint8_t **buf, size_t *len);
// ListPathRequest: the global table of VPNv4 (family AF_INET) or VPNv6.
int gobgp_encode_list_path(uint8_t family, uint8_t **buf, size_t *len);
// ListPeerRequest for every peer.
int gobgp_encode_list_peer(uint8_t **buf, size_t *len);

// The GoBGP method paths.
#define GOBGP_METHOD_ADD_PATH "/apipb.GobgpApi/AddPath"
#define GOBGP_METHOD_DELETE_PATH "/apipb.GobgpApi/DeletePath"
#define GOBGP_METHOD_LIST_PATH "/apipb.GobgpApi/ListPath"
#define GOBGP_METHOD_LIST_PEER "/apipb.GobgpApi/ListPeer"
#define GOBGP_METHOD_WATCH_EVENT "/apipb.GobgpApi/WatchEvent"
#define GOBGP_METHOD_GET_BGP "/apipb.GobgpApi/GetBgp"

// Packs message m into an Any (type URL from its descriptor). The value is
// malloc'd; gobgp_any_clear frees it. 0 or -ENOMEM.
int gobgp_any_pack(const ProtobufCMessage *m, Google__Protobuf__Any *any);
void gobgp_any_clear(Google__Protobuf__Any *any);
// Unpacks an Any whose type URL names desc; NULL when the type differs or
// the bytes do not parse. Free with protobuf_c_message_free_unpacked.
ProtobufCMessage *gobgp_any_unpack(const Google__Protobuf__Any *any,
				   const ProtobufCMessageDescriptor *desc);
