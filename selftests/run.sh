#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the pl selftests with the kselftest runner: the single entry point.
#
# Run as root from the repository's root, on a kernel that can load pl.ko
# (the guest of tools/vm/pl-vm), after installing the suite on the host:
#
#	make modules-all && make -C selftests install
#	tools/vm/pl-vm -k 6.12 -- selftests/run.sh [TEST...]
#
# The installed suite (build/kselftest/, read-only is fine) runs through its
# run_kselftest.sh, with KTAP on stdout. Each test runs through a wrapper
# (this script, --one) that unloads pl first, so that no test finds it
# loaded, and afterwards fails the test when pl cannot be unloaded, when
# the test left network namespaces behind, or when the kernel log shows a
# warning, BUG, Oops or leak report; the reason appears in the KTAP stream.
# Exit status 0 when every test passed (a skipped test does not fail the
# run unless --strict), 1 otherwise.

set -u

PL_KMSG_BAD='WARNING:|BUG:|Oops|general protection|refcount_t:|still has objects|Call Trace:|UBSAN|KASAN|kmemleak: [0-9]+ new suspected'

top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
suite=${PL_KSFT_INSTALL_PATH:-$top/build/kselftest}
collection=pl

usage()
{
	cat <<EOF
Usage: ${0##*/} [OPTIONS] [TEST...]

Run the pl selftests installed in $suite.
A TEST is a test's name (nl_perm, ynl.sh) or a shell pattern (nl_*).

Options:
  -o, --timeout S   per-test timeout, overriding the settings file
  -l, --list        list the tests
  -s, --strict      a skipped test fails the run
  -h, --help        this text
EOF
}

log()
{
	echo "# $*"
}

kmsg_mark()
{
	echo "pl-selftest: $1" >/dev/kmsg 2>/dev/null
}

# The kernel log after the last line holding $1.
kmsg_since()
{
	dmesg 2>/dev/null | awk -v m="$1" 'found { print } index($0, m) { found = 1 }'
}

# Unload pl, saying why it cannot be. $1: when.
unload_pl()
{
	local out
	[ -d /sys/module/pl ] || return 0
	out=$(rmmod pl 2>&1) && return 0
	echo "rmmod pl $1 failed: $out"
	echo "refcount: $(cat /sys/module/pl/refcnt 2>/dev/null)," \
	     "holders: $(find /sys/module/pl/holders -mindepth 1 -printf '%f ' 2>/dev/null)"
	return 1
}

# What kmemleak (debug kernels) finds now, once: a scan, its report, and
# a clear so that the next test does not report it again.
kmemleak_report()
{
	local f=/sys/kernel/debug/kmemleak
	[ -w "$f" ] || return 0
	echo scan >"$f" 2>/dev/null
	cat "$f" 2>/dev/null
	echo clear >"$f" 2>/dev/null
}

# --one TEST: run one installed test, with the checks around it.
run_one()
{
	local test=$1 mark start rc bad ns n before failed=0 child='' timed_out=0

	mark="begin $test $$-$RANDOM"
	start=$(date +%s)
	cd "$suite/$collection" || exit 1
	# PL_RUN_LOADED=1: the module a test wants loaded already (the one
	# systemd loaded at boot, for service.sh) stays.
	if [ "${PL_RUN_LOADED:-0}" != 1 ] && ! unload_pl "before the test"; then
		echo "pl was left loaded and cannot be unloaded: not running $test"
		exit 1
	fi
	kmsg_mark "$mark"
	before=$(ip netns list 2>/dev/null | cut -d' ' -f1)

	# On the runner's timeout, the test and this shell get SIGTERM: the
	# checks below still run once the test is gone.
	trap 'timed_out=1; kill "$child" 2>/dev/null' TERM INT
	"./$test" &
	child=$!
	wait "$child"
	rc=$?
	# A signal interrupts wait: wait again for the test itself.
	while kill -0 "$child" 2>/dev/null; do
		wait "$child"
		rc=$?
	done
	trap - TERM INT
	if [ $timed_out = 1 ]; then
		echo "$test was stopped (timeout)"
		rc=124
	fi

	ns=""
	for n in $(ip netns list 2>/dev/null | cut -d' ' -f1); do
		grep -qxF "$n" <<<"$before" || ns="$ns $n"
	done
	if [ -n "$ns" ]; then
		echo "$test left network namespaces behind:$ns"
		for n in $ns; do
			ip netns pids "$n" 2>/dev/null | xargs -r kill -9
			ip netns delete "$n" 2>/dev/null
		done
		failed=1
	fi
	unload_pl "after the test" || failed=1
	bad=$(kmsg_since "$mark" | grep -E "$PL_KMSG_BAD")
	if [ -n "$bad" ]; then
		echo "kernel log shows problems during $test:"
		echo "$bad"
		failed=1
	fi
	bad=$(kmemleak_report)
	if [ -n "$bad" ]; then
		echo "kmemleak reports leaks after $test:"
		head -n 60 <<<"$bad"
		failed=1
	fi
	kmsg_mark "end $test"
	echo "$test: exit status $rc, $(($(date +%s) - start)) s"
	if [ $failed = 1 ] && { [ $rc = 0 ] || [ $rc = 4 ]; }; then
		echo "$test: failed by the checks around it"
		rc=1
	fi
	exit "$rc"
}

timeout_override=
strict=0
list=0
while [ $# -gt 0 ]; do
	case "$1" in
	--one) shift; run_one "$1" ;;
	-o|--timeout) timeout_override=$2; shift 2 ;;
	-l|--list) list=1; shift ;;
	-s|--strict) strict=1; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "${0##*/}: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done

