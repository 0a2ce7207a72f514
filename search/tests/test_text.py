"""Chinese cut into words for the index (search mode) and for queries (precise mode); other
scripts left to PostgreSQL; the segmenter loaded lazily, its cache in the temporary directory."""

import subprocess
import sys
import tempfile

from django.conf import settings

from search import text
from search.text import compound_parts, index_text, normalize, query_tokens


def test_documents_hold_long_words_and_the_words_inside_them():
    words = index_text("张江科学城集成电路设计企业研发补贴").split()
    assert {"集成电路", "集成", "电路", "科学城", "张江", "研发", "补贴"} <= set(words)


def test_other_scripts_are_left_as_written_and_parts_go_on_lines_of_their_own():
    assert index_text("Tape-outs of R&D", "", "浦人社规〔2024〕3号") == (
        "Tape-outs of R&D\n浦 人 社 规 〔2024〕3 号"
    )


def test_queries_are_cut_into_the_words_a_reader_means():
    assert [token.text for token in query_tokens("海归人才补贴")] == ["海归", "人才", "补贴"]
    assert [token.text for token in query_tokens("人才公寓")] == ["人才公寓"]  # words.txt
    assert [token.text for token in query_tokens("人才的补贴，和 Talent-apartments!")] == [
        "人才",
        "补贴",
        "talent-apartments",
    ]


def test_english_words_are_keyed_by_their_stem_and_chinese_by_themselves():
    keys = [token.key for token in query_tokens("Returnees subsidies 落户")]
    assert keys == ["returne", "subsidi", "落户"]


def test_full_width_forms_are_folded():
    assert normalize("ＡＩ２０２４（Ｂ证）") == "AI2024(B证)"
    assert [token.text for token in query_tokens("ＡＩ芯片")] == ["ai", "芯片"]


def test_compounds_the_dictionary_also_knows_as_words_are_cut_into_them():
    assert compound_parts("启动资金") == ["启动", "资金"]
    assert compound_parts("补贴") == []
    assert compound_parts("安家费") == []  # 费 alone is no word of two characters


def test_the_segmenter_is_loaded_on_first_use_not_on_import():
    program = "import sys, search.text; assert 'jieba' not in sys.modules; print('lazy')"
    result = subprocess.run(
        [sys.executable, "-c", program],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "lazy", result.stderr


def test_the_dictionary_cache_is_kept_in_the_temporary_directory():
    tokenizer = text.segmenter()
    assert tokenizer.tmp_dir == tempfile.gettempdir()
    assert text.segmenter() is tokenizer  # once per process
    assert not list(settings.BASE_DIR.glob("*.cache"))
