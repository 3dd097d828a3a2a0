from django.urls import path

from legal_aid import views

app_name = "legal_aid"
urlpatterns = [path("", views.queue, name="queue")]
