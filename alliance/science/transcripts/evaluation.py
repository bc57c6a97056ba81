"""Measuring the coding model against expert labels (the shared AnnoMI format).

Macro-F1 (the mean of the per-label F1, so that rare codes count as much as
frequent ones), per-label F1, confusion matrices, and calibration: expected
calibration error (ECE, 10 equal-width bins of the top probability) and the
multi-class Brier score.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from alliance.science.errors import InputError, Location
from alliance.science.transcripts.features import Turn
from alliance.science.transcripts.language import Language
from alliance.science.transcripts.model import (
    BEHAVIOURS,
    CLIENT_TALK,
    MITI_CODES,
    CodedUtterance,
    Encoder,
    TranscriptModel,
    code_utterances,
)

REQUIRED_COLUMNS = ("interlocutor", "utterance_text")


@dataclass(frozen=True)
class LabelledUtterance:
    conversation: str
    order: int
    series: str
    role: str
    text: str
    miti: str  # "" for client utterances or when not labelled
    client_talk: str  # "" for therapist utterances or when not labelled
    split: str = ""
    behaviour: str = ""


def read_labelled(
    source: Path | str, *, text_column: str = "utterance_text", name: str | None = None
) -> list[LabelledUtterance]:
    """A labelled CSV (path or its text), sorted by conversation and utterance order.

    ``name`` is the file's name in errors, when ``source`` is its text.
    """
    name = name or (str(source) if isinstance(source, Path) else "labelled.csv")
    text = source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [
        c for c in (*REQUIRED_COLUMNS[:1], text_column) if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise InputError(
            f"The labelled CSV needs the columns {', '.join(missing)} (the shared AnnoMI format).",
            code="transcript_csv_missing_column",
            location=Location(file=name),
            params={"column": missing[0]},
        )
    rows = [labelled_from_row(row, text_column) for row in reader]
    return sorted(rows, key=lambda u: (u.conversation, u.order))


def labelled_from_row(
    row: dict[str, str], text_column: str = "utterance_text"
) -> LabelledUtterance:
    return LabelledUtterance(
        conversation=row.get("transcript_id") or row.get("conversation") or "",
        order=int(row.get("utterance_id") or row.get("utterance") or 0),
        series=row.get("series") or row.get("transcript_id") or "",
        role=(row.get("interlocutor") or "").strip(),
        text=row.get(text_column) or "",
        miti=row.get("miti6") or "",
        client_talk=row.get("client_talk_type") or "",
        split=row.get("split") or "",
        behaviour=row.get("main_therapist_behaviour") or "",
    )


# ---------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskReport:
    """Agreement with the experts on one task."""

    labels: tuple[str, ...]
    n: int
    macro_f1: float
    per_label_f1: dict[str, float]
    confusion: list[list[int]]  # rows: expert label; columns: model label
    expected_calibration_error: float | None = None
    brier: float | None = None


@dataclass(frozen=True)
class EvaluationReport:
    tasks: dict[str, TaskReport] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {name: task.__dict__ for name, task in self.tasks.items()}


def per_label_f1(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    scores = {}
    for label in labels:
        true_positive = sum(1 for t, p in zip(truth, predicted, strict=True) if t == p == label)
        denominator = sum(1 for t in truth if t == label) + sum(1 for p in predicted if p == label)
        scores[label] = 2 * true_positive / denominator if denominator else 0.0
    return scores


def confusion_matrix(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, predicted, strict=True):
        matrix[labels.index(t)][labels.index(p)] += 1
    return matrix


def calibration(
    probabilities: npt.NDArray[np.float64], truth: npt.NDArray[np.int64]
) -> tuple[float, float]:
    """Expected calibration error (10 bins of confidence) and the multi-class Brier score."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == truth
    bins = np.minimum((confidence * 10).astype(int), 9)
    error = sum(
        abs(confidence[bins == b].mean() - correct[bins == b].mean()) * np.sum(bins == b)
        for b in np.unique(bins)
    ) / len(truth)
    one_hot = np.eye(probabilities.shape[1])[truth]
    brier = float(np.mean(np.sum((probabilities - one_hot) ** 2, axis=1)))
    return float(error), brier


