#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""srv6ctl's per-method help, and that its examples work: for every method of
the catalogue (the "Methods" of `srv6ctl help`, as the bash completion reads
them, each checked to be bound in the running srv6d), `srv6ctl help METHOD`
and `srv6ctl OBJECT VERB --help` exit 0 and print a usage line and an
example section; then every example line is run, as printed, through bash
against a srv6d whose configuration has the ports, VRF and locator the
examples name, and must exit 0.
Exit 0 pass, 1 fail, 77 skip (srv6d or srv6ctl not built, no bash)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from apitest import check, failures, srv6d_path, start_srv6d_json, stop_srv6d  # noqa: E402
from srv6rpc import Rpc, RpcError  # noqa: E402

SRV6CTL_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(srv6d_path()))),
                           "app", "srv6ctl")
SRV6CTL = os.path.join(SRV6CTL_DIR, "srv6ctl")

# What the examples take as given: PE1 with its WAN port wan0 toward the core
# (neighbour 2001:db8:0:12::2), a customer port ce-blue in VRF blue, an
# l2vpn bridge port ce-lan, and the locator MAIN fc00:1::/48. The rest (VRF red, locator LOC2, SIDs, SAs,
# routes) the examples add themselves, and delete again.
CONFIG = {
    "ports": [{"name": "wan0", "device": "net_null0,no-rx=1", "vrf": "default",
               "addresses": ["2001:db8:0:12::1/64"]},
              {"name": "ce-blue", "device": "net_null1,no-rx=1", "vrf": "blue",
               "addresses": ["10.1.0.1/24"]},
              {"name": "ce-lan", "device": "net_null2,no-rx=1", "vrf": "default",
               "addresses": [], "l2vpn": {"peers": [
                   {"address": "2001:db8:0:12::2", "segments": ["fc00:2:0:d2::"]}]}}],
    "encap": {"source": "2001:db8:0:12::1"},
    "locators": [{"name": "MAIN", "prefix": "fc00:1::/48", "block_len": 32,
                  "node_len": 16, "func_len": 16}],
    "vrfs": [{"name": "blue", "table": 10}],
}

# The ipsec.sa.add examples read the key from standard input, out of "$KEY"
# (an AES-128 key and its salt: 40 hex digits), as an operator's would.
KEY = "0123456789abcdef0123456789abcdef01234567"

# The order the examples run in: what an example names exists by then
# (a VRF, locator, neighbour or SA added by an earlier one), lists and gets
# after the adds, "events subscribe" listens while the deletes make route
# and SID events, deletes in reverse dependency order. Last the destructive
# ones: "config save" overwrites the --config file (and writes a backup),
# "config reload" then makes the running configuration that file's (here
# the same: nothing changes, but it is really run). A catalogue method not
# listed here fails the test: give it a place, and an example that works.
ORDER = [
    "system.info", "port.list", "port.set", "vrf.list", "vrf.add",
    "locator.list", "locator.add", "encap.get", "encap.set",
    "hmac.key.add", "hmac.key.list", "policy.add", "policy.list",
    "neighbor.add", "neighbor.list", "sid.add", "sid.alloc", "sid.list",
    "oam.ping", "oam.trace", "oam.get",
    "ipsec.sa.add", "ipsec.sa.list",
    "route.add", "route.get", "route.list", "route.sync_begin", "route.sync_end",
    "stats.get", "stats.reset",
    "capture.start", "capture.list", "capture.stop",
    "l2vpn.mac.list",
    "config.get",
    "events.subscribe",
    "route.del", "sid.del", "neighbor.del", "ipsec.sa.del", "policy.del", "hmac.key.del", "locator.del",
    "vrf.del",
    "config.save", "config.reload",
]
# run in the background while the examples of these make its events
SUBSCRIBE_WHILE = ["route.del", "sid.del"]


