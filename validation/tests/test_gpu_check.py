"""gpu_check: evaluation of nvidia-smi data and torch probe results, JSON contract, exit codes."""

import json
import os
import subprocess
import sys

import pytest

import checklib as cl
import gpu_check
from fakesmi import FakeSmi

SCRIPT = gpu_check.__file__


def run_main(capsys, machine, argv, monkeypatch, cvd=None, **fake_kw):
    if cvd is None:
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    else:
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", cvd)
    code = gpu_check.main(["--json", "--no-torch", *argv], runner=FakeSmi(machine, **fake_kw))
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def by_id(doc):
    return {c["id"]: c for c in doc["checks"]}


def test_h200_all_pass_json_contract(capsys, monkeypatch):
    code, doc, err = run_main(capsys, "h200x8", ["--expect", "8"], monkeypatch)
    assert code == 0
    for key in ("script", "schema_version", "status", "ok", "exit_code", "error", "summary", "failures", "warnings", "checks", "measurements", "env", "timestamp", "duration_s"):
        assert key in doc
    assert doc["script"] == "gpu_check" and doc["status"] == "pass" and doc["ok"] is True and doc["exit_code"] == 0
    assert doc["env"]["driver"] == "570.124.06" and doc["env"]["driver_cuda"] == "12.8"
    assert len(doc["measurements"]["gpus"]) == 8
    assert doc["measurements"]["gpus"][4]["pci_bus_id"] == "0000:9a:00.0"
    assert doc["measurements"]["topology"]["links"]["GPU0-GPU7"] == "NV18"
    c = by_id(doc)
    assert c["gpu.count"]["status"] == "PASS" and c["gpu.count"]["value"] == 8
    assert c["smi.pci_order"]["status"] == "PASS"
    assert all(ch["status"] in cl.STATUSES for ch in doc["checks"])
    assert err.strip().splitlines()[-1] == f"{doc['summary']['pass']} passed, 0 warned, 0 failed"


def test_wrong_count_fails(capsys, monkeypatch):
    code, doc, _ = run_main(capsys, "h200x8", ["--expect", "4"], monkeypatch)
    assert code == 1 and doc["status"] == "fail" and "gpu.count" in doc["failures"]


def test_cuda_visible_devices_maps_physical_gpus(capsys, monkeypatch):
    code, doc, _ = run_main(capsys, "h200x8", ["--expect", "2"], monkeypatch, cvd="5,2")
    assert code == 0
    g = doc["measurements"]["gpus"]
    assert [x["physical_index"] for x in g] == [5, 2]
    assert g[0]["pci_bus_id"] == "0000:ab:00.0"
    assert list(doc["measurements"]["topology"]["links"]) == ["GPU5-GPU2"]
    assert doc["env"]["CUDA_VISIBLE_DEVICES"] == "5,2"


def test_bad_cuda_visible_devices_fails(capsys, monkeypatch):
    code, doc, _ = run_main(capsys, "h200x8", [], monkeypatch, cvd="12")
    assert code == 1 and "gpu.visible" in doc["failures"]


def test_rtx5090_xids_fail_and_geforce_ecc_is_info(capsys, monkeypatch):
    code, doc, _ = run_main(capsys, "rtx5090x4", ["--expect", "4"], monkeypatch)
    c = by_id(doc)
    assert code == 1
    assert set(doc["failures"]) == {"gpu2.xid", "gpu3.xid"}
    assert "79" in c["gpu2.xid"]["detail"] and "13" in c["gpu3.xid"]["detail"]
    assert c["gpu0.ecc"]["status"] == "INFO"
    assert c["gpu0.compute_cap"]["status"] == "PASS" and c["gpu0.model"]["value"] == "RTX 5090"
    assert c["driver.version"]["threshold"] == "570.26"
    assert c["gpu1.pcie"]["status"] == "PASS"


def test_unreadable_kernel_log_is_info(capsys, monkeypatch):
    code, doc, _ = run_main(capsys, "rtx5090x4", [], monkeypatch, kernel_log=False)
    assert code == 0
    assert by_id(doc)["gpu2.xid"]["status"] == "INFO"


def test_unknown_model_warns_but_passes(capsys, monkeypatch):
    from fakesmi import fixture

    q = fixture("h200x8", "query_gpu.csv").replace("NVIDIA H200", "Tesla V100-SXM2-32GB").replace(", 9.0,", ", 7.0,")
    code, doc, _ = run_main(capsys, "h200x8", [], monkeypatch, query=q)
    c = by_id(doc)
    assert code == 0
    assert c["gpu0.model"]["status"] == "WARN" and c["gpu0.model"]["value"] == "unknown model"
    assert c["gpu0.compute_cap"]["status"] == "INFO"
    assert c["driver.version"]["status"] == "INFO"


