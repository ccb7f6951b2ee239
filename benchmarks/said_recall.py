"""Who-said-what recall: "What did SPEAKER say about WORD?" for statements drawn at random.

For each of N statements in an index's quote book (speakers named in two words or more),
asks "What did SPEAKER say about WORD?" with WORD the statement's longest word, and counts
the answers that quote the statement. With `--negative`, WORD comes from someone else's
statement, one that SPEAKER never said, and it counts the questions answered at all (each
should be declined). Prints one line of figures:

    python benchmarks/said_recall.py data/eval/indexes/bbc-68bc1f0eb85307b9 --seed 7
    python benchmarks/said_recall.py data/eval/indexes/bbc-68bc1f0eb85307b9 --negative
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from retrieval.lexical import word_set
from retrieval.quotes import Quote
from retrieval.service import Newsbot
from retrieval.settings import Settings

_COMMON = word_set(
    "about would could should their there which while these those after before people "
    "because being other where years said says told added"
)


def _longest_word(sentence: str, leave_out: str = "") -> str | None:
    words = [
        w
        for w in re.findall(r"[A-Za-z]{6,}", sentence)
        if w.lower() not in _COMMON and w not in leave_out
    ]
    return max(words, key=len) if words else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="a data folder holding an index")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--negative", action="store_true", help="ask about others' words")
    args = parser.parse_args()
    bot = Newsbot.open(Settings(data_dir=args.index, collection="news", chroma_host=None))
    try:
        statements: list[Quote] = [
            quote
            for speaker, _ in bot.speakers()
            if len(speaker.split()) >= 2
            for quote in bot.quotes(speaker, limit=10_000)
            if quote.speaker == speaker
        ]
        rng = random.Random(args.seed)
        rng.shuffle(statements)
        asked = answered = quoted = 0
        for quote in statements:
            word = _longest_word(quote.sentence, quote.speaker)
            if word and args.negative:
                word = _longest_word(rng.choice(statements).sentence)
                if word and bot.quotes(quote.speaker, word, limit=1):
                    continue  # they did say it
            if not word:
                continue
            answer = bot.ask(f"What did {quote.speaker} say about {word}?")
            asked += 1
            answered += answer.found
            quoted += quote.sentence[:50] in answer.text
            if asked == args.questions:
                break
        kind = "others' words" if args.negative else "their own words"
        print(f"{asked} questions on {kind}: {answered} answered, {quoted} quote the statement")
    finally:
        bot.close()


if __name__ == "__main__":
    main()
