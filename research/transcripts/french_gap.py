"""How far the French path is from the English path on the same utterances.

Codes the English originals of a translated set with the English path and
the translations with the French path, then reports each task's macro-F1,
the difference (French − English) and its 95 % interval from a paired
bootstrap over conversations (utterances of one conversation are not
independent, so conversations are resampled whole). Run from the repository
root::

    .venv/bin/python research/transcripts/french_gap.py research/transcripts/french_eval.csv
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from alliance.science.transcripts.evaluation import (
    LabelledUtterance,
    behaviour_of,
    read_labelled,
    task_report,
)
from alliance.science.transcripts.features import Turn
from alliance.science.transcripts.language import Language
from alliance.science.transcripts.model import BEHAVIOURS, CLIENT_TALK, MITI_CODES, code_utterances

TASKS = {"behaviour": BEHAVIOURS, "miti": MITI_CODES, "client_talk": CLIENT_TALK}


def labelled_pairs(
    utterances: Sequence[LabelledUtterance], language: Language
) -> dict[str, list[tuple[str, str, str]]]:
    """Per task, (conversation, expert label, model label) for each labelled utterance."""
    coded = code_utterances(
        [Turn(u.role, u.text, u.conversation) for u in utterances], language=language
    )
    pairs: dict[str, list[tuple[str, str, str]]] = {task: [] for task in TASKS}
    for expert, model in zip(utterances, coded, strict=True):
        if expert.role == "therapist" and expert.miti:
            pairs["behaviour"].append(
                (expert.conversation, behaviour_of(expert), model.behaviour or "")
            )
            pairs["miti"].append((expert.conversation, expert.miti, model.miti or ""))
        elif expert.role == "client" and expert.client_talk:
            pairs["client_talk"].append(
                (expert.conversation, expert.client_talk, model.client_talk or "")
            )
    return pairs


def macro_f1(pairs: Sequence[tuple[str, str, str]], labels: Sequence[str]) -> float:
    return task_report([p[1] for p in pairs], [p[2] for p in pairs], labels).macro_f1


def paired_bootstrap(
    english: Sequence[tuple[str, str, str]],
    french: Sequence[tuple[str, str, str]],
    labels: Sequence[str],
    draws: int,
    seed: int = 20261124,
) -> tuple[float, float]:
    """95 % interval of French − English macro-F1, resampling conversations."""
    conversations = sorted({p[0] for p in english})
    by_conversation_en = {c: [p for p in english if p[0] == c] for c in conversations}
    by_conversation_fr = {c: [p for p in french if p[0] == c] for c in conversations}
    rng = np.random.default_rng(seed)
    differences = []
    for _ in range(draws):
        sample = rng.choice(conversations, size=len(conversations), replace=True)
        en = [p for c in sample for p in by_conversation_en[c]]
        fr = [p for c in sample for p in by_conversation_fr[c]]
        differences.append(macro_f1(fr, labels) - macro_f1(en, labels))
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a translated set with utterance_text_en")
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args(argv)
    english = labelled_pairs(read_labelled(args.file, text_column="utterance_text_en"), "en")
    french = labelled_pairs(read_labelled(args.file), "fr")
    figures = {}
    for task, labels in TASKS.items():
        english_f1 = macro_f1(english[task], labels)
        french_f1 = macro_f1(french[task], labels)
        low, high = paired_bootstrap(english[task], french[task], labels, args.draws)
        agreement = np.mean(
            [e[2] == f[2] for e, f in zip(english[task], french[task], strict=True)]
        )
        figures[task] = {
            "n": len(english[task]),
            "english_path_on_originals": round(english_f1, 3),
            "french_path_on_translations": round(french_f1, 3),
            "difference": round(french_f1 - english_f1, 3),
            "difference_95_interval": [round(low, 3), round(high, 3)],
            "label_agreement": round(float(agreement), 3),
        }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
