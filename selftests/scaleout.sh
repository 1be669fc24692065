#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale-out: three routers run pl with one configuration and one sync key;
# both fabrics reach the ENI IP and the source address over ECMP, with
# weights that send most flows' two directions through different routers
# (the client side favours r1, the provider side r3), so that any router
# may see any packet of any flow and must know the flows the others
# created. Seen from outside:
#
#   - the routers hold the same Maglev tables (lb-digest) and the same
#     configuration (config digest); a router with another key does not;
#   - 300 handshakes whose directions cross routers all complete, each
#     answered by a backend, none reset, none left open once both sides
#     closed, each created by one router; and the test sees crossing
#     flows (one router counts a flow's client packets, another its
#     backend's);
#   - the same checksummed transfers both ways, and steady echo streams,
#     go on intact while a router's namespace is deleted and its nexthops
#     withdrawn; then while a router is drained (phase draining, its
#     announce-table routes gone) and its nexthops withdrawn; then while a
#     router is added: it learns the live flows (learned, phase active)
#     before it gets nexthops, then carries them;
#   - 30% loss on a sync link, under open connections, is repaired: the
#     receivers count messages lost and repaired, the sender messages
#     resent on request, and every router ends with the same flows; 200
#     handshakes through the lossy router all complete meanwhile, though
#     the client fabric hashes a SYN sent again anew (another router);
#   - a router with another key, replayed and tampered copies of a peer's
#     messages and a forged flow record are rejected and counted, and
#     change no flow;
#   - a configuration that differs on one router shows in sync show
#     (digest-match false, a warning on stderr) until it is restored;
#   - announce-table: blackhole routes for the ENI IP and the source
#     address while active, none while draining, after sync del or rmmod.
#
#   c1 10.1.1.10 --+                                          +-- b1 192.168.10.11
#   c2 10.1.2.10 --+                                          +-- b2 192.168.10.12
#                  |                                          +-- b3 192.168.10.13
#   cf: client fabric, 10.1.N.1                    pf: provider fabric, br0
#   10.0.1.50/32 (ENI) ECMP             192.168.1.100/32 (source) ECMP
#   via r1 3, r2 1, r3 1 (r4 3)         via r1 1, r2 1, r3 3 (r4 3)
#   hash policy 1 (L4)                  hash policy 1 (L4)
#      |  172.16.N.0/30                         |  172.17.N.0/30
#      |  .1 eth-rN -- eth-c .2   rN   eth-p .2 -- eth-rN .1
#      +---------------------- r1 r2 r3 (r4) ---------------------+
#                      pl, one configuration, one key:
#                      ENI 10.0.1.50 (subnet 10.0.1.0/24 dev eth-c,
#                      probe off), source 192.168.1.100, b1 b2 b3,
#                      sync node N local 10.9.0.N announce-table 100
#                                   | eth-s 10.9.0.N/24
#                      sw: bridge br0 10.9.0.254 (the sync link; the
#                          forger's place) ------ rx 10.9.0.9: pl with
#                          the same configuration and another key
#
# Clients reach the ENI only through cf's ECMP route, backends reach the
# source address only through pf's: neither prefix is connected anywhere.
# Each router routes 10.1.0.0/16 to cf and 192.168.10.0/24 to pf.

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/topo.sh"
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/scaleout_lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd tc base64
# tools/repro sources this file for its topology and helpers, and runs
# its own subtests (PL_SCALEOUT_SOURCED=1).
[ -n "${PL_SCALEOUT_SOURCED:-}" ] || ktap_set_plan 9

ENI=10.0.1.50
SRC=192.168.1.100
TABLE=100
PORT=8849
BACKENDS=(b1 b2 b3)
declare -A BADDR=([b1]=192.168.10.11 [b2]=192.168.10.12 [b3]=192.168.10.13)
declare -A CADDR=([c1]=10.1.1.10 [c2]=10.1.2.10)
declare -A NODE=([r1]=1 [r2]=2 [r3]=3 [r4]=4 [rx]=5)
# ECMP weights: client side (cf) and provider side (pf).
declare -A CW=([r1]=3 [r2]=1 [r3]=1 [r4]=3)
declare -A PW=([r1]=1 [r2]=1 [r3]=3 [r4]=3)
ROUTERS=(r1 r2 r3)	# routers that exist, in the fleet
SERVING=(r1 r2 r3)	# routers the fabrics route to
# Transfers: bytes each way per step, and the pause after each round.
CHUNK=131072
BULK_PAUSE=0.2
# router_pl: after apply, wait until pl probes no address.
WAIT_CLAIMED=1

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload

# --- Helpers -------------------------------------------------------------

# fabric_routes: the ECMP routes of both fabrics, to the routers in
# SERVING with their weights.
fabric_routes()
{
	local r c=() p=()
	for r in "${SERVING[@]}"; do
		c+=(nexthop via "172.16.${NODE[$r]}.2" weight "${CW[$r]}")
		p+=(nexthop via "172.17.${NODE[$r]}.2" weight "${PW[$r]}")
	done
	ip -n "${TOPO_NS[cf]}" route replace "$ENI/32" "${c[@]}" &&
	ip -n "${TOPO_NS[pf]}" route replace "$SRC/32" "${p[@]}"
}

# sync show -j of a router: the sync object.
sync_json()
{
	rc "$1" -j sync show 2>/dev/null | pl_jq -c '.sync'
}

# peer_get ROUTER PEER-ROUTER FIELD
peer_get()
{
	sync_get "$1" ".peers[] | select(.address == \"$(saddr "$2")\") | .\"$3\""
}

# wait_phase SECONDS PHASE ROUTER...
wait_phase()
{
	local secs=$1 phase=$2 r
	shift 2
	for r in "$@"; do
		topo_wait "$secs" phase_is "$r" "$phase" || {
			echo "# $r: phase $(sync_get "$r" .phase), not $phase after ${secs}s"
			sync_json "$r" | pl_indent
			return 1
		}
	done
}

ANNOUNCED="blackhole $ENI
blackhole $SRC"

