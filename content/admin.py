from django.contrib import admin
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import Citation, LevelFacts, Page, Reviewer, Source, TherapyFacts

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


class CitationInline(admin.TabularInline):
    model = Citation
    extra = 0
    can_delete = False
    fields = ["number", "source"]
    readonly_fields = ["number", "source"]
    verbose_name_plural = "Sources cited in the body, numbered as readers see them (update the body to change)"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(SimpleHistoryAdmin):
    list_display = [
        "title", "language", "kind", "status", "reviewer", "reviewed_on", "next_review_due", "preview_link",
    ]  # fmt: skip
    list_filter = [ReviewDueFilter, "status", "kind", "audience", "language"]
    list_select_related = ["reviewer"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["reviewer", "related", "translation_of"]
    inlines = [LevelFactsInline, TherapyFactsInline, CitationInline]
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
                    "a review date and at least one citation."
                ),
                "fields": ["status", *REVIEW_FIELDS],
            },
        ),
        ("Related pages", {"fields": ["related"]}),
    ]

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html('<a href="{}">View</a>', obj.get_absolute_url())

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
