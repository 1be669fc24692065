#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pl_tcp.py: the TCP server and clients of the pl data-path selftests.

  server --name NAME [--port PORT]... [--log FILE] [--ready FILE]
      Listen (on every address) and answer each connection with one line,
      "NAME PEER-IP PEER-PORT": who the backend is, and whom it sees. Then
      serve commands, one per line, until the peer closes:
          echo TEXT    answer TEXT
          stream N     answer "stream N SHA256", then N random bytes
          sink N       read N bytes, answer "sink N SHA256" of them
          bye          close
      --log FILE gets one line per event: "open PEER-IP PEER-PORT" and
      "close PEER-IP PEER-PORT eof|reset|ERRNO".

  connect IP:PORT [-n N] [--sport FIRST] [--bind ADDR] [--parallel P]
          [--timeout S] [--close reset|fin]
      Open N connections (from ports FIRST, FIRST+1, ... when given, so
      that the tuples are the same from one run to the next), read each
      greeting and close: with a RST by default, which leaves no TIME_WAIT
      behind, so that the same tuples can be used again at once. Print one
      JSON object: counts of connections per backend name and per peer
      address the backends saw, failures by errno (ECONNREFUSED: a RST
      answered the SYN; timeout: no answer), and which backend took each
      source port.

  session IP:PORT [--sport PORT] [--timeout S] STEP...
      One connection, then STEPs in order, printing one JSON line per
      event as it happens ("connected", each "step", then "done"); the
      first failure ends the session. Steps:
          echo         one line there and back
          read         wait (up to --timeout) for anything: data, EOF, RST
          wait:FILE    wait until FILE exists (up to --wait-timeout)
          sleep:S      sleep S seconds
          stream:N     receive N bytes and check their SHA256
          sink:N       send N bytes, have the server check their SHA256
          pump:S       echo every 50 ms for S seconds (a number) or until
          pump:FILE    FILE exists, recording the longest round trip
          close        close gracefully (FIN)

  udp IP:PORT [--timeout S]
      Send one datagram and wait for an answer; print JSON.

  syns IP:PORT -n N --source FIRST-IP [--sources K]
      Send N bare SYNs through a raw socket, from source addresses FIRST-IP
      and the K-1 after it (spoofed: nobody answers their SYN-ACKs) and
      ports 10000 up: half-open connections, as a SYN flood leaves them.
      Print JSON.

  craft IP:PORT --dev IFNAME --dst-mac MAC --source IP
      Send, on IFNAME through a packet socket (nothing checks or fixes
      them on the way out), a catalogue of broken and odd packets to
      IP:PORT from IP, each once: bad IP checksum, IHL and total length, a
      truncated IP header, IP options, fragments, truncated TCP, bad data
      offsets, senseless TCP flags, a bad TCP checksum, a bare ACK, ICMP
      errors quoting too little, UDP and nothing, ICMP echo, UDP and an
      unknown protocol. Print JSON: the names of what was sent.

