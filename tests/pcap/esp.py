#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""ESP (RFC 4303) with AES-GCM (RFC 4106) for the pcap cases: scapy is the judge.

The ipsec_* cases build srv6d's inbound ESP with scapy's SecurityAssociation
and decrypt srv6d's outbound ESP with it; nothing here shares code with the
daemon. Two of scapy's habits are worked around, not relied on:

- `tunnel_header` drops extension headers, so an SRH is spliced by hand in
  front of the ESP bytes scapy produced (srv6_esp_frame);
- `SecurityAssociation.decrypt()` changes its argument and returns the
  padding wrongly sliced, so every decryption gets a fresh packet, and the
  trailer (padding, pad length, next header) is read from the plaintext that
  scapy's own AES-GCM algorithm object yields (open_esp).

An expected ESP packet is an Exp whose ESP.data is a placeholder of the exact
length RFC 4303 gives (minimal padding to a 4-byte boundary, 8-byte IV,
16-byte ICV) checked by a predicate that decrypts the received bytes with the
expected SPI and sequence number and compares the result with the expected
inner packet (expect_esp).

  esp.py --self-test    check these helpers against scapy and by hand (no daemon)
"""
import hashlib
import json
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402
from harness import (  # noqa: E402
    B1, B2, ENCAP_SRC, IP, MAC, P1_MAC, REMOTE_PE, UDP, Ether, Exp, IPv6,
    IPv6ExtHdrSegmentRouting, Raw, checksum_errors, first, from_port, ipv6_layers,
    srh, to_port, tshark_frames)
from scapy.layers.ipsec import (  # noqa: E402
    CRYPT_ALGOS, ESP, IPSecIntegrityError, SecurityAssociation, _ESPPlain)

HDR, IV, ICV = 8, 8, 16       # SPI + sequence number, AES-GCM IV (RFC 4106 3.1), ICV
GCM = CRYPT_ALGOS["AES-GCM"]  # scapy's algorithm object: key || salt, nonce = salt || IV


class Sa:
    """One SA as the contract's SA object, with a key derived from its id (the
    cases must be reproducible; the peer's side uses the same object)."""

    def __init__(self, id, direction, spi, mode="srv6", aead="aes-gcm-128", tunnel=None,
                 replay_window=None, esn=False, lifetime=None):
        self.id, self.direction, self.spi, self.mode = id, direction, spi, mode
        self.aead, self.tunnel, self.replay_window = aead, tunnel, replay_window
        self.esn, self.lifetime = esn, lifetime
        klen = {"aes-gcm-128": 16, "aes-gcm-256": 32}[aead]
        self.key = hashlib.sha512(f"srv6d pcap key {id}".encode()).digest()[:klen + 4]

    def config(self):
        d = {"id": self.id, "direction": self.direction, "spi": self.spi, "mode": self.mode,
             "aead": self.aead, "key": self.key.hex()}
        if self.tunnel:
            d["tunnel"] = {"src": self.tunnel[0], "dst": self.tunnel[1]}
        if self.replay_window is not None:
            d["replay_window"] = self.replay_window
        if self.esn:
            d["esn"] = True
        if self.lifetime:
            d["lifetime"] = dict(self.lifetime)
        return d

    def scapy(self):
        """A fresh scapy SA (state-free use: every call passes seq and IV)."""
        return SecurityAssociation(ESP, spi=self.spi, crypt_algo="AES-GCM", crypt_key=self.key,
                                   tunnel_header=IPv6(src="::1", dst="::2"), esn_en=self.esn)


def ipsec_config(sas):
    return {"ipsec": {"sas": [s.config() for s in sas]}}


def pad_len(inner_len):
    """RFC 4303 2.4: payload + pad + 2 trailer bytes end on a 4-byte boundary
    (AES-GCM's block size is 1, RFC 4106 3.2); the minimum is expected."""
    return -(inner_len + 2) % 4


def esp_len(inner_len):
    return HDR + IV + inner_len + pad_len(inner_len) + 2 + ICV


def _iv(seq, esn_hi):
    # deterministic (reproducible pcaps); RFC 4106 3.1 only asks it be unique per key
    return struct.pack("!II", esn_hi, seq)


# ---------------------------------------------------------------------------
# Encryption (the peer's side, for srv6d's inbound SAs)
# ---------------------------------------------------------------------------

