from datetime import timedelta

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .links import sms_href, tel_href

STALE_AFTER = timedelta(days=183)


class CrisisResourceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True).order_by("order", "name")

    def in_language(self, language):
        return self.filter(language=language)

    def stale(self):
        return self.filter(verified_on__lt=timezone.localdate() - STALE_AFTER)


class CrisisResource(models.Model):
    class BannerRole(models.TextChoices):
        NONE = "", "Not in the banner"
        PRIMARY = "primary", "Main crisis line (call and text)"
        EMERGENCY = "emergency", "Emergency number"

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True, help_text="Stable identifier; the data loader uses it.")
    purpose = models.TextField(help_text="What it is for and what happens when someone gets in touch.")
    phone = models.CharField(max_length=30, blank=True, help_text="As people dial it, e.g. 988 or 1-866-488-7386.")
    text_number = models.CharField(max_length=30, blank=True, help_text="Number to text, e.g. 741741.")
    text_keyword = models.CharField(
        max_length=30, blank=True, help_text="Word to text, e.g. HOME. Leave blank if none."
    )
    phone_option = models.CharField(
        max_length=60,
        blank=True,
        help_text="What to press after dialing, as the banner and lists say it after the number, e.g. 'marca 2' "
        "(988 in Spanish) or 'press 1'. Leave blank if none.",
    )
    chat_url = models.URLField(blank=True)
    chat_language = models.CharField(
        max_length=5,
        choices=[("en", "English"), ("es", "Spanish")],
        blank=True,
        help_text="The language the chat or website is in, when it is not this entry's language (a Spanish entry "
        "whose chat is in English). Pages then mark the link with that language.",
    )
    tty = models.CharField("TTY / relay", max_length=200, blank=True)
    languages = models.CharField(max_length=200, blank=True, help_text="e.g. English, Spanish; interpreters for others")
    hours = models.CharField(max_length=100, default="24 hours a day, 7 days a week")
    audience = models.CharField(max_length=200, blank=True, help_text="Who it is for, e.g. Anyone in the US.")
    options = models.TextField(
        blank=True, help_text="Extra routes, one per line, e.g. 'Press 1 for the Veterans Crisis Line'."
    )
    banner_role = models.CharField(
        max_length=20,
        choices=BannerRole.choices,
        blank=True,
        help_text="The banner on every page shows the main crisis line and the emergency number.",
    )
    language = models.CharField(
        max_length=5,
        choices=[("en", "English"), ("es", "Spanish")],
        default="en",
        db_index=True,
        help_text="The crisis page in this language lists this entry. Write every field in that language.",
    )
    order = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)
    source_url = models.URLField(help_text="The operator's own page that these details were checked against.")
    verified_on = models.DateField(help_text="When someone last checked every detail against the source.")

    objects = CrisisResourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    @property
    def needs_verification(self):
        return self.verified_on < timezone.localdate() - STALE_AFTER

    @property
    def option_lines(self):
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    @property
    def tel_href(self):
        return tel_href(self.phone)

    @property
    def sms_href(self):
        return sms_href(self.text_number, self.text_keyword)
