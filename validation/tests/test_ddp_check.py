"""ddp_check: bandwidth maths, report assembly, and the CPU/gloo end-to-end run (the CI proof)."""

import json
import subprocess
import sys
import time

import pytest

import checklib as cl
import ddp_check
from conftest import needs_torch

SCRIPT = ddp_check.__file__


@pytest.mark.parametrize("n,factor", [(1, 0.0), (2, 1.0), (4, 1.5), (8, 1.75)])
def test_busbw_factor_matches_nccl_tests(n, factor):
    assert ddp_check.busbw_factor(n) == pytest.approx(factor)


def test_bandwidth_row():
    r = ddp_check.bandwidth_row(256 << 20, 0.002, 8)
    assert r["size"] == "256MiB" and r["time_us"] == 2000.0
    assert r["algbw_GBps"] == pytest.approx((256 << 20) / 0.002 / 1e9, rel=1e-3)
    assert r["busbw_GBps"] == pytest.approx(r["algbw_GBps"] * 1.75, rel=1e-3)
    lines = ddp_check.format_bw_table([r])
    assert lines[0].split() == ["size", "time_us", "algbw", "GB/s", "busbw", "GB/s"]


def test_strip_launcher_args():
    argv = ["--spawn", "4", "--nproc", "2", "--json", "--device", "cpu", "--spawn=3", "--nproc=2", "--steps", "3"]
    assert ddp_check._strip_launcher_args(argv) == ["--json", "--device", "cpu", "--steps", "3"]
    assert ddp_check._strip_launcher_args(["--spawn", "--json"]) == ["--json"]


def _report(cuda=True, n=8, busbw=300.0, ddp=None, coll_ok=True, name="NVIDIA H200", nccl="2.21.5", argv=()):
    args = ddp_check.parse_args(list(argv))
    ranks = [{"rank": i, "host": "h", "device": f"cuda:{i}" if cuda else "cpu", "device_name": name if cuda else None} for i in range(n)]
    coll = {"allreduce": [{"dtype": "float32", "size": "1MiB", "ok": coll_ok}, {"dtype": "bfloat16", "size": "1MiB", "ok": True}], "broadcast_ok": True, "allgather_ok": True}
    bw = [ddp_check.bandwidth_row(1 << 20, 1e-4, n), {"size_bytes": 1 << 30, "size": "1GiB", "time_us": 1.0, "algbw_GBps": busbw / ddp_check.busbw_factor(n), "busbw_GBps": busbw}]
    ddp = ddp or {"losses": [0.5, 0.4, 0.3], "max_rank_diff": 0.0, "max_ref_diff": 2e-8, "ref_ok": True, "num_params": 1348}
    return ddp_check.build_report(args, n, "nccl" if cuda else "gloo", cuda, ranks, coll, bw, ddp, {"nccl": nccl if cuda else None})


def by_id(rep):
    return {c["id"]: c for c in rep.checks}


def test_report_h200_pass():
    rep = _report()
    c = by_id(rep)
    assert rep.exit_code() == 0, rep.ids("FAIL")
    assert c["allreduce.busbw"]["status"] == "PASS" and c["allreduce.busbw"]["value"] == 300.0
    assert c["nccl.version"]["status"] == "INFO"
    d = rep.to_dict()
    assert d["measurements"]["world_size"] == 8 and d["measurements"]["allreduce"][-1]["size"] == "1GiB"


def test_report_low_busbw_and_override():
    assert by_id(_report(busbw=50.0))["allreduce.busbw"]["status"] == "FAIL"
    assert by_id(_report(busbw=50.0, argv=["--min-busbw", "40"]))["allreduce.busbw"]["status"] == "PASS"


def test_report_rtx5090_old_nccl_fails():
    rep = _report(n=4, busbw=15.0, name="NVIDIA GeForce RTX 5090", nccl="2.21.5")
    assert "nccl.version" in rep.ids("FAIL")
    rep = _report(n=4, busbw=15.0, name="NVIDIA GeForce RTX 5090", nccl="2.27.3")
    assert rep.exit_code() == 0, rep.ids("FAIL")


def test_report_cpu_busbw_is_info():
    rep = _report(cuda=False, n=2, busbw=1.0)
    assert by_id(rep)["allreduce.busbw"]["status"] == "INFO" and rep.exit_code() == 0


def test_report_failures():
    assert "allreduce.correctness" in _report(coll_ok=False).ids("FAIL")
    bad = {"losses": [0.5, 0.6], "max_rank_diff": 1e-3, "max_ref_diff": 1.0, "ref_ok": False, "num_params": 10}
    fails = _report(ddp=bad).ids("FAIL")
    assert {"ddp.ranks_identical", "ddp.matches_single_process", "ddp.loss_decreases"} <= set(fails)


