from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AdvisorProfile,
    ConsentRecord,
    Consultation,
    Education,
    Employer,
    Institution,
    ReturneeProfile,
    Skill,
    WorkExperience,
)
from .normalize import normalize_key


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0
    autocomplete_fields = ["institution"]


class WorkInline(admin.TabularInline):
    model = WorkExperience
    extra = 0
    autocomplete_fields = ["employer"]


@admin.register(ReturneeProfile)
class ReturneeProfileAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "user",
        "work_district",
        "is_public",
        "matching_consent",
        "updated_at",
    ]
    list_filter = ["is_public", "matching_consent", "work_district", "sectors"]
    search_fields = ["user__email", "user__full_name", "headline", "skills__name"]
    autocomplete_fields = ["user", "skills"]
    filter_horizontal = ["sectors"]
    list_select_related = ["user", "work_district"]
    # Consents are the person's to give and withdraw (and are recorded when they do).
    readonly_fields = [
        "is_public",
        "public_since",
        "matching_consent",
        "matching_consent_at",
        "created_at",
        "updated_at",
    ]
    inlines = [EducationInline, WorkInline]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Read-only: the proof of what each person agreed to."""

    list_display = ["user", "purpose", "notice_version", "granted_at", "withdrawn_at"]
    list_filter = ["purpose", "notice_version", "granted_via", "withdrawn_via"]
    search_fields = ["user__email"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NormalizedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "key"]
    search_fields = ["name", "key"]
    readonly_fields = ["key"]

    def save_model(self, request, obj, form, change):
        obj.key = normalize_key(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(Skill)
class SkillAdmin(NormalizedNameAdmin):
    pass


@admin.register(Institution)
class InstitutionAdmin(NormalizedNameAdmin):
    list_display = ["name", "key", "country"]
    list_filter = ["country"]


@admin.register(Employer)
class EmployerAdmin(NormalizedNameAdmin):
    list_display = ["name", "key", "country"]
    list_filter = ["country"]


@admin.register(AdvisorProfile)
class AdvisorProfileAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "user", "organisation", "monthly_capacity", "is_active"]
    list_filter = ["is_active", "districts", "sectors"]
    search_fields = ["user__email", "user__full_name", "title_zh", "title_en"]
    autocomplete_fields = ["user", "organisation"]
    filter_horizontal = ["sectors", "districts"]
    list_select_related = ["user", "organisation"]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "mode", "scheduled_at", "rating", "created_at"]
    list_filter = ["status", "topic", "mode"]
    search_fields = [
        "requester__email",
        "requester__full_name",
        "advisor__user__full_name",
        "message",
    ]
    autocomplete_fields = ["requester", "advisor"]
    date_hierarchy = "created_at"
    list_select_related = ["requester", "advisor__user"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("requester", "advisor", "topic", "mode", "message", "preferred_times")}),
        (
            _("Outcome"),
            {"fields": ("status", "scheduled_at", "location", "decline_reason", "notes")},
        ),
        (_("Rating"), {"fields": ("rating", "rating_comment")}),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )
