"""Pages of the centre app: home, health, the no-role page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from centre import selectors, services
from centre.health import health_report
from centre.links import number_url


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own desk; an account without a role is told so."""
    url_name = selectors.home_url_name(request.user)
    if url_name is None:
        return render(request, "centre/no_role.html", status=403)
    return redirect(url_name)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health_report()
    return JsonResponse(
        report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False}
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """In-app messages: reminders, escalations, assignments. Opening marks them read."""
    messages_ = list(selectors.inbox(request.user)[:200])
    for message in messages_:
        message.url = number_url(message.case_number) if message.case_number else ""
    if request.method == "POST":
        services.inbox_mark_read(user=request.user)
        return redirect("inbox")
    return render(request, "centre/inbox.html", {"items": messages_})


# The schema generator costs each web worker ~11 MB; it is loaded on the first request for
# the schema or the docs, not when the URLs are.
def api_schema(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    from drf_spectacular.views import SpectacularAPIView

    return SpectacularAPIView.as_view()(request, *args, **kwargs)


def api_docs(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    from drf_spectacular.views import SpectacularSwaggerView

    return SpectacularSwaggerView.as_view(url_name="api-schema")(request, *args, **kwargs)
