#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The data path at its limits, seen from outside: path MTU discovery works
# through an endpoint, whether the small MTU is the router's own next hop
# (pl answers fragmentation needed) or a provider router's further on (its
# ICMP error, sent to the service's source address, reaches the client
# translated); a SYN flood fills max-flows, the extra SYNs are dropped and
# counted, an established connection keeps working, and new connections
# get through once the half-open flows expire; pl unloads under traffic;
# loaded again with the smallest flow table (flow_buckets=1024), it holds
# thousands of flows, lists each once and flushes them all; and a
# namespace with live flows goes away, without a kernel complaint (run.sh
# checks the log). Topology: see topo.sh, plus, for the far
# backend:
#
#   r br-p1 --- 192.168.1.20 pr 192.168.9.1 --- bf 192.168.9.11
#                                route mtu 1280
#
# service far (port 81:8080, source 192.168.1.101 in AZ a, backend bf)
# behind endpoint vpce-far (ENI 10.0.1.51 in subnet-a).

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 5

ENI_FAR=10.0.1.51
SRC_FAR=192.168.1.101

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"

# The provider router pr and the far backend bf behind it.
far_setup()
{
	TOPO_ADDR[bf]=192.168.9.11
	TOPO_NAME[192.168.9.11]=bf
	topo_mkns pr bf &&
	ip link add eth0 netns "$(topo_ns pr)" type veth peer name v-pr \
		netns "$R" &&
	ip link add eth1 netns "$(topo_ns pr)" type veth peer name eth0 \
		netns "$(topo_ns bf)" &&
	topo_ip r "link set v-pr master br-p1 up
route add 192.168.9.0/24 via 192.168.1.20" &&
	topo_ip pr "link set lo up
addr add 192.168.1.20/24 dev eth0
link set eth0 up
addr add 192.168.9.1/24 dev eth1
link set eth1 up
route replace 192.168.9.0/24 dev eth1 proto kernel scope link src 192.168.9.1 mtu 1280" &&
	ip netns exec "$(topo_ns pr)" sysctl -qw net.ipv4.ip_forward=1 &&
	topo_ip bf "$(topo_host_ip 192.168.9.11/24 192.168.9.1)" &&
	topo_servers bf
}

far_setup || ktap_exit_fail_msg "cannot add the far backend"
topo_pl_config "service add far port 81:8080 acceptance auto" \
	"service source add far $SRC_FAR az a" \
	"backend add far 192.168.9.11 az a" \
	"endpoint add vpce-far service far subnet subnet-a ip $ENI_FAR" ||
	ktap_exit_fail_msg "cannot configure pl"

# The path MTU a host has learned for an address ("none" when none).
learned_mtu()
{
	ip -n "$(topo_ns "$1")" route get "$2" |
		sed -nE 's/.* mtu ([0-9]+).*/\1/p;t;$s/.*/none/p'
}

# check_bulk DESC NAME HOST IP:PORT N: N bytes each way, SHA256 checked.
check_bulk()
{
	local desc=$1 name=$2 host=$3 target=$4 n=$5 ev

	topo_session "$name" "$host" "$target" --timeout 30 "sink:$n" "stream:$n"
	ev=$(topo_session_end "$name" 240)
	check_match "$desc: $n bytes each way, SHA256 checked" '"ok": true' \
		"$ev" || topo_session_log "$name"
}

test_pmtu()
{
	local tb0 tb1

	check_eq "before: c2a knows no path MTU to the far ENI" none \
		"$(learned_mtu c2a "$ENI_FAR")"
	check_bulk "through pr's 1280-byte hop" far c2a "$ENI_FAR:81" 2000000
	check_eq "c2a learned pr's MTU from the translated ICMP error" 1280 \
		"$(learned_mtu c2a "$ENI_FAR")"

	# r's own next hop toward AZ b's backends: pl answers the client.
	check_ok "r: a 1280-byte route to AZ b's backends" -- ip -n "$R" route \
		replace 192.168.2.0/24 dev br-p2 proto kernel scope link \
		src 192.168.2.1 mtu 1280 || return 1
	tb0=$(topo_stat "$(topo_stats)" eni "$ENI_B" drops.too-big)
	check_bulk "through r's 1280-byte route" near c1b "$ENI_B:80" 2000000
	tb1=$(topo_stat "$(topo_stats)" eni "$ENI_B" drops.too-big)
	check_eq "c1b learned r's route MTU" 1280 "$(learned_mtu c1b "$ENI_B")"
	check_eq "ENI $ENI_B: too-big counted" true "$(pl_jq -n "$tb1 > $tb0")"
	ip -n "$R" route replace 192.168.2.0/24 dev br-p2 proto kernel \
		scope link src 192.168.2.1
}

flow_count()
{
	r_ctl -j limits show | pl_jq .limits.flows
}

