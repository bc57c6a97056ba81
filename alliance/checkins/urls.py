from django.urls import path

from alliance.checkins.views import instruments, kiosk, patient, therapist

app_name = "checkins"

urlpatterns = [
    # The patient's pages: the token is the only key.
    path("c/<str:token>/", patient.start, name="start"),
    path("c/<str:token>/step/<str:step>/", patient.step, name="step"),
    path("c/<str:token>/step/<str:step>/autosave/", patient.autosave, name="autosave"),
    path("c/<str:token>/still-here/", patient.still_here, name="kiosk_still_here"),
    path("c/<str:token>/thanks/", patient.thanks, name="thanks"),
    path("c/<str:token>/space/", patient.space, name="space"),
    path("c/<str:token>/space/goals/propose/", patient.propose_goal, name="propose_goal"),
    path(
        "c/<str:token>/space/frame/acknowledge/",
        patient.acknowledge_frame,
        name="acknowledge_frame",
    ),
    path(
        "c/<str:token>/space/tasks/<uuid:task_uuid>/does-not-fit/",
        patient.object_to_task,
        name="object_to_task",
    ),
    # The therapist's pages.
    path("checkins/session/<uuid:session_uuid>/", therapist.session_page, name="session"),
    path("checkins/session/<uuid:session_uuid>/invite/", therapist.send_invitation, name="invite"),
    path("checkins/session/<uuid:session_uuid>/qr/", therapist.show_qr, name="qr"),
    path(
        "checkins/session/<uuid:session_uuid>/kiosk/", therapist.send_to_kiosk, name="send_to_kiosk"
    ),
    path("checkins/session/<uuid:session_uuid>/rate/", therapist.rate_session, name="rate"),
    path("checkins/links/<uuid:link_uuid>/revoke/", therapist.revoke_link, name="revoke_link"),
    path("checkins/not-answered/", therapist.not_answered, name="not_answered"),
    path(
        "checkins/alerts/<uuid:alert_uuid>/acknowledge/",
        therapist.acknowledge_alert,
        name="acknowledge_alert",
    ),
    path("checkins/patient/<uuid:patient_uuid>/plan/", therapist.plan, name="plan"),
    path("checkins/instruments/", instruments.instruments, name="instruments"),
    # The waiting-room tablet.
    path("kiosk/", kiosk.home, name="kiosk_home"),
    path("kiosk/pair/", kiosk.pair, name="kiosk_pair"),
    path("checkins/tablets/", kiosk.devices, name="kiosk_devices"),
    path("checkins/tablets/<uuid:device_uuid>/unpair/", kiosk.unpair, name="kiosk_unpair"),
    path("kiosk/poll/", kiosk.poll, name="kiosk_poll"),
    path("kiosk/done/", kiosk.done, name="kiosk_done"),
]
