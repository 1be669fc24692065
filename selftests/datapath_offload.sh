#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Offloads: data crosses an endpoint intact, with correct checksums, in
# the three shapes veth hands packets to the router in (topology: see
# topo.sh):
#
#   c1a <--TSO/GSO, CHECKSUM_PARTIAL--> r <--same--> b1a|b2a
#       GSO packets of many segments, their checksums left to be done;
#   c2a <--segments, software checksums--> [GRO] r [GRO] <--same--> b1a|b2a
#       r's veths merge the segments (GRO) before pl sees them;
#   c1b <--segments, CHECKSUM_NONE--> r <--same--> b1b|b2b
#       one segment per packet, checksums checked nowhere on the way in.
#
# Each shape crosses the path the namespace's fast-path limit picks (on by
# default; off with PL_FAST_PATH=off, topo.sh), and the counters show it.
#
# Whatever pl leaves in a packet's checksum is checked where it lands: r's
# veths complete checksums (and segment) in software on the way out, and
# the hosts' veths do not vouch for what they receive, so that the
# receiving TCP verifies every segment.
#
# Each case sends a megabyte to a backend in one connection and receives
# as much from one in another, SHA256 checked end to end; no TCP checksum
# error is counted at either end; pl's flow counters show whether it
# handled packets larger than the MTU (1500), as it must in the first two
# cases and cannot in the third.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd ethtool
ktap_set_plan 3

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

N=1000000	# bytes each way

# offload HOST-OR-r DEV FEATURE on|off...: ethtool -K in a namespace.
offload()
{
	local ns=$1 dev=$2 out
	shift 2
	if ! out=$(ip netns exec "$(topo_ns "$ns")" ethtool -K "$dev" "$@" 2>&1); then
		pl_fail "FAIL: ethtool -K $dev $* in $ns" "  $out"
		return 1
	fi
}

# TCP checksum errors a host counted.
csum_errors()
{
	ip netns exec "$(topo_ns "$1")" awk '$1 == "Tcp:" && !n++ {
		for (i = 2; i <= NF; i++) col[$i] = i; next }
		$1 == "Tcp:" { print $col["InCsumErrors"] }' /proc/net/snmp
}

# transfer NAME CLIENT ENI STEP: one connection carrying N bytes (STEP:
# sink, to the backend, or stream, from it), kept open (wait:) while its
# flow is read into FLOW (JSON).
transfer()
{
	local name=$1 client=$2 eni=$3 step=$4 ev sport
	FLOW=""
	topo_session "$name" "$client" "$eni:80" --timeout 60 "$step:$N" \
		"wait:$(topo_gofile "$name")"
	ev=$(topo_session_until "$name" "\"step\": \"$step:$N\"" 180) || return 1
	if ! check_match "$name: $N bytes, SHA256 checked" '"ok": true' "$ev"; then
		topo_session_log "$name"
		return 1
	fi
	topo_session_match "$name" '"event": "connected"'
	sport=$(topo_jq "$TOPO_EVENT" .sport)
	FLOW=$(topo_flows | pl_jq -c --arg c "${TOPO_ADDR[$client]}" --argjson p "$sport" \
		'.flows[] | select(.orig.saddr == $c and .orig.sport == $p)')
	topo_go "$name"
	topo_session_ok "$name" &&
	check_match "$name: flow show lists the flow" '"state"' "$FLOW"
}

# Bytes per packet of a flow, one way (orig or reply), rounded down.
per_packet()
{
	pl_jq -r --arg d "$2" '(.["bytes-" + $d] / .["packets-" + $d]) | floor' <<<"$1"
}

