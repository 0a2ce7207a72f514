"""Superusers do everything here: write any policy (municipal ones too), publish and archive
them (actions that call the services), import and export them from CSV or Excel. Staff who
are not superusers see and write only their districts' policies, with their model
permissions, and do not import (`core.admin_scope`). Status is changed only by the actions;
saving a published policy publishes the change as a version."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from simple_history.admin import SimpleHistoryAdmin

from core.admin_scope import DistrictScopedAdmin
from core.exceptions import ApplicationError

from . import services
from .choices import CriterionKind
from .eligibility import rule_problem
from .models import (
    Criterion,
    EligibilityRecord,
    Policy,
    PolicyFollow,
    PolicyNotice,
    PolicyVersion,
    TopicFollow,
)
from .resources import PolicyResource
from .search import policies_search_refresh
from .versions import describe_changes


class CriterionAdminForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["kind", "value", "degree", "district", "sectors", "note_zh", "note_en"]

    def clean(self):
        """The model checks every value; only the sectors, saved after the row, are
        checked here."""
        data = super().clean()
        if data.get("kind") == CriterionKind.SECTOR and not data.get("sectors"):
            problem = rule_problem(kind=CriterionKind.SECTOR, has_sectors=False)
            self.add_error("sectors", problem[1])
        return data


class CriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            kind = data.get("kind")
            if not kind or data.get("DELETE"):
                continue
            if kind != CriterionKind.NOTE and kind in seen:
                raise forms.ValidationError(
                    _("Each kind of criterion can appear once; “%(kind)s” appears twice.")
                    % {"kind": dict(CriterionKind.choices)[kind]}
                )
            seen.add(kind)


class CriterionInline(admin.StackedInline):
    model = Criterion
    form = CriterionAdminForm
    formset = CriterionFormSet
    extra = 0
    autocomplete_fields = ["district"]
    filter_horizontal = ["sectors"]
    fields = [("kind", "value", "degree", "district"), "sectors", ("note_zh", "note_en")]


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    extra = 0
    can_delete = False
    fields = ["number", "published_at", "published_by", "what_changed"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("What changed"))
    def what_changed(self, version: PolicyVersion) -> str:
        return "; ".join(describe_changes(version.changes)) or "—"


class PolicyExportForm(SelectableFieldsExportForm):
    """The export form; its "select all" box is wired by a static script, as the
    Content-Security-Policy blocks the inline handler of the library's template."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin_export.js"])


@admin.register(Policy)
class PolicyAdmin(DistrictScopedAdmin, SimpleHistoryAdmin, ImportExportModelAdmin):
    resource_classes = [PolicyResource]
    # The formats the policy file is documented in; import-export's others (HTML, JSON,
    # YAML, ...) are neither documented nor all readable back.
    formats = [base_formats.CSV, base_formats.XLSX]
    export_form_class = PolicyExportForm
    list_display = [
        "__str__",
        "district",
        "category",
        "status",
        "document_number",
        "effective_from",
        "expires_on",
        "published_at",
    ]
    list_filter = ["status", "category", "district", "sectors"]
    search_fields = [
        "title_zh",
        "title_en",
        "summary_zh",
        "summary_en",
        "document_number",
        "authority_zh",
        "authority_en",
    ]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]
    filter_horizontal = ["sectors"]
    readonly_fields = ["status", "published_at", "created_by", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [CriterionInline, PolicyVersionInline]
    actions = ["publish", "archive"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title_zh", "title_en", "summary_zh", "summary_en")}),
        (_("Full text"), {"fields": ("body_zh", "body_en"), "classes": ("collapse",)}),
        (
            _("Issuer"),
            {"fields": ("district", "authority_zh", "authority_en", "document_number")},
        ),
        (
            _("What it gives"),
            {"fields": ("category", "sectors", "benefits_zh", "benefits_en", "benefit_amount")},
        ),
        (_("Dates and source"), {"fields": ("effective_from", "expires_on", "source_url")}),
        (
            _("Status"),
            {"fields": ("status", "published_at", "created_by", "created_at", "updated_at")},
        ),
    )

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Once fields, sectors and criteria are saved: a published policy that changed is
        published as its next version (followers are told)."""
        super().save_related(request, form, formsets, change)
        policies_search_refresh([form.instance.pk])
        version = services.policy_record_change(policy=form.instance, user=request.user)
        if version is not None:
            self.message_user(
                request,
                _("Published as version %(number)d; its followers are told what changed.")
                % {"number": version.number},
                messages.SUCCESS,
            )

    def _run(self, request, queryset, service, done_message) -> int:
        done = 0
        for policy in queryset:
            try:
                service(policy=policy, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{policy}: {exc.message}", messages.ERROR)
            else:
                done += 1
                self.log_change(request, policy, str(done_message))
        return done

    @admin.action(description=_("Publish the selected policies (followers are told)"))
    def publish(self, request, queryset):
        done = self._run(request, queryset, services.policy_publish, _("Published."))
        self.message_user(
            request,
            ngettext("%(count)d policy is published.", "%(count)d policies are published.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Archive the selected policies"))
    def archive(self, request, queryset):
        done = self._run(request, queryset, services.policy_archive, _("Archived."))
        self.message_user(
            request,
            ngettext("%(count)d policy is archived.", "%(count)d policies are archived.", done)
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(PolicyVersion)
class PolicyVersionAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "policy__district"
    list_display = ["policy", "number", "criteria_changed", "published_at", "published_by"]
    list_filter = ["criteria_changed", "policy__district"]
    search_fields = ["policy__title_zh", "policy__title_en", "policy__document_number"]
    list_select_related = ["policy", "published_by"]
    readonly_fields = [field.name for field in PolicyVersion._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PolicyFollow)
class PolicyFollowAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "policy__district"
    list_display = ["user", "policy", "created_at"]
    search_fields = ["user__email", "policy__title_zh", "policy__title_en"]
    autocomplete_fields = ["user", "policy"]
    list_select_related = ["user", "policy"]


@admin.register(TopicFollow)
class TopicFollowAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    list_display = ["user", "district", "municipal", "category", "created_at"]
    list_filter = ["municipal", "category", "district"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user", "district"]
    list_select_related = ["user", "district"]


@admin.register(EligibilityRecord)
class EligibilityRecordAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "policy__district"
    list_display = ["user", "policy", "status", "version", "checked_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "policy__title_zh", "policy__title_en"]
    list_select_related = ["user", "policy"]
    readonly_fields = ["user", "policy", "status", "version", "checked_at"]


@admin.register(PolicyNotice)
class PolicyNoticeAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "policy__district"
    list_display = ["user", "policy", "key", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["user__email", "key"]
    list_select_related = ["user", "policy"]
    readonly_fields = ["user", "policy", "key", "reason", "created_at"]

    def has_add_permission(self, request):
        return False
