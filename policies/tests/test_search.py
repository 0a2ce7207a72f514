"""Search over both languages on PostgreSQL: a Chinese query finds Chinese text (no spaces
between words), an English query finds English text (stemmed), the best match comes first,
and the filters combine with the query."""

import datetime

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from core.tests.factories import DistrictFactory
from policies.filters import PolicyFilterSet
from policies.models import Policy
from policies.search import english_vector, policy_search, split_terms

from .conftest import published_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(admin_user, pudong, qingpu, chips, biopharma):
    xuhui = DistrictFactory(code="xuhui", name_zh="徐汇区", name_en="Xuhui")
    return {
        "ic": published_policy(
            user=admin_user,
            district=pudong,
            title_zh="张江集成电路设计企业研发补贴",
            title_en="Zhangjiang R&D subsidy for chip design companies",
            summary_zh="支持集成电路设计企业流片。",
            summary_en="Supports tape-outs of chip design companies.",
            body_en="Companies designing semiconductors receive subsidies for tape-outs.",
            category="rd_funding",
            sectors=[chips],
            expires_on=datetime.date(2027, 12, 31),
        ),
        "housing": published_policy(
            user=admin_user,
            district=qingpu,
            title_zh="青浦区人才公寓租赁补贴",
            title_en="Qingpu talent apartment rent support",
            summary_zh="在青浦工作的人才可申请人才公寓，包括集成电路企业员工。",
            summary_en="Talent working in Qingpu may rent a talent apartment.",
            category="housing",
        ),
        "bio": published_policy(
            user=admin_user,
            district=xuhui,
            title_zh="徐汇区生物医药创新资助",
            title_en="Xuhui biopharmaceutical innovation funding",
            summary_zh="支持生物医药企业开展临床试验。",
            summary_en="Funding for clinical trials of biopharmaceutical companies.",
            body_zh="本办法所称企业不包括集成电路企业。",
            category="rd_funding",
            sectors=[biopharma],
            expires_on=datetime.date(2025, 12, 31),
            effective_from=datetime.date(2024, 1, 1),
        ),
        "municipal": published_policy(
            user=admin_user,
            district=None,
            title_zh="上海市海外人才居住证便利措施",
            title_en="Shanghai overseas talent residence permit",
            summary_en="Residence permits for returnees with subsidies for schooling.",
            category="entry_residence",
        ),
    }


def search(query, **filters):
    data = {"q": query, **filters}
    filterset = PolicyFilterSet(data, queryset=Policy.objects.all())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def titles(policies, language="en"):
    return [getattr(policy, f"title_{language}") for policy in policies]


def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_a_chinese_query_finds_chinese_text_inside_longer_words(library):
    found = search("集成电路")
    # In the title first, then in the summary, then in the full text.
    assert found == [library["ic"], library["housing"], library["bio"]]


def test_a_chinese_query_does_not_match_english_text(library):
    assert search("居住证") == [library["municipal"]]
    assert search("芯片") == []


def test_an_english_query_finds_english_text_with_stemming(library):
    # "subsidy" in the title, stemmed; "subsidies" in the other's summary ranks lower.
    assert search("subsidies") == [library["ic"], library["municipal"]]
    assert search("designing") == [library["ic"]]  # "design" in the title
    assert search("talent apartment") == [library["housing"]]
    assert search("biopharmaceutical trials") == [library["bio"]]


def test_english_ranking_puts_title_matches_first(library):
    found = search("subsidy")
    assert found[0] == library["ic"]
    assert library["municipal"] in found  # "subsidies" in its summary, ranked lower
    assert found.index(library["ic"]) < found.index(library["municipal"])


def test_the_document_number_and_partial_titles_match(library, admin_user, pudong):
    policy = published_policy(
        user=admin_user, district=pudong, title_en="Numbered", document_number="浦人社规〔2024〕3号"
    )
    assert search("浦人社规〔2024〕3号") == [policy]
    assert search("Numb") == [policy]


def test_several_chinese_terms_must_all_match(library):
    assert search("集成电路 流片") == [library["ic"]]
    assert search("集成电路 人才公寓") == [library["housing"]]


def test_mixed_language_query(library):
    assert search("集成电路 tape-outs") == [library["ic"]]


def test_filters_combine_with_the_query(library, chips):
    assert search("集成电路", category="rd_funding") == [library["ic"], library["bio"]]
    assert search("集成电路", district="qingpu") == [library["housing"]]
    assert search("集成电路", sector="integrated-circuits") == [library["ic"]]
    assert search("集成电路", active_on="2026-06-01", category="rd_funding") == [library["ic"]]
    assert search("subsidies", district="municipal") == [library["municipal"]]


def test_active_on_and_municipal_filters_without_a_query(library):
    assert set(search("", active_on="2026-06-01")) == {
        library["ic"],
        library["housing"],
        library["municipal"],
    }
    assert search("", district="municipal") == [library["municipal"]]


def test_drafts_are_left_out_unless_asked(library, official):
    Policy.objects.filter(pk=library["ic"].pk).update(status="draft")
    assert library["ic"] not in search("集成电路")
    assert library["ic"] in search("集成电路", status="draft")


def test_terms_are_split_by_script():
    assert split_terms("  集成电路   chip design 人才 ") == (["集成电路", "人才"], "chip design")


def test_odd_input_is_searched_not_crashed(library):
    for query in ["'", '"', "&|!", "(", "a:*", "%_", "\\", "集成电路'--"]:
        policy_search(Policy.objects.all(), query).count()


def test_the_search_indexes_exist_and_serve_chinese_queries(library):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'policies_policy' "
            "AND indexname LIKE 'policies_%%'"
        )
        names = {row[0] for row in cursor.fetchall()}
        assert {
            "policies_policy_english_fts",
            "policies_title_zh_trgm",
            "policies_summary_zh_trgm",
            "policies_body_zh_trgm",
        } <= names
        cursor.execute("SET enable_seqscan = off")
        try:
            chinese = Policy.objects.filter(title_zh__icontains="集成电路").explain()
            english = (
                Policy.objects.annotate(document=english_vector())
                .filter(document=SearchQuery("subsidy", config="english", search_type="websearch"))
                .explain()
            )
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "policies_title_zh_trgm" in chinese
    assert "policies_policy_english_fts" in english
