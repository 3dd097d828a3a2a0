from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("grid/", views.grid, name="grid"),
    path("party-form/", views.party_form, name="party_form"),
    path("lookup/", views.party_lookup, name="party_lookup"),
    path("check/", views.field_check, name="field_check"),
    path("fill/", views.party_fill, name="party_fill"),
    path("suggest/", views.suggestion, name="suggest"),
    path("villages/", views.villages, name="villages"),
    path("deadline/", views.deadline_calculator, name="deadline"),
    path("cases/", views.case_list, name="cases"),
    path("cases/export.xlsx", views.case_export, name="export"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/transitions/<str:name>/", views.case_transition, name="transition"),
    path("cases/<str:number>/parties/<int:pk>/reveal/", views.party_reveal, name="reveal"),
    path("cases/<str:number>/risk/", views.case_raise_risk, name="raise_risk"),
    path("cases/<str:number>/clocks/<int:pk>/<str:action>/", views.clock_action, name="clock"),
    path("cases/<str:number>/attachments/", views.attachment_upload, name="attach"),
    path("cases/<str:number>/receipt/", views.receipt_print, name="receipt"),
    path("cases/<str:number>/documents/", views.document_status, name="documents"),
    path("cases/<str:number>/documents/<int:pk>/", views.document_download, name="document"),
    path("cases/<str:number>/documents/<int:pk>/link/", views.document_link, name="document_link"),
]
