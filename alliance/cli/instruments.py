"""``alliance instruments``, ``alliance score`` and ``alliance reliability``.

Thin wrappers: parse arguments, call the pure core, print or write the
result. Every output file is written atomically, and only after all the input
has been read and checked.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from alliance.science.csv_export import write_csv
from alliance.science.errors import InputError, Location
from alliance.science.instruments import (
    Instrument,
    localize,
    resolve_instrument,
    scoring_keys,
    shipped_instruments,
)
from alliance.science.instruments.files import write_text_atomically
from alliance.science.instruments.tables import (
    AnswerTable,
    read_answer_table,
    write_csv_atomically,
)
from alliance.science.scoring import TableScores, describe_allowed, score_table

INSTRUMENT_HELP = (
    "a shipped instrument or scoring key id (see `alliance instruments list`), "
    "or a YAML or FHIR JSON file"
)


def register(subcommands: Any) -> None:
    """Add the ``instruments``, ``score`` and ``reliability`` commands to ``alliance``."""
    _register_instruments(subcommands)
    _register_score(subcommands)
    _register_reliability(subcommands)


# ---------------------------------------------------------------------------
# alliance instruments …
# ---------------------------------------------------------------------------


def _register_instruments(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "instruments", help="list, show, validate, import and export instruments"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", help="the shipped instruments and scoring keys")
    listing.set_defaults(handler=list_instruments)

    show = actions.add_parser("show", help="an instrument's items, scales and sources")
    show.add_argument("instrument", metavar="ID", help=INSTRUMENT_HELP)
    show.add_argument("--language", default="en", choices=("en", "fr"))
    show.set_defaults(handler=show_instrument)

    validate = actions.add_parser("validate", help="check a YAML or FHIR JSON definition")
    validate.add_argument("file", metavar="FILE")
    validate.set_defaults(handler=validate_file)

    import_fhir = actions.add_parser(
        "import-fhir", help="turn a FHIR Questionnaire (JSON) into a YAML definition"
    )
    import_fhir.add_argument("file", metavar="FILE")
    import_fhir.add_argument("--key", help="score it with this shipped scoring key (e.g. wai-sr)")
    import_fhir.add_argument("-o", "--output", metavar="OUTPUT.yaml", help="default: print it")
    import_fhir.set_defaults(handler=import_fhir_file)

    export_fhir = actions.add_parser("export-fhir", help="an instrument as a FHIR Questionnaire")
    export_fhir.add_argument("instrument", metavar="ID", help=INSTRUMENT_HELP)
    export_fhir.add_argument("--fhir-version", default="R5", choices=("R4B", "R5"))
    export_fhir.add_argument(
        "--language",
        default="en",
        choices=("en", "fr"),
        help="main language; the other goes in translation extensions",
    )
    export_fhir.add_argument("-o", "--output", metavar="OUTPUT.json", help="default: print it")
    export_fhir.set_defaults(handler=export_fhir_file)


def list_instruments(args: argparse.Namespace) -> int:
    rows: list[tuple[str, ...]] = [("ID", "VERSION", "KIND", "VALIDATED", "TITLE")]
    for instrument in shipped_instruments():
        rows.append(_listing_row(instrument, "instrument"))
    for key in scoring_keys():
        rows.append(_listing_row(key, "scoring key"))
    _print_table(rows)
    return 0


def _listing_row(instrument: Instrument, kind: str) -> tuple[str, ...]:
    validated = "yes" if instrument.validated else "no"
    return (instrument.id, instrument.version, kind, validated, localize(instrument.title, "en"))


def show_instrument(args: argparse.Namespace) -> int:
    instrument = resolve_instrument(args.instrument)
    for line in describe_instrument(instrument, args.language):
        print(line)
    return 0


def describe_instrument(instrument: Instrument, language: str) -> Iterable[str]:
    """The instrument in words, for a person reading a terminal."""
    low, high = instrument.total_range
    yield f"{localize(instrument.title, language)} ({instrument.id}, version {instrument.version})"
    yield f"Validated: {'yes' if instrument.validated else 'NO — not a validated instrument'}"
    yield f"Respondent: {instrument.respondent}"
    yield f"Source: {instrument.source or '—'}"
    yield f"Licence: {instrument.licence or '—'}"
    if instrument.instructions:
        yield f"Instructions: {localize(instrument.instructions, language)}"
    yield ""
    yield "Items:"
    for item in instrument.items:
        text = localize(item.text, language) if item.text else "(text not shipped)"
        flags = [item.response.value]
        flags += ["reverse-scored"] * item.reverse + (
            [f"pillar {item.pillar}"] if item.pillar else []
        )
        yield f"  {item.number:>2}. {item.id} [{', '.join(flags)}] {text}"
        if item.response.is_numeric:
            yield f"      answers: {describe_allowed(item)}"
    yield ""
    yield (
        f"Total: {instrument.scoring.method.value} of {', '.join(instrument.scoring.total_items)}"
        f" (range {low:g}–{high:g}, at most {instrument.scoring.max_missing} missing"
        f"{', prorated' if instrument.scoring.prorate else ''};"
        f" {'higher' if instrument.scoring.higher_is_better else 'lower'} is better)"
    )
    for subscale in instrument.subscales:
        yield f"Subscale {subscale.id}: {', '.join(subscale.items)}"
    for band in instrument.bands:
        yield f"Band from {band.lower:g}: {localize(band.label, language) or band.id}"
    for cutoff in instrument.cutoffs:
        sign = "≥" if cutoff.direction == "at_or_above" else "<"
        yield f"Cut-off {cutoff.id}: {cutoff.scale} {sign} {cutoff.threshold:g} — {cutoff.source}"
    for rule in instrument.safety:
        yield f"Safety {rule.id}: item {rule.item} above {rule.above:g}"
    if instrument.reliable_change:
        change = instrument.reliable_change
        yield f"Reliable change: {change.value:g} ({change.source})"
    if instrument.notes:
        yield f"Notes: {instrument.notes}"


def validate_file(args: argparse.Namespace) -> int:
    instrument = _load_definition(args.file)
    kind = "scoring key" if not instrument.has_texts else "instrument"
    print(
        f"{args.file}: valid {kind} '{instrument.id}' version {instrument.version}, "
        f"{len(instrument.items)} items, {len(instrument.subscales)} subscales."
    )
    return 0


def _load_definition(file: str) -> Instrument:
    path = Path(file)
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        raise InputError(
            "Expected a .yaml definition or a FHIR Questionnaire in .json.",
            code="unknown_format",
            location=Location(file=file),
        )
    return resolve_instrument(file)


def import_fhir_file(args: argparse.Namespace) -> int:
    from alliance.science.instruments.fhir import load_questionnaire_file
    from alliance.science.instruments.serialize import dump_instrument_yaml

    instrument = load_questionnaire_file(args.file, key=args.key)
    _emit(dump_instrument_yaml(instrument), args.output)
    return 0


def export_fhir_file(args: argparse.Namespace) -> int:
    from alliance.science.instruments.fhir import questionnaire_from_instrument

    instrument = resolve_instrument(args.instrument)
    resource = questionnaire_from_instrument(instrument, args.fhir_version, args.language)
    _emit(json.dumps(resource, ensure_ascii=False, indent=2) + "\n", args.output)
    return 0


def _emit(text: str, output: str | None) -> None:
    if output:
        write_text_atomically(output, text)
    else:
        sys.stdout.write(text)


# ---------------------------------------------------------------------------
# alliance score
# ---------------------------------------------------------------------------


def _register_score(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "score",
        help="score a CSV of answers (one row per administration)",
        description=(
            "Score every row of INPUT.csv. Item columns are named by the item's id or its "
            "number (1, 2, …); other columns are carried through. The output adds the total, "
            "each subscale, the severity band, cut-offs and safety flags, and a reason when a "
            "row cannot be scored."
        ),
    )
    parser.add_argument("instrument", metavar="ID", help=INSTRUMENT_HELP)
    parser.add_argument("input", metavar="INPUT.csv")
    parser.add_argument("-o", "--output", metavar="OUTPUT.csv", help="default: print the CSV")
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="leave rows with impossible answers unscored (with a reason) instead of stopping",
    )
    parser.add_argument(
        "--raw",
        action="store_true",
        help=(
            "copy every cell unchanged. By default a text cell that begins with =, +, -, @, "
            "a tab or a carriage return gets a leading ' so that a spreadsheet shows it as "
            "text instead of running it as a formula; numbers such as -3 are never changed"
        ),
    )
    parser.set_defaults(handler=score_file)


def score_file(args: argparse.Namespace) -> int:
    instrument = resolve_instrument(args.instrument)
    table = read_answer_table(instrument, args.input, keep_unreadable=args.skip_invalid)
    scores = score_table(instrument, table.matrix, workers=None)
    if args.skip_invalid:
        _leave_unreadable_rows_unscored(scores, table.unreadable)
    else:
        _raise_first_invalid(instrument, table, scores)
    header, rows = scored_rows(instrument, table, scores)
    if args.output:
        write_csv_atomically(args.output, header, rows, delimiter=table.delimiter, raw=args.raw)
    else:
        write_csv(sys.stdout, header, rows, delimiter=table.delimiter, raw=args.raw)
    return 0


def _leave_unreadable_rows_unscored(scores: TableScores, unreadable: np.ndarray) -> None:
    """A row with a cell that is not a number gets no score, like an impossible answer."""
    rows = unreadable.any(axis=1)
    if not rows.any():
        return
    scores.invalid[rows] |= unreadable[rows]
    for values in scores.scales.values():
        values[rows] = np.nan
    scores.band[rows] = -1


def _raise_first_invalid(instrument: Instrument, table: AnswerTable, scores: TableScores) -> None:
    cells = np.argwhere(scores.invalid)
    if not len(cells):
        return
    row, column = (int(index) for index in cells[0])
    item = instrument.numeric_items[column]
    field = table.header[table.columns[item.id]]
    raise InputError(
        f"Answer '{table.rows[row][table.columns[item.id]]}' is not possible for item "
        f"'{item.id}' ({describe_allowed(item)}). Fix it, or use --skip-invalid to leave "
        "such rows unscored.",
        code="answer_out_of_range",
        location=Location(file=table.file, row=table.row_numbers[row], field=field),
        params={"item": item.id, "minimum": item.minimum, "maximum": item.maximum},
    )


def scored_rows(
    instrument: Instrument, table: AnswerTable, scores: TableScores
) -> tuple[list[str], list[list[str]]]:
    """The input columns followed by the score columns, as text."""
    scale_ids = list(scores.scales)
    header = list(table.header) + [f"score_{scale}" for scale in scale_ids] + ["band"]
    header += [f"cutoff_{cutoff.id}" for cutoff in instrument.cutoffs]
    header += [f"safety_{rule.id}" for rule in instrument.safety] + ["reason"]
    columns = [scores.scales[scale].tolist() for scale in scale_ids]
    problems = scores.problems()
    rows = []
    for index, cells in enumerate(table.rows):
        values = [column[index] for column in columns]
        band = int(scores.band[index])
        row = list(cells) + [format_number(value) for value in values]
        row.append(instrument.bands[band].id if band >= 0 else "")
        row += [
            _cutoff_cell(cutoff, dict(zip(scale_ids, values, strict=True)))
            for cutoff in instrument.cutoffs
        ]
        row += ["1" if flag else "0" for flag in scores.safety[index].tolist()]
        problem = problems[index]
        row.append(problem.message if problem else "")
        rows.append(row)
    return header, rows


def _cutoff_cell(cutoff: Any, values: dict[str, float]) -> str:
    value = values[cutoff.scale]
    if math.isnan(value):
        return ""
    return "1" if cutoff.is_met(value) else "0"


def format_number(value: float) -> str:
    """A score as short text: ``8``, ``8.5``, ``8.667``; empty when it could not be computed."""
    if math.isnan(value):
        return ""
    return f"{round(value, 6):.6f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------
# alliance reliability
# ---------------------------------------------------------------------------


def _register_reliability(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "reliability",
        help="Cronbach's alpha and McDonald's omega, overall and per subscale",
        description=(
            "Internal consistency of an instrument on your own data: α with Feldt's interval, "
            "ω (one-factor model) with a bootstrap interval. Rows with a missing item are left out."
        ),
    )
    parser.add_argument("instrument", metavar="ID", help=INSTRUMENT_HELP)
    parser.add_argument("input", metavar="INPUT.csv")
    parser.add_argument("--level", type=float, default=0.95, help="confidence level (0.95)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="resamples for ω (1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap (0)")
    parser.set_defaults(handler=reliability_of_file)


def reliability_of_file(args: argparse.Namespace) -> int:
    from alliance.science.reliability import instrument_reliability

    if not 0.5 <= args.level < 1 or args.bootstrap < 100:
        raise InputError(
            "Use a --level between 0.5 and 1 and at least 100 --bootstrap resamples.",
            code="invalid_value",
        )
    instrument = resolve_instrument(args.instrument)
    table = read_answer_table(instrument, args.input)
    results = instrument_reliability(
        instrument, table.matrix, level=args.level, n_bootstrap=args.bootstrap, seed=args.seed
    )
    percent = f"{args.level:.0%}"
    rows = [
        (
            "SCALE",
            "ITEMS",
            "ROWS",
            "ALPHA",
            f"{percent} CI (Feldt)",
            "OMEGA",
            f"{percent} CI (bootstrap)",
            "NOTE",
        )
    ]
    for result in results:
        rows.append(
            (
                result.scale,
                str(result.n_items),
                str(result.n_rows),
                *_estimate_cells(result.alpha),
                *_estimate_cells(result.omega),
                result.problem or "",
            )
        )
    _print_table(rows)
    if not instrument.validated:
        print(
            f"\n'{instrument.id}' is not a validated instrument: "
            "these figures describe your data only."
        )
    return 0


def _estimate_cells(estimate: Any) -> tuple[str, str]:
    if estimate is None:
        return "—", "—"
    return f"{estimate.value:.3f}", f"{estimate.lower:.3f}–{estimate.upper:.3f}"


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
