"""What text and dates may come in, checked once for every form and serializer.

Control characters (ESC, BEL …), bidi overrides (U+202A–202E, U+2066–2069), zero-width
characters (U+200B–200D, U+FEFF) and lone surrogates are refused in every text field: an
ESC in one party's name made the county's Excel export fail for everyone (openpyxl
refuses it), an override makes a name read otherwise than it is stored, a zero-width
character makes two names look alike, and PostgreSQL cannot store a lone surrogate at
all. Tab and line breaks stay allowed: a record or an agreement's terms has lines.

Dates are bounded to what the calendar code can add days to (``date.max`` overflows).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from ipaddress import IPv4Network, IPv6Network, ip_network

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

ALLOWED_CONTROLS = frozenset("\t\n\r")
# Unicode's control (Cc), format (Cf: bidi, zero-width …) and surrogate (Cs) categories.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})

# A day a case, a period or a session can sensibly be on; date.max + 1 day overflows.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def refused_characters(value: str) -> list[str]:
    return [
        ch
        for ch in value
        if ch not in ALLOWED_CONTROLS and unicodedata.category(ch) in REFUSED_CATEGORIES
    ]


@deconstructible
class NoControlCharacters:
    """Refuses control, format (bidi, zero-width) and lone surrogate characters, naming
    the first one by its code point (it is invisible)."""

    message = _("含有不可见的控制字符（%(char)s），请删除后重新输入")
    code = "control_characters"

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        refused = refused_characters(value)
        if refused:
            raise ValidationError(
                self.message, code=self.code, params={"char": f"U+{ord(refused[0]):04X}"}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(NoControlCharacters)


no_control_characters = NoControlCharacters()


def typed_text(field: str, value: str, *, limit: int, label: str, required: bool = False) -> str:
    """What a person typed in one free-text field (a note, a reason, a comment): trimmed, at
    most ``limit`` characters and no control characters, each error keyed by ``field`` so
    that the form or the API names it."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [_("请填写%(label)s") % {"label": label}]})
    if len(value) > limit:
        raise ValidationError(
            {
                field: [
                    _("%(label)s最多%(limit)d个字（现为%(count)d个）")
                    % {"label": label, "limit": limit, "count": len(value)}
                ]
            }
        )
    try:
        no_control_characters(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return value


# Characters openpyxl refuses in a cell (its ILLEGAL_CHARACTERS_RE) and the invisible ones
# refused at input, for text stored before that check.
_UNWRITABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def printable(value: object) -> object:
    """``value`` with the characters an export cannot or should not write replaced by
    U+FFFD (visible, so a reader sees something was there); other values unchanged."""
    if isinstance(value, str):
        return _UNWRITABLE.sub("\ufffd", value)
    return value


def day_in_range(value: date | None) -> bool:
    return value is None or EARLIEST_DAY <= value <= LATEST_DAY


def out_of_range_message() -> str:
    return str(
        _("日期应在%(first)s至%(last)s之间")
        % {"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()}
    )


def validate_day_in_range(value: date | None) -> None:
    """A form field's validator: a day the calendar code can count from (a performance
    deadline of 9999-12-31 was stored, and every later day added to it overflows)."""
    if not day_in_range(value):
        raise ValidationError(out_of_range_message(), code="day_out_of_range")


class CheckedText:
    """A form mixin: each text field of the form refuses the characters above (the
    validator added to the field's own ``validators``). BootstrapMixin carries it, so the
    centre's forms have it; the admin's forms through AuditedAdmin."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from django import forms

        for field in self.fields.values():
            if isinstance(field, forms.CharField) and no_control_characters not in field.validators:
                field.validators.append(no_control_characters)


def refused_in(data: object, path: str = "") -> tuple[str, str] | None:
    """The first string in parsed request data (keys and values, nested) holding a refused
    character: (its field path, the character's code point), or None."""
    if isinstance(data, str):
        found = refused_characters(data)
        return (path or "non_field_errors", f"U+{ord(found[0]):04X}") if found else None
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            hit = refused_in(str(key), here) or refused_in(value, here)
            if hit:
                return hit
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            hit = refused_in(value, f"{path}[{i}]")
            if hit:
                return hit
    return None


def networks_of(text: str) -> list[IPv4Network | IPv6Network]:
    """The addresses and networks listed one a line (blank lines ignored); a wrong line
    raises ValueError naming it."""
    return [ip_network(line.strip()) for line in text.splitlines() if line.strip()]


def validate_networks(text: str) -> None:
    """A service account's allowed addresses: one IP address or network (CIDR) a line, at
    least one, with no host bits set in a network (10.1.2.0/24, not 10.1.2.3/24)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValidationError(_("至少填写一个IP地址或网段"), code="required")
    for number, line in enumerate(lines, start=1):
        try:
            ip_network(line)
        except ValueError:
            raise ValidationError(
                _("第%(n)d行“%(line)s”不是IP地址或网段（如10.1.2.0/24，网段的主机位须为0）"),
                code="invalid_network",
                params={"n": number, "line": line},
            ) from None


# An authenticator app shows six digits (RFC 6238, django-otp's default).
otp_code_validator = RegexValidator(r"^\d{6}$", _("动态口令应为6位数字"))
