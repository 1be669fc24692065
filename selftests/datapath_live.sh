#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live changes, seen from outside: a drained backend, or one of weight 0,
# takes no new connection while an established one on it keeps working;
# deleting a backend resets its established connection at once, at both
# ends (the client sees ECONNRESET, the backend's socket a reset); and a
# long-lived connection keeps its backend and keeps transferring while
# other backends, zones, the service and endpoints change around it.
# Topology: see topo.sh.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 2

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

# Configuration changes, then wait for the Maglev rebuilds (backend show
# waits for them).
change()
{
	topo_ctl_batch "$@" "backend show svc"
}

# The backends that new connections from a host reach, sorted, joined.
new_backends()
{
	topo_connect "$1" "$ENI_A:80" -n "$2" | pl_jq -r '"\(.ok) \(.backends | keys | join(","))"'
}

# Wait for a session's step event and check that it went well.
step_ok()
{
	local ev
	ev=$(topo_session_until "$1" "\"step\": \"$2\"") &&
	check_match "$1: $2" '"ok": true' "$ev" || {
		topo_session_log "$1"
		return 1
	}
}

test_drain_delete()
{
	local x y xaddr pport t0 ev

	topo_session s c1a "$ENI_A:80" --timeout 30 echo:1 \
		"wait:$(topo_gofile s1)" echo:2 "wait:$(topo_gofile s2)" echo:3 \
		"wait:$(topo_gofile s3)" read
	topo_session_first s || return 1
	read -r x pport <<<"$(topo_jq "$TOPO_CONNECTED" '"\(.backend) \(.peer_port)"')"
	case $x in
	b1a) y=b2a ;;
	b2a) y=b1a ;;
	*) pl_fail "FAIL: the connection went to $x, not to an AZ-a backend"; return 1 ;;
	esac
	xaddr=${TOPO_ADDR[$x]}

	change "backend set svc $xaddr state drain" || return 1
	check_eq "$x drained: 20 new connections, all to $y" "20 $y" "$(new_backends c2a 20)"
	topo_go s1
	step_ok s echo:2

	change "backend set svc $xaddr state active weight 0" || return 1
	check_eq "$x at weight 0: 20 new connections, all to $y" "20 $y" "$(new_backends c2a 20)"
	topo_go s2
	step_ok s echo:3

	change "backend set svc $xaddr weight 1" || return 1
	topo_go s3
	topo_session_until s "\"step\": \"wait:.*s3\"" >/dev/null || return 1
	# The session waits in read now: the reset must wake it up.
	t0=$(date +%s.%N)
	check_ok "delete $x" -- r_ctl backend del svc "$xaddr" || return 1
	ev=$(topo_session_end s 10)
	check_match "the client's connection was reset" '"error": "ECONNRESET"' "$ev" || {
		topo_session_log s; return 1; }
	topo_session_match s '"event": "step", "ok": false'
	check_eq "at once (within 2 s of the deletion)" true \
		"$(topo_jq "$TOPO_EVENT" ".t - $t0 < 2")"
	topo_wait 10 grep -qE "^close $SRC_A $pport " "$(topo_log "$x")"
	check_eq "$x's socket was reset too" "close $SRC_A $pport reset" \
		"$(grep -E "^close $SRC_A $pport " "$(topo_log "$x")")"
	check_eq "no flow left to $x" 0 "$(topo_flows backend "$xaddr" | pl_jq '.flows | length')"
	change "backend add svc $xaddr az a"
}

test_undisturbed()
{
	local x xaddr sport pport ev flows b

	topo_session long c1a "$ENI_A:80" --timeout 5 echo "pump:$(topo_gofile long)"
	topo_session_first long || return 1
	read -r x sport pport <<<"$(topo_jq "$TOPO_CONNECTED" '"\(.backend) \(.sport) \(.peer_port)"')"
	xaddr=${TOPO_ADDR[$x]}

	# Around it: the other backends come and go, drain, change weight;
	# zone b goes down and up; the service spreads across zones and stops;
	# endpoints come and go; new connections keep arriving.
	topo_bg c2a topo_connect c2a "$ENI_A:80" -n 100 --parallel 4
	for b in b1a b2a b1b b2b; do
		[ "$b" = "$x" ] && continue
		change "backend set svc ${TOPO_ADDR[$b]} state drain" \
			"backend set svc ${TOPO_ADDR[$b]} state active weight 5" \
			"backend del svc ${TOPO_ADDR[$b]}" || return 1
		change "backend add svc ${TOPO_ADDR[$b]} az ${b:2:1}" || return 1
	done
	change "az set b state down" "service set svc cross-zone on" || return 1
	change "endpoint add vpce-2 service svc subnet subnet-b" "az set b state up" \
		"service set svc cross-zone off" "endpoint del vpce-2" || return 1
	topo_bg_wait
	# A backend nobody answers for: only once no new connection comes.
	change "backend add svc 192.168.1.99 az a weight 2" || return 1
	change "backend del svc 192.168.1.99" || return 1

	flows=$(topo_flows | pl_jq -r ".flows[] | select(.orig.sport == $sport) | \"\(.backend) \(.state)\"")
	check_eq "its flow: same backend, established" "$xaddr established" "$flows"
	topo_go long
	ev=$(topo_session_end long)
	check_match "it kept transferring throughout" '"ok": true' "$ev" || topo_session_log long
	topo_session_match long '"step": "pump:'
	echo "# the long-lived connection: $(topo_jq "$TOPO_EVENT" '"\(.count) round trips, the longest \(.max_rtt) s"')"
	check_eq "no round trip took 2 s" true "$(topo_jq "$TOPO_EVENT" '.max_rtt < 2 and .count > 0')"
	topo_wait 10 grep -qE "^close $SRC_A $pport " "$(topo_log "$x")"
	check_eq "its backend saw it close at the end only" "close $SRC_A $pport eof" \
		"$(grep -E "^close $SRC_A $pport " "$(topo_log "$x")")"
}

pl_subtest "datapath: drain and weight 0 keep established connections, delete resets them" test_drain_delete
pl_subtest "datapath: live changes do not disturb other connections" test_undisturbed
ktap_finished
