from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from pagecache.version import bump_content_version

from .models import (
    Credential,
    Insurer,
    Language,
    ListingChange,
    ListingToCall,
    Location,
    Population,
    ProblemReport,
    Provider,
    Specialty,
    Suggestion,
    VerificationRequest,
    VerificationRound,
    VerifiedBy,
    stale_cutoff,
)  # fmt: skip
from .services import (
    accepted_changes,
    create_provider_from_suggestion,
    review_listing_change,
    send_verification_links,
    verify_listings,
)


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
    list_display = [
        "name", "kind", "status", "accepting_new_clients", "last_verified", "verified_by", "problem_reported",
        "is_sample",
    ]  # fmt: skip
    list_filter = [
        "status", "problem_reported", "kind", "feed", StateFilter, VerifiedFilter, "verified_by",
        "accepting_new_clients", "telehealth", "crisis_walk_in", "is_sample",
    ]  # fmt: skip
    search_fields = ["name", "description", "external_id", "locations__city"]
    readonly_fields = ["feed", "problem_reported", "checks"]
    object_history_template = "admin/directory/provider/object_history.html"
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["credentials", "specialties", "populations", "languages", "insurers"]
    filter_horizontal = ["therapies", "levels"]
    inlines = [LocationInline]
    actions = ["send_confirm_links", "mark_verified_today", "hide", "publish"]
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
                "fields": [
                    "source",
                    "facility_type",
                    "operator",
                    "external_id",
                    "feed",
                    ("last_verified", "verified_by"),
                    "problem_reported",
                    "checks",
                ],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # A moderator who changes the date has checked the listing, unless they say how it was checked.
        if "last_verified" in form.changed_data and "verified_by" not in form.changed_data:
            obj.verified_by = VerifiedBy.ADMIN if obj.last_verified else ""
        if "last_verified" in form.changed_data:
            obj._change_reason = "Verification date changed by a moderator in admin"
        super().save_model(request, obj, form, change)
        if "last_verified" in form.changed_data:
            obj.refresh_problem_flag()  # readers' reports from before the new date no longer count

    @admin.display(description="Checks and reports")
    def checks(self, obj):
        if obj.pk is None:
            return "—"
        links = [
            ("verificationrequest", obj.verification_requests.count(), "confirm request(s)"),
            (
                "listingchange",
                obj.listing_changes.filter(status=ListingChange.Status.NEW).count(),
                "change(s) to review",
            ),
            ("problemreport", obj.problem_reports.filter(resolved=False).count(), "open report(s)"),
        ]
        return format_html_join(
            " · ",
            '<a href="{}?provider__id__exact={}">{} {}</a>',
            ((reverse(f"admin:directory_{model}_changelist"), obj.pk, count, words) for model, count, words in links),
        )

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "listing_events": listing_events(object_id)}
        return super().history_view(request, object_id, extra_context)

    @admin.action(description="Email a confirm-your-listing link (listings without email go to the call list)")
    def send_confirm_links(self, request, queryset):
        verification_round = VerificationRound.objects.create(
            kind=VerificationRound.Kind.ADMIN, started_by=request.user
        )
        emailed, to_call = send_verification_links(
            list(queryset.values_list("pk", flat=True)), round=verification_round, priority="medium"
        )
        self.message_user(
            request,
            f"{verification_round}: {emailed} email(s) queued, {to_call} listing(s) added to the call list.",
            messages.SUCCESS,
        )

    @admin.action(description="Mark verified today (checked in admin)")
    def mark_verified_today(self, request, queryset):
        updated = verify_listings(queryset, VerifiedBy.ADMIN, request.user, "Verified by a moderator in admin")
        self.message_user(request, f"{updated} listing(s) marked verified today.", messages.SUCCESS)

    # A bulk update sends no save signals, so these actions tell the page cache themselves.
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
    list_display = ["provider", "reason", "created_at", "resolved", "listing_flagged"]
    list_filter = ["resolved", "provider__problem_reported", "reason"]
    list_select_related = ["provider"]
    search_fields = ["provider__name", "details"]
    readonly_fields = ["provider", "reason", "details", "contact_email", "created_at"]
    fields = ["provider", "reason", "details", "contact_email", "created_at", "resolved"]
    # Open reports first, and among them the listings readers' reports have flagged.
    ordering = ["resolved", "-provider__problem_reported", "-created_at"]
    actions = ["mark_resolved"]

    @admin.display(description="Listing flagged", boolean=True, ordering="provider__problem_reported")
    def listing_flagged(self, obj):
        return obj.provider.problem_reported

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # ProblemReport.save() re-checks the listing's flag

    @admin.action(description="Mark resolved")
    def mark_resolved(self, request, queryset):
        providers = Provider.objects.filter(pk__in=queryset.values("provider_id"))
        updated = queryset.update(resolved=True)
        for provider in providers:
            provider._history_user = request.user
            provider.refresh_problem_flag("Readers' reports resolved by a moderator: sorted as usual again")
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


