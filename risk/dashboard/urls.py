"""The leaders' dashboard page (included from risk/urls.py under /risk/, app_name "risk")."""

from django.urls import path

from risk.dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
