#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The data path, seen from outside: clients in the consumer VPC and on
# premises reach the service's backends through an endpoint's ENIs; the
# backends see the service's source address of the ENI's zone, never the
# client; flow show lists the flow with both tuples; the counters count it;
# the router answers ARP for the ENI and source addresses that nobody
# configured; data crosses intact both ways. Topology: see topo.sh.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 4

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

# The MAC address of a router interface.
r_mac()
{
	ip -n "$R" -j link show "$1" | pl_jq -r '.[0].address'
}

# What a host's neighbour table says about an address.
neigh_mac()
{
	ip -n "$(topo_ns "$1")" -j neigh show "$2" | pl_jq -r '.[0].lladdr // "none"'
}

# check_connected DESC EVENT ALLOWED PEER: a session's "connected" event
# says that one of the backends ALLOWED (a regex) answered and saw PEER.
check_connected()
{
	local desc=$1 ev=$2 allowed=$3 peer=$4
	check_match "$desc: the backend is one of $allowed" \
		"\"backend\": \"($allowed)\"" "$ev" &&
	check_match "$desc: the backend saw the source address $peer" \
		"\"peer\": \"$peer\"" "$ev"
}

# check_flow DESC CLIENT SPORT ENI BACKEND SOURCE SOURCE-PORT: flow show
# lists this flow, and no other from CLIENT, established, with both
# tuples.  (A connection an earlier test closed may still be listed in
# state closing until the collector runs.)
check_flow()
{
	local desc=$1 client=$2 sport=$3 eni=$4 backend=$5 src=$6 sp=$7
	check_eq "$desc: flow show" \
		"established $client:$sport>$eni:80 $backend:8080>$src:$sp vpce-1 svc $backend" \
		"$(topo_flows | pl_jq -r --arg c "$client" '.flows[] | select(.orig.saddr == $c) | "\(.state) \(.orig.saddr):\(.orig.sport)>\(.orig.daddr):\(.orig.dport) \(.reply.saddr):\(.reply.sport)>\(.reply.daddr):\(.reply.dport) \(.endpoint) \(.service) \(.backend)"')"
}

test_consumer()
{
	local backend baddr sport pport s0 s1 ns c

	s0=$(topo_stats)
	topo_session consumer c1a "$ENI_A:80" echo "wait:$(topo_gofile consumer)" echo
	topo_session_first consumer || return 1
	check_connected "c1a to the AZ-a ENI" "$TOPO_CONNECTED" "b1a|b2a" "$SRC_A" || return 1
	read -r backend sport pport <<<"$(topo_jq "$TOPO_CONNECTED" '"\(.backend) \(.sport) \(.peer_port)"')"
	baddr=${TOPO_ADDR[$backend]}

	check_flow "c1a's connection" "${TOPO_ADDR[c1a]}" "$sport" "$ENI_A" \
		"$baddr" "$SRC_A" "$pport"
	# Counters: one new connection, open now, packets and bytes counted.
	s1=$(topo_stats)
	check_eq "ENI $ENI_A: new and active connections" "1 1" \
		"$(topo_stat "$s1" eni "$ENI_A" new-connections active-connections)"
	check_eq "backend $backend: new and active connections" "1 1" \
		"$(topo_stat "$s1" backend "$baddr" new-connections active-connections)"
	check_match "ENI: packets and bytes counted" '^[1-9][0-9]* [1-9][0-9]{2,}$' \
		"$(topo_stat "$s1" eni "$ENI_A" packets bytes)"
	check_eq "before: nothing counted" "0 0" \
		"$(topo_stat "$s0" namespace - new-connections bytes)"

	# The backends saw the source address, never the client.
	check_match "$backend logged the connection from the source address" \
		"^open $SRC_A $pport\$" "$(<"$(topo_log "$backend")")"
	check_nomatch "no backend saw a client address" ' 10\.' \
		"$(cat "$TOPO_DIR"/b*.log)"

	# ARP: the router answered for the ENI IP (on br-a) and for the source
	# address (on br-p1), and nobody configured either anywhere.
	check_eq "c1a's neighbour entry for the ENI is the router's br-a" \
		"$(r_mac br-a)" "$(neigh_mac c1a "$ENI_A")"
	check_eq "$backend's neighbour entry for the source address is the router's br-p1" \
		"$(r_mac br-p1)" "$(neigh_mac "$backend" "$SRC_A")"
	for ns in r c1a "$backend"; do
		check_nomatch "no address or route for the ENI or the source in $ns" \
			"(${ENI_A//./\\.}|${SRC_A//./\\.})" \
			"$(ip -n "$(topo_ns "$ns")" addr show; ip -n "$(topo_ns "$ns")" route show table all)"
	done

	topo_go consumer
	topo_session_ok consumer

	# subnet-b (bound to dev br-b): c1b reaches the AZ-b backends, which
	# see the AZ-b source address.
	c=$(topo_connect c1b "$ENI_B:80" -n 4)
	check_eq "c1b: 4 connections, to AZ-b backends, seen from $SRC_B" \
		"4 true $SRC_B" \
		"$(topo_jq "$c" '"\(.ok) \(.backends | keys - ["b1b", "b2b"] | length == 0) \(.peers | keys | join(","))"')" ||
		pl_indent <<<"$c"
	check_eq "c1b's neighbour entry for its ENI is the router's br-b" \
		"$(r_mac br-b)" "$(neigh_mac c1b "$ENI_B")"
}

