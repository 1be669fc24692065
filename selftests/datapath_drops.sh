#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an endpoint does not carry, seen from outside: UDP, ping and TCP to
# a port that is not a listener get no answer at all (no ICMP, no RST) and
# never reach a backend; a source outside the endpoint's allowed prefixes
# is dropped while an allowed one passes; an endpoint pending acceptance or
# rejected drops new connections, and accepting it makes it work. Each drop
# is counted under its reason. Topology: see topo.sh.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 3

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"
C1A=$(topo_ns c1a)

# The connections the backends have seen so far.
backend_opens()
{
	cat "$TOPO_DIR"/b*.log | grep -c '^open'
}

# check_unanswered DESC JSON: a connect that got no answer at all.
check_unanswered()
{
	check_eq "$1: no connection, no RST: timed out" "0 1" \
		"$(topo_jq "$2" '"\(.ok) \(.errors.timeout // 0)"')" || pl_indent <<<"$2"
}

# check_connects DESC JSON N: N connections made.
check_connects()
{
	check_eq "$1: connected" "$3" "$(topo_jq "$2" .ok)" || pl_indent <<<"$2"
}

test_not_carried()
{
	local s0 s1 opens udp

	s0=$(topo_stats)
	opens=$(backend_opens)
	topo_bg udp ip netns exec "$C1A" "${TOPO_TCP_RUN[@]}" udp "$ENI_A:80" --timeout 1.5
	topo_bg ping ip netns exec "$C1A" ping -n -c 1 -W 2 "$ENI_A"
	# 8080 is the backends' port, not a listener of the service.
	topo_bg tcp topo_connect c1a "$ENI_A:8080" --timeout 1.5
	topo_bg_wait
	s1=$(topo_stats)

	udp=$(topo_bg_out udp)
	check_eq "UDP to the ENI: no answer, not even ICMP" "false timeout" \
		"$(topo_jq "$udp" '"\(.answered) \(.error)"')" || pl_indent <<<"$udp"
	check_match "ping of the ENI: no answer" ' 0 received' "$(topo_bg_out ping)"
	check_unanswered "TCP to port 8080 of the ENI" "$(topo_bg_out tcp)"
	check_eq "no backend saw any of it" "$opens" "$(backend_opens)"

	check_eq "ENI before: not-tcp, not-listener" "0 0" \
		"$(topo_stat "$s0" eni "$ENI_A" drops.not-tcp drops.not-listener)"
	check_eq "ENI: not-tcp (UDP and ping)" 2 \
		"$(topo_stat "$s1" eni "$ENI_A" drops.not-tcp)"
	check_match "ENI: not-listener (SYN and retries)" '^[1-9]' \
		"$(topo_stat "$s1" eni "$ENI_A" drops.not-listener)"
	check_eq "ENI: dropped is the sum of the reasons" \
		"$(topo_stat "$s1" eni "$ENI_A" dropped)" \
		"$(( $(topo_stat "$s1" eni "$ENI_A" drops.not-tcp) + $(topo_stat "$s1" eni "$ENI_A" drops.not-listener) ))"
	check_eq "the namespace counts them too" \
		"$(topo_stat "$s1" eni "$ENI_A" drops.not-tcp drops.not-listener)" \
		"$(topo_stat "$s1" namespace - drops.not-tcp drops.not-listener)"
	check_eq "no new connection" 0 "$(topo_stat "$s1" namespace - new-connections)"
}

test_allow()
{
	local s0 s1 opens

	check_ok "allow c1a alone" -- r_ctl endpoint allow add vpce-1 "${TOPO_ADDR[c1a]}" ||
		return 1
	s0=$(topo_stats)
	opens=$(backend_opens)
	topo_bg c1a topo_connect c1a "$ENI_A:80" -n 2
	topo_bg c2a topo_connect c2a "$ENI_A:80" --timeout 1.5
	topo_bg_wait
	s1=$(topo_stats)
	check_connects "c1a, allowed" "$(topo_bg_out c1a)" 2
	check_unanswered "c2a, not allowed" "$(topo_bg_out c2a)"
	check_eq "the backends saw c1a's connections, not c2a's" $((opens + 2)) \
		"$(backend_opens)"
	check_eq "ENI: not-allowed counted, 2 new connections" "1 2" \
		"$(( $(topo_stat "$s1" eni "$ENI_A" drops.not-allowed) >= 1 )) $(( $(topo_stat "$s1" eni "$ENI_A" new-connections) - $(topo_stat "$s0" eni "$ENI_A" new-connections) ))"

	# A prefix: all of subnet-a passes, and c1b's subnet does not.
	check_ok "allow subnet-a instead" -- topo_ctl_batch \
		"endpoint allow add vpce-1 10.0.1.0/24" \
		"endpoint allow del vpce-1 ${TOPO_ADDR[c1a]}/32" || return 1
	topo_bg c2a topo_connect c2a "$ENI_A:80"
	topo_bg c1b topo_connect c1b "$ENI_B:80" --timeout 1.5
	topo_bg_wait
	check_connects "c2a, in the allowed prefix" "$(topo_bg_out c2a)" 1
	check_unanswered "c1b, outside it" "$(topo_bg_out c1b)"
	check_match "ENI $ENI_B: not-allowed counted" '^[1-9]' \
		"$(topo_stat "$(topo_stats)" eni "$ENI_B" drops.not-allowed)"

	# An IPv6 prefix admits no IPv4 source, not even ::/0.
	check_ok "allow ::/0 alone" -- topo_ctl_batch \
		"endpoint allow add vpce-1 ::/0" \
		"endpoint allow del vpce-1 10.0.1.0/24" || return 1
	check_unanswered "c2a, an IPv4 source, under ::/0 alone" \
		"$(topo_connect c2a "$ENI_A:80" --timeout 1.5)"

	check_ok "allow everyone again" -- r_ctl endpoint allow del vpce-1 ::/0 ||
		return 1
	check_connects "c1b, with no allowed prefix left" \
		"$(topo_connect c1b "$ENI_B:80")" 1
}

ENI_P=10.0.1.60		# vpce-p, pending acceptance
ENI_X=10.0.1.61		# vpce-x, rejected

test_acceptance()
{
	local s1 states

	check_ok "a manual service, a pending and a rejected endpoint" -- topo_ctl_batch \
		"service set svc acceptance manual" \
		"endpoint add vpce-p service svc subnet subnet-a ip $ENI_P" \
		"endpoint add vpce-x service svc subnet subnet-a ip $ENI_X" \
		"endpoint reject vpce-x" || return 1
	states=$(r_ctl -j endpoint show | pl_jq -r '[.endpoints[] | "\(.id)=\(.state)"] | join(" ")')
	check_eq "the endpoints' states" \
		"vpce-1=available vpce-p=pending-acceptance vpce-x=rejected" "$states"

	topo_bg p topo_connect c1a "$ENI_P:80" --timeout 1.5
	topo_bg x topo_connect c2a "$ENI_X:80" --timeout 1.5
	topo_bg_wait
	s1=$(topo_stats)
	check_unanswered "the pending endpoint" "$(topo_bg_out p)"
	check_unanswered "the rejected endpoint" "$(topo_bg_out x)"
	check_match "pending ENI: not-available counted, no connection" '^[1-9][0-9]* 0$' \
		"$(topo_stat "$s1" eni "$ENI_P" drops.not-available new-connections)"
	check_match "rejected ENI: not-available counted, no connection" '^[1-9][0-9]* 0$' \
		"$(topo_stat "$s1" eni "$ENI_X" drops.not-available new-connections)"
	check_eq "the neighbour entries of the pending ENI: the router's" \
		"$(ip -n "$R" -j link show br-a | pl_jq -r '.[0].address')" \
		"$(ip -n "$C1A" -j neigh show "$ENI_P" | pl_jq -r '.[0].lladdr // "none"')"

	check_ok "accept the pending endpoint" -- r_ctl endpoint accept vpce-p
	check_fail_with "rejected" -- r_ctl endpoint accept vpce-x
	check_connects "the accepted endpoint" "$(topo_connect c1a "$ENI_P:80" -n 2)" 2

	check_ok "clean up" -- topo_ctl_batch "endpoint del vpce-p" "endpoint del vpce-x" \
		"service set svc acceptance auto"
}

pl_subtest "datapath: UDP, ping and non-listener ports get no answer, counted" test_not_carried
pl_subtest "datapath: only allowed sources pass" test_allow
pl_subtest "datapath: pending and rejected endpoints carry nothing until accepted" test_acceptance
ktap_finished
