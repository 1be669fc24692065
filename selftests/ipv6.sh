#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 in the configuration (issue 17, its first part): subnets with an
# IPv6 prefix, endpoints of ip-address-type dualstack and ipv6, and their
# ENIs' IPv6 addresses. The data path does not serve IPv6 addresses yet:
# this test checks what the configuration promises.
#
#   namespace r (pl): d0 (dummy) 2001:db8:b::4/64, the router's own
#   subnets  s4  10.0.1.0/24                        az a
#            s46 10.0.2.0/24 + 2001:db8:b::/64      az b
#            s6  2001:db8:c::/124 (11 free addresses) az c
#
#   - prefixes of either family or both; overlapping, host bits, non-global
#     and missing prefixes are refused, naming what is wrong;
#   - an IPv6 ENI address is picked past the four reserved ones, skips the
#     router's own, never takes the last, and a full prefix says so;
#   - given addresses outside the prefix, reserved, the router's, another
#     endpoint's, and families the ip-address-type has not are refused,
#     and nothing is left behind;
#   - a service takes an IPv6 source address beside an IPv4 one in a zone,
#     one of each family, never an ENI's or the router's, and gives it back;
#   - allow lists take IPv6 prefixes beside IPv4 ones (DNS consumer
#     prefixes stay IPv4);
#   - a deleted endpoint gives its IPv6 address back, and one apply moves
#     an address from one endpoint to another;
#   - save, apply and diff round-trip, and the digest is the same for the
#     same configuration built in two orders, and differs for another.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 7

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
pl_ns R R2 || ktap_exit_fail_msg "cannot create namespaces"

r_ctl()
{
	pl_ctl -n "$R" "$@"
}

setup()
{
	ip -n "$R" link add d0 type dummy &&
	ip -n "$R" link set d0 up &&
	ip -n "$R" addr add 2001:db8:b::4/64 dev d0 nodad &&
	r_ctl -b - <<-'EOF'
	az add a
	az add b
	az add c
	subnet add s4 prefix 10.0.1.0/24 az a
	subnet add s46 prefix 10.0.2.0/24 ipv6-prefix 2001:db8:b::/64 az b
	subnet add s6 ipv6-prefix 2001:db8:c::/124 az c
	service add svc port 80 acceptance auto
	EOF
}
setup || ktap_exit_fail_msg "cannot configure pl"

# The plain show line of an endpoint's ENI in a subnet.
eni_line()
{
	r_ctl endpoint show "$1" | grep -E "^ +eni $2 "
}

test_subnets()
{
	check_eq "three subnets, one without IPv4" \
		"s4 prefix 10.0.1.0/24 az a probe on
s46 prefix 10.0.2.0/24 ipv6-prefix 2001:db8:b::/64 az b probe on
s6 ipv6-prefix 2001:db8:c::/124 az c probe on" "$(r_ctl subnet show)"
	check_eq "JSON: ipv6-prefix, and no prefix for s6" \
		's6 2001:db8:c::/124 null' \
		"$(r_ctl -j subnet show |
			pl_jq -r '.subnets[2] | "\(.id) \(."ipv6-prefix") \(.prefix)"')"
	check_fail_with 'Error: 2001:db8:b:0:1::/80 overlaps subnet "s46" \(2001:db8:b::/64\)' -- \
		r_ctl subnet add x ipv6-prefix 2001:db8:b:0:1::/80 az a
	check_fail_with 'Error: 2001:db8::/32 overlaps subnet' -- \
		r_ctl subnet add x ipv6-prefix 2001:db8::/32 az a
	check_fail_with 'Error: 2001:db8:d::1/64 has host bits set' -- \
		r_ctl subnet add x ipv6-prefix 2001:db8:d::1/64 az a
	check_fail_with 'Error: fe80::/64 is not a global unicast prefix' -- \
		r_ctl subnet add x ipv6-prefix fe80::/64 az a
	check_fail_with 'Error: ff02::/16 is not a global unicast prefix' -- \
		r_ctl subnet add x ipv6-prefix ff02::/16 az a
	check_eq "an IPv4 overlap is still caught beside an IPv6 prefix" 1 \
		"$(r_ctl subnet add x prefix 10.0.2.0/25 ipv6-prefix 2001:db8:d::/64 \
			az a >/dev/null 2>&1; echo $?)"
	check_eq "no prefix at all: a usage error (2)" 2 \
		"$(r_ctl subnet add x az a >/dev/null 2>&1; echo $?)"
	check_fail_with 'missing "prefix" or "ipv6-prefix"' -- r_ctl subnet add x az a
	check_eq "length 125: a usage error (2)" 2 \
		"$(r_ctl subnet add x ipv6-prefix 2001:db8:d::/125 az a \
			>/dev/null 2>&1; echo $?)"
	check_eq "nothing was added" 3 \
		"$(r_ctl -j subnet show | pl_jq '.subnets | length')"
}

