#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory allocation failures, injected into pl only (failslab and
# fail_page_alloc with their stack filter set to pl.ko's code; kernels with
# CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, as make check-debug's, and
# skipped elsewhere):
#
#  1. every pl-ctl command of a configuration's life, run again and again
#     with allocation number 1, 2, 3, ... that pl makes for it failing
#     (/proc/PID/fail-nth), until it passes: each failure exits 1 saying
#     that memory ran out, and leaves "pl-ctl save" as it was; a command
#     that passes although an allocation failed makes the same
#     configuration as one that met none;
#  2. the same commands, the same allocations failing, watched by pl-ctl
#     monitor: a command that fails announces nothing; one that passes
#     announces what it does when nothing fails, or the monitor says that
#     events were lost (the announcement itself found no memory);
#  3. the data path, with a quarter of pl's allocations failing at random
#     while clients connect: the SYNs (and ARP requests) that find no
#     memory are dropped and counted (no-memory), clients either connect
#     or get no answer, nothing is left behind, and after the faults every
#     connection gets through.
#
# FAULTS_TESTS="config notify datapath" (the default) picks the parts.
#
#   +---------+                 (1, 2: no topology, a namespace of their own)
#   | $FNS    |   pl-ctl -n $FNS COMMAND, allocation N failing
#   +---------+
#
# 3 uses topo.sh's topology: c1a -- r (pl) -- b1a, b2a.

source "$(dirname "$(readlink -f "$0")")/lib.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl

FI=/sys/kernel/debug
mountpoint -q "$FI" || mount -t debugfs none "$FI" 2>/dev/null
[ -w /proc/self/fail-nth ] && [ -w "$FI/failslab/require-start" ] &&
	[ -w "$FI/fail_page_alloc/require-start" ] ||
	pl_skip_all "no fault injection with a stack filter in this kernel (make check-debug runs this)"

source "$(dirname "$(readlink -f "$0")")/topo.sh"
ktap_set_plan 3

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload

# pl.ko's code: [PL_START, PL_END).
read -r _ size _ _ _ addr _ < <(grep '^pl ' /proc/modules)
[ -n "${addr:-}" ] && [ $((addr)) != 0 ] ||
	ktap_exit_fail_msg "no address for pl in /proc/modules"
PL_START=$addr
PL_END=$(printf '0x%x' $((addr + size)))

# fi_set FILE VALUE: the same setting for failslab and fail_page_alloc.
fi_set()
{
	echo "$2" >"$FI/failslab/$1" && echo "$2" >"$FI/fail_page_alloc/$1"
}

# Faults for pl only, none injected until asked for.
fi_setup()
{
	fi_set probability 0 && fi_set interval 1 && fi_set times -1 &&
	fi_set space 0 && fi_set verbose 0 && fi_set task-filter N &&
	fi_set ignore-gfp-wait N && fi_set stacktrace-depth 32 &&
	fi_set require-start "$PL_START" && fi_set require-end "$PL_END" &&
	echo 0 >"$FI/fail_page_alloc/min-order"
}

fi_reset()
{
	fi_set probability 0
	fi_set times 1
	fi_set require-start 0
	fi_set require-end 18446744073709551615
	fi_set ignore-gfp-wait Y
	echo 1 >"$FI/fail_page_alloc/min-order"
}

# Faults injected since fi_times_start: what "times" counted down.
FI_TIMES=1000000000
fi_times_start()
{
	fi_set times "$FI_TIMES"
}

fi_injected()
{
	echo $((2 * FI_TIMES - $(cat "$FI/failslab/times") -
		$(cat "$FI/fail_page_alloc/times")))
}

fi_setup || ktap_exit_fail_msg "cannot set up fault injection"
pl_defer fi_reset

# --- 1: the control plane, every allocation of every command ------------------

