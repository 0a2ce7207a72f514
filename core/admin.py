from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import delivery, privacy
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


class SuperuserGrantsMixin:
    """Who acts in which district is for superusers to say: staff who may change users or
    grants still cannot give themselves (or anyone) a district."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class DistrictGrantInline(SuperuserGrantsMixin, admin.TabularInline):
    model = DistrictGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["district"]
    readonly_fields = ["granted_by", "granted_at"]


class NotificationPreferenceInline(admin.TabularInline):
    model = NotificationPreference
    extra = 0


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language", "district_grants__district"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login", "email_verified_at", "erased_at"]
    # Only a superuser gives the powers of staff and superusers, groups and permissions.
    privileges = ["is_staff", "is_superuser", "groups", "user_permissions"]
    inlines = [DistrictGrantInline, NotificationPreferenceInline]
    actions = ["erase_accounts"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal information"), {"fields": ("full_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("Important dates"),
            {"fields": ("last_login", "date_joined", "email_verified_at", "erased_at")},
        ),
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, *self.privileges]

    @admin.action(description=_("Erase the selected accounts and their personal data"))
    def erase_accounts(self, request, queryset):
        """For a deletion request received outside the portal (PIPL art. 47)."""
        erased = sum(privacy.erase_user(user) for user in queryset.exclude(pk=request.user.pk))
        self.message_user(
            request,
            ngettext("%(count)d account erased.", "%(count)d accounts erased.", erased)
            % {"count": erased},
            messages.SUCCESS,
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version's page links to "../password/" (the password form), which lands
        # here as a version id: not found, rather than an error.
        if not version_id.isdigit():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

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
class DistrictGrantAdmin(SuperuserGrantsMixin, SimpleHistoryAdmin):
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
    search_fields = ["subject", "recipient__email", "address"]
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
