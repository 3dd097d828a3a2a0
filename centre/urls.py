"""The one place that knows every app: it mounts each app's pages and API by name."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from centre import views
from centre.forms import LoginForm

admin.site.site_header = "矛调中心 管理后台"
admin.site.site_title = "矛调中心"
admin.site.index_title = "系统配置、账号与审计"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("inbox/", views.inbox, name="inbox"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/two-factor/", views.two_factor_verify, name="two_factor"),
    path("accounts/two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("intake/", include("intake.urls")),
    path("progress/", include("intake.public_urls")),
    # The rating page (progress/rate/) and the supervisors' rework tickets (feedback/).
    path("", include("feedback.urls")),
    path("mediation/", include("mediation.urls")),
    path("judicial/", include("judicial.urls")),
    path("petitions/", include("petitions.urls")),
    path("legal-aid/", include("legal_aid.urls")),
    path("labour/", include("labour.urls")),
    path("review/", include("review.urls")),
    path("incidents/", include("incidents.urls")),
    path("risk/", include("risk.urls")),
    path("api/v1/", include("centre.api")),
    path("api/v1/", include("intake.api")),
    path("api/v1/", include("mediation.api")),
    path("api/v1/", include("judicial.api")),
    path("api/v1/", include("incidents.api")),
    path("api/v1/", include("risk.dashboard.api")),
    path("api/v1/", include("risk.warnings.api")),
    path("api/schema/", views.api_schema, name="api-schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Errors raised outside a DRF view (a body too large, a URL no route matches) are JSON
# under /api/ as well (centre.api_errors).
handler400 = "centre.api_errors.bad_request"
handler403 = "centre.api_errors.permission_denied"
handler404 = "centre.api_errors.page_not_found"
handler500 = "centre.api_errors.server_error"
