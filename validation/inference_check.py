#!/usr/bin/env python3
"""inference_check.py — task 1a.15: LLM inference on the GPU(s).

Engines:
  vllm (offline)   --model PATH: vllm.LLM on a local model, fixed batch of prompts at temperature 0;
                   reports output tokens/s (batched), per-request latency p50/p90/p99, TTFT when the
                   engine reports it, and checks non-empty + deterministic outputs.
  vllm (--server)  starts `python -m vllm.entrypoints.openai.api_server` on 127.0.0.1, waits for /health,
                   checks /v1/models, sends the batch concurrently to /v1/completions; always kills it.
  fallback         used when vLLM is not importable or no --model is given (or --engine fallback):
                   a tiny RANDOMLY INITIALISED decoder built in code (transformers' Llama if importable,
                   else plain torch) runs greedy generation on each visible GPU, checking determinism
                   and reporting tokens/s.  It is labelled FALLBACK everywhere and never reported as vLLM.

--engine vllm with vLLM missing is a FAIL.  No GPU is exit 2 unless --device cpu (fallback only; CI).
Exit: 0 pass, 1 FAIL, 2 cannot run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checklib as cl  # noqa: E402

cl.ensure_pci_bus_order()

PROMPTS = [
    "The capital of France is",
    "Write a haiku about GPUs:",
    "def fibonacci(n):",
    "Explain PCIe in one sentence:",
    "The three laws of thermodynamics are",
    "Translate 'good morning' into German:",
    "List the planets of the solar system:",
    "Once upon a time, in a datacenter far away,",
]
FALLBACK_LABEL = "FALLBACK (tiny random-weight model, NOT vLLM)"


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=("auto", "vllm", "fallback"), default="auto")
    p.add_argument("--model", default=None, help="local model directory for vLLM (no hub downloads)")
    p.add_argument("--server", action="store_true", help="vLLM OpenAI server mode instead of the offline engine")
    p.add_argument("--port", type=int, default=8011)
    p.add_argument("--batch", type=int, default=8, help="number of fixed prompts (max %d)" % len(PROMPTS))
    p.add_argument("--max-tokens", type=int, default=64)
    p.add_argument("--gpu-memory-utilization", type=float, default=0.5)
    p.add_argument("--max-model-len", type=int, default=2048)
    p.add_argument("--tensor-parallel-size", type=int, default=1)
    p.add_argument("--enforce-eager", action="store_true")
    p.add_argument("--init-timeout", type=float, default=600.0, help="seconds for engine/server start")
    p.add_argument("--min-tokens-per-s", type=float, default=None, help="FAIL below this vLLM output tokens/s")
    p.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto", help="fallback device (cpu only for CI)")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    a.batch = max(1, min(a.batch, len(PROMPTS)))
    return a


def latency_stats(lat: List[float]) -> Dict[str, Optional[float]]:
    out: Dict[str, Any] = {f"p{q}": (round(cl.percentile(lat, q), 4) if lat else None) for q in (50, 90, 99)}
    out["n"] = len(lat)
    return out


# ------------------------------------------------------------------------------------------------
# vLLM offline
# ------------------------------------------------------------------------------------------------
def run_vllm_offline(args: argparse.Namespace, report: cl.Report) -> None:
    import vllm  # noqa: PLC0415
    from vllm import LLM, SamplingParams  # noqa: PLC0415

    prompts = PROMPTS[: args.batch]
    t0 = time.perf_counter()
    llm = LLM(
        model=args.model,
        gpu_memory_utilization=args.gpu_memory_utilization,
        max_model_len=args.max_model_len,
        tensor_parallel_size=args.tensor_parallel_size,
        enforce_eager=args.enforce_eager,
        seed=0,
    )
    init_s = time.perf_counter() - t0
    report.add("vllm.init", cl.PASS, f"engine up in {init_s:.1f}s (vLLM {vllm.__version__}, {args.model})", value=round(init_s, 1), unit="s")
    sp = SamplingParams(temperature=0.0, max_tokens=args.max_tokens, ignore_eos=True)
    llm.generate(prompts[:1], sp, use_tqdm=False)  # warm-up
    t0 = time.perf_counter()
    outs = llm.generate(prompts, sp, use_tqdm=False)
    wall = time.perf_counter() - t0
    toks = [list(o.outputs[0].token_ids) for o in outs]
    texts = [o.outputs[0].text for o in outs]
    ntok = sum(len(t) for t in toks)
    outs2 = llm.generate(prompts, sp, use_tqdm=False)
    same = toks == [list(o.outputs[0].token_ids) for o in outs2]
    lat, ttft = [], []
    for p in prompts:
        t1 = time.perf_counter()
        o = llm.generate([p], sp, use_tqdm=False)[0]
        lat.append(time.perf_counter() - t1)
        met = getattr(o, "metrics", None)
        if met is not None and getattr(met, "first_token_time", None) and getattr(met, "arrival_time", None):
            ttft.append(met.first_token_time - met.arrival_time)
    finish_metrics(report, "vllm", texts, ntok, wall, same, lat, ttft, args)


def finish_metrics(report: cl.Report, prefix: str, texts: List[str], ntok: int, wall: float, same: bool, lat: List[float], ttft: List[float], args: argparse.Namespace) -> None:
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    report.add(f"{prefix}.outputs", cl.FAIL if empty else cl.PASS, f"{len(texts)} prompts, empty outputs at {empty}" if empty else f"{len(texts)} prompts, all outputs non-empty")
    report.add(f"{prefix}.determinism", cl.PASS if same else cl.FAIL, "greedy outputs identical across 2 runs" if same else "greedy outputs differ between 2 runs")
    tps = ntok / wall if wall > 0 else 0.0
    if args.min_tokens_per_s is not None:
        st = cl.PASS if tps >= args.min_tokens_per_s else cl.FAIL
        thr = f" (floor {args.min_tokens_per_s:g})"
    else:
        st, thr = cl.INFO, " (no floor given: --min-tokens-per-s)"
    report.add(f"{prefix}.throughput", st, f"{ntok} output tokens in {wall:.2f}s = {tps:.1f} tokens/s, batch {len(texts)}{thr}", value=round(tps, 1), unit="tokens/s", threshold=args.min_tokens_per_s)
    ls = latency_stats(lat)
    report.add(f"{prefix}.latency", cl.INFO, f"per-request latency p50 {ls['p50']}s p90 {ls['p90']}s p99 {ls['p99']}s over {ls['n']} requests", value=ls)
    report.measurements.update({"tokens_per_s": round(tps, 2), "output_tokens": ntok, "wall_s": round(wall, 4), "latency_s": ls, "ttft_s": latency_stats(ttft) if ttft else None, "sample_output": texts[0][:200] if texts else None})


# ------------------------------------------------------------------------------------------------
# vLLM server (client part is stdlib-only and tested against a stub server)
# ------------------------------------------------------------------------------------------------
def http_json(url: str, payload: Optional[Dict[str, Any]] = None, timeout: float = 60.0) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310 - 127.0.0.1 only
        body = r.read().decode()
    return json.loads(body) if body.strip() else None


def wait_health(base: str, timeout: float, proc: Optional[subprocess.Popen] = None) -> float:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before becoming healthy")
        try:
            with urllib.request.urlopen(base + "/health", timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    return time.time() - t0
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(1.0)
    raise TimeoutError(f"/health not 200 within {timeout:.0f}s")


def server_benchmark(base: str, prompts: List[str], max_tokens: int, timeout: float = 300.0) -> Dict[str, Any]:
    """Client side of --server: /v1/models, concurrent /v1/completions (temperature 0), a determinism
    re-run, and a /metrics probe.  Pure stdlib so it runs against a stub server in tests."""
    models = http_json(base + "/v1/models", timeout=30)
    ids = [m.get("id") for m in (models or {}).get("data", [])]
    if not ids:
        raise RuntimeError("/v1/models lists no model")
    model = ids[0]

    def one(p: str, out: List[Any], i: int) -> None:
        t = time.perf_counter()
        try:
            r = http_json(base + "/v1/completions", {"model": model, "prompt": p, "max_tokens": max_tokens, "temperature": 0.0}, timeout=timeout)
            out[i] = (time.perf_counter() - t, r["choices"][0]["text"], int((r.get("usage") or {}).get("completion_tokens") or 0))
        except Exception as e:  # noqa: BLE001
            out[i] = e

    def batch() -> List[Any]:
        res: List[Any] = [None] * len(prompts)
        th = [threading.Thread(target=one, args=(p, res, i)) for i, p in enumerate(prompts)]
        for t in th:
            t.start()
        for t in th:
            t.join()
        errs = [r for r in res if isinstance(r, Exception)]
        if errs:
            raise RuntimeError(f"{len(errs)} completions failed: {errs[0]}")
        return res

    t0 = time.perf_counter()
    res = batch()
    wall = time.perf_counter() - t0
    res2 = batch()
    metrics_ok = None
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=10) as r:  # noqa: S310
            metrics_ok = "vllm:" in r.read().decode(errors="replace")
    except (urllib.error.URLError, OSError):
        metrics_ok = False
    return {
        "model": model,
        "texts": [r[1] for r in res],
        "latencies": [r[0] for r in res],
        "completion_tokens": sum(r[2] for r in res),
        "wall": wall,
        "deterministic": [r[1] for r in res] == [r[1] for r in res2],
        "metrics_has_vllm_series": metrics_ok,
    }


def run_vllm_server(args: argparse.Namespace, report: cl.Report) -> None:
    import vllm  # noqa: PLC0415

    base = f"http://127.0.0.1:{args.port}"
    cmd = [sys.executable, "-m", "vllm.entrypoints.openai.api_server", "--model", args.model, "--host", "127.0.0.1", "--port", str(args.port),
           "--gpu-memory-utilization", str(args.gpu_memory_utilization), "--max-model-len", str(args.max_model_len),
           "--tensor-parallel-size", str(args.tensor_parallel_size), "--seed", "0"] + (["--enforce-eager"] if args.enforce_eager else [])  # fmt: skip
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"inference_check_vllm_{args.port}.log"), "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        up = wait_health(base, args.init_timeout, proc)
        report.add("vllm.init", cl.PASS, f"server healthy in {up:.1f}s (vLLM {vllm.__version__}, log {log.name})", value=round(up, 1), unit="s")
        r = server_benchmark(base, PROMPTS[: args.batch], args.max_tokens)
        report.add("vllm.models", cl.PASS, f"/v1/models lists {r['model']}")
        finish_metrics(report, "vllm", r["texts"], r["completion_tokens"], r["wall"], r["deterministic"], r["latencies"], [], args)
        report.add("vllm.metrics", cl.PASS if r["metrics_has_vllm_series"] else cl.WARN, "/metrics exposes vllm: series" if r["metrics_has_vllm_series"] else "/metrics has no vllm: series")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()


# ------------------------------------------------------------------------------------------------
# Fallback: tiny random-weight decoder
# ------------------------------------------------------------------------------------------------
def build_tiny_torch_lm(torch: Any, vocab: int = 512, d: int = 128, heads: int = 4, layers: int = 2, max_len: int = 256):
    nn = torch.nn

    class TinyLM(nn.Module):
        """Random-weight causal decoder (plain torch); FALLBACK ONLY — not a real model, not vLLM."""

        def __init__(self) -> None:
            super().__init__()
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Embedding(max_len, d)
            layer = nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, batch_first=True)
            try:
                self.body = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
            except TypeError:
                self.body = nn.TransformerEncoder(layer, layers)
            self.norm = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab, bias=False)

        def forward(self, ids):
            n = ids.shape[1]
            mask = torch.triu(torch.full((n, n), float("-inf"), device=ids.device), diagonal=1)
            h = self.tok(ids) + self.pos(torch.arange(n, device=ids.device))
            return self.head(self.norm(self.body(h, mask=mask)))

    torch.manual_seed(0)
    return TinyLM().eval()


def greedy_generate(torch: Any, model: Any, ids: Any, new_tokens: int) -> Any:
    with torch.no_grad():
        for _ in range(new_tokens):
            nxt = model(ids)[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, nxt], dim=1)
    return ids


def _try_transformers_lm(torch: Any):
    """Tiny random Llama via transformers, if installed (built from a config; no download)."""
    try:
        from transformers import LlamaConfig, LlamaForCausalLM  # noqa: PLC0415
    except Exception:  # noqa: BLE001
        return None
    cfg = LlamaConfig(vocab_size=512, hidden_size=128, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=256)
    torch.manual_seed(0)
    return LlamaForCausalLM(cfg).eval()


def run_fallback(args: argparse.Namespace, report: cl.Report, torch: Any, devices: List[str], reason: str, status: str) -> None:
    report.add("engine", status, f"{FALLBACK_LABEL}: {reason}", value="fallback")
    lm = _try_transformers_lm(torch)
    kind = "fallback-transformers-llama-random" if lm is not None else "fallback-torch-tinylm-random"
    report.measurements.update({"engine": kind, "is_vllm": False, "fallback": True, "model": "tiny random-weight decoder built in code (no checkpoint)"})
    g = torch.Generator().manual_seed(123)
    prompt = torch.randint(0, 512, (args.batch, 16), generator=g)
    per_dev: List[Dict[str, Any]] = []
    outputs = {}
    for dname in devices:
        dev = torch.device(dname)
        model = (_try_transformers_lm(torch) if lm is not None else build_tiny_torch_lm(torch)).to(dev)
        ids = prompt.to(dev)

        def gen():
            if lm is not None:
                with torch.no_grad():
                    return model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=args.max_tokens, min_new_tokens=args.max_tokens, do_sample=False, pad_token_id=0)
            return greedy_generate(torch, model, ids, args.max_tokens)

        gen()  # warm-up
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        t0 = time.perf_counter()
        out1 = gen()
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        wall = time.perf_counter() - t0
        out2 = gen()
        same = bool(torch.equal(out1, out2))
        ntok = args.batch * args.max_tokens
        tps = ntok / wall
        outputs[dname] = out1.cpu()
        name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
        per_dev.append({"device": dname, "name": name, "tokens_per_s": round(tps, 1), "deterministic": same, "wall_s": round(wall, 4)})
        tag = dname.replace(":", "")
        report.add(f"fallback.{tag}.determinism", cl.PASS if same else cl.FAIL, f"{name}: greedy output identical across 2 runs" if same else f"{name}: greedy output differs between runs")
        report.add(f"fallback.{tag}.throughput", cl.INFO, f"{name}: {tps:.1f} tokens/s ({args.batch}x{args.max_tokens} greedy tokens, {FALLBACK_LABEL})", value=round(tps, 1), unit="tokens/s")
    if len(outputs) > 1:
        ref = next(iter(outputs.values()))
        agree = all(torch.equal(ref, o) for o in outputs.values())
        report.add("fallback.cross_device", cl.PASS if agree else cl.WARN, "all devices produced identical greedy tokens" if agree else "devices disagree on greedy tokens (numerics differ between GPUs?)")
    report.measurements["devices"] = per_dev
    report.measurements["tokens_per_s"] = round(sum(d["tokens_per_s"] for d in per_dev), 1)
    report.measurements["batch"] = args.batch
    report.measurements["max_tokens"] = args.max_tokens


# ------------------------------------------------------------------------------------------------
def vllm_importable() -> Optional[str]:
    """None if vllm imports, else the reason."""
    try:
        import vllm  # noqa: F401, PLC0415
    except Exception as e:  # noqa: BLE001 - broken installs raise more than ImportError
        return f"{type(e).__name__}: {str(e)[:200]}"
    return None


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    report = cl.Report("inference_check")
    report.measurements.update({"engine": None, "is_vllm": False, "fallback": False})
    torch = cl.import_torch_into(report)
    if torch is None:
        return report.emit(args.json)
    cuda = torch.cuda.is_available() and args.device != "cpu"
    if args.device in ("auto", "cuda") and not cuda:
        report.cannot_run(f"no CUDA device visible to torch {torch.__version__} (use --device cpu for a CPU fallback run)")
        return report.emit(args.json)
    devices = [f"cuda:{i}" for i in range(torch.cuda.device_count())] if cuda else ["cpu"]

    why_not = None
    if args.engine != "fallback":
        err = vllm_importable()
        if err is not None:
            why_not = f"vLLM not importable ({err})"
        elif not args.model:
            why_not = "no --model given"
        elif not os.path.isdir(args.model):
            why_not = f"model path {args.model} is not a directory"
        elif not cuda:
            why_not = "vLLM needs a GPU"
    if args.engine == "vllm" and why_not:
        report.add("engine", cl.FAIL, f"--engine vllm requested but {why_not}")
        return report.emit(args.json)
    if args.engine == "fallback" or why_not:
        run_fallback(args, report, torch, devices, why_not or "--engine fallback requested", cl.INFO if args.engine == "fallback" else cl.WARN)
        return report.emit(args.json)

    import vllm  # noqa: PLC0415

    del torch
    mode = "vllm-server" if args.server else "vllm-offline"
    report.measurements.update({"engine": mode, "is_vllm": True, "fallback": False, "model": args.model, "batch": args.batch, "max_tokens": args.max_tokens})
    report.env["vllm"] = vllm.__version__
    report.add("engine", cl.PASS, f"vLLM {vllm.__version__} ({mode}) on {args.model}", value=mode)
    try:
        (run_vllm_server if args.server else run_vllm_offline)(args, report)
    except Exception as e:  # noqa: BLE001
        msg = f"{type(e).__name__}: {str(e)[:500]}"
        hint = ""
        if "no kernel image" in msg or "out of memory" in msg.lower():
            hint = " (check torch CUDA variant / arch list for sm_120, or lower --gpu-memory-utilization)"
        report.add("vllm.run", cl.FAIL, msg + hint)
    return report.emit(args.json)


if __name__ == "__main__":
    sys.exit(main())