def listing_events(provider_id):
    """What happened to a listing outside its own fields, newest first: links sent, answers, reviews, reports."""
    events = []
    requests = VerificationRequest.objects.filter(provider_id=provider_id).select_related("round")
    for request in requests:
        where = f" ({request.round})" if request.round_id else " (asked for on the site)"
        if request.channel == VerificationRequest.Channel.EMAIL:
            events.append((request.created_at, f"Confirm-your-listing link emailed to {request.email}{where}"))
        else:
            events.append((request.created_at, f"Added to the call list{where}"))
        if request.answered_at:
            events.append((request.answered_at, f"Link used: {request.get_outcome_display().lower()}"))
    for change in ListingChange.objects.filter(provider_id=provider_id).select_related("reviewed_by"):
        events.append((change.created_at, f"The provider sent changes to: {', '.join(change.fields) or 'a note only'}"))
        if change.reviewed_at:
            accepted = [name for name, decision in change.decisions.items() if decision == "accept"]
            rejected = [name for name, decision in change.decisions.items() if decision != "accept"]
            events.append(
                (
                    change.reviewed_at,
                    f"Changes reviewed by {change.reviewed_by or 'a moderator'}: accepted "
                    f"{', '.join(accepted) or 'none'}; rejected {', '.join(rejected) or 'none'}",
                )
            )
    for report in ProblemReport.objects.filter(provider_id=provider_id):
        state = "resolved" if report.resolved else "open"
        events.append((report.created_at, f"A reader reported: {report.get_reason_display().lower()} ({state})"))
    return sorted(events, key=lambda event: event[0], reverse=True)


