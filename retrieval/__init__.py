"""newsbot's retrieval library: index news articles and answer questions with citations.

Five lines from nothing to a cited answer::

    from retrieval import Newsbot
    bot = Newsbot.open()                      # ./data, or NEWSBOT_DATA_DIR / CHROMA_HOST
    bot.ingest(["seeds/"])                    # .txt .md .html .json .jsonl files or folders
    answer = bot.ask("What did Putin say about South Korea?")
    print(answer.text, [c.title for c in answer.citations])

Who said what: `bot.quotes("Putin", "South Korea")`, or `bot.find_quotes("putin korea")`
for a request typed as one line. For LangChain, `NewsRetriever(searcher=bot.searcher)` is a
`BaseRetriever` over passages, and `NewsAnswerRetriever(bot=bot)` one over the cited
sentences that returns nothing when the articles don't answer.
"""

from __future__ import annotations

from retrieval.answer_config import AnswerConfig
from retrieval.answering import NOT_FOUND
from retrieval.embedding import Embedder
from retrieval.errors import (
    BadFilterError,
    ClosedError,
    ForeignCollectionError,
    InputError,
    ModelLoadError,
    NestedWriteError,
    NewsbotError,
    OnnxExportError,
    SettingsError,
    StoreError,
    StoreLockedError,
    StoreUnavailableError,
)
from retrieval.formatting import shown_title
from retrieval.models import (
    Answer,
    Article,
    ArticleInfo,
    Chunk,
    Citation,
    IndexStats,
    IngestReport,
    Passage,
)
from retrieval.questions import MAX_QUESTION_CHARS, asks_for_help, follow_up, validate
from retrieval.quote_requests import QuoteSearch, names_someone
from retrieval.quotes import Quote
from retrieval.retriever import NewsAnswerRetriever, NewsRetriever
from retrieval.search import HybridSearcher, SearchConfig
from retrieval.service import Newsbot
from retrieval.settings import Settings, load_settings, settings_problems

__all__ = [
    "MAX_QUESTION_CHARS",
    "NOT_FOUND",
    "Answer",
    "AnswerConfig",
    "Article",
    "ArticleInfo",
    "BadFilterError",
    "Chunk",
    "Citation",
    "ClosedError",
    "Embedder",
    "ForeignCollectionError",
    "HybridSearcher",
    "IndexStats",
    "IngestReport",
    "InputError",
    "ModelLoadError",
    "NestedWriteError",
    "NewsAnswerRetriever",
    "NewsRetriever",
    "Newsbot",
    "NewsbotError",
    "OnnxExportError",
    "Passage",
    "Quote",
    "QuoteSearch",
    "SearchConfig",
    "Settings",
    "SettingsError",
    "StoreError",
    "StoreLockedError",
    "StoreUnavailableError",
    "asks_for_help",
    "follow_up",
    "load_settings",
    "names_someone",
    "settings_problems",
    "shown_title",
    "validate",
]
