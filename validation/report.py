#!/usr/bin/env python3
"""report.py — render the markdown report of a real `critpath run` of the validation tasks.

Usage:
  python3 validation/report.py --run RUN_DIR [--recording REC_DIR] [-o FILE]

RUN_DIR is what was copied back from the GPU host after the runs:
  critpath-state/            a copy of the project's .critpath/ folder: *.journal, logs/*.log, results/*.json
  *.ndjson                   optional: stdout of `critpath run … --json` (the only place with GPU UUIDs)
  run-*.txt, status-*.txt    optional: transcripts of `critpath run` / `critpath status`, quoted verbatim
REC_DIR is an output folder of validation/record_fixtures.sh (nvidia-smi captures, each script's --json).

Everything in the report is read from those files; nothing is measured or assumed here.  The committed
plans/validation-h200.md is this script's output for validation/tests/fixtures/h200x1-run and h200x1
(a test checks that they agree).  Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import glob
import json
import os
import re
import sys
from typing import Any, Dict, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smi  # noqa: E402
import stress  # noqa: E402


# ------------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------------
def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def _ndjson(path: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in _read(path).splitlines() if line.strip()]


def iso_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000.0, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def hms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000.0, tz=dt.timezone.utc).strftime("%H:%M:%S.%f")[:-3]


def parse_iso_s(s: str) -> float:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc).timestamp()


def load_journal(path: str) -> List[Dict[str, Any]]:
    """One journal file -> runs: {runId, start, end, activities: [{id, attempt, started, finished, ...}]}."""
    runs: Dict[str, Dict[str, Any]] = {}
    order: List[str] = []
    for rec in _ndjson(path):
        rid = rec.get("runId")
        if rid not in runs:
            runs[rid] = {"runId": rid, "journal": os.path.basename(path), "start": None, "end": None, "acts": {}}
            order.append(rid)
        run = runs[rid]
        t = rec.get("t")
        if t == "run-start":
            run["start"] = rec
        elif t == "run-end":
            run["end"] = rec
        elif t in ("started", "finished", "failed", "interrupted"):
            # An attempt ends with `finished` (exit 0), `failed` or `interrupted`: all three close its
            # interval (kept under "finished", with the record type in "ended").
            key = (rec["id"], rec.get("attempt", 1))
            a = run["acts"].setdefault(key, {"id": rec["id"], "attempt": rec.get("attempt", 1)})
            if t == "started":
                a[t] = rec
            else:
                a["finished"] = rec
                a["ended"] = t
    out = []
    for rid in order:
        r = runs[rid]
        r["activities"] = sorted(r.pop("acts").values(), key=lambda a: a.get("started", {}).get("at", 0))
        out.append(r)
    return out


def load_events(run_dir: str) -> Dict[str, Dict[Tuple[str, int], Dict[str, Any]]]:
    """runId -> (activity, attempt) -> activity-start event (carries gpuUuids)."""
    out: Dict[str, Dict[Tuple[str, int], Dict[str, Any]]] = {}
    for path in sorted(glob.glob(os.path.join(run_dir, "*.ndjson"))):
        rid = None
        for ev in _ndjson(path):
            if ev.get("type") == "run-start":
                rid = ev.get("runId")
            elif ev.get("type") == "activity-start" and rid is not None:
                out.setdefault(rid, {})[(ev["id"], ev.get("attempt", 1))] = ev
    return out


_LOG_HEAD = re.compile(r"^=== (\S+) attempt (\d+)/(\d+) run (\S+) at (\S+)(?: gpus (\S+))?$")
_CHECK = re.compile(r"^(PASS|WARN|FAIL|INFO|SKIP) ([^:]+): (.*?)(?: \[([^\]]*)\])?$")


def load_log_sections(path: str) -> Dict[Tuple[str, int], Dict[str, Any]]:
    """A task log -> (runId, attempt) -> {gpus, checks: {id: (status, detail, value)}, lines}."""
    out: Dict[Tuple[str, int], Dict[str, Any]] = {}
    cur: Optional[Dict[str, Any]] = None
    if not os.path.exists(path):
        return out
    for line in _read(path).splitlines():
        m = _LOG_HEAD.match(line)
        if m:
            cur = {"gpus": m.group(6), "checks": {}, "lines": []}
            out[(m.group(4), int(m.group(2)))] = cur
            continue
        if cur is None:
            continue
        cur["lines"].append(line)
        c = _CHECK.match(line)
        if c:
            cur["checks"][c.group(2)] = (c.group(1), c.group(3), c.group(4))
    return out


def load_results(state: str) -> Dict[str, Dict[str, Any]]:
    out = {}
    # Flat (older task files) or one folder per task file (results/<file stem>/<activity>.json).
    paths = glob.glob(os.path.join(state, "results", "*.json")) + glob.glob(os.path.join(state, "results", "*", "*.json"))
    for path in sorted(paths):
        out[os.path.splitext(os.path.basename(path))[0]] = json.loads(_read(path))
    return out


def result_belongs_to(doc: Dict[str, Any], started_ms: int, finished_ms: int) -> bool:
    """The script's timestamp (its start, whole seconds) lies within the activity's interval."""
    try:
        ts = parse_iso_s(doc["timestamp"])
    except (KeyError, ValueError):
        return False
    return int(started_ms // 1000) <= ts <= finished_ms / 1000.0


def checks(doc: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    return {c["id"]: c for c in doc.get("checks", [])}


def env_file(path: str) -> Dict[str, str]:
    out: Dict[str, str] = {}
    if not os.path.exists(path):
        return out
    for line in _read(path).splitlines():
        if ":" in line and not line.startswith(" "):
            k, v = line.split(":", 1)
            out.setdefault(k.strip(), v.strip())
    return out


def stress_csv_stats(path: str) -> Optional[Dict[str, Any]]:
    if not os.path.exists(path):
        return None
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return None
    loaded = [r for r in rows if float(r["iterations"] or 0) > 0]
    fl = lambda rs, k: [float(r[k]) for r in rs if r.get(k) not in (None, "")]  # noqa: E731
    clocks, temps = fl(loaded, "sm_clock_mhz"), fl(loaded, "temperature_c")
    return {
        "samples": len(rows),
        "loaded": len(loaded),
        "first": rows[0],
        "temp_max": max(fl(rows, "temperature_c")),
        "temp_mean_loaded": sum(temps) / len(temps) if temps else None,
        "clock_min_loaded": min(clocks) if clocks else None,
        "clock_mean_loaded": sum(clocks) / len(clocks) if clocks else None,
        "clock_max_sm": max(fl(rows, "sm_clock_max_mhz")),
        "power_max": max(fl(rows, "power_w")),
        "power_limit": max(fl(rows, "power_limit_w")),
        "util_min_loaded": min(fl(loaded, "util_pct")) if loaded else None,
        "reasons": sorted({r["throttle_reasons"] for r in rows if r["throttle_reasons"]}),
    }


# ------------------------------------------------------------------------------------------------
# Rendering helpers
# ------------------------------------------------------------------------------------------------
def table(header: List[str], rows: List[List[Any]]) -> List[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join("" if v is None else str(v) for v in r) + " |")
    return out


def fence(text: str) -> List[str]:
    return ["```text", *text.rstrip("\n").splitlines(), "```"]


def fmt_thr(c: Dict[str, Any]) -> str:
    t = c.get("threshold")
    if not isinstance(t, dict):
        return ""
    return f"FAIL < {t['fail_below']:g}, WARN < {t['warn_below']:g}, spec {t['spec']:g} {t['unit']}"


def pct_of_spec(c: Dict[str, Any]) -> str:
    t = c.get("threshold")
    if not isinstance(t, dict) or not isinstance(c.get("value"), (int, float)):
        return ""
    return f"{100.0 * c['value'] / t['spec']:.0f} %"


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------
def sources(results: Dict[str, Dict[str, Any]], activity: str, run_label: str, rec: Dict[str, Dict[str, Any]], rec_labels: Dict[str, str]) -> List[Tuple[str, Dict[str, Any]]]:
    """One script's JSON results, labelled: the critpath run's first, then the recording's, in order."""
    out: List[Tuple[str, Dict[str, Any]]] = []
    if activity in results:
        out.append((run_label, results[activity]))
    out.extend((label, rec[k]) for k, label in rec_labels.items() if k in rec)
    return out


