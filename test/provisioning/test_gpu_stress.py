"""Unit tests for the burn-in analysis in ansible/roles/stress/files/gpu_stress.py (stdlib only)."""
import importlib.util
import pathlib
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("gpu_stress", ROOT / "ansible/roles/stress/files/gpu_stress.py")
gpu_stress = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu_stress)

HEADER = ", ".join(gpu_stress.SMI_FIELDS) + "\n"


def row(idx, temp, power, sm, cap="Not Active", hw="Not Active", hw_thermal="Not Active"):
    return (f"2026/11/28 10:00:00.000, {idx}, {temp}, {power}, {sm}, 14001, 100, {cap}, {hw}, {hw_thermal}, "
            "Not Active, Not Active\n")


class ParseTests(unittest.TestCase):
    def test_parse_smi_log_summarises_per_gpu(self):
        log = HEADER + row(0, 70, 560.5, 2700) + row(0, 82, 575.0, 2500, cap="Active") + row(1, 65, 500, 2800)
        gpus = gpu_stress.parse_smi_log(log)
        self.assertEqual(gpus["0"]["samples"], 2)
        self.assertEqual(gpus["0"]["max_temp_c"], 82)
        self.assertEqual(gpus["0"]["max_power_w"], 575.0)
        self.assertEqual(gpus["0"]["min_sm_clock_mhz"], 2500)
        self.assertEqual(gpus["0"]["events"], {"sw_power_cap": 1})
        self.assertEqual(gpus["1"]["events"], {})

    def test_parse_smi_log_tolerates_not_supported(self):
        gpus = gpu_stress.parse_smi_log(HEADER + row(0, "[N/A]", "[N/A]", 2700))
        self.assertIsNone(gpus["0"]["max_temp_c"])

    def test_parse_xids(self):
        klog = ("Nov 28 10:01:02 ws kernel: NVRM: Xid (PCI:0000:41:00): 79, pid=1234, GPU has fallen off the bus.\n"
                "Nov 28 10:01:03 ws kernel: nvidia-modeset: something else\n")
        self.assertEqual(gpu_stress.parse_xids(klog), [{"pci": "0000:41:00", "xid": 79}])


class EvaluateTests(unittest.TestCase):
    workers = [{"gpu": f"cuda:{i}", "ok": True} for i in range(4)]

    def gpus(self, overrides=None):
        log = HEADER + "".join(row(i, 75, 570, 2600, cap="Active") for i in range(4))
        for i, kwargs in (overrides or {}).items():
            log += row(i, **kwargs)
        return gpu_stress.parse_smi_log(log)

    def status(self, checks, check_id):
        return next(s for s, i, _ in checks if i == check_id)

    def test_clean_run_passes_and_power_cap_is_info(self):
        checks = gpu_stress.evaluate(self.gpus(), [], self.workers, 90, 4)
        self.assertFalse([c for c in checks if c[0] == "FAIL"], checks)
        self.assertEqual(self.status(checks, "power.cap"), "INFO")

    def test_thermal_slowdown_fails(self):
        checks = gpu_stress.evaluate(self.gpus({2: dict(temp=88, power=500, sm=1800, hw_thermal="Active")}),
                                     [], self.workers, 90, 4)
        self.assertEqual(self.status(checks, "clocks.throttle"), "FAIL")

    def test_xid_fails(self):
        checks = gpu_stress.evaluate(self.gpus(), [{"pci": "0000:41:00", "xid": 79}], self.workers, 90, 4)
        self.assertEqual(self.status(checks, "kernel.xid"), "FAIL")

    def test_temperature_limit_fails(self):
        checks = gpu_stress.evaluate(self.gpus({1: dict(temp=91, power=570, sm=2600)}), [], self.workers, 90, 4)
        self.assertEqual(self.status(checks, "temperature.max"), "FAIL")

    def test_missing_gpu_or_bad_worker_fails(self):
        gpus = self.gpus()
        del gpus["3"]
        workers = self.workers[:3] + [{"gpu": "cuda:3", "ok": False, "mismatches": 2}]
        checks = gpu_stress.evaluate(gpus, [], workers, 90, 4)
        self.assertEqual(self.status(checks, "telemetry.gpus"), "FAIL")
        self.assertEqual(self.status(checks, "load.workers"), "FAIL")


if __name__ == "__main__":
    unittest.main()