# A router's flows, one line each: "CLIENT:PORT BACKEND:PORT SOURCE:PORT
# STATE NODE LEARNED PACKETS-ORIG PACKETS-REPLY".
flow_lines()
{
	rc "$1" -j flow show | pl_jq -r '.flows[] |
		"\(.orig.saddr):\(.orig.sport) \(.reply.saddr):\(.reply.sport) \(.reply.daddr):\(.reply.dport) \(.state) \(.node // 0) \(.learned // false) \(."packets-orig") \(."packets-reply")"'
}

# snapshot TAG ROUTER...: flow_lines of each router, taken at once, in
# $TOPO_DIR/TAG.ROUTER.
snapshot()
{
	local tag=$1 r pids=()
	shift
	for r in "$@"; do
		flow_lines "$r" >"$TOPO_DIR/$tag.$r" &
		pids+=($!)
	done
	wait "${pids[@]}"
}

# carriers TAG ROUTER...: from a snapshot, for each flow: "CLIENT:PORT
# ORIG-ROUTERS REPLY-ROUTERS", the routers that counted packets of its
# client and of its backend ("-": none).
carriers()
{
	local tag=$1 r
	shift
	for r in "$@"; do
		awk -v r="$r" '{ print $1, r, $7, $8 }' "$TOPO_DIR/$tag.$r"
	done | awk '
		{ k[$1] = 1 }
		$3 > 0 { o[$1] = o[$1] (o[$1] == "" ? "" : ",") $2 }
		$4 > 0 { p[$1] = p[$1] (p[$1] == "" ? "" : ",") $2 }
		END { for (f in k) print f, (o[f] == "" ? "-" : o[f]), (p[f] == "" ? "-" : p[f]) }' |
		sort
}

# crossing CARRIERS: how many flows had both directions seen, on one
# router each, and of those, how many on two different routers: "N X".
crossing()
{
	awk '$2 != "-" && $3 != "-" && $2 !~ /,/ && $3 !~ /,/ { n++; if ($2 != $3) x++ }
		END { print n + 0, x + 0 }' <<<"$1"
}

# --- Transfers (the rest in scaleout_lib.sh) ----------------------------

# Every session still runs, and each bulk one did 3 rounds after T.
transfers_going()
{
	local s
	for s in "${SESSIONS[@]}"; do
		grep -qE '"ok": false|"event": "done"' "$TOPO_DIR/$s.out" && return 0
		[[ $s == *-b* ]] || continue
		[ "$(rounds_after "$s" "$1")" -ge 3 ] || return 1
	done
}

# check_going T WHAT: the transfers go on after T, when WHAT happened:
# none failed or ended, and each bulk one moved data intact since.
check_going()
{
	local t=$1 what=$2 s n
	topo_wait 60 transfers_going "$t"
	for s in "${SESSIONS[@]}"; do
		if [[ $s == *-b* ]]; then
			n=$(rounds_after "$s" "$t")
			echo "# $s (${KEYS[$s]}): $n rounds since $what"
		fi
		check_eq "$s: still going, intact, since $what" "" \
			"$(grep -E '"ok": false|"event": "done"' "$TOPO_DIR/$s.out")" ||
			session_log "$s"
		[[ $s == *-b* ]] &&
			check_eq "$s: moving data since $what" true \
				"$([ "$n" -ge 3 ] && echo true || echo false)"
	done
}

# session_carriers TAG ROUTER...: snapshot the flows, and print, for each
# session, "SESSION CLIENT:PORT ORIG-ROUTERS REPLY-ROUTERS".
session_carriers()
{
	local tag=$1 s c
	shift
	snapshot "$tag" "$@"
	c=$(carriers "$tag" "$@")
	for s in "${SESSIONS[@]}"; do
		echo "$s $(grep -E "^${KEYS[$s]} " <<<"$c" || echo "${KEYS[$s]} ? ?")"
	done
}

# --- The topology ----------------------------------------------------------

# router_links ROUTER: router_wire, with a /30 on each fabric.
router_links()
{
	local r=$1 n=${NODE[$1]}
	router_wire "$r" "172.16.$n.2/30" "172.17.$n.2/30" "172.16.$n.1" "172.17.$n.1" &&
	topo_ip cf "addr add 172.16.$n.1/30 dev eth-$r
link set eth-$r up" &&
	topo_ip pf "addr add 172.17.$n.1/30 dev eth-$r
link set eth-$r up"
}

# par FUNC ARG...: FUNC ARG for each ARG, side by side; fails when one
# fails.
par()
{
	local f=$1 a p pids=() rc=0
	shift
	for a in "$@"; do
		"$f" "$a" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	return $rc
}

# rx: on the sync bridge only, with an interface for the subnet.
rx_links()
{
	ip link add eth-s netns "${TOPO_NS[rx]}" type veth peer name v-rx \
		netns "${TOPO_NS[sw]}" &&
	topo_ip rx "link set lo up
link add eth-c type dummy
link set eth-c up
addr add 10.9.0.9/24 dev eth-s
link set eth-s up" &&
	topo_ip sw "link set v-rx master br0 up"
}

setup()
{
	topo_init || return 1
	topo_mkns c1 c2 cf pf sw b1 b2 b3 r1 r2 r3 rx || return 1

	# shellcheck disable=SC2119	# No more lines for cf and pf.
	fabrics_setup || return 1
	par router_links "${ROUTERS[@]}" && rx_links || return 1
	topo_servers "${BACKENDS[@]}" || return 1

	pl_conf >"$TOPO_DIR/pl.conf"
	KEY=$TOPO_DIR/sync.key
	KEY_RX=$TOPO_DIR/rx.key
	(umask 077
	 head -c 32 /dev/urandom | base64 >"$KEY" &&
	 head -c 32 /dev/urandom | base64 >"$KEY_RX") || return 1
	par router_join "${ROUTERS[@]}" || return 1
	# rx: the same configuration, another key, no peers yet.
	router_pl rx "$KEY_RX" || return 1
	fabric_routes || return 1
	wait_phase 30 active "${ROUTERS[@]}"
}

# --- The subtests ------------------------------------------------------------