Exit status: 0 when everything asked for succeeded, 1 otherwise, 2 on a
usage error. The JSON says what happened either way.
"""

# Every connect and session is a new Python process, hundreds in a run,
# and under TCG an import costs as much as a second: only modules that
# load quickly are used here (no asyncio, argparse, json or re), and
# hashlib is imported when a digest is needed.
import errno
import os
import socket
import struct
import sys
import threading
import time


class UsageError(Exception):
    pass


def err_name(exc):
    """A short name for what went wrong: an errno name, timeout or eof."""
    # socket.timeout is TimeoutError (3.10).
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, EOFError):
        return "eof"
    if isinstance(exc, OSError) and exc.errno:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    return type(exc).__name__


def sha256(data):
    import hashlib  # pylint: disable=import-outside-toplevel
    return hashlib.sha256(data).hexdigest()


def parse_target(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"'{text}' is not IP:PORT")
    return host, int(port)


JSON_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
                "\f": "\\f"}


def json_str(text):
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in JSON_ESCAPES:
            out.append(JSON_ESCAPES[ch])
        elif 0x20 <= code < 0x7f:
            out.append(ch)
        elif code > 0xffff:
            code -= 0x10000
            out.append("\\u%04x\\u%04x" % (0xd800 | code >> 10,
                                           0xdc00 | code & 0x3ff))
        else:
            out.append("\\u%04x" % code)
    return '"' + "".join(out) + '"'


def json_text(obj):
    """obj as json.dumps(obj, sort_keys=True) writes it."""
    if obj is None or isinstance(obj, bool):
        return {None: "null", True: "true", False: "false"}[obj]
    if isinstance(obj, (int, float)):
        return repr(obj)
    if isinstance(obj, str):
        return json_str(obj)
    if isinstance(obj, dict):
        return "{" + ", ".join(json_str(str(k)) + ": " + json_text(obj[k])
                               for k in sorted(obj)) + "}"
    return "[" + ", ".join(json_text(v) for v in obj) + "]"


def emit(obj):
    print(json_text(obj), flush=True)


# --- server --------------------------------------------------------------

class Conn:
    """A server's connection: what came in, what goes out, and whether a
    sink is reading its bytes."""

    def __init__(self, sock, peer):
        self.sock, self.peer = sock, peer
        self.inbuf, self.outbuf = b"", bytearray()
        self.sink = 0       # bytes a sink command still waits for
        self.closing = False


class Server:
    """One thread and a selector: a thread per connection costs far more
    under TCG."""

    def __init__(self, name, log):
        import selectors  # pylint: disable=import-outside-toplevel
        self.name = name
        self.log = open(log, "a", buffering=1) if log else None
        self.sel = selectors.DefaultSelector()
        self.read = selectors.EVENT_READ
        self.write = selectors.EVENT_WRITE

    def event(self, *words):
        if self.log:
            self.log.write(" ".join(str(w) for w in words) + "\n")

    def accept(self, lsock):
        try:
            sock, peer = lsock.accept()
        except OSError:
            return
        sock.setblocking(False)
        conn = Conn(sock, "%s %d" % peer[:2])
        self.event("open", conn.peer)
        conn.outbuf += f"{self.name} {conn.peer}\n".encode()
        self.sel.register(sock, self.read | self.write, conn)

    def close(self, conn, how):
        self.event("close", conn.peer, how)
        self.sel.unregister(conn.sock)
        conn.sock.close()

    def command(self, conn, line):
        words = line.split()
        cmd = words[0] if words else b""
        if cmd == b"echo":
            conn.outbuf += line[5:] if len(line) > 5 else b"\n"
        elif cmd == b"stream":
            n = int(words[1])
            data = os.urandom(n)
            conn.outbuf += f"stream {n} {sha256(data)}\n".encode() + data
        elif cmd == b"sink":
            conn.sink = int(words[1])
        elif cmd == b"bye":
            conn.closing = True
        else:
            conn.outbuf += b"? " + line

    def process(self, conn):
        """The commands in what came in, as far as they are complete."""
        while not conn.closing:
            if conn.sink:
                if len(conn.inbuf) < conn.sink:
                    return
                n, conn.sink = conn.sink, 0
                data, conn.inbuf = conn.inbuf[:n], conn.inbuf[n:]
                conn.outbuf += f"sink {n} {sha256(data)}\n".encode()
                continue
            line, nl, rest = conn.inbuf.partition(b"\n")
            if not nl:
                return
            conn.inbuf = rest
            self.command(conn, line + nl)

    def ready(self, conn, events):
        if events & self.read:
            data = conn.sock.recv(262144)
            if not data:
                return "eof"
            conn.inbuf += data
            self.process(conn)
        if events & self.write and conn.outbuf:
            del conn.outbuf[:conn.sock.send(conn.outbuf)]
        if conn.closing and not conn.outbuf:
            return "eof"
        self.sel.modify(conn.sock, self.read |
                        (self.write if conn.outbuf else 0), conn)
        return None

    def run(self, listeners):
        for lsock in listeners:
            self.sel.register(lsock, self.read, None)
        while True:
            for key, events in self.sel.select():
                if key.data is None:
                    self.accept(key.fileobj)
                    continue
                try:
                    how = self.ready(key.data, events)
                except (ConnectionResetError, BrokenPipeError):
                    how = "reset"
                except OSError as e:
                    how = err_name(e)
                if how:
                    self.close(key.data, how)


def cmd_server(args):
    server = Server(args.name, args.log)
    listeners = []
    for port in args.port or [8080]:
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind(("0.0.0.0", port))
        lsock.listen(1024)
        lsock.setblocking(False)
        listeners.append(lsock)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write(f"{os.getpid()}\n")
    try:
        server.run(listeners)
    except KeyboardInterrupt:
        pass
    return 0


# --- connect: many connections -------------------------------------------

def recv_line(sock, limit=4096):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = sock.recv(limit)
        if not chunk:
            raise EOFError()
        buf += chunk
    return buf.decode(errors="replace").strip()


def connect_one(args, sport, out, lock):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(args.timeout)
    try:
        if sport or args.bind:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((args.bind or "0.0.0.0", sport))
        sock.connect(args.target)
        sport = sock.getsockname()[1]
        name, peer = (recv_line(sock).split() + ["?", "?"])[:2]
        with lock:
            out["backends"][name] = out["backends"].get(name, 0) + 1
            out["peers"][peer] = out["peers"].get(peer, 0) + 1
            out["assign"][str(sport)] = name
            out["ok"] += 1
    except Exception as e:  # pylint: disable=broad-except
        why = err_name(e)
        with lock:
            out["errors"][why] = out["errors"].get(why, 0) + 1
            if sport:
                out["assign"][str(sport)] = "!" + why
    finally:
        if args.close == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                            struct.pack("ii", 1, 0))
        sock.close()


def cmd_connect(args):
    out = {"target": "%s:%d" % args.target, "n": args.n, "ok": 0,
           "backends": {}, "peers": {}, "errors": {}, "assign": {}}
    lock = threading.Lock()
    todo = iter(range(args.n))

    def worker():
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            connect_one(args, args.sport + i if args.sport else 0, out, lock)

    start = time.monotonic()
    workers = [threading.Thread(target=worker)
               for _ in range(max(1, min(args.parallel, args.n)))]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    out["failed"] = args.n - out["ok"]
    out["elapsed"] = round(time.monotonic() - start, 3)
    emit(out)
    return 0 if out["ok"] == args.n else 1


# --- session: one connection, step by step -------------------------------

class Session:
    def __init__(self, sock, timeout):
        self.sock = sock
        self.timeout = timeout
        self.buf = b""
        self.seq = 0

    def recv_line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError()
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        return line.decode(errors="replace")

    def recv_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise EOFError()
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def echo(self):
        self.seq += 1
        text = f"ping {self.seq}"
        self.sock.sendall(f"echo {text}\n".encode())
        line = self.recv_line()
        if line != text:
            raise ValueError(f"echo: sent '{text}', got '{line}'")
        return {}

    def read(self):
        if self.buf:
            return {"data": len(self.buf)}
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError()
        return {"data": len(chunk)}

    def stream(self, n):
        self.sock.sendall(f"stream {n}\n".encode())
        words = self.recv_line().split()
        data = self.recv_exact(n)
        digest = sha256(data)
        if words != ["stream", str(n), digest]:
            raise ValueError(f"stream: got {len(data)} bytes, sha256 {digest}, "
                             f"server said {' '.join(words)}")
        return {"bytes": n, "sha256": digest}

    def sink(self, n):
        data = os.urandom(n)
        digest = sha256(data)
        self.sock.sendall(f"sink {n}\n".encode() + data)
        words = self.recv_line().split()
        if words != ["sink", str(n), digest]:
            raise ValueError(f"sink: sent {n} bytes, sha256 {digest}, "
                             f"server said {' '.join(words)}")
        return {"bytes": n, "sha256": digest}

    def pump(self, until):
        count, worst = 0, 0.0
        start = time.monotonic()
        while True:
            if isinstance(until, float):
                if time.monotonic() - start >= until:
                    break
            elif os.path.exists(until):
                break
            t0 = time.monotonic()
            self.echo()
            worst = max(worst, time.monotonic() - t0)
            count += 1
            time.sleep(0.05)
        return {"count": count, "max_rtt": round(worst, 3)}


def wait_file(path, limit):
    deadline = time.monotonic() + limit
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {path}")
        time.sleep(0.05)
    return {}


def run_step(s, step, args):
    kind, _, arg = step.partition(":")
    if kind == "echo":
        return s.echo()
    if kind == "read":
        return s.read()
    if kind == "wait":
        return wait_file(arg, args.wait_timeout)
    if kind == "sleep":
        time.sleep(float(arg))
        return {}
    if kind == "stream":
        return s.stream(int(arg))
    if kind == "sink":
        return s.sink(int(arg))
    if kind == "pump":
        try:
            until = float(arg)
        except ValueError:
            until = arg
        return s.pump(until)
    if kind == "close":
        s.sock.shutdown(socket.SHUT_WR)
        return {}
    raise ValueError(f"unknown step '{step}'")


def cmd_session(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(args.timeout)
    if args.sport or args.bind:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.bind or "0.0.0.0", args.sport))
    t0 = time.time()
    try:
        sock.connect(args.target)
        s = Session(sock, args.timeout)
        words = (s.recv_line().split() + ["?", "?", "0"])[:3]
    except Exception as e:  # pylint: disable=broad-except
        emit({"event": "connect", "ok": False, "error": err_name(e),
              "t": time.time(), "elapsed": round(time.time() - t0, 3)})
        emit({"event": "done", "ok": False, "error": err_name(e)})
        return 1
    local = sock.getsockname()
    emit({"event": "connected", "backend": words[0], "peer": words[1],
          "peer_port": int(words[2]) if words[2].isdigit() else 0,
          "local": local[0], "sport": local[1], "t": time.time()})
    for step in args.steps:
        t0 = time.time()
        try:
            res = run_step(s, step, args)
        except Exception as e:  # pylint: disable=broad-except
            emit({"event": "step", "step": step, "ok": False,
                  "error": err_name(e), "detail": str(e), "t": time.time(),
                  "elapsed": round(time.time() - t0, 3)})
            emit({"event": "done", "ok": False, "error": err_name(e),
                  "step": step})
            sock.close()
            return 1
        res.update({"event": "step", "step": step, "ok": True,
                    "t": time.time(), "elapsed": round(time.time() - t0, 3)})
        emit(res)
    emit({"event": "done", "ok": True, "error": None})
    sock.close()
    return 0


# --- udp -------------------------------------------------------------------

def cmd_udp(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(args.timeout)
    out = {"target": "%s:%d" % args.target, "answered": False, "error": None}
    try:
        sock.connect(args.target)
        sock.send(b"hello\n")
        sock.recv(65536)
        out["answered"] = True
    except Exception as e:  # pylint: disable=broad-except
        out["error"] = err_name(e)
    emit(out)
    return 0 if out["answered"] else 1


def checksum(data):
    """The Internet checksum of data."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def syn_packet(src, sport, dst, dport):
    """An IPv4 packet carrying a bare TCP SYN (the kernel fills in the IP
    checksum and length)."""
    saddr, daddr = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, sport * 7919, 0, 5 << 4,
                      0x02, 64240, 0, 0)
    pseudo = saddr + daddr + struct.pack("!BBH", 0, socket.IPPROTO_TCP,
                                         len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), sport, 0, 64,
                     socket.IPPROTO_TCP, 0, saddr, daddr)
    return ip + tcp


