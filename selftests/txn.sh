#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Whole-configuration transactions: pl-ctl apply, apply --check, diff,
# config digest and -b --atomic. Topology: see topo.sh (router r, clients
# c1a 10.0.1.10 and c1b 10.0.2.10, backends b1a b2a on br-p1 and b1b b2b
# on br-p2), plus four backends for a swap of backend sets:
#
#   br-p1 192.168.1.1 -+- n1a 192.168.1.21     br-p2 192.168.2.1 -+- n1b 192.168.2.21
#                      +- n2a 192.168.1.22                        +- n2b 192.168.2.22
#
#   - applying the saved configuration changes nothing: no commit, the
#     same generation, digest and save output;
#   - apply makes the configuration what a file says, in one commit that
#     monitor announces once, and a second apply of it changes nothing;
#   - a connection through objects an apply leaves alone survives it;
#   - a wrong line (first, middle or last; caught by pl-ctl or by the
#     kernel) changes nothing, and the error names FILE:LINE;
#   - apply --check validates with the kernel and changes nothing; diff
#     prints what apply would do;
#   - while clients connect without pause, an apply that swaps a service's
#     backends for four others sends no connection to a backend of neither
#     set, and refuses none;
#   - two applies at once, and an apply killed halfway, leave one whole
#     configuration or the other;
#   - -b --atomic: all the lines or none;
#   - the same configuration built in two orders in two namespaces has
#     the same digest; another has another;
#   - after each kind of change (endpoint state, allow list, private-dns,
#     service settings, sources, private name, weight, and several in one
#     apply), the digest is the one a namespace built afresh computes;
#   - a file whose changes are all backend lines is diffed against the
#     copy of the file last applied (apply -d says so), and ends as the
#     whole diff would; an endpoint line, a change by hand or a copy the
#     kernel's fingerprint disowns takes the whole path;
#   - into a namespace without objects, apply sends the file's lines, and
#     a line the kernel refuses (an address of the router, an unknown
#     service) is named; DNS settings alone are diffed, and reset;
#   - a 60,000-line apply, then back to the small file.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 13

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
for b in "n1a 1 21" "n2a 1 22" "n1b 2 21" "n2b 2 22"; do
	# shellcheck disable=SC2086
	topo_backend $b || ktap_exit_fail_msg "cannot add backend $b"
done
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

D=$TOPO_DIR
r_ctl save >"$D/base.conf" || ktap_exit_fail_msg "cannot save"
# An address of the router's that no file may take.
LOCAL_IP=10.0.1.200
ip -n "$R" addr add "$LOCAL_IP/24" dev br-a ||
	ktap_exit_fail_msg "cannot add $LOCAL_IP"

config_field()
{
	r_ctl -j config show | pl_jq -r ".config.$1"
}

# The namespace's count of new connections.
new_connections()
{
	r_ctl -j stats show | pl_jq -r '.stats[]
		| select(.scope == "namespace") | .counters."new-connections"'
}

# connections_since COUNT N: N connections were made since COUNT was read.
connections_since()
{
	[ "$(new_connections)" -ge $(($1 + $2)) ]
}

# The state a failed apply must leave as it was.
snapshot()
{
	{
		config_field generation
		r_ctl config digest
		r_ctl save
	} 2>&1
}

# monitor_start NAME, monitor_stop NAME: monitor's output in $D/NAME.mon.
monitor_start()
{
	local pid
	ip netns exec "$R" "$(pl_ctl_path)" monitor config >"$D/$1.mon" 2>&1 &
	pid=$!
	echo $pid >"$D/$1.monpid"
	# Subscribed once it waits for events in poll(): on a loaded machine,
	# a fixed pause may end before it has joined the group.
	topo_wait 20 grep -q poll "/proc/$pid/wchan" ||
		echo "# monitor $1: not waiting in poll() after 20 s"
	sleep 0.2
}

monitor_stop()
{
	sleep 0.5
	kill "$(<"$D/$1.monpid")" 2>/dev/null
	wait "$(<"$D/$1.monpid")" 2>/dev/null
	cat "$D/$1.mon"
}

# base.conf with its lines changed by sed expressions.
variant()
{
	sed "$@" "$D/base.conf"
}

