"""One spelling for names typed many ways: "ETH Zürich", "ETH Zurich", "eth-zurich"."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def normalize_key(text: str) -> str:
    """Accents dropped, case folded, punctuation and runs of space made one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", plain.casefold()).split())


def clean_name(text: str) -> str:
    """The spelling to show: outer space trimmed, inner runs of space made one."""
    return " ".join((text or "").split())
