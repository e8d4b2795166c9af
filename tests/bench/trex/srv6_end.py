# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""TRex v3.x stateless profile: srv6d benchmark case 'end'.

Transit SRv6 traffic (SRH, Segments Left > 0) to the DUT's End SID: srv6d
advances the segment and forwards out of the core port.

TRex console (tunables last, in argparse form, no '=' in the line):
  start -f tests/bench/trex/srv6_end.py -p 0 -m 10mpps -d 30 -t --segs 3 --family 6 --size imix
  start -f tests/bench/trex/srv6_end.py -t --help      (every tunable)
Tunables, packets and the DUT configuration: tests/bench/trex/README.md.
Untested here: TRex is not installed on the project's machines; the packets
are checked by 'srv6_pkts.py --check'.
"""

import srv6_stl


class Srv6Profile(object):
    def get_streams(self, tunables=None, **kwargs):
        # kwargs: direction, port_id (TRex passes them; the case does not
        # depend on them: load the profile on the port facing the DUT).
        return srv6_stl.streams(tunables, "end", __file__)


def register():
    return Srv6Profile()
