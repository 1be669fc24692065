#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration churn under traffic, seen from outside: while two long
# transfers run through vpce-1 to the AZ-a backends (megabytes each way,
# SHA-256 checked at both ends), a loop adds and removes, in rounds,
# backends of svc in AZ a (so its Maglev table is rebuilt again and again),
# a second endpoint of svc, and a second service with a backend and an
# endpoint of its own; meanwhile AZ-b clients keep opening connections.
# The transfers must end intact on the backends they started on, every new
# connection must get through, and the configuration afterwards must be
# the one before. Topology: see topo.sh; the extra backends and endpoints
# are addresses nobody answers for:
#
#   c1a, c2a --- r (pl, vpce-1) --- b1a, b2a     the transfers
#   c1b      --- r (pl, vpce-1) --- b1b, b2b     new connections
#                r: svc + 192.168.1.200-203 (AZ a), vpce-churn 10.0.1.70,
#                   svc2 (port 81) + 192.168.1.210, vpce-2 10.0.1.71

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

N=3000000	# bytes each way, per step
STEPS=12	# stream and sink steps per transfer
ROUNDS=0 CONNS=0

churn_add()
{
	local i=$1
	topo_ctl_batch \
		"backend add svc 192.168.1.$((200 + i % 4)) az a weight $((1 + i % 3))" \
		"backend add svc 192.168.1.$((200 + (i + 1) % 4)) az a" \
		"endpoint add vpce-churn service svc subnet subnet-a ip 10.0.1.70" \
		"service add svc2 port 81:8080 acceptance auto" \
		"service source add svc2 192.168.1.102 az a" \
		"backend add svc2 192.168.1.210 az a" \
		"endpoint add vpce-2 service svc2 subnet subnet-a ip 10.0.1.71"
}

churn_del()
{
	local i=$1
	topo_ctl_batch \
		"backend del svc 192.168.1.$((200 + i % 4))" \
		"backend del svc 192.168.1.$((200 + (i + 1) % 4))" \
		"endpoint del vpce-churn" \
		"endpoint del vpce-2" \
		"service del svc2"
}

# Has session NAME done its last transfer step (or failed one)?
transfers_done()
{
	[ "$(grep -c '"step": "sink:' "$TOPO_DIR/$1.out")" -ge "$STEPS" ] ||
		grep -q '"ok": false' "$TOPO_DIR/$1.out"
}

test_churn()
{
	local before steps=() i c ok t

	before=$(r_ctl save)
	for ((i = 0; i < STEPS; i++)); do
		steps+=("stream:$N" "sink:$N")
	done
	for t in c1a c2a; do
		topo_session "t-$t" "$t" "$ENI_A:80" --timeout 60 "${steps[@]}" \
			"wait:$(topo_gofile "t-$t")" echo
	done
	for t in c1a c2a; do
		topo_session_first "t-$t" || return 1
	done
	while ! transfers_done t-c1a || ! transfers_done t-c2a; do
		check_ok "round $ROUNDS: add" -- churn_add "$ROUNDS" || return 1
		c=$(topo_connect c1b "$ENI_B:80" -n 2)
		ok=$(topo_jq "$c" .ok)
		check_eq "round $ROUNDS: c1b's 2 new connections" 2 "$ok" ||
			pl_indent <<<"$c"
		check_ok "round $ROUNDS: delete" -- churn_del "$ROUNDS" || return 1
		CONNS=$((CONNS + ok))
		ROUNDS=$((ROUNDS + 1))
		[ "$ROUNDS" -lt 200 ] || break
	done
	echo "# $ROUNDS rounds of churn, $CONNS new connections" >&2
	check_match "churned while the transfers ran: 2 rounds or more" \
		'^([2-9]|[1-9][0-9]+)$' "$ROUNDS"
	for t in c1a c2a; do
		topo_go "t-$t"
		topo_session_ok "t-$t"
		check_eq "$t: every step intact" "$((2 * STEPS)) 0" \
			"$(pl_jq -s '[.[] | select(.step // "" | test("^(stream|sink):")) | .ok] |
				"\(map(select(.)) | length) \(map(select(. | not)) | length)"' -r \
				"$TOPO_DIR/t-$t.out")"
	done
	check_eq "the configuration is the one before" "$before" "$(r_ctl save)"
}

# The transfers each stayed with their backend: it logged the connection's
# open and its clean close (eof), once each, and nothing else of it.
test_pinned()
{
	local t backend port
	for t in c1a c2a; do
		read -r backend port <<<"$(pl_jq -rs \
			'[.[] | select(.event == "connected")][0] | "\(.backend) \(.peer_port)"' \
			"$TOPO_DIR/t-$t.out")"
		check_match "$t's transfer went to an AZ-a backend" '^b[12]a$' "$backend" ||
			continue
		topo_wait 10 grep -q "^close $SRC_A $port " "$(topo_log "$backend")"
		check_eq "$backend logged $t's connection: open, then close eof" \
			"open $SRC_A $port
close $SRC_A $port eof" "$(grep " $SRC_A $port\( \|\$\)" "$(topo_log "$backend")")"
	done
	check_eq "no flow left to the churned addresses" 0 \
		"$(topo_flows | pl_jq '[.flows[] | select(.backend | test("^192\\.168\\.1\\.2[01]"))] | length')"
}

pl_subtest "churn: transfers stay intact while configuration churns" test_churn
pl_subtest "churn: the transfers kept their backends" test_pinned
ktap_finished
