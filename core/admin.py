from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import delivery
from .models import (
    District,
    DistrictGrant,
    IndustrialPark,
    Notification,
    NotificationPreference,
    Organisation,
    Sector,
    User,
)


class DistrictGrantInline(admin.TabularInline):
    model = DistrictGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["district"]
    readonly_fields = ["granted_by", "granted_at"]


class NotificationPreferenceInline(admin.TabularInline):
    model = NotificationPreference
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language", "district_grants__district"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    inlines = [DistrictGrantInline, NotificationPreferenceInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal information"), {"fields": ("full_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "language", "password1", "password2"),
            },
        ),
    )

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, DistrictGrant) and instance.granted_by_id is None:
                instance.granted_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


class BilingualAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(District)
class DistrictAdmin(BilingualAdmin):
    list_display = [*BilingualAdmin.list_display, "sort_order"]
    list_editable = ["sort_order"]


@admin.register(Sector)
class SectorAdmin(BilingualAdmin):
    list_display = [*BilingualAdmin.list_display, "is_pillar", "sort_order"]
    list_filter = ["is_pillar"]


@admin.register(IndustrialPark)
class IndustrialParkAdmin(BilingualAdmin):
    list_display = [*BilingualAdmin.list_display, "district"]
    list_filter = ["district", "sectors"]
    autocomplete_fields = ["district"]
    filter_horizontal = ["sectors"]


@admin.register(Organisation)
class OrganisationAdmin(BilingualAdmin):
    list_display = [*BilingualAdmin.list_display, "kind", "district"]
    list_filter = ["kind", "district"]


@admin.register(DistrictGrant)
class DistrictGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "district", "granted_by", "granted_at"]
    list_filter = ["district"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "district"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if obj.granted_by_id is None:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "frequency", "status", "created_at", "sent_at"]
    list_filter = ["status", "kind", "frequency", "emailed"]
    search_fields = ["subject", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["deliver_now", "retry_failed"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected pending instant notifications now"))
    def deliver_now(self, request, queryset):
        sent = sum(
            1 for pk in queryset.values_list("pk", flat=True) if delivery.deliver_notification(pk)
        )
        self.message_user(
            request,
            ngettext("%(count)d notification sent.", "%(count)d notifications sent.", sent)
            % {"count": sent},
            messages.SUCCESS,
        )

    @admin.action(description=_("Try the selected failed notifications again"))
    def retry_failed(self, request, queryset):
        count = delivery.retry_failed(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be tried again.",
                "%(count)d notifications will be tried again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "frequency", "updated_at"]
    list_filter = ["kind", "frequency"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
