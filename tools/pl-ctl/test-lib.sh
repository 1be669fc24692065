# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# What pl-ctl's host tests (test-*.sh) share: TAP-like "ok - NAME" and
# "not ok - NAME" lines, counted, and the "# N passed, N failed" line that
# ends them. Sourced.

pass=0
fail=0

ok()
{
	echo "ok - $1"
	pass=$((pass + 1))
}

not_ok()
{
	echo "not ok - $1"
	fail=$((fail + 1))
}

# Diagnostics: stdin, commented out.
diag()
{
	sed 's/^/#   /'
}

# bail NAME [LOG]: NAME failed, LOG says why, and nothing after it can run.
bail()
{
	not_ok "$1"
	[ -f "${2:-}" ] && diag <"$2"
	test_end
}

# The count, and the exit status: 1 if a case failed.
test_end()
{
	echo "# $pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}
