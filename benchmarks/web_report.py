"""The figures of a run: medians over rounds, ratios, targets, and the printed summary."""

import statistics
import unicodedata
from collections import Counter
from pathlib import Path

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
from benchmarks.web_load import latency_summary, percentile  # noqa: F401


def median(values: list) -> float | None:
    values = [value for value in values if value is not None]
    return round(statistics.median(values), 2) if values else None


def add_counts(loads: list[dict], key: str) -> dict:
    total: Counter = Counter()
    for load in loads:
        total.update(load[key])
    return dict(sorted(total.items()))


def summarise(loads: list[dict]) -> dict:
    """Medians over the rounds of one phase, with every round's figures."""
    return {
        "requests_per_round": loads[0]["requests"] if loads else 0,
        "per_minute": median([load["per_minute"] for load in loads]),
        "per_second": median([load["per_second"] for load in loads]),
        "p50_ms": median([load["latency_ms"]["p50"] for load in loads]),
        "p95_ms": median([load["latency_ms"]["p95"] for load in loads]),
        "p99_ms": median([load["latency_ms"]["p99"] for load in loads]),
        "statuses": add_counts(loads, "statuses"),
        "errors": add_counts(loads, "errors"),
        "cpu_ms_per_request": {
            group: median([load["cpu_ms_per_request"][group] for load in loads])
            for group in ("gunicorn", "postgres", "postgres_all", "client")
        },
        "client_cpu_share": median([load["client_cpu_share"] for load in loads]),
        "rounds": loads,
    }


def ratios(project: list[dict], bare: list[dict]) -> list[float | None]:
    return [
        round(mine["per_second"] / theirs["per_second"], 3) if theirs["per_second"] else None
        for mine, theirs in zip(project, bare, strict=True)
    ]


def non_200(summary: dict, expected: str) -> int:
    completed = sum(summary["statuses"].values())
    errors = sum(summary["errors"].values())
    return completed - summary["statuses"].get(expected, 0) + errors


def target(name: str, value, limit: float, unit: str, *, at_least: bool = False) -> dict:
    """Passed when `value` is at most `limit` (or, with `at_least`, at least it)."""
    passed = value is not None and (value >= limit if at_least else value <= limit)
    value = round(value, 3) if isinstance(value, float) else value
    return {"name": name, "value": value, "limit": limit, "unit": unit, "passed": passed}


def build_figures(run: dict) -> dict:
    results = run["results"]
    rush = summarise(results["rush"])
    bare = summarise(results["bare_insert"])
    rush_ratio = median(ratios(results["rush"], results["bare_insert"]))
    checks = {}
    for load in results["rush"]:
        for name, passed in load["checks"].items():
            if passed is None:
                checks.setdefault(name, None)
            else:
                checks[name] = bool(checks.get(name, True)) and passed
    rush["checks"] = checks
    rush["reaches_6000_per_minute"] = (rush["per_minute"] or 0) >= TARGETS["writes_per_minute"]
    bare["reaches_6000_per_minute"] = (bare["per_minute"] or 0) >= TARGETS["writes_per_minute"]
    reads = []
    for endpoint in run["endpoints"]:
        name = endpoint["name"]
        mine = summarise(results["reads"][name])
        theirs = summarise(results["bare_list"][name])
        reads.append(
            {
                "name": name,
                "path": endpoint["path"],
                "kind": endpoint["kind"],
                "afresh": endpoint["afresh"],
                "ratio_to_bare": median(ratios(results["reads"][name], results["bare_list"][name])),
                **mine,
                "bare_list": {
                    key: theirs[key]
                    for key in (
                        "per_second",
                        "p50_ms",
                        "p95_ms",
                        "p99_ms",
                        "statuses",
                        "errors",
                        "cpu_ms_per_request",
                    )
                },
            }
        )
    targets = [
        target(
            "registration rush",
            rush["per_minute"],
            TARGETS["writes_per_minute"],
            "per min",
            at_least=True,
        ),
        target(
            "rush / bare insert",
            rush_ratio,
            TARGETS["rush_to_bare_ratio"],
            "ratio",
            at_least=True,
        ),
        target("rush answers that are not 201", non_200(rush, "201"), 0, "requests"),
        target(
            "rush database checks failed",
            sum(1 for passed in checks.values() if passed is False),
            0,
            "checks",
        ),
    ]
    for read, endpoint in zip(reads, run["endpoints"], strict=True):
        if not endpoint["target"]:
            continue
        if read["kind"] == "search":
            targets.append(
                target(f"{read['name']} (p95)", read["p95_ms"], TARGETS["search_p95_ms"], "ms")
            )
        else:
            limit = TARGETS["api_list_ratio" if read["kind"] == "api_list" else "html_page_ratio"]
            targets.append(
                target(
                    f"{read['name']} / bare list",
                    read["ratio_to_bare"],
                    limit,
                    "ratio",
                    at_least=True,
                )
            )
    targets.append(
        target(
            "read answers that are not 200",
            sum(non_200(read, "200") for read in reads),
            0,
            "requests",
        )
    )
    return {
        "rush": rush,
        "bare_insert": bare,
        "rush_to_bare_ratio": rush_ratio,
        "rush_to_bare_ratio_by_round": ratios(results["rush"], results["bare_insert"]),
        "reads": reads,
        "targets": targets,
    }


