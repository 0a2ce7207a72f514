"""Every API endpoint, fuzzed from its own OpenAPI schema by schemathesis, anonymously and
with a token: no 5xx, no undocumented status code or content type, and no response that
breaks the schema it publishes.

Two of schemathesis's checks are left out on purpose: `positive_data_acceptance` expects
every schema-valid body to be accepted, but business rules (a common password, a taken
e-mail address) rightly refuse some; `negative_data_rejection` flags lenient parsing of
query strings (a repeated `page_size`), which is Django's and harmless."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from core.tests.factories import (
    DistrictFactory,
    IndustrialParkFactory,
    NotificationFactory,
    SectorFactory,
    UserFactory,
)
from returnee_portal.wsgi import application

LENIENT = [positive_data_acceptance, negative_data_rejection]
FUZZ = hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


# Loaded as the module is collected: the schema view reads no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def reference_data(db, wsgi_requests):
    pudong = DistrictFactory(code="pudong")
    park = IndustrialParkFactory(code="zhangjiang", district=pudong)
    park.sectors.add(SectorFactory(code="integrated-circuits"))


@pytest.fixture
def token(db):
    user = UserFactory(email="fuzzer@example.com")
    NotificationFactory.create_batch(3, recipient=user)
    return Token.objects.create(user=user).key


@schema.parametrize()
@FUZZ
def test_anonymous_calls(case):
    # The WSGI client does not decode gzip: ask for the body as it is.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, excluded_checks=LENIENT)


@schema.parametrize()
@FUZZ
def test_authenticated_calls(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}", "Accept-Encoding": "identity"},
        excluded_checks=LENIENT,
    )
