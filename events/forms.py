"""Forms of the event pages. They only read input; events.services checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import District, Organisation, Sector

from .choices import EventKind, EventLanguage
from .filters import EventFilterSet
from .models import Event
from .services import EVENT_FIELDS, MAX_CAPACITY

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DATETIME_INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def datetime_field(label, *, required=True, help_text=""):
    """A date and time typed in Shanghai time (the current time zone of every request)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=datetime_widget(),
        input_formats=DATETIME_INPUT_FORMATS,
    )


class EventPageFilterSet(EventFilterSet):
    """The API's EventFilterSet with widgets for the page: date-time pickers, and a choice
    between upcoming events (the default of the page) and past ones too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_after", "starts_before"):
            self.filters[name].extra["widget"] = datetime_widget()
        self.filters["upcoming"].extra["widget"] = forms.Select(
            choices=[("true", _("Yes")), ("false", _("No, past events too"))]
        )


class OrganiserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class EventForm(forms.Form):
    """The fields of services.EVENT_FIELDS, the district (only the official's own) and sectors."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title_zh = forms.CharField(
        label=_("Title in Chinese"),
        max_length=200,
        widget=forms.TextInput(attrs={"lang": "zh-hans"}),
    )
    title_en = forms.CharField(
        label=_("Title in English"), max_length=200, widget=forms.TextInput(attrs={"lang": "en"})
    )
    summary_zh = forms.CharField(
        label=_("Summary in Chinese"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"lang": "zh-hans"}),
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    description_zh = forms.CharField(
        label=_("Description in Chinese"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "zh-hans"}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "en"}),
    )
    district = forms.ModelChoiceField(
        District.objects.none(), label=_("District"), to_field_name="code"
    )
    organiser = OrganiserChoiceField(
        Organisation.objects.all(), label=_("Organiser"), required=False, to_field_name="code"
    )
    sectors = forms.ModelMultipleChoiceField(
        Sector.objects.all(),
        label=_("Sectors"),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=EventLanguage.choices, initial=EventLanguage.BILINGUAL
    )
    venue = forms.CharField(label=_("Venue"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    starts_at = datetime_field(_("Starts at (Shanghai time)"))
    ends_at = datetime_field(_("Ends at (Shanghai time)"))
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=MAX_CAPACITY,
        help_text=_("Seats; past them, people join a waitlist."),
    )
    registration_opens_at = datetime_field(_("Registration opens at (Shanghai time)"))
    registration_closes_at = datetime_field(
        _("Registration closes at (Shanghai time)"),
        help_text=_("At the latest when the event ends."),
    )

    SECTIONS = {
        "about": [
            "kind",
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "description_zh",
            "description_en",
            "district",
            "organiser",
            "sectors",
            "language",
        ],
        "where": ["venue", "address", "starts_at", "ends_at"],
        "registration": ["capacity", "registration_opens_at", "registration_closes_at"],
    }

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    @staticmethod
    def initial_from(event: Event) -> dict:
        initial = {field: getattr(event, field) for field in EVENT_FIELDS}
        initial["district"] = event.district
        initial["sectors"] = list(event.sectors.all())
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
    def registration_fields(self):
        return self._section("registration")

    def service_data(self) -> dict:
        """What services.event_create / event_update take (the district included)."""
        data = {field: self.cleaned_data[field] for field in EVENT_FIELDS}
        data["district"] = self.cleaned_data["district"]
        data["sectors"] = list(self.cleaned_data["sectors"])
        return data


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    bio = forms.CharField(
        label=_("Biography"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SessionForm(forms.Form):
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"), required=False)
    title_zh = forms.CharField(
        label=_("Title in Chinese"),
        max_length=200,
        widget=forms.TextInput(attrs={"lang": "zh-hans"}),
    )
    title_en = forms.CharField(
        label=_("Title in English"), max_length=200, widget=forms.TextInput(attrs={"lang": "en"})
    )
    speakers = forms.CharField(
        label=_("Speakers"),
        max_length=1000,
        required=False,
        help_text=_("Names of speakers listed above, separated by commas."),
    )

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned

    def speaker_names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["speakers"].split(",") if name.strip()]


def speakers_initial(event: Event | None) -> list[dict]:
    if event is None:
        return []
    return [
        {
            "name": speaker.name,
            "title": speaker.title,
            "organisation": speaker.organisation,
            "bio": speaker.bio,
        }
        for speaker in event.speakers.all()
    ]


def sessions_initial(event: Event | None) -> list[dict]:
    if event is None:
        return []
    return [
        {
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "title_zh": session.title_zh,
            "title_en": session.title_en,
            "speakers": ", ".join(speaker.name for speaker in session.speakers.all()),
        }
        for session in event.sessions.all()
    ]


SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=1, can_delete=True, max_num=50)
SessionFormSet = forms.formset_factory(SessionForm, extra=1, can_delete=True, max_num=100)


def kept_forms(formset) -> list[forms.Form]:
    """The filled-in forms of a formset that are not marked for deletion."""
    return [
        form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone registered is told, with this reason."),
    )


class VolunteerForm(forms.Form):
    email = forms.EmailField(
        label=_("Volunteer's e-mail address"),
        help_text=_("The volunteer needs an account; they can check attendees in, nothing else."),
    )


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "checkin-code",
            }
        ),
        help_text=_("Scan the QR code or type the code and press Enter."),
    )
