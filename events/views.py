"""Server-rendered pages of the events app: the public list and detail, registration, tickets,
the private calendar feed, and the officials' pages (manage, edit, registrants, check-in).

Writes go through events.services. A service's PermissionDeniedError is the 403 page, a
NotFoundError a 404, any other ApplicationError a form error or a message on the page."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import permissions
from core.api.throttling import ScopedRateThrottle
from core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from core.listcache import cached_page
from core.views import too_many_requests

from . import calendar, forms, selectors, services
from .choices import LIVE_STATUSES, SEAT_STATUSES, RegistrationStatus
from .models import CalendarFeed, Event

PAGE_SIZE = 20
REGISTRANTS_PAGE_SIZE = 50
REGISTRATION_THROTTLE = SimpleNamespace(throttle_scope="registration")  # the API's limit


def _page(request, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _forbidden(request, message: str):
    return render(request, "403.html", {"message": message}, status=403)


def _event_or_404(request, pk: int) -> Event:
    """The event if the user may see it (drafts only for their district's officials)."""
    event = selectors.event_detail(user=request.user, event_id=pk)
    if event is None:
        raise Http404
    return event


def _form_error(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _refused(request, exc: ApplicationError, back):
    """A service said no to a one-button action: 403 page, 404, or a message and back."""
    if isinstance(exc, PermissionDeniedError):
        return _forbidden(request, exc.message)
    if isinstance(exc, NotFoundError):
        raise Http404(exc.message)
    messages.error(request, exc.message)
    return redirect(back)


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _managed_districts(user):
    return permissions.managed_districts(user)


def _form_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# Public pages ----------------------------------------------------------------------------


@cached_page(("events", "core"))
def event_list(request):
    data = request.GET.copy()
    data.setdefault("upcoming", "true")
    filterset = forms.EventPageFilterSet(data, queryset=selectors.event_list(user=request.user))
    queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return render(
        request,
        "events/list.html",
        {
            "filter": filterset,
            "page": _page(request, queryset),
            "is_official": permissions.manages_any_district(request.user),
        },
    )


def _registration_window(event: Event) -> str:
    """Which of the window's sentences the page shows (the service decides, on submit)."""
    state = services.registration_window_state(event)
    return state if state in ("open", "not_open_yet", "closed") else "none"


def event_detail(request, pk: int):
    event = _event_or_404(request, pk)
    registration = None
    if request.user.is_authenticated:
        registration = (
            selectors.my_registrations(user=request.user)
            .filter(event=event)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
    can_manage = services.can_manage(request.user, event)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "registration": registration,
            "window": _registration_window(event),
            "can_manage": can_manage,
            "can_check_in": services.can_check_in(request.user, event),
            "cancel_form": forms.CancelEventForm() if can_manage else None,
            "ics_url": reverse("api:event-ics", args=[event.pk]),
        },
    )


@require_POST
def register(request, pk: int):
    event = selectors.event_for_action(user=request.user, event_id=pk)
    if event is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_absolute_url())
    throttle = ScopedRateThrottle()
    if not throttle.allow_request(request, REGISTRATION_THROTTLE):
        return too_many_requests(request, throttle)
    try:
        registration = services.registration_create(user=request.user, event=event)
    except ApplicationError as exc:
        return _refused(request, exc, event)
    if registration.status == RegistrationStatus.WAITLISTED:
        messages.warning(
            request,
            _(
                "The event is full: you are number %(position)d on the waitlist. "
                "We will tell you when a seat frees up for you."
            )
            % {"position": registration.waitlist_position},
        )
    else:
        messages.success(request, _("You have a seat. Show this ticket at the entrance."))
    return redirect(registration)


@login_required
@require_POST
def registration_cancel(request, pk: int):
    registration = selectors.my_registrations(user=request.user).filter(pk=pk).first()
    if registration is None:
        raise Http404
    back = _next_url(request, reverse("events:my_registrations"))
    try:
        services.registration_cancel(registration=registration, user=request.user)
    except ApplicationError as exc:
        return _refused(request, exc, back)
    messages.success(request, _("Your registration is cancelled."))
    return redirect(back)


