"""What the writes of the policies app share: the fields written, who may write where,
validation and saving."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import permissions
from core.exceptions import ApplicationError, PermissionDeniedError
from core.models import District, Sector

from ..choices import CriterionKind
from ..eligibility import (
    DISTRICT_KINDS,
    NUMBER_KINDS,
    rule_problem,
)
from ..models import (
    MAX_CRITERIA,
    Criterion,
    Policy,
)

# The fields an official or admin writes, and nothing else (never `status` or the times).
POLICY_FIELDS = [
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "body_zh",
    "body_en",
    "district",
    "authority_zh",
    "authority_en",
    "document_number",
    "category",
    "sectors",
    "benefits_zh",
    "benefits_en",
    "benefit_amount",
    "effective_from",
    "expires_on",
    "source_url",
]
TEXT_FIELDS = [
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "body_zh",
    "body_en",
    "authority_zh",
    "authority_en",
    "document_number",
    "benefits_zh",
    "benefits_en",
    "source_url",
]
EXPIRY_NOTICE_DAYS = 30


# Who may do what -------------------------------------------------------------------------


def can_write_policies(user) -> bool:
    """Admins, and officials of at least one district."""
    return permissions.manages_any_district(user)


def can_manage(*, user, policy: Policy) -> bool:
    """Admins manage every policy; officials those of their districts (not municipal ones)."""
    return permissions.manages_district(user, policy.district_id)


def _require_manage(*, user, policy: Policy) -> None:
    if not can_manage(user=user, policy=policy):
        raise PermissionDeniedError(
            _("Only officials of the policy's district can change it."), code="not_your_district"
        )


def _check_district(*, user, district: District | None) -> District | None:
    """The district a policy may be written for by `user`; an official's only district when
    they name none."""
    if permissions.acts_everywhere(user):
        return district
    mine = permissions.granted_district_ids(user)
    if not mine:
        raise PermissionDeniedError(
            _("Only district officials and admins can write policies."), code="not_official"
        )
    if district is None:
        if len(mine) == 1:
            return District.objects.get(pk=next(iter(mine)))
        raise ApplicationError(
            _("Choose one of your districts."), code="district", field="district"
        )
    if district.pk not in mine:
        raise PermissionDeniedError(
            _("You can write policies of your own district only."), code="not_your_district"
        )
    return district


# Validation ------------------------------------------------------------------------------


def _validated(instance, *, exclude: list[str] | None = None) -> None:
    """Run the model's checks; the first problem becomes an ApplicationError naming its
    field (with every field's messages)."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        errors = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
        field, messages = next(iter(errors.items()))
        raise ApplicationError(
            messages[0],
            code="invalid",
            field=None if field == "non_field_errors" else field,
            extra={"errors": errors},
        ) from exc


def criteria_clean(criteria: list[dict]) -> list[dict]:
    """Check each criterion for impossible or missing values; at most one of each kind
    (several free-text conditions are fine)."""
    if len(criteria) > MAX_CRITERIA:
        raise ApplicationError(
            _("At most %(count)d criteria.") % {"count": MAX_CRITERIA},
            code="too_many",
            field="criteria",
        )
    cleaned, seen = [], set()
    for index, item in enumerate(criteria):
        kind = item.get("kind") or ""
        sectors = list(item.get("sectors") or [])
        district = item.get("district")
        value = item.get("value")
        degree = item.get("degree") or ""
        note_zh = (item.get("note_zh") or "").strip()
        note_en = (item.get("note_en") or "").strip()
        problem = rule_problem(
            kind=kind,
            value=value,
            degree=degree,
            has_district=district is not None,
            has_sectors=bool(sectors),
            note_zh=note_zh,
            note_en=note_en,
        )
        if problem:
            field, message = problem
            raise ApplicationError(message, code="criterion", field=f"criteria.{index}.{field}")
        if kind != CriterionKind.NOTE and kind in seen:
            raise ApplicationError(
                _("Each kind of criterion can appear once; “%(kind)s” appears twice.")
                % {"kind": dict(CriterionKind.choices)[kind]},
                code="criterion",
                field=f"criteria.{index}.kind",
            )
        seen.add(kind)
        cleaned.append(
            {
                "kind": kind,
                "value": value if kind in NUMBER_KINDS else None,
                "degree": degree if kind == CriterionKind.MIN_DEGREE else "",
                "district": district if kind in DISTRICT_KINDS else None,
                "sectors": sectors if kind == CriterionKind.SECTOR else [],
                "note_zh": note_zh if kind == CriterionKind.NOTE else "",
                "note_en": note_en if kind == CriterionKind.NOTE else "",
            }
        )
    return cleaned


def criteria_replace(policy: Policy, criteria: list[dict]) -> None:
    policy.criteria.all().delete()
    for position, item in enumerate(criteria):
        criterion = Criterion.objects.create(
            policy=policy,
            kind=item["kind"],
            value=item["value"],
            degree=item["degree"],
            district=item["district"],
            note_zh=item["note_zh"],
            note_en=item["note_en"],
            position=position,
        )
        if item["sectors"]:
            criterion.sectors.set(item["sectors"])


def _apply(policy: Policy, data: dict) -> list[Sector] | None:
    """Set the writable fields given in `data` on `policy`; the sectors, if given, are
    returned to be set once the policy is saved."""
    for name in POLICY_FIELDS:
        if name not in data or name == "sectors":
            continue
        value = data[name]
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        if name == "benefit_amount" and value is not None and not isinstance(value, Decimal):
            value = Decimal(str(value))
        setattr(policy, name, value)
    return list(data["sectors"]) if "sectors" in data else None


def _save(policy: Policy, **kwargs) -> None:
    try:
        with transaction.atomic():
            policy.save(**kwargs)
    except IntegrityError as exc:  # a check constraint the clean() missed; never a 500
        raise ApplicationError(
            _("These values cannot be saved together; check the dates and the amount."),
            code="invalid",
        ) from exc
