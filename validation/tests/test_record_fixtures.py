"""record_fixtures.sh --smi-only against the fake nvidia-smi: the recording has the fixture layout."""

import os
import shutil
import subprocess

import pytest

import smi

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "record_fixtures.sh")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_record_smi_only(tmp_path, fake_path_env):
    out = tmp_path / "rec"
    env = dict(fake_path_env, FAKE_SMI_MACHINE="h200x8")
    p = subprocess.run(["bash", SCRIPT, str(out), "--smi-only"], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    fields = (out / "query_gpu.fields").read_text().strip().split(",")
    assert fields == list(smi.GPU_CHECK_FIELDS)
    rows = smi.parse_query_csv((out / "query_gpu.csv").read_text(), fields)
    assert len(rows) == 8
    assert smi.parse_topo_matrix((out / "topo_m.txt").read_text())["gpus"][-1] == "GPU7"
    assert smi.parse_smi_header((out / "nvidia_smi.txt").read_text())["driver"] == "570.124.06"
    rc = dict(line.split() for line in (out / "rc.txt").read_text().splitlines())
    assert rc["query_gpu"] == "0" and rc["topo_m"] == "0"


def test_usage_without_args():
    p = subprocess.run(["bash", SCRIPT], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "Usage" in p.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_shellcheck():
    ci = os.path.join(os.path.dirname(os.path.dirname(HERE)), ".ci", "validation.sh")
    files = [SCRIPT] + ([ci] if os.path.exists(ci) else [])
    p = subprocess.run(["shellcheck", *files], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout
