#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Backend health checks, with the real checker (pl-ctl health run) and real
# servers. Topology: see topo.sh; each backend also runs an HTTP health
# endpoint on port 8081 (pl_health_srv.py) whose status a file sets:
#
#   r: pl, pl-ctl health run -----> b1a b2a (AZ a)  :8080 traffic, :8081 /health
#                            \----> b1b b2b (AZ b)  :8080 traffic, :8081 /health
#   c1a (subnet-a, AZ a) ---> ENI 10.0.1.50:80
#
#   - settings: a Network Load Balancer's defaults, its rules refused with
#     a clear error and nothing changed, kept by unrelated changes, by save
#     and by apply;
#   - http: a backend answering 500 goes unhealthy with its code, new
#     connections avoid it, and it is used again once healthy;
#   - a zone with no healthy backend falls back to the other zone; with no
#     healthy backend at all, the service fails open;
#   - tcp: a backend whose server is killed goes unhealthy within interval
#     x threshold, and healthy again when the server is back;
#   - unhealthy termination on resets a long transfer; off lets it finish;
#   - the checker carries on across a reload of the module.

source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$(dirname "$(readlink -f "$0")")/topo.sh"

ktap_print_header
pl_require_root
pl_require_pl_ctl
ktap_set_plan 6

pl_load || ktap_exit_fail_msg "cannot load $(pl_ko)"
pl_defer pl_unload
topo_setup || ktap_exit_fail_msg "cannot build the topology"
topo_pl_config || ktap_exit_fail_msg "cannot configure pl"

D=$TOPO_DIR
BACKENDS="b1a b2a b1b b2b"
HTTP="health protocol http port 8081 path /health interval 5 timeout 2 healthy-threshold 2 unhealthy-threshold 2"

# The health endpoints, answering 200 until told otherwise.
for b in $BACKENDS; do
	ip netns exec "$(topo_ns "$b")" "$TOPO_PY" -S \
		"$PL_SELFTESTS/pl_health_srv.py" --port 8081 --code "$D/$b.code" \
		--log "$D/$b.health" --ready "$D/$b.hready" >"$D/$b.herr" 2>&1 &
	echo $! >"$D/$b-health.pid"	# topo_cleanup stops it
done
for b in $BACKENDS; do
	topo_wait 90 test -e "$D/$b.hready" ||
		ktap_exit_fail_msg "health endpoint of $b did not start"
done

# set_code BACKEND CODE: what its health endpoint answers.
set_code()
{
	echo "$2" >"$D/$1.code"
}

# health BACKEND: "STATE REASON CODE" of backend show -j.
health()
{
	r_ctl -j backend show svc "${TOPO_ADDR[$1]}" |
		pl_jq -r '.backends[0].health | "\(.state) \(.reason // "-") \(.code // "-")"'
}

health_is()
{
	[[ $(health "$1") == $2* ]]
}

# wait_health SECONDS STATE BACKEND...
wait_health()
{
	local secs=$1 state=$2 b
	shift 2
	for b in "$@"; do
		topo_wait "$secs" health_is "$b" "$state" || {
			echo "# $b: $(health "$b"), not $state after ${secs}s"
			return 1
		}
	done
}

# The backends that n new connections from c1a reach: "OK NAMES".
reached()
{
	topo_connect c1a "$ENI_A:80" -n "$1" |
		pl_jq -r '"\(.ok) \(.backends | keys | join(","))"'
}

checker_start()
{
	ip netns exec "$R" "$(pl_ctl_path)" health run >"$D/hc.out" \
		2>"$D/hc.err" &
	echo $! >"$D/hc.pid"
}

checker_stop()
{
	kill "$(<"$D/hc.pid")" 2>/dev/null
	wait "$(<"$D/hc.pid")" 2>/dev/null
}
pl_defer checker_stop

