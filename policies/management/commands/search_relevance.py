"""`manage.py search_relevance`: recall@5 and MRR of policy search over the relevance set
(`policies/tests/relevance.json`), against this database (the demo data holds its policies)."""

from django.core.management.base import BaseCommand

from policies.relevance import evaluate


class Command(BaseCommand):
    help = "Measure policy search on the relevance set: recall@5, MRR and the queries missed."

    def add_arguments(self, parser):
        parser.add_argument("--verbose-ranks", action="store_true", help="print every rank")

    def handle(self, *args, **options):
        report = evaluate()
        if options["verbose_ranks"]:
            for case, rank in report.ranks:
                self.stdout.write(f"{rank or '-':>3}  {case.query}  ->  {case.expected}")
        self.stdout.write(
            f"{report.total} queries: recall@5 {report.recall_at_5:.3f}, MRR {report.mrr:.3f}"
        )
        for line in report.missed:
            self.stdout.write(f"  missed {line}")
