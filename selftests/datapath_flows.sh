#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The life of flows, seen from outside: after flow flush, the next packet
# of an established connection gets a RST (the client sees ECONNRESET,
# no-flow counts it); a connection idle longer than the service's idle
# timeout gets a RST on its next packet while a busy one goes on, and a
# changed timeout applies to existing flows; rejecting or deleting an
# endpoint removes its flows (the client's next packet goes unanswered)
# and leaves another endpoint's alone. active-connections counts the open
# connections only, at every scope: not those reset or closed by both
# sides, which flow show still lists; none once all are gone, and a flow
# flushed open or closed is taken out once. Topology: see topo.sh.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 5

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

# The number of flows from a client port (and whatever else flow show takes).
flows_from()
{
	local sport=$1
	shift
	topo_flows "$@" | pl_jq "[.flows[] | select(.orig.sport == $sport)] | length"
}

# Wait (polling every half second) until no flow comes from the port.
flow_gone()
{
	[ "$(flows_from "$1")" = 0 ] || { topo_nap 0.5; false; }
}

# check_step_error DESC SESSION ERRNO-REGEX [SECONDS]: the session ended
# when a step failed with ERRNO, within SECONDS of that step's start.
check_step_error()
{
	local desc=$1 name=$2 re=$3 secs=${4:-} ev
	ev=$(topo_session_end "$name")
	if ! check_match "$desc" "\"error\": \"($re)\"" "$ev"; then
		topo_session_log "$name"
		return 1
	fi
	[ -n "$secs" ] || return 0
	topo_session_match "$name" '"event": "step", "ok": false'
	check_eq "$desc: within ${secs}s" true \
		"$(topo_jq "$TOPO_EVENT" ".elapsed < $secs")"
}

# The JSON filters of test_active, in one place. The scopes, on one line:
# the namespace, vpce-1, ENI A, ENI B, svc, then b1a b2a b1b b2b.
ACTIVE_BACKENDS="[\"${TOPO_ADDR[b1a]}\", \"${TOPO_ADDR[b2a]}\", \"${TOPO_ADDR[b1b]}\", \"${TOPO_ADDR[b2b]}\"]"

# active_stats: active-connections at each scope, as stats show says.
active_stats()
{
	topo_stats | pl_jq -r --arg a "$ENI_A" --arg b "$ENI_B" \
		--argjson be "$ACTIVE_BACKENDS" '
		def n(f): [.stats[] | select(f) | .counters."active-connections"]
			| first // "none";
		[n(.scope == "namespace"),
		 n(.scope == "endpoint" and .endpoint == "vpce-1"),
		 n(.scope == "eni" and .address == $a),
		 n(.scope == "eni" and .address == $b),
		 n(.scope == "service" and .service == "svc")] +
		[$be[] as $x | n(.scope == "backend" and .address == $x)]
		| map(tostring) | join(" ")'
}

# active_flows FLOWS: the open flows at each scope, as flow show lists
# them (every state but closing and closed).
active_flows()
{
	pl_jq -r --arg a "$ENI_A" --arg b "$ENI_B" --argjson be "$ACTIVE_BACKENDS" '
		.flows | map(select(.state != "closing" and .state != "closed")) as $o
		| def n(f): [$o[] | select(f)] | length;
		[n(true), n(.endpoint == "vpce-1"), n(.orig.daddr == $a),
		 n(.orig.daddr == $b), n(.service == "svc")] +
		[$be[] as $x | n(.backend == $x)]
		| map(tostring) | join(" ")' <<<"$1"
}

# flow_states FLOWS: how many flows in each state, "STATE N ...".
flow_states()
{
	pl_jq -r '.flows | group_by(.state) | map("\(.[0].state) \(length)") | join(" ")' <<<"$1"
}

