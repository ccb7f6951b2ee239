"""The boilerplate rules one by one, `clean_text`, dates and outlet detection."""

from __future__ import annotations

import pytest

from retrieval.ingest import CLEANING_RULES, Action, clean_text
from retrieval.ingest.cleaning import boilerplate_match, rule_by_name
from retrieval.ingest.dates import normalize_date
from retrieval.ingest.outlets import outlet_from_text, outlet_from_url, split_title_outlet

# rule name -> (boilerplate the rule removes, a real sentence near it that must survive)
RULE_SAMPLES: dict[str, tuple[str, str]] = {
    "short_url": ("Short Url", "Short URLs hide where a link leads, researchers said."),
    "updated": ("Updated 24 June 2024", "Updated figures showed growth of 2% in June 2024."),
    "follow": ("Follow", "Follow-up talks are planned for next week."),
    "ft_digest_promo": (
        "Unlock the Editor’s Digest without cost",
        "The editor's digest of court rulings was published on Monday.",
    ),
    "ft_editor_picks": (
        "Roula Khalaf, Editor of the FT, selects her favourite stories in this weekly newsletter.",
        "Roula Khalaf, the FT's editor, said the paper would expand its Asia coverage.",
    ),
    "ft_myft_digest": (
        "Simply sign up to the Russian politics myFT Digest -- delivered directly to your inbox.",
        "Stay informed about the risks, the regulator told investors.",
    ),
    "photo_credit_caption": (
        "Protesters march through central London on Saturday. (AP Photo/Alberto Pezzali)",
        "The AP reported that protesters marched through central London on Saturday.",
    ),
    "ad_feedback_question": (
        "1. How relevant is this ad to you?",
        "How relevant is this advert to voters? Pollsters disagree.",
    ),
    "ad_feedback_issues": (
        "Video player was slow to load content Video content never loaded Ad froze or did not "
        "finish loading Video content did not start after ad Audio on ad was too loud Other issues",
        "The video player froze during the broadcast, viewers said.",
    ),
    "ad_feedback": (
        "Video Ad Feedback 01:15 - Source: CNN See the severe flooding",
        "Ad feedback from viewers was mostly negative, the network said.",
    ),
    "video_player": (
        "JUST WATCHED Heat dome bakes Southeast Replay More Videos ... MUST WATCH Heat dome bakes "
        "Southeast 02:19",
        "Viewers just watched the final replay of the match on Sunday.",
    ),
    "video_player_inline": (
        "JUST WATCHED Storm hits coast Replay More Videos ... MUST WATCH Storm hits coast 01:12",
        "The storm hit the coast on Monday.",
    ),
    "photo_gallery": (
        "Photos: Floods in Europe Cars are covered by debris in Hagen. Hide Caption 37 of 38",
        "Photos of the floods showed cars covered by debris in Hagen, Germany.",
    ),
    "advertisement": (
        "Advertisement - Article continues below",
        "Advertisement spending fell 4% last year, the agency said.",
    ),
    "read_more": (
        "Read more: Senate candidates change tactics",
        "Read more than 100 pages of testimony, the judge told jurors.",
    ),
    "arrow_link": (
        "►Gas prices:Why are they higher?",
        "Gas prices rose for a third week: why are they higher, drivers asked.",
    ),
    "glued_link": (
        "You may like:Pentatonix brings its Christmas tour to the Yum Center",
        "Toyota (NYSE:TM) will begin leasing vehicles to Uber drivers later this year.",
    ),
    "newsletter_promo": (
        "Sign up for CNN's Wonder Theory science newsletter. Explore the universe with news.",
        "The company said its newsletter business grew by 12% last year.",
    ),
    "signup_here": (
        "Save better, spend better: Money tips delivered right to your inbox. Sign up here",
        "More than a million people signed up for the scheme, officials said.",
    ),
    "support_journalism": (
        "Support local journalism. Subscribe to azcentral.com today.",
        "The foundation will support local journalism with a $5 million fund.",
    ),
    "click_here": (
        "Click here to read our full review for free and apply in just 2 minutes.",
        "Users click on ads less often than a decade ago, the study found.",
    ),
    "contact_promo": (
        "Contact Karen Weintraub at kweintraub@usatoday.com.",
        "Contact between the two sides resumed in May, diplomats said.",
    ),
    "social_share": (
        "Share this article",
        "Shares in the company rose 5% on Tuesday.",
    ),
    "privacy_notice": (
        "We will use the details you have shared to manage your registration as described in "
        "our Privacy Policy.",
        "You can delete cookies and change browsers, the expert said.",
    ),
    "funding_notice": (
        "Our fact check work is supported in part by a grant from Facebook.",
        "The hospital received a grant from the state to expand its clinic.",
    ),
    "update_note": (
        "This story has been updated with additional developments.",
        "The story of the rescue has been told in a new film.",
    ),
    "contributor_credit": (
        "Contributing: Mike Snider, Elizabeth Weise, USA TODAY; The Associated Press",
        "Heavy rain contributed to the flooding in the region, officials said.",
    ),
    "content_partner": (
        "24/7 Wall Street is a USA TODAY content partner offering financial news and commentary.",
        "The two firms became content partners in 2019, the filing shows.",
    ),
    "affiliate_notice": (
        "Purchases you make through our links may earn us a commission.",
        "The commission will publish its report next month.",
    ),
    "copyright": (
        "© 2024 Example Times. All rights reserved.",
        "Copyright law in the EU changed in 2019 after a long debate.",
    ),
    "outlet_byline": ("New York CNN Business —", "CNN reported the figures on Monday."),
    "credit_line": ("Special to USA TODAY", "The Associated Press reported the figures."),
    "wire_credits": (
        "(Reporting by Jane Doe in London; Editing by John Roe)",
        "The report by the auditors was edited by the board.",
    ),
    "no_words": ("__________", "2024"),
}


