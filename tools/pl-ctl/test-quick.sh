#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# apply's quick path (quick.c) on the host, without the kernel: for random
# pairs of files that differ by a few lines (weights, backends added and
# removed, odd spacing, quoting, repeated lines, a changed frame line, no
# final newline), test-quick.c diffs the new file against the old as
# apply diffs a file against the copy of the last one, and the ops must be
# those of pl-ctl diff --from, which models both files whole; or the quick
# path must decline. Cases that it must take, and must decline, are named.
# Exits 1 on any mismatch.
#
#   tools/pl-ctl/test-quick.sh [SEED [CASES]]

set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ctl=$here/pl-ctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tools/pl-ctl/test-lib.sh
source "$here/test-lib.sh"

[ -x "$ctl" ] || { echo "test-quick: build pl-ctl first ($ctl)" >&2; exit 1; }

# The driver links pl-ctl's own code, its main() renamed.
drv=$tmp/test-quick
read -ra pkg <<<"$(pkg-config --cflags libnl-genl-3.0 libkmod openssl)"
read -ra libs <<<"$(pkg-config --libs libnl-genl-3.0)"
flags=(-std=gnu11 -O2 -g -Wall -Wextra -Werror "-I$top/include/uapi"
       '-DPL_VERSION="test"' "${pkg[@]}")
srcs=()
for f in "$here"/*.c; do
	case ${f##*/} in test-*|main.c) ;; *) srcs+=("$f") ;; esac
done
{
	cc "${flags[@]}" -Dmain=pl_ctl_main -c -o "$tmp/main.o" "$here/main.c" &&
	cc "${flags[@]}" -o "$drv" "$here/test-quick.c" "${srcs[@]}" \
		"$tmp/main.o" "${libs[@]}" -ldl
} >"$tmp/cc.log" 2>&1 || bail "test-quick builds" "$tmp/cc.log"
ok "test-quick builds"

# case NAME OLD NEW WANT: the driver's first line is WANT (quick|whole),
# and with quick, its ops are diff --from's.
case_is()
{
	local name=$1 want=$4 out
	printf '%s\n' "$2" >"$tmp/old"
	printf '%s\n' "$3" >"$tmp/new"
	out=$("$drv" "$tmp/old" "$tmp/new" 2>&1)
	if [ "${out%%$'\n'*}" != "$want" ]; then
		not_ok "$name: $want (got: $out)"
	elif [ "$want" = quick ] &&
	     [ "$(sed 1d <<<"$out" | sort)" != "$("$ctl" diff --from "$tmp/old" "$tmp/new" | sort)" ]; then
		not_ok "$name: the ops are diff --from's (got: $out)"
	else
		ok "$name"
	fi
}

base="az add az-a
az add az-b
service add web port 443
backend add web 10.9.1.10 az az-a
backend add web 10.9.1.11 az az-b
service add api port 80
backend add api 10.9.1.10 az az-a
backend add api 10.9.1.100 az az-b"
case_is "a weight: quick" "$base" "${base/10.9.1.11 az az-b/10.9.1.11 az az-b weight 3}" quick
case_is "a backend added at the end: quick" "$base" "$base
backend add web 10.9.1.12 az az-a" quick
case_is "a backend removed: quick" "$base" "$(grep -v '^backend add api 10.9.1.10 ' <<<"$base")" quick
case_is "a zone added: whole" "$base" "az add az-c
$base" whole
case_is "a del line: whole" "$base" "$base
backend del web 10.9.1.10" whole
case_is "a quoted changed line: whole" "$base" "$base
backend add web '10.9.1.13' az az-a" whole
case_is "an endpoint line: whole" "$base" "$base
endpoint add e service web" whole
case_is "lines moved (a set before its add): whole" "$base
backend set web 10.9.1.11 weight 2" "${base/backend add web 10.9.1.11 az az-b/backend set web 10.9.1.11 weight 2}
backend add web 10.9.1.11 az az-b" whole
case_is "a line moved to the end: whole" "$base" "$(sed 1d <<<"$base")
az add az-a" whole
case_is "a prefix of another address changed: quick" "$base" \
	"${base/10.9.1.10 az az-a/10.9.1.10 az az-a weight 2}" quick
case_is "odd spacing on the changed backend's other line: quick" \
	"$base
backend  set web 10.9.1.10 weight 4" \
	"${base/10.9.1.10 az az-a/10.9.1.10 az az-a weight 2}
backend  set web 10.9.1.10 weight 4" quick
printf '%s\n' "$base" >"$tmp/old"
printf '%s\n' "$base" >"$tmp/new"
if [ "$("$drv" -d "$tmp/old" "$tmp/new")" = whole ]; then
	ok "an old file that deletes: whole"
