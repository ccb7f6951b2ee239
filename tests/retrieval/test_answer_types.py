"""What kind of answer a question wants, and which sentences cannot be one (no model needed)."""

from __future__ import annotations

import pytest

from retrieval.answer_types import (
    has_quantity,
    is_subheading,
    names_a_place,
    names_in,
    names_the,
    not_an_answer,
)
from retrieval.places import names_a_country
from retrieval.questions import parse


def test_quiz_style_question_is_read_from_its_last_sentence() -> None:
    question = parse(
        "A Russian court this week ruled that she will be detained for several more months. "
        "How many months was her detention extended?"
    )
    assert (question.kind, question.unit) == ("number", "months")


def test_a_quiz_question_asks_in_its_last_sentence() -> None:
    question = parse("Grocery prices rose 13% this year. Which item showed the largest spike?")
    assert question.asked == "Which item showed the largest spike?"
    assert parse("Who won?").asked == "Who won?"


def test_a_quiz_sentence_does_not_end_at_an_initial_or_a_title() -> None:
    roe = parse("What share of US adults disapprove of the decision to overturn Roe v. Wade?")
    assert roe.asked == roe.text
    assert parse("What breed of dog is Mr. Happy Face?").asked.startswith("What breed")
    assert parse("The U.S. Senate voted. Who won?").asked == "Who won?"


@pytest.mark.parametrize(
    ("text", "kind", "unit"),
    [
        ("What percentage of babies were born out of wedlock last year?", "number", "percent"),
        ("By 2025, what share of power will come from wind?", "number", "percent"),
        ("How high will inflation climb this year?", "number", None),
        (
            "An anonymous bidder paid a record sum for lunch. How much did the bidder pay?",
            "number",
            "money",
        ),
        ("How much did the telescope cost?", "number", "money"),
        ("How much have gas prices increased?", "number", None),
        ("Nadal withdrew, paving the way for who to advance to the final?", "who", None),
        ("Elon Musk denied that he had an affair with who?", "who", None),
        ("The Supreme Court sided with a coach who prayed on the field.", "other", None),
        ("As the UK hit record highs, where was the hottest temperature recorded?", "where", None),
        ("Barristers have voted to strike indefinitely from when?", "when", None),
        ("China will make rain with a technique called what?", "which", None),
        ("A critic was booted from her seat. What is her name?", "which", None),
        ("What's the title of her best-selling novel?", "which", None),
        ("Her next project comes out July 29. What is it titled?", "which", None),
        ("What is the biggest security threat in the region?", "other", None),
        ("The bill, which was passed on Monday, does what?", "other", None),
    ],
)
def test_the_kind_of_answer_is_read_from_anywhere_in_the_asking_sentence(
    text: str, kind: str, unit: str | None
) -> None:
    question = parse(text)
    assert (question.kind, question.unit) == (kind, unit)


def test_names_are_the_capitalised_words_past_the_first_and_numbers() -> None:
    assert names_in("Which company bought Twitter in 2022?") == ["Twitter", "2022"]
    assert names_in("How much did Apple's iPhone sales grow?") == ["Apple's", "iPhone"]
    assert names_in("What did Joe Biden say? Biden spoke.") == ["Joe Biden"]
    assert names_in("what did they say") == []
    assert names_in("Mansfield 0-1 Leyton Orient") == ["Leyton Orient"]


def test_a_question_of_cost_wants_an_amount_of_money() -> None:
    assert has_quantity("The $10 billion telescope launched in 2021.", "money")
    assert has_quantity("It cost 86.3 million pounds last year.", "money")
    assert not has_quantity("The telescope took 25 years to build.", "money")


def test_a_percentage_question_wants_a_percentage() -> None:
    assert has_quantity("A 59% majority disapprove.", "percent")
    assert has_quantity("Some 51 per cent were born to unmarried parents.", "percent")
    assert not has_quantity("A majority of 2,000 adults disapprove.", "percent")


def test_which_after_a_comma_asks_when_a_noun_and_an_auxiliary_follow() -> None:
    asked = parse("After the attack, which fellow author did Rowling get in a row with?")
    assert (asked.kind, asked.noun) == ("which", "author")
    # ", which was passed" is a relative clause: the question asks something else.
    assert parse("The bill, which was passed on Monday, was signed by whom?").kind == "who"


