from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import health as core_health
from . import privacy, selectors, services, two_factor
from .api import views as api_views
from .api.throttling import (
    PasswordResetThrottle,
    ScopedRateThrottle,
    SigninThrottle,
    SignupThrottle,
)
from .choices import NotificationKind
from .delivery import unsubscribe_token_read
from .exceptions import ApplicationError
from .forms import (
    AccountEraseForm,
    BackupCodesForm,
    NotificationPreferencesForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    SigninCodeForm,
    SigninForm,
    SignupForm,
    TwoFactorDisableForm,
    TwoFactorSetupForm,
)
from .models import User

# The pages count against the API's limits (a stand-in view names the scope).
PASSWORD_CHANGE_THROTTLE = SimpleNamespace(throttle_scope="password_change")
VERIFY_EMAIL_THROTTLE = SimpleNamespace(throttle_scope="verify_email")


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
    """Sign-up answers alike whether or not the address has an account (see
    `services.user_signup`): the new account confirms its address, then signs in."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and not (throttle := SignupThrottle()).allow_request(request, None):
        return too_many_requests(request, throttle)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_signup(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                language=request.LANGUAGE_CODE,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("core:signup_sent")
    return render(request, "core/signup.html", {"form": form})


def signup_sent(request):
    return render(
        request,
        "core/check_email.html",
        {"title": _("Check your e-mail"), "message": api_views.SIGNUP_SENT},
    )


def password_reset(request):
    """Ask for a link to choose a new password; the same answer for every address."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and not (throttle := PasswordResetThrottle()).allow_request(
        request, None
    ):
        return too_many_requests(request, throttle)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(email=form.cleaned_data["email"])
        return redirect("core:password_reset_sent")
    return render(request, "core/password_reset.html", {"form": form})


