#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# probe.c on the host, without the kernel: test-probe.c drives it against
# servers on 127.0.0.1 that this script starts (python3: its http.server,
# and asyncio servers of HTTP, HTTPS with a self-signed certificate, and
# TCP that accept and close, send a banner, reset, or never accept), and
# each outcome must be the expected one; so must the parsing of matchers.
# Probe runs must leave no probe and no fd behind, and a mixed run must be
# clean under valgrind. Exits 1 on any mismatch.
#
#   tools/pl-ctl/test-probe.sh

set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
srv=""
# shellcheck source=tools/pl-ctl/test-lib.sh
source "$here/test-lib.sh"

# shellcheck disable=SC2317 # the EXIT trap calls it
cleanup()
{
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The servers: each listens on a port of its own, named in the ports file
# (name=port lines) once all listen.
cat >"$tmp/servers.py" <<'PY'
import asyncio, http.server, os, socket, ssl, struct, sys, threading

out, cert, key, docroot = sys.argv[1:5]
REASON = {200: "OK", 204: "No Content", 302: "Found", 400: "Bad Request",
          421: "Misdirected Request"}

def reply(w, code):
    w.write(b"HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            % (code, REASON.get(code, "Status").encode()))

def check(head):
    lines = head.decode("latin-1").split("\r\n")
    m = lines[0].split(" ")
    if len(m) != 3 or m[0] != "GET" or m[2] != "HTTP/1.1":
        return None, None
    h = dict(l.split(": ", 1) for l in lines[1:] if l)
    if (h.get("User-Agent") != "pl-health/1" or h.get("Connection") != "close"
            or h.get("Accept") != "*/*" or "Host" not in h):
        return None, None
    return m[1], h["Host"]

async def handle(r, w):
    try:
        head = await r.readuntil(b"\r\n\r\n")
        path, host = check(head[:-4])
        sslobj = w.get_extra_info("ssl_object")
        if path is None:
            reply(w, 400)
        elif path == "/":
            reply(w, 200)
        elif path.startswith("/code/"):
            reply(w, int(path[6:]))
        elif path.startswith("/host/"):
            reply(w, 200 if host == path[6:] else 400)
        elif path.startswith("/sni/"):
            sni = getattr(sslobj, "pl_sni", None) or ""
            reply(w, 200 if sslobj and sni == path[5:] else 421)
        elif path == "/silent":
            await asyncio.sleep(3600)
        elif path == "/garbage":
            w.write(b"SSH-2.0-nope\r\n")
        elif path == "/slowline":
            w.write(b"HTTP/1.1 2")
            await w.drain()
            await asyncio.sleep(0.2)
            w.write(b"04 No Content\r\n\r\n")
        # /close: no answer
        await w.drain()
    except Exception:
        pass
    w.close()

async def tcp_accept(r, w):
    w.close()

async def banner(r, w):
    w.write(b"SSH-2.0-nope\r\n")
    await asyncio.sleep(3600)

async def reset(r, w):
    w.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))
    w.transport.abort()

def sni_cb(sslobj, name, ctx):
    sslobj.pl_sni = name

class Quiet(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=docroot, **k)

    def log_message(self, *a):
        pass

async def main():
    ports = {}
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_callback = sni_cb
    for name, cb, sslctx in (("http", handle, None), ("https", handle, ctx),
                             ("tcp", tcp_accept, None),
                             ("banner", banner, None), ("reset", reset, None)):
        s = await asyncio.start_server(cb, "127.0.0.1", 0, ssl=sslctx,
                                       backlog=4096)
        ports[name] = s.sockets[0].getsockname()[1]
    hs = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=hs.serve_forever, daemon=True).start()
    ports["httpserver"] = hs.server_address[1]
    # bound, not listening: connects are refused
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    ports["closed"] = closed.getsockname()[1]
    # listening, never accepting, its queue full: SYNs are dropped
    full = socket.socket()
    full.bind(("127.0.0.1", 0))
    full.listen(0)
    ports["full"] = full.getsockname()[1]
    fillers = []
    for i in range(2):
        f = socket.socket()
        f.setblocking(False)
        f.connect_ex(("127.0.0.1", ports["full"]))
        fillers.append(f)
    await asyncio.sleep(0.2)
    with open(out + ".tmp", "w") as f:
        for k, v in ports.items():
            f.write("%s=%d\n" % (k, v))
    os.rename(out + ".tmp", out)
    await asyncio.Event().wait()

asyncio.run(main())
PY