def encrypt(sa, inner, seq, esn_hi=0, iv=None):
    """The ESP bytes (SPI .. ICV) of an L3 packet `inner` (IP or IPv6, next header
    4 / 41), encrypted by scapy's SecurityAssociation in tunnel mode."""
    inner = inner.__class__(bytes(inner))
    out = sa.scapy().encrypt(inner, seq_num=seq, iv=iv or _iv(seq, esn_hi), esn_en=sa.esn,
                             esn=esn_hi)
    return bytes(out[ESP])


def encrypt_raw(sa, seq, payload, nh, padding=None, padlen=None, esn_hi=0, iv=None):
    """ESP bytes around arbitrary plaintext, with the trailer given by hand
    (bad padding, bad pad length); padding None: scapy's own (RFC) padding."""
    s = sa.scapy()
    p = _ESPPlain(spi=sa.spi, seq=seq, iv=iv or _iv(seq, esn_hi), data=Raw(payload), nh=nh)
    if padding is None:
        p = GCM.pad(p)
    else:
        p.padding = padding
        p.padlen = len(padding) if padlen is None else padlen
    return bytes(GCM.encrypt(s, p, s.crypt_key, esn_en=sa.esn, esn=esn_hi))


def srv6_esp_frame(sa, sid_addr, inner, seq, form="srh1", src=REMOTE_PE, hlim=61,
                   esp_bytes=None, esn_hi=0, port="wan0", mac=P1_MAC):
    """An ESP packet of mode srv6 at its final SID (SL 0) from P1: 'srh1' an SRH
    of one segment, 'srh3' three segments (ours last), 'red' no SRH (IPv6 next
    header 50). The SRH is spliced in front of scapy's ESP by hand."""
    esp = esp_bytes if esp_bytes is not None else encrypt(sa, inner, seq, esn_hi)
    base = to_port(port, mac) / IPv6(src=src, dst=sid_addr, hlim=hlim)
    if form == "red":
        base[IPv6].nh = 50
        return base / Raw(esp)
    segs = [sid_addr] if form == "srh1" else [B1, B2, sid_addr]
    return base / srh(segs, sl=0, nh=50) / Raw(esp)


def tunnel_esp_frame(sa, inner, seq, hlim=61, esp_bytes=None, esn_hi=0, port="wan0",
                     mac=P1_MAC):
    """An ESP packet of mode tunnel: IPv6 from sa.tunnel src to dst, next header 50."""
    esp = esp_bytes if esp_bytes is not None else encrypt(sa, inner, seq, esn_hi)
    return to_port(port, mac) / IPv6(src=sa.tunnel[0], dst=sa.tunnel[1], hlim=hlim, nh=50) / \
        Raw(esp)


# ---------------------------------------------------------------------------
# Decryption (the judge of srv6d's outbound SAs)
# ---------------------------------------------------------------------------

def open_esp(sa, esp, esn_hi=0):
    """Decrypt ESP bytes (SPI .. ICV) with `sa`. Returns (inner bytes or None,
    next header, [errors]): SPI, ICV (scapy's SecurityAssociation.decrypt),
    the RFC 4303 2.4 alignment, padding 1, 2, 3 ... and its minimal length,
    and that scapy's inner packet is the plaintext's."""
    errs = []
    if len(esp) < HDR + IV + 2 + ICV:
        return None, None, [f"ESP of {len(esp)} bytes is shorter than header, IV, trailer "
                            f"and ICV ({HDR + IV + 2 + ICV})"]
    spi, seq = struct.unpack("!II", esp[:HDR])
    if spi != sa.spi:
        return None, None, [f"SPI {spi:#x}, expected {sa.spi:#x}"]
    ct_len = len(esp) - HDR - IV - ICV
    if ct_len % 4:
        errs.append(f"payload + padding + trailer of {ct_len} bytes not 4-byte aligned")
    # scapy's decrypt on a packet of its own (it modifies its argument)
    try:
        inner = sa.scapy().decrypt(IPv6(src="::1", dst="::2", nh=50) / ESP(esp),
                                   esn_en=sa.esn, esn=esn_hi)
    except IPSecIntegrityError:
        return None, None, errs + [f"ICV check failed (scapy, seq {seq}, SPI {spi:#x})"]
    except Exception as e:  # authentic, but the plaintext is no packet of its next header
        inner = None
        errs.append(f"scapy cannot dissect the decrypted packet ({type(e).__name__}: {e})")
    # the plaintext through scapy's AES-GCM algorithm, for the trailer
    s = sa.scapy()
    iv, body = esp[HDR:HDR + IV], esp[HDR + IV:]
    aad = struct.pack("!III", spi, esn_hi, seq) if sa.esn else esp[:HDR]
    pt = GCM.cipher(s.crypt_key).decrypt(GCM._format_mode_iv(sa=s, iv=iv), body, aad)
    padlen, nh = pt[-2], pt[-1]
    if padlen + 2 > len(pt):
        return None, nh, errs + [f"pad length {padlen} beyond the {len(pt)}-byte plaintext"]
    data, padding = pt[:len(pt) - 2 - padlen], pt[len(pt) - 2 - padlen:-2]
    if padding != bytes(range(1, padlen + 1)):
        errs.append(f"padding {padding.hex()}, RFC 4303 2.4 wants 01 02 .. {padlen:02x}")
    if padlen != pad_len(len(data)):
        errs.append(f"pad length {padlen} for {len(data)} bytes, the minimum is "
                    f"{pad_len(len(data))}")
    if nh not in (4, 41):
        errs.append(f"next header {nh}, expected 4 or 41")
    if inner is not None and bytes(inner) != data:
        errs.append("scapy's decrypted packet differs from the plaintext's payload")
    return data, nh, errs


