#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the pl shell selftests. Source it from bash:
#
#	source "$(dirname "$(readlink -f "$0")")/lib.sh"
#
# It brings in the kernel's ktap_helpers.sh (KTAP output) and net/lib.sh
# (setup_ns, cleanup_ns, busywait, ...) from the linux-source tree that
# tools/ksrc finds, and adds:
#
#   pl_load / pl_unload / pl_loaded      the module (PL_KO overrides the path)
#   pl_ns VAR...                         new network namespaces, deleted at exit
#   pl_defer CMD...                      run CMD at exit (last deferred, first run)
#   pl_ctl / pl_ctl_ns NS                tools/pl-ctl/pl-ctl (PL_CTL overrides)
#   pl_ynl / pl_ynl_ns NS                the kernel's YNL cli.py, driven by our spec
#   pl_helper / pl_helper_ns NS          pl_helper: quick configuration and counts
#   pl_subtest NAME FUNC [ARGS]          one KTAP subtest; FUNC uses the checks:
#   check_eq DESC EXPECTED SEEN          ... and check_match, check_ok, check_fail,
#   check_fail_with REGEX -- CMD...      check_kmsg_clean
#
# A test prints "TAP version 13" and its plan, runs its subtests, and ends
# with ktap_finished: exit status 0 (pass), 1 (fail) or 4 (skip).

PL_SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The repository: PL_TOP, else the tree around the source or the install
# (build/kselftest/pl/).
if [ -z "${PL_TOP:-}" ]; then
	for d in "$PL_SELFTESTS/.." "$PL_SELFTESTS/../../.."; do
		if [ -x "$d/tools/ksrc" ]; then
			PL_TOP=$(cd "$d" && pwd)
			break
		fi
	done
fi
export PL_TOP

# The kernel tree: KSRC, else the one recorded at install time (tools/ksrc
# cannot find its cache when HOME differs, as in the guest of pl-vm), else
# tools/ksrc.
if [ -z "${KSRC:-}" ] && [ -r "$PL_SELFTESTS/ksrc" ]; then
	KSRC=$(cat "$PL_SELFTESTS/ksrc")
fi
if [ -z "${KSRC:-}" ] || [ ! -d "$KSRC/tools/testing/selftests" ]; then
	KSRC=$("${PL_TOP:-.}/tools/ksrc" 2>/dev/null)
fi
export KSRC
PL_KSFT=$KSRC/tools/testing/selftests

