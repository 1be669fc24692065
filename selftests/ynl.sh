#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pl family driven by the kernel's YNL tooling (tools/net/ynl/cli.py)
# from nothing but Documentation/netlink/specs/pl.yaml: do operations
# (nested, multi-attr and enum attributes, several in one --multi request),
# dumps with a filter, errors whose extack cli.py decodes against the spec
# (the message, the bad attribute by name, the missing attribute by name),
# and notifications received with --subscribe config. This proves the spec
# usable by YNL tools.
#
#   +-----------------------------------------------------+
#   | $ns                                                 |
#   |                                                     |
#   |   cli.py --multi / --do / --dump      (requests)    |
#   |   cli.py --subscribe config           (listener)    |
#   |   pl_helper az-add / az-del           (changes)     |
#   |                                                     |
#   +-----------------------------------------------------+
#
# cli.py takes seconds to start in a TCG guest: the requests that do not
# change anything run in parallel, next to the listener.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_print_header
pl_require_root
pl_require_ynl
pl_require_cmd "$PL_JQ"
ktap_set_plan 5

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
ns=""
pl_ns ns || ktap_exit_fail_msg "cannot create a network namespace"
out=$(mktemp -d) || ktap_exit_fail_msg "mktemp failed"
pl_defer rm -rf "$out"

ynl()
{
	pl_ynl_ns "$ns" "$@"
}

# ynl_bg NAME ARGS: cli.py in the background, its output in $out/NAME and
# its exit status in $out/NAME.rc.
ynl_bg()
{
	local name=$1
	shift
	{ ynl "$@" >"$out/$name" 2>&1; echo $? >"$out/$name.rc"; } &
	echo $! >"$out/$name.pid"
}

# ynl_wait NAME: wait for it, and set PL_OUT to its output; fail if it
# does not exit with the expected status ($2, default 0).
ynl_wait()
{
	local name=$1 want=${2:-0}
	wait "$(cat "$out/$name.pid")"
	PL_OUT=$(cat "$out/$name")
	if ! check_eq "cli.py ($name) exit status" "$want" "$(cat "$out/$name.rc")"; then
		pl_indent <<<"$PL_OUT"
		return 1
	fi
}

test_create()
{
	ynl_wait create || return 1
	check_eq "what the kernel holds" \
		"azs=3 subnets=0 services=2 backends=3 endpoints=0" \
		"$(pl_helper_ns "$ns" usage azs subnets services backends endpoints)"
	# The replies of the last three requests.
	check_eq "az-get: name, zone id, state" "az-a use1-az1 up" \
		"$(pl_jq -r '.[8] | "\(.name) \(."zone-id") \(.state)"' <<<"$PL_OUT")"
	check_eq "service-get: acceptance, listeners, backends" "auto 80>8080 443>443 2" \
		"$(pl_jq -r '.[9] | "\(.acceptance) \(.listener | map("\(.port)>\(."target-port")") | join(" ")) \(.backends)"' <<<"$PL_OUT")"
	check_eq "limits-get: max AZs, AZs, backends" "32 3 3" \
		"$(pl_jq -r '.[10] | "\(."max-azs") \(.azs) \(.backends)"' <<<"$PL_OUT")"
}

test_extack()
{
	if ynl_wait bad_name 1; then
		check_match "the error" "Invalid argument" "$PL_OUT"
		check_match "the message" "'msg': 'AZ name \"bad name\" holds " "$PL_OUT"
		check_match "the bad attribute, by name" "'bad-attr': '\\.name'" "$PL_OUT"
	fi
	if ynl_wait missing 1; then
		check_match "the error" "Invalid argument" "$PL_OUT"
		check_match "the message" "'msg': 'missing prefix'" "$PL_OUT"
		check_match "the missing attribute, by name" "'miss-type': 'prefix'" "$PL_OUT"
	fi
}

test_dump()
{
	ynl_wait dump || return 1
	check_eq "backends dumped: address az weight state" \
		"10.0.0.1 az-a 5 active,10.0.0.2 az-b 1 active" \
		"$(pl_jq -r 'map("\(.address) \(.az) \(.weight) \(.state)") | join(",")' <<<"$PL_OUT")"
}

test_delete()
{
	ynl_wait delete || return 1
	check_eq "what each dump returns" \
		"az=2 subnet=0 service=1 backend=2 endpoint=0" "$(pl_helper_ns "$ns" count)"
}

