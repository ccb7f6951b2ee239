"""The boilerplate rules, in one table, and `clean_text`, which applies them to any article body."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from retrieval.ingest.dates import normalize_date
from retrieval.models import LIST_ITEM


class Action(StrEnum):
    """What a rule does with the text it matches."""

    DROP_LINE = "drop_line"
    """The whole line is boilerplate (the pattern must match all of it)."""
    DROP_SPAN = "drop_span"
    """Only the matched text is boilerplate; the rest of the line stays."""
    PAGE_MARKER = "page_marker"
    """Per-article page chrome ("Short Url", "Updated …", "Follow"): dropped like DROP_LINE, and
    the splitter reads a run of them as the header of the next article on a multi-article page.
    A named group `date` in the pattern gives the article's publication date."""


@dataclass(frozen=True)
class CleaningRule:
    name: str
    pattern: re.Pattern[str]
    action: Action
    max_len: int = 400
    """Longer lines are prose, never this boilerplate; also keeps regex work bounded."""
    needles: tuple[str, ...] = ()
    """Lowercase texts of which every match holds one: a cheap test that skips the regex on
    most lines. Empty: always try the regex."""

    def applies(self, line: str, lowered: str) -> bool:
        return len(line) <= self.max_len and (
            not self.needles or any(needle in lowered for needle in self.needles)
        )

    def matches_line(self, line: str) -> re.Match[str] | None:
        if not self.applies(line, line.lower()):
            return None
        return self.pattern.fullmatch(line)


def _rule(
    name: str,
    pattern: str,
    action: Action = Action.DROP_LINE,
    *,
    needles: tuple[str, ...] = (),
    max_len: int = 400,
    flags: int = 0,
) -> CleaningRule:
    return CleaningRule(name, re.compile(pattern, flags), action, max_len, needles)


_I = re.IGNORECASE
_WHEN = (
    r"(?P<date>\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d\d-\d\d)"
    r"(?:,?\s+\d{1,2}:\d\d(?:\s*[AaPp]\.?[Mm]\.?)?)?(?:\s+[A-Z]{2,5})?"
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}"
_AGO = r"(?:\d+\s*(?:sec|second|min|minute|hr|hour|day|week|month|year)s?\s*)+ago"
# A character inside a sentence: a stop followed by more of it ("Feb. 28", "U.S.") is one.
_IN_SENTENCE = r"(?:[^.!?]|[.!?](?=[^\s)]|\s+[a-z0-9]))"

