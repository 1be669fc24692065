#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Watching the data path, seen from outside: pl-ctl monitor prints the
# configuration changes as they happen, and monitor flows the flows a
# connection creates and destroys, with both tuples and the last counters;
# every JSON document pl-ctl prints starts with its metainfo, as does
# monitor's stream (a line of it); with conntrack loaded and in use in the
# router, pl's packets stay out of it (untracked: tracked once, by pl)
# while other forwarded traffic is tracked. Topology: see topo.sh.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
pl_require_cmd nft
ktap_set_plan 6

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

# monitor_start NAME WHAT: pl-ctl -j monitor WHAT (config or all) in r, in
# the background, into $TOPO_DIR/NAME.mon; returns once it listens: once a
# zone added and deleted for the purpose shows in its output (warm_*
# zones: not_warm filters them out).
monitor_start()
{
	local i=0
	ip netns exec "$R" "$(pl_ctl_path)" -j monitor "$2" \
		>"$TOPO_DIR/$1.mon" 2>"$TOPO_DIR/$1.monerr" &
	echo $! >"$TOPO_DIR/$1.pid"
	until monitor_has "$1" '.object == "az" and .action == "add"'; do
		[ $i -lt 30 ] || return 1
		r_ctl az add "warm_$i" && r_ctl az del "warm_$i"
		topo_nap 1
		i=$((i + 1))
	done
}

not_warm='((.az.name // "") | startswith("warm_") | not)'

monitor_stop()
{
	local pid
	pid=$(<"$TOPO_DIR/$1.pid")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
}

# monitor_has NAME JQ-FILTER: some line of the monitor's output matches.
monitor_has()
{
	pl_jq -e "select($2)" "$TOPO_DIR/$1.mon" >/dev/null 2>&1
}

test_monitor_config()
{
	local out

	monitor_start cfg config || return 1
	check_ok "changes" -- topo_ctl_batch \
		"backend set svc ${TOPO_ADDR[b1a]} weight 5" \
		"az set b state down" "az set b state up" \
		"endpoint add vpce-m service svc subnet subnet-a ip 10.0.1.70" \
		"endpoint del vpce-m" || return 1
	topo_wait 20 monitor_has cfg '.object == "endpoint" and .action == "del"'
	monitor_stop cfg
	out=$(pl_jq -r "select(has(\"object\") and $not_warm) | \"\\(.object) \\(.action)\"" \
		"$TOPO_DIR/cfg.mon" | xargs)
	check_eq "the changes, in order" \
		"backend set az set az set endpoint add endpoint del" "$out" ||
		pl_indent <"$TOPO_DIR/cfg.monerr"
	check_eq "the backend's new weight" 5 \
		"$(pl_jq -r 'select(.object == "backend") | .backend.weight' "$TOPO_DIR/cfg.mon")"
	check_eq "the zone's states" "down up" \
		"$(pl_jq -r "select(.object == \"az\" and $not_warm) | .az.state" \
			"$TOPO_DIR/cfg.mon" | xargs)"
	r_ctl backend set svc "${TOPO_ADDR[b1a]}" weight 1
}

test_monitor_flows()
{
	local sport add del

	monitor_start fl all || return 1
	topo_session mf c1a "$ENI_A:80" echo close
	topo_session_ok mf
	topo_session_match mf '"event": "connected"'
	sport=$(topo_jq "$TOPO_EVENT" .sport)
	topo_wait 60 monitor_has fl ".object == \"flow\" and .action == \"del\" and .flow.orig.sport == $sport"
	monitor_stop fl
	add=$(pl_jq -c "select(.object == \"flow\" and .action == \"add\" and .flow.orig.sport == $sport) | .flow" \
		"$TOPO_DIR/fl.mon")
	del=$(pl_jq -c "select(.object == \"flow\" and .action == \"del\" and .flow.orig.sport == $sport) | .flow" \
		"$TOPO_DIR/fl.mon")
	check_eq "flow add: syn-sent, to the ENI, from the source address" \
		"syn-sent ${TOPO_ADDR[c1a]} $ENI_A:80 $SRC_A" \
		"$(topo_jq "$add" '"\(.state) \(.orig.saddr) \(.orig.daddr):\(.orig.dport) \(.reply.daddr)"')" ||
		pl_indent <"$TOPO_DIR/fl.mon"
	check_eq "flow del: its packets counted both ways" true \
		"$(topo_jq "$del" '."packets-orig" >= 3 and ."packets-reply" >= 3')" ||
		pl_indent <<<"$del"
}

# flow_log_start NAME ARGS...: pl-ctl flow log ARGS in r, in the
# background, into $TOPO_DIR/NAME.log; returns once it listens: once a ping
# of ENI A (not TCP: rejected) shows in it.
flow_log_start()
{
	local name=$1 i=0
	shift
	ip netns exec "$R" "$(pl_ctl_path)" flow log "$@" \
		>"$TOPO_DIR/$name.log" 2>"$TOPO_DIR/$name.err" &
	echo $! >"$TOPO_DIR/$name.pid"
	until grep -q "REJECT" "$TOPO_DIR/$name.log"; do
		[ $i -lt 30 ] || return 1
		ip netns exec "$(topo_ns c1a)" ping -c 1 -W 1 "$ENI_A" >/dev/null
		topo_nap 1
		i=$((i + 1))
	done
}

