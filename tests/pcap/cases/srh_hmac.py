# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""The SRH HMAC TLV (RFC 8754 2.1.2), HMAC-SHA256, key id 7.

Every SRH and HMAC here is built byte by byte with Python's hmac and hashlib
(scapy 2.5's HMAC TLV class computes a wrong Length), over the text RFC 8754
2.1.2.1 and Linux use: source address, Last Entry, Flags, key id, the
segment list as stored.
  - Verification at our End SID A with "hmac_required": a valid TLV (with
    Linux's H flag, and without it) is forwarded as End does (SL 0, DA B2,
    hop limit 63, the TLV unchanged: SL is not covered); a flipped bit in a
    segment (hmac_mismatch), a key id we lack (hmac_unknown_key), an SRH
    without the TLV and a packet without SRH (hmac_missing) are dropped.
    The same packets at an End SID without hmac_required pass.
  - Generation on our headend: a VRF route with "hmac_key_id": 7 and
    segments [B1, B3] gives an SRH of 2 segments, the H flag, and an HMAC
    TLV (type 5, Length 38, key id 7) whose HMAC the post-check recomputes
    from the captured bytes.
"""
import hashlib
import hmac as pyhmac
import socket
import struct

from harness import *  # noqa: F401,F403

A, PLAIN = sid(0x4d), sid(0x4e)
KEY_ID = 7
SECRET = b"srv6d pcap test key, 32 bytes!!!"
H_FLAG = 0x08   # the draft's H bit, which Linux still wants


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def srh_bytes(visit, sl, nh, src, key_id=KEY_ID, secret=SECRET, flags=H_FLAG, tlv=True,
              mac_key_id=None):
    """An SRH for segments in visiting order, with an HMAC TLV over src."""
    stored = b"".join(a6(s) for s in reversed(visit))
    n = len(visit)
    size = 8 + 16 * n + (40 if tlv else 0)
    out = bytes([nh, size // 8 - 1, 4, sl, n - 1, flags, 0, 0]) + stored
    if tlv:
        kid = key_id if mac_key_id is None else mac_key_id
        text = a6(src) + bytes([n - 1, flags]) + struct.pack("!I", kid) + stored
        mac = pyhmac.new(secret, text, hashlib.sha256).digest()
        out += bytes([5, 38, 0, 0]) + struct.pack("!I", key_id) + mac
    return out


def inner(tag):
    return IPv6(src="2001:db8:20::5", dst="2001:db8:b:99::1", hlim=30) / \
        UDP(sport=4242, dport=53) / Raw(tag)


def to_sid(dst, srh, payload, hlim=64):
    return to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=dst, hlim=hlim, nh=43) / \
        Raw(srh + bytes(payload))


def end_out(srh_after, payload):
    """End at A: hop limit 63, DA B2 (Segment List[0]), SRH with SL 0."""
    return Exp(from_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=B2, hlim=63, nh=43) /
               Raw(srh_after + bytes(payload)), "wan0", raw_after="IPv6",
               desc="End with a valid HMAC TLV")


def scenario_verify():
    ins, exp = [], []
    drops = {}
    for sid_addr, required in ((A, True), (PLAIN, False)):
        segs = [sid_addr, B2]
        for flags in (H_FLAG, 0):
            p = inner(b"ok %d" % flags)
            ins.append(to_sid(sid_addr, srh_bytes(segs, 1, 41, REMOTE_PE, flags=flags), p))
            exp.append(end_out(srh_bytes(segs, 0, 41, REMOTE_PE, flags=flags), p))
        # a flipped bit in Segment List[0] after the HMAC was computed
        bad = bytearray(srh_bytes(segs, 1, 41, REMOTE_PE))
        bad[8 + 15] ^= 1
        # a key id we lack (the HMAC right for it)
        unknown = srh_bytes(segs, 1, 41, REMOTE_PE, key_id=9)
        for tag, s in ((b"bad", bytes(bad)), (b"unknown", unknown),
                       (b"no tlv", srh_bytes(segs, 1, 41, REMOTE_PE, tlv=False))):
            p = inner(tag)
            ins.append(to_sid(sid_addr, s, p))
            if not required:
                after = bytearray(s)
                after[3] = 0
                # End: DA = Segment List[0] as the (possibly flipped) SRH has it
                da = socket.inet_ntop(socket.AF_INET6, bytes(after[8:24]))
                exp.append(Exp(from_port("wan0", P1_MAC) /
                               IPv6(src=REMOTE_PE, dst=da, hlim=63, nh=43) /
                               Raw(bytes(after) + bytes(p)), "wan0", raw_after="IPv6",
                               desc=f"End without hmac_required: {tag}"))
    # no SRH at all at the SID that requires one: dropped
    ins.append(to_port("wan0", P1_MAC) / IPv6(src=REMOTE_PE, dst=A, hlim=64) / inner(b"bare"))
    drops = {"hmac_mismatch": 1, "hmac_unknown_key": 1, "hmac_missing": 2}
    cfg = config(("wan0",), routes=[ROUTE_REMOTE_PE],
                 sids=[{"sid": A, "behavior": "End", "hmac_required": True},
                       {"sid": PLAIN, "behavior": "End"}],
                 extra={"hmac_keys": [{"key_id": KEY_ID, "secret": SECRET.hex(),
                                       "algorithm": "hmac-sha256"}]})
    # the bare packet to A: hmac_missing (counted at the SID first)
    return Scenario("verify", cfg, {"wan0": ins}, exp, drops=drops,
                    sid_packets={A: 6, PLAIN: 5})


def scenario_sign():
    ins, exp = [], []
    for i in range(3):
        pkt = IP(src=CE_IP4, dst=f"10.50.0.{i + 5}", ttl=64) / UDP(sport=5000 + i, dport=53) / \
            Raw(b"sign %d" % i)
        ins.append(to_port("ce0", CE_MAC) / pkt)
        fwd = pkt.copy()
        fwd.ttl = 63
        fwd.chksum = None
        out = from_port("wan0", P1_MAC) / \
            IPv6(src=ENCAP_SRC, dst=B1, hlim=64, nh=43) / \
            Raw(srh_bytes([B1, B3], 1, 4, ENCAP_SRC) + bytes(IP(bytes(fwd))))
        exp.append(Exp(out, "wan0", raw_after="IPv6", ignore=["IPv6[0].fl"],
                       desc=f"H.Encaps with an HMAC TLV, flow {i}"))

    def recompute(res):
        """Independent of the expectation above: each output's TLV verifies."""
        errs = []
        for k, raw in enumerate(res.out.get("wan0", [])):
            v6 = raw[14:]
            src, srh = v6[8:24], v6[40:]
            n = srh[4] + 1
            tlv = srh[8 + 16 * n: 8 + 16 * n + 40]
            if len(tlv) != 40 or tlv[0] != 5 or tlv[1] != 38:
                errs.append(f"wan0 #{k}: no HMAC TLV of Length 38 after the segments")
                continue
            text = src + bytes([srh[4], srh[5]]) + tlv[4:8] + srh[8:8 + 16 * n]
            want = pyhmac.new(SECRET, text, hashlib.sha256).digest()
            if not pyhmac.compare_digest(want, tlv[8:]):
                errs.append(f"wan0 #{k}: the HMAC does not verify")
            if struct.unpack("!I", tlv[4:8])[0] != KEY_ID or not srh[5] & H_FLAG:
                errs.append(f"wan0 #{k}: key id or H flag wrong")
        return errs

    route = {"vrf": VRF1, "prefix": "10.50.0.0/24",
             "nexthops": [{"type": "srv6", "segments": [B1, B3], "hmac_key_id": KEY_ID}]}
    cfg = config(("wan0", "ce0"), routes=[ROUTE_REMOTE_PE, route],
                 extra={"hmac_keys": [{"key_id": KEY_ID, "secret": SECRET.hex()}]})
    return Scenario("sign", cfg, {"ce0": ins}, exp, post_checks=[recompute])


def scenarios():
    return [scenario_verify(), scenario_sign()]
