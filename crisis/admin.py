from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import STALE_AFTER, CrisisResource


class VerificationFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", f"Not verified in {STALE_AFTER.days // 30} months")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.stale()
        return queryset


@admin.register(CrisisResource)
class CrisisResourceAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "phone",
        "text_number",
        "banner_role",
        "active",
        "order",
        "verified_on",
        "verified_recently",
    ]
    list_filter = [VerificationFilter, "active", "banner_role", "language"]
    list_editable = ["order"]
    search_fields = ["name", "purpose", "phone"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "language", "purpose", "audience", "active", "order", "banner_role"]}),
        (
            "How to reach it",
            {
                "description": "Numbers change. Check every detail against the operator's own page before saving.",
                "fields": ["phone", "text_number", "text_keyword", "chat_url", "tty", "options", "languages", "hours"],
            },
        ),
        ("Verification", {"fields": ["source_url", "verified_on"]}),
    ]

    @admin.display(boolean=True, description="Verified in 6 months")
    def verified_recently(self, obj):
        return not obj.needs_verification