if [ ! -r "$PL_KSFT/kselftest/ktap_helpers.sh" ] || [ ! -r "$PL_KSFT/net/lib.sh" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no kernel source tree (KSRC='$KSRC'): see tools/ksrc"
	exit 4
fi
# shellcheck source=/dev/null
source "$PL_KSFT/kselftest/ktap_helpers.sh"
# shellcheck source=/dev/null
source "$PL_KSFT/net/lib.sh"

PL_SPEC=$PL_TOP/Documentation/netlink/specs/pl.yaml
PL_YNL_CLI=$KSRC/tools/net/ynl/cli.py

# Kernel log lines that mean a bug (run.sh checks the same after each test).
PL_KMSG_BAD='WARNING:|BUG:|Oops|general protection|refcount_t:|still has objects|Call Trace:|UBSAN|KASAN|kmemleak: [0-9]+ new suspected'

# --- Cleanup -----------------------------------------------------------------

PL_DEFERRED=()

# Run "$@" when the test exits, in reverse order of deferral.
pl_defer()
{
	local cmd
	printf -v cmd '%q ' "$@"
	PL_DEFERRED+=("$cmd")
}

pl_cleanup()
{
	local i
	for ((i = ${#PL_DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${PL_DEFERRED[i]}" >/dev/null 2>&1
	done
	PL_DEFERRED=()
	cleanup_all_ns >/dev/null 2>&1
}
trap pl_cleanup EXIT

# Create network namespaces, one per variable name (its value becomes the
# namespace's name, as setup_ns does), deleted when the test exits.
pl_ns()
{
	setup_ns "$@" >/dev/null
}

# --- Requirements --------------------------------------------------------

pl_skip_all()
{
	ktap_skip_all "$@"
	exit "$KSFT_SKIP"
}

pl_require_root()
{
	[ "$(id -u)" = 0 ] || pl_skip_all "must be run as root"
}

pl_require_cmd()
{
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || pl_skip_all "$c is not installed"
	done
}

# jq, or gojq when it is installed: the same language, and under TCG it
# starts in a third of jq's time (about 0.3 s against 1 s), which adds up
# over the hundreds of filters a run applies. make check installs it.
PL_JQ=${PL_JQ:-$(command -v gojq || echo jq)}

pl_jq()
{
	"$PL_JQ" "$@"
}

# --- The module ----------------------------------------------------------

pl_ko()
{
	echo "${PL_KO:-$PL_TOP/build/$(uname -r)/pl.ko}"
}

pl_loaded()
{
	[ -d /sys/module/pl ]
}

# Load pl.ko unless it is loaded.
pl_load()
{
	pl_loaded && return 0
	insmod "$(pl_ko)"
}

pl_unload()
{
	! pl_loaded || rmmod pl
}

# --- Tools ---------------------------------------------------------------

pl_ctl_path()
{
	echo "${PL_CTL:-$PL_TOP/tools/pl-ctl/pl-ctl}"
}

pl_require_pl_ctl()
{
	[ -x "$(pl_ctl_path)" ] || pl_skip_all "pl-ctl is not built ($(pl_ctl_path))"
}

pl_ctl()
{
	"$(pl_ctl_path)" "$@"
}

# pl_ctl_ns NS ARGS: pl-ctl in network namespace NS.
pl_ctl_ns()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$(pl_ctl_path)" "$@"
}

pl_require_ynl()
{
	pl_require_cmd python3
	[ -r "$PL_YNL_CLI" ] || pl_skip_all "no YNL cli.py in $KSRC"
	python3 -c 'import yaml' 2>/dev/null || pl_skip_all "python3-yaml is not installed"
}

# Python cannot write its bytecode next to the kernel tree's YNL library
# (read-only in the guest): without a cache, each run compiles it again.
export PYTHONPYCACHEPREFIX=${PYTHONPYCACHEPREFIX:-${TMPDIR:-/tmp}/pl-selftests-pycache}

# The kernel's YNL command line tool on the pl spec. --no-schema: the
# spec uses uns-admin-perm, which 6.12's genetlink.yaml does not know.
# cli.py runs unchanged, but parses the spec with libyaml when PyYAML has
# it: the pure Python parser takes seconds in a TCG guest.
PL_YNL_RUN='
import os, runpy, sys
import yaml
if hasattr(yaml, "CSafeLoader"):
    yaml.safe_load = lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader)
cli = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(cli))
runpy.run_path(cli, run_name="__main__")
'

pl_ynl()
{
	python3 -c "$PL_YNL_RUN" "$PL_YNL_CLI" --spec "$PL_SPEC" --no-schema "$@"
}

pl_ynl_ns()
{
	local ns=$1
	shift
	ip netns exec "$ns" python3 -c "$PL_YNL_RUN" "$PL_YNL_CLI" \
		--spec "$PL_SPEC" --no-schema "$@"
}

pl_helper()
{
	"$PL_SELFTESTS/pl_helper" "$@"
}

pl_helper_ns()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$PL_SELFTESTS/pl_helper" "$@"
}

