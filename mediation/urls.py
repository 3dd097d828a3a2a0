from django.urls import path

from mediation import views

app_name = "mediation"
urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("assign/", views.assign_queue, name="assign"),
    path("cases/<str:number>/start/", views.start, name="start"),
    path("cases/<str:number>/sessions/", views.session, name="session"),
    path("cases/<str:number>/agreement/", views.agreement, name="agreement"),
    path(
        "cases/<str:number>/agreements/<int:pk>/performance/", views.performance, name="performance"
    ),
    path("cases/<str:number>/agreements/<int:pk>/correct/", views.correct, name="correct"),
    path("cases/<str:number>/participants/<int:pk>/remove/", views.remove, name="remove"),
]
