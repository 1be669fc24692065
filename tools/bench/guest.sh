#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the VM (see tools/bench/run). Seven copies of one
# topology, one per configuration of the router r, live side by side so
# that every measurement can be interleaved across them:
#
#   c-CFG                       r-CFG                        b-CFG
#   10.0.1.10 eth0 ---- eth-c 10.0.1.1   eth-b 192.168.1.1 ---- eth0 192.168.1.2
#   (plgen's clients:           (CFG: plain, pl, plslow,       192.168.2.1-64 on lo
#    10.1.0.0/16, owned          plsync, ipvs, nft, nftft)     (the backends),
#    by nobody)                 sync-p 10.9.0.1 (plsync only)  listener on :80, iperf3
#                                  |  (the sync link)
#                               sync-r 10.9.0.2 in p-plsync, the peer router
#
# plain   r routes; the clients send to the backends themselves
# pl      an endpoint (ENI 10.0.1.5:80) in front of the 64 backends
# plslow  pl with its fast path off (pl-ctl limits set fast-path off); left
#         out, with a "skipped" note, where pl or pl-ctl has no such limit
# plsync  pl with sync on: r sends its flows to a peer router p (pl with
#         the same configuration and key), which learns them
# ipvs    virtual service 10.0.1.5:80, NAT (masquerade), mh scheduler
# nft     DNAT 10.0.1.5:80 by jhash to the 64 backends, SNAT to r, conntrack
# nftft   nft, and a software flowtable on eth-c and eth-b that established
#         TCP flows are added to: their packets skip the forward path
#
# Results go to stdout as "BENCH key json" lines; the host turns them
# into tables and charts.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH=$top/tools/pl-ctl:$PATH
plgen=$top/build/bench/plgen
quick=${QUICK:-0}
CFGS=${BENCH_CFGS:-"plain pl plslow plsync ipvs nft nftft"}
NBACK=64
# With sync on, the router of node N gives flows only the source ports
# whose remainder by 8 is N - 1: 8,064 per backend from the one source
# address, 516,096 over the 64 backends, too few for a million flows.
# plsync takes part in the established-flow sizes up to this one.
SYNC_MAX_FLOWS=100000
work=/tmp/bench
mkdir -p $work

if [ "$quick" = 1 ]; then
	ROUNDS=7; SLICE=100; SIZES="1000 5000"; IPERF_SECS=2; IPERF_REPS=1
	CP_EP=100; CP_BE=500; CP_SVC=10; PROFILE=0; SETTLE=0.5
	HC_BE=2000; HC_SVC=10; HC_SECS=20
else
	ROUNDS=${BENCH_ROUNDS:-31}; SLICE=${BENCH_SLICE:-200}
	SIZES=${BENCH_SIZES:-"1000 100000 1000000"}; IPERF_SECS=5; IPERF_REPS=3
	CP_EP=10000; CP_BE=50000; CP_SVC=1000; PROFILE=${BENCH_PROFILE:-1}; SETTLE=2
	HC_BE=50000; HC_SVC=50; HC_SECS=60
fi
MAXFLOWS=4194304

log() { printf 'bench: [%4ds] %s\n' $SECONDS "$*" >&2; }
emit() { echo "BENCH $1 $2"; }	# a result: key, JSON value
die() { log "error: $*"; exit 1; }

ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

# --- the seven topologies -----------------------------------------------------

backends_nft_map() {
	local k sep=""
	for k in $(seq 0 $((NBACK - 1))); do
		printf '%s%d : 192.168.2.%d' "$sep" $k $((k + 1))
		sep=", "
	done
}

# Counters at the backend's door: SYNs go on to the listener (handshake
# mode) or are dropped (syn mode), everything else to port 80 is dropped.
backend_mode() {	# CFG handshake|syn
	local verdict=accept
	[ "$2" = syn ] && verdict=drop
	ns b-$1 nft -f - <<EOF
flush chain netdev bench in
add rule netdev bench in tcp dport 80 tcp flags & (syn | ack) == syn counter name syn $verdict
add rule netdev bench in tcp dport 80 counter name data drop
EOF
}

counter() {	# CFG NAME: packets so far
	ns b-$1 nft list counter netdev bench "$2" | awk '/packets/ { print $2 }'
}

setup_topo() {
	local cfg=$1 c=c-$1 r=r-$1 b=b-$1
	# Few processes: each one costs tens of milliseconds under TCG.
	ip -b - <<EOF || die "cannot build the $cfg topology"
netns add $c
netns add $r
netns add $b
link add eth0 netns $c type veth peer name eth-c netns $r
link add eth0 netns $b type veth peer name eth-b netns $r
EOF
	ip -n $c -b - <<EOF
link set lo up
addr add 10.0.1.10/24 dev eth0
link set eth0 up
route add default via 10.0.1.1
EOF
	ip -n $r -b - <<EOF
link set lo up
addr add 10.0.1.1/24 dev eth-c
addr add 192.168.1.1/24 dev eth-b
link set eth-c up
link set eth-b up
route add 10.1.0.0/16 via 10.0.1.10
route add 192.168.2.0/24 via 192.168.1.2
EOF
	ip -n $b -b - <<EOF
link set lo up
addr add 192.168.1.2/24 dev eth0
link set eth0 up
route add default via 192.168.1.1
route add local 192.168.2.0/24 dev lo
EOF
	echo 1 | ns $r tee /proc/sys/net/ipv4/ip_forward >/dev/null
	# The made-up clients' packets stop at the client's door, seen by
	# plgen's packet socket first.
	ns $c tc -b - <<EOF
qdisc add dev eth0 clsact
filter add dev eth0 ingress protocol ip pref 1 flower dst_ip 10.1.0.0/16 action drop
EOF
	# Every SYN gets a SYN-ACK (a cookie) and no request is kept: the
	# final ACKs never reach the backend's TCP.
	ns $b sh -c 'echo 2 >/proc/sys/net/ipv4/tcp_syncookies
		iperf3 -s -p 80 -D >/dev/null 2>&1
		iperf3 -s -D >/dev/null 2>&1'
	ns $b nft -f - <<EOF
table netdev bench {
	counter syn { }
	counter data { }
	chain in {
		type filter hook ingress device "eth0" priority 0;
		tcp dport 80 tcp flags & (syn | ack) == syn counter name syn drop
		tcp dport 80 counter name data drop
	}
}
EOF
	ip -n $r -o link show eth-c | sed 's/.*link\/ether \([^ ]*\).*/\1/' >$work/rmac-$cfg
	case $cfg in
	plain) ;;
	pl) setup_pl $r ;;
	plslow) setup_pl $r && setup_slow $cfg ;;
	plsync) setup_pl $r && setup_sync $cfg ;;
	ipvs) setup_ipvs $r ;;
	nft) setup_nft $r ;;
	nftft) setup_nft $r && setup_flowtable $r ;;
	esac
}

pl_set_max_flows() {	# NS N
	ns $1 pl-ctl limits set max-flows $2 2>/dev/null && return 0
	local ksrc
	ksrc=$("$top/tools/ksrc" 2>/dev/null) || die "no pl-ctl max-flows, no YNL"
	ns $1 /usr/bin/python3 "$ksrc/tools/net/ynl/cli.py" \
		--spec "$top/Documentation/netlink/specs/pl.yaml" --no-schema \
		--do limits-set --json "{\"max-flows\": $2}" >/dev/null
}

