#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Many namespaces under traffic: eight routers, each a namespace with pl
# and an endpoint of its own, between one client and one backend. A
# transfer runs through every router at once (megabytes each way, SHA-256
# checked at both ends): each must end intact, the backend must see it
# from that router's source address, and each router must count its own
# connection and nobody else's. Then, with a connection open through every
# router, all eight are deleted at the same time and pl unloaded: the
# kernel log stays clean (run.sh also checks it, and kmemleak where there
# is one).
#
#                      +---------------------------+
#   c 10.0.I.10 -------+- 10.0.I.1  rI: pl         |
#     eth-I            |  ENI 10.0.I.50            |
#                      |  source 192.168.I.100     |
#                      |  192.168.I.1 -------------+------- 192.168.I.11 b
#                      +---------------------------+        eth-I
#   for I = 1..8: one veth from c to rI, one from rI to b; b's server
#   answers on every address, and names the address it sees.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 2

N=8
BYTES=1000000	# each way, per router

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload

# The routers' names: r1 .. rN.
routers()
{
	local i
	for ((i = 1; i <= N; i++)); do
		echo "r$i"
	done
}

# The links and addresses of router I, its side and the hosts' sides.
router_setup()
{
	local i=$1 r=r$1
	ip link add "eth-$i" netns "${TOPO_NS[c]}" type veth peer name eth-c \
		netns "${TOPO_NS[$r]}" &&
	ip link add "eth-$i" netns "${TOPO_NS[b]}" type veth peer name eth-b \
		netns "${TOPO_NS[$r]}" &&
	topo_ip "$r" "link set lo up
addr add 10.0.$i.1/24 dev eth-c
addr add 192.168.$i.1/24 dev eth-b
link set eth-c up
link set eth-b up" &&
	topo_ip c "addr add 10.0.$i.10/24 dev eth-$i
link set eth-$i up" &&
	topo_ip b "addr add 192.168.$i.11/24 dev eth-$i
link set eth-$i up" &&
	ip netns exec "${TOPO_NS[$r]}" sysctl -qw net.ipv4.ip_forward=1 &&
	pl_ctl -n "${TOPO_NS[$r]}" -b - <<EOF
az add a
subnet add sn prefix 10.0.$i.0/24 az a
service add svc port 80:8080 acceptance auto
service source add svc 192.168.$i.100 az a
backend add svc 192.168.$i.11 az a
endpoint add ep service svc subnet sn ip 10.0.$i.50
EOF
}

setup()
{
	local i
	topo_init || return 1
	# shellcheck disable=SC2046
	topo_mkns c b $(routers) || return 1
	topo_ip c "link set lo up" && topo_ip b "link set lo up" || return 1
	for ((i = 1; i <= N; i++)); do
		router_setup "$i" || return 1
	done
	for ((i = 1; i <= N; i++)); do
		topo_claimed "${TOPO_NS[r$i]}" || return 1
	done
	topo_servers b
}

# eni_stat I COUNTER: a counter of router I's ENI.
eni_stat()
{
	local R=${TOPO_NS[r$1]}
	topo_stat "$(topo_stats)" eni "10.0.$1.50" "$2"
}

unload_quietly()
{
	rmmod pl 2>/dev/null
}

test_transfers()
{
	local i ev
	for ((i = 1; i <= N; i++)); do
		topo_session "t$i" c "10.0.$i.50:80" --timeout 120 \
			"stream:$BYTES" "sink:$BYTES" close
	done
	for ((i = 1; i <= N; i++)); do
		ev=$(topo_session_end "t$i" 300)
		check_match "r$i: the transfer, both ways, intact" '"ok": true' "$ev" ||
			topo_session_log "t$i"
		topo_session_match "t$i" '"event": "connected"'
		check_match "r$i: the backend saw the router's source address" \
			"\"peer\": \"192\\.168\\.$i\\.100\"" "$TOPO_EVENT" ||
			topo_session_log "t$i"
	done
	for ((i = 1; i <= N; i++)); do
		check_eq "r$i: its ENI counted one connection" 1 \
			"$(eni_stat "$i" new-connections)"
	done
}

test_delete_under_traffic()
{
	local i pids=()
	for ((i = 1; i <= N; i++)); do
		topo_session "p$i" c "10.0.$i.50:80" --timeout 10 echo \
			"pump:$(topo_gofile never)"
	done
	# Each has had an answer through its router, and pumps on.
	for ((i = 1; i <= N; i++)); do
		topo_session_first "p$i" || return 1
	done
	pl_kmsg_mark
	for ((i = 1; i <= N; i++)); do
		ip netns del "${TOPO_NS[r$i]}" &
		pids+=($!)
		unset "TOPO_NS[r$i]"
	done
	wait "${pids[@]}"
	for ((i = 1; i <= N; i++)); do
		kill "$(<"$TOPO_DIR/p$i.pid")" 2>/dev/null
	done
	# Their cleanup runs in a work item: wait for it, then unload.
	sleep 2
	busywait 30000 unload_quietly
	check_eq "pl unloaded after deleting $N routers under traffic" "" \
		"$(ls -d /sys/module/pl 2>/dev/null)"
	check_kmsg_clean "after deleting $N routers under traffic"
}

setup || ktap_exit_fail_msg "cannot build the topology"
pl_subtest "netns: $N routers carry transfers at once, each its own" test_transfers
pl_subtest "netns: $N routers deleted at once under traffic" test_delete_under_traffic
ktap_finished