# offload_case CLIENT ENI BACKENDS LARGE: both transfers from CLIENT;
# LARGE (yes or no) says whether pl must have seen packets above 1500
# bytes each way.
offload_case()
{
	local client=$1 eni=$2 backends=$3 large=$4 up down host e0 e1 s0 s1
	local want='^(1[0-4][0-9][0-9]|1500|[0-9]{1,3})$'
	[ "$large" = yes ] && want='^(150[1-9]|15[1-9][0-9]|1[6-9][0-9]{2}|[2-9][0-9]{3}|[0-9]{5,})$'

	e0=$(csum_errors "$client")
	for host in $backends; do e0+=" $(csum_errors "$host")"; done
	s0=$(topo_stats)
	transfer "up-$client" "$client" "$eni" sink || return 1
	up=$FLOW
	transfer "down-$client" "$client" "$eni" stream || return 1
	down=$FLOW
	ktap_print_msg "$client: pl forwarded $(per_packet "$up" orig) bytes a packet to the backend, $(per_packet "$down" reply) from it"
	check_match "to the backend: pl forwarded $(per_packet "$up" orig) bytes a packet" \
		"$want" "$(per_packet "$up" orig)" || return 1
	check_match "from the backend: pl forwarded $(per_packet "$down" reply) bytes a packet" \
		"$want" "$(per_packet "$down" reply)" || return 1
	check_eq "the flows carried the data" "true true" \
		"$(pl_jq -r ".\"bytes-orig\" >= $N" <<<"$up") $(pl_jq -r ".\"bytes-reply\" >= $N" <<<"$down")" ||
		return 1
	e1=$(csum_errors "$client")
	for host in $backends; do e1+=" $(csum_errors "$host")"; done
	check_eq "no TCP checksum error at $client or $backends" "$e0" "$e1" &&
	check_path "$s0" "$(topo_stats)"
}

# check_path STATS0 STATS1: the transfers took the path the limits say:
# with the fast path, all but the handshakes and FINs; without it, none.
check_path()
{
	local fast full on
	fast=$(( $(topo_stat "$2" namespace - fast-path-packets) -
		 $(topo_stat "$1" namespace - fast-path-packets) ))
	full=$(( $(topo_stat "$2" namespace - full-path-packets) -
		 $(topo_stat "$1" namespace - full-path-packets) ))
	on=$(r_ctl -j limits show | pl_jq -r '.limits["fast-path"]')
	ktap_print_msg "fast path $on: $fast packets on it, $full on the full path"
	if [ "$on" = true ]; then
		check_match "fast path: most packets on it ($fast; $full not)" '^1$' \
			"$(( fast > full ))"
	else
		check_eq "fast path off: no packet on it" "0 $full" "$fast $full"
	fi
}

# hosts HOST... -- FEATURES... -- R-FEATURES...: ethtool -K for each host's
# eth0, then for r's veth to it.
hosts()
{
	local list=() feat=() host
	while [ "$1" != -- ]; do list+=("$1"); shift; done
	shift
	while [ "$1" != -- ]; do feat+=("$1"); shift; done
	shift
	for host in "${list[@]}"; do
		offload "$host" eth0 "${feat[@]}" rx off &&
		offload r "v-$host" "$@" tx off || return 1
	done
}

# GSO packets with CHECKSUM_PARTIAL both ways (veth's defaults); r's veths
# do no GRO.
test_gso()
{
	hosts c1a b1a b2a -- tx on tso on gso on -- gro off &&
	offload_case c1a "$ENI_A" "b1a b2a" yes
}

# Hosts send single segments with checksums done in software; r's veths
# merge them (GRO, with NAPI) before pl.
test_gro()
{
	hosts c2a b1a b2a -- tx off tso off gso off -- gro on &&
	offload_case c2a "$ENI_A" "b1a b2a" yes
}

# No offload anywhere: single segments, CHECKSUM_NONE at r (its veths do
# not vouch for checksums either), checksums updated by pl in software.
test_none()
{
	hosts c1b b1b b2b -- tx off tso off gso off -- gro off rx off &&
	offload_case c1b "$ENI_B" "b1b b2b" no
}

pl_subtest "offload: GSO packets with partial checksums" test_gso
pl_subtest "offload: segments merged by GRO at the router" test_gro
pl_subtest "offload: no offload, checksums in software" test_none
ktap_finished
