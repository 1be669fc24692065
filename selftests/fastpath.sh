#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fast path of established flows, seen from outside (limits'
# fast-path, on by default): packets of an established flow that need
# nothing of the stack are sent to the next hop from pl's hook, the rest
# is forwarded by the stack as before; stats show counts each forwarded
# packet of a flow under fast-path-packets or full-path-packets.
#
#   - on (the default, set explicitly here: PL_FAST_PATH=off turns it off
#     in topo_pl_config): bulk data both ways arrives intact (SHA256), and
#     nearly every packet takes the fast path, only handshake and FINs
#     the full one; limits show says so, as text and JSON;
#   - off: data arrives intact and no packet takes the fast path; a bad
#     value (fast-path maybe) is refused and changes nothing;
#   - mid-transfer, each transfer intact afterwards and the fast path still
#     taken: a route change toward the backend (to a next hop on a veth of
#     its own, and back to its bridge: the packets follow it), a flush of
#     the router's neighbour table, an MTU drop on the egress link each way
#     (path MTU discovery works: the sender gets "fragmentation needed",
#     pl counts too-big, and the sender caches the lower MTU); a backend
#     deleted mid-transfer resets the connection at once;
#   - packets of an established flow that must not take it (fragments, IP
#     options, TTL 1, above the egress MTU with DF) are dropped and counted
#     under their reasons, and do not count as fast path, while one that
#     may take it does.
#
# The transfers of the mid-transfer cases are slowed down at the senders
# (tbf on the client's and backends' eth0, about 0.5 MB/s) so that each
# change comes while data is in flight; the test fails when a transfer
# ended before its change, or too little crossed after it. Topology: see
# topo.sh.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd tc
ktap_set_plan 8

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
pl_kmsg_mark
topo_setup || ktap_exit_fail_msg "cannot build the topology"
# The default, before any configuration (topo_pl_config may turn it off).
DEFAULT_TEXT=$(r_ctl limits show 2>&1)
DEFAULT_JSON=$(r_ctl -j limits show 2>&1)
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"
CONFIG_TEXT=$(r_ctl limits show 2>&1)

BULK=4000000		# bytes each way, unthrottled
SLOW=3000000		# bytes of a throttled transfer (about 6 s)
KB=1000

# --- Helpers ---------------------------------------------------------------

# fast_path on|off: set it, checked.
fast_path()
{
	check_ok "limits set fast-path $1" -- r_ctl limits set fast-path "$1"
}

# "packets fast-path-packets full-path-packets bytes" of the namespace,
# then the COUNTERs asked for.
counters()
{
	topo_stat "$(topo_stats)" namespace - packets fast-path-packets \
		full-path-packets bytes "$@"
}

# The namespace's packets counter, for settled().
packets_now()
{
	topo_stat "$(topo_stats)" namespace - packets
}

# counters, once no packet has been counted for 0.5 s (5 s at most): the
# last ACKs of a closed connection may still be on their way.
settled()
{
	local a b i
	a=$(packets_now)
	for ((i = 0; i < 10; i++)); do
		topo_nap 0.5
		b=$(packets_now)
		[ "$a" = "$b" ] && break
		a=$b
	done
	counters "$@"
}

# check_fast DESC BEFORE AFTER MIN: between two counters snapshots, at
# least MIN bytes were forwarded (a count of packets would depend on how
# large the senders' GSO packets were), 90% or more of the packets on the
# fast path.
check_fast()
{
	local p f full b
	read -r p f full b _ <<<"$(topo_delta "$2" "$3")"
	ktap_print_msg "$1: $f of $p packets on the fast path, $full on the full path ($b bytes)"
	check_eq "$1: $f of $p packets on the fast path ($full on the full path, $b bytes): $4 bytes or more, 90% or more of the packets" \
		yes "$([ "$b" -ge "$4" ] && [ "$p" -gt 0 ] &&
			[ $((f * 10)) -ge $((p * 9)) ] && echo yes)"
}

# check_sum DESC BEFORE AFTER: fast- and full-path packets add up to
# packets (snapshots of a quiet router).
check_sum()
{
	local p f full
	read -r p f full _ <<<"$(topo_delta "$2" "$3")"
	check_eq "$1: fast-path-packets + full-path-packets = packets" \
		"$p" "$((f + full))"
}

# A session's "connected" event, once it came: TOPO_CONNECTED.
connected()
{
	topo_session_until "$1" '"event": "connected"' 120 >/dev/null || return 1
	TOPO_CONNECTED=$TOPO_EVENT
}

