"""Pure functions that turn answers, sources and stats into Telegram HTML messages."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval import Answer, ArticleInfo, Citation, IndexStats, shown_title

MESSAGE_LIMIT = 4096
SOURCES_PAGE_SIZE = 10
# Longer links would eat most of a message and cannot be split; the headline still shows.
_MAX_URL_CHARS = 1000
_MAX_TITLE_CHARS = 300

# A tag, a character reference, or a run of plain text; a stray '<' or '&' is plain text.
_TOKEN_RE = re.compile(
    r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|[^<&]+|[<&]", re.DOTALL
)
_TAG_NAME_RE = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
_SPACE_RE = re.compile(r"\s+")
_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*(?:\s*\[\d+\])*$")
_CITATION_MARK_RE = re.compile(r"\[\d+\]")
_CLOSING_TAG_RE = re.compile(r"\s*<\s*/\s*([A-Za-z][A-Za-z0-9-]*)\s*>")
_EMPTY_ELEMENT_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>(\s*)</\1>")

# Break priorities: a higher one always wins while it fits, except sentence-over-word which
# only wins when it keeps at least half a message (see `_choose_break`).
_PARAGRAPH, _LINE, _SENTENCE, _WORD, _CHAR = 4, 3, 2, 1, 0


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units, so an emoji counts twice."""
    return len(text.encode("utf-16-le")) // 2


def esc(text: str) -> str:
    return html.escape(text, quote=False)


# --------------------------------------------------------------------------- answers


