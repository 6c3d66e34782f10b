from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from pagecache.version import bump_content_version

from .models import (
    Credential,
    Insurer,
    Language,
    Location,
    Population,
    ProblemReport,
    Provider,
    Specialty,
    Suggestion,
    stale_cutoff,
)  # fmt: skip
from .services import create_provider_from_suggestion


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    fields = [("street", "city", "state", "zip_code"), ("latitude", "longitude")]


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        states = Location.objects.order_by("state").values_list("state", flat=True).distinct()
        return [(state, state) for state in states]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(locations__state=self.value()).distinct()
        return queryset


class VerifiedFilter(admin.SimpleListFilter):
    title = "verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("fresh", "In the last 12 months"), ("stale", "Over 12 months ago"), ("never", "Never")]

    def queryset(self, request, queryset):
        if self.value() == "fresh":
            return queryset.filter(last_verified__gte=stale_cutoff())
        if self.value() == "stale":
            return queryset.filter(last_verified__lt=stale_cutoff())
        if self.value() == "never":
            return queryset.filter(last_verified__isnull=True)
        return queryset


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "accepting_new_clients", "telehealth", "last_verified", "is_sample"]
    list_filter = [
        "status", "kind", "feed", StateFilter, VerifiedFilter, "accepting_new_clients", "telehealth", "crisis_walk_in",
        "is_sample",
    ]  # fmt: skip
    search_fields = ["name", "description", "external_id", "locations__city"]
    readonly_fields = ["feed"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["credentials", "specialties", "populations", "languages", "insurers"]
    filter_horizontal = ["therapies", "levels"]
    inlines = [LocationInline]
    actions = ["mark_verified_today", "hide", "publish"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "credentials", "description", "status", "is_sample"]}),
        ("Care", {"fields": ["specialties", "therapies", "levels", "other_treatments", "populations", "languages"]}),
        (
            "Crisis care",
            {
                "description": "Walk-in, mobile and on-site crisis care are filters readers can search by.",
                "fields": [
                    ("crisis_walk_in", "crisis_mobile", "crisis_onsite"),
                    ("crisis_intervention_team", "suicide_prevention"),
                ],
            },
        ),
        ("Ages served", {"fields": [("serves_children", "serves_teens", "serves_adults", "serves_older_adults")]}),
        (
            "Payment",
            {
                "fields": [
                    "insurers",
                    ("accepts_medicaid", "accepts_medicare", "sliding_scale", "self_pay"),
                    ("accepts_private_insurance", "accepts_tricare"),
                    ("fee_min", "fee_max"),
                ]
            },
        ),
        (
            "How and where",
            {
                "description": "A provider with no location below is shown as remote only.",
                "fields": [
                    ("in_person", "telehealth"),
                    "telehealth_states",
                    "accepting_new_clients",
                    "phone",
                    "intake_phones",
                    "email",
                    "website",
                ],
            },
        ),
        (
            "Trust",
            {
                "description": (
                    "Listings not verified for 12 months are shown as 'not verified recently' and sorted last. A "
                    "listing kept up to date by a feed (SAMHSA's directory, a 211's HSDS export) keeps every field "
                    "you edit here: the next import leaves it as you left it. 'Withdrawn' means the feed no longer "
                    "lists it."
                ),
                "fields": ["source", "facility_type", "operator", "external_id", "feed", "last_verified"],
            },
        ),
    ]

    # A bulk update sends no save signals, so these actions tell the page cache themselves.
    @admin.action(description="Mark verified today")
    def mark_verified_today(self, request, queryset):
        updated = queryset.update(last_verified=timezone.localdate())
        bump_content_version()
        self.message_user(request, f"{updated} listing(s) marked verified today.", messages.SUCCESS)

    @admin.action(description="Hide from the directory")
    def hide(self, request, queryset):
        updated = queryset.update(status=Provider.Status.HIDDEN)
        bump_content_version()
        self.message_user(request, f"{updated} listing(s) hidden.", messages.SUCCESS)

    @admin.action(description="Publish")
    def publish(self, request, queryset):
        updated = queryset.update(status=Provider.Status.PUBLISHED)
        bump_content_version()
        self.message_user(request, f"{updated} listing(s) published.", messages.SUCCESS)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "state", "relationship", "status", "created_at", "listing"]
    list_filter = ["status", "kind", "relationship"]
    search_fields = ["name", "description", "city"]
    readonly_fields = ["created_at", "provider"]
    actions = ["make_provider", "reject"]

    @admin.display(description="Listing")
    def listing(self, obj):
        if obj.provider_id:
            return format_html('<a href="../provider/{}/change/">Open</a>', obj.provider_id)
        return "—"

    @admin.action(description="Turn into a pending listing")
    def make_provider(self, request, queryset):
        created = 0
        for suggestion in queryset.filter(status=Suggestion.Status.NEW):
            create_provider_from_suggestion(suggestion)
            created += 1
        self.message_user(
            request,
            f"{created} pending listing(s) created. Complete and publish them under Providers.",
            messages.SUCCESS,
        )

    @admin.action(description="Reject")
    def reject(self, request, queryset):
        updated = queryset.filter(status=Suggestion.Status.NEW).update(status=Suggestion.Status.REJECTED)
        self.message_user(request, f"{updated} suggestion(s) rejected.", messages.SUCCESS)


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["provider", "reason", "created_at", "resolved"]
    list_filter = ["resolved", "reason"]
    list_select_related = ["provider"]
    search_fields = ["provider__name", "details"]
    readonly_fields = ["provider", "reason", "details", "contact_email", "created_at"]
    actions = ["mark_resolved"]

    @admin.action(description="Mark resolved")
    def mark_resolved(self, request, queryset):
        updated = queryset.update(resolved=True)
        self.message_user(request, f"{updated} report(s) marked resolved.", messages.SUCCESS)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "full_name"]
    search_fields = ["abbreviation", "full_name"]


@admin.register(Specialty, Population, Language, Insurer)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