# eth_bytes NAME rx|tx: the bytes the eth0 of session NAME's host
# received or sent, in ETH_BYTES; read from the session's process, in the
# host's namespace, without a fork (it is polled: pl-ctl and jq take a
# second or more each under TCG on a loaded host, and the changes must
# come while the data flows). Fails once the session is over.
eth_bytes()
{
	local line f
	[ -r "/proc/$(<"$TOPO_DIR/$1.pid")/net/dev" ] || return 1
	while read -r line; do
		[[ $line == eth0:* ]] || continue
		read -ra f <<<"${line#eth0:}"
		if [ "$2" = rx ]; then ETH_BYTES=${f[0]}; else ETH_BYTES=${f[8]}; fi
		return 0
	done <"/proc/$(<"$TOPO_DIR/$1.pid")/net/dev"
	return 1
}

bytes_reached()
{
	! eth_bytes "$1" "$2" || [ $((ETH_BYTES - $3)) -ge "$4" ]
}

# wait_bytes NAME rx|tx BASE MIN: wait until the host of session NAME
# received or sent MIN bytes more than BASE (eth_bytes), or the session
# ended.
wait_bytes()
{
	topo_wait 60 bytes_reached "$@" && return 0
	pl_fail "FAIL: $1: its host did not $2 $4 bytes in 60 s"
	topo_session_log "$1"
	return 1
}

# base NAME rx|tx: eth_bytes now, for wait_bytes (0 when it is over).
base()
{
	eth_bytes "$@" && echo "$ETH_BYTES" || echo 0
}

# in_flight NAME STEP WHAT: the step of session NAME has not ended yet:
# WHAT came mid-transfer.
in_flight()
{
	if topo_session_match "$1" "\"step\": \"$2\""; then
		pl_fail "FAIL: $1: $3 came after $2 was over, not mid-transfer"
		return 1
	fi
}

# step_ok NAME STEP: the step ended well.
step_ok()
{
	local ev
	ev=$(topo_session_until "$1" "\"step\": \"$2\"" 120) &&
	check_match "$1: $2 arrived intact (SHA256)" '"ok": true' "$ev" || {
		topo_session_log "$1"
		return 1
	}
	ktap_print_msg "$1: $2 took $(topo_jq "$ev" .elapsed) s"
}

# Bytes a device of a host (or r) sent.
tx_bytes()
{
	ip -n "$(topo_ns "$1")" -s -j link show dev "$2" |
		pl_jq -r '.[0].stats64.tx.bytes'
}

# Slow the senders of the mid-transfer cases down to about 0.5 MB/s.
slow_hosts()
{
	local h out
	for h in c1a b1a b2a; do
		if ! out=$(tc -n "$(topo_ns "$h")" qdisc replace dev eth0 root \
			   tbf rate 4mbit burst 32kb latency 400ms 2>&1); then
			pl_fail "FAIL: tc qdisc replace ... tbf in $h: $out"
			return 1
		fi
	done
}

# Stop a session that a failed case left running.
session_stop()
{
	kill "$(<"$TOPO_DIR/$1.pid")" 2>/dev/null
	return 0
}

r_link()
{
	check_ok "ip link set $*" -- ip -n "$R" link set "$@"
}

# bulk NAME: BULK bytes each way from c1a through ENI A, SHA256 checked,
# between two settled counter snapshots, S0 and S1.
bulk()
{
	local ev
	S0=$(settled)
	topo_session "$1" c1a "$ENI_A:80" --timeout 60 "stream:$BULK" "sink:$BULK"
	ev=$(topo_session_end "$1" 180)
	check_match "$BULK bytes each way, SHA256 checked" '"ok": true' "$ev" ||
		topo_session_log "$1"
	S1=$(settled)
}

# --- 1. On, by default ------------------------------------------------------

