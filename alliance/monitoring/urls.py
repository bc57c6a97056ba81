from django.urls import path

from alliance.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("patients/<uuid:patient_uuid>/brief/", views.brief, name="brief"),
    path("patients/<uuid:patient_uuid>/timeline/", views.timeline, name="timeline"),
    path("patients/<uuid:patient_uuid>/refresh/", views.refresh, name="refresh"),
    path("repairs/<uuid:repair_uuid>/", views.repair_detail, name="repair"),
    path("repairs/<uuid:repair_uuid>/plan/", views.plan_repair, name="plan_repair"),
    path("repairs/<uuid:repair_uuid>/addressed/", views.record_addressed, name="addressed"),
    path("repairs/<uuid:repair_uuid>/close/", views.close_repair, name="close_repair"),
    path("repairs/<uuid:repair_uuid>/share/", views.share_change, name="share_change"),
    path("clinic/", views.clinic_overview, name="clinic"),
    path("clinic/settings/", views.signal_settings, name="settings"),
]