def cmd_syns(args):
    first = struct.unpack("!I", socket.inet_aton(args.source))[0]
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = 0
    for i in range(args.n):
        src = socket.inet_ntoa(struct.pack("!I", first + i % args.sources))
        pkt = syn_packet(src, 10000 + i, args.target[0], args.target[1])
        sock.sendto(pkt, (args.target[0], 0))
        sent += 1
    emit({"sent": sent})
    return 0


def ip_header(src, dst, proto, payload_len, ihl=5, frag=0x4000,
              options=b"", check=None, tot_len=None):
    """An IPv4 header, with a correct checksum unless check is given."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0,
                      tot_len if tot_len is not None
                      else 20 + len(options) + payload_len,
                      0x1234, frag, 64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst)) + options
    csum = checksum(hdr) if check is None else check
    return hdr[:10] + struct.pack("!H", csum) + hdr[12:]


def tcp_header(src, dst, sport, dport, flags, doff=5, data=b"", bad=False):
    """A TCP header (and data), its checksum correct unless bad."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, doff << 4, flags,
                      64240, 0, 0) + data
    pseudo = (socket.inet_aton(src) + socket.inet_aton(dst) +
              struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp)))
    csum = checksum(pseudo + tcp) ^ (0x5555 if bad else 0)
    return tcp[:16] + struct.pack("!H", csum) + tcp[18:]