# Lines are whitespace-normalized and stripped before matching. Each rule has a test in
# tests/retrieval/test_cleaning.py: a sample it removes and a real sentence it must keep.
CLEANING_RULES: tuple[CleaningRule, ...] = (
    # Arab News page template, repeated for every article on a page.
    _rule("short_url", r"Short Url", Action.PAGE_MARKER, max_len=9),
    _rule(
        "updated",
        rf"(?:Updated|Published)(?: on)?:?\s+(?:{_WHEN}|{_AGO})",
        Action.PAGE_MARKER,
        max_len=60,
    ),
    _rule("follow", r"Follow", Action.PAGE_MARKER, max_len=6),
    # Financial Times newsletter promo (also in its synonym-spun copies).
    _rule(
        "ft_digest_promo",
        r"Unlock the Editor[’']s Digest\b.{0,40}",
        needles=("digest",),
        max_len=80,
    ),
    _rule(
        "ft_editor_picks",
        r"[A-Z][\w.’' -]{2,40}, Editor of the FT, selects .{0,120}",
        needles=("editor of the ft",),
    ),
    _rule(
        "ft_myft_digest",
        r"Stay informed with free updates|Simply sign up to the .{1,80}myFT Digest.{0,160}",
        needles=("stay informed", "myft digest"),
    ),
    # Photo captions end with the photo agency's credit.
    _rule(
        "photo_credit_caption",
        r".{10,400}\((?:AP|AFP|Reuters|Getty Images|EPA|Bloomberg|Shutterstock|File)"
        r"(?: Photo)?(?:\s*/\s*[^()]{1,80})?\)\.?",
        needles=(")",),
        max_len=500,
    ),
    # Video players and ad-feedback forms (CNN and others).
    _rule(
        "ad_feedback_question",
        r"(?:\d+\.\s*)?How relevant is this ad to you\??",
        needles=("this ad",),
        max_len=40,
    ),
    _rule(
        "ad_feedback_issues",
        r".{0,200}\bAd froze or did not finish loading\b.{0,200}",
        needles=("ad froze",),
    ),
    _rule("ad_feedback", r"(?:Video )?Ad Feedback\b.{0,300}", needles=("ad feedback",)),
    _rule(
        "video_player",
        r"JUST WATCHED .{1,300} Replay More Videos\b.{0,300}",
        needles=("replay more videos",),
        max_len=700,
    ),
    _rule(
        "video_player_inline",
        r"JUST WATCHED .{1,300}? Replay More Videos \.\.\. MUST WATCH .{1,300}? \d{1,2}:\d\d",
        Action.DROP_SPAN,
        needles=("replay more videos",),
        max_len=100_000,
    ),
    _rule(
        "photo_gallery",
        r".*\bHide Caption \d+ of \d+\b.*",
        needles=("hide caption",),
        max_len=100_000,
    ),
    _rule(
        "advertisement",
        r"(?:Skip )?Advertisement(?:\s*-\s*(?:Article|Story) continues below)?"
        r"|(?:Article|Story) continues below(?: advertisement)?",
        needles=("advertisement", "continues below"),
        max_len=60,
        flags=_I,
    ),
    # Links to other stories.
    _rule(
        "read_more",
        r"(?:Read|See) more\s*:?|(?:READ MORE|Read more|RELATED|Related|More)\s*:\s*.{0,200}"
        r"|For subscribers:.{0,200}|More [^:]{1,40}:\s*https?://.{0,200}",
        needles=("more", "related", "subscribers:"),
        max_len=250,
        flags=_I,
    ),
    # "►" marks both links ("►Gas prices:Why are they higher?") and news bullets ("►At least 103
    # children have died, officials said."): only a labelled link, a headline without a full
    # stop, or a "read the full story" line is dropped; the bullets stay as "• " bullets.
    _rule(
        "arrow_link",
        r"►\s*(?:[^:.!?]{1,60}:\s*\S.{0,200}|.{1,200}[^.!?\"”’)\]]"
        r"|(?:Read|See|Watch) (?:the )?(?:full|whole|complete) (?:story|article|report)\b.{0,40})",
        needles=("►",),
        max_len=250,
    ),
    # A link to another story whose label lost its space when the page was scraped
    # ("You may like:Pentatonix brings its Christmas tour", "Opinion:'Forgiving' loans …"):
    # prose always puts a space after a colon. Long lines are kept, because roundups glue
    # a place to a whole paragraph the same way ("Phoenix:Gov. Doug Ducey has ousted …");
    # so are dated timeline entries ("March 19:Tempe declared …"), answers and "(NYSE:TM)".
    _rule(
        "glued_link",
        rf"(?!{_MONTH}\.? \d{{1,2}}:|\d{{4}}:|\d+/\d+/|(?:Answer|Question|Q|A):)"
        r"[^.!?:()\n]{2,80}:(?=[A-Z'\"‘“])\S.{4,}",
        needles=(":",),
        max_len=200,
    ),
    # Newsletter, subscription and social promos.
    _rule(
        "newsletter_promo",
        r"(?=.*\b(?:sign(?:ed)? up|subscribed?|receive|inbox|digest|newsletter ?\?))"
        r".*\bnewsletters?\b.*",
        needles=("newsletter",),
        flags=_I,
    ),
    _rule(
        "signup_here",
        r".*\b(?:sign up|subscribe)(?: now| today| for free)?(?: right)? here\b.*",
        needles=("sign up", "subscribe"),
        max_len=300,
        flags=_I,
    ),
    _rule(
        "support_journalism",
        r"(?=.*\bsubscri).*\b(?:support|supporting|empower)\b.{0,40}\bjournalism\b.*",
        needles=("journalism",),
        max_len=300,
        flags=_I,
    ),
    # Only the sentence that says "click here"; the rest of the paragraph is often real news.
    _rule(
        "click_here",
        rf"(?:^|(?<=[.!?] )){_IN_SENTENCE}{{0,200}}?\b[Cc]lick here\b{_IN_SENTENCE}{{0,300}}"
        r"(?:[.!?]+\)?|$)",
        Action.DROP_SPAN,
        needles=("click here",),
        max_len=100_000,
    ),
    _rule(
        "contact_promo",
        r"(?:Follow|Contact|Reach|Email) .{0,120}(?:\bon (?:Twitter|Facebook|Instagram)\b|"
        r"[\w.+-]+@[\w-]+\.[\w.]+|@\w+).{0,200}",
        needles=("follow", "contact", "reach", "email"),
        max_len=300,
    ),
    _rule(
        "social_share",
        r"Share (?:this|on|via) .{1,40}|Copy link|Link copied!?"
        r"|Chat with us in Facebook Messenger\..{0,120}",
        needles=("share", "link", "messenger"),
        max_len=150,
        flags=_I,
    ),
    # Privacy notices and cookie banners.
    _rule(
        "privacy_notice",
        r".*\b(?:as described in our Privacy Policy|please tick here|legitimate interest|"
        r"Future Publishing Limited|use of your data|we use cookies|this (?:web)?site uses cookies|"
        r"accept (?:all )?cookies|cookie (?:policy|settings|preferences))\b.*",
        needles=("privacy", "tick here", "legitimate", "future publishing", "your data", "cookie"),
        max_len=500,
        flags=_I,
    ),
    # Sponsorship, syndication, affiliate, update and copyright notices.
    _rule(
        "funding_notice",
        r".*\b(?:coverage|work|reporting|journalism)\b.{0,80}\b(?:is|are) (?:supported|made "
        r"possible|funded)(?: in part)? by (?:a grant|grants) from\b.*",
        needles=("grant",),
        flags=_I,
    ),
    _rule(
        "update_note",
        r"This (?:story|article|post)(?: and (?:its )?headline)? (?:has been|have been|was|were|"
        r"will be) updated\b.{0,80}|This is a (?:developing|breaking)(?: news)? story\b.{0,80}",
        needles=("updated", "developing", "breaking"),
        max_len=120,
    ),
    # Credit lines: who else reported the story.
    _rule(
        "contributor_credit",
        r"(?:Contributing|Contributors?)\s*:.{1,250}"
        r"|(?:[—–-]+\s*)?[^.!?]{1,160}\bcontributed(?: reporting)? to this "
        r"(?:report|story|article)\.?|From .{1,60}\band wire reports\.?",
        needles=("contribut", "wire reports"),
        max_len=300,
    ),
    _rule(
        "content_partner",
        r".*\bis a .{1,30} content partner offering\b.*",
        needles=("content partner",),
    ),
    _rule(
        "affiliate_notice",
        r".*\b(?:Purchases you make through our links|may earn us a commission|"
        r"Prices were accurate at the time this article was published)\b.*",
        needles=("purchases you make", "commission", "prices were accurate"),
        flags=_I,
    ),
    _rule(
        "copyright",
        r"©.{0,150}|Copyright\s*(?:©\s*)?\d{4}\b.{0,150}",
        needles=("©", "copyright"),
        max_len=200,
        flags=_I,
    ),
    # A dateline with the outlet and nothing else: "CNN —", "New York CNN Business —".
    _rule(
        "outlet_byline",
        r"(?:[A-Z][\w.'’-]*(?:,? [A-Z][\w.'’-]*){0,3} )?\(?(?:CNN|Reuters|AP|AFP)\)?"
        r"(?: (?:Business|Politics|Sport|Sports|Travel|Style|Health))?\s*[—–-]{1,2}",
        needles=("cnn", "reuters", "ap", "afp"),
        max_len=60,
    ),
    # A credit line that is only the outlet or the wire service ("USA TODAY", "The Associated
    # Press", "Special to USA TODAY"): the outlet is already the article's source.
    _rule(
        "credit_line",
        r"(?:(?:Special )?to |From |By )?(?:USA ?TODAY(?: Network| Sports)?|(?:The )?Associated "
        r"Press|AP|Reuters|AFP)",
        needles=("usa", "today", "associated", "ap", "reuters", "afp"),
        max_len=40,
        flags=_I,
    ),
    # Reuters' sign-off, on its own line or at the end of the last paragraph: "(Reporting by
    # Jane Doe in London; Editing by John Roe)". The sentence before it is news.
    _rule(
        "wire_credits",
        r"\s*\((?:Additional )?(?:Reporting|Writing|Editing|Compiled) by [^()]{1,300}\)",
        Action.DROP_SPAN,
        needles=("reporting by", "writing by", "editing by", "compiled by"),
        max_len=100_000,
        flags=_I,
    ),
    # Lines with no words at all: separators ("***", "—", "____") and stray bullets.
    _rule("no_words", r"[\W_]+", max_len=100_000),
)

