#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Many namespaces at once: 16 namespaces, each with its own limit on AZs
# (8 + its number), are flooded with creates all at the same time, 40 each.
# Every namespace must end with exactly its own limit, every create past it
# refused with ENOSPC and a message naming the limit, and the initial
# namespace must have none. Then each gets a configuration of every kind,
# and all 16 are deleted at the same time, and pl unloaded: the kernel log
# stays clean (run.sh also checks it, and kmemleak where there is one).
#
#   +--------+ +--------+       +---------+   +-------------+
#   | m-1    | | m-2    |  ...  | m-16    |   | init netns  |
#   | limit 9| | limit10|       | limit 24|   | untouched   |
#   +--------+ +--------+       +---------+   +-------------+
#      40 az-adds in each, all 16 at once

source "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 2

N=16
TRIES=40

pl_unload || ktap_exit_fail_msg "pl is loaded and cannot be unloaded"
pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
NSS=()
for ((i = 1; i <= N; i++)); do
	eval "M$i="
	pl_ns "M$i" || ktap_exit_fail_msg "cannot create network namespaces"
	NSS+=("$(eval echo "\$M$i")")
done
OUT=$(mktemp -d)
pl_defer rm -rf "$OUT"

limit_of()
{
	echo $((8 + $1))
}

test_flood()
{
	local i ns pids=()
	for ((i = 1; i <= N; i++)); do
		check_ok "limits set max-azs $(limit_of "$i") in ${NSS[i - 1]}" -- \
			pl_ctl -n "${NSS[i - 1]}" limits set max-azs "$(limit_of "$i")" ||
			return 1
	done
	for ((i = 1; i <= N; i++)); do
		pl_helper_ns "${NSS[i - 1]}" az-flood az- "$TRIES" >"$OUT/$i" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[i]}" ||
			check_eq "namespace $((i + 1)): az-flood exit status" 0 1
	done
	for ((i = 1; i <= N; i++)); do
		ns=${NSS[i - 1]}
		check_eq "$ns: created its limit, refused the rest, naming the limit" \
			"created=$(limit_of "$i") refused=$((TRIES - $(limit_of "$i"))) AZ limit reached ($(limit_of "$i"))" \
			"$(<"$OUT/$i")"
		check_eq "$ns: AZs in use" "azs=$(limit_of "$i")" \
			"$(pl_helper_ns "$ns" usage azs)"
	done
	check_eq "the initial namespace: no AZ" "azs=0" "$(pl_helper usage azs)"
}

test_delete_all()
{
	local ns pids=()
	pl_kmsg_mark
	for ns in "${NSS[@]}"; do
		check_ok "configure $ns" -- pl_ctl -n "$ns" limits set max-azs 32 &&
		check_ok "configure $ns" -- pl_helper_ns "$ns" populate || return 1
	done
	for ns in "${NSS[@]}"; do
		ip netns del "$ns" &
		pids+=($!)
	done
	wait "${pids[@]}"
	# Their cleanup runs in a work item: wait for it, then unload.
	busywait 30000 bash -c "! ip netns list | grep -q '^m[0-9]'"
	sleep 2
	check_ok "rmmod pl after deleting $N namespaces at once" -- rmmod pl
	check_kmsg_clean "after deleting $N namespaces at once"
}

pl_subtest "netns: $N namespaces flooded at once each keep their own limit" test_flood
pl_subtest "netns: $N namespaces with configuration deleted at once" test_delete_all
ktap_finished
