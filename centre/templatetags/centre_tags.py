from django import template

from centre import selectors

register = template.Library()


@register.simple_tag
def calendar_warning() -> str:
    """From 1 November, the coming year's holiday schedule must be entered."""
    return selectors.calendar_warning() or ""