setup_pl() {
	local r=$1 k
	{
		echo "az add us-east-1a id use1-az1"
		echo "subnet add subnet-a prefix 10.0.1.0/24 az us-east-1a"
		echo "service add svc port 80 port 5201 acceptance auto idle-timeout 6000"
		echo "service source add svc 192.168.1.100 az us-east-1a"
		for k in $(seq 1 $NBACK); do
			echo "backend add svc 192.168.2.$k az us-east-1a"
		done
		echo "endpoint add vpce-1 service svc subnet subnet-a ip 10.0.1.5"
	} >$work/pl-$r.batch	# one per namespace: set up side by side
	ns $r pl-ctl -b $work/pl-$r.batch || die "pl configuration failed in $r"
	pl_set_max_flows $r $MAXFLOWS || die "cannot raise max-flows"
	ns $r pl-ctl service show svc >/dev/null	# waits for Maglev tables
	# pl probes the ENI and the source address for about a second.
	for k in $(seq 1 50); do
		ns $r pl-ctl endpoint show | grep -q 'state probing' ||
			ns $r pl-ctl service show | grep -q 'state probing' || return 0
		sleep 0.2
	done
	die "pl still probes its addresses after 10 s"
}

# plsync's peer: a namespace p-CFG running pl with the same configuration,
# joined to r-CFG by the sync link, a veth of its own (10.9.0.1 in r,
# 10.9.0.2 in p). p has dummy interfaces where r has its links, so that
# the ENI and the source address have a subnet there. Both get one key and
# each other as their peer; r is node 1, p node 2.
setup_sync() {	# CFG
	local r=r-$1 p=p-$1 key=$work/sync-$1.key i phr php
	ip -b - <<EOF || die "cannot build the sync link of $1"
netns add $p
link add sync-p netns $r type veth peer name sync-r netns $p
EOF
	ip -n $r -b - <<EOF
addr add 10.9.0.1/24 dev sync-p
link set sync-p up
EOF
	ip -n $p -b - <<EOF
link set lo up
link add eth-c type dummy
link add eth-b type dummy
addr add 10.0.1.1/24 dev eth-c
addr add 192.168.1.1/24 dev eth-b
addr add 10.9.0.2/24 dev sync-r
link set eth-c up
link set eth-b up
link set sync-r up
EOF
	sync_peer_thread $r $p
	setup_pl $p
	(umask 077; head -c 32 /dev/urandom | base64 >$key)
	ns $r pl-ctl -b - <<EOF || die "sync set failed in $r"
sync set node 1 local 10.9.0.1 key-file $key
sync peer add 10.9.0.2
EOF
	ns $p pl-ctl -b - <<EOF || die "sync set failed in $p"
sync set node 2 local 10.9.0.2 key-file $key
sync peer add 10.9.0.1
EOF
	# The key seeds the Maglev tables: wait for them again.
	ns $r pl-ctl service show svc >/dev/null
	ns $p pl-ctl service show svc >/dev/null
	for i in $(seq 1 100); do
		phr=$(sync_get $r .phase)
		php=$(sync_get $p .phase)
		[ "$phr" = active ] && [ "$php" = active ] && break
		sleep 0.2
	done
	[ "$phr" = active ] || die "$r: sync phase $phr, not active"
	[ "$(sync_get $r '.peers[0]."digest-match"')" = true ] ||
		log "warning: $r and $p have different configuration digests"
	log "$r: sync active (node 1; its peer $p: node 2, phase $php, receives in $(cat $work/sync-rx))"
}

# The peer's receive on a thread of its own: threaded NAPI on p's end of
# the sync link, which the scheduler runs on whichever vCPU is idle,
# rather than in the softirq of the sender's vCPU, that also runs the
# generator, r and the backend: as if p were another machine. A veth uses
# NAPI when GRO is on at the receiving end and the sender's packet may be
# merged (no TSO on the sending end); without it, p's receive and
# learning run on r's vCPU, right after r's sync tasklet. $work/sync-rx
# says which: "thread" or "softirq".
sync_peer_thread() {	# R P
	if ns $1 ethtool -K sync-p tso off >/dev/null 2>&1 &&
		ns $2 ethtool -K sync-r gro on >/dev/null 2>&1 &&
		ns $2 sh -c 'echo 1 >/sys/class/net/sync-r/threaded' 2>/dev/null &&
		[ "$(ns $2 cat /sys/class/net/sync-r/threaded)" = 1 ]; then
		echo thread >$work/sync-rx
	else
		echo softirq >$work/sync-rx
		log "warning: no threaded NAPI on $2's sync link: it learns on r's vCPU"
	fi
}

# A jq filter on the sync object of NS (pl-ctl -j sync show).
sync_get() {	# NS FILTER
	ns $1 pl-ctl -j sync show 2>/dev/null | jq -r ".sync | $2"
}

# NS's sync and namespace counters, with its (only) peer's, as one JSON
# object.
sync_snap() {	# NS
	{ ns $1 pl-ctl -j sync show 2>/dev/null; ns $1 pl-ctl -j stats show; } |
		jq -cs '(.[0].sync) as $s | ($s.peers[0] // {}) as $p
		| ([.[1].stats[] | select(.scope == "namespace")][0].counters) as $c
		| {phase: $s.phase, flows: $s.flows, learned: $s.learned,
		   rejected: $s."messages-rejected",
		   flows_sent: $p."flows-sent", flows_received: $p."flows-received",
		   messages_sent: $p."messages-sent",
		   messages_received: $p."messages-received",
		   messages_lost: $p."messages-lost",
		   messages_repaired: $p."messages-repaired",
		   new_connections: $c."new-connections",
		   sync_sent: $c."sync-sent", sync_lost: $c."sync-lost"}'
}

# The peer's receive thread (threaded NAPI): its pid, or nothing.
sync_peer_pid() {
	pgrep '^napi/sync-r' | head -n 1
}

# CPU ticks (user + system) of a task, and the vCPU it last ran on.
task_cpu() {	# PID: "TICKS CPU", or "0 -1"
	awk '{ print $14 + $15, $39 }' /proc/$1/stat 2>/dev/null || echo "0 -1"
}

setup_ipvs() {
	local r=$1 k p
	ip -n $r addr add 10.0.1.5/32 dev eth-c
	for p in 80 5201; do
		echo "-A -t 10.0.1.5:$p -s mh"
		for k in $(seq 1 $NBACK); do
			echo "-a -t 10.0.1.5:$p -r 192.168.2.$k:$p -m"
		done
	done | ns $r ipvsadm -R || die "ipvsadm -R failed"
	# Established flows idle for up to 6000 s, as pl's idle-timeout.
	ns $r ipvsadm --set 6000 120 300
}

setup_nft() {
	local r=$1
	ip -n $r addr add 10.0.1.5/32 dev eth-c
	ns $r nft -f - <<EOF
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		ip daddr 10.0.1.5 tcp dport { 80, 5201 } dnat to jhash ip saddr . tcp sport mod $NBACK map { $(backends_nft_map) }
	}
	chain post {
		type nat hook postrouting priority srcnat;
		ip daddr 192.168.2.0/24 snat to 192.168.1.1
	}
}
EOF
}

