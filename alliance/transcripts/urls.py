from django.urls import path

from alliance.transcripts import views

app_name = "transcripts"

urlpatterns = [
    path("", views.my_trends, name="my_trends"),
    path("sessions/<uuid:session_uuid>/attach/", views.upload, name="upload"),
    path("<uuid:transcript_uuid>/", views.detail, name="detail"),
    path("<uuid:transcript_uuid>/confirm/", views.confirm, name="confirm"),
    path("<uuid:transcript_uuid>/delete/", views.delete, name="delete"),
    path("<uuid:transcript_uuid>/delete-text/", views.delete_text, name="delete_text"),
    path("patients/<uuid:patient_uuid>/", views.patient_trends, name="patient_trends"),
]
