"""Follow-ups read in the light of the previous question; greetings, which are not questions."""

from __future__ import annotations

import pytest

from retrieval.questions import asks_for_help, contextualize, follow_up

PUTIN = "What did Putin say about South Korea?"


@pytest.mark.parametrize(
    ("question", "previous", "meant"),
    [
        ("and what did Kim say?", PUTIN, "What did Kim say about South Korea?"),
        # A pronoun speaker is the previous speaker; the time asked about stays.
        ("What did he say this week?", PUTIN, "What did Putin say about South Korea this week?"),
        ("What did he say about it?", PUTIN, PUTIN),
        (
            "What did she say about the pact?",
            "What did Kim say?",
            "What did Kim say about the pact?",
        ),
        ("What did he say?", "What did Putin say?", "What did Putin say?"),
        ("and what did Kim say?", "What did Putin say?", "and what did Kim say?"),
        ("Why did this happen?", PUTIN, "Why did this happen (Putin South Korea)?"),
        # "this week" is a time, not a reference back.
        ("What happened this week?", PUTIN, "What happened this week?"),
        ("What did Kim say this week?", PUTIN, "What did Kim say this week?"),
        ("Who signed the treaty?", PUTIN, "Who signed the treaty?"),
        # A question that asks about its own subject is read alone, even after "why" or with
        # a "that" joining a clause or a pronoun for someone it names itself.
        ("Why was the man jailed?", PUTIN, "Why was the man jailed?"),
        ("Who is the man that released rats?", PUTIN, "Who is the man that released rats?"),
        ("Did Kim say that Seoul should worry?", PUTIN, "Did Kim say that Seoul should worry?"),
        ("Why did Kim say he would help?", PUTIN, "Why did Kim say he would help?"),
        # A bare "Why?", a "that" standing for a thing, an object "her" still refer back.
        ("Why?", PUTIN, "Why (Putin South Korea)?"),
        ("Why did that happen?", PUTIN, "Why did that happen (Putin South Korea)?"),
        ("What is in that deal?", PUTIN, "What is in that deal (Putin South Korea)?"),
        ("Where was she born?", PUTIN, "Where was she born (Putin South Korea)?"),
        ("Did Kim meet her?", PUTIN, "Did Kim meet her (Putin South Korea)?"),
    ],
)
def test_follow_ups_are_read_with_the_previous_question(
    question: str, previous: str, meant: str
) -> None:
    assert contextualize(question, previous) == meant


@pytest.mark.parametrize(
    ("message", "for_help"),
    [
        ("hi", True),
        ("Hello there!", True),
        ("/help", True),
        ("?", True),
        ("What can you do?", True),
        ("Good morning", True),
        ("help me find what Putin said", False),
        ("How did the aid help Ukraine?", False),
        ("hi putin", False),
        ("Who are you voting for, Mr Sunak?", False),
    ],
)
def test_a_greeting_or_plea_for_help_is_not_a_question(message: str, for_help: bool) -> None:
    assert asks_for_help(message) is for_help


def test_a_conversation_keeps_its_subject_past_the_first_follow_up() -> None:
    kept = follow_up("What did he say this week?", PUTIN)
    assert kept == "What did Putin say about South Korea this week?"
    assert "Putin" in contextualize("Why?", kept)
    assert "South Korea" in follow_up("and what did Kim say?", PUTIN)
    assert "Korea" in contextualize("Why?", follow_up("and what did Kim say?", PUTIN))
    # A question that stands alone is kept as asked, and nothing grows past the limit.
    assert follow_up("Who signed the treaty?", PUTIN) == "Who signed the treaty?"
    long = "Why " + "really " * 280 + "?"
    assert follow_up(long, PUTIN) == " ".join(long.split())


@pytest.mark.parametrize(
    "asked", ["headlines", "What's the latest news?", "What's new?", "Give me a summary"]
)
def test_asking_what_is_new_is_never_a_follow_up(asked: str) -> None:
    assert contextualize(asked, "Any news about Russia?") == asked


@pytest.mark.parametrize("asked", ["Summarize it", "What's new on that?"])
def test_a_summary_of_it_asks_about_the_previous_subject(asked: str) -> None:
    assert contextualize(asked, PUTIN) == f"{asked.rstrip('?')} (Putin South Korea)?"
