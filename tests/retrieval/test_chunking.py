"""Chunks fit the model window, overlap by a sentence and point back into the article."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.chunking import Chunker, ChunkingConfig
from retrieval.embedding import Embedder
from retrieval.models import Article


def _article(text: str, title: str = "A headline") -> Article:
    return Article(article_id="a1", title=title, text=text, origin="test")


def test_chunks_fit_window_and_overlap(embedder: Embedder) -> None:
    sentences = [
        f"Sentence number {i} talks about the pact between two countries." for i in range(60)
    ]
    article = _article(" ".join(sentences))
    chunks = Chunker(embedder.token_counts).chunk(article)
    assert len(chunks) > 3
    counts = embedder.token_counts([c.embed_text for c in chunks])
    assert max(counts) + 2 <= embedder.max_tokens
    for before, after in itertools.pairwise(chunks):
        assert after.start < before.end, "consecutive chunks share a sentence"
    assert chunks[0].start == 0 and chunks[-1].end == len(article.text)


def test_embed_text_carries_headline(embedder: Embedder) -> None:
    chunk = Chunker(embedder.token_counts).chunk(_article("Body text here.", "Big news"))[0]
    assert chunk.embed_text == "Big news\nBody text here."


def test_sentence_longer_than_window_is_cut(embedder: Embedder) -> None:
    article = _article(" ".join(["word"] * 2000))
    chunks = Chunker(embedder.token_counts).chunk(article)
    assert len(chunks) > 5
    assert max(embedder.token_counts([c.embed_text for c in chunks])) + 2 <= embedder.max_tokens


def test_config_rejects_nonsense() -> None:
    import pytest

    with pytest.raises(ValueError):
        ChunkingConfig(max_tokens=256, target_tokens=400)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=3000))
def test_offsets_map_back_and_nothing_is_lost(embedder: Embedder, text: str) -> None:
    article = _article(text)
    chunks = Chunker(embedder.token_counts).chunk(article)
    covered = set()
    for chunk in chunks:
        assert article.text[chunk.start : chunk.end] == chunk.text
        covered.update(range(chunk.start, chunk.end))
    # Every non-space character lies in some chunk.
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
