#!/usr/bin/python3
"""Idle keep-alive clients: opens COUNT connections to HOST:PORT, sends one GET on each, reads its
response, then holds every connection open and idle until stdin closes (or --hold seconds pass).

    idle-clients.py HOST PORT COUNT [--path /64B] [--source 127.0.0.1] [--hold 600]

Prints "ready N" once N connections got their response and are idle ("ready 0" and exit 1 when
none did), then "open M" when stdin closes: how many the server had not closed meanwhile. One
process holds at most what its file limit allows; run several for more (the compare script does).
"""
import argparse
import selectors
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("count", type=int)
    ap.add_argument("--path", default="/64B")
    ap.add_argument("--source", default=None, help="local address to connect from")
    ap.add_argument("--hold", type=float, default=600.0, help="seconds to hold at most")
    ap.add_argument("--deadline", type=float, default=60.0, help="seconds to get every connection ready")
    args = ap.parse_args()

    request = f"GET {args.path} HTTP/1.1\r\nHost: {args.host}\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    pending = {}  # socket -> bytes received so far
    ready = []
    deadline = time.monotonic() + args.deadline
    opened = 0
    # Connect in batches so the listen backlog is never flooded.
    while (opened < args.count or pending) and time.monotonic() < deadline:
        while opened < args.count and len(pending) < 200:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if args.source:
                s.bind((args.source, 0))
            try:
                s.connect((args.host, args.port))
                s.sendall(request)
            except OSError as e:
                print(f"connect failed after {opened}: {e}", file=sys.stderr)
                s.close()
                args.count = opened
                break
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            pending[s] = b""
            opened += 1
        for key, _ in sel.select(timeout=1.0):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                del pending[s]
                continue
            got = pending[s] + data
            head_end = got.find(b"\r\n\r\n")
            if head_end >= 0:
                length = 0
                for line in got[:head_end].split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if len(got) >= head_end + 4 + length:
                    sel.unregister(s)
                    del pending[s]
                    ready.append(s)
                    continue
            pending[s] = got
    print(f"ready {len(ready)}", flush=True)
    if not ready:
        return 1
    for s in ready:
        sel.register(s, selectors.EVENT_READ)
    closed = 0
    sel.register(sys.stdin, selectors.EVENT_READ)
    end = time.monotonic() + args.hold
    while time.monotonic() < end:
        events = sel.select(timeout=min(5.0, max(0.0, end - time.monotonic())))
        if any(key.fileobj is sys.stdin for key, _ in events):
            if not sys.stdin.readline():
                break
        for key, _ in events:
            if key.fileobj is not sys.stdin:
                sel.unregister(key.fileobj)
                key.fileobj.close()
                closed += 1
    print(f"open {len(ready) - closed}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