test_pick()
{
	check_ok "a dualstack endpoint" -- r_ctl endpoint add e1 service svc \
		ip-address-type dualstack subnet s46 || return 1
	check_match "IPv4 .4, and IPv6 ::5: ::0-::3 are reserved, ::4 is the router's" \
		'^ +eni s46 ip 10\.0\.2\.4 ipv6 2001:db8:b::5 az b .* state available' \
		"$(eni_line e1 s46)"
	check_ok "an IPv6 endpoint in two subnets" -- r_ctl endpoint add e2 \
		service svc ip-address-type ipv6 subnet s6 subnet s46 || return 1
	check_match "s6: ::4" '^ +eni s6 ipv6 2001:db8:c::4 az c ' \
		"$(eni_line e2 s6)"
	check_match "s46: ::6, and no IPv4 address" '^ +eni s46 ipv6 2001:db8:b::6 az b ' \
		"$(eni_line e2 s46)"
	check_eq "JSON: the type, and no ip" 'ipv6 null 2001:db8:c::4' \
		"$(r_ctl -j endpoint show e2 |
			pl_jq -r '.endpoints[0] | "\(."ip-address-type") \(.eni[0].ip) \(.eni[0].ipv6)"')"
	check_match "an IPv4 endpoint's line has no type" \
		'^e3 service svc state available dns [^ ]+ private-dns off$' \
		"$(r_ctl endpoint add e3 service svc subnet s4 >/dev/null &&
			r_ctl endpoint show e3 | head -1)"
	check_match "stats name an IPv6-only ENI by its IPv6 address" \
		'^ +eni 2001:db8:c::4 az c ' "$(r_ctl stats show endpoint e2)"
	check_match "and a dualstack one by both" \
		'^ +eni 10\.0\.2\.4 ipv6 2001:db8:b::5 az b ' \
		"$(r_ctl stats show endpoint e1)"
	check_match "the metrics' eni label: the IPv6 address of an IPv6-only ENI" \
		'^pl_endpoint_new_connections_total\{endpoint="e2",.*eni="2001:db8:c::4"' \
		"$(r_ctl stats show endpoint e2 -o prometheus)"
	check_match "and the IPv4 address of a dualstack one" \
		'^pl_endpoint_new_connections_total\{endpoint="e1",.*eni="10\.0\.2\.4"' \
		"$(r_ctl stats show endpoint e1 -o prometheus)"
	# s6 is a /124: ::4 to ::e are free, ::f is reserved.
	local i out
	for i in $(seq 5 14); do
		out=$(r_ctl endpoint add "f$i" service svc ip-address-type ipv6 \
			subnet s6 2>&1) || break
	done
	check_eq "ten more fit in s6" "" "$out"
	check_match "the last one is ::e" 'ipv6 2001:db8:c::e ' "$(eni_line f14 s6)"
	check_fail_with 'Error: subnet "s6" has no free IPv6 address' -- \
		r_ctl endpoint add f15 service svc ip-address-type ipv6 subnet s6
	check_eq "s6 holds 11 ENIs, none on ::f" "11 0" \
		"$(r_ctl -j endpoint show | pl_jq -r '[.endpoints[].eni[] | select(.subnet == "s6")] |
			"\(length) \([.[] | select(.ipv6 == "2001:db8:c::f")] | length)"')"
	for i in $(seq 5 14); do
		r_ctl endpoint del "f$i" || return 1
	done
}

# refused WHAT REGEX ARGS...: endpoint add x ARGS fails so, and adds nothing.
refused()
{
	local what=$1 re=$2
	shift 2
	check_fail_with "Error: $re" -- r_ctl endpoint add x service svc "$@"
	check_eq "$what: exit status 1" 1 \
		"$(r_ctl endpoint add x service svc "$@" >/dev/null 2>&1; echo $?)"
	check_fail_with 'does not exist' -- r_ctl endpoint show x
}