test_on()
{
	local s0 s1 full

	check_match "limits show, before any configuration: fast-path on" \
		'^fast-path on$' "$DEFAULT_TEXT"
	check_eq "limits show -j, before any configuration: fast-path true" \
		true "$(topo_jq "$DEFAULT_JSON" '.limits["fast-path"]')"
	if [ "${PL_FAST_PATH:-}" = off ]; then
		check_match "topo_pl_config with PL_FAST_PATH=off: fast-path off" \
			'^fast-path off$' "$CONFIG_TEXT"
	else
		check_match "topo_pl_config: fast-path on" '^fast-path on$' \
			"$CONFIG_TEXT"
	fi
	fast_path on
	check_match "limits show: fast-path on" '^fast-path on$' \
		"$(r_ctl limits show 2>&1)"
	check_eq "limits show -j: fast-path true" true \
		"$(r_ctl -j limits show | pl_jq -r '.limits["fast-path"]')"

	bulk on
	s0=$S0 s1=$S1
	check_fast "the transfer" "$s0" "$s1" $((2 * BULK))
	check_sum "the transfer" "$s0" "$s1"
	# SYN, SYN-ACK and the two FINs at least; a few ACKs around them.
	read -r _ _ full _ <<<"$(topo_delta "$s0" "$s1")"
	check_eq "the full path took handshake and close only: $full packets (4 to 12)" \
		yes "$([ "$full" -ge 4 ] && [ "$full" -le 12 ] && echo yes)"
}

# --- 2. Off --------------------------------------------------------------

test_off()
{
	local s0 s1 p f full b out rc

	fast_path off
	check_match "limits show: fast-path off" '^fast-path off$' \
		"$(r_ctl limits show 2>&1)"
	check_eq "limits show -j: fast-path false" false \
		"$(r_ctl -j limits show | pl_jq -r '.limits["fast-path"]')"

	bulk off
	s0=$S0 s1=$S1
	read -r p f full b _ <<<"$(topo_delta "$s0" "$s1")"
	check_eq "fast-path-packets stayed flat" 0 "$f"
	check_eq "every packet ($p, $b bytes) on the full path" yes \
		"$([ "$b" -ge $((2 * BULK)) ] && [ "$full" = "$p" ] && echo yes)"

	fast_path on
	check_match "limits show: fast-path on again" '^fast-path on$' \
		"$(r_ctl limits show 2>&1)"

	out=$(r_ctl limits set fast-path maybe 2>&1)
	rc=$?
	check_eq "limits set fast-path maybe: exit status 1 or 2 ($rc)" yes \
		"$([ $rc = 1 ] || [ $rc = 2 ] && echo yes)"
	check_match "limits set fast-path maybe: says why, naming fast-path" \
		'fast-path' "$out"
	check_match "limits show: still fast-path on" '^fast-path on$' \
		"$(r_ctl limits show 2>&1)"
	check_eq "limits show -j: still true" true \
		"$(r_ctl -j limits show | pl_jq -r '.limits["fast-path"]')"
}

# --- 3. Changes mid-transfer ----------------------------------------------

# A veth of its own from r to each AZ-a backend, d-NAME (10.255.N.1/30) to
# NAME's eth1 (10.255.N.2/30): another next hop to it. The backend answers
# as before, through its eth0 (rp_filter off: what comes in on eth1 has a
# source it routes through eth0).
direct_links()
{
	local b n=0
	for b in b1a b2a; do
		n=$((n + 1))
		ip -n "$R" link show "d-$b" &>/dev/null && continue
		ip link add eth1 netns "$(topo_ns "$b")" type veth peer name \
			"d-$b" netns "$R" &&
		topo_ip r "addr add 10.255.$n.1/30 dev d-$b
link set d-$b up" &&
		topo_ip "$b" "addr add 10.255.$n.2/30 dev eth1
link set eth1 up" &&
		ip netns exec "$(topo_ns "$b")" sysctl -qw \
			net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.eth1.rp_filter=0 || {
			pl_fail "FAIL: cannot link r to $b directly"
			return 1
		}
	done
}

