import pytest

import thresholds as th


@pytest.mark.parametrize(
    "name,model",
    [
        ("NVIDIA GeForce RTX 5090", "RTX 5090"),
        ("NVIDIA H200", "H200"),
        ("NVIDIA H200 NVL", "H200 NVL"),
        ("NVIDIA H100 80GB HBM3", "H100"),
        ("NVIDIA H100 PCIe", "H100 PCIe"),
        ("NVIDIA H100 NVL", "H100 NVL"),
    ],
)
def test_lookup(name, model):
    assert th.lookup(name)["model"] == model


@pytest.mark.parametrize("name", ["Tesla V100-SXM2-32GB", "NVIDIA GeForce RTX 4090", "", None])
def test_unknown_models(name):
    assert th.lookup(name) is None


def test_table_entries_complete():
    keys = {"model", "match", "compute_cap", "memory_mib", "min_driver", "interconnect", "peer_access_expected", "pcie", "metrics"}
    for m in th.MODELS:
        assert keys <= set(m), m["model"]
        for metric in ("bf16_tflops", "d2d_GBps", "h2d_GBps", "d2h_GBps", "p2p_GBps", "allreduce_busbw_GBps"):
            spec = m["metrics"][metric]
            assert 0 < spec["fail_below"] < spec["warn_below"] < 1


def test_bounds_and_tolerance():
    e = th.lookup("NVIDIA GeForce RTX 5090")
    b = th.bounds(e, "bf16_tflops")
    assert b["spec"] == 209.5
    assert b["fail_below"] == pytest.approx(209.5 * 0.45, abs=1e-3)
    b2 = th.bounds(e, "bf16_tflops", tolerance=0.2)
    assert b2["fail_below"] == pytest.approx(b["fail_below"] * 0.8, abs=1e-3)
    assert b2["warn_below"] == pytest.approx(b["warn_below"] * 0.8, abs=1e-3)
    assert th.bounds(e, "no_such_metric") is None
    with pytest.raises(ValueError):
        th.bounds(e, "bf16_tflops", tolerance=1.0)


def test_judge():
    b = {"spec": 100.0, "fail_below": 40.0, "warn_below": 60.0, "unit": "x"}
    assert th.judge(39.9, b) == "FAIL"
    assert th.judge(40.0, b) == "WARN"
    assert th.judge(60.0, b) == "PASS"
    assert th.judge(None, b) == "INFO"
    assert th.judge(50.0, None) == "INFO"


def test_h200_realistic_figures_pass():
    e = th.lookup("NVIDIA H200")
    # figures in the range a healthy HGX H200 measures (bf16 matmul ~650-750, HBM copy ~3.5-4 TB/s)
    assert th.judge(680.0, th.bounds(e, "bf16_tflops")) == "PASS"
    assert th.judge(3600.0, th.bounds(e, "d2d_GBps")) == "PASS"
    assert th.judge(55.0, th.bounds(e, "h2d_GBps")) == "PASS"
    assert th.judge(350.0, th.bounds(e, "p2p_GBps")) == "PASS"
