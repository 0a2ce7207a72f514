from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.models import District, Sector

from .choices import CompanyRole, ConsultationMode, DegreeLevel, Expertise, Seeking, SpokenLanguage
from .models import ReturneeProfile

YEAR_WIDGET = forms.NumberInput(attrs={"min": 1920, "max": 2100, "inputmode": "numeric"})
BLANK = [("", "---------")]


def country_choices():
    """Countries named in the language of the request (read each time a form is made)."""
    return BLANK + list(countries)


def degree_choices():
    return BLANK + list(DegreeLevel.choices)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("One line about you, e.g. “Chip designer, 8 years in Munich”."),
    )
    bio = forms.CharField(
        label=_("About me"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, widget=YEAR_WIDGET)
    returned_on = forms.DateField(
        label=_("Date of return to China"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    residence_district = forms.ModelChoiceField(
        District.objects.all(),
        label=_("District of residence"),
        required=False,
        to_field_name="code",
    )
    work_district = forms.ModelChoiceField(
        District.objects.all(), label=_("District of work"), required=False, to_field_name="code"
    )
    company_name = forms.CharField(label=_("Company in Shanghai"), max_length=200, required=False)
    company_district = forms.ModelChoiceField(
        District.objects.all(),
        label=_("District where the company is registered"),
        required=False,
        to_field_name="code",
    )
    company_role = forms.ChoiceField(
        label=_("Your role there"),
        choices=[("", "---------"), *CompanyRole.choices],
        required=False,
    )
    sectors = forms.ModelMultipleChoiceField(
        Sector.objects.all(),
        label=_("Sectors"),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    skills = forms.CharField(
        label=_("Skills"),
        max_length=2000,
        required=False,
        help_text=_("Separate skills with commas, e.g. “chip design, verification, Verilog”."),
    )
    languages = forms.MultipleChoiceField(
        choices=SpokenLanguage.choices,
        label=_("Languages"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seeking = forms.MultipleChoiceField(
        choices=Seeking.choices,
        label=_("I am looking for"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(
        label=_("List me in the public talent directory"),
        required=False,
        help_text=_("Only your name and the parts you tick below are shown."),
    )
    matching_consent = forms.BooleanField(
        label=_("Use my profile to propose matches to me"),
        required=False,
        help_text=_(
            "Openings, advisors, policies and events that fit you. "
            "You can withdraw this at any time."
        ),
    )
    show_headline = forms.BooleanField(label=_("Show my headline and about me"), required=False)
    show_education = forms.BooleanField(label=_("Show my education"), required=False)
    show_work = forms.BooleanField(label=_("Show my work abroad"), required=False)
    show_sectors = forms.BooleanField(label=_("Show my sectors"), required=False)
    show_skills = forms.BooleanField(label=_("Show my skills"), required=False)
    show_districts = forms.BooleanField(label=_("Show my districts"), required=False)
    show_languages = forms.BooleanField(label=_("Show my languages"), required=False)
    show_seeking = forms.BooleanField(label=_("Show what I am looking for"), required=False)
    show_returned_on = forms.BooleanField(label=_("Show my date of return"), required=False)
    show_birth_year = forms.BooleanField(label=_("Show my birth year"), required=False)

    SECTIONS = {
        "about": ["full_name", "headline", "bio", "birth_year", "returned_on"],
        "where": [
            "residence_district",
            "work_district",
            "company_name",
            "company_district",
            "company_role",
            "sectors",
            "skills",
            "languages",
            "seeking",
        ],
        "privacy": [
            "is_public",
            "matching_consent",
            "show_headline",
            "show_education",
            "show_work",
            "show_sectors",
            "show_skills",
            "show_districts",
            "show_languages",
            "show_seeking",
            "show_returned_on",
            "show_birth_year",
        ],
    }

    @classmethod
    def initial_from(cls, profile: ReturneeProfile) -> dict:
        initial = {name: getattr(profile, name) for name in cls.SECTIONS["privacy"]}
        initial.update(
            full_name=profile.user.full_name,
            headline=profile.headline,
            bio=profile.bio,
            birth_year=profile.birth_year,
            returned_on=profile.returned_on,
            residence_district=profile.residence_district,
            work_district=profile.work_district,
            company_name=profile.company_name,
            company_district=profile.company_district,
            company_role=profile.company_role,
            sectors=list(profile.sectors.all()),
            skills=", ".join(skill.name for skill in profile.skills.all()),
            languages=profile.languages,
            seeking=profile.seeking,
        )
        return initial

    def _section(self, name):
        return [self[field] for field in self.SECTIONS[name]]

    @property
    def about_fields(self):
        return self._section("about")

    @property
    def where_fields(self):
        return self._section("where")

    @property
    def privacy_fields(self):
        return self._section("privacy")

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["sectors"] = list(data["sectors"])
        data["skills"] = [part.strip() for part in data["skills"].split(",") if part.strip()]
        return data


class EducationForm(forms.Form):
    degree_level = forms.ChoiceField(label=_("Degree"), choices=degree_choices)
    institution = forms.CharField(label=_("Institution"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    field = forms.CharField(label=_("Field of study"), max_length=200, required=False)
    start_year = forms.IntegerField(label=_("From"), required=False, widget=YEAR_WIDGET)
    end_year = forms.IntegerField(label=_("Graduated"), required=False, widget=YEAR_WIDGET)


class WorkForm(forms.Form):
    employer = forms.CharField(label=_("Employer"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    start_year = forms.IntegerField(label=_("From"), required=False, widget=YEAR_WIDGET)
    end_year = forms.IntegerField(label=_("Until"), required=False, widget=YEAR_WIDGET)


EducationFormSet = forms.formset_factory(EducationForm, extra=1, can_delete=True, max_num=20)
WorkFormSet = forms.formset_factory(WorkForm, extra=1, can_delete=True, max_num=20)


def formset_entries(formset) -> list[dict]:
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ConsultationRequestForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=Expertise.choices)
    message = forms.CharField(
        label=_("What would you like to discuss?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    preferred_times = forms.CharField(
        label=_("Times that suit you"),
        max_length=500,
        required=False,
        help_text=_("e.g. “weekday afternoons in early December”."),
    )
    mode = forms.ChoiceField(
        label=_("Online or on site"), choices=ConsultationMode.choices, widget=forms.RadioSelect
    )


class AcceptForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Date and time (Shanghai time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    location = forms.CharField(label=_("Place or meeting link"), max_length=300, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CompleteForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes for the requester"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(value, str(value)) for value in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
