#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DNS as PrivateLink does it, served by Debian's unbound and kept live by
# "pl-ctl dns sync". Topology: see topo.sh (router r with pl, consumers c1a
# in subnet-a and c1b in subnet-b, op on premises behind opr), plus two
# unbound servers in r:
#
#   c1a 10.0.1.10 --+                      r
#   c1b 10.0.2.10 --+-- 10.0.1.1  unbound "resolver" (10.0.1.1, 10.0.2.1,
#   op 10.100.0.10 ---- 172.16.0.1        172.16.0.1): endpoint names for
#                                         all, private names in the view
#                                         "pl" for the consumers; forwards
#                                         the rest to
#                       127.0.0.2  unbound "public": example.com as the
#                                  Internet sees it (api 203.0.113.10,
#                                  www 203.0.113.20)
#
# The resolver includes the fragment "endpoint dns format unbound" prints;
# "dns sync ... fragment FILE" keeps it and the running unbound in step.
#
#   - regional and zonal names, the private name for consumers (and the
#     public answer for op, until it is made a consumer), other names
#     upstream; a connection by the private name reaches a backend;
#   - endpoint add and del, an ENI added by apply, private-dns off, a
#     private name removed, each seen by dig with the same unbound pid;
#     a record removed by hand is put back by the periodic check;
#   - bad names, a suffix too long and two endpoints claiming one private
#     name are refused, naming what is wrong, and change nothing;
#   - the formats: hosts lines with the private name, a zone whose serial
#     grows, a fragment unbound-checkconf accepts; save and apply keep the
#     DNS settings.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd unbound unbound-control unbound-checkconf dig
ktap_set_plan 5

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config "service set svc private-dns api.example.com" \
	"endpoint set vpce-1 private-dns on" \
	"dns set suffix vpce.example.internal" ||
	ktap_exit_fail_msg "cannot configure pl"
D=$TOPO_DIR
U=$D/ub
mkdir -p "$U/public"

# The public view of example.com.
cat >"$U/public/unbound.conf" <<EOF
server:
	interface: 127.0.0.2
	username: ""
	chroot: ""
	directory: "$U/public"
	pidfile: "$U/public/unbound.pid"
	use-syslog: no
	logfile: "$U/public/log"
	module-config: "iterator"
	access-control: 127.0.0.0/8 allow
	local-zone: "example.com." static
	local-data: "api.example.com. 60 IN A 203.0.113.10"
	local-data: "www.example.com. 60 IN A 203.0.113.20"
	local-data: "db.example.com. 60 IN A 203.0.113.30"
remote-control:
	control-enable: no
EOF

# The router's resolver.
cat >"$U/unbound.conf" <<EOF
server:
	interface: 10.0.1.1
	interface: 10.0.2.1
	interface: 172.16.0.1
	username: ""
	chroot: ""
	directory: "$U"
	pidfile: "$U/unbound.pid"
	use-syslog: no
	logfile: "$U/log"
	module-config: "iterator"
	do-not-query-localhost: no
	access-control: $OP_NET allow
	include: "$U/pl.conf"
remote-control:
	control-enable: yes
	control-interface: $U/ctl
	control-use-cert: no
forward-zone:
	name: "."
	forward-addr: 127.0.0.2
EOF

ub_pid()
{
	cat "$U/unbound.pid" 2>/dev/null
}

# dig_at HOST NAME: the A records HOST gets through the resolver, sorted.
dig_at()
{
	local server=10.0.1.1
	[ "$1" = op ] && server=172.16.0.1
	[ "$1" = c1b ] && server=10.0.2.1
	ip netns exec "$(topo_ns "$1")" dig +short +time=2 +tries=1 \
		@"$server" "$2" A | sort | paste -sd' '
}

# dig_until HOST NAME WANT: dig until the answer is WANT (20 s at most,
# for a loaded TCG machine); says how long it took.
dig_until()
{
	local start=$EPOCHREALTIME end=$((SECONDS + 20)) got
	while [ $SECONDS -lt $end ]; do
		got=$(dig_at "$1" "$2")
		if [ "$got" = "$3" ]; then
			echo "# $1: $2 is '$3' after $(awk "BEGIN { printf \"%.2f\", $EPOCHREALTIME - $start }") s"
			return 0
		fi
		topo_nap 0.1
	done
	check_eq "$1 resolves $2" "$3" "$got"
}

REG=vpce-1.svc.vpce.example.internal

setup_dns()
{
	ip netns exec "$R" ip link set lo up
	r_ctl endpoint dns format unbound >"$U/pl.conf" || return 1
	check_ok "unbound-checkconf accepts the fragment" -- \
		ip netns exec "$R" unbound-checkconf "$U/unbound.conf" || return 1
	ip netns exec "$R" unbound -c "$U/public/unbound.conf" || return 1
	pl_defer kill "$(cat "$U/public/unbound.pid")"
	ip netns exec "$R" unbound -c "$U/unbound.conf" || return 1
	pl_defer kill "$(ub_pid)"
	ip netns exec "$R" "$(pl_ctl_path)" dns sync \
		unbound-config "$U/unbound.conf" fragment "$U/pl.conf" \
		>"$D/sync.log" 2>&1 &
	pl_defer kill $!
	PID=$(ub_pid)
}