# A configuration's life, one pl-ctl command a line.
LIFE=(
	"limits set max-flows 5000 max-backends 100"
	"az add a id use1-az1"
	"az add b"
	"az set b state down"
	"subnet add sn-a prefix 10.0.1.0/24 az a"
	"subnet add sn-b prefix 10.0.2.0/24 az b"
	"service add svc port 80:8080 port 443 acceptance manual"
	"service set svc cross-zone off idle-timeout 100"
	"service source add svc 192.168.1.100 az a"
	"service source add svc 192.168.1.101 az b"
	"backend add svc 192.168.1.11 az a"
	"backend add svc 192.168.1.12 az a port 8081 weight 5"
	"backend add svc 192.168.1.21 az b"
	"backend set svc 192.168.1.12 weight 1 state drain"
	"endpoint add ep service svc subnet sn-a ip 10.0.1.50 subnet sn-b allow 10.0.0.0/8"
	"endpoint accept ep"
	"endpoint allow add ep 172.16.0.0/12"
	"endpoint allow del ep 10.0.0.0/8"
	"service show svc"
	"endpoint show ep"
	"flow flush"
	"backend del svc 192.168.1.21"
	"endpoint reject ep"
	"endpoint del ep"
	"service source del svc 192.168.1.101"
	"service del svc"
	"subnet del sn-b"
	"az del b"
)

FNS="" REF=""
FAULTS=0		# allocations failed on purpose, over test 1

# A fresh namespace holding configuration SAVED (pl-ctl save's text).
# (setup_ns deletes the one it made before under the same name.)
fresh_ns()
{
	local saved=$1
	setup_ns FNS >/dev/null || return 1
	[ -z "$saved" ] || pl_ctl -n "$FNS" -b - <<<"$saved"
}

# run_nth N CMD...: pl-ctl -n $FNS CMD, with the Nth allocation that pl
# makes for it failing. Output in OUT, exit status in RC, whether a fault
# was injected in HIT (0 or 1).
run_nth()
{
	local n=$1
	shift
	fi_times_start
	# fail-nth is the task's: set it in the shell that becomes pl-ctl.
	# (Allocations outside pl.ko, exec's among them, do not count.)
	OUT=$(sh -c 'echo "$1" >/proc/self/fail-nth && shift && exec "$@"' \
		sh "$n" "$(pl_ctl_path)" -n "$FNS" "$@" 2>&1)
	RC=$?
	HIT=$(fi_injected)
}

# sweep LINE: run LINE with allocation 1, 2, ... failing until it passes
# with none failed. Prints how many failures it took.
sweep()
{
	local line=$1 n before after ref="" applied=() a
	local -a cmd
	read -ra cmd <<<"$line"
	before=$(pl_ctl -n "$FNS" save) || return 1
	for ((n = 1; n < 100; n++)); do
		run_nth "$n" "${cmd[@]}"
		if [ "$HIT" = 0 ]; then
			check_eq "'$line' with no allocation failing: exit status" 0 "$RC" ||
				pl_indent <<<"$OUT"
			ref=$(pl_ctl -n "$FNS" save)
			break
		fi
		FAULTS=$((FAULTS + 1))
		after=$(pl_ctl -n "$FNS" save)
		if [ "$RC" = 0 ]; then
			# Passed all the same (a fallback, a best-effort
			# notification): it must have done all of it. Compare
			# with the clean run below; go on from where it was.
			applied+=("$after")
			fresh_ns "$before" || return 1
			continue
		fi
		check_eq "'$line', allocation $n failing: exit status" 1 "$RC" ||
			pl_indent <<<"$OUT"
		check_match "'$line', allocation $n failing: the message" \
			'Cannot allocate memory|No buffer space' "$OUT"
		check_eq "'$line', allocation $n failing: configuration unchanged" \
			"$before" "$after" || return 1
	done
	for a in "${applied[@]}"; do
		check_eq "'$line': passed with an allocation failing, and did all of it" \
			"$ref" "$a"
	done
	echo "# $line: $((n - 1)) allocation(s) failed in turn" >&2
	[ -n "$ref" ] || { pl_fail "FAIL: '$line' still failing after $n tries"; return 1; }
}

