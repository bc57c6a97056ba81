"""The patient timeline: Vega-Lite charts built with Altair, rendered to SVG on the server.

Each chart is rendered offline by ``vl_convert`` (about 0.6 s the first time
in a process, then about 30 ms) and cached per patient, last check-in and
last signal computation, so the page costs a few queries once the cache is
warm. Every chart comes with a table that says the same thing in words: the
SVG is an ``<img>`` whose ``alt`` points to it (and an ``<img>`` keeps the
page's content security policy intact, unlike inline SVG with style
attributes). Dates and numbers are written the page's way ("5 janv.", "0,5" in French),
with Vega's own locales, which vl_convert bundles.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as gettext_now

from alliance.care.models import Goal, Patient
from alliance.checkins.instrument_ids import PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT
from alliance.checkins.models import CheckinScore, CheckinStatus
from alliance.monitoring.models import Repair, Severity, StoredSignal
from alliance.monitoring.trajectories import (
    GOAL_RATING,
    OUTCOME_INSTRUMENT,
)
from alliance.monitoring.words import PILLAR_NAMES, RULE_TITLES

PILLARS = ("goal", "task", "bond", "overall")
OUTCOMES = (OUTCOME_INSTRUMENT, "gad-7")
COLOURS = {"patient": "#2f6f73", "therapist": "#9a4f1f"}
CACHE_SECONDS = 60 * 60 * 24

# Month names and number formats from Vega's own locales, which vl_convert bundles:
# rendering fetches nothing.
VEGA_LOCALES: dict[str, Literal["en-US", "fr-FR"]] = {"en": "en-US", "fr": "fr-FR"}
# How the date axis writes each kind of tick (d3-time-format): "Jan 5" but "5 janv.",
# and a 24-hour clock in French.
AXIS_DATES = {
    "en": {
        "year": "%Y",
        "quarter": "%b",
        "month": "%b",
        "week": "%b %-d",
        "date": "%b %-d",
        "hours": "%-I %p",
        "minutes": "%-I:%M",
    },
    "fr": {
        "year": "%Y",
        "quarter": "%b",
        "month": "%b",
        "week": "%-d %b",
        "date": "%-d %b",
        "hours": "%H:%M",
        "minutes": "%H:%M",
    },
}


@dataclass
class RatingRow:
    at: datetime
    patient: dict[str, float | None] = field(default_factory=dict)
    therapist: dict[str, float | None] = field(default_factory=dict)


@dataclass
class RuptureRow:
    repair: Repair
    session_at: datetime
    pillars: str
    rules: str


@dataclass
class Timeline:
    patient: Patient
    ratings: list[RatingRow]
    ruptures: list[RuptureRow]
    goals: list[tuple[Goal, list[tuple[datetime, float]]]]
    outcomes: dict[str, list[tuple[datetime, float]]]
    alliance_chart: str = ""
    goals_chart: str = ""
    outcome_chart: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.ratings


def _rows(patient: Patient) -> list[dict[str, Any]]:
    return list(
        CheckinScore.objects.filter(
            checkin__patient=patient,
            checkin__status=CheckinStatus.SUBMITTED,
            instrument_id__in=(PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT, GOAL_RATING, *OUTCOMES),
        )
        .order_by("checkin__session__starts_at")
        .values(
            "checkin__session_id",
            "checkin__session__starts_at",
            "checkin__respondent",
            "instrument_id",
            "subject_uuid",
            "total",
            *PILLARS,
        )
    )


def _ratings(rows: list[dict[str, Any]]) -> list[RatingRow]:
    by_session: dict[int, RatingRow] = {}
    for row in rows:
        if row["instrument_id"] not in (PATIENT_INSTRUMENT, THERAPIST_INSTRUMENT):
            continue
        rating = by_session.setdefault(
            row["checkin__session_id"], RatingRow(row["checkin__session__starts_at"])
        )
        target = rating.patient if row["checkin__respondent"] == "patient" else rating.therapist
        target.update({p: row[p] for p in PILLARS})
    return list(by_session.values())


def _ruptures(patient: Patient) -> list[RuptureRow]:
    repairs = (
        Repair.objects.filter(patient=patient)
        .select_related("session")
        .prefetch_related("signals")
        .order_by("session__starts_at")
    )
    rows = []
    for repair in repairs:
        signals = [s for s in repair.signals.all() if s.severity != Severity.INFO]
        dimensions = sorted({s.dimension for s in signals})
        rules = sorted({s.rule for s in signals})
        rows.append(
            RuptureRow(
                repair,
                repair.session.starts_at,
                ", ".join(str(PILLAR_NAMES.get(d, d)) for d in dimensions),
                ", ".join(str(RULE_TITLES.get(r, r)) for r in rules),
            )
        )
    return rows


def _goals(
    patient: Patient, rows: list[dict[str, Any]]
) -> list[tuple[Goal, list[tuple[datetime, float]]]]:
    progress: dict[Any, list[tuple[datetime, float]]] = defaultdict(list)
    for row in rows:
        if row["instrument_id"] == GOAL_RATING and row["total"] is not None:
            progress[row["subject_uuid"]].append((row["checkin__session__starts_at"], row["total"]))
    goals = Goal.objects.filter(uuid__in=list(progress)).order_by("proposed_at")
    return [(goal, progress[goal.uuid]) for goal in goals]


def _outcomes(rows: list[dict[str, Any]]) -> dict[str, list[tuple[datetime, float]]]:
    found: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
    for row in rows:
        if row["instrument_id"] in OUTCOMES and row["total"] is not None:
            found[row["instrument_id"]].append((row["checkin__session__starts_at"], row["total"]))
    return dict(found)


def timeline(patient: Patient) -> Timeline:
    rows = _rows(patient)
    result = Timeline(
        patient=patient,
        ratings=_ratings(rows),
        ruptures=_ruptures(patient),
        goals=_goals(patient, rows),
        outcomes=_outcomes(rows),
    )
    if result.ratings:
        _attach_charts(result)
    return result


# --- Rendering ---------------------------------------------------------------------------


def _cache_key(patient: Patient, kind: str) -> str:
    marks = StoredSignal.objects.filter(patient=patient).aggregate(last=Max("computed_at"))
    repairs = Repair.objects.filter(patient=patient).aggregate(
        planned=Max("planned_at"), resolved=Max("resolved_at")
    )
    checkins = patient.checkins.aggregate(last=Max("submitted_at"))
    parts = [str(patient.uuid), kind, get_language() or "", str(marks), str(repairs), str(checkins)]
    # v2: dates and numbers in the page's language; charts cached before it are not reused.
    return "monitoring:chart:v2:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _chart_language() -> str:
    language = (get_language() or "en").split("-")[0]
    return language if language in VEGA_LOCALES else "en"


def render_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG, its dates and numbers written the way the active language writes them."""
    import vl_convert

    locale = VEGA_LOCALES[_chart_language()]
    svg: str = vl_convert.vegalite_to_svg(
        spec,
        format_locale=locale,
        time_format_locale=locale,
        allowed_base_urls=[],  # every chart carries its data: nothing is fetched
    )
    return svg