test_reapply_saved()
{
	local before out mon
	before=$(snapshot)
	monitor_start reapply
	out=$(r_ctl apply "$D/base.conf" 2>&1)
	check_eq "apply of the saved configuration: exit 0, silent" "0:" "$?:$out"
	mon=$(monitor_stop reapply)
	check_eq "generation, digest and save output unchanged" "$before" \
		"$(snapshot)"
	check_eq "no commit announced" "" "$mon"
	check_eq "diff prints nothing" "" "$(r_ctl diff "$D/base.conf" 2>&1)"
}

# A new backend, a weight, a deleted backend, a new endpoint.
changed_conf()
{
	variant -e "/^backend add svc ${TOPO_ADDR[b2b]} /d" \
		-e "s/^\(backend add svc ${TOPO_ADDR[b1b]} az b\) weight 1/\1 weight 3/"
	echo "backend add svc ${TOPO_ADDR[n1a]} az a weight 1"
	echo "endpoint add vpce-2 service svc subnet subnet-a ip 10.0.1.60"
}

test_apply_changes()
{
	local mon gen
	changed_conf >"$D/changed.conf"
	gen=$(config_field generation)
	monitor_start changes
	check_ok "apply" -- r_ctl apply "$D/changed.conf" || return 1
	mon=$(monitor_stop changes)
	check_eq "one commit announced" 1 "$(grep -c '^config commit ' <<<"$mon")"
	check_match "added 2, changed 1, deleted 1, the new generation" \
		"^config commit generation $((gen + 1)) added 2 changed 1 deleted 1 digest $(r_ctl config digest)\$" \
		"$mon"
	check_match "and each object's event" \
		"^backend del svc ${TOPO_ADDR[b2b]//./\\.} " "$mon"
	check_eq "diff afterwards prints nothing" "" \
		"$(r_ctl diff "$D/changed.conf" 2>&1)"
	check_match "the weight is 3" "weight 3" \
		"$(r_ctl backend show svc "${TOPO_ADDR[b1b]}")"
	topo_claimed "$R"
	check_eq "vpce-2 serves" 1 \
		"$(topo_jq "$(topo_connect c1a 10.0.1.60:80)" .ok)"
	gen=$(config_field generation)
	check_ok "apply again" -- r_ctl apply "$D/changed.conf"
	check_eq "... changes nothing" "$gen" "$(config_field generation)"
	# A change by hand since: the same file puts it right again.
	r_ctl backend set svc "${TOPO_ADDR[b1b]}" weight 9
	check_ok "apply after a change by hand" -- r_ctl apply "$D/changed.conf"
	check_match "the weight is 3 again" "weight 3" \
		"$(r_ctl backend show svc "${TOPO_ADDR[b1b]}")"
	check_ok "back to the base file" -- r_ctl apply "$D/base.conf"
	check_eq "diff to it prints nothing" "" \
		"$(r_ctl diff "$D/base.conf" 2>&1)"
}

# A connection to a backend the file keeps survives an apply that adds,
# changes and deletes others.
test_untouched_flows()
{
	local ev name
	topo_session keep c1a "$ENI_A:80" echo "pump:$(topo_gofile keep)" close
	topo_session_first keep || return 1
	name=$(topo_jq "$TOPO_CONNECTED" .backend)
	# Delete a backend other than the session's, re-weight another.
	local other=b1a
	[ "$name" = b1a ] && other=b2a
	variant -e "/^backend add svc ${TOPO_ADDR[$other]} /d" \
		-e "s/^\(backend add svc ${TOPO_ADDR[b1b]} az b\) weight 1/\1 weight 2/" \
		>"$D/untouched.conf"
	echo "endpoint add vpce-3 service svc subnet subnet-b ip 10.0.2.61" \
		>>"$D/untouched.conf"
	check_ok "apply" -- r_ctl apply "$D/untouched.conf"
	topo_go keep
	topo_session_ok keep
	check_ok "back to the base file" -- r_ctl apply "$D/base.conf"
}

# apply_fails FILE LINE RE: apply FILE fails naming FILE:LINE, and RE;
# nothing changes.
apply_fails()
{
	local file=$1 line=$2 re=$3 before
	before=$(snapshot)
	check_fail_with "^pl-ctl: ${file//./\\.}:$line: .*$re" -- \
		r_ctl apply "$file"
	check_eq "$(basename "$file"): nothing changed" "$before" "$(snapshot)"
}

