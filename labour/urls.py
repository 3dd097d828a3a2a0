from django.urls import path

from labour import views

app_name = "labour"
urlpatterns = [path("", views.queue, name="queue")]
