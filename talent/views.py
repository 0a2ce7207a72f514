from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.throttling import ScopedRateThrottle
from core.exceptions import ApplicationError, PermissionDeniedError
from core.views import too_many_requests

from . import forms, selectors, services
from .choices import ConsentChannel
from .filters import AdvisorFilterSet, DirectoryFilterSet
from .privacy import shown_sections

PAGE_SIZE = 20
CONSULTATION_THROTTLE = SimpleNamespace(throttle_scope="consultation")  # the API's limit


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _add_service_error(exc: ApplicationError, form, formsets: dict) -> None:
    """Show a service's error next to the field it names (`education.1.end_year`)."""
    parts = (exc.field or "").split(".")
    if len(parts) == 3 and parts[0] in formsets and parts[1].isdigit():
        kept = [
            f
            for f in formsets[parts[0]].forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        index = int(parts[1])
        if index < len(kept) and parts[2] in kept[index].fields:
            kept[index].add_error(parts[2], exc.message)
            return
    form.add_error(parts[0] if parts[0] in form.fields else None, exc.message)


@login_required
def profile_edit(request):
    services.profile_get_or_create(user=request.user)
    profile = selectors.profile_detail(user=request.user)
    if request.method == "POST":
        form = forms.ProfileForm(request.POST)
        education = forms.EducationFormSet(request.POST, prefix="education")
        work = forms.WorkFormSet(request.POST, prefix="work")
        if form.is_valid() and education.is_valid() and work.is_valid():
            data = form.service_data()
            data["education"] = forms.formset_entries(education)
            data["work"] = forms.formset_entries(work)
            try:
                services.profile_update(user=request.user, data=data, via=ConsentChannel.PAGE)
            except ApplicationError as exc:
                _add_service_error(exc, form, {"education": education, "work": work})
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("talent:profile")
    else:
        form = forms.ProfileForm(initial=forms.ProfileForm.initial_from(profile))
        education = forms.EducationFormSet(
            prefix="education",
            initial=[
                {
                    "degree_level": entry.degree_level,
                    "institution": entry.institution.name,
                    "country": entry.country.code,
                    "field": entry.field,
                    "start_year": entry.start_year,
                    "end_year": entry.end_year,
                }
                for entry in profile.education.all()
            ],
        )
        work = forms.WorkFormSet(
            prefix="work",
            initial=[
                {
                    "employer": entry.employer.name,
                    "country": entry.country.code,
                    "role": entry.role,
                    "start_year": entry.start_year,
                    "end_year": entry.end_year,
                }
                for entry in profile.work.all()
            ],
        )
    return render(
        request,
        "talent/profile_form.html",
        {"form": form, "education": education, "work": work, "profile": profile},
    )


def directory(request):
    filterset = DirectoryFilterSet(request.GET or None, queryset=selectors.directory_list())
    if filterset.is_bound and not filterset.is_valid():
        queryset = selectors.directory_list().none()
    else:
        queryset = filterset.qs
    return render(
        request, "talent/directory.html", {"filter": filterset, "page": _page(request, queryset)}
    )


def returnee_detail(request, pk: int):
    profile = selectors.directory_list().filter(pk=pk).first()
    if profile is None:
        raise Http404
    shown = shown_sections(profile)
    return render(request, "talent/returnee_detail.html", {"profile": profile, "shown": shown})


def advisor_list(request):
    filterset = AdvisorFilterSet(request.GET or None, queryset=selectors.advisor_list())
    if filterset.is_bound and not filterset.is_valid():
        queryset = selectors.advisor_list().none()
    else:
        queryset = filterset.qs
    return render(
        request, "talent/advisor_list.html", {"filter": filterset, "page": _page(request, queryset)}
    )


def advisor_detail(request, pk: int):
    advisor = get_object_or_404(selectors.advisor_list(), pk=pk)
    form = forms.ConsultationRequestForm(request.POST or None, initial={"mode": "online"})
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        throttle = ScopedRateThrottle()
        if not throttle.allow_request(request, CONSULTATION_THROTTLE):
            return too_many_requests(request, throttle)
        if form.is_valid():
            try:
                consultation = services.consultation_request(
                    requester=request.user, advisor=advisor, **form.cleaned_data
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Your request is sent. The advisor will answer soon."))
                return redirect(consultation.get_absolute_url())
    return render(request, "talent/advisor_detail.html", {"advisor": advisor, "form": form})


@login_required
def consultation_list(request):
    queryset = selectors.consultation_list(user=request.user)
    return render(
        request,
        "talent/consultation_list.html",
        {"page": _page(request, queryset), "is_advisor": request.user.is_advisor},
    )


ACTIONS = {
    "accept": (forms.AcceptForm, services.consultation_accept),
    "decline": (forms.DeclineForm, services.consultation_decline),
    "complete": (forms.CompleteForm, services.consultation_complete),
    "cancel": (None, services.consultation_cancel),
    "rate": (forms.RateForm, services.consultation_rate),
}


@login_required
def consultation_detail(request, pk: int):
    consultation = selectors.consultation_for(user=request.user, consultation_id=pk)
    if consultation is None:
        raise Http404
    is_advisor = consultation.advisor.user_id == request.user.pk
    return render(
        request,
        "talent/consultation_detail.html",
        {
            "consultation": consultation,
            "is_advisor": is_advisor,
            "is_requester": consultation.requester_id == request.user.pk,
            "accept_form": forms.AcceptForm(prefix="accept"),
            "decline_form": forms.DeclineForm(prefix="decline"),
            "complete_form": forms.CompleteForm(prefix="complete"),
            "rate_form": forms.RateForm(prefix="rate"),
        },
    )


@login_required
@require_POST
def consultation_action(request, pk: int, action: str):
    consultation = selectors.consultation_for(user=request.user, consultation_id=pk)
    if consultation is None or action not in ACTIONS:
        raise Http404
    form_class, service = ACTIONS[action]
    arguments = {}
    if form_class is not None:
        form = form_class(request.POST, prefix=action)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(consultation.get_absolute_url())
        arguments = form.cleaned_data
    try:
        service(consultation=consultation, user=request.user, **arguments)
    except PermissionDeniedError as exc:
        messages.error(request, exc.message)
        return render(request, "403.html", {"message": exc.message}, status=403)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect(consultation.get_absolute_url())
