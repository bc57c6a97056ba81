from django.urls import include, path

urlpatterns = [
    path("", include("alliance.web.urls")),
    path("accounts/", include("alliance.accounts.urls")),
    path("patients/", include("alliance.care.urls")),
    path("caseload/", include("alliance.monitoring.urls")),
    path("transcripts/", include("alliance.transcripts.urls")),
    path("", include("alliance.checkins.urls")),
]

handler403 = "alliance.web.views.permission_denied"
handler404 = "alliance.web.views.page_not_found"
handler500 = "alliance.web.views.server_error"
