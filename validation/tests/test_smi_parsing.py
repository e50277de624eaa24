"""Pure parsers of nvidia-smi / kernel-log text, against fixture files."""

import pytest

import smi
from fakesmi import FakeSmi, fixture


def _rows(machine):
    return smi.parse_query_csv(fixture(machine, "query_gpu.csv"), smi.GPU_CHECK_FIELDS)


def test_query_csv_h200():
    rows = _rows("h200x8")
    assert len(rows) == 8
    r = rows[0]
    assert r["name"] == "NVIDIA H200"
    assert r["compute_cap"] == "9.0"
    assert r["pci.bus_id"] == "00000000:18:00.0"
    assert smi.to_int(r["memory.total"]) == 143771
    assert smi.to_float(r["power.limit"]) == 700.0
    assert r["persistence_mode"] == "Enabled"


def test_query_csv_rtx5090_na_values_become_none():
    rows = _rows("rtx5090x4")
    assert len(rows) == 4
    assert rows[0]["name"] == "NVIDIA GeForce RTX 5090"
    assert rows[0]["compute_cap"] == "12.0"
    assert rows[0]["ecc.mode.current"] is None
    assert rows[0]["ecc.errors.uncorrected.volatile.total"] is None


def test_query_csv_column_mismatch_raises():
    with pytest.raises(ValueError):
        smi.parse_query_csv("0, GPU-x, 00000000:18:00.0\n", smi.GPU_CHECK_FIELDS)


def test_query_csv_skips_blank_lines():
    assert smi.parse_query_csv("\n0, a\n\n1, b\n", ["index", "name"]) == [{"index": "0", "name": "a"}, {"index": "1", "name": "b"}]


def test_invalid_field_message():
    assert smi.invalid_field_from_error(fixture("misc", "invalid_field.stderr")) == "clocks_event_reasons.active"
    assert smi.invalid_field_from_error("No devices were found") is None


def test_query_gpus_drops_rejected_fields_and_retries():
    # a driver that knows neither the new mask name nor the clock-event counters
    fake = FakeSmi("rtx5090x4", reject=["clocks_event_reasons.active", *smi.STRESS_COUNTER_FIELDS])
    rows, dropped = smi.query_gpus(smi.STRESS_FIELDS, fake)
    assert dropped == ["clocks_event_reasons.active", *smi.STRESS_COUNTER_FIELDS]
    assert len(rows) == 12  # 3 samples x 4 GPUs in the stress fixture
    assert rows[0]["clocks_event_reasons.active"] is None
    assert rows[0]["clocks_throttle_reasons.active"] == "0x0000000000000000"
    assert len(fake.calls) == 6
    assert all(rows[0][f] is None for f in smi.STRESS_COUNTER_FIELDS)


def test_query_gpus_other_error_raises():
    def runner(argv, timeout):
        return 6, "No devices were found\n", ""

    with pytest.raises(smi.SmiError, match="No devices"):
        smi.query_gpus(smi.GPU_CHECK_FIELDS, runner)


@pytest.mark.parametrize("machine,driver,cuda", [("h200x8", "570.124.06", "12.8"), ("rtx5090x4", "580.95.05", "13.0")])
def test_smi_header(machine, driver, cuda):
    h = smi.parse_smi_header(fixture(machine, "nvidia_smi.txt"))
    assert h["driver"] == driver and h["cuda"] == cuda and h["smi"] == driver


def test_topo_h200_nvlink_matrix_with_nics_and_ansi():
    t = smi.parse_topo_matrix(fixture("h200x8", "topo_m.txt"))
    assert t["gpus"] == [f"GPU{i}" for i in range(8)]
    assert t["columns"][-4:] == ["NIC0", "NIC1", "NIC2", "NIC3"]
    for a in t["gpus"]:
        for b in t["gpus"]:
            if a != b:
                assert t["links"][a][b] == "NV18"
                assert smi.link_kind(t["links"][a][b]) == "nvlink"
    assert t["links"]["GPU0"]["NIC0"] == "PIX"
    assert t["cpu_affinity"]["GPU0"] == "0-47,96-143"
    assert t["numa_affinity"]["GPU7"] == "1"


def test_topo_rtx5090_pcie():
    t = smi.parse_topo_matrix(fixture("rtx5090x4", "topo_m.txt"))
    assert t["gpus"] == ["GPU0", "GPU1", "GPU2", "GPU3"]
    assert t["links"]["GPU1"]["GPU3"] == "NODE"
    assert smi.link_kind("NODE") == "pcie" and smi.link_kind("X") == "self" and smi.link_kind(None) == "unknown"