# plslow: pl as set up by setup_pl, with its fast path off. A pl.ko or
# pl-ctl without that limit refuses it: then $work/skip-CFG says why, and
# setup_all leaves the configuration out rather than end the run.
setup_slow() {	# CFG
	local r=r-$1 err
	if ! err=$(ns $r pl-ctl limits set fast-path off 2>&1); then
		echo "pl-ctl limits set fast-path off failed: ${err:-no message}" |
			tr '\n' ' ' | sed 's/ *$//' >$work/skip-$1
		return 0
	fi
	ns $r pl-ctl limits show | sed "s/^/BENCHTXT setup-$1-limits /"
	ns $r pl-ctl limits show | grep -q 'fast-path' ||
		log "warning: $r: fast-path set off, but limits show does not list it"
}

# nftft: nft's DNAT and SNAT, and a software flowtable on both of r's
# links. The forward chain adds a TCP flow to it once conntrack holds the
# flow established (at the handshake's last ACK); from then on the
# flow's packets are forwarded from the ingress hook, past conntrack, NAT
# chains and routing. The counter "slow" counts the TCP packets that took
# the forward path all the same. A flowtable entry idle for
# nf_flowtable_tcp_timeout (default 30 s) goes back to conntrack: 6000 s,
# as the idle timeout of the others, so that flows opened minutes before
# they are measured (a million under TCG) are still in it.
setup_flowtable() {	# NS
	local r=$1
	ns $r nft -f - <<EOF || die "cannot add the flowtable in $r"
table ip filter {
	counter slow { }
	flowtable ft {
		hook ingress priority 0;
		devices = { eth-c, eth-b };
	}
	chain forward {
		type filter hook forward priority 0;
		ip protocol tcp counter name slow flow add @ft
	}
}
EOF
	ns $r sysctl -qw net.netfilter.nf_flowtable_tcp_timeout=6000 ||
		log "warning: $r: cannot set nf_flowtable_tcp_timeout"
}

# The TCP packets that took r-nftft's forward path rather than its
# flowtable, so far.
nftft_slow() {
	ns r-nftft nft list counter ip filter slow 2>/dev/null |
		awk '/packets/ { print $2 }'
}

teardown_topo() {
	local n
	for n in c-$1 r-$1 b-$1 p-$1; do
		ip netns pids $n 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del $n 2>/dev/null
	done
}

# plgen's --target for CFG: the router's MAC, the service's address.
target() {	# CFG
	local dst=10.0.1.5 ndst=1
	[ "$1" = plain ] && dst=192.168.2.1 ndst=$NBACK
	echo "--target $1,c-$1,b-$1,$(cat $work/rmac-$1),$dst,$ndst,$work/isn-$1"
}

targets() {
	local cfg
	for cfg in ${GEN_CFGS:-$CFGS}; do target $cfg; done
}

has_cfg() { case " $CFGS " in *" $1 "*) return 0 ;; esac; return 1; }

# One plgen for every configuration (of GEN_CFGS, if set), taking turns
# slice by slice.
gen_all() {	# MODE ARGS...
	local mode=$1
	shift
	# shellcheck disable=SC2046
	"$plgen" "$mode" --rounds $ROUNDS --slice $SLICE $(targets) "$@"
}

