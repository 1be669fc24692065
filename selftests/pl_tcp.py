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

import argparse
import errno
import hashlib
import json
import os
import socket
import struct
import sys
import time


def err_name(exc):
    """A short name for what went wrong: an errno name, timeout or eof."""
    # asyncio.TimeoutError and socket.timeout are TimeoutError (3.11).
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, EOFError):
        return "eof"
    if isinstance(exc, OSError) and exc.errno:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    return type(exc).__name__


def parse_target(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not IP:PORT")
    return host, int(port)


def emit(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


# --- server --------------------------------------------------------------

# Only the server and connect use asyncio: sessions start faster without.
asyncio = None


def import_asyncio():
    global asyncio  # pylint: disable=global-statement
    import asyncio as module  # pylint: disable=import-outside-toplevel
    asyncio = module


class Server:
    def __init__(self, name, log):
        self.name = name
        self.log = open(log, "a", buffering=1) if log else None

    def event(self, *words):
        if self.log:
            self.log.write(" ".join(str(w) for w in words) + "\n")

    async def handle(self, reader, writer):
        peer = writer.get_extra_info("peername")[:2]
        self.event("open", *peer)
        how = "eof"
        try:
            writer.write(f"{self.name} {peer[0]} {peer[1]}\n".encode())
            await writer.drain()
            while True:
                line = await reader.readline()
                if not line:
                    break
                words = line.split()
                cmd = words[0] if words else b""
                if cmd == b"echo":
                    writer.write(line[5:] if len(line) > 5 else b"\n")
                elif cmd == b"stream":
                    n = int(words[1])
                    data = os.urandom(n)
                    digest = hashlib.sha256(data).hexdigest()
                    writer.write(f"stream {n} {digest}\n".encode() + data)
                elif cmd == b"sink":
                    n = int(words[1])
                    data = await reader.readexactly(n)
                    digest = hashlib.sha256(data).hexdigest()
                    writer.write(f"sink {n} {digest}\n".encode())
                elif cmd == b"bye":
                    break
                else:
                    writer.write(b"? " + line)
                await writer.drain()
        except asyncio.IncompleteReadError:
            how = "eof"
        except (ConnectionResetError, BrokenPipeError):
            how = "reset"
        except OSError as e:
            how = err_name(e)
        finally:
            self.event("close", *peer, how)
            writer.close()

    async def run(self, ports, ready):
        servers = [await asyncio.start_server(self.handle, "0.0.0.0", p,
                                              backlog=1024)
                   for p in ports]
        if ready:
            with open(ready, "w") as f:
                f.write(f"{os.getpid()}\n")
        await asyncio.gather(*(s.serve_forever() for s in servers))


def cmd_server(args):
    import_asyncio()
    try:
        asyncio.run(Server(args.name, args.log).run(args.port or [8080],
                                                    args.ready))
    except KeyboardInterrupt:
        pass
    return 0


# --- connect: many connections -------------------------------------------

async def recv_line(loop, sock, limit=4096):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = await loop.sock_recv(sock, limit)
        if not chunk:
            raise EOFError()
        buf += chunk
    return buf.decode(errors="replace").strip()


async def connect_one(args, loop, sem, sport, out):
    async with sem:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            if sport or args.bind:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((args.bind or "0.0.0.0", sport))
            await asyncio.wait_for(loop.sock_connect(sock, args.target),
                                   args.timeout)
            sport = sock.getsockname()[1]
            line = await asyncio.wait_for(recv_line(loop, sock),
                                          args.timeout)
            name, peer = (line.split() + ["?", "?"])[:2]
            out["backends"][name] = out["backends"].get(name, 0) + 1
            out["peers"][peer] = out["peers"].get(peer, 0) + 1
            out["assign"][str(sport)] = name
            out["ok"] += 1
        except Exception as e:  # pylint: disable=broad-except
            why = err_name(e)
            out["errors"][why] = out["errors"].get(why, 0) + 1
            if sport:
                out["assign"][str(sport)] = "!" + why
        finally:
            if args.close == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack("ii", 1, 0))
            sock.close()


async def connect_all(args):
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(args.parallel)
    out = {"target": "%s:%d" % args.target, "n": args.n, "ok": 0,
           "backends": {}, "peers": {}, "errors": {}, "assign": {}}
    start = time.monotonic()
    await asyncio.gather(*(connect_one(args, loop, sem,
                                       args.sport + i if args.sport else 0,
                                       out)
                           for i in range(args.n)))
    out["failed"] = args.n - out["ok"]
    out["elapsed"] = round(time.monotonic() - start, 3)
    return out


def cmd_connect(args):
    import_asyncio()
    out = asyncio.run(connect_all(args))
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
        digest = hashlib.sha256(data).hexdigest()
        if words != ["stream", str(n), digest]:
            raise ValueError(f"stream: got {len(data)} bytes, sha256 {digest}, "
                             f"server said {' '.join(words)}")
        return {"bytes": n, "sha256": digest}

    def sink(self, n):
        data = os.urandom(n)
        digest = hashlib.sha256(data).hexdigest()
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


def main():
    p = argparse.ArgumentParser(description="pl data-path test TCP tool")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("server")
    s.add_argument("--name", required=True)
    s.add_argument("--port", type=int, action="append")
    s.add_argument("--log")
    s.add_argument("--ready")

    c = sub.add_parser("connect")
    c.add_argument("target", type=parse_target)
    c.add_argument("-n", type=int, default=1)
    c.add_argument("--sport", type=int, default=0)
    c.add_argument("--bind")
    c.add_argument("--parallel", type=int, default=32)
    c.add_argument("--timeout", type=float, default=5.0)
    c.add_argument("--close", choices=["reset", "fin"], default="reset")

    t = sub.add_parser("session")
    t.add_argument("target", type=parse_target)
    t.add_argument("--sport", type=int, default=0)
    t.add_argument("--bind")
    t.add_argument("--timeout", type=float, default=5.0)
    t.add_argument("--wait-timeout", type=float, default=120.0)

    u = sub.add_parser("udp")
    u.add_argument("target", type=parse_target)
    u.add_argument("--timeout", type=float, default=2.0)

    y = sub.add_parser("syns")
    y.add_argument("target", type=parse_target)
    y.add_argument("-n", type=int, default=1)
    y.add_argument("--source", required=True)
    y.add_argument("--sources", type=int, default=1)

    k = sub.add_parser("craft")
    k.add_argument("target", type=parse_target)
    k.add_argument("--dev", required=True)
    k.add_argument("--dst-mac", required=True)
    k.add_argument("--source", required=True)

    # A session's steps may come before or after its options.
    args, rest = p.parse_known_args()
    if args.cmd == "session":
        args.steps = rest
    if rest and (args.cmd != "session" or
                 any(r.startswith("-") for r in rest)):
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    return {"server": cmd_server, "connect": cmd_connect,
            "session": cmd_session, "udp": cmd_udp,
            "syns": cmd_syns, "craft": cmd_craft}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
