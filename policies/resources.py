"""Bulk import and export of policies (CSV, Excel) with django-import-export.

Columns: the policy's fields; `district` and `sectors` by code (an empty district is a
municipal policy; sectors separated by commas); `criteria` in one cell, criteria separated
by ";", each `kind=value`:

    min_degree=master; overseas_years=2; returned_within=5; max_age=45;
    sector=integrated-circuits|biopharmaceuticals; company_district=qingpu;
    employed_in_district=pudong; founder_in_district=yangpu; note=中文条件|English condition

`status` and `version` are exported but never imported: a new row is a draft (publish it in
admin); a row that changes a published policy publishes the change as its next version.

The whole file is imported in one transaction: one bad row (an unknown code, an impossible
criterion, a missing title) and nothing is imported; every row's errors are reported.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.exceptions import ApplicationError
from core.exports import safe_cell, unescape_cell
from core.models import District, Sector

from . import services
from .choices import CriterionKind
from .eligibility import DISTRICT_KINDS, NUMBER_KINDS
from .models import Policy
from .search import policies_search_refresh
from .selectors import latest_version_number, latest_version_subquery


class DistrictCodeWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(District, field="code")

    def clean(self, value, row=None, **kwargs):
        value = (str(value) if value is not None else "").strip()
        if not value:
            return None
        district = District.objects.filter(code=value).first()
        if district is None:
            raise ValueError(
                _("Unknown district code “%(value)s”; use a code from the reference list.")
                % {"value": value}
            )
        return district


class SectorCodesWidget(widgets.ManyToManyWidget):
    def __init__(self):
        super().__init__(Sector, separator=",", field="code")

    def clean(self, value, row=None, **kwargs):
        codes = [code.strip() for code in str(value or "").split(",") if code.strip()]
        sectors = {sector.code: sector for sector in Sector.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in sectors]
        if unknown:
            raise ValueError(
                _("Unknown sector code “%(value)s”; use a code from the reference list.")
                % {"value": unknown[0]}
            )
        return [sectors[code] for code in codes]


def criteria_text(policy: Policy) -> str:
    """The criteria of a policy (loaded) in the one-cell format."""
    parts = []
    for criterion in policy.criteria.all():
        kind = criterion.kind
        if kind in NUMBER_KINDS:
            value = str(criterion.value)
        elif kind == CriterionKind.MIN_DEGREE:
            value = criterion.degree
        elif kind == CriterionKind.SECTOR:
            value = "|".join(sector.code for sector in criterion.sectors.all())
        elif kind in DISTRICT_KINDS:
            value = criterion.district.code if criterion.district else ""
        else:
            value = f"{criterion.note_zh}|{criterion.note_en}"
        parts.append(f"{kind}={value}")
    return "; ".join(parts)


def parse_criteria(text: str) -> list[dict]:
    """Criteria from the one-cell format, checked like every other write (ValueError with a
    message for the row when one is unknown or impossible)."""
    criteria = []
    for part in str(text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        kind, separator, value = part.partition("=")
        kind, value = kind.strip(), value.strip()
        if not separator:
            raise ValueError(
                _("Write each criterion as kind=value, not “%(part)s”.") % {"part": part}
            )
        item = {"kind": kind}
        if kind in NUMBER_KINDS:
            try:
                item["value"] = int(value)
            except ValueError:
                raise ValueError(
                    _("“%(kind)s” needs a whole number, not “%(value)s”.")
                    % {"kind": kind, "value": value}
                ) from None
        elif kind == CriterionKind.MIN_DEGREE:
            item["degree"] = value
        elif kind == CriterionKind.SECTOR:
            codes = [code.strip() for code in value.split("|") if code.strip()]
            item["sectors"] = list(Sector.objects.filter(code__in=codes))
            if len(item["sectors"]) != len(set(codes)):
                known = {sector.code for sector in item["sectors"]}
                raise ValueError(
                    _("Unknown sector code “%(value)s”; use a code from the reference list.")
                    % {"value": next(code for code in codes if code not in known)}
                )
        elif kind in DISTRICT_KINDS:
            item["district"] = District.objects.filter(code=value).first()
            if item["district"] is None:
                raise ValueError(
                    _("Unknown district code “%(value)s”; use a code from the reference list.")
                    % {"value": value}
                )
        elif kind == CriterionKind.NOTE:
            note_zh, _bar, note_en = value.partition("|")
            item["note_zh"], item["note_en"] = note_zh.strip(), note_en.strip()
        criteria.append(item)
    try:
        return services.criteria_clean(criteria)
    except ApplicationError as exc:
        raise ValueError(exc.message) from None


class PolicyResource(resources.ModelResource):
    district = fields.Field(
        attribute="district", column_name="district", widget=DistrictCodeWidget()
    )
    sectors = fields.Field(attribute="sectors", column_name="sectors", widget=SectorCodesWidget())
    # Read from the row by import_instance(), written by dehydrate_criteria().
    criteria = fields.Field(column_name="criteria", readonly=True)
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    version = fields.Field(column_name="version", readonly=True)

    class Meta:
        model = Policy
        fields = (
            "id",
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
            "criteria",
            "status",
            "version",
        )
        export_order = fields
        import_id_fields = ("id",)
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._changed_published: list[int] = []
        self._saved: list[int] = []

    def export_field(self, field, instance, **kwargs):
        """Every cell as text a spreadsheet will not run (`core.exports`)."""
        return safe_cell(super().export_field(field, instance, **kwargs))

    def dehydrate_criteria(self, policy: Policy) -> str:
        return criteria_text(policy)

    def dehydrate_version(self, policy: Policy) -> int:
        return latest_version_number(policy)

    def filter_export(self, queryset, **kwargs):
        return (
            queryset.select_related("district")
            .prefetch_related("sectors", "criteria__district", "criteria__sectors")
            .annotate(version_number=latest_version_subquery())
        )

    def before_import_row(self, row, **kwargs):
        """An id names an existing policy to change; a new policy is a row without one (an
        id from elsewhere would later collide with the ids the database hands out). Cells an
        export escaped (`core.exports`) are read as they were typed."""
        for column, cell in list(row.items()):
            row[column] = unescape_cell(cell)
        value = str(row.get("id") or "").strip()
        if not value:
            return
        if not value.isdigit() or not Policy.objects.filter(pk=int(value)).exists():
            raise ValidationError(
                {
                    "id": _("No policy has the id “%(value)s”; leave it empty to add a new one.")
                    % {"value": value}
                }
            )

    def import_data(self, dataset, **kwargs):
        """One bad row and nothing is imported, validation errors included."""
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if "sectors" in row:
            # Many-to-many values are saved after the row; their codes are checked now, so
            # an unknown one is this row's error like any other.
            try:
                self.fields["sectors"].clean(row)
            except ValueError as exc:
                errors["sectors"] = [ValidationError(str(exc), code="invalid")]
        instance._imported_criteria = None
        if "criteria" in row:
            try:
                instance._imported_criteria = parse_criteria(row["criteria"])
            except ValueError as exc:
                errors["criteria"] = [ValidationError(str(exc), code="invalid")]
        if errors:
            raise ValidationError(errors)

    def after_save_instance(self, instance, row, **kwargs):
        criteria = getattr(instance, "_imported_criteria", None)
        if criteria is not None:
            services.criteria_replace(instance, criteria)
        self._saved.append(instance.pk)
        if instance.status == "published":
            self._changed_published.append(instance.pk)

    def after_import(self, dataset, result, **kwargs):
        """Published policies the file changed get their next version (followers told)."""
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        # Written by the library, not the services: their words, with their new sectors.
        policies_search_refresh(self._saved)
        user = kwargs.get("user")
        for policy in Policy.objects.filter(pk__in=self._changed_published):
            services.policy_record_change(policy=policy, user=user)
