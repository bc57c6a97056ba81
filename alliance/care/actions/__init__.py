"""Every change to patients, episodes, sessions, the frame, goals and tasks.

Each action takes keyword arguments only, names who acts (``by=``), runs in
one transaction and writes its audit record in it. Audit data holds UUIDs and
codes only: never a name, a wording or any other free text.
A request that cannot be carried out raises :class:`ActionRefused` with a
sentence for the person, and changes nothing.
"""

from alliance.care.actions.common import PATIENT_LINK
from alliance.care.actions.frame import acknowledge_frame, current_frame, publish_frame_version
from alliance.care.actions.goals import (
    achieve_goal,
    agree_goal,
    drop_goal,
    propose_goal,
    propose_goal_as_patient,
    revise_goal,
    set_goal_scale,
)
from alliance.care.actions.patients import (
    close_episode,
    create_patient,
    open_episode,
    share_patient,
    transfer_lead_patients,
    update_patient,
)
from alliance.care.actions.sessions import add_session, set_attendance, update_session
from alliance.care.actions.tasks import complete_task, create_task, drop_task, update_task

__all__ = [
    "PATIENT_LINK",
    "achieve_goal",
    "acknowledge_frame",
    "add_session",
    "agree_goal",
    "close_episode",
    "complete_task",
    "create_patient",
    "create_task",
    "current_frame",
    "drop_goal",
    "drop_task",
    "open_episode",
    "propose_goal",
    "propose_goal_as_patient",
    "publish_frame_version",
    "revise_goal",
    "set_attendance",
    "set_goal_scale",
    "share_patient",
    "transfer_lead_patients",
    "update_patient",
    "update_session",
    "update_task",
]
