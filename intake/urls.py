from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("grid/", views.grid, name="grid"),
]
