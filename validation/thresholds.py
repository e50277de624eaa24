"""Per-GPU-model pass thresholds.

Each performance metric has a vendor `spec` figure and two fractions of it:
  measured <  spec * fail_below * (1 - tolerance)  -> FAIL
  measured <  spec * warn_below * (1 - tolerance)  -> WARN
  otherwise                                        -> PASS
The fractions are deliberately conservative (a healthy card should clear `warn_below` with margin);
`--tolerance` (0..1) loosens both bounds for a noisy or power-capped machine.  Calibrate on the metal:
these are spec-derived placeholders until a recorded baseline exists.

Spec sources: NVIDIA product pages / whitepapers. bf16 = dense tensor-core bf16 with fp32 accumulate;
HBM/GDDR bandwidth = peak; NVLink = unidirectional per GPU; PCIe 5.0 x16 ~ 64 GB/s per direction.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Optional

# Order matters: the first pattern that matches the nvidia-smi `name` wins (specific before generic).
MODELS = [
    {
        "model": "RTX 5090",
        "match": r"RTX 5090",
        "compute_cap": "12.0",
        "memory_mib": 32607,  # 32 GB GDDR7 as nvidia-smi reports it
        "min_driver": "570.26",  # first Blackwell/CUDA 12.8 driver (open kernel modules required)
        "min_nccl": "2.26.2",  # nccl-tests#287/#291: earlier NCCL errors on multi-5090
        "interconnect": "pcie",
        "peer_access_expected": False,  # no P2P between GeForce cards on stock drivers -> INFO only
        "pcie": {"gen": 5, "width": 16},
        "metrics": {
            "bf16_tflops": {"spec": 209.5, "fail_below": 0.45, "warn_below": 0.60, "unit": "TFLOP/s"},
            "d2d_GBps": {"spec": 1792.0, "fail_below": 0.45, "warn_below": 0.60, "unit": "GB/s"},
            "h2d_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "d2h_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            # peer copies go through host memory without P2P
            "p2p_GBps": {"spec": 64.0, "fail_below": 0.08, "warn_below": 0.20, "unit": "GB/s"},
            "allreduce_busbw_GBps": {"spec": 64.0, "fail_below": 0.08, "warn_below": 0.20, "unit": "GB/s"},
        },
    },
    {
        "model": "H200 NVL",
        "match": r"H200 NVL",
        "compute_cap": "9.0",
        "memory_mib": 143771,
        "min_driver": "550.54.14",
        "min_nccl": None,
        "interconnect": "nvlink-bridge",
        "peer_access_expected": True,
        "pcie": {"gen": 5, "width": 16},
        "metrics": {
            "bf16_tflops": {"spec": 835.0, "fail_below": 0.40, "warn_below": 0.55, "unit": "TFLOP/s"},
            "d2d_GBps": {"spec": 4800.0, "fail_below": 0.45, "warn_below": 0.60, "unit": "GB/s"},
            "h2d_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "d2h_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "p2p_GBps": {"spec": 64.0, "fail_below": 0.15, "warn_below": 0.30, "unit": "GB/s"},
            "allreduce_busbw_GBps": {"spec": 64.0, "fail_below": 0.15, "warn_below": 0.30, "unit": "GB/s"},
        },
    },
    {
        "model": "H200",
        "match": r"H200",
        "compute_cap": "9.0",
        "memory_mib": 143771,  # 141 GB HBM3e
        "min_driver": "550.54.14",
        "min_nccl": None,
        "interconnect": "nvlink",
        "peer_access_expected": True,
        "pcie": {"gen": 5, "width": 16},
        "metrics": {
            "bf16_tflops": {"spec": 989.4, "fail_below": 0.40, "warn_below": 0.55, "unit": "TFLOP/s"},
            "d2d_GBps": {"spec": 4800.0, "fail_below": 0.45, "warn_below": 0.60, "unit": "GB/s"},
            "h2d_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "d2h_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            # NVLink 4: 900 GB/s bidirectional per GPU, 450 GB/s one way; cudaMemcpyPeer gets ~80% of it
            "p2p_GBps": {"spec": 450.0, "fail_below": 0.33, "warn_below": 0.55, "unit": "GB/s"},
            "allreduce_busbw_GBps": {"spec": 450.0, "fail_below": 0.33, "warn_below": 0.55, "unit": "GB/s"},
        },
    },
    {
        "model": "H100 NVL",
        "match": r"H100 NVL",
        "compute_cap": "9.0",
        "memory_mib": 95830,
        "min_driver": "525.60.13",
        "min_nccl": None,
        "interconnect": "nvlink-bridge",
        "peer_access_expected": True,
        "pcie": {"gen": 5, "width": 16},
        "metrics": {
            "bf16_tflops": {"spec": 835.0, "fail_below": 0.40, "warn_below": 0.55, "unit": "TFLOP/s"},
            "d2d_GBps": {"spec": 3900.0, "fail_below": 0.45, "warn_below": 0.60, "unit": "GB/s"},
            "h2d_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "d2h_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "p2p_GBps": {"spec": 64.0, "fail_below": 0.15, "warn_below": 0.30, "unit": "GB/s"},
            "allreduce_busbw_GBps": {"spec": 64.0, "fail_below": 0.15, "warn_below": 0.30, "unit": "GB/s"},
        },
    },
    {
        "model": "H100 PCIe",
        "match": r"H100 PCIe",
        "compute_cap": "9.0",
        "memory_mib": 81559,
        "min_driver": "525.60.13",
        "min_nccl": None,
        "interconnect": "pcie",
        "peer_access_expected": True,
        "pcie": {"gen": 5, "width": 16},
        "metrics": {
            "bf16_tflops": {"spec": 756.0, "fail_below": 0.40, "warn_below": 0.55, "unit": "TFLOP/s"},
            "d2d_GBps": {"spec": 2000.0, "fail_below": 0.45, "warn_below": 0.60, "unit": "GB/s"},
            "h2d_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "d2h_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "p2p_GBps": {"spec": 64.0, "fail_below": 0.15, "warn_below": 0.30, "unit": "GB/s"},
            "allreduce_busbw_GBps": {"spec": 64.0, "fail_below": 0.15, "warn_below": 0.30, "unit": "GB/s"},
        },
    },
    {
        "model": "H100",  # SXM5 80GB HBM3 ("NVIDIA H100 80GB HBM3")
        "match": r"H100",
        "compute_cap": "9.0",
        "memory_mib": 81559,
        "min_driver": "525.60.13",
        "min_nccl": None,
        "interconnect": "nvlink",
        "peer_access_expected": True,
        "pcie": {"gen": 5, "width": 16},
        "metrics": {
            "bf16_tflops": {"spec": 989.4, "fail_below": 0.40, "warn_below": 0.55, "unit": "TFLOP/s"},
            "d2d_GBps": {"spec": 3350.0, "fail_below": 0.45, "warn_below": 0.60, "unit": "GB/s"},
            "h2d_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "d2h_GBps": {"spec": 64.0, "fail_below": 0.30, "warn_below": 0.60, "unit": "GB/s"},
            "p2p_GBps": {"spec": 450.0, "fail_below": 0.33, "warn_below": 0.55, "unit": "GB/s"},
            "allreduce_busbw_GBps": {"spec": 450.0, "fail_below": 0.33, "warn_below": 0.55, "unit": "GB/s"},
        },
    },
]

MEMORY_TOLERANCE = 0.05  # memory.total must be within +-5% of the table value


def lookup(name: Optional[str]) -> Optional[Dict[str, Any]]:
    """Model entry for an nvidia-smi / torch device name, or None for an unknown model."""
    if not name:
        return None
    for m in MODELS:
        if re.search(m["match"], name, re.I):
            return m
    return None


def bounds(entry: Dict[str, Any], metric: str, tolerance: float = 0.0) -> Optional[Dict[str, float]]:
    spec = entry.get("metrics", {}).get(metric)
    if spec is None:
        return None
    if not 0.0 <= tolerance < 1.0:
        raise ValueError("tolerance must be in [0, 1)")
    scale = 1.0 - tolerance
    return {
        "spec": spec["spec"],
        "fail_below": round(spec["spec"] * spec["fail_below"] * scale, 3),
        "warn_below": round(spec["spec"] * spec["warn_below"] * scale, 3),
        "unit": spec["unit"],
    }


def judge(measured: Optional[float], b: Optional[Dict[str, float]]) -> str:
    """PASS/WARN/FAIL for a measured figure against bounds(); INFO if there is nothing to judge."""
    if measured is None or b is None:
        return "INFO"
    if measured < b["fail_below"]:
        return "FAIL"
    if measured < b["warn_below"]:
        return "WARN"
    return "PASS"
