#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pl never takes an address it does not own. Topology: see topo.sh (the
# router r bridges subnet-a, c1a 10.0.1.10 and c2a 10.0.1.11, on br-a;
# the backends b1a 192.168.1.11 and b2a 192.168.1.12 on br-p1).
#
#   - the router's own addresses (and broadcast or multicast ones) are
#     refused as ENI IPs and source addresses, naming the owner;
#   - a client's or a backend's live address, given as ENI IP or source
#     address, is probed, found in use and marked conflict with the host's
#     MAC, and the host keeps its traffic; the same at once when the
#     router's neighbour table holds the host as reachable;
#   - a picked ENI IP that a host answers for is given up for the next one;
#   - probes and gratuitous ARP announcements are seen on the wire, and
#     probing can be turned off per subnet;
#   - a host that claims a served ENI IP afterwards is counted and shown,
#     and pl keeps serving it;
#   - an address added to the router's interface later wins (ping answers,
#     TCP is not intercepted, monitor says so); pl serves it again once it
#     is removed.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd tcpdump arping
ktap_set_plan 7

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

mac_of()
{
	ip -n "$(topo_ns "$1")" -j link show eth0 | pl_jq -r '.[0].address'
}

# The plain show line of an ENI (by IP) or a source address.
eni_line()
{
	r_ctl endpoint show | grep -E "ip $1 "
}

source_line()
{
	r_ctl service show | grep -E "source $1 "
}

# wait_state LINE-FUNC ADDR REGEX: poll until the line matches (10 s).
wait_state()
{
	topo_wait 10 eval "$1 $2 | grep -Eq -- '$3'"
}

conflicts()
{
	topo_stat "$(topo_stats)" namespace "" address-conflicts
}

test_local_refused()
{
	ip -n "$R" addr add 10.0.1.200/24 dev br-a || return 1
	check_fail_with '10\.0\.1\.200 is an address of this router \(dev br-a\)' -- \
		r_ctl endpoint add vpce-x service svc subnet subnet-a ip 10.0.1.200
	check_eq "refused: exit status 1" 1 "$(r_ctl endpoint add vpce-x service svc \
		subnet subnet-a ip 10.0.1.200 >/dev/null 2>&1; echo $?)"
	check_fail_with 'does not exist' -- r_ctl endpoint show vpce-x
	check_ok "service svc2" -- r_ctl service add svc2 port 81:8080 \
		acceptance auto || return 1
	check_fail_with '192\.168\.1\.1 is an address of this router \(dev br-p1\)' -- \
		r_ctl service source add svc2 192.168.1.1 az a
	check_fail_with '192\.168\.1\.255 is a broadcast address of this router \(dev br-p1\)' -- \
		r_ctl service source add svc2 192.168.1.255 az a
	check_fail_with '224\.0\.0\.5 is not a unicast address' -- \
		r_ctl service source add svc2 224.0.0.5 az a
	check_eq "svc2 has no source" "" "$(source_line '192\.168\.1\.(1|255)')"
	# A picked address skips the router's own.
	ip -n "$R" addr add 10.0.2.4/24 dev br-b || return 1
	check_ok "picked" -- r_ctl endpoint add vpce-pk service svc subnet subnet-b ||
		return 1
	check_match "the router's 10.0.2.4 is not picked" 'ip 10\.0\.2\.5 ' \
		"$(r_ctl endpoint show vpce-pk)"
	r_ctl endpoint del vpce-pk
	ip -n "$R" addr del 10.0.2.4/24 dev br-b
	ip -n "$R" addr del 10.0.1.200/24 dev br-a
}

