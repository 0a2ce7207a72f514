"""Factories of the matching app, built on the other apps' factories.

`MatchFactory()` is a returnee -> opening match; pick another kind with its trait, e.g.
`MatchFactory(opening_returnee=True)` or `MatchFactory(returnee_advisor=True)`; the columns
that kind does not use stay empty (see `matching.models.KIND_COLUMNS`).
"""

import factory
from django.utils import timezone

from core.tests.factories import UserFactory
from events.tests.factories import EventFactory
from matching.choices import MatchKind, ProposalStatus
from matching.models import AdvisorProposal, Match
from policies.tests.factories import PolicyFactory
from startups.tests.factories import OpeningFactory, StartupFactory
from talent.models import ReturneeProfile
from talent.tests.factories import AdvisorFactory, ReturneeProfileFactory


def _reason(code: str, weight: float, **params) -> dict:
    return {"code": code, "weight": weight, "params": params}


def consenting(user, **fields) -> ReturneeProfile:
    """Give `user` a profile that consents to matching (only such returnees are matched)."""
    profile, _created = ReturneeProfile.objects.update_or_create(
        user=user, defaults={"matching_consent": True, **fields}
    )
    return profile


class ReturneeFactory(UserFactory):
    """A user whose profile consents to matching."""

    class Meta:
        skip_postgeneration_save = True

    profile = factory.RelatedFactory(
        ReturneeProfileFactory, factory_related_name="user", matching_consent=True
    )


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    class Params:
        opening_returnee = factory.Trait(kind=MatchKind.OPENING_RETURNEE)
        returnee_advisor = factory.Trait(
            kind=MatchKind.RETURNEE_ADVISOR,
            opening=None,
            advisor=factory.SubFactory(AdvisorFactory),
            district=None,
            reasons=factory.LazyFunction(
                lambda: [
                    _reason("expertise", 0.4, name="financing"),
                    _reason("capacity", 0.2, left=2, capacity=3),
                ]
            ),
        )
        startup_advisor = factory.Trait(
            kind=MatchKind.STARTUP_ADVISOR,
            returnee=None,
            opening=None,
            startup=factory.SubFactory(StartupFactory),
            advisor=factory.SubFactory(AdvisorFactory),
            district=factory.SelfAttribute("startup.district"),
            reasons=factory.LazyFunction(lambda: [_reason("expertise", 0.5, name="financing")]),
        )
        returnee_policy = factory.Trait(
            kind=MatchKind.RETURNEE_POLICY,
            opening=None,
            policy=factory.SubFactory(
                PolicyFactory, status="published", published_at=factory.LazyFunction(timezone.now)
            ),
            district=factory.SelfAttribute("policy.district"),
            reasons=factory.LazyFunction(lambda: [_reason("eligible", 0.8, met=3, total=3)]),
        )
        returnee_event = factory.Trait(
            kind=MatchKind.RETURNEE_EVENT,
            opening=None,
            event=factory.SubFactory(EventFactory),
            district=factory.SelfAttribute("event.district"),
            reasons=factory.LazyFunction(
                lambda: [_reason("sector", 0.5, name={"en": "Biomedicine", "zh": "生物医药"})]
            ),
        )

    kind = MatchKind.RETURNEE_OPENING
    returnee = factory.SubFactory(ReturneeFactory)
    opening = factory.SubFactory(OpeningFactory)
    district = factory.SelfAttribute("opening.startup.district")
    score = 0.6
    reasons = factory.LazyFunction(
        lambda: [
            _reason("institution", 0.35, name="ETH Zurich"),
            _reason("skill", 0.25, name="chip design"),
        ]
    )


class AdvisorProposalFactory(factory.django.DjangoModelFactory):
    """A live proposal of an advisor to a returnee (pass `returnee=None, startup=...` for a
    startup's)."""

    class Meta:
        model = AdvisorProposal

    returnee = factory.SubFactory(ReturneeFactory)
    advisor = factory.SubFactory(AdvisorFactory)
    district = None
    score = 0.5
    reasons = factory.LazyFunction(lambda: [_reason("expertise", 0.5, name="financing")])
    status = ProposalStatus.PROPOSED
