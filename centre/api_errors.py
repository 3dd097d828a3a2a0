"""JSON errors that name the field, in the request's language (Chinese by default).

Every error body has ``detail`` (one readable sentence) and, for bad input, ``errors``:
a flat map from the field's path to its messages, e.g. ``{"parties[0].id_number":
["校验位错误"]}`` — the same paths the services use for rules across fields.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import FormParser as DRFFormParser
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.parsers import MultiPartParser as DRFMultiPartParser
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from centre.validators import no_control_characters, refused_in


def _checked(data: Any) -> Any:
    """Request data whose every string is free of the characters the centre refuses
    (centre.validators), else a 400 naming the field: one check for every API input."""
    hit = refused_in(data)
    if hit is not None:
        path, char = hit
        raise ValidationError({path: [no_control_characters.message % {"char": char}]})
    return data


class JSONParser(DRFJSONParser):
    """DRF's parser, with JSON nested past Python's recursion limit (a few thousand
    levels) a 400 instead of a RecursionError, and control characters refused."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON嵌套层数过多")) from None
        return _checked(data)


class FormParser(DRFFormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        return _checked({k: data.getlist(k) for k in data}) and data


class MultiPartParser(DRFMultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _checked({k: parsed.data.getlist(k) for k in parsed.data})
        return parsed


class JSONRenderer(DRFJSONRenderer):
    """DRF's renderer; a body it cannot encode as UTF-8 (an error message quoting a lone
    surrogate the client sent, ``"\\ud800"`` is not a valid choice) is written with
    ASCII escapes instead of failing with a 500."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)


def exception_handler(exc, context):
    # Imported here: rest_framework.views reads DEFAULT_RENDERER_CLASSES when it is loaded,
    # which names this module's JSONRenderer — at module level that is a circular import
    # whenever this module is the first to be loaded (axes' check of AXES_LOCKOUT_CALLABLE).
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        return response
    errors: dict[str, list[str]] = {}
    for path, messages in flatten(data):
        errors.setdefault(path, []).extend(messages)
    response.data = {"detail": _sentence(errors), "errors": errors}
    return response


def flatten(errors: Any, prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    """Nested serializer errors → (path, messages); list items become ``name[i]``."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int) or str(key).isdigit():
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            yield from flatten(value, path)
    elif isinstance(errors, list):
        if all(not isinstance(e, dict | list) for e in errors):
            if errors:
                yield prefix or "non_field_errors", [str(e) for e in errors]
        else:
            for i, item in enumerate(errors):
                yield from flatten(item, f"{prefix}[{i}]")
    else:
        yield prefix or "non_field_errors", [str(errors)]


def _sentence(errors: dict[str, list[str]]) -> str:
    for path, messages in errors.items():
        if path in ("non_field_errors", "__all__"):
            return messages[0]
        return f"{path}: {messages[0]}"
    return ""


# --- Errors raised before or outside DRF: JSON under /api/, pages elsewhere ----------------


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (a body past DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields …)."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _json(_("请求体过大（上限%(max)s）") % {"max": filesizeformat(limit)}, status=400)
    return _json(_("请求无效"), status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL no route matches (``/risk/warnings/abc/``) or an Http404."""
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return _json(_("未找到"), status=404)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return _json(_("您无权执行该操作"), status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return _json(_("服务器内部错误，请稍后再试"), status=500)


def lockout(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked account (AXES_LOCKOUT_CALLABLE): the page, or JSON
    for the token login (its 429 was an HTML page)."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if is_api(request):
        return _json(_("登录失败次数过多，账号已锁定，请稍后再试或联系安全管理员"), status=status)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=status)


def body_not_an_object(data: Any) -> HttpResponse | None:
    """A 400 for a body that is not a JSON object (an array, a string, a number, null) where
    an action takes named fields; None when it is one. A form post's QueryDict is a dict."""
    if isinstance(data, dict):
        return None
    return JsonResponse(
        {
            "detail": _("请求体应为JSON对象（各字段名及其值）"),
            "errors": {"non_field_errors": [_("请求体应为JSON对象")]},
        },
        status=400,
    )
