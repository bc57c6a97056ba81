"""Benchmark: score 1,000,000 administrations of a 12-item, 3-subscale instrument.

The instrument is the shipped WAI-SR scoring key (12 items scored 1–5; task,
goal and bond subscales of 4 items; clinical reference §1). The answers are
random, with 2 % of cells left unanswered, so that the missing-item rules run.

Three timings, each the best of several runs after a warm-up:

- ``score_table`` with 1 and with 2 worker threads (the goal: under 1 s on 2 cores);
- a plain per-row Python loop doing the same arithmetic (the baseline a
  researcher would write first);
- reading the data once from memory (``matrix.sum()``), the floor below which
  no scorer can go.

Run from the project root::

    .venv/bin/python bench/scoring.py            # 1,000,000 rows
    .venv/bin/python bench/scoring.py --rows 200000 --loop-rows 50000
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from alliance.science.instruments import Instrument, get_scoring_key
from alliance.science.scoring import score_table


def make_answers(n_rows: int, n_items: int, missing_share: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, size=(n_rows, n_items)).astype(np.float64)
    answers[rng.random(answers.shape) < missing_share] = np.nan
    return answers


def best_time(function: Callable[[], object], repeats: int) -> float:
    function()  # warm-up: page in memory, build caches
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def python_loop(instrument: Instrument, rows: list[list[float]]) -> list[float]:
    """The same scoring, row by row in plain Python (no reverse items in the WAI-SR)."""
    positions = {item.id: index for index, item in enumerate(instrument.numeric_items)}
    scales = [[positions[i] for i in instrument.scoring.total_items]]
    scales += [[positions[i] for i in subscale.items] for subscale in instrument.subscales]
    totals = []
    for row in rows:
        scores = []
        for scale in scales:
            values = [row[p] for p in scale if not math.isnan(row[p])]
            scores.append(sum(values) if len(values) == len(scale) else math.nan)
        totals.append(scores[0])
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--loop-rows",
        type=int,
        default=1_000_000,
        help="rows for the plain Python loop (it is slow)",
    )
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    instrument = get_scoring_key("wai-sr")
    answers = make_answers(args.rows, len(instrument.numeric_items), missing_share=0.02)
    loop_rows = answers[: args.loop_rows].tolist()

    read_once = best_time(lambda: answers.sum(), args.repeats)
    one_thread = best_time(lambda: score_table(instrument, answers, workers=1), args.repeats)
    two_threads = best_time(lambda: score_table(instrument, answers, workers=2), args.repeats)
    loop = best_time(lambda: python_loop(instrument, loop_rows), 1) * args.rows / args.loop_rows

    # The two scorers must agree before their speeds are compared.
    expected = np.array(python_loop(instrument, loop_rows))
    np.testing.assert_array_equal(
        score_table(instrument, answers[: args.loop_rows]).total, expected
    )

    print(
        f"{args.rows:,} administrations × {answers.shape[1]} items "
        f"({answers.nbytes / 1e6:.0f} MB of float64), {len(instrument.subscales)} subscales"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )
    print()
    print("| what | time | ratio to score_table (2 threads) |")
    print("|---|---:|---:|")
    read_ratio = read_once / two_threads
    print(f"| read the data once (`matrix.sum()`) | {read_once * 1000:.1f} ms | {read_ratio:.2f} |")
    print(f"| `score_table`, 2 threads | {two_threads * 1000:.0f} ms | 1 |")
    print(
        f"| `score_table`, 1 thread | {one_thread * 1000:.0f} ms | {one_thread / two_threads:.2f} |"
    )
    loop_note = (
        "" if args.loop_rows == args.rows else f" (timed on {args.loop_rows:,} rows, scaled)"
    )
    print(f"| plain Python loop{loop_note} | {loop:.1f} s | {loop / two_threads:.0f} |")


if __name__ == "__main__":
    main()
