"""Request checks that come before any view: a query string with a control character (a NUL
above all, which PostgreSQL cannot hold in a text parameter) is a 400 naming the
parameter — never a query that fails in the database with a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from centre.api_errors import is_api
from centre.validators import NoControlCharacters, refused_in


class QueryStringCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        hit = refused_in(dict(request.GET.lists())) if request.GET else None
        if hit is None:
            return self.get_response(request)
        field, char = hit
        field = field.split("[", 1)[0]  # the parameter, not which of its values
        message = str(NoControlCharacters.message) % {"char": char}
        detail = _("参数%(field)s %(message)s") % {"field": field, "message": message}
        if is_api(request):
            return JsonResponse(
                {"detail": detail, "errors": {field: [message]}},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "400.html", {"detail": detail}, status=400)


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response (settings.PERMISSIONS_POLICY): what a page
    may use of the browser. Django's SecurityMiddleware sets the other headers of its
    deployment checklist; django-csp the Content-Security-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
