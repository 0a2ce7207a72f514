"""Forms of the startup pages. They only read input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import District, IndustrialPark, Sector
from talent.choices import ConsultationMode, Expertise
from talent.models import AdvisorProfile

from .choices import Need, Stage
from .models import MAX_TEAM_SIZE, Opening, Startup
from .services import MAX_SKILLS


class ParkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.district.name})"


def _skill_names(text: str) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


class StartupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description_zh = forms.CharField(
        label=_("Description in Chinese"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "zh-hans"}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )
    founded = forms.DateField(
        label=_("Founded on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Date of registration; leave empty if the company is not registered yet."),
    )
    district = forms.ModelChoiceField(
        District.objects.all(), label=_("District"), to_field_name="code"
    )
    park = ParkChoiceField(
        IndustrialPark.objects.select_related("district"),
        label=_("Industrial park"),
        required=False,
        to_field_name="code",
        help_text=_("Only a park in the district you chose."),
    )
    sector = forms.ModelChoiceField(Sector.objects.all(), label=_("Sector"), to_field_name="code")
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices, initial=Stage.IDEA)
    team_size = forms.IntegerField(
        label=_("Team size"), min_value=1, max_value=MAX_TEAM_SIZE, initial=1
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("An address starting with https:// or http://."),
    )
    needs = forms.MultipleChoiceField(
        label=_("The startup needs"),
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_from(cls, startup: Startup) -> dict:
        return {
            "name": startup.name,
            "description_zh": startup.description_zh,
            "description_en": startup.description_en,
            "founded": startup.founded,
            "district": startup.district,
            "park": startup.park,
            "sector": startup.sector,
            "stage": startup.stage,
            "team_size": startup.team_size,
            "website": startup.website,
            "needs": startup.needs,
        }


class StartupCreateForm(StartupForm):
    role = forms.CharField(
        label=_("Your role"),
        max_length=100,
        required=False,
        help_text=_("You become the startup's first founder, e.g. as CEO."),
    )


class FounderInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Co-founder's e-mail address"),
        max_length=254,
        help_text=_(
            "We send them a link to accept or decline. They become a founder only if they "
            "accept, signed in with this address (or after signing up with it)."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.CharField(
        label=_("Their role"), max_length=100, required=False, help_text=_("e.g. CEO, CTO.")
    )


class OpeningForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    sector = forms.ModelChoiceField(
        Sector.objects.all(),
        label=_("Sector"),
        to_field_name="code",
        required=False,
        help_text=_("Leave empty for the startup's own sector."),
    )
    skills = forms.CharField(
        label=_("Skills"),
        max_length=2000,
        required=False,
        help_text=_("Separate skills with commas, e.g. “chip design, verification, Verilog”."),
    )
    is_open = forms.BooleanField(label=_("Open: still looking"), required=False, initial=True)

    def clean_skills(self) -> list[str]:
        names = _skill_names(self.cleaned_data["skills"])
        if len(names) > MAX_SKILLS:
            raise forms.ValidationError(
                _("At most %(count)d skills."), params={"count": MAX_SKILLS}, code="too_many"
            )
        return names

    @classmethod
    def initial_from(cls, opening: Opening) -> dict:
        return {
            "title": opening.title,
            "description": opening.description,
            "sector": opening.sector,
            "skills": ", ".join(str(skill) for skill in opening.skills.all()),
            "is_open": opening.is_open,
        }


class AdvisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = obj.title
        return f"{obj.user.full_name} — {title}" if title else obj.user.full_name


class StartupConsultationForm(forms.Form):
    advisor = AdvisorChoiceField(
        AdvisorProfile.objects.filter(is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "id"),
        label=_("Advisor"),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Expertise.choices)
    message = forms.CharField(
        label=_("What would you like to discuss?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The advisor is told that you ask on the startup's behalf."),
    )
    preferred_times = forms.CharField(
        label=_("Times that suit you"), max_length=500, required=False
    )
    mode = forms.ChoiceField(
        label=_("Online or on site"),
        choices=ConsultationMode.choices,
        initial=ConsultationMode.ONLINE,
        widget=forms.RadioSelect,
    )
