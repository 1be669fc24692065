#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pl-ctl diff --from OLD NEW, on the host, without the kernel: for each
# case, the ops printed must be those expected, and OLD followed by them
# must model as NEW (diff --from of the two prints nothing). Exits 1 on any
# mismatch.
#
#   tools/pl-ctl/test-diff.sh [PL_CTL]

set -u
here=$(cd "$(dirname "$0")" && pwd)
ctl=${1:-$here/pl-ctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tools/pl-ctl/test-lib.sh
source "$here/test-lib.sh"

# The base configuration most cases change.
base()
{
	cat <<-'CONF'
	limits set max-backends 1000
	az add az-a id use1-az1
	az add az-b id use1-az2
	subnet add sn-a prefix 10.0.1.0/24 az az-a dev lo
	subnet add sn-b prefix 10.0.2.0/24 az az-b
	service add web port 443:8443 port 80 acceptance manual
	service source add web 192.0.2.1 az az-a
	service source add web 192.0.2.2 az az-b
	backend add web 10.9.1.10 az az-a
	backend add web 10.9.2.10 az az-b weight 2
	endpoint add ep1 service web subnet sn-a ip 10.0.1.5 subnet sn-b ip 10.0.2.50 allow 10.0.0.0/16
	endpoint accept ep1
	endpoint add ep2 service web subnet sn-a ip 10.0.1.6
	service set web acceptance auto
	CONF
}

# check NAME OLD NEW EXPECTED: diff --from OLD NEW prints EXPECTED, and
# OLD then those ops model as NEW.
check()
{
	local name=$1 out rc
	printf '%s\n' "$2" >"$tmp/old"
	printf '%s\n' "$3" >"$tmp/new"
	out=$("$ctl" diff --from "$tmp/old" "$tmp/new" 2>&1)
	rc=$?
	if [ $rc != 0 ] || [ "$out" != "$4" ]; then
		not_ok "$name"
		echo "# exit status $rc; expected:"
		printf '%s\n' "$4" | sed 's/^/#   /'
		echo "# got:"
		printf '%s\n' "$out" | sed 's/^/#   /'
		return
	fi
	{ cat "$tmp/old"; printf '%s\n' "$out"; } >"$tmp/applied"
	out=$("$ctl" diff --from "$tmp/applied" "$tmp/new" 2>&1)
	rc=$?
	if [ $rc != 0 ] || [ -n "$out" ]; then
		not_ok "$name: the ops lead to the new file"
		printf '%s\n' "$out" | sed 's/^/#   /'
		return
	fi
	ok "$name"
}

# check_err NAME STATUS REGEX FILE: diff --from /dev/null FILE fails so.
check_err()
{
	local out rc
	printf '%s\n' "$4" >"$tmp/bad"
	out=$("$ctl" diff --from /dev/null "$tmp/bad" 2>&1)
	rc=$?
	if [ $rc = "$2" ] && [[ $out =~ $3 ]]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# exit status $rc (want $2): $out"
	fi
}

B=$(base)

check "identical files: nothing" "$B" "$B" ""
check "independent lines in another order: nothing" "$B" \
	"$(base | sed -n '1,8p;10p;9p;11,$p' | sed '2{h;d};3{G}')" ""
check "a comment and blank lines: nothing" "$B" \
	"$(printf '# a comment\n\n%s\n   # indented\n' "$B")" ""
check "weight change: one set" "$B" \
	"$(base | sed 's/^backend add web 10.9.1.10 az az-a$/& weight 3/')" \
	"backend set web 10.9.1.10 weight 3"
check "weight set later in the file: one set" "$B" \
	"$(base; echo 'backend set web 10.9.2.10 weight 5')" \
	"backend set web 10.9.2.10 weight 5"
check "drain: one set" "$B" \
	"$(base; echo 'backend set web 10.9.2.10 state drain')" \
	"backend set web 10.9.2.10 state drain"
check "backend AZ change: del and add" "$B" \
	"$(base | sed 's/^backend add web 10.9.1.10 az az-a$/backend add web 10.9.1.10 az az-b/')" \
	"backend del web 10.9.1.10
backend add web 10.9.1.10 az az-b weight 1"
check "backend port change: del and add" "$B" \
	"$(base | sed 's/^backend add web 10.9.1.10 az az-a$/& port 8080/')" \
	"backend del web 10.9.1.10
backend add web 10.9.1.10 az az-a port 8080 weight 1"
check "removed backend: del" "$B" "$(base | grep -v 10.9.2.10)" \
	"backend del web 10.9.2.10"
check "removed endpoint: del" "$B" "$(base | grep -v ep2)" \
	"endpoint del ep2"
check "an ENI without ip matches any" "$B" \
	"$(base | sed 's/ ip 10.0.1.6//')" ""
check "ENI IP change: del and add" "$B" \
	"$(base | sed 's/ip 10.0.1.6/ip 10.0.1.7/')" \
	"endpoint del ep2
service set web acceptance manual
endpoint add ep2 service web subnet sn-a ip 10.0.1.7
service set web acceptance auto"
check "allowed prefixes: add and del, in place" "$B" \
	"$(base | sed 's|allow 10.0.0.0/16|allow 10.1.0.0/16 allow 10.2.0.0/16|')" \
	"endpoint allow del ep1 10.0.0.0/16
endpoint allow add ep1 10.1.0.0/16
endpoint allow add ep1 10.2.0.0/16"
check "allow add and del lines later in the file" "$B" \
	"$(base; echo 'endpoint allow add ep1 10.3.0.0/16'; echo 'endpoint allow del ep1 10.0.0.0/16')" \
	"endpoint allow del ep1 10.0.0.0/16
endpoint allow add ep1 10.3.0.0/16"
check "pending to accepted: accept" "$B" \
	"$(base; echo 'endpoint accept ep2')" \
	"endpoint accept ep2"
check "pending to rejected: reject" "$B" \
	"$(base; echo 'endpoint reject ep2')" \
	"endpoint reject ep2"
check "available to rejected: reject" "$B" \
	"$(base; echo 'endpoint reject ep1')" \
	"endpoint reject ep1"
check "available to pending: del and add, under manual" "$B" \
	"$(base | grep -v 'endpoint accept ep1')" \
	"endpoint del ep1
service set web acceptance manual
endpoint add ep1 service web subnet sn-a ip 10.0.1.5 subnet sn-b ip 10.0.2.50 allow 10.0.0.0/16
service set web acceptance auto"
check "rejected to available: del, and add to an auto service" \
	"$(base; echo 'endpoint reject ep2')" "$(base; echo 'endpoint accept ep2')" \
	"endpoint del ep2
endpoint add ep2 service web subnet sn-a ip 10.0.1.6"
check "rejected to available, manual service: del, add, accept" \
	"$(base | grep -v 'acceptance auto'; echo 'endpoint reject ep2')" \
	"$(base | grep -v 'acceptance auto'; echo 'endpoint accept ep2')" \
	"endpoint del ep2
endpoint add ep2 service web subnet sn-a ip 10.0.1.6
endpoint accept ep2"
check "new endpoint of an auto service: available at once" "$B" \
	"$(base; echo 'endpoint add ep3 service web subnet sn-b')" \
	"endpoint add ep3 service web subnet sn-b"
check "acceptance and settings: one set" "$B" \
	"$(base | sed 's/acceptance auto$/acceptance manual cross-zone on idle-timeout 60/')" \
	"service set web acceptance manual cross-zone on idle-timeout 60"
check "listeners change: the service and its dependents again" "$B" \
	"$(base | sed 's/port 443:8443 port 80/port 443:8443/')" \
	"endpoint del ep1
endpoint del ep2
service del web
service add web port 443:8443 acceptance manual cross-zone off idle-timeout 350
service source add web 192.0.2.1 az az-a
service source add web 192.0.2.2 az az-b
backend add web 10.9.1.10 az az-a weight 1
backend add web 10.9.2.10 az az-b weight 2
endpoint add ep1 service web subnet sn-a ip 10.0.1.5 subnet sn-b ip 10.0.2.50 allow 10.0.0.0/16
endpoint add ep2 service web subnet sn-a ip 10.0.1.6
service set web acceptance auto
endpoint accept ep1"
check "listeners in another order: nothing" "$B" \
	"$(base | sed 's/port 443:8443 port 80/port 80 port 443:8443/')" ""
check "subnet prefix change: the subnet and its endpoints again" "$B" \
	"$(base | sed 's|10.0.2.0/24|10.0.3.0/24|; s/ip 10.0.2.50/ip 10.0.3.50/')" \
	"endpoint del ep1
subnet del sn-b
subnet add sn-b prefix 10.0.3.0/24 az az-b
endpoint add ep1 service web subnet sn-a ip 10.0.1.5 subnet sn-b ip 10.0.3.50 allow 10.0.0.0/16"
check "IPv6 prefix added to a subnet: the subnet and its endpoints again" "$B" \
	"$(base | sed 's|^subnet add sn-b prefix 10.0.2.0/24|& ipv6-prefix 2001:db8:2::/64|')" \
	"endpoint del ep1
subnet del sn-b
subnet add sn-b prefix 10.0.2.0/24 ipv6-prefix 2001:db8:2::/64 az az-b
endpoint add ep1 service web subnet sn-a ip 10.0.1.5 subnet sn-b ip 10.0.2.50 allow 10.0.0.0/16"
D6="$(base; printf '%s\n' 'subnet add sn-c ipv6-prefix 2001:db8:3::/64 az az-a' \
	'endpoint add ep6 service web ip-address-type ipv6 subnet sn-c ipv6 2001:db8:3::10')"
check "an IPv6-only subnet and endpoint: added" "$B" "$D6" \
	"subnet add sn-c ipv6-prefix 2001:db8:3::/64 az az-a
endpoint add ep6 service web ip-address-type ipv6 subnet sn-c ipv6 2001:db8:3::10"
check "an ENI without ipv6 matches any" "$D6" "$(sed 's/ ipv6 2001:db8:3::10//' <<<"$D6")" ""
check "ENI IPv6 change: del and add" "$D6" "$(sed 's/2001:db8:3::10$/2001:db8:3::11/' <<<"$D6")" \
	"endpoint del ep6
endpoint add ep6 service web ip-address-type ipv6 subnet sn-c ipv6 2001:db8:3::11"
check "ip-address-type change: del and add" "$D6" \
	"$(sed 's/^subnet add sn-c /&prefix 10.0.3.0\/24 /; s/type ipv6 subnet sn-c ipv6/type dualstack subnet sn-c ipv6/' <<<"$D6")" \
	"endpoint del ep6
subnet del sn-c
subnet add sn-c prefix 10.0.3.0/24 ipv6-prefix 2001:db8:3::/64 az az-a
endpoint add ep6 service web ip-address-type dualstack subnet sn-c ipv6 2001:db8:3::10"
check "an IPv6 source beside an IPv4 one in a zone: added" "$B" \
	"$(base; echo 'service source add web 2001:db8:ff::1 az az-a')" \
	"service source add web 2001:db8:ff::1 az az-a"
check "IPv6 source change: del and add" \
	"$(base; echo 'service source add web 2001:db8:ff::1 az az-a')" \
	"$(base; echo 'service source add web 2001:db8:ff::2 az az-a')" \
	"service source del web 2001:db8:ff::1
service source add web 2001:db8:ff::2 az az-a"
check "allowed IPv6 prefixes: add and del, in place" \
	"$(base | sed 's|allow 10.0.0.0/16|& allow 2001:db8:1::/48|')" \
	"$(base | sed 's|allow 10.0.0.0/16|& allow 2001:db8:2::/48 allow ::/0|')" \
	"endpoint allow del ep1 2001:db8:1::/48
endpoint allow add ep1 2001:db8:2::/48
endpoint allow add ep1 ::/0"
check "subnet probe: one set" "$B" \
	"$(base | sed 's/^subnet add sn-b .*/& probe off/')" \
	"subnet set sn-b probe off"
H="health protocol http port 8081 path /h matcher 200-299 interval 10 timeout 5 healthy-threshold 3 unhealthy-threshold 2"
check "health: one set, with every member" "$B" \
	"$(base; echo "service set web $H")" \
	"service set web $H"
check "health: tcp keeps the numbers, drops path and matcher" \
	"$(base; echo "service set web $H")" \
	"$(base; echo "service set web $H"; echo 'service set web health protocol tcp')" \
	"service set web health protocol tcp port 8081 interval 10 timeout 5 healthy-threshold 3 unhealthy-threshold 2"
check "health: off, and unhealthy termination off" \
	"$(base; echo "service set web $H")" \
	"$(base; echo 'service set web unhealthy-termination off')" \
	"service set web unhealthy-termination off health off"
check "health: a new service with its health checks" "$B" \
	"$(base; echo 'service add db port 5432 health protocol tcp')" \
	"service add db port 5432 acceptance manual cross-zone off idle-timeout 350 health protocol tcp port traffic-port interval 30 timeout 10 healthy-threshold 5 unhealthy-threshold 2"
check "AZ state: one set" "$B" "$(base; echo 'az set az-b state down')" \
	"az set az-b state down"
check "AZ zone id change: the AZ and what is in it again" "$B" \
	"$(base | sed 's/use1-az2/use1-az9/')" \
	"endpoint del ep1
backend del web 10.9.2.10
service source del web 192.0.2.2
subnet del sn-b
az del az-b
az add az-b id use1-az9
subnet add sn-b prefix 10.0.2.0/24 az az-b
service source add web 192.0.2.2 az az-b
backend add web 10.9.2.10 az az-b weight 2
endpoint add ep1 service web subnet sn-a ip 10.0.1.5 subnet sn-b ip 10.0.2.50 allow 10.0.0.0/16"
check "source AZ change: del and add" "$B" \
	"$(base | sed 's/192.0.2.2 az az-b/192.0.2.3 az az-b/')" \
	"service source del web 192.0.2.2
service source add web 192.0.2.3 az az-b"
check "limits: one set" "$B" \
	"$(base | sed 's/max-backends 1000/max-backends 2000 max-flows 10/')" \
	"limits set max-backends 2000 max-flows 10"
check "limits the file does not set: left alone" "$B" \
	"$(base | grep -v limits)" ""
# Private DNS: a service's name, endpoints on by default, as on AWS.
named()
{
	base | sed 's/^service add web port 443:8443 port 80 acceptance manual$/& private-dns API.Example.com./
		s/^endpoint add ep2 service web subnet sn-a ip 10.0.1.6$/& private-dns off/'
}
check "private DNS name: a set, and the endpoint that takes it" "$B" \
	"$(named)" \
	"service set web private-dns api.example.com
endpoint set ep1 private-dns on"
check "private DNS name removed: none, and the endpoint off" "$(named)" \
	"$B" \
	"service set web private-dns none
endpoint set ep1 private-dns off"
check "private DNS name: a new endpoint keeps its switch" "$(named | grep -v ep2)" \
	"$(named)" \
	"service set web acceptance manual
endpoint add ep2 service web subnet sn-a ip 10.0.1.6 private-dns off
service set web acceptance auto"
check "private DNS: from nothing, the default needs no word" "" \
	"$(named | sed -n '2,6p;11p;12p')" \
	"az add az-a id use1-az1
az add az-b id use1-az2
subnet add sn-a prefix 10.0.1.0/24 az az-a dev lo
subnet add sn-b prefix 10.0.2.0/24 az az-b
service add web port 443:8443 port 80 acceptance manual cross-zone off idle-timeout 350 private-dns api.example.com
endpoint add ep1 service web subnet sn-a ip 10.0.1.5 subnet sn-b ip 10.0.2.50 allow 10.0.0.0/16
endpoint accept ep1"
check "DNS settings: suffix and consumer prefixes" "$B" \
	"$(base; printf 'dns set suffix vpce.Example.internal\ndns consumer add 192.168.0.0/16\n')" \
	"dns set suffix vpce.example.internal
dns consumer add 192.168.0.0/16"
check "DNS settings the file does not have: the defaults" \
	"$(base; printf 'dns set suffix x.internal\ndns consumer add 192.168.0.0/16\n')" \
	"$B" \
	"dns set suffix vpce.internal
dns consumer del 192.168.0.0/16"
check "everything removed: deletes, dependents first" "$B" "" \
	"endpoint del ep1
endpoint del ep2
service del web
subnet del sn-a
subnet del sn-b
az del az-a
az del az-b"
check "from nothing: adds in dependency order" "" \
	"$(base | sed -n '2,3p;6,9p')" \
	"az add az-a id use1-az1
az add az-b id use1-az2
service add web port 443:8443 port 80 acceptance manual cross-zone off idle-timeout 350
service source add web 192.0.2.1 az az-a
service source add web 192.0.2.2 az az-b
backend add web 10.9.1.10 az az-a weight 1"

check_err "unknown reference: status 1, FILE:LINE" 1 \
	'bad:2: service "nope" does not exist' \
	"$(printf 'az add a\nbackend add nope 10.0.0.1 az a\n')"
check_err "duplicate: status 1, FILE:LINE" 1 'bad:2: AZ "a" exists already' \
	"$(printf 'az add a\naz add a\n')"
check_err "in use: status 1" 1 'bad:3: AZ "a" is in use' \
	"$(printf 'az add a\nsubnet add s prefix 10.0.0.0/24 az a\naz del a\n')"
check_err "accepting an available endpoint: status 1" 1 \
	'bad:5: endpoint "e" is available' \
	"$(printf 'az add a\nsubnet add s prefix 10.0.0.0/24 az a\nservice add v port 80 acceptance auto\nendpoint add e service v subnet s\nendpoint accept e\n')"
check_err "private-dns takes on or off: status 2" 2 \
	'bad:3: .*private-dns' \
	"$(printf 'az add a\nsubnet add s prefix 10.0.0.0/24 az a\nendpoint add e service x subnet s private-dns maybe\n')"
check_err "a subnet without a prefix: status 2" 2 \
	'bad:2: missing "prefix" or "ipv6-prefix"' \
	"$(printf 'az add a\nsubnet add s az a\n')"
check_err "an IPv6 prefix out of range: status 2" 2 \
	'bad:2: ipv6-prefix "2001:db8::/125": length 125 is out of range \(1 to 124\)' \
	"$(printf 'az add a\nsubnet add s ipv6-prefix 2001:db8::/125 az a\n')"
check_err "an IPv4 address as ipv6: status 2" 2 \
	'bad:3: ipv6 "10.0.0.9" is not an IPv6 address' \
	"$(printf 'az add a\nsubnet add s ipv6-prefix 2001:db8::/64 az a\nendpoint add e service v ip-address-type ipv6 subnet s ipv6 10.0.0.9\n')"
check_err "ipv6 twice for one subnet: status 2" 2 \
	'bad:1: "ipv6" given twice for subnet "s"' \
	"endpoint add e service v subnet s ipv6 2001:db8::9 ipv6 2001:db8::10"
check_err "ipv6 before any subnet: status 2" 2 \
	'bad:1: "ipv6" must follow "subnet SUBNET"' \
	"endpoint add e service v ipv6 2001:db8::9 subnet s"
check_err "two IPv6 sources in a zone: status 1" 1 \
	'bad:4: service "v" has source 2001:db8::1 in AZ "a" already' \
	"$(printf 'az add a\nservice add v port 80\nservice source add v 2001:db8::1 az a\nservice source add v 2001:db8::2 az a\n')"
check_err "a source that is no address: status 2" 2 \
	'bad:1: ADDRESS "10.0.0.256" is not an IPv4 or IPv6 address' \
	"service source add v 10.0.0.256 az a"
check_err "syntax: status 2, FILE:LINE" 2 'bad:1: port "0" is out of range' \
	"service add v port 0"
check_err "a command that changes nothing: status 2" 2 \
	'bad:1: "backend show" is not a command that changes the configuration' \
	"backend show"
check_err "sync is per router, no configuration: status 2" 2 \
	'bad:2: "sync set" is not a command that changes the configuration' \
	"$(printf 'az add a\nsync set node 1 local 10.9.0.1\n')"
check_err "unterminated quote: status 2" 2 'bad:1: unterminated quote' \
	"az add 'a"
# Names that the kernel refuses are refused at their line, in its words,
# rather than misread once the diff writes them back as plain words.
check_err "a name with a blank: status 1, the kernel's rule" 1 \
	"bad:1: AZ name \"a b\" holds ' ': use letters, digits, '.', '_' and '-'" \
	"az add 'a b'"
check_err "a name with a quote" 1 \
	"bad:2: service name \"v\"w\" holds '\"'" \
	"$(printf 'az add a\nservice add "v\\"w" port 80\n')"
check_err "a zone id with a blank" 1 "bad:1: zone id \"x y\" holds ' '" \
	"az add a id 'x y'"
check_err "a subnet id with a semicolon" 1 "bad:2: subnet id \"s;t\" holds ';'" \
	"$(printf 'az add a\nsubnet add "s;t" prefix 10.0.0.0/24 az a\n')"
check_err "an endpoint id with a blank" 1 "bad:2: endpoint id \"e 1\" holds ' '" \
	"$(printf 'service add v port 80\nendpoint add "e 1" service v subnet s\n')"
check_err "a private DNS name with a blank" 1 \
	"bad:1: private DNS name \"a b.example\" holds ' ': a DNS name" \
	"service add v port 80 private-dns 'a b.example'"
check_err "a DNS suffix with a quote" 1 "bad:1: DNS suffix \"a'b\" holds" \
	"dns set suffix \"a'b\""
# A path and a matcher are written back escaped, so that the kernel sees
# them as they were (and says what is wrong with them).
check "health path and matcher with blanks and quotes: escaped" "$B" \
	"$(base; echo "service set web health protocol http path '/a b\"c' matcher '#2 0'")" \
	"service set web health protocol http port traffic-port path /a\\ b\\\"c matcher \\#2\\ 0 interval 30 timeout 6 healthy-threshold 5 unhealthy-threshold 2"

# 60,000 backends: modelled and diffed in a few seconds.
{
	echo "az add a"
	echo "service add big port 80"
	for i in $(seq 0 59999); do
		echo "backend add big 10.$((i / 65536 + 1)).$((i / 256 % 256)).$((i % 256)) az a"
	done
} >"$tmp/big"
sed 's/^\(backend add big 10.1.0.7 az a\)$/\1 weight 9/' "$tmp/big" >"$tmp/big2"
start=$(date +%s)
out=$("$ctl" diff --from "$tmp/big" "$tmp/big2" 2>&1)
rc=$?
secs=$(($(date +%s) - start))
if [ $rc = 0 ] && [ "$out" = "backend set big 10.1.0.7 weight 9" ] &&
   [ $secs -lt 30 ]; then
	ok "60000 backends, one weight change: one set ($secs s)"
else
	not_ok "60000 backends, one weight change: one set"
	echo "# exit status $rc, $secs s: ${out:0:200}"
fi
out=$("$ctl" diff --from /dev/null "$tmp/big" | wc -l)
if [ "$out" = 60002 ]; then
	ok "60000 backends from nothing: 60002 adds"
else
	not_ok "60000 backends from nothing: $out ops"
fi

test_end
