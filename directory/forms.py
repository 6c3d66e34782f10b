import copy
import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from content.forms import clean_text, query_field
from content.models import Page
from pagecache.version import cached_for_version

from .geo import locate
from .models import (
    AGE_CHOICES,
    CRISIS_CHOICES,
    LOCATION_CHANGE_FIELDS,
    PAYMENT_CHOICES,
    PROVIDER_CHANGE_FIELDS,
    Insurer,
    Language,
    Location,
    ProblemReport,
    Provider,
    Specialty,
    Suggestion,
)

ANY_TERM = {
    "level": _("Any level"),
    "therapy": _("Any therapy"),
    "issue": _("Any issue"),
    "insurance": _("Any insurance"),
    "language": _("Any language"),
}
RADIUS_CHOICES = [
    ("5", _("5 miles")),
    ("10", _("10 miles")),
    ("25", _("25 miles")),
    ("50", _("50 miles")),
    ("100", _("100 miles")),
]
SORT_CHOICES = [("distance", _("Distance")), ("name", _("Name")), ("recent", _("Recently verified"))]
INVALID_CHOICE_MESSAGES = {
    "level": _("That level of care is not in our list. Choose one from the menu."),
    "therapy": _("That therapy is not in our list. Choose one from the menu."),
    "issue": _("That issue is not in our list. Choose one from the menu."),
    "age": _("Choose an age group from the menu."),
    "payment": _("Choose a payment option from the menu."),
    "crisis": _("Choose a kind of crisis care from the menu."),
    "insurance": _("That insurer is not in our list. Choose one from the menu."),
    "language": _("That language is not in our list. Choose one from the menu."),
    "sort": _("Sort by distance, name or recently verified."),
}


# The directory's models (directory/models.py) label their choices in English for admin; readers' forms
# show these translatable labels instead, keyed by the stored values.
CHOICE_LABELS = {
    "children": _("Children"),
    "teens": _("Teens"),
    "adults": _("Adults"),
    "older_adults": _("Older adults"),
    "sliding_scale": _("Sliding scale"),
    "self_pay": _("Self-pay"),
    "private_insurance": _("Private insurance"),
    "tricare": _("TRICARE (military insurance)"),
    "walk-in": _("Walk-in crisis care"),
    "mobile": _("Mobile crisis team"),
    "onsite": _("Emergency psychiatric care on site"),
    "provider": _("I am this provider or work there"),
    "visitor": _("I know of this provider"),
    "therapist": _("Individual therapist"),
    "group_practice": _("Group practice"),
    "program": _("Treatment program"),
    "wrong_number": _("The phone number or contact details are wrong"),
    "not_accepting": _("They are not accepting new clients"),
    "closed": _("They have closed or moved"),
    "other": _("Something else"),
}


def translated_choices(choices):
    return [(value, CHOICE_LABELS.get(value, label)) for value, label in choices]


def menu_terms(content_version=None):
    """{menu: [(slug, label, id), ...]} for the search form's term menus.

    Read from the shared cache under the site's content version, which every edit of a page or term
    bumps: five queries saved on each search, and never a stale menu.
    """
    return cached_for_version("directory:menu-terms", content_version, read_menu_terms)


def read_menu_terms():
    pages = Page.objects.published().in_language("en")
    queries = {
        "level": pages.filter(kind=Page.Kind.LEVEL, level_facts__isnull=False).values_list("slug", "title", "pk"),
        "therapy": pages.filter(kind=Page.Kind.THERAPY).values_list("slug", "title", "pk"),
        "issue": Specialty.objects.values_list("slug", "name", "pk"),
        "insurance": Insurer.objects.values_list("slug", "name", "pk"),
        "language": Language.objects.values_list("slug", "name", "pk"),
    }
    return {name: list(rows) for name, rows in queries.items()}