@admin.register(VerificationRound)
class VerificationRoundAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "started_by",
        "older_than_days",
        "asked",
        "confirmed",
        "changed",
        "bounced",
        "no_reply",
    ]
    list_filter = ["kind"]
    readonly_fields = ["kind", "started_at", "started_by", "older_than_days", "outcomes"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("started_by").with_counts()

    def changelist_view(self, request, extra_context=None):
        totals = VerificationRequest.objects.filter(round__isnull=False).counts()
        return super().changelist_view(request, {**(extra_context or {}), "totals": totals})

    def has_add_permission(self, request):
        return False  # rounds are started by request_verifications or the provider list's action

    @admin.display(description="Asked", ordering="asked")
    def asked(self, obj):
        return obj.asked

    @admin.display(description="Confirmed", ordering="confirmed")
    def confirmed(self, obj):
        return obj.confirmed

    @admin.display(description="Sent changes", ordering="changed")
    def changed(self, obj):
        return obj.changed

    @admin.display(description="Bounced", ordering="bounced")
    def bounced(self, obj):
        return obj.bounced

    @admin.display(description="No reply yet", ordering="no_reply")
    def no_reply(self, obj):
        return obj.no_reply

    @admin.display(description="Per listing")
    def outcomes(self, obj):
        base = reverse("admin:directory_verificationrequest_changelist")
        counts = obj.requests.counts()
        links = [
            ("", "asked", counts["asked"]),
            ("&outcome__exact=confirmed", "confirmed", counts["confirmed"]),
            ("&outcome__exact=changed", "sent changes", counts["changed"]),
            ("&outcome__exact=pending", "no reply yet or bounced", counts["no_reply"] + counts["bounced"]),
            ("&channel__exact=phone", "on the call list", counts["by_phone"]),
        ]
        return format_html_join(
            " · ",
            '<a href="{}?round__id__exact={}{}">{} {}</a>',
            ((base, obj.pk, query, n, words) for query, words, n in links),
        )


@admin.register(VerificationRequest)
class VerificationRequestAdmin(admin.ModelAdmin):
    list_display = [
        "provider",
        "channel",
        "email",
        "language",
        "created_at",
        "expires_at",
        "outcome_or_bounce",
        "round",
    ]
    list_filter = ["outcome", "channel", "round"]
    list_select_related = ["provider", "round", "mail"]
    search_fields = ["provider__name", "email"]
    readonly_fields = [
        "provider", "round", "channel", "email", "language", "mail", "created_at", "expires_at", "answered_at",
        "outcome",
    ]  # fmt: skip
    actions = ["mark_bounced"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Outcome")
    def outcome_or_bounce(self, obj):
        return "Bounced" if obj.bounced else obj.get_outcome_display()

    @admin.action(description="Mark bounced (the email came back undelivered)")
    def mark_bounced(self, request, queryset):
        updated = queryset.filter(outcome=VerificationRequest.Outcome.PENDING, channel="email").update(
            outcome=VerificationRequest.Outcome.BOUNCED
        )
        self.message_user(request, f"{updated} request(s) marked bounced.", messages.SUCCESS)


@admin.register(ListingToCall)
class ListingToCallAdmin(admin.ModelAdmin):
    list_display = ["provider", "phone", "place", "last_verified", "created_at", "round"]
    list_select_related = ["provider", "round"]
    search_fields = ["provider__name"]
    actions = ["verified_by_phone"]
    readonly_fields = ["provider", "round", "created_at"]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).to_call()

    def has_add_permission(self, request):
        return False

    @admin.display(description="Phone")
    def phone(self, obj):
        if not obj.provider.phone:
            return "— (look it up)"
        return format_html('<a href="{}">{}</a>', obj.provider.phone_href, obj.provider.phone)

    @admin.display(description="Where")
    def place(self, obj):
        location = obj.provider.locations.first()
        return location.city_state if location else "—"

    @admin.display(description="Last verified", ordering="provider__last_verified")
    def last_verified(self, obj):
        return obj.provider.last_verified

    @admin.action(description="Verified by phone today")
    def verified_by_phone(self, request, queryset):
        calls = list(queryset)
        verify_listings(
            Provider.objects.filter(pk__in=[call.provider_id for call in calls]),
            VerifiedBy.PHONE,
            request.user,
            "Verified by a moderator by phone",
        )
        for call in calls:
            call.answer(VerificationRequest.Outcome.CONFIRMED)
        self.message_user(request, f"{len(calls)} listing(s) verified by phone today.", messages.SUCCESS)


class ListingChangeReviewForm(forms.ModelForm):
    """One accept-or-reject choice per changed field, added per change by ListingChangeAdmin.get_form."""

    class Meta:
        model = ListingChange
        fields = []

    def decisions(self):
        return {
            name.removeprefix("decide__"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("decide__")
        }

    def clean(self):
        data = super().clean()
        if self.instance.status == ListingChange.Status.NEW and not self.errors:
            try:
                accepted_changes(self.instance, self.decisions())
            except ValidationError as error:
                raise ValidationError(
                    [f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()]
                ) from error
        return data


@admin.register(ListingChange)
class ListingChangeAdmin(admin.ModelAdmin):
    list_display = ["provider", "created_at", "changed_fields", "status", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["provider", "reviewed_by"]
    search_fields = ["provider__name"]
    readonly_fields = ["listing", "created_at", "note", "diff", "status", "reviewed_at", "reviewed_by"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Fields")
    def changed_fields(self, obj):
        return ", ".join(obj.fields) or "(a note only)"

    @admin.display(description="Listing")
    def listing(self, obj):
        url = reverse("admin:directory_provider_change", args=[obj.provider_id])
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">as readers see it</a>)',
            url,
            obj.provider,
            obj.provider.get_absolute_url(),
        )

    @admin.display(description="Before and after")
    def diff(self, obj):
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    ListingChange.field_of(name).verbose_name,
                    shown(values["before"]),
                    shown(values["after"]),
                    obj.decisions.get(name, "") if obj.status == ListingChange.Status.REVIEWED else "",
                )
                for name, values in obj.fields.items()
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>Field</th><th scope='col'>Now</th><th scope='col'>The provider says</th>"
            "<th scope='col'>Decision</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        declared = {}
        if obj is not None and obj.status == ListingChange.Status.NEW:
            for name in obj.fields:
                declared[f"decide__{name}"] = forms.ChoiceField(
                    label=f"{ListingChange.field_of(name).verbose_name}",
                    choices=ListingChange.Decision.choices,
                    widget=forms.RadioSelect,
                )
        kwargs["fields"] = list(declared)
        kwargs["form"] = type("ListingChangeReviewForm", (ListingChangeReviewForm,), declared)  # consumes `declared`
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.readonly_fields})]
        if obj is not None and obj.status == ListingChange.Status.NEW and obj.fields:
            fieldsets.append(
                (
                    "Decide each field",
                    {
                        "description": "Accepted fields are published at once and the listing counts as confirmed by "
                        "the provider today; rejected ones change nothing.",
                        "fields": [f"decide__{name}" for name in obj.fields],
                    },
                )
            )
        return fieldsets

    def save_model(self, request, obj, form, change):
        if obj.status == ListingChange.Status.NEW:
            review_listing_change(obj, form.decisions(), request.user)

    def save_related(self, request, form, formsets, change):
        pass  # nothing related to save: the review wrote everything


def shown(value):
    if value is None:
        return "(not given)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value or "(empty)"
