"""BBC known-item: each headline asked of the 2,225 BBC articles indexed without headlines."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.evaluation.datasets import Benchmark
from retrieval.evaluation.goldset import EvalQuestion, fold
from retrieval.models import Article, stable_id

logger = logging.getLogger(__name__)

BBC_CATEGORIES = ("business", "entertainment", "politics", "sport", "tech")


@dataclass(frozen=True)
class BbcFile:
    """One file of the BBC corpus: headline line, blank line, body."""

    category: str
    name: str
    raw: str

    @property
    def headline(self) -> str:
        return self.raw.strip().partition("\n")[0].strip()

    @property
    def body(self) -> str:
        return self.raw.strip().partition("\n")[2].strip()


def read_bbc_folder(root: Path) -> list[BbcFile]:
    """Every article of the BBC corpus, in a fixed order; one file there is not valid UTF-8,
    so bytes are decoded with replacement characters."""
    files = []
    for category in BBC_CATEGORIES:
        for path in sorted((root / category).glob("*.txt")):
            raw = path.read_bytes().decode("utf-8", errors="replace")
            files.append(BbcFile(category, path.name, raw))
    if not files:
        raise FileNotFoundError(f"{root}: no BBC articles (expected {BBC_CATEGORIES} folders)")
    return files


def read_bbc_jsonl(path: Path) -> list[BbcFile]:
    with path.open(encoding="utf-8") as lines:
        return [BbcFile(**json.loads(line)) for line in lines if line.strip()]


def write_bbc_jsonl(path: Path, files: Iterable[BbcFile]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for f in files:
            record = {"category": f.category, "name": f.name, "raw": f.raw}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def bbc_known_item(files: Sequence[BbcFile], name: str = "bbc") -> Benchmark:
    """Each headline is a question whose one right answer is its own article, indexed with no
    headline (title ""), so the words of the question are not simply copied in the index.

    The corpus repeats some stories: articles with the same body or the same headline count as
    right answers for each other's questions (otherwise a tie between copies decides Hits@1).
    """
    articles = []
    by_body: dict[str, list[str]] = defaultdict(list)
    by_headline: dict[str, list[str]] = defaultdict(list)
    for f in files:
        article_id = stable_id("bbc", f.category, f.name)
        articles.append(
            Article(
                article_id=article_id,
                title="",
                text=f.body,
                origin=f"bbc/{f.category}/{f.name}",
                source="BBC News",
            )
        )
        by_body[fold(f.body)].append(article_id)
        by_headline[fold(f.headline)].append(article_id)
    questions = []
    for f, article in zip(files, articles, strict=True):
        same = by_body[fold(f.body)] + by_headline[fold(f.headline)]
        evidence = tuple(dict.fromkeys([article.article_id, *same]))
        questions.append(
            EvalQuestion(
                id=f"bbc-{f.category}-{Path(f.name).stem}",
                question=f.headline,
                answerable=True,
                evidence=evidence,
            )
        )
    return Benchmark(name, tuple(articles), tuple(questions), {"articles": len(articles)})
