#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What scaleout.sh and scaleout_bird.sh share: helpers for routers that run
# pl with sync, linked to a client fabric cf, a provider fabric pf and a
# sync bridge in sw; the checksummed transfers that run through them; and
# the pieces of the setup that are the same. Source it after lib.sh and
# topo.sh:
#
#	source "$(dirname "$(readlink -f "$0")")/lib.sh"
#	source "$(dirname "$(readlink -f "$0")")/topo.sh"
#	source "$(dirname "$(readlink -f "$0")")/scaleout_lib.sh"
#
# It only defines functions and the state of the transfers (SESSIONS,
# KEYS). The functions use topo.sh's TOPO_NS, TOPO_DIR and TOPO_PY, and
# what the sourcing script defines:
#
#   ENI SRC             the ENI IP and the source address
#   TABLE PORT          the announce table, the sync port
#   NODE ROUTERS        node ids by router; the routers that exist
#   BACKENDS BADDR      the backends, and their addresses by backend
#   CADDR               the clients' addresses, by client (c1 c2)
#   CHUNK               bytes each way per round of a transfer
#   BULK_PAUSE          seconds a bulk transfer sleeps after each round
#   KEY                 the fleet's sync key file (router_join)
#   ANNOUNCED_PROTOCOL  1: announced lists each route's protocol too
#   WAIT_CLAIMED        1: router_pl waits until pl probes no address
#                       before it sets sync up (topo_claimed)
#   SUBTEST_DIAG        a command subtest runs when a subtest failed
#
# The last three may be left unset.

# shellcheck disable=SC2153,SC2154	# Defined by the sourcing script (see above).

# --- Helpers -------------------------------------------------------------

# rc ROUTER ARGS: pl-ctl in a router.
rc()
{
	local r=$1
	shift
	pl_ctl -n "${TOPO_NS[$r]}" "$@"
}

# A router's sync address, 10.9.0.NODE (scaleout.sh's rx, node 5, is
# 10.9.0.9).
saddr()
{
	if [ "$1" = rx ]; then
		echo 10.9.0.9
	else
		echo "10.9.0.${NODE[$1]}"
	fi
}

# The routers but one.
others()
{
	local r
	for r in "${ROUTERS[@]}"; do
		[ "$r" != "$1" ] && echo "$r"
	done
}

# remove ARRAY ITEM
remove()
{
	local -n arr=$1
	local i keep=()
	for i in "${arr[@]}"; do
		[ "$i" != "$2" ] && keep+=("$i")
	done
	arr=("${keep[@]}")
}

# sync_get ROUTER FILTER: a jq filter on a router's sync object.
sync_get()
{
	rc "$1" -j sync show 2>/dev/null | pl_jq -r ".sync | $2"
}

phase_is()
{
	[ "$(sync_get "$1" .phase)" = "$2" ]
}

# A router's namespace counters: rstat ROUTER COUNTER...
rstat()
{
	local r=$1
	shift
	topo_stat "$(rc "$r" -j stats show)" namespace - "$@"
}

# The routes of a router's announce table, sorted: "TYPE DST" lines, or
# "TYPE DST PROTOCOL" with ANNOUNCED_PROTOCOL=1.
announced()
{
	local f='"\(.type) \(.dst)"'
	[ "${ANNOUNCED_PROTOCOL:-0}" = 1 ] && f='"\(.type) \(.dst) \(.protocol)"'
	ip -n "${TOPO_NS[$1]}" -j route show table "$TABLE" 2>/dev/null |
		pl_jq -r ".[]? | $f" | sort
}

announced_is()
{
	[ "$(announced "$1")" = "$2" ]
}

# subtest NAME FUNC: pl_subtest; SUBTEST_DIAG, if set, when it failed.
subtest()
{
	pl_subtest "$1" "$2"
	[ "$PL_SUBTEST_FAILED" = 0 ] || [ -z "${SUBTEST_DIAG:-}" ] || "$SUBTEST_DIAG"
}

# --- Transfers -----------------------------------------------------------

SESSIONS=()