bail()
{
	echo "TAP version 13"
	echo "Bail out! $*"
	exit 1
}

if [ ! -x "$suite/run_kselftest.sh" ] || [ ! -r "$suite/kselftest-list.txt" ]; then
	bail "the suite is not installed in $suite (make -C selftests install)"
fi
if [ $list = 1 ]; then
	sed -n "s/^$collection://p" "$suite/kselftest-list.txt"
	exit 0
fi
[ "$(id -u)" = 0 ] || bail "run.sh must run as root"

# The kernel tree, for lib.sh: recorded at install time, as tools/ksrc
# cannot find the host's cache under the guest's HOME.
if [ -z "${KSRC:-}" ] && [ -r "$suite/$collection/ksrc" ]; then
	KSRC=$(cat "$suite/$collection/ksrc")
fi
export KSRC PL_TOP=$top
stale=$(find "$top/selftests" -newer "$suite/kselftest-list.txt" \
	\( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name settings \) \
	! -name run.sh 2>/dev/null | head -n 3)
if [ -n "$stale" ]; then
	log "warning: newer than the installed suite (make -C selftests install):"
	log "  $(tr '\n' ' ' <<<"$stale")"
fi

# The tests to run.
tests=()
all=$(sed -n "s/^$collection://p" "$suite/kselftest-list.txt")
if [ $# = 0 ]; then
	read -r -d '' -a tests <<<"$all"
else
	for pat in "$@"; do
		found=0
		for t in $all; do
			# shellcheck disable=SC2254
			case "$t" in
			$pat) tests+=("$t"); found=1 ;;
			esac
		done
		[ $found = 1 ] || bail "no test matches '$pat' (${0##*/} --list)"
	done
fi

# A copy of the suite's frame in which each test is the wrapper above; the
# tests themselves stay where they were installed.
rundir=$(mktemp -d "${TMPDIR:-/tmp}/pl-selftests.XXXXXX") || bail "mktemp failed"
trap 'rm -rf "$rundir"' EXIT
ln -s "$suite/kselftest" "$rundir/kselftest"
cp "$suite/run_kselftest.sh" "$rundir/"
mkdir "$rundir/$collection"
[ -e "$suite/$collection/settings" ] &&
	ln -s "$suite/$collection/settings" "$rundir/$collection/settings"
args=()
for t in "${tests[@]}"; do
	printf '#!/bin/sh\nexec %q --one %q\n' "$top/selftests/run.sh" "$t" \
		>"$rundir/$collection/$t"
	chmod +x "$rundir/$collection/$t"
	echo "$collection:$t" >>"$rundir/kselftest-list.txt"
	args+=(-t "$collection:$t")
done
[ -n "$timeout_override" ] && args+=(-o "$timeout_override")

start=$(date +%s)
mark="run $$-$RANDOM"
kmsg_mark "$mark"
"$rundir/run_kselftest.sh" "${args[@]}" | tee "$rundir/out"

# The module must unload, and the log stay clean, after the last test too.
final_bad=0
if ! out=$(unload_pl "at the end"); then
	log "$out"
	final_bad=1
fi
bad=$(kmsg_since "$mark" | grep -E "$PL_KMSG_BAD")
if [ -n "$bad" ]; then
	log "kernel log shows problems during the run:"
	while IFS= read -r line; do log "  $line"; done <<<"$bad"
	final_bad=1
fi

planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$rundir/out" | head -n 1)
pass=$(grep -Ec '^ok [0-9]+ ' "$rundir/out")
skip=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$rundir/out")
fail=$(grep -Ec '^not ok [0-9]+ ' "$rundir/out")
pass=$((pass - skip))
log "Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:$final_bad"
log "ran ${#tests[@]} test(s) in $(($(date +%s) - start)) s"
echo "selftests: $pass passed, $fail failed, $skip skipped"

rc=0
[ "${planned:-x}" = "${#tests[@]}" ] || { log "planned ${planned:-no} tests, expected ${#tests[@]}"; rc=1; }
[ $((pass + fail + skip)) = "${#tests[@]}" ] || { log "results for $((pass + fail + skip)) of ${#tests[@]} tests"; rc=1; }
[ "$fail" = 0 ] || rc=1
[ $final_bad = 0 ] || rc=1
[ $strict = 1 ] && [ "$skip" != 0 ] && rc=1
exit $rc
