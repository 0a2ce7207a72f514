"""A query becomes terms that must all match, each in any of its forms: its synonyms, the
parts of a Chinese compound, and the start of the last English word."""

from search.query import Form, parse, search_query
from search.synonyms import Synonyms

GROUPS = Synonyms.compile(
    [
        ["海归", "留学回国人员", "returnee"],
        ["补贴", "资助", "资金", "subsidy", "grant"],
        ["人才公寓", "talent apartment"],
        ["芯片", "集成电路", "chip"],
    ]
)


def forms(term) -> set[tuple[str, str]]:
    return {(form.kind, form.text) for form in term.forms}


def test_words_typed_together_are_terms_with_their_synonyms():
    terms = parse("海归人才补贴", GROUPS)
    assert [term.source for term in terms] == ["海归", "人才", "补贴"]
    assert forms(terms[0]) == {("plain", "海归"), ("plain", "留学回国人员"), ("plain", "returnee")}
    assert forms(terms[1]) == {("plain", "人才")}
    assert ("plain", "资助") in forms(terms[2]) and ("plain", "subsidy") in forms(terms[2])


def test_english_synonyms_match_whatever_the_ending_and_phrases_stay_phrases():
    terms = parse("Talent apartments", GROUPS)
    assert len(terms) == 1
    assert forms(terms[0]) == {
        ("phrase", "talent apartments"),
        ("phrase", "talent apartment"),
        ("plain", "人才公寓"),
    }
    assert ("plain", "海归") in forms(parse("returnees", GROUPS)[0])


def test_words_match_whole_after_stemming():
    terms = parse("art funds", GROUPS)
    assert [[form.kind for form in term.forms] for term in terms] == [["plain"], ["plain"]]


def test_characters_the_dictionary_does_not_know_must_stand_together():
    (term,) = parse("浦人社规", GROUPS)
    assert term.forms == (Form("phrase", "浦 人 社 规"),)
    assert len(parse("浦 人", GROUPS)) == 2  # typed apart: two terms


def test_a_compound_may_match_as_its_words_and_their_synonyms():
    (term,) = parse("启动资金", GROUPS)
    assert term.forms[0] == Form("plain", "启动资金")
    parts = term.forms[1]
    assert parts.kind == "parts"
    assert [part.source for part in parts.parts] == ["启动", "资金"]
    assert ("plain", "补贴") in forms(parts.parts[1])


def test_the_tsquery_is_and_across_terms_and_or_across_forms():
    query = search_query(parse("芯片 补贴", GROUPS))
    assert query.connector == "&&"
    assert query.lhs.connector == "||" and query.rhs.connector == "||"


def test_nothing_to_search_for():
    assert parse("", GROUPS) == []
    assert parse("  !!! ，。", GROUPS) == []
    assert search_query([]) is None
