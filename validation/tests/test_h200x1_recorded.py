"""The REAL 1x H200 recording (fixtures/h200x1, record_fixtures.sh on 2026-11-28): parsers, thresholds,
the scripts' verdicts and their JSON, replayed against what the hardware actually printed."""

import csv
import io
import json
import os

import pytest

import checklib as cl
import ddp_check
import gpu_check
import smi
import stress
import thresholds as th
from fakesmi import FIXTURES, FakeSmi, fixture

M = "h200x1"
UUID = "GPU-2aca0cce-b3b1-405c-77f8-493da4fcc0e2"
SCRIPTS_JSON = ["gpu_check", "ddp_check_torchrun", "ddp_check_spawn", "inference_check", "stress"]


def doc(name):
    return json.loads(fixture(M, name + ".json"))


def by_id(d):
    return {c["id"]: c for c in d["checks"]}


# ---------------------------------------------------------------- field names and nvidia-smi text
def test_recorded_field_lists_are_what_the_scripts_query():
    # record_fixtures.sh writes the lists it asked the driver for; R580 answered every field (rc 0, no stderr)
    assert fixture(M, "query_gpu.fields").strip().split(",") == list(smi.GPU_CHECK_FIELDS)
    # (recorded before stress.py also asked for the clock-event reason counters)
    assert fixture(M, "query_stress.fields").strip().split(",") == list(smi.STRESS_BASE_FIELDS)
    assert not os.path.exists(os.path.join(FIXTURES, M, "query_stress.csv.stderr"))


def test_query_gpu_csv_real_h200():
    rows = smi.parse_query_csv(fixture(M, "query_gpu.csv"), smi.GPU_CHECK_FIELDS)
    assert len(rows) == 1
    r = rows[0]
    assert r["index"] == "0" and r["uuid"] == UUID
    assert r["name"] == "NVIDIA H200" and r["compute_cap"] == "9.0"
    assert r["driver_version"] == "580.159.04"
    assert smi.normalize_bus_id(r["pci.bus_id"]) == "0000:00:06.0"
    assert smi.to_int(r["memory.total"]) == 143771
    assert (r["persistence_mode"], r["ecc.mode.current"], smi.to_int(r["ecc.errors.uncorrected.volatile.total"])) == ("Enabled", "Enabled", 0)
    assert [smi.to_int(r[f]) for f in ("pcie.link.gen.max", "pcie.link.width.max", "pcie.link.gen.current", "pcie.link.width.current")] == [5, 16, 5, 16]
    assert smi.to_float(r["power.limit"]) == 700.0
    assert smi.check_smi_pci_order(rows) == (True, "0=0000:00:06.0")
    assert smi.map_visible("0", rows) == rows and smi.map_visible(UUID[:12], rows) == rows


def test_smi_header_real():
    h = smi.parse_smi_header(fixture(M, "nvidia_smi.txt"))
    assert h == {"driver": "580.159.04", "cuda": "13.0", "smi": "580.159.04"}


def test_topo_single_gpu_with_ansi_and_empty_gpu_numa_cell():
    text = fixture(M, "topo_m.txt")
    assert "\x1b[4m" in text and "\t0\t\tN/A" in text  # as printed: underline codes, empty cell before N/A
    t = smi.parse_topo_matrix(text)
    assert t["columns"] == ["GPU0"] and t["gpus"] == ["GPU0"]
    assert t["links"] == {"GPU0": {}}
    assert t["cpu_affinity"] == {"GPU0": "0-15"} and t["numa_affinity"] == {"GPU0": "0"}


def test_kernel_log_has_nvrm_lines_but_no_xid():
    text = fixture(M, "kernel_nvrm.txt")
    assert "NVRM: loading NVIDIA UNIX Open Kernel Module for x86_64  580.159.04" in text
    assert "FBHUB Interrupt detected" in text  # an NVRM line that is not an Xid
    assert smi.parse_xid_lines(text) == []


def test_remapped_rows_clean():
    rec = next(csv.reader(io.StringIO(fixture(M, "remapped_rows.csv")), skipinitialspace=True))
    assert rec == ["00000000:00:06.0", UUID, "0", "0", "No", "No"]


def test_query_stress_samples_only_sw_power_cap():
    rows = smi.parse_query_csv(fixture(M, "query_stress.csv"), smi.STRESS_BASE_FIELDS)
    assert len(rows) == 3
    for r in rows:
        # R580 answers both the new and the legacy name with the same mask
        assert r["clocks_event_reasons.active"] == r["clocks_throttle_reasons.active"] == "0x0000000000000004"
        assert smi.decode_throttle_reasons(r["clocks_event_reasons.active"]) == ["sw_power_cap"]
        s = stress.sample_row(0.0, 0, r, 1)
        assert s["throttle_reasons"] == "sw_power_cap" and s["power_limit_w"] == 700.0 and s["sm_clock_max_mhz"] == 1980.0


