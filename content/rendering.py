"""Markdown with citation markers, rendered once at save into sanitized HTML.

Editors write `[@linehan-2006]` (or `[@a; @b]`) after a claim. Sources are numbered in order of first
use; each marker becomes a superscript number linking to the Sources list, which links back.
"""

import re
from dataclasses import dataclass, field
from html import unescape

import markdown
import nh3

MARKER = re.compile(r"\[(@[^\]]+)\]")
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Placeholders survive Markdown and sanitizing untouched; real markup replaces them afterwards.
PLACEHOLDER = re.compile(r"CITEREF(\d+)X(\d+)Z")

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "abbr": {"title"}}


@dataclass
class Rendered:
    html: str
    text: str
    keys: list = field(default_factory=list)
    headings: list = field(default_factory=list)


def parse_marker_keys(marker_body):
    """`@a; @b` -> ["a", "b"]; raises ValueError for a marker that is not a list of keys."""
    keys = []
    for part in marker_body.split(";"):
        part = part.strip()
        if not part.startswith("@") or not KEY.match(part[1:]):
            raise ValueError(f"[{marker_body}] is not a citation marker like [@author-2020]")
        keys.append(part[1:])
    return keys


def cited_keys(body):
    """The source keys a body cites, in order of first use, without repeats."""
    ordered = []
    for match in MARKER.finditer(body):
        for key in parse_marker_keys(match.group(1)):
            if key not in ordered:
                ordered.append(key)
    return ordered


def sanitize(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel", "sms"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_body(body):
    order = cited_keys(body)
    number_of = {key: index + 1 for index, key in enumerate(order)}
    uses = {}

    def to_placeholders(match):
        refs = []
        for key in parse_marker_keys(match.group(1)):
            number = number_of[key]
            uses[number] = uses.get(number, 0) + 1
            refs.append(f"CITEREF{number}X{uses[number]}Z")
        return "".join(refs)

    source = MARKER.sub(to_placeholders, re.sub(r"[ \t]+(?=\[@)", "", body))
    md = markdown.Markdown(extensions=["toc", "tables", "sane_lists"], extension_configs={"toc": {"toc_depth": "2"}})
    html = sanitize(md.convert(source))
    headings = [{"id": token["id"], "name": unescape(token["name"])} for token in md.toc_tokens]

    def to_superscript(match):
        number, use = match.groups()
        return (
            f'<sup class="citation"><a href="#source-{number}" id="cite-{number}-{use}" '
            f'aria-label="Source {number}">{number}</a></sup>'
        )

    text = PLACEHOLDER.sub("", nh3.clean(html, tags=set()))
    return Rendered(html=PLACEHOLDER.sub(to_superscript, html), text=unescape(text), keys=order, headings=headings)
