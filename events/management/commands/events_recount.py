from django.core.management.base import BaseCommand, CommandError

from events import selectors, services


class Command(BaseCommand):
    help = (
        "Check every event's seat counters (seats taken, waitlist, attended) against its "
        "registrations, and that each waitlist is numbered 1..N. Exits with an error when one "
        "is wrong; --fix sets the counters right (and renumbers a waitlist with gaps)."
    )

    def add_arguments(self, parser):
        parser.add_argument("event_ids", nargs="*", type=int, help="only these events")
        parser.add_argument("--fix", action="store_true", help="set wrong counters right")

    def handle(self, *args, event_ids, fix, **options):
        wrong = selectors.counter_mismatches(event_ids=event_ids or None)
        for row in wrong:
            self.stdout.write(
                "Event {pk}: seats taken {seats_taken} (counted {counted_seats}), waitlist "
                "{waitlist_count} (counted {counted_waitlist}, places {first_place}..{last_place}"
                ", {distinct_places} distinct), attended {attended_count} (counted "
                "{counted_attended})".format(**row)
            )
            if fix:
                services.event_recount(event_id=row["pk"])
        if not wrong:
            self.stdout.write(self.style.SUCCESS("Every event's counters equal its registrations."))
        elif fix:
            self.stdout.write(self.style.SUCCESS(f"Set right: {len(wrong)} event(s)."))
        else:
            raise CommandError(f"{len(wrong)} event(s) have wrong counters; run with --fix.")
