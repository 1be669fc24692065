#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Broken and odd packets, to an ENI from a client and to a service's source
# address from a backend (pl_tcp.py craft: bad IP checksums, IHL and
# lengths, IP options, fragments, truncated TCP, bad data offsets,
# senseless flags, bad TCP checksums, bare ACKs, ICMP errors quoting too
# little or the wrong thing, UDP, ICMP echo, another protocol): the
# kernel's IP layer drops what is not IP, pl drops the rest and counts each
# under its reason, nothing reaches a backend's socket, the kernel log
# stays clean (run.sh checks it), and the endpoint carries a connection
# afterwards. Topology: see topo.sh.

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

REASONS="malformed fragment ip-options not-tcp no-flow unknown-reply"

r_mac()
{
	ip -n "$R" -j link show "$1" | pl_jq -r '.[0].address'
}

# The drop counters of REASONS, namespace-wide.
drops()
{
	local r counters=()
	for r in $REASONS; do
		counters+=("drops.$r")
	done
	topo_stat "$(topo_stats)" namespace - "${counters[@]}"
}

# check_craft DESC HOST IP:PORT BRIDGE EXPECTED: HOST sends the catalogue
# to IP:PORT (through r's BRIDGE); the drop counters of REASONS grow by
# EXPECTED.
check_craft()
{
	local desc=$1 host=$2 target=$3 br=$4 expected=$5 d0 d1 out

	d0=$(drops)
	check_ok "$desc: sent" -- ip netns exec "$(topo_ns "$host")" \
		"${TOPO_TCP_RUN[@]}" craft "$target" --dev eth0 \
		--dst-mac "$(r_mac "$br")" --source "${TOPO_ADDR[$host]}" ||
		return 1
	out=$PL_OUT
	topo_nap 1
	d1=$(drops)
	check_eq "$desc: counted drops ($REASONS)" "$expected" \
		"$(topo_delta "$d0" "$d1")" || pl_indent <<<"$out"
}

# From c1a to the ENI. malformed: truncated TCP, the two bad data offsets,
# SYN+FIN, SYN+RST, no flags, FIN alone, the ICMP error quoting too little
# and the one quoting UDP (9); fragment: both (2); ip-options: 1; not-tcp:
# ICMP echo, UDP, protocol 253 (3); no-flow: the bare ACK (1);
# unknown-reply: the ICMP error quoting no flow (1). The IP layer drops the
# bad checksum, IHL and lengths before pl sees them; the SYN with a bad
# TCP checksum goes on to a backend, whose stack drops it.
test_to_eni()
{
	check_craft "to the ENI" c1a "$ENI_A:80" br-a "9 2 1 3 1 1"
}

# From b1a to the source address: the same, except that a packet with no
# flow, SYN or not, is an unknown reply (the SYN with a bad TCP checksum,
# the bare ACK, the ICMP error quoting no flow: 3), and nothing is not-tcp
# but ICMP echo, UDP and protocol 253 (3).
test_to_source()
{
	check_craft "to the source address" b1a "$SRC_A:50000" br-p1 \
		"9 2 1 3 0 3"
}

test_still_works()
{
	local c
	check_eq "no backend saw a connection" "" "$(cat "$TOPO_DIR"/b*.log)"
	c=$(topo_connect c1a "$ENI_A:80" -n 4)
	check_eq "4 connections through the ENI" 4 "$(topo_jq "$c" .ok)" ||
		pl_indent <<<"$c"
}

pl_subtest "datapath: broken packets to an ENI are dropped and counted" test_to_eni
pl_subtest "datapath: broken packets to a source address are dropped and counted" test_to_source
pl_subtest "datapath: the endpoint works after them" test_still_works
ktap_finished
