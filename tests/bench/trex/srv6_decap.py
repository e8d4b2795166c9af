# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""TRex v3.x stateless profile: srv6d benchmark case 'decap'.

SRv6 traffic from remote PEs into the DUT's core port: srv6d decapsulates (End.DT46;
--srh sl1: End then End.DT46, none: no SRH). --outer single: one outer
source/destination pair (one remote PE; NIC RSS puts it on one queue).

TRex console (tunables last, in argparse form, no '=' in the line):
  start -f tests/bench/trex/srv6_decap.py -p 0 -m 10mpps -d 30 -t --outer single --outer_fl zero --srh sl0 --flows 4096
  start -f tests/bench/trex/srv6_decap.py -t --help      (every tunable)
Tunables, packets and the DUT configuration: tests/bench/trex/README.md.
Untested here: TRex is not installed on the project's machines; the packets
are checked by 'srv6_pkts.py --check'.
"""

import srv6_stl


class Srv6Profile(object):
    def get_streams(self, tunables=None, **kwargs):
        # kwargs: direction, port_id (TRex passes them; the case does not
        # depend on them: load the profile on the port facing the DUT).
        return srv6_stl.streams(tunables, "decap", __file__)


def register():
    return Srv6Profile()