def test_topo_garbage_raises():
    with pytest.raises(ValueError):
        smi.parse_topo_matrix("nothing here")


@pytest.mark.parametrize(
    "raw,norm",
    [("00000000:18:00.0", "0000:18:00.0"), ("0000:DB:00.0", "0000:db:00.0"), ("0000:41:00", "0000:41:00.0"), ("18:00.0", "0000:18:00.0"), ("junk", None), (None, None)],
)
def test_bus_ids(raw, norm):
    assert smi.normalize_bus_id(raw) == norm


def test_pci_order_ok_and_swapped():
    rows = _rows("h200x8")
    ok, detail = smi.check_smi_pci_order(rows)
    assert ok and "0=0000:18:00.0" in detail
    rows[0]["index"], rows[1]["index"] = "1", "0"
    ok, _ = smi.check_smi_pci_order(rows)
    assert not ok


def test_cuda_visible_devices_parsing():
    assert smi.parse_cuda_visible_devices(None) is None
    assert smi.parse_cuda_visible_devices("") == []
    assert smi.parse_cuda_visible_devices("0,2") == ["0", "2"]
    assert smi.parse_cuda_visible_devices("1,-1,2") == ["1"]  # CUDA stops at the first negative entry


def test_map_visible_all_ints_uuid():
    rows = _rows("h200x8")
    assert [r["index"] for r in smi.map_visible(None, rows)] == [str(i) for i in range(8)]
    assert [r["index"] for r in smi.map_visible("3,1", rows)] == ["3", "1"]
    assert smi.map_visible("GPU-8e2d4b71", rows)[0]["index"] == "1"
    assert smi.map_visible("8e2d4b71-1a3c-4f5e-b6d7-2c8e9f0a1b52", rows)[0]["index"] == "1"
    assert smi.map_visible("", rows) == []


@pytest.mark.parametrize("cvd", ["9", "GPU-ffff", "MIG-GPU-3f1c9a52/1/0"])
def test_map_visible_errors(cvd):
    with pytest.raises(ValueError):
        smi.map_visible(cvd, _rows("h200x8"))


def test_map_visible_uses_pci_order_not_smi_index():
    rows = _rows("rtx5090x4")
    rows.reverse()
    assert smi.map_visible("0", rows)[0]["pci.bus_id"] == "00000000:01:00.0"


def test_throttle_decode():
    assert smi.decode_throttle_reasons("0x0000000000000000") == []
    assert smi.decode_throttle_reasons("0x0000000000000004") == ["sw_power_cap"]
    assert smi.decode_throttle_reasons("0x0000000000000060") == ["sw_thermal_slowdown", "hw_thermal_slowdown"]
    assert smi.decode_throttle_reasons("0x1000") == ["unknown_0x1000"]
    assert smi.decode_throttle_reasons(None) is None
    assert smi.decode_throttle_reasons("garbage") is None


def test_xid_parsing_and_attribution():
    xids = smi.parse_xid_lines(fixture("rtx5090x4", "kernel_nvrm.txt"))
    assert [(x["pci"], x["xid"]) for x in xids] == [("0000:41:00.0", 79), ("0000:c1:00.0", 13)]
    assert smi.xids_for_bus(xids, "00000000:41:00.0") == [79]
    assert smi.xids_for_bus(xids, "00000000:01:00.0") == []
    assert smi.parse_xid_lines(fixture("h200x8", "kernel_nvrm.txt")) == []


def test_read_kernel_log_fallback_and_unreadable():
    text, src = smi.read_kernel_log(FakeSmi("rtx5090x4"))
    assert "Xid" in text and src.startswith("journalctl")
    text, why = smi.read_kernel_log(FakeSmi("rtx5090x4", kernel_log=False))
    assert text is None and "Operation not permitted" in why


def test_versions():
    assert smi.parse_version("580.65.06") == (580, 65, 6)
    assert smi.parse_version("1.13.0a0+git") == (1, 13, 0)
    assert smi.version_ge("580.95.05", "570.26")
    assert not smi.version_ge("565.57.01", "570.26")
    assert smi.version_ge("2.26.2", "2.26.2")
    assert not smi.version_ge("2.21.5", "2.26.2")


def test_fields_cli(capsys):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, smi.__file__, "fields", "gpu_check"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == ",".join(smi.GPU_CHECK_FIELDS)
