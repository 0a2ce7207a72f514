"""A person's data across the portal (PIPL art. 15, 45 and 47): what each app holds about
a user, a copy of all of it, its erasure, and the withdrawal of a consent.

The base app cannot know the apps built on it, so each app registers its part here from its
`AppConfig.ready()` (its own `privacy.py`):

- `export(user) -> dict`: the app's section of the JSON copy, with everything it holds
  about the person and nothing about others beyond what the person already sees;
- `erase(user)`: removes or anonymises it. `erase_user` runs the erasers in one transaction,
  the apps that depend on others first (matching, policies, events, startups, talent, then
  this app, which anonymises the account itself last);
- `withdraw(user, purpose)` (optional): a consent (`talent.choices.ConsentPurpose`) has
  just been withdrawn, inside the withdrawing transaction; stop using the person's data
  for that purpose at once;
- `page_template` / `page_context(user)` (optional): a part of the "Your data" page.
"""

from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from rest_framework.authtoken.models import Token

from .models import DistrictGrant, Notification, NotificationPreference, UnsubscribeKey, User

EXPORT_FORMAT = "returnee-portal-export/1"
ERASED_DOMAIN = "invalid.example"


@dataclass(frozen=True)
class DataSection:
    """One app's part of a person's data."""

    app_label: str
    export: Callable[[User], dict]
    erase: Callable[[User], None]
    withdraw: Callable[[User, str], None] | None = None
    page_template: str = ""
    page_context: Callable[[User], dict] | None = None


_sections: dict[str, DataSection] = {}


def register(
    app_label: str,
    *,
    export: Callable[[User], dict],
    erase: Callable[[User], None],
    withdraw: Callable[[User, str], None] | None = None,
    page_template: str = "",
    page_context: Callable[[User], dict] | None = None,
) -> None:
    """Called from an app's `ready()`; registering again replaces the app's section."""
    _sections[app_label] = DataSection(
        app_label=app_label,
        export=export,
        erase=erase,
        withdraw=withdraw,
        page_template=page_template,
        page_context=page_context,
    )


def sections() -> list[DataSection]:
    """The registered sections in INSTALLED_APPS order (an app after those it builds on)."""
    order = [config.label for config in apps.get_app_configs()]
    return sorted(_sections.values(), key=lambda section: order.index(section.app_label))


def export_user(user: User) -> dict:
    """Everything the portal holds about `user`, one section per app, ready for JSON."""
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "privacy_notice_version": settings.PRIVACY_NOTICE_VERSION,
    }
    for section in sections():
        data[section.app_label] = section.export(user)
    return data


def is_erased(user: User) -> bool:
    return user.erased_at is not None


@transaction.atomic
def erase_user(user: User) -> bool:
    """Erase a person's data in every app and anonymise the account, all or nothing.

    Returns False (and changes nothing) for an account that is already erased. The account's
    row is locked first, so two erasures at once run one after the other."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(user):
        return False
    for section in reversed(sections()):
        section.erase(user)
    return True


def consent_withdrawn(user: User, purpose: str) -> None:
    """Tell every app that `user` has withdrawn the consent for `purpose` (in the caller's
    transaction), so none goes on using the data for it."""
    for section in sections():
        if section.withdraw is not None:
            section.withdraw(user, purpose)


def account_erase(*, request, user: User, password: str) -> None:
    """The person erases their own account, confirming with their password."""
    from .services import password_confirm  # the services import this module

    password_confirm(request=request, user=user, password=password)
    erase_user(user)


# The base app's own part: the account, official grants, notifications, API token. --------


def _iso(moment):
    return moment.isoformat() if moment else None


def export_core(user: User) -> dict:
    history = user.history.order_by("history_date", "history_id")
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "language": user.language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_active": user.is_active,
            "roles": user.roles,
            "erased_at": _iso(user.erased_at),
        },
        "account_history": [
            {
                "changed_at": _iso(row.history_date),
                "change": row.get_history_type_display(),
                "email": row.email,
                "full_name": row.full_name,
                "language": row.language,
                "is_active": row.is_active,
            }
            for row in history
        ],
        "official_of_districts": [
            {"district": grant.district.code, "granted_at": _iso(grant.granted_at)}
            for grant in user.district_grants.select_related("district").order_by("id")
        ],
        "api_token": {"exists": Token.objects.filter(user=user).exists()},
        "sign_ins": [
            {
                "at": _iso(entry.attempt_time),
                "ip_address": entry.ip_address,
                "user_agent": entry.user_agent,
            }
            for entry in AccessLog.objects.filter(username__iexact=user.email).order_by(
                "attempt_time"
            )
        ],
        "notification_preferences": dict(
            user.notification_preferences.order_by("kind").values_list("kind", "frequency")
        ),
        "notifications": [
            {
                "kind": notification.kind,
                "subject": notification.subject,
                "body": notification.body,
                "url": notification.url,
                "created_at": _iso(notification.created_at),
                "status": notification.status,
                "emailed": notification.emailed,
                "read_at": _iso(notification.read_at),
            }
            for notification in user.notifications.order_by("created_at", "id")
        ],
    }


def erased_email(user: User) -> str:
    return f"erased-{user.pk}@{ERASED_DOMAIN}"


NAMES_BATCH = 500  # notices re-rendered per statement when a name is taken out


def former_user(language: str) -> str:
    """What notices show in place of an erased person's name."""
    with translation.override(language):
        return _("a former user")


