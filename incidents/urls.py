from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.board, name="board"),
    path("report/", views.report, name="report"),
    path("county/", views.county, name="county"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/steps/<str:name>/", views.step, name="step"),
    path("<str:number>/photos/<int:pk>/", views.photo, name="photo"),
]