def test_which_in_mid_sentence_asks_for_a_name() -> None:
    question = parse("Supermarkets in France are struggling to stock which condiment?")
    assert (question.kind, question.noun) == ("which", "condiment")


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("Which wildly popular show was recently green lit for a new season?", "show"),
        ("Which high-ranking US official tested positive for Covid-19 this week?", "official"),
        ("Which team won the 2022 NHL Stanley Cup Finals?", "team"),
        ("Which company bought Twitter?", "company"),
        ("Which company’s stock became cheaper after a split?", "company"),
        ("Which product remains difficult to find in many US stores?", "product"),
        ("A volcano erupted in which country recently, prompting an alert?", "country"),
        ("Vaccinations began for which age group this week?", "group"),
        ("Which highly anticipated show brought in 10 million viewers?", "show"),
        ("Which head of state announced his resignation?", "head"),
        ("Which 23-time grand slam tennis champion is set to retire?", "champion"),
        ("Which “Star Trek” character did she portray?", "character"),
    ],
)
def test_which_question_asks_for_its_head_noun(text: str, noun: str) -> None:
    assert parse(text).noun == noun


def test_how_many_counts_the_whole_noun_phrase() -> None:
    question = parse("Approximately how many baby swings and rockers were recalled this week?")
    assert (question.kind, question.unit) == ("number", "baby swings")
    assert has_quantity("The recall affects 2 million MamaRoo swings.", question.unit or "")
    assert not has_quantity("Swings were recalled in 2 states.", question.unit or "")
    # A modal verb ends the phrase too: the seconds are counted, not "seconds may predict".
    assert parse("Balancing for how many seconds may predict a long life?").unit == "seconds"


def test_a_nationality_does_not_name_the_show() -> None:
    asked = "which wildly popular show was green lit?"
    assert not names_the("show", asked, "the wildly popular South Korean show is green lit")
    assert names_the("show", asked, "the hit Netflix show Squid Game")


def test_relative_which_is_not_a_question_word() -> None:
    assert parse("The law, which was passed in 2004, bans what?").kind == "other"


def test_what_is_it_called_asks_for_a_name() -> None:
    assert parse("NASA will launch a mission. What is the mission called?").kind == "which"


@pytest.mark.parametrize(
    "text",
    [
        "Which wildly popular show was green lit for a new season?",
        'A. "Game of Thrones"',
        "QUIZ TIME: test your knowledge of this week's news",
        "Get CNN Health's weekly newsletter Sign up here to get The Results Are In",
    ],
)
def test_questions_and_quiz_lines_are_no_answers(text: str) -> None:
    assert not_an_answer(text)


def test_a_statement_can_be_an_answer() -> None:
    assert not not_an_answer("Netflix renewed Squid Game for a second season.")


def test_the_company_does_not_name_the_company() -> None:
    asked = "which company is turning off the ac in its stores?"
    assert not names_the("company", asked, "The company is scaling back the use of its AC.")
    assert names_the("company", asked, "The Kroger company is scaling back its AC.")
    assert names_the("town", "which town's ban was overturned?", "the town of Villeneuve")


def test_which_country_or_state_is_answered_by_naming_one() -> None:
    nation = "the prime minister of which european nation stepped down?"
    assert names_a_place("nation", nation, "Mario Draghi resigned as Italy's prime minister.")
    assert names_a_place("countries", "which two countries joined nato?", "Sweden applied.")
    # News spellings, and a two-word name read whole rather than as its last word.
    assert names_a_place("country", "which country is a nato member?", "Turkey objected.")
    asked = "which country did south korea's leader visit?"
    assert not names_a_place("country", asked, "South Korea's leader flew home.")
    assert names_a_place("country", asked, "South Korea's leader arrived in North Korea.")
    # A place the question names, a nationality, or a city named like a state: no answer.
    assert not names_a_place("nation", nation, "The Italian prime minister stepped down.")
    assert not names_a_place("state", "in which state was it sold?", "Washington, DC sold it.")
    assert not names_a_place("state", "which state?", "It alarmed Washington and Seoul.")
    assert names_a_place("state", "which state?", "Fires spread in Washington state.")
    assert not names_a_place("country", "which country burned?", "Fires spread in New Mexico.")
    assert names_a_place("state", "in which state was it sold?", "Sold in Des Plaines, Illinois.")
    # Only the kinds of place we can list.
    assert not names_a_place("city", "which city won?", "Vienna won.")
    assert not names_a_place(None, "what happened?", "Italy won.")


def test_a_few_words_without_closing_punctuation_are_a_subheading() -> None:
    assert is_subheading("A landmark pact")
    assert is_subheading("Good luck charm")
    assert not is_subheading("Prices rose.")
    assert not is_subheading("“We will win.”")
    assert not is_subheading("The harbour deal gives the port 4 million euros for repairs")


def test_a_line_in_capitals_without_closing_punctuation_is_a_subheading() -> None:
    # A category of an awards list: five words, but a heading all the same.
    assert is_subheading("LEAD ACTOR, LIMITED SERIES/TV MOVIE")
    assert not is_subheading("NASA SAYS THE LAUNCH WILL GO AHEAD.")