else
	not_ok "an old file that deletes: whole"
fi
echo "backend add nosuch 10.9.9.9 az az-a" >>"$tmp/new"
out=$("$drv" "$tmp/old" "$tmp/new" 2>&1)
rc=$?
if [ $rc = 1 ] && [ "$(grep -c "new:9: .*nosuch" <<<"$out")" = 1 ]; then
	ok "a refused line: exit 1, named once"
else
	not_ok "a refused line: exit 1, named once (got $rc: $out)"
fi

# Random pairs, against diff --from.
if python3 - "${1:-1}" "${2:-300}" "$tmp" "$drv" "$ctl" <<'PY'
import random, subprocess, sys

seed, cases, tmp, drv, ctl = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:]
r = random.Random(seed)

def base():
    out = ["limits set max-backends 10000", "az add az-a", "az add az-b",
           "subnet add sn-a prefix 10.0.1.0/24 az az-a"]
    for s in range(8):
        out.append(f"service add svc-{s} port 443")
        if r.random() < 0.5:
            out.append(f"service source add svc-{s} 192.0.2.{s + 1} az az-a")
        for k in range(r.randint(1, 12)):
            out.append(f"backend add svc-{s} 172.16.0.{k + 1} az az-{'ab'[k % 2]}")
        if r.random() < 0.5:
            out.append(f"endpoint add ep-{s} service svc-{s} subnet sn-a")
    return out

def mutate(lines):
    lines = list(lines)
    kind = r.choice(["weight", "drop", "add", "spaces", "tabs", "frame",
                     "set", "quote", "dup", "move", "none"])
    be = [i for i, x in enumerate(lines) if x.startswith("backend")]
    i = r.choice(be)
    if kind == "weight":
        lines[i] = lines[i].split(" weight")[0] + f" weight {r.randint(2, 9)}"
    elif kind == "drop":
        del lines[i]
    elif kind == "add":
        lines.insert(r.randint(0, len(lines)),
                     f"backend add svc-{r.randint(0, 7)} 172.16.1.{r.randint(1, 200)} az az-a")
    elif kind == "spaces":
        lines[i] = lines[i].replace(" ", "  ", 2)
    elif kind == "tabs":
        lines[i] = lines[i].replace(" ", "\t", 1)
    elif kind == "frame":
        lines.insert(r.randint(0, len(lines)), "az add az-c")
    elif kind == "set":
        w = lines[i].split()
        lines.insert(i + 1, f"backend set {w[2]} {w[3]} weight 5")
    elif kind == "quote":
        w = lines[i].split()
        w[3] = "'" + w[3] + "'"
        lines[i] = " ".join(w)
    elif kind == "dup":
        lines.insert(i, lines[i])
    elif kind == "move":
        lines.insert(r.randint(0, len(lines)), lines.pop(i))
    return lines, kind

def run(*args):
    return subprocess.run(args, capture_output=True, text=True)

bad = taken = tried = 0
for n in range(cases):
    old = base()
    for _ in range(r.randint(0, 2)):
        old, _ = mutate(old)
    new, kind = mutate(old)
    if r.random() < 0.3:
        new, k2 = mutate(new)
        kind += "+" + k2
    with open(f"{tmp}/old", "w") as f:
        f.write("\n".join(old) + ("" if r.random() < 0.2 else "\n"))
    with open(f"{tmp}/new", "w") as f:
        f.write("\n".join(new) + ("" if r.random() < 0.2 else "\n"))
    if run(ctl, "diff", "--from", "/dev/null", f"{tmp}/old").returncode:
        continue        # an old file apply would have refused
    tried += 1
    ref = run(ctl, "diff", "--from", f"{tmp}/old", f"{tmp}/new")
    q = run(drv, f"{tmp}/old", f"{tmp}/new")
    out = q.stdout.split("\n")
    if out[0] == "quick":
        taken += 1
        if ref.returncode or sorted(filter(None, out[1:])) != \
           sorted(filter(None, ref.stdout.split("\n"))):
            bad += 1
            print(f"# case {n} ({kind}): quick {out[1:]}, whole {ref.stdout!r} {ref.stderr!r}")
    elif out[0] != "whole" and not ref.returncode:
        bad += 1
        print(f"# case {n} ({kind}): quick refused it: {q.stderr!r}")
# Most pairs differ in backend lines only: a quick path that declined
# them all would agree with diff --from and test nothing.
failed = bad or tried < cases // 2 or taken < tried // 3
print(f"{'not ok' if failed else 'ok'} - {tried} random pairs (seed {seed}): "
      f"{bad} differ from diff --from; the quick path took {taken}")
sys.exit(1 if failed else 0)
PY
then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
fi

test_end
