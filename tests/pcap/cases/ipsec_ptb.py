# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Path MTU with ESP: the too-big errors for customer packets that would not
fit wan0 once encapsulated and protected, and the ESP packets of those that do.

Every number below comes from the RFCs, not from srv6d:

  E    what H.Encaps adds (RFC 8200 3, RFC 8754 2): 40 + 8 + 16 per segment
  ESP  RFC 4303 2 with AES-GCM (RFC 4106 3): SPI 4 + sequence number 4 + IV 8
       + pad length 1 + next header 1 + ICV 16 = 34 bytes, plus 0..3 bytes of
       padding so that payload + padding + 2 ends on a 4-byte boundary
  P    what ESP protects: mode srv6, the customer packet (ESP after the SRH);
       mode tunnel, the whole SRv6 packet, E + customer
  wire mode srv6: E + 34 + P + pad(P); mode tunnel: 40 (outer IPv6) + 34 +
       P + pad(P). A customer packet fits when wire <= wan0's MTU.

The MTU srv6d announces (doc/api.md "IPsec", issue 9) leaves room for the
worst-case padding: port MTU - E - (34 + 3) - (tunnel: 40). As the wire length
never decreases with the customer length, every packet up to the announced MTU
fits, and so do up to 3 bytes more, depending on the MTU modulo 4; the first
size that does not fit gets the error. Scenarios: wan0 MTU 1500, 1501, 1502
and 1503, so that the packet at the announced MTU needs each of the padding
lengths 3, 2, 1, 0, and that at 1503 one byte over the announced MTU is
already too big. In each, four VRF routes toward the remote PE: mode srv6
with 1 and 3 segments (one SA each) and mode tunnel (IPv6 outer) with 1 and 3
segments (one SA). Per route:

  (a) IPv6 customer packets from the announced MTU up to the largest that
      fits: each one ESP packet on wan0 (no longer than the MTU, decrypted by
      scapy to the expected packet, esp.py), sequence numbers 1, 2, 3 ...;
  (b) IPv6 one byte over that: ICMPv6 Packet Too Big from our ce0 address
      with MTU = the announced value, quoting the customer packet in clear
      (RFC 4443 3.2), nothing on wan0;
  (c) IPv4 with DF at the announced MTU: ESP; one byte over the largest that
      fits: ICMP fragmentation needed (RFC 792, RFC 1191) with next-hop MTU =
      the announced value;
  (d) IPv4 without DF at the announced MTU: ESP; one byte over what fits:
      dropped (mtu_exceeded), nothing sent anywhere.

ipsec.sa.list counts only the packets that went out protected.
"""
from harness import *  # noqa: F401,F403
from esp import (HDR, ICV, IV, Sa, esp_len, expect_esp, ipsec_config, mask_outer_flowlabel,
                 pad_len, seq_order_check, tshark_esp_check, with_sa_list)

IPV6_HDR, SRH_FIXED, SEG = 40, 8, 16
ESP_FIXED = HDR + IV + 1 + 1 + ICV   # RFC 4303 2: everything but the padding
PAD_WORST = 3                        # RFC 4303 2.4: 4-byte alignment
MTUS = (1500, 1501, 1502, 1503)      # every residue mod 4; all announced values >= 1280
NON_ZERO_FL = {"IPv6[0].fl": (lambda v: v != 0, "non-zero (flowlabel compute)")}


def encap_len(segs):
    """H.Encaps' headers: IPv6 and an SRH (always one, even for one segment)."""
    return IPV6_HDR + SRH_FIXED + SEG * len(segs)


def wire_len(mode, segs, size):
    """The ESP packet (without Ethernet) for a customer packet of `size` bytes."""
    e = encap_len(segs)
    if mode == "srv6":
        return e + ESP_FIXED + size + pad_len(size)
    return IPV6_HDR + ESP_FIXED + (e + size) + pad_len(e + size)


def announced(mode, segs, mtu):
    return mtu - encap_len(segs) - (ESP_FIXED + PAD_WORST) - (IPV6_HDR if mode == "tunnel" else 0)


def largest_fit(mode, segs, mtu):
    """The largest customer packet whose ESP packet fits `mtu`, by trying sizes
    (no closed form to share a mistake with announced())."""
    size = 0
    while wire_len(mode, segs, size + 1) <= mtu:
        size += 1
    return size


def customer(dst, v6, size, k, df=True):
    """A UDP customer packet of exactly `size` bytes (IP total length)."""
    if v6:
        ip = IPv6(src=CE_IP6, dst=dst, hlim=64)
        hdr = 40 + 8
    else:
        ip = IP(src=CE_IP4, dst=dst, ttl=64, id=k, flags="DF" if df else 0)
        hdr = 20 + 8
    fr = to_port("ce0", CE_MAC) / ip / UDP(sport=23000 + k, dport=9) / \
        Raw(bytes([k & 0xFF]) * (size - hdr))
    assert len(fr) - 14 == size
    return fr


def wan_size_check(port, mtu):
    """A post-check: no frame on `port` longer than its MTU (without Ethernet)."""
    def chk(res):
        return [f"{port} out #{n + 1}: {len(b) - 14} bytes, MTU {mtu}"
                for n, b in enumerate(res.out.get(port, [])) if len(b) - 14 > mtu]
    chk.__name__ = f"size_{port}_{mtu}"
    return chk