def test_old_driver_and_persistence_off(capsys, monkeypatch):
    from fakesmi import fixture

    q = fixture("rtx5090x4", "query_gpu.csv").replace("580.95.05", "565.57.01").replace("Enabled", "Disabled")
    code, doc, _ = run_main(capsys, "rtx5090x4", ["--min-driver", "570.26"], monkeypatch, query=q, kernel_log=False)
    c = by_id(doc)
    assert code == 1 and "driver.version" in doc["failures"]
    assert c["gpu0.persistence"]["status"] == "WARN"


def test_nvidia_smi_missing_exit_2(capsys, monkeypatch):
    code, doc, _ = run_main(capsys, "h200x8", [], monkeypatch, missing=True)
    assert code == 2 and doc["status"] == "cannot_run" and "nvidia-smi" in doc["error"]


# ---------------- torch-side evaluation with synthetic probe results ----------------
def _evaluate(machine, tinfo, argv=(), cvd=None):
    smi_data = gpu_check.collect_smi(FakeSmi(machine))
    args = gpu_check.parse_args(list(argv))
    rep = cl.Report("gpu_check")
    gpu_check.evaluate(rep, smi_data, tinfo, args, cvd)
    return rep, {c["id"]: c for c in rep.checks}


def _tinfo(machine, n, tflops, peer=True, p2p_gbps=380.0, torch_cuda="12.8", arch=None, uuids=None):
    from fakesmi import fixture
    import smi

    rows = smi.parse_query_csv(fixture(machine, "query_gpu.csv"), smi.GPU_CHECK_FIELDS)
    cc = rows[0]["compute_cap"]
    devs = [{"index": i, "name": rows[i]["name"], "cc": cc, "uuid": (uuids or [r["uuid"] for r in rows])[i], "pci": None} for i in range(n)]
    probes = {i: {"index": i, "matmul_rel_err": 3e-3, "matmul_finite": True, "bf16_tflops": tflops, "matmul_n": 8192, "d2d_GBps": 3700.0, "h2d_GBps": 55.0, "d2h_GBps": 53.0} for i in range(n)}
    return {
        "available": True,
        "env": {"torch": "2.7.1", "torch_cuda": torch_cuda, "nccl": "2.26.2"},
        "arch_list": arch or ["sm_80", "sm_90", "sm_100", "sm_120", "compute_120"],
        "devices": devs,
        "probes": probes,
        "peer": [[i == j or peer for j in range(n)] for i in range(n)],
        "p2p": {"pairs": {f"{i}->{j}": p2p_gbps for i in range(n) for j in range(n) if i != j}},
    }


def test_h200_probe_results_pass():
    rep, c = _evaluate("h200x8", _tinfo("h200x8", 8, 700.0))
    assert rep.exit_code() == 0, rep.ids("FAIL")
    assert c["gpu0.matmul_bf16"]["status"] == "PASS" and c["gpu0.matmul_bf16"]["unit"] == "TFLOP/s"
    assert c["gpu0.torch_map"]["status"] == "PASS"
    assert c["p2p.access"]["status"] == "PASS"
    assert c["p2p.0-7"]["status"] == "PASS"
    assert c["torch.cuda"]["status"] == "PASS"
    assert c["cuda.version"]["status"] == "PASS"
    assert len([k for k in c if k.startswith("p2p.") and "-" in k]) == 28
    assert rep.measurements["gpus"][0]["bf16_tflops"] == 700.0


def test_slow_matmul_fails_and_tolerance_loosens():
    rep, c = _evaluate("h200x8", _tinfo("h200x8", 8, 350.0))
    assert c["gpu0.matmul_bf16"]["status"] == "FAIL"
    rep, c = _evaluate("h200x8", _tinfo("h200x8", 8, 350.0), ["--tolerance", "0.2"])
    assert c["gpu0.matmul_bf16"]["status"] == "WARN"


def test_matmul_wrong_result_fails_even_if_fast():
    t = _tinfo("h200x8", 8, 800.0)
    t["probes"][3]["matmul_rel_err"] = 0.5
    rep, c = _evaluate("h200x8", t)
    assert c["gpu3.matmul_bf16"]["status"] == "FAIL"


def test_probe_timeout_is_fail():
    t = _tinfo("h200x8", 8, 700.0)
    t["probes"][1] = {"error": "probe timed out after 180s (GPU hung?)"}
    rep, c = _evaluate("h200x8", t)
    assert c["gpu1.probe"]["status"] == "FAIL"