def icmp_error(quote):
    """ICMP destination unreachable (fragmentation needed) quoting quote."""
    msg = struct.pack("!BBHHH", 3, 4, 0, 0, 1200) + quote
    return msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]


def ip_packet(src, dst, proto, payload, **kw):
    return ip_header(src, dst, proto, len(payload), **kw) + payload


def craft_catalogue(src, dst, dport):
    """The broken and odd packets of craft, by name."""
    tcp, udp, icmp = socket.IPPROTO_TCP, socket.IPPROTO_UDP, 1
    SYN, RST, ACK, FIN = 0x02, 0x04, 0x10, 0x01

    def seg(sport, flags, **kw):
        return tcp_header(src, dst, sport, dport, flags, **kw)

    syn = seg(40000, SYN)
    quote_tcp = ip_packet(dst, src, tcp, seg(40001, ACK))[:28]
    quote_udp = ip_packet(dst, src, udp, struct.pack("!HHHH", 53, 53, 8, 0))
    return {
        "ip-bad-checksum": ip_packet(src, dst, tcp, syn, check=0xbad),
        "ip-bad-ihl": ip_packet(src, dst, tcp, syn, ihl=4),
        "ip-short-total-length": ip_packet(src, dst, tcp, syn, tot_len=16),
        "ip-truncated": ip_packet(src, dst, tcp, syn)[:12],
        "ip-options": ip_packet(src, dst, tcp, syn, ihl=6,
                                options=b"\x01\x01\x01\x00"),
        "fragment-first": ip_packet(src, dst, tcp, seg(40002, SYN),
                                    frag=0x2000),
        "fragment-later": ip_packet(src, dst, tcp, b"x" * 16, frag=8),
        "tcp-truncated": ip_packet(src, dst, tcp, syn[:10]),
        "tcp-doff-small": ip_packet(src, dst, tcp, seg(40003, SYN, doff=3)),
        "tcp-doff-beyond": ip_packet(src, dst, tcp, seg(40004, SYN, doff=15)),
        "tcp-syn-fin": ip_packet(src, dst, tcp, seg(40005, SYN | FIN)),
        "tcp-syn-rst": ip_packet(src, dst, tcp, seg(40006, SYN | RST)),
        "tcp-no-flags": ip_packet(src, dst, tcp, seg(40007, 0)),
        "tcp-fin-alone": ip_packet(src, dst, tcp, seg(40008, FIN)),
        "tcp-bad-checksum": ip_packet(src, dst, tcp, seg(40009, SYN,
                                                         bad=True)),
        "tcp-bare-ack": ip_packet(src, dst, tcp, seg(40010, ACK)),
        "icmp-quote-truncated": ip_packet(src, dst, icmp,
                                          icmp_error(quote_tcp[:24])),
        "icmp-quote-udp": ip_packet(src, dst, icmp, icmp_error(quote_udp)),
        "icmp-quote-unknown": ip_packet(src, dst, icmp,
                                        icmp_error(quote_tcp)),
        "icmp-echo": ip_packet(src, dst, icmp,
                               struct.pack("!BBHHH", 8, 0, 0xf7fe, 1, 0)),
        "udp-empty": ip_packet(src, dst, udp,
                               struct.pack("!HHHH", 40011, dport, 8, 0)),
        "protocol-253": ip_packet(src, dst, 253, b"\0" * 8),
    }