test_wrong_line()
{
	local n
	# First line: syntax.
	{ echo "backend add svc"; tail -n +2 "$D/base.conf"; } >"$D/bad1.conf"
	apply_fails "$D/bad1.conf" 1 ""
	# Middle, after the service: the kernel finds the router's own address.
	n=$(grep -n '^service add svc ' "$D/base.conf" | cut -d: -f1)
	{
		head -n "$n" "$D/base.conf"
		echo "endpoint add vpce-9 service svc subnet subnet-a ip $LOCAL_IP"
		tail -n +$((n + 1)) "$D/base.conf"
	} >"$D/bad2.conf"
	apply_fails "$D/bad2.conf" $((n + 1)) \
		"${LOCAL_IP//./\\.} is an address of this router \\(dev br-a\\)"
	# Last: a source address that a backend of the file has (the kernel
	# refuses it after the new backends are staged), as the last line.
	{ changed_conf; echo "service source add svc 192.168.9.9 az nosuch"; } \
		>"$D/bad3.conf"
	apply_fails "$D/bad3.conf" "$(wc -l <"$D/bad3.conf")" 'nosuch'
	check_eq "exit status 1 for the kernel's refusal" 1 \
		"$(r_ctl apply "$D/bad2.conf" >/dev/null 2>&1; echo $?)"
}

test_check_and_diff()
{
	local before out
	before=$(snapshot)
	check_ok "apply --check of a good file" -- \
		r_ctl apply --check "$D/changed.conf"
	check_eq "nothing changed" "$before" "$(snapshot)"
	check_fail_with "bad2\.conf:[0-9]+: .*address of this router" -- \
		r_ctl apply --check "$D/bad2.conf"
	check_eq "nothing changed" "$before" "$(snapshot)"
	out=$(r_ctl diff "$D/changed.conf")
	check_match "diff: the deleted backend" \
		"^backend del svc ${TOPO_ADDR[b2b]//./\\.}\$" "$out"
	check_match "diff: the weight" \
		"^backend set svc ${TOPO_ADDR[b1b]//./\\.} weight 3\$" "$out"
	check_match "diff: the new endpoint" \
		"^endpoint add vpce-2 service svc subnet subnet-a ip 10\.0\.1\.60" "$out"
	check_eq "diff: four lines" 4 "$(wc -l <<<"$out")"
	check_eq "nothing changed" "$before" "$(snapshot)"
}

# The file that moves svc to n1a n2a n1b n2b. Between the requests that
# delete the old backends and those that add the new ones come 2,000 others
# (a service and its backends): line by line, that leaves svc without a
# backend for seconds, and connections are refused (as a run with -b
# instead of apply shows); in a transaction, never.
swapped_conf()
{
	local b
	variant -e '/^backend add svc /d'
	echo "service add bulk port 81:8080 acceptance auto"
	awk 'BEGIN { for (i = 0; i < 2000; i++)
		printf "backend add bulk 10.200.%d.%d az a weight 1\n",
			int(i / 250), i % 250 + 1 }'
	for b in n1a n2a n1b n2b; do
		echo "backend add svc ${TOPO_ADDR[$b]} az ${b:2:1} weight 1"
	done
}

test_swap()
{
	local out names old='^(b1a|b2a|b1b|b2b)$' new='^(n1a|n2a|n1b|n2b)$' bad n0
	swapped_conf >"$D/swapped.conf"
	# One client process, so that connections follow each other closely
	# (about 200 a second); the apply comes once 100 have gone through:
	# on a busy machine, the client can take seconds to start.
	n0=$(new_connections)
	topo_bg conns topo_connect c1a "$ENI_A:80" -n 3000 --parallel 2 \
		--timeout 5
	topo_wait 60 connections_since "$n0" 100 ||
		echo "# fewer than 100 connections after 60 s"
	check_ok "apply the swap while clients connect" -- \
		r_ctl apply "$D/swapped.conf"
	topo_bg_wait
	out=$(topo_bg_out conns)
	echo "# $(topo_jq "$out" .n) connections in $(topo_jq "$out" .elapsed) s, errors: $(topo_jq "$out" '.errors | tostring')"
	# A connection open to an old backend when the commit deletes it is
	# reset, as backend del resets it (ECONNRESET, or eof); a new one is
	# never refused (no backend: ECONNREFUSED) nor left unanswered.
	check_eq "no connection refused or lost" 0 \
		"$(topo_jq "$out" '[.errors | to_entries[]
			| select(.key != "ECONNRESET" and .key != "eof")
			| .value] | add // 0')"
	check_match "and most go through" '^(29[0-9][0-9]|3000)$' \
		"$(topo_jq "$out" .ok)"
	names=$(topo_jq "$out" '.backends | keys[]')
	check_match "connections before the swap" "$old" "$names"
	check_match "connections after the swap" "$new" "$names"
	bad=$(grep -Ev "$old|$new" <<<"$names")
	check_eq "no connection to a backend of neither set" "" "$bad"
	out=$(topo_connect c1a "$ENI_A:80" -n 20)
	check_eq "afterwards, only the new set" "" \
		"$(topo_jq "$out" '.backends | keys[]' | grep -Ev "$new")"
	check_ok "back to the base file" -- r_ctl apply "$D/base.conf"
}

