#!/usr/bin/env python3
"""stress.py — sustained GPU burn (sample run: --minutes 10; the 24 h burn: --minutes 1440).

One thread per visible GPU runs back-to-back NxN matmuls (bf16 by default) and periodically re-checks the
result against the one computed at start (a silent-corruption check, like gpu-burn).  Every --interval
seconds nvidia-smi is sampled (temperature, SM clock, power, utilisation, throttle/clock-event reasons)
and appended to a CSV log.  Kernel-log Xids are compared before/after.

Verdict per GPU: [stressN.compute] FAIL on a worker error or result mismatch; [stressN.xid] FAIL on new
Xids; [stressN.throttle] is judged on the change of the driver's clock-event reason counters over the
run (cumulative microseconds; they also see slowdowns shorter than the sampling interval): FAIL if
HW thermal slowdown or HW power brake grew, or a sample showed HW slowdown; WARN for SW thermal
slowdown (GeForce cards assert it at their target temperature) and when the driver has no counters
(then only the sampled flags are seen); SW power cap is INFO (expected at full load).
[stressN.temperature] FAIL above --max-temp, WARN within 5 C.
Exit: 0 pass, 1 FAIL, 2 cannot run (no GPU / nvidia-smi).  --device cpu is a smoke mode for CI only.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import threading
import time
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checklib as cl  # noqa: E402
import smi  # noqa: E402

cl.ensure_pci_bus_order()

COUNTER_COLUMNS = {k: f"ctr_{k}_us" for k in smi.THROTTLE_COUNTERS}
CSV_COLUMNS = ["time_s", "torch_index", "physical_index", "temperature_c", "sm_clock_mhz", "sm_clock_max_mhz", "power_w", "power_limit_w", "util_pct", "mem_used_mib", "throttle_mask", "throttle_reasons", "iterations", *COUNTER_COLUMNS.values()]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=5.0, help="burn duration in minutes (1440 for the 24 h burn)")
    p.add_argument("--size", type=int, default=8192, help="matmul N (default 8192)")
    p.add_argument("--dtype", choices=("bf16", "fp16", "fp32"), default="bf16")
    p.add_argument("--interval", type=float, default=10.0, help="nvidia-smi sampling interval in seconds")
    p.add_argument("--verify-every", type=int, default=200, help="re-check the matmul result every N iterations")
    p.add_argument("--max-temp", type=float, default=90.0, help="FAIL if any GPU exceeds this temperature (C)")
    p.add_argument("--log-csv", default=None, help="CSV sample log (default ./stress-<UTC timestamp>.csv)")
    p.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto", help="cpu = CI smoke mode only")
    p.add_argument("--json", action="store_true")
    return p.parse_args(argv)


def sample_row(t: float, torch_index: int, r: Dict[str, Optional[str]], iterations: int) -> Dict[str, Any]:
    mask = r.get("clocks_event_reasons.active") or r.get("clocks_throttle_reasons.active")
    reasons = smi.decode_throttle_reasons(mask)
    return {
        "time_s": round(t, 1),
        "torch_index": torch_index,
        "physical_index": smi.to_int(r.get("index")),
        "temperature_c": smi.to_float(r.get("temperature.gpu")),
        "sm_clock_mhz": smi.to_float(r.get("clocks.sm")),
        "sm_clock_max_mhz": smi.to_float(r.get("clocks.max.sm")),
        "power_w": smi.to_float(r.get("power.draw")),
        "power_limit_w": smi.to_float(r.get("power.limit")),
        "util_pct": smi.to_float(r.get("utilization.gpu")),
        "mem_used_mib": smi.to_float(r.get("memory.used")),
        "throttle_mask": mask,
        "throttle_reasons": "|".join(reasons) if reasons else ("" if reasons is not None else None),
        "iterations": iterations,
        **{col: smi.to_float(r.get(smi.THROTTLE_COUNTERS[k])) for k, col in COUNTER_COLUMNS.items()},
    }


def load_samples_csv(path: str) -> List[Dict[str, Any]]:
    """Samples from a stress CSV log (this version's columns or the older ones without counters)."""
    text_cols = {"throttle_mask", "throttle_reasons"}
    out: List[Dict[str, Any]] = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            s: Dict[str, Any] = {}
            for k in CSV_COLUMNS:
                v = row.get(k)
                if k in text_cols:
                    s[k] = v if v is not None else None
                elif k in ("torch_index", "physical_index", "iterations"):
                    s[k] = int(float(v)) if v not in (None, "") else None
                else:
                    s[k] = float(v) if v not in (None, "") else None
            out.append(s)
    return out


def counter_deltas(mine: List[Dict[str, Any]]) -> Optional[Dict[str, float]]:
    """Growth (seconds) of each clock-event reason counter between the first and last sample that have it.

    None when the driver reported no counters (older than R535) or only one sample has them."""
    out: Dict[str, float] = {}
    for k, col in COUNTER_COLUMNS.items():
        vals = [s[col] for s in mine if s.get(col) is not None]
        if len(vals) >= 2:
            out[k] = max(0.0, (vals[-1] - vals[0]) / 1e6)
    return out or None


def throttle_verdict(mine: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Throttle verdict for one GPU's samples (pure; unit-tested on recorded samples)."""
    counts: Dict[str, int] = {}
    for s in mine:
        for reason in (s.get("throttle_reasons") or "").split("|"):
            if reason:
                counts[reason] = counts.get(reason, 0) + 1
    deltas = counter_deltas(mine)
    span = (mine[-1]["time_s"] - mine[0]["time_s"]) if len(mine) >= 2 else 0.0
    pct = (lambda sec: f" ({100.0 * sec / span:.1f} % of {span:.0f} s)" if span > 0 else "")
    sampled_bad = {k: v for k, v in counts.items() if k in smi.BAD_THROTTLE}
    sampled_warn = {k: v for k, v in counts.items() if k in smi.WARN_THROTTLE}
    hw = {k: v for k, v in (deltas or {}).items() if k in smi.BAD_THROTTLE and v > 0}
    sw = {k: v for k, v in (deltas or {}).items() if k in smi.WARN_THROTTLE and v > 0}
    cap = (deltas or {}).get("sw_power_cap")
    notes = []
    if deltas is not None:
        notes.append("counters over the run: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(deltas.items())))
    other = ", ".join(f"{k} x{v}" for k, v in sorted(counts.items())) or "none"
    notes.append(f"sampled reasons in {len(mine)} samples: {other}")
    if hw or sampled_bad:
        what = [f"{k} {v:.1f} s{pct(v)}" for k, v in sorted(hw.items())] + [f"{k} in {v} samples" for k, v in sorted(sampled_bad.items())]
        status, head = cl.FAIL, "hardware slowdown: " + ", ".join(what)
    elif sw or sampled_warn:
        what = [f"{k} {v:.1f} s{pct(v)}" for k, v in sorted(sw.items())] + ([f"sw_thermal_slowdown in {sampled_warn['sw_thermal_slowdown']} samples"] if sampled_warn and not sw else [])
        status, head = cl.WARN, "software thermal slowdown (expected near the target temperature, e.g. on GeForce cards; check airflow if it is frequent): " + ", ".join(what)
    elif deltas is None:
        status, head = cl.WARN, "no clock-event counters in the samples (driver older than R535, or a log of an older stress.py): only the sampled flags were judged, so slowdowns between samples would be missed; none sampled"
    else:
        status, head = cl.PASS, "no hardware or thermal slowdown" + (f"; power capping {cap:.1f} s{pct(cap)} (expected at full load)" if cap else "")
    return {"status": status, "detail": head + "; " + "; ".join(notes), "counts": counts, "deltas": deltas}


def evaluate(report: cl.Report, samples: List[Dict[str, Any]], workers: List[Dict[str, Any]], new_xids: Optional[Dict[int, List[int]]], args: argparse.Namespace) -> None:
    """Verdicts from the collected samples / worker results (pure; unit-tested)."""
    per_gpu: List[Dict[str, Any]] = []
    report.add("stress.monitor", cl.INFO if samples else cl.WARN, f"{len(samples)} nvidia-smi samples every {args.interval:g}s" if samples else "no nvidia-smi samples (monitoring unavailable)", value=len(samples))
    for w in workers:
        t = w["torch_index"]
        g = f"stress{t}"
        mine = [s for s in samples if s["torch_index"] == t]
        if w.get("error"):
            report.add(f"{g}.compute", cl.FAIL, f"{w.get('name')}: worker error: {w['error']}")
        elif w.get("mismatches"):
            report.add(f"{g}.compute", cl.FAIL, f"{w.get('name')}: {w['mismatches']} result mismatches in {w['verifications']} verifications (max rel diff {w.get('max_rel_diff'):.2e})", value=w["mismatches"])
        else:
            report.add(f"{g}.compute", cl.PASS if w.get("iterations") else cl.FAIL, f"{w.get('name')}: {w.get('iterations')} matmuls, {w.get('tflops', 0):.1f} TFLOP/s avg, {w.get('verifications')} verifications OK", value=round(w.get("tflops") or 0, 2), unit="TFLOP/s")
        # The first sample is taken as the burn threads start (on a real H200: 37 C, 1980 MHz, 0 % util,
        # 0 iterations); means and clock figures describe the GPU under load, so they use the samples
        # taken after the first matmuls completed.  Maxima and throttle verdicts still use every sample.
        loaded = [s for s in mine if s.get("iterations")] or mine
        temps = [s["temperature_c"] for s in mine if s.get("temperature_c") is not None]
        temps_loaded = [s["temperature_c"] for s in loaded if s.get("temperature_c") is not None] or temps
        tmax = max(temps) if temps else None
        if tmax is None:
            report.add(f"{g}.temperature", cl.INFO, "no temperature samples")
        else:
            st = cl.FAIL if tmax > args.max_temp else (cl.WARN if tmax > args.max_temp - 5 else cl.PASS)
            report.add(f"{g}.temperature", st, f"max {tmax:.0f} C, mean under load {sum(temps_loaded) / len(temps_loaded):.1f} C (limit {args.max_temp:g} C)", value=tmax, unit="C", threshold=args.max_temp)
        if not mine:
            report.add(f"{g}.throttle", cl.INFO, "no samples")
            counts: Dict[str, int] = {}
            deltas = None
        else:
            v = throttle_verdict(mine)
            counts, deltas = v["counts"], v["deltas"]
            report.add(f"{g}.throttle", v["status"], v["detail"], value={"sampled": counts, "counter_s": deltas})
        if new_xids is None:
            report.add(f"{g}.xid", cl.INFO, "kernel log not readable; Xids not checked")
        else:
            x = new_xids.get(t, [])
            report.add(f"{g}.xid", cl.FAIL if x else cl.PASS, f"new Xid errors during the burn: {sorted(set(x))}" if x else "no new Xid errors", value=len(x))
        clocks = [s["sm_clock_mhz"] for s in loaded if s.get("sm_clock_mhz") is not None]
        per_gpu.append({**{k: w.get(k) for k in ("torch_index", "name", "iterations", "tflops", "verifications", "mismatches")},
                        "temp_max_c": tmax, "sm_clock_min_mhz": min(clocks) if clocks else None,
                        "sm_clock_mean_mhz": round(sum(clocks) / len(clocks), 1) if clocks else None,
                        "power_max_w": max((s["power_w"] for s in mine if s.get("power_w") is not None), default=None),
                        "samples": len(mine), "samples_under_load": sum(1 for s in mine if s.get("iterations")),
                        "throttle_counts": counts, "throttle_counter_s": deltas})  # fmt: skip
    report.measurements["gpus"] = per_gpu


def burn_worker(torch: Any, dev: Any, n: int, dtype: Any, stop: threading.Event, verify_every: int, out: Dict[str, Any]) -> None:
    try:
        g = torch.Generator(device=dev).manual_seed(7)
        a = torch.randn(n, n, device=dev, generator=g).to(dtype)
        b = torch.randn(n, n, device=dev, generator=g).to(dtype)
        ref = torch.matmul(a, b).float()
        scale = float(ref.abs().max()) or 1.0
        c = torch.empty(n, n, device=dev, dtype=dtype)
        out.update(iterations=0, verifications=0, mismatches=0, max_rel_diff=0.0)
        t0 = time.perf_counter()
        while not stop.is_set():
            for _ in range(verify_every):
                torch.matmul(a, b, out=c)
            if dev.type == "cuda":
                torch.cuda.synchronize(dev)
            out["iterations"] += verify_every
            diff = float((c.float() - ref).abs().max()) / scale
            out["verifications"] += 1
            out["max_rel_diff"] = max(out["max_rel_diff"], diff)
            if diff > 1e-3:
                out["mismatches"] += 1
            out["tflops"] = 2.0 * n**3 * out["iterations"] / (time.perf_counter() - t0) / 1e12
    except Exception as e:  # noqa: BLE001
        out["error"] = f"{type(e).__name__}: {str(e)[:300]}"


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    report = cl.Report("stress")
    torch = cl.import_torch_into(report)
    if torch is None:
        return report.emit(args.json)
    cuda = args.device != "cpu" and torch.cuda.is_available()
    if args.device != "cpu" and not cuda:
        report.cannot_run("no CUDA device visible to torch (--device cpu is a CI smoke mode only)")
        return report.emit(args.json)
    visible: List[Dict[str, Optional[str]]] = []
    smi_ok = True
    try:
        rows, _ = smi.query_gpus(smi.STRESS_FIELDS)
        visible = smi.map_visible(os.environ.get("CUDA_VISIBLE_DEVICES"), rows)
    except (smi.SmiError, ValueError) as e:
        smi_ok = False
        if cuda:
            report.cannot_run(f"nvidia-smi unusable: {e}")
            return report.emit(args.json)
    log_before, _ = smi.read_kernel_log()
    devs = [torch.device("cuda", i) for i in range(torch.cuda.device_count())] if cuda else [torch.device("cpu")]
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.dtype]
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = False
    stop = threading.Event()
    results = [{"torch_index": i, "name": torch.cuda.get_device_name(d) if cuda else "cpu"} for i, d in enumerate(devs)]
    threads = [threading.Thread(target=burn_worker, args=(torch, d, args.size, dtype, stop, args.verify_every, results[i]), daemon=True) for i, d in enumerate(devs)]
    path = args.log_csv or f"stress-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.csv"
    samples: List[Dict[str, Any]] = []
    t0 = time.time()
    end = t0 + args.minutes * 60.0
    with open(path, "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        wr.writeheader()
        for t in threads:
            t.start()
        while True:
            now = time.time()
            if smi_ok and cuda:
                try:
                    rows, _ = smi.query_gpus(smi.STRESS_FIELDS)
                    by_uuid = {r.get("uuid"): r for r in rows}
                    for ti, v in enumerate(visible):
                        r = by_uuid.get(v.get("uuid"))
                        if r is not None:
                            s = sample_row(now - t0, ti, r, results[ti].get("iterations", 0))
                            samples.append(s)
                            wr.writerow(s)
                    f.flush()
                except smi.SmiError as e:
                    report.add("stress.monitor_error", cl.WARN, str(e)[:200])
            if now >= end or all(not t.is_alive() for t in threads):
                break
            time.sleep(max(0.0, min(args.interval, end - time.time())))
        stop.set()
        for t in threads:
            t.join(timeout=120)
    log_after, _ = smi.read_kernel_log()
    new_xids: Optional[Dict[int, List[int]]] = None
    if log_before is not None and log_after is not None and cuda:
        before = smi.parse_xid_lines(log_before)
        after = smi.parse_xid_lines(log_after)
        new_xids = {}
        for ti, v in enumerate(visible):
            nb = smi.xids_for_bus(before, v.get("pci.bus_id"))
            na = smi.xids_for_bus(after, v.get("pci.bus_id"))
            new_xids[ti] = na[len(nb) :]
    report.measurements.update({"minutes": args.minutes, "size": args.size, "dtype": args.dtype, "log_csv": os.path.abspath(path), "wall_s": round(time.time() - t0, 1)})
    evaluate(report, samples, results, new_xids, args)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