def _diff_bytes(exp, got, what):
    if exp == got:
        return []
    if len(exp) != len(got):
        return [f"{what}: {len(got)} bytes, expected {len(exp)}"]
    i = next(i for i in range(len(exp)) if exp[i] != got[i])
    return [f"{what} differs at byte {i}: expected {exp[i:i + 8].hex()}, got {got[i:i + 8].hex()}"]


def mask_outer_flowlabel(exp_inner):
    """An inner check for an SRv6 packet inside ESP (mode tunnel) whose own outer
    IPv6 flow label is computed (flowlabel compute): compared as 0, must be
    non-zero."""
    def chk(got):
        if len(got) < 40 or got[0] >> 4 != 6:
            return ["inner packet is not IPv6"]
        fl = int.from_bytes(got[1:4], "big") & 0xFFFFF
        errs = [] if fl else ["inner IPv6 flow label 0 with flowlabel compute"]
        g = bytearray(got)
        g[1] &= 0xF0
        g[2] = g[3] = 0
        return errs + _diff_bytes(bytes(exp_inner), bytes(g), "decrypted packet")
    return chk


class _Why:
    """The description of the ESP.data check: says why the last check failed
    (the harness formats it right after calling the predicate)."""

    def __init__(self, base):
        self.base, self.last = base, []

    def __str__(self):
        return self.base + (" — " + "; ".join(self.last) if self.last else "")

    __format__ = lambda self, spec: str(self)  # noqa: E731


def expect_esp(port, dst_mac, outer, sa, seq, inner, esn_hi=0, inner_check=None,
               ignore=(), checks=None, desc=None, tag=None):
    """An expected ESP packet on `port`: Ether / outer (IPv6 and any SRH, the
    last one's next header 50) / ESP(SPI, seq). Its ESP.data must decrypt with
    `sa` to exactly `inner` (bytes or scapy; or pass inner_check(got bytes) ->
    [errors]) with next header 4 / 41 and RFC padding; the decrypted packet's
    checksums are verified too."""
    inner_b = bytes(inner)
    want_nh = 4 if inner_b[0] >> 4 == 4 else 41
    pkt = from_port(port, dst_mac) / outer / \
        ESP(spi=sa.spi, seq=seq, data=b"\0" * (esp_len(len(inner_b)) - HDR))
    why = _Why(f"ESP that decrypts with SA {sa.id} to the expected packet")
    cache = {}

    def pred(data):
        key = bytes(data)
        if key not in cache:
            got, nh, errs = open_esp(sa, struct.pack("!II", sa.spi, seq) + key, esn_hi)
            if got is not None:
                if nh != want_nh:
                    errs.append(f"next header {nh}, expected {want_nh}")
                errs += inner_check(got) if inner_check else \
                    _diff_bytes(inner_b, got, "decrypted packet")
                et = b"\x08\x00" if got[:1] and got[0] >> 4 == 4 else b"\x86\xdd"
                errs += [f"decrypted {m}" for m in checksum_errors(b"\0" * 12 + et + got)]
            cache[key] = errs
        why.last = cache[key]
        return not why.last

    chk = dict(checks or {})
    chk["ESP.data"] = (pred, why)
    e = Exp(pkt, port, ignore=ignore, checks=chk, tag=tag,
            desc=desc or f"ESP SPI {sa.spi:#x} seq {seq}")
    e.esp = (sa, seq, inner_b, esn_hi)  # what a correct sender sends: for --self-test
    return e


