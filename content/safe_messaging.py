"""Safe-messaging checks: the one list of phrases the site avoids, and the warnings editors see in admin.

The curated-content tests and the admin use the same lists, so a phrase added here is both refused in the
curated files and flagged when an editor saves a page for review or publishing. The rules are explained
for editors in content/data/README.md, section "Safe messaging checks".
"""

import re
from dataclasses import dataclass

from textstat.textstat import textstatistics

GUIDE = 'content/data/README.md, section "Safe messaging checks"'

# Language the site never uses: stigma, crime words, "success"/"failure", and claims that self-harm works.
UNSAFE_PHRASES = [
    "committed suicide", "commit suicide", "commits suicide", "successful suicide", "successful attempt",
    "failed attempt", "unsuccessful attempt", "completed suicide", "attention-seeking", "attention seeking",
    "manipulative", "epidemic", "self-harmer", "cutter", "suicide victim",
    "is an addiction", "addicted to self-harm", "self-harm works", "self-harm helps",
]  # fmt: skip
# The same rules in Spanish: "murió por suicidio", never these.
UNSAFE_PHRASES_ES = [
    "cometió suicidio", "cometer suicidio", "comete suicidio", "cometieron suicidio", "se suicidó con éxito",
    "suicidio exitoso", "intento exitoso", "intento fallido", "intento frustrado", "suicidio consumado",
    "llamar la atención", "llamada de atención", "manipulador", "manipuladora", "epidemia", "cortador",
    "cortadora", "víctima de suicidio", "es una adicción", "adicto a", "adicta a", "autolesionarse funciona",
    "autolesionarse ayuda",
]  # fmt: skip

# Words that describe means, implements or places on the body: detail that could teach. Kept short and
# conservative: general words the NHS and Mind use ("cutting", "burning", "overdose") are not on it.
METHOD_TERMS = [
    "razor", "razors", "blade", "blades", "scalpel", "lethal", "ligature", "noose", "bleach",
    "vein", "veins", "artery", "arteries", "wrist", "wrists", "tendon", "tendons", "how many pills",
]  # fmt: skip
METHOD_TERMS_ES = [
    "navaja", "navajas", "cuchilla", "cuchillas", "bisturí", "letal", "letales", "soga", "lejía", "vena",
    "venas", "arteria", "arterias", "tendón", "tendones", "cuántas pastillas",
]  # fmt: skip

CITATION = re.compile(r"\[@[^\]]+\]")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(*¿¡A-ZÁÉÍÓÚÑ])")
NUMBER = re.compile(r"\d|\bper ?cent\b|\bpor ?ciento\b", re.IGNORECASE)
PHONE_NUMBERS = r"\b(?:988|911|741741|838255|678678)\b|\b1?-?\d{3}-\d{3}-\d{4}\b|\b5-4-3-2-1\b"


@dataclass(frozen=True)
class Language:
    """What the checks look for in pages of one language."""

    unsafe_phrases: list
    method_terms: list
    signpost_heading: str
    # Numbers that are not claims: crisis and phone numbers, opening hours, menu options, a grounding exercise.
    not_a_claim: re.Pattern
    readability_formula: str
    readability_name: str
    readability_goal: str
    readability_limit: float
    # True when a higher score is easier (Fernández-Huerta), False when it is a school grade (Flesch-Kincaid).
    higher_is_easier: bool

    def readability(self, summary, language_code):
        if not summary.strip():
            return None
        statistics = textstatistics()
        statistics.set_lang(language_code)
        return getattr(statistics, self.readability_formula)(summary)

    def is_hard(self, score):
        if score is None:
            return False
        return score < self.readability_limit if self.higher_is_easier else score > self.readability_limit


