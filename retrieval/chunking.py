"""Sentence-aware chunking that keeps every chunk inside the model's word-piece window."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.models import Article, Chunk
from retrieval.sentences import sentence_spans

logger = logging.getLogger(__name__)

TokenCounter = Callable[[Sequence[str]], list[int]]

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ChunkingConfig:
    """`max_tokens` is the model window; headline and special tokens come out of it."""

    max_tokens: int = 256
    target_tokens: int = 160
    overlap_sentences: int = 1

    def __post_init__(self) -> None:
        if not 32 <= self.target_tokens <= self.max_tokens:
            raise ValueError("target_tokens must lie between 32 and max_tokens")
        if self.overlap_sentences < 0:
            raise ValueError("overlap_sentences cannot be negative")


class Chunker:
    """Packs whole sentences into chunks of about `target_tokens` word pieces.

    Consecutive chunks share `overlap_sentences` sentences so an answer that straddles a
    boundary is still whole in one chunk. A sentence longer than the window is cut at word
    boundaries. Offsets always satisfy `article.text[chunk.start:chunk.end] == chunk.text`.
    """

    def __init__(self, count_tokens: TokenCounter, config: ChunkingConfig | None = None) -> None:
        self._count = count_tokens
        self.config = config or ChunkingConfig()

    def chunk(self, article: Article) -> list[Chunk]:
        return self.chunk_many([article])[0]

    def chunk_many(self, articles: Sequence[Article]) -> list[list[Chunk]]:
        """Chunks per article; token counting is batched across all articles for speed."""
        spans_per_article = [_pieces(a.text) for a in articles]
        flat = [
            a.text[s:e]
            for a, spans in zip(articles, spans_per_article, strict=True)
            for s, e in spans
        ]
        titles = [a.title for a in articles]
        counts = iter(self._count(flat + titles))
        sentence_counts = [[next(counts) for _ in spans] for spans in spans_per_article]
        title_counts = [next(counts) for _ in titles]
        result = []
        for article, spans, lengths, title_len in zip(
            articles, spans_per_article, sentence_counts, title_counts, strict=True
        ):
            # Room left after [CLS], [SEP], the headline and its newline.
            budget = max(32, self.config.max_tokens - 3 - title_len)
            target = min(self.config.target_tokens, budget)
            spans, lengths = _split_long(article.text, spans, lengths, budget)
            result.append(self._pack(article, spans, lengths, target))
        return result

    def _pack(
        self, article: Article, spans: list[tuple[int, int]], lengths: list[int], target: int
    ) -> list[Chunk]:
        chunks: list[Chunk] = []
        first = 0
        while first < len(spans):
            last, size = first, lengths[first]
            while last + 1 < len(spans) and size + lengths[last + 1] <= target:
                last += 1
                size += lengths[last]
            chunks.append(make_chunk(article, len(chunks), spans[first][0], spans[last][1]))
            if last + 1 >= len(spans):
                break
            # Step back by the overlap, but always make progress.
            first = max(first + 1, last + 1 - self.config.overlap_sentences)
        return chunks


def _pieces(text: str) -> list[tuple[int, int]]:
    return list(sentence_spans(text))


def _split_long(
    text: str, spans: list[tuple[int, int]], lengths: list[int], budget: int
) -> tuple[list[tuple[int, int]], list[int]]:
    """Cut sentences that exceed the window into word runs that fit (approximately 1 token/word
    at worst 3); counts are re-estimated proportionally, which keeps us inside the budget."""
    out_spans: list[tuple[int, int]] = []
    out_lengths: list[int] = []
    for (start, end), length in zip(spans, lengths, strict=True):
        if length <= budget:
            out_spans.append((start, end))
            out_lengths.append(length)
            continue
        words = [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]
        per_word = length / max(1, len(words))
        step = max(1, int(budget / max(per_word, 1.0)))
        for i in range(0, len(words), step):
            group = words[i : i + step]
            out_spans.append((group[0][0], group[-1][1]))
            out_lengths.append(min(budget, int(per_word * len(group)) + 1))
    return out_spans, out_lengths


def make_chunk(article: Article, index: int, start: int, end: int) -> Chunk:
    """Chunk `index` of `article`, its text `article.text[start:end]`; the id changes with the
    article's content, so a changed article never reuses an old chunk's vector."""
    return Chunk(
        chunk_id=f"{article.article_id}:{article.content_hash[:8]}:{index}",
        article_id=article.article_id,
        index=index,
        text=article.text[start:end],
        start=start,
        end=end,
        title=article.title,
        source=article.source,
        published=article.published,
        url=article.url,
    )
