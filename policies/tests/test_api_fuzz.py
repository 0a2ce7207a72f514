"""The policies endpoints fuzzed from their own OpenAPI schema on real policies, as a
returnee and as the district's official: no 5xx, no undocumented status code or content
type, no answer that breaks its schema. (The project-wide fuzzer in tests/ mostly meets 404s
here, since it knows no policy's id.)"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from policies import services
from returnee_portal.wsgi import application

from .conftest import published_policy

LENIENT = [positive_data_acceptance, negative_data_rejection]
FUZZ = hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

OPERATIONS = [
    "GET /api/v1/policies/",
    "POST /api/v1/policies/",
    "GET /api/v1/policies/{id}/",
    "PATCH /api/v1/policies/{id}/",
    "POST /api/v1/policies/{id}/publish/",
    "POST /api/v1/policies/{id}/archive/",
    "GET /api/v1/policies/{id}/eligibility/",
    "POST /api/v1/policies/{id}/follow/",
    "DELETE /api/v1/policies/{id}/follow/",
    "GET /api/v1/policies/for-me/",
    "GET /api/v1/me/policy-topics/",
    "POST /api/v1/me/policy-topics/",
    "DELETE /api/v1/me/policy-topics/{id}/",
]


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_requests")
@pytest.mark.parametrize("label", OPERATIONS)
@pytest.mark.parametrize("as_official", [False, True], ids=["returnee", "official"])
def test_the_policies_endpoints_on_a_real_policy(
    label, as_official, official, li_wen, pudong, chips
):
    policy = published_policy(
        user=official,
        district=pudong,
        sectors=[chips],
        rules=[
            {"kind": "min_degree", "degree": "master"},
            {"kind": "company_district", "district": pudong},
        ],
    )
    caller = official if as_official else li_wen
    topic = services.topic_follow(user=caller, district=pudong)
    token = Token.objects.create(user=caller).key
    path_parameters = {"id": topic.pk if "policy-topics/{id}" in label else policy.pk}
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
