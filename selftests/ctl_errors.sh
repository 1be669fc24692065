#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What pl-ctl says, and its exit status, when a command is wrong: 1 with
# the kernel's message when the kernel refuses it, 2 with a usage message
# when pl-ctl can tell without asking.
#
#   +----------------------------------------------+
#   | $NS: az-a, subnet sn-a, service svc (manual), |
#   |      endpoints ep-p, ep-a, ep-r               |
#   +----------------------------------------------+
#
# As on AWS: only a pending endpoint can be accepted, only a pending or an
# available one rejected; anything else is refused, changing nothing.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 1

pl_unload || ktap_exit_fail_msg "pl is loaded and cannot be unloaded"
pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
NS=""
pl_ns NS || ktap_exit_fail_msg "cannot create a network namespace"

ctl()
{
	pl_ctl -n "$NS" "$@"
}

# check_status DESC STATUS REGEX -- CMD...: CMD exits with STATUS, saying
# something that matches REGEX on standard error, and nothing on stdout.
check_status()
{
	local desc=$1 want=$2 re=$3 out err rc
	shift 3
	[ "$1" = -- ] && shift
	err=$(mktemp)
	out=$("$@" 2>"$err")
	rc=$?
	PL_OUT=$(cat "$err")
	rm -f "$err"
	check_eq "$desc: exit status" "$want" "$rc" || pl_indent <<<"$PL_OUT"
	check_match "$desc: the message" "$re" "$PL_OUT"
	check_eq "$desc: nothing on standard output" "" "$out"
}

# The endpoints' states, as "id=state ...".
states()
{
	ctl -j endpoint show |
		pl_jq -r 'map("\(.id)=\(.state)") | join(" ")'
}

test_endpoint_states()
{
	local saved
	check_ok "configure" -- ctl -b - <<-EOF || return 1
		az add az-a
		subnet add sn-a prefix 10.0.1.0/24 az az-a
		service add svc port 80 acceptance manual
		endpoint add ep-p service svc subnet sn-a
		endpoint add ep-a service svc subnet sn-a
		endpoint add ep-r service svc subnet sn-a
		endpoint accept ep-a
		endpoint reject ep-r
	EOF
	check_eq "the endpoints' states" \
		"ep-p=pending-acceptance ep-a=available ep-r=rejected" "$(states)" ||
		return 1
	saved=$(ctl save)

	check_status "accept an available endpoint" 1 \
		'^Error: endpoint "ep-a" is available, not pending-acceptance: only a pending endpoint can be accepted' \
		-- ctl endpoint accept ep-a
	check_status "accept a rejected endpoint" 1 \
		'^Error: endpoint "ep-r" is rejected, not pending-acceptance: only a pending endpoint can be accepted' \
		-- ctl endpoint accept ep-r
	check_status "reject a rejected endpoint" 1 \
		'^Error: endpoint "ep-r" is rejected already: only a pending or available endpoint can be rejected' \
		-- ctl endpoint reject ep-r
	check_eq "the refusals changed nothing" "$saved" "$(ctl save)"

	check_ok "reject an available endpoint" -- ctl endpoint reject ep-a
	check_ok "accept a pending endpoint" -- ctl endpoint accept ep-p
	check_eq "the endpoints' states after" \
		"ep-p=available ep-a=rejected ep-r=rejected" "$(states)"
	check_status "accept it again" 1 'is available, not pending-acceptance' \
		-- ctl endpoint accept ep-p
}

pl_subtest "ctl_errors: accept and reject only from the states AWS allows" \
	test_endpoint_states
ktap_finished