def test_report_shared_gpu_fails():
    args = ddp_check.parse_args([])
    ranks = [{"rank": i, "host": "h", "device": "cuda:0", "device_name": "NVIDIA H200"} for i in range(2)]
    coll = {"allreduce": [], "broadcast_ok": True, "allgather_ok": True}
    rep = ddp_check.build_report(args, 2, "nccl", True, ranks, coll, [], {"losses": [1, 0.5], "max_rank_diff": 0.0, "max_ref_diff": 0.0, "ref_ok": True}, {})
    assert "env" in rep.ids("FAIL")


@needs_torch
def test_spawn_gloo_world2_end_to_end():
    """The CI proof: 2 processes, gloo on CPU, via --spawn; correctness + DDP equivalence must pass."""
    t0 = time.time()
    p = subprocess.run([sys.executable, SCRIPT, "--spawn", "2", "--device", "cpu", "--json", "--timeout", "120"], capture_output=True, text=True, timeout=170)
    assert p.returncode == 0, p.stderr[-3000:]
    doc = json.loads(p.stdout)
    c = {x["id"]: x for x in doc["checks"]}
    assert doc["status"] == "pass" and doc["exit_code"] == 0
    for k in ("env", "allreduce.correctness", "broadcast.correctness", "allgather.correctness", "ddp.ranks_identical", "ddp.matches_single_process", "ddp.loss_decreases"):
        assert c[k]["status"] == "PASS", (k, c[k])
    assert c["allreduce.busbw"]["status"] == "INFO"
    assert c["ddp.ranks_identical"]["value"] == 0.0
    m = doc["measurements"]
    assert m["world_size"] == 2 and m["backend"] == "gloo" and m["launcher"]["mode"] == "spawn"
    assert [r["size"] for r in m["allreduce"]] == ["1MiB", "4MiB"]
    assert all(r["busbw_GBps"] == pytest.approx(r["algbw_GBps"]) for r in m["allreduce"])  # n=2: factor 1
    assert "passed" in p.stderr.strip().splitlines()[-1]
    assert time.time() - t0 < 60
    # regression (real H200 recording: duration_s 0.0 with launcher wall_s 9.0): the relayed report's clock
    # starts with the launcher, so duration_s covers the workers and timestamp is the start, not the end
    assert doc["duration_s"] >= m["launcher"]["wall_s"] - 0.05
    assert cl_ts(doc["timestamp"]) <= t0 + 5  # the launcher's start (before: the moment the result was read)


def cl_ts(s):
    import calendar

    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def test_report_load_keeps_given_start():
    r = cl.Report("x")
    r.add("a", cl.PASS, "ok")
    d = r.to_dict()
    t0 = time.time() - 12.5
    again = cl.Report.load(d, t0=t0).to_dict()
    assert again["duration_s"] >= 12.5 and again["timestamp"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t0))
    assert cl.Report.load(d).to_dict()["duration_s"] < 1.0  # without t0: a fresh clock, as before


def test_report_world_size_1_busbw_wording():
    args = ddp_check.parse_args([])
    ranks = [{"rank": 0, "host": "h", "device": "cuda:0", "device_name": "NVIDIA H200"}]
    coll = {"allreduce": [{"dtype": "float32", "size": "1MiB", "ok": True}], "broadcast_ok": True, "allgather_ok": True}
    bw = [ddp_check.bandwidth_row(1 << 30, 25e-6, 1)]  # what one NCCL rank "measured" on a real H200
    ddp = {"losses": [0.5, 0.3], "max_rank_diff": 0.0, "max_ref_diff": 0.0, "ref_ok": True, "num_params": 1348}
    rep = ddp_check.build_report(args, 1, "nccl", True, ranks, coll, bw, ddp, {"nccl": "2.28.9"})
    c = by_id(rep)["allreduce.busbw"]
    assert c["status"] == "INFO" and "not a bandwidth" in c["detail"] and not c["detail"].startswith("busbw")
    assert by_id(_report(n=2, busbw=300.0))["allreduce.busbw"]["detail"].startswith("busbw 300.00 GB/s")


@needs_torch
def test_no_gpu_without_device_cpu_is_exit_2():
    import torch

    if torch.cuda.is_available():
        pytest.skip("machine has a GPU")
    p = subprocess.run([sys.executable, SCRIPT, "--json"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and json.loads(p.stdout)["status"] == "cannot_run"


def test_parse_size_and_fmt():
    assert cl.parse_size("1M") == 1 << 20 and cl.parse_size("4K") == 4096 and cl.parse_size("1G") == 1 << 30 and cl.parse_size("100") == 100
    assert cl.parse_size("256MiB") == 256 << 20
    assert cl.fmt_size(4096) == "4KiB" and cl.fmt_size(1000) == "1000B"


def test_nccl_version_str():
    assert cl.nccl_version_str((2, 26, 2)) == "2.26.2"
    assert cl.nccl_version_str(22602) == "2.26.2"
    assert cl.nccl_version_str(2708) == "2.7.8"
