"""The `newsbot` command line: ingest, ask, chat, sources, quotes and front ends."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, TextIO

from retrieval.chat import chat_loop
from retrieval.errors import InputError, NewsbotError
from retrieval.formatting import (
    ID_SHOWN,
    format_answer_text,
    format_sources_table,
    format_stats_text,
)
from retrieval.ingest import discover_files, read_articles
from retrieval.ingest.decoding import read_text
from retrieval.models import Article
from retrieval.questions import validate
from retrieval.service import Newsbot
from retrieval.settings import Settings, load_settings

logger = logging.getLogger(__name__)

FRONTEND_GROUP = "newsbot.frontends"


def _open(settings: Settings) -> Newsbot:
    return Newsbot.open(settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    # Bad input fails before the store is opened or the model loaded: nothing is created.
    files = discover_files(args.paths)
    if not files:
        raise InputError(
            f"no article files in {', '.join(args.paths)}; newsbot reads .txt, .md, .html, "
            ".json and .jsonl files"
        )
    read: dict[Path, list[Article]] = {}
    for path in files:
        try:
            read[path] = read_articles(path, errors=args.encoding_errors)
        except InputError as err:
            if not args.skip_bad:
                if len(files) > 1:
                    raise InputError(f"{err} (or add --skip-bad to leave such files out)") from err
                raise
            print(f"newsbot: skipped: {err}", file=sys.stderr)
            continue
    if not read:
        raise InputError("every file was skipped; fix them or leave them out")
    bot = _open(settings)
    if args.if_empty and bot.stats().articles:
        print(f"index already holds {bot.stats().articles} articles; nothing to do")
        return 0
    report = bot.ingest_files(read, progress=sys.stderr.isatty())
    print(report.summary())
    if len(read) < len(files):
        print(f"{len(files) - len(read)} file(s) skipped (named above on stderr)")
    return 0


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if args.batch is not None:
        if not args.json:
            raise InputError("--batch writes JSON lines; add --json")
        return _ask_batch(args, settings)
    if args.question is None:
        raise InputError('no question given; run: newsbot ask "What did Putin say?"')
    validate(args.question)  # refuse bad questions before loading anything
    bot = _open(settings)
    _warn_if_empty(bot)
    answer = bot.ask(args.question, k=args.k)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(format_answer_text(answer))
    return 0


def _ask_batch(args: argparse.Namespace, settings: Settings) -> int:
    source: TextIO
    if args.batch == "-":
        source = sys.stdin
    else:
        path = Path(args.batch)
        if path.is_dir():
            raise InputError(f"{path}: is a folder; give a file with one question per line")
        if not path.is_file():
            raise InputError(f"{path}: no such file; give a file with one question per line")
        source = io.StringIO(read_text(path))
    if args.question is not None:
        raise InputError("give either a question or --batch FILE, not both")
    bot = _open(settings)
    failures = 0
    with source:
        for line in _lines(source):
            question = line.strip()
            if not question:
                continue
            try:
                record = bot.ask(question, k=args.k).to_dict()
            except InputError as err:
                failures += 1
                record = {"question": question[:200], "error": str(err)}
            print(json.dumps(record, ensure_ascii=False), flush=True)
    return 2 if failures else 0


def _lines(source: TextIO) -> Iterator[str]:
    """The lines of a question file, a stray BOM dropped; bytes that are not UTF-8 (on stdin)
    are one clear error."""
    try:
        for number, line in enumerate(source, start=1):
            yield line.removeprefix("\ufeff") if number == 1 else line
    except UnicodeDecodeError as err:
        raise InputError(
            f"the questions are not valid UTF-8 ({err.reason}); re-save them as UTF-8"
        ) from None


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    bot = _open(settings)
    return chat_loop(bot, sys.stdin, sys.stdout)


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    bot = _open(settings)
    infos = bot.sources()
    if args.json:
        print(json.dumps([info.__dict__ for info in infos], ensure_ascii=False))
    else:
        print(format_sources_table(infos))
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    print(format_stats_text(_open(settings).stats()))
    return 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    for given in args.ids:
        if len(given.strip()) < ID_SHOWN:
            raise InputError(
                f"{given!r} is too short for an article id; give its first {ID_SHOWN} "
                "characters at least, as `newsbot sources` lists them"
            )
    if not settings.manifest_path.exists():
        raise InputError("the index is empty; there is nothing to remove")
    bot = _open(settings)
    ids = [info.article_id for info in bot.sources()]
    chosen = [_one_article(given, ids) for given in args.ids]
    print(f"removed {bot.remove(chosen)} article(s)")
    return 0


def _one_article(given: str, ids: Sequence[str]) -> str:
    """The one id that `given` (a whole id, or its first characters) names."""
    matching = [i for i in ids if i.startswith(given.strip().lower())]
    if len(matching) != 1:
        problem = "matches several articles" if len(matching) > 1 else "matches no article"
        raise InputError(
            f"{given!r} {problem}; give an id (its first {ID_SHOWN} characters at least) as "
            "`newsbot sources` lists it"
        )
    return matching[0]


def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    """Index the seeds if the index is empty, then run the first available front end
    (one registered under `newsbot.frontends` that says it is configured) or a terminal chat."""
    bot = _open(settings)
    if not bot.stats().articles and settings.seeds_dir.is_dir():
        print(f"indexing {settings.seeds_dir}/ …", file=sys.stderr)
        print(bot.ingest([settings.seeds_dir]).summary(), file=sys.stderr)
    for frontend in _frontends():
        if frontend.is_configured():
            bot.close()
            return int(frontend.run([]))
    return chat_loop(bot, sys.stdin, sys.stdout)


def _warn_if_empty(bot: Newsbot) -> None:
    if not bot.stats().articles:
        print("note: the index is empty; run `newsbot ingest seeds/` first", file=sys.stderr)


class _Frontend:
    def __init__(self, name: str, loader: Callable[[], object]) -> None:
        self.name = name
        self._loader = loader

    def _module(self) -> object:
        return self._loader()

    def is_configured(self) -> bool:
        check = getattr(self._module(), "is_configured", None)
        return bool(check and check())

    def run(self, argv: list[str]) -> int:
        run: Callable[[list[str]], int] = getattr(self._module(), "run")  # noqa: B009
        return int(run(argv))


def _frontends() -> list[_Frontend]:
    """Front ends installed as plugins, so this package needs to know none of them."""
    return [_Frontend(ep.name, ep.load) for ep in entry_points(group=FRONTEND_GROUP)]


_VERBOSE_HELP = "log progress details"


def build_parser(frontends: Iterable[_Frontend] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot", description="Answers questions about news articles with cited passages."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=_VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index article files or folders")
    p.add_argument("paths", nargs="+", help=".txt .md .html .json .jsonl files or folders")
    p.add_argument("--if-empty", action="store_true", help="do nothing if the index has articles")
    p.add_argument(
        "--skip-bad",
        action="store_true",
        help="leave out files that cannot be read (each named on stderr) instead of stopping",
    )
    p.add_argument(
        "--encoding-errors",
        choices=("strict", "replace"),
        default="strict",
        help="what to do with bytes that are not UTF-8 (default: refuse the file)",
    )
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("ask", help="answer one question (or a batch) with citations")
    p.add_argument("question", nargs="?", help="the question, in quotes")
    p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    p.add_argument("-k", type=_positive, default=5, help="passages to read, 1 to 50 (default 5)")
    p.add_argument("--batch", metavar="FILE", help="one question per line; '-' for stdin")
    p.set_defaults(handler=cmd_ask)

    p = sub.add_parser("chat", help="a conversation in the terminal")
    p.set_defaults(handler=cmd_chat)

    p = sub.add_parser("sources", help="list the indexed articles")
    p.add_argument("--json", action="store_true", help="print them as one JSON list")
    p.set_defaults(handler=cmd_sources)

    p = sub.add_parser("stats", help="how many articles and passages, which outlets, how recent")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("remove", help="remove articles from the index by id")
    p.add_argument("ids", nargs="+", metavar="ID", help="an id as `newsbot sources` lists it")
    p.set_defaults(handler=cmd_remove)

    p = sub.add_parser("start", help="index the seeds if needed, then start the bot or a chat")
    p.set_defaults(handler=cmd_start)

    for extra in _extension_commands():
        extra(sub)
    for command in sub.choices.values():
        # `newsbot ask -v "…"` as well as `newsbot -v ask "…"`. SUPPRESS: left out here, it
        # must not undo a -v given before the command.
        command.add_argument(
            "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=_VERBOSE_HELP
        )
    for frontend in frontends:
        # Its options are the front end's own (`newsbot telegram --help` shows them); `main`
        # hands them over unparsed, since argparse drops a remainder that opens with "-".
        p = sub.add_parser(frontend.name, help=f"run the {frontend.name} front end", add_help=False)
        p.add_argument("args", nargs=argparse.REMAINDER, help="options for the front end")
        p.set_defaults(handler=_frontend_handler(frontend))
    return parser


def _extension_commands() -> list[Callable[[Any], None]]:
    """Subcommands that live in their own modules (evaluation, quotes), added if present."""
    found = []
    for module_name in ("retrieval.evaluation.cli", "retrieval.quotes_cli"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError:
            continue
        found.append(module.register)
    return found


def _frontend_handler(frontend: _Frontend) -> Callable[[argparse.Namespace, Settings], int]:
    def handler(args: argparse.Namespace, settings: Settings) -> int:
        return frontend.run(list(args.args))

    return handler


def _positive(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 50:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number from 1 to 50")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    frontends = _frontends()
    parser = build_parser(frontends)
    words = list(sys.argv[1:] if argv is None else argv)
    command = next((i for i, word in enumerate(words) if not word.startswith("-")), None)
    passed_on: list[str] = []
    if command is not None and words[command] in {f.name for f in frontends}:
        words, passed_on = words[: command + 1], words[command + 1 :]
    args = parser.parse_args(words)
    if passed_on:
        args.args = passed_on
    try:
        settings = load_settings()
        level = logging.INFO if args.verbose else logging.getLevelName(settings.log_level)
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
        return int(args.handler(args, settings))
    except NewsbotError as err:
        print(f"newsbot: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `newsbot quotes Putin | head`: the reader has what it wanted. Python would print a
        # traceback for it, and another when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