# ---------------------------------------------------------------------------
# Scenario checks
# ---------------------------------------------------------------------------

def seq_order_check(port, spis):
    """A post-check: per SPI, the ESP packets on `port` carry 1, 2, 3 ... in the
    order they were sent (RFC 4303 3.3.3: the sender counts from 1)."""
    def chk(res):
        errs, seen = [], {s: 0 for s in spis}
        for n, g in enumerate(res.pkts.get(port, [])):
            if ESP not in g:
                continue
            s, q = g[ESP].spi, g[ESP].seq
            if s not in seen:
                errs.append(f"{port} out #{n + 1}: SPI {s:#x} of no outbound SA here")
                continue
            if q != seen[s] + 1:
                errs.append(f"{port} out #{n + 1}: SPI {s:#x} seq {q} after {seen[s]}")
            seen[s] = q
        return errs
    chk.__name__ = f"esp_seq_order_{port}"
    return chk


def tshark_esp_check(port, want):
    """A post-check with tshark: every frame on `port` is ESP with an SPI of
    `want`, and want[spi] says where the ESP sits: "srh" (after an SRH, outer
    next header 43, routing next header 50) or "ipv6" (outer next header 50)."""
    def chk(res):
        errs = []
        for n, layers in enumerate(tshark_frames(res.pcap(port))):
            where = f"tshark {port} frame {n + 1}"
            e = first(layers.get("esp"))
            if not isinstance(e, dict) or "_ws.malformed" in layers:
                errs.append(f"{where}: no well-formed ESP ({json.dumps(e)[:60]})")
                continue
            spi = int(first(e).get("esp.spi", "0"), 16)
            if spi not in want:
                errs.append(f"{where}: esp.spi {spi:#x} unexpected")
                continue
            v6 = ipv6_layers(layers)
            outer = v6[0] if v6 else {}
            rt = outer.get("ipv6.routing")
            if want[spi] == "srh":
                if outer.get("ipv6.nxt") != "43" or rt is None or \
                        first(rt).get("ipv6.routing.nxt") != "50":
                    errs.append(f"{where}: expected IPv6 (43) / SRH (50) / ESP, got ipv6.nxt "
                                f"{outer.get('ipv6.nxt')} routing {json.dumps(rt)[:80]}")
            elif outer.get("ipv6.nxt") != "50" or rt is not None:
                errs.append(f"{where}: expected IPv6 (50) / ESP, got ipv6.nxt "
                            f"{outer.get('ipv6.nxt')}")
        return errs
    chk.__name__ = f"tshark_esp_{port}"
    return chk


def sa_list_check(want):
    """A post-check on ipsec.sa.list taken after the run: want = {id: {"packets":
    N, "drops": {reason: N}, "bytes_min": N}}; drop reasons not named must be
    0; no key in the answer. Needs the harness's Scenario.rpc_after (the
    scenario sets rpc_after = ["ipsec.sa.list"])."""
    def chk(res):
        if not hasattr(res, "rpc"):
            return ["the harness cannot call the socket after a run (Scenario.rpc_after, "
                    "Result.rpc): ipsec.sa.list counters not checked"]
        ans = res.rpc.get("ipsec.sa.list")
        if isinstance(ans, dict) and "error" in ans:
            return [f"ipsec.sa.list: {ans['error']}"]
        sas = ans.get("sas", ans) if isinstance(ans, dict) else ans
        if not isinstance(sas, list):
            return [f"ipsec.sa.list answered {json.dumps(ans)[:200]}"]
        errs = []
        by_id = {s.get("id"): s for s in sas}
        for s in sas:
            if "key" in s:
                errs.append(f"ipsec.sa.list: SA {s.get('id')} shows its key")
        for sid_, w in want.items():
            s = by_id.get(sid_)
            if s is None:
                errs.append(f"ipsec.sa.list: no SA {sid_}")
                continue
            if "packets" in w and s.get("packets") != w["packets"]:
                errs.append(f"SA {sid_}: packets {s.get('packets')}, expected {w['packets']}")
            if s.get("bytes", 0) < w.get("bytes_min", 0):
                errs.append(f"SA {sid_}: bytes {s.get('bytes')}, at least {w['bytes_min']} "
                            f"expected")
            drops = s.get("drops", {})
            for r in ("replay", "auth_failed", "malformed", "lifetime_expired"):
                if drops.get(r) != w.get("drops", {}).get(r, 0):
                    errs.append(f"SA {sid_}: drops.{r} {drops.get(r)}, expected "
                                f"{w.get('drops', {}).get(r, 0)}")
        return errs
    chk.__name__ = "ipsec_sa_list"
    return chk


