#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pl.service and pl@NETNS.service as Debian's package installs them, in a
# VM that boots systemd as PID 1 (tools/vm/pl-vm --systemd --setup
# selftests/service_setup.sh -- env PL_RUN_LOADED=1 selftests/run.sh
# service.sh; make check runs it after the suite). The
# setup installed pl-dkms and pl-tools with apt (DKMS installs pl.ko), wrote a small
# /etc/pl/pl.conf (an endpoint vpce-boot in the host's namespace) and
# enabled pl.service before systemd started. For pl@NETNS, the standard
# topology (topo.sh) in namespaces, its router r's configuration in
# /etc/pl/R.conf:
#
#   c1a 10.0.1.10 --- r (pl@R: ENI 10.0.1.50) --- b1a b2a b1b b2b :8080
#
#   - the boot loaded pl, applied /etc/pl/pl.conf and joined the fleet
#     /etc/pl/sync.conf names;
#   - reload after an edit changes what differs, in one commit;
#   - a wrong line fails the reload, names FILE:LINE in the journal, and
#     leaves the configuration and the service as they were;
#   - stop leaves the fleet and removes the configuration; start with a
#     wrong line fails and
#     changes nothing;
#   - pl@R applies /etc/pl/R.conf in R and joins the fleet
#     /etc/pl/R.sync.conf names, and a client reaches a backend through
#     the endpoint; stop leaves the fleet and empties R only;
#   - pl-flow-log@R writes R's flow logs to the journal: a REJECT record
#     for a ping of the ENI, an ACCEPT record for the connection;
#   - pl-metrics.service writes the counters where node_exporter's
#     textfile collector reads them, in a form promtool accepts, and its
#     timer runs;
#   - systemd-analyze verify accepts the installed units.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
[ -d /run/systemd/system ] ||
	pl_skip_all "systemd is not PID 1 here (pl-vm --systemd runs this)"
[ ! -f /var/tmp/pl-setup.skip ] || pl_skip_all "$(cat /var/tmp/pl-setup.skip)"
if [ -f /var/tmp/pl-setup.failed ]; then
	pl_indent </var/tmp/pl-setup.log
	ktap_exit_fail_msg "the setup (service_setup.sh) failed"
fi
ktap_set_plan 7

CONF=/etc/pl/pl.conf
CTL=/usr/sbin/pl-ctl

generation()
{
	"$CTL" "$@" -j config show | "$PL_JQ" -r .config.generation
}

# The configuration without its comments and limits.
objects()
{
	"$CTL" "$@" save | grep -vE '^(#|limits )'
}

test_boot()
{
	check_eq "pl.service is active after the boot" active \
		"$(systemctl is-active pl.service)"
	check_ok "it loaded pl (installed by DKMS)" -- test -d /sys/module/pl
	check_match "modinfo finds pl.ko under updates/dkms" '/updates/dkms/pl\.ko' \
		"$(modinfo -n pl)"
	check_eq "apt installed both packages" \
		"pl-dkms install ok installed,pl-tools install ok installed" \
		"$(dpkg-query -W -f '${Package} ${Status}\n' pl-dkms pl-tools 2>&1 |
			sort | paste -sd,)"
	check_eq "DKMS installed pl.ko for this kernel" \
		"pl/$(cat "$PL_TOP/VERSION"), $(uname -r), x86_64: installed" \
		"$(dkms status -m pl -k "$(uname -r)" 2>/dev/null | grep '^pl/')"
	check_eq "the configuration is the file's" "" "$("$CTL" diff "$CONF")"
	check_match "with the endpoint" '^endpoint add vpce-boot ' "$(objects)"
	check_match "and joined the fleet, as /etc/pl/sync.conf says" \
		'^node 1 local 10\.70\.0\.1 ' "$("$CTL" sync show)"
	check_match "with its peer" '^peer 10\.70\.0\.2 ' "$("$CTL" sync show)"
}

test_reload()
{
	local gen
	gen=$(generation)
	sed -i 's/^\(backend add web 10.60.0.12 az a\) weight 1$/\1 weight 3/' "$CONF"
	check_ok "systemctl reload pl" -- systemctl reload pl.service
	check_eq "one commit" "$((gen + 1))" "$(generation)"
	check_eq "the configuration is the edited file's" "" "$("$CTL" diff "$CONF")"
	check_match "the new weight" 'backend add web 10\.60\.0\.12 az a weight 3' \
		"$(objects)"
}

test_broken()
{
	local before n
	before=$(objects)
	echo "backend add nosuch 10.60.0.13 az a" >>"$CONF"
	n=$(wc -l <"$CONF")
	check_fail "systemctl reload pl, with a wrong line" -- \
		systemctl reload pl.service
	check_eq "the configuration is as it was" "$before" "$(objects)"
	check_eq "the service still runs" active "$(systemctl is-active pl.service)"
	check_match "the journal names the file and the line" \
		"pl-ctl: $CONF:$n: .*nosuch" \
		"$(journalctl -u pl.service -o cat --no-pager)"
}

test_stop_start()
{
	check_ok "systemctl stop pl" -- systemctl stop pl.service
	check_eq "removes the configuration" "" "$(objects)"
	check_nomatch "and leaves the fleet" '^node ' "$("$CTL" sync show 2>&1)"
	check_fail "systemctl start pl, with the wrong line still there" -- \
		systemctl start pl.service
	check_eq "fails the unit" failed "$(systemctl is-active pl.service)"
	check_eq "and changes nothing" "" "$(objects)"
	sed -i '$d' "$CONF"
	check_ok "start again, the line removed" -- systemctl start pl.service
	check_eq "the file's configuration again" "" "$("$CTL" diff "$CONF")"
}

