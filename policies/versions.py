"""Versions of a policy: a JSON snapshot of its fields and criteria, the field-by-field
difference between two snapshots, and that difference told in the active language."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .choices import PolicyCategory
from .eligibility import Place, Rule, describe_rule
from .models import Policy

# Fields whose old and new values a change shows; the long texts are said to be revised.
SHORT_FIELDS = [
    "title_zh",
    "title_en",
    "authority_zh",
    "authority_en",
    "document_number",
    "category",
    "benefit_amount",
    "effective_from",
    "expires_on",
    "source_url",
]
LONG_FIELDS = ["summary_zh", "summary_en", "body_zh", "body_en", "benefits_zh", "benefits_en"]
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
# The order in which changes are told.
FIELD_ORDER = [
    "title_zh",
    "title_en",
    "district",
    "category",
    "criteria",
    "benefit_amount",
    "effective_from",
    "expires_on",
    "sectors",
    "benefits_zh",
    "benefits_en",
    "summary_zh",
    "summary_en",
    "body_zh",
    "body_en",
    "authority_zh",
    "authority_en",
    "document_number",
    "source_url",
]


def policy_snapshot(policy: Policy) -> dict:
    """The policy as it stands: fields, district, sectors and criteria (loaded), as JSON."""
    snapshot = {field: getattr(policy, field) or "" for field in TEXT_FIELDS}
    snapshot["category"] = policy.category
    snapshot["district"] = Place.of(policy.district).to_snapshot() if policy.district_id else None
    snapshot["sectors"] = [
        Place.of(sector).to_snapshot()
        for sector in sorted(policy.sectors.all(), key=lambda sector: sector.code)
    ]
    snapshot["benefit_amount"] = (
        format(policy.benefit_amount.normalize(), "f")
        if policy.benefit_amount is not None
        else None
    )
    snapshot["effective_from"] = (
        policy.effective_from.isoformat() if policy.effective_from else None
    )
    snapshot["expires_on"] = policy.expires_on.isoformat() if policy.expires_on else None
    snapshot["criteria"] = [
        Rule.from_criterion(criterion).to_snapshot() for criterion in policy.criteria.all()
    ]
    return snapshot


def snapshot_rules(snapshot: dict | None) -> list[Rule]:
    return [Rule.from_snapshot(item) for item in (snapshot or {}).get("criteria", [])]


def _codes(items) -> list[str]:
    return [item["code"] for item in items or []]


def _criteria_changes(before: list[dict], after: list[dict]) -> dict | None:
    old = [Rule.from_snapshot(item) for item in before or []]
    new = [Rule.from_snapshot(item) for item in after or []]
    old_ids = [rule.identity for rule in old]
    new_ids = [rule.identity for rule in new]
    removed = [rule for rule in old if rule.identity not in new_ids]
    added = [rule for rule in new if rule.identity not in old_ids]
    changed = []
    for rule in list(removed):
        partner = next((other for other in added if other.kind == rule.kind), None)
        if partner is not None:
            changed.append([rule.to_snapshot(), partner.to_snapshot()])
            removed.remove(rule)
            added.remove(partner)
    if not (removed or added or changed):
        return None
    return {
        "field": "criteria",
        "added": [rule.to_snapshot() for rule in added],
        "removed": [rule.to_snapshot() for rule in removed],
        "changed": changed,
    }


def snapshot_diff(before: dict | None, after: dict) -> list[dict]:
    """What differs between two snapshots, field by field (empty for a first version)."""
    if not before:
        return []
    changes = []
    for field in FIELD_ORDER:
        old, new = before.get(field), after.get(field)
        if field == "criteria":
            change = _criteria_changes(old, new)
            if change:
                changes.append(change)
        elif field == "sectors":
            old_codes, new_codes = _codes(old), _codes(new)
            if old_codes != new_codes:
                changes.append(
                    {
                        "field": field,
                        "added": [item for item in new or [] if item["code"] not in old_codes],
                        "removed": [item for item in old or [] if item["code"] not in new_codes],
                    }
                )
        elif field == "district":
            if (old or {}).get("code") != (new or {}).get("code"):
                changes.append({"field": field, "before": old, "after": new})
        elif (old or None) != (new or None):
            changes.append({"field": field, "before": old, "after": new})
    return changes


def criteria_changed(changes: list[dict]) -> bool:
    return any(change["field"] == "criteria" for change in changes)


# Telling the changes ---------------------------------------------------------------------


def field_label(field: str) -> str:
    if field == "criteria":
        return _("Eligibility criteria")
    label = str(Policy._meta.get_field(field).verbose_name)
    return label[:1].upper() + label[1:]


def format_amount(value) -> str:
    """An amount in yuan with thousands separators, without needless decimals."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if amount == amount.to_integral_value():
        return f"¥{amount:,.0f}"
    return f"¥{amount:,.2f}"


def _value_text(field: str, value) -> str:
    if value in (None, ""):
        return "—"
    if field == "category":
        return str(dict(PolicyCategory.choices).get(value, value))
    if field == "benefit_amount":
        return format_amount(value)
    if field == "district":
        return Place.from_snapshot(value).name
    return str(value)


def _district_text(value) -> str:
    if not value:
        return _("Shanghai (municipal)")
    return Place.from_snapshot(value).name


def describe_change(change: dict) -> list[str]:
    field = change["field"]
    label = field_label(field)
    if field == "criteria":
        lines = []
        for item in change.get("changed", []):
            lines.append(
                _("Criterion changed: %(before)s → %(after)s")
                % {
                    "before": describe_rule(Rule.from_snapshot(item[0])),
                    "after": describe_rule(Rule.from_snapshot(item[1])),
                }
            )
        for item in change.get("added", []):
            lines.append(
                _("New criterion: %(rule)s") % {"rule": describe_rule(Rule.from_snapshot(item))}
            )
        for item in change.get("removed", []):
            lines.append(
                _("Criterion removed: %(rule)s") % {"rule": describe_rule(Rule.from_snapshot(item))}
            )
        return lines
    if field == "sectors":
        parts = []
        if change.get("added"):
            parts.append(
                _("added %(names)s")
                % {"names": _(", ").join(Place.from_snapshot(i).name for i in change["added"])}
            )
        if change.get("removed"):
            parts.append(
                _("removed %(names)s")
                % {"names": _(", ").join(Place.from_snapshot(i).name for i in change["removed"])}
            )
        return [_("%(field)s: %(what)s") % {"field": label, "what": _("; ").join(parts)}]
    if field == "district":
        return [
            _("%(field)s: %(before)s → %(after)s")
            % {
                "field": label,
                "before": _district_text(change.get("before")),
                "after": _district_text(change.get("after")),
            }
        ]
    if field in LONG_FIELDS:
        return [_("%(field)s was revised.") % {"field": label}]
    return [
        _("%(field)s: %(before)s → %(after)s")
        % {
            "field": label,
            "before": _value_text(field, change.get("before")),
            "after": _value_text(field, change.get("after")),
        }
    ]


def describe_changes(changes: list[dict]) -> list[str]:
    """Every change as a sentence in the active language."""
    lines = []
    for change in changes or []:
        lines.extend(describe_change(change))
    return lines
