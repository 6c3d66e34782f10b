"""The directory's fixed choices and small helpers: no models, so every models module can use them."""

from datetime import timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

STALE_AFTER = timedelta(days=365)


def states_in(text):
    """["CA", "OR"] from "CA, OR" (or "ca;or")."""
    return list(dict.fromkeys(state.strip().upper() for state in text.replace(";", ",").split(",") if state.strip()))


# The 50 states, DC and the territories, by their USPS codes: where a US listing can be, or be licensed.
US_STATES = {
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP",
    "PR", "VI",
}  # fmt: skip


def validate_state(value):
    if value not in US_STATES:
        raise ValidationError("%(value)s is not a US state's two-letter code, like CA or NY.", params={"value": value})


def validate_states(value):
    for state in states_in(value):
        validate_state(state)


validate_zip_code = RegexValidator(r"^\d{5}$", "A ZIP code is five digits, like 60601.")


class PhoneNumber(NamedTuple):
    text: str
    href: str


def split_list(text):
    """["a", "b"] from "a; b": the lists kept in one text field."""
    return [item.strip() for item in text.split(";") if item.strip()]


def free_slug(name, taken, fallback="provider"):
    """The name as a slug, with -2, -3 … added while `taken(slug)` says that one is in use."""
    base = slugify(name)[:200] or fallback
    slug, number = base, 2
    while taken(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


def spell_states(text):
    """One spelling ("CA, OR") so a state can be matched inside the list."""
    return ", ".join(states_in(text))


def stale_cutoff():
    return timezone.localdate() - STALE_AFTER


AGE_FIELDS = {
    "children": "serves_children",
    "teens": "serves_teens",
    "adults": "serves_adults",
    "older_adults": "serves_older_adults",
}
AGE_CHOICES = [("children", "Children"), ("teens", "Teens"), ("adults", "Adults"), ("older_adults", "Older adults")]
# New options go at the end: an option's place in its list is its number in the search entries' facet keys.
PAYMENT_CHOICES = [
    ("medicaid", "Medicaid"),
    ("medicare", "Medicare"),
    ("sliding_scale", "Sliding scale"),
    ("self_pay", "Self-pay"),
    ("private_insurance", "Private insurance"),
    ("tricare", "TRICARE (military insurance)"),
]
PAYMENT_FIELDS = {
    "medicaid": "accepts_medicaid",
    "medicare": "accepts_medicare",
    "sliding_scale": "sliding_scale",
    "self_pay": "self_pay",
    "private_insurance": "accepts_private_insurance",
    "tricare": "accepts_tricare",
}
# Emergency mental health care a program offers (SAMHSA's WI, PEOFF and PEON codes).
CRISIS_CHOICES = [
    ("walk-in", "Walk-in crisis care"),
    ("mobile", "Mobile crisis team"),
    ("onsite", "Emergency psychiatric care on site"),
]
CRISIS_FIELDS = {"walk-in": "crisis_walk_in", "mobile": "crisis_mobile", "onsite": "crisis_onsite"}
# The filters that are one choice among fixed options, each option a yes/no field of Provider.
CHOICE_FILTERS = {
    "age": (AGE_CHOICES, AGE_FIELDS),
    "payment": (PAYMENT_CHOICES, PAYMENT_FIELDS),
    "crisis": (CRISIS_CHOICES, CRISIS_FIELDS),
}


class VerifiedBy(models.TextChoices):
    """How a listing's last verification happened; its profile says so in words."""

    PROVIDER = "provider", "The provider, by the emailed link"
    PHONE = "phone", "A moderator, by phone"
    ADMIN = "admin", "A moderator, in admin"
    IMPORT = "import", "Its source (the import named in Source)"