def dt_targets(fl6=0):
    """The inbound ESP cases' customer packets: (SID, behaviour, inner IP header,
    the CE MAC it must leave to) for End.DT4 (harness.sid(7)) and End.DT6
    (sid(8)), each to the connected CE and through a VRF route (CE2)."""
    a, d = harness.sid(7), harness.sid(8)
    return [
        (a, "End.DT4", IP(src="172.16.20.5", dst=harness.CE_IP4, ttl=50), harness.CE_MAC),
        (a, "End.DT4", IP(src="172.16.20.5", dst="192.0.2.9", ttl=50), harness.CE2_MAC),
        (d, "End.DT6", IPv6(src="2001:db8:20::5", dst=harness.CE_IP6, hlim=50, fl=fl6),
         harness.CE_MAC),
        (d, "End.DT6", IPv6(src="2001:db8:20::5", dst="2001:db8:40::9", hlim=50),
         harness.CE2_MAC),
    ]


def dt_scenario(name, sa, inputs, expect, counts):
    """A scenario for dt_targets' packets protected by the inbound SA sa: the
    two SIDs, the VRF routes toward CE2, the SA; ipsec.sa.list must count
    every input."""
    cfg = harness.config(
        ("wan0", "ce0"),
        routes=[harness.ROUTE_REMOTE_PE,
                {"vrf": harness.VRF1, "prefix": "192.0.2.0/24",
                 "nexthops": [{"type": "ip", "via": harness.CE2_IP4, "port": "ce0"}]},
                {"vrf": harness.VRF1, "prefix": "2001:db8:40::/48",
                 "nexthops": [{"type": "ip", "via": harness.CE2_IP6, "port": "ce0"}]}],
        sids=[{"sid": harness.sid(7), "behavior": "End.DT4", "vrf": harness.VRF1},
              {"sid": harness.sid(8), "behavior": "End.DT6", "vrf": harness.VRF1}],
        extra=ipsec_config([sa]))
    sc = harness.Scenario(name, cfg, {"wan0": inputs}, expect, sid_packets=counts)
    return with_sa_list(sc, {sa.id: {"packets": len(inputs), "bytes_min": 1}})


def with_sa_list(sc, want):
    """Ask the harness for ipsec.sa.list after the run and check it (an
    attribute set after construction: harmless to a harness without it)."""
    sc.rpc_after = list(getattr(sc, "rpc_after", [])) + ["ipsec.sa.list"]
    sc.post_checks.append(sa_list_check(want))
    sc.sa_want = want
    return sc


# ---------------------------------------------------------------------------
# Self-test: these helpers against scapy and against the RFCs by hand
# ---------------------------------------------------------------------------

def _correct_output(e):
    """The frame a correct sender emits for an expect_esp Exp: the placeholder
    replaced by scapy's encryption (flow label 0x12345 in a masked inner one)."""
    sa, seq, inner, esn_hi = e.esp
    b = bytes(e.pkt)
    esp = e.pkt[ESP]
    head = bytearray(b[:len(b) - len(esp)])
    if "IPv6[0].fl" in e.checks:  # a computed flow label, one per flow
        fl = (zlib.crc32(repr(e.tag).encode()) & 0xFFFFF) or 1
        head[15:18] = ((head[15] & 0xF0) << 16 | fl).to_bytes(3, "big")
    head = bytes(head)
    cls = IP if inner[0] >> 4 == 4 else IPv6
    inn = cls(inner)
    if getattr(e, "masked_fl", False):
        inn.fl = 0x12345
    return Ether(head + encrypt(sa, inn, seq, esn_hi))


ESP_DROPS = ("esp_unknown_spi", "esp_auth_failed", "esp_replay", "esp_malformed",
             "esp_lifetime_expired")


