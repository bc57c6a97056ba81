"""The ids of the two alliance questionnaires of a session, named once for every app.

The patient answers the check-in; the therapist rates the same session with its mirror.
Their texts live in ``alliance/science/instruments``; the apps store these ids beside answers.
"""

PATIENT_INSTRUMENT = "alliance-checkin"
THERAPIST_INSTRUMENT = "alliance-checkin-therapist"
