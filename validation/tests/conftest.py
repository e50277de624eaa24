import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATION = os.path.dirname(HERE)
for p in (VALIDATION, HERE):
    if p not in sys.path:
        sys.path.insert(0, p)


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


needs_torch = pytest.mark.skipif(not torch_available(), reason="PyTorch not importable")


@pytest.fixture
def fake_path_env(tmp_path):
    """Environment whose PATH starts with the fake nvidia-smi/journalctl shims."""
    env = dict(os.environ)
    env["PATH"] = os.path.join(HERE, "fake_bin") + os.pathsep + env.get("PATH", "")
    env.pop("CUDA_VISIBLE_DEVICES", None)
    return env
