#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which backend takes a connection, seen from the backends' answers: with
# cross-zone off, an ENI's connections go to its zone's backends only,
# seen from its zone's source address; with cross-zone on, they spread over
# every backend; when the ENI's zone has no usable backend (drained,
# weight 0, zone down), they go to the other zone, counted as
# zone-fallbacks. Maglev: removing a backend moves the connections that
# were on it (and few others), adding it back restores every one; a
# backend of weight 3 takes about three times the share of one of weight
# 1. Topology: see topo.sh.

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

# What a connect summary says: "OK BACKENDS PEERS", names sorted, joined
# with commas.
summary()
{
	topo_jq "$1" '"\(.ok) \(.backends | keys | join(",")) \(.peers | keys | join(","))"'
}

# check_spread DESC JSON N BACKENDS PEERS: N connections made, to exactly
# these backends (a regex on the sorted list), seen from PEERS.
check_spread()
{
	check_match "$1" "^$3 $4 $5\$" "$(summary "$2")" || pl_indent <<<"$2"
}

# Make configuration changes, then wait for the Maglev rebuilds: backend
# show waits for them.
change()
{
	topo_ctl_batch "$@" "backend show svc"
}

# delta S0 S1 SCOPE KEY COUNTER: how much a counter grew.
delta()
{
	echo $(( $(topo_stat "$2" "$3" "$4" "$5") - $(topo_stat "$1" "$3" "$4" "$5") ))
}

test_affinity()
{
	local s0 s1

	s0=$(topo_stats)
	topo_bg a topo_connect c1a "$ENI_A:80" -n 40
	topo_bg b topo_connect c1b "$ENI_B:80" -n 40
	# A client of subnet-a using the AZ-b ENI: the ENI's zone decides.
	topo_bg x topo_connect c2a "$ENI_B:80" -n 20
	topo_bg_wait
	s1=$(topo_stats)
	check_spread "c1a through the AZ-a ENI: both AZ-a backends, from $SRC_A" \
		"$(topo_bg_out a)" 40 b1a,b2a "$SRC_A"
	check_spread "c1b through the AZ-b ENI: both AZ-b backends, from $SRC_B" \
		"$(topo_bg_out b)" 40 b1b,b2b "$SRC_B"
	check_spread "c2a through the AZ-b ENI: AZ-b backends, from $SRC_B" \
		"$(topo_bg_out x)" 20 '(b1b|b2b|b1b,b2b)' "$SRC_B"
	check_eq "new connections: ENI a, ENI b, zone fallbacks" "40 60 0" \
		"$(delta "$s0" "$s1" eni "$ENI_A" new-connections) $(delta "$s0" "$s1" eni "$ENI_B" new-connections) $(delta "$s0" "$s1" namespace - zone-fallbacks)"
}

test_cross_zone()
{
	local s0 s1 c

	change "service set svc cross-zone on" || return 1
	s0=$(topo_stats)
	topo_bg a topo_connect c1a "$ENI_A:80" -n 100
	topo_bg b topo_connect c1b "$ENI_B:80" -n 40
	topo_bg_wait
	s1=$(topo_stats)
	c=$(topo_bg_out a)
	check_spread "c1a through the AZ-a ENI: every backend, from $SRC_A" \
		"$c" 100 b1a,b1b,b2a,b2b "$SRC_A"
	check_eq "each backend took at least 8 of 100" true \
		"$(topo_jq "$c" '[.backends[]] | min >= 8')" || pl_indent <<<"$c"
	c=$(topo_bg_out b)
	check_spread "c1b through the AZ-b ENI: from $SRC_B" "$c" 40 '[b12ab,]+' "$SRC_B"
	check_eq "c1b through the AZ-b ENI: backends of both zones" a,b \
		"$(topo_jq "$c" '.backends | keys | map(.[2:3]) | unique | join(",")')"
	check_eq "no zone fallback" 0 "$(delta "$s0" "$s1" namespace - zone-fallbacks)"
	change "service set svc cross-zone off"
}

# The sum of the backends' zone fallbacks in a stats show -j.
backend_fallbacks()
{
	pl_jq '[.stats[] | select(.scope == "backend") | .counters."zone-fallbacks"] | add' <<<"$1"
}

# fallback DESC HOST ENI CHANGES UNDO OTHERS PEER: after CHANGES (pl-ctl
# lines separated by ';'), the ENI's connections go to the other zone's
# backends (OTHERS), seen from PEER, counted as zone fallbacks at the ENI,
# the backends and the namespace; then UNDO.
fallback()
{
	local desc=$1 host=$2 eni=$3 others=$6 peer=$7 s0 s1 c lines

	IFS=';' read -ra lines <<<"$4"
	change "${lines[@]}" || return 1
	s0=$(topo_stats)
	c=$(topo_connect "$host" "$eni:80" -n 10)
	s1=$(topo_stats)
	check_spread "$desc: to the other zone, from $peer" "$c" 10 "$others" "$peer"
	check_eq "$desc: zone fallbacks at the ENI, the namespace, the backends" \
		"10 10 10" \
		"$(delta "$s0" "$s1" eni "$eni" zone-fallbacks) $(delta "$s0" "$s1" namespace - zone-fallbacks) $(( $(backend_fallbacks "$s1") - $(backend_fallbacks "$s0") ))"
	IFS=';' read -ra lines <<<"$5"
	change "${lines[@]}"
}

B1A=${TOPO_ADDR[b1a]}
B2A=${TOPO_ADDR[b2a]}

test_fallback()
{
	local s0 c

	fallback "AZ-a backends drained" c1a "$ENI_A" \
		"backend set svc $B1A state drain;backend set svc $B2A state drain" \
		"backend set svc $B1A state active;backend set svc $B2A state active" \
		'(b1b|b2b|b1b,b2b)' "$SRC_A"
	fallback "AZ-a backends at weight 0" c1a "$ENI_A" \
		"backend set svc $B1A weight 0;backend set svc $B2A weight 0" \
		"backend set svc $B1A weight 1;backend set svc $B2A weight 1" \
		'(b1b|b2b|b1b,b2b)' "$SRC_A"
	fallback "AZ b down" c1b "$ENI_B" "az set b state down" "az set b state up" \
		'(b1a|b2a|b1a,b2a)' "$SRC_B"
	s0=$(topo_stats)
	c=$(topo_connect c1a "$ENI_A:80" -n 10)
	check_spread "all undone: AZ a again" "$c" 10 '(b1a|b2a|b1a,b2a)' "$SRC_A"
	check_eq "no zone fallback" 0 "$(delta "$s0" "$(topo_stats)" namespace - zone-fallbacks)"
}

# The backend each source port went to: "PORT=NAME ...".
assignment()
{
	topo_jq "$1" '.assign | to_entries | map("\(.key)=\(.value)") | join(" ")'
}

# moved A B [BACKEND]: how many ports went elsewhere from A to B (those
# that were on BACKEND in A, or those that were not, with !BACKEND).
moved()
{
	pl_jq -n --argjson a "$1" --argjson b "$2" --arg on "${3:-}" '
		[$a.assign | to_entries[]
		 | select($on == "" or
			  (if ($on | startswith("!")) then .value != $on[1:] else .value == $on end))
		 | select($b.assign[.key] != .value)] | length'
}

N_MAGLEV=200

test_maglev()
{
	local a0 a1 a2 on4 others moved_others

	# Which connections move depends on the hash seed, random unless a
	# sync key sets it: with two backends whose permutations step alike,
	# a few seeds in a thousand move more than 10%. A fixed key makes the
	# count the same on every run.
	echo "cGwgc2VsZnRlc3RzOiBNYWdsZXYgc2VlZCwgZml4ZWQ=" >"$TOPO_DIR/sync.key"
	r_ctl sync set node 1 local 172.16.0.1 key-file "$TOPO_DIR/sync.key" ||
		return 1
	topo_backend b3a 1 13 && topo_backend b4a 1 14 || return 1
	change "backend add svc ${TOPO_ADDR[b3a]} az a" \
		"backend add svc ${TOPO_ADDR[b4a]} az a" || return 1
	# The same tuples each time: client ports 20000 and up.
	a0=$(topo_connect c1a "$ENI_A:80" -n $N_MAGLEV --sport 20000)
	check_spread "four AZ-a backends" "$a0" $N_MAGLEV b1a,b2a,b3a,b4a "$SRC_A" ||
		return 1
	on4=$(topo_jq "$a0" '.backends.b4a')

	change "backend del svc ${TOPO_ADDR[b4a]}" || return 1
	a1=$(topo_connect c1a "$ENI_A:80" -n $N_MAGLEV --sport 20000)
	check_spread "b4a deleted: the other three" "$a1" $N_MAGLEV b1a,b2a,b3a "$SRC_A"
	check_eq "every connection that was on b4a moved" "$on4" "$(moved "$a0" "$a1" b4a)"
	moved_others=$(moved "$a0" "$a1" '!b4a')
	others=$((N_MAGLEV - on4))
	echo "# Maglev: b4a had $on4 of $N_MAGLEV; of the $others others, $moved_others moved"
	# Maglev keeps most of them, not all: a slot of the table may change
	# hands when a backend leaves. A few percent do here.
	check_eq "at most 10% of the others moved" 1 \
		"$((moved_others * 10 <= others))"

	change "backend add svc ${TOPO_ADDR[b4a]} az a" || return 1
	a2=$(topo_connect c1a "$ENI_A:80" -n $N_MAGLEV --sport 20000)
	check_eq "b4a added back: every connection goes where it went before" \
		"$(assignment "$a0")" "$(assignment "$a2")" ||
		echo "# $(moved "$a0" "$a2") moved"
	check_ok "sync del" -- r_ctl sync del
}

test_weights()
{
	local c b1 b2

	change "backend del svc ${TOPO_ADDR[b3a]}" "backend del svc ${TOPO_ADDR[b4a]}" \
		"backend set svc ${TOPO_ADDR[b1a]} weight 3" || return 1
	c=$(topo_connect c1a "$ENI_A:80" -n 400)
	check_spread "two AZ-a backends" "$c" 400 b1a,b2a "$SRC_A" || return 1
	read -r b1 b2 <<<"$(topo_jq "$c" '"\(.backends.b1a) \(.backends.b2a)"')"
	echo "# weights 3:1: b1a took $b1, b2a $b2"
	# 3:1 is 300:100; allow 2:1 to 4.5:1 (b2a at 5 standard deviations).
	check_eq "b1a (weight 3) took 2 to 4.5 times b2a's (weight 1) share" 1 \
		"$((b1 >= 2 * b2 && 2 * b1 <= 9 * b2))"
	change "backend set svc ${TOPO_ADDR[b1a]} weight 1"
}

pl_subtest "datapath: cross-zone off, each ENI's zone" test_affinity
pl_subtest "datapath: cross-zone on, every backend" test_cross_zone
pl_subtest "datapath: no usable backend in the zone, the other zone" test_fallback
pl_subtest "datapath: Maglev moves only what it must, and restores it" test_maglev
pl_subtest "datapath: weights share new connections" test_weights
ktap_finished
