#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pl and a firewall in the router, seen from outside. Counters in chains
# at every hook show where pl's hook (prerouting, priority -290) stands:
# chains before it see the packets as clients send them, to the ENI, and
# also those pl drops; every chain after it sees only the translated
# packets (source address to backend), untracked, and none sees a packet
# to an ENI; input and NAT see nothing of pl's; output sees pl's RSTs; an
# ARP chain before pl's ARP hook sees the requests for the ENI, one after
# it sees none (with the fast path off: with it on, the hooks after pl's
# see a flow's handshake and FIN, and the fast path counts the rest).
# Then the ruleset of Documentation/pl.rst ("Firewall
# interaction"), extracted from it so that the two cannot drift, protects
# the router and the ENIs: clients still reach the service (the backends
# see the source address), a pl listener the ruleset leaves closed and a
# client outside its prefixes are dropped before pl sees them, the
# router's own ports are closed to clients while ssh from the management
# network works. Topology: see topo.sh (with one more listener, 8443).

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd nft socat
ktap_set_plan 3

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
mapfile -t FW_LINES < <(topo_pl_batch | sed 's/port 80:8080/& port 8443:8080/')
topo_ctl_batch "${FW_LINES[@]}" || ktap_exit_fail_msg "cannot configure pl"

R_ADDR=10.0.1.1			# the router, on subnet-a
R_MGMT=172.16.0.1		# the router, toward the management network

# The ruleset: the first literal block after the line of pl.rst that
# names this test, without its indentation.
fw_ruleset()
{
	awk '
		/selftests\/firewall.sh`` loads exactly this block/ { m = 1 }
		m == 1 && /::$/ { m = 2; next }
		m == 2 && /^    / { print substr($0, 5); b = 1; next }
		m == 2 && /^$/ { if (b) print ""; next }
		m == 2 && b { exit }
	' "$PL_TOP/Documentation/pl.rst"
}

# The observing chains: a counter per hook and per kind of packet. eni:
# to an ENI (tcp, or anything else for "other"); xl: translated, from a
# source address to a backend's port 8080.
fw_observe()
{
	local c hooks="pre_raw pre_mangle pre_dstnat pre_filter nat input fwd post"
	{
		echo "table inet observe {"
		echo "	set enis { type ipv4_addr; elements = { $ENI_A, $ENI_B } }"
		echo "	set sources { type ipv4_addr; elements = { $SRC_A, $SRC_B } }"
		for c in $hooks; do
			echo "	counter ${c}_eni { }"
			echo "	counter ${c}_xl { }"
		done
		cat <<EOF
	counter pre_raw_other { }
	counter fwd_untracked { }
	counter out_rst { }
	chain o_pre_raw {
		type filter hook prerouting priority raw - 5;
		ip daddr @enis meta l4proto != tcp counter name pre_raw_other
		ip daddr @enis meta l4proto tcp counter name pre_raw_eni
		ip saddr @sources tcp dport 8080 counter name pre_raw_xl
	}
EOF
		fw_chain pre_mangle "filter hook prerouting priority mangle"
		fw_chain pre_dstnat "filter hook prerouting priority dstnat"
		fw_chain pre_filter "filter hook prerouting priority filter"
		fw_chain nat "nat hook prerouting priority dstnat"
		fw_chain input "filter hook input priority filter"
		fw_chain fwd "filter hook forward priority filter" \
			"ip saddr @sources tcp dport 8080 ct state untracked counter name fwd_untracked"
		fw_chain post "filter hook postrouting priority filter"
		cat <<EOF
	chain o_out {
		type filter hook output priority filter;
		ip saddr @enis tcp flags & rst == rst ct state untracked counter name out_rst
	}
}
table arp observe {
	counter early { }
	counter late { }
	chain early {
		type filter hook input priority -10;
		arp operation request arp daddr ip { $ENI_A, $ENI_B } counter name early
	}
	chain late {
		type filter hook input priority 10;
		arp operation request arp daddr ip { $ENI_A, $ENI_B } counter name late
	}
}
EOF
	}
}

# fw_chain NAME "TYPE HOOK PRIORITY" [RULE]: an observing chain.
fw_chain()
{
	cat <<EOF
	chain o_$1 {
		type $2;
		ip daddr @enis counter name ${1}_eni
		ip saddr @sources tcp dport 8080 counter name ${1}_xl
${3:+		$3
}	}
EOF
}

