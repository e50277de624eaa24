"""stress: sample decoding and verdicts from recorded-format nvidia-smi samples."""

import json
import os
import subprocess
import sys

import checklib as cl
import smi
import stress
from conftest import needs_torch
from fakesmi import fixture

SCRIPT = stress.__file__


def _samples(machine):
    fields = fixture(machine, "query_stress.fields").strip().split(",")
    rows = smi.parse_query_csv(fixture(machine, "query_stress.csv"), fields)
    n = len({r["uuid"] for r in rows})
    return [stress.sample_row(10.0 * (k // n), int(r["index"]), r, 1000 * (k // n)) for k, r in enumerate(rows)], n


def _workers(n, **kw):
    return [dict({"torch_index": i, "name": "gpu", "iterations": 5000, "tflops": 600.0, "verifications": 25, "mismatches": 0, "max_rel_diff": 0.0}, **kw) for i in range(n)]


def _eval(samples, workers, new_xids, argv=()):
    rep = cl.Report("stress")
    stress.evaluate(rep, samples, workers, new_xids, stress.parse_args(list(argv)))
    return rep, {c["id"]: c for c in rep.checks}


def test_sample_row_decoding():
    s, n = _samples("rtx5090x4")
    assert n == 4 and len(s) == 12
    last_gpu2 = [x for x in s if x["torch_index"] == 2][-1]
    assert last_gpu2["throttle_reasons"] == "sw_thermal_slowdown|hw_thermal_slowdown"
    assert last_gpu2["sm_clock_mhz"] == 1650.0 and last_gpu2["temperature_c"] == 92.0
    assert set(stress.CSV_COLUMNS) == set(s[0])


def _with_counters(samples, **growth_us_per_sample):
    """The recorded-format samples plus clock-event counters growing by the given microseconds per sample."""
    out, k = [], {}
    for s in samples:
        t = s["torch_index"]
        k[t] = k.get(t, -1) + 1
        extra = {col: 1e9 + growth_us_per_sample.get(name, 0) * k[t] for name, col in stress.COUNTER_COLUMNS.items()}
        out.append({**s, **extra})
    return out


def test_h200_clean_burn_without_counters_warns():
    # Recorded-format samples without the counter columns: only the sampled flags can be judged.
    s, n = _samples("h200x8")
    rep, c = _eval(s, _workers(n), {i: [] for i in range(n)})
    assert rep.exit_code() == 0, rep.ids("FAIL")
    assert c["stress0.throttle"]["status"] == "WARN" and "no clock-event counters" in c["stress0.throttle"]["detail"]
    assert "sw_power_cap x2" in c["stress0.throttle"]["detail"]
    assert c["stress0.temperature"]["value"] == 69.0
    assert rep.measurements["gpus"][0]["sm_clock_min_mhz"] == 1980.0


def test_h200_clean_burn_with_counters_passes():
    s, n = _samples("h200x8")
    rep, c = _eval(_with_counters(s, sw_power_cap=4_000_000), _workers(n), {i: [] for i in range(n)})
    assert rep.exit_code() == 0 and not rep.ids("WARN"), rep.ids("WARN")
    assert c["stress0.throttle"]["status"] == "PASS"
    assert "power capping 8.0 s" in c["stress0.throttle"]["detail"]  # 3 samples: 2 intervals x 4 s
    assert c["stress0.throttle"]["value"]["counter_s"]["hw_thermal_slowdown"] == 0.0


def test_short_hw_slowdown_between_samples_fails_on_the_counter():
    # No sample shows the flag (it lasted 0.2 s between samples), but the counter grew: FAIL.
    s, n = _samples("h200x8")
    s = _with_counters(s)
    for x in s:
        if x["torch_index"] == 1 and x is not [y for y in s if y["torch_index"] == 1][0]:
            x[stress.COUNTER_COLUMNS["hw_thermal_slowdown"]] += 200_000
    rep, c = _eval(s, _workers(n), {i: [] for i in range(n)})
    assert rep.ids("FAIL") == ["stress1.throttle"]
    assert "hw_thermal_slowdown 0.2 s" in c["stress1.throttle"]["detail"]
    assert "hw_" not in c["stress1.throttle"]["value"]["sampled"]


def test_sw_thermal_slowdown_is_a_warning():
    s, n = _samples("h200x8")
    rep, c = _eval(_with_counters(s, sw_thermal_slowdown=1_500_000), _workers(n), {i: [] for i in range(n)})
    assert rep.exit_code() == 0 and not rep.ids("FAIL")
    assert c["stress0.throttle"]["status"] == "WARN" and "software thermal slowdown" in c["stress0.throttle"]["detail"]
    assert "sw_thermal_slowdown 3.0 s" in c["stress0.throttle"]["detail"]


def test_recorded_h200x2_burn_under_the_counter_rule():
    # The 2xH200 critpath run failed stress1.throttle on 3 samples of sw_thermal_slowdown (the old rule).
    # Re-judged from its recorded CSV: a WARN, and the run recorded no counters (older stress.py).
    base = os.path.join(os.path.dirname(__file__), "fixtures", "h200x2-run", "critpath-state", "results", "validation-2gpu")
    s = stress.load_samples_csv(os.path.join(base, "stress-sample.csv"))
    recorded = json.load(open(os.path.join(base, "stress-sample.json")))
    assert recorded["failures"] == ["stress1.throttle"]
    assert len(s) == 8 and all(x[col] is None for x in s for col in stress.COUNTER_COLUMNS.values())
    v1 = stress.throttle_verdict([x for x in s if x["torch_index"] == 1])
    rc = {c["id"]: c for c in recorded["checks"]}
    assert v1["status"] == "WARN" and v1["counts"] == rc["stress1.throttle"]["value"] == {"sw_thermal_slowdown": 3}
    assert v1["deltas"] is None
    v0 = stress.throttle_verdict([x for x in s if x["torch_index"] == 0])
    assert v0["status"] == "WARN" and "no clock-event counters" in v0["detail"]
    assert v0["counts"] == rc["stress0.throttle"]["value"] == {"sw_power_cap": 3}


def test_rtx5090_thermal_throttle_and_temperature_fail():
    s, n = _samples("rtx5090x4")
    rep, c = _eval(s, _workers(n), {i: [] for i in range(n)})
    assert set(rep.ids("FAIL")) == {"stress2.throttle", "stress2.temperature"}
    assert c["stress0.temperature"]["status"] == "PASS" and c["stress0.temperature"]["value"] == 80.0
    assert c["stress2.temperature"]["value"] == 92.0
    rep, c = _eval(s, _workers(n), {i: [] for i in range(n)}, ["--max-temp", "95"])
    assert rep.ids("FAIL") == ["stress2.throttle"]
    assert c["stress2.temperature"]["status"] == "WARN"  # within 5 C of the limit


def test_xids_and_compute_errors_fail():
    s, n = _samples("h200x8")
    rep, _ = _eval(s, _workers(n), {0: [], 1: [79], 2: [], 3: [], 4: [], 5: [], 6: [], 7: []})
    assert rep.ids("FAIL") == ["stress1.xid"]
    w = _workers(n)
    w[3]["mismatches"] = 2
    w[5] = {"torch_index": 5, "name": "gpu", "error": "RuntimeError: CUDA error: an illegal memory access"}
    rep, _ = _eval(s, w, None)
    assert set(rep.ids("FAIL")) == {"stress3.compute", "stress5.compute"}
    assert {c["id"] for c in rep.checks if c["status"] == "INFO"} >= {"stress0.xid"}


@needs_torch
def test_cpu_smoke_run(tmp_path):
    log = tmp_path / "s.csv"
    p = subprocess.run([sys.executable, SCRIPT, "--device", "cpu", "--minutes", "0.02", "--size", "128", "--interval", "0.5", "--verify-every", "10", "--log-csv", str(log), "--json"], capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert p.returncode == 0, p.stderr[-2000:]
    doc = json.loads(p.stdout)
    c = {x["id"]: x for x in doc["checks"]}
    assert c["stress0.compute"]["status"] == "PASS" and doc["measurements"]["log_csv"] == str(log)
    assert log.read_text().startswith("time_s,torch_index")
