from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext

from centre import names, periods, selectors

register = template.Library()


@register.simple_tag
def calendar_warning() -> str:
    """From 1 November, the coming year's holiday schedule must be entered."""
    return selectors.calendar_warning() or ""


@register.filter
def ref_name(obj) -> str:
    """A window's, category's, region's or deadline rule's name in the page's language."""
    return names.ref_name(obj)


@register.filter
def provisional(day) -> str:
    """「（暂定）」 after a due date in a year whose holiday schedule is not yet published: the
    statutory holidays are counted, the make-up working days (调休) are not known yet, so
    the date may still move (LAW.md; centre.periods). Empty for any other date."""
    if not day:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    _, known = periods.is_workday(day)
    return "" if known else gettext("（暂定）")