def build(mtu):
    s1 = Sa("ptb-srv6-1", "out", 0x6001)
    s3 = Sa("ptb-srv6-3", "out", 0x6003)
    tun = Sa("ptb-tunnel", "out", 0x6010, mode="tunnel", tunnel=(WAN0_IP6, REMOTE_PE))
    dests = [  # (IPv6 prefix, IPv4 prefix, net index, segments, SA)
        ("2001:db8:20::/48", "172.16.20.0/24", 20, [B1], s1),
        ("2001:db8:30::/48", "172.16.30.0/24", 30, [B1, B2, B3], s3),
        ("2001:db8:40::/48", "172.16.40.0/24", 40, [B1], tun),
        ("2001:db8:50::/48", "172.16.50.0/24", 50, [B1, B2, B3], tun),
    ]
    routes = [ROUTE_REMOTE_PE]
    seq = {s1.id: 0, s3.id: 0, tun.id: 0}
    inputs, expect = [], []
    drops = 0
    for p6, p4, net, segs, sa in dests:
        routes += [{"vrf": VRF1, "prefix": p, "nexthops": [{"type": "srv6", "segments": segs,
                                                             "ipsec_sa": sa.id}]}
                   for p in (p6, p4)]
        mode = sa.mode
        ann = announced(mode, segs, mtu)
        top = largest_fit(mode, segs, mtu)
        # the worst-case padding is what makes every size up to ann fit, and
        # it costs at most those 3 bytes
        assert wire_len(mode, segs, ann) <= mtu and ann <= top <= ann + PAD_WORST, (ann, top)
        assert ann >= 1280, "IPv6 hosts ignore a Packet Too Big below 1280 (RFC 8201 4)"
        where = f"{mode} {len(segs)} seg, MTU {mtu}"
        plan = [(True, s, True) for s in range(ann, top + 2)] + \
            [(False, ann, True), (False, top + 1, True), (False, ann, False),
             (False, top + 1, False)]
        for v6, size, df in plan:
            k = len(inputs) + 1
            dst = f"2001:db8:{net}::5" if v6 else f"172.16.{net}.5"
            fr = customer(dst, v6, size, k, df)
            inputs.append(fr)
            fam = "IPv6" if v6 else ("IPv4 DF" if df else "IPv4")
            if size <= top:
                seq[sa.id] += 1
                if mode == "srv6":
                    hdr = IPv6(src=ENCAP_SRC, dst=segs[0], hlim=64, nh=43) / \
                        srh(segs, nh=50)
                    e = expect_esp("wan0", P1_MAC, hdr, sa, seq[sa.id], forwarded(fr),
                                   checks=NON_ZERO_FL, tag=("fl", net),
                                   desc=f"{where}: {fam} {size} bytes (announced {ann}) "
                                        f"as ESP seq {seq[sa.id]}")
                else:
                    inner = h_encaps(forwarded(fr), segs, fl=0)
                    e = expect_esp("wan0", P1_MAC, IPv6(src=sa.tunnel[0], dst=sa.tunnel[1],
                                                        hlim=64, nh=50),
                                   sa, seq[sa.id], inner, inner_check=mask_outer_flowlabel(inner),
                                   ignore=["IPv6[0].tc", "IPv6[0].fl"],
                                   desc=f"{where}: {fam} {size} bytes (announced {ann}) "
                                        f"as ESP seq {seq[sa.id]}")
                    e.masked_fl = True
                # esp.py's length and ours agree, and the packet fits
                assert len(e.pkt) - 14 == wire_len(mode, segs, size) <= mtu
                expect.append(e)
                continue
            drops += 1
            if v6:
                expect.append(icmp6_error("ce0", CE_MAC, CE0_IP6, CE_IP6,
                                          ICMPv6PacketTooBig(mtu=ann), fr,
                                          desc=f"{where}: PTB mtu {ann} for {size} bytes"))
            elif df:
                expect.append(icmp4_error("ce0", CE_MAC, CE0_IP4, CE_IP4,
                                          ICMP(type=3, code=4, nexthopmtu=ann), fr,
                                          desc=f"{where}: frag needed mtu {ann} for {size} "
                                               f"bytes"))
    cfg = config(("wan0", "ce0"), routes=routes, port_extra={"wan0": {"mtu": mtu}},
                 extra=ipsec_config([s1, s3, tun]))
    sc = Scenario(f"mtu{mtu}", cfg, {"ce0": inputs}, expect, drops={"mtu_exceeded": drops},
                  post_checks=[wan_size_check("wan0", mtu),
                               seq_order_check("wan0", [s1.spi, s3.spi, tun.spi]),
                               tshark_esp_check("wan0", {s1.spi: "srh", s3.spi: "srh",
                                                         tun.spi: "ipv6"})])
    return with_sa_list(sc, {i: {"packets": n, "bytes_min": 1} for i, n in seq.items()})


def scenarios():
    # the packet at the announced MTU needs padding 3, 2, 1, 0 in turn
    assert sorted(pad_len(announced("srv6", [B1], m)) for m in MTUS) == [0, 1, 2, 3]
    # esp.py's ESP length (the judge's placeholder) is the same arithmetic
    assert all(esp_len(n) == ESP_FIXED + n + pad_len(n) for n in range(8))
    return [build(m) for m in MTUS]
