#!/usr/bin/env python
"""Load benchmark of the portal behind gunicorn: a registration rush, lists and search.

    DATABASE_URL=postgres://... .venv/bin/python scripts/benchmark_web.py \
        [--generate] [--quick] [--output benchmarks/web.json] [--rounds 3]

Against the synthetic data of `manage.py generate_synthetic` (made first when the database
has none or too little, or always with --generate; the matching engine then runs once so that
people have matches), and accounts with API tokens of its own, it starts gunicorn with
production settings on a free loopback port and measures, with a small asyncio client of its
own (keep-alive HTTP/1.1 where the server keeps connections, 32 at once), side by side:

- the rush: every account registers for one fresh event of limited capacity, each exactly
  once; registrations per minute, latency, status codes, then the database is checked
  (seats, waitlist, one live registration each, one notification each);
- a bare insert: the same number of authenticated POSTs to a view that inserts one row and
  nothing else, alternated with the rush, for the ratio of the two;
- CPU per request of gunicorn's workers and of PostgreSQL in both;
- reads: the API lists, the list pages and policy searches, each alternated with a bare view
  that lists 20 events, for the ratio to that ceiling.

Each phase runs --rounds times; the figures are medians over the rounds. Writes them, the
machine, the data counts and the targets with pass or fail as JSON, and prints a summary.
`make bench-web` runs it against its own database.
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.web_config import (
    BASE_DIR,
    BROKER_DB,
    CACHE_DB,
    FULL,
    HOST,
    QUICK,
    SETTINGS_MODULE,
    redis_url,
)
from benchmarks.web_data import (
    bench_accounts,
    check_rush,
    clear_previous_runs,
    data_counts,
    filter_values,
    generate,
    machine,
    matched_returnee_token,
    notification_mark,
    rematch,
    rush_event,
)
from benchmarks.web_load import (
    http_request,
    run_load,
)
from benchmarks.web_report import (
    build_figures,
    print_summary,
)
from benchmarks.web_server import (
    cpu_snapshot,
    cpu_used,
    flush_redis,
    free_port,
    start_server,
    stop_server,
    wait_until_ready,
)


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    # Whatever this process queues or caches goes to the benchmark's own Redis databases.
    os.environ["CELERY_BROKER_URL"] = redis_url(BROKER_DB)
    os.environ["CACHE_URL"] = redis_url(CACHE_DB)
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log in this process
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to a PostgreSQL database.")


# The server ---------------------------------------------------------------------------------


class Bench:
    """One running server and what the phases measured on it."""

    def __init__(self, args, port: int, server: subprocess.Popen, database: str):
        self.args = args
        self.port = port
        self.server = server
        self.database = database

    def phase(self, requests: list[bytes], *, expect: int, concurrency: int, seconds: float):
        """Runs one load with the CPU of the server, PostgreSQL and this client around it."""
        before = cpu_snapshot(self.server.pid, self.database)
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        load = asyncio.run(run_load(self.port, requests, concurrency, seconds, expect=expect))
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        used = cpu_used(before, cpu_snapshot(self.server.pid, self.database))
        if self.server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {self.server.returncode}")
        client = (client_after.ru_utime - client_before.ru_utime) + (
            client_after.ru_stime - client_before.ru_stime
        )
        answered = max(load["completed"], 1)
        load["cpu_ms_per_request"] = {
            "gunicorn": round(used["gunicorn"] * 1000 / answered, 2),
            "postgres": round(used["postgres"] * 1000 / answered, 2),
            "postgres_all": round(used["postgres_all"] * 1000 / answered, 2),
            "client": round(client * 1000 / answered, 2),
        }
        load["client_cpu_share"] = round(client / load["seconds"], 3)
        return load


# The phases ---------------------------------------------------------------------------------


def read_endpoints(matches_token: str | None, filters: dict, today: str) -> list[dict]:
    def search(query: str, **extra) -> str:
        return "/api/v1/policies/?" + urlencode({"q": query, **extra}, quote_via=quote)

    filtered = search("talent", **filters, active_on=today)
    endpoints = [
        ("events API", "/api/v1/events/", "api_list"),
        ("policies API", "/api/v1/policies/", "api_list"),
        ("startups API", "/api/v1/startups/", "api_list"),
        ("advisors API", "/api/v1/advisors/", "api_list"),
        ("talent directory API", "/api/v1/returnees/", "api_list"),
        ("my matches API", "/api/v1/me/matches/", "api_list"),
        ("events page", "/events/", "html_page"),
        ("policies page", "/policies/", "html_page"),
        ("startups page", "/startups/", "html_page"),
        ("search talent", search("talent"), "search"),
        ("search 人才", search("人才"), "search"),
        ("search 人才公寓", search("人才公寓"), "search"),
        ("search 集成电路 补贴", search("集成电路 补贴"), "search"),
        ("search talent + filters", filtered, "search"),
    ]
    # Anonymous reads are measured twice: at one address, as the city's visitors read the
    # first page of a list (answered from the public list cache, core.listcache), and with a
    # query parameter new at every request, so that every answer is built afresh. The list
    # and page targets are read on the first, the search target on the second: real
    # searches vary. A signed-in list (my matches) is never cached: measured once.
    rows = []
    for name, path, kind in endpoints:
        token = matches_token if path == "/api/v1/me/matches/" else None
        search_target = kind == "search"
        rows.append(
            {
                "name": name,
                "path": path,
                "kind": kind,
                "token": token,
                "afresh": token is not None,
                "target": token is not None or not search_target,
            }
        )
        if token is None:
            rows.append(
                {
                    "name": f"{name}, afresh",
                    "path": path,
                    "kind": kind,
                    "token": None,
                    "afresh": True,
                    "target": search_target,
                }
            )
    return rows


def get(endpoint: dict, port: int, fresh: str = "") -> bytes:
    path = endpoint["path"]
    if fresh:
        path += ("&" if "?" in path else "?") + f"bench_fresh={fresh}"
    return http_request("GET", path, port, endpoint["token"], html=endpoint["kind"] == "html_page")


def run_rounds(bench: Bench, accounts, matches_token: str | None, filters: dict) -> dict:
    from django.utils import timezone

    args = bench.args

    rng = random.Random(args.seed)
    today = timezone.localdate().isoformat()
    endpoints = read_endpoints(matches_token, filters, today)
    bare_list = http_request("GET", "/bench/list/", bench.port)
    results = {
        "rush": [],
        "bare_insert": [],
        "reads": {endpoint["name"]: [] for endpoint in endpoints},
        "bare_list": {endpoint["name"]: [] for endpoint in endpoints},
    }

    print("Warming up the workers...", flush=True)
    warm = [get(endpoint, bench.port) for endpoint in endpoints]
    bench.phase(warm * args.workers + [bare_list] * 20, expect=200, concurrency=4, seconds=120)
    inserts = [
        http_request("POST", "/bench/insert/", bench.port, key) for _pk, key in accounts[:20]
    ]
    bench.phase(inserts, expect=201, concurrency=4, seconds=60)

    for round_number in range(1, args.rounds + 1):
        order = list(accounts)
        rng.shuffle(order)
        writes = ["rush", "bare_insert"] if round_number % 2 else ["bare_insert", "rush"]
        for phase in writes:
            if phase == "rush":
                results["rush"].append(rush_phase(bench, order, round_number))
            else:
                requests = [
                    http_request("POST", "/bench/insert/", bench.port, key) for _pk, key in order
                ]
                print(f"Round {round_number}: bare insert, {len(requests)} POSTs...", flush=True)
                load = bench.phase(
                    requests, expect=201, concurrency=args.concurrency, seconds=args.max_seconds
                )
                results["bare_insert"].append(load)
                print(f"  {load['per_minute']:,}/min, p95 {load['latency_ms']['p95']} ms")
        print(f"Round {round_number}: reads, {args.read_requests} requests each...", flush=True)
        for index, endpoint in enumerate(endpoints):
            if endpoint["afresh"] and endpoint["token"] is None:
                requests = [
                    get(endpoint, bench.port, fresh=f"{round_number}-{number}")
                    for number in range(args.read_requests)
                ]
            else:
                requests = [get(endpoint, bench.port)] * args.read_requests
            pair = [("reads", requests), ("bare_list", [bare_list] * args.read_requests)]
            if (round_number + index) % 2 == 0:
                pair.reverse()
            for key, batch in pair:
                load = bench.phase(
                    batch,
                    expect=200,
                    concurrency=args.read_concurrency,
                    seconds=args.read_seconds,
                )
                results[key][endpoint["name"]].append(load)
    return {"results": results, "endpoints": endpoints}


def rush_phase(bench: Bench, order, round_number: int) -> dict:
    args = bench.args
    event = rush_event(args.capacity, round_number)
    requests = [
        http_request("POST", f"/api/v1/events/{event.pk}/register/", bench.port, key)
        for _pk, key in order
    ]
    mark = notification_mark()
    print(
        f"Round {round_number}: rush, {len(requests)} registrations for event {event.pk} "
        f"({args.capacity} seats)...",
        flush=True,
    )
    load = bench.phase(requests, expect=201, concurrency=args.concurrency, seconds=args.max_seconds)
    load["event"] = event.pk
    load.update(check_rush(event, load, mark))
    failed = [name for name, passed in load["checks"].items() if passed is False]
    verdict = f"failed: {', '.join(failed)}" if failed else "pass"
    print(
        f"  {load['per_minute']:,}/min, p95 {load['latency_ms']['p95']} ms, "
        f"statuses {load['statuses']}, checks {verdict}"
    )
    return load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", action="store_true", help="make fresh synthetic data first")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: small data, few requests"
    )
    parser.add_argument("--output", default="benchmarks/web.json", help="the JSON file")
    parser.add_argument("--rounds", type=int, default=3, help="times each phase runs (default 3)")
    parser.add_argument(
        "--users", type=int, help="accounts in the rush (default 6000, 300 with --quick)"
    )
    parser.add_argument(
        "--capacity", type=int, help="seats of the rush event (default 500, 50 with --quick)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=32, help="connections of the write phases (default 32)"
    )
    parser.add_argument(
        "--read-requests", type=int, help="requests per read and round (default 200, 30 quick)"
    )
    parser.add_argument(
        "--read-concurrency", type=int, default=4, help="connections of the reads (default 4)"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=600, help="longest write phase (default 600 s)"
    )
    parser.add_argument(
        "--read-seconds", type=float, default=120, help="longest read phase (default 120 s)"
    )
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker; more than 1 is gthread"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the data and the order")
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    args.users = args.users or size["users"]
    args.capacity = args.capacity or size["capacity"]
    args.read_requests = args.read_requests or size["read_requests"]
    for name in ("rounds", "users", "capacity", "concurrency", "read_requests", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.threads < 1 or args.read_concurrency < 1:
        parser.error("--threads and --read-concurrency must be at least 1")

    setup_django()
    from django.conf import settings

    from matching.management.synthetic.marks import synthetic_users
    from matching.models import Match

    generator_seconds = rematch_seconds = None
    have = synthetic_users().filter(email__regex=r"^synthetic-[0-9]+@").count()
    if args.generate or have < size["scale"]["returnees"]:
        print("Making the synthetic data (manage.py generate_synthetic)...", flush=True)
        generator_seconds = generate(size["scale"], args.seed)
    if generator_seconds is not None or not Match.objects.filter(is_current=True).exists():
        print("Matching everyone once (matching.engine.rematch_all)...", flush=True)
        rematch_seconds = rematch()
    print(f"Preparing {args.users:,} accounts with API tokens...", flush=True)
    clear_previous_runs()
    accounts = bench_accounts(args.users)
    matches_token = matched_returnee_token()
    if matches_token is None:
        print("No returnee with matches: /api/v1/me/matches/ will answer an empty list.")
    filters = filter_values()
    database = settings.DATABASES["default"]["NAME"]
    figures_machine = machine(args)
    figures_data = data_counts()

    port = free_port()
    print(
        f"Starting gunicorn on {HOST}:{port} ({args.workers} workers, {args.threads} thread(s))...",
        flush=True,
    )
    flush_redis()
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryFile(mode="w+") as log:
        server = None
        try:
            server = start_server(args, port, log)
            wait_until_ready(server, port)
            bench = Bench(args, port, server, database)
            run = run_rounds(bench, accounts, matches_token, filters)
        except BaseException:
            log.seek(0)
            tail = log.read()[-4000:]
            if tail:
                print("gunicorn's last output:\n" + tail, file=sys.stderr)
            raise
        finally:
            if server is not None:
                stop_server(server)
            flush_redis()
            signal.signal(signal.SIGTERM, previous)
        log.seek(0)
        server_log = log.read().splitlines()

    figures = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": figures_machine,
        "data": figures_data,
        "generator_seconds": round(generator_seconds, 1) if generator_seconds else None,
        "rematch_seconds": round(rematch_seconds, 1) if rematch_seconds else None,
        "options": {
            "quick": args.quick,
            "rounds": args.rounds,
            "users": args.users,
            "capacity": args.capacity,
            "concurrency": args.concurrency,
            "read_requests": args.read_requests,
            "read_concurrency": args.read_concurrency,
            "max_seconds": args.max_seconds,
            "read_seconds": args.read_seconds,
            "seed": args.seed,
        },
        **build_figures(run),
        "server_log": {
            "lines": len(server_log),
            "errors": sum(1 for line in server_log if " ERROR " in line or "Traceback" in line),
        },
    }
    output = BASE_DIR / args.output if not Path(args.output).is_absolute() else Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(figures, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    print_summary(figures, output)


if __name__ == "__main__":
    main()