test_refused()
{
	refused "outside" '2001:db8:d::9 is outside subnet "s46" \(2001:db8:b::/64\)' \
		ip-address-type dualstack subnet s46 ipv6 2001:db8:d::9
	refused "reserved" '2001:db8:b::3 is reserved in subnet "s46"' \
		ip-address-type ipv6 subnet s46 ipv6 2001:db8:b::3
	refused "the last" '2001:db8:c::f is reserved in subnet "s6"' \
		ip-address-type ipv6 subnet s6 ipv6 2001:db8:c::f
	refused "the router's" '2001:db8:b::4 is an address of this router \(dev d0\)' \
		ip-address-type ipv6 subnet s46 ipv6 2001:db8:b::4
	refused "another endpoint's" '2001:db8:b::5 is taken by endpoint "e1"' \
		ip-address-type ipv6 subnet s46 ipv6 2001:db8:b::5
	refused "IPv4 in an ipv6 endpoint" \
		'an endpoint of ip-address-type ipv6 has no IPv4 address' \
		ip-address-type ipv6 subnet s46 ip 10.0.2.9
	refused "IPv6 in an ipv4 endpoint" \
		'an endpoint of ip-address-type ipv4 has no IPv6 address' \
		subnet s46 ipv6 2001:db8:b::9
	refused "dualstack in an IPv4 subnet" \
		'subnet "s4" has no IPv6 prefix, which an endpoint of ip-address-type dualstack needs' \
		ip-address-type dualstack subnet s4
	refused "ipv4 in an IPv6 subnet" \
		'subnet "s6" has no IPv4 prefix, which an endpoint of ip-address-type ipv4 needs' \
		subnet s6
	refused "a later ENI's failure undoes the earlier ones" \
		'2001:db8:b::5 is taken by endpoint "e1"' \
		ip-address-type ipv6 subnet s6 ipv6 2001:db8:c::9 subnet s46 ipv6 2001:db8:b::5
	check_ok "the earlier ENI's address is free again" -- r_ctl endpoint add x \
		service svc ip-address-type ipv6 subnet s6 ipv6 2001:db8:c::9
	r_ctl endpoint del x
	check_eq "a type that is none of the three: usage error (2)" 2 \
		"$(r_ctl endpoint add x service svc ip-address-type ipv5 subnet s46 \
			>/dev/null 2>&1; echo $?)"
}

test_sources()
{
	check_ok "an IPv6 source in zone b" -- \
		r_ctl service source add svc 2001:db8:b::20 az b || return 1
	check_ok "and an IPv4 one" -- r_ctl service source add svc 192.0.2.1 az b
	check_match "both shown, the IPv6 one without an address state" \
		'^ +source 2001:db8:b::20 az b$' "$(r_ctl service show svc)"
	check_match "JSON: address" '"address":"2001:db8:b::20"' \
		"$(r_ctl -j service show svc)"
	check_fail_with 'Error: service "svc" has source 2001:db8:b::20 in AZ "b" already' -- \
		r_ctl service source add svc 2001:db8:b::21 az b
	check_fail_with 'Error: 2001:db8:b::5 is taken by endpoint "e1"' -- \
		r_ctl service source add svc 2001:db8:b::5 az a
	check_fail_with 'Error: 2001:db8:b::4 is an address of this router \(dev d0\)' -- \
		r_ctl service source add svc 2001:db8:b::4 az a
	check_fail_with 'Error: 2001:db8:b::20 is a source address of service "svc"' -- \
		r_ctl endpoint add x service svc ip-address-type ipv6 subnet s46 \
		ipv6 2001:db8:b::20
	check_fail_with 'ADDRESS "2001:db8::g" is not an IPv4 or IPv6 address' -- \
		r_ctl service source add svc 2001:db8::g az a
	check_ok "removed" -- r_ctl service source del svc 2001:db8:b::20
	check_fail_with 'Error: service "svc" has no source 2001:db8:b::20' -- \
		r_ctl service source del svc 2001:db8:b::20
	check_ok "and given to another zone" -- \
		r_ctl service source add svc 2001:db8:b::20 az c
}

test_allow()
{
	# The issue's line as it stands: both addresses given, allow prefixes.
	check_ok "an endpoint with IPv4 and IPv6 allowed prefixes" -- \
		r_ctl endpoint add x service svc ip-address-type dualstack \
		subnet s46 ip 10.0.2.30 ipv6 2001:db8:b::30 \
		allow 10.0.0.0/8 allow 2001:db8:100::/40 \
		allow 2001:db8:200::1 || return 1
	check_match "both given addresses taken" \
		'^ +eni s46 ip 10\.0\.2\.30 ipv6 2001:db8:b::30 az b ' \
		"$(r_ctl endpoint show x)"
	check_eq "shown, an address alone as a /128" \
		'allow 10.0.0.0/8|allow 2001:db8:100::/40|allow 2001:db8:200::1/128|' \
		"$(r_ctl endpoint show x | grep -o 'allow [^ ]*' | tr '\n' '|')"
	check_ok "allow add" -- r_ctl endpoint allow add x ::/0
	check_fail_with 'Error: endpoint "x" allows ::/0 already' -- \
		r_ctl endpoint allow add x ::/0
	check_fail_with 'Error: 2001:db8:300::1/40 has host bits set' -- \
		r_ctl endpoint allow add x 2001:db8:300::1/40
	check_fail_with 'Error: endpoint "x" does not allow 2001:db8:300::/40' -- \
		r_ctl endpoint allow del x 2001:db8:300::/40
	check_fail_with 'allow prefix "2001:db8::/129" is not an IPv6 prefix' -- \
		r_ctl endpoint allow add x 2001:db8::/129
	check_ok "allow del" -- r_ctl endpoint allow del x 2001:db8:100::/40
	check_eq "JSON" '["10.0.0.0/8","2001:db8:200::1/128","::/0"]' \
		"$(r_ctl -j endpoint show x | pl_jq -c '.endpoints[0].allow')"
	check_fail_with 'is not an IPv4 prefix' -- r_ctl dns consumer add 2001:db8::/32
	r_ctl endpoint del x
}

