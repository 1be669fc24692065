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
pl_require_cmd jq
ktap_set_plan 6

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
	check_ok "create objects with one --multi request" -- ynl --output-json \
		--multi az-add '{"name": "az-a", "zone-id": "use1-az1"}' \
		--multi az-add '{"name": "az-b"}' \
		--multi service-add '{"name": "svc", "acceptance": "auto",
			"listener": [{"port": 80, "target-port": 8080}, {"port": 443}]}' \
		--multi backend-add "{\"service\": \"svc\", \"address\": $(pl_ip4 10.0.0.1),
			\"az\": \"az-a\", \"weight\": 5}" \
		--multi backend-add "{\"service\": \"svc\", \"address\": $(pl_ip4 10.0.0.2),
			\"az\": \"az-b\"}" || return 1
	check_eq "what the kernel holds" \
		"azs=2 subnets=0 services=1 backends=2 endpoints=0" \
		"$(pl_helper_ns "$ns" usage azs subnets services backends endpoints)"
}

test_get()
{
	ynl_wait get || return 1
	check_eq "az-get: name, zone id, state" "az-a use1-az1 up" \
		"$(jq -r '.[0] | "\(.name) \(."zone-id") \(.state)"' <<<"$PL_OUT")"
	check_eq "service-get: acceptance, listeners, backends" "auto 80>8080 443>443 2" \
		"$(jq -r '.[1] | "\(.acceptance) \(.listener | map("\(.port)>\(."target-port")") | join(" ")) \(.backends)"' <<<"$PL_OUT")"
	check_eq "limits-get: max AZs, AZs, backends" "32 2 2" \
		"$(jq -r '.[2] | "\(."max-azs") \(.azs) \(.backends)"' <<<"$PL_OUT")"
}

test_dump()
{
	ynl_wait dump || return 1
	check_eq "backends dumped: address az weight state" \
		"10.0.0.1 az-a 5 active,10.0.0.2 az-b 1 active" \
		"$(jq -r 'map("\(.address) \(.az) \(.weight) \(.state)") | join(",")' <<<"$PL_OUT")"
}

test_extack()
{
	if ynl_wait exists 1; then
		check_match "the error" "File exists" "$PL_OUT"
		check_match "the message" "'msg': 'AZ \"az-a\" already exists'" "$PL_OUT"
		check_match "the bad attribute, by name" "'bad-attr': '\\.name'" "$PL_OUT"
	fi
	if ynl_wait missing 1; then
		check_match "the error" "Invalid argument" "$PL_OUT"
		check_match "the message" "'msg': 'missing prefix'" "$PL_OUT"
		check_match "the missing attribute, by name" "'miss-type': 'prefix'" "$PL_OUT"
	fi
}

# Whether a netlink socket in $ns listens to multicast group $1 (visible
# in /proc/net/netlink for the first 32 groups only).
subscribed()
{
	local grp=$1 eth groups
	while read -r _ eth _ groups _; do
		[ "$eth" = 16 ] && (((16#$groups >> (grp - 1)) & 1)) && return 0
	done < <(ip netns exec "$ns" cat /proc/net/netlink)
	return 1
}

test_subscribe()
{
	local grp i

	grp=$(pl_helper_ns "$ns" mcgrp)
	if [ "${grp:-99}" -le 32 ]; then
		for ((i = 0; i < 600; i++)); do
			subscribed "$grp" && break
			kill -0 "$(cat "$out/ntf.pid")" 2>/dev/null || break
			sleep 0.2
		done
	else
		sleep 15	# cannot see it subscribe: give it time
	fi
	check_ok "create an AZ" -- pl_helper_ns "$ns" az-add az-ntf
	check_ok "delete it" -- pl_helper_ns "$ns" az-del az-ntf
	ynl_wait ntf || return 1
	check_eq "what the listener heard" \
		"az-add-ntf az-ntf up,az-del-ntf az-ntf up" \
		"$(jq -r 'map("\(.name) \(.msg.name) \(.msg.state)") | join(",")' <<<"$PL_OUT")"
}

test_delete()
{
	check_ok "delete it all with one --multi request" -- ynl \
		--multi backend-del "{\"service\": \"svc\", \"address\": $(pl_ip4 10.0.0.1)}" \
		--multi service-del '{"name": "svc"}' \
		--multi az-del '{"name": "az-a"}' \
		--multi az-del '{"name": "az-b"}' || return 1
	check_eq "what each dump returns" \
		"az=0 subnet=0 service=0 backend=0 endpoint=0" "$(pl_helper_ns "$ns" count)"
}

pl_subtest "ynl: do operations, several in one request" test_create

# What changes nothing runs at once, next to the listener.
ynl_bg ntf --output-json --subscribe config --sleep 5
ynl_bg get --output-json \
	--multi az-get '{"name": "az-a"}' \
	--multi service-get '{"name": "svc"}' \
	--multi limits-get '{}'
ynl_bg dump --output-json --dump backend-get --json '{"service": "svc"}'
ynl_bg exists --do az-add --json '{"name": "az-a"}'
ynl_bg missing --do subnet-add --json '{"id": "sn-a", "prefix-len": 24, "az": "az-a"}'

pl_subtest "ynl: --subscribe config" test_subscribe
pl_subtest "ynl: do operations with replies" test_get
pl_subtest "ynl: dump with a filter" test_dump
pl_subtest "ynl: extack decoded" test_extack
pl_subtest "ynl: deletions" test_delete
ktap_finished
