"""Safe-messaging checks: the one list of phrases the site avoids, and the warnings editors see in admin.

The curated-content tests and the admin use the same lists, so a phrase added here is both refused in the
curated files and flagged when an editor saves a page for review or publishing. The rules are explained
for editors in content/data/README.md, section "Safe messaging checks".
"""

import re
from dataclasses import dataclass

import textstat

GUIDE = 'content/data/README.md, section "Safe messaging checks"'

# Language the site never uses: stigma, crime words, "success"/"failure", and claims that self-harm works.
UNSAFE_PHRASES = [
    "committed suicide", "commit suicide", "commits suicide", "successful suicide", "successful attempt",
    "failed attempt", "unsuccessful attempt", "completed suicide", "attention-seeking", "attention seeking",
    "manipulative", "epidemic", "self-harmer", "cutter", "suicide victim",
    "is an addiction", "addicted to self-harm", "self-harm works", "self-harm helps",
]  # fmt: skip

# Words that describe means, implements or places on the body: detail that could teach. Kept short and
# conservative: general words the NHS and Mind use ("cutting", "burning", "overdose") are not on it.
METHOD_TERMS = [
    "razor", "razors", "blade", "blades", "scalpel", "lethal", "ligature", "noose", "bleach",
    "vein", "veins", "artery", "arteries", "wrist", "wrists", "tendon", "tendons", "how many pills",
]  # fmt: skip

SIGNPOST_HEADING = "What you can do now"
MAX_SUMMARY_GRADE = 8

# Numbers that are not claims: crisis and phone numbers, opening hours, and the 5-4-3-2-1 grounding exercise.
NOT_A_CLAIM = re.compile(
    r"\b(?:988|911|741741)\b|\b1?-?\d{3}-\d{3}-\d{4}\b|\b24/7\b|\b24[- ]hours?\b|\b7 days a week\b|\b5-4-3-2-1\b"
)
CITATION = re.compile(r"\[@[^\]]+\]")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(*A-Z])")
NUMBER = re.compile(r"\d|\bper ?cent\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    rule: str
    found: str
    why: str

    def __str__(self):
        return f"{self.rule}: {self.found}. {self.why} (See {GUIDE}.)"


def _found(phrases, text):
    lowered = text.lower()
    return [phrase for phrase in phrases if re.search(r"\b" + re.escape(phrase) + r"\b", lowered)]


def unsafe_phrases_in(text):
    return _found(UNSAFE_PHRASES, text)


def method_terms_in(text):
    return _found(METHOD_TERMS, text)


def sentences(markdown):
    """Sentences of a Markdown body, without headings, list markers or link targets."""
    for line in markdown.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        line = LINK_TARGET.sub("]", LIST_MARKER.sub("", line))
        yield from (sentence.strip() for sentence in SENTENCE_END.split(line) if sentence.strip())


def uncited_numeric_claims(markdown):
    return [
        sentence
        for sentence in sentences(markdown)
        if NUMBER.search(NOT_A_CLAIM.sub("", CITATION.sub("", sentence))) and not CITATION.search(sentence)
    ]


def has_signpost(markdown):
    return re.search(r"^#{2,6}\s+" + re.escape(SIGNPOST_HEADING) + r"\b", markdown, re.IGNORECASE | re.MULTILINE)


def summary_grade(summary):
    return textstat.flesch_kincaid_grade(summary) if summary.strip() else 0


def quote(items):
    return ", ".join(f"“{item}”" for item in items)


def check_page(title, summary, content_note, body):
    """Every safe-messaging warning for a page's text, each saying which rule and why."""
    text = " ".join([title, summary, content_note, body])
    warnings = []
    if found := unsafe_phrases_in(text):
        warnings.append(
            Finding(
                "Unsafe phrase",
                quote(found),
                "Say “died by suicide”, never “committed”; no “successful” or “failed” attempt; self-harm is "
                "not “attention-seeking” or “manipulative”, and is never described as working.",
            )
        )
    if found := method_terms_in(text):
        warnings.append(
            Finding(
                "Method or injury detail",
                quote(found),
                "Describe self-harm in general terms only: no methods, implements, amounts or places on the body.",
            )
        )
    if not has_signpost(body):
        warnings.append(
            Finding(
                "No signpost section",
                f"the body has no “## {SIGNPOST_HEADING}” heading",
                "Every page ends with one to three concrete next steps, including the directory or a guide.",
            )
        )
    for sentence in uncited_numeric_claims(body):
        warnings.append(
            Finding(
                "Number without a source",
                f"“{sentence[:160]}”",
                "Quote a number only with its primary source: put a [@key] citation in the same sentence.",
            )
        )
    grade = summary_grade(summary)
    if grade > MAX_SUMMARY_GRADE:
        warnings.append(
            Finding(
                "Summary is hard to read",
                f"US grade {grade:.1f} (Flesch-Kincaid)",
                f"The summary is what a reader in distress sees first: keep it at grade {MAX_SUMMARY_GRADE} or "
                "below with short sentences and everyday words.",
            )
        )
    return warnings
