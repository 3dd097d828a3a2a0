from django.urls import include, path

app_name = "risk"
urlpatterns = [
    # The dashboard, risk warnings (list, acknowledge, handle) and ledger exports.
    path("", include("risk.dashboard.urls")),
    path("", include("risk.warnings.urls")),
    path("", include("risk.ledger.urls")),
]
