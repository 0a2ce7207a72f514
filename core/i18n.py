"""Bilingual content fields: each translated field is stored twice, as `<name>_zh` and
`<name>_en`; `localized()` reads the one of the active language, falling back to the other."""

from django.utils.translation import get_language


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


def localized(obj: object, field: str, language: str | None = None) -> str:
    chinese = getattr(obj, f"{field}_zh", "")
    english = getattr(obj, f"{field}_en", "")
    if is_chinese(language):
        return chinese or english
    return english or chinese
