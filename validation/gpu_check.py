#!/usr/bin/env python3
"""gpu_check.py — task 1a.13: is every GPU present, healthy and as fast as its model should be?

Checks (ids in brackets):
  nvidia-smi side: GPU count [gpu.count], driver and driver-CUDA versions [driver.version, cuda.version],
  nvidia-smi index order == PCI bus order [smi.pci_order], per GPU: model [gpuN.model], compute capability
  [gpuN.compute_cap], memory [gpuN.memory], persistence mode [gpuN.persistence], ECC [gpuN.ecc],
  kernel-log Xids [gpuN.xid], PCIe link capability [gpuN.pcie], topology [topology].
  torch side (each GPU probed in a child process with a timeout, so a wedged GPU cannot hang the run):
  torch<->physical mapping [gpuN.torch_map], arch list [gpuN.arch], bf16 matmul correctness and TFLOP/s
  [gpuN.matmul_bf16], device-to-device / host<->device bandwidth [gpuN.d2d_bw, gpuN.h2d_bw, gpuN.d2h_bw],
  peer access and P2P copy bandwidth of each pair [p2p.access, p2p.I-J].

Thresholds come from validation/thresholds.py (RTX 5090, H200, H100 variants); other models report
"unknown model" and get only model-independent checks.

CUDA_VISIBLE_DEVICES is respected: nvidia-smi reports physical GPUs, so torch device i is mapped to its
physical GPU (PCI order for integer entries, UUID for GPU-... entries) and only visible GPUs are checked.
CUDA_DEVICE_ORDER is set to PCI_BUS_ID if unset.

Exit: 0 pass (WARN allowed), 1 any FAIL, 2 cannot run (no nvidia-smi/GPU, no torch without --no-torch).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checklib as cl  # noqa: E402
import smi  # noqa: E402
import thresholds as th  # noqa: E402

cl.ensure_pci_bus_order()

MATMUL_REL_TOL = 2e-2  # bf16 (8-bit mantissa) vs fp32 reference, relative Frobenius error


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--expect", type=int, default=None, metavar="N", help="expected number of visible GPUs")
    p.add_argument("--json", action="store_true", help="JSON object on stdout (human summary on stderr)")
    p.add_argument("--tolerance", type=float, default=0.0, help="loosen performance thresholds by this fraction (0..1)")
    p.add_argument("--min-driver", default=None, help="minimum driver version (default: per model table)")
    p.add_argument("--no-torch", action="store_true", help="nvidia-smi checks only; skip torch probes")
    p.add_argument("--no-p2p", action="store_true", help="skip the pairwise P2P bandwidth probe")
    p.add_argument("--matmul-size", type=int, default=8192, help="N for the NxN bf16 matmul (default 8192)")
    p.add_argument("--copy-mib", type=int, default=1024, help="device-to-device copy size in MiB")
    p.add_argument("--host-copy-mib", type=int, default=256, help="pinned host<->device copy size in MiB")
    p.add_argument("--p2p-mib", type=int, default=256, help="peer copy size in MiB")
    p.add_argument("--probe-timeout", type=float, default=180.0, help="seconds per child probe before FAIL")
    p.add_argument("--_probe", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--_probe-p2p", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if not 0.0 <= a.tolerance < 1.0:
        p.error("--tolerance must be in [0, 1)")
    return a


# ------------------------------------------------------------------------------------------------
# Data collection (impure)
# ------------------------------------------------------------------------------------------------
def collect_smi(runner: smi.Runner = smi.default_runner) -> Dict[str, Any]:
    rows, dropped = smi.query_gpus(smi.GPU_CHECK_FIELDS, runner)
    data: Dict[str, Any] = {"rows": rows, "dropped": dropped}
    try:
        data["header"] = smi.parse_smi_header(smi.run_smi([], runner))
    except smi.SmiError:
        data["header"] = {"driver": None, "cuda": None, "smi": None}
    try:
        data["topo"] = smi.parse_topo_matrix(smi.run_smi(["topo", "-m"], runner))
    except (smi.SmiError, ValueError) as e:
        data["topo"] = None
        data["topo_error"] = str(e)
    log, source = smi.read_kernel_log(runner)
    data["kernel_log_source"] = source if log is not None else None
    data["kernel_log_error"] = None if log is not None else source
    data["xids"] = smi.parse_xid_lines(log) if log is not None else None
    return data


def torch_info(torch: Any) -> Dict[str, Any]:
    info: Dict[str, Any] = {"available": False, "env": cl.torch_env(torch)}
    if not torch.cuda.is_available():
        return info
    info["available"] = True
    try:
        info["arch_list"] = torch.cuda.get_arch_list()
    except Exception:  # noqa: BLE001
        info["arch_list"] = None
    devs = []
    for i in range(torch.cuda.device_count()):
        p = torch.cuda.get_device_properties(i)
        d: Dict[str, Any] = {
            "index": i,
            "name": p.name,
            "cc": f"{p.major}.{p.minor}",
            "total_memory_mib": int(p.total_memory // (1 << 20)),
            "uuid": None,
            "pci": None,
        }
        u = getattr(p, "uuid", None)
        if u is not None:
            d["uuid"] = "GPU-" + str(u).replace("GPU-", "")
        if getattr(p, "pci_bus_id", None) is not None:
            d["pci"] = f"{getattr(p, 'pci_domain_id', 0):04x}:{p.pci_bus_id:02x}:{getattr(p, 'pci_device_id', 0):02x}.0"
        devs.append(d)
    info["devices"] = devs
    n = len(devs)
    info["peer"] = [[(i == j) or bool(torch.cuda.can_device_access_peer(i, j)) for j in range(n)] for i in range(n)]
    return info


def _child(args: argparse.Namespace, extra: List[str]) -> Dict[str, Any]:
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--matmul-size", str(args.matmul_size),
        "--copy-mib", str(args.copy_mib),
        "--host-copy-mib", str(args.host_copy_mib),
        "--p2p-mib", str(args.p2p_mib),
        *extra,
    ]  # fmt: skip
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.probe_timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"probe timed out after {args.probe_timeout:.0f}s (GPU hung?)"}
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        return {"error": f"probe exited {p.returncode}: {(p.stderr or p.stdout).strip()[-400:]}"}
    return json.loads(lines[-1])


def _time_cuda(torch: Any, fn, iters: int) -> float:
    start = torch.cuda.Event(enable_timing=True)
    end = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iters):
        fn()
    end.record()
    end.synchronize()
    return start.elapsed_time(end) / 1e3  # seconds


def probe_device(i: int, n: int, copy_mib: int, host_mib: int) -> Dict[str, Any]:
    """Runs in a child process: bf16 matmul correctness + TFLOP/s, d2d and pinned h2d/d2h bandwidth."""
    torch = cl.import_torch()
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device("cuda", i)
    torch.cuda.set_device(dev)
    out: Dict[str, Any] = {"index": i}
    g = torch.Generator(device=dev).manual_seed(1234)
    a32 = torch.randn(1024, 1024, device=dev, generator=g)
    b32 = torch.randn(1024, 1024, device=dev, generator=g)
    ref = a32 @ b32
    got = (a32.bfloat16() @ b32.bfloat16()).float()
    rel = float((got - ref).norm() / ref.norm())
    out["matmul_rel_err"] = rel
    out["matmul_finite"] = bool(torch.isfinite(got).all())
    a = torch.randn(n, n, device=dev, dtype=torch.bfloat16, generator=g)
    b = torch.randn(n, n, device=dev, dtype=torch.bfloat16, generator=g)
    c = torch.empty(n, n, device=dev, dtype=torch.bfloat16)
    mm = lambda: torch.matmul(a, b, out=c)  # noqa: E731
    for _ in range(3):
        mm()
    torch.cuda.synchronize(dev)
    t1 = _time_cuda(torch, mm, 1)
    iters = max(5, min(200, int(1.0 / max(t1, 1e-6))))  # ~1 s of work
    t = _time_cuda(torch, mm, iters)
    out["bf16_tflops"] = 2.0 * n**3 * iters / t / 1e12
    out["matmul_n"] = n
    nbytes = copy_mib << 20
    x = torch.empty(nbytes, dtype=torch.uint8, device=dev)
    y = torch.empty_like(x)
    cp = lambda: y.copy_(x)  # noqa: E731
    for _ in range(3):
        cp()
    t = _time_cuda(torch, cp, 20)
    out["d2d_GBps"] = 2.0 * nbytes * 20 / t / 1e9  # read + write, like bandwidthTest
    del x, y
    hbytes = host_mib << 20
    h = torch.empty(hbytes, dtype=torch.uint8, pin_memory=True)
    d = torch.empty(hbytes, dtype=torch.uint8, device=dev)
    h2d = lambda: d.copy_(h, non_blocking=True)  # noqa: E731
    d2h = lambda: h.copy_(d, non_blocking=True)  # noqa: E731
    for fn, key in ((h2d, "h2d_GBps"), (d2h, "d2h_GBps")):
        fn()
        torch.cuda.synchronize(dev)
        t = _time_cuda(torch, fn, 10)
        out[key] = hbytes * 10 / t / 1e9
    return out


def probe_p2p(mib: int) -> Dict[str, Any]:
    """Runs in a child process: copy bandwidth for every ordered pair of visible GPUs."""
    torch = cl.import_torch()
    n = torch.cuda.device_count()
    nbytes = mib << 20
    bufs = [torch.empty(nbytes, dtype=torch.uint8, device=f"cuda:{i}") for i in range(n)]
    res: Dict[str, Any] = {"pairs": {}}
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            dst = torch.empty(nbytes, dtype=torch.uint8, device=f"cuda:{j}")
            dst.copy_(bufs[i])
            torch.cuda.synchronize(i)
            torch.cuda.synchronize(j)
            iters = 10
            t0 = time.perf_counter()
            for _ in range(iters):
                dst.copy_(bufs[i], non_blocking=True)
            torch.cuda.synchronize(i)
            torch.cuda.synchronize(j)
            t = time.perf_counter() - t0
            res["pairs"][f"{i}->{j}"] = nbytes * iters / t / 1e9
            del dst
    return res


# ------------------------------------------------------------------------------------------------
# Evaluation (pure given the collected data; unit-tested)
# ------------------------------------------------------------------------------------------------
def _judge_metric(report: cl.Report, cid: str, what: str, measured: Optional[float], entry, metric: str, tol: float) -> Optional[Dict[str, Any]]:
    b = th.bounds(entry, metric, tol) if entry else None
    status = th.judge(measured, b)
    if measured is None:
        report.add(cid, cl.FAIL, f"{what}: not measured")
        return None
    unit = b["unit"] if b else ("TFLOP/s" if "tflops" in metric else "GB/s")
    if b:
        detail = f"{what} {measured:.1f} {unit} (FAIL < {b['fail_below']:.1f}, WARN < {b['warn_below']:.1f}; spec {b['spec']:.0f})"
    else:
        detail = f"{what} {measured:.1f} {unit} (no threshold: unknown model)"
    report.add(cid, status, detail, value=round(measured, 2), unit=unit, threshold=b)
    return b


def evaluate(report: cl.Report, smi_data: Dict[str, Any], tinfo: Optional[Dict[str, Any]], args: argparse.Namespace, cvd: Optional[str]) -> None:
    rows = smi_data["rows"]
    tol = args.tolerance
    if smi_data.get("dropped"):
        report.add("smi.fields", cl.INFO, "driver rejected fields: " + ", ".join(smi_data["dropped"]))

    # ---- visibility / count
    try:
        visible = smi.map_visible(cvd, rows)
    except ValueError as e:
        report.add("gpu.visible", cl.FAIL, str(e))
        visible = []
    cvd_note = f" (CUDA_VISIBLE_DEVICES={cvd})" if cvd is not None else ""
    names = sorted({r.get("name") or "?" for r in visible})
    detail = f"{len(visible)} of {len(rows)} GPUs visible{cvd_note}: {', '.join(names)}"
    if args.expect is None:
        report.add("gpu.count", cl.INFO, detail + " (no --expect given)", value=len(visible))
    else:
        report.add("gpu.count", cl.PASS if len(visible) == args.expect else cl.FAIL, detail + f", expected {args.expect}", value=len(visible), threshold=args.expect)

    # ---- driver / CUDA
    drivers = sorted({r.get("driver_version") for r in rows if r.get("driver_version")})
    entries = [th.lookup(r.get("name")) for r in visible]
    min_drv = args.min_driver
    if min_drv is None:
        mins = [e["min_driver"] for e in entries if e]
        min_drv = max(mins, key=smi.parse_version) if mins else None
    drv = drivers[0] if drivers else smi_data.get("header", {}).get("driver")
    if drv is None:
        report.add("driver.version", cl.FAIL, "driver version not reported")
    elif len(drivers) > 1:
        report.add("driver.version", cl.FAIL, f"inconsistent driver versions {drivers}")
    elif min_drv is None:
        report.add("driver.version", cl.INFO, f"driver {drv} (no minimum known for these models)", value=drv)
    else:
        ok = smi.version_ge(drv, min_drv)
        report.add("driver.version", cl.PASS if ok else cl.FAIL, f"driver {drv}, minimum {min_drv}", value=drv, threshold=min_drv)
    drv_cuda = smi_data.get("header", {}).get("cuda")
    torch_cuda = (tinfo or {}).get("env", {}).get("torch_cuda")
    if drv_cuda is None:
        report.add("cuda.version", cl.WARN, "driver CUDA version not found in nvidia-smi header")
    elif torch_cuda is None:
        report.add("cuda.version", cl.INFO, f"driver supports CUDA {drv_cuda}; torch CUDA runtime unknown", value=drv_cuda)
    else:
        dv, tv = smi.parse_version(drv_cuda)[:2], smi.parse_version(torch_cuda)[:2]
        if dv >= tv:
            st, why = cl.PASS, "driver is new enough for the torch CUDA runtime"
        elif dv[:1] == tv[:1]:
            st, why = cl.WARN, "minor-version compatibility only (PTX JIT and some features unavailable)"
        else:
            st, why = cl.FAIL, "driver too old for the torch CUDA runtime major version"
        report.add("cuda.version", st, f"driver CUDA {drv_cuda}, torch built with CUDA {torch_cuda}: {why}", value=drv_cuda, threshold=torch_cuda)

    ok, order = smi.check_smi_pci_order(rows)
    report.add("smi.pci_order", cl.PASS if ok else cl.FAIL, ("nvidia-smi order matches PCI bus order: " if ok else "nvidia-smi order differs from PCI bus order: ") + order)

    # ---- per GPU (nvidia-smi)
    xids = smi_data.get("xids")
    gpus_meas: List[Dict[str, Any]] = []
    tdevs = (tinfo or {}).get("devices") or []
    arch_list = (tinfo or {}).get("arch_list")
    for t, r in enumerate(visible):
        e = th.lookup(r.get("name"))
        g = f"gpu{t}"
        m: Dict[str, Any] = {
            "torch_index": t,
            "physical_index": smi.to_int(r.get("index")),
            "uuid": r.get("uuid"),
            "pci_bus_id": smi.normalize_bus_id(r.get("pci.bus_id")),
            "name": r.get("name"),
            "model": e["model"] if e else None,
            "compute_cap": r.get("compute_cap"),
            "memory_mib": smi.to_int(r.get("memory.total")),
            "persistence_mode": r.get("persistence_mode"),
            "ecc_mode": r.get("ecc.mode.current"),
            "ecc_uncorrected_volatile": smi.to_int(r.get("ecc.errors.uncorrected.volatile.total")),
            "pcie_gen_max": smi.to_int(r.get("pcie.link.gen.max")),
            "pcie_width_max": smi.to_int(r.get("pcie.link.width.max")),
            "pcie_gen_current": smi.to_int(r.get("pcie.link.gen.current")),
            "pcie_width_current": smi.to_int(r.get("pcie.link.width.current")),
            "power_limit_w": smi.to_float(r.get("power.limit")),
            "temperature_c": smi.to_float(r.get("temperature.gpu")),
        }
        where = f"phys {m['physical_index']} {m['pci_bus_id']}"
        if e:
            report.add(f"{g}.model", cl.PASS, f"{r.get('name')} -> model table '{e['model']}' ({where})", value=e["model"])
        else:
            report.add(f"{g}.model", cl.WARN, f"unknown model '{r.get('name')}': no model thresholds applied ({where})", value="unknown model")
        cc = r.get("compute_cap")
        if e and cc:
            report.add(f"{g}.compute_cap", cl.PASS if cc == e["compute_cap"] else cl.FAIL, f"compute capability {cc}, expected {e['compute_cap']}", value=cc)
        else:
            report.add(f"{g}.compute_cap", cl.INFO, f"compute capability {cc}", value=cc)
        mem = m["memory_mib"]
        if e and mem is not None:
            lo, hi = e["memory_mib"] * (1 - th.MEMORY_TOLERANCE), e["memory_mib"] * (1 + th.MEMORY_TOLERANCE)
            report.add(f"{g}.memory", cl.PASS if lo <= mem <= hi else cl.FAIL, f"{mem} MiB, expected ~{e['memory_mib']} MiB", value=mem, unit="MiB")
        else:
            report.add(f"{g}.memory", cl.INFO, f"{mem} MiB", value=mem, unit="MiB")
        pm = r.get("persistence_mode")
        report.add(f"{g}.persistence", cl.PASS if pm == "Enabled" else cl.WARN, f"persistence mode {pm or 'not reported'}" + ("" if pm == "Enabled" else " (enable nvidia-persistenced)"), value=pm)
        ecc_mode, unc = m["ecc_mode"], m["ecc_uncorrected_volatile"]
        if unc:
            report.add(f"{g}.ecc", cl.FAIL, f"ECC {ecc_mode}, {unc} uncorrected volatile errors", value=unc)
        elif ecc_mode is None:
            report.add(f"{g}.ecc", cl.INFO, "ECC not reported by NVML (typical for GeForce)")
        else:
            report.add(f"{g}.ecc", cl.PASS, f"ECC {ecc_mode}, uncorrected volatile errors: {unc if unc is not None else 'n/a'}", value=unc)
        if xids is None:
            report.add(f"{g}.xid", cl.INFO, f"kernel log not readable ({smi_data.get('kernel_log_error')}); Xids not checked")
        else:
            codes = smi.xids_for_bus(xids, r.get("pci.bus_id"))
            m["xids"] = codes
            report.add(f"{g}.xid", cl.FAIL if codes else cl.PASS, (f"Xid errors since boot: {sorted(set(codes))}" if codes else "no Xid errors in kernel log since boot"), value=len(codes))
        gen, width = m["pcie_gen_max"], m["pcie_width_max"]
        if e and gen is not None and width is not None:
            want = e["pcie"]
            if gen < 4 or width < 8:
                st = cl.FAIL
            elif gen < want["gen"] or width < want["width"]:
                st = cl.WARN
            else:
                st = cl.PASS
            report.add(f"{g}.pcie", st, f"PCIe link max Gen{gen} x{width} (expected Gen{want['gen']} x{want['width']}); current Gen{m['pcie_gen_current']} x{m['pcie_width_current']}")
        else:
            report.add(f"{g}.pcie", cl.INFO, f"PCIe link max Gen{gen} x{width}")

        # ---- per GPU (torch)
        if tinfo is None:
            pass
        elif not tinfo.get("available"):
            pass
        elif t >= len(tdevs):
            report.add(f"{g}.torch_map", cl.FAIL, f"torch sees only {len(tdevs)} devices")
        else:
            td = tdevs[t]
            m["torch_name"] = td["name"]
            if td.get("uuid") and r.get("uuid"):
                okm = td["uuid"].lower() == r["uuid"].lower()
                report.add(f"{g}.torch_map", cl.PASS if okm else cl.FAIL, f"torch cuda:{t} uuid {td['uuid']} {'==' if okm else '!='} nvidia-smi {r['uuid']}")
            elif td.get("pci") and r.get("pci.bus_id"):
                okm = smi.bus_key(td["pci"])[:3] == smi.bus_key(r["pci.bus_id"])[:3]
                report.add(f"{g}.torch_map", cl.PASS if okm else cl.FAIL, f"torch cuda:{t} pci {td['pci']} {'==' if okm else '!='} nvidia-smi {m['pci_bus_id']}")
            else:
                report.add(f"{g}.torch_map", cl.INFO, f"torch {tinfo['env'].get('torch')} reports no uuid/pci; mapping relies on CUDA_DEVICE_ORDER=PCI_BUS_ID")
            if arch_list is not None and cc:
                sm = "sm_" + cc.replace(".", "")
                ptx = [a for a in arch_list if a.startswith("compute_") and smi.parse_version(a[8:]) <= smi.parse_version(cc.replace(".", ""))]
                if sm in arch_list:
                    report.add(f"{g}.arch", cl.PASS, f"{sm} in torch arch list")
                elif ptx:
                    report.add(f"{g}.arch", cl.WARN, f"{sm} not in torch arch list; only PTX {ptx} (JIT, slow first run)")
                else:
                    report.add(f"{g}.arch", cl.FAIL, f"{sm} not in torch arch list {arch_list}: 'no kernel image is available'")
            pr = (tinfo.get("probes") or {}).get(t)
            if pr is None:
                pass
            elif "error" in pr:
                report.add(f"{g}.probe", cl.FAIL, pr["error"])
            else:
                rel, fin = pr.get("matmul_rel_err"), pr.get("matmul_finite")
                okc = fin and rel is not None and rel <= MATMUL_REL_TOL
                b = th.bounds(e, "bf16_tflops", tol) if e else None
                st = cl.FAIL if not okc else th.judge(pr.get("bf16_tflops"), b)
                tf = pr.get("bf16_tflops")
                thr = f" (FAIL < {b['fail_below']:.0f}, WARN < {b['warn_below']:.0f}; spec {b['spec']:.0f})" if b else " (no threshold: unknown model)"
                report.add(f"{g}.matmul_bf16", st, f"bf16 {pr.get('matmul_n')}^3 matmul {tf:.1f} TFLOP/s{thr}; rel err vs fp32 {rel:.2e} (max {MATMUL_REL_TOL:g})", value=round(tf, 2), unit="TFLOP/s", threshold=b)
                _judge_metric(report, f"{g}.d2d_bw", "device-to-device copy (read+write)", pr.get("d2d_GBps"), e, "d2d_GBps", tol)
                _judge_metric(report, f"{g}.h2d_bw", "pinned host-to-device", pr.get("h2d_GBps"), e, "h2d_GBps", tol)
                _judge_metric(report, f"{g}.d2h_bw", "pinned device-to-host", pr.get("d2h_GBps"), e, "d2h_GBps", tol)
                for k in ("bf16_tflops", "matmul_rel_err", "d2d_GBps", "h2d_GBps", "d2h_GBps"):
                    if pr.get(k) is not None:
                        m[k] = round(pr[k], 4 if k == "matmul_rel_err" else 2)
        gpus_meas.append(m)
    report.measurements["gpus"] = gpus_meas

    # ---- torch availability
    if tinfo is not None:
        if not tinfo.get("available"):
            report.add("torch.cuda", cl.FAIL, f"nvidia-smi sees GPUs but torch {tinfo['env'].get('torch')} (CUDA {tinfo['env'].get('torch_cuda')}) has no CUDA device: driver/wheel mismatch?")
        else:
            n = len(tdevs)
            report.add("torch.cuda", cl.PASS if n == len(visible) else cl.FAIL, f"torch sees {n} CUDA devices, nvidia-smi (visible) {len(visible)}", value=n)

    # ---- peer access and P2P bandwidth
    peer = (tinfo or {}).get("peer")
    p2p = (tinfo or {}).get("p2p")
    if peer is not None and len(peer) > 1:
        n = len(peer)
        expects = [th.lookup(r.get("name")) for r in visible[:n]]
        want_peer = all(e and e["peer_access_expected"] for e in expects)
        denied = [f"{i}->{j}" for i in range(n) for j in range(n) if i != j and not peer[i][j]]
        if not denied:
            report.add("p2p.access", cl.PASS, f"peer access enabled for all {n * (n - 1)} ordered pairs")
        elif want_peer:
            report.add("p2p.access", cl.FAIL, f"peer access denied for {denied}")
        else:
            report.add("p2p.access", cl.INFO, f"peer access denied for {len(denied)} ordered pairs (expected on GeForce without patched drivers)")
        pairs_meas: Dict[str, Any] = {}
        if p2p is not None and "error" in p2p:
            report.add("p2p.bandwidth", cl.FAIL, p2p["error"])
        elif p2p is not None:
            pr = p2p.get("pairs", {})
            for i in range(n):
                for j in range(i + 1, n):
                    fwd, back = pr.get(f"{i}->{j}"), pr.get(f"{j}->{i}")
                    vals = [v for v in (fwd, back) if v is not None]
                    worst = min(vals) if vals else None
                    pairs_meas[f"{i}-{j}"] = {"access": bool(peer[i][j]), f"GBps_{i}to{j}": fwd, f"GBps_{j}to{i}": back}
                    _judge_metric(report, f"p2p.{i}-{j}", f"peer copy (worse direction, access={'yes' if peer[i][j] else 'no'})", worst, expects[i], "p2p_GBps", tol)
        report.measurements["p2p"] = pairs_meas

    # ---- topology
    topo = smi_data.get("topo")
    if topo is None:
        report.add("topology", cl.INFO, f"nvidia-smi topo -m unavailable ({smi_data.get('topo_error')})")
    else:
        vis_names = [f"GPU{smi.to_int(r.get('index'))}" for r in visible]
        kinds: Dict[str, str] = {}
        for a_i, a in enumerate(vis_names):
            for b_ in vis_names[a_i + 1 :]:
                kinds[f"{a}-{b_}"] = topo["links"].get(a, {}).get(b_, "?")
        report.measurements["topology"] = {"links": kinds, "cpu_affinity": {k: topo["cpu_affinity"].get(k) for k in vis_names}, "numa_affinity": {k: topo["numa_affinity"].get(k) for k in vis_names}}
        summary = ", ".join(sorted({f"{v}" for v in kinds.values()})) or "single GPU"
        want_nv = [th.lookup(r.get("name")) for r in visible]
        if kinds and all(e and e["interconnect"] == "nvlink" for e in want_nv) and any(smi.link_kind(v) != "nvlink" for v in kinds.values()):
            report.add("topology", cl.WARN, f"expected NVLink between all GPUs, found: {summary}")
        else:
            report.add("topology", cl.INFO, f"GPU-GPU links: {summary}")


# ------------------------------------------------------------------------------------------------
def main(argv: Optional[List[str]] = None, runner: smi.Runner = smi.default_runner) -> int:
    args = parse_args(argv)
    if args._probe is not None:
        print(json.dumps(probe_device(args._probe, args.matmul_size, args.copy_mib, args.host_copy_mib)))
        return 0
    if args._probe_p2p:
        print(json.dumps(probe_p2p(args.p2p_mib)))
        return 0

    report = cl.Report("gpu_check")
    cvd = os.environ.get("CUDA_VISIBLE_DEVICES")
    try:
        smi_data = collect_smi(runner)
    except smi.SmiError as e:
        report.cannot_run(f"nvidia-smi unusable: {e}")
        return report.emit(args.json)
    hdr = smi_data.get("header") or {}
    report.env.update({"driver": hdr.get("driver") or (smi_data["rows"][0].get("driver_version") if smi_data["rows"] else None), "driver_cuda": hdr.get("cuda")})
    if not smi_data["rows"]:
        report.cannot_run("nvidia-smi lists no GPUs")
        return report.emit(args.json)

    tinfo = None
    if not args.no_torch:
        try:
            torch = cl.import_torch()
        except cl.CannotRun as e:
            report.cannot_run(f"{e}; use --no-torch for nvidia-smi checks only")
            return report.emit(args.json)
        tinfo = torch_info(torch)
        report.env.update(tinfo["env"])
        if tinfo["available"]:
            tinfo["probes"] = {}
            for i in range(len(tinfo["devices"])):
                tinfo["probes"][i] = _child(args, ["--_probe", str(i)])
            if len(tinfo["devices"]) > 1 and not args.no_p2p:
                tinfo["p2p"] = _child(args, ["--_probe-p2p"])
    evaluate(report, smi_data, tinfo, args, cvd)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