test_names()
{
	check_eq "the regional name: every ENI" "$ENI_A $ENI_B" \
		"$(dig_at c1a $REG)"
	check_eq "a zonal name: its ENI" "$ENI_B" \
		"$(dig_at c1a vpce-1-b.svc.vpce.example.internal)"
	check_eq "the private name, for a consumer: the ENIs" "$ENI_A $ENI_B" \
		"$(dig_at c1a api.example.com)"
	check_eq "the same in the other subnet" "$ENI_A $ENI_B" \
		"$(dig_at c1b api.example.com)"
	check_eq "on premises, not a consumer: the public answer" \
		203.0.113.10 "$(dig_at op api.example.com)"
	check_eq "on premises: the endpoint names all the same" \
		"$ENI_A $ENI_B" "$(dig_at op $REG)"
	check_eq "another name: upstream, as before" 203.0.113.20 \
		"$(dig_at c1a www.example.com)"
	check_eq "a name pl does not have under the suffix: none" "" \
		"$(dig_at c1a nope.svc.vpce.example.internal)"
	check_eq "TTL 60" 60 "$(ip netns exec "$(topo_ns c1a)" dig +noall \
		+answer @10.0.1.1 api.example.com A | awk '{ print $2; exit }')"
	check_ok "on premises made a consumer" -- r_ctl dns consumer add "$OP_NET"
	dig_until op api.example.com "$ENI_A $ENI_B"
	check_match "dns sync reloaded unbound for it" "unbound reloaded" \
		"$(cat "$D/sync.log")"
	check_eq "the same unbound" "$PID" "$(ub_pid)"
}

test_connect()
{
	local ip out
	ip=$(dig_at c1a api.example.com | cut -d' ' -f1)
	check_match "a consumer resolves the private name" '^10\.0\.' "$ip" ||
		return 1
	out=$(topo_connect c1a "$ip:80")
	check_eq "the connection by that name succeeds" 1 \
		"$(jq -r .ok <<<"$out")"
	check_match "a backend answered it" '^b[12][ab]$' \
		"$(jq -r '.backends | keys[]' <<<"$out")"
	check_match "and saw a source address of the service, not the client" \
		'^192\.168\.[12]\.100$' "$(jq -r '.peers | keys[]' <<<"$out")"
}

test_live()
{
	check_ok "a second service with a private name" -- r_ctl -b - <<EOF
service add db port 5432 acceptance auto private-dns *.db.example.com
service source add db 192.168.1.101 az a
endpoint add vpce-2 service db subnet subnet-a ip 10.0.1.60
EOF
	topo_claimed "$R"
	dig_until c1a vpce-2.db.vpce.example.internal 10.0.1.60
	dig_until c1a any.db.example.com 10.0.1.60
	check_eq "the wildcard's parent too (a redirect zone)" 10.0.1.60 \
		"$(dig_at c1a db.example.com)"
	check_eq "op, a consumer now, gets it too" \
		10.0.1.60 "$(dig_at op db.example.com)"
	check_ok "vpce-2 deleted" -- r_ctl endpoint del vpce-2
	dig_until c1a vpce-2.db.vpce.example.internal ""
	dig_until c1a db.example.com 203.0.113.30
	check_ok "db deleted" -- r_ctl service del db

	# An ENI added: the endpoint with one subnet, then with two, by apply.
	r_ctl save >"$D/two.conf"
	sed "s/ subnet subnet-b ip $ENI_B//" "$D/two.conf" >"$D/one.conf"
	check_ok "apply: vpce-1 in subnet-a only" -- r_ctl apply "$D/one.conf"
	topo_claimed "$R"
	dig_until c1a $REG "$ENI_A"
	dig_until c1a vpce-1-b.svc.vpce.example.internal ""
	check_ok "apply: an ENI in subnet-b added" -- r_ctl apply "$D/two.conf"
	topo_claimed "$R"
	dig_until c1a vpce-1-b.svc.vpce.example.internal "$ENI_B"
	dig_until c1a $REG "$ENI_A $ENI_B"
	dig_until c1a api.example.com "$ENI_A $ENI_B"

	check_ok "private-dns off" -- r_ctl endpoint set vpce-1 private-dns off
	dig_until c1a api.example.com 203.0.113.10
	check_ok "private-dns on" -- r_ctl endpoint set vpce-1 private-dns on
	dig_until c1a api.example.com "$ENI_A $ENI_B"
	check_ok "the service's private name removed" -- \
		r_ctl service set svc private-dns none
	dig_until c1a api.example.com 203.0.113.10
	check_ok "and given again" -- \
		r_ctl service set svc private-dns api.example.com
	dig_until c1a api.example.com "$ENI_A $ENI_B"
	check_eq "one unbound all along" "$PID" "$(ub_pid)"

	# Changed by hand: the next periodic check (10 s) puts it back.
	ip netns exec "$R" unbound-control -c "$U/unbound.conf" \
		view_local_data_remove pl api.example.com >/dev/null
	check_eq "a private name removed by hand" 203.0.113.10 \
		"$(dig_at c1a api.example.com)"
	dig_until c1a api.example.com "$ENI_A $ENI_B"
}