def _svg_data_uri(spec: dict[str, Any]) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(render_svg(spec).encode()).decode()


def _render_cached(patient: Patient, kind: str, build: Any) -> str:
    key = _cache_key(patient, kind)
    found = cache.get(key)
    if found is None:
        found = _svg_data_uri(build())
        cache.set(key, found, CACHE_SECONDS)
    return str(found)


def _attach_charts(result: Timeline) -> None:
    result.alliance_chart = _render_cached(
        result.patient, "alliance", lambda: alliance_spec(result)
    )
    if result.goals:
        result.goals_chart = _render_cached(result.patient, "goals", lambda: goals_spec(result))
    if result.outcomes:
        result.outcome_chart = _render_cached(
            result.patient, "outcome", lambda: outcome_spec(result)
        )


def _data(values: list[dict[str, Any]]) -> Any:
    import altair as alt

    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def _configured(chart: Any) -> dict[str, Any]:
    """The finished spec: no frame, and date ticks in the active language's order."""
    configured = chart.configure_view(stroke=None).configure_axisTemporal(
        format=AXIS_DATES[_chart_language()], formatType="time"
    )
    spec: dict[str, Any] = configured.to_dict()
    return spec


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def alliance_spec(result: Timeline) -> dict[str, Any]:
    """One small chart per pillar: both ratings, rupture markers and repair spans."""
    import altair as alt

    who = {"patient": gettext_now("Patient"), "therapist": gettext_now("Therapist")}
    charts = []
    end = _iso(timezone.now())
    for pillar in PILLARS:
        points = [
            {"at": _iso(r.at), "who": who[side], "score": values.get(pillar)}
            for r in result.ratings
            for side, values in (("patient", r.patient), ("therapist", r.therapist))
            if values.get(pillar) is not None
        ]
        spans = [
            {
                "start": _iso(r.session_at),
                "end": _iso(r.repair.resolved_at) if r.repair.resolved_at else end,
            }
            for r in result.ruptures
            if pillar in {s.dimension for s in r.repair.signals.all()}
        ]
        x = alt.X("at:T", title=None)
        y = alt.Y("score:Q", scale=alt.Scale(domain=[0, 10]), title=str(PILLAR_NAMES[pillar]))
        colour = alt.Color(
            "who:N",
            scale=alt.Scale(domain=list(who.values()), range=list(COLOURS.values())),
            title=None,
        )
        lines = alt.Chart(_data(points)).mark_line(point=True).encode(x, y, colour)
        layers: list[Any] = []
        if spans:
            layers.append(
                alt.Chart(_data(spans))
                .mark_rect(opacity=0.15, color="#a32020")
                .encode(x=alt.X("start:T"), x2="end:T")
            )
            layers.append(
                alt.Chart(_data(spans))
                .mark_rule(color="#a32020", strokeDash=[4, 2])
                .encode(x=alt.X("start:T"))
            )
        layers.append(lines)
        charts.append(alt.layer(*layers).properties(width=560, height=90))
    return _configured(alt.vconcat(*charts))


def _series_spec(series: list[dict[str, Any]], y_title: str, domain: list[float]) -> dict[str, Any]:
    import altair as alt

    chart = (
        alt.Chart(_data(series))
        .mark_line(point=True)
        .encode(
            alt.X("at:T", title=None),
            alt.Y("value:Q", scale=alt.Scale(domain=domain), title=y_title),
            alt.Color("name:N", title=None),
        )
        .properties(width=560, height=140)
    )
    return _configured(chart)


def goals_spec(result: Timeline) -> dict[str, Any]:
    series = [
        {"at": _iso(at), "value": value, "name": str(goal)[:40]}
        for goal, points in result.goals
        for at, value in points
    ]
    return _series_spec(series, gettext_now("Progress (0–10)"), [0, 10])


def outcome_spec(result: Timeline) -> dict[str, Any]:
    series = [
        {"at": _iso(at), "value": value, "name": name.upper()}
        for name, points in result.outcomes.items()
        for at, value in points
    ]
    return _series_spec(series, gettext_now("Total"), [0, 27])
