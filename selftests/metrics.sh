#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pl's counters in the Prometheus text format: stats show -o prometheus
# and stats export, read by Debian's promtool and served by its
# prometheus-node-exporter (textfile collector). Topology: see topo.sh
# (router r, client c1a, endpoint vpce-1 with ENIs 10.0.1.50 and
# 10.0.2.50, backends b1a b2a b1b b2b), plus node_exporter in r:
#
#   c1a --- r (pl; node_exporter on 127.0.0.1:9100 reading $D/textfile)
#
#   - the text passes promtool check metrics, with HELP and TYPE;
#   - its values are those of stats show -j: the ENI's, each backend's,
#     the namespace's, and the drop reasons;
#   - stats export writes the file whole; node_exporter serves the same
#     series, and says the textfile scrape did not fail;
#   - usage errors (-o with -j, an unknown format) exit 2; a file that
#     cannot be written exits 1, naming it.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd promtool prometheus-node-exporter curl
ktap_set_plan 4

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"
D=$TOPO_DIR

# Some traffic: connections, and a UDP packet that pl drops (not-tcp).
for i in 1 2 3; do
	topo_connect c1a "$ENI_A:80" >/dev/null
done
ip netns exec "$(topo_ns c1a)" bash -c "echo x >/dev/udp/$ENI_A/53" 2>/dev/null

# metric TEXT NAME LABEL-REGEX: the value of the sample of NAME whose
# labels match.
metric()
{
	awk -v n="$2" -v re="$3" '$1 ~ "^" n "(\\{|$)" && $1 ~ re { print $2 }' <<<"$1"
}

test_promtool()
{
	local text out
	text=$(r_ctl stats show -o prometheus) || return 1
	out=$(promtool check metrics <<<"$text" 2>&1)
	check_eq "promtool check metrics: nothing to say" "" "$out"
	check_match "HELP and TYPE lines" \
		'^# TYPE pl_endpoint_new_connections_total counter$' "$text"
	check_match "gauges are gauges" \
		'^# TYPE pl_backend_active_connections gauge$' "$text"
}

test_values()
{
	local text stats want got b
	text=$(r_ctl stats show -o prometheus)
	stats=$(topo_stats)
	want=$(topo_stat "$stats" eni "$ENI_A" new-connections)
	check_eq "the ENI's new connections" "$want" "$(metric "$text" \
		pl_endpoint_new_connections_total "endpoint=\"vpce-1\".*eni=\"$ENI_A\".*az=\"a\"")"
	check_eq "three of them" 3 "$want"
	check_eq "the ENI's bytes" "$(topo_stat "$stats" eni "$ENI_A" bytes)" \
		"$(metric "$text" pl_endpoint_bytes_total "eni=\"$ENI_A\"")"
	for b in b1a b2a b1b b2b; do
		check_eq "backend $b's new connections" \
			"$(topo_stat "$stats" backend "${TOPO_ADDR[$b]}" new-connections)" \
			"$(metric "$text" pl_backend_new_connections_total \
				"service=\"svc\",backend=\"${TOPO_ADDR[$b]}\"")"
	done
	check_eq "the namespace's packets" \
		"$(topo_stat "$stats" namespace - packets)" \
		"$(metric "$text" pl_packets_total "")"
	got=$(metric "$text" pl_drops_total 'reason="not-tcp"')
	check_eq "the namespace's not-tcp drops" \
		"$(topo_stat "$stats" namespace - drops.not-tcp)" "$got"
	check_match "at least the UDP packet" '^[1-9]' "$got"
	check_eq "the ENI's not-tcp drops" \
		"$(topo_stat "$stats" eni "$ENI_A" drops.not-tcp)" \
		"$(metric "$text" pl_endpoint_drops_total "eni=\"$ENI_A\".*reason=\"not-tcp\"")"
}

test_node_exporter()
{
	local dir=$D/textfile out file
	mkdir -p "$dir"
	file=$dir/pl.prom
	check_ok "stats export" -- r_ctl stats export "$file" || return 1
	check_eq "no temporary file left" "pl.prom" "$(ls "$dir")"
	ip netns exec "$R" ip link set lo up
	ip netns exec "$R" prometheus-node-exporter --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$dir" \
		--web.listen-address=127.0.0.1:9100 >"$D/ne.log" 2>&1 &
	pl_defer kill $!
	topo_wait 30 ip netns exec "$R" curl -sf -o /dev/null \
		http://127.0.0.1:9100/metrics || {
		pl_indent <"$D/ne.log"
		return 1
	}
	out=$(ip netns exec "$R" curl -sf http://127.0.0.1:9100/metrics)
	check_eq "node_exporter read the file without error" 0 \
		"$(metric "$out" node_textfile_scrape_error "")"
	check_eq "and serves the ENI's series as written" \
		"$(metric "$(cat "$file")" pl_endpoint_new_connections_total "eni=\"$ENI_A\"")" \
		"$(metric "$out" pl_endpoint_new_connections_total "eni=\"$ENI_A\"")"
	check_eq "every pl series of the file" \
		"$(grep -c '^pl_' "$file")" "$(grep -c '^pl_' <<<"$out")"
}

test_errors()
{
	check_fail_with '-j and "-o prometheus"' -- r_ctl -j stats show -o prometheus
	check_eq "exit status 2" 2 "$(r_ctl -j stats show -o prometheus >/dev/null 2>&1; echo $?)"
	check_fail_with '"-o" takes text or prometheus, not "xml"' -- \
		r_ctl stats show -o xml
	check_fail_with "cannot write /nonexistent/pl.prom" -- \
		r_ctl stats export /nonexistent/pl.prom
	check_eq "exit status 1" 1 "$(r_ctl stats export /nonexistent/pl.prom >/dev/null 2>&1; echo $?)"
}

pl_kmsg_mark metrics
pl_subtest "the text passes promtool check metrics" test_promtool
pl_subtest "its values are stats show's" test_values
pl_subtest "stats export, served by node_exporter" test_node_exporter
pl_subtest "usage errors exit 2, an unwritable file 1" test_errors
check_kmsg_clean || true
ktap_finished
