"""Forms of the policy pages. They only read input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core import permissions
from core.models import District, Sector
from talent.choices import DegreeLevel

from .choices import CriterionKind, PolicyCategory
from .filters import DistrictOrMunicipalField
from .models import MAX_CRITERIA, Policy

BLANK = [("", "---------")]


def _text(label, max_length, *, rows=None, lang=None, help_text=""):
    attrs = {"lang": lang} if lang else {}
    if rows:
        attrs["rows"] = rows
        widget = forms.Textarea(attrs=attrs)
    else:
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=widget, help_text=help_text
    )


class PolicyForm(forms.Form):
    title_zh = _text(_("Title in Chinese"), 300, lang="zh-hans")
    title_en = _text(_("Title in English"), 300, lang="en")
    summary_zh = _text(_("Summary in Chinese"), 2000, rows=3, lang="zh-hans")
    summary_en = _text(_("Summary in English"), 2000, rows=3, lang="en")
    body_zh = _text(_("Full text in Chinese"), 50000, rows=8, lang="zh-hans")
    body_en = _text(_("Full text in English"), 50000, rows=8, lang="en")
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("Issuing district"), to_field_name="code"
    )
    authority_zh = _text(_("Issuing authority in Chinese"), 200, lang="zh-hans")
    authority_en = _text(_("Issuing authority in English"), 200, lang="en")
    document_number = _text(
        _("Document number"),
        100,
        help_text=_("As printed on the document, e.g. 浦人社规〔2024〕3号."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=PolicyCategory.choices)
    sectors = forms.ModelMultipleChoiceField(
        Sector.objects.all(),
        label=_("Sectors"),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    benefits_zh = _text(_("Benefits in Chinese"), 4000, rows=3, lang="zh-hans")
    benefits_en = _text(_("Benefits in English"), 4000, rows=3, lang="en")
    benefit_amount = forms.DecimalField(
        label=_("Largest amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Leave empty if the policy names no amount."),
    )
    effective_from = forms.DateField(
        label=_("Effective from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source_url = forms.URLField(
        label=_("Source link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The official text on the issuer's website."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        if permissions.acts_everywhere(user):
            field.required = False
            field.empty_label = str(_("Shanghai (municipal)"))
            field.help_text = _("Leave as municipal for a city-wide policy.")
        else:
            field.queryset = permissions.managed_districts(user)
            if field.queryset.count() == 1:
                field.initial = field.queryset.first()

    @staticmethod
    def initial_from(policy: Policy) -> dict:
        initial = {name: getattr(policy, name) for name in PolicyForm.base_fields}
        initial["sectors"] = list(policy.sectors.all())
        return initial


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Criterion"), choices=BLANK + list(CriterionKind.choices), required=False
    )
    value = forms.IntegerField(
        label=_("Number"),
        required=False,
        help_text=_("Years abroad, years since the return, or the age limit."),
    )
    degree = forms.ChoiceField(
        label=_("Degree"), choices=BLANK + list(DegreeLevel.choices), required=False
    )
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District"), required=False, to_field_name="code"
    )
    sectors = forms.ModelMultipleChoiceField(
        Sector.objects.all(),
        label=_("Sectors"),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    note_zh = _text(_("Condition in Chinese"), 500, lang="zh-hans")
    note_en = _text(_("Condition in English"), 500, lang="en")

    @staticmethod
    def initial_from(criterion) -> dict:
        return {
            "kind": criterion.kind,
            "value": criterion.value,
            "degree": criterion.degree,
            "district": criterion.district,
            "sectors": list(criterion.sectors.all()),
            "note_zh": criterion.note_zh,
            "note_en": criterion.note_en,
        }


CriterionFormSet = forms.formset_factory(
    CriterionForm, extra=2, can_delete=True, max_num=MAX_CRITERIA, validate_max=True
)


def criteria_entries(formset) -> list[dict]:
    """The criteria the formset holds, in order (blank and deleted rows left out)."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and form.cleaned_data.get("kind") and not form.cleaned_data["DELETE"]
    ]


class TopicForm(forms.Form):
    district = DistrictOrMunicipalField(
        District.objects.all(),
        label=_("District"),
        required=False,
        to_field_name="code",
        empty_label=_("Any district"),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Any category")), *PolicyCategory.choices],
        required=False,
    )

    def service_data(self) -> dict:
        district = self.cleaned_data.get("district")
        return {
            "district": district if isinstance(district, District) else None,
            "municipal": district == "municipal",
            "category": self.cleaned_data.get("category") or "",
        }


class CompareForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=PolicyCategory.choices)
