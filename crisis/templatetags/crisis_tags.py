from django import template
from django.conf import settings

from crisis.banner import banner_lines

register = template.Library()


@register.inclusion_tag("crisis/_banner.html", takes_context=True)
def crisis_banner(context, use_database=True):
    lines = banner_lines(use_database=use_database, request=context.get("request"))
    return {"primary": lines["primary"], "emergency": lines["emergency"], "quick_exit_url": settings.QUICK_EXIT_URL}