def format_answer(answer: Answer, *, with_passages: bool, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The answer as HTML messages: text with [n] markers, then the numbered sources.

    With `with_passages` every source is followed by the passage quoted from it. A not-found
    answer is just its (escaped) text: no sources, nothing to show.
    """
    body = esc(answer.text.strip())
    if not answer.found or not answer.citations:
        return split_html(body, limit)
    sep = "\n\n" if with_passages else "\n"
    entries = sep.join(_format_citation(c, with_passages=with_passages) for c in answer.citations)
    return split_html(f"{body}\n\n<b>Sources</b>\n{entries}", limit)


def has_passages(answer: Answer) -> bool:
    return answer.found and any(c.quote.strip() for c in answer.citations)


def _format_citation(citation: Citation, *, with_passages: bool) -> str:
    line = f"[{citation.n}] {headline(citation.title, citation.url)}"
    details = [esc(part) for part in (citation.source, citation.published) if part]
    if details:
        line += " — " + ", ".join(details)
    others = [name for name in citation.also_reported_by if name]
    if others:
        line += f" (also reported by {esc(', '.join(others))})"
    quote = citation.quote.strip()
    if with_passages and quote:
        line += f"\n<blockquote>{esc(quote)}</blockquote>"
    return line


def headline(title: str, url: str | None) -> str:
    """An article's title, linked when it has a web address, cut when absurdly long."""
    title = shown_title(title)
    if len(title) > _MAX_TITLE_CHARS:
        title = title[: _MAX_TITLE_CHARS - 1].rstrip() + "…"
    text = esc(title)
    if url and _is_web_url(url):
        return f'<a href="{html.escape(url.strip(), quote=True)}">{text}</a>'
    return text


def _is_web_url(url: str) -> bool:
    url = url.strip()
    return (
        url.lower().startswith(("http://", "https://"))
        and len(url) <= _MAX_URL_CHARS
        and not any(ch.isspace() for ch in url)
    )


# --------------------------------------------------------------------------- other replies


STATS_OUTLETS = 30


def format_stats(stats: IndexStats) -> str:
    """The index in numbers; the outlets with most articles first, the rest counted."""
    outlets = ", ".join(stats.sources[:STATS_OUTLETS]) if stats.sources else "none recorded"
    if len(stats.sources) > STATS_OUTLETS:
        outlets += f" and {len(stats.sources) - STATS_OUTLETS:,} more"
    return (
        "<b>Index</b>\n"
        f"Articles: {stats.articles:,}\n"
        f"Passages: {stats.chunks:,}\n"
        f"Outlets ({len(stats.sources)}): {esc(outlets)}\n"
        f"Latest article: {esc(stats.latest or 'unknown')}"
    )


def format_help(stats: IndexStats, *, private: bool, bot_username: str | None) -> str:
    """What the bot knows and how to ask, for /start and /help."""
    if stats.articles:
        knows = f"I answer questions about <b>{stats.articles:,}</b> indexed news article"
        knows += "s" if stats.articles != 1 else ""
        if stats.sources:
            shown = ", ".join(stats.sources[:8])
            more = f" and {len(stats.sources) - 8} more" if len(stats.sources) > 8 else ""
            knows += f" from {esc(shown)}{more}"
        if stats.latest:
            knows += f" (latest: {esc(stats.latest)})"
        knows += "."
    else:
        knows = "No articles are indexed yet, so I cannot answer questions right now."
    mention = f"@{bot_username}" if bot_username else "me"
    if private:
        how = "Just send me a question, e.g. <i>What did Putin say about South Korea?</i>"
    else:
        how = (
            "In this group, ask with <code>/ask your question</code>, mention "
            f"{esc(mention)} in a message, or reply to one of my messages."
        )
    return (
        f"{knows}\n\n{how}\n\n"
        "Every answer cites its sources as [n]; tap <i>Show quoted passages</i> to see the "
        "exact sentences. Follow-up questions (<i>and what did Kim say?</i>) work too, and "
        "<i>What's new?</i> or <i>What happened this week?</i> gets the newest articles' "
        "opening lines.\n\n"
        "<code>/quotes Putin</code> lists what someone said (<code>/quotes Putin about "
        "Korea</code> narrows it down; /quotes alone shows who is quoted most).\n"
        "/sources lists the articles, /stats shows counts, /help shows this message."
    )


def format_sources_page(
    infos: Sequence[ArticleInfo],
    page: int,
    *,
    page_size: int = SOURCES_PAGE_SIZE,
    limit: int = MESSAGE_LIMIT,
) -> tuple[str, int, int]:
    """One page of the indexed articles, newest first: (html, page actually shown, pages).

    A page holds up to `page_size` articles and fewer when long links would take it past
    `limit`; pages are packed from the first article, so page n is the same on every call."""
    if not infos:
        return "No articles are indexed yet.", 1, 1
    ordered = sorted(infos, key=lambda i: (i.published or "", i.title), reverse=True)
    lines = [_source_line(number, info) for number, info in enumerate(ordered, start=1)]
    header_room = 80  # "<b>Indexed articles</b> (page 12/345, 12,345 in all)"
    pages: list[list[str]] = [[]]
    used = header_room
    for line in lines:
        size = utf16_len(line) + 1
        if pages[-1] and (len(pages[-1]) == page_size or used + size > limit):
            pages.append([])
            used = header_room
        pages[-1].append(line)
        used += size
    page = min(max(page, 1), len(pages))
    header = f"<b>Indexed articles</b> (page {page}/{len(pages)}, {len(ordered):,} in all)"
    return "\n".join([header, *pages[page - 1]]), page, len(pages)


def _source_line(number: int, info: ArticleInfo) -> str:
    line = f"{number}. {headline(info.title, info.url)}"
    details = [esc(part) for part in (info.source, info.published) if part]
    return line + (" — " + ", ".join(details) if details else "")


# --------------------------------------------------------------------------- splitting


@dataclass(frozen=True)
class _Break:
    """A place a message may end (`end`) and the next one start (`resume`)."""

    end: int
    resume: int
    stack: tuple[str, ...]  # the open tags (as written) at this point
    priority: int


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` UTF-16 units, each valid on its own.

    Parts end between top-level paragraphs when possible, then between top-level lines; only a
    paragraph longer than `limit` is cut inside, at a sentence or word boundary (a character
    one as a last resort), never inside a tag or a character reference. Tags open at a cut are
    closed at the end of the part and reopened at the start of the next.
    """
    text = _drop_empty_elements(text).strip()
    if not text or not _has_visible_text(text):
        return []
    if utf16_len(text) <= limit:
        return [text]
    breaks, visible = _scan(text)
    cum = [0]
    for ch in text:
        cum.append(cum[-1] + (2 if ord(ch) > 0xFFFF else 1))

    parts: list[str] = []
    start: int = 0
    stack: tuple[str, ...] = ()
    while True:
        prefix = "".join(stack)
        final = _final_stack(stack, text[start:])
        if utf16_len(prefix) + cum[len(text)] - cum[start] + _closers_len(final) <= limit:
            if visible[len(text)] > visible[start]:
                parts.append(prefix + text[start:] + _closers(final))
            break
        chosen = _choose_break(breaks, start, stack, cum, visible, limit)
        if chosen is None:
            raise ValueError(f"cannot split HTML into parts of {limit} characters")
        parts.append(prefix + text[start : chosen.end] + _closers(chosen.stack))
        start, stack = _past_closing_tags(text, chosen.resume, chosen.stack)
    return [_drop_empty_elements(part).strip() for part in parts]


def _past_closing_tags(
    text: str, start: int, stack: tuple[str, ...]
) -> tuple[int, tuple[str, ...]]:
    """Where the next part starts: after tags that close before any more text. Reopened,
    they would spend the part's room on an empty `<blockquote></blockquote>`."""
    while stack:
        closing = _CLOSING_TAG_RE.match(text, start)
        opened = _TAG_NAME_RE.match(stack[-1])
        if closing is None or opened is None or closing.group(1) != opened.group(2):
            break
        start, stack = closing.end(), stack[:-1]
    return start, stack


def _has_visible_text(markup: str) -> bool:
    return any(
        not token.startswith("<") or len(token) == 1
        for token in (m.group() for m in _TOKEN_RE.finditer(markup))
        if token.strip()
    )


def _drop_empty_elements(part: str) -> str:
    """Remove `<b></b>` left where a cut fell right next to a tag; Telegram shows nothing there."""
    while True:
        cleaned = _EMPTY_ELEMENT_RE.sub(r"\2", part)
        if cleaned == part:
            return part
        part = cleaned


def _choose_break(
    breaks: list[_Break],
    start: int,
    stack: tuple[str, ...],
    cum: list[int],
    visible: list[int],
    limit: int,
) -> _Break | None:
    prefix_len = utf16_len("".join(stack))
    best: dict[int, _Break] = {}
    for brk in _breaks_after(breaks, start):
        body = cum[brk.end] - cum[start]
        if prefix_len + body > limit:
            break
        if visible[brk.end] == visible[start]:
            continue  # a part with no visible text would be an empty message
        if prefix_len + body + _closers_len(brk.stack) <= limit:
            best[brk.priority] = brk  # later breaks overwrite: the furthest one that fits
    for priority in (_PARAGRAPH, _LINE):
        if priority in best:
            return best[priority]
    sentence = best.get(_SENTENCE)
    if sentence is not None and 2 * (cum[sentence.end] - cum[start]) >= limit - prefix_len:
        return sentence
    candidates = [b for p, b in best.items() if p in (_SENTENCE, _WORD, _CHAR)]
    if not candidates:
        return None
    word_level = [b for b in candidates if b.priority >= _WORD]
    return max(word_level or candidates, key=lambda b: b.end)


def _breaks_after(breaks: list[_Break], start: int) -> list[_Break]:
    lo, hi = 0, len(breaks)
    while lo < hi:
        mid = (lo + hi) // 2
        if breaks[mid].end <= start:
            lo = mid + 1
        else:
            hi = mid
    return breaks[lo:]


def _scan(text: str) -> tuple[list[_Break], list[int]]:
    """Every possible break in `text`, in order, and a prefix count of visible characters."""
    breaks: list[_Break] = []
    visible = [0] * (len(text) + 1)
    stack: tuple[str, ...] = ()
    seen = 0
    for match in _TOKEN_RE.finditer(text):
        token, pos = match.group(), match.start()
        tag = _TAG_NAME_RE.match(token) if token.startswith("<") and len(token) > 1 else None
        if tag is not None:
            # Cut before an opening tag and after a closing one, so no part ends with `<b>`
            # or starts with `</b>`.
            if not tag.group(1):
                breaks.append(_Break(pos, pos, stack, _CHAR))
            stack = _apply_tag(stack, token)
            if tag.group(1):
                breaks.append(_Break(match.end(), match.end(), stack, _CHAR))
            for i in range(pos + 1, match.end() + 1):
                visible[i] = seen
            continue
        if token.startswith("&") and len(token) > 1:
            breaks.append(_Break(pos, pos, stack, _CHAR))
            seen += 1
            for i in range(pos + 1, match.end() + 1):
                visible[i] = seen
            continue
        _scan_text(text, match.start(), match.end(), stack, breaks)
        for i in range(pos, match.end()):
            if not text[i].isspace():
                seen += 1
            visible[i + 1] = seen
    breaks.sort(key=lambda b: (b.end, -b.priority))
    return breaks, visible


def _scan_text(
    text: str, start: int, end: int, stack: tuple[str, ...], breaks: list[_Break]
) -> None:
    position = start
    for space in _SPACE_RE.finditer(text, start, end):
        for i in range(position, space.start()):
            breaks.append(_Break(i, i, stack, _CHAR))
        run = space.group()
        if not stack and "\n\n" in run:
            priority = _PARAGRAPH
        elif not stack and "\n" in run:
            priority = _LINE
        elif _SENTENCE_END_RE.search(text, max(start, space.start() - 60), space.start()) and (
            not _CITATION_MARK_RE.match(text, space.end())
        ):
            priority = _SENTENCE
        else:
            priority = _WORD
        breaks.append(_Break(space.start(), space.end(), stack, priority))
        position = space.end()
    for i in range(position, end):
        breaks.append(_Break(i, i, stack, _CHAR))


def _apply_tag(stack: tuple[str, ...], tag: str) -> tuple[str, ...]:
    match = _TAG_NAME_RE.match(tag)
    if match is None or tag.endswith("/>"):
        return stack
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return (*stack, tag)
    for depth in range(len(stack) - 1, -1, -1):
        if _tag_name(stack[depth]) == name:
            return stack[:depth]
    return stack


def _final_stack(stack: tuple[str, ...], text: str) -> tuple[str, ...]:
    """Tags still open at the end of `text` (none, for well-formed input)."""
    for match in _TOKEN_RE.finditer(text):
        token = match.group()
        if token.startswith("<") and len(token) > 1:
            stack = _apply_tag(stack, token)
    return stack


def _tag_name(tag: str) -> str:
    match = _TAG_NAME_RE.match(tag)
    return match.group(2).lower() if match else ""


def _closers(stack: tuple[str, ...]) -> str:
    return "".join(f"</{_tag_name(tag)}>" for tag in reversed(stack))


def _closers_len(stack: tuple[str, ...]) -> int:
    return sum(len(_tag_name(tag)) + 3 for tag in stack)
