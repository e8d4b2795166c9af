#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The srv6d authors
"""Minimal JSON-RPC 2.0 client for srv6d's control socket (independent of srv6ctl).

  rpc.py --socket SOCK METHOD ['{"params": ...}']   one request, prints the response line
  rpc.py --socket SOCK --raw 'JSON TEXT'           sends the text as is (batches: a JSON array)
  rpc.py --socket SOCK --lines                      one JSON text per stdin line, one connection,
                                                    prints one response line per request
Exit status: 0 when every response has no "error" member (for a batch: no element has one),
1 otherwise, 2 on a transport error.
"""
import argparse, json, socket, sys


def call(sock, f, text):
    sock.sendall(text.encode() + b"\n")
    line = f.readline()
    if not line:
        raise ConnectionError("connection closed without a response")
    return line.decode().rstrip("\n")


def is_ok(resp_text):
    resp = json.loads(resp_text)
    items = resp if isinstance(resp, list) else [resp]
    return all("error" not in r for r in items)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--raw", action="store_true", help="argument is a full JSON text")
    ap.add_argument("--lines", action="store_true", help="read JSON texts from stdin")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("method", nargs="?")
    ap.add_argument("params", nargs="?")
    a = ap.parse_args()
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(a.timeout)
        s.connect(a.socket)
        f = s.makefile("rb")
        ok = True
        if a.lines:
            for n, text in enumerate(sys.stdin):
                text = text.strip()
                if not text:
                    continue
                resp = call(s, f, text)
                print(resp, flush=True)
                ok = is_ok(resp) and ok
        else:
            if a.raw:
                text = a.method
            else:
                req = {"jsonrpc": "2.0", "id": 1, "method": a.method}
                if a.params:
                    req["params"] = json.loads(a.params)
                text = json.dumps(req)
            resp = call(s, f, text)
            print(resp)
            ok = is_ok(resp)
        s.close()
    except (OSError, ConnectionError, ValueError) as e:
        print(f"rpc.py: {e}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
