"""Benchmark: coding a one-hour session (about 700 utterances) with the shipped model.

Run from the repository root (the goal is ≤ 5 s on 2 cores)::

    python bench/transcripts.py [--utterances 700] [--repeat 3]

The session is built from the French evaluation set's English and French
texts, repeated to the wanted length; the first run includes loading the
model and the encoder, reported separately.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

FRENCH_SET = Path(__file__).resolve().parent.parent / "research" / "transcripts" / "french_eval.csv"


def session(n: int, column: str) -> list[tuple[str, str]]:
    with FRENCH_SET.open(encoding="utf-8", newline="") as file:
        rows = [(row["interlocutor"], row[column]) for row in csv.DictReader(file)]
    # Repeat with a suffix so that the encoder cannot reuse identical texts.
    return [
        (rows[i % len(rows)][0], f"{rows[i % len(rows)][1]} ({i // len(rows)})") for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--utterances", type=int, default=700)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    from alliance.science.transcripts.features import Turn
    from alliance.science.transcripts.indicators import session_indicators
    from alliance.science.transcripts.model import code_utterances, default_encoder, load_model

    load_model()
    default_encoder()(["warm-up"])
    print(f"load model and encoder: {time.perf_counter() - started:.2f} s")
    print(f"cores visible: {os.cpu_count()}")
    for language, column in (("en", "utterance_text_en"), ("fr", "utterance_text")):
        turns = [Turn(role, text) for role, text in session(args.utterances, column)]
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            coded = code_utterances(turns, language=language)  # type: ignore[arg-type]
            session_indicators(coded)
            timings.append(time.perf_counter() - started)
        words = sum(len(text.split()) for _, text in session(args.utterances, column))
        print(
            f"{language}: {args.utterances} utterances ({words} words), code + indicators: "
            f"best {min(timings):.2f} s, median {sorted(timings)[len(timings) // 2]:.2f} s, "
            f"all {[round(t, 2) for t in timings]}"
        )


if __name__ == "__main__":
    main()
