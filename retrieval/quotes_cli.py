"""`newsbot quotes SPEAKER [TOPIC]`: who said what, from the quote book."""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any

from retrieval.errors import InputError
from retrieval.formatting import format_speakers_text, format_statements_text
from retrieval.service import Newsbot
from retrieval.settings import Settings

logger = logging.getLogger(__name__)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "quotes",
        help="what a person said (quotes and reported speech); without a name, who is quoted",
    )
    p.add_argument("speaker", nargs="?", help="a name, e.g. Putin or 'Sue Mi Terry'")
    p.add_argument("topic", nargs="?", help="only statements about this")
    p.add_argument("-n", type=int, default=20, help="at most this many (default 20)")
    p.add_argument("--json", action="store_true", help="print them as one JSON list")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.n < 1:
        raise InputError(f"-n must be at least 1 (got {args.n})")
    if args.speaker is not None and not args.speaker.strip():
        raise InputError("the speaker is empty; give a name, e.g. newsbot quotes Putin")
    bot = Newsbot.open(settings)
    if args.speaker is None:
        return _list_speakers(bot.speakers(args.n), as_json=args.json)
    # One more than shown: enough to say that there are more.
    if args.topic is None:
        # 'newsbot quotes "putin korea"' reads like the chat's /quotes: a name, then a topic.
        search = bot.find_quotes(args.speaker, limit=args.n + 1)
        speaker, topic, found = search.speaker, search.topic, list(search.quotes)
    else:
        speaker, topic = args.speaker, args.topic
        found = bot.quotes(speaker, topic, limit=args.n + 1)
    if args.json:
        print(json.dumps([q.__dict__ for q in found[: args.n]], ensure_ascii=False))
        return 0
    more = f"-n {args.n * 5} shows more, a topic narrows them"
    print(format_statements_text(speaker, topic, found, shown=args.n, more=more))
    return 0


def _list_speakers(speakers: list[tuple[str, int]], *, as_json: bool) -> int:
    if as_json:
        print(json.dumps([{"speaker": s, "statements": n} for s, n in speakers]))
    else:
        print(format_speakers_text(speakers))
        if speakers:
            print("(newsbot quotes NAME [TOPIC] lists what one of them said)")
    return 0