test_settings()
{
	local before json

	check_eq "off: every backend unavailable, checks disabled" \
		"unavailable Target.HealthCheckDisabled -" "$(health b1a)"
	check_ok "health protocol http" -- r_ctl service set svc health protocol http
	json=$(r_ctl -j service show svc | pl_jq -c '.services[0] | [.health, ."unhealthy-termination"]')
	check_eq "a Network Load Balancer's defaults" \
		'[{"healthy-threshold":5,"interval":30,"matcher":"200-399","path":"/","port":"traffic-port","protocol":"http","timeout":6,"unhealthy-threshold":2},true]' \
		"$json"
	check_eq "backends start initial" "initial Elb.InitialHealthChecking -" \
		"$(health b1a)"
	before=$(r_ctl save)
	check_fail_with "timeout \\(6 s\\) must be less than its interval \\(5 s\\)" -- \
		r_ctl service set svc health interval 5
	check_fail_with "timeout \\(10 s\\) must be less than its interval \\(5 s\\)" -- \
		r_ctl service add svc2 port 81 health protocol tcp interval 5
	check_fail_with "a health check path needs protocol http or https" -- \
		r_ctl service set svc health protocol tcp path /x
	check_fail_with 'matcher "600": HTTP codes are 200 to 599' -- \
		r_ctl service set svc health matcher 600
	check_fail_with 'matcher "300-200": range 300-200 runs backwards' -- \
		r_ctl service set svc health matcher 300-200
	check_fail_with 'path "x" does not start with /' -- \
		r_ctl service set svc health path x
	check_fail_with 'health checks are off: give them a protocol' -- \
		r_ctl service add svc2 port 81 health interval 10
	check_eq "refused changes change nothing" "$before" "$(r_ctl save)"
	check_fail_with 'interval "3" is out of range \(5 to 300\)' -- \
		r_ctl service set svc health interval 3
	check_ok "an unrelated change" -- r_ctl service set svc idle-timeout 300
	check_eq "keeps the health settings" "$json" \
		"$(r_ctl -j service show svc | pl_jq -c '.services[0] | [.health, ."unhealthy-termination"]')"
	check_ok "$HTTP unhealthy-termination off" -- \
		r_ctl service set svc $HTTP unhealthy-termination off
	r_ctl save >"$D/h.conf"
	check_match "save writes them" \
		"^service add svc .* health protocol http port 8081 path /health matcher 200-399 interval 5 timeout 2 healthy-threshold 2 unhealthy-threshold 2 unhealthy-termination off$" \
		"$(cat "$D/h.conf")"
	check_ok "health off" -- r_ctl service set svc health off
	check_ok "apply the saved file" -- r_ctl apply "$D/h.conf"
	check_eq "apply brings them back" "" "$(r_ctl diff "$D/h.conf")"
	check_eq "all of them" "$(cat "$D/h.conf")" "$(r_ctl save)"
	check_ok "unhealthy-termination on" -- \
		r_ctl service set svc unhealthy-termination on idle-timeout 350
}

test_http()
{
	local out

	checker_start
	wait_health 60 healthy $BACKENDS || return 1
	check_match "checks come from the router, for /health" \
		"^192\.168\.1\.1 /health 192\.168\.1\.11" "$(tail -n 1 "$D/b1a.health")"
	set_code b1a 500
	wait_health 30 unhealthy b1a || return 1
	check_eq "HTTP 500: a code mismatch, with its code" \
		"unhealthy Target.ResponseCodeMismatch 500" "$(health b1a)"
	check_match "the checker says so" "^backend svc 192\.168\.1\.11 health unhealthy: HTTP 500" \
		"$(cat "$D/hc.out")"
	out=$(reached 20)
	check_eq "new connections avoid it" "20 b2a" "$out"
	set_code b1a 200
	wait_health 30 healthy b1a || return 1
	out=$(reached 40)
	check_eq "back: it takes new connections again" "40 b1a,b2a" "$out"
}