# What was measured on what ------------------------------------------------------------------


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` columns, Chinese characters counting two."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - columns)


def print_summary(figures: dict, output: Path) -> None:
    machine_ = figures["machine"]
    data = figures["data"]
    gunicorn_ = machine_["gunicorn"]
    print()
    print(
        f"Machine: {machine_['cpu']}, {machine_['cores']} cores, {machine_['ram_gib']} GiB; "
        f"PostgreSQL {machine_['postgresql']}, Python {machine_['python']}, Django "
        f"{machine_['django']}; gunicorn {gunicorn_['version']}, {gunicorn_['workers']} "
        f"{gunicorn_['worker_class']} workers x {gunicorn_['threads']} thread(s)"
    )
    print(
        f"Data: {data['returnee_profiles']:,} returnees, {data['startups']:,} startups, "
        f"{data['openings']:,} openings, {data['advisors']:,} advisors, "
        f"{data['published_policies']:,} published policies, {data['events']:,} events, "
        f"{data['current_matches']:,} current matches; {data['benchmark_accounts']:,} accounts"
    )
    options = figures["options"]
    print(
        f"Medians of {options['rounds']} rounds; writes over {options['concurrency']} "
        f"connections, reads over {options['read_concurrency']}."
    )
    header = (
        f"{'':<26}{'req/s':>8}{'/min':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'ratio':>7}{'gunicorn':>10}{'postgres':>10}{'(all)':>8}  statuses"
    )
    print(header)
    print(f"{'':<74}{'CPU ms per request':>28}")

    def row(label: str, summary: dict, ratio) -> None:
        cpu = summary["cpu_ms_per_request"]
        ratio_text = f"{ratio:.2f}" if ratio is not None else "-"
        statuses = ", ".join(f"{code}: {count}" for code, count in summary["statuses"].items())
        if summary["errors"]:
            statuses += "; errors " + ", ".join(f"{k}: {v}" for k, v in summary["errors"].items())
        print(
            f"{pad(label, 26)}{summary['per_second'] or 0:>8.1f}{summary['per_minute'] or 0:>8.0f}"
            f"{summary['p50_ms'] or 0:>8.1f}{summary['p95_ms'] or 0:>8.1f}"
            f"{summary['p99_ms'] or 0:>8.1f}{ratio_text:>7}{cpu['gunicorn'] or 0:>10.2f}"
            f"{cpu['postgres'] or 0:>10.2f}{cpu['postgres_all'] or 0:>8.2f}  {statuses}"
        )

    row("rush (register)", figures["rush"], figures["rush_to_bare_ratio"])
    row("bare insert", figures["bare_insert"], None)
    for read in figures["reads"]:
        row(read["name"], read, read["ratio_to_bare"])
    checks = figures["rush"]["checks"]
    print(
        "Rush checks: "
        + ", ".join(
            f"{name} {'-' if passed is None else 'pass' if passed else 'FAIL'}"
            for name, passed in checks.items()
        )
    )
    for item in figures["targets"]:
        verdict = "PASS" if item["passed"] else "FAIL"
        print(
            f"  {verdict}  {item['name']}: {item['value']} {item['unit']} (limit {item['limit']})"
        )
    print(
        f"Written to {output.relative_to(BASE_DIR) if output.is_relative_to(BASE_DIR) else output}"
    )