def render(run_dir: str, rec_dir: Optional[str], argv_display: str) -> str:
    state = os.path.join(run_dir, "critpath-state")
    journals = sorted(glob.glob(os.path.join(state, "*.journal")))
    runs: List[Dict[str, Any]] = []
    for j in journals:
        runs.extend(load_journal(j))
    runs.sort(key=lambda r: (r["start"] or {}).get("at", 0))
    events = load_events(run_dir)
    results = load_results(state)
    logs = {os.path.splitext(os.path.basename(p))[0]: load_log_sections(p) for p in glob.glob(os.path.join(state, "logs", "*.log"))}
    rec: Dict[str, Dict[str, Any]] = {}
    if rec_dir:
        for p in sorted(glob.glob(os.path.join(rec_dir, "*.json"))):
            rec[os.path.splitext(os.path.basename(p))[0]] = json.loads(_read(p))
    renv = env_file(os.path.join(rec_dir, "env.txt")) if rec_dir else {}
    rc_txt = dict(line.split() for line in _read(os.path.join(rec_dir, "rc.txt")).splitlines() if line.strip()) if rec_dir and os.path.exists(os.path.join(rec_dir, "rc.txt")) else {}

    # which result file belongs to which (run, activity)
    owner: Dict[str, Tuple[str, str]] = {}
    for r in runs:
        for a in r["activities"]:
            doc = results.get(a["id"])
            if doc and "started" in a and "finished" in a and result_belongs_to(doc, a["started"]["at"], a["finished"]["at"]):
                owner[a["id"]] = (r["runId"], a["id"])

    run_gpu = results.get("gpu-check")
    run_gpu0 = (run_gpu or {}).get("measurements", {}).get("gpus", [{}])[0] if run_gpu else {}
    run_env = (run_gpu or {}).get("env", {})
    rec_gpu = rec.get("gpu_check")
    rec_gpu0 = rec_gpu["measurements"]["gpus"][0] if rec_gpu else {}

    L: List[str] = []
    add = L.append
    ngpu = len((run_gpu or {}).get("measurements", {}).get("gpus", [])) or 1
    hosts = "ONE H200" if ngpu == 1 else f"{ngpu} H200s"
    add(f"# GPU validation on a real H200 ({'one GPU' if ngpu == 1 else f'{ngpu} GPUs'}): report of the critpath run")
    add("")
    add(f"<!-- generated by validation/report.py; regenerate with: {argv_display} -->")
    add("")
    add(f"**These are NVIDIA H200 figures, measured on a host with {hosts}. They are not RTX 5090 figures**, and")
    add("no distributed figure below comes from more than one rank: DDP ran at world size 1.")
    add("")

    # ---------------------------------------------------------------- commands
    add("## Commands")
    add("")
    add("One command repeats the validation on any GPU host (the 4-GPU layout: gpu-check on every GPU, then")
    add("DDP and inference on separate GPU pairs at the same time, then a short burn):")
    add("")
    add("    critpath run tasks/validation.yaml")
    add("")
    add("On a host with one GPU, where the pairs cannot exist:")
    add("")
    add("    critpath run tasks/validation-1gpu.yaml")
    add("")
    add(f"What was run in this session, from the repository root on the borrowed {ngpu}x H200 host (critpath as the")
    add("single-file bundle from `node scripts/bundle.mjs`, run as `node <bundle> …`, node 20.20.2 from the npm")
    add("tarball; that detail comes from the operator, not from the recorded files):")
    add("")
    cmds = []
    for r in runs:
        name = os.path.splitext(r["journal"])[0]
        tail = " --json" if r["runId"] in events else ""
        cmds.append((f"critpath run tasks/{name}.yaml{tail}", f"# run {r['runId']}"))
    cmds.append(("critpath status", "# after each run (transcripts below)"))
    w = max(len(c) for c, _ in cmds)
    for c, note in cmds:
        add(f"    {c.ljust(w)}  {note}")
    add("")
    if rec_dir:
        add("The fixture recording (a different 1x H200 host, see the GPU UUIDs below), now committed as")
        add("`validation/tests/fixtures/h200x1/`:")
        add("")
        add("    validation/record_fixtures.sh /tmp/rec --stress-minutes 1")
        add("")
        if rc_txt:
            bad = {k: v for k, v in rc_txt.items() if v != "0"}
            add(f"Every step's exit status in `rc.txt`: {'all 0' if not bad else bad} ({len(rc_txt)} steps: {', '.join(rc_txt)}).")
            add("")

    # ---------------------------------------------------------------- machines
    add("## Machines")
    add("")
    rows = []
    if run_gpu:
        rows.append(["critpath run host", run_gpu0.get("name"), run_gpu0.get("uuid"), run_gpu0.get("pci_bus_id"), run_gpu0.get("compute_cap"), f"{run_gpu0.get('memory_mib')} MiB", run_env.get("driver"), run_env.get("driver_cuda"), f"{run_env.get('torch')} (CUDA {run_env.get('torch_cuda')})", run_env.get("nccl"), run_env.get("python"), run_env.get("platform")])
    if rec_gpu:
        e = rec_gpu["env"]
        rows.append(["fixture recording host", rec_gpu0.get("name"), rec_gpu0.get("uuid"), rec_gpu0.get("pci_bus_id"), rec_gpu0.get("compute_cap"), f"{rec_gpu0.get('memory_mib')} MiB", e.get("driver"), e.get("driver_cuda"), f"{e.get('torch')} (CUDA {e.get('torch_cuda')})", e.get("nccl"), e.get("python"), e.get("platform")])
    L.extend(table(["", "GPU", "UUID", "PCI", "CC", "memory", "driver", "driver CUDA", "torch", "NCCL", "Python", "platform"], rows))
    add("")
    for label, d in (("critpath run host", run_gpu), ("fixture recording host", rec_gpu)):
        if not d:
            continue
        c, g = checks(d), d["measurements"]["gpus"][0]
        add(f"- {label}: {c['gpu.count']['detail']}; topology \"{c.get('topology', {}).get('detail')}\"; PCIe max Gen{g['pcie_gen_max']} x{g['pcie_width_max']}, current Gen{g['pcie_gen_current']} x{g['pcie_width_current']}; ECC {g['ecc_mode']}, {g['ecc_uncorrected_volatile']} uncorrected; persistence {g['persistence_mode']}; Xids since boot: {len(g.get('xids', [])) if g.get('xids') is not None else 'not checked'}; power limit {g['power_limit_w']:g} W.")
    add("")
    add("Sources: each host's gpu_check JSON (`env`, `measurements.gpus`, `checks`)" + (f"; the recording's date {renv.get('date')} and kernel {renv.get('kernel')} from its env.txt." if renv.get("date") else "."))
    add("")

    # ---------------------------------------------------------------- journal
    add("## What critpath ran (from the journals)")
    add("")
    add("Times are UTC from `.critpath/*.journal` (`started`/`finished` records, milliseconds). GPUs are the")
    add("indices critpath gave each activity; it exports them as `CUDA_VISIBLE_DEVICES` (and")
    add("`CRITPATH_GPU_UUIDS`). GPU UUIDs come from the `activity-start` events of `critpath run --json`")
    add("(the journal does not carry them). The last two columns cross-check with `env.CUDA_VISIBLE_DEVICES`")
    add("inside each script's JSON in `.critpath/results/`.")
    add("")
    for r in runs:
        s, e = r["start"] or {}, r["end"] or {}
        add(f"### Run {r['runId']} (`{r['journal']}`)")
        add("")
        add(f"Started {iso_ms(s['at']) if s else '?'}, ended {iso_ms(e['at']) if e else '?'}, outcome **{e.get('outcome', '?')}**; host GPUs {s.get('gpus')}, simulated GPUs: {str(s.get('simulatedGpus')).lower()}, --jobs {s.get('jobs')}, backend {s.get('backend')}.")
        add("")
        trs = []
        for a in r["activities"]:
            st, fi = a.get("started", {}), a.get("finished", {})
            ev = events.get(r["runId"], {}).get((a["id"], a["attempt"]), {})
            gpus = st.get("gpus", [])
            cvd = ",".join(str(g) for g in gpus) if gpus else "(unset)"
            doc = results.get(a["id"])
            if doc is None:
                seen = "no result file"
            elif owner.get(a["id"]) == (r["runId"], a["id"]):
                seen = repr(doc["env"].get("CUDA_VISIBLE_DEVICES"))
                seen += " ✓" if doc["env"].get("CUDA_VISIBLE_DEVICES") == cvd else " ✗ MISMATCH"
            elif any(a["id"] == b["id"] for r2 in runs for b in r2["activities"] if (r2["start"] or {}).get("at", 0) > (r["start"] or {}).get("at", 0)):
                seen = "result file overwritten by a later run (same path)"
            else:
                seen = "result file not written during this attempt (timestamp outside it)"
            trs.append([a["id"], a["attempt"], hms(st["at"]) if st else "", hms(fi["at"]) if fi else "", f"{fi['durationMs'] / 1000:.3f} s" if fi else "", (f"{fi.get('exitCode', '-')} ({a['ended']})" if a.get("ended") not in (None, "finished") else fi.get("exitCode", "-")), gpus, ", ".join(ev.get("gpuUuids", [])) or "(not in events)", cvd, seen])
        L.extend(table(["activity", "try", "start", "end", "duration", "exit", "GPUs", "GPU UUIDs", "CUDA_VISIBLE_DEVICES given", "seen in result JSON"], trs))
        add("")
    # UUID cross-check: critpath's UUID for each GPU index k against gpu_check's `gpu{k}.torch_map`
    uu = []
    for r in runs:
        for a in r["activities"]:
            ev = events.get(r["runId"], {}).get((a["id"], a["attempt"]))
            sec = logs.get(a["id"], {}).get((r["runId"], a["attempt"]))
            if ev and sec:
                for k, u in enumerate(ev.get("gpuUuids", [])):
                    if f"gpu{k}.torch_map" in sec["checks"]:
                        uu.append((r["runId"], a["id"], k, u, sec["checks"][f"gpu{k}.torch_map"][1]))
    if uu:
        add("GPU identity cross-check: critpath's UUID for each GPU it gave the task against what torch reported")
        add("for the same index inside the task (gpu_check's `gpuN.torch_map`, from the task log):")
        add("")
        for rid, aid, k, u, detail in uu:
            m = re.search(rf"torch cuda:{k} uuid (\S+)", detail)
            ok = bool(m) and m.group(1) == u
            add(f"- run {rid}, {aid}, GPU {k}: critpath {u}; task log: \"{detail}\" → {'same GPU ✓' if ok else 'MISMATCH ✗'}")
        for r in runs:
            if r["runId"] in events:
                continue
            for a in r["activities"]:
                sec = logs.get(a["id"], {}).get((r["runId"], a["attempt"]))
                if sec and "gpu0.torch_map" in sec["checks"]:
                    add(f"- run {r['runId']}, {a['id']}: run without `--json`, so no critpath UUID; task log: \"{sec['checks']['gpu0.torch_map'][1]}\"")
        add("")
    gpu_check_runs = [r["runId"] for r in runs if any(a["id"] == "gpu-check" for a in r["activities"])]
    if run_gpu and "gpu-check" in owner and len(gpu_check_runs) > 1:
        rid = owner["gpu-check"][0]
        add(f"Note: `.critpath/results/gpu-check.json` is the one written by run {rid} (all {len(gpu_check_runs)} runs write the same")
        add("path). The figures of the other gpu-check runs below come from their task log (`.critpath/logs/gpu-check.log`).")
        add("")

    for name in transcripts(run_dir, gated=False):
        add(f"critpath's own summary, `{os.path.basename(name)}`:")
        add("")
        L.extend(fence(_read(name)))
        add("")

    # ---------------------------------------------------------------- figures
    add("## Key figures (H200)")
    add("")
    add("### gpu_check (1a.13)")
    add("")
    frows = []
    for r in runs:
        for a in r["activities"]:
            if a["id"] != "gpu-check":
                continue
            sec = logs.get("gpu-check", {}).get((r["runId"], a["attempt"]))
            src_doc = results.get("gpu-check") if owner.get("gpu-check") == (r["runId"], "gpu-check") else None
            def val(cid: str, sec=sec, src_doc=src_doc) -> str:  # noqa: E306
                if src_doc is not None:
                    c = checks(src_doc).get(cid)
                    return f"{c['value']} ({c['status']})" if c else "-"
                if sec and cid in sec["checks"]:
                    stt, _, v = sec["checks"][cid]
                    return f"{v.split()[0] if v else '?'} ({stt})"
                return "-"
            frows.append([f"critpath run {r['runId']}", "results JSON" if src_doc else "task log", val("gpu0.matmul_bf16"), val("gpu0.d2d_bw"), val("gpu0.h2d_bw"), val("gpu0.d2h_bw"), val("gpu0.compute_cap"), val("gpu0.model")])
    if rec_gpu:
        c = checks(rec_gpu)
        v = lambda cid: f"{c[cid]['value']} ({c[cid]['status']})" if cid in c else "-"  # noqa: E731
        frows.append(["fixture recording", "gpu_check.json", v("gpu0.matmul_bf16"), v("gpu0.d2d_bw"), v("gpu0.h2d_bw"), v("gpu0.d2h_bw"), v("gpu0.compute_cap"), v("gpu0.model")])
    L.extend(table(["where", "source", "bf16 TFLOP/s", "d2d GB/s", "h2d GB/s", "d2h GB/s", "compute cap", "model"], frows))
    add("")
    ref = rec_gpu or run_gpu
    if ref:
        c = checks(ref)
        add(f"Thresholds (validation/thresholds.py, model entry `H200`, spec-derived) and the {'recording' if rec_gpu else 'critpath run'}'s share of spec (GPU 0):")
        add("")
        for cid, what in (("gpu0.matmul_bf16", "bf16 dense matmul 8192³"), ("gpu0.d2d_bw", "device-to-device copy"), ("gpu0.h2d_bw", "pinned host→device"), ("gpu0.d2h_bw", "pinned device→host")):
            if cid in c:
                add(f"- {what}: {c[cid]['value']} {c[cid].get('unit', '')} = {pct_of_spec(c[cid])} of spec; {fmt_thr(c[cid])} → {c[cid]['status']}")
        add("")
    p2p_docs = [(label, d) for label, d in (("critpath run", run_gpu), ("fixture recording", rec_gpu)) if d]
    for label, d in p2p_docs:
        c = checks(d)
        pairs = sorted(cid for cid in c if re.fullmatch(r"p2p\.\d+-\d+", cid))
        topo = c.get("topology", {}).get("detail", "?")
        if "p2p.access" in c or pairs:
            add(f"P2P between the GPUs ({label}, `topology`: \"{topo}\"): " + "; ".join(
                [f"`p2p.access` {c['p2p.access']['status']}: {c['p2p.access']['detail']}"] if "p2p.access" in c else []) + "".join(
                f"; `{cid}` {c[cid]['status']}: {c[cid]['detail']}" for cid in pairs) + ".")
        else:
            add(f"P2P checks did not run ({label}): {len(d['measurements']['gpus'])} GPU(s), so no pair (`topology`: \"{topo}\").")
        add("")

    worlds = sorted({d["measurements"].get("world_size") for _, d in sources(results, "ddp-check", "", rec, {k: k for k in ("ddp_check_torchrun", "ddp_check_spawn")})})
    add(f"### ddp_check (1a.14): world size {', '.join(str(w) for w in worlds)}")
    add("")
    drows = []
    run_label = f"critpath run ({'owned by ' + owner['ddp-check'][0] if 'ddp-check' in owner else 'unmatched'})"
    dsrc = sources(results, "ddp-check", run_label, rec, {k: f"recording, {k.split('_')[-1]}" for k in ("ddp_check_torchrun", "ddp_check_spawn")})
    for label, d in dsrc:
        m, c = d["measurements"], checks(d)
        top = m["allreduce"][-1] if m.get("allreduce") else {}
        dd = m.get("ddp", {})
        drows.append([label, m.get("world_size"), m.get("backend"), d["env"].get("nccl"), m.get("launcher", {}).get("mode"), f"{top.get('algbw_GBps')} / {top.get('busbw_GBps')} at {top.get('size')}", dd.get("max_rank_diff"), dd.get("max_ref_diff"), c.get("ddp.ranks_identical", {}).get("status"), c.get("ddp.matches_single_process", {}).get("status"), d["status"], m.get("launcher", {}).get("wall_s"), d.get("duration_s")])
    L.extend(table(["where", "world", "backend", "NCCL", "launcher", "all-reduce algbw / busbw GB/s", "max param diff across ranks", "max diff vs single process", "ranks identical", "matches single process", "status", "launcher wall s", "JSON duration_s"], drows))
    add("")
    add("With one rank, NCCL's all-reduce moves no data: busbw = algbw·2(n−1)/n is 0 by definition, and the")
    add("\"algbw\" (1 GiB in ~25–30 µs) is not a bandwidth. The parameter-equality results (0 difference across")
    add("ranks and against a single-process run) are real but trivially true with one rank; the `env` check")
    measured_p2p = any(re.fullmatch(r"p2p\.\d+-\d+", cid) for _, d in p2p_docs for cid in checks(d))
    if measured_p2p:
        add("WARNs \"world size 1 checks nothing distributed\". **No NCCL bandwidth between GPUs was measured in this session;**")
        add("the only GPU-to-GPU figure is gpu_check's peer copy above (a CUDA memcpy, not NCCL).")
    else:
        add("WARNs \"world size 1 checks nothing distributed\". **No NVLink/NCCL bandwidth was measured in this session.**")
    add("")
    short = [label for label, d in dsrc if d.get("duration_s") is not None and m_wall(d) and d["duration_s"] < 0.5 * m_wall(d)]
    if short:
        which = "all of these JSON files" if len(short) == len(dsrc) else "the JSON of " + "; ".join(short)
        add(f"`duration_s` in {which} is ~0 although the launcher ran for seconds (`launcher wall s`), and")
        add("`timestamp` is the end rather than the start: the launcher rebuilt the workers' report with a fresh clock.")
        add("Fixed in validation/checklib.py + ddp_check.py (the relayed report now keeps the launcher's start).")
        add("")

    add("### inference_check (1a.15): FALLBACK, not vLLM")
    add("")
    irows = []
    isrc = sources(results, "inference-check", "critpath run", rec, {"inference_check": "recording"})
    for label, d in isrc:
        m, c = d["measurements"], checks(d)
        for dev in m.get("devices", []):
            irows.append([label, m.get("engine"), m.get("is_vllm"), m.get("fallback"), dev["name"], f"{m.get('batch')}x{m.get('max_tokens')}", dev["tokens_per_s"], dev["deterministic"], c.get("engine", {}).get("status")])
    L.extend(table(["where", "engine", "is_vllm", "fallback", "GPU", "batch x tokens", "tokens/s (fallback)", "deterministic", "engine check"], irows))
    add("")
    two_hosts = bool(run_gpu and rec_gpu)
    if isrc and all(d["measurements"].get("fallback") and not d["measurements"].get("is_vllm") for _, d in isrc):
        add(f"vLLM was not installed on {'either host' if two_hosts else 'the host'}, so inference_check ran its labelled fallback: a tiny")
        add("random-weight decoder built in code (no checkpoint). Its tokens/s is a smoke figure dominated by launch")
        add("overhead, not an LLM serving number" + (", and it differs between the two hosts." if two_hosts else "."))
        det = [dev["deterministic"] for _, d in isrc for dev in d["measurements"].get("devices", [])]
        add(("Greedy output was identical across two runs (the determinism check). " if det and all(det) else "")
            + "**No vLLM figure exists from this session.**")
    add("")

    add("### stress (burn sample)")
    add("")
    srows = []
    ssrc = sources(results, "stress-sample", "critpath run", rec, {"stress": "recording"})
    # The recorded samples, re-judged with the current throttle rule (stress.throttle_verdict).
    csvs = {"critpath run": sorted(glob.glob(os.path.join(state, "results", "stress-sample.csv")) + glob.glob(os.path.join(state, "results", "*", "stress-sample.csv"))),
            "recording": [os.path.join(rec_dir, "stress_log.csv")] if rec_dir and os.path.exists(os.path.join(rec_dir, "stress_log.csv")) else []}
    rejudged: Dict[Tuple[str, int], Dict[str, Any]] = {}
    for label, paths in csvs.items():
        if paths:
            samples = stress.load_samples_csv(paths[0])
            for k in sorted({x["torch_index"] for x in samples}):
                rejudged[(label, k)] = stress.throttle_verdict([x for x in samples if x["torch_index"] == k])
    order = {"FAIL": 3, "WARN": 2, "PASS": 1, "INFO": 0}
    for label, d in ssrc:
        m, c = d["measurements"], checks(d)
        for g in m.get("gpus", []):
            k = g["torch_index"]
            mine = [x for x in d.get("checks", []) if x["id"].startswith(f"stress{k}.")]
            worst = max((x["status"] for x in mine), key=lambda st_: order.get(st_, 0), default="-")
            rj = rejudged.get((label, k))
            srows.append([label, m.get("minutes"), m.get("wall_s"), k, g["name"], f"{g['tflops']:.1f}", g["iterations"], f"{g['verifications']} / {g['mismatches']}", g["temp_max_c"], g["sm_clock_min_mhz"], g["sm_clock_mean_mhz"], g["power_max_w"], ", ".join(f"{kk} x{v}" for kk, v in sorted(g["throttle_counts"].items())) or "none", c.get(f"stress{k}.xid", {}).get("detail"), f"{worst} (throttle {c.get(f'stress{k}.throttle', {}).get('status', '-')})", rj["status"] if rj else "no sample CSV"])
    L.extend(table(["where", "minutes", "wall s", "GPU", "name", "bf16 TFLOP/s avg", "matmuls", "verifications / mismatches", "max °C", "SM MHz min", "SM MHz mean (incl. first sample)", "max W", "clock-event reasons (samples)", "Xid", "recorded verdict (GPU)", "throttle, current rule"], srows))
    add("")
    for label, d in ssrc:
        fails = d.get("failures") or [x["id"] for x in d.get("checks", []) if x["status"] == "FAIL"]
        add(f"{label}: recorded status **{d['status']}**" + (f" ({', '.join(fails)})" if fails else "") + ", judged by the stress.py of that run.")
        keys = sorted(k for (lab, k) in rejudged if lab == label)
        if keys:
            add(f"Re-judged from its recorded samples (`{os.path.relpath(csvs[label][0], run_dir) if label == 'critpath run' else 'stress_log.csv'}`) with the current rule (hardware")
            add("slowdown FAIL, software thermal slowdown WARN, judged on the change of the clock-event reason counters):")
            for k in keys:
                add(f"- GPU {k}: {rejudged[(label, k)]['status']}: {rejudged[(label, k)]['detail']}")
            if all(rejudged[(label, k)]["deltas"] is None for k in keys):
                add("These samples carry no clock-event counters (recorded before stress.py logged them), so slowdowns shorter")
                add(f"than the {d['measurements'].get('interval', stress_interval(d))} sampling interval are not ruled out.")
        add("")
    st = stress_csv_stats(os.path.join(rec_dir, "stress_log.csv")) if rec_dir else None
    if st:
        f0 = st["first"]
        add(f"From the recording's `stress_log.csv` ({st['samples']} samples, {st['loaded']} taken under load): SM clock under load")
        add(f"{st['clock_min_loaded']:.0f} MHz min, {st['clock_mean_loaded']:.1f} MHz mean (max SM clock {st['clock_max_sm']:.0f} MHz);")
        add(f"{st['temp_mean_loaded']:.1f} °C mean and {st['temp_max']:.0f} °C max; power up to {st['power_max']:.2f} W of a {st['power_limit']:.0f} W limit; " + ("utilisation 100 % in every sample under load;" if st['util_min_loaded'] >= 100 else f"utilisation {st['util_min_loaded']:.0f} % at least under load;"))
        if st["reasons"] == ["sw_power_cap"]:
            add(f"reasons seen: {', '.join(st['reasons'])}. The only clock-event reason is `sw_power_cap` (the GPU sits at its")
            add(f"{st['power_limit']:.0f} W cap; no HW slowdown, thermal slowdown or power brake). The first sample is taken as the burn")
        else:
            add(f"reasons seen: {', '.join(st['reasons']) or 'none'}. The first sample is taken as the burn")
        add(f"starts ({f0['temperature_c']} °C, {f0['sm_clock_mhz']} MHz, {f0['util_pct']} % util, 0 iterations); the stress.py that produced these")
        add("JSON files counted it in the SM-clock mean and temperature mean (hence their higher clock mean).")
        add("Fixed in validation/stress.py: means and clock figures now use samples under load; maxima and")
        add("throttle verdicts still use every sample.")
        add("")
    for label, d in ssrc:
        p = d["measurements"].get("log_csv", "")
        if label == "critpath run" and p and "/.critpath/" not in p:
            add(f"The critpath run's sample CSV went to `{p}` (stress.py's default: the working directory, i.e. the")
            add("repository root), not into `.critpath/`, and was not copied back; its per-sample figures are only in")
            add("the JSON above. Passing `--log-csv .critpath/results/stress-sample.csv` in the task files would keep it.")
            add("")

    # ---------------------------------------------------------------- 4-GPU layout
    blocked_runs = [r for r in runs if (r["end"] or {}).get("outcome") == "blocked"]
    gated = transcripts(run_dir, gated=True)
    if blocked_runs or gated:
        add("## The 4-GPU layout on a 1-GPU host: hardware gating")
        add("")
    for r in blocked_runs:
        ran = [a["id"] for a in r["activities"]]
        add(f"`critpath run tasks/{os.path.splitext(r['journal'])[0]}.yaml` (run {r['runId']}) ran only {', '.join(ran) or 'nothing'} and ended")
        add("**blocked**: the journal has no `started` record for the blocked activities, so nothing was launched")
        add("on a GPU it could not have. critpath's own transcript and status:")
        add("")
    for name in gated:
        add(f"`{os.path.basename(name)}`:")
        add("")
        L.extend(fence(_read(name)))
        add("")

    # ---------------------------------------------------------------- overlap
    # Did DDP and inference run at the same time on disjoint real GPUs in any run?
    proven = False
    sections = []
    for r in runs:
        acts = [a for a in r["activities"] if "started" in a and "finished" in a]
        if len(acts) < 2:
            continue
        pairs = []
        for i, a in enumerate(acts):
            for b in acts[i + 1 :]:
                ov = min(a["finished"]["at"], b["finished"]["at"]) - max(a["started"]["at"], b["started"]["at"])
                pairs.append((a, b, ov))
        S = []
        S.append(f"Run {r['runId']}: intervals (UTC) and pairwise overlap:")
        S.append("")
        S.extend(table(["activity", "GPUs", "start", "end"], [[a["id"], a["started"].get("gpus"), iso_ms(a["started"]["at"]), iso_ms(a["finished"]["at"])] for a in acts]))
        S.append("")
        for a, b, ov in pairs:
            if ov > 0:
                S.append(f"- {a['id']} and {b['id']} overlapped by {ov} ms")
        if max(ov for _, _, ov in pairs) <= 0:
            S.append("No two activities overlapped in time (every gap ≥ 0 ms).")
        ddp = next((a for a in acts if a["id"] == "ddp-check"), None)
        inf = next((a for a in acts if a["id"] == "inference-check"), None)
        if ddp and inf:
            g1, g2 = ddp["started"].get("gpus") or [], inf["started"].get("gpus") or []
            ov = min(ddp["finished"]["at"], inf["finished"]["at"]) - max(ddp["started"]["at"], inf["started"]["at"])
            S.append("")
            if ov > 0 and not set(g1) & set(g2):
                proven = True
                S.append(f"**ddp-check (GPUs {g1}) and inference-check (GPUs {g2}) ran at the same time on disjoint real GPUs,**")
                S.append(f"overlapping for {ov} ms: ddp-check {hms(ddp['started']['at'])}–{hms(ddp['finished']['at'])}, inference-check {hms(inf['started']['at'])}–{hms(inf['finished']['at'])}.")
            else:
                gap = inf["started"]["at"] - ddp["finished"]["at"]
                same = g1 == g2
                given = f"the same GPU set {g1}" if same else f"GPUs {g1} and {g2}"
                S.append(f"**ddp-check and inference-check did NOT run concurrently on separate GPU sets here.** Both were")
                S.append(f"given {given} and ran one after the other: ddp-check {hms(ddp['started']['at'])}–{hms(ddp['finished']['at'])},")
                S.append(f"inference-check {hms(inf['started']['at'])}–{hms(inf['finished']['at'])} ({gap} ms after ddp-check finished).")
        S.append("")
        sections.extend(S)
    add("## Time overlap: DDP and inference on separate GPU sets" if proven else "## Time overlap: what this session does NOT prove")
    add("")
    L.extend(sections)
    if proven:
        add("The GPU sets came from critpath's allocator (the 4-GPU layout gives each a pair); the journal's `started`")
        add("records carry the sets and the scripts' JSON the `CUDA_VISIBLE_DEVICES` each saw.")
    else:
        add("The claim of the 4-GPU layout, \"DDP on GPUs 0,1 while inference runs on 2,3\", was therefore not")
        add("exercised on real hardware by this run. test/e2e/run-validation-layout.test.ts runs tasks/validation.yaml")
        add("on 4 simulated GPUs (`critpath run --gpus 4`) and checks that the two overlap on pairs 0,1 and 2,3;")
        add("plans/validation-h200x2.md is a run on two real GPUs where they did overlap, one GPU each.")
    add("")

    # ---------------------------------------------------------------- status json note
    sj = os.path.join(run_dir, "status-1gpu.json")
    if os.path.exists(sj):
        sd = json.loads(_read(sj))
        empty = [a["id"] for a in sd.get("activities", []) if a.get("status") == "done" and not a.get("gpus")]
        if empty:
            add("## Other observations")
            add("")
            add(f"- `critpath status --json` lists `\"gpus\": []` for the done activities ({', '.join(empty)}): status only")
            add("  reports GPUs for running work. The GPUs each activity was given are in the journal (used above).")
            add("- The journal's `started` records carry GPU indices but no UUIDs; only `critpath run --json` events")
            add("  have `gpuUuids`. Without `--json` (the 4-GPU-layout run) the UUIDs are known only from the task logs.")
            add("")
    return "\n".join(L).rstrip("\n") + "\n"


