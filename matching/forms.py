from django import forms
from django.utils.translation import gettext_lazy as _

from talent.choices import ConsultationMode, Expertise
from talent.models import AdvisorProfile

from .choices import MatchAction
from .services import MAX_MESSAGE_LENGTH

BLANK = [("", "---------")]


class MatchActForm(forms.Form):
    """What the buttons and small forms of a match's card send."""

    action = forms.ChoiceField(label=_("Action"), choices=MatchAction.choices)
    message = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=BLANK + Expertise.choices, required=False)
    preferred_times = forms.CharField(label=_("Preferred times"), max_length=500, required=False)
    mode = forms.ChoiceField(
        label=_("Online or on site"), choices=BLANK + ConsultationMode.choices, required=False
    )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["mode"] = data.get("mode") or None
        return data


class AdvisorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, advisor):
        free = max(advisor.monthly_capacity - advisor.load_this_month, 0)
        return _("%(name)s — %(free)s of %(capacity)s consultations free this month") % {
            "name": advisor.user.full_name,
            "free": free,
            "capacity": advisor.monthly_capacity,
        }


class ProposalOverrideForm(forms.Form):
    advisor = AdvisorChoiceField(
        AdvisorProfile.objects.none(),
        label=_("Advisor instead"),
        help_text=_("An advisor with room this month."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this advisor; kept in the audit trail."),
    )

    def __init__(self, *args, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = advisors