test_config()
{
	local line
	pl_kmsg_mark
	fresh_ns "" || return 1
	for line in "${LIFE[@]}"; do
		sweep "$line" || return 1
	done
	echo "# $FAULTS allocations failed on purpose in ${#LIFE[@]} commands" >&2
	check_match "faults were injected" '^[1-9][0-9]+$' "$FAULTS"
	# The same commands, none failing, in another namespace.
	setup_ns REF >/dev/null || return 1
	for line in "${LIFE[@]}"; do
		# shellcheck disable=SC2086
		pl_ctl -n "$REF" $line >/dev/null || return 1
	done
	check_eq "the configuration at the end is the one no fault makes" \
		"$(pl_ctl -n "$REF" save)" "$(pl_ctl -n "$FNS" save)"
	cleanup_ns "$FNS" "$REF"
	check_kmsg_clean
}

# --- 2: notifications, the same allocations failing -------------------------

# pl-ctl -j monitor in a namespace, its output (both streams) in MON_FILE; a
# mark, a change every monitor sees, closes each command's share of it.
MON_PID="" MON_FILE="" MON_LINES=0 MARK=0

# The first line of MON_FILE showing mark N (1-based; none: 0).
mark_line()
{
	local n
	n=$(grep -n -m 1 -E "\"object\":\"limits\".*\"max-subnets\":$((1000 + $1))[,}]" \
		"$MON_FILE" | cut -d: -f1)
	echo "${n:-0}"
}

mark_seen()
{
	[ "$(mark_line "$1")" != 0 ]
}

# mark NS [MS]: the next mark (max-subnets 1001, 1002, ...), and wait (up
# to MS ms) until the monitor shows it. What the monitor printed before
# it, since the mark before, goes to SEG.
mark()
{
	local line
	MARK=$((MARK + 1))
	pl_ctl -n "$1" limits set max-subnets $((1000 + MARK)) || return 1
	if ! busywait "${2:-60000}" mark_seen "$MARK"; then
		[ -n "${2:-}" ] || pl_fail "FAIL: the monitor never showed mark $MARK"
		return 1
	fi
	line=$(mark_line "$MARK")
	SEG=""
	[ "$line" -le $((MON_LINES + 1)) ] ||
		SEG=$(sed -n "$((MON_LINES + 1)),$((line - 1))p" "$MON_FILE")
	MON_LINES=$line
}

# mon_start NS: a monitor in NS, once it is seen to listen.
mon_start()
{
	local i
	mon_stop
	MON_FILE=$(mktemp) && pl_defer rm -f "$MON_FILE" || return 1
	ip netns exec "$1" "$(pl_ctl_path)" -j monitor >"$MON_FILE" 2>&1 &
	MON_PID=$!
	MON_LINES=0
	# Marks until one shows: before it listened, they went unseen.
	for ((i = 0; i < 50; i++)); do
		mark "$1" 1000 && return 0
	done
	pl_fail "FAIL: pl-ctl monitor in $1 never started"
	return 1
}

mon_stop()
{
	[ -n "$MON_PID" ] || return 0
	kill "$MON_PID" 2>/dev/null
	wait "$MON_PID" 2>/dev/null
	MON_PID=""
}

LOST="events were lost"

# The monitor's output so far, as diagnostics.
mon_dump()
{
	echo "# pl-ctl monitor printed (lines $MON_LINES and before: checked):"
	pl_indent <"$MON_FILE"
}

# notify_sweep I LINE: LINE with allocation 1, 2, ... failing, until it
# passes. Failed, it was announced not at all; passed, it was announced
# as REF_SEG[I] says, or the monitor said that events were lost.
notify_sweep()
{
	local i=$1 line=$2 n
	local -a cmd
	read -ra cmd <<<"$line"
	for ((n = 1; n < 100; n++)); do
		run_nth "$n" "${cmd[@]}"
		echo "# '$line', allocation $n failing: exit $RC, faults $HIT, mark $((MARK + 1))"
		mark "$FNS" || return 1
		NRUNS=$((NRUNS + 1))
		if [ "$RC" != 0 ]; then
			[ "$HIT" = 1 ] || { pl_fail "FAIL: '$line' fails with no fault"; return 1; }
			check_eq "'$line', allocation $n failing (exit $RC): nothing announced" \
				"" "$SEG" || { mon_dump; return 1; }
			continue
		fi
		if [ "$HIT" = 1 ] && [[ "$SEG" == *"$LOST"* ]]; then
			NLOST=$((NLOST + 1))
			break
		fi
		check_eq "'$line', allocation $n failing: announced as without faults" \
			"${REF_SEG[i]}" "$SEG" || { mon_dump; return 1; }
		# Passed, with or without a fault: it is done.
		break
	done
	[ "$RC" = 0 ] || { pl_fail "FAIL: '$line' still failing after $n tries"; return 1; }
}

