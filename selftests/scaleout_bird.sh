#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale-out with BIRD: the two BIRD 2 configurations of
# Documentation/scale-out.rst ("BIRD 2"), taken out of it so that the two
# cannot drift, with only the router ids and the neighbours changed (and
# a log file added), run
# on three routers and two fabrics. Nobody writes a route to the ENI IP or
# the source address: each router's pl keeps blackhole routes for them in
# table 100 while it is active, the router's BIRD learns them and announces
# them over BGP, and each fabric's BIRD merges the routers' routes into one
# multipath route (hash policy 1, L4). Seen from outside:
#
#   - both fabrics reach the ENI IP and the source address over one
#     multipath route through every router, learned from BIRD, and new
#     connections are spread over every router;
#   - checksummed transfers both ways, and steady echo streams, run through
#     them;
#   - a router vanishes (its links go, its BIRD is killed, its namespace
#     deleted): no BGP message tells the fabrics, their BFD notices, and
#     their routes drop its nexthop by themselves within 5 s (measured,
#     and printed); the transfers go on intact, with no reset;
#   - the fabrics' sessions with the other routers stay up throughout
#     (no BFD flap);
#   - a router is drained: its table 100 empties, its BIRD withdraws it
#     and the fabrics drop its nexthop (the time is printed); new
#     connections all go through the last router; state active brings it
#     back into the fabrics' routes.
#
#   c1 10.1.1.10 --+                                      +-- b1 192.168.10.11
#   c2 10.1.2.10 --+                                      +-- b2 192.168.10.12
#                  |                                      |
#   cf: client fabric, 10.1.N.1           pf: provider fabric, br0 192.168.10.1
#   BIRD, AS 65000, router id 172.16.1.1  BIRD, AS 65000, router id 172.16.2.1
#   10.0.1.50 (ENI): ECMP from BGP        192.168.1.100 (source): ECMP from BGP
#   hash policy 1                         hash policy 1
#   br0 172.16.1.1/24                     br1 172.16.2.1/24
#    |  |  |   (a bridge in the fabric:    |  |  |
#    |  |  |   a router that vanishes      |  |  |
#    |  |  |   leaves it up)               |  |  |
#   eth-c 172.16.1.{2,6,10}              eth-p 172.16.2.{2,6,10}
#   +------------------------ r1 r2 r3 ----------------------------+
#     pl, one configuration, one key: ENI 10.0.1.50 (subnet 10.0.1.0/24
#     dev eth-c, probe off), source 192.168.1.100, backends b1 b2;
#     sync node N local 10.9.0.N announce-table 100;
#     BIRD, AS 65001, router id 10.9.0.N, neighbours 172.16.1.1 and
#     172.16.2.1, BFD
#                          | eth-s 10.9.0.N/24
#     sw: bridge br0 10.9.0.254 (the sync link)
#
# Each router routes 10.1.0.0/16 to cf and 192.168.10.0/24 to pf; the
# fabrics have no route to the ENI IP or the source address but BIRD's.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"
source "$(dirname "$(readlink -f "$0")")/scaleout_lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd base64 bird birdc
ktap_set_plan 4

DOC=$PL_TOP/Documentation/scale-out.rst
ENI=10.0.1.50
SRC=192.168.1.100
TABLE=100
PORT=8849
BACKENDS=(b1 b2)
declare -A BADDR=([b1]=192.168.10.11 [b2]=192.168.10.12)
declare -A CADDR=([c1]=10.1.1.10 [c2]=10.1.2.10)
declare -A NODE=([r1]=1 [r2]=2 [r3]=3)
ROUTERS=(r1 r2 r3)	# routers that exist
# Transfers: bytes each way per round, and the pause after each.
CHUNK=131072
BULK_PAUSE=0.1
# BFD must have the fabrics drop a vanished router within this (seconds):
# about one in a quiet VM, 3.4 once on a busy one; BGP alone takes 240.
BFD_MAX=5

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload

