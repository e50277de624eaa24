"""Result collection and the common output contract of the validation scripts.

Contract (all scripts):
  * one human line per check, `PASS|WARN|FAIL|INFO|SKIP <check-id>: <detail>`, then measured figures,
    then a last line `N passed, N warned, N failed`;
  * `--json`: the JSON object goes to stdout, the human lines to stderr;
  * exit 0 = no FAIL, 1 = at least one FAIL, 2 = cannot run (no GPU, no nvidia-smi, no torch, bad launch).
No third-party imports here.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import sys
import time
from typing import Any, Dict, List, Optional

PASS, WARN, FAIL, INFO, SKIP = "PASS", "WARN", "FAIL", "INFO", "SKIP"
STATUSES = (PASS, WARN, FAIL, INFO, SKIP)
EXIT_PASS, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2
SCHEMA_VERSION = 1


def ensure_pci_bus_order() -> None:
    """Make CUDA enumerate GPUs in PCI bus order (= nvidia-smi order). Must run before CUDA init."""
    os.environ.setdefault("CUDA_DEVICE_ORDER", "PCI_BUS_ID")


class CannotRun(Exception):
    """The check cannot run in this environment (exit code 2)."""


class Report:
    def __init__(self, script: str):
        self.script = script
        self.checks: List[Dict[str, Any]] = []
        self.measurements: Dict[str, Any] = {}
        self.env: Dict[str, Any] = base_env()
        self.error: Optional[str] = None
        self._t0 = time.time()

    def add(
        self,
        check_id: str,
        status: str,
        detail: str,
        value: Any = None,
        unit: Optional[str] = None,
        threshold: Any = None,
    ) -> Dict[str, Any]:
        if status not in STATUSES:
            raise ValueError(f"bad status {status}")
        c: Dict[str, Any] = {"id": check_id, "status": status, "detail": detail}
        if value is not None:
            c["value"] = value
        if unit is not None:
            c["unit"] = unit
        if threshold is not None:
            c["threshold"] = threshold
        self.checks.append(c)
        return c

    @classmethod
    def load(cls, d: Dict[str, Any], t0: Optional[float] = None) -> "Report":
        """Rebuild a report from to_dict() output (used to relay a worker's report).

        t0: start time (time.time()) for `timestamp`/`duration_s`; a launcher passes its own start so
        the relayed report covers the whole run, not just the moment it was loaded."""
        r = cls(d["script"])
        if t0 is not None:
            r._t0 = t0
        r.checks = list(d.get("checks", []))
        r.measurements = dict(d.get("measurements", {}))
        r.env.update(d.get("env", {}))
        r.error = d.get("error")
        return r

    def cannot_run(self, reason: str) -> None:
        self.error = reason

    def ids(self, status: str) -> List[str]:
        return [c["id"] for c in self.checks if c["status"] == status]

    def exit_code(self) -> int:
        if self.error is not None:
            return EXIT_CANNOT_RUN
        return EXIT_FAIL if self.ids(FAIL) else EXIT_PASS

    def to_dict(self) -> Dict[str, Any]:
        code = self.exit_code()
        return {
            "script": self.script,
            "schema_version": SCHEMA_VERSION,
            "status": {0: "pass", 1: "fail", 2: "cannot_run"}[code],
            "ok": code == 0,
            "exit_code": code,
            "error": self.error,
            "summary": {s.lower(): len(self.ids(s)) for s in STATUSES},
            "failures": self.ids(FAIL),
            "warnings": self.ids(WARN),
            "checks": self.checks,
            "measurements": self.measurements,
            "env": self.env,
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._t0)),
            "duration_s": round(time.time() - self._t0, 3),
        }

    def human_lines(self) -> List[str]:
        lines = [f"== {self.script} =="]
        for c in self.checks:
            val = ""
            if c.get("value") is not None and not isinstance(c["value"], (dict, list)):
                val = f" [{c['value']}{(' ' + c['unit']) if c.get('unit') else ''}]"
            lines.append(f"{c['status']} {c['id']}: {c['detail']}{val}")
        if self.error is not None:
            lines.append(f"CANNOT RUN: {self.error}")
        n = {s: len(self.ids(s)) for s in STATUSES}
        lines.append(f"{n[PASS]} passed, {n[WARN]} warned, {n[FAIL]} failed")
        return lines

    def emit(self, as_json: bool) -> int:
        human = "\n".join(self.human_lines())
        if as_json:
            print(human, file=sys.stderr, flush=True)
            print(json.dumps(self.to_dict(), indent=2, sort_keys=False, default=str), flush=True)
        else:
            print(human, flush=True)
        return self.exit_code()


def base_env() -> Dict[str, Any]:
    return {
        "hostname": socket.gethostname(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "CUDA_DEVICE_ORDER": os.environ.get("CUDA_DEVICE_ORDER"),
    }


def torch_env(torch: Any) -> Dict[str, Any]:
    """Versions from an imported torch module (works for 1.13 .. 2.x, CPU or CUDA builds)."""
    env: Dict[str, Any] = {"torch": getattr(torch, "__version__", None), "torch_cuda": None, "nccl": None}
    try:
        env["torch_cuda"] = torch.version.cuda
    except AttributeError:
        pass
    try:
        if torch.cuda.is_available():
            env["nccl"] = nccl_version_str(torch.cuda.nccl.version())
    except Exception:  # noqa: BLE001 - CPU builds have no nccl
        pass
    return env


def nccl_version_str(v: Any) -> str:
    """torch.cuda.nccl.version(): a tuple in recent torch, NCCL_VERSION_CODE (an int) in older ones."""
    if isinstance(v, (tuple, list)):
        return ".".join(str(x) for x in v[:3])
    if isinstance(v, int):
        if v >= 10000:  # NCCL >= 2.9: major*10000 + minor*100 + patch
            return f"{v // 10000}.{(v % 10000) // 100}.{v % 100}"
        return f"{v // 1000}.{(v % 1000) // 100}.{v % 100}"
    return str(v)


def import_torch():
    """Import torch lazily; raise CannotRun if absent."""
    ensure_pci_bus_order()
    try:
        import torch  # noqa: PLC0415
    except ImportError as e:
        raise CannotRun(f"PyTorch is not importable ({e})") from e
    return torch


def import_torch_into(report: Report) -> Optional[Any]:
    """import_torch() with torch's versions added to report.env; None when it cannot run (the reason
    is then the report's error)."""
    try:
        torch = import_torch()
    except CannotRun as e:
        report.cannot_run(str(e))
        return None
    report.env.update(torch_env(torch))
    return torch


def fmt_size(nbytes: int) -> str:
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= div and nbytes % div == 0:
            return f"{nbytes // div}{unit}"
    return f"{nbytes}B"


def parse_size(s: str) -> int:
    """'1M' -> 1048576, '256K', '1G', '4096' (bytes)."""
    s = s.strip().upper().rstrip("B").rstrip("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if s and s[-1] in mult:
        return int(float(s[:-1]) * mult[s[-1]])
    return int(s)


def percentile(values: List[float], p: float) -> Optional[float]:
    """Linear-interpolated percentile (p in 0..100), like numpy's default."""
    if not values:
        return None
    v = sorted(values)
    if len(v) == 1:
        return v[0]
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)