def password_reset_sent(request):
    return render(
        request,
        "core/check_email.html",
        {"title": _("Check your e-mail"), "message": api_views.RESET_SENT},
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view of an e-mailed link (it moves the token out of the address before the
    form is shown); the new password is set by `services.user_password_set`."""

    template_name = "core/password_reset_confirm.html"

    def get_user(self, uidb64):
        return services.password_reset_account(uid=uidb64)

    def form_valid(self, form):
        services.user_password_set(
            user=form.user, password=form.cleaned_data["new_password1"], field="new_password1"
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, _("Your password has been changed. Sign in with it."))
        return redirect("core:login")


@login_required
def account(request):
    """The account's address (and whether it is confirmed), its password and its settings."""
    return render(request, "core/account.html")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and not (throttle := ScopedRateThrottle()).allow_request(
        request, PASSWORD_CHANGE_THROTTLE
    ):
        return too_many_requests(request, throttle)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                request=request,
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            update_session_auth_hash(request, request.user)  # this sign-in goes on
            messages.success(
                request,
                _(
                    "Your password has been changed. You stay signed in here; every other "
                    "sign-in and API token of your account has ended."
                ),
            )
            return redirect("core:account")
    return render(request, "core/password_change.html", {"form": form})


def verify_email(request, token: str):
    """The e-mailed link that confirms an address (opening it is the proof)."""
    try:
        user = services.email_verification_confirm(token=token)
    except ApplicationError as exc:
        return render(request, "core/verify_email.html", {"message": exc.message}, status=400)
    messages.success(request, _("Thank you: your e-mail address is confirmed."))
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("core:account")
    return redirect("core:login")


@login_required
@require_POST
def verify_email_send(request):
    if not (throttle := ScopedRateThrottle()).allow_request(request, VERIFY_EMAIL_THROTTLE):
        return too_many_requests(request, throttle)
    if services.email_verification_send(user=request.user):
        messages.success(request, _("We have sent a new link to your e-mail address."))
    else:
        messages.info(request, _("Your e-mail address is confirmed already."))
    return redirect("core:account")


class SigninView(auth_views.LoginView):
    template_name = "core/signin.html"
    authentication_form = SigninForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = SigninThrottle()
        if not throttle.allow_request(request, None):
            return too_many_requests(request, throttle)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """The right password signs in, unless the account uses two-step sign-in: then no one
        is signed in until the code is given on the next page (`signin_code`)."""
        user = form.get_user()
        if not two_factor.is_enabled(user):
            return super().form_valid(form)
        two_factor.signin_pending_start(self.request, user=user, next_url=self.get_success_url())
        return redirect("core:signin_code")


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


# Two-step sign-in ------------------------------------------------------------------------


def _next_url(request) -> str:
    """The `next` address of the request if it is on this site, else the default one."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _code_field(form) -> str:
    """The input a code came in: the app's, or the backup code's."""
    data = form.cleaned_data
    return "backup_code" if data.get("backup_code") and not data.get("code") else "code"


def _form_error(form, exc: ApplicationError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@never_cache
def signin_code(request):
    """The second step of signing in: the code of the authenticator app (or a backup code)
    after the right password on the sign-in page. A signed-in session that has not passed it
    (signed in before the app was set up, or elsewhere) passes it here too, for the admin."""
    pending = None
    if request.user.is_authenticated:
        user = request.user
        next_url = _next_url(request)
        if request.user.is_verified() or not two_factor.is_enabled(user):
            return redirect(next_url)
    else:
        pending = two_factor.signin_pending(request)
        if pending is None:
            messages.info(request, _("Your sign-in has expired. Please sign in again."))
            return redirect("core:login")
        user, remembered = pending
        next_url = remembered["next"]
    form = SigninCodeForm(request.POST or None)
    if request.method == "POST":
        throttle = two_factor.SigninCodeThrottle(user)
        if not throttle.allow_request(request, None):
            return too_many_requests(request, throttle)
        if form.is_valid():
            try:
                device = two_factor.code_verify(
                    user=user, code=form.cleaned_data["otp"], field=_code_field(form)
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                if pending is not None:
                    two_factor.signin_complete(
                        request, user=user, device=device, backend=remembered["backend"]
                    )
                else:
                    two_factor.signin_verify(request, device=device)
                return redirect(next_url)
    context = {"form": form, "next": "" if pending else next_url, "step_up": pending is None}
    return render(request, "core/signin_code.html", context)


def _two_factor_page(request, *, setup_form=None, codes_form=None, status: int = 200):
    user = request.user
    device = two_factor.app_device(user)
    context = {"enabled": device is not None, "device": device}
    if device is not None:
        context["codes_form"] = codes_form or BackupCodesForm()
        context["backup_codes_left"] = two_factor.backup_codes_left(user)
    else:
        setup = two_factor.setup_device(user)
        context["setup"] = setup
        if setup is not None:
            context["setup_form"] = setup_form or TwoFactorSetupForm()
            context["qr"] = two_factor.qr_svg(
                setup, label=_("QR code to scan with your authenticator app")
            )
            context["secret"] = two_factor.secret_text(setup)
    return render(request, "core/two_factor.html", context, status=status)


def _backup_codes_page(request, codes: list[str]):
    return render(request, "core/two_factor_codes.html", {"codes": codes})


@never_cache
@login_required
def two_factor_settings(request):
    """Set up two-step sign-in (scan, then confirm with a code), or see that it is on and
    make new backup codes. The secret and the backup codes are never cached."""
    if request.method != "POST":
        return _two_factor_page(request)
    user = request.user
    action = request.POST.get("action", "")
    enabled = two_factor.is_enabled(user)
    if action in ("begin", "restart") and not enabled:
        try:
            two_factor.setup_begin(user=user, restart=action == "restart")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("core:two_factor")
    if action == "confirm" and not enabled:
        form = TwoFactorSetupForm(request.POST)
        if form.is_valid():
            try:
                codes = two_factor.setup_confirm(
                    request=request, user=user, code=form.cleaned_data["code"]
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Two-step sign-in is on."))
                return _backup_codes_page(request, codes)
        return _two_factor_page(request, setup_form=form)
    if action == "backup_codes" and enabled:
        form = BackupCodesForm(request.POST)
        if form.is_valid():
            try:
                codes = two_factor.backup_codes_renew(user=user, code=form.cleaned_data["code"])
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Your new backup codes are ready."))
                return _backup_codes_page(request, codes)
        return _two_factor_page(request, codes_form=form)
    return redirect("core:two_factor")


@never_cache
@login_required
def two_factor_disable(request):
    """Turn two-step sign-in off, with the password and a code."""
    if not two_factor.is_enabled(request.user):
        messages.info(request, _("Two-step sign-in is off."))
        return redirect("core:two_factor")
    form = TwoFactorDisableForm(request.POST or None)
    if request.method == "POST" and not (throttle := ScopedRateThrottle()).allow_request(
        request, PASSWORD_CHANGE_THROTTLE
    ):
        return too_many_requests(request, throttle)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.disable(
                request=request,
                user=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["otp"],
                code_field=_code_field(form),
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Two-step sign-in is off."))
            return redirect("core:two_factor")
    return render(request, "core/two_factor_disable.html", {"form": form})
