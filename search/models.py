from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .text import query_tokens

MAX_TERMS = 30
MAX_TERM_LENGTH = 60
TERM_SEPARATORS = "\n,，、;；"

# The columns `Searchable` adds: left out of history, exports and list queries.
SEARCH_FIELDS = ["search_a", "search_b", "search_c", "search_vector"]


class Searchable(models.Model):
    """The full-text search columns of a model. The app writes the words of the model's
    fields into `search_a` (weighs most, a title), `search_b` and `search_c`, with Chinese
    cut into words (`search.text.index_text`); a PostgreSQL trigger turns them into the
    stemmed, weighted `search_vector`, which a GIN index serves."""

    search_a = models.TextField(
        _("search words (weight A)"), blank=True, default="", editable=False
    )
    search_b = models.TextField(
        _("search words (weight B)"), blank=True, default="", editable=False
    )
    search_c = models.TextField(
        _("search words (weight C)"), blank=True, default="", editable=False
    )
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)

    class Meta:
        abstract = True


class SynonymGroup(models.Model):
    """Words and phrases that mean the same to someone searching, in Chinese or English: a
    query that holds one of them finds texts with any of them."""

    class Topic(models.TextChoices):
        PEOPLE = "people", _("Talent and returnees")
        INDUSTRY = "industry", _("Industries and research")
        MONEY = "money", _("Subsidies and funding")
        HOUSING = "housing", _("Housing")
        RESIDENCE = "residence", _("Entry, residence and hukou")
        STARTUPS = "startups", _("Startups")
        PLACES = "places", _("Places")
        OTHER = "other", _("Other")

    terms = models.TextField(
        _("terms"),
        help_text=_(
            "The words or phrases that mean the same, one a line (or separated by commas), "
            "e.g. 芯片, 集成电路, chip, semiconductor. English words match whatever their "
            "ending (chip finds chips)."
        ),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive groups are kept but not used.")
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Why these mean the same, or where they are used."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "id"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self):
        return " = ".join(self.term_list[:4]) + (" …" if len(self.term_list) > 4 else "")

    @staticmethod
    def split_terms(text: str) -> list[str]:
        """The distinct terms of `text`, in order, without surrounding spaces."""
        for separator in TERM_SEPARATORS[1:]:
            text = (text or "").replace(separator, "\n")
        terms, seen = [], set()
        for term in text.split("\n"):
            term = " ".join(term.split())
            if term and term.lower() not in seen:
                seen.add(term.lower())
                terms.append(term)
        return terms

    @property
    def term_list(self) -> list[str]:
        return self.split_terms(self.terms)

    def clean(self):
        super().clean()
        terms = self.term_list
        if len(terms) < 2:
            raise ValidationError({"terms": _("Give at least two terms that mean the same.")})
        if len(terms) > MAX_TERMS:
            raise ValidationError(
                {"terms": _("At most %(count)d terms in one group.") % {"count": MAX_TERMS}}
            )
        for term in terms:
            if len(term) > MAX_TERM_LENGTH:
                raise ValidationError(
                    {
                        "terms": _("“%(term)s” is longer than %(count)d characters.")
                        % {"term": term[:20] + "…", "count": MAX_TERM_LENGTH}
                    }
                )
            if not query_tokens(term):
                raise ValidationError(
                    {"terms": _("“%(term)s” has no word to search for.") % {"term": term}}
                )
        self.terms = "\n".join(terms)
