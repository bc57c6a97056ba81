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

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

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

    def index(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.terms)}

    def transform(
        self, texts: Sequence[str], index: dict[str, int] | None = None
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
        """Sparse rows as (row, column, value) triples, each row L2-normalised."""
        index = index if index is not None else self.index()
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


def sparse_dot(
    triples: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray],
    n_rows: int,
    coefficients: FloatArray,
) -> FloatArray:
    """``X @ coefficients.T`` for a sparse X given as triples; coefficients: (classes, terms)."""
    rows, columns, values = triples
    out = np.zeros((n_rows, coefficients.shape[0]), dtype=np.float32)
    np.add.at(out, rows, values[:, None] * coefficients[:, columns].T)
    return out


# ---------------------------------------------------------------------------
# Bilingual MI cues (English and French), language-independent by construction
# ---------------------------------------------------------------------------

# Each cue is one pattern matching its English and its French forms, so that a
# weight learnt on English transcripts applies unchanged to French ones. Texts
# are lower-cased and typographic apostrophes straightened before matching.
_CUES: dict[str, str] = {
    "open_question_word": (
        r"\b(what|how|why|when|where|which|who|tell me|describe|quoi|comment|pourquoi|quand"
        r"|où|quel|quelle|quels|quelles|qui|combien|qu'est-ce|parlez-moi|racontez|décrivez)\b"
    ),
    "open_question_start": (
        r"^(so |and |okay,? |ok,? |alors,? |et |donc )?(what|how|why|when|where|which|tell me"
        r"|quoi|comment|pourquoi|quand|où|quel|quelle|quels|quelles|qu'est-ce|parlez-moi"
        r"|racontez|que |qu')"
    ),
    "closed_question_start": (
        r"^(so |and |okay,? |ok,? |alors,? |et |donc )?(do|does|did|are|is|was|were|have|has"
        r"|can|could|would|will|should|est-ce que|avez-vous|êtes-vous|pouvez-vous|voulez-vous"
        r"|pensez-vous|aimez-vous|allez-vous|faites-vous|vous avez|vous êtes|c'est|y a-t-il)\b"
    ),
    "reflection_stem": (
        r"(it sounds like|sounds like|it seems|seems like|so you|you feel|you're feeling"
        r"|you are feeling|you're saying|what i'm hearing|if i understand|you think|you're not"
        r"|on dirait que|on dirait|il semble|si je comprends bien|donc vous|vous vous sentez"
        r"|vous avez l'impression|vous dites|ce que j'entends|vous pensez|vous n'êtes pas"
        r"|vous ne )"
    ),
    "you_feel_want": (
        r"\b(you (really )?(feel|want|wish|hope|like|worry|believe|know|think|mean|need))"
        r"|\b(vous (vous )?(sentez|voulez|souhaitez|espérez|aimez|inquiétez|croyez|savez"
        r"|pensez|voulez dire|avez besoin))"
    ),
    "advice": (
        r"(you should|you could|you might|you need to|i recommend|i suggest|i'd suggest"
        r"|i would suggest|my advice|it's important|it is important|research shows|studies"
        r"|vous devriez|vous pourriez|il faudrait|je vous recommande|je recommande|je suggère"
        r"|je vous suggère|mon conseil|il est important|c'est important|les études|la recherche)"
    ),
    "information": (
        r"\b(percent|per cent|risk|doctor|medication|dose|studies|research|pour cent|risque"
        r"|médecin|docteur|médicament|dose|études|recherche)\b"
    ),
    "affirmation": (
        r"(that's great|great|good job|well done|good for you|i appreciate|that's wonderful"
        r"|impressive|congratulations|c'est super|super|très bien|bravo|félicitations"
        r"|j'apprécie|c'est formidable|c'est génial|impressionnant)"
    ),
    "greeting_thanks": (
        r"\b(hi|hello|hey|thank you|thanks|welcome|nice to meet|goodbye|bye|see you|bonjour"
        r"|salut|merci|bienvenue|enchanté|au revoir|à bientôt)\b"
    ),
    "backchannel": (
        r"^(mm+-?hmm+|mhm|uh-huh|yeah|yes|okay|ok|right|sure|alright|hmm+|oh|ah|i see|oui"
        r"|ouais|d'accord|bien|entendu|je vois|ah bon|hum+)[.,!?\s]*$"
    ),
    "permission": (
        r"(would it be ok|is it ok|would you mind|can i|may i|do you mind|est-ce que je peux"
        r"|puis-je|je peux vous|ça vous dérange|vous permettez|seriez-vous d'accord)"
    ),
    "change_cue": (
        r"\b(i want to|i need to|i have to|i'm going to|i am going to|i will|i'll|i'd like to"
        r"|i would like to|i can(?!'t)|i could(?!n't)|i should(?!n't)|i'm ready|i've been trying|i tried|i'm trying"
        r"|je veux(?! pas)|il faut que|il faudrait que|je dois|je vais|j'aimerais|je voudrais|je peux(?! pas)"
        r"|je pourrais|je devrais|je suis prêt|je suis prête|j'essaie|j'ai essayé)\b"
    ),
    "sustain_cue": (
        r"(i can't|i cannot|i don't want|i won't|i'm not going to|i don't think i|i like to"
        r"|i enjoy|i don't see|no way|it's not a problem|not a big deal|je ne peux pas"
        r"|je peux pas|je ne veux pas|je veux pas|je n'ai pas envie|j'ai pas envie"
        r"|je ne vais pas|je vais pas|je ne pense pas|j'aime bien|pas question"
        r"|ce n'est pas un problème|c'est pas un problème|pas grave)"
    ),
    "negation": r"(\bnot\b|n't\b|\bnever\b|\bno\b|\bne\b|\bn'|\bpas\b|\bjamais\b|\bnon\b)",
}
_CUE_PATTERNS = tuple(re.compile(p) for p in _CUES.values())
_SECOND_PERSON = re.compile(
    r"\b(you|your|you're|yours|yourself|vous|votre|vos|tu|toi|ton|ta|tes|t')\b"
)
_FIRST_PERSON = re.compile(r"\b(i|me|my|i'm|i've|mine|myself|je|j'|moi|mon|ma|mes|m')\b")
_FIRST_PLURAL = re.compile(r"\b(we|us|our|we're|nous|notre|nos|on)\b")
_ANSWER_START = re.compile(r"^(yes|yeah|yep|no|nope|nah|sure|oui|ouais|non|si|bien sûr)\b")
_WORD = re.compile(r"(?u)\w+")