# A bulk transfer, until a file exists: one connection to a backend's
# pl_tcp.py server, then rounds of "stream N" (N random bytes from the
# server, checked against the SHA-256 it sends first) and "sink N" (N
# random bytes to it, whose SHA-256 it answers), each followed by a pause,
# then a FIN, and the server's FIN. Events as pl_tcp.py session prints
# them: connected, one step per round, done.
BULK='
import errno, hashlib, json, os, socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
stop, chunk, pause = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
def emit(**o):
    o["t"] = time.time()
    print(json.dumps(o, sort_keys=True), flush=True)
buf = b""
def more(n):
    global buf
    c = s.recv(n)
    if not c:
        raise EOFError("eof")
    buf += c
def line():
    global buf
    while b"\n" not in buf:
        more(65536)
    l, _, buf = buf.partition(b"\n")
    return l.decode(errors="replace").split()
def exact(n):
    global buf
    while len(buf) < n:
        more(max(65536, n - len(buf)))
    d, buf = buf[:n], buf[n:]
    return d
rounds = 0
try:
    s = socket.create_connection((host, int(port)), timeout=30)
    words = line() + ["?", "?"]
    local = s.getsockname()
    emit(event="connected", backend=words[0], peer=words[1], local=local[0], sport=local[1])
    while not os.path.exists(stop):
        s.sendall(b"stream %d\n" % chunk)
        w = line()
        d = exact(chunk)
        if w != ["stream", str(chunk), hashlib.sha256(d).hexdigest()]:
            raise ValueError("stream: %d bytes, sha256 %s, server said %s" % (len(d), hashlib.sha256(d).hexdigest(), w))
        d = os.urandom(chunk)
        s.sendall(b"sink %d\n" % chunk + d)
        w = line()
        if w != ["sink", str(chunk), hashlib.sha256(d).hexdigest()]:
            raise ValueError("sink: sha256 %s, server said %s" % (hashlib.sha256(d).hexdigest(), w))
        rounds += 1
        emit(event="step", ok=True, step="bulk", round=rounds)
        time.sleep(pause)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
except Exception as e:
    why = errno.errorcode.get(getattr(e, "errno", None) or 0, type(e).__name__)
    emit(event="step", ok=False, step="bulk", round=rounds + 1, error=why, detail=str(e))
    emit(event="done", ok=False, error=why, rounds=rounds)
    sys.exit(1)
emit(event="done", ok=True, error=None, rounds=rounds, bytes=2 * rounds * chunk)
'

# bulk NAME HOST TAG: a bulk transfer from HOST to the ENI, in the
# background, until go.TAG exists, pausing BULK_PAUSE seconds after each
# round; its events in $TOPO_DIR/NAME.out.
bulk()
{
	local name=$1 host=$2
	: >"$TOPO_DIR/$name.out"
	ip netns exec "$(topo_ns "$host")" "$TOPO_PY" -S -c "$BULK" "$ENI:80" \
		"$(topo_gofile "$3")" "$CHUNK" "$BULK_PAUSE" >>"$TOPO_DIR/$name.out" \
		2>"$TOPO_DIR/$name.err" &
	echo $! >"$TOPO_DIR/$name.pid"
}

# transfers TAG NBULK NPUMP: sessions from c1 and c2 in turn, until
# go.TAG exists: NBULK bulk transfers, and NPUMP pl_tcp.py sessions that
# stream and sink CHUNK bytes, echo every 50 ms (pump), then stream and
# sink again. Their names in SESSIONS.
transfers()
{
	local tag=$1 nbulk=$2 npump=$3 i host
	SESSIONS=()
	for ((i = 1; i <= nbulk + npump; i++)); do
		host=c$(((i - 1) % 2 + 1))
		if ((i <= nbulk)); then
			bulk "$tag-b$i" "$host" "$tag"
			SESSIONS+=("$tag-b$i")
		else
			topo_session "$tag-p$i" "$host" "$ENI:80" --timeout 30 \
				"stream:$CHUNK" "sink:$CHUNK" \
				"pump:$(topo_gofile "$tag")" \
				"stream:$CHUNK" "sink:$CHUNK" close
			SESSIONS+=("$tag-p$i")
		fi
	done
}

