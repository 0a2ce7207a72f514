"""`manage.py generate_synthetic`: synthetic returnees, startups, openings, advisors, policies
and events at Shanghai scale (or any other), for the matching benchmark and for trying the
portal with a full city. PostgreSQL only: rows are streamed with COPY.

    manage.py generate_synthetic                   # 220,000 returnees and the rest
    manage.py generate_synthetic --returnees 2000 --startups 200 --openings 500 ...
    manage.py generate_synthetic --replace         # delete the synthetic data, make it anew
    manage.py generate_synthetic --clear           # delete the synthetic data only
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from matching.management.synthetic.city import City, Scale
from matching.management.synthetic.marks import clear, synthetic_counts


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Make synthetic returnees, startups, openings, advisors, policies and events "
        "(Shanghai scale by default) from a seed; --clear deletes them again."
    )

    def add_arguments(self, parser):
        scale = Scale()
        for name in ("returnees", "startups", "openings", "advisors", "policies", "events"):
            parser.add_argument(
                f"--{name}",
                type=_count,
                default=getattr(scale, name),
                help=f"default {getattr(scale, name)}",
            )
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data (default 1)")
        parser.add_argument(
            "--batch-size",
            type=_count,
            default=20_000,
            help="records sent to the database in one COPY (default 20000)",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="password of every synthetic account (default: none can sign in)",
        )
        parser.add_argument(
            "--clear", action="store_true", help="delete all synthetic data and make none"
        )
        parser.add_argument(
            "--replace", action="store_true", help="delete the synthetic data first, then make it"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "Synthetic data is written with PostgreSQL's COPY: set DATABASE_URL to a "
                "PostgreSQL database."
            )
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["clear"] or options["replace"]:
            started = time.perf_counter()
            deleted = clear()
            summary = ", ".join(f"{count} {name}" for name, count in deleted.items() if count)
            self.stdout.write(
                f"Deleted the synthetic data ({summary or 'there was none'}) "
                f"in {time.perf_counter() - started:.1f} s."
            )
            if options["clear"]:
                return
        existing = {name: count for name, count in synthetic_counts().items() if count}
        if existing:
            found = ", ".join(f"{count} {name}" for name, count in existing.items())
            raise CommandError(
                f"This database already holds synthetic data ({found}). Run with --replace to "
                "make it anew, or with --clear to delete it."
            )
        scale = Scale(**{name: options[name] for name in Scale.__dataclass_fields__})
        if scale.startups and not scale.returnees:
            raise CommandError("Startups need founders: give --returnees of at least 1.")
        quiet = options["verbosity"] == 0

        def progress(iterable, label, total):
            return tqdm(iterable, desc=label, total=total, unit=" rows", disable=quiet, leave=True)

        started = time.perf_counter()
        city = City(
            scale=scale,
            seed=options["seed"],
            batch_size=options["batch_size"],
            progress=progress,
            password=options["password"],
        )
        written = city.generate()
        seconds = time.perf_counter() - started
        if not quiet:
            for label, count in written.items():
                self.stdout.write(f"  {label:<36} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {sum(written.values()):,} synthetic rows in {seconds:.1f} s "
                f"(seed {options['seed']})."
            )
        )
