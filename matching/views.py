"""Server-rendered pages of the matching app: "matches for you", the candidates for a
founder's opening, and the officials' matching dashboard with its weekly chart and the
advisor proposals they may override. Writes go through services; a service's
PermissionDeniedError is the 403 page, a NotFoundError a 404, any other ApplicationError a
message on the page."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.api.throttling import ScopedRateThrottle
from core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from core.views import too_many_requests
from talent import selectors as talent_selectors
from talent.choices import ConsultationMode, Expertise

from . import assignment, forms, selectors, services
from .choices import MatchAction, ProposalStatus
from .filters import MatchFilterSet, ProposalFilterSet

PAGE_SIZE = 20
MESSAGE_THROTTLE = SimpleNamespace(throttle_scope="consultation")  # as the API's

DONE = {
    MatchAction.CONTACTED: gettext_lazy("Your message is sent."),
    MatchAction.CONSULTATION: gettext_lazy("Your request is sent. The advisor will answer soon."),
    MatchAction.REGISTERED: gettext_lazy("You are registered for the event."),
    MatchAction.FOLLOWED: gettext_lazy(
        "You follow this policy now; you will hear when it changes."
    ),
}

# The bar chart of the dashboard, in SVG user units.
CHART_HEIGHT = 120
CHART_BAR = 12
CHART_GAP = 2
CHART_WEEK = 2 * CHART_BAR + CHART_GAP + 10


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _forbidden(request, message: str):
    return render(request, "403.html", {"message": message}, status=403)


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _cards(page) -> list[SimpleNamespace]:
    """What each match's card shows, in the language of the request."""
    return [
        SimpleNamespace(
            match=match,
            percent=round(match.score * 100),
            reasons=selectors.match_reasons(match),
            subject=selectors.match_subject(match),
            target=selectors.match_target(match),
            actions=services.ACTIONS[match.kind],
        )
        for match in page
    ]


def _card_context() -> dict:
    return {"topics": Expertise.choices, "modes": ConsultationMode.choices}


# Matches for you -------------------------------------------------------------------------


@login_required
def match_list(request):
    filterset = MatchFilterSet(
        request.GET or None, queryset=selectors.matches_for_user(request.user)
    )
    valid = not filterset.is_bound or filterset.is_valid()
    page = _page(request, filterset.qs if valid else filterset.queryset.none())
    profile = getattr(request.user, "profile", None)
    return render(
        request,
        "matching/list.html",
        {
            "filter": filterset,
            "page": page,
            "cards": _cards(page),
            "consents": bool(profile and profile.matching_consent),
            **_card_context(),
        },
    )


def _match_or_404(request, pk: int):
    match = selectors.match_for_user(request.user, pk)
    if match is None:
        raise Http404
    return match


@login_required
@require_POST
def match_dismiss(request, pk: int):
    match = _match_or_404(request, pk)
    try:
        services.match_dismiss(user=request.user, match=match)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, _("The match is dismissed; it will not be shown again."))
    return redirect(_next_url(request, reverse("matching:list")))


@login_required
@require_POST
def match_act(request, pk: int):
    match = _match_or_404(request, pk)
    back = _next_url(request, reverse("matching:list"))
    form = forms.MatchActForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.service_data()
    if data["action"] in (MatchAction.CONTACTED, MatchAction.CONSULTATION):
        throttle = ScopedRateThrottle()
        if not throttle.allow_request(request, MESSAGE_THROTTLE):
            return too_many_requests(request, throttle)
    try:
        acted = services.match_act(user=request.user, match=match, **data)
    except PermissionDeniedError as exc:
        return _forbidden(request, exc.message)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if data["action"] in DONE:
        messages.success(request, DONE[data["action"]])
    return redirect(acted.url)


@login_required
def candidates(request, pk: int):
    """The candidates for one opening, for the founders of its startup (a 404 for others)."""
    opening = selectors.opening_of_founder(request.user, pk)
    if opening is None:
        raise Http404
    page = _page(request, selectors.candidates_for_opening(opening))
    return render(
        request,
        "matching/candidates.html",
        {"opening": opening, "page": page, "cards": _cards(page), **_card_context()},
    )


# Officials -------------------------------------------------------------------------------


def chart(weeks: list[tuple]) -> dict:
    """The geometry of a small grouped bar chart of (monday, made, acted) weeks."""
    top = max([max(made, acted) for _monday, made, acted in weeks] + [1])
    bars = []
    for index, (monday, made, acted) in enumerate(weeks):
        x = index * CHART_WEEK
        made_height = round(CHART_HEIGHT * made / top)
        acted_height = round(CHART_HEIGHT * acted / top)
        bars.append(
            {
                "monday": monday,
                "made": made,
                "acted": acted,
                "made_x": x,
                "made_y": CHART_HEIGHT - made_height,
                "made_height": made_height,
                "acted_x": x + CHART_BAR + CHART_GAP,
                "acted_y": CHART_HEIGHT - acted_height,
                "acted_height": acted_height,
                "label_x": x + CHART_BAR,
            }
        )
    return {
        "bars": bars,
        "top": top,
        "width": max(len(weeks) * CHART_WEEK, CHART_WEEK),
        "height": CHART_HEIGHT,
        "full_height": CHART_HEIGHT + 20,
        "bar": CHART_BAR,
        "label_y": CHART_HEIGHT + 14,
    }


def _official_or_403(request):
    if not selectors.is_official(request.user):
        return _forbidden(request, _("Only district officials and administrators see this page."))
    return None


@login_required
def dashboard(request):
    refused = _official_or_403(request)
    if refused:
        return refused
    districts = list(selectors.managed_districts(request.user))
    counts = selectors.weekly_counts(districts)
    data = request.GET.copy()
    data.setdefault("status", ProposalStatus.PROPOSED)
    proposals = ProposalFilterSet(data, queryset=selectors.proposals_visible_to(request.user))
    proposals.form.fields["district"].queryset = selectors.managed_districts(request.user)
    queryset = proposals.qs if proposals.is_valid() else proposals.queryset.none()
    page = _page(request, queryset)
    return render(
        request,
        "matching/dashboard.html",
        {
            "districts": [
                {"district": district, "chart": chart(counts[district.pk])}
                for district in districts
            ],
            "filter": proposals,
            "page": page,
            "proposals": [
                SimpleNamespace(
                    proposal=proposal,
                    reasons=selectors.proposal_reasons(proposal),
                    requester=selectors.describe(
                        proposal.returnee or proposal.startup,
                        "returnee" if proposal.returnee_id else "startup",
                    ),
                )
                for proposal in page
            ],
        },
    )


@login_required
def override(request, pk: int):
    refused = _official_or_403(request)
    if refused:
        return refused
    proposal = (
        selectors.proposals_visible_to(request.user)
        .filter(pk=pk, status=ProposalStatus.PROPOSED)
        .first()
    )
    if proposal is None:
        raise Http404
    advisors = talent_selectors.advisor_list().exclude(pk=proposal.advisor_id)
    form = forms.ProposalOverrideForm(request.POST or None, advisors=advisors)
    if request.method == "POST" and form.is_valid():
        try:
            assignment.proposal_override(proposal=proposal, user=request.user, **form.cleaned_data)
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The advisor is changed; your reason is recorded."))
            return redirect("matching:dashboard")
    requester_kind = "returnee" if proposal.returnee_id else "startup"
    return render(
        request,
        "matching/override.html",
        {
            "proposal": proposal,
            "requester": selectors.describe(proposal.returnee or proposal.startup, requester_kind),
            "reasons": selectors.proposal_reasons(proposal),
            "form": form,
        },
    )