def transcripts(run_dir: str, gated: bool) -> List[str]:
    """run-*.txt / status-*.txt; gated=True: those of runs that ended blocked (their text says so)."""
    names = sorted(glob.glob(os.path.join(run_dir, "run-*.txt"))) + sorted(glob.glob(os.path.join(run_dir, "status-*.txt")))
    return [n for n in names if ("blocked" in _read(n)) == gated]


def stress_interval(d: Dict[str, Any]) -> str:
    """The sampling interval from the stress JSON's monitor check ("N nvidia-smi samples every 10s")."""
    c = checks(d).get("stress.monitor", {})
    m = re.search(r"every (\S+)", c.get("detail", ""))
    return m.group(1) if m else "sampling"


def m_wall(d: Dict[str, Any]) -> Optional[float]:
    return (d.get("measurements", {}).get("launcher") or {}).get("wall_s")


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--run", required=True, help="folder with critpath-state/ (a copy of .critpath/), *.ndjson, run-*.txt, status-*.txt")
    p.add_argument("--recording", default=None, help="record_fixtures.sh output folder")
    p.add_argument("-o", "--out", default=None, help="write here instead of stdout")
    a = p.parse_args(argv)
    shown = ["python3", "validation/report.py", "--run", a.run] + (["--recording", a.recording] if a.recording else []) + (["-o", a.out] if a.out else [])
    text = render(a.run, a.recording, " ".join(shown))
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
