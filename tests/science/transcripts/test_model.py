"""The coding model: NumPy TF-IDF, composition, training on a tiny sample, shipped weights."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import pytest

from alliance.science.errors import InputError
from alliance.science.transcripts.evaluation import (
    LabelledUtterance,
    compare,
    labelled_from_row,
    read_labelled,
)
from alliance.science.transcripts.features import TfidfVocabulary, Turn, sparse_dot
from alliance.science.transcripts.language import Language, detect_language
from alliance.science.transcripts.model import (
    BEHAVIOURS,
    MITI_CODES,
    code_utterances,
    compose_miti,
    decide_miti,
    load_model,
)
from alliance.science.transcripts.training import fit_calibration

FRENCH_SET = Path(__file__).resolve().parents[3] / "research" / "transcripts" / "french_eval.csv"


def hashed_encoder(texts: list[str]) -> np.ndarray:
    """A fast stand-in for the sentence encoder: a fixed random unit vector per text."""
    vectors = []
    for text in texts:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        vector = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
        vectors.append(vector / np.linalg.norm(vector))
    return np.array(vectors, dtype=np.float32).reshape(len(texts), 512)


def test_numpy_tfidf_matches_scikit_learn() -> None:
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    corpus = [
        "So you feel stuck at work.",
        "What would you like to change?",
        "You feel stuck.",
        "I feel fine, thanks.",
        "What would help?",
        "work work work",
    ]
    reference = sklearn_text.TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(
        corpus
    )
    vocabulary = TfidfVocabulary.fit(corpus)
    assert list(vocabulary.terms) == list(reference.get_feature_names_out())
    expected = reference.transform(corpus).toarray()
    identity = np.eye(len(vocabulary.terms), dtype=np.float32)
    ours = sparse_dot(vocabulary.transform(corpus), len(corpus), identity)
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_composed_probabilities_are_consistent() -> None:
    rng = np.random.default_rng(0)
    behaviour = rng.dirichlet(np.ones(4), size=5).astype(np.float32)
    miti = rng.dirichlet(np.ones(6), size=5).astype(np.float32)
    composed = compose_miti(behaviour, miti)
    np.testing.assert_allclose(composed.sum(axis=1), 1.0, atol=1e-5)
    question = BEHAVIOURS.index("question")
    open_closed = [MITI_CODES.index("question_open"), MITI_CODES.index("question_closed")]
    np.testing.assert_allclose(
        composed[:, open_closed].sum(axis=1), behaviour[:, question], atol=1e-5
    )
    choice = decide_miti(composed, np.full(5, question), np.ones(6, dtype=np.float32))
    assert set(choice) <= set(open_closed)


def test_calibration_recovers_temperature_and_class_shift() -> None:
    # Labels drawn from softmax(logits / 1.7 + shift): the fit must find both,
    # as it must undo the shift that class-balanced training gives the logits.
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, (4000, 3)).astype(np.float32)
    shift = np.array([0.0, 0.8, -0.6])
    probabilities = np.exp(logits / 1.7 + shift)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(3, p=row) for row in probabilities])
    calibration = fit_calibration(logits, labels)
    assert calibration.temperature == pytest.approx(1.7, abs=0.15)
    np.testing.assert_allclose(calibration.bias, shift, atol=0.1)
    temperature_only = fit_calibration(logits, labels, with_bias=False)
    assert not temperature_only.bias.any()
    assert temperature_only.temperature == pytest.approx(1.7, abs=0.3)


def test_language_detection() -> None:
    assert detect_language(["Je ne sais pas, c'est difficile pour moi."]) == "fr"
    assert detect_language(["I don't know, it's hard for me."]) == "en"
    assert detect_language([]) == "en"


def test_training_on_a_tiny_sample_exports_a_working_model(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from alliance.science.transcripts import training

    with FRENCH_SET.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    sets: dict[Language, list[LabelledUtterance]] = {
        "en": [labelled_from_row(row, "utterance_text_en") for row in rows],
        "fr": [labelled_from_row(row) for row in rows],
    }
    trained = training.train(sets, hashed_encoder)
    training.save(trained, tmp_path)
    assert (tmp_path / "model.npz").stat().st_size < 5_000_000
    for language, utterances in sets.items():
        vocabulary = trained.metadata["vocabularies"][f"{language}.text"]
        assert {"en": "you", "fr": "vous"}[language] in vocabulary
        turns = [Turn(u.role, u.text, u.conversation) for u in utterances[:30]]
        coded = code_utterances(
            turns, language=language, model=trained.model, encoder=hashed_encoder
        )
        assert len(coded) == 30
        for item in coded:
            probabilities = (
                item.miti_probabilities
                if item.role == "therapist"
                else item.client_talk_probabilities
            )
            assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-4)


def test_roles_are_checked() -> None:
    with pytest.raises(InputError) as error:
        code_utterances([Turn("nurse", "hello")], model=load_model(), encoder=hashed_encoder)
    assert error.value.code == "transcript_invalid_role"


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int]] = []
    turns = [Turn("therapist" if i % 2 else "client", f"utterance {i}") for i in range(300)]
    code_utterances(
        turns, language="en", encoder=hashed_encoder, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (300, 300)
    assert len(calls) == 2


# --- The shipped weights, on the French evaluation set (about 10 s) ---------------------------


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, float]]:
    """Macro-F1 of each task on the same utterances: English originals, French translation."""
    results = {}
    for name, text_column, language in (
        ("english", "utterance_text_en", "en"),
        ("french", "utterance_text", "fr"),
    ):
        utterances = read_labelled(FRENCH_SET, text_column=text_column)
        turns = [Turn(u.role, u.text, u.conversation) for u in utterances]
        report = compare(utterances, code_utterances(turns, language=language))  # type: ignore[arg-type]
        results[name] = {task: result.macro_f1 for task, result in report.tasks.items()}
    return results


def test_shipped_model_agrees_with_experts_on_the_fixed_slice(
    figures: dict[str, dict[str, float]],
) -> None:
    assert figures["english"]["behaviour"] > 0.75
    assert figures["english"]["miti"] > 0.6


def test_french_is_within_five_points_of_english(figures: dict[str, dict[str, float]]) -> None:
    # The target: each language's own path, on the same utterances.
    for task in ("behaviour", "miti"):
        assert figures["french"][task] >= figures["english"][task] - 0.05