# journal_has UNIT REGEX: the unit's journal has a line that matches.
journal_has()
{
	journalctl -q -o cat -u "$1" | grep -Eq -- "$2"
}

# pl-flow-log@R, with pl@R running: a ping of the ENI, rejected, then a
# connection, accepted, each as a record in the journal.
test_flow_log()
{
	local unit="pl-flow-log@$R.service" i=0 eni out

	check_ok "systemctl start pl-flow-log@R" -- systemctl start "$unit" ||
		return 1
	until journal_has "$unit" " REJECT OK\$"; do
		[ $i -lt 30 ] || break
		ip netns exec "$(topo_ns c1a)" ping -c 1 -W 1 "$ENI_A" >/dev/null
		sleep 1
		i=$((i + 1))
	done
	eni=$("$CTL" -n "$R" -j endpoint show vpce-1 |
		"$PL_JQ" -r '.endpoints[0].eni[] | select(.subnet == "subnet-a") | .id')
	check_ok "the journal: the ping, rejected" -- journal_has "$unit" \
		"^2 - $eni ${TOPO_ADDR[c1a]} $ENI_A 0 0 1 1 84 [0-9]+ [0-9]+ REJECT OK\$"
	out=$(topo_connect c1a "$ENI_A:80" --sport 40001)
	check_eq "a connection" 1 "$(topo_jq "$out" .ok)"
	topo_wait 20 journal_has "$unit" " 40001 80 6 .* ACCEPT OK\$"
	check_ok "the journal: the connection, accepted" -- journal_has "$unit" \
		"^2 - $eni ${TOPO_ADDR[c1a]} $ENI_A 40001 80 6 [0-9]+ [0-9]+ [0-9]+ [0-9]+ ACCEPT OK\$"
	check_eq "pl-flow-log@R is still running" active \
		"$(systemctl is-active "$unit")"
}

test_netns()
{
	local out
	topo_pl_batch >"/etc/pl/$R.conf"
	# R joins a fleet of its own, on its address to on premises.
	printf '%s\n' \
		'sync set node 2 local 172.16.0.1 key-file /etc/pl/sync.key' \
		'sync peer add 172.16.0.9' >"/etc/pl/$R.sync.conf"
	check_ok "systemctl start pl@R" -- systemctl start "pl@$R.service"
	check_eq "R's configuration is /etc/pl/R.conf" "" \
		"$("$CTL" -n "$R" diff "/etc/pl/$R.conf")"
	check_match "R joined the fleet /etc/pl/R.sync.conf names" \
		'^node 2 local 172\.16\.0\.1 ' "$("$CTL" -n "$R" sync show)"
	check_match "the host's sync is its own" '^node 1 local 10\.70\.0\.1 ' \
		"$("$CTL" sync show 2>&1)"
	topo_claimed "$R" || return 1
	out=$(topo_connect c1a "$ENI_A:80")
	check_eq "a client reaches a backend through the endpoint" 1 \
		"$(topo_jq "$out" .ok)"
	check_match "which sees a source address of the service" \
		'^192\.168\.[12]\.100$' "$(topo_jq "$out" '.peers | keys[]')"
	check_match "the host's configuration is untouched" \
		'^endpoint add vpce-boot ' "$(objects)"
	test_flow_log
	check_ok "systemctl stop pl@R" -- systemctl stop "pl@$R.service"
	check_eq "empties R" "" "$(objects -n "$R")"
	check_nomatch "and R leaves its fleet" '^node ' \
		"$("$CTL" -n "$R" sync show 2>&1)"
	rm -f "/etc/pl/$R.sync.conf"
	check_match "and only R" '^endpoint add vpce-boot ' "$(objects)"
}

test_metrics()
{
	local f=/var/lib/prometheus/node-exporter/pl.prom
	rm -f "$f"
	check_ok "systemctl start pl-metrics.service" -- \
		systemctl start pl-metrics.service
	check_match "wrote the host's counters for node_exporter" \
		'^pl_endpoint_new_connections_total\{endpoint="vpce-boot"' \
		"$(cat "$f" 2>&1)"
	check_eq "which promtool accepts" "" "$(promtool check metrics <"$f" 2>&1)"
	check_ok "systemctl enable --now pl-metrics.timer" -- \
		systemctl enable --now pl-metrics.timer
	check_eq "the timer is waiting" active \
		"$(systemctl is-active pl-metrics.timer)"
}

test_verify()
{
	check_eq "systemd-analyze verify: nothing to say" "" \
		"$(systemd-analyze verify pl.service "pl@$R.service" \
			pl-metrics.service pl-metrics.timer pl-flow-log.service \
			"pl-flow-log@$R.service" 2>&1)"
}

topo_setup || ktap_exit_fail_msg "cannot build the topology"
pl_kmsg_mark service
pl_subtest "the boot loaded pl and applied /etc/pl/pl.conf" test_boot
pl_subtest "reload applies the edited file, in one commit" test_reload
pl_subtest "a wrong line fails the reload and changes nothing" test_broken
pl_subtest "stop removes the configuration; a wrong line fails start" test_stop_start
pl_subtest "pl@NETNS: the namespace's file, traffic through it" test_netns
pl_subtest "pl-metrics: the counters for node_exporter, on a timer" test_metrics
pl_subtest "systemd-analyze verify accepts the installed units" test_verify
check_kmsg_clean || true
ktap_finished