#: Width of ``cue_features``.
CUE_FEATURES = 2 * len(_CUES) + 10


def _normalised(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u00a0", " ").strip()


def _cues_of(text: str) -> list[float]:
    text = _normalised(text)
    words = max(1, len(_WORD.findall(text)))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    last = sentences[-1] if sentences else ""
    return [
        *(float(bool(pattern.search(text))) for pattern in _CUE_PATTERNS),
        # Cues in the last sentence: the coded act usually ends the turn.
        *(float(bool(pattern.search(last))) for pattern in _CUE_PATTERNS),
        len(_SECOND_PERSON.findall(text)) / words,
        len(_FIRST_PERSON.findall(text)) / words,
        len(_FIRST_PLURAL.findall(text)) / words,
        float(text.count("?")),
        math.log1p(len(sentences)),
    ]


def cue_features(contexts: Sequence[InContext]) -> FloatArray:
    """Bilingual cue indicators of the utterance, pronoun rates, and answers to it."""
    rows = []
    for context in contexts:
        following = _normalised(context.following)
        previous = _normalised(context.previous)
        rows.append(
            [
                *_cues_of(context.text),
                float(bool(_ANSWER_START.search(following))),
                float(bool(_CUE_PATTERNS[list(_CUES).index("backchannel")].search(following))),
                float(bool(_CUE_PATTERNS[list(_CUES).index("change_cue")].search(previous))),
                float(bool(_CUE_PATTERNS[list(_CUES).index("sustain_cue")].search(previous))),
                len(_SECOND_PERSON.findall(previous)) / max(1, len(_WORD.findall(previous))),
            ]
        )
    return np.asarray(rows, dtype=np.float32).reshape(len(contexts), CUE_FEATURES)
