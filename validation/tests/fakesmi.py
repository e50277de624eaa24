"""A fake nvidia-smi / journalctl / dmesg that replays fixture text (for tests and offline demos).

In-process: FakeSmi("h200x8") is a runner for smi.query_gpus / gpu_check.main(runner=...).
As a program: fake_bin/nvidia-smi and fake_bin/journalctl call main() with FAKE_SMI_MACHINE set.
"""

from __future__ import annotations

import os
import sys
from typing import List, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, os.path.dirname(HERE))
import smi  # noqa: E402


def fixture(machine: str, name: str) -> str:
    with open(os.path.join(FIXTURES, machine, name)) as f:
        return f.read()


def _fields(machine: str, base: str) -> List[str]:
    return fixture(machine, base + ".fields").strip().split(",")


class FakeSmi:
    def __init__(self, machine: str, reject: Sequence[str] = (), kernel_log: bool = True, missing: bool = False, query: str = "") -> None:
        self.machine, self.reject, self.kernel_log, self.missing = machine, set(reject), kernel_log, missing
        self.query = query  # replacement CSV text for --query-gpu (gpu_check field set)
        self.calls: List[List[str]] = []

    def __call__(self, argv: Sequence[str], timeout: float = 60.0) -> Tuple[int, str, str]:
        self.calls.append(list(argv))
        prog, args = os.path.basename(argv[0]), list(argv[1:])
        if prog in ("journalctl", "dmesg"):
            if not self.kernel_log:
                return 1, "", "dmesg: read kernel buffer failed: Operation not permitted"
            return 0, fixture(self.machine, "kernel_nvrm.txt"), ""
        if self.missing:
            raise smi.SmiError("nvidia-smi not found on PATH")
        if not args:
            return 0, fixture(self.machine, "nvidia_smi.txt"), ""
        if args[:2] == ["topo", "-m"]:
            return 0, fixture(self.machine, "topo_m.txt"), ""
        q = [a for a in args if a.startswith("--query-gpu=")]
        if not q:
            return 2, "", "fake nvidia-smi: unsupported arguments %r" % args
        want = q[0].split("=", 1)[1].split(",")
        for f in want:
            if f in self.reject:
                return 2, f'Field "{f}" is not a valid field to query.\n\n', ""
        for base in ("query_gpu", "query_stress"):
            have = _fields(self.machine, base)
            if set(want) <= set(have):
                text = self.query if (self.query and base == "query_gpu") else fixture(self.machine, base + ".csv")
                rows = smi.parse_query_csv(text, have)
                out = "\n".join(", ".join("[N/A]" if r[f] is None else r[f] for f in want) for r in rows)
                return 0, out + "\n", ""
        return 2, "", f'Field "{want[-1]}" is not a valid field to query.\n'


def main() -> int:
    fake = FakeSmi(os.environ.get("FAKE_SMI_MACHINE", "h200x8"), reject=[f for f in os.environ.get("FAKE_SMI_REJECT", "").split(",") if f])
    rc, out, err = fake([os.path.basename(sys.argv[0]), *sys.argv[1:]])
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == "__main__":
    sys.exit(main())
