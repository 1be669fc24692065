#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The standard topology of the pl data-path tests. Source it after lib.sh:
#
#	source "$(dirname "$(readlink -f "$0")")/lib.sh"
#	source "$(dirname "$(readlink -f "$0")")/topo.sh"
#
#   on premises
#   op 10.100.0.10 --- opr 10.100.0.1
#                          172.16.0.2
#                              |  routed point-to-point link, 172.16.0.0/30
#   consumer VPC               |                                 provider
#                     +--------+--------------------------+
#                     |    172.16.0.1 (eth-op)            |
#                     |    10.100.0.0/24 via 172.16.0.2   |
#   subnet-a, AZ a    |                                   |  192.168.1.0/24, AZ a
#   10.0.1.0/24       |  router r: pl, ip_forward         |
#   c1a 10.0.1.10 --+-+- br-a 10.0.1.1   br-p1 192.168.1.1 -+-+-- b1a 192.168.1.11
#   c2a 10.0.1.11 --+ |  ENI 10.0.1.50   source 192.168.1.100 | +-- b2a 192.168.1.12
#                     |                                   |
#   subnet-b, AZ b    |                                   |  192.168.2.0/24, AZ b
#   10.0.2.0/24       |                                   |
#   c1b 10.0.2.10 ----+- br-b 10.0.2.1   br-p2 192.168.2.1 -+-+-- b1b 192.168.2.11
#                     |  ENI 10.0.2.50   source 192.168.2.100 | +-- b2b 192.168.2.12
#                     +-----------------------------------+
#
# Every host is a network namespace with one veth to r (op's goes to opr);
# r bridges its ends per subnet. The bridges have fixed MAC addresses: a
# bridge would otherwise take the lowest of its ports', and change it when
# topo_backend adds a port, leaving the hosts' neighbour entries pointing
# nowhere. Nobody configures the ENI IPs or the source
# addresses anywhere: pl answers ARP for them. op reaches the ENIs only
# through r's route to 10.100.0.0/24 over the routed link.
#
# Each backend runs "pl_tcp.py server" on port 8080: it answers every
# connection with "NAME PEER-IP PEER-PORT", and logs each connection's open
# and close in $TOPO_DIR/NAME.log.
#
# pl, as topo_pl_config sets it up (topo_pl_batch lists the commands):
# AZs a (use1-az1) and b (use1-az2); subnet-a (its interface found by
# route), subnet-b (dev br-b); service svc, listener 80:8080, acceptance
# auto, sources 192.168.1.100 (a) and 192.168.2.100 (b), backends b1a b2a
# (a) and b1b b2b (b) of weight 1; endpoint vpce-1, ENIs 10.0.1.50
# (subnet-a) and 10.0.2.50 (subnet-b). With PL_FAST_PATH=off in the
# environment, it ends with "limits set fast-path off", so that the data-path
# tests run with every packet on the stack's full path (a test that depends
# on the fast path sets it itself).
#
# Functions:
#   topo_setup                     namespaces, links, servers; cleanup at exit
#   topo_init                      only the directory and cleanup, for a
#                                  topology of a test's own (topo_mkns, ...)
#   topo_backend NAME SUBNET HOST  one more backend host, 192.168.SUBNET.HOST
#   topo_pl_config [LINE...]       configure pl as above, then pl-ctl LINEs
#   topo_ctl_batch LINE...         pl-ctl batch lines in r, in one run
#   topo_claimed NS                wait until pl in NS probes no address
#   r_ctl ARGS                     pl-ctl in r
#   topo_ns HOST                   the namespace of a host (r, c1a, b1a, ...)
#   topo_connect HOST IP:PORT ...  pl_tcp.py connect from HOST (JSON out)
#   topo_session NAME HOST IP:PORT [OPTIONS] STEP...
#                                  pl_tcp.py session, in the background
#   topo_gofile NAME, topo_go NAME a control file for a wait: step; create it
#   topo_session_until NAME REGEX [SECONDS]
#                                  wait for one of its events
#   topo_session_end NAME [SECONDS]  wait for it to end; its done event
#   topo_session_first NAME, topo_session_ok NAME
#                                  check its first step, its end
#   topo_bg NAME CMD..., topo_bg_wait, topo_bg_out NAME
#                                  commands in parallel, and their output
#   topo_stats; topo_stat STATS SCOPE KEY COUNTER...
#                                  stats show -j, and counters out of it
#   topo_delta OLD NEW             the differences of two counter lists
#   topo_flows [ARGS]              flow show -j
#   topo_wait SECONDS CMD...       poll CMD every 0.1 s