# ---------------------------------------------------------------- gpu_check against the recording
def test_gpu_check_smi_side_passes_on_real_recording(capsys, monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    code = gpu_check.main(["--json", "--no-torch", "--expect", "1"], runner=FakeSmi(M))
    d = json.loads(capsys.readouterr().out)
    c = by_id(d)
    assert code == 0 and d["failures"] == [] and d["warnings"] == []
    assert c["gpu0.model"]["value"] == "H200"  # not "H200 NVL"
    assert c["gpu0.compute_cap"]["status"] == "PASS" and c["gpu0.compute_cap"]["value"] == "9.0"
    assert c["gpu0.xid"]["status"] == "PASS" and c["gpu0.pcie"]["status"] == "PASS"
    assert c["topology"]["detail"] == "GPU-GPU links: single GPU"
    assert d["env"]["driver"] == "580.159.04" and d["env"]["driver_cuda"] == "13.0"


def _tinfo_from_recorded(d):
    """torch-side inputs of gpu_check.evaluate, rebuilt from the recorded JSON and env.txt."""
    g = d["measurements"]["gpus"][0]
    env = fixture(M, "env.txt")
    arch = env.split("arch: ", 1)[1].splitlines()[0]
    return {
        "available": True,
        "env": {k: d["env"][k] for k in ("torch", "torch_cuda", "nccl")},
        "arch_list": json.loads(arch.replace("'", '"')),
        "devices": [{"index": 0, "name": g["torch_name"], "cc": g["compute_cap"], "uuid": g["uuid"], "pci": None}],
        "probes": {0: {"index": 0, "matmul_rel_err": g["matmul_rel_err"], "matmul_finite": True, "bf16_tflops": g["bf16_tflops"], "matmul_n": 8192, "d2d_GBps": g["d2d_GBps"], "h2d_GBps": g["h2d_GBps"], "d2h_GBps": g["d2h_GBps"]}},
        "peer": [[True]],
    }


def test_gpu_check_replay_reproduces_every_recorded_verdict():
    d = doc("gpu_check")
    rep = cl.Report("gpu_check")
    gpu_check.evaluate(rep, gpu_check.collect_smi(FakeSmi(M)), _tinfo_from_recorded(d), gpu_check.parse_args(["--expect", "1"]), None)
    assert [(c["id"], c["status"]) for c in rep.checks] == [(c["id"], c["status"]) for c in d["checks"]]
    got, want = by_id(rep.to_dict()), by_id(d)
    for cid in ("gpu0.matmul_bf16", "gpu0.d2d_bw", "gpu0.h2d_bw", "gpu0.d2h_bw"):
        assert got[cid]["value"] == want[cid]["value"] and got[cid]["threshold"] == want[cid]["threshold"]


def test_recorded_gpu_check_figures():
    d = doc("gpu_check")
    c = by_id(d)
    assert d["status"] == "pass" and d["summary"] == {"pass": 18, "warn": 0, "fail": 0, "info": 1, "skip": 0}
    assert c["gpu0.compute_cap"]["value"] == "9.0" and c["gpu0.model"]["value"] == "H200"
    assert c["gpu0.matmul_bf16"]["value"] == pytest.approx(708.62) and c["gpu0.matmul_bf16"]["status"] == "PASS"
    assert c["gpu0.d2d_bw"]["value"] == pytest.approx(4232.74) and c["gpu0.d2d_bw"]["status"] == "PASS"
    assert c["gpu0.torch_map"]["status"] == "PASS" and UUID in c["gpu0.torch_map"]["detail"]
    assert c["cuda.version"]["value"] == "13.0" and c["cuda.version"]["threshold"] == "13.0"
    assert d["env"]["torch"] == "2.11.0+cu130" and d["env"]["nccl"] == "2.28.9"
    assert "p2p.access" not in c  # one GPU: no peer checks


# ---------------------------------------------------------------- thresholds on measured H200 figures
def test_h200_thresholds_pass_measured_figures_with_margin():
    e = th.lookup("NVIDIA H200")
    assert e["model"] == "H200" and e["compute_cap"] == "9.0" and e["memory_mib"] == 143771
    assert smi.version_ge("580.159.04", e["min_driver"])
    measured = {"bf16_tflops": 708.62, "d2d_GBps": 4232.74, "h2d_GBps": 55.4, "d2h_GBps": 55.21}
    for metric, v in measured.items():
        b = th.bounds(e, metric, 0.0)
        assert th.judge(v, b) == cl.PASS, metric
        assert v > b["warn_below"] * 1.1, metric  # >=10 % above the WARN line, not a near miss
    # the slowest figures of the critpath run (task log / results) pass too
    assert th.judge(686.71, th.bounds(e, "bf16_tflops", 0.0)) == cl.PASS
    assert th.judge(657.64, th.bounds(e, "bf16_tflops", 0.0)) == cl.PASS  # stress average under the 700 W cap


# ---------------------------------------------------------------- the JSON contract of every recorded output
@pytest.mark.parametrize("name", SCRIPTS_JSON)
def test_recorded_json_contract(name):
    d = doc(name)
    for key in ("script", "schema_version", "status", "ok", "exit_code", "error", "summary", "failures", "warnings", "checks", "measurements", "env", "timestamp", "duration_s"):
        assert key in d, key
    assert d["schema_version"] == cl.SCHEMA_VERSION and d["status"] == "pass" and d["ok"] is True and d["exit_code"] == 0 and d["error"] is None
    assert all(c["status"] in cl.STATUSES for c in d["checks"])
    assert d["summary"] == {s.lower(): sum(1 for c in d["checks"] if c["status"] == s) for s in cl.STATUSES}
    assert d["failures"] == [] and d["warnings"] == [c["id"] for c in d["checks"] if c["status"] == "WARN"]
    assert d["env"]["CUDA_VISIBLE_DEVICES"] is None and d["env"]["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID"
    # stderr holds the human lines: one per check, then the summary line
    err = fixture(M, name + ".json.stderr").splitlines()
    human = [ln for ln in err if ln.split(" ", 1)[0] in cl.STATUSES]
    assert [ln.split(":", 1)[0] for ln in human] == [f"{c['status']} {c['id']}" for c in d["checks"]]
    s = d["summary"]
    assert err[-1] == f"{s['pass']} passed, {s['warn']} warned, {s['fail']} failed"


def test_rc_txt_all_zero():
    rc = dict(line.split() for line in fixture(M, "rc.txt").splitlines())
    assert rc == {k: "0" for k in ("nvidia_smi", "query_gpu", "topo_m", "nvidia_smi_q", "remapped_rows", "kernel_nvrm", "gpu_check", "ddp_check_torchrun", "ddp_check_spawn", "inference_check", "stress")}


def test_inference_recorded_is_labelled_fallback_not_vllm():
    d = doc("inference_check")
    m, c = d["measurements"], by_id(d)
    assert m["is_vllm"] is False and m["fallback"] is True and m["engine"] == "fallback-transformers-llama-random"
    assert c["engine"]["status"] == "WARN" and "NOT vLLM" in c["engine"]["detail"]
    assert c["fallback.cuda0.determinism"]["status"] == "PASS" and m["devices"][0]["deterministic"] is True
    assert c["fallback.cuda0.throughput"]["value"] == 2854.5 and "FALLBACK" in c["fallback.cuda0.throughput"]["detail"]


# ---------------------------------------------------------------- ddp_check: world size 1 on real NCCL
@pytest.mark.parametrize("name", ["ddp_check_torchrun", "ddp_check_spawn"])
def test_ddp_recorded_world_size_1(name):
    d = doc(name)
    m, c = d["measurements"], by_id(d)
    assert m["world_size"] == 1 and m["backend"] == "nccl" and d["env"]["nccl"] == "2.28.9"
    assert c["env"]["status"] == "WARN" and "checks nothing distributed" in c["env"]["detail"]
    assert m["ddp"]["max_rank_diff"] == 0.0 and m["ddp"]["max_ref_diff"] == 0.0 and m["ddp"]["losses"] == m["ddp"]["ref_losses"]
    assert all(r["busbw_GBps"] == 0.0 for r in m["allreduce"])
    # one rank moves no data: 1 GiB "all-reduced" in ~25-30 us, i.e. >30,000 GB/s, far above any HBM bandwidth
    assert m["allreduce"][-1]["algbw_GBps"] > 30000


@pytest.mark.parametrize("name", ["ddp_check_torchrun", "ddp_check_spawn"])
def test_ddp_world1_replay_does_not_call_algbw_a_bandwidth(name):
    """Regression: the recorded detail read 'busbw 0.00 GB/s, algbw 42483.38 GB/s at 1GiB'."""
    d = doc(name)
    m = d["measurements"]
    args = ddp_check.parse_args([])
    coll = {"allreduce": [{"dtype": "float32", "size": "4KiB", "ok": True}], "broadcast_ok": True, "allgather_ok": True}
    ddp = dict(m["ddp"], ref_ok=True)
    rep = ddp_check.build_report(args, 1, "nccl", True, m["ranks"], coll, m["allreduce"], ddp, {"nccl": d["env"]["nccl"]})
    c = by_id(rep.to_dict())
    assert c["allreduce.busbw"]["status"] == "INFO" and c["allreduce.busbw"]["value"] == 0.0
    assert "not a bandwidth" in c["allreduce.busbw"]["detail"] and "busbw is 0 by definition" in c["allreduce.busbw"]["detail"]
    assert [(x["id"], x["status"]) for x in rep.checks] == [(x["id"], x["status"]) for x in d["checks"]]


@pytest.mark.parametrize("name", ["ddp_check_torchrun", "ddp_check_spawn"])
def test_ddp_recorded_duration_was_broken(name):
    """What the recording revealed: duration_s ~0 although the launcher ran 9-16 s (fixed; see test_ddp_check)."""
    d = doc(name)
    assert d["duration_s"] < 0.01 and d["measurements"]["launcher"]["wall_s"] > 5


# ---------------------------------------------------------------- stress: the recorded sample log
def _stress_log():
    with open(os.path.join(FIXTURES, M, "stress_log.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    num = lambda v: None if v == "" else float(v)  # noqa: E731
    out = []
    for r in rows:
        s = {k: num(r[k]) for k in ("time_s", "temperature_c", "sm_clock_mhz", "sm_clock_max_mhz", "power_w", "power_limit_w", "util_pct", "mem_used_mib")}
        s.update(torch_index=int(r["torch_index"]), physical_index=int(r["physical_index"]), iterations=int(r["iterations"]), throttle_mask=r["throttle_mask"], throttle_reasons=r["throttle_reasons"])
        out.append(s)
    return rows, out


def test_stress_log_columns_and_samples():
    rows, samples = _stress_log()
    # the recording predates the counter columns
    assert list(rows[0]) == [c for c in stress.CSV_COLUMNS if c not in stress.COUNTER_COLUMNS.values()]
    assert len(samples) == doc("stress")["checks"][0]["value"] == 13
    first = samples[0]
    assert first["iterations"] == 0 and first["util_pct"] == 0.0 and first["sm_clock_mhz"] == 1980.0  # taken as the burn starts
    assert all(s["throttle_reasons"] == "sw_power_cap" and s["util_pct"] == 100.0 for s in samples[1:])


def test_stress_replay_verdicts_and_under_load_figures():
    d = doc("stress")
    _, samples = _stress_log()
    g = d["measurements"]["gpus"][0]
    w = {k: g[k] for k in ("torch_index", "name", "iterations", "tflops", "verifications", "mismatches")}
    rep = cl.Report("stress")
    stress.evaluate(rep, samples, [dict(w, max_rel_diff=0.0)], {0: []}, stress.parse_args(["--minutes", "1", "--interval", "5"]))
    # Same verdicts as recorded, except throttle: the recording has no clock-event counters, so the
    # current rule can only judge the sampled flags and says so with a WARN (it was PASS).
    recorded = [(c["id"], c["status"]) for c in d["checks"]]
    assert ("stress0.throttle", "PASS") in recorded
    expected = [(i, "WARN" if i == "stress0.throttle" else st) for i, st in recorded]
    assert [(c["id"], c["status"]) for c in rep.checks] == expected
    c = by_id(rep.to_dict())
    assert c["stress0.temperature"]["value"] == 63.0 and c["stress0.throttle"]["value"] == {"sampled": {"sw_power_cap": 12}, "counter_s": None}
    assert "no clock-event counters" in c["stress0.throttle"]["detail"]
    got = rep.measurements["gpus"][0]
    assert got["temp_max_c"] == g["temp_max_c"] == 63.0 and got["power_max_w"] == g["power_max_w"]
    assert got["sm_clock_min_mhz"] == g["sm_clock_min_mhz"] == 1470.0
    # regression: the recorded mean (1530.0) included the idle first sample at 1980 MHz
    assert g["sm_clock_mean_mhz"] == 1530.0
    assert got["sm_clock_mean_mhz"] == pytest.approx(sum(s["sm_clock_mhz"] for s in samples[1:]) / 12, abs=0.05) == pytest.approx(1492.5)
    assert got["samples"] == 13 and got["samples_under_load"] == 12
    assert "mean under load 61.2 C" in c["stress0.temperature"]["detail"]