# --- Addresses and helpers -------------------------------------------------

# A router's address on a fabric: caddr ROUTER (cf), paddr ROUTER (pf).
# As in scale-out.rst: r1 172.16.1.2, r2 172.16.1.6, and so on.
caddr()
{
	echo "172.16.1.$((4 * ${NODE[$1]} - 2))"
}

paddr()
{
	echo "172.16.2.$((4 * ${NODE[$1]} - 2))"
}

# announced: "TYPE DST PROTOCOL" lines (pl's routes are protocol 201).
ANNOUNCED_PROTOCOL=1
ANNOUNCED="blackhole $ENI 201
blackhole $SRC 201"

# route FABRIC PREFIX: a fabric's route to PREFIX, as "PROTOCOL GATEWAY...",
# the gateways sorted ("" when there is none).
route()
{
	ip -n "${TOPO_NS[$1]}" -j route show "$2/32" 2>/dev/null | pl_jq -r '
		.[0]? // empty
		| [.protocol, ([.nexthops[]?.gateway, .gateway // empty] | sort | .[])]
		| join(" ")'
}

# The route each fabric should have: through ROUTER..., from BIRD.
want_route()
{
	local f=$1 r gw=()
	shift
	for r in "$@"; do
		if [ "$f" = cf ]; then
			gw+=("$(caddr "$r")")
		else
			gw+=("$(paddr "$r")")
		fi
	done
	echo "bird $(printf '%s\n' "${gw[@]}" | sort | paste -sd' ')"
}

# route_text FABRIC PREFIX: route's answer, from ip's text output (no jq:
# it is polled).
route_text()
{
	local w words proto="" gw=() next=""
	read -r -d '' -a words < <(ip -n "${TOPO_NS[$1]}" route show "$2/32" 2>/dev/null)
	for w in "${words[@]}"; do
		case "$next" in
		proto) proto=$w ;;
		via) gw+=("$w") ;;
		esac
		next=$w
	done
	[ -n "$proto" ] || return 0
	echo "$proto $(printf '%s\n' "${gw[@]}" | sort | paste -sd' ')"
}

# routes_are ROUTER...: cf's route to the ENI IP and pf's to the source
# address are BIRD's, through ROUTER... and nothing else.
routes_are()
{
	[ "$(route_text cf "$ENI")" = "$(want_route cf "$@")" ] &&
	[ "$(route_text pf "$SRC")" = "$(want_route pf "$@")" ]
}

# slow_wait SECONDS CMD...: topo_wait, polling every 0.3 s (BIRD and
# BFD share two emulated CPUs with the test).
slow_wait()
{
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		topo_nap 0.3
	done
	return 0
}

# secs USECS: as seconds, to the millisecond ("-": none).
secs()
{
	[ -n "$1" ] || { echo "-"; return; }
	printf '%d.%03d' $(($1 / 1000000)) $(($1 / 1000 % 1000))
}

show_routes()
{
	echo "# cf: $(route cf "$ENI"); pf: $(route pf "$SRC")"
}

# --- BIRD --------------------------------------------------------------------

# bird_block TAG: the literal block of scale-out.rst whose first line is
# "# pl: TAG", without its indentation.
bird_block()
{
	awk -v tag="# pl: $1" '
		/^\.\. code-block:: none$/ { m = 1; b = 0; next }
		m == 1 && /^$/ && !b { next }
		m == 1 && /^   / {
			l = substr($0, 4)
			if (!b && l != tag) { m = 0; next }
			print l; b = 1; next
		}
		m == 1 && /^$/ { print ""; next }
		m == 1 && b { exit }
		m == 1 { m = 0 }
	' "$DOC"
}

# router_conf ROUTER: the router's configuration of scale-out.rst (router
# 10.9.0.1, fabrics 172.16.1.1 and 172.16.2.1, as here), with the
# router's id.
router_conf()
{
	bird_block router | sed "s/^router id 10\\.9\\.0\\.1;\$/router id $(saddr "$1");/"
}

# fabric_conf FABRIC: the fabric's configuration of scale-out.rst (the
# client fabric 172.16.1.1, with r1 at 172.16.1.2 and r2 at 172.16.1.6),
# with the fabric's id and one "protocol bgp" per router: the first of
# scale-out.rst's, with the router's name and address.
fabric_conf()
{
	local f=$1 id list="" r
	if [ "$f" = cf ]; then id=172.16.1.1; else id=172.16.2.1; fi
	for r in "${ROUTERS[@]}"; do
		if [ "$f" = cf ]; then list+="$r $(caddr "$r") "; else list+="$r $(paddr "$r") "; fi
	done
	bird_block fabric | awk -v id="$id" -v list="$list" '
		/^router id 172\.16\.1\.1;$/ { print "router id " id ";"; next }
		/^protocol bgp r[0-9]+ from / { inb = 1; if (!got) t = $0 "\n"; next }
		inb {
			if (!got) t = t $0 "\n"
			if ($0 == "}") { inb = 0; got = 1; gap = 1 }
			next
		}
		gap && /^$/ { next }
		{ gap = 0; print }
		END {
			n = split(list, a, " ")
			for (i = 1; i < n; i += 2) {
				b = t
				gsub(/r1/, a[i], b)
				gsub(/172\.16\.1\.2 /, a[i + 1] " ", b)
				printf "%s%s", (i > 1 ? "\n" : ""), b
			}
		}'
}

# bird_log NAME: the one line the test adds to scale-out.rst's
# configurations: a log file. Without it, with no syslog to take it, BIRD
# would write its messages on the console.
bird_log()
{
	echo "log \"$TOPO_DIR/bird-$1.log\" all;"
}

# check_conf NAME FILE REGEX...: the configuration holds a line matching
# each REGEX; else scale-out.rst no longer looks as this test expects.
check_conf()
{
	local name=$1 file=$2 re line lines
	shift 2
	mapfile -t lines <"$file"
	for re in "$@"; do
		for line in "${lines[@]}"; do
			[[ $line =~ $re ]] && continue 2
		done
		echo "# $name: no line /$re/ in the configuration taken from $DOC:"
		pl_indent <"$file"
		return 1
	done
}

# bird_start NAME: BIRD in NAME's namespace, on $TOPO_DIR/NAME.conf; its
# pid file is one of those topo_cleanup kills.
bird_start()
{
	local out
	local out
	if ! out=$(ip netns exec "${TOPO_NS[$1]}" bird -c "$TOPO_DIR/$1.conf" \
		-s "$TOPO_DIR/$1.ctl" -P "$TOPO_DIR/bird-$1.pid" 2>&1); then
		echo "# $1: bird failed:"
		pl_indent <<<"$out"
		return 1
	fi
}

# bird_logs NAME...: what their BIRD said, as diagnostics.
bird_logs()
{
	local n
	for n in "$@"; do
		echo "# BIRD of $n:"
		pl_indent <"$TOPO_DIR/bird-$n.log" 2>/dev/null
	done
}

birdc_in()
{
	birdc -s "$TOPO_DIR/$1.ctl" "${@:2}" 2>&1
}

# sessions FABRIC: its BGP sessions, "NAME STATE SINCE" (SINCE: when the
# session last changed state).
sessions()
{
	birdc_in "$1" show protocols | awk '$2 == "BGP" { print $1, $6, $5 }'
}

declare -A SESSIONS0=()

# check_no_flap ROUTER...: the fabrics' sessions with each ROUTER are up
# since test_bgp saw them up: no BFD or BGP flap. (BIRD's "since" may
# differ by a millisecond from one look to the next.)
check_no_flap()
{
	local f r was now
	for f in cf pf; do
		now=$(sessions "$f")
		for r in "$@"; do
			was=$(awk -v r="$r" '$1 == r' <<<"${SESSIONS0[$f]}")
			check_eq "$f: the session with $r stayed up from the start" true \
				"$(awk -v r="$r" -v was="$was" '
					function ms(t, a) { split(t, a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
					$1 == r { split(was, w, " ")
						d = ms($3) - ms(w[3])
						ok = $2 == "Established" && w[2] == "Established" && d < 50 && d > -50 }
					END { print ok ? "true" : "false" }' <<<"$now")" ||
				echo "# $f: at first '$was', now '$(awk -v r="$r" '$1 == r' <<<"$now")'"
		done
	done
}

# --- Transfers (the rest in scaleout_lib.sh) ----------------------------------

# resets: connections the backends saw end with a reset.
resets()
{
	local b n=0
	for b in "${BACKENDS[@]}"; do
		n=$((n + $(grep -c '^close .* reset$' "$(topo_log "$b")")))
	done
	echo "$n"
}

# carriers ROUTER...: for each session, "SESSION CLIENT:PORT ROUTERS",
# the routers that counted packets of its client.
carriers()
{
	local r s flows=""
	for r in "$@"; do
		flows+=$(rc "$r" -j flow show | pl_jq -r --arg r "$r" '.flows[] |
			select(."packets-orig" > 0) |
			"\(.orig.saddr):\(.orig.sport) \($r)"')$'\n'
	done
	for s in "${SESSIONS[@]}"; do
		echo "$s ${KEYS[$s]} $(awk -v k="${KEYS[$s]}" '$1 == k { print $2 }' <<<"$flows" |
			paste -sd, | sed 's/^$/-/')"
	done
}

# The router that carried the most sessions' client packets.
busiest()
{
	awk '{ n = split($3, a, ","); for (i = 1; i <= n; i++) c[a[i]]++ }
		END { for (r in c) if (r != "-") print c[r], r }' | sort -rn |
		awk 'NR == 1 { print $2 }'
}

# --- The topology --------------------------------------------------------------

# router_links ROUTER: router_wire, with a port of each fabric's bridge.
router_links()
{
	local r=$1
	router_wire "$r" "$(caddr "$r")/24" "$(paddr "$r")/24" 172.16.1.1 172.16.2.1 &&
	topo_ip cf "link set eth-$r master br0 up" &&
	topo_ip pf "link set eth-$r master br1 up"
}

# The BIRD configurations, out of scale-out.rst.
bird_confs()
{
	local r f
	for r in "${ROUTERS[@]}"; do
		router_conf "$r" >"$TOPO_DIR/$r.conf"
		bird_log "$r" >>"$TOPO_DIR/$r.conf"
		check_conf "$r" "$TOPO_DIR/$r.conf" "^router id $(saddr "$r");\$" \
			"^[[:space:]]kernel table $TABLE;" 'local as 65001;' \
			'neighbor 172\.16\.1\.1 as 65000;' \
			'neighbor 172\.16\.2\.1 as 65000;' || return 1
	done
	for f in cf pf; do
		fabric_conf "$f" >"$TOPO_DIR/$f.conf"
		bird_log "$f" >>"$TOPO_DIR/$f.conf"
		check_conf "$f" "$TOPO_DIR/$f.conf" 'merge paths on;' 'local as 65000;' \
			"^router id 172\\.16\\.$([ $f = cf ] && echo 1 || echo 2)\\.1;\$" || return 1
		for r in "${ROUTERS[@]}"; do
			check_conf "$f" "$TOPO_DIR/$f.conf" "^protocol bgp $r from " \
				"neighbor $([ $f = cf ] && caddr "$r" || paddr "$r") as 65001;" ||
				return 1
		done
	done
}

NOROUTE_BEFORE=""

setup()
{
	local r
	topo_init || return 1
	pl_defer birds_stop
	bird_confs || return 1
	topo_mkns c1 c2 cf pf sw b1 b2 r1 r2 r3 || return 1
	echo "# setup: namespaces in $SECONDS s"

	# The fabrics' bridges to the routers (fixed addresses, see
	# fabrics_setup).
	fabrics_setup "link add br0 type bridge
link set br0 address 02:00:ac:10:01:01
addr add 172.16.1.1/24 dev br0
link set br0 up" "link add br1 type bridge
link set br1 address 02:00:ac:10:02:01
addr add 172.16.2.1/24 dev br1
link set br1 up" || return 1
	for r in "${ROUTERS[@]}"; do
		router_links "$r" || return 1
	done
	NOROUTE_BEFORE="cf: '$(route cf "$ENI")', pf: '$(route pf "$SRC")'"
	echo "# setup: links in $SECONDS s"
	for r in cf pf "${ROUTERS[@]}"; do
		bird_start "$r" || return 1
	done
	topo_servers "${BACKENDS[@]}" || return 1

	pl_conf >"$TOPO_DIR/pl.conf"
	KEY=$TOPO_DIR/sync.key
	(umask 077; head -c 32 /dev/urandom | base64 >"$KEY") || return 1
	echo "# setup: BIRD and servers in $SECONDS s"
	for r in "${ROUTERS[@]}"; do
		router_join "$r" || return 1
	done
	for r in "${ROUTERS[@]}"; do
		slow_wait 30 phase_is "$r" active || {
			echo "# $r: phase $(sync_get "$r" .phase), not active"
			return 1
		}
	done
	echo "# setup: pl in $SECONDS s"
}

# --- The subtests ----------------------------------------------------------------

test_bgp()
{
	local r t0=$SECONDS s out
	local -A n0=()
	check_eq "before BIRD, the fabrics have no route to the ENI IP or the source address" \
		"cf: '', pf: ''" "$NOROUTE_BEFORE"
	for r in "${ROUTERS[@]}"; do
		slow_wait 10 announced_is "$r" "$ANNOUNCED"
		check_eq "$r (active): pl's routes in table $TABLE" "$ANNOUNCED" "$(announced "$r")"
	done
	slow_wait 90 routes_are "${ROUTERS[@]}"
	echo "# the fabrics' multipath routes $((SECONDS - t0)) s after pl was active"
	check_eq "cf: $ENI over every router, from BIRD" \
		"$(want_route cf "${ROUTERS[@]}")" "$(route cf "$ENI")"
	check_eq "pf: $SRC over every router, from BIRD" \
		"$(want_route pf "${ROUTERS[@]}")" "$(route pf "$SRC")" || {
		for r in cf pf "${ROUTERS[@]}"; do
			echo "# $r:"
			birdc_in "$r" show protocols | pl_indent
		done
	}
	for r in cf pf; do
		SESSIONS0[$r]=$(sessions "$r")
		s=$(awk '$2 == "Established" { n++ } END { print n + 0 }' <<<"${SESSIONS0[$r]}")
		check_eq "$r: a BGP session up with each router" "${#ROUTERS[@]}" "$s"
		s=$(birdc_in "$r" show bfd sessions | awk '$3 == "Up" { n++ } END { print n + 0 }')
		check_eq "$r: a BFD session up with each router" "${#ROUTERS[@]}" "$s"
	done
	for r in "${ROUTERS[@]}"; do
		s=$(ip -n "${TOPO_NS[$r]}" route show proto bird | wc -l)
		check_eq "$r: nothing learned from the fabrics" 0 "$s"
	done
	# ECMP: of 30 new connections, each router creates some (by chance,
	# one of them gets none once in 60,000 runs).
	for r in "${ROUTERS[@]}"; do
		n0[$r]=$(rstat "$r" new-connections)
	done
	out=$(topo_connect c1 "$ENI:80" -n 30 --parallel 4 --close fin --timeout 10)
	check_eq "30 connections, each answered by a backend" "30 {}" \
		"$(topo_jq "$out" '"\(.ok) \(.errors | tostring)"')"
	s=""
	for r in "${ROUTERS[@]}"; do
		s+="$r $(($(rstat "$r" new-connections) - n0[$r])) "
	done
	echo "# new connections by router: $s"
	check_eq "each router created some (ECMP)" true \
		"$(awk '{ for (i = 2; i <= NF; i += 2) if ($i == 0) z = 1 } END { print z ? "false" : "true" }' <<<"$s")"
}

test_transfers()
{
	local c
	transfers del 3 2
	transfers_started || return 1
	transfers_pumping || return 1
	c=$(carriers "${ROUTERS[@]}")
	echo "# sessions, and the routers that carry their client packets:"
	pl_indent <<<"$c"
}

test_delete()
{
	local victim c t0 tc="" tp="" now t r ca pa err bpid gone f
	c=$(carriers "${ROUTERS[@]}")
	victim=$(busiest <<<"$c")
	[ -n "$victim" ] || victim=${ROUTERS[0]}
	echo "# $victim vanishes, which carries $(awk -v r="$victim" '$3 ~ r' <<<"$c" | wc -l) of the sessions"
	ca=$(caddr "$victim")
	pa=$(paddr "$victim")
	# As a router that loses power: its links go first, so that nothing
	# leaves it any more, neither a NOTIFICATION nor the FIN of BIRD's
	# sockets, which the kernel would send when BIRD is killed; then its
	# BIRD dies, and its namespace goes. In the background, so that the
	# fabrics are watched from the start.
	bpid=$(<"$TOPO_DIR/bird-$victim.pid")
	rm -f "$TOPO_DIR/bird-$victim.pid"
	t=$(date +%s.%N)
	t0=${EPOCHREALTIME/./}
	{
		ip -n "${TOPO_NS[$victim]}" -b - <<<"link del eth-c
link del eth-p
link del eth-s"
		kill -9 "$bpid"
		ip netns del "${TOPO_NS[$victim]}"
	} &
	gone=$!
	# The fabrics, by themselves: when each route no longer goes through
	# it, in microseconds.
	while [ -z "$tc" ] || [ -z "$tp" ]; do
		now=$((${EPOCHREALTIME/./} - t0))
		[ -z "$tc" ] && [[ ! $(ip -n "${TOPO_NS[cf]}" route show "$ENI/32") =~ via\ $ca\  ]] &&
			tc=$now
		[ -z "$tp" ] && [[ ! $(ip -n "${TOPO_NS[pf]}" route show "$SRC/32") =~ via\ $pa\  ]] &&
			tp=$now
		[ "$now" -gt 30000000 ] && break
		topo_nap 0.02
	done
	wait "$gone"
	unset "TOPO_NS[$victim]"
	remove ROUTERS "$victim"
	echo "# BFD: cf dropped $victim after $(secs "$tc") s, pf after $(secs "$tp") s"
	show_routes
	check_eq "cf drops $victim within $BFD_MAX s" true \
		"$([ -n "$tc" ] && [ "$tc" -lt $((BFD_MAX * 1000000)) ] && echo true || echo false)"
	check_eq "pf drops $victim within $BFD_MAX s" true \
		"$([ -n "$tp" ] && [ "$tp" -lt $((BFD_MAX * 1000000)) ] && echo true || echo false)"
	for f in cf pf; do
		err=$(birdc_in "$f" show protocols all "$victim" | sed -n 's/^ *Last error: *//p')
		check_match "$f: BFD took $victim's session down" "BFD session down" "$err"
	done
	check_eq "the fabrics route through the others" true \
		"$(routes_are "${ROUTERS[@]}" && echo true || echo false)" || show_routes
	sleep 1
	c=$(carriers "${ROUTERS[@]}")
	echo "# after:"
	pl_indent <<<"$c"
	transfers_end del "$t"
	check_eq "no connection reset, at any backend" 0 "$(resets)"
	check_no_flap "${ROUTERS[@]}"
	for r in "${ROUTERS[@]}"; do
		slow_wait 10 eval "[ \"\$(sync_get $r '.peers[] | select(.address == \"$(saddr "$victim")\") | .reachable')\" = false ]"
		check_eq "$r: $victim is unreachable" false \
			"$(sync_get "$r" ".peers[] | select(.address == \"$(saddr "$victim")\") | .reachable")"
	done
}

test_drain()
{
	local victim=${ROUTERS[0]} keep t0 ta="" td="" n0 n1 k0 k1 out h r
	mapfile -t keep < <(others "$victim")
	echo "# draining $victim"
	n0=$(rstat "$victim" new-connections)
	k0=0
	for r in "${keep[@]}"; do
		k0=$((k0 + $(rstat "$r" new-connections)))
	done
	t0=${EPOCHREALTIME/./}
	check_ok "$victim: sync set state drain" -- rc "$victim" sync set state drain || return 1
	slow_wait 10 announced_is "$victim" "" && ta=$((${EPOCHREALTIME/./} - t0))
	check_eq "$victim: its table $TABLE is empty" "" "$(announced "$victim")"
	slow_wait 30 routes_are "${keep[@]}" && td=$((${EPOCHREALTIME/./} - t0))
	echo "# drain: table $TABLE empty after $(secs "$ta") s, $victim gone from both fabrics' routes after $(secs "$td") s"
	check_eq "cf: $ENI through ${keep[*]} only, from BIRD" \
		"$(want_route cf "${keep[@]}")" "$(route cf "$ENI")"
	check_eq "pf: $SRC through ${keep[*]} only, from BIRD" \
		"$(want_route pf "${keep[@]}")" "$(route pf "$SRC")"
	check_eq "$victim: phase draining" draining "$(sync_get "$victim" .phase)"
	# New connections, from both clients.
	for h in c1 c2; do
		out=$(topo_connect "$h" "$ENI:80" -n 20 --parallel 4 --close fin --timeout 10)
		check_eq "$h: 20 new connections, each answered by a backend" "20 {}" \
			"$(topo_jq "$out" '"\(.ok) \(.errors | tostring)"')"
		check_eq "$h: the backends saw the source address" 20 \
			"$(topo_jq "$out" ".peers[\"$SRC\"] // 0")"
	done
	n1=$(rstat "$victim" new-connections)
	k1=0
	for r in "${keep[@]}"; do
		k1=$((k1 + $(rstat "$r" new-connections)))
	done
	echo "# new connections: $victim $((n1 - n0)), ${keep[*]} $((k1 - k0))"
	check_eq "all through ${keep[*]}, none through $victim" "40 0" "$((k1 - k0)) $((n1 - n0))"
	# Back.
	check_ok "$victim: sync set state active" -- rc "$victim" sync set state active &&
	slow_wait 30 phase_is "$victim" active
	slow_wait 10 announced_is "$victim" "$ANNOUNCED"
	check_eq "$victim, active again: its routes in table $TABLE" "$ANNOUNCED" "$(announced "$victim")"
	slow_wait 30 routes_are "${ROUTERS[@]}"
	check_eq "cf: $ENI over $victim again" "$(want_route cf "${ROUTERS[@]}")" "$(route cf "$ENI")"
	check_eq "pf: $SRC over $victim again" "$(want_route pf "${ROUTERS[@]}")" "$(route pf "$SRC")"
	check_no_flap "${ROUTERS[@]}"
}

pl_kmsg_mark
setup || ktap_exit_fail_msg "cannot build the topology"

# After a failed subtest: what each BIRD said.
subtest_diag()
{
	bird_logs cf pf "${ROUTERS[@]}"
}
SUBTEST_DIAG=subtest_diag

subtest "scaleout_bird: BGP gives both fabrics a multipath route over every router" test_bgp
subtest "scaleout_bird: checksummed transfers both ways over the fabrics' routes" test_transfers
subtest "scaleout_bird: a router vanishes, BFD withdraws it, the transfers go on" test_delete
subtest "scaleout_bird: a router drained, BIRD withdraws it, new connections work" test_drain
check_kmsg_clean || true
ktap_finished
