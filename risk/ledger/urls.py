"""Ledger (台账) exports."""

from django.urls import path

from risk.ledger import views

urlpatterns = [
    # One address: GET lists the user's ledgers, POST (ledger_create) asks for a new one.
    path("ledgers/", views.ledgers, name="ledgers"),
    path("ledgers/", views.ledgers, name="ledger_create"),
    path("ledgers/<int:pk>/", views.ledger_page, name="ledger"),
    path("ledgers/<int:pk>/progress/", views.ledger_progress, name="ledger_progress"),
    path("ledgers/<int:pk>/download/", views.ledger_download, name="ledger_download"),
]