kv() {	# KEY LINE: the value of key=value in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# --- measurements -------------------------------------------------------------

# The configurations in a different order each round, so that none always
# runs first (or right after the same neighbour).
order() {	# ROUND
	local -a c=($CFGS)
	local n=${#c[@]} i
	for i in $(seq 0 $((n - 1))); do
		echo "${c[$(( (i + $1) % n ))]}"
	done
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

json_list() { paste -sd, | sed 's/^/[/; s/$/]/'; }

# perf samples of the whole VM while plgen runs toward one configuration;
# the top symbols.
profile() {	# NAME CFG MODE ARGS...
	local name=$1 cfg=$2 mode=$3 out
	shift 3
	# Without -g: call graphs under TCG cost more than they tell here.
	perf record -q -e cpu-clock -a -o $work/perf.data -- \
		"$plgen" "$mode" --rounds 1 --slice $((PROFILE_SECS * 1000)) \
		$(target $cfg) "$@" >$work/profile.out 2>/dev/null
	out=$(cat $work/profile.out)
	emit "profile.$name" "$(line_json "$out")"
	perf_symbols "profile-$name"
}

# The top of perf report, by symbol (with its module).
perf_symbols() {	# NAME
	perf report -i $work/perf.data --no-children --sort dso,sym \
		--percent-limit 0.2 --stdio 2>/dev/null | grep -v '^#' |
		grep -v '^$' | head -n 80 | sed "s/^/BENCHTXT $1 /"
}

# r-plsync's sync link as a wire that loses everything (off), or as a
# link again (on). Off, r still builds, authenticates and sends every
# message down its UDP/IP path; its veth's egress hook drops them there.
sync_wire() {	# off|on
	case $1 in
	off)	ns r-plsync tc qdisc add dev sync-p clsact &&
		ns r-plsync tc filter add dev sync-p egress matchall action drop ;;
	on)	ns r-plsync tc qdisc del dev sync-p clsact ;;
	esac || die "cannot turn r-plsync's sync link $1"
}

# Wait until p-plsync has made good, by a resync, every message that
# r-plsync sent into the dropped wire.
sync_wait_repaired() {
	local i e
	for i in $(seq 1 120); do
		e=$(sync_get p-plsync '.peers[0] | "\(."messages-lost") \(."messages-repaired")"')
		[ "${e% *}" = "${e#* }" ] && return 0
		sleep 0.5
	done
	log "warning: p-plsync has not repaired the dropped messages (lost, repaired: $e)"
}

run_new_flows() {
	local cfg out line r0 p0 t0 pid=""
	log "new flows per second: $ROUNDS rounds of ${SLICE} ms per configuration"
	for cfg in $CFGS; do backend_mode $cfg syn; done
	# The peer is another router, whose CPU this VM's two vCPUs would
	# otherwise share with the one measured: the wire drops r-plsync's
	# messages while the configurations are compared.
	has_cfg plsync && sync_wire off
	out=$(gen_all syn --first $((1 << 24)))
	has_cfg plsync && { sync_wire on; sync_wait_repaired; }
	for cfg in $CFGS; do
		line=$(echo "$out" | grep "^target=$cfg ")
		log "  $line"
		emit "newflows.$cfg" "$(line_json "$line")"
	done
	if has_cfg plsync; then
		log "flows one router sends its peer: plsync alone, its peer learning"
		r0=$(sync_snap r-plsync)
		p0=$(sync_snap p-plsync)
		pid=$(sync_peer_pid)
		t0=$(task_cpu "${pid:-0}")
		line=$(GEN_CFGS=plsync gen_all syn --first $((1 << 25)))
		log "  $line"
		emit newflows.plsync-peer "$(line_json "$line")"
		sync_rate "$line" "$r0" "$p0" "$pid" "$t0"
	fi
	ns r-pl pl-ctl stats show | grep -v '^    backend' | sed 's/^/BENCHTXT newflows-pl-stats /'
	if [ "$PROFILE" = 1 ]; then
		log "profiling new flows: pl, then plain"
		profile newflows-pl pl syn --first $((1 << 26))
		profile newflows-plain plain syn --first $((1 << 26))
		if has_cfg plsync; then
			log "profiling new flows: plsync (its messages dropped by the wire)"
			sync_wire off
			profile newflows-plsync plsync syn --first $((1 << 26))
			sync_wire on
			sync_wait_repaired
		fi
	fi
}

# The flows r-plsync sent its peer while plgen ran toward it: counters of
# both routers before (R0, P0) and now, over plsync's seconds of traffic
# (the sync tasklet sends right after each receive run, within them). The
# peer's receive thread's CPU time (ticks of CLK_TCK) comes along, when
# it has one.
sync_rate() {	# PLGEN-LINE R0 P0 PID "TICKS CPU"
	local line=$1 r1 p1 t1=""
	r1=$(sync_snap r-plsync)
	p1=$(sync_snap p-plsync)
	[ -n "$4" ] && t1=$(task_cpu $4)
	line=$(jq -cn --argjson r0 "$2" --argjson r1 "$r1" --argjson p0 "$3" \
		--argjson p1 "$p1" --argjson secs "$(kv seconds "$line")" \
		--argjson syns "$(kv delivered "$line")" \
		--arg rx "$(cat $work/sync-rx)" --arg t0 "$5" --arg t1 "$t1" \
		--argjson hz "$(getconf CLK_TCK)" '
		def d($a; $b; $k): ($b[$k] // 0) - ($a[$k] // 0);
		{seconds: $secs, syns_delivered: $syns,
		 flows_created: d($r0; $r1; "new_connections"),
		 flows_sent: d($r0; $r1; "flows_sent"),
		 messages_sent: d($r0; $r1; "messages_sent"),
		 sender_lost: d($r0; $r1; "sync_lost"),
		 peer_flows_received: d($p0; $p1; "flows_received"),
		 peer_messages_received: d($p0; $p1; "messages_received"),
		 peer_messages_lost: d($p0; $p1; "messages_lost"),
		 peer_messages_repaired: d($p0; $p1; "messages_repaired"),
		 peer_lost: d($p0; $p1; "sync_lost"),
		 peer_rejected: d($p0; $p1; "rejected"),
		 peer_learned_before: $p0.learned, peer_learned_after: $p1.learned,
		 sender_flows_after: $r1.flows, phase_after: $r1.phase,
		 peer_rx: $rx}
		+ (if $t1 == "" then {} else
		   {peer_rx_cpu_s: ((($t1 | split(" ")[0] | tonumber) -
				     ($t0 | split(" ")[0] | tonumber)) / $hz),
		    peer_rx_vcpu: ($t1 | split(" ")[1] | tonumber)} end)')
	[ -n "$line" ] || { log "warning: no sync counters of plsync"; return 0; }
	emit sync.newflows "$line"
	log "  plsync: r-plsync sent $(echo "$line" | jq -r '"\(.flows_sent) flow records in \(.messages_sent) messages over \(.seconds) s of its traffic (\(.flows_created) flows created, \(.sender_lost) lost at the sender); p-plsync received \(.peer_flows_received), learned \(.peer_learned_before) -> \(.peer_learned_after) flows, \(.peer_messages_lost) messages missing, \(.peer_lost) lost in all\(if .peer_rx_cpu_s then ", its receive thread \(.peer_rx_cpu_s) s of CPU, last on vCPU \(.peer_rx_vcpu)" else "" end)"')"
	{ ns r-plsync pl-ctl sync show; ns p-plsync pl-ctl sync show; } 2>&1 |
		sed 's/^/BENCHTXT newflows-sync-show /'
}

# A plgen result line as JSON: every key=value, numbers as they are.
line_json() {
	echo "$1" | tr ' ' '\n' | awk -F= 'NF == 2 { printf "%s\"%s\": %s", n++ ? ", " : "{", $1, ($2 ~ /^[0-9.]+$/ ? $2 : "\"" $2 "\"") } END { print "}" }'
}

run_iperf() {
	local round cfg dst out bps
	declare -A rates
	log "iperf3: $IPERF_REPS rounds of ${IPERF_SECS}s, 4 streams"
	for round in $(seq 1 $IPERF_REPS); do
		for cfg in $(order $round); do
			dst=10.0.1.5
			[ $cfg = plain ] && dst=192.168.2.1
			out=$(ns c-$cfg iperf3 -c $dst -P 4 -t $IPERF_SECS -f m 2>&1)
			bps=$(echo "$out" | awk '$1 == "[SUM]" && /receiver/ { v = $(NF - 2) } END { print v + 0 }')
			log "  round $round $cfg: $bps Mbit/s"
			rates[$cfg]="${rates[$cfg]:-} $bps"
		done
	done
	for cfg in $CFGS; do
		emit "iperf.$cfg" "{\"median\": $(echo ${rates[$cfg]} | tr ' ' '\n' | median), \"runs\": $(echo ${rates[$cfg]} | tr ' ' '\n' | json_list)}"
	done
}

# Kernel memory now: Slab and vmalloc from meminfo, and the flow caches.
memsnap() {	# "slab vmalloc used CACHE=objects:objsize:bytes..."
	awk '{ m[$1] = $2 * 1024 } END { printf "%.0f %.0f %.0f", m["Slab:"], m["VmallocUsed:"], m["MemTotal:"] - m["MemFree:"] - m["Cached:"] - m["Buffers:"] }' /proc/meminfo
	awk '$1 == "pl_flow" || $1 == "nf_conntrack" || $1 == "ip_vs_conn" { printf " %s=%d:%d:%.0f", $1, $2, $4, $15 * 4096 * $6 }' /proc/slabinfo
	echo
}

# Does each configuration hold N established flows?
verify() {	# N
	local n=$1 v
	v=$(ns r-pl pl-ctl limits show | awk '$1 == "flows" { print $2 }')
	local plest
	plest=$(ns r-pl pl-ctl flow show 2>/dev/null | head -n 200 | grep -c '^tcp established')
	emit "verify.$n.pl" "{\"flows\": ${v:-0}, \"established_in_first_200\": $plest}"
	ns r-pl pl-ctl flow show 2>/dev/null | head -n 2 | sed "s/^/BENCHTXT verify-$n-pl /"
	if has_cfg plslow; then
		v=$(ns r-plslow pl-ctl limits show | awk '$1 == "flows" { print $2 }')
		plest=$(ns r-plslow pl-ctl flow show 2>/dev/null | head -n 200 | grep -c '^tcp established')
		emit "verify.$n.plslow" "{\"flows\": ${v:-0}, \"established_in_first_200\": $plest}"
		ns r-plslow pl-ctl flow show 2>/dev/null | head -n 2 | sed "s/^/BENCHTXT verify-$n-plslow /"
	fi
	if has_cfg plsync && [ "$n" -le $SYNC_MAX_FLOWS ]; then
		# r-plsync's flows, and the peer's copies of them.
		local snap pest
		v=$(ns r-plsync pl-ctl limits show | awk '$1 == "flows" { print $2 }')
		plest=$(ns r-plsync pl-ctl flow show 2>/dev/null | head -n 200 | grep -c '^tcp established')
		pest=$(ns p-plsync pl-ctl flow show 2>/dev/null | head -n 200 | grep -c '^tcp established')
		snap=$(sync_snap p-plsync)
		emit "verify.$n.plsync" "{\"flows\": ${v:-0}, \"established_in_first_200\": $plest, \"peer_flows\": $(echo "$snap" | jq .flows), \"peer_learned\": $(echo "$snap" | jq .learned), \"peer_established_in_first_200\": $pest, \"peer_messages_lost\": $(echo "$snap" | jq .messages_lost)}"
		log "  plsync: r-plsync holds ${v:-0} flows; p-plsync learned $(echo "$snap" | jq .learned) ($pest of its first 200 established), $(echo "$snap" | jq .messages_lost) messages missing"
		ns r-plsync pl-ctl flow show 2>/dev/null | head -n 2 | sed "s/^/BENCHTXT verify-$n-plsync /"
		ns p-plsync pl-ctl flow show 2>/dev/null | head -n 2 | sed "s/^/BENCHTXT verify-$n-plsync-peer /"
	fi
	v=$(ns r-nft cat /proc/sys/net/netfilter/nf_conntrack_count)
	local ctest=null
	if [ "$n" -le 100000 ] && [ -r /proc/net/nf_conntrack ]; then
		ctest=$(ns r-nft grep -c ESTABLISHED /proc/net/nf_conntrack)
	fi
	emit "verify.$n.nft" "{\"flows\": $v, \"established\": $ctest}"
	ns r-nft head -n 2 /proc/net/nf_conntrack 2>/dev/null | sed "s/^/BENCHTXT verify-$n-nft /"
	if has_cfg nftft; then
		# Offloaded flows: conntrack marks them [OFFLOAD], without
		# their TCP state; only established flows are offloaded.
		local ctoff=null
		ctest=null
		v=$(ns r-nftft cat /proc/sys/net/netfilter/nf_conntrack_count)
		# One read, and only up to 10,000 flows: reading 100,000
		# offloaded entries took over fifteen minutes under TCG. The
		# counter "slow" shows the flowtable at every size.
		if [ "$n" -le 10000 ] && [ -r /proc/net/nf_conntrack ]; then
			read -r ctest ctoff < <(ns r-nftft awk '
				/ESTABLISHED|\[OFFLOAD\]/ { e++ }
				/\[OFFLOAD\]/ { o++ }
				END { print e + 0, o + 0 }' /proc/net/nf_conntrack)
		fi
		emit "verify.$n.nftft" "{\"flows\": $v, \"established\": $ctest, \"offloaded\": $ctoff, \"slow_path_packets\": $(nftft_slow)}"
		if [ "$ctoff" = null ]; then
			log "  nftft: $v conntrack entries (too many to read which are offloaded)"
		else
			log "  nftft: $v conntrack entries, $ctoff of them offloaded to the flowtable"
		fi
		ns r-nftft head -n 2 /proc/net/nf_conntrack 2>/dev/null | sed "s/^/BENCHTXT verify-$n-nftft /"
		ns r-nftft nft list flowtable ip filter ft 2>&1 | sed "s/^/BENCHTXT verify-$n-nftft-flowtable /"
	fi
	v=$(ns r-ipvs ipvsadm -Ln | awk '$1 == "->" && $2 ~ /:80$/ { a += $5; i += $6 } END { print a + 0, i + 0 }')
	emit "verify.$n.ipvs" "{\"active\": ${v% *}, \"inactive\": ${v#* }}"
	# Two lines, then stop: /proc/net/ip_vs_conn starts each read over
	# from the first connection, so reading it whole takes hours at 1M.
	ns r-ipvs ipvsadm -Lnc 2>/dev/null | sed -n '3,4p;4q' | sed "s/^/BENCHTXT verify-$n-ipvs /"
}

# pl's packet paths in NS so far: "FAST FULL", its namespace counters
# fast-path-packets and full-path-packets; "null null" where pl (or
# pl-ctl) has no such counters.
pl_paths() {	# NS
	local v
	v=$(ns $1 pl-ctl -j stats show 2>/dev/null | jq -r '[.stats[] |
		select(.scope == "namespace")][0].counters |
		"\(."fast-path-packets") \(."full-path-packets")"' 2>/dev/null)
	echo "${v:-null null}"
}

# Which path each configuration's packets took so far, where it says:
# "CFG A B" lines, pl's fast and full path packets, the packets that
# missed nftft's flowtable.
paths_snap() {
	local cfg
	for cfg in $GEN_CFGS; do
		case $cfg in
		pl|plslow|plsync) echo "$cfg $(pl_paths r-$cfg)" ;;
		nftft) echo "$cfg $(nftft_slow) -" ;;
		esac
	done
}

# The paths taken by the packets of the run that printed OUT, from
# paths_snap before and after it, as paths.N.CFG.
emit_paths() {	# N BEFORE AFTER OUT
	local n=$1 cfg a b d json
	for cfg in $GEN_CFGS; do
		a=$(echo "$2" | awk -v c=$cfg '$1 == c { print $2, $3 }')
		b=$(echo "$3" | awk -v c=$cfg '$1 == c { print $2, $3 }')
		[ -n "$a" ] && [ -n "$b" ] || continue
		d=$(kv delivered "$(echo "$4" | grep "^target=$cfg ")")
		case $cfg in
		nftft)
			json=$(jq -cn --argjson a "${a%% *}" --argjson b "${b%% *}" \
				--argjson d "${d:-null}" \
				'{slow_path_packets: ($b - $a), slow_path_after: $b,
				  delivered: $d}')
			log "  nftft: $(echo "$json" | jq -r '"\(.slow_path_packets) packets took the forward path (\(.delivered) delivered): the rest, the flowtable"')"
			;;
		*)
			json=$(jq -cn --arg a "$a" --arg b "$b" --argjson d "${d:-null}" '
				($a | split(" ") | map(fromjson)) as $x |
				($b | split(" ") | map(fromjson)) as $y |
				if $y[0] == null then
					{counters: null, delivered: $d,
					 note: "pl has no fast-path-packets and full-path-packets counters"}
				else
					{fast_path_packets: ($y[0] - ($x[0] // 0)),
					 full_path_packets: ($y[1] - ($x[1] // 0)),
					 fast_path_after: $y[0], full_path_after: $y[1],
					 delivered: $d}
				end')
			log "  $cfg: $(echo "$json" | jq -r 'if .note then .note else "\(.fast_path_packets) packets on the fast path, \(.full_path_packets) on the full path (\(.delivered) delivered)" end')"
			if [ $cfg = plslow ] &&
				[ "$(echo "$json" | jq '.fast_path_packets // 0')" != 0 ]; then
				log "warning: plslow: packets on the fast path, which is off"
			fi
			;;
		esac
		[ -n "$json" ] || { log "warning: no path counters of $cfg"; continue; }
		emit "paths.$n.$cfg" "$json"
	done
}

# Open the flows [PREV, N) of each configuration given, at the same time.
handshake_group() {	# N PREV CFG...
	local n=$1 prev=$2 cfg out snap0 snap1 cpu=0 cfgs=""
	shift 2
	for cfg in "$@"; do
		case " $CFGS " in *" $cfg "*) cfgs="$cfgs $cfg" ;; esac
	done
	[ -n "$cfgs" ] || return 0
	snap0=$(memsnap)
	for cfg in $cfgs; do
		# shellcheck disable=SC2046
		"$plgen" handshake $(target $cfg) --first $prev \
			--count $((n - prev)) --cpu $cpu >$work/hs-$cfg &
		cpu=$(( (cpu + 1) % $(nproc) ))
	done
	wait
	sleep $SETTLE	# let tables finish growing
	snap1=$(memsnap)
	for cfg in $cfgs; do
		out=$(cat $work/hs-$cfg)
		log "  $out"
		emit "handshake.$n.$cfg" "{\"established\": $(kv established "$out"), \"seconds\": $(kv seconds "$out"), \"group\": \"${cfgs# }\", \"mem_before\": \"$snap0\", \"mem_after\": \"$snap1\"}"
	done
}

run_established() {
	local prev=0 n cfg out line p0 p1 first=${SIZES%% *} last=${SIZES##* }
	for n in $SIZES; do
		log "established flows: opening $((n - prev)) more, to $n"
		for cfg in $CFGS; do backend_mode $cfg handshake; done
		# Two at a time, one per vCPU: a stateless plain next to pl,
		# IPVS next to nftables, pl without its fast path next to
		# nftables with its flowtable; each of a pair keeps its flows
		# in a cache of its own. plsync alone: its peer learns on the
		# other vCPU.
		handshake_group $n $prev plain pl
		handshake_group $n $prev ipvs nft
		handshake_group $n $prev plslow nftft
		GEN_CFGS=$CFGS
		if has_cfg plsync; then
			if [ $n -le $SYNC_MAX_FLOWS ]; then
				handshake_group $n $prev plsync
			else
				GEN_CFGS=$(without plsync "$CFGS")
				log "  plsync left out: at most $SYNC_MAX_FLOWS flows (a sync node's share of the source ports)"
			fi
		fi
		verify $n
		for cfg in $CFGS; do backend_mode $cfg syn; done
		log "  packets per second over $n flows: $ROUNDS rounds of $SLICE ms per configuration"
		p0=$(paths_snap)
		out=$(gen_all ack --count $n)
		p1=$(paths_snap)
		for cfg in $GEN_CFGS; do
			line=$(echo "$out" | grep "^target=$cfg ")
			log "  $line"
			emit "pps.$n.$cfg" "$(line_json "$line")"
		done
		emit_paths $n "$p0" "$p1" "$out"
		if [ "$PROFILE" = 1 ] && { [ $n = $first ] || [ $n = $last ]; }; then
			log "profiling $n established flows: pl, plain, plslow, nftft"
			profile pps-$n-pl pl ack --count $n
			profile pps-$n-plain plain ack --count $n
			has_cfg plslow && profile pps-$n-plslow plslow ack --count $n
			has_cfg nftft && profile pps-$n-nftft nftft ack --count $n
		fi
		prev=$n
	done
	GEN_CFGS=""
	ns r-pl pl-ctl stats show | grep -v '^    backend' | sed 's/^/BENCHTXT established-pl-stats /'
	if has_cfg plslow; then
		ns r-plslow pl-ctl stats show | grep -v '^    backend' | sed 's/^/BENCHTXT established-plslow-stats /'
	fi
	if has_cfg nftft; then
		ns r-nftft nft list table ip filter | sed 's/^/BENCHTXT established-nftft-table /'
	fi
	if has_cfg plsync; then
		{ ns r-plsync pl-ctl sync show; ns p-plsync pl-ctl sync show; } 2>&1 |
			sed 's/^/BENCHTXT established-sync-show /'
	fi
}

# 10,000 endpoints (an ENI in each of 3 zones) and 50,000 backends in one
# batch, then dumps of them. Each tool runs as its users run it in a
# namespace: pl-ctl and ip enter it themselves (-n); nft and ipvsadm,
# which cannot, under ip netns exec (netns_exec_s: what that costs alone).
# Times are read from bash's EPOCHREALTIME: a date(1) on each side would
# add two processes' start-up to each figure.
run_control_plane() {
	local per_svc_ep per_svc_be t0 t1 t2 noop batch=$work/cp.batch
	per_svc_ep=$((CP_EP / CP_SVC))
	per_svc_be=$((CP_BE / CP_SVC))
	log "control plane: $CP_EP endpoints, $CP_BE backends, $CP_SVC services"
	awk -v nsvc=$CP_SVC -v nbe=$per_svc_be -v nep=$per_svc_ep 'BEGIN {
		split("a b c", z, " ")
		for (i = 1; i <= 3; i++)
			printf "az add us-east-1%s\n", z[i]
		print "subnet add sub-a prefix 10.16.0.0/14 az us-east-1a"
		print "subnet add sub-b prefix 10.20.0.0/14 az us-east-1b"
		print "subnet add sub-c prefix 10.24.0.0/14 az us-east-1c"
		for (s = 0; s < nsvc; s++) {
			printf "service add svc-%d port 443 acceptance auto\n", s
			for (k = 0; k < nbe; k++)
				printf "backend add svc-%d 172.16.%d.%d az us-east-1%s\n", s, int(k / 250), k % 250 + 1, z[k % 3 + 1]
			for (e = 0; e < nep; e++)
				printf "endpoint add vpce-%d-%d service svc-%d subnet sub-a subnet sub-b subnet sub-c\n", s, e, s
		}
	}' >$batch
	ip netns add cp
	ip -n cp link set lo up
	pl-ctl -n cp limits show >/dev/null
	t0=${EPOCHREALTIME/./}000
	pl-ctl -n cp limits show >/dev/null
	local tn; tn=${EPOCHREALTIME/./}000
	noop=$(((tn - t0) / 1000000))
	t0=${EPOCHREALTIME/./}000
	ns cp true
	tn=${EPOCHREALTIME/./}000
	CP_NETNS_EXEC="\"netns_exec_s\": $(((tn - t0) / 1000000)).0e-3"
	t0=${EPOCHREALTIME/./}000
	pl-ctl -n cp -b $batch || die "the control-plane batch failed"
	t1=${EPOCHREALTIME/./}000
	pl-ctl -n cp service show svc-0 >/dev/null	# waits for every rebuild
	t2=${EPOCHREALTIME/./}000
	local ep be sv sa
	ep=$(pl-ctl -n cp endpoint show | wc -l)
	local t3; t3=${EPOCHREALTIME/./}000
	be=$(pl-ctl -n cp backend show | wc -l)
	local t4; t4=${EPOCHREALTIME/./}000
	sv=$(pl-ctl -n cp save | wc -l)
	local t5; t5=${EPOCHREALTIME/./}000
	pl-ctl -n cp limits show | sed 's/^/BENCHTXT control-plane-limits /'
	ip netns del cp
	control_plane_apply $batch
	control_plane_peers $((CP_BE / CP_SVC)) $(wc -l <$batch)
	emit control_plane "{\"endpoints\": $CP_EP, \"backends\": $CP_BE, \"services\": $CP_SVC, \"batch_lines\": $(wc -l <$batch), \"noop_s\": $noop.0e-3, \"batch_s\": $(((t1 - t0) / 1000000)).0e-3, \"rebuild_wait_s\": $(((t2 - t1) / 1000000)).0e-3, \"endpoint_show_s\": $(((t3 - t2) / 1000000)).0e-3, \"endpoint_show_lines\": $ep, \"backend_show_s\": $(((t4 - t3) / 1000000)).0e-3, \"backend_show_lines\": $be, \"save_s\": $(((t5 - t4) / 1000000)).0e-3, \"save_lines\": $sv, $CP_NETNS_EXEC, $CP_APPLY, $CP_PEERS}"
	log "  batch $(((t1 - t0) / 1000000)) ms, rebuilds $(((t2 - t1) / 1000000)) ms, endpoint show $(((t3 - t2) / 1000000)) ms, backend show $(((t4 - t3) / 1000000)) ms, save $(((t5 - t4) / 1000000)) ms"
	if [ "$PROFILE" = 1 ]; then
		# A fifth of the batch, profiled: sampling slows TCG down.
		sleep 5
		ip netns add cp
		awk -v n=$(($(wc -l <$batch) / 5)) 'NR <= 6 || NR <= n' $batch >$work/cp5.batch
		perf record -q -e cpu-clock -a -o $work/perf.data -- \
			ip netns exec cp pl-ctl -b $work/cp5.batch >/dev/null 2>&1
		emit profile.control-plane "{\"batch_lines\": $(wc -l <$work/cp5.batch)}"
		perf_symbols profile-control-plane
		perf report -i $work/perf.data --sort comm,dso --percent-limit 0.5 \
			--stdio 2>/dev/null | grep -v '^#' | grep -v '^$' |
			sed 's/^/BENCHTXT cp-tasks /'
		ip netns del cp
	fi
}

# The same file as one transaction: pl-ctl apply into an empty namespace
# (Maglev tables included: the commit builds them), the same apply again
# (nothing to do), and an apply that changes one backend's weight. JSON
# members for control_plane, in CP_APPLY.
control_plane_apply() {	# FILE
	local one=$work/cp-one.batch t0 t1 t2 t3
	awk '!done && /^backend add / { $0 = $0 " weight 2"; done = 1 } 1' \
		"$1" >$one
	ip netns add cpa
	ip -n cpa link set lo up
	t0=${EPOCHREALTIME/./}000
	pl-ctl -n cpa apply "$1" || die "pl-ctl apply failed"
	t1=${EPOCHREALTIME/./}000
	pl-ctl -n cpa apply "$1" || die "pl-ctl apply (again) failed"
	t2=${EPOCHREALTIME/./}000
	pl-ctl -n cpa apply $one || die "pl-ctl apply (one change) failed"
	t3=${EPOCHREALTIME/./}000
	[ -z "$(pl-ctl -n cpa diff $one)" ] || die "apply left differences"
	pl-ctl -n cpa config show | sed 's/^/BENCHTXT control-plane-config /'
	ip netns del cpa
	log "  apply $(((t1 - t0) / 1000000)) ms, again $(((t2 - t1) / 1000000)) ms, one weight $(((t3 - t2) / 1000000)) ms"
	CP_APPLY="\"apply_s\": $(((t1 - t0) / 1000000)).0e-3, \"apply_noop_s\": $(((t2 - t1) / 1000000)).0e-3, \"apply_one_s\": $(((t3 - t2) / 1000000)).0e-3"
}

# The same scale through the nearest peer's tool, and the floor of any tool
# that sends one netlink request per line: JSON members for control_plane,
# in CP_PEERS (not printed: run in a subshell, die would not end the run).
control_plane_peers() {	# BACKENDS-PER-SERVICE LINES
	local rules=$work/ipvs.rules routes=$work/ip.batch t0 t1 ipvs_s ip_s nft_s
	awk -v nsvc=$CP_SVC -v nbe=$1 'BEGIN {
		for (s = 0; s < nsvc; s++) {
			vip = sprintf("10.200.%d.%d:443", int(s / 250), s % 250 + 1)
			printf "-A -t %s -s rr\n", vip
			for (k = 0; k < nbe; k++)
				printf "-a -t %s -r 172.16.%d.%d:443 -m -w 1\n", vip, int(k / 250), k % 250 + 1
		}
	}' >$rules
	awk -v n=$2 'BEGIN {
		for (i = 0; i < n; i++)
			printf "route add blackhole 10.%d.%d.%d/32\n", 64 + int(i / 65536), int(i / 256) % 256, i % 256
	}' >$routes
	ip netns add cpv
	ip -n cpv link set lo up	# IPVS wants a local table to check addresses
	t0=${EPOCHREALTIME/./}000
	ns cpv ipvsadm -R <$rules || die "ipvsadm -R failed"
	t1=${EPOCHREALTIME/./}000
	ipvs_s=$(((t1 - t0) / 1000000))
	ns cpv ipvsadm -C
	ip netns del cpv
	ip netns add cpr
	t0=${EPOCHREALTIME/./}000
	ip -n cpr -b $routes || die "ip -b failed"
	t1=${EPOCHREALTIME/./}000
	ip_s=$(((t1 - t0) / 1000000))
	ip netns del cpr
	# nft -f: one transaction of as many load-balancing map elements
	# (address . port : backend) as pl's file has lines.
	awk -v n=$2 'BEGIN {
		print "table ip lb {"
		print "\tmap backends {"
		print "\t\ttype ipv4_addr . inet_service : ipv4_addr"
		print "\t\telements = {"
		for (i = 0; i < n; i++)
			printf "\t\t\t10.%d.%d.%d . 443 : 172.16.%d.%d,\n",
				64 + int(i / 65536), int(i / 256) % 256, i % 256,
				int(i / 250) % 256, i % 250 + 1
		print "\t\t}"
		print "\t}"
		print "\tchain pre {"
		print "\t\ttype nat hook prerouting priority dstnat;"
		print "\t\tdnat to ip daddr . tcp dport map @backends"
		print "\t}"
		print "}"
	}' >$work/nft.rules
	ip netns add cpn
	t0=${EPOCHREALTIME/./}000
	ns cpn nft -f $work/nft.rules || die "nft -f failed"
	t1=${EPOCHREALTIME/./}000
	nft_s=$(((t1 - t0) / 1000000))
	ip netns del cpn
	log "  ipvsadm -R of $(wc -l <$rules) lines $ipvs_s ms, ip -b of $(wc -l <$routes) routes $ip_s ms, nft -f of $2 map elements $nft_s ms"
	CP_PEERS="\"ipvs_restore_s\": $ipvs_s.0e-3, \"ipvs_restore_lines\": $(wc -l <$rules), \"ip_batch_s\": $ip_s.0e-3, \"ip_batch_lines\": $(wc -l <$routes), \"nft_restore_s\": $nft_s.0e-3, \"nft_restore_elements\": $2"
}

# The health checker at scale: HC_BE backends of HC_SVC services, all on
# one host (a local route for 10.128.0.0/9 there, acceptd on :8080),
# checked over tcp every 10 s by pl-ctl health run in hr. Once all are
# healthy: the checker's CPU share and peak memory over HC_SECS seconds.
run_health() {
	local per=$((HC_BE / HC_SVC)) pid apid c0 c1 t0 t1 healthy i hwm rate cpu
	log "health checker: $HC_BE backends of $HC_SVC services, tcp every 10 s"
	ip -b - <<EOF || die "cannot build the health topology"
netns add hr
netns add hb
link add hr-b netns hr type veth peer name hb-r netns hb
netns exec hr ip addr add 172.31.0.1/30 dev hr-b
netns exec hr ip link set hr-b up
netns exec hr ip route add 10.128.0.0/9 via 172.31.0.2
netns exec hb ip addr add 172.31.0.2/30 dev hb-r
netns exec hb ip link set hb-r up
netns exec hb ip link set lo up
netns exec hb ip route add local 10.128.0.0/9 dev lo
EOF
	ns hb sysctl -qw net.core.somaxconn=65535
	ip netns exec hb "$top/build/bench/acceptd" 8080 &
	apid=$!
	awk -v nsvc=$HC_SVC -v per=$per 'BEGIN {
		print "az add a"
		for (s = 0; s < nsvc; s++) {
			printf "service add hc-%d port 80:8080 health protocol tcp interval 10 timeout 5 healthy-threshold 2 unhealthy-threshold 2\n", s
			for (k = 0; k < per; k++) {
				g = s * per + k
				printf "backend add hc-%d 10.%d.%d.%d az a\n", s,
					128 + int(g / 62500), int(g / 250) % 250, g % 250 + 1
			}
		}
	}' >$work/hc.conf
	ns hr pl-ctl apply $work/hc.conf || die "cannot apply the health configuration"
	ip netns exec hr pl-ctl health run >/dev/null 2>$work/hc.err &	# $!: pl-ctl itself
	pid=$!
	for i in $(seq 1 30); do
		sleep 5
		healthy=$(ns hr pl-ctl backend show | grep -c ' health healthy')
		[ "$healthy" = "$HC_BE" ] && break
	done
	log "  $healthy of $HC_BE healthy after $((i * 5)) s"
	read -r c0 < <(awk '{ print $14 + $15 }' /proc/$pid/stat)
	t0=$(date +%s%N)
	sleep $HC_SECS
	read -r c1 < <(awk '{ print $14 + $15 }' /proc/$pid/stat)
	t1=$(date +%s%N)
	healthy=$(ns hr pl-ctl backend show | grep -c ' health healthy')
	hwm=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status)
	cpu=$(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v ns=$((t1 - t0)) 'BEGIN { printf "%.4f", c / hz / (ns / 1e9) }')
	rate=$((HC_BE / 10))
	log "  checker: CPU $cpu of a core, peak RSS $hwm KiB, $rate probes/s, $healthy healthy at the end"
	emit health "{\"backends\": $HC_BE, \"services\": $HC_SVC, \"interval_s\": 10, \"probes_per_s\": $rate, \"window_s\": $HC_SECS, \"cpu_share\": $cpu, \"rss_kib\": $hwm, \"healthy\": $healthy}"
	kill $pid $apid 2>/dev/null
	wait $pid $apid 2>/dev/null
	ip netns del hr
	ip netns del hb
}