# Two applies at once: the end state is one file or the other.
test_concurrent()
{
	local a b pid
	variant -e 's/ weight 1$/ weight 2/' >"$D/w2.conf"
	variant -e 's/ weight 1$/ weight 3/' >"$D/w3.conf"
	topo_bg w2 r_ctl apply "$D/w2.conf"
	topo_bg w3 r_ctl apply "$D/w3.conf"
	topo_bg_wait
	check_eq "both applies succeed" ":" \
		"$(topo_bg_out w2):$(topo_bg_out w3)"
	a=$(r_ctl diff "$D/w2.conf")
	b=$(r_ctl diff "$D/w3.conf")
	[ -z "$a" ] || [ -z "$b" ] ||
		pl_fail "FAIL: the end state is neither file" "$a" "$b"

	# A big apply killed halfway: all of it or none.
	check_ok "back to the base file" -- r_ctl apply "$D/base.conf"
	big_conf 20 250 >"$D/big5k.conf"
	ip netns exec "$R" "$(pl_ctl_path)" apply "$D/big5k.conf" &
	pid=$!
	sleep 1.5
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	a=$(r_ctl diff "$D/base.conf" | wc -l)
	b=$(r_ctl diff "$D/big5k.conf" | wc -l)
	[ "$a" = 0 ] || [ "$b" = 0 ] ||
		pl_fail "FAIL: a killed apply left a partial configuration" \
			"  $a lines from base.conf, $b from big5k.conf"
	check_ok "back to the base file" -- r_ctl apply "$D/base.conf"
}

test_atomic_batch()
{
	local before
	before=$(snapshot)
	printf '%s\n' "backend add svc ${TOPO_ADDR[n1a]} az a" \
		"backend set svc ${TOPO_ADDR[b1a]} weight 5" \
		"backend add svc ${TOPO_ADDR[n2a]} az nosuch" >"$D/atomic-bad.b"
	check_fail_with "atomic-bad\.b:3: .*nosuch" -- \
		r_ctl -b "$D/atomic-bad.b" --atomic
	check_eq "nothing changed" "$before" "$(snapshot)"
	head -n 2 "$D/atomic-bad.b" >"$D/atomic.b"
	monitor_start atomic
	check_ok "-b --atomic" -- r_ctl -b "$D/atomic.b" --atomic
	check_eq "one commit" 1 \
		"$(monitor_stop atomic | grep -c '^config commit .* added 1 changed 1 deleted 0 ')"
	check_ok "again, line by line, fails on the existing backend" -- \
		bash -c "! $(printf '%q ' ip netns exec "$R" "$(pl_ctl_path)") -b $D/atomic.b"
	check_ok "back to the base file" -- r_ctl apply "$D/base.conf"
}

# big_conf S B: S services of B backends each, plus what the standard
# configuration needs.
big_conf()
{
	local s=$1 b=$2
	awk -v S="$s" -v B="$b" 'BEGIN {
		print "az add a id use1-az1"
		print "az add b id use1-az2"
		for (i = 0; i < S; i++) {
			printf "service add big%d port %d acceptance auto\n", i, 1000 + i
			for (j = 0; j < B; j++)
				printf "backend add big%d 10.%d.%d.%d az %s weight 1\n",
					i, 100 + int(i / 100), int(j / 250), j % 250 + 1,
					(j % 2) ? "a" : "b"
		}
	}'
}