def _simulate(sc, tmp, mangle=None):
    """harness.check on the outputs a correct srv6d would send (counters as the
    scenario expects them): the case's own checks must pass; mangle(outs)
    breaks them on purpose."""
    from scapy.all import wrpcap
    res = harness.Result(tmp)
    outs = {}
    for e in sc.expect:
        g = _correct_output(e) if hasattr(e, "esp") else Ether(bytes(e.pkt))
        outs.setdefault(e.port, []).append(g)
    if mangle:
        mangle(outs)
    for p in sc.config["ports"]:
        fr = outs.get(p["name"], [])
        if fr:
            wrpcap(res.pcap(p["name"]), fr)
        else:
            harness._write_pcap(res.pcap(p["name"]), [])
        res.out[p["name"]] = [bytes(f) for f in fr]
        res.pkts[p["name"]] = [Ether(b) for b in res.out[p["name"]]]
    drops = {r: 0 for r in ESP_DROPS}
    drops.update(sc.drops)
    res.stats = {"ports": [{"name": p, "tx_packets": len(v)} for p, v in res.out.items()],
                 "drops": drops,
                 "sids": [{"sid": s, "packets": n} for s, n in sc.sid_packets.items()]}
    res.port_list = [{"name": p["name"], "mac": p["mac"]} for p in sc.config["ports"]]
    res.rpc = {"ipsec.sa.list": [
        {"id": i, "packets": w.get("packets", 0), "bytes": w.get("bytes_min", 0),
         "drops": dict({"replay": 0, "auth_failed": 0, "malformed": 0,
                        "lifetime_expired": 0}, **w.get("drops", {}))}
        for i, w in getattr(sc, "sa_want", {}).items()]}
    return harness.check(sc, res)


