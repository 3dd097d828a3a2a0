"""Pages of the centre app: home, health, the no-role page, the own-password change, the
login's second factor (dynamic password and its enrolment)."""

from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from centre import accounts, selectors, services, two_factor
from centre.forms import OtpForm, OwnPasswordChangeForm
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


# --- The second factor (centre.two_factor) -------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    """Where the login was going (?next=, kept by the middleware), if it is this site."""
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _onwards(request: HttpRequest) -> HttpResponse:
    return redirect(_next_url(request) or settings.LOGIN_REDIRECT_URL)


def _with_next(request: HttpRequest, url_name: str) -> HttpResponse:
    url, following = reverse(url_name), _next_url(request)
    return redirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: following})}" if following else url)


@never_cache
@sensitive_post_parameters("otp")
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The login's second step: the six digits the person's authenticator app shows. One
    without a device yet is sent to enrol one."""
    if not settings.OTP_REQUIRED or request.user.is_verified():
        return _onwards(request)
    if not two_factor.has_confirmed_device(request.user):
        return _with_next(request, "two_factor_enrol")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = two_factor.session_verify(request=request, code=form.cleaned_data["otp"])
        if checked.device is not None:
            return _onwards(request)
        form.add_error("otp", checked.error)
    return render(
        request, "registration/two_factor.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@sensitive_post_parameters("otp")
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Enrolment, forced at the first login: the QR code and the secret for the app, then
    its first code, which confirms the device. The page is never cached: it shows the
    secret."""
    if not settings.OTP_REQUIRED or request.user.is_verified():
        return _onwards(request)
    if two_factor.has_confirmed_device(request.user):
        # Enrolling again would replace a device without its code: only the security
        # administrator's reset does that.
        return _with_next(request, "two_factor")
    device = two_factor.enrolment_device(user=request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = two_factor.enrolment_confirm(request=request, code=form.cleaned_data["otp"])
        if checked.device is not None:
            messages.success(request, _("动态口令已绑定，以后每次登录都须输入。"))
            return _onwards(request)
        form.add_error("otp", checked.error)
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": two_factor.enrolment_qr_svg(device),
        "secret": two_factor.secret_text(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "registration/two_factor_enrol.html", context)