route_case()
{
	local x xaddr gw s0 s1 s2 d0 d1 v1 v2 b

	topo_session rt c1a "$ENI_A:80" --timeout 60 "sink:$SLOW" \
		"wait:$(topo_gofile rt)" echo
	connected rt || return 1
	b=$(base rt tx)
	x=$(topo_jq "$TOPO_CONNECTED" .backend)
	case $x in
	b1a) gw=10.255.1.2 ;;
	b2a) gw=10.255.2.2 ;;
	*) pl_fail "FAIL: the connection went to $x, not to an AZ-a backend"; return 1 ;;
	esac
	xaddr=${TOPO_ADDR[$x]}

	# At 0.3 MB: to x through d-x, its next hop gw. (Each change comes
	# as soon as the flow carried enough; the snapshots, which take a
	# while under TCG, before or after it.)
	s0=$(counters)
	d0=$(tx_bytes r "d-$x")
	wait_bytes rt tx "$b" $((300 * KB)) || return 1
	check_ok "route to $xaddr via $gw" -- \
		ip -n "$R" route replace "$xaddr/32" via "$gw" dev "d-$x"
	in_flight rt "sink:$SLOW" "the route change" || return 1
	# Nothing goes to x through its bridge port from here on.
	v1=$(tx_bytes r "v-$x")

	# At 1.3 MB: back through br-p1.
	wait_bytes rt tx "$b" $((1300 * KB)) || return 1
	check_ok "route to $xaddr removed" -- ip -n "$R" route del "$xaddr/32"
	in_flight rt "sink:$SLOW" "the second route change" || return 1
	s1=$(counters)
	d1=$(tx_bytes r "d-$x")

	step_ok rt "sink:$SLOW"
	s2=$(counters)
	v2=$(tx_bytes r "v-$x")
	ktap_print_msg "to $x: $((d1 - d0)) bytes through d-$x, then $((v2 - v1)) through v-$x"
	check_eq "packets to $x took the new next hop: $((d1 - d0)) bytes on d-$x (300000 or more)" \
		yes "$([ $((d1 - d0)) -ge 300000 ] && echo yes)"
	check_eq "then its bridge again: $((v2 - v1)) bytes on v-$x (300000 or more)" \
		yes "$([ $((v2 - v1)) -ge 300000 ] && echo yes)"
	check_fast "after the route change" "$s0" "$s1" 300000
	check_fast "after the route came back" "$s1" "$s2" 300000
	topo_go rt
	topo_session_ok rt
}

test_route()
{
	local rc b

	fast_path on
	slow_hosts && direct_links || return 1
	route_case
	rc=$?
	session_stop rt
	# Whatever happened, the routes of the topology again.
	for b in b1a b2a; do
		ip -n "$R" route del "${TOPO_ADDR[$b]}/32" 2>/dev/null
	done
	return $rc
}

neigh_case()
{
	local x s0 s1 mac b

	topo_session nf c1a "$ENI_A:80" --timeout 60 "sink:$SLOW" \
		"wait:$(topo_gofile nf)" echo
	connected nf || return 1
	b=$(base nf tx)
	wait_bytes nf tx "$b" $((300 * KB)) || return 1
	check_ok "ip neigh flush all in r" -- ip -n "$R" neigh flush all
	in_flight nf "sink:$SLOW" "the neighbour flush" || return 1
	s0=$(counters)
	step_ok nf "sink:$SLOW"
	s1=$(counters)
	check_fast "after the flush" "$s0" "$s1" 1000000
	x=$(topo_jq "$TOPO_CONNECTED" .backend)
	mac=$(ip -n "$(topo_ns "$x")" -j link show eth0 | pl_jq -r '.[0].address')
	check_match "r resolved $x again" "lladdr $mac" \
		"$(ip -n "$R" neigh show "${TOPO_ADDR[$x]}")"
	topo_go nf
	topo_session_ok nf
}

test_neigh_flush()
{
	local rc

	fast_path on
	slow_hosts || return 1
	neigh_case
	rc=$?
	session_stop nf
	return $rc
}

# Path MTU discovery across an MTU drop, each way: 1280 on br-p1 while the
# client sends, on br-a while the backend does.
mtu_case()
{
	local x s0 s1 s2 s3 tb0 tb1 tb2 b

	topo_session mtu c1a "$ENI_A:80" --timeout 60 "sink:$SLOW" \
		"stream:$SLOW" "wait:$(topo_gofile mtu)" echo
	connected mtu || return 1
	b=$(base mtu tx)
	x=$(topo_jq "$TOPO_CONNECTED" .backend)

	wait_bytes mtu tx "$b" $((300 * KB)) || return 1
	s0=$(counters drops.too-big)
	r_link br-p1 mtu 1280 || return 1
	in_flight mtu "sink:$SLOW" "the MTU drop on br-p1" || return 1
	step_ok mtu "sink:$SLOW" || return 1
	b=$(base mtu rx)
	s1=$(counters drops.too-big)

	wait_bytes mtu rx "$b" $((300 * KB)) || return 1
	s2=$(counters drops.too-big)
	r_link br-a mtu 1280 || return 1
	in_flight mtu "stream:$SLOW" "the MTU drop on br-a" || return 1
	step_ok mtu "stream:$SLOW" || return 1
	s3=$(counters drops.too-big)

	tb0=$(cut -d' ' -f5 <<<"$s0")
	tb1=$(cut -d' ' -f5 <<<"$s1")
	tb2=$(cut -d' ' -f5 <<<"$s3")
	check_eq "client to backend: pl answered too big ($((tb1 - tb0)) drops too-big)" \
		yes "$([ $((tb1 - tb0)) -ge 1 ] && echo yes)"
	check_match "c1a learnt the path MTU to the ENI" 'mtu 1280' \
		"$(ip -n "$(topo_ns c1a)" route get "$ENI_A")"
	check_eq "backend to client: pl answered too big ($((tb2 - tb1)) drops too-big)" \
		yes "$([ $((tb2 - tb1)) -ge 1 ] && echo yes)"
	check_match "$x learnt the path MTU to the source address" 'mtu 1280' \
		"$(ip -n "$(topo_ns "$x")" route get "$SRC_A")"
	check_fast "client to backend, after the MTU drop" "$s0" "$s1" 1000000
	check_fast "backend to client, after the MTU drop" "$s2" "$s3" 1000000
	topo_go mtu
	topo_session_ok mtu
}