def task_report(
    truth: Sequence[str],
    predicted: Sequence[str],
    labels: Sequence[str],
    probabilities: Sequence[dict[str, float]] | None = None,
) -> TaskReport:
    f1 = per_label_f1(truth, predicted, labels)
    present = [label for label in labels if label in truth or label in predicted]
    ece = brier = None
    if probabilities is not None and truth:
        matrix = np.array([[p[label] for label in labels] for p in probabilities])
        ece, brier = calibration(matrix, np.array([labels.index(t) for t in truth]))
    return TaskReport(
        labels=tuple(labels),
        n=len(truth),
        macro_f1=float(np.mean([f1[label] for label in present])) if present else 0.0,
        per_label_f1=f1,
        confusion=confusion_matrix(truth, predicted, labels),
        expected_calibration_error=ece,
        brier=brier,
    )


# ---------------------------------------------------------------------------
# Evaluating the model
# ---------------------------------------------------------------------------


def evaluate_labelled(
    utterances: Sequence[LabelledUtterance],
    model: TranscriptModel | None = None,
    encoder: Encoder | None = None,
    *,
    language: Language = "en",
) -> EvaluationReport:
    """Code ``utterances`` with the path of ``language`` and compare with their labels."""
    turns = [Turn(u.role, u.text, u.conversation) for u in utterances]
    coded = code_utterances(turns, language=language, model=model, encoder=encoder)
    return compare(utterances, coded)


def compare(
    utterances: Sequence[LabelledUtterance], coded: Sequence[CodedUtterance]
) -> EvaluationReport:
    therapist = [
        (u, c) for u, c in zip(utterances, coded, strict=True) if u.role == "therapist" and u.miti
    ]
    client = [
        (u, c)
        for u, c in zip(utterances, coded, strict=True)
        if u.role == "client" and u.client_talk
    ]
    tasks = {}
    if therapist:
        tasks["behaviour"] = task_report(
            [behaviour_of(u) for u, _ in therapist],
            [c.behaviour or "" for _, c in therapist],
            BEHAVIOURS,
            [c.behaviour_probabilities for _, c in therapist],
        )
        tasks["miti"] = task_report(
            [u.miti for u, _ in therapist],
            [c.miti or "" for _, c in therapist],
            MITI_CODES,
            [c.miti_probabilities for _, c in therapist],
        )
    if client:
        tasks["client_talk"] = task_report(
            [u.client_talk for u, _ in client],
            [c.client_talk or "" for _, c in client],
            CLIENT_TALK,
            [c.client_talk_probabilities for _, c in client],
        )
    return EvaluationReport(tasks)


def behaviour_of(utterance: LabelledUtterance) -> str:
    from alliance.science.transcripts.model import BEHAVIOUR_OF_MITI

    return utterance.behaviour or BEHAVIOUR_OF_MITI[utterance.miti]


def format_report(report: EvaluationReport) -> str:
    """A Markdown summary: macro-F1, per-label F1, confusion matrix, calibration."""
    lines = []
    for name, task in report.tasks.items():
        lines.append(f"## {name} (n = {task.n}): macro-F1 {task.macro_f1:.3f}")
        if task.expected_calibration_error is not None:
            lines.append(
                f"calibration: ECE {task.expected_calibration_error:.3f}, Brier {task.brier:.3f}"
            )
        lines.append(
            "per label: " + ", ".join(f"{k} {v:.3f}" for k, v in task.per_label_f1.items())
        )
        lines.append("| expert \\ model | " + " | ".join(task.labels) + " |")
        lines.append("|---" * (len(task.labels) + 1) + "|")
        for label, row in zip(task.labels, task.confusion, strict=True):
            lines.append(f"| {label} | " + " | ".join(str(x) for x in row) + " |")
        lines.append("")
    return "\n".join(lines)
