"""Training the transcript-coding model from AnnoMI, reproducibly.

Run from the repository root (scikit-learn is a development dependency)::

    python -m alliance.science.transcripts.training ../shared/data/annomi/utterances_train_dev.csv

It fits every head of each language's path on the ``train`` split — English
on AnnoMI itself, French on the team's translation of the same utterances
(``research/transcripts/french_train.csv``, expert labels carried over) —,
calibrates and tunes it on predictions cross-validated by ``series``
(GroupKFold: related conversations never straddle folds), writes
``weights/model.npz`` and ``weights/model.json``, then prints the ``dev``
figures (English ``dev`` split; French evaluation set), which are never used
for any choice.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from alliance.science.transcripts.evaluation import LabelledUtterance, read_labelled
from alliance.science.transcripts.features import (
    FloatArray,
    InContext,
    TfidfVocabulary,
    Turn,
    dense_features,
    in_context,
)
from alliance.science.transcripts.language import LANGUAGES, Language
from alliance.science.transcripts.model import (
    BEHAVIOUR_OF_MITI,
    BEHAVIOURS,
    MITI_CODES,
    Encoder,
    TranscriptModel,
    compose_miti,
    decide_miti,
    model_from_arrays,
)

SEED = 20260101
FOLDS = 5
# Inverse regularisation of each head's logistic regression, chosen by series-grouped
# cross-validation on train (tuned macro-F1; C = 0.5 and 2 did worse for the therapist heads;
# client talk, English / French: C = 0.1 → 0.519 / 0.497, 0.3 → 0.516 / 0.505, 1 → 0.502 / 0.491).
REGULARISATION = {"behaviour": 1.0, "miti": 1.0, "client": 0.3}
# Which heads get a per-class calibration bias besides their temperature (see
# fit_calibration): the client head, whose rare classes (change, sustain) are
# summed into an indicator and whose probabilities class-balanced training shifts
# most (cross-validated Brier 0.513 → 0.442). On the therapist heads it changed
# no probability much and only moved decisions by the noise of their tuning.
CALIBRATION_BIAS = {"behaviour": False, "miti": False, "client": True}
# The previous turn's words count half as much as the utterance's own.
PREVIOUS_TFIDF_SCALE = 0.5
DECISION_WEIGHT_STEPS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)

WEIGHTS_DIRECTORY = Path(__file__).with_name("weights")
FRENCH_TRAIN = Path("research/transcripts/french_train.csv")
FRENCH_EVALUATION = Path("research/transcripts/french_eval.csv")

IntArray = npt.NDArray[np.int64]


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------


def read_annomi(path: Path | str) -> list[LabelledUtterance]:
    """The shared AnnoMI file, sorted by conversation and utterance order."""
    return read_labelled(Path(path))


def turns_of(utterances: Sequence[LabelledUtterance]) -> list[Turn]:
    return [Turn(u.role, u.text, u.conversation) for u in utterances]


def caching_encoder(encoder: Encoder) -> Encoder:
    """Remember embeddings: cross-validation embeds the same texts many times."""
    memory: dict[str, FloatArray] = {}

    def encode(texts: list[str]) -> FloatArray:
        missing = [t for t in dict.fromkeys(texts) if t not in memory]
        if missing:
            memory.update(zip(missing, encoder(missing), strict=True))
        return np.stack([memory[t] for t in texts]) if texts else np.zeros((0, 512), np.float32)

    return encode


# ---------------------------------------------------------------------------
# Design matrices
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabularies:
    text: TfidfVocabulary
    previous: TfidfVocabulary


def fit_vocabularies(contexts: Sequence[InContext]) -> Vocabularies:
    return Vocabularies(
        TfidfVocabulary.fit([c.text for c in contexts]),
        TfidfVocabulary.fit([c.previous for c in contexts]),
    )


def design_matrix(
    dense: FloatArray, contexts: Sequence[InContext], vocabularies: Vocabularies
) -> Any:
    """Dense features, then TF-IDF of the utterance and of the previous turn."""
    from scipy import sparse

    blocks = [sparse.csr_matrix(dense)]
    for vocabulary, texts, scale in (
        (vocabularies.text, [c.text for c in contexts], 1.0),
        (vocabularies.previous, [c.previous for c in contexts], PREVIOUS_TFIDF_SCALE),
    ):
        rows, columns, values = vocabulary.transform(texts)
        shape = (len(contexts), len(vocabulary.terms))
        blocks.append(sparse.csr_matrix((values * scale, (rows, columns)), shape=shape))
    return sparse.hstack(blocks).tocsr()


# ---------------------------------------------------------------------------
# Fitting one head
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FittedHead:
    classes: tuple[str, ...]
    coefficients: FloatArray  # (classes, features) over the whole design matrix
    intercept: FloatArray
    calibration: Calibration
    decision_weights: FloatArray
    out_of_fold: FloatArray  # calibrated cross-validated probabilities on train


def fit_logistic(matrix: Any, labels: Sequence[str], regularisation: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=regularisation, max_iter=3000, class_weight="balanced", random_state=SEED
    ).fit(matrix, labels)


def out_of_fold_logits(
    dense: FloatArray,
    contexts: Sequence[InContext],
    labels: Sequence[str],
    groups: Sequence[str],
    regularisation: float,
) -> FloatArray:
    """Logits for each training utterance from a model that never saw its series."""
    from sklearn.model_selection import GroupKFold

    classes = sorted(set(labels))
    logits = np.zeros((len(labels), len(classes)), dtype=np.float32)
    label_array = np.asarray(labels)
    for fit_rows, held_rows in GroupKFold(FOLDS).split(dense, label_array, np.asarray(groups)):
        fit_contexts = [contexts[i] for i in fit_rows]
        held_contexts = [contexts[i] for i in held_rows]
        vocabularies = fit_vocabularies(fit_contexts)
        model = fit_logistic(
            design_matrix(dense[fit_rows], fit_contexts, vocabularies),
            label_array[fit_rows],
            regularisation,
        )
        held_logits = model.decision_function(
            design_matrix(dense[held_rows], held_contexts, vocabularies)
        )
        logits[held_rows] = align_classes(held_logits, list(model.classes_), classes)
    return logits


def align_classes(logits: FloatArray, fitted: list[str], classes: list[str]) -> FloatArray:
    """Place a fold's logits in the full class order; a class absent from the fold gets a low logit.

    (Only small samples lack a class in a fold; two classes give one column of logits.)
    """
    if logits.ndim == 1:
        logits = np.stack([-logits / 2, logits / 2], axis=1)
    aligned = np.full((len(logits), len(classes)), float(logits.min()) - 10.0, dtype=np.float32)
    for column, label in enumerate(fitted):
        aligned[:, classes.index(label)] = logits[:, column]
    return aligned


@dataclass(frozen=True)
class Calibration:
    """``softmax(logits / temperature + bias)``: temperature scaling with a per-class bias."""

    temperature: float
    bias: FloatArray

    def apply(self, logits: FloatArray) -> FloatArray:
        return softmax_rows(logits / self.temperature + self.bias)


def fit_calibration(
    logits: FloatArray, label_indices: IntArray, *, with_bias: bool = True
) -> Calibration:
    """Temperature and (``with_bias``) per-class bias minimising the negative log-likelihood.

    Temperature scaling alone (Guo et al. 2017) fixes over-confidence but not
    the shift that class-balanced training gives every logit towards the rare
    classes; a bias per class (the first fixed at zero) corrects it, so that
    summed probabilities estimate counts. On the client head (cross-validated,
    English) the Brier score fell from 0.513 to 0.442.
    """
    from scipy.optimize import minimize

    scores = logits.astype(np.float64)
    one_hot = np.eye(scores.shape[1])[label_indices]

    def negative_log_likelihood(parameters: npt.NDArray[np.float64]) -> tuple[float, Any]:
        # In float64 with its exact gradient: float32 finite differences stall at the start.
        scaled = scores / math.exp(parameters[0])
        shifted = scaled + np.concatenate([[0.0], parameters[1:]])
        shifted -= shifted.max(axis=1, keepdims=True)
        log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        error = np.exp(log_probabilities) - one_hot
        gradient = np.concatenate(
            [[-np.mean(np.sum(error * scaled, axis=1))], error[:, 1:].mean(axis=0)]
        )
        return float(-np.mean(np.sum(one_hot * log_probabilities, axis=1))), gradient

    result = minimize(
        negative_log_likelihood,
        np.zeros(scores.shape[1]),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-3.0, 3.0)] + [(-5.0, 5.0) if with_bias else (0.0, 0.0)] * (scores.shape[1] - 1),
    )
    bias = np.concatenate([[0.0], result.x[1:]]).astype(np.float32)
    return Calibration(float(math.exp(result.x[0])), bias)


def softmax_rows(logits: FloatArray) -> FloatArray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: FloatArray = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
    return result


def tune_decision_weights(
    probabilities: FloatArray,
    label_indices: IntArray,
    score: Callable[[IntArray, IntArray], float],
    decide: Callable[[FloatArray, FloatArray], IntArray] | None = None,
) -> FloatArray:
    """Per-class multipliers of the probabilities that maximise ``score`` (coordinate ascent).

    Calibrated probabilities favour frequent classes; macro-F1 rewards the rare
    ones too. The probabilities themselves are left calibrated.
    """

    def argmax_decision(p: FloatArray, w: FloatArray) -> IntArray:
        return np.argmax(p * w, axis=1)

    decide = decide or argmax_decision
    weights = np.ones(probabilities.shape[1], dtype=np.float32)
    best = score(label_indices, decide(probabilities, weights))
    for _ in range(3):
        for k in range(len(weights)):
            for step in DECISION_WEIGHT_STEPS:
                candidate = weights.copy()
                candidate[k] *= step
                value = score(label_indices, decide(probabilities, candidate))
                if value > best + 1e-4:
                    best, weights = value, candidate
    return weights


def macro_f1(truth: IntArray, predicted: IntArray, n_classes: int) -> float:
    scores = []
    for k in range(n_classes):
        true_positive = np.sum((truth == k) & (predicted == k))
        denominator = np.sum(truth == k) + np.sum(predicted == k)
        scores.append(2 * true_positive / denominator if denominator else 0.0)
    return float(np.mean(scores))


def miti_score(truth: IntArray, predicted: IntArray) -> float:
    """Mean of the 6-class and the derived 4-class macro-F1: both are reported."""
    to_behaviour = np.array([BEHAVIOURS.index(BEHAVIOUR_OF_MITI[c]) for c in MITI_CODES])
    return (
        macro_f1(truth, predicted, 6) + macro_f1(to_behaviour[truth], to_behaviour[predicted], 4)
    ) / 2


def client_score(truth: IntArray, predicted: IntArray) -> float:
    return macro_f1(truth, predicted, 3)


def fit_head(
    dense: FloatArray,
    contexts: Sequence[InContext],
    labels: Sequence[str],
    groups: Sequence[str],
    score: Callable[[IntArray, IntArray], float],
    vocabularies: Vocabularies,
    regularisation: float,
    calibration_bias: bool,
) -> FittedHead:
    classes = tuple(sorted(set(labels)))
    label_indices = np.array([classes.index(label) for label in labels], dtype=np.int64)
    logits = out_of_fold_logits(dense, contexts, labels, groups, regularisation)
    calibration = fit_calibration(logits, label_indices, with_bias=calibration_bias)
    calibrated = calibration.apply(logits)
    decision_weights = tune_decision_weights(calibrated, label_indices, score)
    final = fit_logistic(design_matrix(dense, contexts, vocabularies), labels, regularisation)
    assert tuple(final.classes_) == classes
    return FittedHead(
        classes,
        np.asarray(
            final.coef_.toarray() if hasattr(final.coef_, "toarray") else final.coef_, np.float32
        ),
        np.asarray(final.intercept_, np.float32),
        calibration,
        decision_weights,
        calibrated,
    )


def six_class_score(truth: IntArray, predicted: IntArray) -> float:
    return macro_f1(truth, predicted, 6)


def behaviour_score(truth: IntArray, predicted: IntArray) -> float:
    return macro_f1(truth, predicted, 4)


def labels_for(prefix: str, utterances: Sequence[LabelledUtterance]) -> list[str]:
    task = prefix.split(".")[1]
    if task == "client":
        return [u.client_talk for u in utterances if u.role == "client"]
    codes = [u.miti for u in utterances if u.role == "therapist"]
    return [BEHAVIOUR_OF_MITI[c] for c in codes] if task == "behaviour" else codes


def train_path(
    language: Language,
    utterances: Sequence[LabelledUtterance],
    contexts: Sequence[InContext],
    dense: FloatArray,
    vocabularies: Vocabularies,
) -> dict[str, FittedHead]:
    """The behaviour, MITI and client heads of one language's path."""
    heads = {}
    for task, score in (
        ("behaviour", behaviour_score),
        ("miti", six_class_score),
        ("client", client_score),
    ):
        role = "client" if task == "client" else "therapist"
        rows = [i for i, u in enumerate(utterances) if u.role == role]
        heads[f"{language}.{task}"] = fit_head(
            dense[rows],
            [contexts[i] for i in rows],
            labels_for(f"{language}.{task}", utterances),
            [utterances[i].series for i in rows],
            score,
            vocabularies,
            REGULARISATION[task],
            CALIBRATION_BIAS[task],
        )
    heads[f"{language}.miti"] = tune_composed_miti(
        heads[f"{language}.behaviour"],
        heads[f"{language}.miti"],
        labels_for(f"{language}.miti", utterances),
    )
    return heads