def _without_name(value, name: str, neutral: str):
    """`value` (a notice's context or text) with every mention of `name` replaced."""
    if not name:
        return value
    if isinstance(value, str):
        if value.strip() == name:
            return neutral
        return value.replace(name, neutral) if len(name) > 1 else value
    if isinstance(value, list):
        return [_without_name(item, name, neutral) for item in value]
    if isinstance(value, dict):
        return {key: _without_name(item, name, neutral) for key, item in value.items()}
    return value


def _rendered(template: str, language: str, context: dict) -> tuple[str, str] | None:
    from .services import _render  # services import this module

    key = tuple(sorted(context.items()))
    try:
        try:
            hash(key)
        except TypeError:  # lists or dicts in the context
            return _render.__wrapped__(template, language, key)
        return _render(template, language, key)
    except TemplateDoesNotExist:
        return None


def erase_name_from_notifications(user: User, *, name: str) -> int:
    """Take the person's name out of the notices about them in other people's inboxes and
    in the outbox (pending e-mails and digests): the rows whose `actor` they are (a request
    they made, an advisor's answer). Each is rendered again from its template, in its
    recipient's language, with "a former user" in place of the name, which leaves the
    context too; the row stays (counts, dates, read marks) and is no longer tied to the
    person. Returns how many changed.

    E-mails already sent cannot be recalled: the name stays in mailboxes outside the portal.
    A notice written without an `actor` cannot be found here; the apps mark theirs before
    this runs (`talent.privacy` does for consultation notices written before actors were
    recorded)."""
    from .services import supported_language

    name = (name or "").strip()
    ids = list(Notification.objects.filter(actor=user).values_list("pk", flat=True))
    for start in range(0, len(ids), NAMES_BATCH):
        rows = Notification.objects.filter(pk__in=ids[start : start + NAMES_BATCH]).values_list(
            "pk", "template", "context", "subject", "body", "language", "recipient__language"
        )
        changed = []
        for pk, template, context, subject, body, language, recipient_language in rows:
            language = supported_language(recipient_language or language)
            neutral = former_user(language)
            context = _without_name(context if isinstance(context, dict) else {}, name, neutral)
            rendered = _rendered(template, language, context) if template else None
            if rendered is not None:
                subject, body = rendered
            changed.append(
                Notification(
                    pk=pk,
                    subject=_without_name(" ".join(subject.split()), name, neutral)[:200],
                    body=_without_name(body.strip(), name, neutral),
                    context=context,
                    actor=None,
                )
            )
        Notification.objects.bulk_update(changed, ["subject", "body", "context", "actor"])
    return len(ids)


def erase_core(user: User) -> None:
    """Delete the inbox, preferences, token, grants, sign-in records and the key of the
    unsubscribe links (the links already sent stop working); take the person's name out of
    the notices about them that others have (`erase_name_from_notifications`); anonymise
    the account and its history. Its sessions end by themselves: an inactive account with
    an unusable password fails the check Django makes on every request."""
    Notification.objects.filter(recipient=user).delete()
    erase_name_from_notifications(user, name=user.full_name)
    UnsubscribeKey.objects.filter(user=user).delete()
    for device in devices_for_user(user, confirmed=None):  # two-step sign-in's keys
        device.delete()
    NotificationPreference.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    DistrictGrant.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=user.email).delete()
    user.email = erased_email(user)
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    User.history.filter(id=user.pk).update(email=user.email, full_name="")
