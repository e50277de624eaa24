#!/usr/bin/env python3
"""Multi-GPU burn-in for the 4x RTX 5090 workstation (task 1a.17, week-3 24 h burn).

Runs a PyTorch matmul load on every selected GPU for --duration seconds while
nvidia-smi logs temperature, power, clocks and clock-event (throttle) reasons.
Afterwards it checks:
  * every worker finished and its periodic result checks matched (silent data corruption),
  * no NVRM Xid message appeared in the kernel log during the run,
  * no hardware/thermal slowdown was active in any sample,
  * the hottest sample stayed below --max-temp.
Power capping (sw_power_cap) is expected under full load and only reported.

Output: one "PASS|FAIL <check>: <detail>" line per check, a JSON report in --log-dir,
exit 0 when all checks pass, 1 when any fails, 2 on environment errors.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

SMI_FIELDS = [
    "timestamp",
    "index",
    "temperature.gpu",
    "power.draw",
    "clocks.sm",
    "clocks.mem",
    "utilization.gpu",
    "clocks_event_reasons.sw_power_cap",
    "clocks_event_reasons.hw_slowdown",
    "clocks_event_reasons.hw_thermal_slowdown",
    "clocks_event_reasons.sw_thermal_slowdown",
    "clocks_event_reasons.hw_power_brake_slowdown",
]
FAIL_REASONS = [
    "clocks_event_reasons.hw_slowdown",
    "clocks_event_reasons.hw_thermal_slowdown",
    "clocks_event_reasons.sw_thermal_slowdown",
    "clocks_event_reasons.hw_power_brake_slowdown",
]
INFO_REASONS = ["clocks_event_reasons.sw_power_cap"]
XID_RE = re.compile(r"NVRM: Xid \(PCI:([0-9a-fA-F:.]+)\): (\d+)")


def _num(value: str) -> float | None:
    try:
        return float(value.strip().split()[0])
    except (ValueError, IndexError):
        return None


def parse_smi_log(text: str) -> dict:
    """Summarise an `nvidia-smi --format=csv,nounits` log per GPU index."""
    rows = [r for r in csv.reader(text.splitlines()) if r and not r[0].startswith("timestamp")]
    gpus: dict[str, dict] = {}
    for row in rows:
        if len(row) < len(SMI_FIELDS):
            continue
        rec = dict(zip(SMI_FIELDS, (c.strip() for c in row)))
        g = gpus.setdefault(rec["index"], {"samples": 0, "max_temp_c": None, "max_power_w": None,
                                           "min_sm_clock_mhz": None, "events": {}})
        g["samples"] += 1
        for key, field, pick in (("max_temp_c", "temperature.gpu", max), ("max_power_w", "power.draw", max),
                                 ("min_sm_clock_mhz", "clocks.sm", min)):
            v = _num(rec[field])
            if v is not None:
                g[key] = v if g[key] is None else pick(g[key], v)
        for reason in FAIL_REASONS + INFO_REASONS:
            if rec[reason].lower() == "active":
                name = reason.split(".", 1)[1]
                g["events"][name] = g["events"].get(name, 0) + 1
    return gpus


def parse_xids(kernel_log: str) -> list[dict]:
    return [{"pci": m.group(1), "xid": int(m.group(2))} for m in XID_RE.finditer(kernel_log)]


def evaluate(gpus: dict, xids: list[dict], workers: list[dict], max_temp: float, expected_gpus: int) -> list[tuple]:
    """Return [(status, check, detail)] for the collected evidence."""
    checks = []
    seen = len(gpus)
    checks.append(("PASS" if seen >= expected_gpus else "FAIL", "telemetry.gpus",
                   f"{seen} GPUs logged by nvidia-smi (expected {expected_gpus})"))
    bad = [w for w in workers if not w.get("ok")]
    checks.append(("FAIL" if bad or not workers else "PASS", "load.workers",
                   f"{len(workers) - len(bad)}/{len(workers)} workers finished with matching results"
                   + (f"; failed: {bad}" if bad else "")))
    checks.append(("FAIL" if xids else "PASS", "kernel.xid",
                   f"{len(xids)} Xid errors" + (f": {xids[:10]}" if xids else "")))
    throttled = {i: {k: v for k, v in g["events"].items() if "clocks_event_reasons." + k in FAIL_REASONS}
                 for i, g in gpus.items()}
    throttled = {i: e for i, e in throttled.items() if e}
    checks.append(("FAIL" if throttled else "PASS", "clocks.throttle",
                   f"hardware/thermal slowdown samples: {throttled}" if throttled else "no hardware or thermal slowdown"))
    hottest = max((g["max_temp_c"] for g in gpus.values() if g["max_temp_c"] is not None), default=None)
    checks.append(("FAIL" if hottest is None or hottest >= max_temp else "PASS", "temperature.max",
                   f"hottest sample {hottest} C (limit {max_temp} C)"))
    capped = {i: g["events"].get("sw_power_cap", 0) for i, g in gpus.items()}
    checks.append(("INFO", "power.cap", f"samples at the software power cap per GPU: {capped}"))
    return checks


def _worker(rank: int, device: str, size: int, dtype_name: str, deadline: float, check_every: int, out_dir: str):
    import torch  # imported here so that parsing helpers work without torch

    result = {"gpu": device, "ok": False, "iterations": 0, "mismatches": 0}
    try:
        dev = torch.device(device)
        dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[dtype_name]
        gen = torch.Generator(device="cpu").manual_seed(1234 + rank)
        a = torch.randn(size, size, generator=gen).to(dev, dtype)
        b = torch.randn(size, size, generator=gen).to(dev, dtype)
        reference = a @ b
        it = 0
        while time.time() < deadline:
            c = a @ b
            it += 1
            if it % check_every == 0:
                if dev.type == "cuda":
                    torch.cuda.synchronize(dev)
                if not torch.equal(c, reference):
                    result["mismatches"] += 1
        result["iterations"] = it
        result["ok"] = result["mismatches"] == 0 and it > 0
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never hidden
        result["error"] = repr(exc)
    Path(out_dir, f"worker-{rank}.json").write_text(json.dumps(result))


def _spawn_entry(rank, devices, size, dtype_name, deadline, check_every, out_dir):
    _worker(rank, devices[rank], size, dtype_name, deadline, check_every, out_dir)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=int, default=86400, help="load duration in seconds (default 24 h)")
    p.add_argument("--interval", type=int, default=10, help="telemetry interval in seconds")
    p.add_argument("--gpus", default="all", help="comma-separated GPU indices (PCI bus order) or 'all'")
    p.add_argument("--expected-gpus", type=int, default=4)
    p.add_argument("--size", type=int, default=8192, help="square matmul size")
    p.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], default="bf16")
    p.add_argument("--check-every", type=int, default=200, help="compare against the reference every N matmuls")
    p.add_argument("--max-temp", type=float, default=90.0, help="FAIL if any sample reaches this temperature (C)")
    p.add_argument("--log-dir", default="/var/lib/workstation/stress")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    args = p.parse_args(argv)

    os.environ.setdefault("CUDA_DEVICE_ORDER", "PCI_BUS_ID")
    smi = shutil.which("nvidia-smi")
    try:
        import torch
        import torch.multiprocessing as mp
    except ImportError:
        print("ERROR env: torch is not importable; run with the PyTorch venv's python", file=sys.stderr)
        return 2
    if smi is None or not torch.cuda.is_available():
        print("ERROR env: nvidia-smi or CUDA is not available", file=sys.stderr)
        return 2

    indices = list(range(torch.cuda.device_count())) if args.gpus == "all" else [int(i) for i in args.gpus.split(",")]
    devices = [f"cuda:{i}" for i in indices]
    run_dir = Path(args.log_dir, dt.datetime.now().strftime("%Y%m%dT%H%M%S"))
    run_dir.mkdir(parents=True, exist_ok=True)
    smi_log = run_dir / "telemetry.csv"
    start = time.time()
    logger = subprocess.Popen([smi, "--query-gpu=" + ",".join(SMI_FIELDS), "--format=csv,nounits",
                               "-l", str(args.interval), "-f", str(smi_log)])
    print(f"INFO load: {len(devices)} GPUs, {args.dtype} {args.size}^2 matmul for {args.duration}s; logs in {run_dir}",
          flush=True)
    try:
        mp.spawn(_spawn_entry, nprocs=len(devices), join=True,
                 args=(devices, args.size, args.dtype, start + args.duration, args.check_every, str(run_dir)))
    except Exception as exc:  # noqa: BLE001 - a crashed worker is a FAIL, reported below
        print(f"WARN load: worker error: {exc!r}", flush=True)
    finally:
        logger.terminate()
        logger.wait(timeout=30)

    workers = []
    for rank in range(len(devices)):
        f = run_dir / f"worker-{rank}.json"
        workers.append(json.loads(f.read_text()) if f.exists() else {"gpu": devices[rank], "ok": False,
                                                                     "error": "no result"})
    since = dt.datetime.fromtimestamp(start).strftime("%Y-%m-%d %H:%M:%S")
    klog = subprocess.run(["journalctl", "-k", "--no-pager", "--since", since],
                          capture_output=True, text=True, check=False).stdout
    gpus = parse_smi_log(smi_log.read_text() if smi_log.exists() else "")
    checks = evaluate(gpus, parse_xids(klog), workers, args.max_temp, len(devices))
    failed = [c for c in checks if c[0] == "FAIL"]
    report = {"ok": not failed, "duration_s": round(time.time() - start), "gpus": gpus, "workers": workers,
              "checks": [{"status": s, "id": i, "detail": d} for s, i, d in checks]}
    (run_dir / "report.json").write_text(json.dumps(report, indent=2))
    (Path(args.log_dir) / "latest.json").write_text(json.dumps(report, indent=2))
    for status, check, detail in checks:
        print(f"{status} {check}: {detail}")
    print(f"{sum(c[0] == 'PASS' for c in checks)} passed, {len(failed)} failed")
    if args.json:
        print(json.dumps(report))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
