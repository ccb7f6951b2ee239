"""The Telegram bot under load and faults: many chats, questions, a flaky Bot API; prints figures.

Run `python benchmarks/bot_load.py` (30 chats x 10 questions from tests/data/dev_questions.jsonl,
20% of API calls failing, some updates delivered twice) against a fake Bot API on 127.0.0.1;
retrieval runs for real over seeds/. tests/bot/test_load_and_faults.py runs a smaller load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the fake Bot API lives in tests/fakes
    sys.path.insert(0, str(ROOT))

from telegram.error import TelegramError  # noqa: E402

from bot.app import BotApplication, build_application  # noqa: E402
from bot.handlers import SORRY  # noqa: E402
from bot.settings import BotSettings  # noqa: E402
from retrieval.service import Newsbot  # noqa: E402
from tests.fakes.telegram_api import ApiCall, FakeTelegramServer, FaultPlan, user  # noqa: E402

logger = logging.getLogger(__name__)

TOKEN = "424242:load-test-token-not-a-real-secret-0000"
DEV_QUESTIONS = ROOT / "tests" / "data" / "dev_questions.jsonl"
_FIRST_USER_ID = 50_000


@dataclass(frozen=True)
class LoadConfig:
    chats: int = 30
    questions_per_chat: int = 10
    fault_rate: float = 0.2  # share of API calls that fail (FaultPlan kinds, all four)
    redeliver_rate: float = 0.1  # share of updates Telegram delivers a second time
    seed: int = 7
    request_timeout_s: float = 2.0  # the bot's connect/read/write timeouts
    max_gap_s: float = 0.5  # each chat sends its next question after up to this long,
    # without waiting for the answer, so several questions of one chat are in flight at once
    concurrent_updates: int = 64
    deadline_s: float = 600.0


@dataclass(frozen=True)
class Asked:
    chat_id: int
    index: int  # position in its chat
    message_id: int
    sent_at: float


@dataclass(frozen=True)
class LoadReport:
    questions: int
    answered: int  # questions with at least one answer delivered
    duplicates: int  # answers delivered beyond one per question
    lost: int  # questions never answered
    order_violations: int  # answers that came before the answer to an earlier question
    apologies: int  # "something went wrong" messages
    latencies_s: tuple[float, ...]  # question sent -> its answer reached the Bot API
    api_calls: int
    faults: dict[str, int] = field(default_factory=dict)
    updates_redelivered: int = 0
    timed_out_answers_delivered: int = 0  # answers whose send timed out but had arrived
    retried_sends: int = 0  # sendMessage calls that failed, then went through on a retry
    wall_s: float = 0.0

    @property
    def p50_s(self) -> float:
        return _percentile(self.latencies_s, 50)

    @property
    def p95_s(self) -> float:
        return _percentile(self.latencies_s, 95)

    def lines(self) -> list[str]:
        faults = ", ".join(f"{kind} {count}" for kind, count in sorted(self.faults.items()))
        return [
            f"questions            {self.questions}",
            f"answered             {self.answered}",
            f"duplicate answers    {self.duplicates}",
            f"lost                 {self.lost}",
            f"order violations     {self.order_violations}",
            f"apologies            {self.apologies}",
            f"latency p50 / p95    {self.p50_s:.2f} s / {self.p95_s:.2f} s",
            f"latency max          {max(self.latencies_s, default=0.0):.2f} s",
            f"API calls            {self.api_calls} (faults injected: {faults or 'none'})",
            f"updates redelivered  {self.updates_redelivered}",
            f"timed-out sends that had arrived   {self.timed_out_answers_delivered}",
            f"failed sends delivered on a retry  {self.retried_sends}",
            f"wall time            {self.wall_s:.1f} s",
        ]


def dev_questions(path: Path = DEV_QUESTIONS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def load_settings(**overrides: Any) -> BotSettings:
    """Every field explicit, so a developer's .env cannot change the run."""
    values: dict[str, Any] = {
        "telegram_bot_token": TOKEN,
        "allowed_user_ids": frozenset(),
        "allowed_chat_ids": frozenset(),
        "admin_user_ids": frozenset(),
        "max_upload_bytes": 5_000_000,
        "rate_limit_questions": 0,  # the load is the point; the throttle has its own tests
        "rate_limit_window_s": 60.0,
        "telegram_base_url": None,
        "telegram_base_file_url": None,
    }
    values.update(overrides)
    return BotSettings(_env_file=None, **values)


async def run_load(
    newsbot: Newsbot, questions: Sequence[str], config: LoadConfig, *, data_dir: Path
) -> LoadReport:
    """Start a fake Bot API and a real Application, let `config.chats` users ask, measure."""
    started = time.monotonic()
    with FakeTelegramServer(TOKEN) as server:
        app = build_application(
            newsbot,
            load_settings(),
            data_dir=data_dir,
            base_url=server.base_url,
            base_file_url=server.base_file_url,
            concurrent_updates=config.concurrent_updates,
            request_timeout_s=config.request_timeout_s,
        )
        await _start(app)
        try:
            server.inject_faults(
                FaultPlan(
                    rate=config.fault_rate,
                    seed=config.seed,
                    stall_s=config.request_timeout_s + 0.5,
                    redeliver_rate=config.redeliver_rate,
                )
            )
            asked = await _ask_everything(server, questions, config)
            await _wait_for_answers(server, asked, started + config.deadline_s)
            # Let redeliveries and any late, duplicate sends arrive before counting.
            settle_until = time.monotonic() + config.request_timeout_s + 1.0
            while time.monotonic() < settle_until or server.pending_redeliveries:
                if time.monotonic() > started + config.deadline_s:
                    break
                await asyncio.sleep(0.1)
            server.inject_faults(None)
        finally:
            await _stop(app)
        return _report(server, asked, time.monotonic() - started)


