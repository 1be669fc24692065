#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pl-ctl's bash completion (tools/completion/pl-ctl), in a scripted bash
# session: the grammar from pl-ctl's own usage lines, the names from the
# configuration of the namespace -n names. Topology: see topo.sh (router
# r: AZs a b, subnet-a subnet-b, service svc with four backends,
# endpoint vpce-1).
#
#   - objects, commands, keywords and {choices} complete;
#   - an endpoint id, a service, a subnet, an AZ and a backend address
#     complete from the configuration in -n's namespace;
#   - -n completes the network namespaces.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 3

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

# complete WORD...: what a bash session offers for the last WORD, sorted.
complete_words()
{
	PATH=$(dirname "$(pl_ctl_path)"):$PATH bash --norc --noprofile -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_pl_ctl; printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' \
		- "$PL_TOP/tools/completion/pl-ctl" pl-ctl "$@"
}

test_grammar()
{
	check_eq "objects" \
		"apply az backend config diff dns endpoint flow health help limits monitor save service stats subnet sync" \
		"$(complete_words "")"
	check_eq "commands" "accept add allow del dns reject set show" \
		"$(complete_words endpoint "")"
	check_eq "keywords" "state weight" \
		"$(complete_words backend set svc 192.168.1.11 "")"
	check_eq "choices" "off on" "$(complete_words subnet set s probe "")"
	check_eq "a prefix" "stats" "$(complete_words -j sta)"
}

test_names()
{
	check_eq "an endpoint id" "vpce-1" \
		"$(complete_words -n "$R" endpoint del v)"
	check_eq "a service, after service" "svc" \
		"$(complete_words -n "$R" endpoint add e1 service "")"
	check_eq "a subnet, after subnet" "subnet-a subnet-b" \
		"$(complete_words -n "$R" endpoint add e1 service svc subnet "")"
	check_eq "an AZ" "a b" "$(complete_words -n "$R" az set "")"
	check_eq "a backend's address, of its service" \
		"$(printf '%s\n' "${TOPO_ADDR[b1a]}" "${TOPO_ADDR[b2a]}" \
			"${TOPO_ADDR[b1b]}" "${TOPO_ADDR[b2b]}" | sort | xargs)" \
		"$(complete_words -n "$R" backend del svc "")"
	check_eq "stats show endpoint: the endpoints" "vpce-1" \
		"$(complete_words -n "$R" stats show endpoint "")"
}

test_netns()
{
	check_match "-n: the namespaces" "(^| )$R( |\$)" \
		"$(complete_words -n "")"
}

pl_kmsg_mark completion
pl_subtest "objects, commands, keywords and choices" test_grammar
pl_subtest "names from the namespace's configuration" test_names
pl_subtest "-n completes the network namespaces" test_netns
check_kmsg_clean || true
ktap_finished