test_notify()
{
	local i
	REF_SEG=() NRUNS=0 NLOST=0
	pl_kmsg_mark
	# What each command announces when nothing fails.
	setup_ns REF >/dev/null && mon_start "$REF" || return 1
	for i in "${!LIFE[@]}"; do
		# shellcheck disable=SC2086
		pl_ctl -n "$REF" ${LIFE[i]} >/dev/null && mark "$REF" || return 1
		REF_SEG[i]=$SEG
	done
	check_match "the commands announced changes" '"object":"(az|backend|endpoint)"' \
		"$(printf '%s\n' "${REF_SEG[@]}")"
	fresh_ns "" && mon_start "$FNS" || return 1
	for i in "${!LIFE[@]}"; do
		notify_sweep "$i" "${LIFE[i]}" || return 1
	done
	mon_stop
	echo "# $NRUNS commands watched with allocations failing; $NLOST said that events were lost" >&2
	cleanup_ns "$FNS" "$REF"
	check_kmsg_clean
}

# --- 3: the data path, a quarter of pl's allocations failing ----------------

test_datapath()
{
	local s0 s1 c faults nomem ok
	topo_setup || return 1
	topo_pl_config || return 1
	# Neighbour entries first, so that fewer ARP replies are needed.
	c=$(topo_connect c1a "$ENI_A:80")
	s0=$(topo_stats)
	fi_times_start
	fi_set probability 25
	c=$(topo_connect c1a "$ENI_A:80" -n 40 --parallel 8 --timeout 20)
	fi_set probability 0
	faults=$(fi_injected)
	s1=$(topo_stats)
	ok=$(topo_jq "$c" .ok)
	echo "# $faults allocations failed on purpose while 40 clients connected; $ok connected" >&2
	nomem=$(( $(topo_stat "$s1" eni "$ENI_A" drops.no-memory) -
		$(topo_stat "$s0" eni "$ENI_A" drops.no-memory) ))
	check_match "faults were injected" '^[1-9][0-9]*$' "$faults"
	check_match "SYNs (or ARP requests) without memory: dropped, counted" \
		'^[1-9][0-9]*$' "$nomem"
	# A SYN dropped is sent again; a client whose ARP requests all went
	# unanswered gives up (EHOSTUNREACH). Nothing else may go wrong.
	check_eq "most of the 40 connections made it" true \
		"$(topo_jq "$c" '.ok >= 10')" || pl_indent <<<"$c"
	check_eq "the others: no answer, nothing else" true \
		"$(topo_jq "$c" '.errors | keys - ["EHOSTUNREACH", "ETIMEDOUT", "timeout"] | length == 0')" ||
		pl_indent <<<"$c"
	check_ok "flow flush" -- r_ctl flow flush
	check_eq "nothing left open" 0 \
		"$(topo_stat "$(topo_stats)" eni "$ENI_A" active-connections)"
	c=$(topo_connect c1a "$ENI_A:80" -n 20)
	check_eq "after the faults: 20 connections" 20 "$(topo_jq "$c" .ok)" ||
		pl_indent <<<"$c"
}

# FAULTS_TESTS picks the parts (default: all).
want()
{
	[[ " ${FAULTS_TESTS:-config notify datapath} " == *" $1 "* ]] || return "$KSFT_SKIP"
}

pl_subtest "faults: each allocation of each command fails cleanly" \
	eval 'want config && test_config'
pl_subtest "faults: failed commands announce nothing, passed ones all" \
	eval 'want notify && test_notify'
pl_subtest "faults: the data path drops and counts what finds no memory" \
	eval 'want datapath && test_datapath'

ktap_finished