# flow_log_aws NAME AWK-CONDITION: the aws records that match, fields
# $1 (version) to $14 (log-status).
flow_log_aws()
{
	awk "$2" "$TOPO_DIR/$1.log"
}

test_flow_log()
{
	local eni now rec json c

	eni=$(r_ctl -j endpoint show vpce-1 |
		pl_jq -r '.endpoints[0].eni[] | select(.subnet == "subnet-a") | .id')
	check_match "endpoint show: the ENI's id" '^eni-[0-9a-f]{17}$' "$eni" || return 1
	check_fail_with 'endpoint "nope" does not exist' -- \
		r_ctl flow log endpoint nope
	check_eq "flow log format xml: a usage error" 2 \
		"$(r_ctl flow log format xml >/dev/null 2>&1; echo $?)"
	flow_log_start aws endpoint vpce-1 || return 1
	flow_log_start json format json account 123456789012 || return 1
	# A connection that ends (closed with a RST: its flow goes at once),
	# and one to a port that is no listener.
	c=$(topo_connect c1a "$ENI_A:80" --sport 40001)
	check_eq "a connection through ENI A" 1 "$(topo_jq "$c" .ok)"
	topo_connect c1a "$ENI_A:81" --sport 40002 --timeout 2 >/dev/null
	topo_wait 30 grep -q " 40001 80 6 .* ACCEPT OK$" "$TOPO_DIR/aws.log"
	now=$(date +%s)
	rec=$(flow_log_aws aws '$6 == 40001')
	check_eq "aws: the flow's record" \
		"2 - $eni ${TOPO_ADDR[c1a]} $ENI_A 40001 80 6 ACCEPT OK" \
		"$(awk '{ print $1, $2, $3, $4, $5, $6, $7, $8, $13, $14 }' <<<"$rec")" ||
		pl_indent <"$TOPO_DIR/aws.log"
	check_eq "aws: its packets (both ways, 3 or more each), bytes, times" true \
		"$(awk -v now="$now" '{ print ($9 >= 6 && $10 > 6 * 40 &&
			$11 <= $12 && $12 <= now && now - $11 < 120) ? "true" : "false" }' \
			<<<"$rec")" || pl_indent <<<"$rec"
	check_eq "aws: the rejected SYN" \
		"2 - $eni ${TOPO_ADDR[c1a]} $ENI_A 40002 81 6 1 REJECT OK" \
		"$(flow_log_aws aws '$6 == 40002' | head -n 1 |
			awk '{ print $1, $2, $3, $4, $5, $6, $7, $8, $9, $13, $14 }')"
	check_eq "aws: the pings, rejected" "1 0 0" \
		"$(flow_log_aws aws '$8 == 1' | head -n 1 | awk '{ print $8, $6, $7 }')"
	topo_wait 30 grep -q '"srcport":40002' "$TOPO_DIR/json.log"
	json=$(pl_jq -c 'select(.srcport == 40001 or .srcport == 40002)' \
		"$TOPO_DIR/json.log")
	check_eq "json: the flow, with its backend" \
		"ACCEPT 123456789012 $eni vpce-1 subnet-a svc true" \
		"$(pl_jq -r 'select(.srcport == 40001) |
			"\(.action) \(."account-id") \(."interface-id") \(.endpoint) \(.subnet) \(.service) \(.backend | startswith("192.168."))"' \
			<<<"$json")" || pl_indent <"$TOPO_DIR/json.log"
	check_eq "json: the rejection, with its reason" "REJECT not-listener" \
		"$(pl_jq -r 'select(.srcport == 40002) | "\(.action) \(.reason)"' \
			<<<"$json" | head -n 1)"
	check_eq "json: the metainfo line first" true \
		"$(head -n 1 "$TOPO_DIR/json.log" | pl_jq 'has("metainfo")')"
	kill -TERM "$(<"$TOPO_DIR/aws.pid")" "$(<"$TOPO_DIR/json.pid")"
	wait "$(<"$TOPO_DIR/aws.pid")" "$(<"$TOPO_DIR/json.pid")"
}