def test_every_rule_has_a_sample() -> None:
    assert sorted(RULE_SAMPLES) == sorted(rule.name for rule in CLEANING_RULES)


@pytest.mark.parametrize("rule", CLEANING_RULES, ids=lambda rule: rule.name)
def test_rule_removes_its_boilerplate_and_keeps_prose(rule: object) -> None:
    boilerplate, prose = RULE_SAMPLES[rule.name]  # type: ignore[attr-defined]
    text = f"The council approved the budget on Monday.\n\n{boilerplate}\n\n{prose}"
    cleaned = clean_text(text)
    assert cleaned == f"The council approved the budget on Monday.\n\n{prose}"


@pytest.mark.parametrize(
    "name", [r.name for r in CLEANING_RULES if r.action is not Action.DROP_SPAN]
)
def test_line_rule_is_the_one_that_matches_its_sample(name: str) -> None:
    found = boilerplate_match(RULE_SAMPLES[name][0])
    assert found is not None
    assert found[0].name == name


def test_click_here_removes_only_its_sentence() -> None:
    text = (
        "Data on rank came from Niche. Click here for a complete explanation of the method. "
        "Income data came from the Census Bureau."
    )
    assert (
        clean_text(text) == "Data on rank came from Niche. Income data came from the Census Bureau."
    )


def test_wire_credits_leave_the_sentence_they_close() -> None:
    text = "Oil rose 2% on Monday, traders said. (Reporting by Jane Doe; Editing by John Roe)"
    assert clean_text(text) == "Oil rose 2% on Monday, traders said."


def test_click_here_sentence_with_abbreviation_is_removed_whole() -> None:
    text = "Click here to follow the latest news from Monday, Feb. 28, as talks go on. Next, rain."
    assert clean_text(text) == "Next, rain."


def test_inline_video_player_is_cut_out_of_a_paragraph() -> None:
    text = (
        "Rain fell all day. JUST WATCHED Storm hits coast Replay More Videos ... MUST WATCH "
        "Storm hits coast 01:12 Roads were closed."
    )
    assert clean_text(text) == "Rain fell all day. Roads were closed."


