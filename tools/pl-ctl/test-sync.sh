#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pl-ctl sync on the host, without the kernel: usage errors (status 2,
# nothing sent) and key files (status 1 with a message naming the file,
# when unreadable, not base64 or not 32 bytes). No case reaches the
# kernel, even where pl is loaded: a command whose arguments are good
# ends with an unknown keyword, which must be what it is refused for.
# Exits 1 on any mismatch.
#
#   tools/pl-ctl/test-sync.sh [PL_CTL]

set -u
here=$(cd "$(dirname "$0")" && pwd)
ctl=${1:-$here/pl-ctl}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tools/pl-ctl/test-lib.sh
source "$here/test-lib.sh"

# A 32-byte key, as wg genkey writes it; it must never be printed.
key='qf7hfkVzENqWuwJXR1bB9M1JqrTdwgDpriLTnDUrbI0='

# check NAME STATUS REGEX ARGS...: pl-ctl ARGS exits with STATUS, and its
# output (stdout and stderr) matches REGEX, and holds no key.
check()
{
	local name=$1 status=$2 re=$3 out rc
	shift 3
	out=$("$ctl" "$@" 2>&1 </dev/null)
	rc=$?
	if [ $rc = "$status" ] && [[ $out =~ $re ]] &&
	   [[ $out != *"$key"* ]] && [[ $out != *"${key:0:20}"* ]]; then
		ok "$name"
	else
		not_ok "$name"
		echo "# exit status $rc (want $status): $out" | head -n 5
	fi
}

# accepted NAME ARGS...: ARGS parse (the keyword "bogus" after them is
# what is refused), with no warning.
accepted()
{
	local name=$1
	shift
	check "$name" 2 '^pl-ctl: unknown argument "bogus"' "$@" bogus 1
}

keyfile()
{
	printf '%s' "$2" >"$tmp/$1"
	chmod 600 "$tmp/$1"
}

set_usage='Usage: pl-ctl sync set \[node NODE-ID\]'

check "sync alone: status 2" 2 'missing command after "sync"' sync
check "sync set without arguments: status 2" 2 \
	"nothing to set.*$set_usage" sync set
check "node 0: status 2" 2 'node "0" is out of range \(1 to 8\)' \
	sync set node 0
check "node 9: status 2" 2 'node "9" is out of range \(1 to 8\)' \
	sync set node 9
check "node x: status 2" 2 'node "x" is not a number' sync set node x
check "node without value: status 2" 2 'missing value after "node"' \
	sync set node
check "node twice: status 2" 2 '"node" is given twice' \
	sync set node 1 node 2
check "port 0: status 2" 2 'port "0" is out of range \(1 to 65535\)' \
	sync set port 0
check "port 65536: status 2" 2 'port "65536" is out of range' \
	sync set port 65536
check "state foo: status 2" 2 'state "foo" is not one of: active, drain' \
	sync set state foo
check "unknown keyword: status 2" 2 "unknown argument \"peer\".*$set_usage" \
	sync set node 1 peer 10.9.0.2
check "local not an address: status 2" 2 \
	'local "10.9.0" is not an IPv4 address' sync set local 10.9.0
check "local multicast: status 2" 2 \
	'local "224.0.0.5" is not a unicast address' sync set local 224.0.0.5
check "local 0.0.0.0: status 2" 2 'is not a unicast address' \
	sync set local 0.0.0.0
check "announce-table 2^32: status 2" 2 \
	'announce-table "4294967296" is out of range \(0 to 4294967295\)' \
	sync set announce-table 4294967296
check "announce-table unknown name: status 2" 2 \
	'announce-table "no-such-table" is not a number or a table of rt_tables' \
	sync set announce-table no-such-table
accepted "every keyword in range" sync set node 8 local 10.9.0.1 port 8849 \
	announce-table 4294967295 state drain
accepted "announce-table main (a name)" sync set announce-table main
accepted "a subset: state drain" sync set state drain