# A session's last events and its errors, as diagnostics.
session_log()
{
	echo "# session $1:"
	tail -n 4 "$TOPO_DIR/$1.out" | pl_indent
	pl_indent <"$TOPO_DIR/$1.err"
}

# Wait until every session of SESSIONS has done its first step; the
# "CLIENT:PORT" of each in KEYS (by session).
declare -A KEYS=()
transfers_started()
{
	local s
	KEYS=()
	for s in "${SESSIONS[@]}"; do
		topo_session_first "$s" || return 1
		KEYS[$s]=$(topo_jq "$TOPO_CONNECTED" '"\(.local):\(.sport)"')
	done
}

# A pump session is pumping once its first sink is done.
pumping()
{
	topo_session_match "$1" '"event": "step", "ok": true.*"step": "sink:'
}

# Wait until the pump sessions are pumping (their first sink done).
transfers_pumping()
{
	local s
	for s in "${SESSIONS[@]}"; do
		[[ $s == *-p* ]] || continue
		topo_wait 120 pumping "$s" || {
			echo "# $s is not pumping"
			session_log "$s"
			return 1
		}
	done
}

# rounds_after SESSION T: the rounds a bulk transfer did after T (date
# +%s.%N).
rounds_after()
{
	awk -v t="$2" '/"event": "step", "ok": true/ {
		if (match($0, /"t": [0-9.]+/) && substr($0, RSTART + 5, RLENGTH - 5) + 0 > t)
			n++
	} END { print n + 0 }' "$TOPO_DIR/$1.out"
}