test_syn_flood()
{
	local max=64 fl0 fl1 n out c

	topo_session est c1a "$ENI_A:80" --timeout 10 echo \
		"wait:$(topo_gofile est)" echo echo
	topo_session_first est || return 1
	check_ok "limits set max-flows $max" -- r_ctl limits set max-flows $max ||
		return 1
	fl0=$(topo_stat "$(topo_stats)" namespace - drops.flow-limit)
	# 1000 SYNs from 100 addresses in subnet-a that nobody holds: each
	# backend's SYN-ACK goes nowhere and the flows stay half-open.
	check_ok "1000 SYNs sent" -- topo_py_in c2a syns "$ENI_A:80" -n 1000 \
		--source 10.0.1.100 --sources 100 || return 1
	n=$(flow_count)
	check_eq "flows: at most max-flows, and more than a few" true \
		"$(pl_jq -n "$n <= $max and $n > $max / 2")"
	fl1=$(topo_stat "$(topo_stats)" namespace - drops.flow-limit)
	check_eq "flow-limit counts the SYNs that found no room" true \
		"$(pl_jq -n "$fl1 - $fl0 >= 1000 - $max")"
	# The established connection was there first and stays.
	topo_go est
	topo_session_ok est
	# A new connection: its SYN is dropped until half-open flows expire
	# (10 s); the client's retransmission gets through.
	out=$(topo_connect c1b "$ENI_B:80" -n 1 --timeout 40)
	c=$(topo_jq "$out" .ok)
	check_eq "a new connection once the half-open flows expired" 1 "$c" ||
		pl_indent <<<"$out"
	r_ctl limits set max-flows 262144
}

test_unload_under_traffic()
{
	local p

	for p in 1 2; do
		topo_session "pump$p" c1a "$ENI_A:80" --timeout 5 echo \
			"pump:$(topo_gofile never)"
		topo_session_first "pump$p" || return 1
	done
	topo_session bulk c2a "$ENI_A:80" --timeout 5 "stream:50000000"
	topo_session_until bulk '"event": "connected"' 30 >/dev/null || return 1
	check_eq "flows before unloading" true "$(pl_jq -n "$(flow_count) >= 3")"
	check_ok "rmmod pl under traffic" -- rmmod pl || return 1
	check_eq "pl is gone" false "$(pl_loaded && echo true || echo false)"
	# Without pl the ENI is nobody's address: the sessions stop.
	check_match "a pumping session stops" '"ok": false' \
		"$(topo_session_end pump1 60)"
	topo_session_end pump2 60 >/dev/null
	topo_session_end bulk 60 >/dev/null
	check_ok "pl loads again, with the smallest flow table" -- \
		insmod "$(pl_ko)" flow_buckets=1024 || return 1
	check_eq "a fresh pl has no configuration" "[]" \
		"$(r_ctl -j endpoint show | pl_jq -c .endpoints)" || return 1
	topo_pl_config
}

# Thousands of flows in 1,024 buckets: chains of several flows each.
test_small_table()
{
	local n=2000 nc0 nc1 before after flows out

	check_eq "flow_buckets as loaded" 1024 \
		"$(cat /sys/module/pl/parameters/flow_buckets)" || return 1
	nc0=$(topo_stat "$(topo_stats)" namespace - new-connections)
	check_ok "$n SYNs sent" -- topo_py_in c2a syns "$ENI_A:80" -n $n \
		--source 10.0.1.100 --sources 100 || return 1
	nc1=$(topo_stat "$(topo_stats)" namespace - new-connections)
	check_eq "each SYN opened a flow" $n $((nc1 - nc0))
	# They expire 10 s after their SYN: count before and after the dump.
	before=$(flow_count)
	flows=$(topo_flows)
	after=$(flow_count)
	check_eq "flow show lists each flow once, all of them" true \
		"$(pl_jq --argjson lo "$after" --argjson hi "$before" '
			.flows | (map(.orig) | unique | length) == length and
			length >= $lo and length <= $hi and length > 0 and
			all(.[]; .orig.saddr | startswith("10.0.1.1"))' <<<"$flows")"
	out=$(topo_connect c1b "$ENI_B:80" -n 3 --timeout 20)
	check_eq "connections get through meanwhile" 3 "$(topo_jq "$out" .ok)" ||
		pl_indent <<<"$out"
	check_ok "flow flush" -- r_ctl flow flush || return 1
	check_eq "no flow left" 0 "$(flow_count)"
}

# Delete the router's namespace while pl carries a connection through it.
test_netns_with_flows()
{
	topo_session last c1a "$ENI_A:80" --timeout 5 echo \
		"pump:$(topo_gofile never)"
	topo_session_first last || return 1
	check_eq "a live flow" 1 "$(flow_count)"
	check_ok "delete r's namespace" -- ip netns del "$R" || return 1
	check_match "the session stops" '"ok": false' \
		"$(topo_session_end last 60)"
	# pl must let go of the namespace: it unloads cleanly after.
	check_ok "rmmod pl after the namespace is gone" -- \
		topo_wait 30 rmmod pl
}

# pl_tcp.py in a host's namespace.
topo_py_in()
{
	local host=$1
	shift
	ip netns exec "$(topo_ns "$host")" "${TOPO_TCP_RUN[@]}" "$@"
}

pl_subtest "datapath: path MTU discovery through an endpoint" test_pmtu
pl_subtest "datapath: a SYN flood fills max-flows, established flows stay" test_syn_flood
pl_subtest "datapath: pl unloads under traffic" test_unload_under_traffic
pl_subtest "datapath: 2,000 flows in a table of 1,024 buckets" test_small_table
pl_subtest "datapath: a namespace with live flows goes away cleanly" test_netns_with_flows
ktap_finished
