from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import health as core_health
from . import privacy, selectors, services
from .api.throttling import SigninThrottle, SignupThrottle
from .choices import NotificationKind
from .delivery import unsubscribe_token_read
from .exceptions import ApplicationError
from .forms import AccountEraseForm, NotificationPreferencesForm, SigninForm, SignupForm
from .models import User


def home(request):
    return render(
        request,
        "core/home.html",
        {
            "districts": selectors.district_list(),
            "sectors": selectors.sector_list().filter(is_pillar=True),
            "parks": selectors.park_list(),
        },
    )


def health(request):
    """For load balancers and container health checks (see `core.health`)."""
    status, body = core_health.health()
    return JsonResponse(body, status=status)


def too_many_requests(request, throttle):
    """The page for a throttled form: the same limits as the API's, shared through Redis."""
    wait = throttle.wait()
    minutes = max(1, round((wait or 60) / 60))
    message = ngettext(
        "Too many attempts from your network. Please try again in %(minutes)d minute.",
        "Too many attempts from your network. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return render(request, "core/locked_out.html", {"message": message}, status=429)


def signup(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and not (throttle := SignupThrottle()).allow_request(request, None):
        return too_many_requests(request, throttle)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("core:home")
    return render(request, "core/signup.html", {"form": form})


class SigninView(auth_views.LoginView):
    template_name = "core/signin.html"
    authentication_form = SigninForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = SigninThrottle()
        if not throttle.allow_request(request, None):
            return too_many_requests(request, throttle)
        return super().post(request, *args, **kwargs)


class SignoutView(auth_views.LogoutView):
    pass


def signin_locked_out(request, original_response=None, credentials=None):
    """Axes calls this when an e-mail address and IP have failed to sign in too often."""
    message = _(
        "Too many failed sign-in attempts. For your safety this sign-in is locked for a while; "
        "try again later."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(request, "core/locked_out.html", {"message": message}, status=429)


@require_POST
def set_language(request):
    """Django's language switch, which also saves the choice on a signed-in user's account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language:
        services.user_language_set(user=request.user, language=language)
    return response


@login_required
def notification_inbox(request):
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("core:notifications")
    page = Paginator(selectors.notification_inbox(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "core/notifications.html", {"page": page})


@login_required
def notification_preferences(request):
    current = selectors.notification_preferences(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("core:notification_preferences")
    return render(request, "core/notification_preferences.html", {"form": form})


@csrf_exempt
def unsubscribe(request, token: str):
    """One-click unsubscribe (RFC 8058): a POST stops the e-mails; a GET asks to confirm."""
    read = unsubscribe_token_read(token)
    user = User.objects.filter(pk=read[0]).first() if read else None
    if user is None:
        return render(request, "core/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        services.notifications_unsubscribe(
            user=user, kinds=[kind for kind in read[1] if kind in NotificationKind.values]
        )
        return render(request, "core/unsubscribe.html", {"done": True})
    return render(request, "core/unsubscribe.html", {"token": token})


# Privacy ---------------------------------------------------------------------------------


def privacy_notice(request, version: str | None = None):
    """The privacy notice: the current version, or an earlier one a consent was given to."""
    version = version or settings.PRIVACY_NOTICE_VERSION
    name = f"core/privacy/notice_{version}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        raise Http404 from None
    context = {
        "version": version,
        "is_current": version == settings.PRIVACY_NOTICE_VERSION,
        "current_version": settings.PRIVACY_NOTICE_VERSION,
        "retention_days": settings.ATTENDEE_RETENTION_DAYS,
    }
    return render(request, name, context)


@login_required
def my_data(request):
    """Your data: each app's part (consents), a copy of everything, and erasing the account."""
    form = AccountEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.account_erase(
                request=request, user=request.user, password=form.cleaned_data["password"]
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            logout(request)
            messages.success(request, _("Your account and personal data have been erased."))
            return redirect("core:home")
    sections = [
        {"template": section.page_template, "data": section.page_context(request.user)}
        for section in privacy.sections()
        if section.page_template and section.page_context
    ]
    return render(request, "core/my_data.html", {"form": form, "sections": sections})
