#!/usr/bin/env python3
"""ddp_check.py — task 1a.14: multi-GPU collectives and PyTorch DDP.

Launch modes:
  python3 ddp_check.py [--nproc N]          re-launches itself with torchrun (torch.distributed.run --standalone)
  python3 ddp_check.py --spawn [N]          torch.multiprocessing.spawn instead (where torchrun is unusable,
                                            e.g. Debian's torch 1.13 torchrun on Python 3.11)
  torchrun --nproc_per_node N ddp_check.py  direct (rank 0 prints the report)

Checks: [env] world size, devices and NCCL version; [allreduce.correctness] exact SUM all-reduce over several
sizes (fp32, + bf16 on GPU); [broadcast.correctness], [allgather.correctness]; [allreduce.busbw] bus
bandwidth like nccl-tests (algbw = S/t, busbw = algbw * 2(n-1)/n; table in measurements.allreduce);
[ddp.ranks_identical] parameters bitwise identical on every rank after K DDP steps;
[ddp.matches_single_process] they match a single-process run on the concatenated global batch;
[ddp.loss_decreases].

--device auto uses CUDA+NCCL and exits 2 if there is no GPU; --device cpu uses gloo (how CI runs it).
A hang becomes a FAIL through --timeout (hint: IOMMU/ACS, NCCL_P2P_DISABLE=1).
Exit: 0 pass, 1 FAIL, 2 cannot run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checklib as cl  # noqa: E402
import smi  # noqa: E402
import thresholds as th  # noqa: E402

cl.ensure_pci_bus_order()

HANG_HINT = "hang or crash: check IOMMU/ACS (iommu=pt or ACS off), retry with NCCL_P2P_DISABLE=1 and NCCL_DEBUG=INFO"
DDP_ATOL = 1e-5
DDP_RTOL = 1e-4


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--nproc", type=int, default=None, help="world size (default: visible GPUs; 2 with --device cpu)")
    p.add_argument("--spawn", type=int, nargs="?", const=0, default=None, metavar="N", help="launch with torch.multiprocessing.spawn (optionally N processes)")
    p.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    p.add_argument("--backend", choices=("auto", "nccl", "gloo"), default="auto")
    p.add_argument("--sizes", default=None, help="all-reduce correctness sizes in bytes (K/M/G), comma separated")
    p.add_argument("--bw-sizes", default=None, help="all-reduce bandwidth sizes (default GPU 1M,16M,256M,1G; CPU 1M,4M)")
    p.add_argument("--bw-iters", type=int, default=None, help="timed iterations per size (default GPU 20, CPU 5)")
    p.add_argument("--bw-warmup", type=int, default=None, help="warmup iterations per size (default GPU 5, CPU 2)")
    p.add_argument("--steps", type=int, default=5, help="DDP training steps")
    p.add_argument("--min-busbw", type=float, default=None, help="override: FAIL if busbw (GB/s) at the largest size is below this")
    p.add_argument("--tolerance", type=float, default=0.0, help="loosen model busbw thresholds by this fraction")
    p.add_argument("--timeout", type=float, default=300.0, help="whole-run watchdog in seconds (a hang is a FAIL)")
    p.add_argument("--json", action="store_true", help="JSON object on stdout (human summary on stderr)")
    p.add_argument("--_result-file", default=None, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def busbw_factor(n: int) -> float:
    """nccl-tests doc/PERFORMANCE.md: all-reduce busbw = algbw * 2(n-1)/n."""
    return 2.0 * (n - 1) / n if n > 0 else 0.0


def bandwidth_row(size_bytes: int, seconds: float, n: int) -> Dict[str, Any]:
    algbw = size_bytes / seconds / 1e9
    return {
        "size_bytes": size_bytes,
        "size": cl.fmt_size(size_bytes),
        "time_us": round(seconds * 1e6, 2),
        "algbw_GBps": round(algbw, 3),
        "busbw_GBps": round(algbw * busbw_factor(n), 3),
    }


def format_bw_table(rows: List[Dict[str, Any]]) -> List[str]:
    out = [f"{'size':>8} {'time_us':>12} {'algbw GB/s':>11} {'busbw GB/s':>11}"]
    for r in rows:
        out.append(f"{r['size']:>8} {r['time_us']:>12.1f} {r['algbw_GBps']:>11.2f} {r['busbw_GBps']:>11.2f}")
    return out


def resolve_defaults(args: argparse.Namespace, cuda: bool) -> None:
    args.sizes = args.sizes or ("4K,1M,16M,64M" if cuda else "4K,256K,1M")
    args.bw_sizes = args.bw_sizes or ("1M,16M,256M,1G" if cuda else "1M,4M")
    args.bw_iters = args.bw_iters or (20 if cuda else 5)
    args.bw_warmup = args.bw_warmup if args.bw_warmup is not None else (5 if cuda else 2)


# ------------------------------------------------------------------------------------------------
# Worker
# ------------------------------------------------------------------------------------------------
def _sync(torch: Any, cuda: bool) -> None:
    if cuda:
        torch.cuda.synchronize()


def _all_ok(torch: Any, dist: Any, ok: bool, dev: Any) -> bool:
    t = torch.tensor([1 if ok else 0], dtype=torch.int32, device=dev)
    dist.all_reduce(t, op=dist.ReduceOp.MIN)
    return bool(t.item())


def check_collectives(torch: Any, dist: Any, rank: int, n: int, dev: Any, cuda: bool, sizes: List[int]) -> Dict[str, Any]:
    res: Dict[str, Any] = {"allreduce": [], "broadcast_ok": True, "allgather_ok": True}
    dtypes = [torch.float32] + ([torch.bfloat16] if cuda else [])
    for dt in dtypes:
        esz = torch.tensor([], dtype=dt).element_size()
        for s in sizes:
            numel = max(1, s // esz)
            pat = (torch.arange(numel, device=dev) % 7).to(dt)
            x = pat + (rank + 1)
            dist.all_reduce(x)
            expected = pat * n + n * (n + 1) // 2
            ok = _all_ok(torch, dist, bool(torch.equal(x, expected)), dev)
            res["allreduce"].append({"dtype": str(dt).replace("torch.", ""), "size": cl.fmt_size(s), "ok": ok})
    for root in range(n):
        x = torch.full((1024,), float(root + 1) if rank == root else 0.0, device=dev)
        dist.broadcast(x, src=root)
        res["broadcast_ok"] &= _all_ok(torch, dist, bool((x == root + 1).all()), dev)
    parts = [torch.zeros(4, device=dev) for _ in range(n)]
    dist.all_gather(parts, torch.full((4,), float(rank), device=dev))
    ok = all(bool((p == i).all()) for i, p in enumerate(parts))
    res["allgather_ok"] = _all_ok(torch, dist, ok, dev)
    return res


def measure_bandwidth(torch: Any, dist: Any, n: int, dev: Any, cuda: bool, sizes: List[int], warmup: int, iters: int) -> List[Dict[str, Any]]:
    rows = []
    for s in sizes:
        x = torch.ones(max(1, s // 4), dtype=torch.float32, device=dev)
        for _ in range(warmup):
            dist.all_reduce(x)
        _sync(torch, cuda)
        dist.barrier()
        t0 = time.perf_counter()
        for _ in range(iters):
            dist.all_reduce(x)
        _sync(torch, cuda)
        t = torch.tensor([(time.perf_counter() - t0) / iters], dtype=torch.float64, device=dev)
        dist.all_reduce(t, op=dist.ReduceOp.MAX)  # slowest rank, conservative
        rows.append(bandwidth_row(x.numel() * 4, float(t.item()), n))
        del x
    return rows


def _make_model(torch: Any, dev: Any):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(16, 64), torch.nn.Tanh(), torch.nn.Linear(64, 4)).to(dev)


def _batches(torch: Any, steps: int, global_batch: int):
    """Deterministic regression data from a fixed linear teacher (so the loss must go down)."""
    g = torch.Generator().manual_seed(42)
    w = torch.randn(16, 4, generator=g) / 4.0
    for _ in range(steps):
        x = torch.randn(global_batch, 16, generator=g)
        yield x, torch.tanh(x @ w)


def check_ddp(torch: Any, dist: Any, rank: int, n: int, dev: Any, cuda: bool, steps: int) -> Dict[str, Any]:
    from torch.nn.parallel import DistributedDataParallel as DDP  # noqa: PLC0415

    per_rank = 8
    model = _make_model(torch, dev)
    ddp = DDP(model, device_ids=[dev.index] if cuda else None)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.2)
    losses = []
    for x, y in _batches(torch, steps, per_rank * n):
        xs, ys = x[rank * per_rank : (rank + 1) * per_rank].to(dev), y[rank * per_rank : (rank + 1) * per_rank].to(dev)
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(ddp(xs), ys)
        loss.backward()
        opt.step()
        gl = loss.detach().clone()
        dist.all_reduce(gl)
        losses.append(float(gl.item()) / n)
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    gathered = [torch.zeros_like(flat) for _ in range(n)]
    dist.all_gather(gathered, flat)
    res: Dict[str, Any] = {"losses": losses}
    if rank == 0:
        res["max_rank_diff"] = max(float((g - gathered[0]).abs().max()) for g in gathered)
        ref = _make_model(torch, dev)
        ropt = torch.optim.SGD(ref.parameters(), lr=0.2)
        ref_losses = []
        for x, y in _batches(torch, steps, per_rank * n):
            ropt.zero_grad()
            loss = torch.nn.functional.mse_loss(ref(x.to(dev)), y.to(dev))
            loss.backward()
            ropt.step()
            ref_losses.append(float(loss.item()))
        rflat = torch.cat([p.detach().reshape(-1) for p in ref.parameters()])
        res["max_ref_diff"] = float((rflat - flat).abs().max())
        res["ref_ok"] = bool(torch.allclose(flat, rflat, atol=DDP_ATOL, rtol=DDP_RTOL))
        res["ref_losses"] = ref_losses
        res["num_params"] = int(flat.numel())
    return res


def build_report(args: argparse.Namespace, n: int, backend: str, cuda: bool, ranks: List[Dict[str, Any]], coll: Dict[str, Any], bw: List[Dict[str, Any]], ddp: Dict[str, Any], env: Dict[str, Any]) -> cl.Report:
    """Rank-0 assembly of the report from measured data (pure; unit-tested)."""
    r = cl.Report("ddp_check")
    r.env.update(env)
    devs = [x["device"] for x in ranks]
    entry = th.lookup(ranks[0].get("device_name")) if cuda else None
    detail = f"world size {n}, backend {backend}, devices: " + ", ".join(f"r{x['rank']}={x['host']}/{x['device']}" + (f" ({x['device_name']})" if x.get("device_name") else "") for x in ranks)
    if cuda and len({(x["host"], x["device"]) for x in ranks}) != n:
        r.add("env", cl.FAIL, detail + ": ranks share a GPU", value=n)
    else:
        r.add("env", cl.PASS if n >= 2 else cl.WARN, detail + ("" if n >= 2 else " (world size 1 checks nothing distributed)"), value=n)
    if cuda:
        nccl = env.get("nccl")
        need = entry.get("min_nccl") if entry else None
        if need and nccl:
            r.add("nccl.version", cl.PASS if smi.version_ge(nccl, need) else cl.FAIL, f"NCCL {nccl}, minimum {need} for {entry['model']}", value=nccl, threshold=need)
        else:
            r.add("nccl.version", cl.INFO, f"NCCL {nccl}", value=nccl)
    bad = [f"{a['dtype']}/{a['size']}" for a in coll["allreduce"] if not a["ok"]]
    desc = ", ".join(sorted({a["dtype"] for a in coll["allreduce"]})) + " x " + ", ".join(dict.fromkeys(a["size"] for a in coll["allreduce"]))
    r.add("allreduce.correctness", cl.FAIL if bad else cl.PASS, (f"wrong results for {bad}" if bad else f"exact SUM results for {desc}"), value=len(bad))
    r.add("broadcast.correctness", cl.PASS if coll["broadcast_ok"] else cl.FAIL, f"broadcast from each of {n} roots")
    r.add("allgather.correctness", cl.PASS if coll["allgather_ok"] else cl.FAIL, "all_gather of rank ids")
    r.measurements["allreduce"] = bw
    if bw:
        top = bw[-1]
        b = th.bounds(entry, "allreduce_busbw_GBps", args.tolerance) if entry else None
        if args.min_busbw is not None:
            b = {"spec": args.min_busbw, "fail_below": args.min_busbw, "warn_below": args.min_busbw, "unit": "GB/s"}
        st = th.judge(top["busbw_GBps"], b) if (cuda and n >= 2) or args.min_busbw is not None else cl.INFO
        thr = f" (FAIL < {b['fail_below']:.1f})" if b and st != cl.INFO else (" (no threshold on CPU/gloo)" if not cuda else " (no threshold)")
        if n < 2:
            # One rank: NCCL/gloo all-reduce moves no data (a real H200 run "measured" 1 GiB in ~25 us,
            # i.e. ~40,000 GB/s), so neither figure is a bandwidth.  Say so instead of printing it as one.
            detail = f"world size {n}: all-reduce moves no data, so busbw is 0 by definition and algbw ({top['algbw_GBps']:.2f} GB/s at {top['size']}) is not a bandwidth{thr}"
        else:
            detail = f"busbw {top['busbw_GBps']:.2f} GB/s, algbw {top['algbw_GBps']:.2f} GB/s at {top['size']}{thr}"
        r.add("allreduce.busbw", st, detail, value=top["busbw_GBps"], unit="GB/s", threshold=b)
    r.measurements["ddp"] = {k: ddp.get(k) for k in ("losses", "ref_losses", "max_rank_diff", "max_ref_diff", "num_params")}
    r.measurements["ddp"]["steps"] = args.steps
    r.measurements["world_size"] = n
    r.measurements["backend"] = backend
    r.measurements["ranks"] = ranks
    mrd = ddp.get("max_rank_diff")
    r.add("ddp.ranks_identical", cl.PASS if mrd == 0.0 else cl.FAIL, f"max |param_rank - param_rank0| = {mrd:.3g} after {args.steps} steps ({ddp.get('num_params')} params)", value=mrd)
    mref = ddp.get("max_ref_diff")
    r.add("ddp.matches_single_process", cl.PASS if ddp.get("ref_ok") else cl.FAIL, f"max |param_ddp - param_single| = {mref:.3g} (atol {DDP_ATOL:g}, rtol {DDP_RTOL:g})", value=mref)
    ls = ddp.get("losses") or []
    dec = len(ls) >= 2 and ls[-1] < ls[0]
    r.add("ddp.loss_decreases", cl.PASS if dec else cl.FAIL, "loss " + " -> ".join(f"{v:.4f}" for v in ls))
    return r


def worker(local_rank: int, args: argparse.Namespace, world: int, port: int, spawned: bool) -> int:
    if spawned:
        os.environ.update({"RANK": str(local_rank), "LOCAL_RANK": str(local_rank), "WORLD_SIZE": str(world), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)})
    rank = int(os.environ["RANK"])
    n = int(os.environ["WORLD_SIZE"])
    lrank = int(os.environ.get("LOCAL_RANK", local_rank))
    res_file = args._result_file
    if res_file:
        open(f"{res_file}.rank{rank}.started", "w").close()

    def _watchdog() -> None:
        print(f"ddp_check rank {rank}: watchdog fired after {args.timeout:.0f}s: {HANG_HINT}", file=sys.stderr, flush=True)
        os._exit(124)

    wd = threading.Timer(args.timeout, _watchdog)
    wd.daemon = True
    wd.start()

    torch = cl.import_torch()
    import torch.distributed as dist  # noqa: PLC0415

    cuda = args.device != "cpu" and torch.cuda.is_available()
    backend = args.backend if args.backend != "auto" else ("nccl" if cuda else "gloo")
    resolve_defaults(args, cuda)
    if cuda:
        torch.cuda.set_device(lrank)
        dev = torch.device("cuda", lrank)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    else:
        dev = torch.device("cpu")
    dist.init_process_group(backend, timeout=datetime.timedelta(seconds=max(30.0, args.timeout / 2)))
    info = {"rank": rank, "host": socket.gethostname(), "device": str(dev), "device_name": torch.cuda.get_device_name(dev) if cuda else None}
    ranks: List[Any] = [None] * n
    dist.all_gather_object(ranks, info)
    coll = check_collectives(torch, dist, rank, n, dev, cuda, [cl.parse_size(s) for s in args.sizes.split(",")])
    bw = measure_bandwidth(torch, dist, n, dev, cuda, [cl.parse_size(s) for s in args.bw_sizes.split(",")], args.bw_warmup, args.bw_iters)
    ddp = check_ddp(torch, dist, rank, n, dev, cuda, args.steps)
    code = 0
    if rank == 0:
        env = cl.torch_env(torch)
        env["backend"] = backend
        report = build_report(args, n, backend, cuda, ranks, coll, bw, ddp, env)
        code = report.exit_code()
        if res_file:
            with open(res_file + ".tmp", "w") as f:
                json.dump(report.to_dict(), f, default=str)
            os.replace(res_file + ".tmp", res_file)
        else:
            report.emit(args.json)
            if not args.json:
                print("\n".join(format_bw_table(bw)))
    c = torch.tensor([code], dtype=torch.int32, device=dev)
    dist.broadcast(c, src=0)
    dist.barrier()
    dist.destroy_process_group()
    wd.cancel()
    return int(c.item())


def _spawn_entry(local_rank: int, args: argparse.Namespace, world: int, port: int) -> None:
    code = worker(local_rank, args, world, port, spawned=True)
    # exit code only matters for direct torchrun use; the launcher reads the result file
    if code not in (0, 1):
        sys.exit(code)


# ------------------------------------------------------------------------------------------------
# Launcher
# ------------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _strip_launcher_args(argv: List[str]) -> List[str]:
    out, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == "--spawn":
            if i + 1 < len(argv) and argv[i + 1].isdigit():
                skip = True
            continue
        if a.startswith("--spawn="):
            continue
        if a == "--nproc":
            skip = True
            continue
        if a.startswith("--nproc="):
            continue
        out.append(a)
    return out


def launch(args: argparse.Namespace, argv: List[str]) -> int:
    launch_t0 = time.time()  # timestamp/duration_s of the final report cover the launcher and its workers
    report = cl.Report("ddp_check")
    torch = cl.import_torch_into(report)
    if torch is None:
        return report.emit(args.json)
    cuda = args.device != "cpu" and torch.cuda.is_available()
    if args.device in ("auto", "cuda") and not cuda:
        report.cannot_run(f"no CUDA device visible to torch {torch.__version__}; use --device cpu for a gloo run")
        return report.emit(args.json)
    if args.backend == "nccl" and not cuda:
        report.cannot_run("backend nccl needs CUDA")
        return report.emit(args.json)
    n = args.nproc or (args.spawn or 0) or (torch.cuda.device_count() if cuda else 2)
    if cuda and n > torch.cuda.device_count():
        report.cannot_run(f"world size {n} > {torch.cuda.device_count()} visible GPUs")
        return report.emit(args.json)
    if cuda:
        del torch  # the launcher itself never initialises CUDA further

    tmpdir = tempfile.mkdtemp(prefix="ddp_check.")
    res_file = os.path.join(tmpdir, "result.json")
    args._result_file = res_file
    t0 = time.time()
    launcher_err = ""
    if args.spawn is not None:
        import torch.multiprocessing as mp  # noqa: PLC0415

        ctx = mp.start_processes(_spawn_entry, args=(args, n, _free_port()), nprocs=n, join=False, start_method="spawn")
        deadline = t0 + args.timeout + 30
        try:
            while not ctx.join(timeout=1.0):
                if time.time() > deadline:
                    for p in ctx.processes:
                        if p.is_alive():
                            p.terminate()
                    launcher_err = f"timed out after {args.timeout:.0f}s"
                    break
        except Exception as e:  # noqa: BLE001 - ProcessRaisedException / ProcessExitedException
            launcher_err = f"worker failed: {str(e).strip()[-600:]}"
        mode = "spawn"
    else:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={n}", os.path.abspath(__file__), *_strip_launcher_args(argv), "--_result-file", res_file]
        mode = "torchrun"
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout + 60, start_new_session=True)
            if p.returncode != 0:
                launcher_err = f"torchrun exited {p.returncode}: {p.stderr.strip()[-600:]}"
        except subprocess.TimeoutExpired:
            launcher_err = f"timed out after {args.timeout:.0f}s"
    started = [f for f in os.listdir(tmpdir) if ".started" in f]
    if os.path.exists(res_file):
        with open(res_file) as f:
            report = cl.Report.load(json.load(f), t0=launch_t0)
        if launcher_err:
            report.add("launch", cl.FAIL, f"{mode}: {launcher_err}")
    elif not started:
        report.cannot_run(f"{mode} could not start workers ({launcher_err}); try --spawn")
    else:
        report.add("launch", cl.FAIL, f"{mode}: {len(started)}/{n} ranks started, no result: {launcher_err or 'worker died'}; {HANG_HINT}")
    report.measurements["launcher"] = {"mode": mode, "world_size": n, "wall_s": round(time.time() - t0, 2)}
    for f in os.listdir(tmpdir):
        os.unlink(os.path.join(tmpdir, f))
    os.rmdir(tmpdir)
    code = report.emit(args.json)
    if not args.json and report.measurements.get("allreduce"):
        print("\n".join(format_bw_table(report.measurements["allreduce"])))
    return code


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        code = worker(int(os.environ.get("LOCAL_RANK", 0)), args, int(os.environ["WORLD_SIZE"]), 0, spawned=False)
        return 0 if args._result_file else code  # under our own launcher the verdict travels in the result file
    return launch(args, argv)


if __name__ == "__main__":
    sys.exit(main())
