"""The web load benchmark's constants: data sizes, Redis databases, targets."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GIB = 1024**3
SETTINGS_MODULE = "benchmarks.settings"
HOST = "127.0.0.1"
# Redis databases of the benchmark's server (broker, cache): emptied before and after a run.
BROKER_DB, CACHE_DB = 12, 13
BENCH_TABLE = "bench_row"
BENCH_EMAIL = "bench-web-{:05d}@example.invalid"
RUSH_VENUE = "Web benchmark hall"

FULL = {
    "scale": {
        "returnees": 10_000,
        "startups": 2_000,
        "openings": 5_000,
        "advisors": 100,
        "policies": 5_000,
        "events": 2_000,
    },
    "users": 6_000,
    "capacity": 500,
    "read_requests": 200,
}
QUICK = {
    "scale": {
        "returnees": 1_000,
        "startups": 200,
        "openings": 500,
        "advisors": 20,
        "policies": 500,
        "events": 200,
    },
    "users": 300,
    "capacity": 50,
    "read_requests": 30,
}
TARGETS = {
    "writes_per_minute": 6000.0,
    "rush_to_bare_ratio": 0.5,
    "api_list_ratio": 0.6,
    "html_page_ratio": 0.5,
    "search_p95_ms": 50.0,
}


def redis_url(db: int) -> str:
    return f"{os.environ.get('BENCH_REDIS_URL', 'redis://127.0.0.1:6379').rstrip('/')}/{db}"