test_release_move()
{
	local f=$PL_TMP/move.conf
	r_ctl endpoint del e1 || return 1
	check_ok "a deleted endpoint's IPv6 address can be given again" -- \
		r_ctl endpoint add e4 service svc ip-address-type ipv6 subnet s46 \
		ipv6 2001:db8:b::5 || return 1
	r_ctl save | sed 's/^endpoint add e4 .*/endpoint add e4 service svc ip-address-type ipv6 subnet s46 ipv6 2001:db8:b::7/
		s/^endpoint add e2 .*/endpoint add e2 service svc ip-address-type ipv6 subnet s6 ipv6 2001:db8:c::4 subnet s46 ipv6 2001:db8:b::5/' >"$f"
	check_ok "one apply moves ::5 from e4 to e2" -- r_ctl apply "$f"
	check_match "e2 has ::5" 'ipv6 2001:db8:b::5 ' "$(eni_line e2 s46)"
	check_match "e4 has ::7" 'ipv6 2001:db8:b::7 ' "$(eni_line e4 s46)"
	check_eq "and a second apply changes nothing" "" "$(r_ctl diff "$f")"
}

test_save_digest()
{
	local f=$PL_TMP/saved.conf g=$PL_TMP/other.conf
	r_ctl save >"$f" || return 1
	check_ok "the saved file applies into a fresh namespace" -- \
		pl_ctl -n "$R2" apply "$f" || return 1
	check_eq "which saves the same" "$(grep -v '^#' "$f")" \
		"$(pl_ctl -n "$R2" save | grep -v '^#')"
	check_eq "and has the same digest" "$(r_ctl config digest)" \
		"$(pl_ctl -n "$R2" config digest)"
	check_eq "diff: nothing" "" "$(r_ctl diff "$f")"
	# Another order: zones, subnets and endpoints reversed, each endpoint
	# available at once (the service is auto from the start).
	{
		grep -E '^(limits|az add)' "$f" | tac
		grep '^subnet add' "$f" | tac
		echo "service add svc port 80 acceptance auto"
		grep '^service source add' "$f" | tac
		grep '^endpoint add' "$f" | tac
	} >"$g"
	pl_ctl -n "$R2" apply /dev/null >/dev/null
	check_ok "built in another order" -- pl_ctl -n "$R2" apply "$g"
	check_eq "the same digest" "$(r_ctl config digest)" \
		"$(pl_ctl -n "$R2" config digest)"
	sed -i 's/ipv6 2001:db8:b::7/ipv6 2001:db8:b::8/' "$g"
	check_ok "one IPv6 address changed" -- pl_ctl -n "$R2" apply "$g"
	check_nomatch "another digest" "^$(r_ctl config digest)\$" \
		"$(pl_ctl -n "$R2" config digest)"
	sed -i 's/^subnet add s6 ipv6-prefix 2001:db8:c::\/124/subnet add s6 prefix 10.0.3.0\/24 ipv6-prefix 2001:db8:c::\/124/' "$g"
	check_ok "an IPv4 prefix added to s6" -- pl_ctl -n "$R2" apply "$g"
	check_match "s6 is dual-stack now" 'prefix 10.0.3.0/24 ipv6-prefix 2001:db8:c::/124' \
		"$(pl_ctl -n "$R2" subnet show s6)"
}

PL_TMP=$(mktemp -d)
pl_defer rm -rf "$PL_TMP"
pl_kmsg_mark ipv6
pl_subtest "subnets: an IPv4 prefix, an IPv6 one, or both" test_subnets
pl_subtest "IPv6 ENI addresses are picked past the reserved and the router's" test_pick
pl_subtest "bad IPv6 ENI addresses and families are refused, changing nothing" test_refused
pl_subtest "IPv6 source addresses: one per family and zone" test_sources
pl_subtest "allowed prefixes of either family" test_allow
pl_subtest "IPv6 addresses are given back, and moved in one apply" test_release_move
pl_subtest "save, apply, diff and the digest with IPv6" test_save_digest
check_kmsg_clean || true
ktap_finished