# BENCH_PHASES (default: all of them) picks what to run, for profiling.
want() { case " ${BENCH_PHASES:-established newflows iperf control health} " in *" $1 "*) return 0 ;; esac; return 1; }

# CFGS without CFG.
without() {	# CFG CFGS
	echo " $2 " | sed "s/ $1 / /; s/^ *//; s/ *\$//"
}

setup_all() {
	local cfg
	for cfg in $CFGS; do setup_topo $cfg & done
	wait
	# A configuration this pl cannot be (setup_slow) is left out.
	for cfg in $CFGS; do
		[ -e $work/skip-$cfg ] || continue
		log "$cfg left out: $(cat $work/skip-$cfg)"
		emit "skipped.$cfg" "$(jq -cn --arg why "$(cat $work/skip-$cfg)" '{reason: $why}')"
		teardown_topo $cfg
		rm -f $work/skip-$cfg
		CFGS=$(without $cfg "$CFGS")
	done
}

# Wait until the namespaces deleted have freed their flows.
wait_flows_freed() {
	local i
	for i in $(seq 1 120); do
		awk '($1 == "pl_flow" || $1 == "nf_conntrack" || $1 == "ip_vs_conn") { n += $2 } END { exit n > 5000 }' /proc/slabinfo && return 0
		sleep 1
	done
	log "warning: flows still allocated after 120 s"
}

