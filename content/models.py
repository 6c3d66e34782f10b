from datetime import timedelta

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .rendering import cited_keys, render_body
from .search import PageSearchMixin

REVIEW_INTERVAL = timedelta(days=365)


class Reviewer(models.Model):
    name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=200, help_text="e.g. PhD, licensed clinical psychologist")
    is_sample = models.BooleanField(
        default=False, help_text="A placeholder until a real clinician reviews. Shown as a sample on the site."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}"


class Source(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Clinical guideline"
        STUDY = "study", "Peer-reviewed study"
        REVIEW = "review", "Systematic review"
        GOVERNMENT = "government", "Government health body"
        ORGANISATION = "organisation", "Health organisation or charity"

    key = models.SlugField(
        max_length=80, unique=True, help_text="Short name editors cite in a page body as [@key], e.g. linehan-2006."
    )
    authors = models.CharField(max_length=500)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=300, help_text="Journal or publishing body.")
    year = models.PositiveIntegerField(null=True, blank=True, help_text="Leave blank if the page shows no date.")
    url = models.URLField(max_length=500)
    doi = models.CharField("DOI", max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    curated_hash = models.CharField(max_length=64, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}: {self.title}"

    @property
    def short_name(self):
        """ "Linehan et al." for people, the organisation's name for bodies."""
        if "," not in self.authors:
            return self.authors
        surname = self.authors.split(",")[0].strip().rsplit(" ", 1)[0]
        return f"{surname} et al."


class PageQuerySet(PageSearchMixin, models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)

    def in_language(self, language=None):
        """Pages in the given language, by default the language of the current request."""
        return self.filter(language=language or translation.get_language())

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def by_english_slug(self, slugs, language=None):
        """The pages with these English slugs, keyed by English slug: each in the given language (by default the
        request's) where that translation exists, else the English page, so a link never leads to a 404."""
        language = language or translation.get_language()
        pages = {page.slug: page for page in self.filter(language=Page.Language.ENGLISH, slug__in=slugs)}
        if language != Page.Language.ENGLISH:
            translated = self.filter(language=language, translation_of__slug__in=slugs).select_related("translation_of")
            pages.update({page.translation_of.slug: page for page in translated})
        return pages

    def review_overdue(self, today=None):
        return self.filter(next_review_due__lt=today or timezone.localdate())

    def review_due_within(self, days, today=None):
        today = today or timezone.localdate()
        return self.filter(next_review_due__gte=today, next_review_due__lte=today + timedelta(days=days))


class Page(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        LEVEL = "level", _("Level of care")
        THERAPY = "therapy", _("Therapy")
        GUIDE = "guide", _("Guide for loved ones")

    class Audience(models.TextChoices):
        ME = "me", _("For me")
        LOVED_ONE = "loved_one", _("For someone I care about")
        BOTH = "both", _("For both")

    class Language(models.TextChoices):
        ENGLISH = "en", "English"
        SPANISH = "es", "Spanish"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    SECTION_URLS = {
        Kind.ARTICLE: "content:article",
        Kind.LEVEL: "content:level",
        Kind.THERAPY: "content:therapy",
        Kind.GUIDE: "content:guide",
    }

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, help_text="Unique among the pages in the same language.")
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH, db_index=True)
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        limit_choices_to={"language": "en"},
        help_text="The English page this translates. Leave blank on English pages.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.BOTH)
    summary = models.CharField(
        max_length=300,
        help_text=(
            "Two short sentences that answer the page's question, at a US grade 8 reading level or below "
            "(a test checks). Used on cards and by search engines."
        ),
    )
    content_note = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "A short, calm note shown above the summary, e.g. 'This page talks about suicide in general terms.' "
            "Every page that discusses suicide, abuse, restraint, injury or scars needs one."
        ),
    )
    body = models.TextField(
        help_text="Markdown. Start headings at ##. Cite a source after a claim with [@key], e.g. [@nice-ng225]."
    )
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)
    headings = models.JSONField(default=list, blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reviewer = models.ForeignKey(Reviewer, null=True, blank=True, on_delete=models.PROTECT, related_name="pages")
    reviewed_on = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True, help_text="A year after the review unless you set it.")
    related = models.ManyToManyField("self", blank=True, symmetrical=False, related_name="+")
    sources = models.ManyToManyField(Source, through="Citation", related_name="pages", blank=True)
    order = models.PositiveIntegerField(default=100, help_text="Position within its section, lowest first.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    curated_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Filled on PostgreSQL only (see search.py); SQLite uses the portable fallback.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PageQuerySet.as_manager()
    # A text change reason: a reviewer's reason for publishing over safe-messaging warnings can be long.
    history = HistoricalRecords(
        excluded_fields=["body_html", "body_text", "headings", "curated_hash"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = ["order", "title"]
        permissions = [("publish_page", "Can publish pages and set review dates")]
        indexes = [models.Index(fields=["kind", "status", "order"]), models.Index(fields=["next_review_due"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(reviewer__isnull=False, reviewed_on__isnull=False),
                name="published_page_has_reviewer_and_date",
            ),
            models.UniqueConstraint(fields=["language", "slug"], name="one_slug_per_language"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The publishing rules hold wherever a page is saved from: admin, the data loader or the shell.
        self.clean()
        if self.reviewed_on and not self.next_review_due:
            self.next_review_due = self.reviewed_on + REVIEW_INTERVAL
        rendered = render_body(self.body)
        self.body_html, self.body_text, self.headings = rendered.html, rendered.text, rendered.headings
        super().save(*args, **kwargs)
        self._save_citations(rendered.keys)
        self.update_search_vector()

    def get_absolute_url(self):
        # A page's address carries its own language prefix, whatever language the current request is in.
        with translation.override(self.language):
            return reverse(self.SECTION_URLS[self.kind], args=[self.slug])

    def translation_in(self, language):
        """This page in another language, if it is published: an English page's translation, or the original."""
        if language == self.language:
            return self
        if self.language == self.Language.ENGLISH:
            return self.translations.published().filter(language=language).first()
        original = self.translation_of
        if original is None or not original.is_published:
            return None
        return original if language == original.language else original.translation_in(language)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def review_overdue(self):
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()

    @property
    def find_care_url(self):
        # The directory's menus name the English pages, whose slugs stay the same in every language.
        term = self.translation_of.slug if self.translation_of_id else self.slug
        if self.kind == self.Kind.THERAPY:
            return f"{reverse('directory:search')}?therapy={term}"
        if self.kind == self.Kind.LEVEL and hasattr(self, "level_facts"):
            return f"{reverse('directory:search')}?level={term}"
        return reverse("directory:search")

    @cached_property
    def findings_with_sources(self):
        """The therapy's evidence findings with the review each cites, in one query."""
        return list(self.evidence_findings.select_related("source"))

    @cached_property
    def evidence_by_age(self):
        """{"adults": [findings], "young_people": [findings]}, for the therapies table (prefetch the findings)."""
        grouped = {}
        for finding in self.evidence_findings.all():
            grouped.setdefault(finding.ages, []).append(finding)
        return grouped

    @cached_property
    def numbered_sources(self):
        return [citation.source for citation in self.citations.select_related("source").order_by("number")]

    def unknown_citation_keys(self):
        keys = cited_keys(self.body)
        known = set(Source.objects.filter(key__in=keys).values_list("key", flat=True))
        return [key for key in keys if key not in known]

    def clean(self):
        errors = {}
        try:
            keys = cited_keys(self.body)
        except ValueError as error:
            errors["body"] = str(error)
            keys = []
        if keys:
            unknown = self.unknown_citation_keys()
            if unknown:
                errors["body"] = (
                    "No source has the key "
                    + ", ".join(f"[@{key}]" for key in unknown)
                    + (". Add the source first, or check the spelling.")
                )
        if self.translation_of_id and self.language == self.Language.ENGLISH:
            errors["translation_of"] = (
                "An English page is the original; only a page in another language translates one."
            )
        if self.status == self.Status.PUBLISHED:
            if not keys:
                errors.setdefault("body", "A published page needs at least one citation, such as [@nice-ng225].")
            if not self.reviewer_id:
                errors["reviewer"] = "A published page needs a reviewer."
            if not self.reviewed_on:
                errors["reviewed_on"] = "A published page needs the date it was reviewed."
        if errors:
            raise ValidationError(errors)

    def _save_citations(self, keys):
        sources = {source.key: source for source in Source.objects.filter(key__in=keys)}
        self.citations.all().delete()
        Citation.objects.bulk_create(
            Citation(page=self, source=sources[key], number=number) for number, key in enumerate(keys, start=1)
        )
        self.__dict__.pop("numbered_sources", None)

    def update_search_vector(self):
        if connection.vendor == "postgresql":
            from .search import update_search_vector

            update_search_vector(self.pk, self.language)


class Citation(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_citation_number_per_page"),
            models.UniqueConstraint(fields=["page", "source"], name="one_citation_per_source_per_page"),
        ]

    def __str__(self):
        return f"[{self.number}] {self.source.key}"


class LevelFacts(models.Model):
    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="level_facts")
    setting = models.CharField(max_length=200)
    hours_per_week = models.CharField(max_length=200)
    typical_length = models.CharField(max_length=200)
    who_it_suits = models.CharField(max_length=300)
    stepping = models.CharField("stepping up or down", max_length=400)

    class Meta:
        verbose_name = verbose_name_plural = "level of care facts"

    def __str__(self):
        return f"Facts for {self.page}"


class TherapyFacts(models.Model):
    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="therapy_facts")
    full_name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=30, blank=True)
    formats = models.CharField(max_length=100, help_text="Comma-separated: individual, group, family.")
    typical_length = models.CharField(max_length=200)
    developed_for = models.CharField(max_length=300)
    evidence_summary = models.CharField(
        max_length=500, help_text="One or two sentences that say what the evidence findings below found, and no more."
    )
    evidence_sources = models.ManyToManyField(Source, blank=True, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "therapy facts"

    def __str__(self):
        return f"Facts for {self.page}"


class EvidenceFinding(models.Model):
    """What one review found for one therapy and age group: the direction of the effect on self-harm and the
    review's own certainty word (GRADE), never a stronger word of ours."""

    class Ages(models.TextChoices):
        ADULTS = "adults", _("Adults")
        YOUNG_PEOPLE = "young_people", _("Children and teens")

    class Effect(models.TextChoices):
        FEWER = "fewer", _("Less self-harm")
        NO_CLEAR_DIFFERENCE = "no_clear_difference", _("No clear difference")
        NOT_ASSESSED = "not_assessed", _("Not assessed")

    class Certainty(models.TextChoices):
        HIGH = "high", _("High certainty")
        MODERATE = "moderate", _("Moderate certainty")
        LOW = "low", _("Low certainty")
        VERY_LOW = "very_low", _("Very low certainty")
        NONE = "", _("Not given here: see the review")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="evidence_findings")
    ages = models.CharField("age group", max_length=20, choices=Ages.choices)
    outcome = models.CharField(
        max_length=200,
        help_text="What was measured, in plain words, e.g. 'Repeat self-harm by the end of treatment', or, when "
        "no trial was reviewed, 'No trial of this therapy was included'.",
    )
    effect = models.CharField(
        max_length=20,
        choices=Effect.choices,
        help_text="The direction the review found. 'Not assessed' when it included no trial of this therapy for "
        "this age group.",
    )
    certainty = models.CharField(
        max_length=20,
        choices=Certainty.choices,
        blank=True,
        help_text="The review's own GRADE word for this finding, exactly as the review gives it. Empty when the "
        "finding is 'Not assessed', or when the review's word has not been checked in its summary of findings: never "
        "a guess.",
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+", help_text="The review that says it.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["page", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(effect="not_assessed") | models.Q(certainty=""),
                name="evidence_no_certainty_without_a_trial",
                violation_error_message="A finding that is 'Not assessed' has no certainty word.",
            ),
        ]

    def __str__(self):
        return f"{self.page}: {self.get_ages_display()}, {self.get_effect_display()}"

    def clean(self):
        if self.page_id and self.page.kind != Page.Kind.THERAPY:
            raise ValidationError({"page": "Evidence findings belong on therapy pages."})


class ToolReview(models.Model):
    """Who reviewed a reader tool (the safety plan, "Where do I start?") and when: the same byline as a page's.

    A tool's words live in its template, in both languages, so one review covers the tool in every language.
    """

    class Tool(models.TextChoices):
        SAFETY_PLAN = "safety_plan", _("Safety plan")
        START = "start", _("Where do I start?")

    tool = models.CharField(max_length=20, choices=Tool.choices, unique=True)
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="tool_reviews")
    reviewed_on = models.DateField()
    next_review_due = models.DateField(null=True, blank=True, help_text="A year after the review unless you set it.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["tool"]

    def __str__(self):
        return self.get_tool_display()

    def save(self, *args, **kwargs):
        if not self.next_review_due:
            self.next_review_due = self.reviewed_on + REVIEW_INTERVAL
        super().save(*args, **kwargs)

    @property
    def review_overdue(self):
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()