@pytest.mark.parametrize(
    "line",
    ["CNN —", "Washington CNN —", "Colombo, Sri Lanka CNN —", "Reuters —", "London (CNN) —"],
)
def test_outlet_byline_drops_dateline_and_outlet_lines(line: str) -> None:
    assert clean_text(f"{line}\n\nThe storm hit the coast.") == "The storm hit the coast."


@pytest.mark.parametrize(
    "line",
    [
        "► Read the full story here.",
        "► MORE: What is social distancing? A glossary of COVID-19 terms.",
        "► Trouble in paradise: Cancún at 'imminent risk' of lockdown",
        "►Recalls database:Are there other recalled products you need to know about?",
    ],
)
def test_arrow_link_drops_links(line: str) -> None:
    cleaned = clean_text(f"Prices rose.\n{line}\nThey fell later.")
    assert cleaned == "Prices rose.\n\nThey fell later."


def test_arrow_bullets_that_are_news_stay_as_bullets() -> None:
    # Live blogs use "►" for news items; the old read_more rule deleted them as links.
    text = (
        "►At least 103 children have died, said Ukrainian Prosecutor General Iryna Venediktova.\n"
        "► France has recorded more than 100,000 virus infections in a single day."
    )
    assert clean_text(text).split("\n\n") == [
        "• At least 103 children have died, said Ukrainian Prosecutor General Iryna Venediktova.",
        "• France has recorded more than 100,000 virus infections in a single day.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Opinion:'Forgiving' student loans isn't motivated by kindness. It's all about politics.",
        "RIP:Children's author Shirley Hughes, known for her popular 'Alfie' series, dies at 94",
        "Read the whole story here:What does the progressive response to Biden's speech mean?",
        "Emmys 2021:'The Crown,' 'Mandalorian' top nominees; see all the major categories",
    ],
)
def test_glued_link_drops_links_to_other_stories(line: str) -> None:
    assert (
        clean_text(f"Prices rose.\n\n{line}\n\nThey fell later.")
        == "Prices rose.\n\nThey fell later."
    )


@pytest.mark.parametrize(
    "line",
    [
        # A roundup glues the place to a whole paragraph; the paragraph is news.
        "Phoenix:Gov. Doug Ducey has ousted and replaced all five members of the Arizona State "
        "Board of Massage Therapy in the wake of a newspaper's critical report about the "
        "occupational regulatory panel's handling of complaints about alleged sexual abuse.",
        "March 19:Tempe declared a state of emergency on Wednesday and shut down bars.",
        "1996:John Blake. Never a coordinator, but Blake was a defensive line coach at OU.",
        "Answer:Leadership is about creating a vision and getting others on board.",
        "The minister said: Prices will fall.",
    ],
)
def test_glued_link_keeps_news_with_a_colon(line: str) -> None:
    assert clean_text(f"Prices rose.\n\n{line}") == f"Prices rose.\n\n{line}"


@pytest.mark.parametrize(
    "line", ["USA TODAY", "USA TODAY Sports", "AP", "Associated Press", "By Associated Press"]
)
def test_credit_line_drops_outlet_only_lines(line: str) -> None:
    assert clean_text(f"{line}\n\nThe storm hit the coast.") == "The storm hit the coast."


def test_read_more_drops_a_labelled_link_list() -> None:
    text = "The team won.\nMore AP NFL: https://apnews.com/hub/NFL and https://twitter.com/AP_NFL"
    assert clean_text(text) == "The team won."


@pytest.mark.parametrize(
    "line",
    [
        # update_note
        "This story and headline have been updated with additional developments.",
        "This is a developing story and will be updated.",
        # contributor_credit
        "Contributing: The Associated Press",
        "From USA TODAY Network and wire reports",
        "– CNN’s Matt Egan and Michelle Watson contributed to this report.",
        "Republic reporter Alden Woods contributed to this article.",
    ],
)
def test_update_notes_and_contributor_credits_are_dropped(line: str) -> None:
    assert clean_text(f"The vote passed.\n\n{line}") == "The vote passed."


def test_relative_updated_line_is_dropped() -> None:
    assert clean_text("Updated 2 min 6 sec ago\nFollow\n\nBody text here.") == "Body text here."


