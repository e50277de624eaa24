"""Pure parsers for nvidia-smi / kernel-log text, plus a thin nvidia-smi runner.

Everything except `run_smi` / `query_gpus` / `read_kernel_log` is a pure function of its input text,
so it is unit-tested against fixture files (validation/tests/fixtures/).  No third-party imports.

Running `python3 validation/smi.py fields <name>` prints the comma-separated --query-gpu field list used
by the scripts (record_fixtures.sh uses it so recorded fixtures always match what the scripts query).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

# --------------------------------------------------------------------------------------------------
# Field lists.  Every field is tried; a field the driver rejects ("is not a valid field to query")
# is dropped and the query retried, so older/newer drivers with renamed fields still work.
# --------------------------------------------------------------------------------------------------
GPU_CHECK_FIELDS: Tuple[str, ...] = (
    "index",
    "uuid",
    "pci.bus_id",
    "name",
    "driver_version",
    "compute_cap",
    "memory.total",
    "persistence_mode",
    "ecc.mode.current",
    "ecc.errors.uncorrected.volatile.total",
    "pcie.link.gen.max",
    "pcie.link.width.max",
    "pcie.link.gen.current",
    "pcie.link.width.current",
    "power.limit",
    "temperature.gpu",
)

# Throttle ("clock event") reasons were renamed clocks_event_reasons.* in R535+; the old name is kept
# as an alias by current drivers.  We query both and use whichever is answered.
STRESS_BASE_FIELDS: Tuple[str, ...] = (
    "index",
    "uuid",
    "pci.bus_id",
    "temperature.gpu",
    "clocks.sm",
    "clocks.max.sm",
    "power.draw",
    "power.limit",
    "utilization.gpu",
    "memory.used",
    "clocks_event_reasons.active",
    "clocks_throttle_reasons.active",
)
STRESS_COUNTER_FIELDS: Tuple[str, ...] = (
    # Cumulative time (microseconds) each reason was active since the driver loaded (R535+; older
    # drivers reject them and query_gpus drops them). The burn verdict uses their change over the
    # run, which also sees slowdowns shorter than the sampling interval.
    "clocks_event_reasons_counters.sw_power_cap",
    "clocks_event_reasons_counters.sw_thermal_slowdown",
    "clocks_event_reasons_counters.hw_thermal_slowdown",
    "clocks_event_reasons_counters.hw_power_brake_slowdown",
)
STRESS_FIELDS: Tuple[str, ...] = STRESS_BASE_FIELDS + STRESS_COUNTER_FIELDS

FIELD_SETS = {"gpu_check": GPU_CHECK_FIELDS, "stress": STRESS_FIELDS}

NA_VALUES = {
    "",
    "N/A",
    "[N/A]",
    "Not Supported",
    "[Not Supported]",
    "[Unknown Error]",
    "[Insufficient Permissions]",
    "[Requested functionality has been deprecated]",
    "[GPU is lost]",
}

# Bits of nvmlClocksEventReasons / nvmlClocksThrottleReasons (nvml.h).
THROTTLE_BITS = {
    0x1: "gpu_idle",
    0x2: "applications_clocks_setting",
    0x4: "sw_power_cap",
    0x8: "hw_slowdown",
    0x10: "sync_boost",
    0x20: "sw_thermal_slowdown",
    0x40: "hw_thermal_slowdown",
    0x80: "hw_power_brake_slowdown",
    0x100: "display_clock_setting",
}
# Reasons that indicate a hardware problem under sustained load (stress FAIL): the hardware slowdowns.
BAD_THROTTLE = {"hw_slowdown", "hw_thermal_slowdown", "hw_power_brake_slowdown"}
# Software thermal slowdown is a WARN: GeForce cards assert it at their target temperature (about
# 83-84 C on an RTX 5090), so healthy cards in a dense 4 x 575 W box show it under a 24 h load.
WARN_THROTTLE = {"sw_thermal_slowdown"}
# Counter columns (stress CSV) for the clock-event reason counters, in microseconds.
THROTTLE_COUNTERS = {
    "sw_power_cap": "clocks_event_reasons_counters.sw_power_cap",
    "sw_thermal_slowdown": "clocks_event_reasons_counters.sw_thermal_slowdown",
    "hw_thermal_slowdown": "clocks_event_reasons_counters.hw_thermal_slowdown",
    "hw_power_brake_slowdown": "clocks_event_reasons_counters.hw_power_brake_slowdown",
}


class SmiError(RuntimeError):
    """nvidia-smi missing or failed."""


# --------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------
def parse_value(raw: str) -> Optional[str]:
    v = raw.strip()
    return None if v in NA_VALUES else v


def to_float(v: Optional[str]) -> Optional[float]:
    if v is None:
        return None
    try:
        return float(v.split()[0])
    except (ValueError, IndexError):
        return None


def to_int(v: Optional[str]) -> Optional[int]:
    f = to_float(v)
    return None if f is None else int(f)


def parse_version(v: Optional[str]) -> Tuple[int, ...]:
    """'580.65.06' -> (580, 65, 6); '1.13.0a0+git' -> (1, 13, 0); None -> ()."""
    if not v:
        return ()
    out = []
    for part in str(v).split("."):
        m = re.match(r"(\d+)", part)
        if not m:
            break
        out.append(int(m.group(1)))
        if m.group(1) != part:
            break
    return tuple(out)


def version_ge(a: Optional[str], b: Optional[str]) -> bool:
    pa, pb = parse_version(a), parse_version(b)
    n = max(len(pa), len(pb))
    return pa + (0,) * (n - len(pa)) >= pb + (0,) * (n - len(pb))


# --------------------------------------------------------------------------------------------------
# --query-gpu CSV
# --------------------------------------------------------------------------------------------------
def parse_query_csv(text: str, fields: Sequence[str]) -> List[Dict[str, Optional[str]]]:
    """Parse `nvidia-smi --query-gpu=<fields> --format=csv,noheader,nounits` output."""
    rows = []
    for rec in csv.reader(io.StringIO(text), skipinitialspace=True):
        if not rec or all(not c.strip() for c in rec):
            continue
        if len(rec) != len(fields):
            raise ValueError(f"expected {len(fields)} columns, got {len(rec)}: {rec!r}")
        rows.append({f: parse_value(c) for f, c in zip(fields, rec)})
    return rows


_INVALID_FIELD_RE = re.compile(r'Field "([^"]+)" is not a valid field to query', re.I)


def invalid_field_from_error(text: str) -> Optional[str]:
    m = _INVALID_FIELD_RE.search(text or "")
    return m.group(1) if m else None


Runner = Callable[[Sequence[str], float], Tuple[int, str, str]]


def default_runner(argv: Sequence[str], timeout: float = 60.0) -> Tuple[int, str, str]:
    exe = shutil.which(argv[0])
    if exe is None:
        raise SmiError(f"{argv[0]} not found on PATH")
    try:
        p = subprocess.run([exe, *argv[1:]], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise SmiError(f"{' '.join(argv)} timed out after {timeout}s") from e
    return p.returncode, p.stdout, p.stderr


def run_smi(args: Sequence[str], runner: Runner = default_runner, timeout: float = 60.0) -> str:
    rc, out, err = runner(["nvidia-smi", *args], timeout)
    if rc != 0:
        raise SmiError(f"nvidia-smi {' '.join(args)} exited {rc}: {(err or out).strip()[:400]}")
    return out


def query_gpus(
    fields: Sequence[str], runner: Runner = default_runner
) -> Tuple[List[Dict[str, Optional[str]]], List[str]]:
    """Run --query-gpu, dropping fields the driver rejects. Returns (rows, dropped_fields).

    Rows always contain every requested key; dropped fields are None."""
    fields = list(fields)
    dropped: List[str] = []
    while fields:
        rc, out, err = runner(
            ["nvidia-smi", f"--query-gpu={','.join(fields)}", "--format=csv,noheader,nounits"], 60.0
        )
        if rc == 0:
            rows = parse_query_csv(out, fields)
            for r in rows:
                for d in dropped:
                    r[d] = None
            return rows, dropped
        bad = invalid_field_from_error(err + "\n" + out)
        if bad is None or bad not in fields:
            raise SmiError(f"nvidia-smi --query-gpu exited {rc}: {(err or out).strip()[:400]}")
        fields.remove(bad)
        dropped.append(bad)
    raise SmiError("no queryable fields")


# --------------------------------------------------------------------------------------------------
# Plain `nvidia-smi` header: driver and (driver-supported) CUDA version
# --------------------------------------------------------------------------------------------------
def parse_smi_header(text: str) -> Dict[str, Optional[str]]:
    drv = re.search(r"Driver Version:\s*([0-9][0-9.]*)", text or "")
    cuda = re.search(r"CUDA Version:\s*([0-9][0-9.]*)", text or "")
    smi = re.search(r"NVIDIA-SMI\s+([0-9][0-9.]*)", text or "")
    return {
        "driver": drv.group(1) if drv else None,
        "cuda": cuda.group(1) if cuda else None,
        "smi": smi.group(1) if smi else None,
    }


# --------------------------------------------------------------------------------------------------
# `nvidia-smi topo -m`
# --------------------------------------------------------------------------------------------------
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_DEV_COL_RE = re.compile(r"^(GPU\d+|NIC\d+|mlx\d+_\d+)$")


def strip_ansi(text: str) -> str:
    return _ANSI_RE.sub("", text or "")


def parse_topo_matrix(text: str) -> Dict[str, object]:
    """Parse the connection matrix of `nvidia-smi topo -m`.

    Returns {"columns": [...device columns...], "gpus": ["GPU0", ...],
             "links": {"GPU0": {"GPU1": "NV18", ...}, ...},
             "cpu_affinity": {"GPU0": "0-47,96-143"}, "numa_affinity": {"GPU0": "0"}}.
    Cells are whitespace separated (the CPU-affinity cell contains no spaces), which tolerates the
    tab/space mixture different driver versions print, and ANSI underline codes on the header."""
    lines = strip_ansi(text).splitlines()
    columns: List[str] = []
    hdr_idx = None
    for i, line in enumerate(lines):
        toks = line.split()
        if toks and toks[0] == "GPU0" and line[:1] in ("\t", " "):
            columns = []
            for t in toks:
                if _DEV_COL_RE.match(t):
                    columns.append(t)
                else:
                    break
            hdr_idx = i
            break
    if hdr_idx is None:
        raise ValueError("topo -m: header row with GPU0 not found")
    links: Dict[str, Dict[str, str]] = {}
    cpu_aff: Dict[str, Optional[str]] = {}
    numa_aff: Dict[str, Optional[str]] = {}
    for line in lines[hdr_idx + 1 :]:
        toks = line.split()
        if not toks:
            break
        name = toks[0]
        if not _DEV_COL_RE.match(name):
            break
        cells = toks[1 : 1 + len(columns)]
        if len(cells) != len(columns):
            raise ValueError(f"topo -m: row {name} has {len(cells)} cells, expected {len(columns)}")
        if name.startswith("GPU"):
            links[name] = {c: v for c, v in zip(columns, cells) if c != name}
            rest = toks[1 + len(columns) :]
            cpu_aff[name] = parse_value(rest[0]) if len(rest) > 0 else None
            numa_aff[name] = parse_value(rest[1]) if len(rest) > 1 else None
    gpus = [c for c in columns if c.startswith("GPU")]
    return {"columns": columns, "gpus": gpus, "links": links, "cpu_affinity": cpu_aff, "numa_affinity": numa_aff}


def link_kind(code: Optional[str]) -> str:
    """NV18 -> 'nvlink'; PIX/PXB/PHB/NODE/SYS -> 'pcie'; X -> 'self'."""
    if not code:
        return "unknown"
    if code == "X":
        return "self"
    if re.match(r"^NV\d+$", code):
        return "nvlink"
    if code in ("PIX", "PXB", "PHB", "NODE", "SYS", "SOC"):
        return "pcie"
    return "unknown"


# --------------------------------------------------------------------------------------------------
# PCI bus ids, CUDA_VISIBLE_DEVICES mapping
# --------------------------------------------------------------------------------------------------
_BUS_RE = re.compile(r"^(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})(?:\.([0-7]))?$")


def bus_key(bus_id: Optional[str]) -> Optional[Tuple[int, int, int, int]]:
    """'00000000:18:00.0' / '0000:18:00.0' / '0000:18:00' / '18:00.0' -> (domain, bus, dev, fn)."""
    if not bus_id:
        return None
    m = _BUS_RE.match(bus_id.strip())
    if not m:
        return None
    dom, bus, dev, fn = m.groups()
    return (int(dom or "0", 16), int(bus, 16), int(dev, 16), int(fn or "0", 16))


def normalize_bus_id(bus_id: Optional[str]) -> Optional[str]:
    k = bus_key(bus_id)
    return None if k is None else f"{k[0]:04x}:{k[1]:02x}:{k[2]:02x}.{k[3]:x}"


def check_smi_pci_order(rows: Sequence[Dict[str, Optional[str]]]) -> Tuple[bool, str]:
    """nvidia-smi index order must equal PCI bus order (it is what CUDA_DEVICE_ORDER=PCI_BUS_ID gives)."""
    by_index = sorted(rows, key=lambda r: to_int(r.get("index")) or 0)
    keys = [bus_key(r.get("pci.bus_id")) for r in by_index]
    if any(k is None for k in keys):
        return False, "missing/unparseable pci.bus_id"
    ok = keys == sorted(keys)
    order = ", ".join(f"{r.get('index')}={normalize_bus_id(r.get('pci.bus_id'))}" for r in by_index)
    return ok, order


def parse_cuda_visible_devices(value: Optional[str]) -> Optional[List[str]]:
    """None if unset (all devices visible). CUDA stops at the first invalid/negative entry."""
    if value is None:
        return None
    toks = []
    for t in value.split(","):
        t = t.strip()
        if not t:
            break
        if re.match(r"^-\d+$", t):
            break
        toks.append(t)
    return toks


def map_visible(
    cvd: Optional[str], rows: Sequence[Dict[str, Optional[str]]]
) -> List[Dict[str, Optional[str]]]:
    """Physical nvidia-smi rows, in torch/CUDA device order, for CUDA_VISIBLE_DEVICES=cvd.

    Assumes CUDA_DEVICE_ORDER=PCI_BUS_ID (the scripts set it), so integer i means the i-th GPU in
    PCI bus order.  UUID entries may be full ('GPU-8a7...') or unique prefixes.  Raises ValueError if
    an entry matches no GPU or is ambiguous (CUDA would then hide it and everything after it)."""
    pci_order = sorted(rows, key=lambda r: bus_key(r.get("pci.bus_id")) or (0, 0, 0, to_int(r.get("index")) or 0))
    toks = parse_cuda_visible_devices(cvd)
    if toks is None:
        return list(pci_order)
    out: List[Dict[str, Optional[str]]] = []
    for t in toks:
        if re.match(r"^\d+$", t):
            i = int(t)
            if i >= len(pci_order):
                raise ValueError(f"CUDA_VISIBLE_DEVICES entry {t}: only {len(pci_order)} GPUs")
            out.append(pci_order[i])
        elif t.startswith("MIG-"):
            raise ValueError(f"CUDA_VISIBLE_DEVICES entry {t}: MIG instances are not supported by these checks")
        else:
            pref = t if t.startswith("GPU-") else "GPU-" + t
            hits = [r for r in rows if (r.get("uuid") or "").lower().startswith(pref.lower())]
            if len(hits) != 1:
                raise ValueError(f"CUDA_VISIBLE_DEVICES entry {t}: matches {len(hits)} GPUs")
            out.append(hits[0])
    return out


# --------------------------------------------------------------------------------------------------
# Throttle reasons, XIDs
# --------------------------------------------------------------------------------------------------
def decode_throttle_reasons(mask: Optional[str]) -> Optional[List[str]]:
    """'0x0000000000000044' -> ['sw_power_cap', 'hw_thermal_slowdown'];  None/N/A -> None."""
    if mask is None:
        return None
    try:
        val = int(mask, 16) if mask.lower().startswith("0x") else int(mask)
    except ValueError:
        return None
    out = [name for bit, name in sorted(THROTTLE_BITS.items()) if val & bit]
    unknown = val & ~sum(THROTTLE_BITS)
    if unknown:
        out.append(f"unknown_0x{unknown:x}")
    return out


_XID_RE = re.compile(r"NVRM: Xid \(PCI:([0-9a-fA-F:.]+)\): (\d+),?\s*(.*)$")


def parse_xid_lines(text: str) -> List[Dict[str, object]]:
    """Extract `NVRM: Xid (PCI:0000:18:00): 79, pid=..., ...` records from dmesg / journalctl -k text."""
    out = []
    for line in (text or "").splitlines():
        m = _XID_RE.search(line)
        if m:
            out.append(
                {"pci": normalize_bus_id(m.group(1)), "xid": int(m.group(2)), "detail": m.group(3).strip()[:200]}
            )
    return out


def xids_for_bus(xids: Iterable[Dict[str, object]], bus_id: Optional[str]) -> List[int]:
    k = bus_key(bus_id)
    if k is None:
        return []
    return [int(x["xid"]) for x in xids if bus_key(str(x["pci"])) is not None and bus_key(str(x["pci"]))[:3] == k[:3]]


def read_kernel_log(runner: Runner = default_runner) -> Tuple[Optional[str], str]:
    """(text, source) from `journalctl -k -b` or `dmesg`; (None, reason) if neither is readable."""
    errors = []
    for argv in (["journalctl", "-k", "-b", "--no-pager", "-q"], ["dmesg"]):
        try:
            rc, out, err = runner(argv, 30.0)
        except SmiError as e:
            errors.append(str(e))
            continue
        if rc == 0 and out.strip():
            return out, " ".join(argv)
        errors.append(f"{argv[0]} rc={rc}: {(err or '').strip()[:120]}")
    return None, "; ".join(errors)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "fields" and sys.argv[2] in FIELD_SETS:
        print(",".join(FIELD_SETS[sys.argv[2]]))
        sys.exit(0)
    print(f"usage: {sys.argv[0]} fields {{{'|'.join(FIELD_SETS)}}}", file=sys.stderr)
    sys.exit(2)