# The jq filters of this test, in one place.
# fw_counters FAMILY TABLE NAME...: nft counters of r by name, on one line.
fw_counters()
{
	local family=$1 table=$2
	shift 2
	ip netns exec "$R" nft -j list counters table "$family" "$table" |
		pl_jq -r --args '[.nftables[].counter | select(.) | {(.name): .packets}]
			| add as $c | [$ARGS.positional[] | $c[.]] | map(tostring)
			| join(" ")' "$@"
}

# fw_connect HOST IP:PORT [ARGS]: connections, as "OK PEERS ERRORS".
fw_connect()
{
	local c
	c=$(topo_connect "$@")
	topo_jq "$c" '"\(.ok) \(.peers | keys | join(",")) \(.errors | keys | join(","))"'
}

# fw_listen PORT: a TCP server of r's own, greeting with one line.
fw_listen()
{
	ip netns exec "$R" socat "TCP-LISTEN:$1,fork,reuseaddr" \
		SYSTEM:"echo router r 0" >/dev/null 2>&1 &
	echo $! >"$TOPO_DIR/socat-$1.pid"
	topo_wait 20 fw_listening "$1"
}

fw_listening()
{
	ss -N "$R" -Htln "sport = :$1" | grep -q . || { topo_nap 0.2; false; }
}

test_hooks()
{
	local c n s pre fwd

	# Every packet of a flow crosses the stack's hooks: no fast path.
	check_ok "limits set fast-path off" -- \
		r_ctl limits set fast-path off || return 1
	check_ok "observing chains at every hook" -- \
		ip netns exec "$R" nft -f - < <(fw_observe) || return 1
	check_eq "3 connections through ENI A; the backends see the source address" \
		"3 $SRC_A " "$(fw_connect c1a "$ENI_A:80" -n 3)"
	c=$(ip netns exec "$(topo_ns c1a)" "${TOPO_TCP_RUN[@]}" udp "$ENI_A:80" --timeout 1)
	check_match "UDP to the ENI: dropped by pl" '"answered": false' "$c"

	# Before pl: the original packets, UDP too; after it: only the
	# translated ones, the same number at every hook; none to the ENI.
	read -r pre n s <<<"$(fw_counters inet observe pre_raw_eni pre_raw_other pre_raw_xl)"
	echo "# before pl (raw - 5): to the ENI $pre TCP, $n other; translated $s" >&2
	check_match "before pl: TCP to the ENI" '^[1-9]' "$pre"
	check_eq "before pl: UDP to the ENI, which pl drops" 1 "$n"
	check_eq "before pl: no translated packet" 0 "$s"
	read -r fwd <<<"$(fw_counters inet observe fwd_xl)"
	for s in pre_mangle pre_dstnat pre_filter fwd post; do
		read -r n c <<<"$(fw_counters inet observe "${s}_eni" "${s}_xl")"
		echo "# $s: to the ENI $n, translated $c" >&2
		check_eq "$s: nothing to the ENI, the translated packets" \
			"0 $fwd" "$n $c"
	done
	check_eq "as many translated packets as TCP packets to the ENI" "$pre" "$fwd"
	check_eq "forward: the translated packets are untracked" "$fwd" \
		"$(fw_counters inet observe fwd_untracked)"
	for s in nat input; do
		check_eq "$s: nothing of pl's" "0 0" \
			"$(fw_counters inet observe "${s}_eni" "${s}_xl")"
	done

	# pl's own RST, to a packet whose flow was flushed: through output.
	topo_session rst c1a "$ENI_A:80" --timeout 10 echo "wait:$(topo_gofile rst)" echo
	topo_session_first rst || return 1
	check_ok "flow flush" -- r_ctl flow flush || return 1
	topo_go rst
	check_match "the next packet gets a RST" '"error": "ECONNRESET"' \
		"$(topo_session_end rst)"
	check_match "output: pl's RST, from the ENI, untracked" '^[1-9]' \
		"$(fw_counters inet observe out_rst)"

	# ARP: pl answers (and drops) requests for the ENIs at priority 0.
	read -r n c <<<"$(fw_counters arp observe early late)"
	echo "# arp input: before pl $n requests for the ENIs, after $c" >&2
	check_match "arp input before pl's hook: the requests" '^[1-9]' "$n"
	check_eq "arp input after pl's hook: none" 0 "$c"
	check_ok "observing chains removed" -- \
		ip netns exec "$R" nft delete table inet observe
}