def tune_composed_miti(
    behaviour: FittedHead, miti: FittedHead, labels: Sequence[str]
) -> FittedHead:
    """Tune the MITI decision weights on the composed probabilities, as the model decides."""
    composed = compose_miti(behaviour.out_of_fold, miti.out_of_fold)
    choice = np.argmax(behaviour.out_of_fold * behaviour.decision_weights, axis=1)
    truth = np.array([MITI_CODES.index(label) for label in labels], dtype=np.int64)

    def decide(probabilities: FloatArray, weights: FloatArray) -> IntArray:
        return decide_miti(probabilities, choice, weights)

    weights = tune_decision_weights(composed, truth, six_class_score, decide)
    return replace(miti, decision_weights=weights, out_of_fold=composed)


# ---------------------------------------------------------------------------
# Training everything and exporting
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainedModel:
    model: TranscriptModel
    arrays: dict[str, FloatArray]
    metadata: dict[str, Any]
    out_of_fold: dict[str, tuple[FloatArray, IntArray]]


def train(
    training_sets: dict[Language, Sequence[LabelledUtterance]], encoder: Encoder
) -> TrainedModel:
    """Fit each language's path on its utterances (the train split, or its translation)."""
    arrays: dict[str, FloatArray] = {}
    heads: dict[str, Any] = {}
    terms: dict[str, list[str]] = {}
    out_of_fold: dict[str, tuple[FloatArray, IntArray]] = {}
    for language in LANGUAGES:
        utterances = training_sets[language]
        contexts = in_context(turns_of(utterances))
        dense = dense_features(contexts, encoder)
        vocabularies = fit_vocabularies(contexts)
        for name, vocabulary in (("text", vocabularies.text), ("previous", vocabularies.previous)):
            arrays[f"idf.{language}.{name}"] = vocabulary.idf
            terms[f"{language}.{name}"] = list(vocabulary.terms)
        for prefix, head in train_path(language, utterances, contexts, dense, vocabularies).items():
            export_head(prefix, head, dense.shape[1], vocabularies, arrays, heads)
            truth = labels_for(prefix, utterances)
            out_of_fold[prefix] = (
                head.out_of_fold,
                np.array([head.classes.index(x) for x in truth]),
            )
    metadata = {
        "format": 3,
        "heads": heads,
        "vocabularies": terms,
        "training": {
            "seed": SEED,
            "folds": FOLDS,
            "regularisation": REGULARISATION,
            "n_utterances": {language: len(training_sets[language]) for language in LANGUAGES},
        },
    }
    return TrainedModel(model_from_arrays(arrays, metadata), arrays, metadata, out_of_fold)