def srv6ctl(*args, timeout=30):
    r = subprocess.run([SRV6CTL] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout, r.stderr


def catalogue():
    """The methods of `srv6ctl help`, as the bash completion reads them."""
    rc, out, _ = srv6ctl("help")
    methods, inside = [], False
    for line in out.split("\n"):
        if line.startswith("Methods"):
            inside = True
        elif inside and line.startswith("  ") and line[2:3].isalpha():
            methods.append(line.split()[0])
    return rc, methods


def sections(text):
    """A help page's sections: {"usage": [lines], "params": [...], ...}."""
    out, cur = {}, None
    for line in text.split("\n"):
        if line and not line.startswith(" ") and line.endswith(":"):
            cur = line[:-1]
            out[cur] = []
        elif cur is not None and line.startswith("  "):
            out[cur].append(line.strip())
    return out


def command_words(example):
    """The words after "srv6ctl" and its global options."""
    words = example.split()
    if "srv6ctl" not in words:
        return []
    words = words[words.index("srv6ctl") + 1:]
    while words and words[0].startswith("--"):
        words = words[2:] if words[0] in ("--socket", "--timeout", "--params") else words[1:]
    return words


def check_help(method):
    """help METHOD and OBJECT VERB --help; the example lines."""
    words = method.split(".")
    rc, out, err = srv6ctl("help", method)
    sec = sections(out)
    usage = [x for x in sec.get("usage", []) if x.startswith("srv6ctl ")]
    examples = sec.get("example", [])
    check(rc == 0 and out.startswith(method + ": ") and not err,
          "srv6ctl help %s: exit 0, first line '%s: ...' (exit %d%s)"
          % (method, method, rc, ", stderr: " + err.strip() if err else ""))
    check(len(usage) >= 1, "help %s: a usage line %s" % (method, usage[:1]))
    check(len(examples) >= 1 and all("srv6ctl " in x for x in examples),
          "help %s: %d example line(s), each a srv6ctl command" % (method, len(examples)))
    check(list(sec)[-1:] == ["example"],
          "help %s: the example comes last (sections %s)" % (method, list(sec)))
    for x in examples:
        check(command_words(x)[:len(words)] == words,
              "help %s: the example is a '%s' command: %s" % (method, " ".join(words), x))
    rc2, out2, err2 = srv6ctl(*words, "--help")
    check(rc2 == 0 and out2 == out and not err2,
          "srv6ctl %s --help: exit 0, the same page (exit %d)" % (" ".join(words), rc2))
    return examples


def example_env(sock):
    return dict(os.environ, PATH=SRV6CTL_DIR + os.pathsep + os.environ.get("PATH", ""),
                SRV6CTL_SOCKET=sock, KEY=KEY)


def localise(example, work):
    """/tmp/ paths (a capture's pcap, a config backup) go into the test's own
    folder: the line is otherwise run as printed."""
    return example.replace("/tmp/", work + "/")


def run_example(method, example, work, sock):
    line = localise(example, work)
    t0 = time.monotonic()
    r = subprocess.run(["bash", "-o", "pipefail", "-c", line], cwd=work,
                       env=example_env(sock), capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and not r.stderr,
          "%s: `%s` exits 0 (%d, %.2f s)%s" % (method, example, r.returncode,
                                              time.monotonic() - t0,
                                              "; stderr: " + r.stderr.strip()[:300]
                                              if r.stderr else ""))
    return r


class Subscriber:
    """An events.subscribe example in the background, its lines collected."""

    def __init__(self, example, work, sock):
        self.example = example
        self.lines = []
        self.proc = subprocess.Popen(["bash", "-c", localise(example, work)], cwd=work,
                                     env=example_env(sock), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_lines(self, n, timeout):
        deadline = time.monotonic() + timeout
        while len(self.lines) < n and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.05)
        return len(self.lines) >= n

    def stop(self):
        """^C, as an operator ends it: srv6ctl exits 0."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            rc = self.proc.wait()
        self.reader.join(timeout=5)
        return rc, self.proc.stderr.read()


def main():
    if not (os.access(srv6d_path(), os.X_OK) and os.access(SRV6CTL, os.X_OK)):
        print("skip: srv6d or srv6ctl not built")
        return 77
    if not shutil.which("bash"):
        print("skip: no bash")
        return 77

    # the overall help: both spellings, exit 0, pointing at help METHOD
    rc, out, err = srv6ctl("--help")
    rc2, out2, _ = srv6ctl("help")
    check(rc == 0 and rc2 == 0 and out == out2 and "Methods (* required):" in out and not err,
          "srv6ctl --help and srv6ctl help: exit 0, the same text (%d, %d)" % (rc, rc2))
    check("help METHOD" in out and "example" in out,
          "srv6ctl --help says that help METHOD shows an example")
    rc, _, err = srv6ctl("help", "no.such")
    check(rc == 1 and "unknown method" in err, "srv6ctl help no.such: exit 1 (%d)" % rc)

    rc, methods = catalogue()
    check(rc == 0 and len(methods) >= 30, "the catalogue: %d methods" % len(methods))
    unplaced = [m for m in methods if m not in ORDER]
    check(not unplaced, "every method has a place in the run order (not: %s)" % unplaced)

    examples = {m: check_help(m) for m in methods}
    print("%d methods, %d example lines" % (len(methods),
                                            sum(len(x) for x in examples.values())))

    with tempfile.TemporaryDirectory(prefix="srv6d-help-") as work:
        proc, sock, cfg = start_srv6d_json(work, "srv6d", CONFIG, f"help{os.getpid()}")
        if proc is None:
            return 1
        try:
            # The running srv6d knows each method: a request with a key no
            # method has is refused as invalid params (-32602), not as an
            # unknown method (-32601), and before any handler runs.
            with Rpc(sock, timeout=30) as rpc:
                def probe(m):
                    try:
                        rpc.call(m, {"help_test_probe": 1})
                        return 0
                    except RpcError as e:
                        return e.error.get("code")
                check(probe("no.such") == -32601, "srv6d: no.such is an unknown method")
                unbound = [m for m in methods if probe(m) != -32602]
                check(not unbound, "srv6d has every method of the catalogue (%d; not: %s)"
                      % (len(methods), unbound))

            sub = None
            for m in [m for m in ORDER if m in methods]:
                if m == "events.subscribe":
                    # streams until ^C: started here, its events checked below
                    check(len(examples[m]) >= 1, "events.subscribe has an example")
                    if examples[m]:
                        sub = Subscriber(examples[m][0], work, sock)
                        check(sub.wait_lines(1, 10), "`%s` answers: %s"
                              % (sub.example, sub.lines[:1]))
                    continue
                for x in examples[m]:
                    run_example(m, x, work, sock)
                if m == "capture.start":
                    check(os.path.exists(localise("/tmp/wan0.pcap", work)) or
                          not any("/tmp/wan0.pcap" in x for x in examples[m]),
                          "the capture writes its pcap file")
                if sub is not None and m == SUBSCRIBE_WHILE[-1]:
                    topics = {"route", "sid"}
                    deadline = time.monotonic() + 10
                    while (time.monotonic() < deadline and
                           not all(any(ln.startswith(t + " ") for ln in sub.lines[1:])
                                   for t in topics)):
                        time.sleep(0.05)
                    rc, err = sub.stop()
                    check(all(any(ln.startswith(t + " ") for ln in sub.lines[1:])
                              for t in topics),
                          "`%s` printed the deletes' route and sid events: %s"
                          % (sub.example, sub.lines[1:4]))
                    check(rc == 0 and not err, "`%s` ends with ^C, exit 0 (%d%s)"
                          % (sub.example, rc, ", " + err.strip() if err else ""))
                    sub = None
            if sub is not None:
                sub.stop()
                check(False, "the subscriber ran while %s" % SUBSCRIBE_WHILE)
            # What the examples added they deleted again, and the daemon is fine.
            with Rpc(sock, timeout=30) as rpc:
                vrfs = sorted(v["name"] for v in rpc.call("vrf.list"))
                locs = sorted(loc["name"] for loc in rpc.call("locator.list"))
                caps = rpc.call("capture.list")
            check("red" not in vrfs and "LOC2" not in locs,
                  "after the deletes: VRFs %s, locators %s" % (vrfs, locs))
            check(all(not c.get("running") for c in caps),
                  "no capture still running: %s" % caps)
            check(os.path.exists(localise("/tmp/srv6d-backup.json", work)) or
                  "config.save" not in methods, "config save wrote its backup file")
        finally:
            rc = stop_srv6d(proc)
            check(rc == 0, "srv6d stopped with status 0 (%d)" % rc)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
