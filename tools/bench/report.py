#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark's raw output into results.json, results.md and a chart.

  report.py RAW OUTDIR --host-cpu CPU --date DATE --commit COMMIT

RAW is the VM's output: "BENCH key json" lines (results) and "BENCHTXT
name text" lines (profiles, samples). Everything written is computed from
it; nothing is typed in.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

CFGS = ["plain", "pl", "plslow", "plsync", "ipvs", "nft", "nftft"]
LABEL = {
    "plain": "plain forwarding",
    "pl": "pl",
    "plslow": "pl, fast path off",
    "plsync": "pl + sync",
    "ipvs": "IPVS NAT (mh)",
    "nft": "nftables DNAT+SNAT",
    "nftft": "nftables DNAT+SNAT + flowtable",
}
# The flow cache of each configuration whose memory per flow is reported.
# Two of a handshake group never share a cache (guest.sh: plain with pl,
# IPVS with nft, plslow with nftft).
CACHE = {"pl": "pl_flow", "nft": "nf_conntrack", "nftft": "nf_conntrack",
         "ipvs": "ip_vs_conn"}
# Those whose memory is not reported (their flows are pl's), but whose
# flow objects are taken out of their group's growth all the same.
CACHE_ONLY = {"plslow": "pl_flow", "plsync": "pl_flow"}
# Bar colours in the chart: pl's shades of blue, nftables' of green.
COLOR = {"plain": "#888888", "pl": "#1f77b4", "plslow": "#9467bd",
         "plsync": "#7fb8e0", "ipvs": "#ff7f0e", "nft": "#2ca02c",
         "nftft": "#98df8a"}
# Ratios shown beside the rates: (numerator, denominator, heading).
RATIOS = [("pl", "plain", "pl / plain"), ("pl", "ipvs", "pl / IPVS"),
          ("pl", "nft", "pl / nftables"), ("pl", "nftft", "pl / flowtable"),
          ("plslow", "pl", "fast path off / on"),
          ("plsync", "pl", "pl + sync / pl")]