_LINE_RULES = tuple(r for r in CLEANING_RULES if r.action is not Action.DROP_SPAN)
_MARKER_RULES = tuple(r for r in CLEANING_RULES if r.action is Action.PAGE_MARKER)
_SPAN_RULES = tuple(r for r in CLEANING_RULES if r.action is Action.DROP_SPAN)

_NEWLINE_CHARS = "\r\x0b\x0c\x85\u2028\u2029"
_INVISIBLE_CHARS = (
    "".join(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]))
    + "\u00ad\u200b\u200c\u200d\u2060\ufeff"
)
# str.translate is several times faster than regex substitution on whole articles.
_NORMALIZE_TABLE = str.maketrans(
    {
        **{c: " " for c in map(chr, range(0x3001)) if c.isspace()},
        **dict.fromkeys(_NEWLINE_CHARS, "\n"),
        "\n": "\n",
        **dict.fromkeys(_INVISIBLE_CHARS),
    }
)
_BULLET = re.compile(r"^[•·▪●◦‣∙■□➢➤►]\s*")
_ENDS_SENTENCE = re.compile(r"[.!?:;…\"”’)\]]$")
_WRAP_MIN, _WRAP_MAX = 40, 100


def normalize(text: str) -> str:
    """NFC, one kind of newline, no invisible or control characters, single spaces."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").translate(_NORMALIZE_TABLE)
    while "  " in text:
        text = text.replace("    ", " ").replace("  ", " ")
    return text


def boilerplate_match(line: str) -> tuple[CleaningRule, re.Match[str]] | None:
    """The first line rule (DROP_LINE or PAGE_MARKER) that matches the whole `line`."""
    lowered = line.lower()
    size = len(line)
    for rule in _LINE_RULES:
        # Inlined `rule.applies`: this loop runs for every line of every article.
        if size > rule.max_len or (
            rule.needles and not any(needle in lowered for needle in rule.needles)
        ):
            continue
        match = rule.pattern.fullmatch(line)
        if match:
            return rule, match
    return None


def page_marker_match(line: str) -> re.Match[str] | None:
    """The PAGE_MARKER rule match for the whole `line`, if any."""
    for rule in _MARKER_RULES:
        match = rule.matches_line(line)
        if match:
            return match
    return None


def marker_date(match: re.Match[str]) -> str | None:
    """The ISO date a PAGE_MARKER match carries ("Updated 24 June 2024"), if any."""
    if "date" not in match.re.groupindex:
        return None
    return normalize_date(match.group("date"))


def clean_line(line: str) -> str:
    """One line with its boilerplate spans removed, stripped; '' when the line is boilerplate."""
    line = line.strip()
    if not line:
        return ""
    lowered = line.lower()
    for rule in _SPAN_RULES:
        if rule.applies(line, lowered):
            cut = rule.pattern.sub("", line)
            if cut != line:
                line = " ".join(cut.split())
                lowered = line.lower()
    if line and boilerplate_match(line) is None:
        return _BULLET.sub(LIST_ITEM, line)
    return ""


@dataclass(frozen=True)
class CleanedText:
    blocks: tuple[tuple[str, ...], ...]
    """Paragraphs grouped as they stood between blank lines; each paragraph is one line."""
    dates: tuple[str, ...]
    """ISO dates found in dropped page markers, in text order."""

    @property
    def paragraphs(self) -> list[str]:
        return [p for block in self.blocks for p in block]


def clean_blocks(text: str) -> CleanedText:
    """`clean_text`, keeping the blank-line structure and the dates markers gave."""
    blocks: list[tuple[str, ...]] = []
    dates: list[str] = []
    current: list[str] = []
    for raw in normalize(text).split("\n"):
        stripped = raw.strip()
        line = clean_line(stripped)
        if not line:
            if stripped:
                found = boilerplate_match(stripped)
                date = marker_date(found[1]) if found else None
                if date:
                    dates.append(date)
                # A dropped line in a run must not glue its neighbours into one sentence.
                if current:
                    blocks.append(_unwrap(current))
                    current = []
            elif current:
                blocks.append(_unwrap(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append(_unwrap(current))
    return CleanedText(tuple(blocks), tuple(dates))


def _unwrap(lines: list[str]) -> tuple[str, ...]:
    """Rejoin sentences a hard line wrap broke; every other line stays its own paragraph."""
    body = lines[:-1]
    if (
        len(lines) >= 3
        and all(_WRAP_MIN <= len(line) <= _WRAP_MAX for line in body)
        and len(lines[-1]) <= _WRAP_MAX
        and not any(line.startswith(LIST_ITEM) for line in lines)
    ):
        return (" ".join(lines),)
    out: list[str] = []
    for line in lines:
        if (
            out
            and line[0].islower()
            and not out[-1].startswith(LIST_ITEM)
            and not _ENDS_SENTENCE.search(out[-1])
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return tuple(out)


def clean_text(text: str) -> str:
    """An article body without page boilerplate: one paragraph per line, blank line between.

    Drops what `CLEANING_RULES` matches (ad-feedback forms, video-player text, newsletter and
    cookie notices, "Short Url"/"Updated …"/"Follow" page chrome, photo captions…), removes
    invisible characters, and rejoins hard-wrapped lines. Never raises; may return ''.
    """
    return "\n\n".join(clean_blocks(text).paragraphs)


def rule_by_name(name: str) -> CleaningRule:
    for rule in CLEANING_RULES:
        if rule.name == name:
            return rule
    raise KeyError(name)


def line_key(text: str) -> str:
    """What two spellings of one headline share: case- and whitespace-insensitive."""
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
