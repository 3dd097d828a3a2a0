"""Ledger (台账) exports."""

from django.urls import path

from risk import ledger_views

urlpatterns = [
    # One address: GET lists the user's ledgers, POST (ledger_create) asks for a new one.
    path("ledgers/", ledger_views.ledgers, name="ledgers"),
    path("ledgers/", ledger_views.ledgers, name="ledger_create"),
    path("ledgers/<int:pk>/", ledger_views.ledger_page, name="ledger"),
    path("ledgers/<int:pk>/progress/", ledger_views.ledger_progress, name="ledger_progress"),
    path("ledgers/<int:pk>/download/", ledger_views.ledger_download, name="ledger_download"),
]
