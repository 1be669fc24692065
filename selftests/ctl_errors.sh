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
# Every number out of the range the spec gives it (ports 1 to 65535, a
# weight 0 to 256, an idle timeout 1 to 6000, a subnet's prefix length 1
# to 29, limits, 64 listeners and allowed prefixes at most) is a usage
# error, found before anything is sent.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 2

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
		pl_jq -r '.endpoints | map("\(.id)=\(.state)") | join(" ")'
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

# Values out of the range the spec gives their attribute: usage errors
# (status 2), found before anything is sent, naming the keyword and the
# range; the bounds themselves are taken.
test_ranges()
{
	local saved cmd re i ports="" allows=""
	local -a cases=(
		'service add svc2 port 0'		'port "0" is out of range \(1 to 65535\)'
		'service add svc2 port 70000'		'port "70000" is out of range \(1 to 65535\)'
		'service add svc2 port 80:0'		'target port "0" is out of range \(1 to 65535\)'
		'service add svc2 port 80:65536'	'target port "65536" is out of range \(1 to 65535\)'
		'service add svc2 port 80 idle-timeout 0' 'idle-timeout "0" is out of range \(1 to 6000\)'
		'service set svc idle-timeout 6001'	'idle-timeout "6001" is out of range \(1 to 6000\)'
		'backend add svc 10.9.0.1 az az-a port 0' 'port "0" is out of range \(1 to 65535\)'
		'backend add svc 10.9.0.1 az az-a port 70000' 'port "70000" is out of range \(1 to 65535\)'
		'backend add svc 10.9.0.1 az az-a weight 257' 'weight "257" is out of range \(0 to 256\)'
		'backend set svc 10.9.0.1 weight 99999999999' 'weight "99999999999" is out of range \(0 to 256\)'
		'limits set max-azs 0'			'max-azs "0" is out of range \(1 to 32\)'
		'limits set max-azs 33'			'max-azs "33" is out of range \(1 to 32\)'
		'limits set max-flows 0'		'max-flows "0" is out of range \(1 to 4294967295\)'
		'limits set max-subnets 4294967296'	'max-subnets "4294967296" is out of range \(1 to 4294967295\)'
		'subnet add sn-x prefix 10.0.9.0/30 az az-a' 'prefix "10.0.9.0/30": length 30 is out of range \(1 to 29\)'
		'subnet add sn-x prefix 0.0.0.0/0 az az-a' 'prefix "0.0.0.0/0": length 0 is out of range \(1 to 29\)'
		'endpoint add ep-x service svc subnet sn-a allow 10.0.0.0/33' 'allow prefix "10.0.0.0/33" is not an IPv4 prefix'
	)

	for ((i = 1; i <= 65; i++)); do
		ports+=" port $i"
		allows+=" allow 10.$i.0.0/16"
	done
	cases+=("service add svc2$ports" 'too many ports \(at most 64\)')
	cases+=("endpoint add ep-x service svc subnet sn-a$allows"
		'too many allow prefixes \(at most 64\)')

	saved=$(ctl save) || return 1
	for ((i = 0; i < ${#cases[@]}; i += 2)); do
		cmd=${cases[i]}
		re=${cases[i + 1]}
		# shellcheck disable=SC2086
		check_status "'${cmd:0:60}'" 2 "^pl-ctl: $re" -- ctl $cmd
		check_match "'${cmd:0:60}': the usage follows" '^Usage: pl-ctl ' "$PL_OUT"
	done
	check_eq "the usage errors changed nothing" "$saved" "$(ctl save)"

	# The bounds are values like any other.
	check_ok "service add, ports and idle timeout at their bounds" -- \
		ctl service add svc-max port 1:65535 port 65535:1 idle-timeout 6000
	check_ok "backend add, port and weight at their bounds" -- \
		ctl backend add svc-max 10.9.0.9 az az-a port 65535 weight 256
	check_ok "backend set, weight 0" -- ctl backend set svc-max 10.9.0.9 weight 0
	check_ok "service set, idle timeout 1" -- ctl service set svc-max idle-timeout 1
	# shellcheck disable=SC2086
	check_ok "service add, 64 ports" -- ctl service add svc-64${ports% port 65}
	check_ok "limits set, at their bounds" -- \
		ctl limits set max-azs 32 max-flows 4294967295
	check_ok "subnet add, a /29 and a /1" -- ctl -b - <<-EOF
		subnet add sn-29 prefix 10.0.9.0/29 az az-a
		subnet add sn-1 prefix 128.0.0.0/1 az az-a
	EOF
}

pl_subtest "ctl_errors: accept and reject only from the states AWS allows" \
	test_endpoint_states
pl_subtest "ctl_errors: values out of range are usage errors" test_ranges
ktap_finished
