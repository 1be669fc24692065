#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The life of flows, seen from outside: after flow flush, the next packet
# of an established connection gets a RST (the client sees ECONNRESET,
# no-flow counts it); a connection idle longer than the service's idle
# timeout gets a RST on its next packet while a busy one goes on, and a
# changed timeout applies to existing flows; rejecting or deleting an
# endpoint removes its flows (the client's next packet goes unanswered)
# and leaves another endpoint's alone. Topology: see topo.sh.

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

pl_subtest "datapath: after flow flush, the next packet gets a RST" test_flush
pl_subtest "datapath: idle flows expire, busy ones stay; the timeout applies at once" test_idle_timeout
pl_subtest "datapath: rejecting an endpoint removes its flows, not others'" test_reject
pl_subtest "datapath: deleting an endpoint removes its flows" test_delete
ktap_finished
