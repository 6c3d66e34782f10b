from django import template
from django.conf import settings

from crisis.banner import SPANISH_TEXT_KEYWORD, banner_lines
from crisis.links import sms_href

register = template.Library()


@register.inclusion_tag("crisis/_banner.html", takes_context=True)
def crisis_banner(context, use_database=True):
    lines = banner_lines(use_database=use_database, request=context.get("request"))
    return {
        "primary": lines["primary"],
        "emergency": lines["emergency"],
        # The text opens with the word that reaches 988's Spanish-speaking counselors already typed.
        "spanish_text_href": sms_href(lines["primary"].text_number, SPANISH_TEXT_KEYWORD),
        "quick_exit_url": settings.QUICK_EXIT_URL,
    }
