"""``alliance transcripts code | summary | evaluate``.

Thin wrappers over :mod:`alliance.science.transcripts`. The model (and its
sentence encoder) is imported inside the handlers, so that ``alliance --help``
stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance.science.csv_export import csv_text
from alliance.science.errors import InputError, Location

if TYPE_CHECKING:
    from alliance.science.transcripts.features import Turn
    from alliance.science.transcripts.model import CodedUtterance
    from alliance.science.transcripts.parsing import Transcript

FORMATS_HELP = "a transcript: .vtt, .srt, .docx, .txt ('Name: text' lines) or .csv"


def register(subcommands: Any) -> None:
    """Add the ``transcripts`` command and its sub-commands to ``alliance``."""
    parser = subcommands.add_parser(
        "transcripts", help="code session transcripts (MITI-style) and summarise them"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    code = actions.add_parser("code", help="code each utterance; write a CSV")
    add_transcript_arguments(code)
    code.add_argument(
        "-o", "--output", type=Path, help="CSV file to write (default: standard output)"
    )
    code.set_defaults(handler=handle_code)

    summary = actions.add_parser("summary", help="session indicators as JSON")
    add_transcript_arguments(summary)
    summary.set_defaults(handler=handle_summary)

    evaluate = actions.add_parser(
        "evaluate", help="agreement with expert labels (AnnoMI CSV format)"
    )
    evaluate.add_argument("file", type=Path, metavar="LABELLED.csv")
    evaluate.add_argument(
        "--language", choices=("en", "fr"), help="default: detected from the text"
    )
    evaluate.add_argument("--text-column", default="utterance_text", help="column holding the text")
    evaluate.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    evaluate.set_defaults(handler=handle_evaluate)


def add_transcript_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help=FORMATS_HELP)
    parser.add_argument("--language", choices=("en", "fr"), help="default: detected from the text")
    parser.add_argument(
        "--therapist",
        action="append",
        metavar="NAME",
        help="the therapist's speaker name (repeat for co-therapists); default: suggested",
    )


# ---------------------------------------------------------------------------
# Reading a transcript as turns
# ---------------------------------------------------------------------------


def read_bytes(path: Path) -> bytes:
    from alliance.science.transcripts.parsing import MAX_TRANSCRIPT_BYTES, too_large

    try:
        size = path.stat().st_size
        if size > MAX_TRANSCRIPT_BYTES:  # checked before reading: the file may be huge
            raise too_large(size, Location(file=str(path)))
        return path.read_bytes()
    except OSError as error:
        raise InputError(
            f"The file cannot be read ({error.strerror}).",
            code="file_unreadable",
            location=Location(file=str(path)),
        ) from error


def load_turns(args: argparse.Namespace) -> tuple[Transcript, list[Turn], list[str]]:
    """The transcript, its turns with roles, and the therapist's name(s)."""
    from alliance.science.transcripts.checks import require_two_speakers
    from alliance.science.transcripts.parsing import parse_transcript
    from alliance.science.transcripts.speakers import (
        roles_if_labelled,
        suggest_therapist,
        turns_from_roles,
        turns_from_transcript,
    )

    data = read_bytes(args.file)
    is_csv = args.file.suffix.lower() in (".csv", ".tsv")
    transcript = parse_transcript(data, args.file.name, merge_turns=not is_csv)
    if roles_if_labelled(transcript) and not args.therapist:
        turns = turns_from_roles(transcript)
        require_two_roles(turns)
        return transcript, turns, ["therapist"]
    require_two_speakers(transcript)
    therapists = args.therapist or [suggest_therapist(transcript) or ""]
    if not args.therapist:
        print(
            f"alliance: taking '{therapists[0]}' as the therapist "
            f"(speakers: {', '.join(transcript.speakers)}); use --therapist to change.",
            file=sys.stderr,
        )
    return transcript, turns_from_transcript(transcript, therapists), therapists


def require_two_roles(turns: Sequence[Turn]) -> None:
    """A CSV whose speaker column says therapist/client needs both roles."""
    from alliance.science.transcripts.checks import one_speaker

    roles = {turn.role for turn in turns}
    if len(roles) == 1:
        raise one_speaker(roles.pop())


def warn_if_unpunctuated(transcript: Transcript) -> list[str]:
    """The warnings on the transcript ("no_punctuation"), also said on the error output."""
    from alliance.science.transcripts.checks import lacks_punctuation

    if not lacks_punctuation([utterance.text for utterance in transcript.utterances]):
        return []
    print(
        "alliance: warning: the transcript has almost no punctuation (speech recognition?); "
        "questions are recognised by their '?', so they may be missed.",
        file=sys.stderr,
    )
    return ["no_punctuation"]


