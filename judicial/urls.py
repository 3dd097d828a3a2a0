from django.urls import path

from judicial import views

app_name = "judicial"
urlpatterns = [path("", views.queue, name="queue")]
