"""Django admin for rows that belong to a district: a staff member who is not a superuser
sees, changes and deletes only the rows of the districts they hold a grant for
(`core.permissions`), and picks only those districts (and those districts' rows) in forms.
Django's model permissions still decide what they may do at all.

A model admin names the lookup path from its row to the district::

    class RegistrationAdmin(DistrictScopedAdmin, SimpleHistoryAdmin):
        district_field = "event__district"

(the mixin comes first, before `admin.ModelAdmin` or `SimpleHistoryAdmin`). Another
district's row answers 403; the change list, actions, exports, autocompletes and history
list only one's own. Importing, which may write any district's rows, is for superusers.
"""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError

from . import permissions
from .models import District


class DistrictScopedAdmin:
    district_field = "district"

    # Rows ---------------------------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return permissions.in_managed_districts(queryset, request.user, self.district_field)

    def district_id_of(self, obj) -> int | None:
        """The district of `obj`, following `district_field`."""
        *path, last = self.district_field.split("__")
        for name in path:
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id", None)

    def _in_scope(self, request, obj) -> bool:
        return obj is None or permissions.manages_district(request.user, self.district_id_of(obj))

    def get_object(self, request, object_id, from_field=None):
        """The row, if it is in one's districts; another district's row is a 403 (not the
        admin's "does not exist" page, which would hide a refusal)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not permissions.acts_everywhere(request.user):
            model = self.model
            field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
            try:
                value = field.to_python(object_id)
                exists = model._default_manager.filter(**{field.name: value}).exists()
            except (ValidationError, ValueError, FieldDoesNotExist):
                exists = False
            if exists:
                raise PermissionDenied
        return obj

    # Permissions on a row, Django's model permissions first ---------------------------------

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def has_import_permission(self, request):
        """django-import-export's import writes rows of any district."""
        allowed = getattr(super(), "has_import_permission", None)
        return bool(allowed and allowed(request)) and permissions.acts_everywhere(request.user)

    # Forms: only one's districts, and only their rows ------------------------------------

    def get_autocomplete_fields(self, request):
        """A district is chosen from a short list of one's own (the autocomplete would offer
        every district)."""
        fields = list(super().get_autocomplete_fields(request))
        if permissions.acts_everywhere(request.user):
            return fields
        return [name for name in fields if not self._is_district(name)]

    def _is_district(self, name: str) -> bool:
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return getattr(field, "related_model", None) is District

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and not permissions.acts_everywhere(request.user):
            if db_field.related_model is District:
                kwargs["queryset"] = permissions.managed_districts(request.user)
                if db_field.name == self.district_field:
                    kwargs["required"] = True  # no district (municipal): superusers only
            else:
                related = self.admin_site._registry.get(db_field.related_model)
                if isinstance(related, DistrictScopedAdmin):
                    kwargs["queryset"] = related.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
