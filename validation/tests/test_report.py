"""validation/report.py renders plans/validation-h200.md from the committed real-run fixtures."""

import os
import subprocess
import sys

import report

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUN = os.path.join("validation", "tests", "fixtures", "h200x1-run")
REC = os.path.join("validation", "tests", "fixtures", "h200x1")
PLAN = os.path.join(ROOT, "plans", "validation-h200.md")
CMD = f"python3 validation/report.py --run {RUN} --recording {REC} -o plans/validation-h200.md"


def _render(run=RUN, rec=REC, cmd=CMD):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return report.render(run, rec, cmd)
    finally:
        os.chdir(cwd)


def test_committed_plan_is_the_rendered_report():
    with open(PLAN) as f:
        committed = f.read()
    assert committed == _render(), f"plans/validation-h200.md is stale; regenerate with: {CMD}"


def test_report_content_from_the_real_run():
    md = _render()
    # commands
    assert "    critpath run tasks/validation.yaml\n" in md and "    critpath run tasks/validation-1gpu.yaml\n" in md
    # machine
    assert "580.159.04" in md and "2.11.0+cu130 (CUDA 13.0)" in md and "not RTX 5090 figures" in md
    # journal: every activity of the 1-GPU run with exit 0 on GPU 0, CUDA_VISIBLE_DEVICES cross-checked
    for act, dur in (("gpu-check", "11.863 s"), ("ddp-check", "20.763 s"), ("inference-check", "18.374 s"), ("stress-sample", "124.246 s")):
        line = next(ln for ln in md.splitlines() if ln.startswith(f"| {act} | 1 | 22:5"))
        assert f"| {dur} | 0 | [0] | GPU-1240ecd0-57cc-08d3-2234-48ddc8b07fdc | 0 |" in line
    assert md.count("'0' ✓") == 4 and "MISMATCH" not in md
    assert "result file overwritten by a later run" in md  # gpu-check.json belongs to the second run
    assert "| critpath run 20261128T225731-66ff66 | task log | 691.35 (PASS) | 4214.07 (PASS)" in md
    assert "708.62 (PASS)" in md and "4232.74 (PASS)" in md
    # labelled fallback, gating, and the overlap statement
    assert "FALLBACK, not vLLM" in md and "No vLLM figure exists" in md
    assert "blocked ddp-check: needs 2 GPUs, this host has 1" in md
    assert "did NOT run concurrently on separate GPU sets here" in md
    assert "inference-check 22:58:04.114–22:58:22.488 (1 ms after ddp-check finished)" in md
    assert "No two activities overlapped in time" in md
    assert "simulated GPUs" in md and "not\nexercised on real hardware" in md


def test_cli_writes_stdout(tmp_path):
    p = subprocess.run([sys.executable, os.path.join(ROOT, "validation", "report.py"), "--run", RUN, "--recording", REC], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("# GPU validation on a real H200")


RUN2 = os.path.join("validation", "tests", "fixtures", "h200x2-run")
PLAN2 = os.path.join(ROOT, "plans", "validation-h200x2.md")
CMD2 = f"python3 validation/report.py --run {RUN2} -o plans/validation-h200x2.md"


def _render2():
    return _render(RUN2, None, CMD2)


def test_committed_two_gpu_plan_is_the_rendered_report():
    with open(PLAN2) as f:
        committed = f.read()
    assert committed == _render2(), f"plans/validation-h200x2.md is stale; regenerate with: {CMD2}"


def test_two_gpu_run_shows_ddp_and_inference_overlapping_on_disjoint_real_gpus():
    md = _render2()
    assert "# GPU validation on a real H200 (2 GPUs)" in md
    assert "## Time overlap: DDP and inference on separate GPU sets" in md
    assert "**ddp-check (GPUs [0]) and inference-check (GPUs [1]) ran at the same time on disjoint real GPUs,**" in md
    assert "overlapping for 20272 ms" in md
    # the burn sample's honest failure: software thermal slowdown on the second GPU
    assert "sw_thermal_slowdown x3" in md
    assert "hardware gating" not in md
