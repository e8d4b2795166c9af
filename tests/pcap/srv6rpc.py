#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Tiny JSON-RPC 2.0 client for srv6d's control socket, for the pcap and api
tests and the benchmarks (single requests and atomic batches).

One JSON text per line in each direction (NDJSON), as doc/api.md says. It
shares no code with srv6ctl or the daemon on purpose.

  srv6rpc.py SOCKET METHOD ['PARAMS-JSON']     prints the result, exit 1 on error
"""
import json
import socket
import sys


class RpcError(Exception):
    def __init__(self, method, error):
        self.method = method
        self.error = error
        super().__init__(f"{method}: {json.dumps(error)}")


class Rpc:
    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.rfile = self.sock.makefile("rb")
        self.next_id = 1

    def request(self, method, params=None):
        """The request object for method, with the next id."""
        req = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        self.next_id += 1
        if params is not None:
            req["params"] = params
        return req

    def exchange(self, line, what):
        """Send one encoded line; the parsed answer, notifications skipped."""
        self.sock.sendall(line)
        while True:
            raw = self.rfile.readline()
            if not raw:
                raise ConnectionError(f"{what}: connection closed without a response")
            resp = json.loads(raw)
            # skip notifications (we never subscribe, but be tolerant)
            if isinstance(resp, dict) and "id" not in resp and resp.get("method") == "event":
                continue
            return resp

    def batch(self, reqs):
        """One atomic batch of (method, params); the answers in request order."""
        objs = [self.request(m, p) for m, p in reqs]
        resp = self.exchange(json.dumps(objs).encode() + b"\n", "batch")
        if not isinstance(resp, list):
            raise ConnectionError(f"batch: answered {json.dumps(resp)[:200]}")
        by_id = {r.get("id"): r for r in resp}
        return [by_id.get(o["id"], {}) for o in objs]

    def call(self, method, params=None):
        req = self.request(method, params)
        resp = self.exchange(json.dumps(req).encode() + b"\n", method)
        if resp.get("id") != req["id"]:
            raise ConnectionError(f"{method}: response id {resp.get('id')} != {req['id']}")
        if "error" in resp:
            raise RpcError(method, resp["error"])
        return resp.get("result")

    def close(self):
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    params = json.loads(argv[3]) if len(argv) > 3 else None
    try:
        with Rpc(argv[1]) as r:
            print(json.dumps(r.call(argv[2], params), indent=2))
    except RpcError as e:
        print(e, file=sys.stderr)
        return 1
    except (OSError, ConnectionError, ValueError) as e:
        print(f"srv6rpc.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