test_mtu()
{
	local rc

	fast_path on
	slow_hosts || return 1
	mtu_case
	rc=$?
	session_stop mtu
	r_link br-p1 mtu 1500
	r_link br-a mtu 1500
	return $rc
}

# What the client and pl say about a connection that was not reset.
not_reset()
{
	local sport
	sport=$(topo_jq "$TOPO_CONNECTED" .sport)
	echo "# its flow in r:"
	topo_flows | pl_jq -c --argjson p "$sport" \
		'.flows[] | select(.orig.sport == $p)' | pl_indent
	echo "# the client's socket:"
	ip netns exec "$(topo_ns c1a)" ss -tnio "sport = :$sport" | pl_indent
	echo "# the client's TCP counters:"
	ip netns exec "$(topo_ns c1a)" nstat -asz TcpEstabResets TcpInErrs \
		TcpExtTCPChallengeACK TcpExtTCPACKSkippedChallenge \
		TcpExtTCPAbortOnData TcpExtTCPOFOQueue TcpExtTCPRcvQDrop | pl_indent
	echo "# pl's counters (namespace): packets, fast, full, drops no-flow, unknown-reply:"
	topo_stat "$(topo_stats)" namespace - packets fast-path-packets \
		full-path-packets drops.no-flow drops.unknown-reply | pl_indent
}

DEL_ADDR=""

backend_del_case()
{
	local x xaddr pport t0 t1 ev big=8000000 b

	topo_session del c1a "$ENI_A:80" --timeout 60 "stream:$big" \
		"wait:$(topo_gofile del)" echo
	connected del || return 1
	b=$(base del rx)
	read -r x pport <<<"$(topo_jq "$TOPO_CONNECTED" '"\(.backend) \(.peer_port)"')"
	xaddr=${TOPO_ADDR[$x]}
	DEL_ADDR=$xaddr
	wait_bytes del rx "$b" $((300 * KB)) || return 1
	in_flight del "stream:$big" "the deletion" || return 1
	t0=$(date +%s.%N)
	check_ok "delete $x mid-transfer" -- r_ctl backend del svc "$xaddr" ||
		return 1
	t1=$(date +%s.%N)
	# Before the session is killed, what its socket looks like.
	topo_wait 10 topo_gone "$(<"$TOPO_DIR/del.pid")" || not_reset
	ev=$(topo_session_end del 1)
	check_match "the client's connection was reset" '"error": "ECONNRESET"' "$ev" || {
		topo_session_log del
		return 1
	}
	topo_session_match del '"event": "step", "ok": false'
	ktap_print_msg "backend del took $(topo_jq "{}" "$t1 - $t0") s; the client saw the reset $(topo_jq "$TOPO_EVENT" ".t - $t0") s after it began"
	check_eq "at once (within 2 s of the deletion)" true \
		"$(topo_jq "$TOPO_EVENT" ".t - $t1 < 2")"
	topo_wait 10 grep -qE "^close $SRC_A $pport " "$(topo_log "$x")"
	check_eq "$x's socket was reset too" "close $SRC_A $pport reset" \
		"$(grep -E "^close $SRC_A $pport " "$(topo_log "$x")")"
	check_eq "no flow left to $x" 0 \
		"$(topo_flows backend "$xaddr" | pl_jq '.flows | length')"
}

test_backend_del()
{
	local rc

	fast_path on
	slow_hosts || return 1
	DEL_ADDR=""
	backend_del_case
	rc=$?
	session_stop del
	if [ -n "$DEL_ADDR" ] && ! r_ctl backend show svc | grep -qF "$DEL_ADDR "; then
		topo_ctl_batch "backend add svc $DEL_ADDR az a" "backend show svc" ||
			rc=1
	fi
	return $rc
}

