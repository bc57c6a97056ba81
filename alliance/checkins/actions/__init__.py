"""Every change made by check-ins: links, answers, submission, mirror ratings,
safety alerts, monitoring plans, kiosks, and what patients say from their link.

Keyword-only arguments, an explicit actor (``by=`` a clinic member, or
``link=`` for a patient), one transaction, and the audit record in it: UUIDs
and codes only, never a name or free text.
"""

from alliance.checkins.actions._common import PATIENT_LINK, SaveResult
from alliance.checkins.actions.checkin import (
    PILLAR_COLUMNS,
    first_unanswered,
    move_to,
    save_answers,
    start_checkin,
    store_scores,
    submit_checkin,
)
from alliance.checkins.actions.kiosk import (
    claim_kiosk_link,
    close_idle_kiosk_link,
    close_idle_kiosk_links,
    note_kiosk_activity,
    pair_kiosk,
    send_to_kiosk,
    unpair_kiosk,
)
from alliance.checkins.actions.links import (
    InvitationResult,
    auto_invite_if_due,
    create_link,
    invite_by_email,
    measures_due,
    plan_for,
    record_email_result,
    revoke_link,
    send_reminder_if_due,
    smtp_error_code,
    update_plan,
)
from alliance.checkins.actions.links import _reminder_due_at as _reminder_due_at  # for the tests
from alliance.checkins.actions.mirror import rate_session
from alliance.checkins.actions.safety import acknowledge_alert, mark_alert_emailed
from alliance.checkins.actions.space import (
    acknowledge_frame,
    object_to_task,
    propose_goal,
    record_patient_view,
)

__all__ = [
    "PATIENT_LINK",
    "PILLAR_COLUMNS",
    "InvitationResult",
    "SaveResult",
    "acknowledge_alert",
    "acknowledge_frame",
    "auto_invite_if_due",
    "claim_kiosk_link",
    "close_idle_kiosk_link",
    "close_idle_kiosk_links",
    "create_link",
    "first_unanswered",
    "invite_by_email",
    "mark_alert_emailed",
    "measures_due",
    "move_to",
    "note_kiosk_activity",
    "object_to_task",
    "pair_kiosk",
    "plan_for",
    "propose_goal",
    "rate_session",
    "record_email_result",
    "record_patient_view",
    "revoke_link",
    "save_answers",
    "send_reminder_if_due",
    "send_to_kiosk",
    "smtp_error_code",
    "start_checkin",
    "store_scores",
    "submit_checkin",
    "unpair_kiosk",
    "update_plan",
]