# The same configuration in two namespaces, built in two orders.
test_digest()
{
	local n1 n2 d1 d2
	pl_ns n1 n2 || return 1
	big_conf 3 5 >"$D/small.conf"
	check_ok "apply in $n1" -- pl_ctl -n "$n1" apply "$D/small.conf"
	# Reversed, services before AZs would fail: AZs first, then the rest
	# from the last line up.
	{ head -n 2 "$D/small.conf"; tail -n +3 "$D/small.conf" | tac |
		awk '/^service/ { print; for (i = n; i > 0; i--) print l[i]; n = 0; next }
		     { l[++n] = $0 }'; } >"$D/small-rev.b"
	check_ok "batch in $n2, in another order" -- \
		pl_ctl -n "$n2" -b "$D/small-rev.b"
	d1=$(pl_ctl -n "$n1" config digest)
	d2=$(pl_ctl -n "$n2" config digest)
	check_match "a digest: 16 hex digits" '^[0-9a-f]{16}$' "$d1"
	check_eq "the same digest" "$d1" "$d2"
	pl_ctl -n "$n2" backend set big1 10.100.0.3 weight 7
	check_nomatch "another configuration, another digest" "^$d1\$" \
		"$(pl_ctl -n "$n2" config digest)"
	check_eq "diff between them names that backend" \
		"backend set big1 10.100.0.3 weight 1" \
		"$(pl_ctl -n "$n2" diff "$D/small.conf")"
}

# The kernel keeps each service's and endpoint's digest items between
# changes. After each kind of change, the digest must be the one that a
# namespace built afresh from the same saved configuration computes.
test_digest_kept()
{
	local n1 n2 c i d0
	local -a changes=(
		"endpoint accept e1"
		"endpoint reject e2"
		"endpoint allow add e1 10.0.0.0/8"
		"endpoint set e1 private-dns off"
		"service set web acceptance auto idle-timeout 100 health protocol tcp"
		"service source add web 192.0.2.2 az b"
		"service source del web 192.0.2.1"
		"service set web private-dns other.example.com"
		"backend set web 10.9.1.10 weight 5"
		"endpoint allow del e1 10.0.0.0/8"
		"limits set fast-path off"
		"APPLY"
	)
	pl_ns n1 n2 || return 1
	cat >"$D/kept.conf" <<-'CONF'
	az add a id use1-az1
	az add b id use1-az2
	subnet add sa prefix 10.77.1.0/24 az a dev lo
	subnet add sb prefix 10.77.2.0/24 az b dev lo
	service add web port 80 acceptance manual private-dns web.example.com
	service source add web 192.0.2.1 az a
	backend add web 10.9.1.10 az a
	endpoint add e1 service web subnet sa ip 10.77.1.5 subnet sb ip 10.77.2.5
	endpoint add e2 service web subnet sa ip 10.77.1.6 private-dns off
	CONF
	check_ok "apply in $n1" -- pl_ctl -n "$n1" apply "$D/kept.conf" ||
		return 1
	i=0
	for c in "${changes[@]}"; do
		i=$((i + 1))
		d0=$(pl_ctl -n "$n1" config digest)	# and keep the items
		if [ "$c" = APPLY ]; then
			# Several of them in one transaction.
			pl_ctl -n "$n1" save | sed -e 's/^\(endpoint add e1 .*\)/\1 allow 10.1.0.0\/16/' \
				-e 's/^\(service add web .*\)idle-timeout 100/\1idle-timeout 200/' \
				-e '/^service source add web 192.0.2.2 /d' >"$D/kept-$i.conf"
			c="apply of several changes"
			check_ok "$c" -- pl_ctl -n "$n1" apply "$D/kept-$i.conf" || return 1
		else
			# shellcheck disable=SC2086
			check_ok "$c" -- pl_ctl -n "$n1" $c || return 1
		fi
		pl_ctl -n "$n1" save >"$D/kept-$i.saved"
		pl_ctl -n "$n2" apply /dev/null &&
			pl_ctl -n "$n2" apply "$D/kept-$i.saved" || return 1
		check_eq "after $c: the digest of the same configuration built afresh" \
			"$(pl_ctl -n "$n2" config digest)" "$(pl_ctl -n "$n1" config digest)" ||
			pl_indent <"$D/kept-$i.saved"
		check_nomatch "after $c: the digest changed" "^$d0\$" \
			"$(pl_ctl -n "$n1" config digest)"
	done
}

# Into a namespace without objects, apply sends the file's own lines (no
# diff); the state is the one a diff from elsewhere reaches, and a line
# the kernel refuses still changes nothing and is named.
test_empty()
{
	local n1 n2 n3 out f=$D/empty-bad.conf
	pl_ns n1 n2 n3 || return 1
	big_conf 3 5 >"$D/small.conf"
	out=$(pl_ctl -n "$n1" -d apply "$D/small.conf" 2>&1)
	check_match "an empty namespace takes the file's lines" \
		'the configuration is empty: sending the file' "$out"
	pl_ctl -n "$n2" az add z id use1-az9 || return 1
	out=$(pl_ctl -n "$n2" -d apply "$D/small.conf" 2>&1)
	check_nomatch "one that holds an AZ is diffed" 'configuration is empty' \
		"$out"
	check_eq "both end with the same configuration" \
		"$(pl_ctl -n "$n1" save)" "$(pl_ctl -n "$n2" save)"
	check_eq "and the same digest" "$(pl_ctl -n "$n1" config digest)" \
		"$(pl_ctl -n "$n2" config digest)"
	ip -n "$n3" link set lo up && ip -n "$n3" addr add 10.77.0.10/32 dev lo ||
		return 1
	{
		cat "$D/small.conf"
		echo "subnet add s9 prefix 10.77.0.0/24 az a"
		echo "endpoint add vpce-9 service big0 subnet s9 ip 10.77.0.10"
		echo "az add c id use1-az3"
	} >"$f"
	out=$(pl_ctl -n "$n3" save)
	check_fail_with "^pl-ctl: ${f//./\\.}:$(($(wc -l <"$f") - 1)): .*10\.77\.0\.10 is an address of this router" \
		-- pl_ctl -n "$n3" apply "$f"
	check_eq "a refused line left it empty" "$out" "$(pl_ctl -n "$n3" save)"
	# Not modelled first: the kernel finds the unknown service, and the
	# line is named all the same.
	printf 'az add a\nbackend add nope 10.0.0.1 az a\n' >"$D/empty-ref.conf"
	check_fail_with "^pl-ctl: ${D//./\\.}/empty-ref\\.conf:2: .*nope" \
		-- pl_ctl -n "$n3" apply "$D/empty-ref.conf"
	check_eq "and left it empty" "$out" "$(pl_ctl -n "$n3" save)"
	# No object, but a DNS suffix and a consumer prefix that the file does
	# not have: a diff, which resets them, rather than the file's lines.
	pl_ctl -n "$n3" dns set suffix corp.example &&
		pl_ctl -n "$n3" dns consumer add 10.0.0.0/8 || return 1
	out=$(pl_ctl -n "$n3" -d apply "$D/small.conf" 2>&1)
	check_nomatch "DNS settings alone: diffed" 'configuration is empty' "$out"
	check_eq "they are reset, as in any other namespace" \
		"$(pl_ctl -n "$n1" save)" "$(pl_ctl -n "$n3" save)"
}

# apply_d FILE: apply -d's output (stderr too), then its exit status.
apply_d()
{
	r_ctl -d apply "$1" 2>&1
	echo "exit $?"
}

# While the kernel holds the fingerprint of the file last applied, a file
# whose changes are all backend lines is diffed against that file's copy,
# line by line; anything else, against the whole configuration. Both end
# where the file says.
test_quick()
{
	local f=$D/quick.conf out mon copy
	check_ok "apply the base file" -- r_ctl apply "$D/base.conf" || return 1
	variant -e "s/^\(backend add svc ${TOPO_ADDR[b1b]} az b\) weight 1/\1 weight 4/" >"$f"
	monitor_start quick
	out=$(apply_d "$f")
	mon=$(monitor_stop quick)
	check_match "a weight: two lines of one backend" \
		"^pl-ctl: ${f//./\\.}: 2 lines of 1 backends differ from the file last applied\$" "$out"
	check_match "exit 0" "^exit 0\$" "$out"
	check_match "one commit, one change" \
		"^config commit generation [0-9]+ added 0 changed 1 deleted 0 " "$mon"
	check_match "the weight is 4" "weight 4" \
		"$(r_ctl backend show svc "${TOPO_ADDR[b1b]}")"
	check_eq "the whole diff agrees: nothing left" "" "$(r_ctl diff "$f" 2>&1)"

	# One backend out, another in, a drain, a comment.
	sed "/^backend add svc ${TOPO_ADDR[b2a]} /d" "$D/quick.conf" >"$D/quick2.conf"
	f=$D/quick2.conf
	{
		echo "backend add svc ${TOPO_ADDR[n2b]} az b weight 2 # new"
		echo "backend set svc ${TOPO_ADDR[b1a]} state drain"
	} >>"$f"
	monitor_start quick2
	out=$(apply_d "$f")
	mon=$(monitor_stop quick2)
	check_match "three backends" "3 lines of 3 backends differ" "$out"
	check_match "added 1, changed 1, deleted 1" \
		"^config commit generation [0-9]+ added 1 changed 1 deleted 1 " "$mon"
	check_eq "the whole diff agrees" "" "$(r_ctl diff "$f" 2>&1)"

	# A backend of a service that the file does not have: refused, by
	# line, and nothing changes.
	cp "$f" "$D/quick-bad.conf"
	echo "backend add nosuch 192.168.2.99 az b" >>"$D/quick-bad.conf"
	apply_fails "$D/quick-bad.conf" "$(wc -l <"$D/quick-bad.conf")" "nosuch"

	# An endpoint line: the whole configuration is diffed.
	{ cat "$f"; echo "endpoint add vpce-7 service svc subnet subnet-a ip 10.0.1.61"; } >"$D/quick-ep.conf"
	out=$(apply_d "$D/quick-ep.conf")
	check_match "an endpoint line: the whole path" \
		"diffing the whole configuration" "$out"
	check_match "... exit 0" "^exit 0\$" "$out"
	check_eq "... and vpce-7 is there" 1 \
		"$(r_ctl -j endpoint show | pl_jq '[.endpoints[] | select(.id == "vpce-7")] | length')"

	# A change by hand: the kernel drops the fingerprint, so no copy is
	# trusted, and the whole path puts the weight back.
	r_ctl backend set svc "${TOPO_ADDR[b1b]}" weight 9
	out=$(apply_d "$f")
	check_match "after a change by hand: the whole path" \
		"diffing the whole configuration" "$out"
	check_match "the weight is 4 again" "weight 4" \
		"$(r_ctl backend show svc "${TOPO_ADDR[b1b]}")"

	# A copy that is not the file the kernel's fingerprint is of: a
	# line put in by hand after its first line (its own).
	for copy in /run/pl/applied/net-*; do
		sed -i "2i backend set svc ${TOPO_ADDR[b1a]} weight 7" "$copy"
	done
	out=$(apply_d "$D/base.conf")
	check_match "a copy that is not the kernel's: the whole path" \
		"diffing the whole configuration" "$out"
	check_eq "back at the base file" "" "$(r_ctl diff "$D/base.conf" 2>&1)"
}

test_60k()
{
	local before
	big_conf 200 300 >"$D/60k.conf"
	check_eq "the file" 60202 "$(wc -l <"$D/60k.conf")"
	check_ok "apply 60,202 lines" -- r_ctl apply "$D/60k.conf" || return 1
	check_match "60,000 backends" '"backends":60000' "$(r_ctl -j limits show)"
	before=$(config_field generation)
	check_ok "apply again" -- r_ctl apply "$D/60k.conf"
	check_eq "changes nothing" "$before" "$(config_field generation)"
	check_ok "back to the base file" -- r_ctl apply "$D/base.conf"
	check_eq "diff to it prints nothing" "" \
		"$(r_ctl diff "$D/base.conf" 2>&1)"
}

pl_kmsg_mark txn
pl_subtest "applying the saved configuration changes nothing" test_reapply_saved
pl_subtest "apply makes the configuration the file's, in one commit" test_apply_changes
pl_subtest "a connection through untouched objects survives an apply" test_untouched_flows
pl_subtest "a wrong line changes nothing and names FILE:LINE" test_wrong_line
pl_subtest "apply --check and diff change nothing" test_check_and_diff
pl_subtest "a swap of backend sets is never seen half-done" test_swap
pl_subtest "two applies at once, a killed apply: one whole state" test_concurrent
pl_subtest "-b --atomic: all the lines or none" test_atomic_batch
pl_subtest "one configuration, two orders, one digest" test_digest
pl_subtest "the digest follows every change" test_digest_kept
pl_subtest "apply diffs a file of changed backends against the last" test_quick
pl_subtest "into an empty namespace, apply sends the file's lines" test_empty
pl_subtest "a 60,000-line apply" test_60k
check_kmsg_clean || true
ktap_finished
