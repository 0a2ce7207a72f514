"""Server-rendered pages of the startups directory and openings. Writes go through services;
a services' PermissionDeniedError is a 403 page, any other ApplicationError a form error."""

from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.api.throttling import ScopedRateThrottle
from core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from core.listcache import cached_page
from core.views import too_many_requests

from . import forms, selectors, services
from .filters import OpeningFilterSet, StartupFilterSet
from .models import Opening, Startup

PAGE_SIZE = 20
CONSULTATION_THROTTLE = SimpleNamespace(throttle_scope="consultation")  # the API's limit
INVITATION_THROTTLE = SimpleNamespace(throttle_scope="founder_invitation")


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _forbidden(request, message: str):
    return render(request, "403.html", {"message": message}, status=403)


def _startup_or_404(pk: int) -> Startup:
    startup = selectors.startup_detail(startup_id=pk)
    if startup is None:
        raise Http404
    return startup


def _opening_or_404(pk: int) -> Opening:
    opening = selectors.opening_detail(opening_id=pk)
    if opening is None:
        raise Http404
    return opening


def _form_error(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _filtered(filterset_class, data, queryset):
    filterset = filterset_class(data or None, queryset=queryset)
    if filterset.is_bound and not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs


# Startups --------------------------------------------------------------------------------


@cached_page(("startups", "talent", "core", "search"))
def directory(request):
    filterset, queryset = _filtered(StartupFilterSet, request.GET, selectors.startup_list())
    return render(
        request,
        "startups/directory.html",
        {
            "filter": filterset,
            "page": _page(request, queryset),
            "my_startups": selectors.startups_of(user=request.user),
        },
    )


def _detail_context(request, startup: Startup, invite_form=None) -> dict:
    is_founder = any(founder.user_id == request.user.pk for founder in startup.founders.all())
    context = {
        "startup": startup,
        "is_founder": is_founder,
        "can_verify": services.can_verify(user=request.user, startup=startup),
    }
    if is_founder:
        context["invite_form"] = (
            invite_form if invite_form is not None else forms.FounderInviteForm()
        )
        context["invitations"] = selectors.startup_invitations_pending(startup=startup)
        context["consultations"] = selectors.startup_consultations(startup=startup)
    return context


def detail(request, pk: int):
    startup = _startup_or_404(pk)
    return render(request, "startups/detail.html", _detail_context(request, startup))


@login_required
def create(request):
    form = forms.StartupCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            startup = services.startup_create(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your startup is listed."))
            return redirect(startup)
    return render(request, "startups/startup_form.html", {"form": form, "startup": None})


@login_required
def edit(request, pk: int):
    startup = _startup_or_404(pk)
    if not services.is_founder(user=request.user, startup=startup):
        return _forbidden(request, _("Only the startup's founders can change it."))
    if request.method == "POST":
        form = forms.StartupForm(request.POST)
        if form.is_valid():
            try:
                services.startup_update(startup=startup, user=request.user, data=form.cleaned_data)
            except PermissionDeniedError as exc:
                return _forbidden(request, exc.message)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The startup is saved."))
                return redirect(startup)
    else:
        form = forms.StartupForm(initial=forms.StartupForm.initial_from(startup))
    return render(request, "startups/startup_form.html", {"form": form, "startup": startup})


def _act(request, service, startup: Startup, done: str, **arguments):
    """Run a one-button service on the startup and go back to its page."""
    try:
        service(startup=startup, user=request.user, **arguments)
    except PermissionDeniedError as exc:
        return _forbidden(request, exc.message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(startup)


@login_required
@require_POST
def verify(request, pk: int):
    startup = _startup_or_404(pk)
    return _act(request, services.startup_verify, startup, _("The startup is marked verified."))


@login_required
@require_POST
def unverify(request, pk: int):
    startup = _startup_or_404(pk)
    return _act(request, services.startup_unverify, startup, _("The verification is withdrawn."))


@login_required
@require_POST
def founder_remove(request, pk: int, founder_id: int):
    startup = _startup_or_404(pk)
    leaving = any(
        founder.pk == founder_id and founder.user_id == request.user.pk
        for founder in startup.founders.all()
    )
    return _act(
        request,
        services.founder_remove,
        startup,
        _("You left the startup.") if leaving else _("The founder is removed."),
        founder_id=founder_id,
    )


# Co-founder invitations ------------------------------------------------------------------


@login_required
@require_POST
def invitation_send(request, pk: int):
    """A founder invites an address; the answer is the same whether or not it has an account."""
    startup = _startup_or_404(pk)
    if not services.is_founder(user=request.user, startup=startup):
        return _forbidden(request, _("Only the startup's founders can change it."))
    throttle = ScopedRateThrottle()
    if not throttle.allow_request(request, INVITATION_THROTTLE):
        return too_many_requests(request, throttle)
    form = forms.FounderInviteForm(request.POST)
    if form.is_valid():
        try:
            services.founder_invite(startup=startup, user=request.user, **form.cleaned_data)
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("The invitation is sent. The person becomes a founder when they accept it."),
            )
            return redirect(startup)
    context = _detail_context(request, startup, invite_form=form)
    return render(request, "startups/detail.html", context)


@login_required
@require_POST
def invitation_revoke(request, pk: int, invitation_id: int):
    startup = _startup_or_404(pk)
    return _act(
        request,
        services.founder_invitation_revoke,
        startup,
        _("The invitation is withdrawn; its link no longer works."),
        invitation_id=invitation_id,
    )


def _invitation_unusable(request, exc: ApplicationError):
    """The page for a link that cannot be answered: 400 when it is not one of ours, 410 when
    it was (expired, withdrawn or answered already)."""
    status = 400 if isinstance(exc, NotFoundError) else 410
    return render(
        request, "startups/invitation_unusable.html", {"message": exc.message}, status=status
    )


def _with_next(url_name: str, path: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': path})}"


def _invitation_page(request, token: str, invitation, *, error: str = "", status: int = 200):
    path = reverse("startups:invitation", args=[token])
    context = {
        "invitation": invitation,
        "token": token,
        "is_invitee": request.user.is_authenticated and request.user.email == invitation.address,
        "signin_url": _with_next("core:login", path),
        "signup_url": _with_next("core:signup", path),
        "error": error,
    }
    return render(request, "startups/invitation.html", context, status=status)


def invitation(request, token: str):
    """The page the invitation's link opens: the startup, who invites, accept or decline."""
    try:
        found = services.founder_invitation_read(token=token)
    except (NotFoundError, services.InvitationClosedError) as exc:
        return _invitation_unusable(request, exc)
    return _invitation_page(request, token, found)


@require_POST
def invitation_accept(request, token: str):
    try:
        found = services.founder_invitation_read(token=token)
    except (NotFoundError, services.InvitationClosedError) as exc:
        return _invitation_unusable(request, exc)
    if not request.user.is_authenticated:
        return redirect(_with_next("core:login", reverse("startups:invitation", args=[token])))
    try:
        founder = services.founder_invitation_accept(token=token, user=request.user)
    except (NotFoundError, services.InvitationClosedError) as exc:
        return _invitation_unusable(request, exc)
    except PermissionDeniedError as exc:
        return _invitation_page(request, token, found, error=exc.message, status=403)
    messages.success(
        request,
        _("You are now a founder of %(startup)s.") % {"startup": founder.startup.name},
    )
    return redirect(founder.startup)


@require_POST
def invitation_decline(request, token: str):
    """Declining needs no account: having the link is enough."""
    try:
        declined = services.founder_invitation_decline(token=token, user=request.user)
    except (NotFoundError, services.InvitationClosedError) as exc:
        return _invitation_unusable(request, exc)
    messages.success(
        request,
        _("You declined the invitation to join %(startup)s. The founder who invited you is told.")
        % {"startup": declined.startup.name},
    )
    return redirect("core:home")


@login_required
def consultation_request(request, pk: int):
    startup = _startup_or_404(pk)
    if not services.is_founder(user=request.user, startup=startup):
        return _forbidden(request, _("Only the startup's founders can change it."))
    form = forms.StartupConsultationForm(request.POST or None)
    throttle = ScopedRateThrottle()
    if request.method == "POST" and not throttle.allow_request(request, CONSULTATION_THROTTLE):
        return too_many_requests(request, throttle)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.startup_consultation_request(
                startup=startup, user=request.user, **form.cleaned_data
            )
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your request is sent. The advisor will answer soon."))
            return redirect(link.consultation.get_absolute_url())
    return render(request, "startups/consultation_form.html", {"form": form, "startup": startup})


# Openings --------------------------------------------------------------------------------


def opening_list(request):
    data = request.GET.copy()
    data.setdefault("is_open", "true")
    filterset, queryset = _filtered(OpeningFilterSet, data, selectors.opening_list())
    return render(
        request,
        "startups/opening_list.html",
        {"filter": filterset, "page": _page(request, queryset)},
    )


def opening_detail(request, pk: int):
    opening = _opening_or_404(pk)
    return render(
        request,
        "startups/opening_detail.html",
        {
            "opening": opening,
            "is_founder": services.is_founder(user=request.user, startup=opening.startup),
        },
    )


@login_required
def opening_create(request, pk: int):
    startup = _startup_or_404(pk)
    if not services.is_founder(user=request.user, startup=startup):
        return _forbidden(request, _("Only the startup's founders can change it."))
    form = forms.OpeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opening = services.opening_create(
                startup=startup, user=request.user, **form.cleaned_data
            )
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The opening is posted."))
            return redirect(opening)
    return render(
        request,
        "startups/opening_form.html",
        {"form": form, "startup": startup, "opening": None},
    )


@login_required
def opening_edit(request, pk: int):
    opening = _opening_or_404(pk)
    if not services.is_founder(user=request.user, startup=opening.startup):
        return _forbidden(request, _("Only the startup's founders can change it."))
    if request.method == "POST":
        form = forms.OpeningForm(request.POST)
        if form.is_valid():
            try:
                services.opening_update(opening=opening, user=request.user, data=form.cleaned_data)
            except PermissionDeniedError as exc:
                return _forbidden(request, exc.message)
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The opening is saved."))
                return redirect(opening)
    else:
        form = forms.OpeningForm(initial=forms.OpeningForm.initial_from(opening))
    return render(
        request,
        "startups/opening_form.html",
        {"form": form, "startup": opening.startup, "opening": opening},
    )


@login_required
@require_POST
def opening_close(request, pk: int):
    opening = _opening_or_404(pk)
    try:
        services.opening_close(opening=opening, user=request.user)
    except PermissionDeniedError as exc:
        return _forbidden(request, exc.message)
    messages.success(request, _("The opening is closed."))
    return redirect(opening)
