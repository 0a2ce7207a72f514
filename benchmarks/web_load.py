"""The load generator: an asyncio client on raw keep-alive HTTP/1.1 connections, bounded in
requests and seconds, and latency percentiles."""

import asyncio
import math
import time
from collections import Counter

from benchmarks.web_config import (  # noqa: F401
    BASE_DIR,
    BENCH_EMAIL,
    BENCH_TABLE,
    BROKER_DB,
    CACHE_DB,
    FULL,
    GIB,
    HOST,
    QUICK,
    RUSH_VENUE,
    SETTINGS_MODULE,
    TARGETS,
)


def http_request(
    method: str, path: str, port: int, token: str | None = None, *, html: bool = False
) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        f"Accept: {'text/html,application/xhtml+xml' if html else 'application/json'}",
        "User-Agent: returnee-portal-benchmark",
    ]
    if token:
        lines.append(f"Authorization: Token {token}")
    if method == "POST":
        lines.append("Content-Length: 0")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Status, whether the server closes the connection, and the body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    version, status = lines[0].split(b" ", 2)[:2]
    length, chunked, close = None, False, version == b"HTTP/1.0"
    for line in lines[1:]:
        name, _colon, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")  # no trailers are sent
                break
            parts.append(await reader.readexactly(size + 2))
        body = b"".join(part[:-2] for part in parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, close = await reader.read(), True
    return int(status), close, body


async def run_load(
    port: int,
    requests: list[bytes],
    concurrency: int,
    seconds: float,
    *,
    expect: int,
    timeout: float = 60,
) -> dict:
    """Sends `requests` in order over `concurrency` connections, each request once, until all
    are answered or `seconds` have passed; reconnects when the server closes a connection."""
    state = {"next": 0}
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors: Counter = Counter()
    samples: dict[str, str] = {}
    connections = 0
    started = time.perf_counter()
    deadline = started + seconds
    last_answer = started

    async def connection() -> None:
        nonlocal connections, last_answer
        reader = writer = None
        try:
            while True:
                index = state["next"]
                if index >= len(requests) or time.perf_counter() >= deadline:
                    return
                state["next"] = index + 1
                sent = time.perf_counter()
                try:
                    async with asyncio.timeout(timeout):
                        if writer is None:
                            reader, writer = await asyncio.open_connection(HOST, port)
                            connections += 1
                        writer.write(requests[index])
                        status, close, body = await read_response(reader)
                except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as exc:
                    errors[type(exc).__name__] += 1
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    continue
                last_answer = time.perf_counter()
                latencies.append((last_answer - sent) * 1000)
                statuses[str(status)] += 1
                if status != expect and str(status) not in samples:
                    samples[str(status)] = body[:300].decode("utf-8", errors="replace")
                if close:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    await asyncio.gather(*(connection() for _ in range(min(concurrency, len(requests)))))
    elapsed = max(last_answer - started, 1e-9)
    ok = statuses.get(str(expect), 0)
    return {
        "requests": len(requests),
        "completed": len(latencies),
        "ok": ok,
        "seconds": round(elapsed, 3),
        "per_second": round(ok / elapsed, 1),
        "per_minute": round(ok / elapsed * 60),
        "latency_ms": latency_summary(latencies),
        "statuses": dict(sorted(statuses.items())),
        "errors": dict(errors),
        "error_samples": samples,
        "connections": connections,
        "stopped_at_time_limit": state["next"] < len(requests),
    }


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latency_summary(samples: list[float]) -> dict:
    if not samples:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    return {
        "p50": round(percentile(samples, 0.50), 1),
        "p95": round(percentile(samples, 0.95), 1),
        "p99": round(percentile(samples, 0.99), 1),
        "max": round(max(samples), 1),
    }