test_fallback_fail_open()
{
	set_code b1a 500
	set_code b2a 500
	wait_health 30 unhealthy b1a b2a || return 1
	check_eq "zone a has none healthy: zone b takes them" "20 b1b,b2b" \
		"$(reached 20)"
	set_code b1b 503
	set_code b2b 503
	wait_health 30 unhealthy b1b b2b || return 1
	check_eq "none healthy anywhere: the service fails open" "20 b1a,b2a" \
		"$(reached 20)"
	for b in $BACKENDS; do
		set_code "$b" 200
	done
	wait_health 30 healthy $BACKENDS
}

test_tcp()
{
	local t0 t

	check_ok "health protocol tcp, on the traffic port" -- \
		r_ctl service set svc health protocol tcp port traffic-port
	wait_health 30 healthy b1a || return 1
	t0=$SECONDS
	kill "$(<"$D/b1a.pid")"
	wait_health 30 unhealthy b1a || return 1
	t=$((SECONDS - t0))
	echo "# unhealthy ${t}s after its server was killed (interval 5 s, threshold 2)"
	check_eq "within interval x (threshold + 1), and a little" true \
		"$([ $t -le 20 ] && echo true || echo false)"
	check_eq "refused: failed health checks" \
		"unhealthy Target.FailedHealthChecks -" "$(health b1a)"
	check_eq "new connections avoid it" "20 b2a" "$(reached 20)"
	topo_servers b1a || return 1
	wait_health 30 healthy b1a || return 1
	check_eq "back" "30 b1a,b2a" "$(reached 30)"
	check_ok "back to http" -- r_ctl service set svc $HTTP
}

# long NAME: a transfer from c1a in the background; its backend in X.
long()
{
	topo_session "$1" c1a "$ENI_A:80" --timeout 5 echo "pump:$(topo_gofile "$1")"
	topo_session_first "$1" || return 1
	X=$(topo_jq "$TOPO_CONNECTED" .backend)
}

test_termination()
{
	local ev

	long on || return 1
	set_code "$X" 500
	wait_health 30 unhealthy "$X" || return 1
	ev=$(topo_session_end on 20)
	check_match "on: its transfer is reset" '"ok": false.*ECONNRESET|ECONNRESET.*"ok": false' \
		"$ev" || topo_session_log on
	set_code "$X" 200
	wait_health 30 healthy "$X" || return 1

	check_ok "unhealthy-termination off" -- \
		r_ctl service set svc unhealthy-termination off
	long off || return 1
	set_code "$X" 500
	wait_health 30 unhealthy "$X" || return 1
	topo_go off
	ev=$(topo_session_end off 20)
	check_match "off: its transfer goes on to the end" '"ok": true' "$ev" ||
		topo_session_log off
	set_code "$X" 200
	wait_health 30 healthy "$X"
}

test_reload()
{
	set_code b2b 500
	wait_health 30 unhealthy b2b || return 1
	pl_unload
	topo_wait 30 grep -q "the pl module is gone" "$D/hc.err"
	check_eq "the checker waits for the module" 0 \
		"$(kill -0 "$(<"$D/hc.pid")" 2>/dev/null; echo $?)"
	pl_load || return 1
	topo_pl_config "service set svc $HTTP" || return 1
	wait_health 60 healthy b1a b2a b1b || return 1
	wait_health 30 unhealthy b2b || return 1
	check_eq "and checks the new configuration" \
		"unhealthy Target.ResponseCodeMismatch 500" "$(health b2b)"
}

pl_subtest "health: settings, their rules, save and apply" test_settings
pl_subtest "health: http checks, a 500 avoided until healthy again" test_http
pl_subtest "health: zone fallback, then fail open" test_fallback_fail_open
pl_subtest "health: tcp checks of a killed server" test_tcp
pl_subtest "health: unhealthy termination on and off" test_termination
pl_subtest "health: the checker carries on across a module reload" test_reload
check_kmsg_clean || true
ktap_finished
