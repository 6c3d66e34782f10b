import re

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_QUERY = 200


def clean_text(value):
    """Visitor-typed text with control characters removed and white space folded."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value or "").split())


def query_field(label, **kwargs):
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_QUERY,
        # Django fills in limit_value when the check fails, so the message is translated per request.
        error_messages={"max_length": _("Please shorten your search to %(limit_value)d characters or fewer.")},
        **kwargs,
    )


class SiteSearchForm(forms.Form):
    q = query_field(
        _("Search this site"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )

    def clean_q(self):
        return clean_text(self.cleaned_data["q"])


class StartForm(forms.Form):
    """The "Where do I start?" questions, answered one at a time through the query string.

    Navigation only: the answers choose which pages to show, never a score or a prediction.
    """

    QUESTIONS = ["danger", "who", "age", "need"]
    AGE_CHOICES = [
        ("children", _("Child (under 13)")),
        ("teens", _("Teenager (13 to 17)")),
        ("adults", _("Adult (18 to 64)")),
        ("older_adults", _("Older adult (65 or over)")),
    ]
    NEED_CHOICES = [
        ("understand", _("Understand what is happening")),
        ("urge", _("Get through an urge to self-harm")),
        ("care", _("Find care, such as therapy")),
        ("talk", _("Talk to someone")),
        ("appointment", _("Get ready for an appointment")),
    ]
    MISSING = {
        "danger": _("Choose yes or no. If you are not sure, choose yes."),
        "who": _("Choose whether this is for you or for someone you care about."),
        "age": _("Choose an age group."),
        "need": _("Choose what would help most right now."),
    }

    danger = forms.ChoiceField(required=False, choices=[("yes", _("Yes")), ("no", _("No"))])
    who = forms.ChoiceField(required=False, choices=[("me", _("For me")), ("someone", _("For someone I care about"))])
    age = forms.ChoiceField(required=False, choices=AGE_CHOICES)
    need = forms.ChoiceField(required=False, choices=NEED_CHOICES)
    step = forms.ChoiceField(required=False, choices=[(name, name) for name in QUESTIONS], widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.QUESTIONS:
            self.fields[name].error_messages["invalid_choice"] = format_lazy(
                "{} {}", _("That answer is not one of the choices."), self.MISSING[name]
            )

    def clean(self):
        cleaned_data = super().clean()
        step = cleaned_data.get("step")
        if step and not cleaned_data.get(step) and step not in self.errors:
            self.add_error(step, self.MISSING[step])
        return cleaned_data

    def answers(self):
        """The valid answers given so far, in the order the questions are asked."""
        if not self.is_bound:
            return {}
        errors = self.errors  # validates the form the first time it is read
        return {
            name: self.cleaned_data[name]
            for name in self.QUESTIONS
            if self.cleaned_data.get(name) and name not in errors
        }

    def next_question(self):
        answers = self.answers()
        return next((name for name in self.QUESTIONS if name not in answers), None)