# The fast path sends a flow's established packets from pl's hook: the
# hooks after it see the rest (handshake, FIN), the ones before it all.
test_fast_hooks()
{
	local s0 s1 pre fwd post fast

	check_ok "limits set fast-path on" -- \
		r_ctl limits set fast-path on || return 1
	check_ok "observing chains at every hook" -- \
		ip netns exec "$R" nft -f - < <(fw_observe) || return 1
	s0=$(topo_stats)
	topo_session fast c1a "$ENI_A:80" --timeout 10 echo echo echo echo close
	topo_session_ok fast
	s1=$(topo_stats)
	read -r pre fwd post <<<"$(fw_counters inet observe pre_raw_eni fwd_xl post_xl)"
	fast=$(( $(topo_stat "$s1" namespace - fast-path-packets) -
		 $(topo_stat "$s0" namespace - fast-path-packets) ))
	echo "# to the ENI: before pl $pre, forward $fwd, postrouting $post; fast path (both ways) $fast" >&2
	check_match "forward: the handshake and FIN, fewer than before pl" '^1$' \
		"$(( fwd >= 2 && fwd < pre ))"
	check_eq "postrouting sees what forward saw" "$fwd" "$post"
	check_match "the fast path sent the others, and replies" '^1$' \
		"$(( fast >= pre - fwd ))"
	check_ok "observing chains removed" -- \
		ip netns exec "$R" nft delete table inet observe
}

test_ruleset()
{
	local rules s0 s1 d0 d1

	if ! fw_listen 2222 || ! fw_listen 22; then
		pl_fail "FAIL: no listener in r"
		return 1
	fi
	# Without a firewall, all of these go through.
	check_eq "no firewall: the router's port 2222 from a client" "1 r " \
		"$(fw_connect c1a "$R_ADDR:2222")"
	check_eq "no firewall: listener 8443 of ENI A" "1 $SRC_A " \
		"$(fw_connect c1a "$ENI_A:8443")"
	check_eq "no firewall: the management network uses the ENI" "1 $SRC_A " \
		"$(fw_connect op "$ENI_A:80")"

	rules=$(fw_ruleset)
	check_match "pl.rst has the ruleset" '^table inet filter \{' "$rules" ||
		return 1
	check_ok "the ruleset of pl.rst" -- \
		ip netns exec "$R" nft -f - <<<"$rules" || return 1

	s0=$(topo_stats)
	read -r d0 <<<"$(fw_counters inet filter eni_dropped)"
	check_eq "clients of zone a reach the service; backends see the source address" \
		"3 $SRC_A " "$(fw_connect c1a "$ENI_A:80" -n 3)"
	check_eq "clients of zone b too" "2 $SRC_B " "$(fw_connect c1b "$ENI_B:80" -n 2)"
	topo_session both c2a "$ENI_A:80" --timeout 10 echo echo close
	topo_session_ok both
	check_eq "listener 8443, closed by the ruleset: dropped" "0  timeout" \
		"$(fw_connect c1a "$ENI_A:8443" --timeout 2)"
	check_eq "a client outside the allowed prefixes: dropped" "0  timeout" \
		"$(fw_connect op "$ENI_A:80" --timeout 2)"
	read -r d1 <<<"$(fw_counters inet filter eni_dropped)"
	check_match "eni_dropped counted them" '^[1-9]' "$((d1 - d0))"
	s1=$(topo_stats)
	# Dropped before pl: it counted the 6 connections, and nothing else.
	check_eq "pl saw only the allowed connections (new, dropped)" "6 0" \
		"$(( $(topo_stat "$s1" namespace - new-connections) -
		     $(topo_stat "$s0" namespace - new-connections) )) $((
		     $(topo_stat "$s1" namespace - dropped) -
		     $(topo_stat "$s0" namespace - dropped) ))"
	check_eq "forward: nothing of pl's dropped" 0 \
		"$(fw_counters inet filter forward_dropped)"

	check_eq "the router's port 2222 from a client: dropped" "0  timeout" \
		"$(fw_connect c1a "$R_ADDR:2222" --timeout 2)"
	check_eq "ssh to the router from a client: dropped" "0  timeout" \
		"$(fw_connect c1a "$R_ADDR:22" --timeout 2)"
	check_eq "ssh to the router from the management network" "1 r " \
		"$(fw_connect op "$R_MGMT:22")"
	check_match "input_dropped counted the clients'" '^[1-9]' \
		"$(fw_counters inet filter input_dropped)"
}

pl_subtest "firewall: hooks before pl see the original packet, after it the translated one" test_hooks
pl_subtest "firewall: with the fast path, hooks after pl see a flow's full-path packets" test_fast_hooks
pl_subtest "firewall: the ruleset of pl.rst protects the router and the ENIs" test_ruleset
ktap_finished
