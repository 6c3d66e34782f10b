import re

from django import forms
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
