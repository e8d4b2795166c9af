#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
#
# An independent VPN path injector for the BGP e2e tests: builds VPNv4/VPNv6
# paths by hand (RD, prefix, label, route targets, next hop and an RFC 9252
# Prefix-SID with its SRv6 L3 Service TLV, SID Information Sub-TLV and SID
# Structure Sub-Sub-TLV) and adds or deletes them in a gobgpd over its gRPC
# API (AddPath / DeletePath); that gobgpd then sends them on a real BGP
# session, in GoBGP's own wire encoding. Nothing here comes from srv6-bgp.
#
# The Python protobuf modules are generated at run time by protoc from the
# .proto files of Debian's golang-github-osrg-gobgp-dev (into --pb DIR, which
# is reused when it holds them already); no service stubs are needed, the
# calls are plain unary_unary on the channel.
#
#   gobgp_inject.py --api 127.0.0.1:50052 --pb DIR add --family 4 \
#       --rd 10.3.3.3:101 --prefix 172.16.30.0/24 --rt 65513:101 \
#       --nexthop 2001:db8:0:ee::2 --sid 2a0e:97c0:ae6:3001:30:: --behavior 19
#   gobgp_inject.py --api ... --pb DIR del --family 4 --rd 10.3.3.3:101 --prefix 172.16.30.0/24
#   gobgp_inject.py --api ... --pb DIR --json FILE   # a list of objects, see below
#
# Path options (also the keys of a --json entry, with "op": "add" | "del"):
#   family 4|6, rd ("IP:N" or "ASN:N"), prefix, rt (list, may be empty),
#   nexthop, sid (address) or sid_hex (raw bytes, any length), behavior,
#   structure "B,N,F,A,TL,TO" (omitted: no Structure Sub-Sub-TLV), label
#   (default 3), no_label (an NLRI with an empty label stack), no_sid (no
#   Prefix-SID attribute at all), empty_l3 (an SRv6 L3
#   Service TLV with no SID Information Sub-TLV).
# Exit status 0 when every call succeeded; a refused call prints
# "ERROR <op> <rd> <prefix>: <gRPC status> <details>" and gives 1.

import argparse
import ipaddress
import json
import os
import subprocess
import sys

PROTO_DIR = "/usr/share/gocode/src/github.com/osrg/gobgp/api"
DEFAULT_NEXTHOP = "2001:db8:0:ee::2"


def load_modules(pb_dir):
    if not os.path.exists(os.path.join(pb_dir, "attribute_pb2.py")):
        os.makedirs(pb_dir, exist_ok=True)
        subprocess.run(["protoc", "--python_out=" + pb_dir, "-I" + PROTO_DIR, "-I/usr/include",
                        "gobgp.proto", "attribute.proto"], check=True)
    sys.path.insert(0, pb_dir)
    import attribute_pb2  # noqa: E402
    import gobgp_pb2  # noqa: E402
    return gobgp_pb2, attribute_pb2


def pack(msg):
    from google.protobuf import any_pb2
    a = any_pb2.Any()
    a.Pack(msg)  # type URL type.googleapis.com/apipb.<Message>
    return a


def rd_any(attr, text):
    admin, num = text.rsplit(":", 1)
    if "." in admin:
        return pack(attr.RouteDistinguisherIPAddress(admin=admin, assigned=int(num)))
    if int(admin) > 0xFFFF:
        return pack(attr.RouteDistinguisherFourOctetASN(admin=int(admin), assigned=int(num)))
    return pack(attr.RouteDistinguisherTwoOctetASN(admin=int(admin), assigned=int(num)))


def build_path(gobgp, attr, e, withdraw):
    fam = int(e.get("family", 4))
    afi = gobgp.Family.AFI_IP if fam == 4 else gobgp.Family.AFI_IP6
    family = gobgp.Family(afi=afi, safi=gobgp.Family.SAFI_MPLS_VPN)
    net = ipaddress.ip_network(e["prefix"], strict=True)
    if net.version != fam:
        raise ValueError("prefix %s is not IPv%d" % (e["prefix"], fam))
    nlri = pack(attr.LabeledVPNIPAddressPrefix(
        labels=[] if e.get("no_label") else [int(e.get("label", 3))], rd=rd_any(attr, e["rd"]),
        prefix_len=net.prefixlen, prefix=str(net.network_address)))
    pattrs = [
        pack(attr.OriginAttribute(origin=0)),
        pack(attr.MpReachNLRIAttribute(family=family, next_hops=[e.get("nexthop", DEFAULT_NEXTHOP)],
                                       nlris=[nlri])),
    ]
    rts = e.get("rt", [])
    if isinstance(rts, str):
        rts = [rts]
    comms = []
    for rt in rts:
        asn, num = rt.split(":")
        comms.append(pack(attr.TwoOctetAsSpecificExtended(
            is_transitive=True, sub_type=2, asn=int(asn), local_admin=int(num))))
    if e.get("color") is not None:
        # RFC 9012 4.3: the Color extended community (RFC 9256 8.5 steering)
        comms.append(pack(attr.ColorExtended(color=int(e["color"]))))
    if comms:
        pattrs.append(pack(attr.ExtendedCommunitiesAttribute(communities=comms)))
    if not e.get("no_sid") and not withdraw:
        l3 = attr.SRv6L3ServiceTLV()
        if not e.get("empty_l3"):
            if "sid_hex" in e:
                sid = bytes.fromhex(e["sid_hex"])
            else:
                sid = ipaddress.IPv6Address(e["sid"]).packed
            info = attr.SRv6InformationSubTLV(sid=sid, endpoint_behavior=int(e.get("behavior", 0)))
            if e.get("structure"):
                st = e["structure"]
                if isinstance(st, str):
                    st = [int(x) for x in st.split(",")]
                if len(st) != 6:
                    raise ValueError("structure needs B,N,F,A,TL,TO")
                s = attr.SRv6StructureSubSubTLV(
                    locator_block_length=st[0], locator_node_length=st[1], function_length=st[2],
                    argument_length=st[3], transposition_length=st[4], transposition_offset=st[5])
                info.sub_sub_tlvs[1].tlv.append(pack(s))
            l3.sub_tlvs[1].tlv.append(pack(info))
        pattrs.append(pack(attr.PrefixSID(tlvs=[pack(l3)])))
    return family, gobgp.Path(family=family, nlri=nlri, pattrs=pattrs, is_withdraw=withdraw)