drv=$tmp/test-probe
# shellcheck disable=SC2046
cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -o "$drv" "$here/test-probe.c" \
	"$here/probe.c" "$here/tls.c" $(pkg-config --cflags openssl) \
	>"$tmp/cc.log" 2>&1 || bail "test-probe builds" "$tmp/cc.log"
ok "test-probe builds"

openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=test -days 1 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >"$tmp/openssl.log" 2>&1 ||
	bail "a self-signed certificate" "$tmp/openssl.log"
mkdir "$tmp/www"
python3 "$tmp/servers.py" "$tmp/ports" "$tmp/cert.pem" "$tmp/key.pem" \
	"$tmp/www" >"$tmp/servers.log" 2>&1 &
srv=$!
for _ in $(seq 100); do
	[ -f "$tmp/ports" ] || ! kill -0 "$srv" 2>/dev/null && break
	sleep 0.1
done
[ -f "$tmp/ports" ] || bail "servers on 127.0.0.1 listen" "$tmp/servers.log"
port()
{
	sed -n "s/^$1=//p" "$tmp/ports"
}
http=$(port http)
https=$(port https)
tcp=$(port tcp)
banner=$(port banner)
reset=$(port reset)
httpserver=$(port httpserver)
closed=$(port closed)
full=$(port full)
a=127.0.0.1
ok "servers on 127.0.0.1 listen"

# probe NAME ERE MIN_MS MAX_MS ARGS...: test-probe ARGS exits 0, leaves no
# probe nor fd behind, and prints a line matching ^ERE$ whose ms= is
# within MIN_MS and MAX_MS (no limit when empty).
probe()
{
	local name=$1 re=$2 min=$3 max=$4 out rc line ms
	shift 4
	out=$("$drv" "$@" 2>&1)
	rc=$?
	line=$(grep -m 1 -E -- "^$re\$" <<<"$out")
	ms=$(sed -nE 's/.* ms=([0-9]+) .*/\1/p' <<<"$line")
	if [ $rc = 0 ] && [ -n "$line" ] &&
	   grep -qE '^left=0 fds start=([0-9]+) end=\1$' <<<"$out" &&
	   { [ -z "$min" ] || [ "$ms" -ge "$min" ]; } &&
	   { [ -z "$max" ] || [ "$ms" -le "$max" ]; }; then
		ok "$name"
		return
	fi
	not_ok "$name"
	echo "# exit status $rc; expected a line matching: $re${min:+ with ms=$min..$max}"
	printf '%s\n' "$out" | diag
}

# refused NAME URL ARGS...: test-probe ARGS URL exits 1, probe_start()
# having refused the probe with -EINVAL, and leaves no fd behind.
refused()
{
	local name=$1 url=$2 out rc
	shift 2
	out=$("$drv" "$@" "$url" 2>&1)
	rc=$?
	if [ $rc = 1 ] && [ "$(head -n 1 <<<"$out")" = "$url start=-22" ] &&
	   grep -qE '^left=0 fds start=([0-9]+) end=\1$' <<<"$out"; then
		ok "$name"
		return
	fi
	not_ok "$name"
	echo "# exit status $rc (expected 1); expected: $url start=-22"
	printf '%s\n' "$out" | diag
}

# matcher STRING EXPECTED: test-probe -M STRING prints EXPECTED.
matcher()
{
	local out
	out=$("$drv" -M "$1" 2>&1)
	if [ "$out" = "$2" ]; then
		ok "matcher \"$1\""
	else
		not_ok "matcher \"$1\""
		echo "# expected: $2"
		echo "# got:      $out"
	fi
}

echo "# matchers"
matcher 200 "parsed: 200 match(200)=1 match(404)=0"
matcher 200,202 "parsed: 200,202 match(200)=1 match(404)=0"
matcher 200-299 "parsed: 200-299 match(200)=1 match(404)=0"
matcher 200-299,302 "parsed: 200-299,302 match(200)=1 match(404)=0"
matcher 400-499,599 "parsed: 400-499,599 match(200)=0 match(404)=1"
sixteen=$(seq -s, 200 215)
matcher "$sixteen" "parsed: $sixteen match(200)=1 match(404)=0"
matcher 199 'rejected: matcher "199": codes are 200 to 599'
matcher 600 'rejected: matcher "600": codes are 200 to 599'
matcher 200-600 'rejected: matcher "200-600": codes are 200 to 599'
matcher 0200 'rejected: matcher "0200": codes are 200 to 599'
matcher 300-200 'rejected: matcher "300-200": range 300-200 ends before it starts'
matcher "" 'rejected: matcher "": no code'
matcher abc 'rejected: matcher "abc": "abc" is not a code or a range of codes'
matcher 200- 'rejected: matcher "200-": "200-" is not a code or a range of codes'
matcher " 200" 'rejected: matcher " 200": " 200" is not a code or a range of codes'
matcher 200,,300 'rejected: matcher "200,,300": a code is missing'
matcher 200, 'rejected: matcher "200,": a code is missing'
matcher "$sixteen,216" "rejected: matcher \"$sixteen,216\": more than 16 codes or ranges"

