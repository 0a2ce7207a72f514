import datetime

import pytest
from django.forms import inlineformset_factory
from django.urls import reverse

from core.models import Notification
from core.tests.factories import UserFactory
from policies import services
from policies.admin import CriterionAdminForm, CriterionFormSet
from policies.models import Criterion, Policy, PolicyFollow, TopicFollow

from .conftest import published_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    """Pages in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def grant(official, pudong, chips):
    return published_policy(
        user=official,
        district=pudong,
        title_zh="浦东新区海外人才集聚资助",
        title_en="Pudong overseas talent grant",
        summary_en="A settling-in grant for overseas talent.",
        body_en="Article 1. These measures gather talent.",
        document_number="浦人社规〔2024〕3号",
        sectors=[chips],
        benefit_amount=200000,
        expires_on=datetime.date(2030, 12, 31),
        rules=[
            {"kind": "min_degree", "degree": "master"},
            {"kind": "returned_within", "value": 5},
            {"kind": "company_district", "district": pudong},
        ],
    )


@pytest.fixture
def yangpu_grant(admin_user, yangpu):
    return published_policy(
        user=admin_user,
        district=yangpu,
        title_en="Yangpu young talent allowance",
        rules=[
            {"kind": "max_age", "value": 30},
            {"kind": "employed_in_district", "district": yangpu},
        ],
    )


@pytest.fixture
def qingpu_grant(admin_user, qingpu):
    return published_policy(
        user=admin_user,
        district=qingpu,
        title_en="Qingpu employment subsidy",
        rules=[{"kind": "employed_in_district", "district": qingpu}],
    )


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_searches_and_shows_facets(client, grant, qingpu_grant):
    html = page(client, reverse("policies:list"))
    assert "Pudong overseas talent grant" in html and "Qingpu employment subsidy" in html
    assert "Talent subsidies</a> (2)" in html
    assert "Pudong New Area</a> (1)" in html
    html = page(client, reverse("policies:list"), q="overseas talent")
    assert "Pudong overseas talent grant" in html
    assert "Qingpu employment subsidy" not in html
    assert "best matches first" in html


def test_bad_filters_on_the_list_show_the_error_not_a_500(client, grant):
    for params in ({"district": "atlantis"}, {"active_on": "2026-99-01"}, {"q": "x" * 300}):
        html = page(client, reverse("policies:list"), **params)
        assert 'role="alert"' in html
        assert "Pudong overseas talent grant" not in html


def test_the_nav_links_to_the_list(client, grant):
    assert f'href="{reverse("policies:list")}"' in page(client, "/")


def test_the_detail_page_for_a_visitor(client, grant):
    html = page(client, grant.get_absolute_url())
    assert "Pudong overseas talent grant" in html
    assert "浦人社规〔2024〕3号" in html
    assert "¥200,000" in html
    assert "2030-12-31" in html
    assert "Sign in to check your eligibility" in html
    assert "Version 1" in html
    assert "Follow this policy" not in html


def test_the_detail_page_shows_the_eligibility_panel(client, grant, li_wen, qingpu_grant):
    client.force_login(li_wen)
    html = page(client, grant.get_absolute_url())
    assert "You narrowly miss this policy" in html
    assert "You would qualify if your company were registered in Pudong New Area." in html
    assert "Master&#x27;s degree or higher, earned abroad" in html
    assert "Qingpu employment subsidy" in html  # same kind elsewhere, she qualifies
    assert "Follow this policy" in html


def test_following_and_unfollowing_from_the_page(client, grant, li_wen):
    client.force_login(li_wen)
    response = client.post(reverse("policies:follow", args=[grant.pk]))
    assert response.status_code == 302
    assert PolicyFollow.objects.filter(user=li_wen, policy=grant).exists()
    assert "You follow this policy." in page(client, grant.get_absolute_url())
    client.post(reverse("policies:unfollow", args=[grant.pk]))
    assert not PolicyFollow.objects.exists()


def test_follow_needs_sign_in_and_post(client, grant):
    response = client.post(reverse("policies:follow", args=[grant.pk]))
    assert response.status_code == 302 and "/signin/" in response["Location"]
    client.force_login(UserFactory(email="someone@example.com"))
    assert client.get(reverse("policies:follow", args=[grant.pk])).status_code == 405


def test_version_history_shows_what_changed(client, grant, official):
    services.policy_update(policy=grant, user=official, data={"benefit_amount": 250000})
    html = page(client, grant.get_absolute_url())
    assert "Version 2" in html
    assert "Amount (CNY): ¥200,000 → ¥250,000" in html


def test_drafts_are_404_for_others_and_visible_to_the_district(
    client, official, qingpu_official, pudong
):
    draft = services.policy_create(
        user=official, data={"title_en": "Secret draft", "category": "housing"}
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(qingpu_official)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(official)
    html = page(client, draft.get_absolute_url())
    assert "Draft: only the district" in html


def test_policies_for_me_orders_eligible_unknown_narrow(
    client, li_wen, grant, qingpu_grant, yangpu_grant, admin_user
):
    published_policy(
        user=admin_user,
        district=None,
        title_en="City start-up funding",
        rules=[{"kind": "note", "note_en": "Holds 30% of the shares"}],
    )
    client.force_login(li_wen)
    html = page(client, reverse("policies:for_me"))
    positions = [
        html.index(title)
        for title in (
            "Qingpu employment subsidy",
            "City start-up funding",
            "Pudong overseas talent grant",
            "Yangpu young talent allowance",
        )
    ]
    assert positions == sorted(positions)
    assert "You would qualify if your company were registered in Pudong New Area." in html
    assert "Ask the issuing authority or a service advisor" in html


def test_policies_for_me_needs_a_sign_in(client):
    response = client.get(reverse("policies:for_me"))
    assert response.status_code == 302


def test_policies_for_me_without_a_profile(client, grant):
    client.force_login(UserFactory(email="new@example.com"))
    html = page(client, reverse("policies:for_me"))
    assert "You have no profile yet" in html


def test_the_comparison_shows_no_age_limit_where_there_is_none(
    client, grant, yangpu_grant, qingpu_grant, li_wen
):
    html = page(client, reverse("policies:compare"), category="talent_subsidy")
    assert "Pudong overseas talent grant" in html and "Yangpu young talent allowance" in html
    assert "No age limit" in html
    assert "Aged 30 or younger (age reached this year)" in html
    client.force_login(li_wen)
    html = page(client, reverse("policies:compare"), category="talent_subsidy")
    assert "You may qualify" in html  # Qingpu
    assert "You would qualify if your company were registered in Pudong New Area." in html
    assert client.get(reverse("policies:compare"), {"category": "x"}).status_code == 200


def test_following_a_district_from_the_list(client, li_wen, pudong, official):
    client.force_login(li_wen)
    html = page(client, reverse("policies:list"), district="pudong")
    assert "Tell me of new policies matching these filters" in html
    client.post(
        reverse("policies:topic_follow"),
        {"district": "pudong", "category": "", "next": "/policies/?district=pudong"},
    )
    topic = TopicFollow.objects.get(user=li_wen)
    assert topic.district == pudong and topic.category == ""
    published_policy(user=official, district=pudong, title_en="Brand new")
    assert Notification.objects.get(recipient=li_wen).subject == "New policy: Brand new"
    client.post(reverse("policies:topic_unfollow", args=[topic.pk]))
    assert not TopicFollow.objects.exists()


def test_an_official_writes_and_publishes_from_the_pages(client, official, pudong, chips):
    client.force_login(official)
    assert page(client, reverse("policies:manage"))
    form_html = page(client, reverse("policies:create"))
    assert 'name="criteria-TOTAL_FORMS"' in form_html
    data = {
        "title_zh": "浦东新区人才安居",
        "title_en": "Pudong talent housing",
        "summary_en": "Rent support.",
        "district": "pudong",
        "category": "housing",
        "sectors": ["integrated-circuits"],
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-kind": "max_age",
        "criteria-0-value": "45",
        "criteria-1-kind": "",
    }
    response = client.post(reverse("policies:create"), data)
    assert response.status_code == 302
    policy = Policy.objects.get()
    assert policy.status == "draft"
    assert [(c.kind, c.value) for c in policy.criteria.all()] == [("max_age", 45)]
    client.post(reverse("policies:publish", args=[policy.pk]))
    policy.refresh_from_db()
    assert policy.status == "published"
    edit_html = page(client, reverse("policies:edit", args=[policy.pk]))
    assert "saving publishes your changes as a new version" in edit_html


def test_the_form_shows_an_impossible_criterion_next_to_it(client, official, pudong):
    client.force_login(official)
    response = client.post(
        reverse("policies:create"),
        {
            "title_en": "Pudong talent housing",
            "district": "pudong",
            "category": "housing",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-0-kind": "max_age",
            "criteria-0-value": "200",
        },
    )
    assert response.status_code == 200
    assert "Enter an age limit between 16 and 120." in response.content.decode()
    assert not Policy.objects.exists()


def test_officials_pages_are_forbidden_to_others(client, li_wen, grant, qingpu_official):
    client.force_login(li_wen)
    assert client.get(reverse("policies:manage")).status_code == 403
    assert client.get(reverse("policies:create")).status_code == 403
    assert client.get(reverse("policies:edit", args=[grant.pk])).status_code == 403
    client.force_login(qingpu_official)
    assert client.get(reverse("policies:edit", args=[grant.pk])).status_code == 403
    assert client.post(reverse("policies:archive", args=[grant.pk])).status_code == 403
    grant.refresh_from_db()
    assert grant.status == "published"


def test_the_pages_are_in_chinese_for_a_chinese_reader(client, grant):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    html = page(client, grant.get_absolute_url())
    assert "浦东新区海外人才集聚资助" in html


def test_admin_pages_open(client, admin_user, grant):
    client.force_login(admin_user)
    for name in (
        "policy",
        "policyversion",
        "policyfollow",
        "topicfollow",
        "eligibilityrecord",
        "policynotice",
    ):
        assert client.get(reverse(f"admin:policies_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:policies_policy_change", args=[grant.pk])).status_code == 200


def test_saving_a_published_policy_in_the_admin_publishes_a_version(client, admin_user, grant):
    client.force_login(admin_user)
    url = reverse("admin:policies_policy_change", args=[grant.pk])
    response = client.get(url)
    form = response.context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in ("sectors",)
    }
    data["district"] = grant.district_id
    data["sectors"] = [sector.pk for sector in grant.sectors.all()]
    data["title_en"] = "Renamed in admin"
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{formset.prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        for index, inline_form in enumerate(formset.forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if name == "id":
                    value = inline_form.instance.pk
                elif name == "policy":
                    value = grant.pk
                elif name == "sectors":
                    value = [sector.pk for sector in (value or [])]
                elif hasattr(value, "pk"):
                    value = value.pk
                if value is not None:
                    data[f"{formset.prefix}-{index}-{name}"] = value
    response = client.post(url, data)
    assert response.status_code == 302, [
        inline.formset.errors for inline in response.context["inline_admin_formsets"]
    ]
    assert grant.versions.count() == 2
    assert grant.versions.first().changes[0]["field"] == "title_en"


def test_the_admin_publish_action(client, admin_user, pudong):
    draft = services.policy_create(
        user=admin_user,
        data={
            "title_zh": "草案",
            "title_en": "Draft",
            "summary_en": "x",
            "category": "housing",
            "district": pudong,
        },
    )
    client.force_login(admin_user)
    client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == "published" and draft.versions.count() == 1


def test_the_admin_refuses_a_criterion_kind_twice_and_impossible_values(admin_user, pudong):
    policy = services.policy_create(
        user=admin_user, data={"title_en": "Admin policy", "category": "housing"}
    )
    FormSet = inlineformset_factory(
        Policy, Criterion, form=CriterionAdminForm, formset=CriterionFormSet, extra=0
    )
    data = {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-kind": "max_age",
        "criteria-0-value": "40",
        "criteria-1-kind": "max_age",
        "criteria-1-value": "45",
    }
    formset = FormSet(data, instance=policy, prefix="criteria")
    assert not formset.is_valid()
    assert "“Maximum age” appears twice" in formset.non_form_errors()[0]
    data["criteria-1-kind"] = "overseas_years"
    data["criteria-1-value"] = "-4"
    formset = FormSet(data, instance=policy, prefix="criteria")
    assert not formset.is_valid()
    assert formset.forms[1].errors["value"] == [
        "Enter between 1 and 50 years of study or work abroad."
    ]
    data["criteria-1-kind"] = "sector"
    formset = FormSet(data, instance=policy, prefix="criteria")
    assert not formset.is_valid()
    assert formset.forms[1].errors["sectors"] == ["Choose at least one sector."]
