"""The crisis banner's numbers, with built-in values for when the database cannot help.

The banner is on every page, error pages included, so it must never disappear and never raise.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError

from .links import sms_href, tel_href

logger = logging.getLogger(__name__)

CACHE_KEY = "crisis-banner"
CACHE_SECONDS = 300


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


def banner_lines(use_database=True):
    if not use_database:
        return FALLBACK
    try:
        lines = cache.get(CACHE_KEY)
    except Exception:
        logger.exception("Cache unavailable for the crisis banner")
        lines = None
    if lines is None:
        lines = _lines_from_database()
        try:
            cache.set(CACHE_KEY, lines, CACHE_SECONDS)
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
        logger.exception("Database unavailable for the crisis banner; showing built-in numbers")
        return dict(FALLBACK)
    return lines


def forget_banner():
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.exception("Cache unavailable for the crisis banner")
