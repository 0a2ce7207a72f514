"""Search over both languages on PostgreSQL: Chinese is cut into words (a query typed without
spaces finds its words apart), synonyms widen each word (芯片 finds 集成电路), English is
stemmed (subsidy finds subsidies), the category's name and the sectors count, the best match
comes first, the filters combine with the query, and every search runs on the GIN index of
the stored vector, which every write path keeps current."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.factories import DistrictFactory
from policies import services
from policies.filters import PolicyFilterSet
from policies.models import Policy
from policies.resources import PolicyResource
from policies.search import policies_search_refresh, policy_search
from search.models import SynonymGroup
from search.query import parse, search_query

from .conftest import client_for, published_policy
from .test_import_export import dataset, row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synonym_groups")]


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
            summary_zh="持证人才子女可在本市入学。",
            summary_en="Residence permits for returnees with subsidies for schooling.",
            category="entry_residence",
        ),
    }


def search(query, **filters):
    data = {"q": query, **filters}
    filterset = PolicyFilterSet(data, queryset=Policy.objects.all())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def test_the_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_a_chinese_query_finds_the_word_inside_longer_text(library):
    # In the title first, then in the summary, then in the full text.
    assert search("集成电路") == [library["ic"], library["housing"], library["bio"]]


def test_synonyms_find_what_the_policy_calls_otherwise(library):
    # The policies say 集成电路, chip and semiconductor, never 芯片.
    assert search("芯片") == [library["ic"], library["housing"], library["bio"]]
    assert search("semiconductor")[0] == library["ic"]
    assert search("居住证") == [library["municipal"]]
    assert search("residence permit") == [library["municipal"]]


def test_a_chinese_query_typed_without_spaces_finds_its_words_apart(admin_user, qingpu):
    apart = published_policy(
        user=admin_user,
        district=qingpu,
        title_zh="青浦区留学回国人员就业补贴",
        title_en="Qingpu employment subsidy for returnees",
        summary_zh="对在青浦区就业的高层次人才给予一次性补贴。",
        category="talent_subsidy",
    )
    published_policy(
        user=admin_user,
        district=qingpu,
        title_zh="青浦区人才公寓",
        title_en="Qingpu talent apartments",
        summary_zh="人才公寓租金六折。",
        category="housing",
    )
    # 海归 is 留学回国人员 in the text; 人才 and 补贴 stand apart from it and each other.
    assert search("海归人才补贴") == [apart]


def test_english_is_stemmed_and_the_category_name_counts(admin_user, pudong, library):
    plain = published_policy(
        user=admin_user,
        district=pudong,
        title_zh="浦东新区海外人才集聚资助",
        title_en="Pudong overseas talent grant",
        summary_en="Money for talent that comes back.",
        category="talent_subsidy",  # "Talent subsidies"
    )
    assert plain in search("Talent subsidy")
    assert plain in search("talent subsidies")
    assert search("subsidy") == search("subsidies")
    assert search("subsidies")[0] == library["ic"]  # in its title, in two languages
    assert library["municipal"] in search("subsidies")  # in its summary only
    assert search("designing") == [library["ic"]]  # "design" in the title
    assert search("talent apartments") == [library["housing"]]
    assert search("biopharmaceutical trials") == [library["bio"]]


def test_sectors_count_in_both_languages(library):
    assert search("Biopharmaceuticals 临床试验") == [library["bio"]]


def test_the_document_number_and_any_form_of_a_word_match(library, admin_user, pudong):
    policy = published_policy(
        user=admin_user, district=pudong, title_en="Numbered", document_number="浦人社规〔2024〕3号"
    )
    assert search("浦人社规〔2024〕3号") == [policy]
    assert search("numbers") == [policy]
    assert search("Numb") == []  # whole words only


def test_every_term_must_match(library):
    assert search("集成电路 流片") == [library["ic"]]
    assert search("集成电路 人才公寓") == [library["housing"]]
    assert search("集成电路 tape-outs") == [library["ic"]]
    assert search("集成电路 volcano") == []


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


def test_odd_input_is_searched_not_crashed(library):
    for query in ["'", '"', "&|!", "(", "a:*", "%_", "\\", "集成电路'--", "!!!", "：，。", "ＡＩ"]:
        policy_search(Policy.objects.all(), query).count()
    assert search("&|!") == []  # no word to search for: nothing found, not everything


def test_words_follow_every_write(library, admin_user, biopharma):
    policy = library["ic"]
    services.policy_update(
        policy=policy, user=admin_user, data={"title_zh": "张江光子芯片设计补贴"}
    )
    assert policy in search("光子")
    assert policy not in search("生物医药 张江")
    services.policy_update(policy=policy, user=admin_user, data={"sectors": [biopharma]})
    assert policy in search("生物医药 张江")
    # The admin's form and the import write through the library, then refresh the words.
    Policy.objects.filter(pk=policy.pk).update(title_en="Quantum sensing subsidy")
    assert policy not in search("quantum")
    policies_search_refresh([policy.pk])
    assert policy in search("quantum")


def test_the_admins_change_form_refreshes_the_words(library, admin_user, client):
    policy = library["housing"]
    client.force_login(admin_user)
    url = reverse("admin:policies_policy_change", args=[policy.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("sectors",)
    }
    data.update(
        {
            "title_zh": "青浦区人才公寓与共有产权房",
            "sectors": [],
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert policy in search("共有产权房")


def test_an_import_gives_the_policies_their_words(pudong, qingpu, chips, biopharma, admin_user):
    result = PolicyResource().import_data(dataset(row()), dry_run=False, user=admin_user)
    assert not result.has_errors() and not result.has_validation_errors()
    imported = Policy.objects.get()
    # The sectors are saved after the row: their names are in the words too.
    assert list(policy_search(Policy.objects.all(), "生物医药 人才公寓")) == [imported]


def test_synonyms_an_admin_adds_take_effect_at_once(library, admin_user, client):
    client.force_login(admin_user)
    assert search("STAR Market") == []
    Policy.objects.filter(pk=library["bio"].pk).update(
        summary_zh="支持在科创板上市的生物医药企业。"
    )
    policies_search_refresh([library["bio"].pk])
    response = client.post(
        reverse("admin:search_synonymgroup_add"),
        {"terms": "科创板\nSTAR Market", "topic": "other", "is_active": "on", "note": ""},
    )
    assert response.status_code == 302
    assert search("STAR Market") == [library["bio"]]
    group = SynonymGroup.objects.get(terms="科创板\nSTAR Market")
    response = client.post(
        reverse("admin:search_synonymgroup_changelist"),
        {"action": "deactivate", "_selected_action": [group.pk]},
    )
    assert response.status_code == 302
    assert search("STAR Market") == []


def test_every_search_predicate_is_served_by_the_gin_index(library):
    """A test table holds a handful of rows, where reading them all is the cheapest plan (the
    benchmark's 5,000 policies show the planner's own choice); with that plan ruled out, the
    GIN index serves every kind of query: words, phrases, synonyms, compounds."""
    queries = [
        "talent",
        "人才",
        "人才公寓",
        "集成电路 补贴",
        "海归人才补贴",
        "talent apartment",
        "创业启动资金",
        "浦人社规〔2024〕3号",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for query in queries:
        predicate = search_query(parse(query))
        plan = Policy.objects.filter(search_vector=predicate).explain()
        assert "Bitmap Index Scan on policies_policy_search_gin" in plan, (query, plan)


def test_the_planner_always_takes_the_index(db):
    """No statistics on the vectors: the planner assumes a search matches few rows and takes
    the index even for the most common word (see `search.indexing`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute "
            "WHERE attname = 'search_vector' AND attrelid::regclass::text IN "
            "('policies_policy', 'startups_startup', 'startups_opening')"
        )
        targets = dict(cursor.fetchall())
    assert targets == {"policies_policy": 0, "startups_startup": 0, "startups_opening": 0}


def test_the_list_counts_without_ranking_on_the_stored_vector(library, api_client):
    with CaptureQueriesContext(connection) as captured:
        response = api_client.get("/api/v1/policies/", {"q": "集成电路 补贴"})
    assert response.status_code == 200
    assert response.json()["count"] == 3  # 补贴, or 资助 in one title
    count = next(query["sql"] for query in captured if "COUNT(*)" in query["sql"])
    assert "ts_rank" not in count and "to_tsvector" not in count and "LIKE" not in count
    page = next(query["sql"] for query in captured if "ts_rank" in query["sql"])
    assert "to_tsvector" not in page and "LIKE" not in page  # the stored vector, no icontains
    assert "search_vector" in count and "@@" in count


def test_the_page_and_the_api_search(library, client, li_wen):
    html = client.get(reverse("policies:list"), {"q": "芯片"}).content.decode()
    assert "张江集成电路设计企业研发补贴" in html
    assert "上海市海外人才居住证便利措施" not in html
    body = client_for(li_wen).get("/api/v1/policies/", {"q": "青浦 talent apartments"}).json()
    assert [item["id"] for item in body["results"]] == [library["housing"].pk]
