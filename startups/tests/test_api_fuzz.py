"""The startups endpoints fuzzed from their own OpenAPI schema on a real startup, as its
founder and as a district official: no 5xx, no undocumented status code or content type, no
answer that breaks its schema. (The project-wide fuzzer in tests/ mostly meets 404s here,
since it knows no startup's id.)"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from returnee_portal.wsgi import application
from startups import services

from .factories import FounderFactory, OpeningFactory

LENIENT = [positive_data_acceptance, negative_data_rejection]
FUZZ = hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

OPERATIONS = [
    "PATCH /api/v1/startups/{id}/",
    "PUT /api/v1/startups/{id}/",
    "POST /api/v1/startups/",
    "POST /api/v1/startups/{id}/openings/",
    "GET /api/v1/startups/{id}/invitations/",
    "POST /api/v1/startups/{id}/invitations/",
    "DELETE /api/v1/startups/{id}/invitations/{invitation_id}/",
    "POST /api/v1/founder-invitations/accept/",
    "POST /api/v1/founder-invitations/decline/",
    "DELETE /api/v1/startups/{id}/founders/{founder_id}/",
    "POST /api/v1/startups/{id}/consultations/",
    "POST /api/v1/startups/{id}/verify/",
    "POST /api/v1/startups/{id}/unverify/",
    "GET /api/v1/startups/",
    "GET /api/v1/startups/{id}/",
    "GET /api/v1/openings/",
    "PATCH /api/v1/openings/{id}/",
    "PUT /api/v1/openings/{id}/",
    "POST /api/v1/openings/{id}/close/",
]


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_requests")
@pytest.mark.parametrize("label", OPERATIONS)
@pytest.mark.parametrize("as_official", [False, True], ids=["founder", "official"])
def test_the_startups_endpoints_on_a_real_startup(
    label, as_official, startup, user, official, advisor, caohejing, sensing
):
    co_founder = FounderFactory(startup=startup)
    opening = OpeningFactory(startup=startup)
    caller = official if as_official else user
    token = Token.objects.create(user=caller).key
    path_parameters = {"id": opening.pk if "openings/{id}" in label else startup.pk}
    if "{founder_id}" in label:
        path_parameters["founder_id"] = co_founder.pk
    if "{invitation_id}" in label:
        path_parameters["invitation_id"] = services.founder_invite(
            startup=startup, user=user, email="invited@example.com"
        ).pk
    operation = schema.find_operation_by_label(label)

    @FUZZ
    @given(data=st.data())
    def fuzz(data):
        mode = data.draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]))
        case = data.draw(operation.as_strategy(mode, path_parameters=path_parameters))
        case.call_and_validate(
            headers={"Authorization": f"Token {token}", "Accept-Encoding": "identity"},
            excluded_checks=LENIENT,
        )

    fuzz()
