"""JSON errors that name the field, in the request's language (Chinese by default)."""

from __future__ import annotations

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    # DRF answers {"detail": "..."} for non-field errors and {"field": ["..."]} for
    # validation; wrap both so a client always finds "detail" and, if any, "errors".
    if isinstance(data, dict) and set(data) != {"detail"}:
        response.data = {"detail": _first_message(data), "errors": data}
    elif isinstance(data, list):
        response.data = {"detail": str(data[0]) if data else "", "errors": data}
    return response


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)