@login_required
def my_registrations(request):
    feed = services.calendar_feed_for(user=request.user)
    feed_url = request.build_absolute_uri(reverse("events:feed", args=[feed.token]))
    return render(
        request,
        "events/my_registrations.html",
        {
            "page": _page(request, selectors.my_registrations(user=request.user)),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


def calendar_feed(request, token: str):
    """The private iCalendar feed of one person's live registrations; the token is the key."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    registrations = selectors.my_registrations(user=feed.user).filter(status__in=LIVE_STATUSES)
    with translation.override(feed.user.language):
        body = calendar.registrations_ics(
            list(registrations), name=_("My events — Returnee Portal")
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="my-events.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def ticket(request, pk: int):
    registration = (
        selectors.my_registrations(user=request.user)
        .select_related("event__organiser")
        .filter(pk=pk)
        .first()
    )
    if registration is None:  # someone else's ticket is not found, not forbidden
        raise Http404
    return render(
        request,
        "events/ticket.html",
        {
            "registration": registration,
            "event": registration.event,
            "shows_code": registration.shows_code,
            "can_cancel": registration.status
            in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
            and registration.event.starts_at > timezone.now(),
        },
    )


# Officials -------------------------------------------------------------------------------


@login_required
def manage(request):
    if not permissions.manages_any_district(request.user):
        return _forbidden(request, _("Only district officials manage events."))
    events = selectors.managed_events(user=request.user)
    return render(request, "events/manage.html", {"page": _page(request, events)})


def _agenda_formsets(request, event: Event | None):
    """The speakers and agenda formsets: bound on POST, else filled from the event."""
    if request.method == "POST":
        return (
            forms.SpeakerFormSet(request.POST, prefix="speakers"),
            forms.SessionFormSet(request.POST, prefix="sessions"),
        )
    return (
        forms.SpeakerFormSet(prefix="speakers", initial=forms.speakers_initial(event)),
        forms.SessionFormSet(prefix="sessions", initial=forms.sessions_initial(event)),
    )


def _agenda_entries(speaker_formset, session_formset):
    """The kept speakers and sessions of the formsets, as the service takes them."""
    speakers = [form.cleaned_data for form in forms.kept_forms(speaker_formset)]
    sessions = [
        {**form.cleaned_data, "speaker_names": form.speaker_names()}
        for form in forms.kept_forms(session_formset)
    ]
    return speakers, sessions


def _event_form_page(request, event: Event | None):
    """Create (event is None) or edit an event with its speakers and agenda."""
    districts = _managed_districts(request.user)
    if request.method == "POST":
        form = forms.EventForm(request.POST, districts=districts)
    else:
        initial = forms.EventForm.initial_from(event) if event else {}
        form = forms.EventForm(initial=initial, districts=districts)
    speakers, sessions = _agenda_formsets(request, event)
    if request.method == "POST" and all(f.is_valid() for f in (form, speakers, sessions)):
        agenda_speakers, agenda_sessions = _agenda_entries(speakers, sessions)
        try:
            saved = services.event_save(
                user=request.user,
                event=event,
                data=form.service_data(),
                speakers=agenda_speakers,
                sessions=agenda_sessions,
            )
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            if event is None:
                messages.success(
                    request, _("The event is saved as a draft. Publish it when it is ready.")
                )
            else:
                messages.success(request, _("The event is saved."))
            return redirect(saved)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "speakers": speakers, "sessions": sessions, "event": event},
    )


@login_required
def event_create(request):
    if not _managed_districts(request.user).exists():
        return _forbidden(request, _("Only district officials can create events."))
    return _event_form_page(request, None)


@login_required
def event_edit(request, pk: int):
    event = _event_or_404(request, pk)
    if not services.can_manage(request.user, event):
        return _forbidden(request, _("Only officials of this event's district can do this."))
    return _event_form_page(request, event)


@login_required
@require_POST
def event_publish(request, pk: int):
    event = _event_or_404(request, pk)
    try:
        services.event_publish(event=event, user=request.user)
    except ApplicationError as exc:
        return _refused(request, exc, event)
    messages.success(request, _("The event is published; people can register when it opens."))
    return redirect(event)


@login_required
@require_POST
def event_cancel(request, pk: int):
    event = _event_or_404(request, pk)
    form = forms.CancelEventForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect(event)
    try:
        services.event_cancel(event=event, user=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        return _refused(request, exc, event)
    messages.success(request, _("The event is cancelled; everyone registered is told."))
    return redirect(event)


@login_required
def registrants(request, pk: int):
    event = _event_or_404(request, pk)
    if not services.can_manage(request.user, event):
        return _forbidden(
            request, _("Only officials of this event's district see its registrants.")
        )
    counts = {  # the event's counters; only the cancelled ones are counted here
        RegistrationStatus.CONFIRMED: event.confirmed_count,
        RegistrationStatus.WAITLISTED: event.waitlist_count,
        RegistrationStatus.CANCELLED: event.registrations.filter(
            status=RegistrationStatus.CANCELLED
        ).count(),
        RegistrationStatus.ATTENDED: event.attended_count,
    }
    return render(
        request,
        "events/registrants.html",
        {
            "event": event,
            "page": _page(request, selectors.registration_list(event=event), REGISTRANTS_PAGE_SIZE),
            "counts": [
                (RegistrationStatus(status).label, count) for status, count in counts.items()
            ],
            "csv_url": reverse("api:event-registrations", args=[event.pk]) + "?format=csv",
            "volunteers": event.volunteers.select_related("user").order_by("user__full_name"),
            "volunteer_form": forms.VolunteerForm(),
        },
    )


@login_required
@require_POST
def volunteer_add(request, pk: int):
    event = _event_or_404(request, pk)
    back = reverse("events:registrants", args=[event.pk])
    form = forms.VolunteerForm(request.POST)
    if not form.is_valid():
        _form_messages(request, form)
        return redirect(back)
    try:
        role = services.volunteer_grant(
            event=event, user=request.user, email=form.cleaned_data["email"]
        )
    except ApplicationError as exc:
        return _refused(request, exc, back)
    messages.success(
        request,
        _("%(name)s can now check attendees in at this event.") % {"name": role.user.full_name},
    )
    return redirect(back)


@login_required
@require_POST
def volunteer_remove(request, pk: int, user_id: int):
    event = _event_or_404(request, pk)
    back = reverse("events:registrants", args=[event.pk])
    try:
        services.volunteer_revoke(event=event, user=request.user, volunteer_id=user_id)
    except ApplicationError as exc:
        return _refused(request, exc, back)
    messages.success(request, _("The volunteer can no longer check attendees in."))
    return redirect(back)


# Check-in --------------------------------------------------------------------------------


@login_required
def checkin(request, pk: int):
    """The door: officials and the event's volunteers type or scan ticket codes."""
    event = Event.objects.select_related("district").filter(pk=pk).first()
    if event is None:
        raise Http404
    if not services.can_check_in(request.user, event):
        if selectors.event_detail(user=request.user, event_id=pk) is None:
            raise Http404
        return _forbidden(request, _("You may not check attendees in at this event."))
    form = forms.CheckinForm(request.POST or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.checkin(
                event=event, code=form.cleaned_data["code"], user=request.user
            )
        except PermissionDeniedError as exc:
            return _forbidden(request, exc.message)
        except ApplicationError as exc:
            result, status = {"ok": False, "message": exc.message}, exc.status_code
        else:
            result = {
                "ok": True,
                "message": _("%(name)s checked in.") % {"name": registration.attendee_name},
            }
        form = forms.CheckinForm()  # an empty box for the next ticket
    attendees = list(
        selectors.registration_list(event=event)
        .filter(status__in=SEAT_STATUSES)
        .order_by("user__full_name", "id")
    )
    return render(
        request,
        "events/checkin.html",
        {
            "event": event,
            "form": form,
            "result": result,
            "attendees": attendees,
            "checked_in": sum(1 for a in attendees if a.status == RegistrationStatus.ATTENDED),
        },
        status=status,
    )