# A client's address as ENI IP: found by probing, then from the neighbour
# table; the client's traffic is unharmed.
test_client_conflict()
{
	local c2a_mac before
	c2a_mac=$(mac_of c2a)
	before=$(conflicts)
	ip -n "$R" neigh flush dev br-a
	check_ok "endpoint on c2a's address" -- r_ctl endpoint add vpce-c \
		service svc subnet subnet-a ip 10.0.1.11 || return 1
	wait_state eni_line 10.0.1.11 'state (conflict|available)'
	check_match "c2a's address is in conflict, with c2a's MAC" \
		"ip 10\.0\.1\.11 .*state conflict in-use mac $c2a_mac" \
		"$(eni_line 10.0.1.11)"
	check_match "JSON says so" \
		"\"state\":\"conflict\",\"conflict\":\"in-use\",\"conflict-mac\":\"$c2a_mac\"" \
		"$(r_ctl -j endpoint show vpce-c)"
	check_eq "counted" $((before + 1)) "$(conflicts)"
	check_match "endpoint dns comments its line out" \
		'^# 10\.0\.1\.11	vpce-c\.svc\.vpce\.internal' \
		"$(r_ctl endpoint dns vpce-c)"
	check_ok "c1a still pings c2a" -- ip netns exec "$(topo_ns c1a)" \
		ping -c 1 -W 2 10.0.1.11
	check_eq "c1a's neighbour entry for c2a" "$c2a_mac" \
		"$(ip -n "$(topo_ns c1a)" -j neigh show 10.0.1.11 | pl_jq -r '.[0].lladdr')"
	check_eq "c2a still reaches the service" 1 \
		"$(topo_jq "$(topo_connect c2a "$ENI_A:80")" .ok)"
	r_ctl endpoint del vpce-c

	# Reachable in the router's neighbour table: a conflict at once.
	ip netns exec "$R" ping -c 1 -W 2 10.0.1.11 >/dev/null
	check_ok "endpoint on c2a's address again" -- r_ctl endpoint add \
		vpce-c service svc subnet subnet-a ip 10.0.1.11 || return 1
	check_match "in conflict at once" \
		"ip 10\.0\.1\.11 .*state conflict in-use mac $c2a_mac" \
		"$(eni_line 10.0.1.11)"
	r_ctl endpoint del vpce-c
}

# A backend's address as source address.
test_backend_conflict()
{
	local b1a_mac
	b1a_mac=$(mac_of b1a)
	ip -n "$R" neigh flush dev br-p1
	check_ok "source on b1a's address" -- r_ctl service source add svc2 \
		"${TOPO_ADDR[b1a]}" az a || return 1
	wait_state source_line "${TOPO_ADDR[b1a]}" 'state (conflict|available)'
	check_match "b1a's address is in conflict, with b1a's MAC" \
		"state conflict in-use mac $b1a_mac" \
		"$(source_line "${TOPO_ADDR[b1a]}")"
	check_eq "b1a still serves svc" 4 \
		"$(topo_jq "$(topo_connect c1a "$ENI_A:80" -n 4)" .ok)"
	r_ctl service source del svc2 "${TOPO_ADDR[b1a]}"
}

# A picked ENI IP that a host answers for is given up for the next one.
test_picked_skips()
{
	local line
	ip -n "$(topo_ns c1a)" addr add 10.0.1.4/24 dev eth0 || return 1
	check_ok "endpoint with a picked IP" -- r_ctl endpoint add vpce-p \
		service svc subnet subnet-a || return 1
	wait_state eni_line 10.0.1.5 'state available'
	line=$(r_ctl endpoint show vpce-p)
	check_match "10.0.1.4 (c1a's) was skipped for 10.0.1.5" \
		'ip 10\.0\.1\.5 .*state available' "$line"
	check_eq "c2a reaches the service on 10.0.1.5" 1 \
		"$(topo_jq "$(topo_connect c2a 10.0.1.5:80)" .ok)"
	r_ctl endpoint del vpce-p
	ip -n "$(topo_ns c1a)" addr del 10.0.1.4/24 dev eth0
}

# Probes (sender 0.0.0.0) then announcements (sender = target) on the
# wire; none of the probes with probe off.
test_wire()
{
	local cap=$TOPO_DIR/arp.txt out pid
	ip netns exec "$(topo_ns c1a)" tcpdump -l -n -i eth0 arp >"$cap" 2>/dev/null &
	pid=$!
	topo_nap 2
	# The state is read by the same pl-ctl run that adds the endpoint:
	# probing takes a second, less than two pl-ctl runs on a busy VM.
	out=$(printf '%s\n' \
		"endpoint add vpce-g service svc subnet subnet-a ip 10.0.1.60" \
		"endpoint show vpce-g" | r_ctl -b -)
	check_eq "endpoint" 0 $? || return 1
	check_match "probing at first" 'ip 10\.0\.1\.60 .*state probing' "$out"
	wait_state eni_line 10.0.1.60 'state available'
	topo_nap 2
	check_ok "probe off" -- r_ctl subnet set subnet-a probe off
	check_match "subnet show says so" 'probe off' "$(r_ctl subnet show subnet-a)"
	check_match "save says so" 'subnet add subnet-a .* probe off' "$(r_ctl save)"
	check_ok "endpoint, no probing" -- r_ctl endpoint add vpce-h service svc \
		subnet subnet-a ip 10.0.1.61
	check_match "available at once" 'state available' "$(eni_line 10.0.1.61)"
	topo_nap 2
	kill "$pid"
	wait "$pid" 2>/dev/null
	out=$(<"$cap")
	check_eq "three probes for 10.0.1.60" 3 \
		"$(grep -cE 'who-has 10\.0\.1\.60 tell 0\.0\.0\.0' <<<"$out")"
	check_match "announced with gratuitous ARP" \
		'who-has 10\.0\.1\.60 (\(Broadcast\) )?tell 10\.0\.1\.60' "$out"
	check_nomatch "no probe for 10.0.1.61" 'who-has 10\.0\.1\.61 tell 0\.0\.0\.0' "$out"
	check_match "10.0.1.61 announced" \
		'who-has 10\.0\.1\.61 (\(Broadcast\) )?tell 10\.0\.1\.61' "$out"
	r_ctl subnet set subnet-a probe on
	r_ctl endpoint del vpce-g
	r_ctl endpoint del vpce-h
}