class DirectorySearchForm(forms.Form):
    q = query_field(_("Name or keyword"))
    near = forms.CharField(
        label=_("Near (ZIP code, or city and state)"),
        required=False,
        max_length=100,
        help_text=_("For example 60601 or Chicago, IL"),
        error_messages={"max_length": _("That place is too long. Try a 5-digit ZIP code or a city and state.")},
    )
    radius = forms.TypedChoiceField(
        label=_("Within"),
        choices=RADIUS_CHOICES,
        required=False,
        coerce=int,
        empty_value=25,
        error_messages={"invalid_choice": _("Choose a distance of 5, 10, 25, 50 or 100 miles.")},
    )
    telehealth = forms.BooleanField(label=_("Offers telehealth (online sessions)"), required=False)
    accepting = forms.BooleanField(label=_("Accepting new clients"), required=False)
    level = forms.ChoiceField(label=_("Level of care"), required=False)
    therapy = forms.ChoiceField(label=_("Therapy"), required=False)
    issue = forms.ChoiceField(label=_("Issue"), required=False)
    age = forms.ChoiceField(
        label=_("Age group"), choices=[("", _("Any age")), *translated_choices(AGE_CHOICES)], required=False
    )
    payment = forms.ChoiceField(
        label=_("Payment"), choices=[("", _("Any payment")), *translated_choices(PAYMENT_CHOICES)], required=False
    )
    crisis = forms.ChoiceField(
        label=_("Crisis care"), choices=[("", _("Any")), *translated_choices(CRISIS_CHOICES)], required=False
    )
    insurance = forms.ChoiceField(label=_("Insurance"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)

    def __init__(self, *args, content_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = None
        for name, message in INVALID_CHOICE_MESSAGES.items():
            self.fields[name].error_messages["invalid_choice"] = message
        self.fields["page"].error_messages["invalid"] = _("The page number must be a whole number.")
        # Which database row each menu value names, so the search can match on ids.
        self.term_ids = {}
        for name, rows in menu_terms(content_version).items():
            self.fields[name].choices = [("", ANY_TERM[name]), *((slug, label) for slug, label, _ in rows)]
            self.term_ids[name] = {slug: pk for slug, _, pk in rows}

    def clean_q(self):
        return clean_text(self.cleaned_data["q"])

    def clean_near(self):
        near = clean_text(self.cleaned_data["near"])
        if near:
            self.place = locate(near)
            if self.place is None:
                raise ValidationError(
                    _(
                        "We could not find that place. "
                        "Try a 5-digit US ZIP code like 60601, or a city and state like Chicago, IL."
                    )
                )
        return near

    def clean_page(self):
        return self.cleaned_data["page"] or 1

    def criteria(self):
        """The valid parts of the search; invalid ones are shown as errors and left out."""
        data = getattr(self, "cleaned_data", {})
        criteria = {name: data.get(name) for name in self.fields if name in data}
        criteria["place"] = self.place if "near" in data else None
        criteria.setdefault("radius", 25)
        if not criteria.get("sort"):
            criteria["sort"] = "distance" if criteria["place"] else "name"
        if criteria["sort"] == "distance" and not criteria["place"]:
            criteria["sort"] = "name"
        return criteria


class HoneypotMixin(forms.Form):
    """A field people never see or fill in; forms that arrive with it filled are from bots."""

    company_website = forms.CharField(required=False, label=_("Leave this empty"))

    def is_spam(self):
        return bool(self.data.get("company_website"))

    def make_helper(self, fields, submit_label):
        helper = FormHelper()
        helper.form_method = "post"
        helper.disable_csrf = True  # these anonymous forms use same_origin_post instead of a cookie
        helper.layout = Layout(
            *fields,
            # Off screen, silent to screen readers and skipped by Tab: only bots fill it in.
            Div(Field("company_website", autocomplete="off", tabindex="-1"), css_class="honeypot", aria_hidden="true"),
            Submit("submit", submit_label),
        )
        return helper


class SuggestionForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Suggestion
        fields = [
            "relationship", "kind", "name", "credentials", "description", "street", "city", "state", "zip_code",
            "telehealth", "phone", "website", "contact_email",
        ]  # fmt: skip
        widgets = {"relationship": forms.RadioSelect, "kind": forms.RadioSelect, "description": forms.Textarea}
        labels = {
            "relationship": _("Your connection to the listing"),
            "name": _("Name of therapist or program"),
            "credentials": _("Credentials"),
            "description": _("What they offer"),
            "street": _("Street"),
            "city": _("City"),
            "state": _("State"),
            "zip_code": _("ZIP code"),
            "telehealth": _("Offers telehealth"),
            "phone": _("Phone"),
            "website": _("Website"),
            "contact_email": _("Your email (optional)"),
        }
        help_texts = {
            "credentials": _("For example LCSW, PhD"),
            "contact_email": _("Only if you want us to be able to ask you a question."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = _("What kind of care is it?")
        self.fields["state"].help_text = _("Two letters, for example CA")
        self.fields["zip_code"].help_text = _("Leave the address blank if they only offer telehealth")
        self.fields["relationship"].choices = translated_choices(Suggestion.Relationship.choices)
        self.fields["kind"].choices = translated_choices(Suggestion._meta.get_field("kind").choices)
        self.fields["name"].error_messages["required"] = _("Enter the name of the therapist or program")
        self.fields["description"].error_messages["required"] = _("Tell us what they offer")
        self.fields["relationship"].error_messages["required"] = _("Tell us how you know this provider")
        self.fields["kind"].error_messages["required"] = _("Choose what kind of care it is")
        self.helper = self.make_helper(self.Meta.fields, _("Send suggestion"))

    def clean_state(self):
        state = self.cleaned_data["state"].strip().upper()
        if state and not re.fullmatch(r"[A-Z]{2}", state):
            raise ValidationError(_("Enter the state as two letters, for example CA"))
        return state

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"].strip()
        if zip_code and not re.fullmatch(r"\d{5}", zip_code):
            raise ValidationError(_("Enter a 5-digit ZIP code, for example 60601"))
        return zip_code

    def clean(self):
        data = super().clean()
        if not data.get("telehealth") and not (data.get("city") and data.get("state")):
            raise ValidationError(_("Give at least a city and state, or tick 'offers telehealth'."))
        return data


class ProblemReportForm(HoneypotMixin, forms.ModelForm):
    class Meta:
        model = ProblemReport
        fields = ["reason", "details", "contact_email"]
        widgets = {"reason": forms.RadioSelect, "details": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "reason": _("What is wrong?"),
            "details": _("Anything else we should know? (optional)"),
            "contact_email": _("Your email (optional)"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = translated_choices(ProblemReport.Reason.choices)
        self.fields["reason"].error_messages["required"] = _("Choose what is wrong with the listing")
        self.helper = self.make_helper(self.Meta.fields, _("Send report"))


class NewLinkForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("The listing's email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address the listing gives"),
            "invalid": _("Enter an email address like name@example.org"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.helper = self.make_helper(["email"], _("Send me a link"))


class ListingChangeForm(forms.ModelForm):
    """What a provider corrects through their link: the listing's own fields, prefilled, and a note.

    Bound to a copy of the listing: validating it never touches the listing readers see.
    """

    ACCEPTING_CHOICES = [("true", _("Yes")), ("false", _("No")), ("", _("Not sure: readers see 'Ask about openings'"))]

    accepting_new_clients = forms.TypedChoiceField(
        label=_("Taking new clients?"),
        choices=ACCEPTING_CHOICES,
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything else that has changed? (optional)"),
        help_text=_("For example languages, insurance, therapies or another address. Only our team reads this."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = Provider
        fields = PROVIDER_CHANGE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        labels = {
            "name": _("Name of therapist or program"),
            "phone": _("Phone"),
            "intake_phones": _("Numbers for a first appointment (optional)"),
            "email": _("Email for this listing"),
            "website": _("Website"),
            "description": _("What you offer"),
            "in_person": _("Sees people in person"),
            "telehealth": _("Offers telehealth"),
            "telehealth_states": _("States licensed in for telehealth"),
            "serves_children": _("Children"),
            "serves_teens": _("Teens"),
            "serves_adults": _("Adults"),
            "serves_older_adults": _("Older adults"),
            "accepts_medicaid": _("Medicaid"),
            "accepts_medicare": _("Medicare"),
            "accepts_private_insurance": _("Private insurance"),
            "sliding_scale": _("Sliding scale"),
            "self_pay": _("Self-pay"),
        }
        help_texts = {
            "intake_phones": _("Separate numbers with ;"),
            "email": _("Where we send links like this one. Readers see it on the listing."),
            "description": _("One short paragraph in plain words."),
            "telehealth_states": _("Two letters each, for example CA, OR"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["accepting_new_clients"] = {True: "true", False: "false"}.get(
            self.instance.accepting_new_clients, ""
        )
        self.fields["name"].error_messages["required"] = _("Enter the name of the therapist or program")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset("name", "phone", "intake_phones", "email", "website", legend=_("Contact")),
            Fieldset(
                "description", "accepting_new_clients", "in_person", "telehealth", "telehealth_states",
                legend=_("What you offer"),
            ),
            Fieldset("serves_children", "serves_teens", "serves_adults", "serves_older_adults", legend=_("Ages")),
            Fieldset(
                "accepts_medicaid", "accepts_medicare", "accepts_private_insurance", "sliding_scale", "self_pay",
                legend=_("Payment"),
            ),
            "note",
        )  # fmt: skip

    def changed_values(self):
        """{field: {"before": value, "after": value}} for each field the provider changed."""
        return {
            name: {"before": self.initial_value(name), "after": as_json(self.cleaned_data[name])}
            for name in self.Meta.fields
            if self.initial_value(name) != as_json(self.cleaned_data[name])
        }

    def initial_value(self, name):
        return as_json(Provider._meta.get_field(name).value_from_object(self.original))


class LocationChangeForm(forms.ModelForm):
    prefix = "location"

    class Meta:
        model = Location
        fields = LOCATION_CHANGE_FIELDS
        labels = {"street": _("Street"), "city": _("City"), "state": _("State"), "zip_code": _("ZIP code")}
        help_texts = {"state": _("Two letters, for example CA")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Fieldset(*LOCATION_CHANGE_FIELDS, legend=_("Address")))

    def clean_state(self):
        return self.cleaned_data["state"].strip().upper()

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"].strip()
        if re.fullmatch(r"\d{5}", zip_code) and locate(zip_code) is None:
            raise ValidationError(
                _("We do not know this ZIP code. Check it, or tell us about the address in the note above.")
            )
        return zip_code

    def changed_values(self):
        return {
            f"location.{name}": {"before": as_json(getattr(self.original, name)), "after": self.cleaned_data[name]}
            for name in self.Meta.fields
            if as_json(getattr(self.original, name)) != self.cleaned_data[name]
        }


def as_json(value):
    """A field's value as ListingChange keeps it."""
    return value if value is None or isinstance(value, bool | int) else str(value)


def listing_change_forms(provider, data=None):
    """The change form, and the address form when the listing has exactly one place (else None)."""
    listing = copy.copy(provider)
    form = ListingChangeForm(data, instance=listing)
    form.original = provider
    locations = list(provider.locations.all())
    location_form = None
    if len(locations) == 1:
        location_form = LocationChangeForm(data, instance=copy.copy(locations[0]))
        location_form.original = locations[0]
    return form, location_form