main() {
	local t_start cfg
	t_start=$(date +%s)
	emit meta "{\"kernel\": \"$(uname -r)\", \"kernel_version\": \"$(uname -v)\", \"vcpus\": $(nproc), \"mem_mb\": $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo), \"guest_cpu\": \"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)\", \"quick\": $quick, \"rounds\": $ROUNDS, \"slice_ms\": $SLICE, \"sizes\": \"$SIZES\", \"backends\": $NBACK, \"cfgs\": \"$CFGS\", \"sync_max_flows\": $SYNC_MAX_FLOWS}"
	insmod "$top/build/$(uname -r)/pl.ko" flow_buckets=1048576 ||
		die "cannot load pl.ko"
	modprobe nf_conntrack
	modprobe ip_vs conn_tab_bits=20
	modprobe ip_vs_mh
	# What a fair operator of each would set for a million flows.
	sysctl -qw net.netfilter.nf_conntrack_max=$MAXFLOWS \
		net.netfilter.nf_conntrack_buckets=1048576
	sysctl -qw kernel.perf_event_paranoid=-1 kernel.kptr_restrict=0
	emit tables "{\"nf_conntrack_buckets\": $(cat /proc/sys/net/netfilter/nf_conntrack_buckets), \"nf_conntrack_max\": $(cat /proc/sys/net/netfilter/nf_conntrack_max), \"ip_vs_conn_tab_bits\": $(cat /sys/module/ip_vs/parameters/conn_tab_bits), \"pl_max_flows\": $MAXFLOWS, \"pl_flow_buckets\": $(cat /sys/module/pl/parameters/flow_buckets)}"

	log "setting up the configurations: $CFGS"
	setup_all
	want established && run_established
	if [ "$quick" != 1 ] && want established; then
		# New flows into empty tables, not next to a million others.
		for cfg in $CFGS; do teardown_topo $cfg; done
		wait_flows_freed
		log "setting up the configurations again, empty"
		setup_all
	fi
	want newflows && run_new_flows
	want iperf && run_iperf
	for cfg in $CFGS; do teardown_topo $cfg; done
	wait_flows_freed
	want control && run_control_plane
	want health && run_health
	emit done "{\"seconds\": $(($(date +%s) - t_start))}"
}

# One boot of tools/bench/ab: the pl.ko at $PL_KO against plain forwarding
# (and with sync on, when AB_CFGS names plsync too).
ab_main() {
	CFGS=${AB_CFGS:-"plain pl"}; ROUNDS=21; SLICE=200; SIZES=1000; PROFILE=0
	insmod "$PL_KO" flow_buckets=1048576 || die "cannot load $PL_KO"
	setup_all
	run_established
	run_new_flows
}

PROFILE_SECS=4
if [ "${1:-}" = ab ]; then
	ab_main
elif [ "${BENCH_LIB:-0}" != 1 ]; then
	main
fi
