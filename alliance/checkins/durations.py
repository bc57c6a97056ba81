"""How long check-in links live: the defaults that the settings read, and the tablet's idle rule.

Plain datetimes, no Django, so that the settings can import the defaults.

On the waiting-room tablet, a patient called in for their session leaves
their check-in half done; the next person in the waiting room must not see
it. After ``KIOSK_IDLE_MINUTES`` without an answer or a tap, the tablet's link
is closed (its answers stay saved) and the tablet shows its welcome screen.
"""

from __future__ import annotations

from datetime import datetime, timedelta

#: Days an emailed or QR link stays valid, unless ``CHECKIN_LINK_VALIDITY_DAYS`` says otherwise.
DEFAULT_LINK_VALIDITY_DAYS = 14

#: Minutes without an answer or a tap before a check-in on the tablet closes.
#: A heuristic, not a published figure: long enough to read and answer a step
#: calmly (a whole check-in takes about two minutes), short enough that a
#: check-in abandoned when the therapist calls the patient in is gone before
#: the next patient sits down. ``KIOSK_IDLE_MINUTES`` changes it.
DEFAULT_KIOSK_IDLE_MINUTES = 10

#: How long before closing the tablet asks "Still there?" (at most half the timeout).
IDLE_WARNING = timedelta(seconds=60)


def idle_deadline(last_activity: datetime, timeout: timedelta) -> datetime:
    """When a check-in last used at ``last_activity`` closes."""
    return last_activity + timeout


def is_idle(last_activity: datetime, now: datetime, timeout: timedelta) -> bool:
    """Whether the check-in has gone ``timeout`` without an answer or a tap."""
    return now >= idle_deadline(last_activity, timeout)


def warning_lead(timeout: timedelta) -> timedelta:
    """How long before the deadline the "Still there?" notice shows."""
    return min(IDLE_WARNING, timeout / 2)