echo "# tcp"
probe "tcp: open port: OK" \
	"tcp://$a:$tcp OK code=0 err=0 ms=[0-9]+ connected" "" "" \
	"tcp://$a:$tcp"
probe "tcp: closed port: FAILED, connection refused" \
	"tcp://$a:$closed FAILED code=0 err=111 ms=[0-9]+ connection refused" \
	"" "" "tcp://$a:$closed"
probe "tcp: a multicast address fails in connect(): FAILED, called back later" \
	"tcp://224.0.0.1:80 FAILED code=0 err=101 ms=[0-9]+ network is unreachable" \
	"" "" "tcp://224.0.0.1:80"
probe "tcp: SYNs dropped (accept queue full): TIMEOUT in 1000 ms" \
	"tcp://$a:$full TIMEOUT code=0 err=0 ms=[0-9]+ timed out after 1000 ms \\(connect\\)" \
	1000 2500 -t 1000 "tcp://$a:$full"

echo "# http"
probe "http: http.server /, matcher 200-399: OK" \
	"http://$a:$httpserver/ OK code=200 err=0 ms=[0-9]+ HTTP 200" "" "" \
	-m 200-399 "http://$a:$httpserver/"
probe "http: 500: MISMATCH" \
	"http://$a:$http/code/500 MISMATCH code=500 err=0 ms=[0-9]+ HTTP 500" \
	"" "" "http://$a:$http/code/500"
probe "http: 302 and no matcher (200-399): OK" \
	"http://$a:$http/code/302 OK code=302 err=0 ms=[0-9]+ HTTP 302" "" "" \
	"http://$a:$http/code/302"
probe "http: 302, matcher 200: MISMATCH" \
	"http://$a:$http/code/302 MISMATCH code=302 err=0 ms=[0-9]+ HTTP 302" \
	"" "" -m 200 "http://$a:$http/code/302"
probe "http: the request's line and headers, Host the address:port" \
	"http://$a:$http/host/$a:$http OK code=200 err=0 ms=[0-9]+ HTTP 200" \
	"" "" "http://$a:$http/host/$a:$http"
probe "http: Host given" \
	"http://$a:$http/host/www.example OK code=200 err=0 ms=[0-9]+ HTTP 200" \
	"" "" -H www.example "http://$a:$http/host/www.example"
probe "http: a status line in two reads" \
	"http://$a:$http/slowline OK code=204 err=0 ms=[0-9]+ HTTP 204" "" "" \
	"http://$a:$http/slowline"
probe "http: silent server: TIMEOUT in 1000 ms" \
	"http://$a:$http/silent TIMEOUT code=0 err=0 ms=[0-9]+ timed out after 1000 ms \\(HTTP response\\)" \
	1000 2500 -t 1000 "http://$a:$http/silent"
probe "http: garbage: FAILED" \
	"http://$a:$http/garbage FAILED code=0 err=0 ms=[0-9]+ bad HTTP status line \"SSH-2.0-nope\"" \
	"" "" "http://$a:$http/garbage"
probe "http: closed without an answer: FAILED" \
	"http://$a:$http/close FAILED code=0 err=0 ms=[0-9]+ connection closed before the HTTP status line" \
	"" "" "http://$a:$http/close"
probe "http: reset: FAILED, and no SIGPIPE" \
	"http://$a:$reset/ FAILED code=0 err=(104|32) ms=[0-9]+ (connection reset by peer|broken pipe)" \
	"" "" "http://$a:$reset/"
refused "http: a path without a leading / is refused" "http://$a:$http/" \
	-p x
refused "http: a path with a space is refused" "http://$a:$http/" -p "/a b"
refused "http: a Host with a CR LF is refused" "http://$a:$http/" \
	-H "$(printf 'a\r\nX: y')"
refused "tcp: a timeout of 0 is refused" "tcp://$a:$tcp" -t 0

echo "# https"
probe "https: 200: OK" \
	"https://$a:$https/ OK code=200 err=0 ms=[0-9]+ HTTP 200" "" "" \
	"https://$a:$https/"
