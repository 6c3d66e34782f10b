import re

from django import forms

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_QUERY = 200


class SiteSearchForm(forms.Form):
    q = forms.CharField(
        label="Search this site",
        required=False,
        max_length=MAX_QUERY,
        error_messages={"max_length": f"Please shorten your search to {MAX_QUERY} characters or fewer."},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )

    def clean_q(self):
        query = CONTROL_CHARACTERS.sub(" ", self.cleaned_data["q"])
        return " ".join(query.split())
