#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM (see tools/demo). The router r joins a consumer
# VPC (two subnets in two zones) to a provider (backends in both zones):
#
#   c1 10.0.1.10 --+              +-- b1 192.168.1.11 (AZ a)
#   (AZ a subnet)  +-- br-a   r  -+-- br-p 192.168.1.0/24
#   c2 10.0.2.10 --+-- br-b       +-- b2 192.168.1.12 (AZ b)
#   (AZ b subnet)
#
# Each backend runs a small web server that says who it is and whom it
# sees; clients reach the service through the endpoint's DNS names, from
# /etc/hosts lines, then through the service's private DNS name, which
# unbound on the router serves and pl-ctl dns sync keeps live.

set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
PATH=$top/tools/pl-ctl:$PATH
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { echo "\$ $*"; "$@"; }
r() { ip netns exec r "$@"; }

step "load pl.ko"
insmod "$top/build/$(uname -r)/pl.ko"
modprobe veth
for ns in r c1 c2 b1 b2; do
	ip netns add $ns
	ip -n $ns link set lo up
done
ip -n r link add br-a type bridge
ip -n r link add br-b type bridge
ip -n r link add br-p type bridge
ip -n r addr add 10.0.1.1/24 dev br-a
ip -n r addr add 10.0.2.1/24 dev br-b
ip -n r addr add 192.168.1.1/24 dev br-p
link() {	# link NS ADDR GW BRIDGE
	ip link add eth0 netns "$1" type veth peer name "v-$1" netns r
	ip -n r link set "v-$1" master "$4" up
	ip -n "$1" addr add "$2" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" route add default via "$3"
}
link c1 10.0.1.10/24 10.0.1.1 br-a
link c2 10.0.2.10/24 10.0.2.1 br-b
link b1 192.168.1.11/24 192.168.1.1 br-p
link b2 192.168.1.12/24 192.168.1.1 br-p
for b in br-a br-b br-p; do ip -n r link set $b up; done
r sysctl -qw net.ipv4.ip_forward=1
for b in b1 b2; do
	ip netns exec $b python3 -c '
import http.server, socket, sys
name = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("hello from %s: you are %s\n" % (name, self.client_address[0])).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("", 8080), H).serve_forever()
' $b &
done

step "the provider publishes a service"
show r pl-ctl az add us-east-1a id use1-az1
show r pl-ctl az add us-east-1b id use1-az2
show r pl-ctl service add web port 80:8080 acceptance manual
show r pl-ctl service source add web 192.168.1.100 az us-east-1a
show r pl-ctl service source add web 192.168.1.101 az us-east-1b
show r pl-ctl backend add web 192.168.1.11 az us-east-1a
show r pl-ctl backend add web 192.168.1.12 az us-east-1b

step "the consumer creates an endpoint in its two subnets"
show r pl-ctl subnet add subnet-a prefix 10.0.1.0/24 az us-east-1a
show r pl-ctl subnet add subnet-b prefix 10.0.2.0/24 az us-east-1b
show r pl-ctl endpoint add vpce-1 service web subnet subnet-a subnet subnet-b
show r pl-ctl endpoint show
step "the provider accepts it"
show r pl-ctl endpoint accept vpce-1
show r pl-ctl endpoint show

step "the whole configuration, as a batch file"
show r pl-ctl save

step "clients resolve the endpoint's names (from pl-ctl endpoint dns)"
r pl-ctl endpoint dns vpce-1 | tee /tmp/pl-hosts
cat /etc/hosts /tmp/pl-hosts >/tmp/hosts
unshare --mount sh -c '
	mount --bind /tmp/hosts /etc/hosts
	for c in c1 c2; do
		for name in vpce-1.web.vpce.internal vpce-1-us-east-1a.web.vpce.internal vpce-1-us-east-1b.web.vpce.internal; do
			printf "%s  curl http://%s/  ->  " $c $name
			ip netns exec $c curl -s --max-time 10 http://$name/
		done
	done
	# A connection from each client that stays open for a while (the
	# server waits for its request).
	for c in c1 c2; do
		ip netns exec $c python3 -c "
import socket, time
s = socket.create_connection((\"vpce-1.web.vpce.internal\", 80))
time.sleep(15)" &
	done
	sleep 3'
step "flows (two connections still open) and counters"
show r pl-ctl flow show || true
show r pl-ctl stats show || true
step "private DNS: the service's own name, served by unbound on the router"
show r pl-ctl service set web private-dns api.example.com
show r pl-ctl endpoint set vpce-1 private-dns on
mkdir -p /tmp/ub
cat >/tmp/ub/unbound.conf <<EOF
server:
	interface: 10.0.1.1
	interface: 10.0.2.1
	username: ""
	chroot: ""
	directory: "/tmp/ub"
	pidfile: "/tmp/ub/unbound.pid"
	use-syslog: no
	logfile: "/tmp/ub/log"
	module-config: "iterator"
	include: "/tmp/ub/pl.conf"
remote-control:
	control-enable: yes
	control-interface: /tmp/ub/ctl
	control-use-cert: no
EOF
r pl-ctl endpoint dns format unbound >/tmp/ub/pl.conf
show cat /tmp/ub/pl.conf
r unbound -c /tmp/ub/unbound.conf
r pl-ctl dns sync unbound-config /tmp/ub/unbound.conf fragment /tmp/ub/pl.conf &
sync_pid=$!
for c in c1 c2; do
	echo "nameserver 10.0.${c#c}.1" >/tmp/resolv-$c
done
resolve() {	# each client curls http://api.example.com/
	for c in c1 c2; do
		printf "%s  curl http://api.example.com/  ->  " $c
		unshare --mount sh -c "mount --bind /tmp/resolv-$c /etc/resolv.conf
			ip netns exec $c curl -sS --max-time 10 http://api.example.com/ 2>&1 | tail -n 1"
	done
}
resolve
step "private-dns off: unbound stops answering the name, live (no restart)"
show r pl-ctl endpoint set vpce-1 private-dns off
sleep 2
resolve || true
kill $sync_pid

step "done"
