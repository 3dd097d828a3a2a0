from django.urls import include, path

from risk import views

app_name = "risk"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Risk warnings (list, acknowledge, handle) and ledger exports have their own modules.
    path("", include("risk.warning_urls")),
    path("", include("risk.ledger_urls")),
]