probe "https: 503: MISMATCH" \
	"https://$a:$https/code/503 MISMATCH code=503 err=0 ms=[0-9]+ HTTP 503" \
	"" "" "https://$a:$https/code/503"
probe "https: SNI is the Host name" \
	"https://$a:$https/sni/test.example OK code=200 err=0 ms=[0-9]+ HTTP 200" \
	"" "" -H test.example:8443 "https://$a:$https/sni/test.example"
probe "https: no SNI without a Host" \
	"https://$a:$https/sni/ OK code=200 err=0 ms=[0-9]+ HTTP 200" "" "" \
	"https://$a:$https/sni/"
probe "https: no SNI for an address as Host" \
	"https://$a:$https/sni/ OK code=200 err=0 ms=[0-9]+ HTTP 200" "" "" \
	-H "$a" "https://$a:$https/sni/"
probe "https: a server that is not TLS: FAILED" \
	"https://$a:$banner/ FAILED code=0 err=0 ms=[0-9]+ TLS handshake failed: .+" \
	"" "" "https://$a:$banner/"
probe "https: closed in the handshake: FAILED" \
	"https://$a:$tcp/ FAILED code=0 err=[0-9]+ ms=[0-9]+ TLS handshake failed: .+" \
	"" "" "https://$a:$tcp/"
probe "https: reset in the handshake: FAILED, and no SIGPIPE" \
	"https://$a:$reset/ FAILED code=0 err=(104|32) ms=[0-9]+ (TLS handshake failed: )?(connection reset by peer|broken pipe)" \
	"" "" "https://$a:$reset/"
probe "https: silent plain server: TIMEOUT in 1000 ms" \
	"https://$a:$http/ TIMEOUT code=0 err=0 ms=[0-9]+ timed out after 1000 ms \\(TLS handshake\\)" \
	1000 2500 -t 1000 "https://$a:$http/"
probe "https: silent server: TIMEOUT in 1000 ms" \
	"https://$a:$https/silent TIMEOUT code=0 err=0 ms=[0-9]+ timed out after 1000 ms \\(HTTP response\\)" \
	1000 2500 -t 1000 "https://$a:$https/silent"

echo "# loop"
out=$("$drv" -w 2>&1)
if [ "$out" = "watch called=2 after-unwatch=0 unwatch-again=-2" ]; then
	ok "a watched fd's callback runs until unwatched"
else
	not_ok "a watched fd's callback runs until unwatched"
	echo "# got: $out"
fi
probe "2,000 probes at once, tcp and http: all OK" \
	"total=2000 OK=2000 TIMEOUT=0 FAILED=0 MISMATCH=0 early=0 late=0" "" "" \
	-q -n 1000 "tcp://$a:$tcp" "http://$a:$http/"
probe "200 https probes at once: all OK" \
	"total=200 OK=200 TIMEOUT=0 FAILED=0 MISMATCH=0 early=0 late=0" "" "" \
	-q -n 200 "https://$a:$https/"
probe "probes started from callbacks, 10 at a time" \
	"total=600 OK=400 TIMEOUT=0 FAILED=200 MISMATCH=0 early=0 late=0" "" "" \
	-q -n 200 -c 10 "tcp://$a:$tcp" "http://$a:$http/" "tcp://224.0.0.1:80"
probe "1,000 timeouts of 1 to 2000 ms, each called back in time" \
	"total=1000 OK=0 TIMEOUT=1000 FAILED=0 MISMATCH=0 early=0 late=0" \
	"" "" -q -r -t 2000 -n 1000 "tcp://$a:$full"

if command -v valgrind >/dev/null; then
	out=$(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --log-file="$tmp/valgrind.log" \
		"$drv" -t 1000 -n 3 -c 4 "tcp://$a:$tcp" "tcp://$a:$closed" \
		"tcp://224.0.0.1:80" "tcp://$a:$full" "http://$a:$http/" \
		"http://$a:$http/code/500" "http://$a:$http/silent" \
		"http://$a:$http/garbage" "https://$a:$https/" \
		"https://$a:$https/silent" "https://$a:$banner/" \
		"https://$a:$http/" "https://$a:$reset/" 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$tmp/valgrind.log" ]; then
		ok "valgrind: no leak, no error"
	else
		not_ok "valgrind: no leak, no error"
		echo "# exit status $rc"
		diag <"$tmp/valgrind.log"
		printf '%s\n' "$out" | diag
	fi
else
	ok "valgrind: no leak, no error # SKIP valgrind is not installed"
fi

test_end
