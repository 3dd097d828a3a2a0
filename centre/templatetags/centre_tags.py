from django import template

from centre import names, selectors

register = template.Library()


@register.simple_tag
def calendar_warning() -> str:
    """From 1 November, the coming year's holiday schedule must be entered."""
    return selectors.calendar_warning() or ""


@register.filter
def ref_name(obj) -> str:
    """A window's, category's, region's or deadline rule's name in the page's language."""
    return names.ref_name(obj)
