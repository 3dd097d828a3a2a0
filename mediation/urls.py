from django.urls import path

from mediation import views

app_name = "mediation"
urlpatterns = [path("", views.my_cases, name="my_cases")]
