"""Probe: the shipped pipeline and a fine-tuned transformer on the same held-out fold.

Fits the shipped pipeline (sentence encoder + TF-IDF + logistic heads) on fold 0's
complement of a 5-fold GroupKFold by ``series`` on AnnoMI ``train``, and reports
the held-out macro-F1 (argmax, no decision weights) of: the pipeline, the
transformer logits written by ``minilm_fold.py``, and their probability
averages. Run from the repository root, in the app's environment::

    .venv/bin/python research/transcripts/probes/blend_fold.py \\
        ../shared/data/annomi/utterances_train_dev.csv OUT_DIR/minilm_fold0_ep1.npz
"""

from __future__ import annotations

import sys

import numpy as np
from sklearn.model_selection import GroupKFold

from alliance.science.transcripts import training
from alliance.science.transcripts.features import dense_features, in_context
from alliance.science.transcripts.model import (
    BEHAVIOUR_OF_MITI,
    BEHAVIOURS,
    CLIENT_TALK,
    MITI_CODES,
    default_encoder,
)

TASKS = (("behaviour", BEHAVIOURS, "lb"), ("miti", MITI_CODES, "lm"), ("client", CLIENT_TALK, "lc"))


def label(utterance: training.LabelledUtterance, task: str) -> str:
    if task == "client":
        return utterance.client_talk
    return BEHAVIOUR_OF_MITI[utterance.miti] if task == "behaviour" else utterance.miti


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def main(data: str, transformer_logits: str) -> None:
    utterances = [u for u in training.read_annomi(data) if u.split == "train"]
    contexts = in_context(training.turns_of(utterances))
    dense = dense_features(contexts, training.caching_encoder(default_encoder()))
    groups = np.array([u.series for u in utterances])
    fit, held = next(iter(GroupKFold(5).split(utterances, groups=groups)))
    transformer = np.load(transformer_logits)
    assert np.array_equal(transformer["idx"], held), "not the same fold (row order differs)"
    for task, classes, key in TASKS:
        role = "client" if task == "client" else "therapist"
        fit_rows = [i for i in fit if utterances[i].role == role]
        held_rows = [i for i in held if utterances[i].role == role]
        vocabularies = training.fit_vocabularies([contexts[i] for i in fit_rows])
        model = training.fit_logistic(
            training.design_matrix(dense[fit_rows], [contexts[i] for i in fit_rows], vocabularies),
            [label(utterances[i], task) for i in fit_rows],
            training.REGULARISATION[task],
        )
        assert tuple(model.classes_) == classes
        pipeline = model.predict_proba(
            training.design_matrix(dense[held_rows], [contexts[i] for i in held_rows], vocabularies)
        )
        mask = np.array([utterances[i].role == role for i in held])
        fine_tuned = softmax(transformer[key][mask])
        truth = np.array([classes.index(label(utterances[i], task)) for i in held_rows])
        figures = {
            weight: round(
                training.macro_f1(
                    truth, np.argmax(weight * fine_tuned + (1 - weight) * pipeline, 1), len(classes)
                ),
                4,
            )
            for weight in (0.0, 0.3, 0.5, 0.7, 1.0)
        }
        print(task, "macro-F1 by transformer weight:", figures)


if __name__ == "__main__":
    main(*sys.argv[1:3])