def cmd_craft(args):
    dev = args.dev
    with open(f"/sys/class/net/{dev}/address") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))
    eth = bytes.fromhex(args.dst_mac.replace(":", "")) + mac + b"\x08\x00"
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((dev, 0))
    sent = []
    for name, pkt in craft_catalogue(args.source, *args.target).items():
        sock.send(eth + pkt.ljust(46, b"\0"))
        sent.append(name)
    emit({"sent": sent})
    return 0


# --- arguments -----------------------------------------------------------

def choice(*names):
    def conv(text):
        if text not in names:
            raise ValueError(text)
        return text
    return conv


# Per command: whether it takes IP:PORT, and its options: (type, default),
# a default of None for a required option, [] for one given many times.
COMMANDS = {
    "server": (False, {"--name": (str, None), "--port": (int, []),
                       "--log": (str, ""), "--ready": (str, "")}),
    "connect": (True, {"-n": (int, 1), "--sport": (int, 0),
                       "--bind": (str, ""), "--parallel": (int, 32),
                       "--timeout": (float, 5.0),
                       "--close": (choice("reset", "fin"), "reset")}),
    "session": (True, {"--sport": (int, 0), "--bind": (str, ""),
                       "--timeout": (float, 5.0),
                       "--wait-timeout": (float, 120.0)}),
    "udp": (True, {"--timeout": (float, 2.0)}),
    "syns": (True, {"-n": (int, 1), "--source": (str, None),
                    "--sources": (int, 1)}),
    "craft": (True, {"--dev": (str, None), "--dst-mac": (str, None),
                     "--source": (str, None)}),
}


