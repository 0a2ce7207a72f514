#!/usr/bin/env python
"""Benchmark of the matching engine on PostgreSQL at Shanghai scale.

    DATABASE_URL=postgres://... .venv/bin/python scripts/benchmark_matching.py \
        [--generate] [--output benchmarks/matching.json]

Measures, against the synthetic data of `manage.py generate_synthetic` (made first when the
database has none, or always with --generate):

- the full re-match (`matching.engine.rematch_all()`, with its own per-phase figures) in
  three cases, each in a child process whose peak resident memory is sampled:
  - *empty table*: into an empty `matching_match` (the first run over a city; the table is
    emptied first unless the data is new and was never matched);
  - *steady state*: right after another full run, with almost nothing changed (the nightly
    case), followed by the advisor assignment (`matching.assignment.assign_advisors()`);
  - *rule change*: after a third of the stored current matches were made stale in the
    database (their fingerprint changed, then `VACUUM ANALYZE`, as autovacuum would), so the
    run finds a third of the table changed and rewrites it, as after a change of the
    scoring rules;
- the re-match of one changed profile (`matching.engine.rematch_returnee()`), for a sample
  of returnees whose skills are changed first: median, 95th percentile and maximum;
- the same for one opening (`matching.engine.rematch_opening()`), for reference.

Writes the figures, the machine, the data counts and the targets with pass or fail as JSON,
and prints a summary. `make bench` runs it against its own database.
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
from benchmarks.matching_data import (  # noqa: E402 - after the path is set
    case_figures,
    data_counts,
    empty_the_table,
    machine,
    make_a_third_stale,
    one_opening,
    one_profile,
    stored_matches,
)

GIB = 1024**3
TARGETS = {
    "full_rematch_seconds": 300.0,
    "one_profile_ms": 200.0,
    "peak_memory_gib": 4.0,
}


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnee_portal.settings")
    import django
    from django.conf import settings

    django.setup()
    # DEBUG keeps the text of every query: at this scale that alone would be gigabytes.
    settings.DEBUG = False
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to a PostgreSQL database.")


# The full run, in a child process ---------------------------------------------------------


def child_full_run(assign: bool) -> None:
    """Runs in the child: the full re-match (and the assignment); prints one JSON line."""
    setup_django()
    from matching import assignment, engine

    started = time.perf_counter()
    phases = engine.rematch_all(progress=True)
    rematch_seconds = time.perf_counter() - started
    rematch_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assigned, assignment_seconds = None, 0.0
    if assign:
        started = time.perf_counter()
        assigned = assignment.assign_advisors()
        assignment_seconds = time.perf_counter() - started
    result = {
        "rematch_seconds": rematch_seconds,
        "rematch_figures": phases,
        "rematch_peak_rss_bytes": rematch_rss,
        "assignment_seconds": assignment_seconds,
        "assignment_figures": assigned,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    print(json.dumps(result, default=str))


def _process_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident bytes) of every process we can read."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        table[int(entry)] = (int(fields[1]), int(fields[21]) * page)
    return table


def tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants (an engine may fork workers)."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _rss) in table.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += table.get(pid, (0, 0))[1]
        stack.extend(children.get(pid, []))
    return total


def run_full_in_child(*, assign: bool = False) -> dict:
    process = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            *(["--assign"] if assign else []),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=BASE_DIR,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            done.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"The full run failed (exit code {process.returncode}); see above.")
    result = json.loads(output.strip().splitlines()[-1])
    result["sampled_tree_peak_rss_bytes"] = peak
    result["children_peak_rss_bytes"] = (
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    )
    return result


def generate(seed: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "generate_synthetic", "--replace", "--seed", str(seed)],
        cwd=BASE_DIR,
        check=True,
    )
    return time.perf_counter() - started


def target(name: str, value: float, limit: float, unit: str, *, below: bool = False) -> dict:
    """Passed when `value` is at most `limit` (or, with `below`, less than it)."""
    passed = value < limit if below else value <= limit
    return {"name": name, "value": round(value, 3), "limit": limit, "unit": unit, "passed": passed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generate", action="store_true", help="make fresh synthetic data first")
    parser.add_argument("--output", default="benchmarks/matching.json", help="the JSON file")
    parser.add_argument("--samples", type=int, default=20, help="single re-matches to time")
    parser.add_argument("--seed", type=int, default=1, help="seed of the data and the samples")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--assign", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_full_run(args.assign)
        return
    if args.samples < 1:
        parser.error("--samples must be at least 1")

    setup_django()
    from matching.management.synthetic.marks import synthetic_users

    generator_seconds = None
    if args.generate or not synthetic_users().exists():
        print("Making the synthetic data (manage.py generate_synthetic)...", flush=True)
        generator_seconds = generate(args.seed)

    cases = {}
    before = stored_matches()
    if before:
        print(f"Emptying matching_match ({before:,} rows)...", flush=True)
        empty_the_table()
    print("Full re-match into an empty table, in a child process...", flush=True)
    cases["empty_table"] = case_figures(run_full_in_child(), 0)
    print(f"  {cases['empty_table']['seconds']} s", flush=True)

    before = stored_matches()
    print("Full re-match in the steady state and advisor assignment...", flush=True)
    full = run_full_in_child(assign=True)
    cases["steady_state"] = case_figures(full, before)
    print(f"  {cases['steady_state']['seconds']} s", flush=True)

    print("Making a third of the stored matches stale (as a rule change would)...", flush=True)
    stale = make_a_third_stale()
    before = stored_matches()
    print(f"  {stale['rows_made_stale']:,} rows in {stale['stale_seconds']} s", flush=True)
    print("Full re-match after the rule change...", flush=True)
    cases["rule_change"] = {**case_figures(run_full_in_child(), before), **stale}
    print(f"  {cases['rule_change']['seconds']} s", flush=True)

    peak = max(
        full["peak_rss_bytes"], full["sampled_tree_peak_rss_bytes"], full["children_peak_rss_bytes"]
    )
    peak = max(peak, *(case["peak_rss_gib"] * GIB for case in cases.values()))
    print("Re-matching single profiles and openings...", flush=True)
    rng = random.Random(args.seed)
    profile = one_profile(rng, args.samples)
    opening = one_opening(rng, args.samples)

    figures = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": data_counts(),
        "generator_seconds": round(generator_seconds, 1) if generator_seconds else None,
        "full_rematch": {
            "seconds": round(full["rematch_seconds"], 2),
            "figures": full["rematch_figures"],
        },
        "cases": cases,
        "advisor_assignment": {
            "seconds": round(full["assignment_seconds"], 2),
            "figures": full["assignment_figures"],
        },
        "full_run_seconds": round(full["rematch_seconds"] + full["assignment_seconds"], 2),
        "memory": {
            "peak_rss_gib": round(peak / GIB, 3),
            "rematch_peak_rss_gib": round(full["rematch_peak_rss_bytes"] / GIB, 3),
            "note": "Resident memory of the Python process (and any it starts) during the "
            "full re-match and assignment; PostgreSQL's own memory is not included.",
        },
        "one_profile": profile,
        "one_opening": opening,
        "targets": [
            *(
                target(
                    f"full re-match, {name.replace('_', ' ')}",
                    case["seconds"],
                    TARGETS["full_rematch_seconds"],
                    "s",
                )
                for name, case in cases.items()
            ),
            target(
                "full re-match and advisor assignment",
                full["rematch_seconds"] + full["assignment_seconds"],
                TARGETS["full_rematch_seconds"],
                "s",
            ),
            target(
                "one changed profile (p95)",
                profile["p95_ms"],
                TARGETS["one_profile_ms"],
                "ms",
            ),
            target(
                "peak memory of the full run",
                peak / GIB,
                TARGETS["peak_memory_gib"],
                "GiB",
                below=True,
            ),
        ],
    }
    output = BASE_DIR / args.output if not Path(args.output).is_absolute() else Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8")
    print_summary(figures, output)


def print_summary(figures: dict, output: Path) -> None:
    machine_ = figures["machine"]
    data = figures["data"]
    print()
    print(
        f"Machine: {machine_['cpu']}, {machine_['cores']} cores, {machine_['ram_gib']} GiB; "
        f"PostgreSQL {machine_['postgresql']}, Python {machine_['python']}"
    )
    print(
        f"Data: {data['returnee_profiles']:,} returnees ({data['consenting_returnees']:,} "
        f"consenting), {data['startups']:,} startups, {data['openings']:,} openings, "
        f"{data['advisors']:,} advisors, {data['published_policies']:,} published policies, "
        f"{data['upcoming_published_events']:,} upcoming events"
    )
    if figures["generator_seconds"]:
        print(f"Generator: {figures['generator_seconds']} s")
    for name, case in figures["cases"].items():
        print(
            f"Full re-match, {name.replace('_', ' ')}: {case['seconds']} s (write "
            f"{case['write_seconds']} s, {case['inserted_or_changed']:,} rows written)"
        )
    print(f"Advisor assignment: {figures['advisor_assignment']['seconds']} s")
    print(f"Peak memory: {figures['memory']['peak_rss_gib']} GiB")
    for label, key in (("One profile", "one_profile"), ("One opening", "one_opening")):
        if figures[key]:
            single = figures[key]
            print(
                f"{label}: median {single['median_ms']} ms, p95 {single['p95_ms']} ms, "
                f"max {single['max_ms']} ms ({single['count']} samples)"
            )
    for item in figures["targets"]:
        verdict = "PASS" if item["passed"] else "FAIL"
        print(
            f"  {verdict}  {item['name']}: {item['value']} {item['unit']} (limit {item['limit']})"
        )
    print(
        f"Written to {output.relative_to(BASE_DIR) if output.is_relative_to(BASE_DIR) else output}"
    )


if __name__ == "__main__":
    main()
