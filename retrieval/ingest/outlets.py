"""Which outlet published an article: from its URL, its headline's suffix or its page template."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class OutletSignature:
    outlet: str
    pattern: re.Pattern[str]
    """Searched in the raw text (before cleaning): page chrome only that outlet prints."""
    needles: tuple[str, ...]
    """Texts of which every match holds one (case-sensitive): skips the regex on most files."""


OUTLET_SIGNATURES: tuple[OutletSignature, ...] = (
    OutletSignature(
        "Financial Times",
        re.compile(r"\bEditor of the FT\b|^Unlock the Editor[’']s Digest|\bmyFT Digest\b", re.M),
        ("Editor of the FT", "Digest"),
    ),
    # Arab News prints "Short Url", "Updated <when>" and "Follow" under every headline.
    OutletSignature(
        "Arab News",
        re.compile(
            r"^[ \t]*Short Url[ \t]*$|^[ \t]*Updated [^\n]{3,40}\n[ \t]*Follow[ \t]*$", re.M
        ),
        ("Short Url", "Follow"),
    ),
    OutletSignature(
        "CNN",
        re.compile(r"^\(CNN(?: Business)?\)|\bVideo Ad Feedback\b", re.M),
        ("CNN", "Ad Feedback"),
    ),
    OutletSignature(
        "USA Today", re.compile(r"\bis a USA TODAY content partner\b"), ("content partner",)
    ),
    OutletSignature("The Week", re.compile(r"\bThe WeekDay newsletter\b"), ("WeekDay",)),
)

# Registered domain -> outlet; subdomains match too (edition.cnn.com -> CNN).
DOMAIN_OUTLETS: dict[str, str] = {
    "cnn.com": "CNN",
    "usatoday.com": "USA Today",
    "theweek.com": "The Week",
    "theweek.co.uk": "The Week",
    "arabnews.com": "Arab News",
    "ft.com": "Financial Times",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "reuters.com": "Reuters",
    "apnews.com": "Associated Press",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "theguardian.com": "The Guardian",
    "aljazeera.com": "Al Jazeera",
    "bloomberg.com": "Bloomberg",
    "npr.org": "NPR",
    "foxnews.com": "Fox News",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "politico.com": "Politico",
    "axios.com": "Axios",
    "independent.co.uk": "The Independent",
    "thetimes.co.uk": "The Times",
    "telegraph.co.uk": "The Telegraph",
}

# Headline suffixes ("… - CNN", "… | CNN Politics") that name the outlet, not the story.
_TITLE_SUFFIX_OUTLETS: dict[str, str] = {
    **{name.casefold(): name for name in DOMAIN_OUTLETS.values()},
    "cnn politics": "CNN",
    "cnn business": "CNN",
    "cnn international": "CNN",
    "usa today": "USA Today",
    "the week uk": "The Week",
    "bbc": "BBC News",
    "ft": "Financial Times",
    "ap news": "Associated Press",
}
_TITLE_SUFFIX = re.compile(r"(?P<title>.+?)\s+[-|–—]\s+(?P<outlet>[^-|–—]{2,40}?)\s*")


def outlet_from_text(text: str) -> str | None:
    """The outlet whose page-template signature `text` carries, if any."""
    for signature in OUTLET_SIGNATURES:
        if any(n in text for n in signature.needles) and signature.pattern.search(text):
            return signature.outlet
    return None


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").casefold()
    except ValueError:
        return None
    for domain, outlet in DOMAIN_OUTLETS.items():
        if host == domain or host.endswith("." + domain):
            return outlet
    return None


def split_title_outlet(title: str) -> tuple[str, str | None]:
    """("Squid Game renewed - CNN") -> ("Squid Game renewed", "CNN"); unknown suffixes stay."""
    match = _TITLE_SUFFIX.fullmatch(title)
    if match:
        outlet = _TITLE_SUFFIX_OUTLETS.get(match["outlet"].casefold())
        if outlet:
            return match["title"], outlet
    return title, None