def _self_test():
    import tempfile
    from scapy.all import wrpcap
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    fails = []

    def ok(cond, what):
        if not cond:
            fails.append(what)
        return cond

    v4 = IP(src="172.16.10.2", dst="172.16.20.5", ttl=63) / UDP(sport=1, dport=2)
    v6 = IPv6(src="2001:db8:1::2", dst="2001:db8:20::5", hlim=63, fl=7) / UDP(sport=1, dport=2)
    n = 0
    for aead in ("aes-gcm-128", "aes-gcm-256"):
        for esn in (False, True):
            for base in (v4, v6):
                for extra in range(6):   # every pad length 0..3
                    n += 1
                    sa = Sa(f"t{aead}{esn}", "out", 0x1000 + n, aead=aead,
                            replay_window=64 if esn else None, esn=esn)
                    inner = base / Raw(b"x" * extra)
                    ib = bytes(inner)
                    hi = 7 if esn else 0
                    esp = encrypt(sa, inner, seq=n, esn_hi=hi)
                    where = f"{aead} esn={esn} {'v4' if base is v4 else 'v6'} +{extra}"
                    ok(len(esp) == esp_len(len(ib)), f"{where}: ESP length {len(esp)}")
                    # 1. another, independent scapy SA decrypts it (standard use)
                    peer = SecurityAssociation(ESP, spi=sa.spi, crypt_algo="AES-GCM",
                                               crypt_key=sa.key, esn_en=esn,
                                               tunnel_header=IPv6(src="::1", dst="::2"))
                    got = peer.decrypt(IPv6(src="::1", dst="::2") / ESP(esp), esn=hi)
                    ok(bytes(got) == ib, f"{where}: scapy round trip")
                    # 2. RFC 4106 by hand with cryptography: nonce salt||IV, AAD SPI||seq
                    # (SPI||seq-hi||seq-lo with ESN), plaintext payload|pad|padlen|nh
                    key, salt = sa.key[:-4], sa.key[-4:]
                    p = pad_len(len(ib))
                    pt = ib + bytes(range(1, p + 1)) + bytes([p, 4 if base is v4 else 41])
                    aad = struct.pack("!III", sa.spi, hi, n) if esn else \
                        struct.pack("!II", sa.spi, n)
                    iv = _iv(n, hi)
                    hand = struct.pack("!II", sa.spi, n) + iv + \
                        AESGCM(key).encrypt(salt + iv, pt, aad)
                    ok(hand == esp, f"{where}: scapy's ESP differs from RFC 4106 by hand")
                    # 3. open_esp accepts it, and finds each fault
                    d, nh, errs = open_esp(sa, esp, hi)
                    ok(d == ib and not errs, f"{where}: open_esp {errs}")
                    bad = bytearray(esp)
                    bad[-1] ^= 1
                    ok(any("ICV" in m for m in open_esp(sa, bytes(bad), hi)[2]),
                       f"{where}: tampered ICV not caught")
                    if esn:
                        ok(any("ICV" in m for m in open_esp(sa, esp, hi + 1)[2]),
                           f"{where}: wrong ESN high bits not caught")
                    if p:
                        wrong = bytes(range(2, p + 2))
                        b2 = encrypt_raw(sa, n, ib, 4 if base is v4 else 41, padding=wrong,
                                         esn_hi=hi)
                        ok(any("padding" in m for m in open_esp(sa, b2, hi)[2]),
                           f"{where}: bad padding not caught")
                    b3 = encrypt_raw(sa, n, ib, 4 if base is v4 else 41,
                                     padding=bytes(range(1, p + 5)), esn_hi=hi)
                    ok(any("minimum" in m for m in open_esp(sa, b3, hi)[2]),
                       f"{where}: excess padding not caught")
                    b4 = encrypt_raw(sa, n, ib, 4, padding=b"", padlen=250, esn_hi=hi)
                    ok(open_esp(sa, b4, hi)[2], f"{where}: pad length 250 not caught")
                    ok(encrypt_raw(sa, n, ib, 4 if base is v4 else 41, esn_hi=hi) == esp,
                       f"{where}: encrypt_raw with RFC padding differs from encrypt")
    print(f"round trips, RFC 4106 by hand, faults: {n} packets")

    # the SRH splice: scapy dissects the frame, the ESP decrypts to the inner packet
    sa = Sa("splice", "in", 0x2000)
    for form in ("srh1", "srh3", "red"):
        fr = srv6_esp_frame(sa, "2001:db8:a:7::", v4, 5, form)
        g = Ether(bytes(fr))
        ok(ESP in g and g[ESP].spi == 0x2000 and g[ESP].seq == 5, f"splice {form}: no ESP")
        ok(g[IPv6].plen == len(bytes(fr)) - 14 - 40, f"splice {form}: payload length")
        if form != "red":
            ok(g[IPv6ExtHdrSegmentRouting].nh == 50 and g[IPv6].nh == 43,
               f"splice {form}: next headers")
        else:
            ok(g[IPv6].nh == 50, "splice red: next header")
        ok(open_esp(sa, bytes(g[ESP]))[0] == bytes(v4), f"splice {form}: decrypt")
        ok(not checksum_errors(bytes(fr)), f"splice {form}: checksums")

    # the judge: an Exp accepts the correct packet and names each fault
    out = Sa("judge", "out", 0x3000)
    inner = IP(src="172.16.10.2", dst="172.16.20.5", ttl=63) / UDP(sport=9, dport=9) / \
        Raw(b"abc")
    outer = IPv6(src=ENCAP_SRC, dst=B1, hlim=64) / srh([B1], nh=50)
    e = expect_esp("wan0", P1_MAC, outer, out, 3, inner)
    good = _correct_output(e)
    ok(not e.diff(good), f"judge: correct packet refused: {e.diff(good)}")
    ok(not checksum_errors(bytes(good)), "judge: checksums of the correct packet")
    head = bytes(good)[:len(bytes(good)) - len(bytes(good[ESP]))]

    def variant(esp_bytes):
        return Ether(head[:18] + struct.pack("!H", len(head) - 54 + len(esp_bytes)) +
                     head[20:] + esp_bytes)

    wrong_ttl = inner.copy()
    wrong_ttl[IP].ttl = 64
    cases = {
        "seq": variant(encrypt(out, inner, 4)),
        "inner": variant(encrypt(out, wrong_ttl, 3)),
        "icv": variant(bytes(good[ESP])[:-1] + b"\0"),
        "padding": variant(encrypt_raw(out, 3, bytes(inner), 4, padding=b"\1\2\3\4\5")),
        "nh": variant(encrypt_raw(out, 3, bytes(inner), 41)),
        "spi": variant(encrypt(Sa("judge", "out", 0x3001), inner, 3)),
    }
    for what, pkt in cases.items():
        d = e.diff(pkt)
        ok(d, f"judge: wrong {what} accepted")
        print(f"judge, wrong {what}: {d[0][:150]}")
    # a tshark look at the correct packet and at seq order
    with tempfile.TemporaryDirectory() as tmp:
        res = harness.Result(tmp)
        red = Ether(bytes(from_port("wan0", P1_MAC) / IPv6(src=ENCAP_SRC, dst=B1, nh=50) /
                          Raw(encrypt(out, inner, 4))))
        wrpcap(res.pcap("wan0"), [good, red])
        res.pkts["wan0"] = [good, red]
        if harness.shutil.which("tshark"):
            t = tshark_esp_check("wan0", {0x3000: "srh"})(res)
            ok(len(t) == 1 and "frame 2" in t[0], f"tshark check: {t}")
            t = tshark_esp_check("wan0", {0x3000: "ipv6"})(res)
            ok(len(t) == 1 and "frame 1" in t[0], f"tshark check: {t}")
        ok(seq_order_check("wan0", [0x3000])(res) ==
           ["wan0 out #1: SPI 0x3000 seq 3 after 0"], "seq order check")
    # the cases: every expected ESP packet accepts what a correct sender sends,
    # every input decrypts with its SA to a well-formed inner packet
    ncase = 0
    for name in harness.list_cases():
        if not name.startswith("ipsec_"):
            continue
        mod = harness.load_case(name)
        for sc in mod.scenarios():
            ncase += 1
            sas = {s["spi"]: s for s in sc.config.get("ipsec", {}).get("sas", [])}
            for e in sc.expect:
                if hasattr(e, "esp"):
                    g = _correct_output(e)
                    ok(not e.diff(g), f"{name}/{sc.name} {e.desc}: {e.diff(g)[:3]}")
                    ok(not checksum_errors(bytes(g)), f"{name}/{sc.name} {e.desc}: checksums")
            clean = faulty = 0
            for port, frames in sc.inputs.items():
                for fr in frames:
                    g = Ether(bytes(fr))
                    ok(not checksum_errors(bytes(fr)), f"{name}/{sc.name}: input checksums")
                    ok(g.src != MAC.get(port), f"{name}/{sc.name}: input from our own MAC")
                    c = sas.get(g[ESP].spi) if ESP in g else None
                    if c and c["direction"] == "in":
                        peer = Sa(c["id"], "in", c["spi"], aead=c["aead"], esn=c.get("esn"))
                        peer.key = bytes.fromhex(c["key"])
                        d, _, errs = open_esp(peer, bytes(g[ESP]))
                        if d is None or errs:
                            faulty += 1
                        else:
                            clean += 1
                            ok(not checksum_errors(b"\0" * 12 + (b"\x08\x00" if d[0] >> 4 == 4
                                                                 else b"\x86\xdd") + d),
                               f"{name}/{sc.name}: decrypted input checksums")
            if name != "ipsec_bad":
                ok(not faulty, f"{name}/{sc.name}: {faulty} inputs do not decrypt")
            with tempfile.TemporaryDirectory() as tmp:
                errs = _simulate(sc, tmp)
                ok(not errs, f"{name}/{sc.name}: a correct srv6d would fail: {errs[:4]}")
            for port in {e.port for e in sc.expect}:
                def drop_last(outs, port=port):
                    outs[port].pop()
                with tempfile.TemporaryDirectory() as tmp:
                    ok(_simulate(sc, tmp, drop_last),
                       f"{name}/{sc.name}: a missing packet on {port} passes")
            if any(hasattr(e, "esp") for e in sc.expect):
                def swap(outs):
                    w = outs["wan0"]
                    w[0], w[1] = w[1], w[0]
                with tempfile.TemporaryDirectory() as tmp:
                    errs = _simulate(sc, tmp, swap)
                    ok(any("seq" in m for m in errs),
                       f"{name}/{sc.name}: two ESP packets swapped pass: {errs}")
            print(f"case {name}/{sc.name}: {len(sc.expect)} expected, "
                  f"{sum(len(v) for v in sc.inputs.values())} inputs ({clean} ESP decrypt "
                  f"cleanly, {faulty} do not), SPIs {', '.join(hex(s) for s in sas)}")
    ok(ncase > 0, "no ipsec_* case found")
    for f in fails:
        print(f"FAIL {f}")
    print("self-test:", "FAILED" if fails else "ok")
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(_self_test())
    print(__doc__.strip())
    sys.exit(2)