def code_with_progress(turns: Sequence[Turn], language: str | None) -> list[CodedUtterance]:
    from alliance.science.transcripts.model import code_utterances

    def progress(done: int, total: int) -> None:
        if total > 500 and sys.stderr.isatty():
            print(f"\rcoding… {done}/{total}", end="" if done < total else "\n", file=sys.stderr)

    return code_utterances(turns, language=language, progress=progress)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Handlers
# ---------------------------------------------------------------------------


def handle_code(args: argparse.Namespace) -> int:
    from alliance.science.transcripts.model import BEHAVIOURS, CLIENT_TALK, MITI_CODES

    transcript, turns, _ = load_turns(args)
    warn_if_unpunctuated(transcript)
    coded = code_with_progress(turns, args.language)
    header = ["conversation", "utterance", "speaker", "text", "behaviour", "miti", "client_talk"]
    # Prefixed: "other" and "therapist_input" are both behaviours and MITI codes.
    header += [f"p_behaviour_{label}" for label in BEHAVIOURS]
    header += [f"p_miti_{label}" for label in MITI_CODES]
    header += [f"p_client_{label}" for label in CLIENT_TALK]
    header += ["speaker_name", "start", "end"]
    rows = [
        coded_row(number, utterance, item)
        for number, (utterance, item) in enumerate(zip(transcript.utterances, coded, strict=True))
    ]
    write_csv(args.output, header, rows)
    return 0


def coded_row(number: int, utterance: Any, coded: CodedUtterance) -> list[Any]:
    from alliance.science.transcripts.model import BEHAVIOURS, CLIENT_TALK, MITI_CODES

    probabilities = [rounded(coded.behaviour_probabilities.get(label)) for label in BEHAVIOURS]
    probabilities += [rounded(coded.miti_probabilities.get(label)) for label in MITI_CODES]
    probabilities += [rounded(coded.client_talk_probabilities.get(label)) for label in CLIENT_TALK]
    return [
        utterance.conversation,
        utterance.label or number,
        coded.role,
        coded.text,
        coded.behaviour or "",
        coded.miti or "",
        coded.client_talk or "",
        *probabilities,
        utterance.speaker,
        "" if utterance.start is None else utterance.start,
        "" if utterance.end is None else utterance.end,
    ]


def rounded(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def write_csv(output: Path | None, header: list[str], rows: list[list[Any]]) -> None:
    # Utterances are what people said: a spreadsheet must never run one as a formula.
    text = csv_text(header, rows)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomically(output, text)
    except OSError as error:
        raise InputError(
            f"The output file cannot be written ({error.strerror or error}).",
            code="file_unwritable",
            location=Location(file=str(output)),
        ) from error


def write_atomically(output: Path, text: str) -> None:
    # Written next to the target, then renamed: a failed run never leaves half a file.
    handle, temporary = tempfile.mkstemp(dir=output.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def handle_summary(args: argparse.Namespace) -> int:
    from alliance.science.transcripts.indicators import session_indicators
    from alliance.science.transcripts.language import detect_language

    transcript, turns, therapists = load_turns(args)
    warnings = warn_if_unpunctuated(transcript)
    language = args.language or detect_language(turn.text for turn in turns)
    coded = code_with_progress(turns, language)
    indicators = session_indicators(
        coded,
        starts=[u.start for u in transcript.utterances],
        ends=[u.end for u in transcript.utterances],
    )
    summary = {
        "file": args.file.name,
        "format": transcript.source_format,
        "language": language,
        "speakers": list(transcript.speakers),
        "therapist": therapists,
        "indicators": indicators.as_dict(),
        "warnings": warnings,
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


def handle_evaluate(args: argparse.Namespace) -> int:
    from alliance.science.transcripts.evaluation import (
        evaluate_labelled,
        format_report,
        read_labelled,
    )
    from alliance.science.transcripts.language import detect_language

    text = read_bytes(args.file).decode("utf-8-sig", errors="replace")
    utterances = read_labelled(text, text_column=args.text_column, name=str(args.file))
    if not utterances:
        raise InputError(
            "The labelled CSV has no rows.",
            code="transcript_empty",
            location=Location(file=str(args.file)),
        )
    language = args.language or detect_language(u.text for u in utterances)
    report = evaluate_labelled(utterances, language=language)
    if args.json:
        print(json.dumps({"language": language, **report.as_dict()}, indent=2))
    else:
        print(f"# {args.file.name} ({language})\n\n{format_report(report)}")
    return 0
