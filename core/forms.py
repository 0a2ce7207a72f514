from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import Frequency, NotificationKind


class SigninForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct."),
        "inactive": _("This account has been deactivated."),
    }


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password and not only digits."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


def _password_field(label, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        help_text=help_text,
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        help_text=_("The address you signed up with."),
    )


class PasswordChangeForm(forms.Form):
    current_password = _password_field(_("Current password"), "current-password")
    new_password = _password_field(
        _("New password"),
        "new-password",
        _("At least 12 characters; not a common password and not only digits."),
    )
    new_password_again = _password_field(_("New password again"), "new-password")

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords are not the same."))
        return data


class NotificationPreferencesForm(forms.Form):
    """One choice of frequency per kind of notification."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Frequency.choices,
                initial=current.get(kind, Frequency.INSTANT),
            )


class AccountEraseForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data are erased for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


# Two-step sign-in (core.two_factor) ------------------------------------------------------


def _app_code_field(label, help_text="", required: bool = True) -> forms.CharField:
    """The 6-digit code of an authenticator app: a numeric keypad, and the code offered by
    the phone when it arrives by text message or from a password manager."""
    return forms.CharField(
        label=label,
        max_length=12,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )


def _backup_code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Or a backup code"),
        max_length=20,
        required=False,
        help_text=_("If you do not have your phone: one of the backup codes you saved."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


def _clean_app_code(value: str) -> str:
    from .two_factor import TOTP_CODE, normalize_code

    code = normalize_code(value)
    if code and not TOTP_CODE.match(code):
        raise forms.ValidationError(_("Enter the 6-digit code your app shows."), code="format")
    return code


def _clean_backup_code(value: str) -> str:
    from .two_factor import BACKUP_CODE, normalize_code

    code = normalize_code(value)
    if code and not BACKUP_CODE.match(code):
        raise forms.ValidationError(_("A backup code has 8 letters and digits."), code="format")
    return code


class _AppOrBackupCodeForm(forms.Form):
    """A code of the app or, instead, a backup code; `cleaned_data["otp"]` is the one given."""

    code = _app_code_field(
        _("Code from your app"), _("The 6 digits your authenticator app shows now."), False
    )
    backup_code = _backup_code_field()

    def clean_code(self):
        return _clean_app_code(self.cleaned_data.get("code", ""))

    def clean_backup_code(self):
        return _clean_backup_code(self.cleaned_data.get("backup_code", ""))

    def clean(self):
        data = super().clean()
        if "code" in data and "backup_code" in data:
            data["otp"] = data["code"] or data["backup_code"]
            if not data["otp"]:
                self.add_error("code", _("Enter the code your app shows."))
        return data


class SigninCodeForm(_AppOrBackupCodeForm):
    """The second step of signing in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True


class TwoFactorSetupForm(forms.Form):
    """Confirms the app just set up with one of its codes."""

    code = _app_code_field(
        _("Code from your app"), _("The 6 digits your app shows for the Returnee Portal.")
    )

    def clean_code(self):
        return _clean_app_code(self.cleaned_data.get("code", ""))


class BackupCodesForm(TwoFactorSetupForm):
    """New backup codes, confirmed with a code of the app."""


class TwoFactorDisableForm(_AppOrBackupCodeForm):
    password = forms.CharField(
        label=_("Your password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "code", "backup_code"]


class AdminSigninForm(AdminAuthenticationForm):
    """Django admin's sign-in form: an account with two-step sign-in gives its code too (the
    sign-in then counts as verified), and when ADMIN_2FA_REQUIRED is on an account without it
    is refused, with where to set it up."""

    code = forms.CharField(
        label=_("Code from your app, or a backup code"),
        max_length=20,
        required=False,
        help_text=_("Only for accounts with two-step sign-in."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        from .exceptions import ApplicationError
        from .two_factor import code_verify, is_enabled

        data = super().clean()
        user = self.get_user()
        if user is None:
            return data
        if is_enabled(user):
            if not data.get("code"):
                raise forms.ValidationError(
                    _(
                        "This account uses two-step sign-in: enter the code of your "
                        "authenticator app too."
                    ),
                    code="otp_required",
                )
            try:
                device = code_verify(user=user, code=data["code"])
            except ApplicationError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from None
            user.otp_device = device  # django-otp marks the session verified at sign-in
        elif settings.ADMIN_2FA_REQUIRED:
            raise forms.ValidationError(
                _(
                    "Two-step sign-in is required for the administration. Sign in on the "
                    "portal and set it up on your account page (%(url)s) first."
                )
                % {"url": reverse("core:two_factor")},
                code="two_factor_required",
            )
        return data
