from django.urls import path

from judicial import views

app_name = "judicial"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("delegate/", views.delegate, name="delegate"),
    path("cases/<str:number>/accept/", views.accept, name="accept"),
    path("cases/<str:number>/extend/", views.extend, name="extend"),
    path("cases/<str:number>/clerk/", views.clerk, name="clerk"),
    path("cases/<str:number>/outcome/", views.outcome, name="outcome"),
    path("cases/<str:number>/unlimit/", views.unlimit, name="unlimit"),
    path("cases/<str:number>/handoff/", views.handoff_status, name="handoff_status"),
    path("cases/<str:number>/handoff.zip", views.handoff_zip, name="handoff_zip"),
]
