"""The Chinese catalogue of the policies app is complete, compiled and in use."""

import pytest
from django.utils import translation

from policies.eligibility import Facts, Place, Rule, evaluate

from .conftest import TODAY, published_policy


def test_eligibility_speaks_chinese():
    facts = Facts(has_profile=True, company_district=Place("qingpu", "青浦区", "Qingpu"))
    rule = Rule("company_district", district=Place("pudong", "浦东新区", "Pudong New Area"))
    with translation.override("zh-hans"):
        line = evaluate(facts, [rule], today=TODAY).lines[0]
    assert line.required == "企业注册在浦东新区"
    assert line.hint == "如果您所在企业注册在浦东新区，即可符合。"


@pytest.mark.django_db
def test_the_policy_page_speaks_chinese(client, li_wen, official, pudong):
    policy = published_policy(user=official, district=pudong, title_zh="浦东人才资助")
    li_wen.language = "zh-hans"
    li_wen.save(update_fields=["language"])
    client.force_login(li_wen)
    html = client.get(policy.get_absolute_url()).content.decode()
    assert "我符合条件吗？" in html and "浦东人才资助" in html
    assert "关注此政策" in html