LANGUAGES = {
    "en": Language(
        unsafe_phrases=UNSAFE_PHRASES,
        method_terms=METHOD_TERMS,
        signpost_heading="What you can do now",
        not_a_claim=re.compile(PHONE_NUMBERS + r"|\b24/7\b|\b24[- ]hours?\b|\b7 days a week\b|\bpress [12]\b", re.I),
        readability_formula="flesch_kincaid_grade",
        readability_name="Flesch-Kincaid grade",
        readability_goal="US grade 8 or below",
        readability_limit=8,
        higher_is_easier=False,
    ),
    "es": Language(
        unsafe_phrases=UNSAFE_PHRASES_ES,
        method_terms=METHOD_TERMS_ES,
        signpost_heading="Qué puedes hacer ahora",
        not_a_claim=re.compile(
            PHONE_NUMBERS + r"|\b442-AYUDAME\b|\b24 horas\b|\b7 días\b|\b(?:marc|marqu|oprim)\w*\s+(?:el\s+)?[12]\b",
            re.I,
        ),
        # Fernández-Huerta's adaptation of Flesch reading ease to Spanish: 60 and above reads as "normal"
        # to "easy", about what grade 8 is in English.
        readability_formula="fernandez_huerta",
        readability_name="Fernández-Huerta score",
        readability_goal="a Fernández-Huerta score of 60 or above",
        readability_limit=60,
        higher_is_easier=True,
    ),
}


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


def unsafe_phrases_in(text, language="en"):
    return _found(LANGUAGES[language].unsafe_phrases, text)


def method_terms_in(text, language="en"):
    return _found(LANGUAGES[language].method_terms, text)


def sentences(markdown):
    """Sentences of a Markdown body, without headings, list markers or link targets."""
    for line in markdown.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        line = LINK_TARGET.sub("]", LIST_MARKER.sub("", line))
        yield from (sentence.strip() for sentence in SENTENCE_END.split(line) if sentence.strip())


def uncited_numeric_claims(markdown, language="en"):
    not_a_claim = LANGUAGES[language].not_a_claim
    return [
        sentence
        for sentence in sentences(markdown)
        if NUMBER.search(not_a_claim.sub("", CITATION.sub("", sentence))) and not CITATION.search(sentence)
    ]


def has_signpost(markdown, language="en"):
    heading = re.escape(LANGUAGES[language].signpost_heading)
    return re.search(r"^#{2,6}\s+¿?" + heading + r"\b", markdown, re.IGNORECASE | re.MULTILINE)


def summary_score(summary, language="en"):
    return LANGUAGES[language].readability(summary, language)


def quote(items):
    return ", ".join(f"“{item}”" for item in items)


def check_page(title, summary, content_note, body, language="en"):
    """Every safe-messaging warning for a page's text in its language, each saying which rule and why."""
    language = language if language in LANGUAGES else "en"
    rules = LANGUAGES[language]
    text = " ".join([title, summary, content_note, body])
    warnings = []
    if found := unsafe_phrases_in(text, language):
        warnings.append(
            Finding(
                "Unsafe phrase",
                quote(found),
                "Say “died by suicide” (“murió por suicidio”), never “committed”; no “successful” or “failed” "
                "attempt; self-harm is not “attention-seeking” or “manipulative”, and is never described as working.",
            )
        )
    if found := method_terms_in(text, language):
        warnings.append(
            Finding(
                "Method or injury detail",
                quote(found),
                "Describe self-harm in general terms only: no methods, implements, amounts or places on the body.",
            )
        )
    if not has_signpost(body, language):
        warnings.append(
            Finding(
                "No signpost section",
                f"the body has no “## {rules.signpost_heading}” heading",
                "Every page ends with one to three concrete next steps, including the directory or a guide.",
            )
        )
    for sentence in uncited_numeric_claims(body, language):
        warnings.append(
            Finding(
                "Number without a source",
                f"“{sentence[:160]}”",
                "Quote a number only with its primary source: put a [@key] citation in the same sentence.",
            )
        )
    score = summary_score(summary, language)
    if rules.is_hard(score):
        warnings.append(
            Finding(
                "Summary is hard to read",
                f"{rules.readability_name} {score:.1f}",
                f"The summary is what a reader in distress sees first: keep it at {rules.readability_goal}, with "
                "short sentences and everyday words.",
            )
        )
    return warnings
