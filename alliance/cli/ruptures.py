"""``alliance ruptures INPUT.csv [-o EVENTS.csv]``: rupture signals for researchers.

INPUT is long format, one row per patient, session and respondent:

- ``patient``: any identifier;
- ``session``: a number or an ISO date (``2025-03-14``), the same kind in every row;
- either ``score`` or ``goal``, ``task``, ``bond`` (and optionally ``overall``);
- optionally ``tension`` (1/0, yes/no, oui/non) and ``respondent``
  (``patient`` or ``therapist``; ``patient`` when absent).

EVENTS has one row per detected event: ``patient``, ``session``, ``dimension``,
``rule``, ``magnitude``, ``repaired_session`` (empty if not repaired), then
``respondent``, ``severity`` and ``detected_session``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib
import io
import math
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from alliance.science.csv_export import write_csv
from alliance.science.errors import InputError, Location
from alliance.science.signals import (
    DEFAULT_CONFIG,
    DEFAULT_RULES,
    RULES,
    Checkins,
    Scale,
    Signal,
    SignalConfig,
    Trajectory,
    calibrate_scale,
    detect_batch,
    repaired_at,
)
from alliance.science.signals.model import FloatArray

SCORE_COLUMNS = ("score", "goal", "task", "bond", "overall")
RESPONDENTS = ("patient", "therapist")
EVENT_COLUMNS = (
    "patient",
    "session",
    "dimension",
    "rule",
    "magnitude",
    "repaired_session",
    "respondent",
    "severity",
    "detected_session",
)
_YES = {"1", "yes", "y", "true", "oui", "o", "vrai"}
_NO = {"0", "no", "n", "false", "non", "faux"}
#: The rules the command can compute from its input columns.
CLI_RULES = frozenset(
    {
        "reliable_drop",
        "dip_1sd",
        "dip_2sd",
        "sudden_loss",
        "ceiling_drop",
        "low_level",
        "tension",
        "discrepancy",
    }
)


def register(subcommands: Any) -> None:
    """Add the ``ruptures`` command to the ``alliance`` parser."""
    parser = subcommands.add_parser(
        "ruptures",
        help="detect alliance ruptures in a long-format CSV of check-ins",
        description=__doc__.split("\n\n", 1)[0] if __doc__ else None,
    )
    parser.add_argument("input", metavar="INPUT.csv", type=Path)
    parser.add_argument(
        "-o",
        "--output",
        metavar="EVENTS.csv",
        type=Path,
        help="where to write the events (default: standard output)",
    )
    parser.add_argument(
        "--instrument",
        metavar="ID",
        help="instrument whose range, cut-off and reliability to use (e.g. srs)",
    )
    parser.add_argument(
        "--range", nargs=2, type=float, metavar=("MIN", "MAX"), help="range of every score column"
    )
    parser.add_argument(
        "--reliability",
        type=float,
        metavar="R",
        help="reliability r_xx of the scores (Jacobson & Truax)",
    )
    parser.add_argument(
        "--sd",
        type=float,
        metavar="SD",
        help="SD₁ of the scores between patients (default: SD of all scores in the file; "
        "give it for a file with few patients)",
    )
    parser.add_argument(
        "--cutoff",
        type=float,
        metavar="X",
        help="alliance-concern cut-off: scores below it are flagged",
    )
    parser.add_argument(
        "--rules",
        default="all",
        metavar="RULES",
        help="'all', 'default' or a comma-separated list of rule ids",
    )
    parser.add_argument(
        "--no-calibrate",
        action="store_true",
        help="never estimate reliability from the data, even with enough patients",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    table = read_checkins(args.input)
    config = replace(DEFAULT_CONFIG, enabled_rules=_chosen_rules(args.rules))
    scales = {dimension: _scale(args, table, dimension) for dimension in table.dimensions}
    events = find_events(table, scales, config)
    if args.output is None:
        write_events(sys.stdout, events)
    else:
        write_atomically(args.output, events)
        patients = len({event[0] for event in events})
        print(
            f"{len(events)} events in {patients} patients written to {args.output}", file=sys.stderr
        )
    return 0


# --------------------------------------------------------------------------- #
# Reading
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class CheckinTable:
    """The input, grouped by patient and sorted by session, patient and therapist aligned."""

    file: str
    patients: list[str]  # one per row
    session_labels: list[str]
    dimensions: tuple[str, ...]
    checkins: Checkins


def read_checkins(path: Path) -> CheckinTable:
    """Parse and check the input file; every problem names the file, line and column."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            "The file does not exist.", "file_not_found", Location(file=name), {"file": name}
        ) from None
    except UnicodeDecodeError:
        raise InputError(
            "The file is not UTF-8 text; save it as UTF-8 CSV.",
            "not_utf8",
            Location(file=name),
            {"file": name},
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    dimensions = _check_columns(name, columns)
    records = [_parse_row(name, line, row, dimensions) for line, row in _numbered(reader)]
    if not records:
        raise InputError("The file has no data rows.", "empty", Location(file=name), {})
    _check_session_kinds(name, records)
    return _assemble(name, records, dimensions)


def _numbered(reader: csv.DictReader[str]) -> Iterable[tuple[int, dict[str, str]]]:
    for row in reader:
        yield reader.line_num, row


def _check_columns(file: str, columns: Sequence[str]) -> tuple[str, ...]:
    for required in ("patient", "session"):
        if required not in columns:
            raise InputError(
                f"The column '{required}' is missing; the first line must name the columns.",
                "missing_column",
                Location(file=file, field=required),
                {"column": required},
            )
    dimensions = tuple(column for column in SCORE_COLUMNS if column in columns)
    if not dimensions:
        raise InputError(
            "There is no score column: add 'score' or 'goal', 'task' and 'bond'.",
            "missing_column",
            Location(file=file, field="score"),
            {"column": "score"},
        )
    return dimensions


@dataclass(frozen=True)
class _Record:
    line: int
    patient: str
    respondent: str
    session_label: str
    session: float
    is_date: bool
    scores: dict[str, float]
    tension: float


def _parse_row(file: str, line: int, row: dict[str, str], dimensions: tuple[str, ...]) -> _Record:
    def where(field: str) -> Location:
        return Location(file=file, row=line, field=field)

    patient = (row.get("patient") or "").strip()
    if not patient:
        raise InputError(
            "The patient is empty.", "missing_value", where("patient"), {"column": "patient"}
        )
    label = (row.get("session") or "").strip()
    session, is_date = _parse_session(label, where("session"))
    respondent = (row.get("respondent") or "patient").strip().lower() or "patient"
    if respondent not in RESPONDENTS:
        raise InputError(
            "The respondent must be 'patient' or 'therapist'.",
            "invalid_respondent",
            where("respondent"),
            {"value": respondent},
        )
    scores = {d: _parse_number(row.get(d), where(d)) for d in dimensions}
    tension = _parse_yes_no(row.get("tension"), where("tension"))
    return _Record(line, patient, respondent, label, session, is_date, scores, tension)


def _parse_session(label: str, location: Location) -> tuple[float, bool]:
    try:
        return float(label), False
    except ValueError:
        pass
    try:
        return float(dt.date.fromisoformat(label).toordinal()), True
    except ValueError:
        raise InputError(
            "The session must be a number or a date written 2025-03-14.",
            "invalid_session",
            location,
            {"value": label},
        ) from None


def _parse_number(text: str | None, location: Location) -> float:
    value = (text or "").strip().replace(",", ".")
    if not value or value.upper() in {"NA", "NAN"}:
        return math.nan
    try:
        number = float(value)
    except ValueError:
        raise InputError(
            "This score is not a number.", "invalid_number", location, {"value": value}
        ) from None
    if not math.isfinite(number):
        raise InputError(
            "This score is not a finite number.", "invalid_number", location, {"value": value}
        )
    return number


def _parse_yes_no(text: str | None, location: Location) -> float:
    value = (text or "").strip().lower()
    if not value or value in {"na", "nan"}:
        return math.nan
    if value in _YES:
        return 1.0
    if value in _NO:
        return 0.0
    raise InputError(
        "Tension must be 1 or 0 (yes or no).", "invalid_yes_no", location, {"value": value}
    )


def _check_session_kinds(file: str, records: list[_Record]) -> None:
    kind = records[0].is_date
    for record in records:
        if record.is_date != kind:
            raise InputError(
                "Sessions mix numbers and dates; use one kind in the whole file.",
                "mixed_sessions",
                Location(file=file, row=record.line, field="session"),
                {"value": record.session_label},
            )


def _assemble(file: str, records: list[_Record], dimensions: tuple[str, ...]) -> CheckinTable:
    """One row per patient and session, with patient and therapist answers side by side."""
    by_key: dict[tuple[str, float], dict[str, _Record]] = {}
    order: dict[str, int] = {}
    for record in records:
        order.setdefault(record.patient, len(order))
        answers = by_key.setdefault((record.patient, record.session), {})
        if record.respondent in answers:
            raise InputError(
                "This patient, session and respondent appear twice.",
                "duplicate_session",
                Location(file=file, row=record.line, field="session"),
                {"patient": record.patient, "session": record.session_label},
            )
        answers[record.respondent] = record
    keys = sorted(by_key, key=lambda key: (order[key[0]], key[1]))
    respondents = sorted({r.respondent for r in records}, key=RESPONDENTS.index)
    scores: dict[tuple[str, str], FloatArray] = {
        (respondent, dimension): np.array(
            [_score(by_key[key], respondent, dimension) for key in keys]
        )
        for respondent in respondents
        for dimension in dimensions
    }
    tension = np.array([_score(by_key[key], "patient", "tension") for key in keys])
    patients = [key[0] for key in keys]
    codes = np.array([order[p] for p in patients], dtype=np.int64)
    labels = [next(iter(by_key[key].values())).session_label for key in keys]
    checkins = Checkins(codes, scores, tension if not np.isnan(tension).all() else None)
    return CheckinTable(file, patients, labels, dimensions, checkins)


def _score(answers: dict[str, _Record], respondent: str, dimension: str) -> float:
    record = answers.get(respondent)
    if record is None:
        return math.nan
    return record.tension if dimension == "tension" else record.scores[dimension]


# --------------------------------------------------------------------------- #
# Scales and rules
# --------------------------------------------------------------------------- #


def _chosen_rules(text: str) -> frozenset[str]:
    if text == "all":
        return CLI_RULES
    if text == "default":
        return CLI_RULES & DEFAULT_RULES
    chosen = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(chosen - frozenset(RULES))
    if unknown:
        raise InputError(
            f"Unknown rule '{unknown[0]}'; choose among: {', '.join(sorted(CLI_RULES))}.",
            "unknown_rule",
            Location(field="--rules"),
            {"rule": unknown[0]},
        )
    return chosen


@dataclass(frozen=True)
class _InstrumentFacts:
    minimum: float
    maximum: float
    reliability: float | None
    reliable_change: float | None
    cutoff: float | None


def _instrument_facts(instrument_id: str, dimension: str) -> _InstrumentFacts:
    try:  # lazily: the instruments package is optional for this command
        instruments = importlib.import_module("alliance.science.instruments")
    except ImportError:
        raise InputError(
            "Instruments are not available in this installation; give "
            "--range MIN MAX --reliability R instead.",
            "instruments_unavailable",
            Location(field="--instrument"),
            {"instrument": instrument_id},
        ) from None
    # An id of a shipped instrument or scoring key, or a YAML/FHIR file.
    find = getattr(instruments, "resolve_instrument", None) or instruments.get_instrument
    instrument = find(instrument_id)
    subscale = dimension if dimension in {s.id for s in instrument.subscales} else None
    minimum, maximum = instrument.subscale_range(subscale) if subscale else instrument.total_range
    scale_name = subscale or "total"
    cutoffs = [
        c.threshold for c in instrument.cutoffs if c.scale == scale_name and c.direction == "below"
    ]
    reliable_change = instrument.reliable_change
    return _InstrumentFacts(
        minimum=minimum,
        maximum=maximum,
        reliability=instrument.reliability.alpha if instrument.reliability else None,
        reliable_change=reliable_change.value if reliable_change and not subscale else None,
        cutoff=cutoffs[0] if cutoffs else None,
    )


def _scale(args: argparse.Namespace, table: CheckinTable, dimension: str) -> Scale:
    """The scale of one dimension: options first, then the instrument, then the data."""
    facts = _instrument_facts(args.instrument, dimension) if args.instrument else None
    if args.range is not None:
        minimum, maximum = args.range
    elif facts is not None:
        minimum, maximum = facts.minimum, facts.maximum
    else:
        raise InputError(
            "Give the scale's range with --range MIN MAX, or --instrument ID.",
            "missing_range",
            Location(field="--range"),
            {},
        )
    values = _all_values(table, dimension)
    _check_range(table.file, values, minimum, maximum, dimension)
    reliability = (
        args.reliability if args.reliability is not None else (facts.reliability if facts else None)
    )
    sd = args.sd if args.sd is not None else _data_sd(values)
    if facts and facts.reliable_change and reliability is None and args.sd is None:
        reliability = 0.0  # only the published reliable change is known: SE from it below
        sd = facts.reliable_change / (1.96 * math.sqrt(2.0))
    cutoff = args.cutoff if args.cutoff is not None else (facts.cutoff if facts else None)
    default = Scale(
        minimum, maximum, reliability if reliability is not None else 0.0, sd, low_cutoff=cutoff
    )
    if args.no_calibrate and reliability is not None:
        return default
    patients, scores = _long_series(table, dimension)
    calibrated = calibrate_scale(patients, scores, default)
    if calibrated is default and reliability is None:
        raise InputError(
            "The reliability is unknown (no --reliability, and no published value for the "
            "instrument) and there are too few patients to estimate it from the data; "
            "give --reliability R.",
            "missing_reliability",
            Location(field="--reliability"),
            {"dimension": dimension},
        )
    return calibrated


def _all_values(table: CheckinTable, dimension: str) -> FloatArray:
    arrays = [v for (r, d), v in table.checkins.scores.items() if d == dimension]
    return np.concatenate(arrays)


def _long_series(table: CheckinTable, dimension: str) -> tuple[FloatArray, FloatArray]:
    """Patient codes and scores of the patient respondent (therapist if there is none)."""
    scores = table.checkins.scores
    series = scores.get(("patient", dimension), scores.get(("therapist", dimension)))
    assert series is not None  # every dimension has at least one respondent
    return table.checkins.patient.astype(float), series


def _data_sd(values: FloatArray) -> float:
    observed = values[~np.isnan(values)]
    sd = float(np.std(observed, ddof=1)) if observed.size > 1 else 0.0
    return sd if sd > 0 else 1.0


def _check_range(
    file: str, values: FloatArray, minimum: float, maximum: float, dimension: str
) -> None:
    with np.errstate(invalid="ignore"):
        outside = np.flatnonzero((values < minimum) | (values > maximum))
    if outside.size:
        value = float(values[outside[0]])
        raise InputError(
            f"The score {value:g} is outside the range {minimum:g}–{maximum:g}; "
            "check the column or give the right --range.",
            "out_of_range",
            Location(file=file, field=dimension),
            {"value": value, "minimum": minimum, "maximum": maximum},
        )


# --------------------------------------------------------------------------- #
# Detecting and writing
# --------------------------------------------------------------------------- #


Event = tuple[str, str, str, str, str, str, str, str, str]


def find_events(table: CheckinTable, scales: dict[str, Scale], config: SignalConfig) -> list[Event]:
    """Every signal of every patient, with the session at which it was repaired."""
    found = detect_batch(table.checkins, scales, config).to_signals(table.checkins)
    starts = {code: row for row, code in reversed(list(enumerate(table.checkins.patient)))}
    trajectories: dict[int, Trajectory] = {}
    events = []
    for code, signal in sorted(
        found, key=lambda pair: (pair[0], pair[1].session, pair[1].dimension, pair[1].rule)
    ):
        if code not in trajectories:
            trajectories[code] = _trajectory(table, code)
        first_row = starts[code]
        repaired = (
            repaired_at(signal, trajectories[code], scales, config) if signal.is_rupture else None
        )
        events.append(_event(table, first_row, signal, repaired))
    return events


def _trajectory(table: CheckinTable, code: int) -> Trajectory:
    rows = table.checkins.patient == code
    checkins = table.checkins
    return Trajectory(
        sessions=np.arange(int(rows.sum()), dtype=float),
        scores={key: values[rows] for key, values in checkins.scores.items()},
        tension=None if checkins.tension is None else checkins.tension[rows],
    )


def _event(table: CheckinTable, first_row: int, signal: Signal, repaired: int | None) -> Event:
    def label(position: int) -> str:
        return table.session_labels[first_row + position]

    return (
        table.patients[first_row],
        label(signal.session),
        signal.dimension,
        signal.rule,
        f"{round(signal.magnitude, 4):g}",
        "" if repaired is None else label(repaired),
        signal.respondent,
        str(signal.severity),
        label(signal.detected_at),
    )


def write_events(stream: TextIO, events: Iterable[Event]) -> None:
    # Patient codes and session labels come from the input file: made safe to open.
    write_csv(stream, EVENT_COLUMNS, events)


def write_atomically(path: Path, events: Iterable[Event]) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written file."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise InputError(
            "The output folder does not exist.",
            "output_folder_missing",
            Location(file=str(path)),
            {"folder": str(directory)},
        )
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            write_events(stream, events)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
