"""The parent's corpus and questions: a private copy of BBC, generated questions, edited files."""

from __future__ import annotations

import logging
import random
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from benchmarks.newsbench.common import BBC

logger = logging.getLogger(__name__)

# Off-topic questions: the not-found path must be fast too.
UNANSWERABLE = [
    "What did the Mars rover find on Europa in 2031?",
    "Who won the 2040 football World Cup final?",
    "How many moons does the planet Vulcan have?",
    "What is the price of a ticket to the Atlantis underwater hotel?",
    "Which company bought the Moon mining licence?",
    "What did the Queen of Narnia say about tariffs?",
    "When will the hyperloop between Lisbon and Oslo open?",
    "Who is the mayor of the city of Gotham?",
    "What recipe won the intergalactic baking contest?",
    "How fast is the new quantum teleportation train?",
    "What did the robot chancellor announce in the budget?",
    "Which dragon species was discovered in Wales?",
    "What did Shakespeare tweet about the election?",
    "How tall is the tower built on Olympus Mons?",
    "Who invented the perpetual motion engine in Leeds?",
    "What is the exchange rate of the galactic credit?",
    "Who captained the first team to play cricket on the Moon?",
    "What did the talking dolphin tell the UN?",
    "Which airline flies to the Andromeda galaxy?",
    "What did the time traveller say about 1850?",
]


def copy_corpus(target: Path) -> Path:
    """A private copy of BBC: article ids come from paths, and the 1%-changed test edits files."""
    if not BBC.is_dir():
        raise SystemExit(f"BBC corpus not found at {BBC}; set NEWSBOT_BENCH_BBC")
    shutil.copytree(BBC, target, ignore=shutil.ignore_patterns("README*"))
    return target


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(corpus.rglob("*.txt"))


def make_questions(corpus: Path, n: int, seed: int = 7) -> list[str]:
    """`n` varied questions: headlines, rephrasings, "what did X say", sentence openings, and
    10% that no article answers."""
    rng = random.Random(seed)
    files = corpus_files(corpus)
    rng.shuffle(files)
    name = re.compile(r"\b([A-Z][a-z]+ [A-Z][a-z]+)\b")
    questions: list[str] = []
    answerable = n - n // 10
    for i, path in enumerate(files[:answerable]):
        lines = [x.strip() for x in path.read_text(errors="replace").splitlines() if x.strip()]
        headline, body = lines[0], " ".join(lines[1:3])
        kind = i % 4
        if kind == 0:
            questions.append(headline)
        elif kind == 1:
            questions.append(f"What happened with {headline[0].lower()}{headline[1:]}?")
        elif kind == 2 and (match := name.search(body)):
            questions.append(f"What did {match.group(1)} say?")
        else:
            words = body.split()[:12]
            questions.append(" ".join(words).rstrip(".,;:") + "?")
    questions.extend(UNANSWERABLE[i % len(UNANSWERABLE)] for i in range(n - len(questions)))
    rng.shuffle(questions)
    return questions


def change_files(files: Sequence[Path], count: int, run: int) -> dict[Path, bytes]:
    """Edit `count` articles' bodies (headline kept, so the article id stays the same);
    returns the original bytes of every file edited, to put back afterwards."""
    rng = random.Random(1000 + run)
    originals: dict[Path, bytes] = {}
    for path in rng.sample(list(files), count):
        originals[path] = path.read_bytes()
        text = path.read_text(errors="replace").rstrip("\n")
        path.write_text(f"{text}\n\nCorrection (run {run}): an earlier version misstated a date.\n")
    return originals
