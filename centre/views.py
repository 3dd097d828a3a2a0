"""Pages of the centre app: home, health, the no-role page, the own-password change."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from centre import accounts, selectors, services
from centre.forms import OwnPasswordChangeForm
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


# Swagger UI styles its elements inline: the docs page alone allows inline styles (never
# inline scripts), for the staff who read it.
@csp_update({"style-src": ["'unsafe-inline'"]})
def api_docs(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    # The split view serves Swagger UI's start-up script as a file of its own, not inline:
    # the Content-Security-Policy allows no inline script.
    from drf_spectacular.views import SpectacularSwaggerSplitView

    return SpectacularSwaggerSplitView.as_view(url_name="api-schema")(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own-password page. When the change was required at login (first login,
    or a password past its age) the page says why, and once changed the user goes on to
    their desk."""

    form_class = OwnPasswordChangeForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.session.get(accounts.CHANGE_REQUIRED)
        context["change_reason"] = accounts.change_reason_text(reason) if reason else ""
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.session.pop(accounts.CHANGE_REQUIRED, None):
            messages.success(self.request, _("密码已修改。"))
            return redirect("home")
        return response
