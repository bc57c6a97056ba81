"""Features of an utterance in its context, shared by training and inference.

An utterance is coded from three texts: itself, the turn before it (a
reflection answers what the client just said) and the turn after it (a closed
question gets "yes" or "no"). Each text is embedded by the multilingual
sentence encoder; a few surface features (question marks, lengths) are added;
the English path also adds TF-IDF word n-grams. Everything here is NumPy, so
that the shipped model needs neither scikit-learn nor PyTorch.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
#: A sparse matrix as (row, column, value) triples.
SparseRows = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]

#: Width of one sentence embedding (multilingual USE v3).
EMBEDDING_SIZE = 512

# Long turns are cut to their beginning and end: what is coded (a question, a
# reflection) is nearly always there, and the encoder's cost grows with length.
MAX_WORDS_HEAD = 120
MAX_WORDS_TAIL = 60

TOKEN = re.compile(r"(?u)\b\w\w+\b")


@dataclass(frozen=True)
class Turn:
    """One utterance to code: ``role`` is ``"therapist"`` or ``"client"``."""

    role: str
    text: str
    conversation: str = ""


@dataclass(frozen=True)
class InContext:
    """An utterance with the texts of its neighbours in the same conversation."""

    text: str
    previous: str
    following: str


def in_context(turns: Sequence[Turn]) -> list[InContext]:
    """Attach to each turn the previous and next turn of its own conversation."""
    contexts = []
    for index, turn in enumerate(turns):
        before = turns[index - 1] if index > 0 else None
        after = turns[index + 1] if index + 1 < len(turns) else None
        previous = before.text if before and before.conversation == turn.conversation else ""
        following = after.text if after and after.conversation == turn.conversation else ""
        contexts.append(InContext(turn.text, previous, following))
    return contexts


def truncate_words(text: str) -> str:
    words = text.split()
    if len(words) <= MAX_WORDS_HEAD + MAX_WORDS_TAIL:
        return " ".join(words)
    return " ".join([*words[:MAX_WORDS_HEAD], "…", *words[-MAX_WORDS_TAIL:]])


def embed_texts(texts: Sequence[str], encode: Callable[[list[str]], FloatArray]) -> FloatArray:
    """Embed each distinct non-empty text once; an empty text is a zero vector.

    Neighbours repeat (each turn is also the next turn's previous one), so
    embedding distinct texts divides the work by three.
    """
    distinct = list(dict.fromkeys(truncate_words(t) for t in texts if t.strip()))
    vectors = (
        np.asarray(encode(distinct), dtype=np.float32)
        if distinct
        else np.zeros((0, EMBEDDING_SIZE), np.float32)
    )
    row_of = {text: row for row, text in enumerate(distinct)}
    out = np.zeros((len(texts), EMBEDDING_SIZE), dtype=np.float32)
    for index, text in enumerate(texts):
        if text.strip():
            out[index] = vectors[row_of[truncate_words(text)]]
    return out


def surface_features(contexts: Sequence[InContext]) -> FloatArray:
    """Question marks and lengths of the utterance and its neighbours (language-neutral)."""
    rows = []
    for context in contexts:
        text, previous, following = (
            s.strip() for s in (context.text, context.previous, context.following)
        )
        rows.append(
            [
                text.endswith("?"),
                "?" in text,
                math.log1p(len(text.split())),
                previous.endswith("?"),
                math.log1p(len(previous.split())),
                previous == "",
                following.endswith("?"),
                math.log1p(len(following.split())),
                following == "",
            ]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(contexts), 9)


def dense_features(
    contexts: Sequence[InContext], encode: Callable[[list[str]], FloatArray]
) -> FloatArray:
    """Embeddings of the utterance and both neighbours, their similarities, surface features."""
    n = len(contexts)
    all_vectors = embed_texts(
        [c.text for c in contexts]
        + [c.previous for c in contexts]
        + [c.following for c in contexts],
        encode,
    )
    own, previous, following = all_vectors[:n], all_vectors[n : 2 * n], all_vectors[2 * n :]
    similarity_previous = np.sum(own * previous, axis=1, keepdims=True)
    similarity_following = np.sum(own * following, axis=1, keepdims=True)
    return np.hstack(
        [
            own,
            previous,
            following,
            similarity_previous,
            similarity_following,
            surface_features(contexts),
        ]
    ).astype(np.float32)


# ---------------------------------------------------------------------------
# TF-IDF, as scikit-learn's TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
# ---------------------------------------------------------------------------


def ngrams(text: str) -> list[str]:
    tokens = TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


@dataclass(frozen=True)
class TfidfVocabulary:
    """Terms and their inverse document frequencies (smoothed, as scikit-learn's)."""

    terms: tuple[str, ...]
    idf: FloatArray

    @classmethod
    def fit(cls, texts: Sequence[str], min_df: int = 2) -> TfidfVocabulary:
        document_frequency = Counter(term for text in texts for term in set(ngrams(text)))
        terms = tuple(sorted(t for t, df in document_frequency.items() if df >= min_df))
        n = len(texts)
        idf = np.array(
            [math.log((1 + n) / (1 + document_frequency[t])) + 1 for t in terms], np.float32
        )
        return cls(terms, idf)

    @cached_property
    def index(self) -> dict[str, int]:
        # Building it takes ~50 ms; the shipped model keeps its vocabularies for the process.
        return {term: i for i, term in enumerate(self.terms)}

    def transform(self, texts: Sequence[str]) -> SparseRows:
        """Sparse rows as (row, column, value) triples, each row L2-normalised."""
        index = self.index
        rows, columns, values = [], [], []
        for row, text in enumerate(texts):
            counts = Counter(index[t] for t in ngrams(text) if t in index)
            if not counts:
                continue
            cols = np.fromiter(counts, dtype=np.int64)
            weights = (1 + np.log(np.fromiter(counts.values(), dtype=np.float32))) * self.idf[cols]
            weights /= np.linalg.norm(weights)
            rows.append(np.full(len(cols), row, dtype=np.int64))
            columns.append(cols)
            values.append(weights.astype(np.float32))
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float32)
        return np.concatenate(rows), np.concatenate(columns), np.concatenate(values)


def sparse_dot(triples: SparseRows, n_rows: int, coefficients: FloatArray) -> FloatArray:
    """``X @ coefficients.T`` for a sparse X given as triples; coefficients: (classes, terms)."""
    rows, columns, values = triples
    out = np.zeros((n_rows, coefficients.shape[0]), dtype=np.float32)
    np.add.at(out, rows, values[:, None] * coefficients[:, columns].T)
    return out
