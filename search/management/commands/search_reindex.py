"""`manage.py search_reindex`: rewrite the search words of every policy, startup and opening
(after the dictionary in `search/words.txt`, or what a row's words are made of, changed)."""

import time

from django.core.management.base import BaseCommand, CommandError

from search.indexing import reindexers


class Command(BaseCommand):
    help = "Rewrite the search words (and so the search vectors) of every searchable row."

    def add_arguments(self, parser):
        parser.add_argument(
            "labels", nargs="*", help="only these kinds (default: all): " + ", ".join(reindexers())
        )

    def handle(self, *args, **options):
        available = reindexers()
        labels = options["labels"] or list(available)
        unknown = [label for label in labels if label not in available]
        if unknown:
            raise CommandError(
                f"Unknown kind {', '.join(unknown)}; choose from {', '.join(available)}."
            )
        for label in labels:
            started = time.perf_counter()
            count = available[label]()
            self.stdout.write(f"{label}: {count:,} rows in {time.perf_counter() - started:.1f} s")