def export_head(
    prefix: str,
    head: FittedHead,
    n_dense: int,
    vocabularies: Vocabularies,
    arrays: dict[str, FloatArray],
    heads: dict[str, Any],
) -> None:
    """Split the coefficient matrix back into its dense and TF-IDF blocks."""
    arrays[f"{prefix}.dense"] = head.coefficients[:, :n_dense]
    arrays[f"{prefix}.intercept"] = head.intercept
    n_text = len(vocabularies.text.terms)
    arrays[f"{prefix}.text"] = head.coefficients[:, n_dense : n_dense + n_text]
    arrays[f"{prefix}.previous"] = head.coefficients[:, n_dense + n_text :] * PREVIOUS_TFIDF_SCALE
    heads[prefix] = {
        "classes": list(head.classes),
        "temperature": head.calibration.temperature,
        "calibration_bias": [float(b) for b in head.calibration.bias],
        "decision_weights": [float(w) for w in head.decision_weights],
    }


def save(trained: TrainedModel, directory: Path = WEIGHTS_DIRECTORY) -> None:
    """Write the weights; large matrices as float16 (their precision is ample for logits)."""
    directory.mkdir(parents=True, exist_ok=True)
    compact = {
        name: array.astype(np.float16) if array.size > 10000 else array
        for name, array in trained.arrays.items()
    }
    np.savez_compressed(directory / "model.npz", **compact)  # type: ignore[arg-type]
    (directory / "model.json").write_text(
        json.dumps(trained.metadata, ensure_ascii=False), encoding="utf-8"
    )


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    from alliance.science.transcripts.model import default_encoder

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path, help="AnnoMI utterances CSV (the shared data's format)")
    parser.add_argument(
        "--french", type=Path, default=FRENCH_TRAIN, help=f"default: {FRENCH_TRAIN}"
    )
    parser.add_argument(
        "--french-evaluation",
        type=Path,
        default=FRENCH_EVALUATION,
        help=f"default: {FRENCH_EVALUATION}",
    )
    parser.add_argument("--output", type=Path, default=WEIGHTS_DIRECTORY)
    args = parser.parse_args(argv)
    utterances = read_annomi(args.data)
    french = read_annomi(args.french)
    if any(u.split != "train" for u in french):
        parser.error(f"{args.french} must hold translations of the train split only")
    encoder = caching_encoder(default_encoder())
    trained = train({"en": [u for u in utterances if u.split == "train"], "fr": french}, encoder)
    save(trained, args.output)
    print(json.dumps(cross_validated_figures(trained), indent=2))
    print_held_out_figures(trained, utterances, args.french_evaluation, encoder)
    return 0


