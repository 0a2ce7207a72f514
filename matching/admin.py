"""Matches and advisor proposals are written by the matching engine and changed by their
people (dismiss, act) and by officials (override, with a reason) through services. The admin
shows them and the proposals' history, and changes nothing: an edit here would skip the
capacity check and the audit trail, and a deleted match would be found and told again."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_scope import DistrictScopedAdmin

from .models import AdvisorProposal, Match


class _SetFilter(admin.SimpleListFilter):
    """Yes/no on whether a date column is set."""

    column = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(**{f"{self.column}__isnull": False})
        if self.value() == "no":
            return queryset.filter(**{f"{self.column}__isnull": True})
        return queryset


class DismissedFilter(_SetFilter):
    title = _("dismissed")
    parameter_name = "dismissed"
    column = "dismissed_at"


class NotifiedFilter(_SetFilter):
    title = _("notified")
    parameter_name = "notified"
    column = "notified_at"


class ActedFilter(_SetFilter):
    title = _("acted on")
    parameter_name = "acted"
    column = "acted_at"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Match)
class MatchAdmin(DistrictScopedAdmin, ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "subject_display",
        "target_display",
        "score",
        "district",
        "is_current",
        "created_at",
        "notified_at",
        "dismissed_at",
        "action",
    ]
    list_filter = ["kind", "is_current", DismissedFilter, NotifiedFilter, ActedFilter, "district"]
    search_fields = ["returnee__email"]
    raw_id_fields = ["returnee", "startup", "opening", "advisor", "policy", "event", "district"]
    list_select_related = [
        "returnee",
        "startup",
        "opening__startup",
        "advisor__user",
        "policy",
        "event",
        "district",
    ]
    date_hierarchy = "created_at"
    show_full_result_count = False  # a count of a city's matches is slow and says little

    @admin.display(description=_("for"))
    def subject_display(self, match):
        return match.subject

    @admin.display(description=_("matched with"))
    def target_display(self, match):
        return match.target


@admin.register(AdvisorProposal)
class AdvisorProposalAdmin(DistrictScopedAdmin, SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = [
        "id",
        "returnee",
        "startup",
        "advisor",
        "district",
        "score",
        "status",
        "run",
        "decided_by",
        "created_at",
    ]
    list_filter = ["status", "district"]
    search_fields = ["returnee__email", "startup__name", "advisor__user__email"]
    raw_id_fields = ["returnee", "startup", "advisor", "replaces", "decided_by", "district"]
    list_select_related = ["returnee", "startup", "advisor__user", "district", "decided_by"]
    date_hierarchy = "created_at"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version can be looked at, never reverted to (that would skip the audit)."""
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