test_tables()
{
	local r lb=() cd=() d=() peers
	local -A rej=()
	for r in "${ROUTERS[@]}" rx; do
		lb+=("$(rc "$r" -j service show svc | pl_jq -r '.services[0]."lb-digest"')")
		cd+=("$(rc "$r" config digest)")
	done
	echo "# lb-digest: ${lb[*]}; config digest: ${cd[*]}"
	check_match "lb-digest: 16 hexadecimal digits" '^[0-9a-f]{16}$' "${lb[0]}"
	check_eq "r1 r2 r3: one lb-digest" "${lb[0]} ${lb[0]} ${lb[0]}" \
		"${lb[0]} ${lb[1]} ${lb[2]}"
	check_match "config digest: 16 hexadecimal digits" '^[0-9a-f]{16}$' "${cd[0]}"
	check_eq "r1 r2 r3: one config digest" "${cd[0]} ${cd[0]} ${cd[0]}" \
		"${cd[0]} ${cd[1]} ${cd[2]}"
	check_eq "rx, same configuration: the same config digest" "${cd[0]}" "${cd[3]}"
	check_eq "rx, another key: another lb-digest" true \
		"$([ "${lb[3]}" != "${lb[0]}" ] && echo true || echo false)"
	# What each router knows of the others.
	for r in "${ROUTERS[@]}"; do
		mapfile -t d < <(sync_get "$r" '
			"\(.node) \(.local) \(.port) \(."announce-table") \(.state) \(.phase) \(.digest)",
			([.peers[] | "\(.address) \(.node) \(.reachable) \(.phase) \(."digest-match")"] | sort | join(", ")),
			"\(."messages-rejected") \([.peers[]."messages-lost"] | add) \([.peers[]."messages-repaired"] | add)"')
		check_eq "$r: node, local, port, table, state, phase, digest" \
			"${NODE[$r]} $(saddr "$r") $PORT $TABLE active active ${cd[0]}" "${d[0]}"
		peers=$(for p in $(others "$r"); do echo "$(saddr "$p") ${NODE[$p]} true active true"; done)
		check_eq "$r: its peers, reachable, active, same digest" \
			"${peers//$'\n'/, }" "${d[1]}"
		# A router may reject what a peer sent before it named it
		# as its own peer, while the fleet came up; nothing since.
		rej[$r]=${d[2]%% *}
		check_eq "$r: no message lost, none repaired" "0 0" "${d[2]#* }"
	done
	sleep 2.5
	for r in "${ROUTERS[@]}"; do
		check_eq "$r: no message rejected (over 2.5 s of hellos)" "${rej[$r]}" \
			"$(rejected "$r")"
	done
}

# counts ROUTER: "NEW CLIENT-RSTS ALL-RSTS UNKNOWN-REPLIES ACTIVE": new
# connections, RSTs clients sent (counted at the ENI), all RSTs, replies
# of unknown flows, connections open.
counts()
{
	rc "$1" -j stats show | pl_jq -r --arg e "$ENI" '
		(.stats[] | select(.scope == "namespace") | .counters) as $n |
		(.stats[] | select(.scope == "eni" and .address == $e) | .counters) as $i |
		"\($n."new-connections") \($i."rst-received") \($n."rst-received") \($n.drops."unknown-reply") \($n."active-connections")"'
}

no_active()
{
	local r
	for r in "${ROUTERS[@]}"; do
		[ "$(rstat "$r" active-connections)" = 0 ] || return 1
	done
}

test_handshakes()
{
	local r s0=() s1=() out n=0 ok=0 src=0 b opens0=() opens closes news=()
	local sum=0 crst=0 rst=0 ur=0 c x n0 c0 a0 u0 n1 c1 a1 u1 act
	local cn cok csrc cerr cback cel h0=0 r0=0 h1=0 r1=0
	for r in "${ROUTERS[@]}"; do
		s0+=("$(counts "$r")")
		h0=$((h0 + $(rstat "$r" sync-held)))
		r0=$((r0 + $(rstat "$r" sync-released)))
	done
	for b in "${BACKENDS[@]}"; do
		opens0+=("$(grep -c '^open ' "$(topo_log "$b")")")
	done
	topo_bg h1 topo_connect c1 "$ENI:80" -n 150 --parallel 8 --close fin --timeout 20
	topo_bg h2 topo_connect c2 "$ENI:80" -n 150 --parallel 8 --close fin --timeout 20
	topo_bg_wait
	snapshot hs "${ROUTERS[@]}"
	for c in h1 h2; do
		read -r cn cok csrc cerr cback cel <<<"$(topo_bg_out "$c" |
			pl_jq -r --arg s "$SRC" '"\(.n) \(.ok) \(.peers[$s] // 0) \(.errors | tostring) \(.backends | tostring) \(.elapsed)"')"
		n=$((n + cn))
		ok=$((ok + cok))
		src=$((src + csrc))
		check_eq "$c: no connection failed" "{}" "$cerr"
		echo "# $c: backends $cback, $cel s"
	done
	check_eq "300 connections, each answered by a backend" "300 300" "$n $ok"
	check_eq "every backend saw the source address" 300 "$src"
	# Every connection was closed by both sides: none stays open.
	topo_wait 15 no_active
	for r in "${ROUTERS[@]}"; do
		s1+=("$(counts "$r")")
	done
	for ((x = 0; x < ${#ROUTERS[@]}; x++)); do
		read -r n0 c0 a0 u0 _ <<<"${s0[x]}"
		read -r n1 c1 a1 u1 act <<<"${s1[x]}"
		news+=($((n1 - n0)))
		sum=$((sum + n1 - n0))
		crst=$((crst + c1 - c0))
		rst=$((rst + a1 - a0))
		ur=$((ur + u1 - u0))
		check_eq "${ROUTERS[x]}: no connection left open (active-connections)" 0 "$act"
	done
	echo "# new connections by router (${ROUTERS[*]}): ${news[*]}; replies of unknown flows: $ur"
	check_eq "each connection created once, on one router" 300 "$sum"
	for ((x = 0; x < ${#ROUTERS[@]}; x++)); do
		check_eq "${ROUTERS[x]} created some (ECMP spreads the SYNs)" true \
			"$([ "${news[x]}" -gt 0 ] && echo true || echo false)"
	done
	# A backend, which has no TIME_WAIT, may answer a late duplicate ACK
	# (reordered on the way) with a RST once it has closed: not a reset
	# connection, and not counted here. A client's RST would be one.
	echo "# RSTs in flows: $crst from clients, $((rst - crst)) from backends"
	check_eq "no client sent a RST" 0 "$crst"
	# The backends: every connection opened, and closed by a FIN.
	for ((x = 0; x < ${#BACKENDS[@]}; x++)); do
		b=${BACKENDS[x]}
		opens=$(($(grep -c '^open ' "$(topo_log "$b")") - opens0[x]))
		topo_wait 30 eval "[ \$(grep -c '^close ' '$(topo_log "$b")') -ge \$(grep -c '^open ' '$(topo_log "$b")') ]"
		closes=$(grep -c '^close .* reset$' "$(topo_log "$b")")
		echo "# $b: $opens connections"
		check_eq "$b: no connection reset" 0 "$closes"
	done
	# Crossing: one router counted a flow's client packets, another its
	# backend's.
	c=$(crossing "$(carriers hs "${ROUTERS[@]}")")
	read -r n x <<<"$c"
	echo "# of the $n flows still listed after the burst, $x crossed routers"
	check_eq "flows whose directions crossed routers were seen" true \
		"$([ "$x" -gt 0 ] && echo true || echo false)"
	# A packet that overtook its flow's record waited for it and was
	# sent on. Under TCG a record may come later than the 100 ms a
	# packet waits (TCP sends it again): a timing, not a failure, so at
	# most 5% of them may expire.
	for r in "${ROUTERS[@]}"; do
		h1=$((h1 + $(rstat "$r" sync-held)))
		r1=$((r1 + $(rstat "$r" sync-released)))
	done
	echo "# packets held for their flow's record: $((h1 - h0)), released: $((r1 - r0))"
	check_eq "held packets were released, all but at most 5% (sync-held, sync-released)" \
		true "$([ $((r1 - r0)) -gt 0 ] &&
			[ $(((r1 - r0) * 100)) -ge $(((h1 - h0) * 95)) ] &&
			echo true || echo false)"
	if ! no_active; then
		echo "# flows still open:"
		for r in "${ROUTERS[@]}"; do
			flow_lines "$r" | awk -v r="$r" '$4 ~ /^(syn|established|fin)/ { print r, $0 }' | head -n 5
		done | pl_indent
	fi
}

# The router that carried the most session flows in one direction (field
# 3: client packets, 4: backend packets) among ROUTER...
busiest()
{
	local field=$1
	shift
	awk -v f="$field" '{ n = split($f, a, ","); for (i = 1; i <= n; i++) c[a[i]]++ }
		END { for (r in c) print c[r], r }' | sort -rn |
		awk -v want=" $* " 'index(want, " " $2 " ") { print $2; exit }'
}

# show_carriers CARRIERS: where each session's flow goes, as diagnostics.
show_carriers()
{
	local c n x
	c=$(crossing "$(cut -d' ' -f2- <<<"$1")")
	read -r n x <<<"$c"
	echo "# session flows: client packets through / backend packets through ($x of $n cross)"
	pl_indent <<<"$1"
}

# Subtests 3 to 5 share one set of transfers, started by the first and
# ended by the last: the same connections go through a router deleted, a
# router drained, and a router added.
test_delete()
{
	local sc victim t r
	transfers xfer 2 2
	transfers_started || return 1
	transfers_pumping || return 1
	sc=$(session_carriers del0 "${ROUTERS[@]}")
	show_carriers "$sc"
	# The router that created the most of them goes.
	victim=$(busiest 3 "${ROUTERS[@]}" <<<"$sc")
	echo "# deleting $victim, which created $(awk -v r="$victim" '$3 == r' <<<"$sc" | wc -l) of them"
	t=$(date +%s.%N)
	ip netns del "${TOPO_NS[$victim]}"
	unset "TOPO_NS[$victim]"
	remove ROUTERS "$victim"
	remove SERVING "$victim"
	check_ok "withdraw $victim's nexthops" -- fabric_routes
	check_going "$t" "$victim went"
	sc=$(session_carriers del1 "${ROUTERS[@]}")
	echo "# after:"
	pl_indent <<<"$sc"
	for r in "${ROUTERS[@]}"; do
		topo_wait 10 eval "[ \"\$(peer_get $r $victim reachable)\" = false ]"
		check_eq "$r: $victim is unreachable" false "$(peer_get "$r" "$victim" reachable)"
	done
}

test_drain()
{
	local sc victim t r
	[ ${#SESSIONS[@]} -gt 0 ] || { pl_fail "FAIL: no transfers"; return 1; }
	sc=$(session_carriers drain0 "${ROUTERS[@]}")
	show_carriers "$sc"
	# The router that carries the most backend packets drains.
	victim=$(busiest 4 "${SERVING[@]}" <<<"$sc")
	[ -n "$victim" ] || victim=${SERVING[-1]}
	echo "# draining $victim"
	check_eq "$victim announces while active" "$ANNOUNCED" "$(announced "$victim")"
	t=$(date +%s.%N)
	check_ok "sync set state drain" -- rc "$victim" sync set state drain || return 1
	check_eq "$victim: state drain, phase draining" "drain draining" \
		"$(sync_get "$victim" '"\(.state) \(.phase)"')"
	topo_wait 10 announced_is "$victim" ""
	check_eq "$victim: its announce-table routes are gone" "" "$(announced "$victim")"
	for r in $(others "$victim"); do
		topo_wait 10 eval "[ \"\$(peer_get $r $victim phase)\" = draining ]"
		check_eq "$r sees $victim draining" draining "$(peer_get "$r" "$victim" phase)"
	done
	remove SERVING "$victim"
	check_ok "withdraw $victim's nexthops" -- fabric_routes
	DRAINED=$victim
	check_going "$t" "$victim drained"
	sc=$(session_carriers drain1 "${ROUTERS[@]}")
	echo "# after:"
	pl_indent <<<"$sc"
	check_eq "$victim is still draining" draining "$(sync_get "$victim" .phase)"
}

# add_r4: r4 built, peered with the fleet, joined and active; no
# nexthops yet.
add_r4()
{
	local r
	topo_mkns r4 && router_links r4 || return 1
	ROUTERS+=(r4)
	for r in $(others r4); do
		rc "$r" sync peer add "$(saddr r4)" || return 1
	done
	router_join r4 || return 1
	wait_phase 60 active r4
}

test_join()
{
	local r s lines missing=0 t lb ps c
	[ ${#SESSIONS[@]} -gt 0 ] || { pl_fail "FAIL: no transfers"; return 1; }
	add_r4 || return 1
	# Before any traffic comes to it: every live flow, learned.
	lines=$(flow_lines r4)
	for s in "${SESSIONS[@]}"; do
		grep -qE "^${KEYS[$s]} .* established [0-9]+ true " <<<"$lines" || {
			echo "# $s (${KEYS[$s]}) is not an established learned flow of r4"
			missing=$((missing + 1))
		}
	done
	check_eq "r4, phase active: it has learned every live flow" 0 "$missing" ||
		pl_indent <<<"$lines"
	check_eq "r4: it carried none of them yet" 0 \
		"$(awk '{ n += $7 + $8 } END { print n + 0 }' <<<"$lines")"
	ps=$(sync_get r4 '[.peers[] | "\(.address) \(.reachable) \(."bulk-received")"] | sort | join(", ")')
	check_eq "r4: every peer's flows came in full" \
		"$(for r in $(others r4); do echo "$(saddr "$r") true true"; done | paste -sd, | sed 's/,/, /g')" "$ps"
	check_eq "r4 announces" "$ANNOUNCED" "$(announced r4)"
	lb=$(rc r4 -j service show svc | pl_jq -r '.services[0]."lb-digest"')
	check_eq "r4: the fleet's lb-digest" \
		"$(rc "${SERVING[0]}" -j service show svc | pl_jq -r '.services[0]."lb-digest"')" "$lb"
	for r in $(others r4); do
		topo_wait 10 eval "[ \"\$(peer_get $r r4 reachable)\" = true ]"
		check_eq "$r: r4 reachable, active" "true active" \
			"$(peer_get "$r" r4 reachable) $(peer_get "$r" r4 phase)"
	done
	# Only now: nexthops.
	SERVING+=(r4)
	t=$(date +%s.%N)
	check_ok "nexthops to r4" -- fabric_routes
	check_going "$t" "r4 came"
	topo_wait 30 eval "[ \$(flow_lines r4 | awk '\$6 == \"true\" { n += \$7 + \$8 } END { print n + 0 }') -gt 0 ]"
	c=$(session_carriers join1 "${ROUTERS[@]}")
	echo "# after:"
	pl_indent <<<"$c"
	check_eq "r4 carries packets of the live flows" true \
		"$(awk '$3 ~ /r4/ || $4 ~ /r4/ { f = 1 } END { print f ? "true" : "false" }' <<<"$c")"
	transfers_end xfer
}

# established ROUTER: the established flows, without counters.
established()
{
	flow_lines "$1" | awk '$4 == "established" { print $1, $2, $3, $5 }' | sort
}

same_flows()
{
	local r first
	first=$(established "${ROUTERS[0]}")
	for r in "${ROUTERS[@]:1}"; do
		[ "$(established "$r")" = "$first" ] || return 1
	done
}

# Every message from r4 that ROUTER... saw lost was made good: sent again
# on request, or by a resync.
lost_and_repaired()
{
	local r
	for r in "$@"; do
		[ "$(sync_get "$r" ".peers[] | select(.address == \"$(saddr r4)\") |
			.\"messages-lost\" > 0 and .\"messages-repaired\" == .\"messages-lost\"")" = true ] ||
			return 1
	done
}

# Each ROUTER... saw 3 messages of r4 lost, or more: the loss lasts
# through resyncs, some of which it hits too.
some_lost()
{
	local r
	for r in "$@"; do
		[ "$(peer_get "$r" r4 messages-lost)" -ge 3 ] 2>/dev/null || return 1
	done
}

test_loss()
{
	local ns=${TOPO_NS[r4]} r rx=() s lines missing=0 before=() e c
	for r in $(others r4); do
		rx+=("$r")
		before+=("$(rstat "$r" sync-lost)")
	done
	# The sessions connect before the loss starts: what this checks is
	# the repair of what open flows lose.
	transfers loss 0 4
	transfers_started
	check_ok "30% loss on r4's sync link" -- \
		tc -n "$ns" qdisc add dev eth-s root netem loss 30% || return 1
	transfers_pumping
	# New flows meanwhile: r4's records of them are lost too, and must be
	# repaired within a client's SYN timeout. cf hashes a SYN sent again
	# anew (the client's veth keeps its new skb hash): it often lands on
	# another router, which must know the flow by then, or it makes a
	# second one from another source port, that the backend resets.
	for c in c1 c2; do
		topo_bg "$c" topo_connect "$c" "$ENI:80" -n 100 --parallel 4 \
			--close fin --timeout 20
	done
	topo_bg_wait
	for c in c1 c2; do
		e=$(topo_bg_out "$c")
		check_eq "$c: 100 handshakes under the loss, all answered" 100 \
			"$(pl_jq '.ok' <<<"$e")" || pl_jq -c . <<<"$e" | pl_indent
	done
	topo_wait 60 some_lost "${rx[@]}"
	for r in "${rx[@]}"; do
		check_eq "r4 resent what $r asked for" true \
			"$([ "$(peer_get r4 "$r" messages-resent)" -gt 0 ] 2>/dev/null && echo true || echo false)"
	done
	check_ok "the loss removed" -- tc -n "$ns" qdisc del dev eth-s root
	# Once the loss is gone, a resync makes good every message lost.
	topo_wait 20 lost_and_repaired "${rx[@]}"
	topo_wait 30 same_flows
	for r in "${rx[@]}"; do
		e=$(sync_get "$r" ".peers[] | select(.address == \"$(saddr r4)\") | \"\(.\"messages-lost\") \(.\"messages-repaired\")\"")
		echo "# $r: from r4, messages lost and repaired: $e"
		check_eq "$r: messages from r4 lost" true \
			"$(read -r l _ <<<"$e"; [ "$l" -gt 0 ] && echo true || echo false)"
		check_eq "$r: every one repaired (20 s after the loss went)" true \
			"$(read -r l p <<<"$e"; [ "$p" -gt 0 ] && [ "$p" = "$l" ] && echo true || echo false)" ||
			sync_json "$r" | pl_jq -c . | pl_indent
	done
	for ((e = 0; e < ${#rx[@]}; e++)); do
		check_eq "${rx[e]}: sync-lost counts them" true \
			"$([ "$(rstat "${rx[e]}" sync-lost)" -gt "${before[e]}" ] && echo true || echo false)"
	done
	lines=$(established r4)
	for s in "${SESSIONS[@]}"; do
		grep -qE "^${KEYS[$s]} " <<<"$lines" || missing=$((missing + 1))
	done
	check_eq "r4 lists every session's flow" 0 "$missing"
	for r in "${rx[@]}"; do
		check_eq "$r holds the same established flows as r4" "$lines" "$(established "$r")"
	done
	transfers_end loss
}

# The forger, in sw, on the sync bridge. Sends UDP from any address it
# names, through a raw socket. Messages as kernel/sync-wire.h has them.
#
#   copies DEV PEER VICTIM PORT N: catch a message of PEER to VICTIM on
#       DEV, then send it N times each: as it was (a replay), with the
#       last byte before its MAC changed, with a fresh sequence number
#       and its old MAC,
#       and a made-up flows message (a flow of 10.1.1.99:4242) with a
#       random MAC, from PEER's address
#   valid SRC VICTIM PORT NODE KEY-FILE [CLIENT CPORT STATE RPORT]: one
#       flows message from SRC, node NODE, holding a flow of CLIENT:CPORT
#       (10.1.1.98:4243) in state STATE (4, closing) with source port
#       RPORT (60003), with the MAC that KEY-FILE's key gives it
#
# Prints JSON.
FORGE='
import base64, hashlib, json, os, socket, struct, sys, time
HDR = "!BBHIQQ"
def siphash24(k, m):
    k0, k1 = struct.unpack("<QQ", k)
    M = 0xffffffffffffffff
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d, k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]
    def rotl(x, b):
        return ((x << b) | (x >> (64 - b))) & M
    def rnd():
        v[0] = (v[0] + v[1]) & M; v[1] = rotl(v[1], 13) ^ v[0]; v[0] = rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & M; v[3] = rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & M; v[3] = rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & M; v[1] = rotl(v[1], 17) ^ v[2]; v[2] = rotl(v[2], 32)
    n = len(m)
    end = n - n % 8
    for i in range(0, end + 8, 8):
        w = int.from_bytes(m[i:i + 8], "little") if i < end else (n & 0xff) << 56 | int.from_bytes(m[end:], "little")
        v[3] ^= w; rnd(); rnd(); v[0] ^= w
    v[2] ^= 0xff
    for _ in range(4):
        rnd()
    return v[0] ^ v[1] ^ v[2] ^ v[3]
def flow_rec(node, client, cport, state, rport=None):
    rport = 60000 + cport % 8 if rport is None else rport
    r = struct.pack("!BBBBBBBBI", 1, 4, 44, 0, state, 0, node, 0, 0)
    r += socket.inet_aton(client) + socket.inet_aton("10.0.1.50") + struct.pack("!HH", cport, 80)
    r += socket.inet_aton("192.168.10.11") + socket.inet_aton("192.168.1.100") + struct.pack("!HH", 8080, rport)
    return r + struct.pack("!II", 1000, 2000)
out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
def send(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    out.sendto(hdr + udp, (dst, 0))
mode = sys.argv[1]
if mode == "valid":
    src, victim, port, node, keyfile = sys.argv[2:7]
    client, cport, state, rport = (sys.argv[7:11] + ["10.1.1.98", "4243", "4", "60003"][len(sys.argv[7:11]):])
    port, node = int(port), int(node)
    key = base64.b64decode(open(keyfile).read().strip())
    body = flow_rec(node, client, int(cport), int(state), int(rport))
    msg = struct.pack(HDR, 2, 1, 24 + len(body) + 8, node, time.time_ns(), 1) + body
    mac_key = hashlib.blake2s(b"pl sync mac", digest_size=16, key=key).digest()
    send(src, victim, port, port, msg + siphash24(mac_key, msg).to_bytes(8, "little"))
    print(json.dumps({"sent": 1}))
    sys.exit(0)
dev, peer, victim, port, copies = sys.argv[2:7]
port, copies = int(port), int(copies)
P, V = socket.inet_aton(peer), socket.inet_aton(victim)
cap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
cap.bind((dev, 0))
cap.settimeout(1)
msg, deadline = None, time.time() + 20
while msg is None and time.time() < deadline:
    try:
        frame = cap.recv(65535)
    except socket.timeout:
        continue
    ip = frame[14:]
    if frame[12:14] != b"\x08\x00" or len(ip) < 28 or ip[9] != 17 or ip[12:16] != P or ip[16:20] != V:
        continue
    ihl = (ip[0] & 15) * 4
    sport, dport, ulen = struct.unpack("!HHH", ip[ihl:ihl + 6])
    if dport == port:
        msg = ip[ihl + 8:ihl + ulen]
if msg is None:
    print(json.dumps({"captured": None, "sent": 0}))
    sys.exit(1)
ver, typ, ln, node, boot, seq = struct.unpack(HDR, msg[:24])
tampered = bytearray(msg)
tampered[-9] ^= 0x01
fresh = struct.pack(HDR, ver, typ, ln, node, boot, seq + 1000) + msg[24:]
body = flow_rec(node, "10.1.1.99", 4242, 2)
made_up = struct.pack(HDR, 2, 1, 24 + len(body) + 8, node, boot, seq + 2000) + body + os.urandom(8)
sent = 0
for payload in (msg, bytes(tampered), fresh, made_up):
    for _ in range(copies):
        send(peer, victim, sport, port, payload)
        sent += 1
        time.sleep(0.05)
print(json.dumps({"captured": {"type": typ, "len": ln, "node": node, "seq": seq}, "sent": sent}))
'

forge()
{
	ip netns exec "${TOPO_NS[sw]}" "$TOPO_PY" -S -c "$FORGE" "$@"
}

# peer_counts ROUTER PEER-ROUTER: "LOST RECEIVED" of the peer.
peer_counts()
{
	sync_get "$1" ".peers[] | select(.address == \"$(saddr "$2")\") | \"\(.\"messages-lost\") \(.\"messages-received\")\""
}

rejected()
{
	sync_get "$1" '."messages-rejected"'
}

test_forged()
{
	local v=${SERVING[0]} r0 r1 f0 f1 st0 st1 out sent l0 n0 l1 n1

	# A router with another key.
	r0=$(rejected "$v")
	check_ok "rx: peer $v" -- rc rx sync peer add "$(saddr "$v")" &&
	check_ok "$v: peer rx" -- rc "$v" sync peer add 10.9.0.9 || return 1
	topo_wait 20 eval "[ \$(rejected $v) -ge $((r0 + 3)) ]"
	r1=$(rejected "$v")
	echo "# $v rejected $((r1 - r0)) messages of rx"
	check_eq "$v rejects rx's messages (another key)" true \
		"$([ $((r1 - r0)) -ge 3 ] && echo true || echo false)"
	check_eq "$v: rx is never heard (node 0, unreachable, nothing received)" \
		"0 false 0" \
		"$(sync_get "$v" '.peers[] | select(.address == "10.9.0.9") | "\(.node) \(.reachable) \(."messages-received")"')"
	check_eq "rx rejects $v's messages too" true \
		"$([ "$(rejected rx)" -gt 0 ] && echo true || echo false)"
	check_ok "rx leaves" -- rc rx sync del
	check_ok "$v: peer rx removed" -- rc "$v" sync peer del 10.9.0.9

	# Copies of r4's messages to the victim, and a made-up one.
	f0=$(flow_lines "$v" | cut -d' ' -f1-3 | sort)
	st0=$(rstat "$v" sync-rejected)
	r0=$(rejected "$v")
	read -r l0 n0 <<<"$(peer_counts "$v" r4)"
	out=$(forge copies v-r4 "$(saddr r4)" "$(saddr "$v")" "$PORT" 3)
	echo "# forger: $out"
	sent=$(topo_jq "$out" '.sent // 0')
	check_eq "the forger caught a message of r4 and sent 12" 12 "$sent" || return 1
	# Let the victim take them, and r4's genuine ones after them.
	topo_wait 10 eval "[ \$(rejected $v) -ge $((r0 + sent)) ] &&
		[ \$(peer_counts $v r4 | cut -d' ' -f2) -ge $((n0 + 3)) ]"
	st1=$(rstat "$v" sync-rejected)
	r1=$(rejected "$v")
	read -r l1 n1 <<<"$(peer_counts "$v" r4)"
	f1=$(flow_lines "$v" | cut -d' ' -f1-3 | sort)
	check_eq "$v: sync-rejected counts each" "$sent" "$((st1 - st0))"
	check_eq "$v: messages-rejected counts each" "$sent" "$((r1 - r0))"
	check_eq "$v: no forged flow" "" "$(grep -F '10.1.1.99:4242' <<<"$f1")"
	check_eq "$v: no new flow at all" "" "$(comm -13 <(echo "$f0") <(echo "$f1"))"
	check_eq "$v: r4's genuine messages still come, none lost" "true $l0" \
		"$([ "$n1" -gt "$n0" ] && echo true || echo false) $l1"
	check_eq "$v: r4 still reachable" true "$(peer_get "$v" r4 reachable)"

	# The control: the same kind of message, with the fleet's key, from
	# a peer's address, is taken.
	check_ok "$v: peer 10.9.0.9" -- rc "$v" sync peer add 10.9.0.9 || return 1
	r0=$(rejected "$v")
	out=$(forge valid 10.9.0.9 "$(saddr "$v")" "$PORT" 5 "$KEY")
	topo_wait 5 eval "flow_lines $v | grep -q '^10\.1\.1\.98:4243 '"
	check_match "control: with the key, the made-up flow is learned (node 5)" \
		'^10\.1\.1\.98:4243 192\.168\.10\.11:8080 192\.168\.1\.100:[0-9]+ closing 5 true ' \
		"$(flow_lines "$v")"
	check_eq "control: taken from 10.9.0.9 (node 5), nothing rejected" "5 1 0" \
		"$(sync_get "$v" '.peers[] | select(.address == "10.9.0.9") | "\(.node) \(."messages-received")"') $(($(rejected "$v") - r0))"
	test_give_way "$v"
	check_ok "$v: peer 10.9.0.9 removed" -- rc "$v" sync peer del 10.9.0.9
}

# learned_port ROUTER CLIENT:PORT: the source port of its flow, its state
# and node ("" without one).
learned_port()
{
	flow_lines "$1" | awk -v c="$2" '$1 == c { n = split($3, a, ":"); print a[n], $4, $5 }'
}

# A learned flow replaces a live copy of its own node's (that node ended
# the flow and gave its tuple out again), never another node's.
test_give_way()
{
	local v=$1 c=10.1.1.97:4244 l0

	forge valid 10.9.0.9 "$(saddr "$v")" "$PORT" 5 "$KEY" 10.1.1.97 4244 2 60004 >/dev/null
	topo_wait 5 eval "[ \"\$(learned_port $v $c)\" = '60004 established 5' ]"
	check_eq "$v: node 5's flow of $c learned" "60004 established 5" \
		"$(learned_port "$v" "$c")"
	forge valid 10.9.0.9 "$(saddr "$v")" "$PORT" 5 "$KEY" 10.1.1.97 4244 2 60012 >/dev/null
	topo_wait 5 eval "[ \"\$(learned_port $v $c)\" = '60012 established 5' ]"
	check_eq "$v: node 5 gave $c another port: the copy gives way" \
		"60012 established 5" "$(learned_port "$v" "$c")"
	echo "# $v: $c after node 5's second record: $(learned_port "$v" "$c")"
	l0=$(rstat "$v" sync-lost)
	forge valid 10.9.0.9 "$(saddr "$v")" "$PORT" 6 "$KEY" 10.1.1.97 4244 2 60013 >/dev/null
	topo_wait 5 eval "[ \$(rstat $v sync-lost) -gt $l0 ]"
	echo "# $v: $c after node 6's record: $(learned_port "$v" "$c"), sync-lost +$(($(rstat "$v" sync-lost) - l0))"
	check_eq "$v: node 6's record of $c, live at node 5, is refused, counted lost" \
		"60012 established 5 true" \
		"$(learned_port "$v" "$c") $([ "$(rstat "$v" sync-lost)" -gt "$l0" ] && echo true || echo false)"
}

test_digest()
{
	local v=${SERVING[0]} d4 dv err lb4 lbv
	check_ok "r4: a backend's weight changed" -- \
		rc r4 backend set svc "${BADDR[b3]}" weight 2 || return 1
	d4=$(rc r4 config digest)
	dv=$(rc "$v" config digest)
	check_eq "r4's config digest changed" true \
		"$([ "$d4" != "$dv" ] && echo true || echo false)"
	topo_wait 10 eval "[ \"\$(peer_get $v r4 digest-match)\" = false ]"
	check_eq "$v: r4's digest, no match" "$d4 false" \
		"$(peer_get "$v" r4 digest) $(peer_get "$v" r4 digest-match)"
	err=$(rc "$v" sync show 2>&1 >/dev/null)
	check_match "$v: sync show warns" \
		"warning: peer $(saddr r4) \\(node 4\\) has configuration digest $d4, this router has $dv" "$err"
	err=$(rc "$v" -j sync show 2>&1 >/dev/null)
	check_match "$v: sync show -j warns too" "warning: peer $(saddr r4) \\(node 4\\)" "$err"
	topo_wait 10 eval "[ \"\$(peer_get r4 $v digest-match)\" = false ]"
	err=$(rc r4 sync show 2>&1 >/dev/null)
	check_match "r4: sync show warns of $v" \
		"warning: peer $(saddr "$v") \\(node ${NODE[$v]}\\) has configuration digest $dv, this router has $d4" "$err"
	lb4=$(rc r4 -j service show svc | pl_jq -r '.services[0]."lb-digest"')
	lbv=$(rc "$v" -j service show svc | pl_jq -r '.services[0]."lb-digest"')
	check_eq "r4's lb-digest differs" true \
		"$([ "$lb4" != "$lbv" ] && echo true || echo false)"
	check_ok "r4: restored" -- rc r4 apply "$TOPO_DIR/pl.conf"
	check_eq "r4's config digest is the fleet's again" "$dv" "$(rc r4 config digest)"
	topo_wait 10 eval "[ \"\$(peer_get $v r4 digest-match)\" = true ]"
	check_eq "$v: r4's digest matches again" "$dv true" \
		"$(peer_get "$v" r4 digest) $(peer_get "$v" r4 digest-match)"
	err=$(rc "$v" sync show 2>&1 >/dev/null)
	check_eq "$v: no warning" "" "$err"
	check_eq "r4's lb-digest is the fleet's again" "$lbv" \
		"$(rc r4 -j service show svc | pl_jq -r '.services[0]."lb-digest"')"
}

test_announce()
{
	local v=${SERVING[0]} dr=$DRAINED r
	check_eq "$v (active) announces the ENI IP and the source address" \
		"$ANNOUNCED" "$(announced "$v")"
	check_ok "$v: another endpoint" -- rc "$v" endpoint add vpce-2 service svc \
		subnet subnet-a ip 10.0.1.51
	topo_wait 10 announced_is "$v" "blackhole $ENI
blackhole 10.0.1.51
blackhole $SRC"
	check_eq "$v announces its ENI IP too" "blackhole $ENI
blackhole 10.0.1.51
blackhole $SRC" "$(announced "$v")"
	check_ok "$v: endpoint deleted" -- rc "$v" endpoint del vpce-2
	topo_wait 10 announced_is "$v" "$ANNOUNCED"
	check_eq "$v withdraws it" "$ANNOUNCED" "$(announced "$v")"
	check_eq "$dr (draining) announces nothing" "" "$(announced "$dr")"
	check_ok "$dr: state active" -- rc "$dr" sync set state active
	wait_phase 30 active "$dr"
	topo_wait 10 announced_is "$dr" "$ANNOUNCED"
	check_eq "$dr, active again, announces" "$ANNOUNCED" "$(announced "$dr")"
	check_ok "$dr: sync del" -- rc "$dr" sync del
	check_eq "$dr: after sync del, nothing announced" "" "$(announced "$dr")"
	check_fail "$dr: sync show, sync not set" -- rc "$dr" sync show
	for r in "$v" r4; do
		check_eq "$r announces before rmmod" "$ANNOUNCED" "$(announced "$r")"
	done
	check_ok "rmmod pl" -- busywait 30000 rmmod pl
	for r in "$v" r4; do
		check_eq "$r: after rmmod, nothing announced" "" "$(announced "$r")"
	done
}

[ -n "${PL_SCALEOUT_SOURCED:-}" ] && return 0
pl_kmsg_mark
setup || ktap_exit_fail_msg "cannot build the topology"
echo "# setup: $SECONDS s"

subtest "scaleout: the routers hold the same tables" test_tables
subtest "scaleout: handshakes across routers all complete, no RST" test_handshakes
subtest "scaleout: transfers survive a router deleted" test_delete
subtest "scaleout: transfers survive a router drained" test_drain
subtest "scaleout: a router joins mid-transfer, learns first, then carries" test_join
subtest "scaleout: sync loss is repaired, the routers agree" test_loss
subtest "scaleout: another key, replays, tampering, forgeries rejected" test_forged
subtest "scaleout: a differing configuration shows in sync show" test_digest
subtest "scaleout: announce-table follows the phase, sync del and rmmod" test_announce
check_kmsg_clean || true
ktap_finished