def print_held_out_figures(
    trained: TrainedModel,
    utterances: Sequence[LabelledUtterance],
    french_evaluation: Path,
    encoder: Encoder,
) -> None:
    """The figures of the model card: never used for any choice."""
    from alliance.science.transcripts.evaluation import evaluate_labelled, format_report

    dev = [u for u in utterances if u.split == "dev"]
    sets: list[tuple[str, Sequence[LabelledUtterance], Language]] = [
        ("dev split, English path", dev, "en"),
        ("French evaluation set, French path", read_labelled(french_evaluation), "fr"),
        (
            "French evaluation set's English originals, English path",
            read_labelled(french_evaluation, text_column="utterance_text_en"),
            "en",
        ),
    ]
    for title, labelled, language in sets:
        report = evaluate_labelled(labelled, trained.model, encoder, language=language)
        print(f"# {title}\n{format_report(report)}")


def cross_validated_figures(trained: TrainedModel) -> dict[str, float]:
    figures = {}
    for prefix, (probabilities, truth) in trained.out_of_fold.items():
        weights = np.asarray(trained.metadata["heads"][prefix]["decision_weights"], np.float32)
        predicted = np.argmax(probabilities * weights, axis=1)
        if prefix.endswith(".miti"):
            behaviour, _ = trained.out_of_fold[prefix.replace("miti", "behaviour")]
            behaviour_weights = trained.metadata["heads"][prefix.replace("miti", "behaviour")]
            choice = np.argmax(
                behaviour * np.asarray(behaviour_weights["decision_weights"]), axis=1
            )
            predicted = decide_miti(probabilities, choice, weights)
        figures[f"{prefix} macro-F1 (cv)"] = round(
            macro_f1(truth, predicted, probabilities.shape[1]), 4
        )
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
