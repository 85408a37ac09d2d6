"""Concurrent sessions through the HTTP API (``legal-assistant bench --concurrency N``).

N sessions start at the same moment; each asks its questions in turn (``POST /api/ask``) and
follows each answer up (``POST /api/chat`` with that session's own history). Measured: errors,
latency p50/p95 (all requests, questions, follow-ups), throughput, the load average while it ran;
checked: every follow-up was resolved against its own session's history (its searched query holds
that session's question and the follow-up, nothing of another session).

Without ``--url`` a ``legal-assistant serve`` process is started on a free loopback port with the
current settings and stopped afterwards; all traffic stays on this machine."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import metrics

FOLLOW_UPS = ("and for foreigners?", "is that still in force?", "and what if it happens again?")


@dataclass(frozen=True)
class Exchange:
    """One request of one session."""

    session: int
    kind: str  # "question" or "follow_up"
    ms: float
    ok: bool
    error: str = ""
    answer_status: str = ""
    resolved: bool | None = None  # follow-ups: searched with this session's own history


def session_plans(questions: Sequence[str], sessions: int, per_session: int,
                  follow_ups: Sequence[str] = FOLLOW_UPS) -> list[list[tuple[str, str]]]:
    """(question, follow-up) pairs per session; questions are spread so that sessions differ."""
    if not questions:
        raise ValueError("no questions to ask")
    return [[(questions[(s * per_session + i) % len(questions)], follow_ups[(s + i) % len(follow_ups)])
             for i in range(per_session)] for s in range(sessions)]


def follow_up_resolved(query: str, own_question: str, follow_up: str) -> bool:
    """The follow-up was searched together with the question it follows, in this session."""
    return own_question.strip() in query and follow_up.strip() in query


def run_session(base_url: str, session: int, plan: list[tuple[str, str]], start: threading.Event,
                timeout: float) -> list[Exchange]:
    import httpx

    out: list[Exchange] = []
    with httpx.Client(base_url=base_url, timeout=timeout) as client:
        start.wait()
        for question, follow_up in plan:
            asked = _post(client, "/api/ask", {"question": question}, session, "question")
            out.append(asked.exchange)
            if not asked.exchange.ok:
                continue
            history = [{"role": "user", "content": question}, {"role": "assistant", "content": asked.body["text"]}]
            followed = _post(client, "/api/chat", {"message": follow_up, "history": history}, session, "follow_up")
            resolved = followed.exchange.ok and follow_up_resolved(followed.body.get("query", ""), question, follow_up)
            out.append(Exchange(**{**asdict(followed.exchange), "resolved": resolved}))
    return out


@dataclass
class _Reply:
    exchange: Exchange
    body: dict[str, Any]


def _post(client, path: str, payload: dict, session: int, kind: str) -> _Reply:
    started = time.perf_counter()
    try:
        response = client.post(path, json=payload)
        ms = (time.perf_counter() - started) * 1000
        body = response.json()
        if response.status_code != 200:
            return _Reply(Exchange(session, kind, ms, False, f"HTTP {response.status_code}: {body.get('error', '')}"), {})
        return _Reply(Exchange(session, kind, ms, True, answer_status=body.get("status", "")), body)
    except Exception as exc:  # a benchmark counts failures, it does not stop at the first
        return _Reply(Exchange(session, kind, (time.perf_counter() - started) * 1000, False,
                               f"{type(exc).__name__}: {exc}"), {})


class LoadSampler:
    """The 1-minute load average, sampled every second while the load runs."""

    def __init__(self, every_s: float = 1.0):
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every_s,), daemon=True)

    def _run(self, every_s: float) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self._stop.wait(every_s)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_load(base_url: str, sessions: int, per_session: int, questions: Sequence[str],
             timeout: float = 600.0) -> dict[str, Any]:
    """Run the sessions at once against a serving process; return the figures."""
    plans = session_plans(questions, sessions, per_session)
    start = threading.Event()
    load_before = os.getloadavg()
    with LoadSampler() as load, ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [pool.submit(run_session, base_url, s, plan, start, timeout) for s, plan in enumerate(plans)]
        time.sleep(0.2)  # every session is waiting at the start line
        began = time.perf_counter()
        start.set()
        exchanges = [e for f in futures for e in f.result()]
        wall = time.perf_counter() - began
    return summarize(exchanges, wall, sessions, per_session,
                     {"before": round(load_before[0], 2), "max": round(max(load.samples, default=0.0), 2),
                      "mean": round(sum(load.samples) / len(load.samples), 2) if load.samples else None,
                      "after": round(os.getloadavg()[0], 2)})


def summarize(exchanges: Sequence[Exchange], wall_s: float, sessions: int, per_session: int,
              load: dict[str, Any]) -> dict[str, Any]:
    def latency(kind: str | None) -> dict[str, Any]:
        values = [e.ms for e in exchanges if e.ok and (kind is None or e.kind == kind)]
        return {"n": len(values), "p50_ms": round(metrics.percentile(values, 50), 1) if values else None,
                "p95_ms": round(metrics.percentile(values, 95), 1) if values else None,
                "max_ms": round(max(values), 1) if values else None}

    follow_ups = [e for e in exchanges if e.kind == "follow_up"]
    errors = [e for e in exchanges if not e.ok]
    return {
        "sessions": sessions, "questions_per_session": per_session, "requests": len(exchanges),
        "errors": len(errors), "error_examples": sorted({e.error for e in errors})[:5],
        "follow_ups": len(follow_ups), "follow_ups_resolved": sum(1 for e in follow_ups if e.resolved),
        "not_found": sum(1 for e in exchanges if e.answer_status == "not_found"),
        "latency": {"all": latency(None), "question": latency("question"), "follow_up": latency("follow_up")},
        "wall_s": round(wall_s, 1), "throughput_rps": round(len(exchanges) / wall_s, 2) if wall_s else None,
        "load_average_1min": load, "cpus": os.cpu_count(),
    }


def render(result: dict[str, Any]) -> str:
    lat = result["latency"]

    def row(name: str, key: str) -> str:
        part = lat[key]
        return (f"| {name} | {part['n']} | {_s(part['p50_ms'])} | {_s(part['p95_ms'])} | {_s(part['max_ms'])} |")

    load = result["load_average_1min"]
    return "\n".join([
        f"## Concurrent sessions: {result['sessions']} sessions × {result['questions_per_session']} questions, "
        "each followed up", "",
        f"{result['requests']} requests in {result['wall_s']} s ({result['throughput_rps']} requests/s); "
        f"errors: {result['errors']}; follow-ups resolved against their own session's history: "
        f"{result['follow_ups_resolved']}/{result['follow_ups']}; not-found answers: {result['not_found']}. "
        f"Load average (1 min) before {load['before']}, mean {load['mean']}, max {load['max']}, after "
        f"{load['after']}, on {result['cpus']} CPUs.", "",
        "| requests | n | p50 | p95 | max |", "|---|---|---|---|---|",
        row("all", "all"), row("questions (POST /api/ask)", "question"), row("follow-ups (POST /api/chat)", "follow_up"),
        *([""] + [f"- error: {e}" for e in result["error_examples"]] if result["error_examples"] else []),
    ])


def _s(ms: float | None) -> str:
    return "n/a" if ms is None else f"{ms / 1000:.2f} s"


# ------------------------------------------------------------------------------ a server to measure
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int | None = None, wait_s: float = 600.0) -> tuple[subprocess.Popen, str]:
    """``legal-assistant serve`` in a child process (current settings), once /api/health says ok."""
    import httpx

    port = port or _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile(mode="w+")  # not a pipe: nobody reads it while the load runs
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"`legal-assistant serve` exited: {log.read().strip()[-1000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"`legal-assistant serve` did not answer on {url} within {wait_s:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_concurrency_benchmark(output_dir: str | Path, sessions: int, questions: Sequence[str], per_session: int = 3,
                              url: str | None = None) -> dict[str, Any]:
    """Start a server unless ``url`` is given, run the load, write concurrency.json/.md."""
    proc = None
    if not url:
        proc, url = start_server()
    try:
        result = run_load(url.rstrip("/"), sessions, per_session, questions)
    finally:
        if proc is not None:
            stop_server(proc)
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    (output / "concurrency.json").write_text(json.dumps(result, indent=1, ensure_ascii=False), encoding="utf-8")
    (output / "concurrency.md").write_text(render(result) + "\n", encoding="utf-8")
    return result