# A host claims a served ENI IP: counted, shown, logged; pl keeps it.
test_claimed()
{
	local c2a=$(topo_ns c2a) c2a_mac before
	c2a_mac=$(mac_of c2a)
	before=$(conflicts)
	pl_kmsg_mark claimed
	ip -n "$c2a" addr add "$ENI_A/32" dev eth0 || return 1
	ip netns exec "$c2a" arping -q -U -c 2 -I eth0 -s "$ENI_A" "$ENI_A"
	wait_state eni_line "$ENI_A" 'state conflict'
	check_match "shown as claimed, with c2a's MAC" \
		"ip $ENI_A .*state conflict claimed mac $c2a_mac" \
		"$(eni_line "$ENI_A")"
	check_eq "counted, each time" $((before + 2)) "$(conflicts)"
	check_match "logged" "$ENI_A \(endpoint \"vpce-1\"\) is claimed by $c2a_mac" \
		"$(pl_kmsg_since_mark)"
	ip -n "$c2a" addr del "$ENI_A/32" dev eth0
	check_eq "still served: op reaches the service" 1 \
		"$(topo_jq "$(topo_connect op "$ENI_A:80")" .ok)"
}

# A local address wins, and gives the ENI IP back when it goes.
test_local_later()
{
	local c1b=$(topo_ns c1b) mon=$TOPO_DIR/mon.txt pid
	ip netns exec "$R" "$(pl_ctl_path)" monitor config >"$mon" 2>&1 &
	pid=$!
	topo_nap 2
	ip -n "$R" addr add "$ENI_B/24" dev br-b || return 1
	wait_state eni_line "$ENI_B" 'state conflict'
	check_match "show says conflict, local, dev br-b" \
		"ip $ENI_B .*state conflict local dev br-b" "$(eni_line "$ENI_B")"
	check_ok "the router answers ping to $ENI_B" -- ip netns exec "$c1b" \
		ping -c 1 -W 2 "$ENI_B"
	check_eq "TCP to $ENI_B:80 reaches the router, not a backend" 0 \
		"$(topo_jq "$(topo_connect c1b "$ENI_B:80" --timeout 3)" .ok)"
	ip -n "$R" addr del "$ENI_B/24" dev br-b
	wait_state eni_line "$ENI_B" 'state available'
	check_match "served again" "ip $ENI_B .*state available" \
		"$(eni_line "$ENI_B")"
	check_eq "c1b reaches the service again" 1 \
		"$(topo_jq "$(topo_connect c1b "$ENI_B:80")" .ok)"
	kill "$pid"
	wait "$pid" 2>/dev/null
	check_match "monitor announced the conflict" \
		"endpoint set vpce-1 .*ip $ENI_B .*state conflict local dev br-b" \
		"$(<"$mon")"
	check_match "and the return" \
		"endpoint set vpce-1 .*ip $ENI_B .*state available" "$(<"$mon")"
}

pl_kmsg_mark addr
pl_subtest "the router's own addresses are refused, naming their owner" test_local_refused
pl_subtest "a client's live address as ENI IP ends in conflict, client unharmed" test_client_conflict
pl_subtest "a backend's address as source address ends in conflict" test_backend_conflict
pl_subtest "a picked address skips a live host" test_picked_skips
pl_subtest "probes and gratuitous ARP on the wire; probe off" test_wire
pl_subtest "a host that claims an ENI IP later is counted and shown" test_claimed
pl_subtest "a local address added later wins, and gives the address back" test_local_later
check_kmsg_clean || true
ktap_finished
