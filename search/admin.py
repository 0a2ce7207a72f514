"""Officials and admins extend the synonyms here; a change takes effect at the next search."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .models import SynonymGroup
from .synonyms import synonyms_changed


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "topic", "is_active", "updated_at"]
    list_filter = ["topic", "is_active"]
    search_fields = ["terms", "note"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["terms", "topic", "is_active", "note", "created_at", "updated_at"]
    actions = ["activate", "deactivate"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        synonyms_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        synonyms_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        synonyms_changed()

    def _set_active(self, request, queryset, active: bool) -> int:
        changed = 0
        for group in queryset.exclude(is_active=active):
            group.is_active = active
            group.save(update_fields=["is_active", "updated_at"])
            self.log_change(request, group, str(_("Activated.") if active else _("Deactivated.")))
            changed += 1
        synonyms_changed()
        return changed

    @admin.action(description=_("Use the selected synonym groups in searches"))
    def activate(self, request, queryset):
        count = self._set_active(request, queryset, True)
        self.message_user(
            request,
            ngettext(
                "%(count)d synonym group is used again.",
                "%(count)d synonym groups are used again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Stop using the selected synonym groups"))
    def deactivate(self, request, queryset):
        count = self._set_active(request, queryset, False)
        self.message_user(
            request,
            ngettext(
                "%(count)d synonym group is no longer used.",
                "%(count)d synonym groups are no longer used.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
