from django.core.management.base import BaseCommand, CommandError

from core import services
from core.models import District, User, normalize_email


class Command(BaseCommand):
    help = "Make an existing user an official of a district: grant_official EMAIL DISTRICT_CODE"

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("district_code")

    def handle(self, *args, email, district_code, **options):
        user = User.objects.filter(email=normalize_email(email)).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {email!r}; sign them up first.")
        district = District.objects.filter(code=district_code).first()
        if district is None:
            codes = ", ".join(District.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(f"No district has the code {district_code!r}. Known codes: {codes}.")
        services.district_grant(user=user, district=district)
        self.stdout.write(
            self.style.SUCCESS(f"{user.email} is now an official of {district.code}.")
        )
