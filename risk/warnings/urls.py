"""Risk warning pages (included from risk/urls.py under /risk/, app_name "risk")."""

from django.urls import path

from risk.warnings import views

urlpatterns = [
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/<int:pk>/acknowledge/", views.warning_acknowledge, name="warning_acknowledge"),
    path("warnings/<int:pk>/handle/", views.warning_handle, name="warning_handle"),
]
