"""The crisis banner's numbers, with built-in values for when the database cannot help.

The banner is on every page, error pages included, so it must never disappear and never raise.
Its numbers are cached under the site's content version, which saving a crisis resource bumps, so a
new number reaches every worker at once.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from ops.circuit import database_unreachable
from pagecache.version import content_version

from .links import sms_href, tel_href

logger = logging.getLogger(__name__)

CACHE_KEY = "crisis-banner"
# 988 answers texts in Spanish that start with this word (988lifeline.org/get-help/
# what-to-expect and the FCC's 988 page, checked 2026-12-07).
SPANISH_TEXT_KEYWORD = "AYUDA"


@dataclass(frozen=True)
class BannerLine:
    phone: str
    text_number: str

    @property
    def tel_href(self):
        return tel_href(self.phone)

    @property
    def sms_href(self):
        return sms_href(self.text_number)


FALLBACK = {"primary": BannerLine("988", "988"), "emergency": BannerLine("911", "")}


def banner_lines(use_database=True, request=None):
    if not use_database:
        return FALLBACK
    version = content_version(request)
    if version is None:
        return _lines_from_database() or FALLBACK
    key = f"{CACHE_KEY}:{version}"
    try:
        lines = cache.get(key)
    except Exception:
        logger.exception("Cache unavailable for the crisis banner")
        lines = None
    if lines is None:
        lines = _lines_from_database()
        if lines is None:
            # Not cached: the database's own numbers must show as soon as it answers again.
            return FALLBACK
        try:
            cache.set(key, lines, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("Cache unavailable for the crisis banner")
    return lines


def _lines_from_database():
    from .models import CrisisResource

    lines = dict(FALLBACK)
    filled = set()
    try:
        for resource in CrisisResource.objects.active().exclude(banner_role="").exclude(phone=""):
            if resource.banner_role not in filled:
                lines[resource.banner_role] = BannerLine(resource.phone, resource.text_number)
                filled.add(resource.banner_role)
    except DatabaseError:
        if not database_unreachable():  # an outage is logged once, by the breaker
            logger.exception("Database unavailable for the crisis banner; showing built-in numbers")
        return None
    return lines