test_errors()
{
	local before
	before=$(r_ctl save)
	check_fail_with 'private DNS name "bad_name.example.com" holds ._.' -- \
		r_ctl service set svc private-dns bad_name.example.com
	check_fail_with 'needs at least 2 labels' -- \
		r_ctl service set svc private-dns com
	check_fail_with 'empty label' -- \
		r_ctl service set svc private-dns a..example.com
	check_fail_with 'longer than 128 bytes' -- \
		r_ctl dns set suffix "$(printf 'a%.0s' $(seq 100)).$(printf 'b%.0s' $(seq 40))"
	check_fail_with 'endpoints "vpce-1" and "vpce-3" both claim private DNS name "api.example.com"' -- \
		r_ctl endpoint add vpce-3 service svc subnet subnet-a ip 10.0.1.70
	check_fail_with 'both claim' -- r_ctl apply - <<<"$before
endpoint add vpce-3 service svc subnet subnet-a ip 10.0.1.70"
	check_ok "one of them off: accepted" -- r_ctl apply --check - \
		<<<"$before
endpoint add vpce-3 service svc subnet subnet-a ip 10.0.1.70 private-dns off"
	check_eq "the kernel's refusals: exit status 1" 1 \
		"$(r_ctl service set svc private-dns com >/dev/null 2>&1; echo $?)"
	check_eq "usage errors: exit status 2" "2 2 2 2" "$(
		for args in "dns set" "endpoint set vpce-1" \
			"endpoint set vpce-1 private-dns maybe" \
			"dns consumer add 10.0.0.0/33"; do
			# shellcheck disable=SC2086
			r_ctl $args >/dev/null 2>&1; echo $?
		done | paste -sd' ')"
	check_eq "nothing changed" "$before" "$(r_ctl save)"
}

test_formats()
{
	local hosts zone1 zone2 s1 s2 saved
	hosts=$(r_ctl endpoint dns)
	check_match "a hosts line with every name" \
		"^$ENI_A	$REG vpce-1-a.svc.vpce.example.internal api.example.com$" \
		"$hosts"
	check_eq "JSON names the private name too" "api.example.com" \
		"$(r_ctl -j endpoint dns | jq -r '.dns[0].names[2]')"
	check_match "endpoint show: the private name" \
		"private-dns on private-name api.example.com" \
		"$(r_ctl endpoint show vpce-1)"
	zone1=$(r_ctl endpoint dns format zone)
	sleep 1.1
	zone2=$(r_ctl endpoint dns format zone)
	check_match "a zone of the suffix" '^\$ORIGIN vpce.example.internal\.$' "$zone1"
	check_match "with the regional name" "^vpce-1\.svc	IN	A	$ENI_A$" "$zone1"
	s1=$(awk '/SOA/ { print $7 }' <<<"$zone1")
	s2=$(awk '/SOA/ { print $7 }' <<<"$zone2")
	check_match "a serial" '^[0-9]+$' "$s1"
	[ "${s2:-0}" -gt "${s1:-0}" ] ||
		pl_fail "FAIL: the serial grows: $s1 then $s2"
	check_match "dns show" "suffix vpce.example.internal" "$(r_ctl dns show)"
	saved=$(r_ctl save)
	check_match "save: the suffix" "^dns set suffix vpce.example.internal$" "$saved"
	check_match "save: the consumer" "^dns consumer add $OP_NET$" "$saved"
	check_match "save: the private name" "private-dns api.example.com$" "$saved"
	check_ok "apply of what save wrote" -- r_ctl apply - <<<"$saved"
	check_eq "is silent" "" "$PL_OUT"
	check_eq "and changes nothing" "$saved" "$(r_ctl save)"
	check_match "format zone of one endpoint" "^vpce-1-b\.svc	IN	A	$ENI_B$" \
		"$(r_ctl endpoint dns vpce-1 format zone)"
	check_nomatch "and of another one: not vpce-1's" "vpce-1" \
		"$(r_ctl endpoint dns nope format zone | grep -v '^;')"
	check_fail_with 'format unbound has no JSON form' -- \
		r_ctl -j endpoint dns format unbound
}

pl_kmsg_mark dns
setup_dns || ktap_exit_fail_msg "cannot start unbound"
pl_subtest "names: endpoint names for all, private ones for consumers" test_names
pl_subtest "a connection by the private name" test_connect
pl_subtest "changes show live in the same unbound" test_live
pl_subtest "bad input is refused and changes nothing" test_errors
pl_subtest "hosts, zone and unbound formats; save and apply" test_formats
check_kmsg_clean || true
ktap_finished
