"""The reasons a match is made of, and how each becomes a line in the reader's language.

A stored reason is `{"code": str, "weight": float, "params": {...}}`. A param that names
something bilingual (a district, a sector) is stored as `{"en": ..., "zh": ...}` so the line
can be rendered without a query; institution, employer and skill names are stored as they
are. `code` picks the sentence; some codes read differently for each kind of match.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from talent.choices import Expertise, Seeking, SpokenLanguage

from .choices import MatchKind

# (code, kind) first, then (code, None).
SENTENCES = {
    ("institution", None): _("Both studied at %(name)s"),
    ("employer", None): _("Both worked at %(name)s"),
    ("skill", MatchKind.OPENING_RETURNEE): _("Lists %(name)s, which the opening needs"),
    ("skill", None): _("Needs %(name)s — you list %(name)s"),
    ("sector", MatchKind.OPENING_RETURNEE): _("Works in %(name)s, the opening's sector"),
    ("sector", MatchKind.RETURNEE_ADVISOR): _("Advises on %(name)s, your sector"),
    ("sector", MatchKind.STARTUP_ADVISOR): _("Advises on %(name)s, the startup's sector"),
    ("sector", MatchKind.RETURNEE_EVENT): _("About %(name)s, your sector"),
    ("sector", None): _("In %(name)s, your sector"),
    ("district", MatchKind.OPENING_RETURNEE): _("Works or lives in %(name)s, where the startup is"),
    ("district", MatchKind.RETURNEE_ADVISOR): _("Serves %(name)s, where you work"),
    ("district", MatchKind.STARTUP_ADVISOR): _("Serves %(name)s, where the startup is"),
    ("district", MatchKind.RETURNEE_EVENT): _("Held in %(name)s, where you work"),
    ("district", None): _("In %(name)s, where you work"),
    ("district_home", MatchKind.OPENING_RETURNEE): _(
        "Works or lives in %(name)s, where the startup is"
    ),
    ("district_home", MatchKind.RETURNEE_ADVISOR): _("Serves %(name)s, where you live"),
    ("district_home", MatchKind.RETURNEE_EVENT): _("Held in %(name)s, where you live"),
    ("district_home", None): _("In %(name)s, where you live"),
    ("language", MatchKind.RETURNEE_EVENT): _("Held in %(name)s, which you speak"),
    ("language", None): _("Speaks %(name)s, as you do"),
    ("seeking", MatchKind.OPENING_RETURNEE): _("Is looking for: %(name)s"),
    ("seeking", None): _("You are looking for: %(name)s"),
    ("expertise", MatchKind.STARTUP_ADVISOR): _("Advises on %(name)s, which the startup needs"),
    ("expertise", None): _("Advises on %(name)s"),
    ("capacity", None): _("%(left)s of %(capacity)s consultations free this month"),
    ("eligible", None): _("You are eligible: %(met)s of %(total)s criteria"),
    ("likely_eligible", None): _(
        "You meet %(met)s of %(total)s criteria; tell us more to settle the rest"
    ),
}

# Choice codes stored in params, turned into their labels when rendered.
CHOICE_LABELS = {
    "seeking": dict(Seeking.choices),
    "expertise": dict(Expertise.choices),
    "language": dict(SpokenLanguage.choices),
}

UNKNOWN_REASON = pgettext_lazy("match reason", "A further shared interest")


def _localized(value):
    if isinstance(value, dict):
        language = (translation.get_language() or "en").lower()
        first = value.get("zh") if language.startswith("zh") else value.get("en")
        return first or value.get("en") or value.get("zh") or ""
    return value


def render(reason: dict, kind: str | None = None) -> str:
    """One reason as a line in the active language."""
    code = reason.get("code", "")
    sentence = SENTENCES.get((code, kind)) or SENTENCES.get((code, None))
    if sentence is None:
        return str(UNKNOWN_REASON)
    params = {key: _localized(value) for key, value in (reason.get("params") or {}).items()}
    labels = CHOICE_LABELS.get(code)
    if labels and "name" in params:
        params["name"] = labels.get(params["name"], params["name"])
    try:
        return str(sentence) % params
    except (KeyError, TypeError, ValueError):
        return str(UNKNOWN_REASON)


def render_all(reasons: list[dict], kind: str | None = None) -> list[str]:
    """The lines of a match, heaviest reason first."""
    ordered = sorted(reasons or [], key=lambda reason: -float(reason.get("weight") or 0))
    return [render(reason, kind) for reason in ordered]