TOPO_TCP=$PL_SELFTESTS/pl_tcp.py
TOPO_PY=${PL_PYTHON:-python3}
# pl_tcp.py needs nothing but the standard library: -S skips the search of
# the installed packages (site), which costs a second under TCG.
TOPO_TCP_RUN=("$TOPO_PY" -S "$TOPO_TCP")
# lib.sh sets a bytecode cache for the YNL tools; with it, Python would
# compile its own library again (slow under TCG) instead of using Debian's.
unset PYTHONPYCACHEPREFIX

ENI_A=10.0.1.50
ENI_B=10.0.2.50
SRC_A=192.168.1.100
SRC_B=192.168.2.100
OP_NET=10.100.0.0/24

# Hosts and their addresses.
declare -A TOPO_ADDR=(
	[c1a]=10.0.1.10 [c2a]=10.0.1.11 [c1b]=10.0.2.10 [op]=10.100.0.10
	[b1a]=192.168.1.11 [b2a]=192.168.1.12
	[b1b]=192.168.2.11 [b2b]=192.168.2.12
)
# Backend names by address.
declare -A TOPO_NAME=(
	[192.168.1.11]=b1a [192.168.1.12]=b2a
	[192.168.2.11]=b1b [192.168.2.12]=b2b
)
# Namespaces by host name.
declare -A TOPO_NS=()
TOPO_DIR=""
R=""

# pl-ctl in r.
r_ctl()
{
	pl_ctl -n "$R" "$@"
}

topo_ns()
{
	echo "${TOPO_NS[$1]:?no host $1}"
}

# Sleep without a fork (it is polled): a read that times out on a FIFO
# nobody writes.
topo_nap()
{
	if [ -z "${TOPO_NAP_FD:-}" ]; then
		mkfifo "$TOPO_DIR/nap" && exec {TOPO_NAP_FD}<>"$TOPO_DIR/nap" ||
			TOPO_NAP_FD=none
	fi
	if [ "$TOPO_NAP_FD" = none ]; then
		sleep "${1:-0.1}"
	else
		read -r -t "${1:-0.1}" -u "$TOPO_NAP_FD"
	fi
}

# topo_wait SECONDS CMD...: poll CMD (best a builtin) every 0.1 s.
topo_wait()
{
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		topo_nap 0.1
	done
	return 0
}

