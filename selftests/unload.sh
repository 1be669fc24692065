#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module unload, and namespace deletion, with configuration present: every
# kind of object (AZs, subnets, a service with a source address and
# backends, an endpoint with ENIs and allowed prefixes, changed limits) in
# several network namespaces.
#
#   +-------------+  +-------------+  +-------------+  +-------------+
#   | init netns  |  | $ns1        |  | $ns2        |  | $ns3        |
#   |  config     |  |  config     |  |  config     |  |  config     |
#   |             |  |  (alive at  |  |  (deleted   |  |  (deleted,  |
#   |             |  |   rmmod)    |  |   just      |  |   module    |
#   |             |  |             |  |   before    |  |   loaded)   |
#   |             |  |             |  |   rmmod)    |  |             |
#   +-------------+  +-------------+  +-------------+  +-------------+
#
# rmmod must succeed and leave nothing behind: after insmod again, every
# namespace is empty, with default limits. The kernel log must stay clean
# throughout. pl-ctl monitor, running in two namespaces at rmmod, says
# the module was unloaded and exits 1. Last, a flow_buckets module parameter that is not a power of
# two from 1,024 to 67,108,864 makes insmod fail, saying why.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 7

pl_unload || ktap_exit_fail_msg "pl is loaded and cannot be unloaded"
pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
ns1="" ns2="" ns3=""
pl_ns ns1 ns2 ns3 || ktap_exit_fail_msg "cannot create network namespaces"

# helper_in NS ARGS: pl_helper in NS ("" for the initial namespace).
helper_in()
{
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		pl_helper_ns "$ns" "$@"
	else
		pl_helper "$@"
	fi
}

# What is in use, and the limit that populate changes.
USAGE=(azs subnets services backends endpoints max-services)
POPULATED="azs=2 subnets=2 services=1 backends=2 endpoints=1 max-services=50"
EMPTY="azs=0 subnets=0 services=0 backends=0 endpoints=0 max-services=10000"

configure_all()
{
	local ns
	for ns in "$@"; do
		check_ok "configure ${ns:-the initial namespace}" -- helper_in "$ns" populate || return 1
		check_eq "objects and limits in ${ns:-the initial namespace}" \
			"$POPULATED" "$(helper_in "$ns" usage "${USAGE[@]}")" || return 1
	done
}

test_netns_delete()
{
	pl_kmsg_mark
	configure_all "$ns3" || return 1
	check_ok "delete $ns3" -- cleanup_ns "$ns3" || return 1
	# Its cleanup runs in a work item: give it time before looking.
	sleep 2
	check_kmsg_clean "after deleting a namespace with configuration"
}

test_rmmod()
{
	pl_kmsg_mark
	configure_all "" "$ns1" "$ns2" || return 1
	check_ok "delete $ns2" -- cleanup_ns "$ns2" || return 1
	check_ok "rmmod pl" -- rmmod pl || return 1
	check_eq "pl is unloaded" no "$(pl_loaded && echo yes || echo no)"
	check_kmsg_clean "after rmmod with configuration"
}

test_reload_empty()
{
	local ns
	check_ok "insmod pl again" -- pl_load || return 1
	for ns in "" "$ns1"; do
		check_eq "objects and limits in ${ns:-the initial namespace} after insmod" \
			"$EMPTY" "$(helper_in "$ns" usage "${USAGE[@]}")"
		check_eq "what each dump returns in ${ns:-the initial namespace}" \
			"az=0 subnet=0 service=0 backend=0 endpoint=0" "$(helper_in "$ns" count)"
	done
}

# pl-ctl monitor in the initial namespace, and monitor all as JSON in
# $ns1, hear of pl going away: each says so and exits 1, within seconds.
test_monitor_unload()
{
	local dir pids=() i n rc

	dir=$(mktemp -d)
	pl_ctl monitor >"$dir/out0" 2>"$dir/err0" &
	pids+=($!)
	pl_ctl_ns "$ns1" -j monitor all >"$dir/out1" 2>"$dir/err1" &
	pids+=($!)
	# Each is listening once it shows a change of its namespace: make
	# one (a new AZ) every 0.3 s until it does, 30 at most.
	for i in 0 1; do
		for ((n = 0; n < 30; n++)); do
			if [ "$i" = 0 ]; then
				pl_ctl az add "mon-$i-$n" 2>/dev/null
			else
				pl_ctl_ns "$ns1" az add "mon-$i-$n" 2>/dev/null
			fi
			sleep 0.3
			grep -q "mon-$i-" "$dir/out$i" && break
		done
		check_match "monitor $i shows the AZs added" "mon-$i-" \
			"$(cat "$dir/out$i" "$dir/err$i")"
	done

	check_ok "rmmod pl with monitors running" -- rmmod pl
	for i in 0 1; do
		for ((n = 0; n < 50; n++)); do
			kill -0 "${pids[i]}" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "${pids[i]}" 2>/dev/null; then
			check_eq "monitor $i exited within 5 s of rmmod" exited running
			kill "${pids[i]}"
		fi
		wait "${pids[i]}"
		rc=$?
		check_eq "monitor $i: exit status" 1 "$rc"
		check_eq "monitor $i: what it says" \
			"pl-ctl: monitor: the pl module was unloaded" \
			"$(cat "$dir/err$i")"
	done
	rm -rf "$dir"
	check_ok "insmod pl again" -- pl_load
}

test_rmmod_again()
{
	pl_kmsg_mark
	check_ok "rmmod pl" -- rmmod pl || return 1
	check_kmsg_clean "after rmmod"
}

# pl-ctl opens libkmod (only then) to say why the family is missing.
test_no_module()
{
	local err rc

	err=$(pl_ctl az show 2>&1 >/dev/null)
	rc=$?
	check_eq "pl-ctl without the module: exit status" 1 "$rc"
	check_match "pl-ctl without the module: libkmod says it is not loaded" \
		'^pl-ctl: the pl module is not (loaded|installed for kernel)' "$err"
}

test_flow_buckets()
{
	local v

	for v in 1000 512 134217728 0; do
		pl_kmsg_mark
		check_fail "insmod pl flow_buckets=$v" -- \
			insmod "$(pl_ko)" flow_buckets=$v || return 1
		check_match "the kernel log says why flow_buckets=$v is refused" \
			"pl: flow_buckets=$v: want a power of two from 1024 to 67108864" \
			"$(pl_kmsg_since_mark)" || return 1
		check_eq "pl is not loaded" no \
			"$(pl_loaded && echo yes || echo no)" || return 1
	done
	check_ok "insmod pl flow_buckets=1048576" -- \
		insmod "$(pl_ko)" flow_buckets=1048576 || return 1
	check_eq "the parameter as loaded" 1048576 \
		"$(cat /sys/module/pl/parameters/flow_buckets)"
	check_ok "configure a namespace: its flow table is allocated" -- \
		helper_in "$ns1" populate || return 1
	check_ok "rmmod pl" -- rmmod pl
}

pl_subtest "unload: namespace deletion with configuration" test_netns_delete
pl_subtest "unload: rmmod with configuration in several namespaces" test_rmmod
pl_subtest "unload: no configuration survives rmmod" test_reload_empty
pl_subtest "unload: monitor exits when pl is unloaded" test_monitor_unload
pl_subtest "unload: rmmod again" test_rmmod_again
pl_subtest "unload: pl-ctl without the module says what to do" test_no_module
pl_subtest "unload: insmod refuses a bad flow_buckets" test_flow_buckets
ktap_finished