test_on_premises()
{
	local backend sport pport

	topo_session onprem op "$ENI_A:80" echo "wait:$(topo_gofile onprem)" echo
	topo_session_first onprem || return 1
	check_connected "op to the AZ-a ENI" "$TOPO_CONNECTED" "b1a|b2a" "$SRC_A" || return 1
	read -r backend sport pport <<<"$(topo_jq "$TOPO_CONNECTED" '"\(.backend) \(.sport) \(.peer_port)"')"
	check_flow "op's connection" "${TOPO_ADDR[op]}" "$sport" "$ENI_A" \
		"${TOPO_ADDR[$backend]}" "$SRC_A" "$pport"
	# op has no route of its own to the ENI, and is not on its link.
	check_match "op goes through opr" "via 10\.100\.0\.1 " \
		"$(ip -n "$(topo_ns op)" route get "$ENI_A")"
	check_match "r goes to op through opr" "via 172\.16\.0\.2 " \
		"$(ip -n "$R" route get "${TOPO_ADDR[op]}")"
	topo_go onprem
	topo_session_ok onprem
}

# Megabytes each way, checked end to end; the flow counts them.
test_integrity()
{
	local ev n=2000000

	topo_session bulk c2a "$ENI_A:80" --timeout 30 "stream:$n" "sink:$n" \
		"wait:$(topo_gofile bulk)"
	ev=$(topo_session_until bulk "\"step\": \"sink:$n\"" 120) || return 1
	check_match "$n bytes each way, SHA256 checked" '"ok": true' "$ev" || {
		topo_session_log bulk; return 1; }
	check_eq "the flow carried them" "true true" \
		"$(topo_flows | pl_jq -r ".flows[] | select(.orig.saddr == \"${TOPO_ADDR[c2a]}\") |
			\"\(.\"bytes-orig\" > $n) \(.\"bytes-reply\" > $n)\"")"
	topo_go bulk
	topo_session_ok bulk
}

# The namespace, the endpoint and the service count every connection.
test_counters()
{
	local s
	s=$(topo_stats)
	check_eq "namespace: new connections (1 + 4 + 1 + 1), dropped" \
		"7 0" "$(topo_stat "$s" namespace - new-connections dropped)"
	check_eq "endpoint: new connections" 7 \
		"$(topo_stat "$s" endpoint vpce-1 new-connections)"
	check_eq "service: new connections" 7 \
		"$(topo_stat "$s" service svc new-connections)"
	check_eq "the backends' new connections add up" 7 \
		"$(pl_jq '[.stats[] | select(.scope == "backend") | .counters."new-connections"] | add' <<<"$s")"
}

pl_subtest "datapath: a consumer client reaches a backend through its ENI" test_consumer
pl_subtest "datapath: an on-premises client connects through the routed link" test_on_premises
pl_subtest "datapath: data crosses intact both ways" test_integrity
pl_subtest "datapath: counters add up" test_counters
ktap_finished