# --- 4. Packets that must not take the fast path -----------------------

# craft SPORT: from c1a, through a packet socket, packets of c1a's flow
# from SPORT to the ENI, all with a bad TCP checksum (a backend drops what
# reaches it, unanswered): one that may take the fast path, then two
# fragments, one with IP options, one with TTL 1 and one of 1400 bytes
# with DF (above an egress MTU of 1280).
CRAFT='
import socket, struct, sys
sys.path.insert(0, sys.argv[1])
from pl_tcp import checksum, emit, tcp_header
dev, dmac, src, sport, dst = sys.argv[2:7]
sport = int(sport)

def ip(payload, ttl=64, frag=0x4000, options=b""):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | (5 + len(options) // 4), 0,
                      20 + len(options) + len(payload), 0x2345, frag, ttl,
                      socket.IPPROTO_TCP, 0, socket.inet_aton(src),
                      socket.inet_aton(dst)) + options
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:] + payload

def seg(n):
    return tcp_header(src, dst, sport, 80, 0x18, data=b"x" * n, bad=True)

pkts = {
    "fast": ip(seg(16)),
    "fragment-first": ip(seg(16), frag=0x2000),
    "fragment-later": ip(b"y" * 16, frag=3),
    "ip-options": ip(seg(16), options=b"\x01\x01\x01\x00"),
    "ttl-1": ip(seg(16), ttl=1),
    "too-big": ip(seg(1360)),
}
with open(f"/sys/class/net/{dev}/address") as f:
    mac = bytes.fromhex(f.read().strip().replace(":", ""))
eth = bytes.fromhex(dmac.replace(":", "")) + mac + b"\x08\x00"
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind((dev, 0))
for pkt in pkts.values():
    sock.send(eth + pkt.ljust(46, b"\0"))
emit({"sent": list(pkts)})
'

test_not_fast()
{
	local sport s0 s1 out rc p f full rest

	fast_path on
	topo_session idle c1a "$ENI_A:80" --timeout 30 echo \
		"wait:$(topo_gofile idle)" echo
	topo_session_first idle || return 1
	sport=$(topo_jq "$TOPO_CONNECTED" .sport)
	check_eq "its flow is established" established \
		"$(topo_flows | pl_jq -r --argjson p "$sport" \
			'.flows[] | select(.orig.sport == $p) | .state')"

	s0=$(settled drops.fragment drops.ip-options drops.ttl-exceeded drops.too-big)
	r_link br-p1 mtu 1280 || return 1
	out=$(ip netns exec "$(topo_ns c1a)" "$TOPO_PY" -S -c "$CRAFT" \
		"$PL_SELFTESTS" eth0 "$(ip -n "$R" -j link show br-a |
			pl_jq -r '.[0].address')" "${TOPO_ADDR[c1a]}" "$sport" \
		"$ENI_A" 2>&1)
	rc=$?
	r_link br-p1 mtu 1500
	check_eq "sent (exit status $rc)" 0 "$rc" || { pl_indent <<<"$out"; return 1; }
	s1=$(settled drops.fragment drops.ip-options drops.ttl-exceeded drops.too-big)
	read -r p f full _ rest <<<"$(topo_delta "$s0" "$s1")"
	check_eq "packets, fast path, full path; drops fragment, ip-options, ttl-exceeded, too-big" \
		"1 1 0 2 1 1 1" "$p $f $full $rest" || pl_indent <<<"$out"

	topo_go idle
	topo_session_ok idle
}

# --- 5. The kernel log -----------------------------------------------------

test_kmsg()
{
	check_kmsg_clean
}

pl_subtest "fastpath: on by default, bulk data takes it, intact" test_on
pl_subtest "fastpath: off, every packet takes the full path; bad values refused" test_off
pl_subtest "fastpath: a route change mid-transfer" test_route
pl_subtest "fastpath: a neighbour flush mid-transfer" test_neigh_flush
pl_subtest "fastpath: an MTU drop mid-transfer, each way (path MTU discovery)" test_mtu
pl_subtest "fastpath: a backend deleted mid-transfer resets the connection" test_backend_del
pl_subtest "fastpath: fragments, IP options, TTL 1 and too big take the full path" test_not_fast
pl_subtest "fastpath: the kernel log stays clean" test_kmsg
ktap_finished
