"""The policy flow in headless Chromium (Debian's package): search, open a policy, read the
eligibility panel, follow it."""

import pytest

from core.models import DistrictGrant
from core.tests.factories import DEFAULT_PASSWORD, DistrictFactory, SectorFactory, UserFactory
from tests.support.browser import sign_in

from .conftest import make_profile, published_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def policies_and_returnee(db):
    """Made before the browser starts: Playwright's event loop forbids the ORM in the test."""
    pudong = DistrictFactory(code="pudong", name_zh="浦东新区", name_en="Pudong New Area")
    qingpu = DistrictFactory(code="qingpu", name_zh="青浦区", name_en="Qingpu")
    chips = SectorFactory(
        code="integrated-circuits", name_zh="集成电路", name_en="Integrated circuits"
    )
    official = UserFactory(email="official.pudong@example.com", full_name="Qi Yuxia")
    DistrictGrant.objects.create(user=official, district=pudong)
    grant = published_policy(
        user=official,
        district=pudong,
        title_zh="浦东新区集成电路海外人才集聚资助",
        title_en="Pudong grant for overseas talent in integrated circuits",
        summary_en="A settling-in grant of up to CNY 200,000.",
        sectors=[chips],
        benefit_amount=200000,
        rules=[
            {"kind": "min_degree", "degree": "master"},
            {"kind": "returned_within", "value": 5},
            {"kind": "company_district", "district": pudong},
        ],
    )
    published_policy(user=official, district=pudong, title_en="Pudong housing support")
    returnee = UserFactory(email="li.wen@example.com", full_name="Li Wen")
    make_profile(
        returnee,
        work_district=qingpu,
        company_district=qingpu,
        company_role="employee",
        sectors=[chips],
    )
    return grant, returnee


def test_search_open_check_eligibility_and_follow(policies_and_returnee, page, live_server):
    grant, returnee = policies_and_returnee
    sign_in(page, live_server, returnee.email, DEFAULT_PASSWORD)

    page.get_by_role("link", name="Policies", exact=True).click()
    page.get_by_label("Search").fill("overseas talent")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    results = page.locator(".card-grid h2")
    assert results.count() == 1
    page.get_by_role("link", name=grant.title_en).click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", level=1).inner_text() == grant.title_en
    panel = page.locator("#eligibility")
    assert "You narrowly miss this policy" in page.locator("#eligibility-status").inner_text()
    assert "You would qualify if your company were registered in Pudong New Area." in (
        panel.inner_text()
    )
    assert panel.get_by_role("row").count() == 4  # a header and one row per criterion

    page.get_by_role("button", name="Follow this policy").click()
    page.wait_for_load_state()
    assert page.get_by_text("You follow this policy.").first.is_visible()
    assert page.get_by_role("button", name="Stop following").is_visible()

    page.goto(live_server.url + "/policies/for-me/")
    assert grant.title_en in page.locator("#narrow").locator("xpath=..").inner_text()


def test_a_chinese_search_finds_the_chinese_title(policies_and_returnee, page, live_server):
    grant, _returnee = policies_and_returnee
    page.goto(live_server.url + "/policies/?q=集成电路")
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=grant.title_zh).is_visible()
    assert page.locator(".card-grid h2").count() == 1