# Wait until as many flows as given are in STATE.
flows_in()
{
	[ "$(topo_flows | pl_jq ".flows | map(select(.state == \"$1\")) | length")" = "$2" ] ||
		{ topo_nap 0.5; false; }
}

active_is()
{
	[ "$(active_stats | cut -d' ' -f1)" = "$1" ] || { topo_nap 0.5; false; }
}

# check_active DESC: active-connections at every scope matches the open
# flows that flow show lists.
check_active()
{
	local flows seen want
	flows=$(topo_flows)
	seen=$(active_stats)
	want=$(active_flows "$flows")
	check_eq "$1: active-connections at every scope (flows: $(flow_states "$flows"))" \
		"$want" "$seen"
}

test_active()
{
	local c flows n

	check_ok "flow flush" -- r_ctl flow flush || return 1
	check_eq "nothing open" "0 0 0 0 0 0 0 0 0" "$(active_stats)"

	# Three connections that stay open, two in each zone's ENI.
	topo_session live1 c1a "$ENI_A:80" --timeout 30 echo "wait:$(topo_gofile live)" echo
	topo_session live2 c2a "$ENI_A:80" --timeout 30 echo "wait:$(topo_gofile live)" echo
	topo_session live3 c1b "$ENI_B:80" --timeout 30 echo "wait:$(topo_gofile live)" echo
	topo_session_first live1 && topo_session_first live2 &&
		topo_session_first live3 || return 1
	check_active "3 open"
	check_eq "3 open: 3 in the namespace, 2 at ENI A, 1 at ENI B" "3 3 2 1 3" \
		"$(active_stats | cut -d' ' -f1-5)"

	# Two closed by both sides with FIN, then two reset by the client.
	# Closing flows go 10 s after their last packet and closed ones 5 s
	# after their RST: under load some may be gone when listed, but not
	# all of them.
	c=$(topo_connect c1b "$ENI_B:80" -n 2 --close fin)
	check_eq "2 connections closed" 2 "$(topo_jq "$c" .ok)" || pl_indent <<<"$c"
	topo_wait 15 flows_in fin-wait 0 ||
		pl_fail "FAIL: the closed connections' flows stay half-closed"
	c=$(topo_connect c1a "$ENI_A:80" -n 2 --close reset)
	check_eq "2 connections reset" 2 "$(topo_jq "$c" .ok)" || pl_indent <<<"$c"
	flows=$(topo_flows)
	# A connection closed with FIN may end closed too, when a late
	# segment draws a RST from one end: four at most, in either state.
	check_match "flow show lists closed or closing ones, and the 3 open" \
		"^(closed [1-4] )?(closing [1-4] )?established 3$" "$(flow_states "$flows")"
	check_eq "no more than the 4 that ended" true \
		"$(flow_states "$flows" | awk '{ n = 0; for (i = 1; i < NF; i += 2) if ($i != "established") n += $(i + 1); print (n <= 4) ? "true" : "false" }')"
	check_match "some are closed or closing" "clos" "$(flow_states "$flows")"
	check_active "3 open, 2 reset, 2 closed"
	check_eq "still 3 in the namespace" 3 "$(active_stats | cut -d' ' -f1)"

	# The open ones end with FIN both ways: nothing open any more.
	topo_go live
	topo_session_ok live1
	topo_session_ok live2
	topo_session_ok live3
	topo_wait 10 active_is 0 ||
		pl_fail "FAIL: connections still counted active"
	flows=$(topo_flows)
	check_eq "all gone: nothing active" "0 0 0 0 0 0 0 0 0" "$(active_stats)"
	n=$(pl_jq '.flows | length' <<<"$flows")
	check_eq "all gone: flow show still lists closing flows ($(flow_states "$flows"))" \
		true "$(pl_jq -n "$n > 0")"

	# Flows flushed open and closing leave the count right: it is not
	# below zero (shown as 0) when the next connection opens.
	topo_session flushed c1a "$ENI_A:80" --timeout 10 echo "wait:$(topo_gofile flushed)"
	topo_session_first flushed || return 1
	check_ok "flow flush, one open and some closing" -- r_ctl flow flush || return 1
	check_eq "after flush: nothing active" "0 0 0 0 0 0 0 0 0" "$(active_stats)"
	topo_go flushed
	topo_session_end flushed >/dev/null
	topo_session next c2a "$ENI_A:80" --timeout 10 echo "wait:$(topo_gofile next)" echo
	topo_session_first next || return 1
	check_eq "the next connection: 1 active" "1 1 1 0 1" \
		"$(active_stats | cut -d' ' -f1-5)"
	check_active "the next connection"
	topo_go next
	topo_session_ok next
	topo_wait 10 active_is 0 ||
		pl_fail "FAIL: the last connection still counted active"
}

test_flush()
{
	local sport nf0

	nf0=$(topo_stat "$(topo_stats)" eni "$ENI_A" drops.no-flow)
	topo_session flush c1a "$ENI_A:80" --timeout 10 echo \
		"wait:$(topo_gofile flush)" echo
	topo_session_first flush || return 1
	sport=$(topo_jq "$TOPO_CONNECTED" .sport)
	check_eq "the connection's flow" 1 "$(flows_from "$sport")"
	check_ok "flow flush" -- r_ctl flow flush || return 1
	check_eq "no flow left" 0 "$(topo_flows | pl_jq '.flows | length')"
	topo_go flush
	check_step_error "the next packet gets a RST: ECONNRESET" flush ECONNRESET 3
	check_eq "ENI: no-flow counted" 1 \
		"$(( $(topo_stat "$(topo_stats)" eni "$ENI_A" drops.no-flow) > nf0 ))"
}

test_idle_timeout()
{
	local idle busy

	# Flows opened under the default timeout, which then drops to 2 s:
	# the idle connection expires, the busy one does not.
	topo_session idle c1a "$ENI_A:80" --timeout 10 echo \
		"wait:$(topo_gofile idle)" echo
	topo_session busy c2a "$ENI_A:80" --timeout 10 echo \
		"pump:$(topo_gofile busy)"
	topo_session_first idle || return 1
	idle=$(topo_jq "$TOPO_CONNECTED" .sport)
	topo_session_first busy || return 1
	busy=$(topo_jq "$TOPO_CONNECTED" .sport)
	check_ok "idle timeout 2 s" -- r_ctl service set svc idle-timeout 2 || return 1
	if ! topo_wait 20 flow_gone "$idle"; then
		pl_fail "FAIL: the idle connection's flow did not expire in 20 s"
		topo_flows | pl_indent
	fi
	check_eq "the busy connection's flow is still there" 1 "$(flows_from "$busy")"
	topo_go idle
	check_step_error "the idle connection's next packet gets a RST" idle ECONNRESET 3
	topo_go busy
	topo_session_ok busy

	# A flow opened under 2 s (kept busy until then), which then grows to
	# 350 s: it outlives 2 s of idleness.
	topo_session late c1a "$ENI_A:80" --timeout 10 echo \
		"pump:$(topo_gofile late1)" "wait:$(topo_gofile late2)" echo
	topo_session_first late || return 1
	idle=$(topo_jq "$TOPO_CONNECTED" .sport)
	check_ok "idle timeout 350 s" -- r_ctl service set svc idle-timeout 350 || return 1
	topo_go late1
	topo_session_until late '"step": "pump:' >/dev/null || return 1
	sleep 4		# twice the old timeout: its next packet would get a RST
	check_eq "the flow outlived the old timeout" 1 "$(flows_from "$idle")"
	topo_go late2
	topo_session_ok late
}

ENI_2=10.0.1.60		# vpce-2, subnet-a

test_reject()
{
	local a b

	check_ok "a second endpoint" -- r_ctl endpoint add vpce-2 service svc \
		subnet subnet-a ip "$ENI_2" || return 1
	topo_session rej c1a "$ENI_A:80" --timeout 4 echo "wait:$(topo_gofile rej)" echo
	topo_session other c2a "$ENI_2:80" --timeout 10 echo \
		"wait:$(topo_gofile other)" echo
	topo_session_first rej || return 1
	a=$(topo_jq "$TOPO_CONNECTED" .sport)
	topo_session_first other || return 1
	b=$(topo_jq "$TOPO_CONNECTED" .sport)

	check_ok "reject vpce-1" -- r_ctl endpoint reject vpce-1 || return 1
	check_eq "vpce-1's flow is gone" 0 "$(flows_from "$a" endpoint vpce-1)"
	check_eq "vpce-2's flow is still there" 1 "$(flows_from "$b" endpoint vpce-2)"
	topo_go rej
	check_step_error "the rejected endpoint's client: no answer" rej timeout
	check_match "ENI $ENI_A: not-available counted" '^[1-9]' \
		"$(topo_stat "$(topo_stats)" eni "$ENI_A" drops.not-available)"
	topo_go other
	topo_session_ok other
}

test_delete()
{
	local a

	topo_session del c2a "$ENI_2:80" --timeout 4 echo "wait:$(topo_gofile del)" echo
	topo_session_first del || return 1
	a=$(topo_jq "$TOPO_CONNECTED" .sport)
	check_eq "vpce-2's flow" 1 "$(flows_from "$a")"
	check_ok "delete vpce-2" -- r_ctl endpoint del vpce-2 || return 1
	check_eq "no flow left" 0 "$(topo_flows | pl_jq '.flows | length')"
	topo_go del
	# The ENI IP belongs to nobody now: no answer, or an ICMP error.
	check_step_error "the deleted endpoint's client: no answer" del \
		'timeout|EHOSTUNREACH|ENETUNREACH'
}

pl_subtest "datapath: active-connections counts only open connections" test_active
pl_subtest "datapath: after flow flush, the next packet gets a RST" test_flush
pl_subtest "datapath: idle flows expire, busy ones stay; the timeout applies at once" test_idle_timeout
pl_subtest "datapath: rejecting an endpoint removes its flows, not others'" test_reject
pl_subtest "datapath: deleting an endpoint removes its flows" test_delete
ktap_finished
