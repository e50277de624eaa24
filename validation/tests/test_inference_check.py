"""inference_check: fallback labelling, latency maths, the vLLM server client against a stub server."""

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import checklib as cl
import inference_check as ic
from conftest import needs_torch

SCRIPT = ic.__file__


def test_percentiles():
    assert cl.percentile([], 50) is None
    assert cl.percentile([3.0], 99) == 3.0
    assert cl.percentile([1, 2, 3, 4], 50) == pytest.approx(2.5)
    assert cl.percentile(list(range(1, 101)), 90) == pytest.approx(90.1)
    s = ic.latency_stats([0.1, 0.2, 0.3])
    assert s == {"p50": 0.2, "p90": pytest.approx(0.28), "p99": pytest.approx(0.298), "n": 3}


@needs_torch
def test_fallback_cpu_is_labelled_and_deterministic():
    p = subprocess.run([sys.executable, SCRIPT, "--device", "cpu", "--json", "--max-tokens", "8", "--batch", "4"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    doc = json.loads(p.stdout)
    m = doc["measurements"]
    assert m["fallback"] is True and m["is_vllm"] is False
    assert m["engine"].startswith("fallback-") and "vllm" not in m["engine"]
    c = {x["id"]: x for x in doc["checks"]}
    assert c["engine"]["status"] == "WARN" and "NOT vLLM" in c["engine"]["detail"]
    assert c["fallback.cpu.determinism"]["status"] == "PASS"
    assert c["fallback.cpu.throughput"]["unit"] == "tokens/s" and c["fallback.cpu.throughput"]["value"] > 0
    assert m["devices"][0]["device"] == "cpu" and m["batch"] == 4 and m["max_tokens"] == 8
    assert "FALLBACK" in p.stderr


@needs_torch
def test_engine_vllm_without_vllm_fails():
    try:
        import vllm  # noqa: F401

        pytest.skip("vllm installed")
    except ImportError:
        pass
    p = subprocess.run([sys.executable, SCRIPT, "--device", "cpu", "--engine", "vllm", "--json"], capture_output=True, text=True, timeout=120)
    doc = json.loads(p.stdout)
    assert p.returncode == 1 and doc["failures"] == ["engine"] and doc["measurements"]["is_vllm"] is False


@needs_torch
def test_greedy_generation_in_process():
    import torch

    model = ic.build_tiny_torch_lm(torch)
    ids = torch.randint(0, 512, (2, 5), generator=torch.Generator().manual_seed(0))
    a = ic.greedy_generate(torch, model, ids, 6)
    b = ic.greedy_generate(torch, ic.build_tiny_torch_lm(torch), ids, 6)
    assert a.shape == (2, 11) and torch.equal(a, b) and torch.equal(a[:, :5], ids)


# ---------------- stub OpenAI-compatible server for the --server client ----------------
class Stub(BaseHTTPRequestHandler):
    healthy_after = 0
    hits = {"health": 0}

    def log_message(self, *a):
        pass

    def _send(self, code, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            Stub.hits["health"] += 1
            self._send(200 if Stub.hits["health"] > Stub.healthy_after else 503, "")
        elif self.path == "/v1/models":
            self._send(200, {"object": "list", "data": [{"id": "/opt/models/qwen3-0.6b", "object": "model"}]})
        elif self.path == "/metrics":
            self._send(200, "# HELP vllm:num_requests_running x\nvllm:num_requests_running 0\n", "text/plain")
        else:
            self._send(404, {})

    def do_POST(self):
        n = int(self.headers["Content-Length"])
        req = json.loads(self.rfile.read(n))
        assert req["temperature"] == 0.0 and req["model"] == "/opt/models/qwen3-0.6b"
        text = " echo:" + req["prompt"][::-1]
        self._send(200, {"choices": [{"text": text, "index": 0}], "usage": {"completion_tokens": req["max_tokens"]}})


@pytest.fixture
def stub_server():
    Stub.hits = {"health": 0}
    Stub.healthy_after = 2
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_server_client_against_stub(stub_server):
    waited = ic.wait_health(stub_server, timeout=20)
    assert waited >= 1.0 and Stub.hits["health"] == 3
    r = ic.server_benchmark(stub_server, ic.PROMPTS[:4], max_tokens=16)
    assert r["model"] == "/opt/models/qwen3-0.6b"
    assert r["completion_tokens"] == 64 and len(r["latencies"]) == 4
    assert r["deterministic"] is True and r["metrics_has_vllm_series"] is True
    assert r["texts"][0] == " echo:" + ic.PROMPTS[0][::-1]
    rep = cl.Report("inference_check")
    args = ic.parse_args(["--min-tokens-per-s", "1"])
    ic.finish_metrics(rep, "vllm", r["texts"], r["completion_tokens"], r["wall"], r["deterministic"], r["latencies"], [], args)
    c = {x["id"]: x for x in rep.checks}
    assert c["vllm.throughput"]["status"] == "PASS" and c["vllm.outputs"]["status"] == "PASS"
    assert rep.measurements["latency_s"]["n"] == 4


def test_wait_health_times_out():
    with pytest.raises(TimeoutError):
        ic.wait_health("http://127.0.0.1:9", timeout=1.5)


def test_finish_metrics_failures():
    rep = cl.Report("inference_check")
    args = ic.parse_args(["--min-tokens-per-s", "1000"])
    ic.finish_metrics(rep, "vllm", ["ok", "  "], 10, 1.0, False, [0.5], [0.05], args)
    assert set(rep.ids("FAIL")) == {"vllm.outputs", "vllm.determinism", "vllm.throughput"}
    assert rep.measurements["ttft_s"]["p50"] == 0.05