check "peer add without address: status 2" 2 'missing ADDRESS' \
	sync peer add
check "peer add, not an address: status 2" 2 \
	'ADDRESS "10.9.0.300" is not an IPv4 address' sync peer add 10.9.0.300
check "peer add broadcast: status 2" 2 'is not a unicast address' \
	sync peer add 255.255.255.255
check "peer del, two addresses: status 2" 2 'unexpected argument "10.9.0.3"' \
	sync peer del 10.9.0.2 10.9.0.3
check "peer alone: status 2" 2 'missing command after "peer"' sync peer
check "peer foo: status 2" 2 'unknown command "foo"' sync peer foo
check "show with an argument: status 2" 2 'unexpected argument "x"' \
	sync show x
check "del with an argument: status 2" 2 'unexpected argument "x"' \
	sync del x

check "key file missing: status 1" 1 \
	"^pl-ctl: cannot open key file $tmp/none: No such file" \
	sync set key-file "$tmp/none"
check "key file a directory: status 1" 1 \
	"^pl-ctl: cannot read key file $tmp:" sync set key-file "$tmp"
keyfile junk 'not a key!'
check "key file not base64: status 1" 1 \
	"^pl-ctl: key file $tmp/junk does not hold base64 text" \
	sync set key-file "$tmp/junk"
keyfile short "$(head -c 16 /dev/zero | base64)"
check "key file of 16 bytes: status 1" 1 \
	"^pl-ctl: key file $tmp/short holds a key of 16 bytes, not 32" \
	sync set key-file "$tmp/short"
keyfile long "$(head -c 33 /dev/zero | base64)"
check "key file of 33 bytes: status 1" 1 'holds a key of 33 bytes, not 32' \
	sync set key-file "$tmp/long"
keyfile nopad "${key%=}"
check "key file without padding: status 1" 1 'does not hold base64 text' \
	sync set key-file "$tmp/nopad"
keyfile empty ''
check "key file empty: status 1" 1 "key file $tmp/empty is empty" \
	sync set key-file "$tmp/empty"
head -c 4096 /dev/zero | tr '\0' A >"$tmp/huge"
chmod 600 "$tmp/huge"
check "key file too long: status 1" 1 'is too long for a key' \
	sync set key-file "$tmp/huge"
keyfile good "$key"
accepted "key file of 32 bytes" sync set node 1 local 10.9.0.1 \
	key-file "$tmp/good"
keyfile blanks "$(printf '  %s\r\n\n' "$key")"
accepted "key file with blanks and newlines around" \
	sync set key-file "$tmp/blanks"
keyfile open "$key"
chmod 644 "$tmp/open"
check "key file others may read: a warning" 2 \
	"^pl-ctl: warning: key file $tmp/open is accessible by others than its owner \(mode 0644\).*unknown argument \"bogus\"" \
	sync set key-file "$tmp/open" bogus 1
out=$("$ctl" sync set key-file - bogus 1 2>&1 <"$tmp/good")
rc=$?
if [ $rc = 2 ] && [[ $out =~ ^pl-ctl:\ unknown\ argument\ \"bogus\" ]]; then
	ok "key file -: standard input"
else
	not_ok "key file -: standard input"
	echo "# exit status $rc: $out"
fi

printf 'sync set port 0\n' >"$tmp/batch"
check "batch: a usage error, status 2" 2 \
	"port \"0\" is out of range.*batch file $tmp/batch, line 1: command failed" \
	-b "$tmp/batch"
check "sync help" 0 \
	'^Usage: pl-ctl sync set .*pl-ctl sync peer add ADDRESS.*pl-ctl sync peer del ADDRESS.*pl-ctl sync show.*pl-ctl sync del$' \
	sync help
check "help lists sync" 0 'OBJECT := \{[^}]* sync \}.*pl-ctl sync show' help

test_end