def test_clean_text_normalizes_whitespace_and_invisible_characters() -> None:
    text = "\ufeffFirst\u200b line\xa0with  spaces.\r\n\r\n\tSecond\x00 line.\u2028Third."
    assert clean_text(text) == "First line with spaces.\n\nSecond line.\n\nThird."


def test_clean_text_keeps_bullets_as_their_own_paragraphs() -> None:
    text = "  • The deal was signed\n  • Talks lasted two days\nMOSCOW: The body starts."
    assert clean_text(text).split("\n\n") == [
        "• The deal was signed",
        "• Talks lasted two days",
        "MOSCOW: The body starts.",
    ]


def test_clean_text_rejoins_hard_wrapped_lines() -> None:
    text = (
        "The committee met on Tuesday to discuss the proposal and\n"
        "heard from several witnesses who had travelled from the\n"
        "north of the country to give evidence in person.\n"
    )
    assert clean_text(text) == (
        "The committee met on Tuesday to discuss the proposal and heard from several witnesses "
        "who had travelled from the north of the country to give evidence in person."
    )


def test_clean_text_keeps_short_lines_that_end_sentences_apart() -> None:
    assert clean_text("A landmark pact\nThe agreement was signed.") == (
        "A landmark pact\n\nThe agreement was signed."
    )


def test_clean_text_is_idempotent_on_real_boilerplate() -> None:
    text = "Read More\n\nThe vote passed.\nSign up here for the newsletter.\nIt was close."
    once = clean_text(text)
    assert once == "The vote passed.\n\nIt was close."
    assert clean_text(once) == once


def test_rule_by_name_rejects_unknown_names() -> None:
    assert rule_by_name("follow").action is Action.PAGE_MARKER
    with pytest.raises(KeyError):
        rule_by_name("no-such-rule")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("24 June 2024", "2024-06-24"),
        ("2022/06/12", "2022-06-12"),
        ("2024-03-08T14:30:00Z", "2024-03-08"),
        ("2024-06-24T23:30:00-05:00", "2024-06-24"),
        ("January 12, 2024", "2024-01-12"),
        ("Mon, 24 Jun 2024 10:00:00 GMT", "2024-06-24"),
        ("12.06.2022", "2022-06-12"),
        (1719223200, "2024-06-24"),
        (1719223200000, "2024-06-24"),
        ("June 2024", None),
        ("2024", None),
        ("yesterday", None),
        ("2024-02-30", None),
        ("", None),
        (None, None),
        (True, None),
        ("9999-01-01", None),
    ],
)
def test_normalize_date(value: object, expected: str | None) -> None:
    assert normalize_date(value) == expected


def test_outlet_signatures() -> None:
    assert outlet_from_text("Roula Khalaf, Editor of the FT, selects her stories") == (
        "Financial Times"
    )
    assert outlet_from_text("Headline\nShort Url\nUpdated 24 June 2024\nFollow\n") == "Arab News"
    assert outlet_from_text("Headline\n\nUpdated 6 sec ago\nFollow\n") == "Arab News"
    assert outlet_from_text("(CNN) The storm hit.") == "CNN"
    assert outlet_from_text("Please follow the instructions. Updated rules apply.") is None


def test_outlet_from_url_matches_subdomains_only_on_label_boundaries() -> None:
    assert outlet_from_url("https://edition.cnn.com/2024/x") == "CNN"
    assert outlet_from_url("https://www.usatoday.com/story") == "USA Today"
    assert outlet_from_url("https://notcnn.com/story") is None
    assert outlet_from_url("not a url") is None
    assert outlet_from_url(None) is None


def test_split_title_outlet_strips_only_known_outlets() -> None:
    assert split_title_outlet("'Squid Game' renewed - CNN") == ("'Squid Game' renewed", "CNN")
    assert split_title_outlet("Shares fall | CNN Business") == ("Shares fall", "CNN")
    assert split_title_outlet("Putin - the making of a leader") == (
        "Putin - the making of a leader",
        None,
    )