# Rejections past max-reject-logs a second are counted and said skipped:
# every ping shows as a REJECT record or in a SKIPDATA record's count.
test_flow_log_limit()
{
	local n0 n1 from shown skipped

	check_ok "limits set max-reject-logs 3" -- \
		r_ctl limits set max-reject-logs 3 || return 1
	check_match "limits show: the limit" "reject-logs max 3 per second" \
		"$(r_ctl limits show)"
	flow_log_start lim format json || return 1
	topo_nap 1.5
	from=$(($(wc -l <"$TOPO_DIR/lim.log") + 1))
	n0=$(topo_stat "$(topo_stats)" namespace - drops.not-tcp)
	ip netns exec "$(topo_ns c1a)" ping -q -c 40 -i 0.005 -W 1 "$ENI_A" >/dev/null
	topo_nap 1.5
	ip netns exec "$(topo_ns c1a)" ping -q -c 1 -W 1 "$ENI_A" >/dev/null
	topo_wait 10 grep -q skipped "$TOPO_DIR/lim.log"
	n1=$(topo_stat "$(topo_stats)" namespace - drops.not-tcp)
	kill -TERM "$(<"$TOPO_DIR/lim.pid")"
	wait "$(<"$TOPO_DIR/lim.pid")"
	r_ctl limits set max-reject-logs 100
	tail -n "+$from" "$TOPO_DIR/lim.log" >"$TOPO_DIR/lim.new"
	shown=$(pl_jq -s '[.[] | select(.action == "REJECT" and .protocol == 1)] | length' \
		"$TOPO_DIR/lim.new")
	skipped=$(pl_jq -s '[.[] | .skipped // 0] | add' "$TOPO_DIR/lim.new")
	check_eq "41 pings, each counted as a drop" 41 "$((n1 - n0))"
	check_eq "records shown and skipped: 41 ($shown shown)" 41 \
		"$((shown + skipped))" || pl_indent <"$TOPO_DIR/lim.new"
	check_eq "at most 3 a second shown: fewer than 41" true \
		"$([ "$shown" -lt 20 ] && echo true || echo false)"
}

# pl-ctl -j: each document is an object of the metainfo, first, then of
# the output under its key; monitor's first line is the metainfo alone.
test_metainfo()
{
	local v meta cmd key out

	v=$(pl_ctl -V) && v=${v#pl-ctl } || return 1
	meta="{\"metainfo\":{\"version\":\"$v\",\"json_schema_version\":1}"
	for cmd in "az show:azs" "subnet show:subnets" "service show:services" \
		   "backend show:backends" "endpoint show:endpoints" \
		   "endpoint dns:dns" "flow show:flows" "stats show:stats" \
		   "limits show:limits"; do
		key=${cmd#*:}
		# shellcheck disable=SC2086
		out=$(r_ctl -j ${cmd%:*}) || return 1
		check_eq "${cmd%:*}: the metainfo, then \"$key\"" "$meta,\"$key\":" \
			"${out:0:$((${#meta} + ${#key} + 4))}" || continue
		check_eq "${cmd%:*}: those two members alone" 2 \
			"$(pl_jq 'keys | length' <<<"$out")"
	done
	check_eq "monitor: its first line, the metainfo alone" "$meta}" \
		"$(head -n 1 "$TOPO_DIR/cfg.mon")"
}

# nft counters by name, on one line.
nft_counters()
{
	ip netns exec "$R" nft -j list counters table ip pltest |
		pl_jq -r --args '[.nftables[].counter | select(.) | {(.name): .packets}]
			| add as $c | [$ARGS.positional[] | $c[.]] | map(tostring)
			| join(" ")' "$@"
}

test_conntrack()
{
	local c n0 new untracked other

	n0=$(topo_stat "$(topo_stats)" namespace - new-connections)
	# Conntrack in use in r: a rule that needs it, counting by state what
	# r forwards to the backends and to the on-premises host.
	check_ok "conntrack rules in r" -- ip netns exec "$R" nft -f - <<EOF || return 1
table ip pltest {
	counter pl_new { }
	counter pl_untracked { }
	counter other_new { }
	chain forward {
		type filter hook forward priority 0;
		ip daddr 192.168.0.0/16 tcp dport 8080 ct state new counter name pl_new
		ip daddr 192.168.0.0/16 tcp dport 8080 ct state untracked counter name pl_untracked
		ip daddr 10.100.0.0/24 ct state new counter name other_new
	}
}
EOF
	c=$(topo_connect c1a "$ENI_A:80" -n 5)
	check_eq "5 connections through the ENI" 5 "$(topo_jq "$c" .ok)" ||
		pl_indent <<<"$c"
	# Traffic pl does not own: c1a pings op, routed by r.
	ip netns exec "$(topo_ns c1a)" ping -c 1 -W 5 "${TOPO_ADDR[op]}" >/dev/null
	read -r new untracked other <<<"$(nft_counters pl_new pl_untracked other_new)"
	check_eq "pl's packets: none new to conntrack" 0 "$new"
	check_eq "pl's packets: untracked, at least 3 per connection" true \
		"$(pl_jq -n "$untracked >= 15")"
	check_eq "other forwarded traffic: tracked" 1 "$other"
	check_eq "pl counted the 5 connections" 5 \
		"$(($(topo_stat "$(topo_stats)" namespace - new-connections) - n0))"
}

pl_subtest "datapath: monitor prints configuration changes" test_monitor_config
pl_subtest "datapath: monitor flows prints flows created and destroyed" test_monitor_flows
pl_subtest "flow log: ACCEPT and REJECT records, as VPC Flow Logs" test_flow_log
pl_subtest "flow log: rejections past the limit are said skipped" test_flow_log_limit
pl_subtest "pl-ctl -j: the metainfo leads every document" test_metainfo
pl_subtest "datapath: with conntrack in use, pl's flows are not tracked twice" test_conntrack
ktap_finished
