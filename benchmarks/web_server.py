"""The benchmark's gunicorn: its environment, start and stop, and the CPU its processes use."""

import asyncio
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.web_config import (
    BASE_DIR,
    BROKER_DB,
    CACHE_DB,
    HOST,
    SETTINGS_MODULE,
    redis_url,
)
from benchmarks.web_load import http_request, run_load


def server_environment(args) -> dict:
    environment = dict(os.environ)
    environment.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOST,
            "SECURE_SSL_REDIRECT": "false",
            "RATE_LIMITS_ENABLED": "false",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "CELERY_BROKER_URL": redis_url(BROKER_DB),
            "CACHE_URL": redis_url(CACHE_DB),
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
        }
    )
    return environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def gunicorn_command(args, port: int) -> list[str]:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "returnee_portal.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--backlog",
        "2048",
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
        # Several servers may run on one machine: none claims the shared control socket.
        "--no-control-socket",
    ]
    if args.threads > 1:
        command += ["--threads", str(args.threads)]
    return command


def start_server(args, port: int, log) -> subprocess.Popen:
    environment = server_environment(args)
    # Production serves hashed static files from the manifest: the pages need it.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=environment,
        check=True,
    )
    return subprocess.Popen(
        gunicorn_command(args, port), cwd=BASE_DIR, env=environment, stdout=log, stderr=log
    )


def wait_until_ready(server: subprocess.Popen, port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    request = http_request("GET", "/healthz/", port)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        load = asyncio.run(run_load(port, [request], 1, 5, expect=200, timeout=5))
        if load["statuses"].get("200"):
            return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz/ within a minute")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def flush_redis() -> None:
    import redis

    for db in (BROKER_DB, CACHE_DB):
        redis.Redis.from_url(redis_url(db), socket_connect_timeout=3).flushdb()


# CPU of the server's processes --------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[str, int, int, str]]:
    """pid -> (command name, parent pid, CPU ticks (user + system), command line)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                line = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        fields = text.rsplit(")", 1)[1].split()
        table[int(entry)] = (name, int(fields[1]), int(fields[11]) + int(fields[12]), line)
    return table


# A backend's title: "postgres: 15/main: USER DATABASE HOST(PORT) STATE"; an autovacuum
# worker's: "postgres: 15/main: autovacuum worker DATABASE".
BACKEND = re.compile(
    r"^postgres: \S+: (?:autovacuum worker (\S+)|\S+ (\S+) (?:\S+\(\d+\)|\[local\]))"
)


def cpu_snapshot(master: int, database: str) -> dict[str, dict[int, int]]:
    """CPU ticks of gunicorn's workers, of every PostgreSQL process (`postgres_all`), and of
    the PostgreSQL processes that serve the benchmark's database (`postgres`: its backends and
    the server's shared processes, not the backends of other databases on a shared server)."""
    snapshot = {"gunicorn": {}, "postgres": {}, "postgres_all": {}}
    for pid, (name, parent, ticks, line) in _processes().items():
        if parent == master:
            snapshot["gunicorn"][pid] = ticks
        elif name == "postgres" or name.startswith("postgres:"):
            snapshot["postgres_all"][pid] = ticks
            backend = BACKEND.match(line)
            if backend is None or database in backend.groups():
                snapshot["postgres"][pid] = ticks
    return snapshot


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per group between two snapshots (a process born in between counts whole)."""
    return {
        group: sum(ticks - before[group].get(pid, 0) for pid, ticks in after[group].items())
        / CLOCK_TICKS
        for group in after
    }


# The load generator -------------------------------------------------------------------------
