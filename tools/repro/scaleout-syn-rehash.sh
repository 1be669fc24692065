#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A reproduction of a bug of issue 13, and of what is left of it: make
# check does not run it (scaleout.sh's loss test has one round of it).
# scaleout.sh's topology with r4 joined; then 30% loss on r4's sync link
# while c1 and c2 each open 100 connections (4 at a time), three rounds.
# Before lost sync messages were repaired on request, a few connections
# of each round ended in a timeout or ECONNRESET; since, none do.
#
# Why: a client retransmits its SYN with a new skb hash (txrehash), and
# the client fabric, reached over a veth that keeps the hash, picks its
# ECMP next hop from that hash; so the SYN sent again lands on another
# router. When the first router's record of the flow was lost, and not
# repaired by then, that router creates a second flow for the same client
# tuple, with a source port from its own slice: the backend sees two
# connections, the client takes whichever SYN-ACK comes first, and the
# fleet keeps the other flow. Every client packet then reaches a backend
# that answers RST. Captures of each host's TCP and the routers' flows of
# each connection that saw no FIN from the ENI are printed.
#
#   make -C selftests install
#   tools/vm/pl-vm -k KERNEL -m 2048 -c 2 -t 1500 -- tools/repro/scaleout-syn-rehash.sh
#
#   c1, c2 -- cf (ECMP) -- r1 r2 r3 r4 (pl, sync) -- pf (ECMP) -- b1 b2 b3

top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
ksft=${PL_KSFT_INSTALL_PATH:-$top/build/kselftest}/pl
PL_SCALEOUT_SOURCED=1
source "$ksft/scaleout.sh"
ktap_set_plan 1

test_repro()
{
	local ns r c out i h port x sp pids=()
	add_r4 || return 1
	SERVING+=(r4)
	fabric_routes || return 1
	ns=${TOPO_NS[r4]}
	for h in c1 c2 b1 b2 b3 r1 r2 r3 r4; do
		ip netns exec "${TOPO_NS[$h]}" tcpdump -q -n -i any -s 96 -w "/tmp/cap-$h.pcap" tcp 2>/dev/null &
		pids+=($!)
	done
	sleep 2
	for i in 1 2 3; do
		tc -n "$ns" qdisc add dev eth-s root netem loss 30% || return 1
		topo_bg h1 topo_connect c1 "$ENI:80" -n 100 --parallel 4 --close fin --timeout 60
		topo_bg h2 topo_connect c2 "$ENI:80" -n 100 --parallel 4 --close fin --timeout 60
		topo_bg_wait
		tc -n "$ns" qdisc del dev eth-s root
		for c in h1 h2; do
			out=$(topo_bg_out "$c")
			echo "# round $i $c: $(pl_jq -c '{n, ok, errors, elapsed}' <<<"$out")"
			echo "$out" | pl_jq -c '.' | cut -c1-600 | sed 's/^/#   /'
			check_eq "round $i $c: all 100 answered" 100 "$(pl_jq '.ok' <<<"$out")"
		done
		sleep 1
		for h in c1 c2; do
			tcpdump -n -r "/tmp/cap-$h.pcap" 'tcp[tcpflags] & tcp-syn != 0 and src port 80' 2>/dev/null |
				grep -o '> [0-9.]*:' | awk -F. '{ print $5 }' | tr -d : | sort -u >/tmp/all-$h
			tcpdump -n -r "/tmp/cap-$h.pcap" 'tcp[tcpflags] & tcp-fin != 0 and src port 80' 2>/dev/null |
				grep -o '> [0-9.]*:' | awk -F. '{ print $5 }' | tr -d : | sort -u >/tmp/fin-$h
			comm -23 /tmp/all-$h /tmp/fin-$h >/tmp/ports-$h
			for port in $(cat /tmp/ports-$h); do
				[ -n "$(grep -l "$port" /tmp/seen 2>/dev/null)" ] && continue
				echo "$port" >>/tmp/seen
				echo "# === $h port $port: no FIN from the ENI"
				for r in "${ROUTERS[@]}"; do
					flow_lines "$r" | grep ":$port " | sed "s/^/#   flow $r: /"
				done
				for x in c1 c2 r1 r2 r3 r4 b1 b2 b3; do
					tcpdump -n -tt -r "/tmp/cap-$x.pcap" "port $port" 2>/dev/null | head -30 | sed "s/^/#   $x: /"
				done
				sp=$(for r in "${ROUTERS[@]}"; do flow_lines "$r" | grep ":$port " ; done | awk '{ split($3, a, ":"); print a[2]; exit }')
				if [ -n "$sp" ]; then
					echo "#   provider side: source port $sp"
					for x in r1 r2 r3 r4 b1 b2 b3; do
						tcpdump -n -tt -r "/tmp/cap-$x.pcap" "port $sp" 2>/dev/null | head -30 | sed "s/^/#   $x: /"
					done
				fi
			done
		done
		for r in "${ROUTERS[@]}"; do
			echo "# $r: held $(rstat "$r" sync-held) released $(rstat "$r" sync-released) lost $(rstat "$r" sync-lost) unknown-reply $(counts "$r" | cut -d' ' -f4)"
		done
	done
}
pl_kmsg_mark
setup || ktap_exit_fail_msg "cannot build the topology"
subtest "repro: handshakes under 30% sync loss" test_repro
check_kmsg_clean || true
ktap_finished