# Stop the servers and sessions, delete the namespaces (in parallel; what
# is left, cleanup_all_ns deletes one by one).
topo_cleanup()
{
	local pid ns pids=()
	for pid in "$TOPO_DIR"/*.pid; do
		[ -e "$pid" ] && kill "$(<"$pid")" 2>/dev/null
	done
	for ns in "${TOPO_NS[@]}"; do
		ip netns delete "$ns" &
		pids+=($!)
	done
	wait "${pids[@]}"
	mapfile -t NS_LIST < <(ip netns list | cut -d' ' -f1 | grep -Fxf <(printf '%s\n' "${NS_LIST[@]}"))
	cleanup_all_ns
	[ -n "$TOPO_DIR" ] && rm -rf "$TOPO_DIR"
}

# topo_mkns HOST...: a namespace for each host, created in parallel and
# deleted at exit (setup_ns would create them one by one).
topo_mkns()
{
	local host name pid pids=() rc=0
	for host in "$@"; do
		name=$host-$RANDOM$RANDOM
		TOPO_NS[$host]=$name
		NS_LIST+=("$name")
		ip netns add "$name" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || rc=1
	done
	return $rc
}

# topo_ip HOST LINES: ip -batch in a host's namespace.
topo_ip()
{
	local out
	if ! out=$(ip -n "$(topo_ns "$1")" -b - <<<"$2" 2>&1); then
		echo "# ip -n $1 -b failed: $out"
		return 1
	fi
}

# topo_host_ip ADDR/LEN GW: the batch that configures a host's eth0.
topo_host_ip()
{
	printf '%s\n' "link set lo up" "addr add $1 dev eth0" "link set eth0 up" \
		"route add default via $2"
}

# topo_servers NAME...: start backends' servers, wait until they listen.
topo_servers()
{
	local name
	for name in "$@"; do
		ip netns exec "$(topo_ns "$name")" "${TOPO_TCP_RUN[@]}" server \
			--name "$name" --port 8080 --log "$TOPO_DIR/$name.log" \
			--ready "$TOPO_DIR/$name.ready" >"$TOPO_DIR/$name.err" 2>&1 &
		echo $! >"$TOPO_DIR/$name.pid"
	done
	for name in "$@"; do
		if ! topo_wait 90 test -e "$TOPO_DIR/$name.ready"; then
			echo "# server $name did not start:"
			pl_indent <"$TOPO_DIR/$name.err"
			return 1
		fi
	done
}

# topo_backend NAME SUBNET HOST: one more backend host, 192.168.SUBNET.HOST
# on br-pSUBNET, running a server (pl does not know it yet).
topo_backend()
{
	local name=$1 net=$2 addr=192.168.$2.$3
	TOPO_ADDR[$name]=$addr
	TOPO_NAME[$addr]=$name
	topo_mkns "$name" &&
	ip link add eth0 netns "$(topo_ns "$name")" type veth peer name "v-$name" \
		netns "$R" &&
	topo_ip r "link set v-$name master br-p$net up" &&
	topo_ip "$name" "$(topo_host_ip "$addr/24" "192.168.$net.1")" &&
	topo_servers "$name"
}

# topo_init: what any topology of these helpers needs first: its
# directory, its cleanup at exit, the veth and bridge drivers.
topo_init()
{
	pl_require_cmd "$TOPO_PY" "$PL_JQ"
	TOPO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pl-topo.XXXXXX") || return 1
	pl_defer topo_cleanup
	modprobe -q veth 2>/dev/null
	modprobe -q bridge 2>/dev/null
	return 0
}

topo_setup()
{
	local host veths="" gw

	topo_init || return 1

	topo_mkns r c1a c2a c1b op opr b1a b2a b1b b2b || return 1
	R=${TOPO_NS[r]}

	# The links: every host to r, opr to r and to op.
	for host in c1a c2a c1b b1a b2a b1b b2b; do
		veths+="link add eth0 netns ${TOPO_NS[$host]} type veth peer name v-$host netns $R"$'\n'
	done
	veths+="link add eth-op netns $R type veth peer name eth-r netns ${TOPO_NS[opr]}"$'\n'
	veths+="link add eth0 netns ${TOPO_NS[op]} type veth peer name eth-op netns ${TOPO_NS[opr]}"
	ip -b - <<<"$veths" || return 1

	topo_ip r "link set lo up
link add br-a type bridge
link add br-b type bridge
link add br-p1 type bridge
link add br-p2 type bridge
link set br-a address 02:00:0a:00:01:01
link set br-b address 02:00:0a:00:02:01
link set br-p1 address 02:00:c0:a8:01:01
link set br-p2 address 02:00:c0:a8:02:01
addr add 10.0.1.1/24 dev br-a
addr add 10.0.2.1/24 dev br-b
addr add 192.168.1.1/24 dev br-p1
addr add 192.168.2.1/24 dev br-p2
link set v-c1a master br-a up
link set v-c2a master br-a up
link set v-c1b master br-b up
link set v-b1a master br-p1 up
link set v-b2a master br-p1 up
link set v-b1b master br-p2 up
link set v-b2b master br-p2 up
link set br-a up
link set br-b up
link set br-p1 up
link set br-p2 up
addr add 172.16.0.1/30 dev eth-op
link set eth-op up
route add $OP_NET via 172.16.0.2" || return 1
	topo_ip opr "link set lo up
addr add 172.16.0.2/30 dev eth-r
link set eth-r up
addr add 10.100.0.1/24 dev eth-op
link set eth-op up
route add default via 172.16.0.1" || return 1
	for host in c1a c2a c1b op b1a b2a b1b b2b; do
		gw=${TOPO_ADDR[$host]%.*}.1
		topo_ip "$host" "$(topo_host_ip "${TOPO_ADDR[$host]}/24" "$gw")" ||
			return 1
	done
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1 &&
	ip netns exec "${TOPO_NS[opr]}" sysctl -qw net.ipv4.ip_forward=1 ||
		return 1

	topo_servers b1a b2a b1b b2b
}

# The standard configuration, as pl-ctl batch lines.
topo_pl_batch()
{
	cat <<EOF
az add a id use1-az1
az add b id use1-az2
subnet add subnet-a prefix 10.0.1.0/24 az a
subnet add subnet-b prefix 10.0.2.0/24 az b dev br-b
service add svc port 80:8080 acceptance auto
service source add svc $SRC_A az a
service source add svc $SRC_B az b
backend add svc ${TOPO_ADDR[b1a]} az a
backend add svc ${TOPO_ADDR[b2a]} az a
backend add svc ${TOPO_ADDR[b1b]} az b
backend add svc ${TOPO_ADDR[b2b]} az b
endpoint add vpce-1 service svc subnet subnet-a ip $ENI_A subnet subnet-b ip $ENI_B
EOF
	if [ "${PL_FAST_PATH:-}" = off ]; then
		echo "limits set fast-path off"
	fi
}

# topo_ctl_batch LINE...: pl-ctl batch lines in r, in one run; when they
# add ENIs or source addresses, wait until pl has probed them.
topo_ctl_batch()
{
	local out
	if ! out=$(printf '%s\n' "$@" | r_ctl -b - 2>&1); then
		echo "# pl-ctl -b failed:"
		pl_indent <<<"$out"
		return 1
	fi
	if printf '%s\n' "$@" | grep -qE '^(endpoint add|service source add) '; then
		topo_claimed "$R"
	fi
}

topo_probing()
{
	pl_ctl -n "$1" endpoint show | grep -q 'state probing' ||
		pl_ctl -n "$1" service show | grep -q 'state probing'
}

# topo_claimed NS: wait (10 s at most) until pl in NS probes no address
# any more (see Documentation/pl.rst, "Addresses").
topo_claimed()
{
	topo_wait 10 eval "! topo_probing '$1'" || {
		echo "# pl in $1 still probes after 10 s:"
		pl_ctl -n "$1" endpoint show | pl_indent
		return 1
	}
}

# topo_pl_config [LINE...]: the standard configuration, then each LINE.
topo_pl_config()
{
	local lines
	mapfile -t lines < <(topo_pl_batch)
	topo_ctl_batch "${lines[@]}" "$@"
}

# topo_connect HOST IP:PORT [ARGS]: pl_tcp.py connect from HOST.
topo_connect()
{
	local host=$1
	shift
	ip netns exec "$(topo_ns "$host")" "${TOPO_TCP_RUN[@]}" connect "$@"
}

# topo_session NAME HOST IP:PORT [OPTIONS] STEP...: a session in the
# background; its JSON events go to $TOPO_DIR/NAME.out, one per line.
topo_session()
{
	local name=$1 host=$2
	shift 2
	: >"$TOPO_DIR/$name.out"
	ip netns exec "$(topo_ns "$host")" "${TOPO_TCP_RUN[@]}" session "$@" \
		>>"$TOPO_DIR/$name.out" 2>"$TOPO_DIR/$name.err" &
	echo $! >"$TOPO_DIR/$name.pid"
}

# The control file that a "wait:FILE" step of a session waits for.
topo_gofile()
{
	echo "$TOPO_DIR/go.$1"
}

topo_go()
{
	: >"$(topo_gofile "$1")"
}

# The first event of a session whose line matches REGEX, in TOPO_EVENT;
# without forking, as it is polled.
topo_session_match()
{
	local line lines
	mapfile -t lines <"$TOPO_DIR/$1.out"
	for line in "${lines[@]}"; do
		if [[ $line =~ $2 ]]; then
			TOPO_EVENT=$line
			return 0
		fi
	done
	return 1
}

# topo_session_until NAME REGEX [SECONDS]: wait until an event of the
# session matches REGEX (its JSON has sorted keys and ", " and ": "
# separators: '"event": "connected"'), and print it; fail when the session
# ends first or time runs out.
topo_session_until()
{
	local name=$1 re=$2 secs=${3:-60}
	TOPO_EVENT=""
	topo_wait "$secs" topo_session_match "$name" "$re|\"event\": \"done\""
	if [[ ! $TOPO_EVENT =~ $re ]]; then
		# On stderr: callers often take its output in $(...).
		{
			echo "# session $name: no event matching /$re/ in ${secs}s:"
			topo_session_log "$name"
			topo_session_where "$name"
		} >&2
		return 1
	fi
	echo "$TOPO_EVENT"
}

# Where a session that still runs is stuck: its state, wait channel and
# kernel stack.
topo_session_where()
{
	local pid
	pid=$(<"$TOPO_DIR/$1.pid")
	[ -r "/proc/$pid/stat" ] || return 0
	echo "# session $1: pid $pid runs, state $(cut -d' ' -f3 "/proc/$pid/stat"), wchan $(cat "/proc/$pid/wchan" 2>/dev/null)"
	sed 's/^/#   /' "/proc/$pid/stack" 2>/dev/null
}

topo_gone()
{
	! kill -0 "$1" 2>/dev/null
}

# topo_session_end NAME [SECONDS]: wait for the session to end (kill it
# after SECONDS), and print its "done" event.
topo_session_end()
{
	local name=$1 secs=${2:-60} pid
	pid=$(<"$TOPO_DIR/$name.pid")
	if ! topo_wait "$secs" topo_gone "$pid"; then
		kill "$pid" 2>/dev/null
		echo "# session $name did not end in ${secs}s"
	fi
	wait "$pid" 2>/dev/null
	if topo_session_match "$name" '"event": "done"'; then
		echo "$TOPO_EVENT"
	else
		echo '{"event": "done", "ok": false, "error": "killed"}'
	fi
}

# A session's events and errors, as diagnostics.
topo_session_log()
{
	echo "# session $1:"
	pl_indent <"$TOPO_DIR/$1.out"
	pl_indent <"$TOPO_DIR/$1.err"
}

# topo_session_first NAME: wait for the session's first step (up to 120 s:
# sessions started together in the debug kernel may take a while), check
# that it went well, and set TOPO_CONNECTED to its "connected" event.
topo_session_first()
{
	local ev
	ev=$(topo_session_until "$1" '"event": "step"' 120) || return 1
	if ! check_match "$1: the first step" '"ok": true' "$ev"; then
		topo_session_log "$1"
		return 1
	fi
	topo_session_match "$1" '"event": "connected"'
	TOPO_CONNECTED=$TOPO_EVENT
}

# topo_session_ok NAME: the session ends, every step done.
topo_session_ok()
{
	local ev
	ev=$(topo_session_end "$1")
	check_match "$1: every step, and a clean end" '"ok": true' "$ev" ||
		topo_session_log "$1"
}

# topo_bg NAME CMD...: CMD in the background, its output for topo_bg_out;
# topo_bg_wait waits for every one.
TOPO_BG_PIDS=()
topo_bg()
{
	local name=$1
	shift
	"$@" >"$TOPO_DIR/$name.bg" 2>&1 &
	TOPO_BG_PIDS+=($!)
}

topo_bg_wait()
{
	wait "${TOPO_BG_PIDS[@]}"
	TOPO_BG_PIDS=()
}

topo_bg_out()
{
	echo "$(<"$TOPO_DIR/$1.bg")"
}

# stats show -j of r, for topo_stat.
topo_stats()
{
	r_ctl -j stats show
}

# topo_stat STATS SCOPE KEY COUNTER...: counters out of topo_stats'
# output, on one line. SCOPE is namespace (KEY ignored), endpoint (KEY:
# id), eni or backend (KEY: address) or service (KEY: name); COUNTER is a
# counter's name or drops.REASON.
topo_stat()
{
	local stats=$1 scope=$2 key=$3
	shift 3
	pl_jq -r --arg s "$scope" --arg k "$key" '
		[.stats[] | select(.scope == $s and ($s == "namespace" or
			(if $s == "endpoint" then .endpoint
			 elif $s == "service" then .service
			 else .address end) == $k))]
		| (first // {}) | .counters as $c
		| [$ARGS.positional[] | . as $n | $c | getpath($n | split(".")) // 0]
		| map(tostring) | join(" ")' --args "$@" <<<"$stats"
}

topo_flows()
{
	r_ctl -j flow show "$@"
}

# The server log of a backend.
topo_log()
{
	echo "$TOPO_DIR/$1.log"
}

# topo_delta "A1 A2..." "B1 B2...": "B1-A1 B2-A2...", of two snapshots
# of counters (topo_stat's output, say).
topo_delta()
{
	local -a a b d=()
	local i
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	for i in "${!a[@]}"; do
		d+=($((b[i] - a[i])))
	done
	echo "${d[*]}"
}

# topo_jq JSON FILTER: jq -r on a JSON text.
topo_jq()
{
	pl_jq -r "$2" <<<"$1"
}

# On the runner's timeout, exit, which runs lib.sh's cleanup.
trap 'exit 1' TERM INT
