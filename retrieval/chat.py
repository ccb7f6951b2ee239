"""The terminal chat: questions with follow-ups, and the bot's commands typed as lines."""

from __future__ import annotations

import logging
from typing import TextIO

from retrieval.errors import InputError
from retrieval.formatting import (
    format_answer_text,
    format_sources_table,
    format_speakers_text,
    format_statements_text,
    format_stats_text,
)
from retrieval.models import IndexStats
from retrieval.questions import asks_for_help, follow_up
from retrieval.quote_requests import names_someone
from retrieval.service import Newsbot

logger = logging.getLogger(__name__)

_QUIT = frozenset({"quit", "exit", ":q", "/quit", "/exit"})
_COMMANDS = ("/help", "/quotes", "/sources", "/stats", "quit")


def chat_loop(bot: Newsbot, stdin: TextIO, stdout: TextIO) -> int:
    """A terminal conversation; follow-up questions see the previous one."""
    print(f"newsbot: {_knows(bot.stats())} Ask a question, or /help.", file=stdout)
    previous: str | None = None
    while True:
        print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            print(file=stdout)
            return 0
        question = line.strip()
        if question.lower() in _QUIT:
            return 0
        if not question:
            continue
        # Commands and "help" are not questions: the next follow-up still refers to the
        # question before them.
        reply = _command_reply(bot, question)
        if reply is None:
            try:
                answer = bot.ask(question, previous=previous)
            except InputError as err:
                print(f"! {err}", file=stdout)
                continue
            reply = format_answer_text(answer)
            previous = follow_up(question, previous)
        print(reply + "\n", file=stdout, flush=True)


def _command_reply(bot: Newsbot, line: str) -> str | None:
    """The reply to a command or a plea for help; None when `line` is a question."""
    if asks_for_help(line):
        return _help_text(bot.stats())
    if not line.startswith("/"):
        return None
    command, _, rest = line.partition(" ")
    command = command.lower()
    if command == "/quotes":
        return _quotes_reply(bot, rest.strip())
    if command == "/sources":
        return format_sources_table(bot.sources())
    if command == "/stats":
        return format_stats_text(bot.stats())
    return f"There is no {command} command; the commands are {', '.join(_COMMANDS)}."


def _help_text(stats: IndexStats) -> str:
    return (
        f"newsbot: {_knows(stats)}\n"
        "Type a question, e.g. What did Putin say about South Korea? Every answer cites its\n"
        "articles as [n] with the quoted sentences. Follow-ups (and what did Kim say?) see\n"
        "the question before; What's new? or What happened this week? gives the newest\n"
        "articles' opening lines.\n"
        "/quotes Putin [about Korea]  what someone said (/quotes alone: who is quoted most)\n"
        "/sources  the indexed articles    /stats  counts    /help  this    quit  leave"
    )


def _knows(stats: IndexStats) -> str:
    if not stats.articles:
        return "No articles are indexed yet; add some with `newsbot ingest PATH`."
    plural = "s" if stats.articles != 1 else ""
    latest = f" (latest: {stats.latest})" if stats.latest else ""
    return f"{stats.articles:,} article{plural} indexed{latest}."


def _quotes_reply(bot: Newsbot, request: str, shown: int = 10) -> str:
    if not names_someone(request):
        return format_speakers_text(bot.speakers(shown))
    # One more than shown: enough to say that there are more.
    search = bot.find_quotes(request, limit=shown + 1)
    return format_statements_text(
        search.speaker,
        search.topic,
        search.quotes,
        shown=shown,
        more="`newsbot quotes` with -n shows more",
    )
