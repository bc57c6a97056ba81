from django.urls import path

from alliance.care.views import goals, patients, sessions, tasks, transfers

app_name = "care"

urlpatterns = [
    path("", patients.patient_list, name="patient_list"),
    path("new/", patients.create_patient, name="create_patient"),
    path("<uuid:patient_uuid>/", patients.patient_detail, name="patient_detail"),
    path("<uuid:patient_uuid>/edit/", patients.edit_patient, name="edit_patient"),
    path("<uuid:patient_uuid>/share/", patients.share_patient, name="share_patient"),
    path(
        "transfer-from/<uuid:member_uuid>/",
        transfers.transfer_patients,
        name="transfer_patients",
    ),
    path("<uuid:patient_uuid>/episodes/new/", patients.open_episode, name="open_episode"),
    path("episodes/<uuid:episode_uuid>/close/", patients.close_episode, name="close_episode"),
    path("episodes/<uuid:episode_uuid>/sessions/new/", sessions.add_session, name="add_session"),
    path("sessions/<uuid:session_uuid>/edit/", sessions.edit_session, name="edit_session"),
    path(
        "sessions/<uuid:session_uuid>/attendance/",
        sessions.set_attendance,
        name="set_attendance",
    ),
    path("episodes/<uuid:episode_uuid>/frame/new/", goals.new_frame_version, name="new_frame"),
    path(
        "episodes/<uuid:episode_uuid>/frame/acknowledged/",
        goals.record_acknowledgement,
        name="record_acknowledgement",
    ),
    path("episodes/<uuid:episode_uuid>/goals/new/", goals.new_goal, name="new_goal"),
    path("goals/<uuid:goal_uuid>/agree/", goals.agree_goal, name="agree_goal"),
    path("goals/<uuid:goal_uuid>/revise/", goals.revise_goal, name="revise_goal"),
    path("goals/<uuid:goal_uuid>/achieve/", goals.achieve_goal, name="achieve_goal"),
    path("goals/<uuid:goal_uuid>/drop/", goals.drop_goal, name="drop_goal"),
    path("goals/<uuid:goal_uuid>/scale/", goals.goal_scale, name="goal_scale"),
    path("episodes/<uuid:episode_uuid>/tasks/new/", tasks.new_task, name="new_task"),
    path("tasks/<uuid:task_uuid>/edit/", tasks.edit_task, name="edit_task"),
    path("tasks/<uuid:task_uuid>/complete/", tasks.complete_task, name="complete_task"),
    path("tasks/<uuid:task_uuid>/drop/", tasks.drop_task, name="drop_task"),
]