async def _start(app: BotApplication) -> None:
    await app.initialize()
    assert app.updater is not None

    def polling_failed(error: TelegramError) -> None:  # as run_polling: to the error handler
        app.create_task(app.process_error(error=error, update=None))

    await app.updater.start_polling(poll_interval=0.0, timeout=1, error_callback=polling_failed)
    await app.start()


async def _stop(app: BotApplication) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


async def _ask_everything(
    server: FakeTelegramServer, questions: Sequence[str], config: LoadConfig
) -> list[Asked]:
    asked: list[Asked] = []

    async def chat(number: int) -> None:
        rng = random.Random(f"{config.seed}|chat|{number}")
        user_id = _FIRST_USER_ID + number
        if len(questions) >= config.questions_per_chat:
            mine = rng.sample(list(questions), config.questions_per_chat)
        else:
            mine = [rng.choice(questions) for _ in range(config.questions_per_chat)]
        for index, question in enumerate(mine):
            await asyncio.sleep(rng.uniform(0, config.max_gap_s))
            message = server.push_message(question, from_user=user(user_id))
            asked.append(Asked(user_id, index, message["message_id"], time.monotonic()))
            if index == 0:  # at least one redelivery per chat, while the first is in flight
                server.redeliver(server.update_id_of(message))

    await asyncio.gather(*(chat(number) for number in range(config.chats)))
    return asked


async def _wait_for_answers(
    server: FakeTelegramServer, asked: list[Asked], deadline: float
) -> None:
    waiting = {a.message_id for a in asked}
    while waiting and time.monotonic() < deadline:
        waiting -= {_replied_to(c) for c in server.calls_to("sendMessage") if c.delivered}
        await asyncio.sleep(0.1)
    if waiting:
        logger.error("%d questions still unanswered at the deadline", len(waiting))


def _replied_to(call: ApiCall) -> int | None:
    reply = call.params.get("reply_parameters") or {}
    return int(reply["message_id"]) if "message_id" in reply else None


def _report(server: FakeTelegramServer, asked: list[Asked], wall_s: float) -> LoadReport:
    sends = server.calls_to("sendMessage")
    delivered = [c for c in sends if c.delivered]
    answers: dict[int, list[ApiCall]] = {}
    for call in delivered:
        question = _replied_to(call)
        if question is not None:
            answers.setdefault(question, []).append(call)

    latencies = []
    firsts: dict[int, list[tuple[int, int]]] = {}  # chat -> (answer message id, question index)
    for item in asked:
        mine = answers.get(item.message_id, [])
        if mine:
            first = min(mine, key=lambda c: c.result["message_id"])
            latencies.append(first.at - item.sent_at)
            firsts.setdefault(item.chat_id, []).append((first.result["message_id"], item.index))

    violations = 0
    for pairs in firsts.values():
        highest = -1
        for _, index in sorted(pairs):
            if index < highest:
                violations += 1
            highest = max(highest, index)

    failed = {_send_key(c) for c in sends if not c.delivered}
    return LoadReport(
        questions=len(asked),
        answered=sum(1 for a in asked if answers.get(a.message_id)),
        duplicates=sum(max(0, len(answers.get(a.message_id, [])) - 1) for a in asked),
        lost=sum(1 for a in asked if not answers.get(a.message_id)),
        order_violations=violations,
        apologies=sum(1 for c in delivered if c.params.get("text") == SORRY),
        latencies_s=tuple(sorted(latencies)),
        api_calls=len(server.calls),
        faults=dict(server.fault_counts),
        updates_redelivered=len(server.redelivered),
        timed_out_answers_delivered=sum(
            1 for c in delivered if c.fault == "timeout" and _replied_to(c) is not None
        ),
        retried_sends=sum(1 for c in delivered if _send_key(c) in failed),
        wall_s=wall_s,
    )


def _send_key(call: ApiCall) -> tuple[object, ...]:
    return (call.params.get("chat_id"), call.params.get("text"), _replied_to(call))


def _percentile(values: Sequence[float], percent: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = LoadConfig()
    parser.add_argument("--chats", type=int, default=defaults.chats)
    parser.add_argument("--questions", type=int, default=defaults.questions_per_chat)
    parser.add_argument("--fault-rate", type=float, default=defaults.fault_rate)
    parser.add_argument("--redeliver-rate", type=float, default=defaults.redeliver_rate)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--timeout", type=float, default=defaults.request_timeout_s)
    parser.add_argument("--verbose", action="store_true", help="log the bot's warnings")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.verbose else logging.CRITICAL,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config = LoadConfig(
        chats=args.chats,
        questions_per_chat=args.questions,
        fault_rate=args.fault_rate,
        redeliver_rate=args.redeliver_rate,
        seed=args.seed,
        request_timeout_s=args.timeout,
    )

    from retrieval.embedding import Embedder
    from retrieval.settings import Settings

    with tempfile.TemporaryDirectory(prefix="newsbot-load-") as tmp:
        folder = Path(tmp)
        newsbot = Newsbot.open(Settings(data_dir=folder / "index"), embedder=Embedder())
        try:
            newsbot.ingest([ROOT / "seeds"])
            print(
                f"{config.chats} chats x {config.questions_per_chat} questions, "
                f"{config.fault_rate:.0%} of API calls failing, "
                f"{config.redeliver_rate:.0%} of updates delivered twice (seed {config.seed})",
                flush=True,
            )
            report = asyncio.run(
                run_load(newsbot, dev_questions(), config, data_dir=folder / "bot")
            )
        finally:
            newsbot.close()
    print("\n".join(report.lines()))
    bad = report.lost or report.duplicates or report.order_violations or report.apologies
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