def main():
    ap = argparse.ArgumentParser(description="add/delete hand-built VPN paths in gobgpd")
    ap.add_argument("--api", default="127.0.0.1:50051", help="gobgpd gRPC HOST:PORT")
    ap.add_argument("--pb", default=os.environ.get("GOBGP_INJECT_PB", "/tmp/gobgp_inject_pb"),
                    help="folder for the generated protobuf modules")
    ap.add_argument("--json", help="a JSON list of path objects with \"op\"")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("op", nargs="?", choices=["add", "del"])
    ap.add_argument("--family", type=int, choices=[4, 6], default=4)
    ap.add_argument("--rd")
    ap.add_argument("--prefix")
    ap.add_argument("--rt", action="append", default=[])
    ap.add_argument("--nexthop", default=DEFAULT_NEXTHOP)
    ap.add_argument("--sid")
    ap.add_argument("--sid-hex", dest="sid_hex")
    ap.add_argument("--behavior", type=int, default=0)
    ap.add_argument("--structure")
    ap.add_argument("--label", type=int, default=3)
    ap.add_argument("--color", type=int, help="a Color extended community")
    ap.add_argument("--no-label", dest="no_label", action="store_true")
    ap.add_argument("--no-sid", dest="no_sid", action="store_true")
    ap.add_argument("--empty-l3", dest="empty_l3", action="store_true")
    a = ap.parse_args()

    if a.json:
        with open(a.json) as f:
            entries = json.load(f)
    elif a.op:
        if not a.rd or not a.prefix:
            ap.error("--rd and --prefix are needed")
        e = {k: getattr(a, k) for k in ("family", "rd", "prefix", "rt", "nexthop", "behavior",
                                        "structure", "label", "no_label", "no_sid", "empty_l3",
                                        "color")}
        e["op"] = a.op
        if a.sid_hex is not None:
            e["sid_hex"] = a.sid_hex
        elif a.sid is not None:
            e["sid"] = a.sid
        elif a.op == "add" and not a.no_sid and not a.empty_l3:
            ap.error("--sid, --sid-hex, --no-sid or --empty-l3 is needed")
        entries = [e]
    else:
        ap.error("add, del or --json FILE")

    gobgp, attr = load_modules(a.pb)
    from google.protobuf import empty_pb2
    import grpc

    ch = grpc.insecure_channel(a.api)
    add = ch.unary_unary("/apipb.GobgpApi/AddPath",
                         request_serializer=gobgp.AddPathRequest.SerializeToString,
                         response_deserializer=gobgp.AddPathResponse.FromString)
    delete = ch.unary_unary("/apipb.GobgpApi/DeletePath",
                            request_serializer=gobgp.DeletePathRequest.SerializeToString,
                            response_deserializer=empty_pb2.Empty.FromString)
    rc = 0
    for e in entries:
        op = e.get("op", "add")
        withdraw = op == "del"
        try:
            family, path = build_path(gobgp, attr, e, withdraw)
            if withdraw:
                delete(gobgp.DeletePathRequest(table_type=gobgp.GLOBAL, family=family, path=path),
                       timeout=a.timeout)
            else:
                add(gobgp.AddPathRequest(table_type=gobgp.GLOBAL, path=path), timeout=a.timeout)
            print("OK %s %s %s" % (op, e.get("rd"), e.get("prefix")))
        except grpc.RpcError as err:
            print("ERROR %s %s %s: %s %s" % (op, e.get("rd"), e.get("prefix"), err.code().name,
                                             err.details()))
            rc = 1
        except (ValueError, KeyError) as err:
            print("ERROR %s %s %s: bad entry: %s" % (op, e.get("rd"), e.get("prefix"), err))
            rc = 1
    ch.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