def test_peer_access_h200_required_rtx5090_info():
    rep, c = _evaluate("h200x8", _tinfo("h200x8", 8, 700.0, peer=False))
    assert c["p2p.access"]["status"] == "FAIL"
    rep, c = _evaluate("rtx5090x4", _tinfo("rtx5090x4", 4, 150.0, peer=False, p2p_gbps=20.0, torch_cuda="12.8"))
    assert c["p2p.access"]["status"] == "INFO"
    assert c["p2p.0-1"]["status"] == "PASS"
    assert c["gpu0.matmul_bf16"]["status"] == "PASS"


def test_torch_uuid_mismatch_fails():
    from fakesmi import fixture
    import smi

    rows = smi.parse_query_csv(fixture("h200x8", "query_gpu.csv"), smi.GPU_CHECK_FIELDS)
    uu = [r["uuid"] for r in rows]
    uu[0], uu[1] = uu[1], uu[0]
    rep, c = _evaluate("h200x8", _tinfo("h200x8", 8, 700.0, uuids=uu))
    assert c["gpu0.torch_map"]["status"] == "FAIL" and c["gpu2.torch_map"]["status"] == "PASS"


def test_torch_map_with_cuda_visible_devices():
    from fakesmi import fixture
    import smi

    rows = smi.parse_query_csv(fixture("h200x8", "query_gpu.csv"), smi.GPU_CHECK_FIELDS)
    t = _tinfo("h200x8", 2, 700.0, uuids=[rows[6]["uuid"], rows[3]["uuid"]])
    rep, c = _evaluate("h200x8", t, ["--expect", "2"], cvd="6,3")
    assert rep.exit_code() == 0, rep.ids("FAIL")
    assert c["gpu0.torch_map"]["status"] == "PASS" and "p2p.0-1" in c


def test_arch_list_without_sm120_fails_ptx_only_warns():
    rep, c = _evaluate("rtx5090x4", _tinfo("rtx5090x4", 4, 150.0, peer=False, p2p_gbps=20.0, arch=["sm_80", "sm_90", "compute_90"]))
    assert c["gpu0.arch"]["status"] == "WARN"
    rep, c = _evaluate("rtx5090x4", _tinfo("rtx5090x4", 4, 150.0, peer=False, p2p_gbps=20.0, arch=["sm_80", "sm_90"]))
    assert c["gpu0.arch"]["status"] == "FAIL"


@pytest.mark.parametrize("torch_cuda,status", [("12.8", "PASS"), ("12.9", "WARN"), ("13.0", "FAIL")])
def test_driver_cuda_vs_torch_cuda(torch_cuda, status):
    rep, c = _evaluate("h200x8", _tinfo("h200x8", 8, 700.0, torch_cuda=torch_cuda))
    assert c["cuda.version"]["status"] == status


def test_torch_without_cuda_fails():
    rep, c = _evaluate("h200x8", {"available": False, "env": {"torch": "2.7.1", "torch_cuda": None}})
    assert c["torch.cuda"]["status"] == "FAIL"


# ---------------- as a program, with the fake nvidia-smi on PATH ----------------
def test_cli_stdout_is_pure_json_and_exit_codes(fake_path_env):
    env = dict(fake_path_env, FAKE_SMI_MACHINE="rtx5090x4")
    p = subprocess.run([sys.executable, SCRIPT, "--json", "--no-torch", "--expect", "4"], env=env, capture_output=True, text=True, timeout=60)
    doc = json.loads(p.stdout)
    assert p.returncode == 1 == doc["exit_code"]
    assert "FAIL gpu2.xid" in p.stderr
    env["FAKE_SMI_MACHINE"] = "h200x8"
    p = subprocess.run([sys.executable, SCRIPT, "--no-torch", "--expect", "8"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0
    assert p.stdout.strip().splitlines()[-1].endswith("0 warned, 0 failed")


def test_cli_no_nvidia_smi_exit_2(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))
    p = subprocess.run([sys.executable, SCRIPT, "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and json.loads(p.stdout)["status"] == "cannot_run"


@pytest.mark.skipif(not __import__("conftest").torch_available(), reason="needs torch")
def test_cli_torch_without_gpu_is_fail(fake_path_env):
    """nvidia-smi lists GPUs but torch has no CUDA (CI: CPU torch) -> torch.cuda FAIL, exit 1."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("machine has a GPU")
    env = dict(fake_path_env, FAKE_SMI_MACHINE="h200x8")
    p = subprocess.run([sys.executable, SCRIPT, "--json"], env=env, capture_output=True, text=True, timeout=120)
    doc = json.loads(p.stdout)
    assert p.returncode == 1 and "torch.cuda" in doc["failures"]
    assert doc["env"]["CUDA_DEVICE_ORDER"] == "PCI_BUS_ID"
