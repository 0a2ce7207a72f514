from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_scope import DistrictScopedAdmin
from core.exceptions import ApplicationError

from . import services
from .models import Founder, FounderInvitation, Opening, Startup, StartupConsultation
from .search import openings_reindex, startups_reindex


class FounderInline(admin.TabularInline):
    model = Founder
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "joined_at"]


class OpeningInline(admin.TabularInline):
    model = Opening
    extra = 0
    fields = ["title", "sector", "is_open", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["sector"]
    show_change_link = True


@admin.register(Startup)
class StartupAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "district",
        "park",
        "sector",
        "stage",
        "team_size",
        "is_verified",
        "created_at",
    ]
    list_filter = ["district", "sector", "stage", "is_verified", "park"]
    search_fields = [
        "name",
        "description_zh",
        "description_en",
        "founders__user__email",
        "founders__user__full_name",
    ]
    autocomplete_fields = ["district", "park", "sector"]
    list_select_related = ["district", "park", "sector"]
    readonly_fields = ["is_verified", "verified_by", "verified_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [FounderInline, OpeningInline]
    actions = ["verify", "unverify"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "description_zh", "description_en", "website")}),
        (_("Place and sector"), {"fields": ("district", "park", "sector")}),
        (_("Company"), {"fields": ("founded", "stage", "team_size", "needs")}),
        (
            _("Verification"),
            {"fields": ("is_verified", "verified_by", "verified_at", "created_at", "updated_at")},
        ),
    )

    def save_related(self, request, form, formsets, change):
        """Once the startup and its openings are saved: their search words."""
        super().save_related(request, form, formsets, change)
        startups_reindex(Startup.objects.filter(pk=form.instance.pk))
        openings_reindex(Opening.objects.filter(startup=form.instance))

    def _run(self, request, queryset, service, done_message):
        done = 0
        for startup in queryset:
            try:
                service(startup=startup, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{startup}: {exc.message}", messages.ERROR)
            else:
                done += 1
                self.log_change(request, startup, str(done_message))
        return done

    @admin.action(description=_("Mark the selected startups verified (founders are told)"))
    def verify(self, request, queryset):
        done = self._run(request, queryset, services.startup_verify, _("Verified."))
        self.message_user(
            request,
            ngettext("%(count)d startup is verified.", "%(count)d startups are verified.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw the verification of the selected startups"))
    def unverify(self, request, queryset):
        done = self._run(request, queryset, services.startup_unverify, _("Verification withdrawn."))
        self.message_user(
            request,
            ngettext(
                "%(count)d startup is no longer verified.",
                "%(count)d startups are no longer verified.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(Opening)
class OpeningAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "startup__district"
    list_display = ["title", "startup", "sector", "is_open", "created_at"]
    list_filter = ["is_open", "sector", "startup__district"]
    search_fields = ["title", "description", "startup__name", "skills__name"]
    autocomplete_fields = ["startup", "sector", "skills"]
    list_select_related = ["startup", "sector"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"

    def save_related(self, request, form, formsets, change):
        """Once the opening and its skills are saved: its search words."""
        super().save_related(request, form, formsets, change)
        openings_reindex(Opening.objects.filter(pk=form.instance.pk))


@admin.register(Founder)
class FounderAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "startup__district"
    list_display = ["user", "startup", "role", "joined_at"]
    search_fields = ["user__email", "user__full_name", "startup__name"]
    list_filter = ["startup__district"]
    autocomplete_fields = ["user", "startup"]
    list_select_related = ["user", "startup"]


@admin.register(StartupConsultation)
class StartupConsultationAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "startup__district"
    list_display = ["startup", "consultation", "created_at"]
    search_fields = ["startup__name", "consultation__requester__email"]
    autocomplete_fields = ["startup", "consultation"]
    list_select_related = ["startup", "consultation__advisor__user", "consultation__requester"]
    readonly_fields = ["created_at"]


@admin.register(FounderInvitation)
class FounderInvitationAdmin(DistrictScopedAdmin, admin.ModelAdmin):
    district_field = "startup__district"
    """Invitations are made and answered through the portal (their links are signed there);
    here they are read, and deleting a pending one makes its link stop working."""

    list_display = [
        "address",
        "startup",
        "role",
        "status",
        "invited_by",
        "created_at",
        "expires_at",
        "closed_at",
    ]
    list_filter = ["status", "created_at", "expires_at", "startup__district"]
    search_fields = ["address", "startup__name", "invited_by__email", "invited_by__full_name"]
    list_select_related = ["startup", "invited_by"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in FounderInvitation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
