"""A saved web page to one raw article: main text and metadata extracted by trafilatura."""

from __future__ import annotations

import logging
from pathlib import Path

from lxml.etree import LxmlError

from retrieval.errors import NoArticlesError
from retrieval.ingest.outlets import outlet_from_url
from retrieval.ingest.raw import RawArticle

logger = logging.getLogger(__name__)

# Only the page's own publication date; scanning the text for any date guesses wrong too often.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
_MIN_PROSE_WORDS = 6


def parse_html(path: Path, page: str) -> list[RawArticle]:
    """The page's main text (navigation, footers and comments left out) with its title, date,
    site name, canonical URL and author. `page` is decoded already (`decoding.decode_html`):
    trafilatura's own guess garbles a page that is not in the charset it declares."""
    import trafilatura  # slow to import; only HTML needs it

    try:
        doc = trafilatura.bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except (LxmlError, ValueError, TypeError, AttributeError) as err:
        logger.debug("%s: trafilatura failed: %r", path, err)
        doc = None
    text = getattr(doc, "text", None) if doc is not None else None
    # With no article on the page trafilatura falls back to all its text: menu entries, one or
    # two words a line. A page with no line of prose holds no article.
    if not text or not any(len(line.split()) >= _MIN_PROSE_WORDS for line in text.splitlines()):
        raise NoArticlesError(path)
    url = getattr(doc, "url", None)
    sitename = getattr(doc, "sitename", None)
    # trafilatura falls back to the bare host name ("cnn.com") when a page names no site.
    if sitename and "." in sitename and " " not in sitename:
        sitename = outlet_from_url(f"https://{sitename}") or sitename
    return [
        RawArticle(
            body=text,
            title=getattr(doc, "title", None),
            published=getattr(doc, "date", None),
            url=url,
            source=sitename,
            author=getattr(doc, "author", None),
        )
    ]
