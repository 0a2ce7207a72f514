"""Text as the search index and the queries see it.

Chinese is written without spaces, so PostgreSQL's parser would take a whole run of Chinese
characters for one word. Here jieba cuts such runs into words: documents with its search
mode (a long word and the shorter words inside it: 集成电路 gives 集成, 电路 and 集成电路, so
both the long word and its parts find it), queries with its precise mode (the words a reader
means). Everything else (English, numbers, codes) is left for PostgreSQL's `english`
configuration to split and stem, on both sides alike.

jieba loads its dictionary (about a second) on the first use in a process, never at import;
its cache of the dictionary goes to the system's temporary directory. A few words of this
field that its dictionary lacks (`words.txt`) are added then. Changing them changes how
texts are cut: run `manage.py search_reindex` afterwards.
"""

import logging
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import snowballstemmer

WORDS_FILE = Path(__file__).resolve().parent / "words.txt"

# Han characters (with the extensions and compatibility ideographs).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
HAN_RUN = re.compile(f"[{HAN}]+")
# A query's words: a run of Han characters, or a word of any other script, which may hold
# inner hyphens, apostrophes, dots or ampersands (tape-out, master's, R&D, U.S.).
_OTHER = rf"(?:(?![{HAN}])[^\W_])"
QUERY_PIECE = re.compile(rf"(?P<han>[{HAN}]+)|(?P<word>{_OTHER}+(?:[-'&.]{_OTHER}+)*)")

# Function words that say nothing about what a text is about; dropped from documents and
# queries alike (a query for 人才的补贴 looks for 人才 and 补贴).
STOPWORDS = frozenset(
    "的地得了着过和与及或并且而但在对为于以由从向把被将是之其该各等这那也都就则若如个所"
) | {"有关"}

_lock = threading.Lock()
_tokenizer = None
_stemmers = threading.local()  # a Snowball stemmer keeps state while it works


def segmenter():
    """The jieba tokenizer of this process, made on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.tmp_dir = tempfile.gettempdir()
                tokenizer.initialize()
                for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
                    word = line.split("#", 1)[0].strip()
                    if word:
                        tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def stem(word: str) -> str:
    """The English stem of a word (the Snowball stemmer PostgreSQL's `english` uses)."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def normalize(text: str) -> str:
    """Full-width letters and digits as ASCII (ＡＩ, ２０２４), compatibility forms folded."""
    return unicodedata.normalize("NFKC", text or "")


def _han_words(run: str, *, search_mode: bool) -> list[str]:
    tokenizer = segmenter()
    cut = tokenizer.cut_for_search if search_mode else tokenizer.cut
    return [word for word in cut(run, HMM=False) if word not in STOPWORDS]


def index_text(*parts: str) -> str:
    """The text PostgreSQL indexes for `parts`: Chinese cut into words (search mode), the rest
    as it is, each part on a line of its own."""
    lines = []
    for part in parts:
        part = normalize(part).strip()
        if not part:
            continue
        lines.append(
            HAN_RUN.sub(
                lambda run: " " + " ".join(_han_words(run.group(), search_mode=True)) + " ",
                part,
            )
        )
    return "\n".join(" ".join(line.split()) for line in lines)


def compound_parts(word: str) -> list[str]:
    """A Chinese word that the dictionary also knows as shorter words of two characters or
    more, cut into the fewest of them (启动资金: 启动, 资金); [] for any other word."""
    if len(word) < 4:
        return []
    known = segmenter().FREQ
    size = len(word)
    best: list[list[str] | None] = [None] * size + [[]]
    for start in range(size - 2, -1, -1):
        for end in range(start + 2, size + 1):
            piece = word[start:end]
            rest = best[end]
            if len(piece) == size or rest is None or not known.get(piece):
                continue
            if best[start] is None or len(rest) + 1 < len(best[start]):
                best[start] = [piece, *rest]
    return best[0] or []


@dataclass(frozen=True)
class Token:
    """A word of a query: its text, whether it is Chinese, the run of Chinese characters it
    was cut from (its place in the query), and the key synonyms are matched by (a Chinese
    word itself, else its English stem)."""

    text: str
    han: bool
    run: int = field(default=0, compare=False)

    @property
    def single_character(self) -> bool:
        """A Chinese character the dictionary found no word for (names, new terms)."""
        return self.han and len(self.text) == 1

    @property
    def key(self) -> str:
        return self.text if self.han else stem(self.text)


def query_tokens(text: str) -> list[Token]:
    """The words of a query in order: Chinese cut into words (precise mode), other words as
    written (lower case); punctuation and function words dropped."""
    tokens = []
    for run, match in enumerate(QUERY_PIECE.finditer(normalize(text).lower())):
        if match.group("han"):
            words = _han_words(match.group(), search_mode=False)
            tokens += [Token(word, True, run) for word in words]
        else:
            tokens.append(Token(match.group(), False, run))
    return tokens