# An IPv4 address as the integer cli.py takes for a u32 attribute.
pl_ip4()
{
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

# --- Kernel log ----------------------------------------------------------

PL_KMSG_MARK=

# Mark the kernel log; check_kmsg_clean looks at what follows the mark.
pl_kmsg_mark()
{
	PL_KMSG_MARK="pl-selftest: mark $$-$RANDOM-$(date +%s%N)"
	echo "$PL_KMSG_MARK" >/dev/kmsg
}

# The kernel log since the last mark.
pl_kmsg_since_mark()
{
	dmesg | awk -v m="$PL_KMSG_MARK" 'found { print } index($0, m) { found = 1 }'
}

# --- Checks and subtests -------------------------------------------------

PL_SUBTEST_FAILED=0

# Copy stdin to stdout as KTAP diagnostic lines, indented.
pl_indent()
{
	local line
	while IFS= read -r line; do
		echo "#     $line"
	done
}

pl_fail()
{
	PL_SUBTEST_FAILED=1
	local line
	for line in "$@"; do
		echo "# $line"
	done
}

# check_eq DESC EXPECTED SEEN
check_eq()
{
	if [ "$2" != "$3" ]; then
		pl_fail "FAIL: $1" "  expected: '$2'" "  seen:     '$3'"
		return 1
	fi
}

# check_match DESC REGEX TEXT (extended regex, any line of TEXT)
check_match()
{
	if ! grep -Eq -- "$2" <<<"$3"; then
		pl_fail "FAIL: $1" "  expected to match: /$2/" "  seen:"
		pl_indent <<<"$3"
		return 1
	fi
}

# check_nomatch DESC REGEX TEXT
check_nomatch()
{
	if grep -Eq -- "$2" <<<"$3"; then
		pl_fail "FAIL: $1" "  expected not to match: /$2/" "  seen:"
		pl_indent <<<"$3"
		return 1
	fi
}

# check_ok DESC -- CMD...: CMD must succeed.
check_ok()
{
	local desc=$1 out rc
	shift
	[ "$1" = -- ] && shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc != 0 ]; then
		pl_fail "FAIL: $desc" "  command: $*" "  expected: exit status 0" \
			"  seen:     exit status $rc, output:"
		pl_indent <<<"$out"
		return 1
	fi
	PL_OUT=$out
}

# check_fail DESC -- CMD...: CMD must fail.
check_fail()
{
	local desc=$1 out rc
	shift
	[ "$1" = -- ] && shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		pl_fail "FAIL: $desc" "  command: $*" "  expected: failure" \
			"  seen:     exit status 0, output:"
		pl_indent <<<"$out"
		return 1
	fi
	PL_OUT=$out
}

# check_fail_with REGEX -- CMD...: CMD must fail, saying something that
# matches REGEX (on stdout or stderr).
check_fail_with()
{
	local re=$1
	shift
	[ "$1" = -- ] && shift
	check_fail "'$*' fails" "$@" || return 1
	check_match "'$*' says why" "$re" "$PL_OUT"
}

# Nothing alarming in the kernel log since the last pl_kmsg_mark.
check_kmsg_clean()
{
	local bad
	bad=$(pl_kmsg_since_mark | grep -E "$PL_KMSG_BAD")
	if [ -n "$bad" ]; then
		pl_fail "FAIL: ${1:-kernel log} shows problems:"
		pl_indent <<<"$bad"
		return 1
	fi
}

# pl_subtest NAME FUNC [ARGS]: run FUNC as one KTAP subtest. It fails when
# FUNC returns non-zero or any check in it failed; it is skipped when FUNC
# returns $KSFT_SKIP. It says how long FUNC took, as "# FUNC: N s".
pl_subtest()
{
	local name=$1 rc t0=$SECONDS
	shift
	PL_SUBTEST_FAILED=0
	"$@"
	rc=$?
	# Where make check's time goes: every subtest says how long it took.
	echo "# $1: $((SECONDS - t0)) s"
	if [ $rc = "$KSFT_SKIP" ] && [ $PL_SUBTEST_FAILED = 0 ]; then
		ktap_test_skip "$name"
	elif [ $rc = 0 ] && [ $PL_SUBTEST_FAILED = 0 ]; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name"
	fi
}
