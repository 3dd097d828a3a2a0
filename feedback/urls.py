from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("progress/rate/", views.public_rate, name="public_rate"),
    path("feedback/cases/<str:number>/rate/", views.staff_rate, name="staff_rate"),
    path("feedback/tickets/", views.tickets, name="tickets"),
    path("feedback/tickets/<int:pk>/", views.ticket, name="ticket"),
    path("feedback/tickets/<int:pk>/<str:action>/", views.ticket_action, name="ticket_action"),
]