@pytest.mark.parametrize(
    ("text", "speaker", "topic"),
    [
        ("What did Kim say this week?", "Kim", None),
        ("What did Putin say yesterday about Ukraine?", "Putin", "Ukraine"),
        ("What did Putin say about South Korea this week?", "Putin", "South Korea"),
        ("What did the court say in June 2024 about the ban?", "the court", "the ban"),
        ("What did the minister say about the 2024 budget?", "the minister", "the 2024 budget"),
        # Other verbs of speech ask for someone's words too.
        ("What did Michael Howard promise on immigration?", "Michael Howard", "immigration"),
        ("What has Blair pledged this week?", "Blair", None),
        ("What did Putin deny about Ukraine?", "Putin", "Ukraine"),
        # What follows a verb like "promise" or "tell" is what the words were about.
        ("What did Putin promise Kim?", "Putin", "Kim"),
        ("What did he tell reporters on Monday about Seoul?", "he", "Seoul"),
        ("What did Sue Mi Terry warn about?", "Sue Mi Terry", None),
    ],
)
def test_when_it_was_said_is_neither_speaker_nor_topic(
    text: str, speaker: str, topic: str | None
) -> None:
    question = parse(text)
    assert (question.kind, question.speaker, question.topic) == ("say", speaker, topic)
    assert question.text == text  # the timeframe still reads the whole question


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # Over the RealTime QA pages both were declined: quotes are filed under the name alone.
        ("What did Kari Huesing of the Yellowstone Gateway Inn say?", "Kari Huesing"),
        ("What did Hannah Cloke from the University of Reading say?", "Hannah Cloke"),
        # So were these: what they do, and where, comes before the name.
        ("What did ODI analyst Ganeshan Wignaraja say?", "Ganeshan Wignaraja"),
        ("What did fire official Matt Ahern say?", "Matt Ahern"),
        ("What did Page Springs Cellars owner Eric Glomski say?", "Eric Glomski"),
        (
            "What did the Oxford University Press spokesman say?",
            "the Oxford University Press spokesman",
        ),
        ("What did Tom and Jerry Mills say?", "Tom and Jerry Mills"),
        # A body's or a title's own "of" stays.
        ("What did the Bank of England say?", "the Bank of England"),
        (
            "What did Prime Minister of Japan Fumio Kishida say?",
            "Prime Minister of Japan Fumio Kishida",
        ),
        ("What did Secretary of State Antony Blinken say?", "Secretary of State Antony Blinken"),
    ],
)
def test_where_a_speaker_works_is_not_their_name(text: str, speaker: str) -> None:
    assert parse(text).speaker == speaker


@pytest.mark.parametrize(
    ("text", "speaker", "topic"),
    [
        # The programme's name had been cut as the time "today", and joined the topic.
        (
            "What did Tony Blair say on the Today programme about David Blunkett?",
            "Tony Blair",
            "David Blunkett",
        ),
        ("What did Putin tell reporters about Seoul?", "Putin", "Seoul"),
        ("What did Blair say to MPs about Iraq?", "Blair", "Iraq"),
        # What it was about may itself be about something.
        ("What did Ann Lee say about the report about fuel?", "Ann Lee", "the report about fuel"),
    ],
)
def test_where_or_to_whom_it_was_said_is_not_the_topic(text: str, speaker: str, topic: str) -> None:
    question = parse(text)
    assert (question.kind, question.speaker, question.topic) == ("say", speaker, topic)


def test_when_it_was_said_is_an_occasion_the_words_need_not_name() -> None:
    # Over the held-out RealTime QA pages this was not read as a "what did X say" question
    # at all, and answered with others' words about the primary.
    question = parse("What did Liz Cheney say after losing the primary to Harriet Hageman?")
    assert (question.kind, question.speaker, question.topic) == ("say", "Liz Cheney", None)
    question = parse("What did the minister say during the debate?")
    assert (question.kind, question.speaker, question.topic) == ("say", "the minister", None)


def test_what_follows_say_or_think_is_another_question() -> None:
    # These ask about the war and the pact, not for what "people" or Putin said about them.
    assert parse("What did people think the war would cost?").kind != "say"
    assert parse("What did Putin say the pact means?").kind != "say"


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Japanese", True),
        ("South Korea’s", True),
        ("US", True),
        ("British", True),
        ("Italy", True),
        ("French Open", False),
        ("New Jersey", False),
        ("Putin", False),
        ("Bosnia", True),
        ("Heard", False),
    ],
)
def test_a_country_or_its_people_tell_little_about_which_story(name: str, country: bool) -> None:
    # Such names do not decide whether a cited article is on the question's story.
    assert names_a_country(name) is country
