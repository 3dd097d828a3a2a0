from django.urls import path

from intake import views

urlpatterns = [path("", views.progress, name="progress")]