def parse(raw):
    res, txt = {}, {}
    with open(raw, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("BENCH "):
                _, key, val = line.split(" ", 2)
                res[key] = json.loads(val)
            elif line.startswith("BENCHTXT "):
                _, name, *rest = line.split(" ", 2)
                txt.setdefault(name, []).append(rest[0] if rest else "")
    return res, txt


def memsnap(s):
    """'slab vmalloc used cache=active:size:bytes ...' -> dict"""
    f = s.split()
    d = {"slab": int(f[0]), "vmalloc": int(f[1]), "used": 0}
    if "=" not in f[2]:
        d["used"] = int(f[2])
    for kv in f[2:]:
        if "=" not in kv:
            continue
        k, v = kv.split("=")
        a, size, b = (int(x) for x in v.split(":"))
        d[k] = {"objects": a, "objsize": size, "bytes": b}
    return d


def memory(res, tables):
    """Per configuration: kernel memory added while its flows were opened.

    Configurations open their flows two at a time (a group); each flow
    object is counted in its own cache, and what else the group added
    (other slab, vmalloc, all memory) is shared among the group's stateful
    configurations by their flows (plain forwarding keeps none). The flow
    objects of a configuration not reported (CACHE_ONLY) are taken out of
    what the group added; the rest of its growth goes to the others.
    """
    acc = {c: {"flows": 0, "obj": 0, "objsize": 0, "other": 0.0, "vm": 0.0,
               "used": 0.0} for c in CFGS}
    sizes = sorted({int(k.split(".")[1]) for k in res if k.startswith("handshake.")})
    for n in sizes:
        groups = {}
        for c in CFGS:
            h = res.get("handshake.%d.%s" % (n, c))
            if h:
                groups.setdefault(h.get("group", c), []).append((c, h))
        for members in groups.values():
            h0 = members[0][1]
            a, b = memsnap(h0["mem_before"]), memsnap(h0["mem_after"])
            dobj = {}
            for c, h in members:
                cache = CACHE.get(c) or CACHE_ONLY.get(c)
                dobj[c] = 0
                if cache and cache in a:
                    acc[c]["objsize"] = b[cache]["objsize"]
                    dobj[c] = (b[cache]["objects"] - a[cache]["objects"]) * b[cache]["objsize"]
                acc[c]["flows"] += h["established"]
                acc[c]["obj"] += dobj[c]
            stateful = [(c, h) for c, h in members if c in CACHE]
            nflows = sum(h["established"] for c, h in stateful)
            if not nflows:
                continue
            other = b["slab"] - a["slab"] - sum(dobj.values())
            used = b["used"] - a["used"] - sum(
                dobj[c] for c, h in members if c not in CACHE)
            for c, h in stateful:
                share = h["established"] / nflows
                acc[c]["other"] += other * share
                acc[c]["vm"] += (b["vmalloc"] - a["vmalloc"]) * share
                acc[c]["used"] += used * share
    out = {}
    for cfg in CFGS:
        x = acc[cfg]
        flows = x["flows"]
        if not flows or cfg not in CACHE:
            continue
        m = {
            "flows": flows,
            "cache": CACHE[cfg],
            "object_size": x["objsize"],
            "object_bytes_per_flow": x["obj"] / flows,
            "other_slab_bytes_per_flow": x["other"] / flows,
            "vmalloc_bytes_per_flow": x["vm"] / flows,
            "all_kernel_bytes_per_flow": x["used"] / flows,
        }
        # Hash buckets: every table is allocated up front and counts whole.
        if cfg == "pl":
            nb = tables["pl_flow_buckets"]
            m["bucket_bytes_per_flow"] = nb * 8 / flows
            m["buckets_note"] = "%d buckets of 8 bytes, allocated up front" % nb
        elif cfg == "nft":
            m["bucket_bytes_per_flow"] = tables["nf_conntrack_buckets"] * 8 / flows
            m["buckets_note"] = "%d buckets of 8 bytes, allocated up front" % tables["nf_conntrack_buckets"]
        elif cfg == "nftft":
            # conntrack's table, and the flowtable's hash table, which
            # grows with its flows (vmalloc, once large); its entries are
            # in other slab.
            m["bucket_bytes_per_flow"] = (tables["nf_conntrack_buckets"] * 8 / flows +
                                          max(m["vmalloc_bytes_per_flow"], 0))
            m["buckets_note"] = ("conntrack's %d buckets of 8 bytes, allocated up "
                                 "front, and the flowtable's hash table as it grew "
                                 "(vmalloc)" % tables["nf_conntrack_buckets"])
        else:
            nb = 1 << tables["ip_vs_conn_tab_bits"]
            m["bucket_bytes_per_flow"] = nb * 8 / flows
            m["buckets_note"] = "%d buckets of 8 bytes, allocated up front" % nb
        m["table_bytes_per_flow"] = (m["object_bytes_per_flow"] +
                                     max(m["other_slab_bytes_per_flow"], 0) +
                                     m["bucket_bytes_per_flow"])
        out[cfg] = m
    return out


IDLE = {"pv_native_safe_halt", "native_safe_halt", "default_idle",
        "arch_cpu_idle", "cpu_idle_poll", "poll_idle", "do_idle",
        "cpuidle_enter_state", "default_idle_call", "mwait_idle"}


def profiles(res, txt, vcpus):
    """Busy time (idle left out) by symbol and module, per profile."""
    import re
    line_re = re.compile(r"^\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*?)\s*$")
    out = {}
    for name, lines in txt.items():
        if not name.startswith("profile-") or name.endswith("-dso"):
            continue
        key = name[len("profile-"):]
        syms = []
        for line in lines:
            m = line_re.match(line)
            if m:
                syms.append((float(m.group(1)), m.group(2), m.group(4)))
        idle = sum(p for p, _, sym in syms if sym in IDLE)
        busy = 100.0 - idle
        if busy <= 0:
            continue
        top = [(round(p * 100 / busy, 1), dso, sym) for p, dso, sym in syms
               if sym not in IDLE]
        mods = {}
        for p, dso, sym in syms:
            if sym not in IDLE:
                # perf 6.1 files pl.ko's symbols under the kernel's name.
                mod = "pl.ko" if sym.startswith("pl_") else dso
                mods[mod] = mods.get(mod, 0) + p * 100 / busy
        meta = res.get("profile." + key, {})
        d = {"busy_percent": round(busy, 1), "top": top[:25],
             "listed_by_module": {k: round(v, 1) for k, v in sorted(mods.items(), key=lambda x: -x[1])},
             "pl_functions": [(p, sym) for p, dso, sym in top if sym.startswith("pl_")]}
        if meta.get("seconds") and meta.get("delivered"):
            # Busy CPU time: the busy share of every vCPU over the run.
            cpu_s = meta["seconds"] * vcpus * busy / 100
            d["busy_us_per_packet"] = round(cpu_s * 1e6 / meta["delivered"], 1)
            d["packets"] = meta["delivered"]
        out[key] = d
    return out


def ratio(a, b):
    return a / b if b else 0.0


def median(d, c):
    """A configuration's median in a workload, or None if it did not run."""
    return d[c]["median"] if c in d else None


def ran(r):
    """The configurations that ran, and the ratios between them to show."""
    tables = [r["newflows"], r["iperf"]] + list(r["pps"].values())
    cfgs = [c for c in CFGS if any(c in d for d in tables)]
    ratios = [x for x in RATIOS if x[0] in cfgs and x[1] in cfgs]
    return cfgs, ratios


def ratio_cell(d, a, b):
    if a not in d or b not in d:
        return "-"
    return "%.2f" % ratio(d[a]["median"], d[b]["median"])


def paths_markdown(r):
    """Which path packets took while the established flows were measured."""
    paths = r.get("paths")
    if not paths:
        return []
    L = ["## Which path the packets took", ""]
    L.append("While packets went over the established flows: pl's namespace "
             "counters fast-path-packets and full-path-packets (`pl-ctl -j "
             "stats show`), and for nftables + flowtable the packets its "
             "forward chain saw (the rule that adds flows to the flowtable "
             "counts them): the others were forwarded by the flowtable. "
             "Delivered: the packets that reached the backend.")
    L.append("")
    L.append("| flows | configuration | fast path (pl) | full path (pl) | "
             "forward path (flowtable peer) | delivered |")
    L.append("|---|---|---|---|---|---|")
    for n in sorted(paths, key=int):
        for c in CFGS:
            p = paths[n].get(c)
            if p is None:
                continue
            if c == "nftft":
                cells = ("", "", fmt(p["slow_path_packets"]))
            elif p.get("fast_path_packets") is None:
                cells = ("no counter", "no counter", "")
            else:
                cells = (fmt(p["fast_path_packets"]),
                         fmt(p["full_path_packets"]), "")
            L.append("| %s | %s | %s | %s | %s | %s |" % (
                fmt(int(n)), LABEL[c], cells[0], cells[1], cells[2],
                "-" if p.get("delivered") is None else fmt(p["delivered"])))
    L.append("")
    return L


def sync_rate(res):
    """What r-plsync sent its peer during the new-flows run, with rates."""
    s = res.get("sync.newflows")
    if not s:
        return None
    s = dict(s)
    alone = res.get("newflows.plsync-peer")
    s["rate_alone"] = alone["median"] if alone else None
    secs = s["seconds"] or 1
    s["flows_sent_per_s"] = s["flows_sent"] / secs
    s["messages_sent_per_s"] = s["messages_sent"] / secs
    s["flows_per_message"] = ratio(s["flows_sent"], s["messages_sent"])
    # Each new flow is one record (its SYN makes it; the backend drops
    # the SYN, so no state changes follow).
    s["sent_share"] = ratio(s["flows_sent"], s["flows_created"])
    s["received_share"] = ratio(s["peer_flows_received"], s["flows_sent"])
    if s.get("peer_rx_cpu_s") is not None and s["peer_flows_received"]:
        s["peer_rx_us_per_flow"] = s["peer_rx_cpu_s"] * 1e6 / s["peer_flows_received"]
    return s


def targets(r):
    t = []
    nf = r["newflows"]
    pps = r["pps"]
    sizes = sorted(pps, key=int)
    small, big = sizes[0], sizes[-1]

    def add(name, value, want, ok, detail, short):
        t.append({"target": name, "value": round(value, 3), "want": want,
                  "met": bool(ok), "detail": detail, "short": short})

    if nf:
        v = ratio(nf["pl"]["median"], nf["plain"]["median"])
        add("new flows/s vs plain forwarding", v, ">= 0.85", v >= 0.85,
            "%.0f vs %.0f SYN/s" % (nf["pl"]["median"], nf["plain"]["median"]),
            "new flows/plain")
        v = ratio(nf["pl"]["median"], nf["ipvs"]["median"])
        add("new flows/s vs IPVS", v, ">= 1.5", v >= 1.5,
            "%.0f vs %.0f SYN/s" % (nf["pl"]["median"], nf["ipvs"]["median"]),
            "new flows/IPVS")
    if nf and "plsync" in nf:
        v = ratio(nf["plsync"]["median"], nf["pl"]["median"])
        sr = r.get("sync")
        add("new flows/s with sync on vs pl without", v, ">= 0.9", v >= 0.9,
            "%.0f vs %.0f SYN/s%s" % (
                nf["plsync"]["median"], nf["pl"]["median"],
                "; %s flow records/s to the peer, %s lost at the sender, "
                "%s messages missing at the peer" % (
                    fmt(sr["flows_sent_per_s"]), fmt(sr["sender_lost"]),
                    fmt(sr["peer_messages_lost"])) if sr else ""),
            "sync new flows/pl")
    v = ratio(pps[small]["pl"]["median"], pps[small]["plain"]["median"])
    add("packets/s at %s flows vs plain forwarding" % small, v, ">= 0.9",
        v >= 0.9, "%.0f vs %.0f packets/s" % (pps[small]["pl"]["median"],
                                              pps[small]["plain"]["median"]),
        "pps %s/plain" % small)
    v = ratio(pps[big]["pl"]["median"], pps[small]["pl"]["median"])
    add("packets/s at %s flows vs at %s" % (big, small), v, ">= 0.8", v >= 0.8,
        "%.0f vs %.0f packets/s" % (pps[big]["pl"]["median"],
                                    pps[small]["pl"]["median"]),
        "pps %s/%s" % (big, small))
    # Issue 20, "An honest benchmark": pl against the fastest peers.
    paths = r.get("paths", {}).get(small, {})

    def fast(c):
        p = paths.get(c)
        if not p or p.get("fast_path_packets") is None:
            return ""
        return "; %s: %s packets on the fast path, %s on the full path" % (
            LABEL[c], fmt(p["fast_path_packets"]), fmt(p["full_path_packets"]))

    if "pl" in pps[small] and "plain" in pps[small]:
        v = ratio(pps[small]["pl"]["median"], pps[small]["plain"]["median"])
        add("packets/s at %s flows vs plain forwarding (issue 20)" % small, v,
            ">= 1.3", v >= 1.3, "%.0f vs %.0f packets/s%s" % (
                pps[small]["pl"]["median"], pps[small]["plain"]["median"],
                fast("pl")),
            "i20 pps %s/plain" % small)
    if "pl" in pps[small] and "nftft" in pps[small]:
        v = ratio(pps[small]["pl"]["median"], pps[small]["nftft"]["median"])
        ft = paths.get("nftft")
        add("packets/s at %s flows vs nftables + flowtable (issue 20)" % small,
            v, ">= 1.0", v >= 1.0, "%.0f vs %.0f packets/s%s" % (
                pps[small]["pl"]["median"], pps[small]["nftft"]["median"],
                "; %s of the flowtable peer's %s packets took the forward path"
                % (fmt(ft["slow_path_packets"]), fmt(ft["delivered"] or 0))
                if ft else ""),
            "i20 pps %s/flowtable" % small)
    if nf and "pl" in nf and "nft" in nf:
        v = ratio(nf["pl"]["median"], nf["nft"]["median"])
        add("new flows/s vs nftables DNAT+SNAT (issue 20)", v, ">= 1.5",
            v >= 1.5, "%.0f vs %.0f SYN/s" % (nf["pl"]["median"],
                                              nf["nft"]["median"]),
            "i20 new flows/nft")
    m = r["memory"].get("pl")
    if m:
        v = m["table_bytes_per_flow"]
        add("table memory per flow (bytes)", v, "<= 128", v <= 128,
            "%.0f object + %.1f buckets + %.1f other slab, at %d flows" %
            (m["object_bytes_per_flow"], m["bucket_bytes_per_flow"],
             max(m["other_slab_bytes_per_flow"], 0), m["flows"]),
            "bytes/flow")
    cp = r.get("control_plane")
    if cp and "apply_s" in cp:
        v = cp["apply_s"]
        add("%d endpoints + %d backends applied (s)" % (cp["endpoints"], cp["backends"]),
            v, "< 2", v < 2,
            "`pl-ctl apply`, Maglev tables included (line by line, `pl-ctl -b` "
            "takes %.2f s + %.2f s of rebuilds; a pl-ctl run that does nothing "
            "%.2f s)%s"
            % (cp["batch_s"], cp["rebuild_wait_s"], cp.get("noop_s", 0),
               "; in the same boot `nft -f` of %s map elements takes %.2f s, "
               "`ipvsadm -R` %.2f s for %s lines, `ip -b` %.2f s for %s routes"
               % (fmt(cp["nft_restore_elements"]), cp["nft_restore_s"],
                  cp["ipvs_restore_s"], fmt(cp["ipvs_restore_lines"]),
                  cp["ip_batch_s"], fmt(cp["ip_batch_lines"]))
               if "nft_restore_s" in cp else ""),
            "control plane time")
        v = cp["apply_noop_s"]
        add("the same apply again, nothing to do (s)", v, "< 0.5", v < 0.5,
            "the kernel kept the file's fingerprint: nothing else is read", "apply no-op")
        v = cp["apply_one_s"]
        add("an apply that changes one backend of %s (s)" % fmt(cp["backends"]),
            v, "< 0.2", v < 0.2, "one weight: one set request, one commit",
            "apply one change")
    hc = r.get("health")
    if hc:
        v = hc["healthy"]
        add("health checker: backends kept healthy, of %s checked every %d s"
            % (fmt(hc["backends"]), hc["interval_s"]), v,
            "= %s" % fmt(hc["backends"]), v == hc["backends"],
            "one `pl-ctl health run`: %.1f%% of a core, %.1f MiB peak RSS, "
            "%s tcp probes/s" % (100 * hc["cpu_share"], hc["rss_kib"] / 1024.0,
                                 fmt(hc["probes_per_s"])),
            "health checker")
    return t


def fmt(v):
    return "{:,.0f}".format(v)


def markdown(r, txt):
    meta = r["meta"]
    L = []
    L.append("# pl benchmark results%s" % (" (QUICK run)" if meta["quick"] else ""))
    L.append("")
    L.append("Measured %s on Linux %s (Debian's stock kernel, `%s`) in a QEMU "
             "TCG virtual machine with %d vCPUs and %d MiB, on a host with "
             "%s (%d cores), at pl commit %s. Produced by `make bench%s` "
             "(tools/bench/); nothing here is typed by hand." %
             (meta["date"], meta["kernel"], meta["kernel_version"], meta["vcpus"],
              meta["mem_mb"], meta["host_cpu"], meta["host_cores"], meta["commit"],
              " QUICK=1" if meta["quick"] else ""))
    L.append("")
    L.append("Under TCG every figure is far below what the same kernel does "
             "on hardware; only ratios between configurations measured in the "
             "same boot mean anything. Rates are taken in rounds: in each round "
             "every configuration gets a %d ms slice, in turn, %d rounds; the "
             "median over the slices is reported (the overall rate is in "
             "results.json)." % (meta["slice_ms"], meta["rounds"]))
    L.append("")
    L.append("![chart](chart.png)")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| target | want | measured | met | detail |")
    L.append("|---|---|---|---|---|")
    for t in r["targets"]:
        L.append("| %s | %s | %s | %s | %s |" % (
            t["target"], t["want"], "%.3g" % t["value"],
            "yes" if t["met"] else "**no**", t["detail"]))
    L.append("")
    L.append("## Data path")
    L.append("")
    cfgs, ratios = ran(r)
    hdr = ("| workload | " + " | ".join(LABEL[c] for c in cfgs) + " | " +
           " | ".join(x[2] for x in ratios) + " |")
    L.append(hdr)
    L.append("|---" * (len(cfgs) + len(ratios) + 1) + "|")

    def row(name, d, unit=""):
        vals = [median(d, c) for c in cfgs]
        L.append("| %s | %s | %s |" % (
            name, " | ".join("-" if v is None else fmt(v) + unit for v in vals),
            " | ".join(ratio_cell(d, a, b) for a, b, _ in ratios)))

    if r["newflows"]:
        row("new flows/s (SYNs at the backend)", r["newflows"])
    for n in sorted(r["pps"], key=int):
        row("packets/s, %s established flows" % fmt(int(n)), r["pps"][n])
    if r["iperf"]:
        row("iperf3, 4 streams (Mbit/s)", r["iperf"])
    L.append("")
    for c, why in sorted(r.get("skipped", {}).items()):
        L.append("%s (`%s`) was left out of this run: %s." % (LABEL.get(c, c), c, why))
        L.append("")
    L.extend(paths_markdown(r))
    L.append("## Memory per flow")
    L.append("")
    L.append("Kernel memory added while each configuration's flows were opened "
             "(bytes per flow), from /proc/slabinfo (slab_nomerge, so that each "
             "flow cache is its own) and /proc/meminfo.")
    L.append("")
    L.append("| | flows | flow object (cache, size) | other slab | hash buckets | table total | all kernel memory |")
    L.append("|---|---|---|---|---|---|---|")
    for c in CFGS:
        m = r["memory"].get(c)
        if not m:
            continue
        L.append("| %s | %s | %.1f (%s, %s) | %.1f | %.1f (%s) | %.1f | %.1f |" % (
            LABEL[c], fmt(m["flows"]), m["object_bytes_per_flow"],
            m["cache"] or "-", m["object_size"] or "-",
            m["other_slab_bytes_per_flow"], m["bucket_bytes_per_flow"],
            m["buckets_note"], m["table_bytes_per_flow"],
            m["all_kernel_bytes_per_flow"]))
    L.append("")
    L.append("Configurations open their flows two at a time (plain with pl, "
             "IPVS with nftables, pl with its fast path off with nftables + "
             "flowtable): each flow object is counted in its own cache; "
             "other slab and vmalloc growth is shared among the stateful members "
             "of a pair by their flows. Tables allocated up front count whole. "
             "pl with its fast path off is not counted (its flows are pl's): "
             "its flow objects are taken out of its pair's growth, and the "
             "rest of what it adds (a few bytes a flow) goes to nftables + "
             "flowtable, whose entries (struct flow_offload, in a kmalloc "
             "cache) are in its other slab and whose flowtable hash table, "
             "grown with its flows, is counted with its hash buckets. "
             "pl + sync opens its flows alone and is not counted: its peer's "
             "copies are pl_flow objects too.")
    L.append("")
    sr = r.get("sync")
    if sr:
        L.extend(sync_markdown(r, sr, txt))
    hc = r.get("health")
    if hc:
        L.append("## Health checker")
        L.append("")
        L.append("`pl-ctl health run` checking %s backends of %s services over tcp "
                 "every %d s (%s probes/s), measured over %d s once all were healthy: "
                 "%.1f%% of a core, %.1f MiB peak RSS; %s healthy at the end."
                 % (fmt(hc["backends"]), fmt(hc["services"]), hc["interval_s"],
                    fmt(hc["probes_per_s"]), hc["window_s"], 100 * hc["cpu_share"],
                    hc["rss_kib"] / 1024.0, fmt(hc["healthy"])))
        L.append("")
    cp = r.get("control_plane")
    if cp:
        L.append("## Control plane")
        L.append("")
        L.append("One `pl-ctl -b` batch of %s lines: %s services, %s backends, "
                 "%s endpoints with an ENI in each of 3 zones. pl-ctl and ip enter "
                 "the namespace themselves (`-n`); nft and ipvsadm, which cannot, "
                 "run under `ip netns exec`." %
                 (fmt(cp["batch_lines"]), fmt(cp["services"]), fmt(cp["backends"]),
                  fmt(cp["endpoints"])))
        L.append("")
        L.append("| step | seconds | lines |")
        L.append("|---|---|---|")
        L.append("| `pl-ctl -n NS limits show` in an empty namespace (process start-up) | %.2f | |" % cp.get("noop_s", 0))
        if "netns_exec_s" in cp:
            L.append("| `ip netns exec NS true`: what the peers without `-n` pay besides | %.2f | |"
                     % cp["netns_exec_s"])
        if "apply_s" in cp:
            L.append("| `pl-ctl apply` (the same file, one transaction) | %.2f | %s |"
                     % (cp["apply_s"], fmt(cp["batch_lines"])))
            L.append("| `pl-ctl apply` again (nothing to do) | %.2f | |" % cp["apply_noop_s"])
            L.append("| `pl-ctl apply` of one changed weight | %.2f | 1 |" % cp["apply_one_s"])
        L.append("| `pl-ctl -b` (the batch, line by line) | %.2f | %s |" % (cp["batch_s"], fmt(cp["batch_lines"])))
        L.append("| waiting for Maglev rebuilds (`pl-ctl service show svc-0`) | %.2f | |" % cp["rebuild_wait_s"])
        L.append("| `pl-ctl endpoint show` | %.2f | %s |" % (cp["endpoint_show_s"], fmt(cp["endpoint_show_lines"])))
        L.append("| `pl-ctl backend show` | %.2f | %s |" % (cp["backend_show_s"], fmt(cp["backend_show_lines"])))
        L.append("| `pl-ctl save` | %.2f | %s |" % (cp["save_s"], fmt(cp["save_lines"])))
        if "ipvs_restore_s" in cp:
            L.append("| peer: `ipvsadm -R`, as many services and real servers (rr) | %.2f | %s |"
                     % (cp["ipvs_restore_s"], fmt(cp["ipvs_restore_lines"])))
            L.append("| floor: `ip -b` adding as many blackhole routes | %.2f | %s |"
                     % (cp["ip_batch_s"], fmt(cp["ip_batch_lines"])))
        if "nft_restore_s" in cp:
            L.append("| peer: `nft -f`, one transaction of as many DNAT map elements | %.2f | %s |"
                     % (cp["nft_restore_s"], fmt(cp["nft_restore_elements"])))
        L.append("")
        if "cp-tasks" in txt:
            L.append("Where the profiled fifth of the batch spent the VM's time, "
                     "by task and object (`perf report --sort comm,dso`; "
                     "`swapper` is an idle vCPU):")
            L.append("")
            L.append("```")
            L.extend(txt["cp-tasks"])
            L.append("```")
            L.append("")
    L.append("## Flows were established")
    L.append("")
    for n in sorted(r["pps"], key=int):
        v = [k for k in r["raw"] if k.startswith("verify.%s." % n)]
        parts = ["%s %s" % (k.split(".")[-1], json.dumps(r["raw"][k])) for k in sorted(v)]
        L.append("- %s flows: %s" % (fmt(int(n)), "; ".join(parts)))
    L.append("")
    L.append("Samples (first lines of `pl-ctl flow show`, /proc/net/nf_conntrack "
             "(offloaded flows marked `[OFFLOAD]`), `ipvsadm -Lnc`; "
             "`nft list flowtable` of nftables + flowtable):")
    L.append("")
    L.append("```")
    for name in sorted(txt):
        if name.startswith("verify-"):
            for line in txt[name]:
                L.append("%s: %s" % (name, line))
    L.append("```")
    L.append("")
    if r["profiles"]:
        L.append("## Profiles")
        L.append("")
        L.append("`perf record -e cpu-clock -a` over the whole VM while plgen "
                 "ran toward one configuration (generator, router and backend "
                 "share the vCPUs; sampling slows everything down). Shares are of busy "
                 "time (idle left out); busy µs per packet = busy share x vCPUs x "
                 "seconds / packets delivered, while profiled.")
        L.append("")
        for name in sorted(r["profiles"]):
            p = r["profiles"][name]
            L.append("### %s" % name)
            L.append("")
            if "busy_us_per_packet" in p:
                L.append("%s packets, %.1f busy µs per packet; listed symbols by "
                         "module: %s" % (fmt(p["packets"]), p["busy_us_per_packet"],
                                         ", ".join("%s %.1f%%" % kv for kv in p["listed_by_module"].items())))
            else:
                L.append("listed symbols by module: %s" % ", ".join(
                    "%s %.1f%%" % kv for kv in p["listed_by_module"].items()))
            L.append("")
            L.append("```")
            for share, dso, sym in p["top"][:20]:
                L.append("%5.1f%%  %-18s %s" % (share, dso, sym))
            L.append("```")
            L.append("")
    L.append("## Setup")
    L.append("")
    tb = r["raw"].get("tables", {})
    L.append("Each configuration has its own client, router and backend "
             "namespaces, joined by veth pairs; %d backends (addresses on the "
             "backend namespace's loopback, behind one veth). plgen "
             "(tools/bench/plgen.c) sends from the client namespace on "
             "AF_PACKET; the backend namespace counts what arrives on its "
             "interface and drops it in an nftables ingress chain before its "
             "TCP stack (SYNs of the handshakes excepted: they get SYN-cookie "
             "SYN-ACKs). Tables sized as a fair operator would for a million "
             "flows: pl max-flows %s with flow_buckets %s, nf_conntrack_max "
             "%s with %s buckets, IPVS conn_tab_bits %s." % (
                 meta["backends"], fmt(tb.get("pl_max_flows", 0)),
                 fmt(tb.get("pl_flow_buckets", 0)),
                 fmt(tb.get("nf_conntrack_max", 0)),
                 fmt(tb.get("nf_conntrack_buckets", 0)),
                 tb.get("ip_vs_conn_tab_bits", "?")))
    L.append("")
    return "\n".join(L) + "\n"


def sync_markdown(r, sr, txt):
    """The sync section: what r-plsync sent its peer during new flows."""
    L = ["## Sync", ""]
    L.append("pl + sync is pl with sync on, sending every new flow and state "
             "change to one peer router (a namespace of its own running pl "
             "with the same configuration and key, on a veth of its own), "
             "which learns them. In the new-flows row of the tables, the "
             "wire drops pl + sync's messages: the router builds, "
             "authenticates and sends each one down its UDP/IP path, and its "
             "veth's egress hook drops it, because the peer's receiving is "
             "another machine's work that would share this VM's two vCPUs "
             "with the router measured. Then plgen ran toward pl + sync "
             "alone, with the wire on and the peer learning (%s SYN/s, peer "
             "on the same vCPUs). The peer received %s; %s. In that run "
             "(%.2f s of its slices):"
             % (fmt(sr["rate_alone"]) if sr.get("rate_alone") else "-", "on a thread of its own (threaded NAPI), which the scheduler "
                "runs on an idle vCPU, as another machine would"
                if sr["peer_rx"] == "thread" else
                "in the sender's softirq, on the same vCPU (no threaded NAPI)",
                "its receive thread took %.2f s of CPU (%.1f µs a flow "
                "record), last on vCPU %d" % (
                    sr["peer_rx_cpu_s"], sr.get("peer_rx_us_per_flow", 0),
                    sr["peer_rx_vcpu"])
                if sr.get("peer_rx_cpu_s") is not None else
                "its cost is in the sender's rate", sr["seconds"]))
    L.append("")
    L.append("| | count | per second |")
    L.append("|---|---|---|")
    secs = sr["seconds"] or 1

    def line(name, v, rate=True):
        L.append("| %s | %s | %s |" % (name, fmt(v), fmt(v / secs) if rate else ""))

    line("SYNs delivered to the backend", sr["syns_delivered"])
    line("flows created by the router (new-connections)", sr["flows_created"])
    line("flow records sent to the peer (flows-sent)", sr["flows_sent"])
    line("sync messages sent to the peer (messages-sent, hellos included)",
         sr["messages_sent"])
    L.append("| flow records per message | %.1f | |" % sr["flows_per_message"])
    line("lost at the sender (sync-lost: queue full, or not sent)",
         sr["sender_lost"], False)
    line("flow records received by the peer (flows-received)",
         sr["peer_flows_received"])
    line("messages received by the peer", sr["peer_messages_received"])
    line("messages missing at the peer (messages-lost: gaps in the sequence)",
         sr["peer_messages_lost"], False)
    line("messages made good by a resync (messages-repaired)",
         sr["peer_messages_repaired"], False)
    line("lost at the peer in all (its sync-lost: gaps, and records not learned)",
         sr["peer_lost"], False)
    line("messages rejected by the peer", sr["peer_rejected"], False)
    L.append("| flows learned by the peer, before and after (a gauge: SYN-only "
             "flows expire after 10 s) | %s, %s | |"
             % (fmt(sr["peer_learned_before"] or 0), fmt(sr["peer_learned_after"] or 0)))
    L.append("")
    L.append("Records sent / flows created: %.3f; received / sent: %.3f."
             % (sr["sent_share"], sr["received_share"]))
    L.append("")
    for name, title in (("newflows-sync-show", "after the new-flows run"),
                        ("established-sync-show", "after the established flows")):
        if name in txt:
            L.append("`pl-ctl sync show` of r-plsync, then of its peer, %s:" % title)
            L.append("")
            L.append("```")
            L.extend(txt[name])
            L.append("```")
            L.append("")
    return L


def rst(r):
    """The headline figures as reStructuredText, for performance.rst."""
    meta = r["meta"]
    L = [".. Generated by tools/bench/report.py from a make bench run; do not edit.", ""]
    L.append("Measured %s, Linux %s in QEMU TCG (%d vCPUs) on %s, pl %s%s." % (
        meta["date"], meta["kernel"], meta["vcpus"], meta["host_cpu"],
        meta["commit"], " (QUICK run)" if meta["quick"] else ""))
    L.append("")
    cfgs, ratios = ran(r)
    rows = [("workload",) + tuple(LABEL[c] for c in cfgs) +
            tuple(x[2] for x in ratios)]

    def add(name, d):
        rows.append((name,) + tuple("-" if c not in d else fmt(d[c]["median"])
                                    for c in cfgs) +
                    tuple(ratio_cell(d, a, b) for a, b, _ in ratios))

    if r["newflows"]:
        add("new flows/s", r["newflows"])
    for n in sorted(r["pps"], key=int):
        add("packets/s, %s flows" % fmt(int(n)), r["pps"][n])
    if r["iperf"]:
        add("iperf3 Mbit/s", r["iperf"])
    L.extend(rst_table(rows))
    L.append("")
    paths = r.get("paths", {})
    if paths:
        n = min(paths, key=int)
        said = []
        for c in CFGS:
            p = paths[n].get(c)
            if not p:
                continue
            if c == "nftft":
                said.append("%s: %s of %s delivered packets through the "
                            "forward path, the rest through the flowtable" % (
                                LABEL[c], fmt(p["slow_path_packets"]),
                                fmt(p["delivered"] or 0)))
            elif p.get("fast_path_packets") is not None:
                said.append("%s: %s packets on the fast path, %s on the full "
                            "path" % (LABEL[c], fmt(p["fast_path_packets"]),
                                      fmt(p["full_path_packets"])))
        if said:
            L.append("Paths taken at %s established flows: %s." % (
                fmt(int(n)), "; ".join(said)))
            L.append("")
    for c, why in sorted(r.get("skipped", {}).items()):
        L.append("%s (``%s``) was left out of this run: %s." % (LABEL.get(c, c), c, why))
        L.append("")
    rows = [("bytes per flow", "flows", "flow object", "hash buckets", "other slab", "table total")]
    for c in ["pl", "ipvs", "nft", "nftft"]:
        m = r["memory"].get(c)
        if m:
            rows.append((LABEL[c], fmt(m["flows"]), "%.0f" % m["object_bytes_per_flow"],
                         "%.1f" % m["bucket_bytes_per_flow"],
                         "%.1f" % max(m["other_slab_bytes_per_flow"], 0),
                         "%.0f" % m["table_bytes_per_flow"]))
    L.extend(rst_table(rows))
    L.append("")
    rows = [("target", "want", "measured", "met")]
    for t in r["targets"]:
        rows.append((t["target"], t["want"], "%.3g" % t["value"], "yes" if t["met"] else "NO"))
    L.extend(rst_table(rows))
    sr = r.get("sync")
    if sr:
        L.append("")
        L.append("Sync, while new flows came to pl + sync: %s flow records/s "
                 "sent to its peer (%.1f a message), %s lost at the sender, %s "
                 "received by the peer, %s messages missing there%s." % (
                     fmt(sr["flows_sent_per_s"]), sr["flows_per_message"],
                     fmt(sr["sender_lost"]), fmt(sr["peer_flows_received"]),
                     fmt(sr["peer_messages_lost"]),
                     "; the peer's receive thread %.1f µs a record" %
                     sr["peer_rx_us_per_flow"] if "peer_rx_us_per_flow" in sr else ""))
    return "\n".join(L) + "\n"


def rst_table(rows):
    w = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    sep = "  ".join("=" * x for x in w)
    out = [sep, "  ".join(str(v).ljust(w[i]) for i, v in enumerate(rows[0])).rstrip(), sep]
    for row in rows[1:]:
        out.append("  ".join(str(v).ljust(w[i]) for i, v in enumerate(row)).rstrip())
    out.append(sep)
    return out


def score(t):
    """How far a target is met: above 1, met, whichever way it points."""
    want = float(t["want"].split()[-1].replace(",", ""))
    if t["want"].startswith((">", "=")):
        return t["value"] / want if want else 0
    return want / t["value"] if t["value"] else 0


def chart(r, outdir):
    tmp = tempfile.mkdtemp()
    meta = r["meta"]
    sizes = sorted(r["pps"], key=int)
    def short(n):
        n = int(n)
        return "%dM" % (n // 1000000) if n >= 1000000 and n % 1000000 == 0 else \
            "%dk" % (n // 1000) if n >= 1000 and n % 1000 == 0 else str(n)

    def val(d, c, base=None):
        # "?": the configuration did not run this workload (gnuplot skips it).
        if c not in d:
            return "?"
        if base is None:
            return str(d[c]["median"])
        return "%.3f" % (d[c]["median"] / base)

    cfgs, _ = ran(r)
    with open(os.path.join(tmp, "rates.dat"), "w") as f:
        if r["newflows"]:
            f.write('"new flows/s" ' + " ".join(
                val(r["newflows"], c) for c in cfgs) + "\n")
        for n in sizes:
            f.write('"pps, %s flows" ' % short(n) + " ".join(
                val(r["pps"][n], c) for c in cfgs) + "\n")
    with open(os.path.join(tmp, "rel.dat"), "w") as f:
        rows = []
        if r["newflows"]:
            rows.append(("new flows/s", r["newflows"]))
        for n in sizes:
            rows.append(("pps, %s flows" % short(n), r["pps"][n]))
        if r["iperf"]:
            rows.append(("iperf3 (TCP)", r["iperf"]))
        relmax = 1.3
        for name, d in rows:
            base = d["plain"]["median"] or 1
            relmax = max([relmax] + [d[c]["median"] / base * 1.1
                                     for c in cfgs if c in d])
            f.write('"%s" ' % name + " ".join(
                val(d, c, base) for c in cfgs) + "\n")
    with open(os.path.join(tmp, "mem.dat"), "w") as f:
        for c in ["pl", "ipvs", "nft", "nftft"]:
            m = r["memory"].get(c)
            if m:
                f.write('"%s (%s)" %.1f %.1f %.1f\n' % (
                    {"pl": "pl", "ipvs": "IPVS", "nft": "nftables",
                     "nftft": "flowtable"}[c], short(m["flows"]), m["object_bytes_per_flow"], m["bucket_bytes_per_flow"],
                    max(m["other_slab_bytes_per_flow"], 0)))
    scores = [score(t) for t in r["targets"]]
    ymax = max([1.3] + [x * 1.15 for x in scores])
    title = "pl benchmark%s: Linux %s, %s, QEMU TCG (2 vCPUs) on %s" % (
        " (QUICK)" if meta["quick"] else "", meta["kernel"], meta["date"][:10],
        meta["host_cpu"])
    png = os.path.join(outdir, "chart.png")
    gp = """
set terminal pngcairo size 1400,900 font "sans,10"
set output "{png}"
set multiplot layout 2,2 title "{title}" font "sans,12"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key outside bottom center horizontal
set grid ytics
set xtics nomirror
{linetypes}
set datafile missing "?"
set title "Rate relative to plain forwarding (higher is better; 1 = plain)"
set yrange [0:{relmax}]
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "black"
plot "{tmp}/rel.dat" {series}
unset arrow 1
set title "Absolute rates under TCG (packets or SYNs per second at the backend)"
set yrange [0:*]
set format y "%.0s%c"
plot "{tmp}/rates.dat" {series}
set format y "%g"
set title "Kernel memory per flow, bytes (lower is better)"
set style histogram rowstacked
set boxwidth 0.5
set arrow 2 from graph 0, first 128 to graph 1, first 128 nohead dt 2 lc rgb "red"
set label 2 "pl target: 128" at graph 0.02, first 140 tc rgb "red"
plot "{tmp}/mem.dat" using 2:xtic(1) title "flow object" lc rgb "#1f77b4", \
     '' using 3 title "hash buckets" lc rgb "#aec7e8", \
     '' using 4 title "other slab" lc rgb "#c7c7c7"
unset arrow 2
unset label 2
set title "pl's targets: how far each is met (above 1: met)"
unset key
set style histogram clustered
set boxwidth 0.6
set yrange [0:{ymax}]
set xtics rotate by -15 font "sans,8"
set arrow 3 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "black"
plot "{tmp}/targets.dat" using 2:xtic(1) lc rgb "#1f77b4", \
     '' using 0:2:(sprintf("%.2f", $2)) with labels offset 0,0.7 notitle
unset multiplot
""".format(png=png, title=title.replace('"', "'"), tmp=tmp, ymax="%.2f" % ymax,
           relmax="%.2f" % relmax,
           linetypes="\n".join('set linetype %d lc rgb "%s"' % (i + 1, COLOR[c])
                                for i, c in enumerate(cfgs)),
           series=", ".join("%s title \"%s\"" % (
               "using 2:xtic(1)" if i == 0 else "'' using %d" % (i + 2), LABEL[c])
               for i, c in enumerate(cfgs)))
    with open(os.path.join(tmp, "targets.dat"), "w") as f:
        for t in r["targets"]:
            f.write('"%s" %.3f\n' % (t["short"], score(t)))
    with open(os.path.join(tmp, "chart.gp"), "w") as f:
        f.write(gp)
    subprocess.run(["gnuplot", os.path.join(tmp, "chart.gp")], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("outdir")
    ap.add_argument("--host-cpu", default="unknown")
    ap.add_argument("--host-cores", type=int, default=0)
    ap.add_argument("--date", required=True)
    ap.add_argument("--commit", default="unknown")
    a = ap.parse_args()
    res, txt = parse(a.raw)
    if "meta" not in res or "done" not in res:
        sys.exit("report: %s holds no complete run" % a.raw)
    meta = dict(res["meta"])
    meta.update({"host_cpu": a.host_cpu, "host_cores": a.host_cores,
                 "date": a.date, "commit": a.commit,
                 "run_seconds": res["done"]["seconds"]})
    r = {"meta": meta, "raw": res}
    r["newflows"] = {c: res["newflows." + c] for c in CFGS if "newflows." + c in res}
    r["iperf"] = {c: res["iperf." + c] for c in CFGS if "iperf." + c in res}
    r["pps"] = {}
    for k, v in res.items():
        if k.startswith("pps."):
            _, n, c = k.split(".")
            r["pps"].setdefault(n, {})[c] = v
    r["paths"] = {}
    for k, v in res.items():
        if k.startswith("paths."):
            _, n, c = k.split(".")
            r["paths"].setdefault(n, {})[c] = v
    r["skipped"] = {k.split(".", 1)[1]: v["reason"] for k, v in res.items()
                    if k.startswith("skipped.")}
    r["memory"] = memory(res, res["tables"])
    r["control_plane"] = res.get("control_plane")
    r["health"] = res.get("health")
    r["sync"] = sync_rate(res)
    r["targets"] = targets(r)
    r["profiles"] = profiles(res, txt, res["meta"]["vcpus"])
    os.makedirs(a.outdir, exist_ok=True)
    out = dict(r)
    del out["raw"]
    out["verify"] = {k: v for k, v in res.items() if k.startswith("verify.")}
    out["tables"] = res["tables"]
    with open(os.path.join(a.outdir, "results.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(a.outdir, "results.md"), "w") as f:
        f.write(markdown(r, txt))
    with open(os.path.join(a.outdir, "summary.rst"), "w") as f:
        f.write(rst(r))
    chart(r, a.outdir)
    for t in r["targets"]:
        print("  %-48s %8.3g  want %-6s %s" % (t["target"], t["value"], t["want"],
                                              "met" if t["met"] else "MISSED"))


if __name__ == "__main__":
    main()