# join_then_change GROUP, run in $ns: wait (up to 60 s) until a netlink
# socket there listens to multicast group GROUP (visible in
# /proc/net/netlink for the first 32 groups only), then create and delete
# an AZ at once; print how long it waited. One process in the namespace
# does both: in the debug kernel each "ip netns exec" takes seconds, and
# the listener listens for 10 s only.
join_then_change()
{
	local grp=$1 end=$((SECONDS + 60)) eth groups
	while ((SECONDS < end)); do
		while read -r _ eth _ groups _; do
			[ "$eth" = 16 ] && (((16#$groups >> (grp - 1)) & 1)) &&
				break 2
		done </proc/net/netlink
		sleep 0.1
	done
	if ((SECONDS >= end)); then
		echo "never joined group $grp in 60 s"
		return 1
	fi
	echo "joined group $grp after $((SECONDS + 60 - end)) s"
	"$PL_SELFTESTS/pl_helper" az-add az-ntf &&
		"$PL_SELFTESTS/pl_helper" az-del az-ntf
}

test_subscribe()
{
	local msg

	if [ "$grp" -le 32 ]; then
		msg=$(ip netns exec "$ns" bash -c "$(declare -f join_then_change)
			PL_SELFTESTS=$PL_SELFTESTS join_then_change $grp" 2>&1)
		check_eq "the listener joined, then an AZ came and went" 0 $? ||
			pl_indent <<<"$msg"
		ktap_print_msg "the listener $(head -n 1 <<<"$msg")"
	else
		ktap_print_msg "group $grp: cannot see the listener join it"
		sleep 20
		check_ok "create an AZ" -- pl_helper_ns "$ns" az-add az-ntf
		check_ok "delete it" -- pl_helper_ns "$ns" az-del az-ntf
	fi
	start_requests
	ynl_wait ntf || return 1
	# It may have heard the first requests' changes too.
	check_eq "what the listener heard of az-ntf" \
		"az-add-ntf az-ntf up,az-del-ntf az-ntf up" \
		"$(pl_jq -r 'map(select(.msg.name == "az-ntf") | "\(.name) \(.msg.name) \(.msg.state)") | join(",")' <<<"$PL_OUT")" ||
		pl_indent <<<"$PL_OUT"
}

# cli.py is slow to start in a TCG guest: the listener starts first, and
# the moment it has joined the group, the test makes its changes and starts
# the requests that do not depend on each other, all at once, while the
# listener waits out its --sleep. The listener looks at its own changes
# only (it may hear the requests' too).
grp=$(pl_helper_ns "$ns" mcgrp) || ktap_exit_fail_msg "cannot resolve the config group"
ynl_bg ntf --output-json --subscribe config --sleep "$( ((grp <= 32)) && echo 10 || echo 40)"

start_requests()
{
	ynl_bg create --output-json \
		--multi az-add '{"name": "az-a", "zone-id": "use1-az1"}' \
		--multi az-add '{"name": "az-b"}' \
		--multi az-add '{"name": "az-c"}' \
		--multi service-add '{"name": "svc", "acceptance": "auto",
			"listener": [{"port": 80, "target-port": 8080}, {"port": 443}]}' \
		--multi service-add '{"name": "svc2", "listener": [{"port": 25}]}' \
		--multi backend-add "{\"service\": \"svc\", \"address\": $(pl_ip4 10.0.0.1),
			\"az\": \"az-a\", \"weight\": 5}" \
		--multi backend-add "{\"service\": \"svc\", \"address\": $(pl_ip4 10.0.0.2),
			\"az\": \"az-b\"}" \
		--multi backend-add "{\"service\": \"svc2\", \"address\": $(pl_ip4 10.0.1.1),
			\"az\": \"az-c\"}" \
		--multi az-get '{"name": "az-a"}' \
		--multi service-get '{"name": "svc"}' \
		--multi limits-get '{}'
	ynl_bg bad_name --do az-add --json '{"name": "bad name"}'
	# (Not in a --multi request: there, 6.12's cli.py names a missing
	# attribute after the attribute set of the previous answer.)
	ynl_bg missing --do subnet-add --json '{"id": "sn-a", "prefix-len": 24, "az": "az-a"}'
}

pl_subtest "ynl: --subscribe config" test_subscribe
pl_subtest "ynl: do operations, several in one request, with replies" test_create
pl_subtest "ynl: extack decoded" test_extack

# The dump reads what the deletions leave alone.
ynl_bg dump --output-json --dump backend-get --json '{"service": "svc"}'
ynl_bg delete \
	--multi backend-del "{\"service\": \"svc2\", \"address\": $(pl_ip4 10.0.1.1)}" \
	--multi service-del '{"name": "svc2"}' \
	--multi az-del '{"name": "az-c"}'
pl_subtest "ynl: dump with a filter" test_dump
pl_subtest "ynl: deletions" test_delete
ktap_finished
