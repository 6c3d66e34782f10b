from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import Citation, EvidenceFinding, LevelFacts, Page, Reviewer, Source, TherapyFacts, ToolReview
from .safe_messaging import check_page

PUBLISH_PERMISSION = "content.publish_page"
REVIEW_FIELDS = ["reviewer", "reviewed_on", "next_review_due"]


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Review overdue"), ("30days", "Due in 30 days")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.review_overdue()
        if self.value() == "30days":
            return queryset.review_due_within(30)
        return queryset


class LevelFactsInline(admin.StackedInline):
    model = LevelFacts
    extra = 0
    max_num = 1
    verbose_name_plural = "Level of care facts (levels of care only)"


class TherapyFactsInline(admin.StackedInline):
    model = TherapyFacts
    extra = 0
    max_num = 1
    autocomplete_fields = ["evidence_sources"]
    verbose_name_plural = "Therapy facts (therapies only)"


class EvidenceFindingInline(admin.TabularInline):
    model = EvidenceFinding
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["ages", "outcome", "effect", "certainty", "source", "order"]
    verbose_name_plural = (
        "Evidence findings (therapies only): what each review found, per age group, in the review's own words"
    )


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    can_delete = False
    fields = ["number", "source"]
    readonly_fields = ["number", "source"]
    verbose_name_plural = "Sources cited in the body, numbered as readers see them (update the body to change)"

    def has_add_permission(self, request, obj=None):
        return False


class PageAdminForm(forms.ModelForm):
    """Runs the safe-messaging checks on pages going to review or publication.

    The checks only warn: an editor can still save. Publishing a page that has warnings needs a reason,
    which is kept as the change reason in the page's history.
    """

    CHECKED_STATUSES = {Page.Status.REVIEW, Page.Status.PUBLISHED}

    warning_override_reason = forms.CharField(
        label="Reason for publishing despite warnings",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=(
            "Only needed to publish a page that has safe-messaging warnings (shown at the top after saving). "
            "Say why it is right to publish anyway, for example: the number is cited in the next sentence. "
            "The reason is kept in the page's history."
        ),
    )

    def clean(self):
        cleaned_data = super().clean()

        def value(name):
            return cleaned_data.get(name, getattr(self.instance, name)) or ""

        status = value("status")
        self.safe_messaging_warnings = []
        if status in self.CHECKED_STATUSES:
            self.safe_messaging_warnings = check_page(
                value("title"), value("summary"), value("content_note"), value("body"), value("language")
            )
        if (
            status == Page.Status.PUBLISHED
            and self.safe_messaging_warnings
            and not cleaned_data.get("warning_override_reason", "").strip()
        ):
            self.add_error(
                "warning_override_reason",
                f"This page has {len(self.safe_messaging_warnings)} safe-messaging warning(s), listed at the top. "
                "Fix them, or give a reason for publishing anyway. Nothing was saved or published.",
            )
        return cleaned_data


@admin.register(Page)
class PageAdmin(SimpleHistoryAdmin):
    form = PageAdminForm
    list_display = [
        "title", "language", "kind", "status", "reviewer", "reviewed_on", "next_review_due", "preview_link",
    ]  # fmt: skip
    list_filter = [ReviewDueFilter, "status", "kind", "audience", "language"]
    list_select_related = ["reviewer"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["reviewer", "related", "translation_of"]
    inlines = [LevelFactsInline, TherapyFactsInline, EvidenceFindingInline, CitationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "audience", "order", "summary", "content_note"]}),
        (
            "Language",
            {
                "description": "A Spanish page names the English page it translates; readers can switch between them.",
                "fields": ["language", "translation_of"],
            },
        ),
        (
            "Body",
            {
                "description": (
                    "Write in Markdown. Cite a source right after a claim with its key in square brackets, "
                    "e.g. [@nice-ng225]. Several at once: [@nice-ng225; @hawton-2016]. Sources are numbered "
                    "for readers in the order they are first cited."
                ),
                "fields": ["body"],
            },
        ),
        (
            "Review and publishing",
            {
                "description": (
                    "Only Reviewers can publish or set review dates. A published page needs a reviewer, "
                    "a review date and at least one citation. Saving a page for review or publishing runs the "
                    "safe-messaging checks; publishing over a warning needs a reason."
                ),
                "fields": ["status", *REVIEW_FIELDS, "warning_override_reason"],
            },
        ),
        ("Related pages", {"fields": ["related"]}),
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("warning_override_reason", "").strip()
        if reason and form.safe_messaging_warnings:
            obj._change_reason = f"Published despite warnings: {reason}"
        super().save_model(request, obj, form, change)
        self.show_warnings(request, form)

    def render_change_form(self, request, context, *args, **kwargs):
        form = context["adminform"].form
        if form.is_bound and form.errors:
            self.show_warnings(request, form)
        return super().render_change_form(request, context, *args, **kwargs)

    def show_warnings(self, request, form):
        for warning in getattr(form, "safe_messaging_warnings", []):
            messages.warning(request, f"Safe messaging: {warning}")

    def can_publish(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        if self.can_publish(request):
            return []
        if obj is not None and obj.is_published:
            return ["status", *REVIEW_FIELDS]
        return REVIEW_FIELDS

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.can_publish(request):
            kwargs["choices"] = [
                (value, label) for value, label in Page.Status.choices if value != Page.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ["key", "title", "authors", "year", "kind"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "authors", "doi"]
    fieldsets = [
        (
            None,
            {
                "description": (
                    "Check every detail against the publisher's own page before saving. Never cite from memory."
                ),
                "fields": ["key", "kind", "authors", "title", "publisher", "year", "url", "doi"],
            },
        )
    ]


@admin.register(Reviewer)
class ReviewerAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "is_sample"]
    search_fields = ["name", "credentials"]


@admin.register(ToolReview)
class ToolReviewAdmin(SimpleHistoryAdmin):
    list_display = ["tool", "reviewer", "reviewed_on", "next_review_due"]
    list_select_related = ["reviewer"]
    fieldsets = [
        (
            None,
            {
                "fields": ["tool", "reviewer", "reviewed_on", "next_review_due"],
                "description": "The safety plan and “Where do I start?” show this byline, like a page's. Their words "
                "are in the site's templates, so set a new review date when a reviewer has read them again.",
            },
        )
    ]
