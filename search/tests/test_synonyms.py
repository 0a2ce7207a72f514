"""The synonym groups: shipped as data, checked when written, read through the shared cache,
extended and switched off in admin (in both languages), and taking effect at once."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.tests.factories import UserFactory
from search import synonyms as synonyms_module
from search.models import SynonymGroup
from search.query import parse
from search.synonyms import CACHE_KEY, active_groups, synonyms, synonyms_changed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synonym_groups")]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(email="admin@example.com", is_staff=True, is_superuser=True))
    return client


def group_of(term: str) -> list[str] | None:
    return next((terms for terms in active_groups() if term in terms), None)


def test_the_reviewed_groups_are_shipped():
    assert SynonymGroup.objects.count() >= 17
    assert {"芯片", "集成电路", "semiconductor", "chip"} <= set(group_of("芯片"))
    assert {"海归", "留学回国人员", "returnee"} <= set(group_of("海归"))
    assert {"落户", "户口", "hukou"} <= set(group_of("落户"))
    assert {"人才公寓", "talent apartment"} <= set(group_of("人才公寓"))
    assert {"创业", "startup", "entrepreneurship"} <= set(group_of("创业"))


def test_a_group_needs_two_searchable_terms_of_sensible_length():
    for terms, message in [
        ("芯片", "at least two"),
        ("芯片\n芯片", "at least two"),
        ("芯片, ！！", "no word to search for"),
        ("芯片\n" + "x" * 61, "longer than"),
        ("\n".join(f"t{n}" for n in range(31)), "At most 30"),
    ]:
        with pytest.raises(ValidationError, match=message):
            SynonymGroup(terms=terms, topic="other").full_clean()
    group = SynonymGroup(terms=" 科创板 ，STAR Market、 科创板", topic="other")
    group.full_clean()
    assert group.terms == "科创板\nSTAR Market"


def test_groups_are_read_once_and_kept_in_the_shared_cache(django_assert_num_queries):
    cache.delete(CACHE_KEY)
    with django_assert_num_queries(1):
        synonyms()
    with django_assert_num_queries(0):
        synonyms()
    assert cache.get(CACHE_KEY) == active_groups()


def test_a_change_is_seen_by_the_next_search():
    synonyms()
    SynonymGroup.objects.create(terms="科创板\nSTAR Market", topic="other")
    synonyms_changed()
    assert ["科创板", "STAR Market"] in active_groups()
    (term,) = parse("STAR Market")
    assert "科创板" in {form.text.replace(" ", "") for form in term.forms}


def test_an_unreachable_cache_falls_back_to_the_database():
    with mock.patch.object(synonyms_module.cache, "get", side_effect=ConnectionError("down")):
        assert group_of("芯片")
    with mock.patch.object(synonyms_module.cache, "delete", side_effect=ConnectionError("down")):
        synonyms_changed()  # no error


def test_admins_search_filter_add_and_switch_off_groups(admin_client):
    changelist = reverse("admin:search_synonymgroup_changelist")
    html = admin_client.get(changelist, {"q": "芯片"}).content.decode()
    assert "集成电路" in html and "落户" not in html
    html = admin_client.get(changelist, {"topic__exact": "residence"}).content.decode()
    assert "落户" in html and "集成电路" not in html
    assert admin_client.get(changelist, {"is_active__exact": "0"}).status_code == 200

    response = admin_client.post(
        reverse("admin:search_synonymgroup_add"),
        {"terms": "科创板, STAR Market", "topic": "other", "is_active": "on", "note": "上交所"},
    )
    assert response.status_code == 302
    group = SynonymGroup.objects.get(note="上交所")
    assert group.terms == "科创板\nSTAR Market"
    assert ["科创板", "STAR Market"] in active_groups()
    assert group.history.count() == 1

    admin_client.post(changelist, {"action": "deactivate", "_selected_action": [group.pk]})
    assert ["科创板", "STAR Market"] not in active_groups()
    admin_client.post(changelist, {"action": "activate", "_selected_action": [group.pk]})
    assert ["科创板", "STAR Market"] in active_groups()
    admin_client.post(reverse("admin:search_synonymgroup_delete", args=[group.pk]), {"post": "yes"})
    assert ["科创板", "STAR Market"] not in active_groups()

    response = admin_client.post(
        reverse("admin:search_synonymgroup_add"), {"terms": "孤词", "topic": "other"}
    )
    assert response.status_code == 200  # the form again, with the message
    assert "Give at least two terms that mean the same." in response.content.decode()


def test_the_admin_speaks_both_languages():
    with translation.override("zh-hans"):
        assert str(SynonymGroup._meta.verbose_name) == "同义词组"
        assert str(SynonymGroup._meta.get_field("terms").verbose_name) == "词语"
        assert str(SynonymGroup.Topic.HOUSING.label) == "住房"
    with translation.override("en"):
        assert str(SynonymGroup._meta.verbose_name_plural) == "synonym groups"
