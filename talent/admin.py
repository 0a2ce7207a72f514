from django.contrib import admin

from .models import AdvisorProfile


@admin.register(AdvisorProfile)
class AdvisorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