# transfers_end TAG [T]: stop the transfers, wait for each to end, and
# check that each was intact to a clean end; T: when a disruption was
# (date +%s.%N): each bulk transfer must have gone on after it.
transfers_end()
{
	local tag=$1 t=${2:-} s ev n
	topo_go "$tag"
	for s in "${SESSIONS[@]}"; do
		ev=$(topo_session_end "$s" 240)
		check_match "$s (${KEYS[$s]}): intact, a clean end" \
			'"ok": true' "$ev" || session_log "$s"
		if [[ $s == *-b* ]] && [ -n "$t" ]; then
			n=$(rounds_after "$s" "$t")
			echo "# $s: $(topo_jq "$ev" '"\(.rounds // 0) rounds"') of $CHUNK bytes each way, $n after the disruption"
			check_eq "$s went on after the disruption" true \
				"$([ "$n" -gt 0 ] && echo true || echo false)"
		elif [[ $s == *-b* ]]; then
			echo "# $s: $(topo_jq "$ev" '"\(.rounds // 0) rounds"') of $CHUNK bytes each way"
		else
			topo_session_match "$s" '"step": "pump:'
			echo "# $s: $(topo_jq "$TOPO_EVENT" '"\(.count) echoes, the longest \(.max_rtt) s"')"
		fi
	done
	SESSIONS=()
}

# --- The topology --------------------------------------------------------

# fabrics_setup [CF-LINES [PF-LINES]]: c1 and c2 linked to cf (its eth-c1
# 10.1.1.1/24 and eth-c2 10.1.2.1/24), the BACKENDS to pf's bridge br0
# (192.168.10.1/24), and sw's bridge br0 (10.9.0.254/24), the sync link;
# cf and pf forward, with multipath hash policy 1 (L4). CF-LINES and
# PF-LINES: more topo_ip lines for cf and pf. The bridges have fixed
# addresses: a bridge takes its ports' lowest, and would change it when a
# router goes, leaving stale neighbour entries.
fabrics_setup()
{
	local b c f cf_lines pf_lines
	cf_lines="link set lo up
addr add 10.1.1.1/24 dev eth-c1
addr add 10.1.2.1/24 dev eth-c2
link set eth-c1 up
link set eth-c2 up"
	pf_lines="link set lo up
link add br0 type bridge
link set br0 address 02:00:c0:a8:0a:01
addr add 192.168.10.1/24 dev br0
link set br0 up"
	[ -z "${1:-}" ] || cf_lines+=$'\n'$1
	[ -z "${2:-}" ] || pf_lines+=$'\n'$2

	ip link add eth0 netns "${TOPO_NS[c1]}" type veth peer name eth-c1 netns "${TOPO_NS[cf]}" &&
	ip link add eth0 netns "${TOPO_NS[c2]}" type veth peer name eth-c2 netns "${TOPO_NS[cf]}" ||
		return 1
	for b in "${BACKENDS[@]}"; do
		ip link add eth0 netns "${TOPO_NS[$b]}" type veth peer name "v-$b" \
			netns "${TOPO_NS[pf]}" || return 1
	done
	topo_ip cf "$cf_lines" || return 1
	topo_ip pf "$pf_lines" || return 1
	topo_ip sw "link set lo up
link add br0 type bridge
link set br0 address 02:00:0a:09:00:fe
addr add 10.9.0.254/24 dev br0
link set br0 up" || return 1
	for c in c1 c2; do
		topo_ip "$c" "$(topo_host_ip "${CADDR[$c]}/24" "${CADDR[$c]%.*}.1")" || return 1
	done
	for b in "${BACKENDS[@]}"; do
		topo_ip pf "link set v-$b master br0 up" &&
		topo_ip "$b" "$(topo_host_ip "${BADDR[$b]}/24" 192.168.10.1)" || return 1
	done
	for f in cf pf; do
		ip netns exec "${TOPO_NS[$f]}" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv4.fib_multipath_hash_policy=1 >/dev/null || return 1
	done
}

# router_wire ROUTER CF-ADDR PF-ADDR CF-GW PF-GW: a router's links: eth-c
# to cf and eth-p to pf, with the addresses CF-ADDR and PF-ADDR (ADDR/LEN;
# their ends there, eth-ROUTER, are the script's to set up), eth-s to sw's
# bridge with its sync address; routes to the clients through CF-GW and to
# the backends through PF-GW; forwarding on.
router_wire()
{
	local r=$1 ns=${TOPO_NS[$1]}
	ip link add eth-c netns "$ns" type veth peer name "eth-$r" netns "${TOPO_NS[cf]}" &&
	ip link add eth-p netns "$ns" type veth peer name "eth-$r" netns "${TOPO_NS[pf]}" &&
	ip link add eth-s netns "$ns" type veth peer name "v-$r" netns "${TOPO_NS[sw]}" &&
	topo_ip "$r" "link set lo up
addr add $2 dev eth-c
addr add $3 dev eth-p
addr add $(saddr "$r")/24 dev eth-s
link set eth-c up
link set eth-p up
link set eth-s up
route add 10.1.0.0/16 via $4
route add 192.168.10.0/24 via $5" &&
	topo_ip sw "link set v-$r master br0 up" &&
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
}

# The configuration every router gets, as an apply file.
pl_conf()
{
	local b
	cat <<EOF
az add a id use1-az1
subnet add subnet-a prefix 10.0.1.0/24 az a dev eth-c probe off
service add svc port 80:8080 acceptance auto
service source add svc $SRC az a
EOF
	for b in "${BACKENDS[@]}"; do
		echo "backend add svc ${BADDR[$b]} az a"
	done
	echo "endpoint add vpce-1 service svc subnet subnet-a ip $ENI"
}

# router_pl ROUTER KEY-FILE PEER...: the configuration, then sync.
router_pl()
{
	local r=$1 key=$2 p lines out
	shift 2
	lines="sync set node ${NODE[$r]} local $(saddr "$r") port $PORT key-file $key announce-table $TABLE"
	for p in "$@"; do
		lines+=$'\n'"sync peer add $(saddr "$p")"
	done
	if ! out=$(rc "$r" apply "$TOPO_DIR/pl.conf" 2>&1); then
		echo "# $r: apply failed:"
		pl_indent <<<"$out"
		return 1
	fi
	if [ "${WAIT_CLAIMED:-0}" = 1 ]; then
		topo_claimed "${TOPO_NS[$r]}" || return 1
	fi
	if ! out=$(rc "$r" -b - <<<"$lines" 2>&1); then
		echo "# $r: sync failed:"
		pl_indent <<<"$out"
		return 1
	fi
}

# router_join ROUTER: the configuration, sync, every other router a peer.
router_join()
{
	# shellcheck disable=SC2046
	router_pl "$1" "$KEY" $(others "$1")
}
