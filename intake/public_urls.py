from django.urls import path

from intake import public_views

urlpatterns = [
    path("", public_views.progress, name="progress"),
    path("code/", public_views.progress_code, name="progress_code"),
    path("verify/", public_views.progress_verify, name="progress_verify"),
    path("sms/", public_views.progress_sms, name="progress_sms"),
    path("documents/<str:token>/", public_views.progress_document, name="progress_document"),
]
