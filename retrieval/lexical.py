"""BM25 over the same chunks the dense index holds (bm25s with a Snowball stemmer)."""

from __future__ import annotations

import calendar
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

from retrieval.models import Chunk

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG, which would print index builds at any app log level.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_TOKEN = re.compile(r"(?u)\b\w\w+\b")

# English function words plus the words every question is built from; none of them tells
# one news story from another.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "said",
        "says",
        "say",
        "tell",
        "told",
        "according",
        "did",
        "does",
        "know",
        "mean",
        "meant",
        "happened",
        "happen",
        "whats",
        "anything",
        "something",
        "thing",
        "things",
        "get",
        "got",
        "many",
        "much",
        "one",
        "ever",
        "there's",
        "it's",
        "s",
        "t",
        # Every article here is news: "any news about Russia?" asks about Russia, and
        # "what is happening in Ukraine?" is not answered by "no control over what happens".
        "news",
        "latest",
        "update",
        "updates",
        "headline",
        "headlines",
        "happening",
        "happens",
        "story",
        "stories",
        "summarize",
        "summarise",
        "summary",
        "explain",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


_HYPHENATED = re.compile(r"\b(\w+)-(\w+)\b")
# The endings that transliterations of one Slavic name differ by ("Zelenskyy", "Zelenskiy",
# "Zelensky"), after "sk" and at least four letters before it, so "whisky" stays itself.
_TRANSLITERATED = "yy|iy|yi|y|i"
_TRANSLITERATED_END = re.compile(rf"(?<=\w{{4}}sk)(?:{_TRANSLITERATED})$")
_SLAVIC_ENDS = tuple(f"sk{end}" for end in _TRANSLITERATED.split("|"))


def fold_spelling(word: str) -> str:
    """`word` as its other spellings in news copy are: without accents ("Erdoğan" is
    "Erdogan") and with a Slavic name's ending dropped ("Zelenskyy", "Zelenskiy" and
    "Zelensky" are "Zelensk")."""
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(c for c in decomposed if not unicodedata.combining(c))
    if word.endswith(_SLAVIC_ENDS):  # (a cheap test first: most words end otherwise)
        return _TRANSLITERATED_END.sub("", word)
    return word


def fold_name(name: str) -> str:
    """`name` with each word folded (`fold_spelling`) and in lower case: "Recep Tayyip
    Erdoğan" is "recep tayyip erdogan", "Volodymyr Zelenskyy" "volodymyr zelensk"."""
    return " ".join(fold_spelling(word) for word in name.lower().split())


def spelt_any_way(word: str) -> str:
    """A pattern for `word` spelt any of the ways `fold_spelling` makes one ("Zelenskyy":
    Zelensky, Zelenskiy). Accented words stay as written."""
    folded = fold_spelling(word)
    if folded == word or not word.isascii():
        return re.escape(word)
    return rf"{re.escape(folded)}(?:{_TRANSLITERATED})"


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words of `text`.

    Hyphenated words count whole and in parts, so "co-operation" meets "cooperation"; a name
    spelt two ways is one term (`fold_spelling`).
    """
    lowered = text.lower().replace("’", "'")
    if "-" in lowered:
        lowered += " " + " ".join(a + b for a, b in _HYPHENATED.findall(lowered))
    words = [w for w in _TOKEN.findall(lowered) if w not in STOPWORDS]
    return [fold_spelling(w) for w in _stemmer().stemWords(words)]


# The terms of day and month names: when something happened, never what.
CALENDAR_TERMS = frozenset(
    terms(" ".join([*calendar.day_name, *calendar.month_name, *calendar.day_abbr]))
)


class LexicalIndex:
    """An immutable BM25 index; build a new one when the chunks change (cheap: ~1 s per 100k
    chunks) and swap it in, so readers never see a half-built index."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunk_ids = [c.chunk_id for c in chunks]
        self._bm25: bm25s.BM25 | None = None
        self._vocab: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self._chunks_with: Counter[str] = Counter()
        if chunks:
            corpus = [terms(c.embed_text) or ["\x00"] for c in chunks]
            for words in corpus:
                self._chunks_with.update(set(words))
            self._bm25 = bm25s.BM25()
            self._bm25.index(corpus, show_progress=False)
            self._vocab = frozenset(self._bm25.vocab_dict)

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def rarity(self, words: Iterable[str]) -> dict[str, float]:
        """The inverse document frequency over the chunks of each word the index holds: the
        rare words of a question (names, "riverbed") say which story it is about; "week"
        and "new" do not. Words no chunk holds (typos, stray markup) are left out."""
        n = len(self.chunk_ids)
        return {
            w: math.log((n + 1) / (self._chunks_with[w] + 0.5))
            for w in words
            if self._chunks_with[w]
        }

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, aligned with `chunk_ids`."""
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        known = [t for t in terms(query) if t in self._vocab]
        if not known:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        with self._lock:  # bm25s keeps scratch state per call
            return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def top(self, query: str, k: int) -> list[tuple[str, float]]:
        scores = self.scores(query)
        if scores.size == 0:
            return []
        k = min(k, scores.size)
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        return [(self.chunk_ids[i], float(scores[i])) for i in best if scores[i] > 0]


def word_set(words: str) -> frozenset[str]:
    """A word list written as one string: "the a an" -> {"the", "a", "an"}."""
    return frozenset(words.split())