class Args:
    pass


def attr_name(option):
    return option.lstrip("-").replace("-", "_")


def set_option(args, opts, name, text):
    if name not in opts:
        raise UsageError(f"unrecognized argument '{name}'")
    conv, default = opts[name]
    try:
        value = conv(text)
    except ValueError:
        raise UsageError(f"{name}: invalid value '{text}'") from None
    if isinstance(default, list):
        getattr(args, attr_name(name)).append(value)
    else:
        setattr(args, attr_name(name), value)


def parse_args(argv):
    """The command line as an Args. A session's steps may come before or
    after its options."""
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0)
    if argv[0] not in COMMANDS:
        raise UsageError(f"unknown command '{argv[0]}'")
    args, (has_target, opts) = Args(), COMMANDS[argv[0]]
    args.cmd = argv[0]
    for name, (_, default) in opts.items():
        setattr(args, attr_name(name),
                [] if isinstance(default, list) else default)
    words, it = [], iter(argv[1:])
    for arg in it:
        if arg in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        if not arg.startswith("-"):
            words.append(arg)
            continue
        name, eq, text = arg.partition("=")
        if not eq:
            text = next(it, None)
            if text is None:
                raise UsageError(f"{name} needs a value")
        set_option(args, opts, name, text)
    for name, (_, default) in opts.items():
        if default is None and getattr(args, attr_name(name)) is None:
            raise UsageError(f"{name} is required")
    if has_target:
        if not words:
            raise UsageError("IP:PORT is required")
        args.target = parse_target(words.pop(0))
    args.steps = words
    if words and args.cmd != "session":
        raise UsageError(f"unrecognized arguments: {' '.join(words)}")
    return args


def main():
    try:
        args = parse_args(sys.argv[1:])
    except UsageError as e:
        print(f"{os.path.basename(sys.argv[0])}: error: {e}", file=sys.stderr)
        return 2
    return {"server": cmd_server, "connect": cmd_connect,
            "session": cmd_session, "udp": cmd_udp,
            "syns": cmd_syns, "craft": cmd_craft}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
